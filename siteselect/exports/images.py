"""PNG and SVG of the score map, with title, legend and a source line, drawn with QtGui.

The drawing instructions come from :func:`siteselect.exports.mapstyle.map_picture`, the same
as the PDF's map.  Qt is imported inside the functions only, so the rest of the export core
stays Qt-free; when no Qt application exists a ``QGuiApplication`` is created, on the
``offscreen`` platform when there is no display, so this works on a headless machine.
Raster images are written at the given size in pixels (1600 x 1050 by default); the SVG
uses the same coordinate system and keeps every state as a vector path and labels as text.
Both embed the run and the listed ranking as JSON (:func:`image_metadata`): in the PNG as the
text chunk ``SiteSelect`` (next to ``Title``, ``Description``, ``Software`` and ``Creation
Time``), in the SVG as ``<metadata id="siteselect">``.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape as xml_escape

from siteselect.errors import ExportError
from siteselect.exports.common import (
    INSET_NOTE,
    CancelFn,
    Checkpoint,
    ExportRequest,
    ProgressFn,
    atomic_output,
)
from siteselect.exports.mapstyle import EMPHASIS, MapPicture, colour, map_picture

#: Key of the PNG text chunk / id of the SVG metadata element holding the run as JSON.
METADATA_KEY = "SiteSelect"

DEFAULT_SIZE = (1600, 1050)


def ensure_gui_app() -> Any:
    """Return the running Qt application, creating one if there is none.

    A QApplication (not a bare QGuiApplication) is created so that a window opened later in
    the same process can still make widgets.
    """
    if not os.environ.get("DISPLAY") and not os.environ.get("WAYLAND_DISPLAY"):
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    try:
        from PySide6.QtGui import QGuiApplication
        from PySide6.QtWidgets import QApplication
    except ImportError as exc:  # pragma: no cover - PySide6 is a dependency
        raise ExportError(f"Map images need PySide6, which cannot be loaded: {exc}") from None
    app = QGuiApplication.instance()
    if app is None:
        app = QApplication([])
    return app


def paint_map(painter: Any, pic: MapPicture, width: float, height: float) -> None:
    """Paint the whole image (title, map, legend, source line) into a width x height box."""
    from PySide6.QtCore import QPointF, QRectF, Qt
    from PySide6.QtGui import QBrush, QColor, QFont, QLinearGradient, QPainterPath, QPen

    def qc(rgb: tuple[float, float, float]) -> QColor:
        return QColor.fromRgbF(rgb[0], rgb[1], rgb[2])

    from PySide6.QtGui import QFontMetricsF

    ink = QColor(31, 36, 46)
    muted = QColor(97, 102, 115)
    # one scale for the whole layout, set by the tighter side, so any aspect ratio fits
    unit = min(width / DEFAULT_SIZE[0], height / DEFAULT_SIZE[1])
    painter.setRenderHint(painter.RenderHint.Antialiasing, True)
    painter.setRenderHint(painter.RenderHint.TextAntialiasing, True)
    painter.fillRect(QRectF(0, 0, width, height), QColor(255, 255, 255))

    def font(px: float, bold: bool = False) -> QFont:
        f = QFont("DejaVu Sans")
        f.setPixelSize(max(6, int(round(px * unit))))
        f.setBold(bold)
        return f

    margin = 36 * unit
    text_w = width - 2 * margin

    def fitted(text: str, px: float, bold: bool = False) -> tuple[QFont, str]:
        """The font, shrunk to 60 % if need be, and the text (elided only beyond that)."""
        f = font(px, bold)
        for shrink in (0.9, 0.8, 0.7, 0.6):
            if QFontMetricsF(f).horizontalAdvance(text) <= text_w:
                break
            f = font(px * shrink, bold)
        return f, QFontMetricsF(f).elidedText(text, Qt.TextElideMode.ElideRight, text_w)

    painter.setPen(ink)
    f, text = fitted(pic.title, 34, True)
    painter.setFont(f)
    painter.drawText(QRectF(margin, margin * 0.7, text_w, 46 * unit),
                     Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, text)
    painter.setPen(muted)
    f, text = fitted(pic.subtitle, 19)
    painter.setFont(f)
    painter.drawText(QRectF(margin, margin * 0.7 + 46 * unit, text_w, 30 * unit),
                     Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, text)
    # the source line wraps (after what the outlines mean, on a county map); reserve the
    # height it needs at the foot
    foot = f"{pic.caption} {pic.source_line}" if pic.caption else pic.source_line
    source_font = font(13)
    source_h = QFontMetricsF(source_font).boundingRect(
        QRectF(0, 0, text_w, 10 * height), int(Qt.TextFlag.TextWordWrap), foot,
    ).height()

    top = margin * 0.7 + 90 * unit
    bottom = height - max(70 * unit, source_h + 16 * unit)
    legend_w = 190 * unit
    map_box = QRectF(margin, top, width - 2 * margin - legend_w, bottom - top)
    minx, miny, maxx, maxy = pic.bounds
    scale = min(map_box.width() / (maxx - minx), map_box.height() / (maxy - miny))
    ox = map_box.left() - minx * scale + (map_box.width() - (maxx - minx) * scale) / 2
    oy = map_box.top() + maxy * scale + (map_box.height() - (maxy - miny) * scale) / 2

    def pt(x: float, y: float) -> QPointF:
        return QPointF(x * scale + ox, oy - y * scale)

    painter.setBrush(Qt.BrushStyle.NoBrush)
    painter.setPen(QPen(QColor(200, 204, 212), 1.2 * unit))
    for fx0, fy0, fx1, fy1 in pic.frames:
        painter.drawRect(QRectF(pt(fx0, fy1), pt(fx1, fy0)))
    if pic.frames:
        # the same words as the PDF, just above the insets
        corner = pt(min(f[0] for f in pic.frames), max(f[3] for f in pic.frames))
        saved_pen = painter.pen()
        painter.setPen(muted)
        painter.setFont(font(12))
        painter.drawText(QRectF(corner.x() + 2 * unit, corner.y() - 20 * unit, 500 * unit,
                                18 * unit),
                         Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignBottom, INSET_NOTE)
        painter.setPen(saved_pen)
    outline = QPen(QColor(255, 255, 255), (0.25 if pic.fine else 0.9) * unit)
    outline.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
    painter.setPen(outline)

    def shape_path(rings: Any) -> QPainterPath:
        path = QPainterPath()
        path.setFillRule(Qt.FillRule.OddEvenFill)
        for ring in rings:
            xs = ring[:, 0] * scale + ox
            ys = oy - ring[:, 1] * scale
            path.moveTo(float(xs[0]), float(ys[0]))
            for x, y in zip(xs[1:].tolist(), ys[1:].tolist(), strict=True):
                path.lineTo(x, y)
            path.closeSubpath()
        return path

    for shape in pic.shapes:
        painter.setBrush(QBrush(qc(shape.fill)))
        painter.drawPath(shape_path(shape.rings))
    painter.setBrush(Qt.BrushStyle.NoBrush)
    if pic.borders:  # state borders over the counties
        painter.setPen(QPen(muted, 1.0 * unit))
        for rings in pic.borders:
            painter.drawPath(shape_path(rings))
    emphasis = QPen(qc(EMPHASIS), 2.6 * unit)
    emphasis.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
    painter.setPen(emphasis)
    for shape in pic.shapes:
        if shape.emphasised:
            painter.drawPath(shape_path(shape.rings))
    painter.setFont(font(14, True))
    for lab in pic.labels:
        p = pt(lab.x, lab.y)
        if lab.anchor is not None:
            a = pt(*lab.anchor)
            painter.setPen(QPen(muted, 1.0 * unit))
            painter.drawLine(a, QPointF(p.x() - 3 * unit, p.y()))
            painter.setPen(qc(lab.colour))
            painter.drawText(QRectF(p.x(), p.y() - 10 * unit, 40 * unit, 20 * unit),
                             Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                             lab.state)
        else:
            painter.setPen(qc(lab.colour))
            painter.drawText(QRectF(p.x() - 25 * unit, p.y() - 10 * unit, 50 * unit, 20 * unit),
                             Qt.AlignmentFlag.AlignCenter, lab.state)

    # legend: vertical colour bar, best (highest score) at the top
    lx = width - margin - legend_w + 30 * unit
    bar_top = top + 92 * unit
    bar_h = min(360 * unit, bottom - bar_top - 90 * unit)
    bar_w = 26 * unit
    painter.setPen(ink)
    painter.setFont(font(18, True))
    painter.drawText(QRectF(lx, top + 6 * unit, legend_w, 26 * unit),
                     Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, "Score")
    painter.setFont(font(14))
    painter.setPen(muted)
    painter.drawText(QRectF(lx, top + 30 * unit, legend_w, 20 * unit),
                     Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                     "0-100; colours by rank")
    grad = QLinearGradient(QPointF(0, bar_top + bar_h), QPointF(0, bar_top))
    for i in range(11):
        grad.setColorAt(i / 10, qc(colour(i / 10)))
    painter.setPen(QPen(muted, 1.0 * unit))
    painter.setBrush(QBrush(grad))
    painter.drawRect(QRectF(lx, bar_top, bar_w, bar_h))
    painter.setFont(font(14))
    for t in pic.ticks:
        y = bar_top + bar_h - bar_h * pic.position(t)
        painter.setPen(QPen(muted, 1.0 * unit))
        painter.drawLine(QPointF(lx + bar_w, y), QPointF(lx + bar_w + 6 * unit, y))
        painter.setPen(ink)
        painter.drawText(QRectF(lx + bar_w + 10 * unit, y - 10 * unit, 60 * unit, 20 * unit),
                         Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, f"{t:g}")
    painter.setFont(font(14, True))
    painter.drawText(QRectF(lx, bar_top - 24 * unit, 80 * unit, 20 * unit),
                     Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, "best")
    painter.setFont(font(14))
    painter.drawText(QRectF(lx, bar_top + bar_h + 4 * unit, 80 * unit, 20 * unit),
                     Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, "worst")
    if pic.any_excluded:
        gy = bar_top + bar_h + 44 * unit
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QColor(204, 204, 204))
        painter.drawRect(QRectF(lx, gy, bar_w, 18 * unit))
        painter.setPen(ink)
        painter.drawText(QRectF(lx + bar_w + 10 * unit, gy - 1 * unit, 120 * unit, 20 * unit),
                         Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, "not ranked")

    painter.setPen(muted)
    painter.setFont(source_font)
    painter.drawText(QRectF(margin, bottom + 10 * unit, text_w, source_h + 4 * unit),
                     Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop
                     | Qt.TextFlag.TextWordWrap, foot)


MIN_SIZE = (200, 150)
MAX_SIDE = 10000


def image_metadata(req: ExportRequest) -> str:
    """The run and the listed ranking as JSON, embedded in every map image.

    The picture shows title, legend and sources; this carries the rest of what every export
    carries (weights, gates with excluded states and reasons, what-if values, each listed
    state's figures and points, provenance) for anyone who opens the file's metadata.
    """
    from siteselect.exports.common import (
        finite_or_none,
        place_fields,
        row_notes,
        run_metadata,
    )

    ds = req.dataset
    ranking = [
        {
            "rank": row.rank,
            **({"state": row.alternative, "name": ds.names[row.alternative]}
               if ds.level == "state" else place_fields(ds, row.alternative)),
            "score": finite_or_none(row.score),
            "values": {c: finite_or_none(v) for c, v in row.values.items()},
            "points": {c: finite_or_none(v) for c, v in row.contributions.items()},
            "notes": row_notes(req, row),
        }
        for row in req.rows()
    ]
    doc = {"format": "siteselect-image-metadata", "format_version": 1,
           **run_metadata(req), "ranking": ranking}
    return json.dumps(doc, ensure_ascii=False, allow_nan=False)


def _embed_svg_metadata(path: Path, text: str) -> None:
    """Insert ``<metadata id="siteselect">JSON</metadata>`` after the SVG's description."""
    svg = path.read_text(encoding="utf-8")
    element = f'<metadata id="{METADATA_KEY.lower()}">{xml_escape(text)}</metadata>\n'
    at = svg.find("</desc>")
    if at >= 0:
        at += len("</desc>\n") if svg.startswith("</desc>\n", at) else len("</desc>")
    else:
        at = svg.index(">", svg.index("<svg")) + 1
    path.write_text(svg[:at] + element + svg[at:], encoding="utf-8")


def _size(size: tuple[int, int] | None) -> tuple[int, int]:
    w, h = size or DEFAULT_SIZE
    if w < MIN_SIZE[0] or h < MIN_SIZE[1] or w > MAX_SIDE or h > MAX_SIDE:
        raise ExportError(f"Image size {w}x{h} is out of range ({MIN_SIZE[0]}x{MIN_SIZE[1]} "
                          f"to {MAX_SIDE}x{MAX_SIDE} pixels).")
    return int(w), int(h)


def parse_size(text: str) -> tuple[int, int]:
    """``"1600x1050"`` (also ``1600X1050``, ``1600*1050``) -> (1600, 1050), range-checked.

    Raises
    ------
    ExportError
        For text that is not WIDTHxHEIGHT in whole pixels, or a size out of range.
    """
    m = re.fullmatch(r"\s*(\d{1,6})\s*[xX*×]\s*(\d{1,6})\s*", text or "")
    if m is None:
        raise ExportError(f"Image size {text!r} is not WIDTHxHEIGHT in pixels, "
                          "e.g. 1600x1050.")
    return _size((int(m.group(1)), int(m.group(2))))


def write_png(
    req: ExportRequest,
    path: str | os.PathLike[str],
    progress: ProgressFn | None = None,
    is_cancelled: CancelFn | None = None,
    *,
    size: tuple[int, int] | None = None,
) -> Path:
    """Write the score map as a PNG (``size`` in pixels) and return ``path``."""
    step = Checkpoint(progress, is_cancelled)
    step(0.0, "Preparing the map")
    w, h = _size(size)
    pic = map_picture(req)
    ensure_gui_app()
    from PySide6.QtGui import QImage, QPainter

    step(0.3, "Drawing the map")
    image = QImage(w, h, QImage.Format.Format_ARGB32_Premultiplied)
    image.setDotsPerMeterX(5906)  # 150 dpi
    image.setDotsPerMeterY(5906)
    from siteselect import __version__

    image.setText("Title", pic.title)
    image.setText("Description", f"{pic.subtitle}. {pic.source_line}")
    image.setText("Software", f"SiteSelect {__version__}")
    image.setText("Creation Time", req.exported_text)
    image.setText(METADATA_KEY, image_metadata(req))
    painter = QPainter(image)
    try:
        paint_map(painter, pic, w, h)
    finally:
        painter.end()
    step(0.8, "Saving")
    target = Path(path)
    with atomic_output([target]) as (tmp,):
        if not image.save(str(tmp), "PNG"):  # type: ignore[call-overload]
            raise ExportError(f"Cannot write {target}: the PNG encoder failed.")
        step(1.0, "Done")
    return target


def write_svg(
    req: ExportRequest,
    path: str | os.PathLike[str],
    progress: ProgressFn | None = None,
    is_cancelled: CancelFn | None = None,
    *,
    size: tuple[int, int] | None = None,
) -> Path:
    """Write the score map as an SVG (vector paths and text) and return ``path``."""
    step = Checkpoint(progress, is_cancelled)
    step(0.0, "Preparing the map")
    w, h = _size(size)
    pic = map_picture(req)
    ensure_gui_app()
    from PySide6.QtCore import QRect, QSize
    from PySide6.QtGui import QPainter
    from PySide6.QtSvg import QSvgGenerator

    target = Path(path)
    with atomic_output([target]) as (tmp,):
        step(0.3, "Drawing the map")
        gen = QSvgGenerator()
        gen.setFileName(str(tmp))
        gen.setSize(QSize(w, h))
        gen.setResolution(96)  # so the stated width and height are w x h CSS pixels
        gen.setViewBox(QRect(0, 0, w, h))
        gen.setTitle(pic.title)
        gen.setDescription(pic.subtitle + ". " + pic.source_line)
        painter = QPainter()
        if not painter.begin(gen):
            raise ExportError(f"Cannot write {target}: the SVG writer could not start.")
        try:
            paint_map(painter, pic, w, h)
        finally:
            painter.end()
        step(0.9, "Storing the metadata")
        _embed_svg_metadata(tmp, image_metadata(req))
        step(1.0, "Done")
    return target
