"""``siteselect data template|import|list|show|remove|accept``: planners' own tables.

A table (CSV with a ``FILE.criteria.csv`` sidecar, or XLSX with a ``criteria`` sheet) adds
criteria or replaces the figures of shipped ones.  It is stored in the scenario database as a
named, versioned table; ``rank``, ``scenario save``, ``export``, ``snapshot`` and the window use
the current tables.  A saved scenario keeps the versions it was saved with until
``siteselect data accept SCENARIO``.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from siteselect.cli.common import open_store, printable, text_table
from siteselect.errors import InputError
from siteselect.model.scenario import quoted, shell_quoted

FORMATS = ("table", "json")


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "data", help="import, list, show and remove your own tables of figures",
        description="Your own figures (power quotes, land prices, a newer release of a "
        "shipped column) as named, versioned tables in the scenario database.")
    dsub = p.add_subparsers(dest="data_command", metavar="ACTION", required=True,
                            parser_class=type(p))

    t = dsub.add_parser("template", help="write a table to fill in",
                        description="Write a table with every alternative's key and name and "
                        "its criteria sheet (XLSX) or sidecar FILE.criteria.csv (CSV).")
    t.add_argument("-o", "--out", metavar="FILE", default="siteselect-template.xlsx",
                   help="FILE.xlsx or FILE.csv (default: siteselect-template.xlsx)")
    t.add_argument("--level", choices=("state", "county"), default="state",
                   help="one row per state (key column state) or per county (key column fips)")
    t.add_argument("--criteria", metavar="ID[,ID...]", default="",
                   help="shipped criteria whose figures you want to replace, filled in with "
                   "the published figures and their source to overwrite (default: one "
                   "example criterion to rename)")
    t.set_defaults(handler=cmd_template)

    i = dsub.add_parser("import", help="check a table and store it",
                        description="Check a table and, if it has no errors, store it as a new "
                        "version. Every problem is listed as FILE:ROW:COLUMN: problem (value); "
                        "with any error nothing is imported and the exit status is 2.")
    i.add_argument("file", metavar="FILE.csv|FILE.xlsx")
    i.add_argument("--name", help="the table's name (default: the file name without suffix)")
    i.add_argument("--sheet", help="the XLSX sheet with the figures (default: the first sheet "
                   "not named criteria)")
    i.add_argument("--report", metavar="OUT.csv", help="also write the problems as CSV")
    i.add_argument("--db", metavar="PATH", help="scenario database (default: $SITESELECT_DB)")
    i.set_defaults(handler=cmd_import)

    ls = dsub.add_parser("list", help="list the stored tables")
    ls.add_argument("--all", action="store_true",
                    help="also removed tables (saved scenarios may still use them)")
    ls.add_argument("--format", choices=FORMATS, default="table")
    ls.add_argument("--db", metavar="PATH", help="scenario database (default: $SITESELECT_DB)")
    ls.set_defaults(handler=cmd_list)

    sh = dsub.add_parser("show", help="a table's criteria, provenance and figures")
    sh.add_argument("name")
    sh.add_argument("--version", type=int, help="an earlier version (default: the current)")
    sh.add_argument("--format", choices=FORMATS, default="table")
    sh.add_argument("--db", metavar="PATH", help="scenario database (default: $SITESELECT_DB)")
    sh.set_defaults(handler=cmd_show)

    rm = dsub.add_parser("remove", help="stop using a table (scenarios that used it keep "
                         "its figures until accepted)")
    rm.add_argument("name")
    rm.add_argument("--db", metavar="PATH", help="scenario database (default: $SITESELECT_DB)")
    rm.set_defaults(handler=cmd_remove)

    ac = dsub.add_parser("accept", help="re-score a saved scenario with the current tables",
                         description="A saved scenario keeps the table versions it was saved "
                         "with; accept moves it to the current ones (a new revision).")
    ac.add_argument("scenario")
    ac.add_argument("--db", metavar="PATH", help="scenario database (default: $SITESELECT_DB)")
    ac.set_defaults(handler=cmd_accept)


def _known() -> dict[str, Any]:
    from siteselect.model.criteria import level_criteria

    return level_criteria("county")


def cmd_template(args: argparse.Namespace) -> int:
    from siteselect.model.criteria import level_criteria
    from siteselect.model.owndata import write_template

    known = level_criteria(args.level)
    ids = [c.strip() for c in args.criteria.split(",") if c.strip()]
    unknown = [c for c in ids if c not in known]
    if unknown:
        raise InputError(f"Unknown criterion id(s) {', '.join(unknown)}; known at "
                         f"{args.level} level: {', '.join(known)}.")
    from siteselect.model.dataset import load_dataset

    # Shipped criteria start from their published figures and provenance, to be overwritten.
    figures = load_dataset(level=args.level) if ids else None
    out = write_template(args.out, args.level, [known[c] for c in ids] or None, figures)
    print(f"wrote {out}" + (f" and {out.with_name(out.stem + '.criteria.csv')}"
                            if out.suffix.lower() == ".csv" else ""))
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    from siteselect.model.owndata import error_count, read_table

    if args.report:
        from siteselect.exports.common import check_target

        check_target(args.report)
    table, problems = read_table(args.file, _known(), sheet=args.sheet, name=args.name)
    for p in problems:
        sys.stderr.write(printable(str(p)) + "\n")
    if args.report:
        from siteselect.exports.problem_report import write_problem_report

        write_problem_report(args.report, problems)
    errors = error_count(problems)
    if errors or table is None:
        sys.stderr.write(f"siteselect: error: {errors:,} problem"
                         f"{'s' if errors != 1 else ''} in {args.file}; nothing was "
                         "imported.\n")
        return 2
    with open_store(args, create=True) as store:
        outcome = store.import_table(table)
    t = outcome.stored
    ids = ", ".join(t.criteria)
    warnings = sum(1 for p in problems if p.warning)
    if not outcome.new_version:
        print(f"{quoted(t.name)} version {t.version} already holds these figures; nothing "
              "changed.")
        return 0
    print(f"Imported {quoted(t.name)} version {t.version} ({t.level} level): {ids}"
          + (f"; {warnings} warning{'s' if warnings != 1 else ''}" if warnings else "") + ".")
    if outcome.pinned:
        names = ", ".join(quoted(n) for n in outcome.pinned)
        print(f"Saved scenarios that keep their earlier figures until accepted: {names} "
              f"(siteselect data accept {shell_quoted(outcome.pinned[0])}).")
    return 0


def _used_by(store, name: str) -> list[str]:
    return [f"{n} (uses version {v})" for n, v in store.scenarios_using(name)]


def cmd_list(args: argparse.Namespace) -> int:
    with open_store(args) as store:
        tables = store.current_tables(removed=args.all)
        used = {t.name: _used_by(store, t.name) for t in tables}
        status = {t.name: store.version_status(t) for t in tables}
    if args.format == "json":
        print(json.dumps([{
            "name": t.name, "version": t.version, "level": t.level,
            "criteria": list(t.criteria), "content_hash": t.content_hash,
            "source_file": t.source_file, "sheet": t.sheet, "imported_at": t.imported_at,
            "status": status[t.name], "used_by": used[t.name]} for t in tables],
            ensure_ascii=False, indent=2))
        return 0
    if not tables:
        print("No tables of your own yet (siteselect data template, then siteselect data "
              "import FILE)." if not args.all else "No tables of your own.")
        return 0
    print(text_table(
        ["name", "version", "level", "criteria", "file", "imported (UTC)"]
        + (["status"] if args.all else []) + ["used by scenarios"],
        [[t.name, str(t.version), t.level, ", ".join(t.criteria),
          t.source_file + (f" [{t.sheet}]" if t.sheet else ""),
          t.imported_at[:16].replace("T", " ")] + ([status[t.name]] if args.all else [])
         + [", ".join(used[t.name]) or "-"] for t in tables], right={1}))
    return 0


def cmd_show(args: argparse.Namespace) -> int:
    from siteselect.model.alternatives import load_alternatives

    with open_store(args) as store:
        stored = store.get_table(args.name, args.version, removed=True)
        table = stored.table()
        used = _used_by(store, stored.name)
        status = store.version_status(stored)
    alts = load_alternatives(table.level)
    criteria = [{
        "id": c.id, "label": c.label, "unit": c.unit,
        "direction": "lower" if c.lower_is_better else "higher",
        "source": c.provenance.source if c.provenance else "",
        "url": c.provenance.url if c.provenance else "",
        "year": c.provenance.year if c.provenance else "",
        "status": c.provenance.status if c.provenance else "",
        "figures": sum(1 for v in table.values[c.id] if v),
    } for c in table.criteria]
    if args.format == "json":
        print(json.dumps({
            "name": stored.name, "version": stored.version, "level": stored.level,
            "content_hash": stored.content_hash, "source_file": stored.source_file,
            "sheet": stored.sheet, "imported_at": stored.imported_at,
            "status": status, "used_by": used, "criteria": criteria,
            "rows": [{"code": a.code, "name": a.name,
                      **{c.id: table.values[c.id][i] for c in table.criteria}}
                     for i, a in enumerate(alts)]}, ensure_ascii=False, indent=2))
        return 0
    print(f"{stored.name} version {stored.version} ({stored.level} level, from "
          f"{stored.source_file}{f' [{stored.sheet}]' if stored.sheet else ''}, imported "
          f"{stored.imported_at[:16].replace('T', ' ')} UTC) - {status}")
    print(f"used by: {', '.join(used) or 'no saved scenario'}")
    print()
    print(text_table(["id", "label", "unit", "direction", "source", "year", "status",
                      "figures"],
                     [[c["id"], c["label"], c["unit"], c["direction"], c["source"],
                       c["year"], c["status"], f"{c['figures']}/{len(alts)}"]
                      for c in criteria]))
    print()
    print(text_table(["code", "name"] + [c.id for c in table.criteria],
                     [[a.code, a.name] + [table.values[c.id][i] or "(missing)"
                                          for c in table.criteria]
                      for i, a in enumerate(alts)]))
    return 0


def cmd_remove(args: argparse.Namespace) -> int:
    with open_store(args) as store:
        removed, users = store.remove_table(args.name)
    print(f"Removed {quoted(removed.name)} (version {removed.version}); new rankings no longer "
          "use it.")
    if users:
        one = len(users) == 1
        sys.stderr.write(
            f"siteselect: warning: {len(users)} saved scenario{'' if one else 's'} still "
            f"use{'s' if one else ''} {quoted(removed.name)} and keep{'s' if one else ''} its "
            "figures until accepted: "
            + ", ".join(f"{quoted(n)} (version {v})" for n, v in users)
            + f" (siteselect data accept {shell_quoted(users[0][0])}).\n")
    return 0


def cmd_accept(args: argparse.Namespace) -> int:
    with open_store(args) as store:
        before = store.get(args.scenario)
        sc, dropped = store.accept_tables(args.scenario)
    if sc.revision == before.revision:
        print(f"Scenario {quoted(sc.name)} already uses the current tables; nothing changed.")
        return 0
    was = ", ".join(r.text() for r in before.tables) or "no tables"
    now = ", ".join(r.text() for r in sc.tables) or "no tables"
    print(f"Scenario {quoted(sc.name)} now uses {now} (was {was}); revision {sc.revision}.")
    if dropped:
        print(f"Dropped the weights, gates and what-if values on {', '.join(dropped)}: no "
              "current table holds those criteria any more.")
    return 0
