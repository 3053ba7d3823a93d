"""CSV export: the ranked shortlist as one table, its run metadata in a JSON companion file.

``OUT.csv`` is UTF-8 with a byte-order mark by default, so that Excel on Windows reads accents
and dashes correctly (``bom=False``, or ``--no-bom`` on the command line, writes plain UTF-8 for
tools that do not expect one); comma separated, with exactly one header row and one
row per listed state in rank order:

``rank, state, name, score``
    competition rank (1, 2, 2, 4), postal code, state name, score 0-100 (higher is better);
    a county ranking has ``rank, code, state, name, score``: the county's 5-digit FIPS code
    as text with its leading zeros (``01001``), its state's postal code and its name;
``<criterion id>``
    for every weighted criterion, the figure the ranking used, as a plain number in the
    criterion's unit (categories as their documented numeric encoding; a what-if override
    replaces the dataset figure); empty where the figure is missing;
``<criterion id>_label``
    for categorical criteria only, the category as published (e.g. ``yes``, ``limited``),
    with its meaning where the catalogue gives one (``n/a (no statewide sales tax; full
    points)``);
``<criterion id>_points``
    the criterion's contribution to the score in points;
``notes``
    missing figures (and how they were scored) and what-if overrides for that state;
``scenario``
    the scenario name on every row, so rows from several exports can be stacked.

The companion ``OUT.meta.json`` (same name, ``.meta.json`` instead of ``.csv``) records the run:
the unit of every numeric column (``column_units``, e.g. ``"energy_cost": "cents/kWh"``),
scenario name and description, export time, dataset version, method (also in plain words),
normalisation, missing-data policy, weights, every weighted criterion's unit, direction and
provenance (source, URL, year, status), gates, excluded states with reasons, what-if
overrides and warnings.  Its ``"format"`` member is ``"siteselect-csv-metadata"`` and
``"format_version"`` is 1.

Text that a spreadsheet would read as a formula (starting with ``= + - @``, tab or carriage
return) is written with a leading apostrophe; numbers are written as numbers.
"""

from __future__ import annotations

import csv
import json
import os
from pathlib import Path

from siteselect.exports.common import (
    CancelFn,
    Checkpoint,
    ExportRequest,
    ProgressFn,
    atomic_output,
    category_label,
    neutralise,
    place_columns,
    place_fields,
    row_notes,
    run_metadata,
)

META_FORMAT = "siteselect-csv-metadata"
META_VERSION = 1


def metadata_path(path: str | os.PathLike[str]) -> Path:
    """The companion metadata file of a CSV export: ``OUT.csv`` -> ``OUT.meta.json``."""
    p = Path(path)
    stem = p.name[:-4] if p.name.lower().endswith(".csv") else p.name
    return p.with_name(stem + ".meta.json")


def header(req: ExportRequest) -> list[str]:
    crit = req.criteria()
    cols = ["rank", *place_columns(req.dataset), "score"]
    for c in crit:
        cols.append(c.id)
        if c.is_categorical:
            cols.append(f"{c.id}_label")
    cols += [f"{c.id}_points" for c in crit]
    cols += ["notes", "scenario"]
    return cols


def column_units(req: ExportRequest) -> dict[str, str]:
    """The unit of every numeric column of the table (text columns are left out)."""
    units: dict[str, str] = {"rank": "rank (1 = best)", "score": "points (0-100)"}
    for c in req.criteria():
        units[c.id] = c.encoding_note if c.is_categorical and c.encoding_note else c.unit
    for c in req.criteria():
        units[f"{c.id}_points"] = "points"
    return units


def table_rows(req: ExportRequest) -> list[list[object]]:
    """The CSV body as Python values (numbers stay numbers), in rank order."""
    ds = req.dataset
    crit = req.criteria()
    out: list[list[object]] = []
    for row in req.rows():
        place = place_fields(ds, row.alternative)
        cells: list[object] = [row.rank, *(place[k] for k in place_columns(ds)),
                               round(row.score, 6)]
        for c in crit:
            v = row.values[c.id]
            cells.append("" if v is None else v)
            if c.is_categorical:
                cells.append("" if v is None else category_label(req, row.alternative, c.id, v))
        cells += [round(row.contributions[c.id], 6) for c in crit]
        cells.append(row_notes(req, row))
        cells.append(req.scenario_name)
        out.append(cells)
    return out


def _cell(v: object) -> object:
    """A CSV cell: floats without a trailing .0, text neutralised."""
    if isinstance(v, float):
        text = repr(v + 0.0)  # + 0.0 turns -0.0 into 0.0
        return text[:-2] if text.endswith(".0") else text
    return neutralise(v)


def write_csv(
    req: ExportRequest,
    path: str | os.PathLike[str],
    progress: ProgressFn | None = None,
    is_cancelled: CancelFn | None = None,
    *,
    bom: bool = True,
) -> Path:
    """Write ``path`` (the table) and its ``.meta.json`` companion; return ``path``.

    ``bom``: start the table with a UTF-8 byte-order mark (the default; Excel needs it to
    read the file as UTF-8).  The JSON companion never has one.

    Raises
    ------
    ExportError
        If the file cannot be written; ExportCancelled if cancelled (nothing written).
    """
    step = Checkpoint(progress, is_cancelled)
    step(0.0, "Preparing the table")
    meta = {"format": META_FORMAT, "format_version": META_VERSION,
            "table": Path(path).name, "encoding": "UTF-8 with BOM" if bom else "UTF-8",
            "columns": header(req),
            "column_units": column_units(req), **run_metadata(req)}
    rows = table_rows(req)
    target, meta_target = Path(path), metadata_path(path)
    with atomic_output([target, meta_target]) as (tmp, tmp_meta):
        with tmp.open("w", encoding="utf-8-sig" if bom else "utf-8", newline="") as fh:
            writer = csv.writer(fh, lineterminator="\r\n")
            writer.writerow([neutralise(h) for h in header(req)])
            for i, r in enumerate(rows):
                if i % 10 == 0:
                    step(0.1 + 0.7 * i / max(1, len(rows)), "Writing rows")
                writer.writerow([_cell(v) for v in r])
        step(0.85, "Writing the metadata")
        with tmp_meta.open("w", encoding="utf-8") as fh:
            json.dump(meta, fh, indent=2, ensure_ascii=False)
            fh.write("\n")
        step(1.0, "Done")
    return target
