"""Excel workbook export whose scores are live formulas a reviewer can recompute.

Sheets, in order:

``Ranking``
    the first N positions (all ranked states, or ``top_n``) in rank order, each row looked up
    live (``INDEX``/``MATCH`` on the Order column of ``Normalised``, which covers every ranked
    state): rank, state, name, score, each weighted criterion's figure (categories by their
    published label), its points, and notes (missing figures, what-if values).  After a
    weight or a figure is edited the rows show the new top N in the new order.
``Weights``
    one row per weighted criterion; the **points** column is the input a reviewer edits, the
    share column (points / total) feeds every score.
``Data``
    the figures the ranking used for every ranked state (what-if overrides applied and marked,
    missing figures left empty and noted).
``Values used``
    the figures after the missing-data policy (formulas over ``Data``).
``Normalised``
    the normalised values (formulas over ``Values used``: min-max as (x - min) / (max - min), or
    (max - x) / (max - min) when lower is better; z-score, rank or vector normalisation when
    chosen), the weight row, and every ranked state's score (100 x ``SUMPRODUCT`` of the weight
    row and the normalised values for the weighted sum; the matching formula for the weighted
    product and TOPSIS), rank and order (its position 1..n, ties by row).
``Excluded``, ``Sources``, ``Method``
    states not ranked with the reason; provenance per criterion; the run's metadata and the
    method in plain words.

Editing a weight or a figure recomputes the normalised values, scores, ranks and the Ranking
sheet's order.  The Method sheet's weights line is a formula over the weight cells; counts
and years are numbers.  The cached values stored with every
formula are the application's own numbers, so a reader that does not recalculate sees exactly
what the app showed.  User text that would start a formula is written with a leading
apostrophe as plain text.
"""

from __future__ import annotations

import os
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape as xml_escape

import numpy as np

from siteselect.exports.common import (
    MISSING_NAMES,
    NORMALIZATION_NAMES,
    CancelFn,
    Checkpoint,
    ExportRequest,
    ProgressFn,
    atomic_output,
    category_label,
    direction_text,
    exclusion_reason,
    figure_text,
    neutralise,
    number_text,
    own_tables_text,
    row_notes,
    run_metadata,
    sensitivity_lines,
)
from siteselect.model.criteria import LOWER
from siteselect.model.wording import note_text
from siteselect.scoring.engine import TIE_TOLERANCE
from siteselect.scoring.methods import WPM_FLOOR
from siteselect.scoring.normalization import Z_CLIP

FIRST = 3  # first state row in Data, Values used and Normalised (row 2 holds units/weights)


def _col(i: int) -> str:
    """1-based column index -> letters."""
    s = ""
    while i:
        i, r = divmod(i - 1, 26)
        s = chr(65 + r) + s
    return s


def _q(sheet: str) -> str:
    return f"'{sheet}'" if " " in sheet else sheet


class _Book:
    """An openpyxl workbook plus the cached value of every formula cell."""

    def __init__(self) -> None:
        from openpyxl import Workbook

        self.wb = Workbook()
        self.cache: dict[str, dict[str, Any]] = {}
        self._first = True

    def sheet(self, title: str) -> Any:
        if self._first:
            ws = self.wb.active
            ws.title = title
            self._first = False
        else:
            ws = self.wb.create_sheet(title)
        self.cache[title] = {}
        return ws

    def text(self, ws: Any, ref: str, value: Any) -> Any:
        """Write a value; text is neutralised and always stored as text."""
        cell = ws[ref]
        if isinstance(value, str):
            cell.value = neutralise(value)
            cell.data_type = "s"
        else:
            cell.value = value
        return cell

    def formula(self, ws: Any, ref: str, formula: str, cached: Any) -> Any:
        cell = ws[ref]
        cell.value = "=" + formula
        if cached is not None:
            self.cache[ws.title][ref] = cached
        return cell


def _cached_xml(value: Any) -> str:
    if isinstance(value, str):
        return f"<v>{xml_escape(value)}</v>"
    if isinstance(value, bool):
        return f'<v>{int(value)}</v>'
    return f"<v>{float(value)!r}</v>"


def _inject_cached_values(path: Path, book: _Book) -> None:
    """Store the app's values as the cached results of formula cells (openpyxl writes none)."""
    titles = [ws.title for ws in book.wb.worksheets]
    tmp = path.with_name(path.name + ".part")
    pat = re.compile(r'<c r="([A-Z]+[0-9]+)"([^>]*)><f>(.*?)</f><v ?/>', re.S)
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            m = re.fullmatch(r"xl/worksheets/sheet(\d+)\.xml", item.filename)
            if m:
                cache = book.cache.get(titles[int(m.group(1)) - 1], {})
                if cache:
                    text = data.decode("utf-8")

                    def repl(mm: re.Match[str], cache: dict[str, Any] = cache) -> str:
                        v = cache.get(mm.group(1))
                        tail = "<v />" if v is None else _cached_xml(v)
                        attrs = mm.group(2)
                        if isinstance(v, str):  # a formula whose result is text
                            attrs = re.sub(r'\s+t="[^"]*"', "", attrs) + ' t="str"'
                        return f'<c r="{mm.group(1)}"{attrs}><f>{mm.group(3)}</f>{tail}'

                    data = pat.sub(repl, text).encode("utf-8")
            dst.writestr(item, data)
    os.replace(tmp, path)


def build_workbook(req: ExportRequest, step: Checkpoint | None = None) -> _Book:
    from openpyxl.comments import Comment
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.worksheet.properties import PageSetupProperties

    step = step or Checkpoint(None, None)
    ds, r = req.dataset, req.result
    crit = req.criteria()
    k = len(crit)
    n = len(r)
    last = FIRST + n - 1
    bold = Font(bold=True)
    input_fill = PatternFill("solid", fgColor="FFF2CC")
    over_fill = PatternFill("solid", fgColor="FCE4D6")
    head_fill = PatternFill("solid", fgColor="DDEBF7")
    over = req.overridden()
    shares = [r.weights[c.id] for c in crit]
    points = req.settings.effective_points()

    book = _Book()
    ranking = book.sheet("Ranking")
    weights = book.sheet("Weights")
    data = book.sheet("Data")
    used = book.sheet("Values used")
    norm = book.sheet("Normalised")
    excluded = book.sheet("Excluded")
    sources = book.sheet("Sources")
    method = book.sheet("Method")
    V, N = _q("Values used"), "Normalised"
    ccol = [_col(3 + j) for j in range(k)]  # criterion columns in Data / Values / Normalised
    c0, c1 = ccol[0], ccol[-1]
    score_col = _col(3 + k)
    rank_col = _col(4 + k)
    order_col = _col(5 + k)

    # -- Weights -------------------------------------------------------------------------
    for j, h in enumerate(["Criterion", "Label", "Unit", "Direction", "Weight (points)",
                           "Share of total"]):
        book.text(weights, f"{_col(j + 1)}1", h).font = bold
    wlast = 1 + k
    for j, c in enumerate(crit):
        row = 2 + j
        book.text(weights, f"A{row}", c.id)
        book.text(weights, f"B{row}", c.label)
        book.text(weights, f"C{row}", c.unit)
        book.text(weights, f"D{row}", direction_text(c))
        cell = weights[f"E{row}"]
        cell.value = float(points.get(c.id, 0.0))
        cell.fill = input_fill
        book.formula(weights, f"F{row}", f"E{row}/SUM($E$2:$E${wlast})", shares[j])
        weights[f"F{row}"].number_format = "0.0%"
    book.text(weights, f"A{wlast + 2}",
              "Edit the points in column E (yellow): the shares, every normalised value, "
              "score and rank recompute. Shares are points divided by the total.")
    for col, width in zip("ABCDEF", (22, 36, 14, 18, 16, 14), strict=True):
        weights.column_dimensions[col].width = width

    # A county is identified by its 5-digit FIPS code, always a text cell (01001 keeps its
    # zero), and named with its state ("Autauga County, AL").
    who = "FIPS" if ds.level == "county" else "State"
    step(0.15, "Writing the data")
    # -- Data ----------------------------------------------------------------------------
    book.text(data, "A1", who).font = bold
    book.text(data, "B1", "Name").font = bold
    book.text(data, "A2", "unit")
    for j, c in enumerate(crit):
        book.text(data, f"{ccol[j]}1", c.id).font = bold
        book.text(data, f"{ccol[j]}2", c.unit if not c.encoding else c.encoding_note)
    notes_col = _col(3 + k)
    book.text(data, f"{notes_col}1", "Notes").font = bold
    # the published category of each categorical figure, which the Ranking sheet shows
    label_col: dict[str, str] = {}
    for c in crit:
        if c.encoding:
            label_col[c.id] = _col(4 + k + len(label_col))
            book.text(data, f"{label_col[c.id]}1", f"{c.id} (category)").font = bold
    for i in range(n):
        row = FIRST + i
        state = r.alternatives[i]
        book.text(data, f"A{row}", state)
        book.text(data, f"B{row}", ds.names[state])
        for j, c in enumerate(crit):
            cell = data[f"{ccol[j]}{row}"]
            if r.raw_missing[i, j]:
                cell.comment = Comment("Missing in the dataset: "
                                       + MISSING_NAMES[r.missing_policy], APP_AUTHOR)
                continue
            cell.value = float(r.values[i, j])
            if (state, c.id) in over:
                own = ds.value(state, c.id)
                cell.fill = over_fill
                cell.comment = Comment(
                    f"What-if value; the dataset figure is {number_text(own)}.", APP_AUTHOR)
        book.text(data, f"{notes_col}{row}", row_notes(req, r.row(i)))
        for c in crit:
            v = r.row(i).values[c.id]
            if c.encoding and v is not None:
                book.text(data, f"{label_col[c.id]}{row}",
                          category_label(req, state, c.id, v))

    # -- Values used ---------------------------------------------------------------------
    book.text(used, "A1", who).font = bold
    book.text(used, "B1", "Name").font = bold
    book.text(used, "A2", "missing filled with")
    for j, c in enumerate(crit):
        cl = ccol[j]
        rng = f"Data!{cl}${FIRST}:{cl}${last}"
        book.text(used, f"{cl}1", c.id).font = bold
        miss_rows = [i for i in range(n) if r.raw_missing[i, j]]
        present = r.values[~r.raw_missing[:, j], j]
        if miss_rows:
            fill_val: float | None = float(r.values[miss_rows[0], j])
        elif present.size == 0:
            fill_val = 0.0
        elif r.missing_policy == "mean":
            fill_val = float(present.mean())
        else:
            fill_val = float(present.max() if c.direction == LOWER else present.min())
        if r.missing_policy == "mean":
            book.formula(used, f"{cl}2", f"IFERROR(AVERAGE({rng}),0)", fill_val)
        elif c.direction == LOWER:
            book.formula(used, f"{cl}2", f"MAX({rng})", fill_val)
        else:
            book.formula(used, f"{cl}2", f"MIN({rng})", fill_val)
    for i in range(n):
        row = FIRST + i
        state = r.alternatives[i]
        book.formula(used, f"A{row}", f"Data!A{row}", neutralise(state))
        book.formula(used, f"B{row}", f"Data!B{row}", neutralise(ds.names[state]))
        for j in range(k):
            cl = ccol[j]
            book.formula(used, f"{cl}{row}",
                         f'IF(Data!{cl}{row}="",{cl}$2,Data!{cl}{row})', float(r.values[i, j]))
    step(0.35, "Writing the formulas")

    # -- Normalised ----------------------------------------------------------------------
    book.text(norm, "A1", who).font = bold
    book.text(norm, "B1", "Name").font = bold
    book.text(norm, "A2", "weight (share)")
    for j, c in enumerate(crit):
        cl = ccol[j]
        book.text(norm, f"{cl}1", c.id).font = bold
        book.formula(norm, f"{cl}2", f"Weights!$F${2 + j}", shares[j])
    book.text(norm, f"{score_col}1", "Score").font = bold
    book.text(norm, f"{rank_col}1", "Rank").font = bold
    book.text(norm, f"{order_col}1", "Order").font = bold
    # Order: 1 + the states scoring higher + the states above with exactly the same score, so
    # every ranked state has its own position 1..n (the Ranking sheet looks it up)
    sc = np.asarray(r.scores, dtype=float)
    orders = [1 + int(np.count_nonzero(sc > sc[i])) + int(np.count_nonzero(sc[:i] == sc[i]))
              for i in range(n)]
    extra = last + 2  # TOPSIS ideal / anti-ideal rows
    if r.method == "topsis":
        book.text(norm, f"A{extra}", "ideal")
        book.text(norm, f"A{extra + 1}", "anti-ideal")
        for j, c in enumerate(crit):
            cl = ccol[j]
            rng = f"{cl}${FIRST}:{cl}${last}"
            best, worst = ("MIN", "MAX") if c.direction == LOWER else ("MAX", "MIN")
            col_n = r.normalized[:, j]
            book.formula(norm, f"{cl}{extra}", f"{best}({rng})",
                         float(col_n.min() if best == "MIN" else col_n.max()))
            book.formula(norm, f"{cl}{extra + 1}", f"{worst}({rng})",
                         float(col_n.max() if best == "MIN" else col_n.min()))
    for i in range(n):
        row = FIRST + i
        state = r.alternatives[i]
        book.formula(norm, f"A{row}", f"Data!A{row}", neutralise(state))
        book.formula(norm, f"B{row}", f"Data!B{row}", neutralise(ds.names[state]))
        for j, c in enumerate(crit):
            cl = ccol[j]
            x = f"{V}!{cl}{row}"
            rng = f"{V}!{cl}${FIRST}:{cl}${last}"
            book.formula(norm, f"{cl}{row}", _normal_formula(r.normalization, c.direction, x, rng),
                         float(r.normalized[i, j]))
        book.formula(norm, f"{score_col}{row}",
                     _score_formula(r.method, "", row, c0, c1, extra), float(r.scores[i]))
        # 1 + the number of states scoring higher by more than the engine's tie tolerance
        book.formula(norm, f"{rank_col}{row}",
                     f"1+SUMPRODUCT((${score_col}${FIRST}:${score_col}${last}>"
                     f"{score_col}{row}+{TIE_TOLERANCE:g})*1)",
                     int(r.ranks[i]))
        book.formula(norm, f"{order_col}{row}",
                     f"SUMPRODUCT((${score_col}${FIRST}:${score_col}${last}>{score_col}{row})*1)"
                     f"+COUNTIF(${score_col}${FIRST}:{score_col}{row},{score_col}{row})",
                     orders[i])
    step(0.55, "Writing the ranking")

    # -- Ranking -------------------------------------------------------------------------
    # Row i of the Ranking sheet shows the state whose Order (Normalised sheet) is i, looked
    # up with INDEX/MATCH over every ranked state: after a weight or figure is edited the
    # sheet shows the new top N in rank order, not the exported states in export order.
    heads = ["Rank", who, "Name", "Score"]
    for c in crit:
        heads.append(f"{c.label} ({c.unit})" if not c.encoding else c.label)
    heads += [f"{c.label}: points" for c in crit]
    heads.append("Notes")
    for j, h in enumerate(heads):
        cell = book.text(ranking, f"{_col(j + 1)}1", h)
        cell.font = bold
        cell.fill = head_fill
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    ranking.row_dimensions[1].height = 48
    by_order = {int(orders[i]): i for i in range(n)}

    def span(sheet: str, col: str) -> str:
        return f"{sheet}!${col}${FIRST}:${col}${last}"

    for pos in range(req.shown_count):
        row = 2 + pos
        i = by_order[pos + 1]  # the state shown here, as cached
        rr = r.row(i)
        state = rr.alternative
        m = f"MATCH({pos + 1},{span(N, order_col)},0)"

        def at(sheet: str, col: str, m: str = m) -> str:
            return f"INDEX({span(sheet, col)},{m})"

        book.formula(ranking, f"A{row}", at(N, rank_col), rr.rank)
        book.formula(ranking, f"B{row}", at("Data", "A"), neutralise(state))
        book.formula(ranking, f"C{row}", at("Data", "B"), neutralise(ds.names[state]))
        book.formula(ranking, f"D{row}", at(N, score_col), rr.score)
        ranking[f"D{row}"].number_format = "0.00"
        for j, c in enumerate(crit):
            ref = f"{_col(5 + j)}{row}"
            v = rr.values[c.id]
            cached: str | float
            if c.encoding:
                shown = at("Data", label_col[c.id])
                cached = "missing" if v is None else category_label(req, state, c.id, v)
            else:
                shown = at("Data", ccol[j])
                cached = "missing" if v is None else v
            book.formula(ranking, ref, f'IF({shown}="","missing",{shown})', cached)
            pc = f"{_col(5 + k + j)}{row}"
            cl = ccol[j]
            if r.method == "topsis":
                # the state's position between the anti-ideal (0) and the ideal (1), as the
                # app counts TOPSIS points; a criterion without spread counts as ideal
                ideal, anti = f"{N}!{cl}${extra}", f"{N}!{cl}${extra + 1}"
                value = f"IF({ideal}={anti},1,({at(N, cl)}-{anti})/({ideal}-{anti}))"
            else:
                value = at(N, cl)
            book.formula(ranking, pc, f"100*{N}!{cl}$2*{value}", rr.contributions[c.id])
            ranking[pc].number_format = "0.00"
        notes = at("Data", notes_col)
        book.formula(ranking, f"{_col(5 + 2 * k)}{row}", f'IF({notes}="","",{notes})',
                     neutralise(row_notes(req, rr)))
    ranking.freeze_panes = "D2"
    ranking.column_dimensions["C"].width = 20
    for j in range(2 * k):
        ranking.column_dimensions[_col(5 + j)].width = 14
    ranking.column_dimensions[_col(5 + 2 * k)].width = 40
    # printed: landscape, all columns on one page width, as many pages down as needed
    ranking.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    ranking.page_setup.orientation = "landscape"
    ranking.page_setup.fitToWidth = 1
    ranking.page_setup.fitToHeight = 0
    ranking.print_title_rows = "1:1"

    # -- Excluded, Sources, Method -------------------------------------------------------
    for j, h in enumerate([who, "Name", "Reason"]):
        book.text(excluded, f"{_col(j + 1)}1", h).font = bold
    for i, e in enumerate(r.excluded):
        book.text(excluded, f"A{2 + i}", e.alternative)
        book.text(excluded, f"B{2 + i}", ds.names.get(e.alternative, ""))
        book.text(excluded, f"C{2 + i}", exclusion_reason(req, e))
    if not r.excluded:
        book.text(excluded, "A2", f"No {ds.alternatives.word} was excluded.")
    excluded.column_dimensions["B"].width = 20
    excluded.column_dimensions["C"].width = 70

    src_heads = ["Criterion", "Label", "Unit", "Direction", "Source", "URL", "Data year",
                 "Status", "Notes", "Encoding", "What it measures"]
    for j, h in enumerate(src_heads):
        book.text(sources, f"{_col(j + 1)}1", h).font = bold
    for i, c in enumerate(crit):
        p = c.provenance
        vals = [c.id, c.label, c.unit, direction_text(c), p.source if p else "",
                (p.url if p else "") or c.url_note, _year(p.year if p else ""),
                p.status if p else "",
                p.notes if p else "", c.encoding_note, c.description]
        for j, text in enumerate(vals):
            book.text(sources, f"{_col(j + 1)}{2 + i}", text)
    for col, width in zip("ABCDEFGHIJK", (20, 32, 12, 16, 50, 50, 10, 14, 60, 40, 60),
                          strict=True):
        sources.column_dimensions[col].width = width
    if ds.level == "county":
        # the county figures' own columns and keys, then what a state figure is
        row = 3 + len(crit)
        book.text(sources, f"A{row}", "County figures").font = bold
        book.text(sources, f"A{row + 1}",
                  "Criteria marked (state figure) give every county its state's figure, with "
                  "the state's source. A status of 'computed proxy' means the figure is "
                  "derived, not published as such: the county electricity price is a "
                  "computed proxy, not a tariff.")
        row += 2
        for entry in _county_columns(ds):
            vals = [entry.get(k, "") or "" for k in ("column", "label", "unit", "direction",
                                                   "source", "url")]
            vals += [_year(entry.get("data_year", "")), entry.get("status", "") or "",
                     entry.get("notes", "") or "", "", ""]
            for j, text in enumerate(vals):
                book.text(sources, f"{_col(j + 1)}{row}", text)
            row += 1

    meta = run_metadata(req)
    plural = ds.alternatives.plural.capitalize()
    # the weights line follows the weight cells: label and share of every criterion
    weights_formula = '&", "&'.join(
        f'Weights!$B${2 + j}&" "&TEXT(Weights!$F${2 + j},"0.0%")' for j in range(k))
    weights_cached = ", ".join(f"{c.label} {w:.1%}" for c, w in zip(crit, shares, strict=True))
    lines: list[tuple[str, Any]] = [
        ("Scenario", req.scenario_name or "(unsaved weighting)"),
        ("Description", req.description),
        ("Exported", meta["exported_at"]),
        ("Dataset version", meta["dataset_version"]),
        ("Your tables", own_tables_text(req) or "none"),
        *([("Newer figures", req.newer_figures)] if req.newer_figures else []),
        ("Method", meta["method_name"]),
        ("Method in plain words", meta["method_description"]),
        ("Normalisation", NORMALIZATION_NAMES.get(r.normalization, r.normalization)),
        ("Missing figures", meta["missing_policy_description"]),
        ("Weights", _Formula(weights_formula, weights_cached)),
        ("Weights derived", meta["weights_derived_text"]),
        ("Gates", "; ".join(meta["gates_text"]) or "none"),
        ("Excluded by the planner", ", ".join(
            f"{ds.names.get(s, s)} ({s})" for s in meta["excluded_by_planner"]) or "none"),
        ("What-if overrides", "; ".join(
            f"{ds.names.get(o['state'], o['state'])} ({o['state']}): "
            f"{ds.criterion(o['criterion']).label} = "
            f"{figure_text(ds.criterion(o['criterion']), o['value'])} (dataset: "
            f"{figure_text(ds.criterion(o['criterion']), o['dataset_value'])})"
            + (f", note: {o['note']}" if o["note"] else "")
            for o in meta["overrides"]) or "none"),
        *([("Counties of", ", ".join(ds.scope) or "every state and DC")]
          if ds.level == "county" else []),
        (f"{plural} ranked", len(r)),
        (f"{plural} listed", req.shown_count),
        (f"{plural} not ranked", len(r.excluded)),
        ("Warnings", "\n".join(note_text(ds, w) for w in r.warnings) or "none"),
        ("How this workbook computes",
         _workbook_note(r.method, r.normalization, r.missing_policy)),
    ]
    book.text(method, "A1", "Item").font = bold
    book.text(method, "B1", "Value").font = bold
    for i, (key, val) in enumerate(lines):
        book.text(method, f"A{2 + i}", key).font = bold
        if isinstance(val, _Formula):
            cell = book.formula(method, f"B{2 + i}", val.formula, val.cached)
        else:
            cell = book.text(method, f"B{2 + i}", val)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    method.column_dimensions["A"].width = 26
    method.column_dimensions["B"].width = 100
    if req.sensitivity is not None:
        _sensitivity_sheet(book, req, bold, head_fill)
    for ws in (data, used, norm):
        ws.freeze_panes = f"C{FIRST}"
        ws.column_dimensions["B"].width = 20
    # every other sheet prints one page wide too, its header row repeated on each page
    for ws in (weights, data, used, norm, excluded, sources, method):
        ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
        ws.page_setup.orientation = "portrait" if ws in (weights, method) else "landscape"
        ws.page_setup.fitToWidth = 1
        ws.page_setup.fitToHeight = 0
        ws.print_title_rows = "1:1"
    props = book.wb.properties
    props.title = f"Data-center site shortlist: {req.title}"
    props.creator = APP_AUTHOR
    props.subject = (f"Ranked shortlist of US {ds.alternatives.plural} for an AI data "
                     "center")
    props.description = f"Exported {req.exported_text}; dataset version {req.dataset_version}"
    return book


APP_AUTHOR = "SiteSelect"


def _county_columns(ds: Any) -> list[dict[str, str]]:
    """The rows of the county files' column dictionary (keys and criteria alike)."""
    import csv

    from siteselect.model.dataset import COUNTY_COLUMNS_FILE

    path = Path(ds.source_path).with_name(COUNTY_COLUMNS_FILE)
    try:
        with path.open(encoding="utf-8-sig", newline="") as fh:
            return list(csv.DictReader(fh))
    except OSError:  # the figures loaded, so this only leaves a note out
        return []


def _sensitivity_sheet(book: _Book, req: ExportRequest, bold: Any, head_fill: Any) -> None:
    """The Sensitivity sheet: the run's facts, every ranked state's rank range and chances,
    and the stability intervals (shares as fractions formatted as percentages)."""
    s = req.sensitivity
    assert s is not None
    ws = book.sheet("Sensitivity")
    ds = req.dataset
    k = s.top_k
    facts: list[tuple[str, Any]] = [
        ("Draws", s.draws),
        ("Seed", "none recorded" if s.seed is None else str(s.seed)),
        ("Spread", s.spread),
        ("Concentration", "n/a" if s.concentration is None else s.concentration),
        ("K (shortlist size)", k),
        ("Computed", s.computed_at),
        ("Settings fingerprint", s.settings_hash),
        ("About", " ".join(sensitivity_lines(req))),
    ]
    for i, (key, val) in enumerate(facts, 1):
        book.text(ws, f"A{i}", key).font = bold
        book.text(ws, f"B{i}", val)
    row = len(facts) + 2
    head = ["Rank", "FIPS" if ds.level == "county" else "State", "Name", "Best rank",
            "Rank p05", "Rank p95", "Worst rank", f"P(top {k})", "P(first)"]
    for j, h in enumerate(head):
        cell = book.text(ws, f"{_col(j + 1)}{row}", h)
        cell.font = bold
        cell.fill = head_fill
    for a in s.alternatives:
        row += 1
        vals = [a.base_rank, a.code, ds.names.get(a.code, a.code), a.rank_min, a.rank_p05,
                a.rank_p95, a.rank_max, a.p_top_k, a.p_first]
        for j, v in enumerate(vals):
            cell = book.text(ws, f"{_col(j + 1)}{row}", v)
            if j >= 7:
                cell.number_format = "0.0%"
    row += 2
    book.text(ws, f"A{row}", "Stability intervals").font = bold
    book.text(ws, f"B{row}", f"The {s.convention}.")
    row += 1
    for j, h in enumerate(["Criterion", "Label", "Share now", "First place holds from",
                           "to", f"Top {k} holds from", "to", "Exact"]):
        cell = book.text(ws, f"{_col(j + 1)}{row}", h)
        cell.font = bold
        cell.fill = head_fill
    for c in s.stability:
        row += 1
        vals = [c.criterion, ds.criterion(c.criterion).label, c.share,
                *(c.top1 or ("n/a", "n/a")), *(c.top_k or ("n/a", "n/a")),
                "yes" if c.exact else "no (numeric, to 0.0001)"]
        for j, v in enumerate(vals):
            cell = book.text(ws, f"{_col(j + 1)}{row}", v)
            if 2 <= j <= 6 and not isinstance(v, str):
                cell.number_format = "0.0%"
    for col, width in zip("ABCDEFGHI", (22, 30, 22, 12, 12, 12, 12, 12, 12), strict=True):
        ws.column_dimensions[col].width = width


@dataclass(frozen=True)
class _Formula:
    """A Method-sheet value that is a live formula, with the app's value cached."""

    formula: str
    cached: Any


def _year(text: Any) -> Any:
    """A data year as a number (2024); ranges and notes ("2023-2024") stay text."""
    s = str(text).strip()
    return int(s) if s.isdigit() else s


def _normal_formula(normalization: str, direction: str, x: str, rng: str) -> str:
    lower = direction == LOWER
    if normalization == "minmax":
        num = f"(MAX({rng})-{x})" if lower else f"({x}-MIN({rng}))"
        return f"IF(MAX({rng})=MIN({rng}),1,{num}/(MAX({rng})-MIN({rng})))"
    if normalization == "zscore":
        dev = f"(AVERAGE({rng})-{x})" if lower else f"({x}-AVERAGE({rng}))"
        # STDEVP (population) reads in every Excel; STDEV.P would need the _xlfn. prefix
        z = f"MAX(-{Z_CLIP:g},MIN({Z_CLIP:g},{dev}/STDEVP({rng})))"
        return f"IF(MAX({rng})=MIN({rng}),0.5,({z}+{Z_CLIP:g})/{2 * Z_CLIP:g})"
    if normalization == "rank":
        cmp = ">" if lower else "<"
        below = f"SUMPRODUCT(({rng}{cmp}{x})*1)"
        same = f"SUMPRODUCT(({rng}={x})*1)"
        return (f"IF(OR(ROWS({rng})<2,MAX({rng})=MIN({rng})),1,"
                f"({below}+({same}-1)/2)/(ROWS({rng})-1))")
    # vector (TOPSIS)
    return f"IF(SUMSQ({rng})=0,{x},{x}/SQRT(SUMSQ({rng})))"


def _score_formula(method: str, prefix: str, row: int, c0: str, c1: str, extra: int) -> str:
    w = f"{prefix}${c0}$2:${c1}$2"
    nrow = f"{prefix}{c0}{row}:{c1}{row}"
    if method == "wsm":
        return f"100*SUMPRODUCT({w},{nrow})"
    if method == "wpm":
        f = WPM_FLOOR
        return f"100*EXP(SUMPRODUCT({w},LN({f:g}+{1 - f:g}*{nrow})))"
    ideal = f"{prefix}${c0}${extra}:${c1}${extra}"
    anti = f"{prefix}${c0}${extra + 1}:${c1}${extra + 1}"
    dp = f"SQRT(SUMPRODUCT(({w}*({nrow}-{ideal}))^2))"
    dm = f"SQRT(SUMPRODUCT(({w}*({nrow}-{anti}))^2))"
    return f"IF({dp}+{dm}=0,100,100*{dm}/({dp}+{dm}))"


def _workbook_note(method: str, normalization: str, missing: str) -> str:
    parts = [
        "Weights!E holds the points you can edit; Weights!F the shares (points / total), "
        "copied into row 2 of the Normalised sheet.",
        "Data holds the figures the ranking used; Values used fills missing figures ("
        + MISSING_NAMES[missing] + ").",
    ]
    if normalization == "minmax":
        parts.append("Normalised = (x - min) / (max - min), or (max - x) / (max - min) when "
                     "lower is better; 1 for every state when all values are equal.")
    elif normalization == "zscore":
        parts.append("Normalised = (z clipped to +-3, turned round when lower is better, + 3) / 6, "
                     "with z from the population standard deviation; 0.5 for every state "
                     "when all values are equal.")
    elif normalization == "rank":
        parts.append("Normalised = the state's average rank on the criterion, from 0 (worst) to "
                     "1 (best).")
    else:
        parts.append("Normalised = x / sqrt(sum of squares) (vector normalisation).")
    if method == "wsm":
        parts.append("Score = 100 x SUMPRODUCT(weight row, normalised row); points = 100 x "
                     "weight x normalised value, and they add up to the score.")
    elif method == "wpm":
        parts.append(f"Score = 100 x EXP(SUMPRODUCT(weight row, LN({WPM_FLOOR:g} + "
                     f"{1 - WPM_FLOOR:g} x normalised row))), the weighted product; points are "
                     "the weighted-sum view of the same values.")
    else:
        parts.append("Score = 100 x D- / (D+ + D-), with D+ and D- the weighted distances to "
                     "the ideal and anti-ideal rows at the foot of the Normalised sheet; points "
                     "are 100 x weight x the state's position between the anti-ideal (0) and "
                     "the ideal (1), an additive view: the TOPSIS score is not their sum.")
    parts.append("Rank = 1 + the number of ranked states with a higher score (scores within "
                 f"{TIE_TOLERANCE:g} count as equal, as in the app). Order = the state's "
                 "position by score (equal scores by row); the Ranking sheet shows positions "
                 "1 to N looked up from it, so it always lists the current top N in rank "
                 "order.")
    return " ".join(parts)


def write_xlsx(
    req: ExportRequest,
    path: str | os.PathLike[str],
    progress: ProgressFn | None = None,
    is_cancelled: CancelFn | None = None,
) -> Path:
    """Write the workbook to ``path`` and return it.

    Raises
    ------
    ExportError
        If the file cannot be written; ExportCancelled if cancelled (nothing written).
    """
    step = Checkpoint(progress, is_cancelled)
    step(0.0, "Building the workbook")
    book = build_workbook(req, step)
    book.wb.calculation.fullCalcOnLoad = True
    target = Path(path)
    with atomic_output([target]) as (tmp,):
        step(0.8, "Saving the workbook")
        book.wb.save(tmp)
        step(0.9, "Storing the computed values")
        _inject_cached_values(tmp, book)
        step(1.0, "Done")
    return target
