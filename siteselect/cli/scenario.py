"""``siteselect scenario ...`` and ``siteselect compare``: named scenarios from the shell.

A thin layer over :class:`siteselect.storage.ScenarioStore` and :func:`siteselect.compare.compare`.
Every command takes ``--db PATH`` (default: ``SITESELECT_DB`` or the per-user database).

``scenario save NAME [rank options]`` applies the rank options on top of the scenario's saved
settings when NAME exists (ignoring case and surrounding spaces; the save becomes its next
revision), or on top of the default settings for a new name.  ``--weights`` replaces all
weights; ``--require`` adds gates to the saved ones.  Built-in scenarios are never
overwritten: copy one with ``scenario duplicate`` first.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from siteselect.cli.common import (
    add_level_options,
    add_rank_options,
    add_sensitivity_run_options,
    check_sensitivity_run_options,
    open_store,
    positive_int,
    printable,
    settings_from_args,
    text_table,
    warn_newer_figures,
)
from siteselect.model.scenario import Scenario, quoted, shell_quoted, shown
from siteselect.model.settings import Override, ScoringSettings, what_if_problem

FORMATS = ("table", "json")


def _add_db(p: argparse.ArgumentParser) -> None:
    p.add_argument("--db", metavar="PATH", default=None,
                   help="scenario database file (default: $SITESELECT_DB or the per-user file)")


def register(sub: argparse._SubParsersAction) -> None:

    sp = sub.add_parser(
        "scenario",
        help="save, list, revise, share named scenarios",
        description="Named scenarios in the scenario database (SQLite). Built-in starting "
        "scenarios: Balanced, Cheapest Power, Talent First, Tax-Driven, Low-Carbon.",
    )
    ssub = sp.add_subparsers(dest="scenario_command", metavar="ACTION", required=True,
                             parser_class=type(sp))

    p = ssub.add_parser("list", help="list scenarios, most recently updated first")
    p.add_argument("--search", metavar="TEXT", help="only names or descriptions containing TEXT")
    p.add_argument("--format", choices=FORMATS, default="table")
    _add_db(p)
    p.set_defaults(handler=cmd_list)

    p = ssub.add_parser("show", help="show one scenario's settings")
    p.add_argument("name", metavar="NAME")
    p.add_argument("--revision", metavar="REV", type=positive_int, default=None,
                   help="show this earlier revision (see `scenario revisions NAME`)")
    p.add_argument("--format", choices=FORMATS, default="table")
    _add_db(p)
    p.set_defaults(handler=cmd_show)

    p = ssub.add_parser(
        "save", help="save a scenario (a new revision if the name exists)",
        description="Save NAME. If it exists (ignoring case and surrounding spaces) the rank "
        "options apply on top of its saved settings and the save becomes its next revision; "
        "otherwise they apply on top of the defaults. Built-in scenarios are not overwritten.")
    p.add_argument("name", metavar="NAME")
    add_rank_options(p)
    add_level_options(p)
    p.add_argument("--description", metavar="TEXT", default=None,
                   help="what the scenario is for (kept from the saved one if omitted)")
    p.add_argument("--what-if", dest="what_if", metavar="ST:ID=VALUE", action="append",
                   default=None,
                   help="replace one figure, e.g. 'TX:energy_cost=5.0' or "
                   "'WA:tax_incentives=yes', at county level '48453:county_power_price=4.1' "
                   "(repeatable; added to the saved ones, replacing the same place and "
                   "criterion)")
    p.add_argument("--no-what-if", dest="no_what_if", action="store_true",
                   help="drop the saved what-if values first")
    p.add_argument("--weights-from", dest="weights_from", metavar="FILE.json", default=None,
                   help="take the weights, and the record of how they were derived, from the "
                   "JSON that `siteselect weights ... --format json` prints (the criteria it "
                   "names get their share x 100 points, every other criterion 0)")
    p.add_argument("--sensitivity", action="store_true",
                   help="run the sensitivity analysis on the saved settings and keep its "
                   "summary with this revision (see `siteselect sensitivity`)")
    add_sensitivity_run_options(p)
    _add_db(p)
    p.set_defaults(handler=cmd_save)

    p = ssub.add_parser("rename", help="rename a scenario (refused onto an existing name)")
    p.add_argument("old", metavar="OLD")
    p.add_argument("new", metavar="NEW")
    _add_db(p)
    p.set_defaults(handler=cmd_rename)

    p = ssub.add_parser("duplicate", help="copy a scenario (built-ins included) to a new name")
    p.add_argument("name", metavar="NAME")
    p.add_argument("new", metavar="NEW")
    _add_db(p)
    p.set_defaults(handler=cmd_duplicate)

    p = ssub.add_parser("delete", help="delete a scenario and its revisions")
    p.add_argument("name", metavar="NAME")
    _add_db(p)
    p.set_defaults(handler=cmd_delete)

    p = ssub.add_parser("revisions", help="list a scenario's saved revisions, newest first")
    p.add_argument("name", metavar="NAME")
    p.add_argument("--format", choices=FORMATS, default="table")
    _add_db(p)
    p.set_defaults(handler=cmd_revisions)

    p = ssub.add_parser("restore", help="make an earlier revision current (as a new revision)")
    p.add_argument("name", metavar="NAME")
    p.add_argument("revision", metavar="REV", type=positive_int)
    _add_db(p)
    p.set_defaults(handler=cmd_restore)

    p = ssub.add_parser("export", help="write a scenario to a JSON file for sharing")
    p.add_argument("name", metavar="NAME")
    p.add_argument("-o", "--output", metavar="FILE.json", required=True)
    _add_db(p)
    p.set_defaults(handler=cmd_export)

    p = ssub.add_parser("import", help="read a scenario from a JSON file")
    p.add_argument("file", metavar="FILE.json")
    p.add_argument("--rename", metavar="NEW", default=None,
                   help="import under this name (needed when the name exists)")
    _add_db(p)
    p.set_defaults(handler=cmd_import)

    p = sub.add_parser(
        "compare", help="compare the rankings of two saved scenarios",
        description="Rank every state (or county) under NAME_A and NAME_B and show each "
        "one's rank and score in both, the rank change (positive = moved up in B), those "
        "entering or leaving the top N, and the weight differences. Each scenario ranks at "
        "its own level (states or counties); both must rank the same places, or --level and "
        "--within rank both at one level and in one set of states.")
    p.add_argument("name_a", metavar="NAME_A")
    p.add_argument("name_b", metavar="NAME_B")
    add_level_options(p)
    p.add_argument("--top", type=positive_int, default=10, metavar="N",
                   help="shortlist size for entered/left (default 10)")
    p.add_argument("--format", choices=FORMATS, default="table")
    _add_db(p)
    p.set_defaults(handler=cmd_compare)


def _dump(data: Any) -> None:
    json.dump(data, sys.stdout, indent=2, ensure_ascii=False)
    sys.stdout.write("\n")


def _when(iso: str) -> str:
    return iso[:16].replace("T", " ") if iso else ""


def _short(text: str, n: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= n else text[: n - 1] + "…"


def sensitivity_status(sc: Scenario, dataset_version: str) -> str:
    """The kept sensitivity run in one line, saying whether it is current or stale."""
    s = sc.sensitivity
    if s is None:
        return "(none kept)"
    if s.is_current(sc.settings, dataset_version):
        return f"current: {s.text()}"
    why = ("the dataset changed since" if s.dataset_version != dataset_version
           else "the settings changed since")
    return f"STALE ({why}): {s.text()}"


def scenario_record(sc: Scenario, dataset_version: str | None = None) -> dict[str, Any]:
    from siteselect.model.scenario import settings_to_dict
    from siteselect.model.sensitivity_summary import summary_to_dict

    out = {
        "name": sc.name,
        "description": sc.description,
        "builtin": sc.builtin,
        "revision": sc.revision,
        "created": sc.created,
        "updated": sc.updated,
        "dataset_version": sc.dataset_version,
        "settings": settings_to_dict(sc.settings),
    }
    if dataset_version is not None:
        s = sc.sensitivity
        out["sensitivity"] = None if s is None else dict(
            summary_to_dict(s), current=s.is_current(sc.settings, dataset_version))
    return out


def cmd_list(args: argparse.Namespace) -> int:

    with open_store(args) as store:
        items = store.list(args.search)
        for message in store.unreadable:
            sys.stderr.write(f"siteselect: warning: {message} It is not listed.\n")
    if args.format == "json":
        _dump([scenario_record(sc) for sc in items])
        return 0
    rows = [[sc.name, _when(sc.updated), str(sc.revision), "built-in" if sc.builtin else "",
             _short(sc.description)] for sc in items]
    print(text_table(["name", "updated (UTC)", "rev", "kind", "description"], rows, right={2}))
    return 0


def describe_settings(settings: ScoringSettings) -> list[tuple[str, str]]:
    """Settings as (label, text) lines for a table."""
    from siteselect.scoring import METHOD_NAMES

    points = settings.effective_points()
    total = sum(points.values())
    weights = ", ".join(
        f"{c}={w:g} ({w / total:.0%})" if total else f"{c}={w:g}"
        for c, w in sorted(points.items(), key=lambda kv: -kv[1]) if w > 0)
    level = ("counties" + (f" of {', '.join(settings.within)}" if settings.within else "")
             if settings.level == "county" else "states")
    lines = [
        ("Ranks", level),
        ("Method", METHOD_NAMES.get(settings.method, settings.method)),
        ("Normalisation", settings.normalization),
        ("Missing data", settings.missing),
        ("Weights", weights or "(none)"),
    ]
    if settings.disabled:
        lines.append(("Disabled", ", ".join(sorted(settings.disabled))))
    lines.append(("Gates", ", ".join(str(g) for g in settings.gates) or "(none)"))
    lines.append(("Excluded", ", ".join(settings.exclude) or "(none)"))
    overrides = "; ".join(
        f"{o.state} {o.criterion}={o.value:g}" + (f" ({o.note})" if o.note else "")
        for o in settings.overrides)
    lines.append(("What-if overrides", overrides or "(none)"))
    origin = settings.weights_origin
    lines.append(("Weights derived", "by hand (manual)" if origin is None else origin.text()))
    if origin is not None and origin.judgments:
        lines.append(("Judgments", ", ".join(origin.judgments)))
    return lines


def cmd_show(args: argparse.Namespace) -> int:
    from dataclasses import replace

    with open_store(args) as store:
        sc = store.get(args.name)
        if args.revision is not None and args.revision != sc.revision:
            rev = store.get_revision(args.name, args.revision)
            # The scenario as that save left it (created stays; updated = when it was saved).
            sc = replace(sc, name=rev.name, description=rev.description, settings=rev.settings,
                         dataset_version=rev.dataset_version, updated=rev.saved_at,
                         revision=rev.revision, sensitivity=rev.sensitivity, tables=rev.tables)
        tables = store.tables_for(sc.tables)
        newer = store.newer_figures(sc)
    from siteselect.analysis import dataset_for

    version = dataset_for(sc.settings, tables).version
    if args.format == "json":
        record = scenario_record(sc, version)
        record["tables"] = [{"name": r.name, "version": r.version, "hash": r.content_hash}
                            for r in sc.tables]
        record["newer_figures"] = newer
        _dump(record)
        return 0
    lines = [
        ("Name", sc.name + (" (built-in)" if sc.builtin else "")),
        ("Description", sc.description or "(none)"),
        ("Revision", str(sc.revision)),
        ("Created", sc.created),
        ("Updated", sc.updated),
        ("Dataset version", sc.dataset_version or "(any)"),
    ] + describe_settings(sc.settings) + [
        ("Your tables", ", ".join(r.text() for r in sc.tables) or "(none)"),
    ] + ([("Newer figures", newer)] if newer else []) + [
        ("Sensitivity run", sensitivity_status(sc, version))]
    width = max(len(label) for label, _ in lines)
    for label, text in lines:
        print(f"{label.ljust(width)}  {printable(text)}")
    return 0


def parse_what_if(text: str, ds) -> Override:
    """``'TX:energy_cost=5.0'`` (or a category label as the value) -> Override.

    Raises
    ------
    InputError
        For a malformed text, an unknown state or criterion, or a value that is not a finite
        number (or, for a categorical criterion, one of its labels).
    """
    import math
    import re

    from siteselect.errors import InputError

    m = re.fullmatch(r"\s*([A-Za-z]{2}|[0-9]{4,5})\s*:\s*([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.+?)\s*",
                     text)
    if m is None:
        example = ("'48453:county_power_price=4.1'" if ds.level == "county"
                   else "'TX:energy_cost=5.0'")
        place = "COUNTY_FIPS" if ds.level == "county" else "STATE"
        raise InputError(f"Cannot read the what-if value {text!r}: write "
                         f"{place}:CRITERION=VALUE, e.g. {example}.")
    state = ds.check_states([m.group(1)])[0]
    crit = ds.criterion(m.group(2))
    raw = m.group(3)
    labels = {k.casefold(): v for k, v in crit.encoding.items()}
    if crit.is_categorical and raw.casefold() in labels:
        value = float(labels[raw.casefold()])
    else:
        try:
            value = float(raw)
        except ValueError:
            value = math.nan
        if not math.isfinite(value):
            choices = (f"one of {', '.join(crit.encoding)}" if crit.is_categorical
                       else f"a number in {crit.unit}" if crit.unit else "a number")
            raise InputError(f"The what-if value for {state} {crit.id} must be {choices}, "
                             f"not {shown(raw)}.")
    problem = what_if_problem(crit, value)
    if problem:
        raise InputError(f"The what-if value for {state} {crit.id}: {problem}.")
    return Override(state, crit.id, value)


def _with_what_if(settings: ScoringSettings, args: argparse.Namespace, ds) -> ScoringSettings:
    from dataclasses import replace

    overrides = [] if getattr(args, "no_what_if", False) else list(settings.overrides)
    for text in getattr(args, "what_if", None) or []:
        for new in parse_what_ifs(text, ds):
            overrides = [o for o in overrides if (o.state, o.criterion) != (new.state,
                                                                            new.criterion)]
            overrides.append(new)
    return replace(settings, overrides=tuple(overrides))


def parse_what_ifs(text: str, ds) -> list[Override]:
    """:func:`parse_what_if`, where at county level a state and one of its state figures
    (``TX:energy_cost=5``) stand for that figure in every county of the state."""
    from dataclasses import replace

    from siteselect.errors import InputError

    head = text.split(":", 1)[0]
    if ds.level == "county" and ds.alternatives.resolve(head) is None:
        counties = ds.expand_codes([head])
        first = parse_what_if(f"{counties[0]}:{text.split(':', 1)[1]}", ds)
        if not ds.criterion(first.criterion).inherited:
            raise InputError(f"{head.strip()} is a state: a what-if for all its counties "
                             f"works for state figures only, and {first.criterion} is a "
                             "county figure; give a county's FIPS code.")
        return [replace(first, state=c) for c in counties]
    return [parse_what_if(text, ds)]


#: A weights file larger than this is not the output of `siteselect weights`.
WEIGHTS_FILE_MAX = 1_000_000


def read_weights_file(path: str):
    """The weight origin in a ``siteselect weights ... --format json`` file.

    Raises
    ------
    InputError
        For a missing, special, too large or non-JSON file, or one whose content is not a
        derived weighting (every problem named).
    """
    import os
    from pathlib import Path

    from siteselect.errors import InputError
    from siteselect.model.scenario import ScenarioProblems
    from siteselect.storage.database import special_file_kind
    from siteselect.storage.exchange import parse_document

    p = Path(path)
    try:
        kind = special_file_kind(os.stat(p).st_mode)
        if kind is not None:
            raise InputError(f"{p} is {kind}, not a weights file.")
        fd = os.open(p, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
        with os.fdopen(fd, "rb") as fh:
            data = fh.read(WEIGHTS_FILE_MAX + 1)
    except OSError as exc:
        raise InputError(f"Cannot read {p}: {exc.strerror or exc}.") from None
    if len(data) > WEIGHTS_FILE_MAX:
        raise InputError(f"{p} is larger than {WEIGHTS_FILE_MAX:,} bytes; it is not the output "
                         "of `siteselect weights`.")
    problems: list[str] = []
    origin = origin_from_weights_record(parse_document(data, str(p)), problems)
    if problems or origin is None:
        raise ScenarioProblems(str(p), problems or ["it holds no weights."])
    return origin


def origin_from_weights_record(record: Any, problems: list[str]):
    """A :class:`~siteselect.model.settings.WeightOrigin` from the JSON of
    ``siteselect weights ... --format json``, adding a sentence to ``problems`` per fault."""
    from siteselect.model.criteria import CATALOGUE
    from siteselect.model.settings import ORIGIN_VERSION, origin_problems

    expected = ("an object with method and weights, as `siteselect weights ... --format json` "
                "prints it")
    if not isinstance(record, dict) or not isinstance(record.get("weights"), list):
        problems.append(f"expected {expected}.")
        return None
    ids: list[Any] = []
    shares: list[Any] = []
    for w in record["weights"]:
        if not isinstance(w, dict) or set(w) != {"id", "weight"}:
            problems.append("each weight must be an object with id and weight.")
            return None
        ids.append(w["id"])
        shares.append(w["weight"])
    method = record.get("method")
    data: dict[str, Any] = {"version": ORIGIN_VERSION, "method": method, "criteria": ids,
                            "shares": shares}
    if method == "ahp":
        data["judgments"] = record.get("judgments", [])
        data["cr"] = record.get("cr")
    elif method in ("entropy", "critic") and "states" in record:
        data["states"] = record["states"]
    elif method in ("roc", "rank-sum") and record.get("order", ids) != ids:
        problems.append("the order does not match the weights.")
    if method == "manual":
        problems.append("method 'manual' derives no weights; use --weights instead.")
        return None
    known = {c.id for c in CATALOGUE}
    origin = origin_problems(data, problems, lambda c: c in known)
    if origin is not None and abs(sum(w for _, w in origin.shares) - 1.0) > 1e-3:
        problems.append(f"the shares add up to {sum(w for _, w in origin.shares):.4f}, not 1.")
        return None
    return origin


def cmd_save(args: argparse.Namespace) -> int:
    from siteselect.analysis import rank_states
    from siteselect.cli.common import dataset_from_args
    from siteselect.derived_weights import with_shares
    from siteselect.errors import InputError

    run = check_sensitivity_run_options(args)
    origin = None
    if getattr(args, "weights_from", None):
        if getattr(args, "weights", None):
            raise InputError("Give either --weights or --weights-from, not both.")
        origin = read_weights_file(args.weights_from)

    def change(existing: Scenario | None) -> Scenario:
        # Applied to the scenario as stored at the moment of saving (again, if another
        # program saves it meanwhile), so concurrent saves never revert each other.
        base = existing.settings if existing else None
        # An existing scenario keeps the table versions it records until they are accepted
        # (siteselect data accept); a new one records the current tables.
        refs = existing.tables if existing else store.current_refs()
        ds = dataset_from_args(args, base, tables=store.tables_for(refs))
        settings = settings_from_args(args, ds, base)
        if origin is not None:
            settings = with_shares(ds, settings, dict(origin.shares), origin=origin)
        settings = _with_what_if(settings, args, ds)
        rank_states(ds, settings)  # refuse settings that cannot rank (e.g. all weights zero)
        description = args.description if args.description is not None else (
            existing.description if existing else "")
        # The last run is kept (marked stale by `scenario show` when the settings changed),
        # or replaced by a new one.
        sensitivity = existing.sensitivity if existing else None
        if run:
            from siteselect.exports.common import compute_sensitivity

            sensitivity = compute_sensitivity(ds, settings, draws=args.draws, seed=args.seed,
                                              top_k=args.top_k)
        return Scenario(name=existing.name if existing else args.name, settings=settings,
                        description=description, dataset_version=ds.version,
                        sensitivity=sensitivity, tables=refs)

    with open_store(args, create=True) as store:
        saved = store.modify(args.name, change)
        print(f"Saved {quoted(saved.name)} as revision {saved.revision} in {store.path}")
        if saved.tables:
            print("Scored with your tables: " + ", ".join(r.text() for r in saved.tables))
    warn_newer_figures(args, saved)
    return 0


def cmd_rename(args: argparse.Namespace) -> int:
    with open_store(args) as store:
        old = store.get(args.old).name
        sc = store.rename(args.old, args.new)
    print(f"Renamed {quoted(old)} to {quoted(sc.name)}")
    return 0


def cmd_duplicate(args: argparse.Namespace) -> int:
    with open_store(args) as store:
        sc = store.duplicate(args.name, args.new)
    print(f"Copied to {quoted(sc.name)}")
    return 0


def cmd_delete(args: argparse.Namespace) -> int:
    with open_store(args) as store:
        gone = store.delete(args.name)
    print(f"Deleted {quoted(gone.scenario.name)} and its {gone.revision_count} revision(s)")
    return 0


def cmd_revisions(args: argparse.Namespace) -> int:
    from siteselect.model.scenario import settings_to_dict

    with open_store(args) as store:
        current = store.get(args.name)
        revs = store.revisions(args.name)
        for message in store.unreadable_revisions:
            sys.stderr.write(f"siteselect: warning: {message} It is not listed.\n")
    if args.format == "json":
        _dump([{"revision": r.revision, "saved_at": r.saved_at, "name": r.name,
                "description": r.description, "dataset_version": r.dataset_version,
                "current": r.revision == current.revision,
                "settings": settings_to_dict(r.settings)} for r in revs])
        return 0
    rows = []
    for r in revs:
        weights = dict(describe_settings(r.settings))["Weights"]
        rows.append([str(r.revision) + (" *" if r.revision == current.revision else ""),
                     _when(r.saved_at), r.settings.method, _short(weights, 70)])
    print(text_table(["rev", "saved (UTC)", "method", "weights"], rows))
    print("\n* current. Restore one with: siteselect scenario restore "
          f"{shell_quoted(current.name)} REV")
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    with open_store(args) as store:
        sc = store.restore_revision(args.name, args.revision)
    print(f"Restored revision {args.revision} of {quoted(sc.name)} as revision {sc.revision}")
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    from pathlib import Path

    from siteselect.exports.common import check_target
    from siteselect.storage.exchange import write_file

    with open_store(args) as store:
        sc = store.get(args.name)
    check_target(Path(args.output))  # the same rule as every other export
    path = write_file(sc, args.output)
    print(f"Exported {quoted(sc.name)} to {path}")
    return 0


def _ask_new_name(taken: str) -> str | None:
    """Ask on the terminal for another name for an import; None when the planner gives none."""
    sys.stderr.write(f"A scenario named {quoted(taken)} already exists. Import it under another "
                     "name (empty to cancel): ")
    sys.stderr.flush()
    line = sys.stdin.readline()
    name = line.strip()
    return name or None


def cmd_import(args: argparse.Namespace) -> int:
    """Import a scenario file; an existing name takes --rename, or is asked for on a terminal."""
    from siteselect.errors import InputError
    from siteselect.model.scenario import clean_name
    from siteselect.storage.exchange import document_to_scenario, read_file

    doc = read_file(args.file)
    where = str(args.file)
    with open_store(args, create=True) as store:
        rename = args.rename
        if rename is None and sys.stdin.isatty():
            # Check the file first, so the question is only asked about a valid scenario.
            name = document_to_scenario(doc, where).name
            while (existing := store.find(name)) is not None:
                answer = _ask_new_name(existing.name)
                if answer is None:
                    print("Nothing imported.", file=sys.stderr)
                    return 1
                try:
                    name = clean_name(answer)
                except InputError as exc:
                    print(exc.message, file=sys.stderr)
                rename = name
        sc = store.import_document(doc, rename=rename, where=where,
                                   check=_scorable_check(store))
    print(f"Imported {quoted(sc.name)} into {store.path}")
    return 0


def _scorable_check(store):  # -> Callable[[Scenario, str], None]
    """Refuse, on import, a scenario that can never be scored against the shipped data and
    the tables it records (the database's current ones)."""
    from siteselect.analysis import check_scorable, dataset_for

    return lambda sc, where: check_scorable(
        dataset_for(sc.settings, store.tables_for(sc.tables)), sc, where)


def cmd_compare(args: argparse.Namespace) -> int:
    from siteselect.analysis import rank_states
    from siteselect.cli.common import at_level, dataset_from_args
    from siteselect.compare import ENTERED, LEFT, compare, comparison_record
    from siteselect.errors import InputError, SiteSelectError

    with open_store(args) as store:
        a = store.get(args.name_a)
        b = store.get(args.name_b)

    def scoped(sc: Scenario):
        # each scenario at its own level and states, unless --level / --within say otherwise
        try:
            ds = dataset_from_args(args, sc.settings, sc)
            return ds, at_level(sc.settings, ds)
        except SiteSelectError as exc:  # say which of the two
            raise type(exc)(f"Scenario {quoted(sc.name)}: {exc.message}") from None

    (ds, settings_a), (ds_b, settings_b) = scoped(a), scoped(b)
    if (ds.level, ds.scope) != (ds_b.level, ds_b.scope):
        def what(d) -> str:
            return (f"the counties of {', '.join(d.scope)}" if d.scope
                    else f"every {d.alternatives.word}" if d.level == "county" else "the states")
        scope = ds.scope or ds_b.scope
        hint = ("give --within ST,... to rank both in the same states" if ds.level == ds_b.level
                else "give --level county" + (f" --within {','.join(scope)}" if scope else "")
                + " to rank both by county (a state scenario's weights apply to its "
                "criteria's state figures), or compare two scenarios of one level")
        raise InputError(f"{quoted(a.name)} ranks {what(ds)} but {quoted(b.name)} ranks "
                         f"{what(ds_b)}; a comparison needs the same places on both sides: "
                         f"{hint}.")

    def ranked(sc: Scenario, settings):
        try:
            return rank_states(ds, settings)
        except SiteSelectError as exc:  # say which of the two cannot be scored
            raise type(exc)(f"Scenario {quoted(sc.name)}: {exc.message}") from None

    cmp = compare(ranked(a, settings_a), ranked(b, settings_b), args.top, states=ds.states)
    county = ds.level == "county"
    if args.format == "json":
        record = comparison_record(cmp, a.name, b.name, dict(ds.names))
        if county:
            from siteselect.exports.common import place_fields

            for entry in record["states"]:
                entry.update(place_fields(ds, entry["code"]))
        record = {"level": ds.level, "within": list(ds.scope), **record}
        _dump(record)
        return 0

    def rank(r: int | None, why: str | None) -> str:
        return str(r) if r is not None else ("excluded" if why else "-")

    rows = []
    for s in cmp.states:
        change = s.rank_change
        mark = {ENTERED: f"entered top {cmp.top_n}", LEFT: f"left top {cmp.top_n}"}.get(
            s.top_status, "")
        note = "; ".join(f"{side}: {why}" for side, why in (("A", s.excluded_a),
                                                           ("B", s.excluded_b)) if why)
        rows.append([s.state, ds.names.get(s.state, ""), rank(s.rank_a, s.excluded_a),
                     rank(s.rank_b, s.excluded_b),
                     "" if change is None else f"{change:+d}" if change else "0",
                     "" if s.score_a is None else f"{s.score_a:.1f}",
                     "" if s.score_b is None else f"{s.score_b:.1f}", mark or note])
    print(f"A: {a.name}\nB: {b.name}\n")
    if county:
        print(f"Counties{' of ' + ', '.join(ds.scope) if ds.scope else ''}: "
              f"{len(ds.codes)}\n")
    print(text_table([("fips" if county else "state"), "name", "rank A", "rank B", "change",
                      "score A", "score B", "note"],
                 rows, right={2, 3, 4, 5, 6}))
    print(f"\nChange = places moved up from A to B. Top {cmp.top_n}: "
          f"entered {', '.join(cmp.entered) or 'none'}; left {', '.join(cmp.left) or 'none'}.")
    if cmp.weights:
        print("\nWeights (share of total):")
        print(text_table(["criterion", "A", "B", "change"],
                     [[w.criterion, f"{w.weight_a:.0%}", f"{w.weight_b:.0%}",
                       f"{w.change * 100:+.0f} pts" if round(w.change * 100) else "0"]
                      for w in cmp.weights], right={1, 2, 3}))
    for field, va, vb in cmp.settings:
        print(f"{field}: A {va}, B {vb}")
    return 0
