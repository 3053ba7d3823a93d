"""How sure is a ranking: many weight vectors scored at once, stability intervals, tornado.

Everything here starts from a :class:`~siteselect.scoring.ScoringResult`: the candidates it
ranked, the figures it used (after the missing-data policy), the active criteria and their
directions, the method and the normalisation.  Only the weights vary; gates, exclusions, the
missing-data policy, the method and the normalisation stay as they were set, because
normalisation is done per criterion and never depends on the weights.

* :func:`batch_scores` scores one set of candidates under many weight vectors at once (a
  matrix product for the weighted sum and product, two for TOPSIS).
* :func:`monte_carlo` draws weight vectors (Dirichlet around the current shares, or uniform on
  the simplex as in SMAA-2 without preference information) and reports each candidate's rank
  range, chance of the top K, chance of first place and rank acceptabilities.
* :func:`stability_intervals` gives, per criterion, the range of its weight share (the other
  weights keeping their proportions) within which the first place, and the top-K set, stay the
  same: exact for the weighted sum and product (scores are linear in the share, or monotone in
  a linear function of it), by a sweep refined by bisection for TOPSIS.
* :func:`tornado` ranks one candidate with each criterion's weight 50 % lower and higher.

Numpy only, no I/O.  Long runs take ``progress(fraction)`` and ``cancelled()`` callables.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from siteselect.errors import InputError, ScoringError
from siteselect.scoring import methods as _methods
from siteselect.scoring.engine import TIE_TOLERANCE, ScoringResult
from siteselect.scoring.normalization import normalize, vector

SPREADS = ("dirichlet", "uniform")
#: Dirichlet concentration: draws are Dirichlet(C * w) around the current shares w.  With
#: C = 100 a criterion holding 20 % of the weight varies with a standard deviation of about
#: 4 points of share (sqrt(w (1 - w) / (C + 1))).
DEFAULT_CONCENTRATION = 100.0
DEFAULT_DRAWS = 10_000
DEFAULT_TOP_K = 10
#: How stability intervals are stated.
STABILITY_CONVENTION = (
    "range of one criterion's share of the total weight (0-1) within which the result holds, "
    "the other criteria keeping their proportions to each other; a tie counts as holding"
)
TOPSIS_TOLERANCE = 1e-4
#: Scores held at once (candidates x weight vectors in a block): bounds the memory of a run
#: to a few arrays of this many numbers, whatever the number of draws.
BLOCK_CELLS = 2_000_000

ProgressFn = Callable[[float], None]
CancelFn = Callable[[], bool]


class Cancelled(ScoringError):
    """A long run was cancelled before it finished."""


@dataclass(frozen=True)
class Problem:
    """A scored ranking with its weights taken out: what :func:`batch_scores` needs."""

    alternatives: tuple[str, ...]  # the ranked candidates, in input order
    criteria: tuple[str, ...]  # the criteria with weight > 0
    weights: np.ndarray  # their shares (sum 1)
    method: str
    prepared: np.ndarray  # normalised values (wsm), log terms (wpm), vector-normalised (topsis)
    best: np.ndarray  # topsis: per-criterion ideal and anti-ideal of the vector-normalised values
    worst: np.ndarray

    @classmethod
    def from_result(cls, result: ScoringResult) -> Problem:
        values = np.asarray(result._values, dtype=float)
        lower = np.asarray(result._lower, dtype=bool)
        empty = np.empty(0)
        if result.method == "topsis":
            vn, _ = vector(values)
            hi, lo = vn.max(axis=0), vn.min(axis=0)
            prepared = np.ascontiguousarray(vn)
            best, worst = np.where(lower, lo, hi), np.where(lower, hi, lo)
        else:
            n, _ = normalize(values, lower, result.normalization)
            if result.method == "wpm":
                prepared = np.log(n * (1.0 - _methods.WPM_FLOOR) + _methods.WPM_FLOOR)
            else:
                prepared = np.ascontiguousarray(n, dtype=float)
            best = worst = empty
        return cls(
            alternatives=tuple(str(a) for a in result._codes.tolist()),
            criteria=tuple(result.criteria),
            weights=np.asarray(result._weights, dtype=float).copy(),
            method=result.method,
            prepared=prepared,
            best=best,
            worst=worst,
        )

    def scores(self, w: np.ndarray) -> np.ndarray:
        """Scores (candidates x vectors) for weight vectors ``w`` (vectors x criteria)."""
        return batch_scores(self, w)


def batch_scores(problem: Problem, w: np.ndarray) -> np.ndarray:
    """0-100 scores of every candidate (rows) under every weight vector (columns of ``w.T``).

    Matches :func:`siteselect.scoring.score` for each vector (to rounding).
    """
    return _scores_by_vector(problem, w).T


def _scores_by_vector(problem: Problem, w: np.ndarray, out: np.ndarray | None = None
                      ) -> np.ndarray:
    """Scores as vectors x candidates (C order): each vector's scores lie side by side.

    ``out``, when given, receives the weighted sum's scores without a new array.
    """
    w = np.atleast_2d(np.asarray(w, dtype=float))
    p = problem.prepared
    if problem.method == "wsm":
        out = np.matmul(w, p.T, out=out[: w.shape[0]] if out is not None else None)
        out *= 100.0
    elif problem.method == "wpm":
        out = np.exp(w @ p.T)
        out *= 100.0
    else:
        w2 = w * w
        d_plus = np.sqrt(w2 @ ((p - problem.best) ** 2).T)
        d_minus = np.sqrt(w2 @ ((p - problem.worst) ** 2).T)
        total = d_plus + d_minus
        out = np.divide(d_minus, total, out=np.ones_like(total), where=total > 0)
        out *= 100.0
    np.clip(out, 0.0, 100.0, out=out)
    return out


def ranks_of(scores: np.ndarray, tol: float = TIE_TOLERANCE) -> np.ndarray:
    """Competition ranks (1, 2, 2, 4) of each column of ``scores`` (candidates x vectors).

    Scores run from 0 to 100, as :func:`batch_scores` gives them; scores within ``tol`` of
    the next higher one share its rank, as in :func:`siteselect.scoring.score`.

    Each score is packed with its row number into one unsigned 64-bit key -- the score, turned
    round so that the best sorts first, in the high bits at a resolution far finer than
    ``tol`` (100 / 2**47 at 100,000 candidates), the row in the low bits -- so that one plain
    sort per column (vectorised for 64-bit integers) gives the order and the grouping of ties
    at once, several times faster than an argsort of the floats.
    """
    return _ranks_by_vector(np.ascontiguousarray(scores.T), tol).T


def _ranks_by_vector(s: np.ndarray, tol: float = TIE_TOLERANCE) -> np.ndarray:
    """:func:`ranks_of` for scores laid out vectors x candidates; ranks in the same layout."""
    d, n = s.shape
    out = np.empty((d, n), dtype=np.int32)
    if n == 0:
        return out
    _ranks_into(np.array(s, dtype=float), out, _Workspace(d, n, np.int32), tol)
    return out


class _Workspace:
    """Buffers reused from block to block: fresh memory is slow to touch the first time, and
    a run of 10,000 draws at 3,142 candidates would otherwise fault in a gigabyte."""

    def __init__(self, d: int, n: int, rank_dtype: type = np.int32) -> None:
        self.key = np.empty((d, n), dtype=np.int64)
        self.gaps = np.empty((d, max(n - 1, 0)), dtype=np.int64)
        self.scores = np.empty((d, n), dtype=float)
        self.rows = np.arange(n, dtype=np.int64)
        self.positions: np.ndarray = np.arange(1, n + 1, dtype=rank_dtype)
        self.vectors = np.arange(d)[:, None]


def _ranks_into(s: np.ndarray, out: np.ndarray, work: _Workspace,
                tol: float = TIE_TOLERANCE) -> None:
    """Write the competition ranks of each row of ``s`` (vectors x candidates, scores 0-100)
    into ``out``; ``s`` is used as scratch space."""
    d, n = s.shape
    row_bits = max(1, (n - 1).bit_length())
    score_bits = 63 - row_bits  # signed keys: float -> int64 conversion is vectorised
    if score_bits < 40 or score_bits > 52:
        out[...] = _ranks_by_argsort(s, tol)
        return
    # A margin keeps 100 + rounding inside the score bits.
    scale = float(2**score_bits - 1) / 100.0 * (1.0 - 1e-9)
    np.multiply(s, -scale, out=s)
    s += 100.0 * scale
    key = work.key[:d]
    np.copyto(key, s, casting="unsafe")  # truncation keeps the order; equal scores, equal keys
    key <<= row_bits
    key |= work.rows
    key.sort(axis=1)
    # Scores within tol are tied: their keys differ by less than (tol x scale + 1) << row_bits.
    gaps = work.gaps[:d]
    np.subtract(key[:, 1:], key[:, :-1], out=gaps)
    limit = (int(tol * scale) + 1) << row_bits
    order = key
    order &= (1 << row_bits) - 1
    if gaps.min(initial=np.iinfo(np.int64).max) >= limit:
        pos = np.broadcast_to(work.positions, (d, n))  # no ties: ranks are the positions
    else:
        new_group = np.empty((d, n), dtype=bool)
        new_group[:, 0] = True
        np.greater_equal(gaps, limit, out=new_group[:, 1:])
        pos = np.where(new_group, work.positions, work.positions.dtype.type(0))
        np.maximum.accumulate(pos, axis=1, out=pos)
    out[work.vectors[:d], order] = pos


def _scatter_ranks(order: np.ndarray, new_group: np.ndarray | None) -> np.ndarray:
    """Ranks (vectors x candidates) from each vector's order and the starts of tie groups."""
    d, n = order.shape
    if new_group is None:
        pos = np.broadcast_to(np.arange(1, n + 1, dtype=np.int32), (d, n))
    else:
        pos = np.where(new_group, np.arange(1, n + 1, dtype=np.int32), np.int32(0))
        np.maximum.accumulate(pos, axis=1, out=pos)
    ranks = np.empty((d, n), dtype=np.int32)
    np.put_along_axis(ranks, order, pos, axis=1)
    return ranks


def _ranks_by_argsort(s: np.ndarray, tol: float) -> np.ndarray:
    order = np.argsort(-s, axis=1)
    sorted_s = np.take_along_axis(s, order, axis=1)
    new_group = np.empty_like(sorted_s, dtype=bool)
    new_group[:, 0] = True
    np.greater(sorted_s[:, :-1] - sorted_s[:, 1:], tol, out=new_group[:, 1:])
    return _scatter_ranks(order, new_group)


@dataclass(frozen=True)
class DataSpread:
    """How far one criterion's figures may be off, drawn uniformly in each draw.

    ``kind``: ``"relative"`` (x (1 + u), u in [-amount, amount]), ``"absolute"`` (x + u) or
    ``"category"`` (a label up to ``amount`` steps either way among ``levels``, the sorted
    scores of the criterion's labels; each reachable label equally likely).
    """

    kind: str
    amount: float
    levels: tuple[float, ...] = ()


def _vary(x: np.ndarray, spread: DataSpread, rng: np.random.Generator) -> np.ndarray:
    """One criterion's figures (draws x candidates), each varied independently."""
    if spread.kind == "relative":
        return x * (1.0 + rng.uniform(-spread.amount, spread.amount, size=x.shape))
    if spread.kind == "absolute":
        return x + rng.uniform(-spread.amount, spread.amount, size=x.shape)
    levels = np.asarray(spread.levels, dtype=float)
    idx = np.clip(np.searchsorted(levels, x - 1e-12), 0, levels.size - 1)
    k = int(spread.amount)
    lo = np.maximum(idx - k, 0)
    hi = np.minimum(idx + k, levels.size - 1)
    pick = lo + np.floor(rng.random(x.shape) * (hi - lo + 1)).astype(np.intp)
    return levels[np.minimum(pick, hi)]


def _scores_with_varied_data(result: ScoringResult, varied: Mapping[str, DataSpread],
                             w: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Scores (draws x candidates) with each draw's figures varied, then normalised and
    aggregated exactly as the engine does for one weighting."""
    base = np.asarray(result._values, dtype=float)
    missing = np.asarray(result._raw_missing, dtype=bool)
    lower = np.asarray(result._lower, dtype=bool)
    d = w.shape[0]
    x = np.broadcast_to(base, (d, *base.shape)).copy()
    for j, cid in enumerate(result.criteria):
        spread = varied.get(cid)
        if spread is None:
            continue
        col = _vary(x[:, :, j], spread, rng)
        x[:, :, j] = np.where(missing[None, :, j], base[None, :, j], col)
    out = np.empty((d, base.shape[0]))
    for i in range(d):
        if result.method == "topsis":
            out[i] = _methods.topsis(x[i], w[i], lower)[0]
            continue
        n, _ = normalize(x[i], lower, result.normalization)
        aggregate = _methods.weighted_sum if result.method == "wsm" else _methods.weighted_product
        out[i] = aggregate(n, w[i])
    np.clip(out, 0.0, 100.0, out=out)
    return out


@dataclass(frozen=True)
class MonteCarloResult:
    """Rank statistics over the draws, per candidate (in the base ranking's order)."""

    alternatives: tuple[str, ...]
    base_rank: np.ndarray
    rank_min: np.ndarray
    rank_max: np.ndarray
    rank_p05: np.ndarray
    rank_p95: np.ndarray
    p_top_k: np.ndarray
    p_first: np.ndarray
    acceptability: np.ndarray  # candidates x ranks: share of draws at rank r + 1
    draws: int
    seed: int | None
    spread: str
    concentration: float | None
    top_k: int
    criteria: tuple[str, ...]
    data_spread: dict[str, DataSpread] = field(default_factory=dict)


def draw_weights(rng: np.random.Generator, base: np.ndarray, count: int, spread: str,
                 concentration: float) -> np.ndarray:
    """``count`` weight vectors (rows, each summing to 1) over the criteria of ``base``."""
    m = base.size
    if spread == "dirichlet":
        return rng.dirichlet(concentration * base, size=count)
    # Uniform on the simplex: Dirichlet(1, ..., 1).
    return rng.dirichlet(np.ones(m), size=count)


def monte_carlo(
    result: ScoringResult,
    *,
    draws: int = DEFAULT_DRAWS,
    seed: int | None = None,
    spread: str = "dirichlet",
    concentration: float = DEFAULT_CONCENTRATION,
    top_k: int = DEFAULT_TOP_K,
    data_spread: Mapping[str, DataSpread] | None = None,
    progress: ProgressFn | None = None,
    cancelled: CancelFn | None = None,
) -> MonteCarloResult:
    """Rank ranges and acceptabilities under random weights (see the module docstring).

    ``data_spread`` (by criterion id) also varies the figures in each draw: see
    :class:`DataSpread`.  Which states are ranked stays as the gates decided on the published
    figures; imputed (missing) figures are not varied.  Each draw is then normalised on its
    own figures, so this is slower (one normalisation per draw).

    Raises
    ------
    InputError
        For a non-positive number of draws, K or concentration, or an unknown spread.
    Cancelled
        When ``cancelled()`` turns true; nothing partial is returned.
    """
    if spread not in SPREADS:
        raise InputError(f"Unknown spread {spread!r}; choose one of {', '.join(SPREADS)}.")
    if not isinstance(draws, int) or draws < 1:
        raise InputError("The number of draws must be a whole number of at least 1.")
    if not isinstance(top_k, int) or top_k < 1:
        raise InputError("K (the size of the shortlist) must be a whole number of at least 1.")
    if spread == "dirichlet" and not (np.isfinite(concentration) and concentration > 0):
        raise InputError("The concentration must be a positive number.")
    problem = Problem.from_result(result)
    n = len(problem.alternatives)
    rng = np.random.default_rng(seed)
    varied = {c: v for c, v in (data_spread or {}).items() if c in problem.criteria}
    # Every draw's ranks are kept (2 bytes each up to 32,767 candidates: 63 MB for 10,000
    # draws of 3,142) and counted at the end, candidate by candidate, which touches memory in
    # order instead of scattering counts over an n x n table once per block.
    all_ranks = np.empty((draws, n), dtype=np.int16 if n < 2**15 else np.int32)
    # Varied figures are held per draw (draws x candidates x criteria): smaller blocks.
    cells = n * (len(problem.criteria) if varied else 1)
    block = min(draws, max(1 if varied else 16, BLOCK_CELLS // max(cells, 1)))
    work = _Workspace(block, n, all_ranks.dtype.type)
    done = 0
    while done < draws:
        if cancelled is not None and cancelled():
            raise Cancelled("The sensitivity run was cancelled.")
        size = min(block, draws - done)
        w = draw_weights(rng, problem.weights, size, spread, concentration)
        if varied:
            scores = _scores_with_varied_data(result, varied, w, rng)
        else:
            scores = _scores_by_vector(problem, w, out=work.scores)
        _ranks_into(scores, all_ranks[done:done + size], work)
        done += size
        if progress is not None:
            progress(0.9 * done / draws)
    counts = np.empty((n, n), dtype=np.int32)  # candidate x rank - 1
    rows = max(1, BLOCK_CELLS // max(draws, 1))
    for start in range(0, n, rows):
        part = all_ranks[:, start:start + rows].T.astype(np.int64, order="C")
        part += (np.arange(part.shape[0]) * n - 1)[:, None]
        counts[start:start + rows] = np.bincount(
            part.ravel(), minlength=part.shape[0] * n).reshape(-1, n)
    del all_ranks
    if progress is not None:
        progress(1.0)
    # In the base ranking's order; each n x n table is made once and the counts are let go
    # before the shares are made (at 3,142 candidates each table is 40-80 MB).
    order = np.asarray(result._order)
    counts = counts[order]
    ranked = counts > 0
    rank_min = np.argmax(ranked, axis=1) + 1
    rank_max = n - np.argmax(ranked[:, ::-1], axis=1)
    del ranked
    cumulative = np.cumsum(counts, axis=1, dtype=np.int32)
    # Percentiles of the rank distribution (lower inverse of the empirical CDF).
    p05 = np.argmax(cumulative >= np.ceil(0.05 * draws), axis=1) + 1
    p95 = np.argmax(cumulative >= np.ceil(0.95 * draws), axis=1) + 1
    k = min(top_k, n)
    p_top_k = cumulative[:, k - 1] / draws
    del cumulative
    acceptability = np.divide(counts, draws, dtype=float)
    del counts
    base = np.empty(n, dtype=np.int64)
    base[result._order] = result.ranks
    return MonteCarloResult(
        alternatives=tuple(problem.alternatives[i] for i in order),
        base_rank=base[order],
        rank_min=rank_min,
        rank_max=rank_max,
        rank_p05=p05,
        rank_p95=p95,
        p_top_k=p_top_k,
        p_first=acceptability[:, 0].copy(),
        acceptability=acceptability,
        draws=draws,
        seed=seed,
        spread=spread,
        concentration=concentration if spread == "dirichlet" else None,
        top_k=top_k,
        criteria=problem.criteria,
        data_spread=dict(varied),
    )


# -- stability intervals --------------------------------------------------------------------
@dataclass(frozen=True)
class StabilityInterval:
    """For one criterion: its current share and the share ranges in which the result holds."""

    criterion: str
    share: float
    top1: tuple[float, float] | None  # None when it cannot vary (the only weighted criterion)
    top_k: tuple[float, float] | None
    exact: bool


def _shares(w: np.ndarray, k: int, s: np.ndarray) -> np.ndarray:
    """Weight vectors (rows) with criterion k at shares s, the others in their proportions."""
    rest = np.delete(np.arange(w.size), k)
    others = w[rest] / w[rest].sum()
    out = np.empty((s.size, w.size))
    out[:, k] = s
    out[:, rest] = (1.0 - s)[:, None] * others[None, :]
    return out


def _linear_set_interval(a_in: np.ndarray, b_in: np.ndarray, a_out: np.ndarray,
                         b_out: np.ndarray, s0: float) -> tuple[float, float]:
    """The interval around s0 in [0, 1] where every member's line stays above every
    non-member's line.

    A candidate's score (or log score) at share s is ``s * a + (1 - s) * b``: ``a`` at share
    1, ``b`` at share 0.  Each member/non-member pair holds on one side of the share where
    their lines cross; the interval is the intersection of the sides containing s0.
    """
    if a_out.size == 0 or a_in.size == 0:
        return 0.0, 1.0
    da = (a_in[:, None] - a_out[None, :]).ravel()
    db = (b_in[:, None] - b_out[None, :]).ravel()
    slope = da - db
    moving = np.abs(slope) > 1e-12
    roots = -db[moving] / slope[moving]
    up = slope[moving] > 0
    lows = roots[up & (roots <= s0 + 1e-12)]
    highs = roots[~up & (roots >= s0 - 1e-12)]
    lo = float(lows.max()) if lows.size else 0.0
    hi = float(highs.min()) if highs.size else 1.0
    return max(0.0, lo), min(1.0, hi)


def _top(scores: np.ndarray, codes: Sequence[str], k: int) -> np.ndarray:
    """Indices of the top k by score (ties broken by code, as the engine does)."""
    order = sorted(range(scores.size), key=lambda i: (-round(float(scores[i]), 9), codes[i]))
    return np.asarray(order[:k], dtype=np.intp)


def _numeric_interval(holds: Callable[[np.ndarray], np.ndarray], s0: float, tol: float
                      ) -> tuple[float, float]:
    """Sweep the share on a grid, then bisect each edge of the run containing s0 to ``tol``."""
    grid = np.linspace(0.0, 1.0, 201)
    ok = holds(grid)
    # The run of the grid that contains s0 (s0 itself holds by construction).
    i0 = int(np.searchsorted(grid, s0))
    left = i0 - 1
    while left >= 0 and ok[left]:
        left -= 1
    right = i0
    while right < grid.size and ok[right]:
        right += 1

    def bisect(good: float, bad: float) -> float:
        while abs(bad - good) > tol / 2:
            mid = (good + bad) / 2
            if holds(np.array([mid]))[0]:
                good = mid
            else:
                bad = mid
        return good

    lo = 0.0 if left < 0 else bisect(grid[left + 1] if left + 1 < i0 else s0, grid[left])
    hi = 1.0 if right >= grid.size else bisect(grid[right - 1] if right - 1 >= i0 else s0,
                                               grid[right])
    return float(min(lo, s0)), float(max(hi, s0))


def stability_intervals(result: ScoringResult, top_k: int = DEFAULT_TOP_K,
                        tol: float = TOPSIS_TOLERANCE) -> list[StabilityInterval]:
    """Per weighted criterion, the share interval in which the first place and top-K hold."""
    problem = Problem.from_result(result)
    w = problem.weights
    n, m = problem.prepared.shape[0], w.size
    base = problem.scores(w)[:, 0]
    codes = problem.alternatives
    k = min(top_k, n)
    first = _top(base, codes, 1)
    members = _top(base, codes, k)
    is_member = np.zeros(n, dtype=bool)
    is_member[members] = True
    out: list[StabilityInterval] = []
    for j, cid in enumerate(problem.criteria):
        s0 = float(w[j])
        if m == 1:
            out.append(StabilityInterval(cid, s0, None, None, True))
            continue
        if problem.method in ("wsm", "wpm"):
            # score (or log score) = s * p[:, j] + (1 - s) * rest, linear in the share s.
            at_one = problem.prepared[:, j]
            others = np.delete(np.arange(m), j)
            at_zero = problem.prepared[:, others] @ (w[others] / w[others].sum())
            t = int(first[0])
            rivals = np.arange(n) != t
            top1 = _linear_set_interval(at_one[[t]], at_zero[[t]], at_one[rivals],
                                        at_zero[rivals], s0)
            topk = _linear_set_interval(at_one[is_member], at_zero[is_member],
                                        at_one[~is_member], at_zero[~is_member], s0)
            out.append(StabilityInterval(cid, s0, top1, topk, True))
            continue

        def holds_first(s: np.ndarray, j: int = j) -> np.ndarray:
            sc = problem.scores(_shares(w, j, s))
            t = int(first[0])
            return np.all(sc[t][None, :] >= sc - TIE_TOLERANCE, axis=0)

        def holds_set(s: np.ndarray, j: int = j) -> np.ndarray:
            sc = problem.scores(_shares(w, j, s))
            if is_member.all():
                return np.ones(s.size, dtype=bool)
            return sc[is_member].min(axis=0) >= sc[~is_member].max(axis=0) - TIE_TOLERANCE

        out.append(StabilityInterval(
            cid, s0, _numeric_interval(holds_first, s0, tol),
            _numeric_interval(holds_set, s0, tol), False,
        ))
    return out


# -- tornado -----------------------------------------------------------------------------------
@dataclass(frozen=True)
class TornadoBar:
    """One criterion's weight 50 % lower and 50 % higher: the candidate's rank and score."""

    criterion: str
    rank_low: int
    score_low: float
    rank_high: int
    score_high: float


def tornado(result: ScoringResult, alternative: str, change: float = 0.5) -> list[TornadoBar]:
    """Rank and score of ``alternative`` at each criterion's weight x (1 -/+ change).

    The changed weight keeps its points; all shares are renormalised, so the other criteria
    keep their proportions to each other.  Bars are sorted by the width of the rank swing.
    """
    problem = Problem.from_result(result)
    if alternative not in problem.alternatives:
        raise InputError(f"{alternative} is not ranked, so it has no tornado.")
    i = problem.alternatives.index(alternative)
    w = problem.weights
    vectors = []
    for j in range(w.size):
        for f in (1.0 - change, 1.0 + change):
            v = w.copy()
            v[j] *= f
            vectors.append(v / v.sum())
    sc = problem.scores(np.array(vectors))
    ranks = ranks_of(sc)
    bars = [
        TornadoBar(cid, int(ranks[i, 2 * j]), float(sc[i, 2 * j]),
                   int(ranks[i, 2 * j + 1]), float(sc[i, 2 * j + 1]))
        for j, cid in enumerate(problem.criteria)
    ]
    return sorted(bars, key=lambda b: (-abs(b.rank_high - b.rank_low),
                                       -abs(b.score_high - b.score_low)))
