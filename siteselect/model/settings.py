"""What a planner chooses: weights, method, normalisation, gates, exclusions, overrides.

:class:`ScoringSettings` is the immutable value that the CLI builds from its options, the
window edits (through ``replace``) and a saved scenario stores.  It holds no figures of its own
except what-if overrides, which are explicit (state, criterion, value) triples.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, replace
from typing import Any

from siteselect.errors import InputError
from siteselect.model.criteria import QUANTITY_CAP, Criterion, default_weights
from siteselect.scoring import METHODS, MISSING_POLICIES, NORMALIZATIONS, Gate, parse_gate
from siteselect.scoring.weighting import CR_LIMIT, parse_judgment

#: Most characters in the note of a what-if value.
NOTE_MAX = 500

#: How weights can be derived; "manual" (set by hand on the sliders) is no origin at all.
WEIGHT_METHODS = ("manual", "ahp", "roc", "rank-sum", "entropy", "critic")
#: The plain-data form of a :class:`WeightOrigin` (``weights_origin`` in the settings).
ORIGIN_VERSION = 1
#: Points a derived weighting is spread over (as :func:`siteselect.derived_weights.with_shares`
#: puts it on the sliders).
ORIGIN_TOTAL = 100.0
METHOD_WORDS = {
    "ahp": "pairwise comparisons (AHP, principal eigenvector)",
    "roc": "a ranking of the criteria (rank-order centroid weights)",
    "rank-sum": "a ranking of the criteria (rank-sum weights)",
    "entropy": "the figures themselves (entropy weights)",
    "critic": "the figures themselves (CRITIC weights)",
}


def what_if_problem(crit: Criterion, value: float) -> str | None:
    """Why ``value`` cannot stand in for a published figure of ``crit``; None when it can.

    A what-if value obeys the rules of the published figures: a number within the
    criterion's valid range (no negative price, no share above 100 %), or for a categorical
    criterion the number of one of its labels.
    """
    if isinstance(value, bool) or not isinstance(value, int | float):
        return f"the what-if value for {crit.label} must be a number"
    try:
        value = float(value)
    except OverflowError:
        value = math.inf
    if not math.isfinite(value):
        return f"the what-if value for {crit.label} must be a finite number"
    if crit.is_categorical:
        if value in crit.encoding.values():
            return None
        labels = ", ".join(f"{label} ({number:g})" for label, number in crit.encoding.items())
        return f"{value:g} is not one of the categories of {crit.label}: {labels}"
    if not crit.in_range(value):
        unit = "" if not crit.unit or crit.unit == "category" else f" {crit.unit}"
        lo, hi = crit.valid_range
        # The cap on quantities is a guard against overflowing typos, not a planner's limit.
        shown_range = (f"at least {lo:g}" if lo is not None and hi is not None
                       and hi >= QUANTITY_CAP else crit.range_text())
        return (f"{value:g}{unit} is outside the valid range of {crit.label} "
                f"({shown_range}{unit})")
    return None


def check_text(text: str, what: str) -> str:
    """Refuse text that cannot be stored as UTF-8 (lone surrogates, as undecodable bytes on a
    command line become), naming what it is.

    Raises
    ------
    InputError
        ``A scenario name is not valid text (an undecodable character at position 4).``
    """
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise InputError(f"{what} is not valid text (an undecodable character at position "
                         f"{exc.start + 1}); type it again or save the file as UTF-8.") from None
    return text


@dataclass(frozen=True)
class Override:
    """A what-if value replacing one figure, e.g. Texas energy_cost at 5.0."""

    state: str
    criterion: str
    value: float
    note: str = ""

    def __post_init__(self) -> None:
        if isinstance(self.note, str):
            check_text(self.note, "A what-if note")


def origin_points(share: float, total: float = ORIGIN_TOTAL) -> float:
    """The slider points of a derived share: ``share x total``, rounded to 0.1 as shown."""
    return round(float(share) * total, 1)


@dataclass(frozen=True)
class WeightOrigin:
    """How the weights were derived (AHP, an ordering, or the figures), not set by hand.

    ``shares`` are the derived shares in the order the method gives them (for ``roc`` and
    ``rank-sum`` the order is the ranking, most important first).  ``judgments`` (AHP) are
    texts such as ``'energy_cost>talent=3'``; ``cr`` is AHP's consistency ratio (None for
    two criteria); ``states`` is the number of states whose figures gave entropy or CRITIC
    weights.  Settings keep an origin only while their weights are still the ones it put on
    the sliders: any change by hand turns them back into "manual" (see
    :meth:`ScoringSettings.__post_init__`).
    """

    method: str
    shares: tuple[tuple[str, float], ...]
    judgments: tuple[str, ...] = ()
    cr: float | None = None
    states: int | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "shares", tuple((str(c), float(w)) for c, w in self.shares))
        object.__setattr__(self, "judgments", tuple(self.judgments))
        if self.method not in WEIGHT_METHODS or self.method == "manual":
            raise InputError(f"Unknown way of deriving weights {self.method!r}; choose one of "
                             f"{', '.join(WEIGHT_METHODS[1:])}.")
        ids = [c for c, _ in self.shares]
        if not ids or len(set(ids)) != len(ids):
            raise InputError("Derived weights name each criterion once, and at least one.")
        if any(not (math.isfinite(w) and w >= 0) for _, w in self.shares):
            raise InputError("Derived weights are non-negative numbers.")
        if self.judgments and self.method != "ahp":
            raise InputError("Only weights from pairwise comparisons (AHP) have judgments.")
        if self.cr is not None and not (math.isfinite(self.cr) and self.cr >= 0):
            raise InputError("A consistency ratio is a non-negative number.")
        if self.states is not None and (isinstance(self.states, bool)
                                        or not isinstance(self.states, int) or self.states < 1):
            raise InputError("The number of states behind objective weights is at least 1.")

    @property
    def criteria(self) -> tuple[str, ...]:
        return tuple(c for c, _ in self.shares)

    def points(self) -> dict[str, float]:
        """The slider points this origin put on each of its criteria."""
        return {c: origin_points(w) for c, w in self.shares}

    def matches(self, points: Mapping[str, float]) -> bool:
        """Whether ``points`` (effective slider points) are still the ones derived."""
        mine = self.points()
        return all(abs(float(points.get(c, 0.0)) - mine.get(c, 0.0)) <= 1e-6
                   for c in set(points) | set(mine))

    def text(self, label: Callable[[str], str] = str) -> str:
        """How the weights were derived, in plain words (``label`` names a criterion)."""
        words = METHOD_WORDS[self.method]
        names = [label(c) for c in self.criteria]
        if self.method == "ahp":
            n = len(self.judgments)
            verdict = ("consistent" if self.cr is not None and self.cr <= CR_LIMIT
                       else f"not consistent: above {CR_LIMIT:.2f}")
            cr = "" if self.cr is None else f", consistency ratio {self.cr:.3f} ({verdict})"
            return (f"Derived from {words} over {len(names)} criteria: {n} judgment"
                    f"{'' if n == 1 else 's'}{cr}.")
        if self.method in ("roc", "rank-sum"):
            return f"Derived from {words}, most important first: {' > '.join(names)}."
        states = "" if self.states is None else f" of {self.states} ranked states"
        return f"Derived from {words}{states} over {len(names)} criteria: {', '.join(names)}."


def origin_to_dict(origin: WeightOrigin) -> dict[str, Any]:
    """The documented plain-data form of a weight origin (``weights_origin``)."""
    out: dict[str, Any] = {
        "version": ORIGIN_VERSION,
        "method": origin.method,
        "criteria": list(origin.criteria),
        "shares": [w for _, w in origin.shares],
    }
    if origin.method == "ahp":
        out["judgments"] = list(origin.judgments)
        out["cr"] = origin.cr
    if origin.states is not None:
        out["states"] = origin.states
    return out


#: Most judgments an origin may hold (every pair of 15 criteria is 105).
JUDGMENTS_MAX = 200
#: Most characters in one judgment text.
JUDGMENT_CHARS_MAX = 200
#: Most states behind objective weights (the 3,142 counties fit).
ORIGIN_STATES_MAX = 100_000


def origin_problems(data: Any, problems: list[str],
                    known: Callable[[Any], bool]) -> WeightOrigin | None:
    """The weight origin in ``data`` (None for "manual"), adding a sentence to ``problems``
    for each thing wrong.  ``known(cid)`` says whether a criterion id exists."""
    from siteselect.model.scenario import shown

    before = len(problems)
    if not isinstance(data, dict):
        problems.append("weights_origin must be an object.")
        return None
    if data.get("version") != ORIGIN_VERSION or isinstance(data.get("version"), bool):
        problems.append(f"weights_origin version {shown(data.get('version'))} is not "
                        f"supported (this release reads version {ORIGIN_VERSION}).")
        return None
    method = data.get("method")
    if method not in WEIGHT_METHODS:
        problems.append(f"weights_origin: unknown method {shown(method)}; choose one of "
                        f"{', '.join(WEIGHT_METHODS)}.")
        return None
    allowed = {"version", "method"}
    if method != "manual":
        allowed |= {"criteria", "shares"}
    if method == "ahp":
        allowed |= {"judgments", "cr"}
    if method in ("entropy", "critic"):
        allowed |= {"states"}
    unknown = set(data) - allowed
    if unknown:
        problems.append(f"weights_origin ({method}): unknown field(s) "
                        f"{', '.join(shown(k) for k in sorted(unknown, key=str)[:10])}.")
    if method == "manual":
        return None
    ids, shares = data.get("criteria"), data.get("shares")
    if not isinstance(ids, list) or not isinstance(shares, list) or not ids or \
            len(ids) != len(shares) or len(ids) > 1000:
        problems.append("weights_origin: criteria and shares must be lists of the same "
                        "length, with at least one criterion.")
        return None
    for cid in ids:
        if not isinstance(cid, str) or not known(cid):
            problems.append(f"weights_origin: unknown criterion {shown(cid)}.")
    if len({c for c in ids if isinstance(c, str)}) != len(ids):
        problems.append("weights_origin: a criterion is listed twice.")
    for w in shares:
        if isinstance(w, bool) or not isinstance(w, int | float) or not (
                math.isfinite(w) and 0 <= w <= 1):
            problems.append(f"weights_origin: a share must be a number from 0 to 1, not "
                            f"{shown(w)}.")
            break
    judgments: list[str] = []
    cr = data.get("cr")
    if method == "ahp":
        raw = data.get("judgments", [])
        if not isinstance(raw, list) or len(raw) > JUDGMENTS_MAX:
            problems.append(f"weights_origin: judgments must be a list of at most "
                            f"{JUDGMENTS_MAX} texts.")
            raw = []
        for t in raw:
            if not isinstance(t, str) or len(t) > JUDGMENT_CHARS_MAX:
                problems.append(f"weights_origin: a judgment must be a text of at most "
                                f"{JUDGMENT_CHARS_MAX} characters, not {shown(t)}.")
                continue
            try:
                j = parse_judgment(t)
            except InputError as exc:
                problems.append(f"weights_origin: {exc.message}")
                continue
            if j.a not in ids or j.b not in ids:
                problems.append(f"weights_origin: the judgment {shown(t)} compares a "
                                "criterion that is not among the criteria.")
                continue
            judgments.append(str(j))
        if cr is not None and (isinstance(cr, bool) or not isinstance(cr, int | float)
                               or not (math.isfinite(cr) and 0 <= cr <= 1000)):
            problems.append(f"weights_origin: cr must be a non-negative number or null, not "
                            f"{shown(cr)}.")
    states = data.get("states")
    if states is not None and (isinstance(states, bool) or not isinstance(states, int)
                               or not 1 <= states <= ORIGIN_STATES_MAX):
        problems.append(f"weights_origin: states must be a whole number from 1 to "
                        f"{ORIGIN_STATES_MAX:,}, not {shown(states)}.")
    if len(problems) > before:
        return None
    return WeightOrigin(method, tuple(zip(ids, (float(w) for w in shares), strict=True)),
                        tuple(judgments), None if cr is None else float(cr), states)


@dataclass(frozen=True)
class ScoringSettings:
    """All choices that determine a ranking.

    ``weights`` are points (any non-negative scale; the engine normalises them); a criterion
    in ``disabled`` takes no part whatever its weight, so re-enabling it restores the weight.
    """

    #: None: the default weighting of ``level``.
    weights: Mapping[str, float] = None  # type: ignore[assignment]
    disabled: frozenset[str] = frozenset()
    method: str = "wsm"
    normalization: str = "minmax"
    missing: str = "worst"
    gates: tuple[Gate, ...] = ()
    exclude: tuple[str, ...] = ()
    overrides: tuple[Override, ...] = ()
    #: How the weights were derived; None when they were set by hand ("manual").
    weights_origin: WeightOrigin | None = None
    #: "state" or "county": what is ranked.
    level: str = "state"
    #: At county level, the states whose counties are ranked (postal codes; empty: all).
    within: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if self.level not in ("state", "county"):
            raise InputError(f"Unknown level {self.level!r}; choose state or county.")
        if self.within and self.level != "county":
            raise InputError("A state filter (within) needs the county level.")
        object.__setattr__(self, "within", tuple(sorted({s.upper() for s in self.within})))
        object.__setattr__(self, "weights", dict(
            default_weights(self.level) if self.weights is None else self.weights))
        object.__setattr__(self, "disabled", frozenset(self.disabled))
        object.__setattr__(self, "gates", tuple(self.gates))
        object.__setattr__(self, "exclude", tuple(sorted(set(self.exclude))))
        object.__setattr__(self, "overrides", tuple(self.overrides))
        if self.method not in METHODS:
            raise InputError(f"Unknown method {self.method!r}; choose one of {', '.join(METHODS)}.")
        if self.normalization not in NORMALIZATIONS:
            raise InputError(
                f"Unknown normalisation {self.normalization!r}; choose one of "
                f"{', '.join(NORMALIZATIONS)}."
            )
        if self.missing not in MISSING_POLICIES:
            raise InputError(
                f"Unknown missing-data policy {self.missing!r}; choose one of "
                f"{', '.join(MISSING_POLICIES)}."
            )
        for cid, w in self.weights.items():
            if not isinstance(w, int | float) or w != w or w < 0 or w == float("inf"):
                raise InputError(f"The weight of {cid} must be a non-negative number, not {w!r}.")
        origin = self.weights_origin
        if origin is not None and not origin.matches(self.effective_points()):
            # The weights moved away from the derived ones (a slider, --weights, a disabled
            # criterion): they are the planner's own now.
            object.__setattr__(self, "weights_origin", None)

    @property
    def weights_method(self) -> str:
        """How the weights came about: "manual" or one of :data:`WEIGHT_METHODS`."""
        return "manual" if self.weights_origin is None else self.weights_origin.method

    def __hash__(self) -> int:
        return hash((tuple(sorted(self.weights.items())), self.disabled, self.method,
                     self.normalization, self.missing, self.gates, self.exclude, self.overrides,
                     self.level, self.within))

    def effective_points(self) -> dict[str, float]:
        """Weights with disabled criteria set to 0."""
        return {c: (0.0 if c in self.disabled else w) for c, w in self.weights.items()}

    def with_weight(self, cid: str, points: float) -> ScoringSettings:
        w = dict(self.weights)
        w[cid] = points
        return replace(self, weights=w)


def parse_weights(text: str) -> dict[str, float]:
    """Parse ``'energy_cost=3,talent=1'`` (criterion ids are checked by the caller).

    Raises
    ------
    InputError
        For a malformed pair, a non-numeric or negative weight, or a repeated id.
    """
    out: dict[str, float] = {}
    for part in text.split(","):
        part = part.strip()
        if not part:
            continue
        if "=" not in part:
            raise InputError(
                f"Cannot read the weight {part!r}: write ID=WEIGHT, e.g. energy_cost=3."
            )
        cid, _, raw = part.partition("=")
        cid = cid.strip()
        try:
            value = float(raw)
        except ValueError:
            raise InputError(
                f"The weight of {cid} must be a number, not {raw.strip()!r}."
            ) from None
        if value != value or value in (float("inf"), float("-inf")):
            raise InputError(f"The weight of {cid} must be a finite number.")
        if value < 0:
            raise InputError(f"The weight of {cid} must not be negative ({raw.strip()}).")
        if cid in out:
            raise InputError(f"The criterion {cid} is weighted twice.")
        out[cid] = value
    if not out:
        raise InputError("No weights given: write ID=WEIGHT pairs separated by commas.")
    return out


def parse_gates(texts: Iterable[str]) -> tuple[Gate, ...]:
    """Parse gate texts such as ``'energy_cost<=9'``."""
    return tuple(parse_gate(t) for t in texts)
