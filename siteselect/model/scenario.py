"""A named scenario: a planner's scoring settings with a name, a description and history.

Scenarios are immutable values; the storage layer (:mod:`siteselect.storage`) saves them in
SQLite and keeps every earlier save as a revision.
"""

from __future__ import annotations

import math
import unicodedata
from dataclasses import dataclass, field
from typing import Any

from siteselect.errors import InputError
from siteselect.model.settings import Override, ScoringSettings
from siteselect.scoring import Gate

NAME_MAX = 100


def clean_name(name: str) -> str:
    """Normalise a scenario name: NFC, surrounding white space removed; 1-100 characters.

    Raises
    ------
    InputError
        For an empty name, one longer than 100 characters, or one with control characters.
    """
    if not isinstance(name, str):
        raise InputError("A scenario name must be text.")
    text = unicodedata.normalize("NFC", name).strip()
    if not text:
        raise InputError("A scenario name cannot be empty.")
    if len(text) > NAME_MAX:
        raise InputError(f"A scenario name has at most {NAME_MAX} characters ({len(text)} given).")
    if any(unicodedata.category(ch) == "Cc" for ch in text):
        raise InputError("A scenario name cannot contain control characters such as line breaks.")
    return text


def quoted(name: str) -> str:
    """A scenario name in messages: between curly quotes, shown exactly as typed."""
    return f"\u201c{name}\u201d"


def shell_quoted(name: str) -> str:
    """A scenario name as it would be typed in a shell command."""
    import shlex

    return shlex.quote(name)


def name_key(name: str) -> str:
    """The key under which names are unique: cleaned and case-folded."""
    return clean_name(name).casefold()


@dataclass(frozen=True)
class Scenario:
    """A named, saved set of scoring choices."""

    name: str
    settings: ScoringSettings = field(default_factory=ScoringSettings)
    description: str = ""
    dataset_version: str = ""
    created: str = ""  # ISO 8601, UTC
    updated: str = ""  # ISO 8601, UTC
    revision: int = 0  # number of saves; 0 = never saved
    builtin: bool = False

    def __post_init__(self) -> None:
        object.__setattr__(self, "name", clean_name(self.name))


# --------------------------------------------------------------------------------------------
# Settings as plain data
#
# One documented, versioned dict form of ScoringSettings, used by the database (the
# ``settings`` JSON column) and by the exchange file format (siteselect.storage.exchange):
#
#     {"version": 1,
#      "weights": {"energy_cost": 25.0, ...},      criterion id -> points (>= 0)
#      "disabled": ["talent", ...],                ids that take no part whatever their weight
#      "method": "wsm" | "wpm" | "topsis",
#      "normalization": "minmax" | "zscore" | "rank",
#      "missing": "worst" | "mean" | "exclude",
#      "gates": [{"criterion": "energy_cost", "op": "<=", "threshold": 9.0}, ...],
#      "exclude": ["CA", ...],                     postal codes left out
#      "overrides": [{"state": "TX", "criterion": "energy_cost", "value": 5.0,
#                     "note": "..."}, ...]}        what-if values replacing one figure
# --------------------------------------------------------------------------------------------

SETTINGS_VERSION = 1

#: Postal codes of the 50 states and DC, the candidates a scenario may name.
STATE_CODES = frozenset(
    [
        "AL", "AK", "AZ", "AR", "CA", "CO", "CT", "DE", "DC", "FL", "GA", "HI", "ID", "IL", "IN",
        "IA", "KS", "KY", "LA", "ME", "MD", "MA", "MI", "MN", "MS", "MO", "MT", "NE", "NV", "NH",
        "NJ", "NM", "NY", "NC", "ND", "OH", "OK", "OR", "PA", "RI", "SC", "SD", "TN", "TX", "UT",
        "VT", "VA", "WA", "WV", "WI", "WY",
    ]
)

_SETTINGS_KEYS = {"version", "weights", "disabled", "method", "normalization", "missing",
                  "gates", "exclude", "overrides"}


def settings_to_dict(settings: ScoringSettings) -> dict[str, Any]:
    """The documented plain-data form of ``settings`` (JSON-ready, stable key order)."""
    return {
        "version": SETTINGS_VERSION,
        "weights": {cid: float(w) for cid, w in settings.weights.items()},
        "disabled": sorted(settings.disabled),
        "method": settings.method,
        "normalization": settings.normalization,
        "missing": settings.missing,
        "gates": [{"criterion": g.criterion, "op": g.op, "threshold": float(g.threshold)}
                  for g in settings.gates],
        "exclude": list(settings.exclude),
        "overrides": [{"state": o.state, "criterion": o.criterion, "value": float(o.value),
                       "note": o.note} for o in settings.overrides],
    }


def settings_from_dict(data: Any, where: str = "the settings") -> ScoringSettings:
    """Rebuild settings from :func:`settings_to_dict` output, checking every field.

    Criterion ids are checked against the catalogue and state codes against the 50 states
    and DC, so nothing unknown is ever stored.  ``where`` names the source in messages.

    Raises
    ------
    InputError
        Naming the field that is wrong and ``where`` it was found.
    """
    from siteselect.model.criteria import catalogue_ids

    def fail(msg: str) -> InputError:
        return InputError(f"{where}: {msg}")

    if not isinstance(data, dict):
        raise fail("the settings must be a JSON object.")
    version = data.get("version")
    if version != SETTINGS_VERSION:
        raise fail(f"settings version {version!r} is not supported (this release reads "
                   f"version {SETTINGS_VERSION}).")
    unknown = set(data) - _SETTINGS_KEYS
    if unknown:
        raise fail(f"unknown settings field(s): {', '.join(sorted(unknown))}.")
    known = set(catalogue_ids())

    def check_criterion(cid: Any, field_name: str) -> str:
        if not isinstance(cid, str) or cid not in known:
            raise fail(f"unknown criterion {cid!r} in {field_name}; known criteria: "
                       f"{', '.join(catalogue_ids())}.")
        return cid

    def check_state(code: Any, field_name: str) -> str:
        if not isinstance(code, str) or code.upper() not in STATE_CODES:
            raise fail(f"unknown state code {code!r} in {field_name}.")
        return code.upper()

    def number(value: Any, field_name: str) -> float:
        if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(
                value):
            raise fail(f"{field_name} must be a finite number, not {value!r}.")
        return float(value)

    weights_in = data.get("weights", {})
    if not isinstance(weights_in, dict):
        raise fail("weights must be an object of criterion id -> points.")
    weights: dict[str, float] = {}
    for cid, w in weights_in.items():
        check_criterion(cid, "weights")
        value = number(w, f"the weight of {cid}")
        if value < 0:
            raise fail(f"the weight of {cid} must not be negative ({value:g}).")
        weights[cid] = value
    disabled_in = data.get("disabled", [])
    if not isinstance(disabled_in, list):
        raise fail("disabled must be a list of criterion ids.")
    disabled = frozenset(check_criterion(c, "disabled") for c in disabled_in)
    gates_in = data.get("gates", [])
    if not isinstance(gates_in, list):
        raise fail("gates must be a list.")
    gates = []
    for i, g in enumerate(gates_in, 1):
        if not isinstance(g, dict) or set(g) != {"criterion", "op", "threshold"}:
            raise fail(f"gate {i} must be an object with criterion, op and threshold.")
        check_criterion(g["criterion"], f"gate {i}")
        threshold = number(g["threshold"], f"gate {i} threshold")
        try:
            gates.append(Gate(g["criterion"], g["op"], threshold))
        except InputError as exc:
            raise fail(f"gate {i}: {exc.message}") from None
    exclude_in = data.get("exclude", [])
    if not isinstance(exclude_in, list):
        raise fail("exclude must be a list of postal codes.")
    exclude = tuple(check_state(s, "exclude") for s in exclude_in)
    overrides_in = data.get("overrides", [])
    if not isinstance(overrides_in, list):
        raise fail("overrides must be a list.")
    overrides = []
    for i, o in enumerate(overrides_in, 1):
        if not isinstance(o, dict) or not {"state", "criterion", "value"} <= set(o) or not set(
                o) <= {"state", "criterion", "value", "note"}:
            raise fail(f"override {i} must be an object with state, criterion, value and "
                       "optionally note.")
        note = o.get("note", "")
        if not isinstance(note, str):
            raise fail(f"override {i} note must be text.")
        overrides.append(Override(check_state(o["state"], f"override {i}"),
                                  check_criterion(o["criterion"], f"override {i}"),
                                  number(o["value"], f"override {i} value"), note))
    for key in ("method", "normalization", "missing"):
        if key in data and not isinstance(data[key], str):
            raise fail(f"{key} must be text.")
    defaults = ScoringSettings()
    try:
        return ScoringSettings(
            weights=weights,
            disabled=disabled,
            method=data.get("method", defaults.method),
            normalization=data.get("normalization", defaults.normalization),
            missing=data.get("missing", defaults.missing),
            gates=tuple(gates),
            exclude=exclude,
            overrides=tuple(overrides),
        )
    except InputError as exc:
        raise fail(exc.message[0].lower() + exc.message[1:]) from None


# --------------------------------------------------------------------------------------------
# Built-in starting scenarios
# --------------------------------------------------------------------------------------------

#: (name, one-line rationale, weights in points); criteria not listed weigh 0.
BUILTIN_DEFINITIONS: tuple[tuple[str, str, dict[str, float] | None], ...] = (
    ("Balanced",
     "The default weighting: power cost first, then talent and tax incentives, with capacity, "
     "regulation, hazard and water risk.", None),
    ("Cheapest Power",
     "For a power-hungry campus whose lifetime cost is dominated by the electricity bill.",
     {"energy_cost": 50, "power_capacity": 20, "tax_incentives": 10, "hazard_risk": 10,
      "water_stress": 10}),
    ("Talent First",
     "For a site that must hire and keep engineering and operations staff locally.",
     {"talent": 35, "talent_density": 15, "education": 10, "energy_cost": 20,
      "tax_incentives": 10, "hazard_risk": 10}),
    ("Tax-Driven",
     "For a business case that rests on sales-tax exemptions and a light state tax load.",
     {"tax_incentives": 35, "corporate_tax": 15, "tax_climate": 15, "energy_cost": 25,
      "regulation": 10}),
    ("Low-Carbon",
     "For a company bound to emissions targets: a clean grid and low water stress count most.",
     {"grid_co2": 30, "clean_power": 25, "energy_cost": 20, "power_capacity": 10,
      "water_stress": 15}),
)


def builtin_scenarios() -> list[Scenario]:
    """The starting scenarios inserted into a new database (unsaved values, revision 0)."""
    from siteselect.model.criteria import catalogue_ids, default_weights

    out = []
    for name, rationale, weights in BUILTIN_DEFINITIONS:
        if weights is None:
            full = default_weights()
        else:
            full = {cid: float(weights.get(cid, 0.0)) for cid in catalogue_ids()}
        out.append(Scenario(name=name, settings=ScoringSettings(weights=full),
                            description=rationale, builtin=True))
    return out
