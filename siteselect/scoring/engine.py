"""The scoring engine: from a decision matrix, weights and rules to a ranked result.

Order of work, which is also the order a planner reads the result in:

1. explicit exclusions, then gates on raw values (missing values fail a gate);
2. the missing-data policy on the candidates that remain ('worst', 'mean' or 'exclude');
3. normalisation over those candidates (min-max, z-score or rank; TOPSIS uses vector
   normalisation as Hwang and Yoon define it);
4. aggregation (weighted sum, weighted product or TOPSIS) to a 0-100 score;
5. ranks by descending score, scores within 1e-9 sharing a rank, ties listed by code.

Inputs are copied and never mutated; the result is immutable.  Numpy only, no I/O.
"""

from __future__ import annotations

import threading
import warnings as warnings_module
from collections import OrderedDict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np

from siteselect.errors import InputError, ScoringError
from siteselect.scoring import methods as _methods
from siteselect.scoring.gates import Gate
from siteselect.scoring.normalization import NORMALIZATIONS, minmax, normalize

LOWER = "lower_is_better"
HIGHER = "higher_is_better"
MISSING_POLICIES = ("worst", "mean", "exclude")
TIE_TOLERANCE = 1e-9


@dataclass(frozen=True)
class GateFailure:
    """One gate a candidate failed, with its value (None when missing, so not checkable)."""

    gate: Gate
    value: float | None

    def __str__(self) -> str:
        if self.value is None:
            return f"gate {self.gate}: value missing, cannot be checked"
        return f"gate {self.gate}: value {self.value:g}"


@dataclass(frozen=True)
class Exclusion:
    """A candidate left out of the ranking, and why.

    ``reason`` is the plain-text record; for a candidate failing gates it names every gate it
    failed, in the order the gates were given ("gate a<=1: value 2; gate b>=3: value ..."),
    and ``failed_gates`` holds the same as data.
    """

    alternative: str
    reason: str
    failed_gates: tuple[GateFailure, ...] = ()


@dataclass(frozen=True)
class RankedRow:
    """One ranked candidate, as dictionaries keyed by criterion id."""

    rank: int
    alternative: str
    score: float
    values: dict[str, float | None]  # None where the input value is missing
    normalized: dict[str, float]
    contributions: dict[str, float]
    imputed: tuple[str, ...]


@dataclass(frozen=True, eq=False)
class ScoringResult:
    """The outcome of :func:`score`; arrays are in rank order and read-only.

    Attributes
    ----------
    alternatives : candidates in rank order.
    ranks, scores : competition ranks (1, 2, 2, 4) and 0-100 scores.
    criteria : ids of the criteria with weight > 0, in input order.
    weights : effective weight per criterion (summing to 1).
    values : raw values used (after the missing-data policy), alternatives x criteria.
    raw_missing : True where the input value was missing (and was imputed).
    normalized, contributions : 0-1 values and points per criterion.
    excluded : candidates left out (exclusions, gates, missing data) with reasons.
    missing : (alternative, criterion) pairs with a missing input value, for every candidate
        that passed the gates, whatever the policy did with it.
    warnings : plain-language notes such as a criterion with zero spread.

    The per-criterion matrices are put in rank order when first read, so that a caller who
    needs only the ranking (a weight sweep, a live slider) does not pay for reordering them.
    """

    method: str
    normalization: str
    missing_policy: str
    ranks: np.ndarray
    scores: np.ndarray
    criteria: tuple[str, ...]
    weights: dict[str, float]
    excluded: tuple[Exclusion, ...]
    missing: tuple[tuple[str, str], ...]
    warnings: tuple[str, ...]
    gates: tuple[Gate, ...] = ()
    # the ranked candidates' codes, and candidates x criteria, in input order; the rank order
    _codes: np.ndarray = field(default_factory=lambda: np.empty(0, dtype=object), repr=False)
    _order: np.ndarray = field(default_factory=lambda: np.empty(0, dtype=np.intp), repr=False)
    _values: np.ndarray = field(default_factory=lambda: np.empty((0, 0)), repr=False)
    _raw_missing: np.ndarray = field(default_factory=lambda: np.empty((0, 0), bool), repr=False)
    _normalized: np.ndarray = field(default_factory=lambda: np.empty((0, 0)), repr=False)
    _weights: np.ndarray = field(default_factory=lambda: np.empty(0), repr=False)
    _lower: np.ndarray = field(default_factory=lambda: np.empty(0, bool), repr=False)

    def __post_init__(self) -> None:
        for arr in (self.ranks, self.scores):
            arr.setflags(write=False)

    def _ranked(self, arr: np.ndarray) -> np.ndarray:
        out = arr[self._order]
        out.setflags(write=False)
        return out

    @cached_property
    def alternatives(self) -> tuple[str, ...]:
        """Candidates in rank order."""
        return tuple(self._codes[self._order].tolist())

    @cached_property
    def values(self) -> np.ndarray:
        """Raw values used (after the missing-data policy), rank order x criteria."""
        return self._ranked(self._values)

    @cached_property
    def raw_missing(self) -> np.ndarray:
        """True where the input value was missing (and was imputed)."""
        return self._ranked(self._raw_missing)

    @cached_property
    def normalized(self) -> np.ndarray:
        """Normalised values (0-1, 1 = best; vector-normalised for TOPSIS)."""
        return self._ranked(self._normalized)

    @cached_property
    def contributions(self) -> np.ndarray:
        """Each criterion's contribution in points: 100 x weight x normalised value.

        TOPSIS's vector-normalised values are not oriented (a high energy cost is a high
        value), so under TOPSIS the points use each state's position between the anti-ideal
        (0) and the ideal (1) candidate instead -- the min-max position of its figure, which is
        also (v - v-) / (v+ - v-) for the weighted vector-normalised values v.  More points
        always means better, under every method.
        """
        n = self.normalized
        if self.method == "topsis":
            n = self._ranked(minmax(self._values, self._lower)[0])
        out = _methods.contributions(n, self._weights)
        out.setflags(write=False)
        return out

    @cached_property
    def _index(self) -> dict[str, int]:
        return {a: i for i, a in enumerate(self.alternatives)}

    def __len__(self) -> int:
        return int(self.scores.size)

    def position(self, alternative: str) -> int | None:
        """Row index of a ranked candidate, None if it was not ranked."""
        return self._index.get(alternative)

    def row(self, i: int) -> RankedRow:
        """The i-th ranked candidate as dictionaries."""
        crit = self.criteria
        return RankedRow(
            rank=int(self.ranks[i]),
            alternative=self.alternatives[i],
            score=float(self.scores[i]),
            values={
                c: None if self.raw_missing[i, j] else float(self.values[i, j])
                for j, c in enumerate(crit)
            },
            normalized={c: float(self.normalized[i, j]) for j, c in enumerate(crit)},
            contributions={c: float(self.contributions[i, j]) for j, c in enumerate(crit)},
            imputed=tuple(c for j, c in enumerate(crit) if self.raw_missing[i, j]),
        )

    def rows(self, top: int | None = None) -> list[RankedRow]:
        """Ranked candidates as :class:`RankedRow`, the first ``top`` only if given."""
        n = len(self) if top is None else min(top, len(self))
        return [self.row(i) for i in range(n)]

    def exclusion_reason(self, alternative: str) -> str | None:
        """Why a candidate is not ranked, None if it is."""
        for e in self.excluded:
            if e.alternative == alternative:
                return e.reason
        return None


def effective_weights(criteria: Sequence[str], weights: Sequence[float]) -> np.ndarray:
    """Validate non-negative weights and normalise them to sum 1.

    Raises
    ------
    InputError
        For a negative, non-finite or all-zero weighting.
    """
    w = np.asarray(weights, dtype=float)
    if w.shape != (len(criteria),):
        raise InputError(f"Expected {len(criteria)} weights, got {w.size}.")
    if w.size == 0:
        raise InputError("All weights are zero: give at least one criterion a weight above 0.")
    # Two reductions check everything: the minimum is NaN if any weight is NaN and negative if
    # any is negative; the maximum is infinite if any is.  Only a failure pays for the names.
    low, top = w.min(), w.max()
    if not (low >= 0 and top < np.inf):
        with np.errstate(invalid="ignore"):
            bad_mask = ~np.isfinite(w) | (w < 0)
        bad = [c for c, b in zip(criteria, bad_mask.tolist(), strict=True) if b]
        raise InputError(
            "Weights must be non-negative numbers; check " + ", ".join(sorted(bad)) + "."
        )
    if top <= 0:
        raise InputError("All weights are zero: give at least one criterion a weight above 0.")
    # Scaled by the largest first, so that huge weights (1e308) cannot overflow the sum and
    # tiny ones (1e-320) keep their proportions.
    w = w / top
    return w / w.sum()


def _as_directions(directions: Sequence[str] | np.ndarray, m: int) -> np.ndarray:
    if isinstance(directions, np.ndarray) and directions.dtype == bool:
        lower = directions.copy()
    else:
        seq = directions.tolist() if isinstance(directions, np.ndarray) else list(directions)
        if seq and all(isinstance(d, bool | np.bool_) for d in seq):
            lower = np.array(seq, dtype=bool)
        else:
            unknown = {d for d in seq if d != LOWER and d != HIGHER}
            if unknown:
                raise InputError(
                    f"Unknown direction(s) {sorted(map(str, unknown))}; use {LOWER} or {HIGHER}."
                )
            lower = np.array([d == LOWER for d in seq], dtype=bool)
    if lower.shape != (m,):
        raise InputError(f"Expected {m} directions, got {lower.size}.")
    return lower


#: Code arrays of recently scored candidate tuples, by identity: re-scoring the same candidates
#: (a slider move, a weight sweep) skips re-checking that 100,000 codes are unique.  Each entry
#: holds its tuple, so the id cannot be reused while the entry exists.
_CODES_CACHE: OrderedDict[int, tuple[tuple[str, ...], np.ndarray]] = OrderedDict()
_CODES_CACHE_SIZE = 4
_CODES_LOCK = threading.Lock()  # scoring may run on worker threads


def _codes_array(alternatives: Sequence[str]) -> np.ndarray:
    """Candidate codes as a read-only object array, checked to be unique.

    Raises
    ------
    InputError
        If a code appears twice.
    """
    if isinstance(alternatives, tuple):
        with _CODES_LOCK:
            hit = _CODES_CACHE.get(id(alternatives))
            if hit is not None and hit[0] is alternatives:
                _CODES_CACHE.move_to_end(id(alternatives))
                return hit[1]
    codes = list(alternatives)
    if len(set(codes)) != len(codes):
        counts: dict[str, int] = {}
        for c in codes:
            counts[c] = counts.get(c, 0) + 1
        dupes = sorted(c for c, k in counts.items() if k > 1)
        raise InputError(f"Alternative codes must be unique; repeated: {', '.join(dupes)}.")
    arr = np.array(codes, dtype=object)
    arr.setflags(write=False)
    if isinstance(alternatives, tuple):
        with _CODES_LOCK:
            _CODES_CACHE[id(alternatives)] = (alternatives, arr)
            while len(_CODES_CACHE) > _CODES_CACHE_SIZE:
                _CODES_CACHE.popitem(last=False)
    return arr


def _by_code(indices: np.ndarray, codes: np.ndarray) -> list[int]:
    """Row indices ordered by code, so that lists of states never depend on input order."""
    return sorted((int(i) for i in indices), key=lambda i: str(codes[i]))


def competition_ranks(
    scores: np.ndarray, codes: np.ndarray, tol: float = TIE_TOLERANCE
) -> tuple[np.ndarray, np.ndarray]:
    """Order by descending score, ties (within ``tol``) by code; ranks as 1, 2, 2, 4.

    Returns (order, ranks) where ``order`` indexes the input and ``ranks`` follows ``order``.
    """
    n = scores.size
    # Any sort will do: candidates with equal scores are put in code order below.
    order = np.argsort(-scores)
    s = scores[order]
    new_group = np.empty(n, dtype=bool)
    if n:
        new_group[0] = True
        new_group[1:] = (s[:-1] - s[1:]) > tol
    if new_group.all():  # no ties, the usual case: ranks are the positions
        return order, np.arange(1, n + 1)
    # Only tied runs need the code tie-break.
    group = np.cumsum(new_group)
    tied = np.flatnonzero(~new_group)
    tied = np.unique(np.concatenate([tied, tied - 1]))
    sub = order[tied]
    sub_order = np.lexsort((codes[sub], group[tied]))
    order[tied] = sub[sub_order]
    starts = np.where(new_group, np.arange(n), 0)
    return order, np.maximum.accumulate(starts) + 1


def _nothing_left_message(excluded: Sequence[Exclusion]) -> str:
    """Why no candidate is left, counted by cause, so the planner knows what to loosen."""
    if not excluded:
        return "Nothing is left to rank: no candidates were given."
    causes: dict[str, int] = {}
    for e in excluded:
        # A candidate failing several gates counts against each: each gate alone removes it.
        if e.failed_gates:
            for f in e.failed_gates:
                cause = f"the gate {f.gate} fails"
                causes[cause] = causes.get(cause, 0) + 1
            continue
        if e.reason.startswith("missing data"):
            cause = "the missing-data policy 'exclude' removed"
        else:
            cause = "the exclusion list removed"
        causes[cause] = causes.get(cause, 0) + 1
    return "Nothing is left to rank: " + "; ".join(
        f"{cause} {count}" for cause, count in causes.items()
    ) + "."


@dataclass(frozen=True, eq=False)
class DecisionMatrix:
    """Candidates x criteria with each criterion's direction, validated once and read-only.

    Build it with :meth:`build`; a dataset builds its own once and scores it many times (a
    slider move, a weight sweep) without checking the figures again.  What-if figures make a
    new matrix with :meth:`with_values`.
    """

    values: np.ndarray  # candidates x criteria, column-major, NaN = missing; read-only
    alternatives: tuple[str, ...]
    criteria: tuple[str, ...]
    lower: np.ndarray  # True where lower is better; read-only
    all_finite: bool
    _codes: np.ndarray = field(repr=False)
    _col: dict[str, int] = field(repr=False)

    @classmethod
    def build(
        cls,
        matrix: np.ndarray | Sequence[Sequence[float]],
        alternatives: Sequence[str],
        criteria: Sequence[str],
        directions: Sequence[str] | np.ndarray,
    ) -> DecisionMatrix:
        """Copy and check: shape, figures finite or NaN, unique codes and ids, directions.

        Raises
        ------
        InputError
            Naming what is wrong (the candidate and criterion of an infinite figure, the
            repeated codes, an unknown direction).
        """
        # A copy, so the caller's matrix is never touched; column-major because every step
        # (normalisation, gates, imputation) works criterion by criterion.
        x = np.array(matrix, dtype=float, order="F")
        codes = _codes_array(alternatives)
        crit = tuple(criteria)
        if x.ndim != 2 or x.shape != (codes.size, len(crit)):
            raise InputError(
                f"The decision matrix is {x.shape}, expected {codes.size} x {len(crit)}."
            )
        all_finite = bool(np.isfinite(x).all())
        if not all_finite and np.isinf(x).any():
            bad_row, bad_col = (int(k[0]) for k in np.nonzero(np.isinf(x)))
            raise InputError(
                f"The value of {crit[bad_col]} for {codes[bad_row]} is infinite; values must "
                "be finite numbers (NaN where missing)."
            )
        if len(set(crit)) != len(crit):
            raise InputError("Criterion ids must be unique.")
        lower = _as_directions(directions, len(crit))
        x.setflags(write=False)
        lower.setflags(write=False)
        alts = alternatives if isinstance(alternatives, tuple) else tuple(alternatives)
        return cls(x, alts, crit, lower, all_finite, codes, {c: j for j, c in enumerate(crit)})

    def column(self, criterion: str) -> int:
        try:
            return self._col[criterion]
        except KeyError:
            raise InputError(f"Unknown criterion id {criterion!r}.") from None

    def with_values(self, changes: Iterable[tuple[str, str, float]]) -> DecisionMatrix:
        """A copy with (alternative, criterion, value) figures replaced (what-if values).

        Raises
        ------
        InputError
            For an unknown candidate or criterion, or a value that is not finite.
        """
        x = np.array(self.values, order="F")
        row = {a: i for i, a in enumerate(self.alternatives)}
        for alt, cid, value in changes:
            if alt not in row:
                raise InputError(f"Unknown candidate {alt!r} in a changed figure.")
            v = float(value)
            if not np.isfinite(v):
                raise InputError(f"The changed figure of {cid} for {alt} must be finite.")
            x[row[alt], self.column(cid)] = v
        x.setflags(write=False)
        return DecisionMatrix(x, self.alternatives, self.criteria, self.lower,
                              bool(np.isfinite(x).all()), self._codes, self._col)


def score(
    matrix: np.ndarray | Sequence[Sequence[float]],
    alternatives: Sequence[str],
    criteria: Sequence[str],
    directions: Sequence[str] | np.ndarray,
    weights: Mapping[str, float] | Sequence[float],
    *,
    method: str = "wsm",
    normalization: str = "minmax",
    gates: Iterable[Gate] = (),
    exclude: Iterable[str] = (),
    missing: str = "worst",
) -> ScoringResult:
    """Score and rank alternatives.

    Parameters
    ----------
    matrix : alternatives x criteria, NaN where a value is missing.
    alternatives : unique codes, one per row.
    criteria : unique ids, one per column.
    directions : per criterion ``"lower_is_better"``/``"higher_is_better"`` (or booleans, True =
        lower is better).
    weights : non-negative weights, by id or in column order; criteria with weight 0 take no
        part (they are not normalised and do not trigger missing-data handling).
    method : ``"wsm"`` (default), ``"wpm"`` or ``"topsis"``.
    normalization : ``"minmax"`` (default), ``"zscore"`` or ``"rank"``; TOPSIS always uses vector
        normalisation and reports ``"vector"``.
    gates : thresholds on raw values; failing or missing means excluded.
    exclude : codes left out by the planner.
    missing : ``"worst"`` (default), ``"mean"`` or ``"exclude"``.

    Raises
    ------
    InputError
        For malformed inputs (unknown ids, negative weights, all weights zero, ...).
    ScoringError
        When no candidate is left to rank.
    """
    dm = DecisionMatrix.build(matrix, alternatives, criteria, directions)
    return score_matrix(dm, weights, method=method, normalization=normalization, gates=gates,
                        exclude=exclude, missing=missing)


def score_matrix(
    dm: DecisionMatrix,
    weights: Mapping[str, float] | Sequence[float],
    *,
    method: str = "wsm",
    normalization: str = "minmax",
    gates: Iterable[Gate] = (),
    exclude: Iterable[str] = (),
    missing: str = "worst",
) -> ScoringResult:
    """:func:`score` for a matrix already built and checked (see :class:`DecisionMatrix`).

    The steps, each a function below: check the options and weights; screen (exclusions,
    then every gate); keep the rows and weighted columns left; apply the missing-data policy;
    normalise and aggregate; rank.
    """
    _check_options(method, normalization, missing)
    w_norm = _weights(dm, weights)
    active = np.flatnonzero(w_norm > 0)
    gates = tuple(gates)
    keep, excluded, screened = _screen(dm, gates, exclude)
    x, kept_alts, crit_active, lower, w = _restrict(dm, keep, active, w_norm, screened)
    step = _apply_missing_policy(x, kept_alts, crit_active, lower, missing, dm.all_finite)
    excluded += step.excluded
    if step.codes.size == 0:
        raise ScoringError(_nothing_left_message(excluded))
    scores, n, used_norm, warnings = _aggregate(step, lower, w, method, normalization)
    return _ranked_result(scores, n, w, lower, step, excluded, warnings, gates, method,
                          used_norm, missing)


def _check_options(method: str, normalization: str, missing: str) -> None:
    if method not in _methods.METHODS:
        raise InputError(f"Unknown method {method!r}; choose one of {', '.join(_methods.METHODS)}.")
    if normalization not in NORMALIZATIONS:
        raise InputError(
            f"Unknown normalisation {normalization!r}; choose one of {', '.join(NORMALIZATIONS)}."
        )
    if missing not in MISSING_POLICIES:
        raise InputError(
            f"Unknown missing-data policy {missing!r}; choose one of {', '.join(MISSING_POLICIES)}."
        )


def _weights(dm: DecisionMatrix, weights: Mapping[str, float] | Sequence[float]) -> np.ndarray:
    """Shares per column (summing to 1), from weights by id or in column order."""
    if isinstance(weights, Mapping):
        unknown = sorted(set(weights) - set(dm._col))
        if unknown:
            raise InputError(f"Unknown criterion id(s) in the weights: {', '.join(unknown)}.")
        w_all = [float(weights.get(c, 0.0)) for c in dm.criteria]
    else:
        w_all = list(weights)
    return effective_weights(dm.criteria, w_all)


def _screen(dm: DecisionMatrix, gates: tuple[Gate, ...], exclude: Iterable[str]
            ) -> tuple[np.ndarray, list[Exclusion], bool]:
    """Rows kept after the planner's exclusions and the gates, why the others went, and
    whether anything was screened at all."""
    for g in gates:
        if g.criterion not in dm._col:
            raise InputError(f"Unknown criterion id {g.criterion!r} in the gate '{g}'.")
    alts = dm._codes
    excluded: list[Exclusion] = []
    keep = np.ones(alts.size, dtype=bool)
    exclude_set = set(exclude)
    if exclude_set:
        hit = np.flatnonzero(np.isin(alts, list(exclude_set)))
        unknown_alts = sorted(exclude_set - set(alts[hit].tolist()))
        if unknown_alts:
            raise InputError(f"Unknown code(s) to exclude: {', '.join(unknown_alts)}.")
        for i in _by_code(hit, alts):
            keep[i] = False
            excluded.append(Exclusion(str(alts[i]), "excluded by the planner"))

    # Every gate is checked on every candidate not excluded by the planner, so that a
    # candidate failing several gates is told all of them, not just the first.
    failures: dict[int, list[GateFailure]] = {}
    gated = np.zeros(alts.size, dtype=bool)
    for g in gates:
        values = dm.values[:, dm._col[g.criterion]]
        with np.errstate(invalid="ignore"):
            ok = g.passes(values)
        failing = keep & ~ok
        for i in np.flatnonzero(failing).tolist():
            v = float(values[i])
            failures.setdefault(i, []).append(GateFailure(g, None if np.isnan(v) else v))
        gated |= failing
    for i in _by_code(np.flatnonzero(gated), alts):
        failed = tuple(failures[int(i)])
        excluded.append(
            Exclusion(str(alts[i]), "; ".join(str(f) for f in failed), failed_gates=failed)
        )
    keep &= ~gated
    return keep, excluded, bool(exclude_set or gates)


def _restrict(dm: DecisionMatrix, keep: np.ndarray, active: np.ndarray, w_norm: np.ndarray,
              screened: bool) -> tuple[np.ndarray, np.ndarray, tuple[str, ...], np.ndarray,
                                       np.ndarray]:
    """The kept rows and weighted columns: (values, codes, criteria, directions, shares).

    Large inputs usually keep every row and column: then the matrix's own (read-only) array is
    used as it is rather than copied.
    """
    all_rows = bool(keep.all()) if screened else True
    all_cols = active.size == len(dm.criteria)
    if all_rows and all_cols:
        x, kept_alts = dm.values, dm._codes
    elif all_rows:
        x, kept_alts = dm.values[:, active], dm._codes
    else:
        x, kept_alts = dm.values[np.ix_(keep, active)], dm._codes[keep]
    if all_cols:
        return x, kept_alts, dm.criteria, dm.lower, w_norm
    return (x, kept_alts, tuple(dm.criteria[j] for j in active), dm.lower[active],
            w_norm[active])


@dataclass
class _Filled:
    """The matrix after the missing-data policy."""

    x: np.ndarray
    codes: np.ndarray
    criteria: tuple[str, ...]
    nan: np.ndarray  # True where the input figure was missing
    missing_pairs: tuple[tuple[str, str], ...]
    all_missing: np.ndarray  # per criterion: no candidate has a figure
    excluded: list[Exclusion]
    warnings: list[str]


def _apply_missing_policy(x: np.ndarray, kept_alts: np.ndarray, crit_active: tuple[str, ...],
                          lower: np.ndarray, missing: str, all_finite: bool) -> _Filled:
    """Fill or drop missing figures as the policy says, recording every pair affected."""
    if all_finite:
        nan = np.zeros(x.shape, dtype=bool)
        any_nan = False
    else:
        nan = np.isnan(x)
        any_nan = bool(nan.any())
    missing_pairs = tuple(sorted(
        (str(kept_alts[i]), crit_active[j]) for i, j in zip(*np.nonzero(nan), strict=True)
    )) if any_nan else ()
    warnings: list[str] = []
    excluded: list[Exclusion] = []
    all_missing: np.ndarray = np.zeros(len(crit_active), dtype=bool)

    if any_nan and missing == "exclude":
        bad_rows = nan.any(axis=1)
        for i in _by_code(np.flatnonzero(bad_rows), kept_alts):
            names = ", ".join(crit_active[j] for j in np.flatnonzero(nan[i]))
            excluded.append(Exclusion(str(kept_alts[i]), f"missing data: {names}"))
        x, kept_alts, nan = x[~bad_rows], kept_alts[~bad_rows], nan[~bad_rows]
        any_nan = False

    if any_nan and kept_alts.size:
        all_missing = np.asarray(nan.all(axis=0))
        for j in np.flatnonzero(all_missing):
            warnings.append(
                f"{crit_active[j]}: no candidate has a value; it cannot separate them"
                + (" and gives no points." if missing != "exclude" else ".")
            )
        with np.errstate(invalid="ignore"), warnings_module.catch_warnings():
            warnings_module.simplefilter("ignore", RuntimeWarning)  # all-NaN columns
            if missing == "mean":
                fill = np.nanmean(x, axis=0)
            else:  # worst
                fill = np.where(lower, np.nanmax(x, axis=0), np.nanmin(x, axis=0))
        fill = np.where(np.isnan(fill), 0.0, fill)
        x = np.where(nan, fill, x)
        counts = nan.sum(axis=0)
        for j in np.flatnonzero(counts):
            if not all_missing[j]:
                who = ", ".join(sorted(kept_alts[nan[:, j]].tolist())[:12])
                more = "" if counts[j] <= 12 else f" and {counts[j] - 12} more"
                how = "the mean of the candidates" if missing == "mean" else "the worst candidate"
                warnings.append(
                    f"{crit_active[j]}: missing for {who}{more}; scored as {how}."
                )
    return _Filled(x, kept_alts, crit_active, nan, missing_pairs, all_missing, excluded,
                   warnings)


def _aggregate(step: _Filled, lower: np.ndarray, w: np.ndarray, method: str,
               normalization: str) -> tuple[np.ndarray, np.ndarray, str, list[str]]:
    """0-100 scores, the normalised values, the normalisation used, and the warnings."""
    x = step.x
    if method == "topsis":
        scores, n = _methods.topsis(x, w, lower)
        used_norm = "vector"
        flat = np.flatnonzero(x.max(axis=0) == x.min(axis=0))
    else:
        n, flat = normalize(x, lower, normalization)
        used_norm = normalization
        if method == "wsm" and step.all_missing.any():
            # A criterion no candidate has a figure for gives nobody points (it would
            # otherwise count as "all equally best").
            n[:, step.all_missing] = 0.0
        aggregate = _methods.weighted_sum if method == "wsm" else _methods.weighted_product
        scores = aggregate(n, w)
    warnings = list(step.warnings)
    for j in flat:
        if step.all_missing[j]:
            continue
        warnings.append(
            f"{step.criteria[j]}: every candidate has the same value; it does not separate them."
        )
    return scores, n, used_norm, warnings


def _ranked_result(scores: np.ndarray, n: np.ndarray, w: np.ndarray, lower: np.ndarray,
                   step: _Filled, excluded: list[Exclusion], warnings: list[str],
                   gates: tuple[Gate, ...], method: str, used_norm: str, missing: str
                   ) -> ScoringResult:
    x, nan, kept_alts, crit_active = step.x, step.nan, step.codes, step.criteria
    missing_pairs = step.missing_pairs
    # Weights that sum to 1 only up to rounding can put the best candidate at 100.00000000000001.
    np.clip(scores, 0.0, 100.0, out=scores)
    order, ranks = competition_ranks(scores, kept_alts)
    top = int(np.count_nonzero(ranks == 1)) if ranks.size else 0
    if top > 1:
        warnings = [*warnings, (
            f"all {top} candidates tie at rank 1: the weighted criteria do not separate them"
            if top == ranks.size else f"{top} candidates tie at rank 1 with equal scores")]
    for arr in (x, nan, n, w):
        arr.setflags(write=False)
    return ScoringResult(
        method=method,
        normalization=used_norm,
        missing_policy=missing,
        ranks=ranks,
        scores=scores[order],
        criteria=crit_active,
        weights={c: float(v) for c, v in zip(crit_active, w, strict=True)},
        excluded=tuple(excluded),
        missing=missing_pairs,
        warnings=tuple(warnings),
        gates=gates,
        _codes=kept_alts,
        _order=order,
        _values=x,
        _raw_missing=nan,
        _normalized=n,
        _weights=w,
        _lower=lower,
    )
