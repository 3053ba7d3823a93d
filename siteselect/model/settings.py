"""What a planner chooses: weights, method, normalisation, gates, exclusions, overrides.

:class:`ScoringSettings` is the immutable value that the CLI builds from its options, the
window edits (through ``replace``) and a saved scenario stores.  It holds no figures of its own
except what-if overrides, which are explicit (state, criterion, value) triples.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace

from siteselect.errors import InputError
from siteselect.model.criteria import QUANTITY_CAP, Criterion, default_weights
from siteselect.scoring import METHODS, MISSING_POLICIES, NORMALIZATIONS, Gate, parse_gate

#: Most characters in the note of a what-if value.
NOTE_MAX = 500


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


@dataclass(frozen=True)
class Override:
    """A what-if value replacing one figure, e.g. Texas energy_cost at 5.0."""

    state: str
    criterion: str
    value: float
    note: str = ""


@dataclass(frozen=True)
class ScoringSettings:
    """All choices that determine a ranking.

    ``weights`` are points (any non-negative scale; the engine normalises them); a criterion
    in ``disabled`` takes no part whatever its weight, so re-enabling it restores the weight.
    """

    weights: Mapping[str, float] = field(default_factory=default_weights)
    disabled: frozenset[str] = frozenset()
    method: str = "wsm"
    normalization: str = "minmax"
    missing: str = "worst"
    gates: tuple[Gate, ...] = ()
    exclude: tuple[str, ...] = ()
    overrides: tuple[Override, ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "weights", dict(self.weights))
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

    def __hash__(self) -> int:
        return hash((tuple(sorted(self.weights.items())), self.disabled, self.method,
                     self.normalization, self.missing, self.gates, self.exclude, self.overrides))

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
