"""PDF decision record: the shortlist a planner hands to the board, as real text.

One document (US Letter or A4) with: title, scenario name and description, export date and
dataset version; a short summary; the score map (state outlines drawn as vector paths,
coloured by score, grey where not ranked, Alaska and Hawaii as insets, legend with the best
score at the top); the method in plain words; the weights table; the top-N table with each
weighted criterion's figure (what-if values marked) and the points behind each score; states
not ranked with the reason; missing figures and other notes; the data sources with years and
URLs; "Page X of Y" on every page.  Built with reportlab; text stays text (searchable and
extractable).
"""

from __future__ import annotations

import os
from functools import cache, lru_cache
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from siteselect import __version__
from siteselect.exports.common import (
    APP_TITLE,
    INSET_NOTE,
    MISSING_NAMES,
    NORMALIZATION_NAMES,
    CancelFn,
    Checkpoint,
    ExportRequest,
    ProgressFn,
    atomic_output,
    direction_text,
    exclusion_reason,
    method_text,
    own_tables_text,
    sensitivity_lines,
    weights_origin_text,
)
from siteselect.exports.mapstyle import EMPHASIS, MapPicture, map_picture, zoom_picture
from siteselect.model.wording import category_meaning, category_text, gate_text, note_text

FONT_CANDIDATES = (
    ("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
     "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"),
    ("/usr/share/fonts/dejavu/DejaVuSans.ttf", "/usr/share/fonts/dejavu/DejaVuSans-Bold.ttf"),
)
#: TrueType fonts (or collections) with CJK glyphs, looked for only when some text needs them;
#: the first that has a character is embedded (subset) for it.
FALLBACK_CANDIDATES = (
    "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf",
    "/usr/share/fonts/truetype/droid/DroidSansFallback.ttf",
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/truetype/arphic/uming.ttc",
    "/usr/share/fonts/truetype/nanum/NanumGothic.ttf",
    "/usr/share/fonts/google-droid-sans-fonts/DroidSansFallbackFull.ttf",
    "/usr/share/fonts/wqy-microhei/wqy-microhei.ttc",
    "/System/Library/Fonts/Supplemental/Arial Unicode.ttf",
    "/Library/Fonts/Arial Unicode.ttf",
    "C:/Windows/Fonts/msgothic.ttc",
    "C:/Windows/Fonts/malgun.ttf",
    "C:/Windows/Fonts/simsun.ttc",
)
#: PDF's standard Asian fonts, which viewers supply (not embedded): the last resort for CJK
#: text when no TrueType font has it, so the text stays real, searchable text.
CID_FONTS = (
    ("HYGothic-Medium", ((0x1100, 0x11FF), (0x3130, 0x318F), (0xAC00, 0xD7AF))),
    ("HeiseiKakuGo-W5", ((0x3040, 0x30FF), (0x31F0, 0x31FF), (0xFF66, 0xFF9F))),
    ("STSong-Light", ((0x2E80, 0x2FDF), (0x3000, 0x303F), (0x3100, 0x312F), (0x3190, 0x31EF),
                      (0x3200, 0x4DBF), (0x4E00, 0x9FFF), (0xF900, 0xFAFF), (0xFE30, 0xFE4F),
                      (0xFF00, 0xFFEF), (0x20000, 0x2FFFF))),
)
#: Narrowest column (points) for a criterion's figures; with more criteria than fit, each
#: state's row wraps onto further lines.
MIN_FIGURE_COLUMN = 50.0
#: A county ranking lists at most this many of the counties not ranked (the other formats
#: hold them all).
EXCLUDED_LISTED = 40
INK = (0.12, 0.14, 0.18)
MUTED = (0.38, 0.40, 0.45)
RULE = (0.80, 0.82, 0.86)
HEAD_BG = (0.91, 0.93, 0.96)
TOP_BG = (0.97, 0.98, 0.99)


@lru_cache(maxsize=1)
def _fonts() -> tuple[str, str]:
    """Register a Unicode TrueType family (DejaVu Sans, else reportlab's Vera)."""
    from reportlab import rl_config  # noqa: F401
    from reportlab.lib.fonts import addMapping
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    regular = bold = None
    for reg, bd in FONT_CANDIDATES:
        if os.path.exists(reg) and os.path.exists(bd):
            regular, bold = reg, bd
            break
    if regular is None or bold is None:
        import reportlab

        base = Path(reportlab.__file__).parent / "fonts"
        regular, bold = str(base / "Vera.ttf"), str(base / "VeraBd.ttf")
    pdfmetrics.registerFont(TTFont("SiteSans", regular))
    pdfmetrics.registerFont(TTFont("SiteSans-Bold", bold))
    addMapping("SiteSans", 0, 0, "SiteSans")
    addMapping("SiteSans", 1, 0, "SiteSans-Bold")
    addMapping("SiteSans", 0, 1, "SiteSans")
    addMapping("SiteSans", 1, 1, "SiteSans-Bold")
    return "SiteSans", "SiteSans-Bold"


@lru_cache(maxsize=1)
def _main_coverage() -> frozenset[int]:
    from reportlab.pdfbase import pdfmetrics

    font, _ = _fonts()
    return frozenset(pdfmetrics.getFont(font).face.charToGlyph)


@lru_cache(maxsize=1)
def _fallback_fonts() -> tuple[tuple[str, frozenset[int]], ...]:
    """System TrueType fonts with CJK glyphs, registered on first need (may be none)."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    found = []
    for i, path in enumerate(FALLBACK_CANDIDATES):
        if not os.path.exists(path):
            continue
        name = f"SiteFallback{i}"
        try:
            font = TTFont(name, path, subfontIndex=0) if path.endswith(".ttc") else TTFont(
                name, path)
        except Exception:
            continue
        pdfmetrics.registerFont(font)
        found.append((name, frozenset(font.face.charToGlyph)))
    return tuple(found)


@cache
def _cid_font(name: str) -> str:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont

    pdfmetrics.registerFont(UnicodeCIDFont(name))
    return name


@lru_cache(maxsize=4096)
def _font_for(code: int) -> str | None:
    """The font for a character the main font lacks (None: keep the main font)."""
    if code in _main_coverage():
        return None
    for name, coverage in _fallback_fonts():
        if code in coverage:
            return name
    for name, ranges in CID_FONTS:
        if any(lo <= code <= hi for lo, hi in ranges):
            return _cid_font(name)
    return None


def text_runs(text: str) -> list[tuple[str | None, str]]:
    """Split text into runs of (font, text); font None is the document's own font."""
    runs: list[tuple[str | None, str]] = []
    for ch in text:
        # a space joins the run it follows (every font here has one)
        f = (runs[-1][0] if ch == " " and runs
             else None if ord(ch) < 0x250 else _font_for(ord(ch)))
        if runs and runs[-1][0] == f:
            runs[-1] = (f, runs[-1][1] + ch)
        else:
            runs.append((f, ch))
    return runs


def _markup(text: str) -> str:
    """Escaped paragraph markup, with characters the main font lacks in a font that has them."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    out = "".join(escape(t) if f is None else f'<font name="{f}">{escape(t)}</font>'
                  for f, t in text_runs(text))
    return out.replace("\n", "<br/>")  # the planner's line breaks are kept


def draw_text(canv: Any, x: float, y: float, text: str, font: str, size: float,
              align: str = "left") -> None:
    """canvas.drawString for mixed scripts: each run in a font that has its characters."""
    from reportlab.pdfbase.pdfmetrics import stringWidth

    runs = [(f or font, t) for f, t in text_runs(text)]
    width = sum(stringWidth(t, f, size) for f, t in runs)
    if align == "right":
        x -= width
    elif align == "centre":
        x -= width / 2
    line = canv.beginText(x, y)  # one text object, so readers extract one line
    for f, t in runs:
        line.setFont(f, size)
        line.textOut(t)
    canv.drawText(line)


def _styles() -> dict[str, Any]:
    from reportlab.lib.colors import Color
    from reportlab.lib.styles import ParagraphStyle

    font, bold = _fonts()
    ink = Color(*INK)
    muted = Color(*MUTED)
    base = ParagraphStyle("base", fontName=font, fontSize=9.5, leading=13, textColor=ink)
    return {
        "base": base,
        "title": ParagraphStyle("title", parent=base, fontName=bold, fontSize=20, leading=24,
                                spaceAfter=4),
        "scenario": ParagraphStyle("scenario", parent=base, fontName=bold, fontSize=13,
                                   leading=17, spaceAfter=2),
        "meta": ParagraphStyle("meta", parent=base, fontSize=8.5, leading=11, textColor=muted,
                               spaceAfter=6),
        "h2": ParagraphStyle("h2", parent=base, fontName=bold, fontSize=12, leading=15,
                             spaceBefore=10, spaceAfter=5),
        "small": ParagraphStyle("small", parent=base, fontSize=7.5, leading=9.5),
        "smallbold": ParagraphStyle("smallbold", parent=base, fontName=bold, fontSize=7.5,
                                    leading=9.5),
        "head": ParagraphStyle("head", parent=base, fontName=bold, fontSize=6.3, leading=7.6,
                               splitLongWords=False),
        "cell": ParagraphStyle("cell", parent=base, fontSize=7.2, leading=8.4, alignment=2,
                               splitLongWords=False),
        "note": ParagraphStyle("note", parent=base, fontSize=8, leading=10.5, textColor=muted),
    }


def _p(text: str, style: Any, *, width: float | None = None) -> Any:
    """A paragraph of plain text; with ``width``, words too wide break after a hyphen."""
    from reportlab.pdfbase.pdfmetrics import stringWidth
    from reportlab.platypus import Paragraph

    if width is None:
        return Paragraph(_markup(text), style)
    words = []
    for word in text.split(" "):
        if "-" in word and stringWidth(word, style.fontName, style.fontSize) > width:
            word = "-<br/>".join(_markup(part) for part in word.split("-"))
        else:
            word = _markup(word)
        words.append(word)
    return Paragraph(" ".join(words), style)


# -- the map -----------------------------------------------------------------------------------
def _map_flowable(pic: MapPicture, width: float, height: float) -> Any:
    from reportlab.lib.colors import Color
    from reportlab.platypus import Flowable

    font, bold = _fonts()

    class MapFlowable(Flowable):
        """The score map with its legend, drawn as vector paths."""

        def wrap(self, avail_w: float, avail_h: float) -> tuple[float, float]:
            return width, height

        def draw(self) -> None:
            c = self.canv
            legend_w = 78.0
            map_w = width - legend_w - 8
            minx, miny, maxx, maxy = pic.bounds
            scale = min(map_w / (maxx - minx), (height - 4) / (maxy - miny))
            ox = -minx * scale
            oy = (height - (maxy - miny) * scale) / 2 - miny * scale

            def xy(px: float, py: float) -> tuple[float, float]:
                return px * scale + ox, py * scale + oy

            # inset frames
            c.setLineWidth(0.5)
            c.setStrokeColor(Color(*RULE))
            for fx0, fy0, fx1, fy1 in pic.frames:
                x0, y0 = xy(fx0, fy0)
                x1, y1 = xy(fx1, fy1)
                c.rect(x0, y0, x1 - x0, y1 - y0, stroke=1, fill=0)
            if pic.frames:
                # said beside the insets themselves, where the eye compares sizes
                fx0 = min(f[0] for f in pic.frames)
                fy1 = max(f[3] for f in pic.frames)
                tx, ty = xy(fx0, fy1)
                c.setFillColor(Color(*MUTED))
                c.setFont(font, 6.2)
                c.drawString(tx + 1, ty + 3, INSET_NOTE)
            # states (or counties: hairlines, then state borders, then the shortlist)
            def outline(rings: Any) -> Any:
                path = c.beginPath()
                for ring in rings:
                    pts = ring * scale
                    pts[:, 0] += ox
                    pts[:, 1] += oy
                    path.moveTo(float(pts[0, 0]), float(pts[0, 1]))
                    for px, py in pts[1:].tolist():
                        path.lineTo(px, py)
                    path.close()
                return path

            c.setLineWidth(0.08 if pic.fine else 0.35)
            c.setLineJoin(1)
            c.setStrokeColor(Color(1, 1, 1))
            for shape in pic.shapes:
                c.setFillColor(Color(*shape.fill))
                c.drawPath(outline(shape.rings), stroke=1, fill=1, fillMode=0)
            if pic.borders:
                c.setLineWidth(0.45)
                c.setStrokeColor(Color(*MUTED))
                for rings in pic.borders:
                    c.drawPath(outline(rings), stroke=1, fill=0)
            c.setLineWidth(1.1)
            c.setStrokeColor(Color(*EMPHASIS))
            for shape in pic.shapes:
                if shape.emphasised:
                    c.drawPath(outline(shape.rings), stroke=1, fill=0)
            # labels
            for lab in pic.labels:
                x, y = xy(lab.x, lab.y)
                if lab.anchor is not None:
                    ax, ay = xy(*lab.anchor)
                    c.setStrokeColor(Color(*MUTED))
                    c.setLineWidth(0.4)
                    c.line(ax, ay, x - 2, y + 2)
                    c.setFillColor(Color(*lab.colour))
                    c.setFont(font, 5.8)
                    c.drawString(x, y, lab.state)
                else:
                    c.setFillColor(Color(*lab.colour))
                    c.setFont(font, 5.8)
                    c.drawCentredString(x, y - 2, lab.state)
            # legend: a vertical bar, best (highest score) at the top
            from siteselect.exports.mapstyle import colour

            lx = width - legend_w + 6
            bar_top = height - 34
            bar_h = min(150.0, height - 70)
            bar_w = 11.0
            c.setFillColor(Color(*INK))
            c.setFont(bold, 7.5)
            c.drawString(lx, height - 10, "Score (0-100)")
            steps = 60
            for i in range(steps):
                t0 = i / steps
                c.setFillColor(Color(*colour(t0 + 0.5 / steps)))
                c.rect(lx, bar_top - bar_h + bar_h * t0, bar_w, bar_h / steps + 0.3,
                       stroke=0, fill=1)
            c.setStrokeColor(Color(*MUTED))
            c.setLineWidth(0.4)
            c.rect(lx, bar_top - bar_h, bar_w, bar_h, stroke=1, fill=0)
            c.setFont(font, 7)
            c.setFillColor(Color(*INK))
            for t in pic.ticks:
                ty = bar_top - bar_h + bar_h * pic.position(t)
                c.line(lx + bar_w, ty, lx + bar_w + 2.5, ty)
                c.drawString(lx + bar_w + 4, ty - 2.4, f"{t:g}")
            c.setFont(bold, 7)
            c.drawString(lx, bar_top + 4, "best")
            c.setFont(font, 7)
            c.drawString(lx, bar_top - bar_h - 9, "worst")
            if pic.any_excluded:
                gy = bar_top - bar_h - 30
                c.setFillColor(Color(0.8, 0.8, 0.8))
                c.rect(lx, gy, bar_w, 8, stroke=0, fill=1)
                c.setFillColor(Color(*INK))
                c.drawString(lx + bar_w + 4, gy + 1, "not ranked")

    return MapFlowable()


# -- tables --------------------------------------------------------------------------------
def _table(data: list[list[Any]], widths: list[float], *, header_rows: int = 1,
           align_right: tuple[int, ...] = (), highlight: int = 0) -> Any:
    from reportlab.lib.colors import Color
    from reportlab.platypus import Table, TableStyle

    font, bold = _fonts()
    t = Table(data, colWidths=widths, repeatRows=header_rows)
    style = [
        ("FONT", (0, 0), (-1, -1), font, 8),
        ("FONT", (0, 0), (-1, header_rows - 1), bold, 7.5),
        ("TEXTCOLOR", (0, 0), (-1, -1), Color(*INK)),
        ("BACKGROUND", (0, 0), (-1, header_rows - 1), Color(*HEAD_BG)),
        ("LINEBELOW", (0, header_rows - 1), (-1, header_rows - 1), 0.6, Color(*MUTED)),
        ("LINEBELOW", (0, header_rows), (-1, -1), 0.25, Color(*RULE)),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("TOPPADDING", (0, 0), (-1, -1), 2.2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2.2),
        ("LEFTPADDING", (0, 0), (-1, -1), 2.5),
        ("RIGHTPADDING", (0, 0), (-1, -1), 2.5),
    ]
    for col in align_right:
        style.append(("ALIGN", (col, 0), (col, -1), "RIGHT"))
    if highlight:
        style.append(("BACKGROUND", (0, header_rows), (-1, header_rows + highlight - 1),
                      Color(*TOP_BG)))
    t.setStyle(TableStyle(style))
    return t


def _numbered_canvas(footer_left: str, pages: list[int] | None = None) -> Any:
    from reportlab.lib.colors import Color
    from reportlab.pdfgen import canvas

    font, _ = _fonts()

    class NumberedCanvas(canvas.Canvas):
        """Defers pages so each footer can say "Page X of Y"."""

        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self._saved: list[dict[str, Any]] = []

        def showPage(self) -> None:
            self._saved.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            total = len(self._saved)
            if pages is not None:
                pages.append(total)
            for state in self._saved:
                self.__dict__.update(state)
                w, _h = self._pagesize
                self.setFillColor(Color(*MUTED))
                draw_text(self, 46, 30, footer_left, font, 7.5)
                self.setFont(font, 7.5)
                self.drawRightString(w - 46, 30, f"Page {self._pageNumber} of {total}")
                super().showPage()
            super().save()

    return NumberedCanvas


# -- the document ----------------------------------------------------------------------------
def build_story(req: ExportRequest, frame_width: float, step: Checkpoint) -> list[Any]:
    from reportlab.platypus import CondPageBreak, KeepTogether, Spacer

    st = _styles()
    ds, r = req.dataset, req.result
    crit = req.criteria()
    rows = req.rows()
    over = req.overridden()
    story: list[Any] = []
    word, word_plural = ds.alternatives.word, ds.alternatives.plural
    county = ds.level == "county"

    story.append(_p("Data-center site shortlist", st["title"]))
    story.append(_p(f"Scenario: {req.title}", st["scenario"]))
    if req.description:
        story.append(_p(req.description, st["base"]))
    when = req.exported_at.strftime("%d %B %Y, %H:%M UTC")
    story.append(_p(
        f"Exported {when} with {APP_TITLE} {__version__} · dataset version "
        f"{req.dataset_version} · {len(r)} {word_plural}"
        + (f" of {', '.join(ds.scope)}" if ds.scope else "") + " ranked"
        + (f", {len(r.excluded)} not ranked" if r.excluded else ""), st["meta"]))
    if own_tables_text(req):
        story.append(_p("Figures from the planner's own tables: " + own_tables_text(req) + ".",
                        st["meta"]))
    if req.newer_figures:
        story.append(_p(req.newer_figures, st["note"]))
    if rows:
        lead = ", ".join(f"{ds.names[x.alternative]} ({x.score:.1f})" for x in rows[:3])
        tied = sum(1 for x in req.result.rows() if x.rank == 1)
        story.append(_p(
            f"Highest scores: {lead}. Scores run from 0 to 100; higher is better. The "
            f"{len(rows)} {word_plural} listed below are the "
            f"{'shortlist' if req.top_n else 'ranking'}."
            + (f" <b>{tied} {word_plural} tie at rank 1</b>: the weighted criteria do not "
               f"separate them (figures equal for every one, such as state figures shared "
               f"by a state's counties), so the list below is in code order among them."
               if tied > len(rows) or (tied > 1 and tied == len(req.result)) else ""),
            st["base"]))
    step(0.15, "Drawing the map")
    pic = map_picture(req)
    story.append(Spacer(1, 6))
    story.append(_map_flowable(pic, frame_width, frame_width * 0.52))
    if pic.caption:
        story.append(_p(pic.caption, st["note"]))
    story.append(_p(pic.source_line, st["note"]))
    zoom = zoom_picture(req)
    if zoom is not None:
        story.append(CondPageBreak(frame_width * 0.6))
        story.append(_p(f"Where the shortlisted {word_plural} are", st["h2"]))
        story.append(_map_flowable(zoom, frame_width, frame_width * 0.55))
        story.append(_p(zoom.caption, st["note"]))

    # method and weights
    story.append(_p(f"How the {word_plural} were scored", st["h2"]))
    story.append(_p(method_text(req), st["base"]))
    story.append(Spacer(1, 5))
    wdata: list[list[Any]] = [["Criterion", "Better", "Unit", "Weight", "Data year"]]
    for c in crit:
        wdata.append([
            _p(c.label, st["small"]), direction_text(c).replace(" is better", ""), c.unit,
            f"{r.weights[c.id]:.1%}", c.provenance.year if c.provenance else "",
        ])
    weights_table = _table(wdata, [frame_width * f for f in (0.42, 0.12, 0.2, 0.12, 0.14)],
                           align_right=(3,))
    gates = [gate_text(ds, g) for g in r.gates]
    extra = []
    if gates:
        extra.append("Hard gates: " + "; ".join(gates) + ".")
    if req.settings.exclude:
        extra.append("Excluded by the planner: " + ", ".join(
            ds.names.get(s, s) for s in req.settings.exclude) + ".")
    if r.method != "topsis":
        extra.append("Normalisation: "
                     + NORMALIZATION_NAMES.get(r.normalization, r.normalization) + ".")
    extra.append("Missing figures: " + MISSING_NAMES[r.missing_policy] + ".")
    extra.append("How the weights were derived: " + weights_origin_text(req))
    story.append(KeepTogether([weights_table, Spacer(1, 4), _p(" ".join(extra), st["note"])]))
    step(0.35, "Writing the ranking")

    # top-N table with figures.  With more criteria than fit across the page, each state's
    # row wraps onto balanced lines (8 criteria: two lines of 4) and is never split across
    # pages, instead of a second, mostly empty table repeating the states.
    story.append(CondPageBreak(160))
    title = f"Top {len(rows)} {word_plural}" if req.top_n else "Ranking"
    story.append(_p(title, st["h2"]))
    fixed = [24.0, 86.0, 29.0]  # the state column fits "District of Columbia"
    lines = _line_split(len(crit), frame_width - sum(fixed))
    any_over = False
    any_missing = False
    meanings: dict[tuple[str, str], str] = {}

    def figure_cell(row: Any, c: Any, width: float) -> Any:
        nonlocal any_over, any_missing
        v = row.values[c.id]
        if v is None:
            text = "missing\u2020"
            any_missing = True
        else:
            text = ds.format_value(row.alternative, c.id, v, with_unit=False)
            meaning = category_meaning(c, text) if c.encoding else None
            if meaning is not None:
                full = category_text(c, text).endswith("; full points)")
                meanings[(c.id, text)] = (
                    f"{text} on {c.label} means {meaning}"
                    + ("; it earns full points, like the best category" if full else ""))
                text += " \u2021"
        if (row.alternative, c.id) in over:
            text += " *"
            any_over = True
        return _p(text, st["cell"], width=width - 5) if len(text) > 8 else text

    story.append(_wrapped_table(
        rows, crit, lines, fixed, frame_width,
        head=lambda c, w: _p(f"{c.label}" + (f" ({c.unit})" if not c.encoding else ""),
                             st["head"], width=w - 5),
        cell=figure_cell, names=ds.names, who=word.capitalize()))
    notes = []
    if any_over:
        notes.append("* what-if value replacing the published figure (see What-if values).")
    if any_missing:
        notes.append("\u2020 figure missing from the source; "
                     + MISSING_NAMES[r.missing_policy] + ".")
    for text in meanings.values():
        notes.append(f"\u2021 {text}.")
    if notes:
        story.append(_p(" ".join(notes), st["note"]))
    step(0.55, "Writing the points")

    # points table, wrapped the same way
    story.append(CondPageBreak(160))
    story.append(_p("Where each score comes from (points)", st["h2"]))
    story.append(_p(
        "Each criterion's contribution in points: 100 x weight x normalised value"
        + (", adding up to the score." if r.method == "wsm" else
           " (an additive view; this method's score is not a plain sum).")
        + (" Full points on a criterion are 100 x its weight." if meanings else ""),
        st["note"]))
    story.append(_wrapped_table(
        rows, crit, lines, fixed, frame_width,
        head=lambda c, w: _p(c.label, st["head"], width=w - 5),
        cell=lambda row, c, w: f"{round(row.contributions[c.id], 1) + 0.0:.1f}",
        names=ds.names, who=word.capitalize()))

    # excluded
    story.append(CondPageBreak(80))
    story.append(_p(f"{word_plural.capitalize()} not ranked", st["h2"]))
    if r.excluded:
        edata: list[list[Any]] = [[word.capitalize(), "Reason"]]
        shown_excluded = r.excluded[:EXCLUDED_LISTED] if county else r.excluded
        for e in shown_excluded:
            edata.append([_p(f"{ds.names[e.alternative]} ({e.alternative})", st["small"]),
                          _p(exclusion_reason(req, e), st["small"])])
        story.append(_table(edata, [frame_width * 0.3, frame_width * 0.7]))
        if len(shown_excluded) < len(r.excluded):
            story.append(_p(
                f"The first {len(shown_excluded)} of {len(r.excluded)} counties not ranked; "
                "the CSV, Excel and GIS exports list every one with its reason.", st["note"]))
    else:
        story.append(_p(f"None: every {word} passed the gates and the missing-data policy.",
                        st["base"]))

    # overrides and notes
    if req.settings.overrides:
        story.append(_p("What-if values", st["h2"]))
        odata: list[list[Any]] = [[ds.alternatives.word.capitalize(), "Criterion", "What-if",
                                   "Published", "Note"]]
        for o in req.settings.overrides:
            c = ds.criterion(o.criterion)
            own = ds.value(o.state, o.criterion)
            odata.append([o.state, _p(c.label, st["small"]), c.format_value(o.value),
                          c.format_value(own), _p(o.note, st["small"])])
        story.append(_table(odata, [frame_width * f for f in (0.1, 0.3, 0.18, 0.18, 0.24)]))
    if r.warnings:
        story.append(_p("Notes on the data", st["h2"]))
        for w in r.warnings:
            story.append(_p("• " + note_text(ds, w), st["base"]))
    if req.sensitivity is not None:
        story += sensitivity_story(req, frame_width)
    step(0.7, "Writing the sources")

    # sources
    story.append(CondPageBreak(120))
    story.append(_p("Data sources", st["h2"]))
    sdata: list[list[Any]] = [["Criterion", "Source", "Year", "Status"]]
    for c in crit:
        p = c.provenance
        sdata.append([_p(c.label, st["small"]),
                      _source_cell(p.source if p else "",
                                   (p.url if p else "") or c.url_note, st["small"]),
                      p.year if p else "", _p(p.status if p else "", st["small"])])
    story.append(_table(sdata, [frame_width * f for f in (0.22, 0.56, 0.1, 0.12)]))
    story.append(Spacer(1, 4))
    if county:
        story.append(_p(
            "Criteria marked (state figure) give every county its state's figure, with the "
            "state's source. A status of \u201ccomputed proxy\u201d marks a derived figure: the "
            "county electricity price proxy is computed from utilities' reported revenue and "
            "sales, not a tariff.", st["note"]))
        story.append(_p("County and state boundaries: US Census Bureau cartographic boundary "
                        "files cb_2016_us_county_500k and cb_2016_us_state_500k (simplified). "
                        "Alaska and Hawaii are shown as insets, not to scale.", st["note"]))
    else:
        story.append(_p("State boundaries: US Census Bureau cartographic boundary file "
                        "cb_2016_us_state_500k (simplified). Alaska and Hawaii are shown as "
                        "insets, not to scale.", st["note"]))
    return story


SENSITIVITY_TITLE = "How sure is this ranking?"


def sensitivity_story(req: ExportRequest, frame_width: float) -> list[Any]:
    """The "How sure is this ranking?" page: rank ranges, chance of the top K, stability."""
    from reportlab.platypus import CondPageBreak, PageBreak, Spacer

    st = _styles()
    s = req.sensitivity
    assert s is not None
    ds = req.dataset
    by_code = {a.code: a for a in s.alternatives}
    listed = [by_code[row.alternative] for row in req.rows() if row.alternative in by_code]
    n = len(s.alternatives)
    k = s.top_k
    out: list[Any] = [PageBreak(), _p(SENSITIVITY_TITLE, st["h2"])]
    out += [_p(line, st["note"]) for line in sensitivity_lines(req)]
    out.append(Spacer(1, 4))
    word, plural = ds.alternatives.word, ds.alternatives.plural
    out.append(_p(
        f"Rank range under uncertain weights: the dot is each {word}'s rank with the weights as "
        f"set, the bar its 90 % range (5th to 95th percentile of its rank over the draws), the "
        f"thin line its best to worst rank. {len(listed)} of {n} ranked {plural} shown.",
        st["base"]))
    out.append(_rank_range_flowable(listed, ds.names, n, frame_width))
    out.append(Spacer(1, 6))
    data: list[list[Any]] = [["Rank", word.capitalize(), "Best", "90 % range", "Worst",
                              f"P(top {k})", "P(first)"]]
    for a in listed:
        data.append([str(a.base_rank), f"{ds.names.get(a.code, a.code)} ({a.code})",
                     str(a.rank_min), f"{a.rank_p05}–{a.rank_p95}", str(a.rank_max),
                     f"{a.p_top_k:.1%}", f"{a.p_first:.1%}"])
    out.append(CondPageBreak(120))
    out.append(_p(f"Chance of the top {k}", st["h2"]))
    out.append(_table(data, [frame_width * f for f in (0.08, 0.36, 0.09, 0.13, 0.09, 0.13,
                                                       0.12)],
                      align_right=(0, 2, 3, 4, 5, 6)))
    out.append(_p("Stability intervals", st["h2"]))
    out.append(_p(f"For each weighted criterion, the {s.convention}. "
                  + ("Exact (scores are linear in the share)." if s.method == "wsm" else
                     "Exact (log scores are linear in the share)." if s.method == "wpm" else
                     "Numeric: a sweep of the share refined by bisection to 0.0001."),
                  st["note"]))
    sdata: list[list[Any]] = [["Criterion", "Share now", "First place holds",
                               f"Top {k} holds"]]

    def span(iv: tuple[float, float] | None) -> str:
        return "n/a (only criterion)" if iv is None else f"{iv[0]:.1%}–{iv[1]:.1%}"

    for c in s.stability:
        sdata.append([_p(ds.criterion(c.criterion).label, st["small"]), f"{c.share:.1%}",
                      span(c.top1), span(c.top_k)])
    out.append(_table(sdata, [frame_width * f for f in (0.4, 0.14, 0.23, 0.23)],
                      align_right=(1, 2, 3)))
    return out


def _rank_range_flowable(alts: list[Any], names: dict[str, str], n: int,
                         width: float) -> Any:
    """Base rank (dot), p05-p95 (bar) and best-worst (line) of each listed state."""
    from reportlab.lib.colors import Color
    from reportlab.platypus import Flowable

    font, _bold = _fonts()
    row_h = 9.0 if len(alts) > 30 else 12.0
    label_w, top, bottom = 110.0, 6.0, 22.0
    height = top + bottom + row_h * len(alts)

    class RankRangeChart(Flowable):
        def wrap(self, avail_w: float, avail_h: float) -> tuple[float, float]:
            return width, height

        def draw(self) -> None:
            c = self.canv
            x0, x1 = label_w, width - 8.0
            span = max(1, n - 1)

            def x(rank: float) -> float:
                return x0 + (rank - 1) / span * (x1 - x0)

            c.setStrokeColor(Color(*RULE))
            c.setLineWidth(0.4)
            step = 5 if n <= 60 else max(5, n // 10)
            ticks = sorted({1, *range(step, n + 1, step)} | ({n} if n % step > 2 else set()))
            c.setFont(font, 6.5)
            c.setFillColor(Color(*MUTED))
            for t in ticks:
                c.line(x(t), bottom - 3, x(t), height - top)
                c.drawCentredString(x(t), bottom - 11, str(t))
            c.drawCentredString((x0 + x1) / 2, 2, "rank (1 = best)")
            for i, a in enumerate(alts):
                y = height - top - row_h * (i + 0.5)
                c.setFillColor(Color(*INK))
                c.setFont(font, 6.8 if row_h < 10 else 7.5)
                label = f"{a.base_rank}. {names.get(a.code, a.code)}"
                c.drawRightString(x0 - 5, y - 2.3, label[:28])
                c.setStrokeColor(Color(*MUTED))
                c.setLineWidth(0.6)
                c.line(x(a.rank_min), y, x(a.rank_max), y)
                c.setFillColor(Color(0.55, 0.68, 0.86))
                c.setStrokeColor(Color(0.55, 0.68, 0.86))
                bar_h = row_h * 0.55
                c.rect(x(a.rank_p05) - 1.5, y - bar_h / 2,
                       x(a.rank_p95) - x(a.rank_p05) + 3.0, bar_h, stroke=0, fill=1)
                c.setFillColor(Color(0.10, 0.22, 0.45))
                c.circle(x(a.base_rank), y, 1.9, stroke=0, fill=1)

    return RankRangeChart()


def _line_split(n_criteria: int, width: float) -> list[int]:
    """How many criteria go on each line of a state's row: as few lines as fit, balanced."""
    per = max(1, int(width // MIN_FIGURE_COLUMN))
    lines = max(1, -(-n_criteria // per))
    base, extra = divmod(n_criteria, lines)
    return [base + (1 if i < extra else 0) for i in range(lines)]


def _wrapped_table(rows: list[Any], crit: list[Any], lines: list[int], fixed: list[float],
                   frame_width: float, *, head: Any, cell: Any, names: dict[str, str],
                   who: str = "State") -> Any:
    """Rank, state and score, then the criteria on ``len(lines)`` lines per state.

    Each state's lines are kept on one page (NOSPLIT) and the header's lines repeat on every
    page; rank, state and score span the state's lines.
    """
    from reportlab.lib.colors import Color
    from reportlab.platypus import Table, TableStyle

    font, bold = _fonts()
    n_lines = len(lines)
    per = max(lines) if lines else 0
    cw = (frame_width - sum(fixed)) / max(1, per)
    starts = [sum(lines[:i]) for i in range(n_lines)]
    data: list[list[Any]] = []
    for li in range(n_lines):
        cols = crit[starts[li]:starts[li] + lines[li]]
        first = ["Rank", who, "Score"] if li == 0 else ["", "", ""]
        data.append(first + [head(c, cw) for c in cols] + [""] * (per - len(cols)))
    if not data:
        data.append(["Rank", who, "Score"])
    h = len(data)
    for row in rows:
        for li in range(n_lines or 1):
            cols = crit[starts[li]:starts[li] + lines[li]] if lines else []
            name = names[row.alternative]
            # long county names ("Matanuska-Susitna Borough, AK") wrap within their column
            shown = _p(name, _styles()["cell"], width=fixed[1] - 5) if len(name) > 20 else name
            first = ([str(row.rank), shown, f"{row.score:.1f}"] if li == 0
                     else ["", "", ""])
            data.append(first + [cell(row, c, cw) for c in cols] + [""] * (per - len(cols)))
    t = Table(data, colWidths=fixed + [cw] * per, repeatRows=h)
    style: list[Any] = [
        ("FONT", (0, 0), (-1, -1), font, 8),
        ("FONT", (0, 0), (-1, h - 1), bold, 7.5),
        ("TEXTCOLOR", (0, 0), (-1, -1), Color(*INK)),
        ("BACKGROUND", (0, 0), (-1, h - 1), Color(*HEAD_BG)),
        ("LINEBELOW", (0, h - 1), (-1, h - 1), 0.6, Color(*MUTED)),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("TOPPADDING", (0, 0), (-1, -1), 2.2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2.2),
        ("LEFTPADDING", (0, 0), (-1, -1), 2.5),
        ("RIGHTPADDING", (0, 0), (-1, -1), 2.5),
        ("ALIGN", (0, 0), (0, -1), "RIGHT"),
        ("ALIGN", (2, 0), (-1, -1), "RIGHT"),
    ]
    step = max(1, n_lines)
    for s_i in range(len(rows)):
        r0 = h + s_i * step
        r1 = r0 + step - 1
        style.append(("LINEBELOW", (0, r1), (-1, r1), 0.25, Color(*RULE)))
        if step > 1:
            style.append(("NOSPLIT", (0, r0), (-1, r1)))
            for col in range(3):
                style.append(("SPAN", (col, r0), (col, r1)))
        if s_i < 3:
            style.append(("BACKGROUND", (0, r0), (-1, r1), Color(*TOP_BG)))
    if h > 1:
        for col in range(3):
            style.append(("SPAN", (col, 0), (col, h - 1)))
    t.setStyle(TableStyle(style))
    return t


def _source_cell(source: str, url: str, style: Any) -> Any:
    from reportlab.platypus import Paragraph

    text = _markup(source)
    if url:
        text += f'<br/><font size="6.5" color="#4a5568">{escape(url)}</font>'
    return Paragraph(text, style)


def write_pdf(
    req: ExportRequest,
    path: str | os.PathLike[str],
    progress: ProgressFn | None = None,
    is_cancelled: CancelFn | None = None,
) -> Path:
    """Write the decision record to ``path`` (Letter or A4 per ``req.paper``); return it.

    Raises
    ------
    ExportError
        If the file cannot be written; ExportCancelled if cancelled (nothing written).
    """
    step = Checkpoint(progress, is_cancelled)
    step(0.0, "Preparing the report")
    target = Path(path)
    with atomic_output([target]) as (tmp,):
        render_pdf(req, str(tmp), step)
        step(1.0, "Done")
    return target


def render_pdf(req: ExportRequest, out: Any, step: Checkpoint | None = None) -> int:
    """Lay out the decision record into ``out`` (a file name or a binary file object).

    Returns the number of pages.  :func:`write_pdf` is the safe way to write a file; this is
    also used to preview the page count without writing anything.
    """
    from reportlab.lib.pagesizes import A4, LETTER
    from reportlab.platypus import SimpleDocTemplate

    step = step or Checkpoint(None, None)
    page = LETTER if req.paper == "letter" else A4
    margin = 46.0
    doc = SimpleDocTemplate(
        out, pagesize=page, leftMargin=margin, rightMargin=margin, topMargin=48,
        bottomMargin=54, title=f"Data-center site shortlist: {req.title}",
        author=APP_TITLE,
        subject=f"Ranked shortlist of US {req.dataset.alternatives.plural} for an AI data center",
        creator=f"{APP_TITLE} {__version__}",
    )
    story = build_story(req, page[0] - 2 * margin, step)
    step(0.8, "Laying out the pages")
    footer = f"{APP_TITLE} decision record · {req.title[:60]} · {req.exported_text}"
    pages: list[int] = []
    doc.build(story, canvasmaker=_numbered_canvas(footer, pages))
    return pages[-1] if pages else 0
