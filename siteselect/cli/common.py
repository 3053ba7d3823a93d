"""Helpers shared by the command modules: rank options, scenario lookup, tables, validators.

Every command that produces a ranking takes the same "rank options" and may start from a
saved scenario; they live here so that the command modules depend on this one and never on
each other.
"""

from __future__ import annotations

import argparse
import re
from collections.abc import Sequence
from typing import Any

from siteselect.errors import InputError, StorageError
from siteselect.model.dataset import Dataset
from siteselect.model.scenario import Scenario, quoted
from siteselect.model.settings import ScoringSettings, parse_gates, parse_weights
from siteselect.scoring import METHODS, MISSING_POLICIES, NORMALIZATIONS


def positive_int(text: str) -> int:
    try:
        n = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, not {text!r}") from None
    if n < 1:
        raise argparse.ArgumentTypeError(f"expected at least 1, not {n}")
    return n


MAX_DRAWS = 1_000_000


def draws_arg(text: str) -> int:
    n = positive_int(text)
    if n > MAX_DRAWS:
        raise argparse.ArgumentTypeError(f"at most {MAX_DRAWS:,} draws, not {n:,}")
    return n


def concentration_arg(text: str) -> float:
    try:
        c = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number, not {text!r}") from None
    if not (c > 0 and c < float("inf")):
        raise argparse.ArgumentTypeError(f"expected a positive number, not {text!r}")
    return c


def seed_arg(text: str) -> int:
    try:
        s = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, not {text!r}") from None
    if not 0 <= s < 2**63:
        raise argparse.ArgumentTypeError("expected a whole number from 0 to 2^63 - 1")
    return s


def add_rank_options(p: argparse.ArgumentParser) -> None:
    """Options that define a ranking: weights, method, normalisation, gates, missing data."""
    g = p.add_argument_group("rank options")
    g.add_argument(
        "--weights", metavar="ID=W,...",
        help="weights by criterion id, e.g. energy_cost=3,talent=1 (unlisted criteria get 0)",
    )
    g.add_argument("--method", choices=METHODS, default=None,
                   help="wsm = weighted sum (default), wpm = weighted product, topsis")
    g.add_argument("--normalize", choices=NORMALIZATIONS, default=None,
                   help="minmax (default), zscore or rank; TOPSIS always uses vector normalisation")
    g.add_argument("--exclude", metavar="ST,ST", default=None,
                   help="postal codes of states (at county level: 5-digit county FIPS "
                   "codes) to leave out, e.g. CA,NY (any case; a code "
                   "given twice counts once); replaces a saved scenario's list, and "
                   "--exclude '' leaves none out")
    g.add_argument("--require", metavar="'ID<=X'", action="extend", nargs="+", default=None,
                   help="hard gate(s) on raw values, e.g. 'energy_cost<=9' 'tax_incentives>=0.5'; "
                   "a categorical criterion also takes its label: 'water_stress<=Medium-high'. "
                   "On a saved scenario, a gate on the same criterion with the same comparison "
                   "replaces the saved one; others are added")
    g.add_argument("--clear-gates", action="store_true",
                   help="drop a saved scenario's gates first (then --require adds the new ones)")
    g.add_argument("--missing", choices=MISSING_POLICIES, default=None,
                   help="missing data: worst (default), mean, or exclude the state")


def add_level_options(p: argparse.ArgumentParser) -> None:
    """--level and --within: rank the states, or the counties (of some states).

    Commands that take them build their dataset with :func:`dataset_from_args`."""
    g = p.add_argument_group("level")
    g.add_argument("--level", choices=LEVELS, default=None,
                   help="what is ranked: state (default) or county; a saved scenario keeps "
                   "its own level unless this is given")
    g.add_argument("--within", metavar="ST[,ST...]", default=None,
                   help="with --level county: rank only the counties of these states "
                   "(postal codes, e.g. TX or TX,OK); --within '' ranks every county")


#: The levels a ranking can be made at.
LEVELS = ("state", "county")


def parse_within(text: str) -> tuple[str, ...]:
    """``'tx, ok'`` -> ``('OK', 'TX')``: the postal codes of ``--within``, checked.

    Raises
    ------
    InputError
        Naming every text that is not a state (or DC).
    """
    from siteselect.model.alternatives import load_alternatives

    parts = [t for t in text.split(",") if t.strip()]
    return tuple(sorted(set(load_alternatives("state").check(parts))))


def ranking_scope(args: argparse.Namespace,
                  base: ScoringSettings | None = None) -> tuple[str, tuple[str, ...]]:
    """The level and states of ``--level`` / ``--within``, else of the saved settings.

    Raises
    ------
    InputError
        For ``--within`` at state level, or an unknown postal code.
    """
    level = getattr(args, "level", None) or (base.level if base else "state")
    text = getattr(args, "within", None)
    if text is not None:
        if level != "county":
            raise InputError("--within keeps the counties of some states: add --level county "
                             f"(this ranking is at {level} level).")
        return level, parse_within(text)
    if base is not None and base.level == level == "county":
        return level, tuple(base.within)
    return level, ()


def dataset_from_args(args: argparse.Namespace, base: ScoringSettings | None = None,
                      scenario: Scenario | None = None,
                      tables: list[Any] | None = None) -> Dataset:
    """The figures at the level and scope the options (or saved settings) ask for: the
    shipped ones with the planner's tables (a saved ``scenario``'s recorded versions, else the
    database's current ones; or ``tables`` when given)."""
    from siteselect.model.dataset import load_dataset
    from siteselect.model.tables import apply_tables

    level, within = ranking_scope(args, base)
    if tables is None:
        tables = own_tables(args, scenario)
    if not tables:
        return load_dataset(level=level, within=within)
    ds = apply_tables(load_dataset(level=level), tables)
    return ds.within(within) if within else ds


def settings_from_args(
    args: argparse.Namespace, ds: Dataset, base: ScoringSettings | None = None
) -> ScoringSettings:
    """Build settings from rank options, on top of ``base`` (default settings if None).

    Raises
    ------
    InputError
        For an unknown criterion id or state code, a bad weight or a malformed gate.
    """
    base = at_level(base or ScoringSettings(level=ds.level), ds,
                    keep_weights=args.weights is None,
                    keep_gates=not getattr(args, "clear_gates", False))
    changes: dict[str, Any] = {}
    if args.weights is not None:
        given = parse_weights(args.weights)
        for cid in given:
            ds.criterion(cid)
        changes["weights"] = {c: given.get(c, 0.0) for c in ds.criterion_ids}
        changes["disabled"] = frozenset()
    if args.method:
        changes["method"] = args.method
    if args.normalize:
        changes["normalization"] = args.normalize
    if args.missing:
        changes["missing"] = args.missing
    if args.exclude is not None:
        changes["exclude"] = tuple(ds.expand_codes(args.exclude.split(",")))
    kept = () if getattr(args, "clear_gates", False) else tuple(base.gates)
    if args.require:
        gates = parse_gates(_with_category_numbers(t, ds) for t in args.require)
        for gate in gates:
            ds.criterion(gate.criterion)
        # A new gate replaces a saved one on the same criterion and comparison.
        new_keys = {(g.criterion, g.op) for g in gates}
        kept = tuple(g for g in kept if (g.criterion, g.op) not in new_keys)
        changes["gates"] = kept + gates
    elif kept != tuple(base.gates):
        changes["gates"] = kept
    fields: dict[str, Any] = {
        "weights": base.weights, "disabled": base.disabled, "method": base.method,
        "normalization": base.normalization, "missing": base.missing, "gates": base.gates,
        "exclude": base.exclude, "overrides": base.overrides,
        "weights_origin": base.weights_origin,  # dropped by the settings if weights change
        "level": ds.level, "within": ds.scope,
    }
    fields.update(changes)
    return ScoringSettings(**fields)


def at_level(settings: ScoringSettings, ds: Dataset, *, keep_weights: bool = True,
             keep_gates: bool = True) -> ScoringSettings:
    """``settings`` made to rank what ``ds`` holds (its level and states).

    Weights carry over where the other level has the same criteria (every state criterion is
    a county criterion too, as a state figure); exclusions and what-if values name places,
    so they carry over only to the counties of a narrower or wider set of states.

    Raises
    ------
    InputError
        When a weighted criterion or a gate does not exist at the new level, or exclusions
        or what-if values name places of the other level.
    """
    from dataclasses import replace

    if (settings.level, settings.within) == (ds.level, ds.scope):
        return settings
    ids = set(ds.criterion_ids)
    if keep_weights:
        foreign = sorted(c for c, w in settings.effective_points().items()
                         if w and c not in ids)
        if foreign:
            raise InputError(
                f"The weights use {', '.join(foreign)}, which the {ds.level} level does not "
                f"have: give --weights for the {ds.level} level.")
    gates = settings.gates if keep_gates else ()
    foreign = sorted({g.criterion for g in gates} - ids)
    if foreign:
        raise InputError(f"The gates use {', '.join(foreign)}, which the {ds.level} level "
                         "does not have: add --clear-gates, or give gates for that level.")
    if settings.level == "county" and ds.level == "state" and (
            settings.exclude or settings.overrides):
        raise InputError(
            "The saved exclusions or what-if values name counties, which a ranking at state "
            "level cannot use: save a separate scenario for the state level.")
    from siteselect.analysis import settings_for_places

    return settings_for_places(replace(settings, gates=gates), ds, defaults=False)


_GATE_PARTS = re.compile(r"^\s*([A-Za-z_][A-Za-z0-9_]*)\s*(<=|>=|==|<|>|=)\s*(.+?)\s*$")


def _with_category_numbers(text: str, ds: Dataset) -> str:
    """A gate on a categorical criterion may name a label: 'water_stress<=Medium-high' is
    read as 'water_stress<=0.5' (labels as in ``siteselect criteria --format json``, any
    case).  Any other text is left for the gate parser to accept or explain."""
    m = _GATE_PARTS.match(text)
    if not m or m.group(1) not in ds.criterion_ids:
        return text
    cid, op, raw = m.groups()
    encoding = ds.criterion(cid).encoding
    value = {k.lower(): v for k, v in encoding.items()}.get(raw.lower())
    if value is not None:
        return f"{cid}{op}{value!r}"
    if encoding:
        try:
            float(raw)
        except ValueError:
            raise InputError(
                f"The gate {text!r} needs a number or one of the labels of {cid}: "
                + ", ".join(f"{k} = {v:g}" for k, v in encoding.items()) + "."
            ) from None
    return text


def add_sensitivity_run_options(p: argparse.ArgumentParser) -> None:
    """--draws, --seed and --top-k of a sensitivity run kept with a scenario or an export."""
    from siteselect.scoring.sensitivity import DEFAULT_DRAWS, DEFAULT_TOP_K

    p.add_argument("--draws", type=draws_arg, default=None, metavar="N",
                   help=f"with --sensitivity: weight vectors to draw (default "
                   f"{DEFAULT_DRAWS:,})")
    p.add_argument("--seed", type=seed_arg, default=None, metavar="S",
                   help="with --sensitivity: random seed (default: a new one, recorded)")
    p.add_argument("--top-k", dest="top_k", type=positive_int, default=None, metavar="K",
                   help=f"with --sensitivity: size of the shortlist counted (default "
                   f"{DEFAULT_TOP_K})")


def check_sensitivity_run_options(args: argparse.Namespace) -> bool:
    """Whether a run was asked for; --draws, --seed or --top-k without --sensitivity are
    refused rather than ignored."""
    from siteselect.errors import InputError

    given = [f"--{n.replace('_', '-')}" for n in ("draws", "seed", "top_k")
             if getattr(args, n, None) is not None]
    if given and not getattr(args, "sensitivity", False):
        raise InputError(f"{', '.join(given)} appl{'ies' if len(given) == 1 else 'y'} to a "
                         "sensitivity run: add --sensitivity, or leave "
                         f"{'it' if len(given) == 1 else 'them'} out.")
    return bool(getattr(args, "sensitivity", False))


def open_store(args: argparse.Namespace, *, create: bool = False):
    """The scenario database of ``--db`` / ``SITESELECT_DB`` / the per-user default.

    Only commands that save (``create=True``) create a file the planner named; the others
    say there is no database there instead of creating an empty one.
    """
    from siteselect.storage import ScenarioStore

    return ScenarioStore.open(db_path(args), create=create)


def db_path(args: argparse.Namespace) -> str | None:
    """``--db`` of the command, else of ``siteselect --db``, else None (the default database).

    Raises
    ------
    InputError
        For a ``--db`` given but empty: a script passing an unset variable must not fall back
        to the planner's own database.
    """
    for key in ("db", "window_db"):
        value = getattr(args, key, None)
        if value is not None:
            if not str(value).strip():
                raise InputError("--db was given an empty path; name the scenario database "
                                 "file, or leave --db out to use the default one.")
            return str(value)
    return None


def load_scenario(db: str | None, name: str) -> Scenario:
    """The saved scenario ``name`` from database ``db`` (None: the default), never creating
    a named database file that does not exist."""
    from siteselect.storage import MissingDatabaseError, ScenarioStore

    try:
        store = ScenarioStore.open(db, create=False)
    except MissingDatabaseError as exc:
        raise StorageError(f"Cannot use scenario {quoted(name)}: {exc.message}") from None
    with store:
        return store.get(name)


def base_settings(args: argparse.Namespace) -> ScoringSettings | None:
    """The saved settings of ``--scenario NAME`` (for ``rank`` and other commands), or None."""
    sc = base_scenario(args)
    return sc.settings if sc is not None else None


def base_scenario(args: argparse.Namespace) -> Scenario | None:
    """The saved scenario of ``--scenario NAME``, or None."""
    name = getattr(args, "scenario", None)
    if not name:
        return None
    return load_scenario(db_path(args), name)


def newer_figures(args: argparse.Namespace, scenario: Scenario | None) -> str:
    """The sentence naming figures newer than those a saved scenario keeps ('' if none)."""
    from siteselect.storage import MissingDatabaseError, ScenarioStore

    if scenario is None:
        return ""
    try:
        store = ScenarioStore.open(db_path(args), create=False)
    except MissingDatabaseError:
        return ""
    with store:
        return store.newer_figures(scenario)


def warn_newer_figures(args: argparse.Namespace, scenario: Scenario | None) -> str:
    """Print :func:`newer_figures` as a warning on stderr; returns it."""
    import sys

    text = newer_figures(args, scenario)
    if text:
        name = quoted(scenario.name) if scenario is not None else ""
        sys.stderr.write(f"siteselect: warning: scenario {name}: {printable(text)} "
                         f"(siteselect data accept ...)\n")
    return text


#: Characters that would act on the terminal (escape sequences, bells) or reorder text on
#: screen (bidirectional overrides) if a stored name or description were printed as it is.
_BIDI_CONTROLS = set("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def printable(text: str) -> str:
    """``text`` safe to print on a terminal: control and direction-override characters are
    shown as escapes (``\\x1b``, ``\\u202e``) instead of acting on the terminal."""
    import unicodedata

    if text.isprintable() and not (_BIDI_CONTROLS & set(text)):
        return text
    out = []
    for ch in text:
        if ch in _BIDI_CONTROLS or (unicodedata.category(ch) in ("Cc", "Cs") and ch != " "):
            out.append(ch.encode("unicode_escape", "backslashreplace").decode("ascii"))
        else:
            out.append(ch)
    return "".join(out)


def text_table(
    header: Sequence[str], rows: Sequence[Sequence[str]], right: set[int] | None = None
) -> str:
    right = right or set()
    rows = [[printable(str(c)) for c in r] for r in rows]
    cols = list(zip(header, *rows, strict=False)) if rows else [(h,) for h in header]
    widths = [max(len(str(v)) for v in col) for col in cols]

    def fmt(cells: Sequence[Any]) -> str:
        return "  ".join(
            str(v).rjust(w) if i in right else str(v).ljust(w)
            for i, (v, w) in enumerate(zip(cells, widths, strict=True))
        ).rstrip()

    lines = [fmt(header), "  ".join("-" * w for w in widths)]
    lines += [fmt(r) for r in rows]
    return "\n".join(lines)


def own_table_refs(args: argparse.Namespace, scenario: Scenario | None = None
                   ) -> tuple[list[Any], tuple[Any, ...]]:
    """:func:`own_tables` and the versions they are (as a scenario records them)."""
    from siteselect.storage import MissingDatabaseError, ScenarioStore
    from siteselect.storage.database import resolve_db_path

    path = db_path(args)
    if scenario is None and not resolve_db_path(path).exists():
        return [], ()
    try:
        store = ScenarioStore.open(path, create=False)
    except MissingDatabaseError:
        return [], ()
    with store:
        return store.tables_in_use(scenario)


def own_tables(args: argparse.Namespace, scenario: Scenario | None = None) -> list[Any]:
    """The planner's tables a ranking uses: the versions a saved ``scenario`` records, else
    the current tables of the scenario database (none when there is no database yet)."""
    return own_table_refs(args, scenario)[0]
