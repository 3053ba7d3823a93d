"""The choropleth map: one path item per state, built once, recoloured by brushes only.

:class:`MapCanvasWidget` builds a :class:`StateItem` (a ``QGraphicsPathItem``) per state from
:func:`siteselect.ui.map_geometry.load_map_shapes` when it is created; afterwards a weight
change only swaps brushes and pens (no re-projection, no path rebuilding).  Alaska and Hawaii
sit in framed insets; small north-eastern states get leader-line callouts with a swatch of
their colour.  Not-ranked states are grey and hatched; a dashed outline marks a state with a
missing figure.  Left click selects, drag pans, the wheel zooms; :meth:`reset_view` frames the
whole country again.

Hover, tooltip and click share one hit test, :meth:`MapCanvasWidget.state_at`, by each
state's exact outline; a tooltip's text is written when it is shown, from the current result,
and rewritten if the result changes while it is on screen.  Once a sensitivity run exists the
tooltip also gives the state's chance of the top K, of first place and its 90 % rank range.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QEvent, QPoint, QPointF, QRectF, Qt, QTimer, Signal
from PySide6.QtGui import (
    QBrush,
    QColor,
    QFont,
    QFontMetricsF,
    QPainterPath,
    QPen,
    QStaticText,
    QTransform,
)
from PySide6.QtWidgets import (
    QGraphicsItem,
    QGraphicsPathItem,
    QGraphicsRectItem,
    QToolTip,
    QVBoxLayout,
    QWidget,
)

from siteselect.ui.colouring import ColourScale, colour_scale, percent_text, viridis_lut
from siteselect.ui.county_layer import CountyLayer, county_shapes
from siteselect.ui.map_geometry import MapShapes, load_map_shapes
from siteselect.ui.planner import SCORE, SENSITIVITY_KEYS, Planner
from siteselect.ui.text import state_tooltip

GATED_FILL = QColor(205, 205, 205)
MISSING_FILL = QColor(235, 235, 235)
BORDER = QColor(255, 255, 255)
SELECTED = QColor(230, 60, 20)
#: Outline of the top N states: the amber of the ranking table's top-N rows, deepened so it
#: reads on the darkest (best) fill and on the pale ones alike.
TOP_OUTLINE = QColor(245, 158, 0)
DARK_TEXT = QColor(20, 20, 20)
LIGHT_TEXT = QColor(255, 255, 255)
#: A state around the counties shown (other states, when one state's counties are shown).
CONTEXT_FILL = QColor(242, 242, 242)
#: State borders drawn over the county borders.
STATE_BORDER_OVER_COUNTIES = QColor(60, 60, 60)


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
        # The outline (selection, missing figure) is drawn by a child that replays it from a
        # cached pixmap: the fill changes on every slider step, the outline rarely, and
        # stroking a long border with a wide or dashed pen costs more than the fill.
        self.outline = QGraphicsPathItem(path, self)
        self.outline.setBrush(Qt.NoBrush)
        self.outline.setAcceptedMouseButtons(Qt.NoButton)
        self.outline.setAcceptHoverEvents(False)
        self.outline.setCacheMode(QGraphicsItem.DeviceCoordinateCache)
        self.setPen(_cosmetic(BORDER, 1.0))
        self.setBrush(QBrush(MISSING_FILL))

    def setPen(self, pen: QPen) -> None:
        """The pen outlines the state (drawn by :attr:`outline`); ``pen()`` returns it."""
        super().setPen(pen)
        self.outline.setPen(pen)
        self.outline.setVisible(pen.style() != Qt.NoPen)

    def paint(self, painter, _option, _widget=None) -> None:
        painter.setPen(Qt.NoPen)
        painter.setBrush(self.brush())
        painter.drawPath(self.path())
        if self.hatched:
            painter.fillPath(self.path(), self.HATCH)

    def contains(self, point: QPointF) -> bool:
        """Exact: inside the state's own outline.

        The view box clips its children, and Qt then hit-tests a clipped item by its
        bounding box: southern Oklahoma would count as "inside" Texas.
        """
        return self.path().contains(point)

    def toolTip(self) -> str:
        """Written on demand for the current result (never a text stored earlier)."""
        return self._canvas.tooltip_for(self.code)

    def mouseClickEvent(self, ev) -> None:
        self._canvas.click_at(ev)


class CalloutSwatchItem(QGraphicsRectItem):
    """The coloured box of a leader-line callout; clicking it selects the state."""

    def __init__(self, code: str, rect: QRectF, canvas: MapCanvasWidget) -> None:
        super().__init__(rect)
        self.code = code
        self.hatched = False
        self._canvas = canvas
        self.setPen(_cosmetic(QColor(90, 90, 90), 1.0))

    def paint(self, painter, option, widget=None) -> None:
        super().paint(painter, option, widget)
        if self.hatched:  # not ranked: hatched like the state itself
            painter.fillRect(self.rect(), StateItem.HATCH)

    def toolTip(self) -> str:
        return self._canvas.tooltip_for(self.code)

    def mouseClickEvent(self, ev) -> None:
        self._canvas.click_at(ev)


class LabelLayerItem(QGraphicsItem):
    """Every text on the map in one item: state codes and callout codes.

    Labels keep their size in pixels whatever the zoom: ``paint`` maps each anchor to device
    coordinates and draws a cached :class:`QStaticText` there, which is several times faster
    than one text item per state (those lay their text out again on every paint).
    """

    def __init__(self, bounds: QRectF, size: float = 8.0) -> None:
        super().__init__()
        self._bounds = bounds
        self.font = QFont()
        self.font.setPointSizeF(size)
        self.font.setBold(True)
        self._metrics = QFontMetricsF(self.font)
        # name -> [anchor QPointF, QStaticText, (dx, dy) in pixels, colour, visible]
        self.labels: dict[str, list] = {}
        self.setAcceptedMouseButtons(Qt.NoButton)
        self.setAcceptHoverEvents(False)

    def add(self, name: str, text: str, anchor: QPointF, align: str = "center") -> None:
        static = QStaticText(text)
        static.setPerformanceHint(QStaticText.AggressiveCaching)
        static.prepare(QTransform(), self.font)
        w, h = self._metrics.horizontalAdvance(text), self._metrics.height()
        offset = (-w / 2, -h / 2) if align == "center" else (0.0, -h / 2)
        self.labels[name] = [anchor, static, offset, DARK_TEXT, True]

    def text_size(self, name: str) -> tuple[float, float]:
        static = self.labels[name][1]
        return self._metrics.horizontalAdvance(static.text()), self._metrics.height()

    def move(self, name: str, anchor: QPointF) -> None:
        self.labels[name][0] = anchor

    def set_colour(self, name: str, colour: QColor) -> bool:
        entry = self.labels[name]
        if entry[3] != colour:
            entry[3] = colour
            return True
        return False

    def set_visible(self, name: str, visible: bool) -> bool:
        entry = self.labels[name]
        if entry[4] != visible:
            entry[4] = visible
            return True
        return False

    def is_visible(self, name: str) -> bool:
        return bool(self.labels[name][4])

    def colour(self, name: str) -> QColor:
        return self.labels[name][3]

    def boundingRect(self) -> QRectF:
        return self._bounds

    def paint(self, painter, _option, _widget=None) -> None:
        transform = painter.transform()
        painter.save()
        painter.resetTransform()
        painter.setFont(self.font)
        pen_colour = None
        for anchor, static, (dx, dy), colour, visible in self.labels.values():
            if not visible:
                continue
            if colour != pen_colour:
                painter.setPen(colour)
                pen_colour = colour
            p = transform.map(anchor)
            painter.drawStaticText(QPointF(p.x() + dx, p.y() + dy), static)
        painter.restore()


class MapCanvasWidget(QWidget):
    """The map of all 50 states and DC, coloured from the planner.

    Signals
    -------
    state_clicked(str): a state (or its callout) was clicked.
    state_hovered(str): the pointer entered a state.
    """

    state_clicked = Signal(str)
    state_hovered = Signal(str)
    #: A state was double-clicked on the map of states (the window shows its counties).
    state_double_clicked = Signal(str)

    def __init__(self, planner: Planner, shapes: MapShapes | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.planner = planner
        self.shapes = shapes or load_map_shapes()
        self._lut = viridis_lut()
        self._brushes = [QBrush(QColor(int(r), int(g), int(b))) for r, g, b, _ in self._lut]
        self._gated_brush = QBrush(GATED_FILL)
        self._argb_lut = np.array([(255 << 24) | (int(r) << 16) | (int(g) << 8) | int(b)
                                   for r, g, b, _ in self._lut], dtype=np.uint32)
        self._gated_argb = np.uint32(GATED_FILL.rgba() & 0xFFFFFFFF)
        self._missing_argb = np.uint32(MISSING_FILL.rgba() & 0xFFFFFFFF)
        self._context_brush = QBrush(CONTEXT_FILL)
        self._missing_brush = QBrush(MISSING_FILL, Qt.SolidPattern)
        # Whole-pixel cosmetic pens: fractional widths take a much slower stroking path.
        # State borders are drawn once by a cached border layer; a state's own pen is only
        # used to mark it (missing figure, selection).
        self._pen = QPen(Qt.NoPen)
        self._missing_pen = _cosmetic(QColor(40, 40, 40), 1.0, Qt.DashLine)
        self._selected_pen = _cosmetic(SELECTED, 3.0)
        self._top_pen = _cosmetic(TOP_OUTLINE, 2.0)
        self._swatch_pen = _cosmetic(QColor(90, 90, 90), 1.0)
        self.scale: ColourScale | None = None
        #: The ranking's top N (by score) are outlined; 0 outlines none.
        self.top_n = 0

        self.view = pg.GraphicsView(background="w")
        self.view.setToolTip("")
        self.viewbox = pg.ViewBox(lockAspect=True, enableMenu=False, invertY=False)
        self.viewbox.setMouseEnabled(True, True)
        # The range is set explicitly (reset_view); auto-range would measure every path.
        self.viewbox.disableAutoRange()
        self.view.setCentralItem(self.viewbox)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.view)

        self.items: dict[str, StateItem] = {}
        x0, y0, x1, y1 = self.shapes.bounds
        pad = 0.1 * (x1 - x0)
        self.label_layer = LabelLayerItem(QRectF(x0 - pad, y0 - pad, x1 - x0 + 2 * pad,
                                                 y1 - y0 + 2 * pad))
        self.label_layer.setZValue(8)
        # Labels rarely change (colour flips, zoom): replay them from a cached pixmap.
        self.label_layer.setCacheMode(QGraphicsItem.DeviceCoordinateCache)
        self.callouts: dict[str, CalloutSwatchItem] = {}
        self.leaders: dict[str, QGraphicsPathItem] = {}
        # The state under the pointer, found by :meth:`state_at` on every move, and the
        # tooltip on screen (state, global position): its text is written when it is shown
        # and again whenever the result changes, never kept from an earlier result.
        self.hovered: str | None = None
        self._tip: tuple[str, QPoint] | None = None
        self._frame_tips: list[tuple[QRectF, str]] = []
        self._frames: dict[str, QGraphicsRectItem] = {}
        self._bbox: dict[str, QRectF] = {}
        self._offshore: set[str] = set()  # labels drawn on the sea, always dark
        #: The counties' layer while counties are shown (None at state level).
        self.county_layer: CountyLayer | None = None
        #: The last counties' layer, hidden at state level and shown again when the same
        #: counties come back (rebuilding it costs the border path and the index image).
        self._spare_county_layer: CountyLayer | None = None
        self._county_paths: dict[str, QPainterPath] | None = None
        self._county_marks: dict[str, QGraphicsPathItem] = {}
        self._marked: tuple = ()
        # The counties' picture is painted again after the view moved or zoomed, once the
        # moves of one gesture have arrived (the hit test paints it at once when it needs it).
        self._render_timer = QTimer(self)
        self._render_timer.setSingleShot(True)
        self._render_timer.setInterval(0)
        self._render_timer.timeout.connect(self._render_counties)
        self._build()
        self._show_level(planner.dataset, recolour=False)
        self.reset_view()

        for signal in (planner.result_changed, planner.colour_by_changed,
                       planner.sensitivity_changed, planner.sensitivity_stale_changed):
            signal.connect(self.recolour)
        for signal in (planner.result_changed, planner.colour_by_changed, planner.settings_changed,
                       planner.sensitivity_changed):
            signal.connect(self._refresh_tooltip)
        # Hover and tooltips come from the viewport's own events and an exact hit test:
        # the scene's hover events are rate-limited and reach every state within a few
        # pixels, and its tooltips are looked up by bounding box.
        self.view.viewport().installEventFilter(self)
        self.view.viewport().setMouseTracking(True)
        planner.selection_changed.connect(self._show_selection)
        self.state_clicked.connect(planner.select)
        self.viewbox.sigRangeChanged.connect(self._place_labels)
        self.viewbox.sigRangeChanged.connect(self._view_moved)
        planner.dataset_changed.connect(self._show_level)
        self.view.scene().sigMouseClicked.connect(self._clicked_anywhere)
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
            self._frame_tips.append((frame.rect(), f"{name.title()} (inset, not to scale with "
                                     "the contiguous states)" if name == "alaska"
                                     else f"{name.title()} (inset)"))
            self.viewbox.addItem(frame)
            self._frames[name] = frame
        for code in sh.states:
            item = StateItem(code, rings_to_path(sh.rings[code]), self)
            self.viewbox.addItem(item)
            self.items[code] = item
            self._bbox[code] = item.path().boundingRect()
            item.setPen(self._pen)
        borders = QPainterPath()
        for item in self.items.values():
            borders.addPath(item.path())
        self.border_layer = QGraphicsPathItem(borders)
        self.border_layer.setPen(_cosmetic(BORDER, 1.0))
        self.border_layer.setBrush(Qt.NoBrush)
        self.border_layer.setZValue(0.5)
        self.border_layer.setAcceptedMouseButtons(Qt.NoButton)
        # White borders never change with the colouring: replay them from a pixmap.
        self.border_layer.setCacheMode(QGraphicsItem.DeviceCoordinateCache)
        self.viewbox.addItem(self.border_layer)
        leader_pen = _cosmetic(QColor(110, 110, 110), 1.0)
        # North to south, as the layout placed them; :meth:`_place_callouts` spaces them in
        # pixels for the current zoom.
        for code in sorted(sh.leader_points, key=lambda c: -sh.leader_points[c][1]):
            leader = QGraphicsPathItem()
            leader.setPen(leader_pen)
            leader.setZValue(5)
            leader.setAcceptedMouseButtons(Qt.NoButton)
            self.viewbox.addItem(leader)
            self.leaders[code] = leader
            swatch = CalloutSwatchItem(code, QRectF(), self)
            swatch.setZValue(6)
            self.viewbox.addItem(swatch)
            self.label_layer.add("callout:" + code, code, QPointF(*sh.leader_points[code]),
                                 align="left")
            self.callouts[code] = swatch
        for code, (x, y) in sh.label_points.items():
            if code == "HI" and "hawaii" in sh.frames:
                # The islands are too small to carry a label: put it in the open sea at the
                # inset's lower left, as atlases do.
                x0, y0, x1, y1 = sh.frames["hawaii"]
                x, y = x0 + 0.14 * (x1 - x0), y0 + 0.2 * (y1 - y0)
                self._bbox[code] = QRectF(x0, y0, x1 - x0, y1 - y0)
                self._offshore.add(code)
            self.label_layer.add(code, code, QPointF(x, y))
        self.viewbox.addItem(self.label_layer)

    # -- view --------------------------------------------------------------------------------
    def reset_view(self) -> None:
        layer = self.county_layer
        if layer is not None and self.planner.dataset.scope:
            # One state's counties (or a few states'): frame them.
            self.viewbox.setRange(layer.bounds, padding=0.05)
            return
        x0, y0, x1, y1 = self.shapes.bounds
        self.viewbox.setRange(QRectF(x0, y0, x1 - x0, y1 - y0), padding=0.02)
        # The callout codes right of the leader column are sized in pixels, not metres:
        # widen the range on the right until they fit at this zoom.
        px = self.viewbox.viewPixelSize()[0]
        if self.callouts and px > 0:
            extra = 40 * px
            self.viewbox.setRange(QRectF(x0, y0, x1 - x0 + extra, y1 - y0), padding=0.02)

    #: Callout swatch size and the least gap between two callout rows, in pixels.
    SWATCH_PX, CALLOUT_GAP_PX = 10.0, 3.0

    def _place_labels(self, *_args) -> None:
        """Show a state's label only where it fits inside the state at the current zoom; a
        small state whose label does not fit gets its leader-line callout instead."""
        if self.county_layer is not None:
            return
        px, py = self.viewbox.viewPixelSize()
        if not (px > 0 and py > 0):
            return
        layer = self.label_layer
        changed = False
        for code in self.items:
            if code not in layer.labels:
                continue
            tw, th = layer.text_size(code)
            box = self._bbox[code]
            fits = box.width() / px >= tw + 4 and box.height() / py >= th + 2
            if code in self.callouts:
                fits = fits and box.width() / px >= 3 * tw
            changed |= layer.set_visible(code, fits)
        changed |= self._place_callouts(px, py)
        if changed:
            layer.update()

    def _place_callouts(self, px: float, py: float) -> bool:
        """Lay the leader-line callouts out in pixels for the current zoom.

        Rows are at least a text line apart however small the map (in map metres they
        stacked on each other in a small window); a state that carries its own label at this
        zoom has no callout, so zoomed in the column does not crowd the map's edge."""
        if not self.callouts:
            return False
        layer = self.label_layer
        lead = self.shapes.leader_points
        view = self.viewbox.viewRect()
        # A callout for each small state in view that cannot carry its own label.
        shown = [c for c in self.callouts if not layer.is_visible(c)
                 and view.contains(QPointF(*self.shapes.label_points[c]))]
        changed = False
        tw, th = layer.text_size("callout:" + next(iter(self.callouts)))
        step = max(125_000.0, (max(th, self.SWATCH_PX) + self.CALLOUT_GAP_PX) * py)
        sw, sh = self.SWATCH_PX * px, self.SWATCH_PX * py
        # The column stands in the Atlantic, or at the view's right edge when zoomed in,
        # with its codes inside the map.
        x = min(max(lead[c][0] for c in self.callouts),
                view.right() - (self.SWATCH_PX / 2 + 3 + 1.5 * tw + 4) * px)
        # From a little north of the northernmost state shown (as the layout does).
        first = max((self.shapes.label_points[c][1] for c in shown), default=view.bottom())
        top = min(first + 100_000.0, max(lead[c][1] for c in self.callouts),
                  view.bottom() - sh)
        # Keep the whole column inside the view when it fits there.
        bottom = top - step * (len(shown) - 1)
        if shown and bottom - sh < view.top():
            top = min(view.bottom() - sh, top + (view.top() - (bottom - sh)))
        row = 0
        for code, swatch in self.callouts.items():
            visible = code in shown
            leader = self.leaders[code]
            if visible:
                y = top - row * step
                row += 1
                rect = QRectF(x - sw / 2, y - sh / 2, sw, sh)
                if swatch.rect() != rect:
                    swatch.setRect(rect)
                    ax, ay = self.shapes.label_points[code]
                    line = QPainterPath(QPointF(ax, ay))
                    line.lineTo(QPointF(x - sw / 2, y))
                    leader.setPath(line)
                layer.move("callout:" + code, QPointF(x + sw / 2 + 3 * px, y))
                changed = True
            if swatch.isVisible() != visible:
                swatch.setVisible(visible)
                leader.setVisible(visible)
            changed |= layer.set_visible("callout:" + code, visible)
        return changed

    # -- level: states or counties ------------------------------------------------------------
    @property
    def showing_counties(self) -> bool:
        return self.county_layer is not None

    def _show_level(self, ds, recolour: bool = True) -> None:
        """Draw the places of ``ds``: the states, or the counties (read the first time)."""
        counties = ds.level == "county"
        # Zoomed to some states' counties, an inset frame would sit over Mexico or the sea:
        # it is shown only when its state is on the map.
        shown_states = set(ds.scope) if counties and ds.scope else None
        for name, frame in self._frames.items():
            code = {"alaska": "AK", "hawaii": "HI"}.get(name)
            frame.setVisible(shown_states is None or code in shown_states)
        codes = tuple(ds.codes) if counties else None
        layer, spare = self.county_layer, self._spare_county_layer
        if (None if layer is None else layer.codes) != codes:
            # The layer going out is kept hidden for a later switch back to the same
            # counties; one is kept, the older one goes.
            incoming = spare if spare is not None and spare.codes == codes else None
            if layer is not None:
                layer.set_visible(False)
            if spare is not None and spare is not incoming:
                spare.remove()
            self._spare_county_layer = layer
            if incoming is not None:
                incoming.set_visible(True)
            elif counties:
                if self._county_paths is None:
                    shapes = county_shapes()
                    self._county_paths = {c: rings_to_path(shapes.rings[c])
                                          for c in shapes.states}
                incoming = CountyLayer(self.viewbox, county_shapes(), ds.codes,
                                       self._county_paths)
            self.county_layer = incoming
        for mark in self._county_marks.values():
            mark.setPath(QPainterPath())
            mark.setVisible(counties)
        self._marked = ()
        if counties and not self._county_marks:
            for name, pen, z in (("top", self._top_pen, 2.5), ("selected", self._selected_pen,
                                                               3.0)):
                mark = QGraphicsPathItem()
                mark.setPen(pen)
                mark.setBrush(Qt.NoBrush)
                mark.setZValue(z)
                mark.setAcceptedMouseButtons(Qt.NoButton)
                self.viewbox.addItem(mark)
                self._county_marks[name] = mark
        # The state borders go over the county borders, dark enough to tell them apart.
        self.border_layer.setPen(_cosmetic(STATE_BORDER_OVER_COUNTIES if counties else BORDER,
                                           1.0))
        self.border_layer.setZValue(1.5 if counties else 0.5)
        for code, swatch in self.callouts.items():
            if counties:
                swatch.setVisible(False)
                self.leaders[code].setVisible(False)
        self.label_layer.setVisible(not counties)
        if recolour:
            self.reset_view()
            self._place_labels()
            self.recolour()

    def _view_moved(self, *_args) -> None:
        if self.county_layer is not None:
            self._render_timer.start()

    def _render_counties(self) -> None:
        if self.county_layer is not None:
            self.county_layer.ensure_current()

    def _recolour_counties(self, scale: ColourScale) -> None:
        layer = self.county_layer
        assert layer is not None
        by_score = scale.key == SCORE or scale.key in SENSITIVITY_KEYS
        top = len(self._brushes) - 1
        t = np.array([scale.t.get(c, np.nan) for c in layer.codes], dtype=float)
        gated = np.array([c in scale.gated for c in layer.codes], dtype=bool)
        has = ~np.isnan(t)
        steps = np.zeros(len(t), dtype=np.int64)
        steps[has] = np.rint(t[has] * top).astype(np.int64)
        colours = self._argb_lut[steps]
        colours[~has] = self._missing_argb
        if by_score:
            colours[gated] = self._gated_argb
        layer.set_colours(colours, gated)
        for item in self.items.values():
            if item.brush() is not self._context_brush:
                item.setBrush(self._context_brush)
            if item.hatched:
                item.hatched = False
                item.update()

    def _update_county_marks(self) -> None:
        """Outline the selected county and the top N (one path item each)."""
        layer = self.county_layer
        if layer is None:
            return
        sel = self.planner.selected
        top = tuple(sorted(c for c in self.top_states() if c in layer.row))
        key = (sel, top)
        if key == self._marked:
            return
        self._marked = key
        paths = self._county_paths or {}
        outline = QPainterPath()
        for c in top:
            if c != sel:
                outline.addPath(paths[c])
        self._county_marks["top"].setPath(outline)
        chosen = QPainterPath()
        if sel is not None and sel in layer.row:
            chosen.addPath(paths[sel])
        self._county_marks["selected"].setPath(chosen)

    def _clicked_anywhere(self, ev) -> None:
        """A left click that no state took (the sea, the background) clears the selection."""
        if ev.button() == Qt.LeftButton and not ev.isAccepted():
            self.planner.select(None)

    def resizeEvent(self, ev) -> None:
        super().resizeEvent(ev)
        self._place_labels()

    # -- colouring -----------------------------------------------------------------------------
    def tooltip_for(self, code: str) -> str:
        st = self.planner
        extra = None if st.colour_by == SCORE or st.colour_by in SENSITIVITY_KEYS else (
            st.colour_by)
        return state_tooltip(st.dataset, st.settings, st.result, code, extra) + (
            self.sensitivity_tip(code))

    def sensitivity_tip(self, code: str) -> str:
        """The tooltip's lines from the last sensitivity run ('' when there is none)."""
        run = self.planner.sensitivity
        if run is None:
            return ""
        mc = run.mc
        stale = (" <span style='color:#a33'>(stale: the settings changed since)</span>"
                 if self.planner.sensitivity_stale else "")
        head = f"<br><i>Sensitivity, {mc.draws:,} draws</i>{stale}"
        i = run.position(code)
        if i is None:
            return head + "<br>Not ranked in that run."
        lo, hi = int(mc.rank_p05[i]), int(mc.rank_p95[i])
        span = f"rank {lo}" if lo == hi else f"ranks {lo}\u2013{hi}"
        return (head + f"<br>Chance of top {mc.top_k}: <b>{percent_text(mc.p_top_k[i])}</b>"
                f" &middot; first: <b>{percent_text(mc.p_first[i])}</b>"
                f"<br>90 % rank range: <b>{span}</b>")

    # -- pointer: one exact hit test for hover, tooltip and click ------------------------------
    def state_at(self, scene_pos: QPointF) -> str | None:
        """The state (or leader callout) under a scene point, by its exact outline."""
        p = self.viewbox.mapSceneToView(scene_pos)
        if self.county_layer is not None:
            return self.county_layer.county_at(p)
        for code, swatch in self.callouts.items():
            if swatch.isVisible() and swatch.rect().contains(p):
                return code
        for code, item in self.items.items():
            if item.path().boundingRect().contains(p) and item.path().contains(p):
                return code
        return None

    def state_at_pixel(self, pos: QPoint | QPointF) -> str | None:
        """The state under a point of the map's viewport (pixels)."""
        return self.state_at(self.view.mapToScene(QPointF(pos).toPoint()))

    def click_at(self, ev) -> None:
        """A click on a state's item selects the state really under the pointer."""
        if ev.button() != Qt.LeftButton:
            return
        code = self.state_at(ev.scenePos())
        if code is not None:
            ev.accept()
            self.state_clicked.emit(code)

    def eventFilter(self, obj, ev) -> bool:
        kind = ev.type()
        if kind == QEvent.MouseMove:
            self._set_hovered(self.state_at_pixel(ev.position()))
        elif kind == QEvent.Leave:
            self._set_hovered(None)
        elif kind == QEvent.MouseButtonDblClick and ev.button() == Qt.LeftButton:
            code = self.state_at_pixel(ev.position())
            if code is not None and self.county_layer is None:
                self.state_double_clicked.emit(code)
                return True
        elif kind == QEvent.ToolTip:
            self._show_tooltip(ev.pos(), ev.globalPos())
            return True
        return super().eventFilter(obj, ev)

    def _set_hovered(self, code: str | None) -> None:
        if code != self.hovered:
            self.hovered = code
            if code is not None:
                self.state_hovered.emit(code)

    def _show_tooltip(self, pos: QPoint, global_pos: QPoint) -> None:
        viewport = self.view.viewport()
        code = self.state_at_pixel(pos)
        if code is not None:
            self._tip = (code, QPoint(global_pos))
            QToolTip.showText(global_pos, self.tooltip_for(code), viewport)
            return
        self._tip = None
        p = self.viewbox.mapSceneToView(self.view.mapToScene(pos))
        for (rect, text), frame in zip(self._frame_tips, self._frames.values(), strict=True):
            if frame.isVisible() and rect.contains(p):
                QToolTip.showText(global_pos, text, viewport)
                return
        QToolTip.hideText()

    def _refresh_tooltip(self, *_args) -> None:
        """A map tooltip on screen is rewritten for the current result."""
        if self._tip is None:
            return
        if not QToolTip.isVisible():
            self._tip = None
            return
        code, global_pos = self._tip
        QToolTip.showText(global_pos, self.tooltip_for(code), self.view.viewport())

    def brush_for(self, code: str) -> QBrush:
        layer = self.county_layer
        if layer is not None and code in layer.row:
            return QBrush(QColor.fromRgba(layer.colour_at(code)))
        return self.items[code].brush()

    def recolour(self, *_args) -> None:
        """Swap brushes and pens to follow the current result and colour-by choice."""
        st = self.planner
        scale = colour_scale(st.dataset, st.settings, st.result, st.colour_by, st.sensitivity)
        self.scale = scale
        if self.county_layer is not None:
            self._recolour_counties(scale)
            self._update_pens()
            return
        # The score and the sensitivity colourings come from a ranking: a state it did not
        # rank has no colour of its own.
        by_score = scale.key == SCORE or scale.key in SENSITIVITY_KEYS
        top = len(self._brushes) - 1
        relabel = False
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
            if code in self.label_layer.labels and code not in self._offshore:
                relabel |= self.label_layer.set_colour(
                    code, LIGHT_TEXT if idx > top * 0.45 else DARK_TEXT)
            callout = self.callouts.get(code)
            if callout is not None:
                callout.setBrush(brush)
                if callout.hatched != gated:
                    callout.hatched = gated
                    callout.update()
        if relabel:
            self.label_layer.update()
        self._update_pens()

    def set_top_n(self, n: int) -> None:
        """Outline the ``n`` best-ranked states (the ranking table's "Highlight top N")."""
        n = max(0, int(n))
        if n != self.top_n:
            self.top_n = n
            self._update_pens()

    def top_states(self) -> set[str]:
        """The states outlined as the top N of the current ranking (ties at N included)."""
        r = self.planner.result
        if self.top_n <= 0:
            return set()
        return {a for a, rank in zip(r.alternatives, r.ranks, strict=True)
                if int(rank) <= self.top_n}

    def _update_pens(self) -> None:
        if self.county_layer is not None:
            for item in self.items.values():
                if item.pen() != self._pen:
                    item.setPen(self._pen)
                item.setZValue(0)
            self._update_county_marks()
            return
        scale = self.scale
        sel = self.planner.selected
        top = self.top_states()
        for code, item in self.items.items():
            if code == sel:
                pen, z = self._selected_pen, 3
            elif code in top:
                pen, z = self._top_pen, 2
            elif scale is not None and code in scale.missing and code not in scale.gated:
                pen, z = self._missing_pen, 1
            else:
                pen, z = self._pen, 0
            if item.pen() != pen:
                item.setPen(pen)
            item.setZValue(z)
        for code, swatch in self.callouts.items():
            pen = (self._selected_pen if code == sel else self._top_pen if code in top
                   else self._swatch_pen)
            if swatch.pen() != pen:
                swatch.setPen(pen)

    def _show_selection(self, _code: object) -> None:
        self._update_pens()
