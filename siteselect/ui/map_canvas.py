"""The choropleth map: one path item per state, built once, recoloured by brushes only.

:class:`MapCanvasWidget` builds a :class:`StateItem` (a ``QGraphicsPathItem``) per state from
:func:`siteselect.ui.map_geometry.load_map_shapes` when it is created; afterwards a weight
change only swaps brushes and pens (no re-projection, no path rebuilding).  Alaska and Hawaii
sit in framed insets; small north-eastern states get leader-line callouts with a swatch of
their colour.  Not-ranked states are grey and hatched; a dashed outline marks a state with a
missing figure.  Left click selects, drag pans, the wheel zooms; :meth:`reset_view` frames the
whole country again.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont, QPainterPath, QPen
from PySide6.QtWidgets import (
    QGraphicsItem,
    QGraphicsPathItem,
    QGraphicsRectItem,
    QGraphicsSimpleTextItem,
    QVBoxLayout,
    QWidget,
)

from siteselect.ui.colouring import ColourScale, colour_scale, viridis_lut
from siteselect.ui.map_geometry import MapShapes, load_map_shapes
from siteselect.ui.state import PlannerState
from siteselect.ui.text import state_tooltip

GATED_FILL = QColor(205, 205, 205)
MISSING_FILL = QColor(235, 235, 235)
BORDER = QColor(255, 255, 255)
SELECTED = QColor(230, 60, 20)
DARK_TEXT = QColor(20, 20, 20)
LIGHT_TEXT = QColor(255, 255, 255)


def _cosmetic(color: QColor, width: float, style: Qt.PenStyle = Qt.SolidLine) -> QPen:
    pen = QPen(color, width, style)
    pen.setCosmetic(True)
    pen.setJoinStyle(Qt.RoundJoin)
    return pen


def rings_to_path(rings: list[np.ndarray]) -> QPainterPath:
    """One QPainterPath for all of a state's rings (odd-even fill keeps holes open)."""
    path = QPainterPath()
    for ring in rings:
        path.addPath(pg.arrayToQPath(ring[:, 0], ring[:, 1], connect="all", finiteCheck=False))
        path.closeSubpath()
    path.setFillRule(Qt.OddEvenFill)
    return path


class StateItem(QGraphicsPathItem):
    """A state's outline; paints a hatch over its fill when the state is not ranked."""

    HATCH = QBrush(QColor(120, 120, 120), Qt.BDiagPattern)

    def __init__(self, code: str, path: QPainterPath, canvas: MapCanvasWidget) -> None:
        super().__init__(path)
        self.code = code
        self.hatched = False
        self._canvas = canvas
        self.setPen(_cosmetic(BORDER, 1.0))
        self.setBrush(QBrush(MISSING_FILL))

    def paint(self, painter, option, widget=None) -> None:  # noqa: ANN001 - Qt API
        super().paint(painter, option, widget)
        if self.hatched:
            painter.fillPath(self.path(), self.HATCH)

    # pyqtgraph's scene calls these on the item under the pointer.
    def hoverEvent(self, ev) -> None:  # noqa: ANN001, N802 - pyqtgraph API
        if ev.isEnter():
            self.setToolTip(self._canvas.tooltip_for(self.code))
            self._canvas.state_hovered.emit(self.code)

    def mouseClickEvent(self, ev) -> None:  # noqa: ANN001, N802 - pyqtgraph API
        if ev.button() == Qt.LeftButton:
            ev.accept()
            self._canvas.state_clicked.emit(self.code)


class CalloutSwatchItem(QGraphicsRectItem):
    """The coloured box of a leader-line callout; clicking it selects the state."""

    def __init__(self, code: str, rect: QRectF, canvas: MapCanvasWidget) -> None:
        super().__init__(rect)
        self.code = code
        self._canvas = canvas
        self.setPen(_cosmetic(QColor(90, 90, 90), 1.0))

    def hoverEvent(self, ev) -> None:  # noqa: ANN001, N802 - pyqtgraph API
        if ev.isEnter():
            self.setToolTip(self._canvas.tooltip_for(self.code))

    def mouseClickEvent(self, ev) -> None:  # noqa: ANN001, N802 - pyqtgraph API
        if ev.button() == Qt.LeftButton:
            ev.accept()
            self._canvas.state_clicked.emit(self.code)


def _label_item(text: str, bold: bool = True, size: float = 8.0) -> QGraphicsSimpleTextItem:
    item = QGraphicsSimpleTextItem(text)
    font = QFont()
    font.setPointSizeF(size)
    font.setBold(bold)
    item.setFont(font)
    item.setFlag(QGraphicsItem.ItemIgnoresTransformations, True)
    item.setAcceptedMouseButtons(Qt.NoButton)
    item.setAcceptHoverEvents(False)
    return item


class MapCanvasWidget(QWidget):
    """The map of all 50 states and DC, coloured from the planner state.

    Signals
    -------
    state_clicked(str): a state (or its callout) was clicked.
    state_hovered(str): the pointer entered a state.
    """

    state_clicked = Signal(str)
    state_hovered = Signal(str)

    def __init__(self, state: PlannerState, shapes: MapShapes | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.state = state
        self.shapes = shapes or load_map_shapes()
        self._lut = viridis_lut()
        self._brushes = [QBrush(QColor(int(r), int(g), int(b))) for r, g, b, _ in self._lut]
        self._gated_brush = QBrush(GATED_FILL)
        self._missing_brush = QBrush(MISSING_FILL, Qt.SolidPattern)
        # Whole-pixel cosmetic pens: fractional widths take a much slower stroking path.
        self._pen = _cosmetic(BORDER, 1.0)
        self._missing_pen = _cosmetic(QColor(40, 40, 40), 1.0, Qt.DashLine)
        self._selected_pen = _cosmetic(SELECTED, 3.0)
        self.scale: ColourScale | None = None

        self.view = pg.GraphicsView(background="w")
        self.view.setToolTip("")
        self.viewbox = pg.ViewBox(lockAspect=True, enableMenu=False, invertY=False)
        self.viewbox.setMouseEnabled(True, True)
        self.view.setCentralItem(self.viewbox)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.view)

        self.items: dict[str, StateItem] = {}
        self.labels: dict[str, QGraphicsSimpleTextItem] = {}
        self.callouts: dict[str, tuple[CalloutSwatchItem, QGraphicsSimpleTextItem]] = {}
        self._bbox: dict[str, QRectF] = {}
        self._build()
        self.reset_view()

        state.result_changed.connect(self.recolour)
        state.colour_by_changed.connect(self.recolour)
        state.selection_changed.connect(self._show_selection)
        self.state_clicked.connect(state.select)
        self.viewbox.sigRangeChanged.connect(self._place_labels)
        self.recolour()

    # -- construction (once) ---------------------------------------------------------------
    def _build(self) -> None:
        sh = self.shapes
        frame_pen = _cosmetic(QColor(150, 150, 150), 1.0)
        for name, (x0, y0, x1, y1) in sh.frames.items():
            frame = QGraphicsRectItem(QRectF(x0, y0, x1 - x0, y1 - y0))
            frame.setPen(frame_pen)
            frame.setBrush(Qt.NoBrush)
            frame.setZValue(-10)
            frame.setToolTip(f"{name.title()} (inset, not to scale with the contiguous states)"
                             if name == "alaska" else f"{name.title()} (inset)")
            self.viewbox.addItem(frame)
        for code in sh.states:
            item = StateItem(code, rings_to_path(sh.rings[code]), self)
            self.viewbox.addItem(item)
            self.items[code] = item
            self._bbox[code] = item.path().boundingRect()
        leader_pen = _cosmetic(QColor(110, 110, 110), 1.0)
        size = 70_000.0
        for code, (lx, ly) in sh.leader_points.items():
            ax, ay = sh.label_points[code]
            line = QPainterPath(QPointF(ax, ay))
            line.lineTo(QPointF(lx - size / 2, ly))
            leader = QGraphicsPathItem(line)
            leader.setPen(leader_pen)
            leader.setZValue(5)
            self.viewbox.addItem(leader)
            swatch = CalloutSwatchItem(code, QRectF(lx - size / 2, ly - size / 2, size, size), self)
            swatch.setZValue(6)
            self.viewbox.addItem(swatch)
            text = _label_item(code)
            text.setBrush(DARK_TEXT)
            text.setZValue(7)
            self.viewbox.addItem(text)
            text.setPos(lx + size * 0.75, ly)
            h = text.boundingRect().height()
            text.setTransform(text.transform().fromTranslate(0, -h / 2))
            self.callouts[code] = (swatch, text)
        for code, (x, y) in sh.label_points.items():
            text = _label_item(code)
            text.setZValue(8)
            self.viewbox.addItem(text)
            r = text.boundingRect()
            text.setPos(x, y)
            text.setTransform(text.transform().fromTranslate(-r.width() / 2, -r.height() / 2))
            self.labels[code] = text

    # -- view --------------------------------------------------------------------------------
    def reset_view(self) -> None:
        x0, y0, x1, y1 = self.shapes.bounds
        self.viewbox.setRange(QRectF(x0, y0, x1 - x0, y1 - y0), padding=0.02)

    def _place_labels(self, *_args) -> None:  # noqa: ANN002
        """Show a state's label only where it fits inside the state at the current zoom."""
        px, py = self.viewbox.viewPixelSize()
        if not (px > 0 and py > 0):
            return
        for code, text in self.labels.items():
            r = text.boundingRect()
            box = self._bbox[code]
            fits = box.width() / px >= r.width() + 4 and box.height() / py >= r.height() + 2
            if code in self.callouts:
                fits = fits and box.width() / px >= 3 * r.width()
            text.setVisible(fits)

    def resizeEvent(self, ev) -> None:  # noqa: ANN001, N802 - Qt API
        super().resizeEvent(ev)
        self._place_labels()

    # -- colouring -----------------------------------------------------------------------------
    def tooltip_for(self, code: str) -> str:
        st = self.state
        extra = None if st.colour_by == "score" else st.colour_by
        return state_tooltip(st.dataset, st.settings, st.result, code, extra)

    def brush_for(self, code: str) -> QBrush:
        return self.items[code].brush()

    def recolour(self, *_args) -> None:  # noqa: ANN002
        """Swap brushes and pens to follow the current result and colour-by choice."""
        st = self.state
        scale = colour_scale(st.dataset, st.settings, st.result, st.colour_by)
        self.scale = scale
        by_score = scale.key == "score"
        top = len(self._brushes) - 1
        for code, item in self.items.items():
            t = scale.t.get(code)
            gated = code in scale.gated
            if gated and by_score:
                brush, idx = self._gated_brush, -1
            elif t is None:
                brush, idx = self._missing_brush, -1
            else:
                idx = int(round(t * top))
                brush = self._brushes[idx]
            item.setBrush(brush)
            if item.hatched != gated:
                item.hatched = gated
                item.update()
            label = self.labels[code]
            label.setBrush(LIGHT_TEXT if idx > top * 0.45 else DARK_TEXT)
            callout = self.callouts.get(code)
            if callout:
                callout[0].setBrush(brush)
        self._update_pens()

    def _update_pens(self) -> None:
        scale = self.scale
        sel = self.state.selected
        for code, item in self.items.items():
            if code == sel:
                pen, z = self._selected_pen, 3
            elif scale is not None and code in scale.missing and code not in scale.gated:
                pen, z = self._missing_pen, 1
            else:
                pen, z = self._pen, 0
            if item.pen() != pen:
                item.setPen(pen)
            item.setZValue(z)
        for code, (swatch, _text) in self.callouts.items():
            swatch.setPen(self._selected_pen if code == sel else _cosmetic(QColor(90, 90, 90), 1.0))

    def _show_selection(self, _code: object) -> None:
        self._update_pens()
