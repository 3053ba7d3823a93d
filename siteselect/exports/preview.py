"""A plain-text preview of what an export will write, without writing anything.

The window's export dialog shows it before the planner commits to a file: the first rows of
the table, the sheets of the workbook, the layers and attributes of a GIS file, the page count
of the PDF, the size of an image, and the run metadata that every format carries.
"""

from __future__ import annotations

import io

from siteselect.exports.common import (
    CancelFn,
    Checkpoint,
    ExportRequest,
    ProgressFn,
    exclusion_reason,
    figure_text,
    own_tables_text,
)
from siteselect.model.wording import (
    count_text,
    criterion_label,
    gate_text,
    method_label,
    missing_label,
    normalization_label,
)

PREVIEW_ROWS = 5


def metadata_lines(req: ExportRequest) -> list[str]:
    """The run in the planner's words: labels and units, never ids."""
    r, ds = req.result, req.dataset
    lines = [
        f"Scenario: {req.title}",
        f"Dataset version: {req.dataset_version}",
        *([f"Your tables: {own_tables_text(req)}"] if own_tables_text(req) else []),
        *([f"Newer figures: {req.newer_figures}"] if req.newer_figures else []),
        f"Method: {method_label(r.method)}; normalisation: "
        f"{normalization_label(r.normalization, r.method)}; {missing_label(r.missing_policy)}",
        "Weights: " + ", ".join(f"{criterion_label(ds, c)} {w:.1%}"
                                for c, w in r.weights.items()),
        f"{ds.alternatives.plural.capitalize()}"
        + (f" of {', '.join(ds.scope)}" if ds.scope else "")
        + f": {req.shown_count} listed of {len(r)} ranked; "
        f"{len(r.excluded)} not ranked; "
        f"{count_text(len(r.criteria), 'criterion', 'criteria')} weighted",
    ]
    if r.gates:
        lines.append("Gates: " + "; ".join(gate_text(ds, g) for g in r.gates))
    if r.excluded:
        lines.append("Not ranked:")
        lines.extend(f"  {ds.names.get(e.alternative, e.alternative)}: "
                     f"{exclusion_reason(req, e)}" for e in r.excluded)
    if req.settings.overrides:
        lines.append("What-if values: " + "; ".join(
            f"{ds.names.get(o.state, o.state)}: {criterion_label(ds, o.criterion)} "
            f"{figure_text(ds.criterion(o.criterion), o.value)}"
            for o in req.settings.overrides))
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
    word, plural = ds.alternatives.word, ds.alternatives.plural
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
        n = len(req.result) + len(req.result.excluded)
        kind = ("GeoJSON" if fmt == "geojson" else
                "GeoPackage 1.2 (layer 'ranking' + metadata tables)")
        out.append(f"{kind}, EPSG:4326: {n} {word} polygons, every {word}"
                   + (f" of {', '.join(ds.scope)}" if ds.scope else "")
                   + f"; the first {len(rows)} ranked are marked shortlisted.")
        labels = [f"{c.id}_label" for c in req.criteria() if c.is_categorical]
        who = ["code", "state", "name"] if ds.level == "county" else ["state", "name"]
        attrs = [*who, "rank", "score", "shortlisted"] + list(
            req.result.criteria) + labels + [
            "<id>_points", "excluded_reason", "failed_gates", "notes", "scenario",
            "dataset_version"]
        out.append("Attributes: " + ", ".join(attrs))
    elif fmt == "pdf":
        from siteselect.exports.pdf import render_pdf

        pages = render_pdf(req, io.BytesIO(), step)
        out.append(f"PDF decision record, {req.paper.upper() if req.paper == 'a4' else 'Letter'}"
                   f", {pages} page{'s' if pages != 1 else ''}: map with legend, method, "
                   f"weights, top {len(rows)} table, points, {plural} not ranked, sources.")
    elif fmt in ("png", "svg"):
        from siteselect.exports.images import DEFAULT_SIZE

        w, h = size or DEFAULT_SIZE
        out.append(f"{fmt.upper()} map, {w} x {h}: every {word} coloured by score (grey where "
                   "not ranked), legend with the best score at the top, title and source line.")
    else:
        out.append(f"Unknown format {fmt!r}.")
    out.append("")
    out.extend(metadata_lines(req))
    step(1.0, "Done")
    return "\n".join(out)
