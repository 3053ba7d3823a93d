"""``siteselect criteria`` and ``siteselect rank``: the catalogue and a ranking, headless.

:func:`add_rank_options` and :func:`settings_from_args` are shared with every command that
takes "rank options" (scenarios, exports, snapshots).
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import sys
from collections.abc import Sequence
from typing import Any

from siteselect.analysis import overridden, rank_states
from siteselect.cli.common import (
    add_level_options,
    add_rank_options,
    base_scenario,
    dataset_from_args,
    positive_int,
    settings_from_args,
    text_table,
    warn_newer_figures,
)
from siteselect.model.dataset import Dataset
from siteselect.model.settings import ScoringSettings
from siteselect.scoring import (
    METHOD_NAMES,
    ScoringResult,
)

FORMATS = ("table", "json", "csv")
#: The table of a county ranking names this many of the counties not ranked.
NOT_RANKED_SHOWN = 25


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "criteria",
        help="list the criteria with unit, direction, source and coverage",
        description="List every criterion a planner can weigh, with its provenance.",
    )
    p.add_argument("--format", choices=FORMATS, default="table")
    p.add_argument("--level", choices=("state", "county"), default="state",
                   help="the criteria of a state ranking (default) or of a county ranking "
                   "(the county criteria, then every state criterion as a state figure)")
    p.add_argument("--db", metavar="PATH", help="scenario database whose tables of your own "
                   "are listed too (default: $SITESELECT_DB)")
    p.set_defaults(handler=cmd_criteria)

    p = sub.add_parser(
        "rank",
        help="rank the states (or counties) under a weighting",
        description="Score and rank the 50 states and DC, or with --level county the 3,142 "
        "counties (--within TX: those of Texas only). Without --weights the default "
        "weighting of the level applies (see README.md).",
    )
    add_rank_options(p)
    add_level_options(p)
    p.add_argument("--top", type=positive_int, metavar="N",
                   help="show the first N states (or counties) only")
    p.add_argument("--format", choices=FORMATS, default="table")
    p.add_argument("--scenario", metavar="NAME",
                   help="start from a saved scenario; rank options apply on top of it")
    p.add_argument("--db", metavar="PATH", help="scenario database (default: $SITESELECT_DB)")
    p.set_defaults(handler=cmd_rank)


def criteria_records(ds: Dataset) -> list[dict[str, Any]]:
    """The catalogue as plain records (the ``criteria --format json`` schema)."""
    from siteselect.exports.common import criterion_sources

    out = []
    for c in ds.criteria:
        p = c.provenance
        assert p is not None
        out.append({
            "id": c.id,
            "label": c.label,
            "unit": c.unit,
            "direction": c.direction,
            "description": c.description,
            "source": p.source,
            "url": p.url,
            "url_note": c.url_note or None,
            "state_sources": criterion_sources(ds, c) or None,
            "state_figure": bool(c.inherited),
            "year": p.year,
            "status": p.status,
            "coverage": ds.coverage(c.id),
            "column": c.column,
            "default_weight": c.default_weight,
            "categories": c.encoding or None,
            "encoding": c.encoding_note or None,
            "valid_range": None if c.is_categorical else list(c.valid_range),
            "notes": p.notes,
        })
    return out


def cmd_criteria(args: argparse.Namespace) -> int:
    from siteselect.analysis import dataset_for
    from siteselect.cli.common import own_tables
    from siteselect.model.settings import ScoringSettings as Settings

    ds = dataset_for(Settings(level=getattr(args, "level", None) or "state"), own_tables(args))
    records = criteria_records(ds)
    if args.format == "json":
        json.dump(records, sys.stdout, indent=2, ensure_ascii=False)
        sys.stdout.write("\n")
    elif args.format == "csv":
        keys = ["id", "label", "unit", "direction", "description", "source", "url", "year",
                "status", "coverage", "default_weight", "encoding", "url_note"]
        _write_csv([[r[k] if r[k] is not None else "" for k in keys] for r in records], keys)
    else:
        rows = [
            [r["id"], r["label"], r["unit"], "lower" if r["direction"] == "lower_is_better"
             else "higher", f"{r['coverage']}/{len(ds.states)}", r["year"], r["status"],
             f"{r['default_weight']:g}" if r["default_weight"] else ""]
            for r in records
        ]
        print(text_table(["id", "label", "unit", "better", "coverage", "year", "status", "default"],
                     rows))
        print(f"\nDataset {ds.version}; sources: siteselect criteria --format json")
        for r in records:
            if r["url_note"]:
                print(f"{r['id']}: {r['url_note']}")
            if "proxy" in (r["status"] or ""):
                print(f"{r['id']} ({r['status']}): {r['description']}")
    return 0


def result_record(ds: Dataset, settings: ScoringSettings, result: ScoringResult,
                  top: int | None = None) -> dict[str, Any]:
    """A ranking as plain data (the ``rank --format json`` schema)."""
    from siteselect.exports.common import place_fields

    ranking = []
    what_if = overridden(settings)
    for row in result.rows(top):
        ranking.append({
            "rank": row.rank,
            # code (postal code, or a county's 5-digit FIPS text), state and name
            **place_fields(ds, row.alternative),
            # full precision, so that a weighted sum's contributions add up to its score
            "score": row.score,
            "values": row.values,
            "contributions": row.contributions,
            "imputed": list(row.imputed),
            # criteria whose value is a what-if override, not the published figure
            "what_if": [c for c in row.values if (row.alternative, c) in what_if],
        })
    return {
        "level": ds.level,
        "within": list(ds.scope),
        "method": result.method,
        "normalization": result.normalization,
        "missing": result.missing_policy,
        "weights": result.weights,
        "gates": [str(g) for g in result.gates],
        "ranking": ranking,
        "excluded": [{**place_fields(ds, e.alternative), "reason": e.reason}
                     for e in result.excluded],
        "warnings": list(result.warnings),
        "overrides": [
            {"state": o.state, "criterion": o.criterion, "value": o.value}
            for o in settings.overrides
        ],
        "dataset_version": ds.version,
        "criteria": [
            {"id": c.id, "label": c.label, "unit": c.unit, "direction": c.direction,
             "source": c.provenance.source if c.provenance else "",
             "url": c.provenance.url if c.provenance else "",
             "url_note": c.url_note or None,
             "year": c.provenance.year if c.provenance else "",
             "status": c.provenance.status if c.provenance else "",
             "description": c.description, "state_figure": c.inherited,
             "table": c.table or None}
            for c in ds.criteria if c.id in result.weights
        ],
    }


def cmd_rank(args: argparse.Namespace) -> int:
    scenario = base_scenario(args)
    base = scenario.settings if scenario else None
    ds = dataset_from_args(args, base, scenario)
    settings = settings_from_args(args, ds, base)
    result = rank_states(ds, settings)
    warn_newer_figures(args, scenario)
    print_result(ds, settings, result, args.format, args.top)
    return 0


def print_result(ds: Dataset, settings: ScoringSettings, result: ScoringResult, fmt: str,
                 top: int | None) -> None:
    """Write a ranking to stdout as table, json or csv."""
    if fmt == "json":
        json.dump(result_record(ds, settings, result, top), sys.stdout, indent=2,
                  ensure_ascii=False)
        sys.stdout.write("\n")
        return
    from siteselect.exports.common import place_fields

    crit = [ds.criterion(c) for c in result.criteria]
    county = ds.level == "county"
    if fmt == "csv":
        header = ["rank", "code", "state", "name", "score"] + [c.id for c in crit] + [
            f"{c.id}_points" for c in crit]
        rows = []
        for r in result.rows(top):
            place = place_fields(ds, r.alternative)
            rows.append([r.rank, place["code"], place["state"], place["name"], f"{r.score:.4f}"]
                        + ["" if r.values[c.id] is None else f"{r.values[c.id]:g}" for c in crit]
                        + [f"{r.contributions[c.id]:.4f}" for c in crit])
        _write_csv(rows, header)
        return
    header = (["rank", "fips", "county", "state", "score"] if county
              else ["rank", "state", "name", "score"]) + [c.id for c in crit]
    lines: list[list[str]] = []
    what_if = overridden(settings)

    def cell(state: str, cid: str, value: float | None) -> str:
        if value is None:
            return "missing"
        text = ds.format_value(state, cid, value, with_unit=False)
        return text + " *" if (state, cid) in what_if else text

    for r in result.rows(top):
        place = place_fields(ds, r.alternative)
        who = ([place["code"], place["name"], place["state"]] if county
               else [place["code"], place["name"]])
        lines.append([str(r.rank), *who, f"{r.score:.1f}"]
                     + [cell(r.alternative, c.id, r.values[c.id]) for c in crit])
    print(text_table(header, lines, right={0, len(header) - len(crit) - 1}))
    print()
    if county:
        scope = f" in {', '.join(ds.scope)}" if ds.scope else ""
        print(f"{len(result)} of {len(ds.codes)} counties{scope} ranked.")
        inherited = [c.id for c in crit if c.inherited]
        if inherited:
            print("State figures (every county carries its state's): " + ", ".join(inherited))
    for c in crit:
        if c.provenance and c.provenance.status == "computed proxy":
            print(f"{c.id} ({c.provenance.status}): {c.description}")
    if what_if:
        print("* what-if value replacing the published figure: " + "; ".join(
            f"{o.state} {o.criterion} {ds.format_value(o.state, o.criterion, o.value)} "
            f"(published {ds.format_value(o.state, o.criterion)})" for o in settings.overrides))
    print(f"Method: {METHOD_NAMES[result.method]}; normalisation: {result.normalization}; "
          f"missing data: {result.missing_policy}; dataset {ds.version}")
    print("Weights: " + ", ".join(f"{c}={w:.0%}" for c, w in result.weights.items()))
    units = "; ".join(f"{c.id}: {c.unit} ({c.provenance.year if c.provenance else ''})"
                      for c in crit)
    print("Units: " + units)
    if result.excluded:
        print("Not ranked:")
        shown = result.excluded[:NOT_RANKED_SHOWN] if county else result.excluded
        from siteselect.model.wording import exclusion_text

        for e in shown:
            print(f"  {e.alternative} {ds.names[e.alternative]}: "
                  f"{exclusion_text(ds, e, settings)}")
        if len(shown) < len(result.excluded):
            print(f"  ... and {len(result.excluded) - len(shown)} more counties "
                  "(--format json lists every one)")
    for w in result.warnings:
        print(f"Note: {w}")


def _write_csv(rows: Sequence[Sequence[Any]], header: Sequence[str]) -> None:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    sys.stdout.write(buf.getvalue())


__all__ = ["criteria_records", "result_record"]
