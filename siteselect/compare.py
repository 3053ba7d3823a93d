"""Comparing two rankings: how every state moved between scenario A and scenario B.

:func:`compare` takes two :class:`~siteselect.scoring.ScoringResult` values (two saved
scenarios, or the window's current settings against a saved one) and returns a
:class:`Comparison`: per state its rank and score in both, the rank change (positive = moved
up in B), whether it entered or left the top N, and whether it was excluded in one or both;
plus the differences in effective weights and in method, normalisation and missing-data policy.
No Qt: the CLI prints it and the window's compare dialog shows it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from siteselect.model import wording
from siteselect.model.dataset import Dataset
from siteselect.scoring import Exclusion, Gate, ScoringResult

ENTERED = "entered"
LEFT = "left"
STAYED = "stayed"  # in the top N in both
OUTSIDE = "outside"  # in neither top N


@dataclass(frozen=True)
class StateChange:
    """One state in both rankings.  Ranks and scores are None where it was not ranked."""

    state: str
    rank_a: int | None
    rank_b: int | None
    score_a: float | None
    score_b: float | None
    excluded_a: str | None  # reason, None if ranked
    excluded_b: str | None
    top_status: str  # ENTERED, LEFT, STAYED or OUTSIDE
    # Why it was not ranked, as the engine records it (gates failed, planner, missing data).
    exclusion_a: Exclusion | None = field(default=None, compare=False, repr=False)
    exclusion_b: Exclusion | None = field(default=None, compare=False, repr=False)

    @property
    def ranked_in(self) -> str:
        """'both', 'A' (ranked in A only), 'B' (in B only) or 'neither'."""
        a, b = self.rank_a is not None, self.rank_b is not None
        return "both" if a and b else "A" if a else "B" if b else "neither"

    @property
    def rank_change(self) -> int | None:
        """Places gained from A to B (positive = moved up); None unless ranked in both."""
        if self.rank_a is None or self.rank_b is None:
            return None
        return self.rank_a - self.rank_b

    @property
    def score_change(self) -> float | None:
        if self.score_a is None or self.score_b is None:
            return None
        return self.score_b - self.score_a

    @property
    def excluded_in(self) -> str:
        """'', 'A', 'B' or 'both'."""
        if self.excluded_a and self.excluded_b:
            return "both"
        return "A" if self.excluded_a else "B" if self.excluded_b else ""


@dataclass(frozen=True)
class WeightChange:
    """A criterion's effective weight (share of the total, 0-1) in A and in B."""

    criterion: str
    weight_a: float
    weight_b: float

    @property
    def change(self) -> float:
        return self.weight_b - self.weight_a


@dataclass(frozen=True)
class Comparison:
    """The outcome of :func:`compare`.

    ``states`` lists every state, in B's rank order, then A-only ranked states by A's rank,
    then states ranked in neither, by code.  ``weights`` lists criteria weighted in either,
    largest absolute change first.  ``settings`` holds (field, A, B) for method,
    normalisation and missing-data policy where they differ.
    """

    top_n: int
    states: tuple[StateChange, ...]
    weights: tuple[WeightChange, ...]
    settings: tuple[tuple[str, str, str], ...]
    gates_a: tuple[Gate, ...] = ()
    gates_b: tuple[Gate, ...] = ()
    #: States the planner excluded (not gated, not missing data), in each.
    planner_excluded_a: tuple[str, ...] = ()
    planner_excluded_b: tuple[str, ...] = ()

    @property
    def gates_differ(self) -> bool:
        return set(self.gates_a) != set(self.gates_b)

    @property
    def exclusions_differ(self) -> bool:
        return set(self.planner_excluded_a) != set(self.planner_excluded_b)

    @property
    def entered(self) -> tuple[str, ...]:
        return tuple(s.state for s in self.states if s.top_status == ENTERED)

    @property
    def left(self) -> tuple[str, ...]:
        return tuple(s.state for s in self.states if s.top_status == LEFT)

    def state(self, code: str) -> StateChange:
        for s in self.states:
            if s.state == code:
                return s
        raise KeyError(code)

    def rank_changes(self) -> dict[str, int | None]:
        """Rank change per state (None unless ranked in both), e.g. to colour a map."""
        return {s.state: s.rank_change for s in self.states}


def compare(result_a: ScoringResult, result_b: ScoringResult, top_n: int = 10,
            states: Iterable[str] | None = None) -> Comparison:
    """Compare two rankings of the same candidates.

    Parameters
    ----------
    result_a, result_b : the rankings ("before" and "after").
    top_n : the shortlist size for entered/left; at least 1.
    states : every candidate (e.g. the dataset's states), so states ranked in neither are
        listed too; default: those ranked or excluded in either result.
    """
    if top_n < 1:
        raise ValueError("top_n must be at least 1")
    exclusions_a = {e.alternative: e for e in result_a.excluded}
    exclusions_b = {e.alternative: e for e in result_b.excluded}
    reasons_a = {code: e.reason for code, e in exclusions_a.items()}
    reasons_b = {code: e.reason for code, e in exclusions_b.items()}
    codes = set(result_a.alternatives) | set(result_b.alternatives) | set(reasons_a) | set(
        reasons_b)
    if states is not None:
        codes |= set(states)

    def lookup(result: ScoringResult, code: str) -> tuple[int | None, float | None]:
        i = result.position(code)
        if i is None:
            return None, None
        return int(result.ranks[i]), float(result.scores[i])

    rows = []
    for code in codes:
        ra, sa = lookup(result_a, code)
        rb, sb = lookup(result_b, code)
        in_a = ra is not None and ra <= top_n
        in_b = rb is not None and rb <= top_n
        status = (STAYED if in_a and in_b else ENTERED if in_b else LEFT if in_a else OUTSIDE)
        rows.append(StateChange(code, ra, rb, sa, sb, reasons_a.get(code), reasons_b.get(code),
                                status, exclusions_a.get(code), exclusions_b.get(code)))
    big = 10**9
    rows.sort(key=lambda s: (s.rank_b if s.rank_b is not None else big,
                             s.rank_a if s.rank_a is not None else big, s.state))
    crit = list(result_a.criteria) + [c for c in result_b.criteria if c not in result_a.criteria]
    weights = [WeightChange(c, float(result_a.weights.get(c, 0.0)),
                            float(result_b.weights.get(c, 0.0))) for c in crit]
    weights.sort(key=lambda w: (-abs(w.change), w.criterion))
    settings = tuple(
        (label, a, b) for label, a, b in (
            ("method", result_a.method, result_b.method),
            ("normalization", result_a.normalization, result_b.normalization),
            ("missing", result_a.missing_policy, result_b.missing_policy),
        ) if a != b)
    return Comparison(top_n, tuple(rows), tuple(weights), settings,
                      tuple(result_a.gates), tuple(result_b.gates),
                      _planner_excluded(result_a), _planner_excluded(result_b))


PLANNER_REASON = "excluded by the planner"


def _planner_excluded(result: ScoringResult) -> tuple[str, ...]:
    return tuple(sorted(e.alternative for e in result.excluded
                        if not e.failed_gates and e.reason == PLANNER_REASON))


def why_not_ranked(ds: Dataset, exclusion: Exclusion | None, side: str) -> str:
    """``gated in A: Energy cost (industrial) \u2264 9.00 cents/kWh (is 12.10 cents/kWh)``,
    ``excluded in A by the planner``, or ``not ranked in A: figure missing for ...``."""
    if exclusion is None:
        return f"not ranked in {side}"
    if exclusion.failed_gates:
        failed = "; ".join(wording.failure_text(ds, exclusion.alternative, f)
                           for f in exclusion.failed_gates)
        return f"gated in {side}: {failed}"
    if exclusion.reason == PLANNER_REASON:
        return f"excluded in {side} by the planner"
    return f"not ranked in {side}: {wording.exclusion_text(ds, exclusion)}"


def change_text(ds: Dataset, change: StateChange) -> str:
    """The rank change in words: ``+3``, ``0``, ``ranked in B only (gated in A: ...)``,
    ``ranked in A only (excluded in B by the planner)``, or ``ranked in neither``."""
    side = change.ranked_in
    if side == "both":
        ch = change.rank_change or 0
        return f"{ch:+d}" if ch else "0"
    if side == "B":
        return f"ranked in B only ({why_not_ranked(ds, change.exclusion_a, 'A')})"
    if side == "A":
        return f"ranked in A only ({why_not_ranked(ds, change.exclusion_b, 'B')})"
    return "ranked in neither"


SETTING_NAMES = {"method": "Method", "normalization": "Normalisation",
                 "missing": "Missing data"}


def _setting_words(name: str, value: str, method: str) -> str:
    if name == "method":
        return wording.method_label(value)
    if name == "normalization":
        return wording.normalization_label(value, method)
    return wording.missing_label(value)


def difference_lines(ds: Dataset, cmp: Comparison, method_a: str = "",
                     method_b: str = "") -> list[str]:
    """Everything but the weights that differs between A and B, in the planner's words:
    gates in one only, states excluded in one only, method, normalisation, missing data."""
    lines: list[str] = []
    only_a = [g for g in cmp.gates_a if g not in cmp.gates_b]
    only_b = [g for g in cmp.gates_b if g not in cmp.gates_a]
    if only_a:
        lines.append("Gates in A only: " + wording.gates_text(ds, only_a))
    if only_b:
        lines.append("Gates in B only: " + wording.gates_text(ds, only_b))

    def names(codes: Iterable[str]) -> str:
        return ", ".join(ds.names.get(c, c) for c in codes)

    ex_a = [c for c in cmp.planner_excluded_a if c not in cmp.planner_excluded_b]
    ex_b = [c for c in cmp.planner_excluded_b if c not in cmp.planner_excluded_a]
    if ex_a:
        lines.append("Excluded in A only: " + names(ex_a))
    if ex_b:
        lines.append("Excluded in B only: " + names(ex_b))
    for name, a, b in cmp.settings:
        lines.append(f"{SETTING_NAMES.get(name, name)}: "
                     f"{_setting_words(name, a, method_a or a)} in A, "
                     f"{_setting_words(name, b, method_b or b)} in B")
    one_sided = [s for s in cmp.states if s.ranked_in in ("A", "B")]
    if one_sided:
        in_b = sum(1 for s in one_sided if s.ranked_in == "B")
        in_a = len(one_sided) - in_b
        word, plural = ds.alternatives.word, ds.alternatives.plural
        lines.append(f"Ranked in one only: {wording.count_text(in_a, word, plural)} in A "
                     f"only, {wording.count_text(in_b, word, plural)} in B only")
    return lines


def comparison_record(cmp: Comparison, label_a: str = "A", label_b: str = "B",
                      names: dict[str, str] | None = None) -> dict[str, Any]:
    """A comparison as plain data (the ``compare --format json`` schema)."""
    names = names or {}
    return {
        "a": label_a,
        "b": label_b,
        "top": cmp.top_n,
        "states": [{
            "code": s.state,
            "state": s.state,
            "name": names.get(s.state, ""),
            "rank_a": s.rank_a,
            "rank_b": s.rank_b,
            "score_a": None if s.score_a is None else round(s.score_a, 6),
            "score_b": None if s.score_b is None else round(s.score_b, 6),
            "rank_change": s.rank_change,
            "score_change": None if s.score_change is None else round(s.score_change, 6),
            "top": s.top_status,
            "excluded_a": s.excluded_a,
            "excluded_b": s.excluded_b,
        } for s in cmp.states],
        "entered_top": list(cmp.entered),
        "left_top": list(cmp.left),
        "weights": [{"criterion": w.criterion, "weight_a": round(w.weight_a, 6),
                     "weight_b": round(w.weight_b, 6), "change": round(w.change, 6)}
                    for w in cmp.weights],
        "settings": [{"field": f, "a": a, "b": b} for f, a, b in cmp.settings],
    }
