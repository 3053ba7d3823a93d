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
from dataclasses import dataclass
from typing import Any

from siteselect.scoring import ScoringResult

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
    reasons_a = {e.alternative: e.reason for e in result_a.excluded}
    reasons_b = {e.alternative: e.reason for e in result_b.excluded}
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
                                status))
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
    return Comparison(top_n, tuple(rows), tuple(weights), settings)


def comparison_record(cmp: Comparison, label_a: str = "A", label_b: str = "B",
                      names: dict[str, str] | None = None) -> dict[str, Any]:
    """A comparison as plain data (the ``compare --format json`` schema)."""
    names = names or {}
    return {
        "a": label_a,
        "b": label_b,
        "top": cmp.top_n,
        "states": [{
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
