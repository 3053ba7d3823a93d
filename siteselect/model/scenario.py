"""A named scenario: a planner's scoring settings with a name, a description and history.

Scenarios are immutable values; the storage layer (:mod:`siteselect.storage`) saves them in
SQLite and keeps every earlier save as a revision.
"""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from siteselect.errors import InputError
from siteselect.model.sensitivity_summary import SensitivitySummary
from siteselect.model.settings import Override, ScoringSettings, check_text
from siteselect.scoring import Gate

if TYPE_CHECKING:  # pragma: no cover
    from siteselect.model.criteria import Criterion

NAME_MAX = 100
#: Most characters in a scenario's description (a few pages of text).
DESCRIPTION_MAX = 10_000


def clean_name(name: str, what: str = "scenario") -> str:
    """Normalise a scenario (or table: ``what``) name: NFC, surrounding white space removed;
    1-100 characters.

    Raises
    ------
    InputError
        For an empty name, one longer than 100 characters, or one with control characters.
    """
    if not isinstance(name, str):
        raise InputError(f"A {what} name must be text.")
    check_text(name, f"A {what} name")
    text = unicodedata.normalize("NFC", name).strip()
    if not text:
        raise InputError(f"A {what} name cannot be empty.")
    if all(ch.isspace() or unicodedata.category(ch) == "Cf" for ch in text):
        raise InputError(f"A {what} name cannot consist of invisible characters only.")
    if len(text) > NAME_MAX:
        raise InputError(f"A {what} name has at most {NAME_MAX} characters ({len(text)} given).")
    if any(unicodedata.category(ch) == "Cc" for ch in text):
        raise InputError(f"A {what} name cannot contain control characters such as line "
                         "breaks.")
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


@dataclass(frozen=True, order=True)
class TableRef:
    """One version of a planner's named table, as a scenario records it."""

    name: str
    version: int
    content_hash: str

    def text(self) -> str:
        return f"{quoted(self.name)} version {self.version}"


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
    #: The last sensitivity run kept with this revision (it may be stale: see
    #: :meth:`SensitivitySummary.is_current`).
    sensitivity: SensitivitySummary | None = None
    #: The planner's tables (name, version, hash) the scenario is scored with; it keeps
    #: these versions until the planner accepts newer ones.
    tables: tuple[TableRef, ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "name", clean_name(self.name))
        check_description(self.description)


def check_description(text: str) -> str:
    """Refuse a description that is not text or is longer than :data:`DESCRIPTION_MAX`.

    Raises
    ------
    InputError
        Saying how long it is and what the limit is.
    """
    if not isinstance(text, str):
        raise InputError("A scenario description must be text.")
    check_text(text, "A scenario description")
    if len(text) > DESCRIPTION_MAX:
        raise InputError(f"A scenario description has at most {DESCRIPTION_MAX:,} characters "
                         f"({len(text):,} given); shorten it.")
    return text


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
#                     "note": "..."}, ...],        what-if values replacing one figure
#      "weights_origin": {...}}                    optional: how the weights were derived
#
# ``weights_origin`` is present only when the weights were derived rather than set by hand;
# it is versioned on its own (siteselect.model.settings.origin_to_dict):
#
#     {"version": 1, "method": "ahp" | "roc" | "rank-sum" | "entropy" | "critic",
#      "criteria": ["energy_cost", ...],            in the method's order (a ranking: most
#      "shares": [0.52, ...],                       important first), with the derived shares
#      "judgments": ["energy_cost>talent=3", ...],  ahp only, with "cr": 0.034 (or null)
#      "states": 48}                                entropy / critic: states whose figures
#                                                   gave the weights
#
# An origin whose shares (x 100 points, rounded to 0.1) are not the weights any more is
# dropped on reading: the weights were changed by hand since.
# --------------------------------------------------------------------------------------------

SETTINGS_VERSION = 1

#: Most gates a scenario may hold (each one is a line of every report).
GATES_MAX = 200

#: The comparisons a gate may use (as siteselect.scoring.Gate accepts them).
GATE_OPS = ("<=", ">=", "<", ">", "==")

_SETTINGS_KEYS = {"version", "weights", "disabled", "method", "normalization", "missing",
                  "gates", "exclude", "overrides", "weights_origin", "level", "within"}


def settings_to_dict(settings: ScoringSettings) -> dict[str, Any]:
    """The documented plain-data form of ``settings`` (JSON-ready, stable key order)."""
    from siteselect.model.settings import origin_to_dict

    out = {
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
    if settings.weights_origin is not None:
        out["weights_origin"] = origin_to_dict(settings.weights_origin)
    if settings.level != "state":
        out["level"] = settings.level
        out["within"] = list(settings.within)
    return out


class ScenarioProblems(InputError):
    """Everything wrong with a scenario (file or stored settings), not just the first thing.

    ``where`` names the source and ``problems`` holds one sentence per problem; the message
    is one line that lists them all.
    """

    #: Most problems listed; a file with more says how many more there are.
    SHOWN = 20

    def __init__(self, where: str, problems: list[str]) -> None:
        self.where = where
        self.count = len(problems)
        more = len(problems) - self.SHOWN
        self.problems = tuple(problems[: self.SHOWN]) + (
            (f"and {more} more problem{'s' if more > 1 else ''}.",) if more > 0 else ())
        if len(problems) == 1:
            text = f"{where}: {problems[0]}"
        else:
            text = f"{where} has {len(problems)} problems: " + " ".join(
                f"({i}) {p}" for i, p in enumerate(self.problems, 1))
        super().__init__(text if text.endswith(".") else text + ".")


def shown(value: Any) -> str:
    """A short, one-line rendering of any value read from a file (for messages)."""
    import reprlib

    r = reprlib.Repr()
    r.maxstring = 40
    r.maxother = 40
    r.maxlevel = 2
    r.maxlist = r.maxdict = 4
    try:
        return r.repr(value)
    except ValueError:  # an integer too long to convert to text
        return "a number too long to show"


def _number(value: Any) -> float | None:
    """``value`` as a finite float, or None when it is not a finite number."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    try:
        out = float(value)
    except OverflowError:
        return None
    return out if math.isfinite(out) else None


def settings_from_dict(data: Any, where: str = "the settings",
                       extra: Mapping[str, Criterion] | None = None) -> ScoringSettings:
    """Rebuild settings from :func:`settings_to_dict` output, checking every field.

    Criterion ids are checked against the shipped catalogue of the settings' level and the
    ``extra`` criteria (those planners' own tables add) and codes against the
    alternatives of the geography layer, so nothing unknown is ever stored; what-if values
    must lie within their criterion's valid range (or be one of its categories).  ``where``
    names the source in messages.  Every problem is reported, not only the first.

    Raises
    ------
    ScenarioProblems
        Listing each field that is wrong, and ``where`` it was found.
    """
    problems: list[str] = []
    settings = settings_problems(data, problems, extra)
    if problems or settings is None:
        raise ScenarioProblems(where, problems or ["the settings cannot be read."])
    return settings


def settings_problems(data: Any, problems: list[str],
                      extra: Mapping[str, Criterion] | None = None) -> ScoringSettings | None:
    """The settings in ``data``, adding a sentence to ``problems`` for each thing wrong.

    ``extra`` are criteria known besides the shipped ones of the level (planners' tables).
    """
    from siteselect.model.alternatives import load_alternatives
    from siteselect.model.criteria import level_criteria
    from siteselect.model.settings import NOTE_MAX, origin_problems, what_if_problem
    from siteselect.scoring import METHODS, MISSING_POLICIES, NORMALIZATIONS

    if not isinstance(data, dict):
        problems.append("the settings must be a JSON object.")
        return None
    version = data.get("version")
    if version != SETTINGS_VERSION:
        problems.append(f"settings version {shown(version)} is not supported (this release "
                        f"reads version {SETTINGS_VERSION}).")
        return None
    unknown = set(data) - _SETTINGS_KEYS
    if unknown:
        problems.append("unknown settings field(s): "
                        f"{', '.join(shown(k) for k in sorted(unknown)[:10])}.")
    for key, label, allowed in (("method", "method", METHODS),
                                ("normalization", "normalisation", NORMALIZATIONS),
                                ("missing", "missing-data policy", MISSING_POLICIES)):
        if key in data and data[key] not in allowed:
            problems.append(f"unknown {label} {shown(data[key])}; choose one of "
                            f"{', '.join(allowed)}.")
    level = data.get("level", "state")
    if level not in ("state", "county"):
        problems.append(f"unknown level {shown(level)}; choose state or county.")
        level = "state"
    criteria = level_criteria(level)
    criteria.update(extra or {})
    alternatives = load_alternatives(level)
    states = load_alternatives("state")
    within: list[str] = []
    within_in = data.get("within", [])
    if not isinstance(within_in, list):
        problems.append("within must be a list of postal codes.")
    else:
        for code in within_in:
            if not isinstance(code, str) or code.upper() not in states:
                problems.append(f"unknown state code {shown(code)} in within.")
            else:
                within.append(code.upper())
        if within and level != "county":
            problems.append("within (a state filter) needs level county.")

    listed_known = False

    def check_criterion(cid: Any, field_name: str) -> str | None:
        nonlocal listed_known
        if not isinstance(cid, str) or cid not in criteria:
            # The list of known ids once, not with every unknown one.
            known = "" if listed_known else f"; known criteria: {', '.join(criteria)}"
            listed_known = True
            problems.append(f"unknown criterion {shown(cid)} in {field_name}{known}.")
            return None
        return cid

    def check_state(code: Any, field_name: str) -> str | None:
        if not isinstance(code, str) or code.upper() not in alternatives:
            problems.append(f"unknown {alternatives.word} code {shown(code)} in {field_name}.")
            return None
        return code.upper()

    def number(value: Any, field_name: str) -> float | None:
        out = _number(value)
        if out is None:
            problems.append(f"{field_name} must be a finite number, not {shown(value)}.")
        return out

    def listed(key: str, what: str) -> list[Any]:
        value = data.get(key, [])
        if not isinstance(value, list):
            problems.append(f"{key} must be a list of {what}.")
            return []
        return value

    weights_in = data.get("weights", {})
    weights: dict[str, float] = {}
    if not isinstance(weights_in, dict):
        problems.append("weights must be an object of criterion id -> points.")
        weights_in = {}
    for cid, w in weights_in.items():
        ok = check_criterion(cid, "weights")
        value = number(w, f"the weight of {shown(cid) if ok is None else cid}")
        if value is not None and value < 0:
            problems.append(f"the weight of {cid} must not be negative ({value:g}).")
        elif ok is not None and value is not None:
            weights[ok] = value
    disabled = frozenset(c for c in (check_criterion(c, "disabled")
                                     for c in listed("disabled", "criterion ids")) if c)
    gates: list[Gate] = []
    for i, g in enumerate(listed("gates", "gates"), 1):
        if not isinstance(g, dict) or set(g) != {"criterion", "op", "threshold"}:
            problems.append(f"gate {i} must be an object with criterion, op and threshold.")
            continue
        cid = check_criterion(g["criterion"], f"gate {i}")
        threshold = number(g["threshold"], f"gate {i} threshold")
        if g["op"] not in GATE_OPS:
            problems.append(f"gate {i}: Unknown comparison {shown(g['op'])} in a gate; use "
                            f"{', '.join(GATE_OPS)}.")
            continue
        if cid is None or threshold is None:
            continue
        try:
            gate = Gate(cid, g["op"], threshold)
        except InputError as exc:
            problems.append(f"gate {i}: {exc.message}")
            continue
        if gate in gates:
            problems.append(f"gate {i} repeats gate {gates.index(gate) + 1} ({cid} "
                            f"{g['op']} {threshold:g}).")
            continue
        gates.append(gate)
    if len(gates) > GATES_MAX:
        problems.append(f"{len(gates):,} gates; at most {GATES_MAX} are allowed.")
    exclude = tuple(c for c in (check_state(s, "exclude")
                                for s in listed("exclude", "postal codes")) if c)
    overrides = []
    override_at: dict[tuple[str, str], int] = {}
    for i, o in enumerate(listed("overrides", "what-if values"), 1):
        if not isinstance(o, dict) or not {"state", "criterion", "value"} <= set(o) or not set(
                o) <= {"state", "criterion", "value", "note"}:
            problems.append(f"override {i} must be an object with state, criterion, value and "
                            "optionally note.")
            continue
        note = o.get("note", "")
        if not isinstance(note, str):
            problems.append(f"override {i} note must be text.")
        elif len(note) > NOTE_MAX:
            problems.append(f"override {i} note has {len(note):,} characters; at most "
                            f"{NOTE_MAX} are allowed.")
        state = check_state(o["state"], f"override {i}")
        cid = check_criterion(o["criterion"], f"override {i}")
        value = number(o["value"], f"override {i} value")
        if cid is not None and value is not None:
            problem = what_if_problem(criteria[cid], value)
            if problem:
                problems.append(f"override {i} ({state or shown(o['state'])} {cid}): {problem}.")
                continue
        if state and cid and value is not None and isinstance(note, str):
            twice = override_at.get((state, cid))
            if twice is not None:
                problems.append(f"override {i} gives {state} {cid} a second what-if value "
                                f"(override {twice} already does).")
                continue
            override_at[(state, cid)] = i
            overrides.append(Override(state, cid, value, note))
    origin = None
    if data.get("weights_origin") is not None:
        origin = origin_problems(data["weights_origin"], problems, lambda c: c in criteria)
    if problems:
        return None
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
            weights_origin=origin,
            level=level,
            within=tuple(within),
        )
    except InputError as exc:
        problems.append(exc.message[0].lower() + exc.message[1:])
        return None


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
