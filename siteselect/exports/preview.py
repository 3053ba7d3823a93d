"""A plain-text preview of what an export will write, without writing anything.

The window's export dialog shows it before the planner commits to a file: the first rows of
the table, the sheets of the workbook, the layers and attributes of a GIS file, the page count
of the PDF, the size of an image, and the run metadata that every format carries.
"""

from __future__ import annotations

import io

from siteselect.exports.common import (
    NORMALIZATION_NAMES,
    CancelFn,
    Checkpoint,
    ExportRequest,
    ProgressFn,
    number_text,
)
from siteselect.scoring import METHOD_NAMES

PREVIEW_ROWS = 5


def metadata_lines(req: ExportRequest) -> list[str]:
    r = req.result
    lines = [
        f"Scenario: {req.title}",
        f"Dataset version: {req.dataset_version}",
        f"Method: {METHOD_NAMES[r.method]}; normalisation: "
        f"{NORMALIZATION_NAMES.get(r.normalization, r.normalization)}; missing figures: "
        f"{r.missing_policy}",
        "Weights: " + ", ".join(f"{c} {w:.1%}" for c, w in r.weights.items()),
        f"States: {req.shown_count} listed of {len(r)} ranked; {len(r.excluded)} not ranked",
    ]
    if r.gates:
        lines.append("Gates: " + ", ".join(str(g) for g in r.gates))
    if req.settings.overrides:
        lines.append("What-if values: " + ", ".join(
            f"{o.state} {o.criterion}={number_text(o.value)}" for o in req.settings.overrides))
    return lines


def preview(
    req: ExportRequest,
    fmt: str,
    progress: ProgressFn | None = None,
    is_cancelled: CancelFn | None = None,
    *,
    size: tuple[int, int] | None = None,
) -> str:
    """Describe what exporting ``req`` as ``fmt`` would write (``size``: png/svg pixels)."""
    step = Checkpoint(progress, is_cancelled)
    step(0.0, "Preparing the preview")
    ds = req.dataset
    rows = req.rows()
    out: list[str] = []
    if fmt == "csv":
        from siteselect.exports.csv import _cell, header, table_rows

        cols = header(req)
        out.append(f"CSV table: {len(rows)} rows x {len(cols)} columns, plus a .meta.json "
                   "file with the run metadata.")
        out.append("")
        out.append(",".join(cols[:8]) + (", ..." if len(cols) > 8 else ""))
        for r in table_rows(req)[:PREVIEW_ROWS]:
            out.append(",".join(str(_cell(v)) for v in r[:8]) + (", ..." if len(r) > 8 else ""))
        if len(rows) > PREVIEW_ROWS:
            out.append(f"... {len(rows) - PREVIEW_ROWS} more rows")
    elif fmt == "xlsx":
        out.append("Excel workbook with live formulas: sheets Ranking, Weights, Data, Values "
                   "used, Normalised, Excluded, Sources, Method.")
        out.append(f"Ranking: {len(rows)} rows; scores recompute when a weight in the Weights "
                   "sheet is edited.")
        out.append("")
        for row in rows[:PREVIEW_ROWS]:
            out.append(f"{row.rank:>3}  {row.alternative}  {ds.names[row.alternative]:<16} "
                       f"{row.score:6.2f}")
    elif fmt in ("geojson", "gpkg"):
        n = len(rows) + (len(req.result.excluded) if req.top_n is None or
                         req.top_n >= len(req.result) else 0)
        kind = "GeoJSON" if fmt == "geojson" else "GeoPackage (layer 'ranking' + metadata tables)"
        out.append(f"{kind}, EPSG:4326: {n} state polygons.")
        labels = [f"{c.id}_label" for c in req.criteria() if c.is_categorical]
        attrs = ["state", "name", "rank", "score"] + list(req.result.criteria) + labels + [
            "<id>_points", "excluded_reason", "notes", "scenario", "dataset_version"]
        out.append("Attributes: " + ", ".join(attrs))
    elif fmt == "pdf":
        from siteselect.exports.pdf import render_pdf

        pages = render_pdf(req, io.BytesIO(), step)
        out.append(f"PDF decision record, {req.paper.upper() if req.paper == 'a4' else 'Letter'}"
                   f", {pages} page{'s' if pages != 1 else ''}: map with legend, method, "
                   f"weights, top {len(rows)} table, points, states not ranked, sources.")
    elif fmt in ("png", "svg"):
        from siteselect.exports.images import DEFAULT_SIZE

        w, h = size or DEFAULT_SIZE
        out.append(f"{fmt.upper()} map, {w} x {h}: every state coloured by score (grey where "
                   "not ranked), legend with the best score at the top, title and source line.")
    else:
        out.append(f"Unknown format {fmt!r}.")
    out.append("")
    out.extend(metadata_lines(req))
    step(1.0, "Done")
    return "\n".join(out)
