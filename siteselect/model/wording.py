"""The planner's words for the engine's records: one place, shared by the window and exports.

The engine and the scenario store keep compact ids (``energy_cost<=9``, ``wsm``,
``tax_incentives: missing for NM``) because they are stable and machine-readable.  Whatever a
planner reads -- a tooltip, a dialog, a PDF page, an image subtitle -- goes through these
functions, which put the criterion's label, the comparison sign and the unit in their place:
"Energy cost (industrial) \u2264 9 cents/kWh", "weighted sum".
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from siteselect.model.criteria import Criterion
from siteselect.model.dataset import Dataset
from siteselect.model.settings import ScoringSettings
from siteselect.scoring import METHOD_NAMES, Exclusion, Gate, GateFailure

OP_TEXT = {"<=": "\u2264", ">=": "\u2265", "<": "<", ">": ">", "==": "="}

#: Short names, for lists, subtitles and headers.
METHOD_LABELS = dict(METHOD_NAMES)
NORMALIZATION_LABELS = {
    "minmax": "min-max scaling",
    "zscore": "z-scores",
    "rank": "rank scaling",
    "vector": "vector normalisation",
}
MISSING_LABELS = {
    "worst": "missing figures scored as the worst",
    "mean": "missing figures scored as the mean",
    "exclude": "states with a missing figure left out",
}


def method_label(method: str) -> str:
    return METHOD_LABELS.get(method, method)


def normalization_label(normalization: str, method: str | None = None) -> str:
    """How values are rescaled; TOPSIS always uses vector normalisation, whatever is set."""
    if method == "topsis":
        return NORMALIZATION_LABELS["vector"]
    return NORMALIZATION_LABELS.get(normalization, normalization)


def missing_label(policy: str) -> str:
    return MISSING_LABELS.get(policy, policy)


def gate_text(ds: Dataset, gate: Gate) -> str:
    """``Energy cost (industrial) \u2264 9 cents/kWh``; a category threshold by its label."""
    if gate.criterion not in ds.criterion_ids:
        return f"{gate.criterion} {OP_TEXT.get(gate.op, gate.op)} {gate.threshold:g}"
    crit = ds.criterion(gate.criterion)
    shown = (crit.label_for(gate.threshold) if crit.encoding else None) or crit.format_value(
        gate.threshold
    )
    return f"{crit.label} {OP_TEXT.get(gate.op, gate.op)} {shown}"


def gates_text(ds: Dataset, gates: Iterable[Gate]) -> str:
    """Every gate in words, joined by semicolons; "none" when there is none."""
    texts = [gate_text(ds, g) for g in gates]
    return "; ".join(texts) if texts else "none"


def _is_what_if(settings: ScoringSettings | None, state: str, cid: str) -> bool:
    return settings is not None and any(
        o.state == state and o.criterion == cid for o in settings.overrides
    )


def failure_text(ds: Dataset, state: str, failure: GateFailure,
                 settings: ScoringSettings | None = None) -> str:
    """``Energy cost (industrial) \u2264 9 cents/kWh (is 21.98 cents/kWh)``."""
    rule = gate_text(ds, failure.gate)
    if failure.value is None:
        return f"{rule} (figure missing, cannot be checked)"
    cid = failure.gate.criterion
    figure = ds.format_value(state, cid, failure.value) if cid in ds.criterion_ids else (
        f"{failure.value:g}")
    if _is_what_if(settings, state, cid):
        figure += " (what-if)"
    return f"{rule} (is {figure})"


def exclusion_text(ds: Dataset, exclusion: Exclusion,
                   settings: ScoringSettings | None = None) -> str:
    """Why a state is not ranked, in the planner's words, naming every gate it fails."""
    failed = exclusion.failed_gates
    if failed:
        parts = [failure_text(ds, exclusion.alternative, f, settings) for f in failed]
        if len(parts) == 1:
            return f"fails the gate {parts[0]}"
        return f"fails {len(parts)} gates: " + "; ".join(parts)
    reason = exclusion.reason
    if reason.startswith("missing data: "):
        ids = [c.strip() for c in reason[len("missing data: "):].split(",")]
        return "figure missing for " + ", ".join(criterion_label(ds, c) for c in ids) + (
            " (missing figures: leave the state out)")
    return reason


def criterion_label(ds: Dataset, cid: str) -> str:
    return ds.criterion(cid).label if cid in ds.criterion_ids else cid


def note_text(ds: Dataset, note: str) -> str:
    """An engine note (``power_capacity: missing for IA, ...``) with the criterion's label."""
    head, sep, rest = note.partition(": ")
    if sep and head in ds.criterion_ids:
        return f"{ds.criterion(head).label}: {rest}"
    return note


def count_text(n: int, singular: str, plural: str | None = None) -> str:
    """``1 criterion``, ``3 criteria``, ``0 states``."""
    return f"{n} {singular if n == 1 else (plural or singular + 's')}"


def category_meaning(crit: Criterion, label: str) -> str | None:
    """What a category label stands for, as the catalogue explains it, else None.

    Read from the criterion's encoding note: ``yes or n/a (no statewide sales tax) = 1``
    explains ``n/a`` as "no statewide sales tax".
    """
    note = crit.encoding_note or ""
    key = label.strip()
    if not key or key not in crit.encoding:
        return None
    for m in re.finditer(r"(?:^|[\s,;/])" + re.escape(key) + r"\s*\(([^)]*)\)", note):
        if f"{key} ({m.group(1)})" in crit.encoding:
            continue  # another label that starts alike: "yes (local only)" is not "yes"
        return m.group(1).strip() or None
    return None


def category_text(crit: Criterion, label: str) -> str:
    """A category label with its meaning and, for a best category, that it earns full points.

    ``n/a (no statewide sales tax; full points)``; labels the catalogue does not explain
    are returned as they are.
    """
    meaning = category_meaning(crit, label)
    if meaning is None:
        return label
    value = crit.encoding[label.strip()]
    values = list(crit.encoding.values())
    best = min(values) if crit.lower_is_better else max(values)
    return f"{label} ({meaning}; full points)" if value == best else f"{label} ({meaning})"
