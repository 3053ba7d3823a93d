"""The Compare dialog: two scenarios (or the current settings against a saved one) side by side.

It ranks both with the same dataset, runs :func:`siteselect.compare.compare` and shows the
result four ways: a table of every state's rank and score in both with the rank change
(entering / leaving the top N highlighted, "ranked in B only (gated in A: ...)" for a state
ranked on one side only), the differences (gates, exclusions and settings in words, then the
weights), a pyqtgraph slope chart of rank changes, and a map coloured by rank change on a
diverging colour map (CET-D1: blue = moved up, red = moved down; green = ranked in B only,
brown = ranked in A only, grey = ranked in neither).  The map is a light second map built from
the same projected shapes as the main map and laid out like it (framed Alaska and Hawaii
insets, leader callouts for the small north-eastern states).

Each side is scored with its own figures: the current settings with the window's result, a
saved scenario with the dataset its settings and recorded tables give.  Two sides that rank
different places (states against counties, or the counties of other states) are not compared:
the summary says which places each ranks.  At county level the map paints the counties (one
index image recoloured through a look-up table, as on the main map) under the state borders,
framed on the states in scope, and the table, chart and lists name counties.
"""

from __future__ import annotations

from html import escape

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QLinearGradient, QPainter, QPainterPath, QPen
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QGraphicsPathItem,
    QGraphicsRectItem,
    QGraphicsSimpleTextItem,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QSpinBox,
    QSplitter,
    QTableView,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from siteselect.analysis import dataset_for, rank_states
from siteselect.compare import (
    ENTERED,
    LEFT,
    Comparison,
    StateChange,
    change_text,
    compare,
    difference_lines,
)
from siteselect.errors import SiteSelectError
from siteselect.model.dataset import Dataset
from siteselect.scoring import ScoringResult
from siteselect.ui.county_layer import CountyLayer, county_shapes
from siteselect.ui.map_canvas import rings_to_path
from siteselect.ui.map_geometry import MapShapes, load_map_shapes
from siteselect.ui.scenarios.controller import ScenarioController
from siteselect.ui.scenarios.models import CompareTableModel

CURRENT = "\x00current"  # combo data of "the current settings"
NOT_RANKED = QColor(200, 200, 200)
#: How many places the summary's "entered" and "left" lists name before "… and N more".
LIST_CAP = 8
#: Beyond this many places the slope chart draws only those in the top N on either side.
SLOPE_ALL_UP_TO = 100

_county_paths: dict[str, QPainterPath] = {}


def county_paths() -> dict[str, QPainterPath]:
    """Every county's outline as a painter path, built once."""
    if not _county_paths:
        shapes = county_shapes()
        _county_paths.update({c: rings_to_path(shapes.rings[c]) for c in shapes.states})
    return _county_paths


def places_text(ds: Dataset) -> str:
    """Which places a dataset ranks, in words ("the counties of TX, OK")."""
    if ds.level == "county":
        return (f"the counties of {', '.join(ds.scope)}" if ds.scope
                else f"every {ds.alternatives.word}")
    return "the states"


def capped_names(ds: Dataset, codes: tuple[str, ...] | list[str], cap: int = LIST_CAP) -> str:
    """Places by name ("Travis County, TX"; states by code), at most ``cap`` of them."""
    if not codes:
        return "none"
    named = [ds.names.get(c, c) if ds.level == "county" else c for c in codes]
    more = len(named) - cap
    return ", ".join(named[:cap]) + (f" … and {more} more" if more > 0 else "")


def diverging_lut(n: int = 256) -> np.ndarray:
    """CET-D1 (blue-white-red, perceptually uniform), reversed so blue = moved up."""
    cmap = pg.colormap.get("CET-D1")
    return cmap.getLookupTable(0.0, 1.0, n, alpha=False)[::-1]


def change_colour(change: int | None, limit: int, lut: np.ndarray) -> QColor:
    """Colour of a rank change on a symmetric scale of +-limit places."""
    if change is None:
        return QColor(NOT_RANKED)
    t = 0.5 + 0.5 * max(-1.0, min(1.0, change / max(limit, 1)))
    r, g, b = lut[int(round(t * (len(lut) - 1)))][:3]
    return QColor(int(r), int(g), int(b))


#: States ranked on one side only sit outside the diverging scale, in colours of their own.
RANKED_B_ONLY = QColor(0, 150, 110)  # green: newly admitted in B
RANKED_A_ONLY = QColor(150, 100, 30)  # brown: ranked in A, not in B
ONE_SIDED = {"B": RANKED_B_ONLY, "A": RANKED_A_ONLY}


def state_colour(change: StateChange | None, limit: int, lut: np.ndarray) -> QColor:
    """A state's colour on the change map and the slope chart."""
    if change is not None and change.ranked_in in ONE_SIDED:
        return QColor(ONE_SIDED[change.ranked_in])
    return change_colour(None if change is None else change.rank_change, limit, lut)


class ChangeLegendWidget(QWidget):
    """A vertical colour bar for the rank-change map: moved up at the top."""

    SWATCHES = (("ranked in B only", RANKED_B_ONLY), ("ranked in A only", RANKED_A_ONLY),
                ("ranked in neither", NOT_RANKED))

    def __init__(self, lut: np.ndarray, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.lut = lut
        self.limit = 1
        self.setFixedWidth(136)

    def set_limit(self, limit: int) -> None:
        self.limit = max(1, limit)
        self.update()

    def paintEvent(self, _event) -> None:
        p = QPainter(self)
        p.setRenderHint(QPainter.Antialiasing)
        font = QFont(self.font())
        font.setPointSizeF(8.5)
        p.setFont(font)
        line = p.fontMetrics().height() + 4
        top, bottom = 28, self.height() - 12 - line * len(self.SWATCHES)
        bar = QRectF(8, top, 18, max(10, bottom - top))
        grad = QLinearGradient(bar.topLeft(), bar.bottomLeft())
        n = len(self.lut)
        for k in range(0, 11):
            t = k / 10
            r, g, b = self.lut[int(round((1 - t) * (n - 1)))][:3]
            grad.setColorAt(t, QColor(int(r), int(g), int(b)))
        p.fillRect(bar, QBrush(grad))
        p.setPen(QPen(QColor(80, 80, 80), 1))
        p.drawRect(bar)
        p.setPen(QColor(20, 20, 20))
        p.drawText(QRectF(0, 2, self.width(), 22), Qt.AlignLeft | Qt.AlignVCenter,
                   "Rank change")
        for value, y in ((self.limit, bar.top()), (0, bar.center().y()),
                         (-self.limit, bar.bottom())):
            p.drawLine(QPointF(bar.right(), y), QPointF(bar.right() + 4, y))
            label = f"{value:+d} places" if value else "no change"
            p.drawText(QRectF(bar.right() + 7, y - 9, self.width(), 18),
                       Qt.AlignLeft | Qt.AlignVCenter, label)
        p.drawText(QRectF(bar.right() + 7, bar.top() + 12, self.width(), 16),
                   Qt.AlignLeft | Qt.AlignVCenter, "(moved up)")
        p.drawText(QRectF(bar.right() + 7, bar.bottom() - 28, self.width(), 16),
                   Qt.AlignLeft | Qt.AlignVCenter, "(moved down)")
        y = bottom + 10
        for text, colour in self.SWATCHES:
            sw = QRectF(8, y, 18, 12)
            p.fillRect(sw, colour)
            p.drawRect(sw)
            p.drawText(QRectF(sw.right() + 7, sw.top() - 3, self.width(), 18),
                       Qt.AlignLeft | Qt.AlignVCenter, text)
            y += line
        p.end()


class _FramingView(pg.GraphicsView):
    """A graphics view that frames its contents again whenever it is resized."""

    on_resize = None  # set once the view box is in place

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        if self.on_resize is not None:
            self.on_resize()


#: Side of a callout's swatch, in map metres (as on the main map).
CALLOUT_SIZE = 70_000.0


class ChangeMapWidget(QWidget):
    """States coloured by rank change, laid out as on the main map: Alaska and Hawaii in
    framed insets, small north-eastern states as leader-line callouts."""

    def __init__(self, shapes: MapShapes, lut: np.ndarray, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.shapes = shapes
        self.lut = lut
        self.view = _FramingView(background="w")
        self.viewbox = pg.ViewBox(lockAspect=True, enableMenu=False, invertY=False)
        self.viewbox.disableAutoRange()
        self.view.setCentralItem(self.viewbox)
        self.legend = ChangeLegendWidget(lut)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.legend)
        self._border = QPen(QColor(255, 255, 255), 0.8)
        self._border.setCosmetic(True)
        frame_pen = QPen(QColor(150, 150, 150), 1.0)
        frame_pen.setCosmetic(True)
        self._frames: list[QGraphicsRectItem] = []
        for x0, y0, x1, y1 in shapes.frames.values():
            frame = QGraphicsRectItem(QRectF(x0, y0, x1 - x0, y1 - y0))
            frame.setPen(frame_pen)
            frame.setBrush(Qt.NoBrush)
            frame.setZValue(-10)
            self.viewbox.addItem(frame)
            self._frames.append(frame)
        self.items: dict[str, QGraphicsPathItem] = {}
        for code in shapes.states:
            item = QGraphicsPathItem(rings_to_path(shapes.rings[code]))
            item.setPen(self._border)
            item.setBrush(QBrush(NOT_RANKED))
            self.viewbox.addItem(item)
            self.items[code] = item
        font = QFont()
        font.setPointSizeF(7.0)
        font.setBold(True)
        leader_pen = QPen(QColor(110, 110, 110), 1.0)
        leader_pen.setCosmetic(True)
        swatch_pen = QPen(QColor(90, 90, 90), 1.0)
        swatch_pen.setCosmetic(True)
        self.callouts: dict[str, QGraphicsRectItem] = {}
        #: The state-level decorations (frames, leaders, codes) hidden at county level.
        self._state_marks: list = []
        self.county_layer: CountyLayer | None = None
        self._scope: tuple[str, ...] = ()
        size = CALLOUT_SIZE
        for code, (lx, ly) in shapes.leader_points.items():
            ax, ay = shapes.label_points[code]
            line = QPainterPath(QPointF(ax, ay))
            line.lineTo(QPointF(lx - size / 2, ly))
            leader = QGraphicsPathItem(line)
            leader.setPen(leader_pen)
            leader.setZValue(5)
            self.viewbox.addItem(leader)
            self._state_marks.append(leader)
            swatch = QGraphicsRectItem(QRectF(lx - size / 2, ly - size / 2, size, size))
            swatch.setPen(swatch_pen)
            swatch.setBrush(QBrush(NOT_RANKED))
            swatch.setZValue(6)
            self.viewbox.addItem(swatch)
            self._state_marks.append(swatch)
            self.callouts[code] = swatch
            self._label(code, lx + size * 0.75, ly, font, centred=False)
        for code, (x, y) in shapes.label_points.items():
            if code in shapes.leader_points:
                continue
            if code == "HI" and "hawaii" in shapes.frames:
                # Too small for a label: put it in the open sea, as on the main map.
                x0, y0, x1, y1 = shapes.frames["hawaii"]
                x, y = x0 + 0.14 * (x1 - x0), y0 + 0.2 * (y1 - y0)
            self._label(code, x, y, font, centred=True)
        self.view.on_resize = self.reset_view
        self.viewbox.sigRangeChanged.connect(self._render_counties)
        self.reset_view()

    def _label(self, code: str, x: float, y: float, font: QFont, centred: bool) -> None:
        text = QGraphicsSimpleTextItem(code)
        text.setFont(font)
        text.setFlag(text.GraphicsItemFlag.ItemIgnoresTransformations)
        text.setBrush(QColor(30, 30, 30))
        text.setZValue(8)
        self.viewbox.addItem(text)
        self._state_marks.append(text)
        r = text.boundingRect()
        text.setPos(x, y)
        dx = -r.width() / 2 if centred else 0.0
        text.setTransform(text.transform().fromTranslate(dx, -r.height() / 2))

    def reset_view(self) -> None:
        """Frame the whole country with room for the callout codes (as the main map does);
        at county level, the counties of the states in scope."""
        if self.county_layer is not None:
            if self._scope:
                self.viewbox.setRange(self.county_layer.bounds, padding=0.05)
            else:
                x0, y0, x1, y1 = self.shapes.bounds
                self.viewbox.setRange(QRectF(x0, y0, x1 - x0, y1 - y0), padding=0.02)
            self._render_counties()
            return
        x0, y0, x1, y1 = self.shapes.bounds
        w, h = self.viewbox.width(), self.viewbox.height()
        extra = 0.0
        if self.callouts and w > 0 and h > 0:
            # metres per pixel once the map is fitted (aspect locked, 2 % padding)
            px = 1.04 * max((x1 - x0) / w, (y1 - y0) / h)
            extra = 40 * px
        self.viewbox.setRange(QRectF(x0, y0, x1 - x0 + extra, y1 - y0), padding=0.02)

    def _render_counties(self, *_args) -> None:
        if self.county_layer is not None:
            self.county_layer.ensure_current()

    def _set_level(self, ds: Dataset) -> None:
        """States, or the counties of ``ds`` under the state borders."""
        counties = ds.level == "county"
        codes = tuple(ds.codes) if counties else None
        layer = self.county_layer
        if (None if layer is None else layer.codes) == codes and self._scope == ds.scope:
            return
        if layer is not None:
            layer.remove()
            self.county_layer = None
        self._scope = tuple(ds.scope) if counties else ()
        if counties:
            self.county_layer = CountyLayer(self.viewbox, county_shapes(), codes,
                                            county_paths())
        border = QPen(QColor(60, 60, 60), 1.0) if counties else self._border
        border.setCosmetic(True)
        for item in self.items.values():
            item.setPen(border)
            item.setZValue(1.5 if counties else 0.0)
            if counties:
                item.setBrush(Qt.NoBrush)
                item.setToolTip("")
        for item in self._state_marks:
            item.setVisible(not counties)
        for item in self._frames:
            # The insets' frames only when Alaska and Hawaii are in view.
            item.setVisible(not (counties and ds.scope))
        self.reset_view()

    def clear(self) -> None:
        """Every place grey, as when nothing is compared."""
        for item in self.items.values():
            if self.county_layer is None:
                item.setBrush(QBrush(NOT_RANKED))
            item.setToolTip("")
        for swatch in self.callouts.values():
            swatch.setBrush(QBrush(NOT_RANKED))
        if self.county_layer is not None:
            n = len(self.county_layer.codes)
            self.county_layer.set_colours(np.full(n, NOT_RANKED.rgba(), dtype=np.uint32),
                                          np.zeros(n, dtype=bool))

    def county_rgb(self, code: str) -> tuple[int, int, int]:
        """The colour a county is painted in on the change map."""
        assert self.county_layer is not None
        c = QColor.fromRgba(self.county_layer.colour_at(code))
        return c.red(), c.green(), c.blue()

    def show_comparison(self, cmp: Comparison, ds: Dataset) -> int:
        """Colour every place by its rank change; returns the scale limit used."""
        values = [abs(s.rank_change) for s in cmp.states if s.rank_change is not None]
        limit = max(values) if values else 1
        limit = max(limit, 1)
        changes = {s.state: s for s in cmp.states}
        self._set_level(ds)
        layer = self.county_layer
        if layer is not None:
            colours = np.array([state_colour(changes.get(c), limit, self.lut).rgba()
                                for c in layer.codes], dtype=np.uint32)
            layer.set_colours(colours, np.zeros(len(layer.codes), dtype=bool))
            self.legend.set_limit(limit)
            return limit
        for code, item in self.items.items():
            ch = changes.get(code)
            colour = state_colour(ch, limit, self.lut)
            item.setBrush(QBrush(colour))
            if code == "HI":
                # Islands a few pixels across vanish under a white border: outline them in
                # their own colour instead.
                pen = QPen(colour, 1.6)
                pen.setCosmetic(True)
                item.setPen(pen)
            if code in self.callouts:
                self.callouts[code].setBrush(QBrush(colour))
            tip = f"{ds.names.get(code, code)}: {self.describe(ch, ds)}"
            item.setToolTip(tip)
            if code in self.callouts:
                self.callouts[code].setToolTip(tip)
        self.legend.set_limit(limit)
        return limit

    @staticmethod
    def describe(change: StateChange | None, ds: Dataset) -> str:
        if change is None:
            return "not in the comparison"
        ch = change.rank_change
        if ch is None:
            return change_text(ds, change)
        return (f"moved up {ch} places" if ch > 0 else
                f"moved down {-ch} places" if ch < 0 else "same rank")

    def brush_rgb(self, code: str) -> tuple[int, int, int]:
        c = self.items[code].brush().color()
        return c.red(), c.green(), c.blue()


class SlopeChartWidget(pg.PlotWidget):
    """Rank in A (left) to rank in B (right) per state, rank 1 at the top.

    A state ranked on one side only runs from its rank to a "not ranked" row below the last
    rank, dashed, with a dot at the side where it is ranked.
    """

    def __init__(self, lut: np.ndarray, parent: QWidget | None = None) -> None:
        super().__init__(parent, background="w")
        self.lut = lut
        self.lines: dict[str, pg.PlotDataItem] = {}
        self.one_sided: dict[str, pg.PlotDataItem] = {}
        plot = self.getPlotItem()
        plot.invertY(True)
        plot.hideButtons()
        plot.setMenuEnabled(False)
        plot.setMouseEnabled(False, False)
        plot.showGrid(x=False, y=True, alpha=0.15)
        plot.setLabel("left", "Rank")
        left = plot.getAxis("left")
        left.setWidth(72)  # room for "not ranked" and the axis name
        left.setTextPen(pg.mkPen((40, 40, 40)))
        left.setPen(pg.mkPen((90, 90, 90)))
        bottom = plot.getAxis("bottom")
        bottom.setTicks([[(0, "A"), (1, "B")]])
        bottom.setTextPen(pg.mkPen((40, 40, 40)))
        bottom.setPen(pg.mkPen((90, 90, 90)))

    def show_comparison(self, cmp: Comparison, limit: int, label_a: str, label_b: str,
                        ds: Dataset | None = None) -> None:
        """Draw every place's line; beyond :data:`SLOPE_ALL_UP_TO` places (counties), only
        those in the top N on either side, each named."""
        county = ds is not None and ds.level == "county"

        def name(code: str) -> str:
            return ds.names.get(code, code) if county else code

        states = cmp.states
        if len(states) > SLOPE_ALL_UP_TO:
            top = cmp.top_n
            states = tuple(s for s in states if (s.rank_a is not None and s.rank_a <= top)
                           or (s.rank_b is not None and s.rank_b <= top))
        plot = self.getPlotItem()
        plot.clear()
        self.lines.clear()
        self.one_sided.clear()
        # The full names go in the title, each shortened; the ticks under the lines are only
        # "A" and "B", so nothing runs past the plot's edge.
        plot.getAxis("bottom").setTicks([[(0, "A"), (1, "B")]])
        plot.setTitle(f"<span style='color:#333'><b>A</b> {escape(_short(label_a, 34))}"
                      f" &nbsp; <b>B</b> {escape(_short(label_b, 34))}</span>"
                      + (f"<br><span style='color:#555'>the {len(states)} "
                         f"{ds.alternatives.plural if county else 'places'} in the top "
                         f"{cmp.top_n} of A or B</span>" if states is not cmp.states else ""),
                      size="9pt")
        n = 1
        for s in states:
            for rank in (s.rank_a, s.rank_b):
                if rank is not None:
                    n = max(n, rank)
        floor = n + 2  # the "not ranked" row
        for s in states:
            side = s.ranked_in
            if side == "neither":
                continue
            colour = state_colour(s, limit, self.lut)
            if side == "both":
                strong = s.top_status in (ENTERED, LEFT)
                pen = pg.mkPen(colour, width=3 if strong else 1.4)
                self.lines[s.state] = plot.plot([0, 1], [s.rank_a, s.rank_b], pen=pen)
                ends = ((0, s.rank_a), (1, s.rank_b))
            else:
                ya = s.rank_a if side == "A" else floor
                yb = s.rank_b if side == "B" else floor
                x_dot = 0 if side == "A" else 1
                pen = pg.mkPen(colour, width=1.6, style=Qt.DashLine)
                self.one_sided[s.state] = plot.plot([0, 1], [ya, yb], pen=pen)
                plot.plot([x_dot], [ya if side == "A" else yb], pen=None, symbol="o",
                          symbolSize=7, symbolBrush=colour, symbolPen=colour)
                ends = ((x_dot, ya if side == "A" else yb),)
            if states is not cmp.states and len(ends) == 2:
                # Many lines meet in the top N: name each once, at its end outside the top N
                # where the lines spread out.
                outside = [e for e in ends if e[1] > cmp.top_n]
                ends = (outside or list(ends))[:1]
            for x, rank in ends:
                anchor = (1, 0.5) if x == 0 else (0, 0.5)
                text = pg.TextItem(name(s.state), color=(40, 40, 40), anchor=anchor)
                text.setPos(x - 0.02 if x == 0 else x + 0.02, rank)
                plot.addItem(text)
        top = cmp.top_n + 0.5
        plot.addItem(pg.InfiniteLine(top, angle=0, pen=pg.mkPen((120, 120, 120),
                                                                style=Qt.DashLine)))
        left = plot.getAxis("left")
        if self.one_sided:
            step = 5 if n <= 60 else 10 if n <= 200 else 10 ** (len(str(n)) - 1)
            major = [(r, str(r)) for r in range(step, n + 1, step)] + [(1, "1")]
            left.setTicks([sorted(major) + [(floor, "not ranked")], []])
        else:
            left.setTicks(None)
        wide = 0.8 if county else 0.25  # room for the names beside the lines
        plot.setXRange(-wide, 1 + wide, padding=0)
        plot.setYRange(0.5, (floor if self.one_sided else n) + 0.5, padding=0.01)


class _PlaceTableModel(CompareTableModel):
    """The change table, headed for the places it lists ("FIPS", "County" for counties)."""

    def set_dataset(self, ds: Dataset) -> None:
        """List (and name) the places of ``ds`` from the next comparison on."""
        self.beginResetModel()
        self._ds = ds
        self._names = dict(ds.names)
        self._cmp = None
        self.endResetModel()

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.DisplayRole):
        if (role == Qt.DisplayRole and orientation == Qt.Horizontal and section in (0, 1)
                and self._ds.level == "county"):
            return ("FIPS", self._ds.alternatives.word.capitalize())[section]
        return super().headerData(section, orientation, role)


def _short(text: str, n: int = 28) -> str:
    return text if len(text) <= n else text[: n - 1] + "…"


class CompareDialog(QDialog):
    """Compare two saved scenarios, or the current settings against a saved one."""

    def __init__(self, controller: ScenarioController, shapes: MapShapes | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Compare Scenarios")
        self.controller = controller
        ds = controller.planner.dataset
        self.names = dict(ds.names)
        self.lut = diverging_lut()
        self.combo_a = QComboBox()
        self.combo_b = QComboBox()
        for combo in (self.combo_a, self.combo_b):
            combo.setMinimumContentsLength(24)
            combo.setSizeAdjustPolicy(QComboBox.AdjustToMinimumContentsLengthWithIcon)
        self.top_spin = QSpinBox()
        self.top_spin.setRange(1, len(ds.states))
        self.top_spin.setValue(10)
        self.top_spin.setPrefix("Top ")
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.summary.setTextFormat(Qt.RichText)
        self.model = _PlaceTableModel(ds, self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.table.setWordWrap(False)
        self.table.setTextElideMode(Qt.ElideRight)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeToContents)
        # "ranked in B only (gated in A: ...)" can be long: the column is capped and the
        # whole text is in the tooltip; the last column never disappears off the edge.
        header.setSectionResizeMode(CompareTableModel.CHANGE, QHeaderView.Interactive)
        self.differences = QLabel()
        self.differences.setWordWrap(True)
        self.differences.setTextFormat(Qt.RichText)
        self.differences.setTextInteractionFlags(Qt.TextSelectableByMouse)
        self.differences.setContentsMargins(6, 6, 6, 6)
        self.weights_table = QTableWidget(0, 4)
        self.weights_table.setHorizontalHeaderLabels(["Criterion", "Share in A", "Share in B",
                                                      "Change in share"])
        self.weights_table.verticalHeader().setVisible(False)
        self.weights_table.setEditTriggers(QAbstractItemView.NoEditTriggers)
        self.weights_table.horizontalHeader().setSectionResizeMode(0, QHeaderView.Stretch)
        self.slope = SlopeChartWidget(self.lut)
        self.map = ChangeMapWidget(shapes or load_map_shapes(), self.lut)
        self.tabs = QTabWidget()
        self.tabs.addTab(self.map, "Map of rank change")
        self.tabs.addTab(self.slope, "Slope chart")
        differences_tab = QWidget()
        dl = QVBoxLayout(differences_tab)
        dl.setContentsMargins(0, 0, 0, 0)
        dl.addWidget(self.differences)
        dl.addWidget(self.weights_table, 1)
        self.tabs.addTab(differences_tab, "Differences")

        top = QHBoxLayout()
        top.addWidget(QLabel("A:"))
        top.addWidget(self.combo_a, 1)
        top.addWidget(QLabel("B:"))
        top.addWidget(self.combo_b, 1)
        top.addWidget(self.top_spin)
        split = QSplitter(Qt.Horizontal)
        split.addWidget(self.table)
        split.addWidget(self.tabs)
        split.setSizes([520, 640])
        self.splitter = split
        self._split_moved = False
        split.splitterMoved.connect(lambda *_a: setattr(self, "_split_moved", True))
        buttons = QDialogButtonBox(QDialogButtonBox.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.summary)
        layout.addWidget(split, 1)
        layout.addWidget(buttons)

        self.comparison: Comparison | None = None
        #: The dataset the shown comparison ranks (the two sides rank the same places).
        self.dataset: Dataset = ds
        self._datasets: dict[tuple, Dataset] = {}
        self._fill_combos()
        self.combo_a.currentIndexChanged.connect(self.refresh)
        self.combo_b.currentIndexChanged.connect(self.refresh)
        self.top_spin.valueChanged.connect(self.refresh)
        # The dialog stays open beside the window: follow the planner's edits and saves.
        st = controller.planner
        st.result_changed.connect(self._current_changed)
        st.scoring_failed.connect(self._current_changed)
        st.modified_changed.connect(self._current_changed)
        st.document_name_changed.connect(self._current_changed)
        controller.scenarios_changed.connect(self._scenarios_changed)
        self.resize(1250, 760)
        self.refresh()

    def _current_label(self) -> str:
        mark = "*" if self.controller.planner.modified else ""
        return f"Current settings ({self.controller.current_name}{mark})"

    def _fill_combos(self) -> None:
        names = [s.name for s in self.controller.scenarios()]
        cur = self.controller.current
        self.combo_a.addItem(self._current_label(), CURRENT)
        for n in names:
            self.combo_a.addItem(n, n)
            self.combo_b.addItem(n, n)
        # By default: the current settings against the open scenario as saved, else Balanced.
        target = cur.name if cur is not None else "Balanced"
        i = self.combo_b.findData(target)
        self.combo_b.setCurrentIndex(max(i, 0))

    def _current_changed(self, *_args) -> None:
        """The planner changed the settings on screen (or saved them): update that side."""
        if not self.isVisible():
            return
        self.combo_a.setItemText(0, self._current_label())
        if self.combo_a.currentData() == CURRENT:
            self.refresh()

    def _scenarios_changed(self) -> None:
        """Saved scenarios were added, renamed or deleted: refill the choices, keeping them."""
        a, b = self.combo_a.currentData(), self.combo_b.currentData()
        for combo in (self.combo_a, self.combo_b):
            combo.blockSignals(True)
            combo.clear()
        self._fill_combos()
        for combo, key in ((self.combo_a, a), (self.combo_b, b)):
            i = combo.findData(key)
            if i >= 0:
                combo.setCurrentIndex(i)
            combo.blockSignals(False)
        self.refresh()

    def set_sources(self, a: str | None, b: str) -> None:
        """Choose A (a saved name, or None for the current settings) and B (a saved name)."""
        self.combo_a.blockSignals(True)
        self.combo_a.setCurrentIndex(self.combo_a.findData(CURRENT if a is None else a))
        self.combo_a.blockSignals(False)
        self.combo_b.setCurrentIndex(self.combo_b.findData(b))
        self.refresh()

    def _result(self, key: str) -> tuple[str, ScoringResult, Dataset]:
        """A side's label, result and the figures it ranks: the window's for the current
        settings; for a saved scenario, its own level, states and recorded tables."""
        st = self.controller.planner
        if key == CURRENT:
            if st.error is not None:
                raise SiteSelectError(f"The current settings cannot be scored: {st.error}")
            return self.combo_a.itemText(0), st.result, st.dataset
        store = self.controller._require_store()
        sc = store.get(key)
        settings = sc.settings
        try:
            ds = self._dataset_for(settings, tuple(sc.tables), store)
            return sc.name, rank_states(ds, settings), ds
        except SiteSelectError as exc:  # say which scenario cannot be scored
            raise type(exc)(f"Scenario \u201c{sc.name}\u201d: {exc.message}") from None

    def _dataset_for(self, settings, refs: tuple, store) -> Dataset:
        """The figures a saved scenario ranks; the window's own when they are the same."""
        st = self.controller.planner
        ds = st.dataset
        key = (settings.level, tuple(settings.within), refs)
        if key == (ds.level, tuple(ds.scope) if ds.level == "county" else (),
                   tuple(st.table_refs)):
            return ds
        if key not in self._datasets:
            tables = store.tables_for(refs) if refs else []
            self._datasets[key] = dataset_for(settings, tables)
        return self._datasets[key]

    def _clear(self, message: str) -> None:
        """No comparison: say why, and show nothing of an earlier one."""
        self.summary.setText(message)
        self.comparison = None
        self.model.set_comparison(None)
        self.map.clear()
        self.slope.getPlotItem().clear()
        self.slope.lines.clear()
        self.slope.one_sided.clear()
        self.differences.setText("")
        self.weights_table.setRowCount(0)

    def refresh(self, *_args) -> None:
        key_a, key_b = self.combo_a.currentData(), self.combo_b.currentData()
        if key_a is None or key_b is None:
            self._clear("Save a scenario first to compare against it.")
            return
        try:
            label_a, ra, ds = self._result(key_a)
            label_b, rb, ds_b = self._result(key_b)
        except SiteSelectError as exc:
            self._clear(f"<span style='color:#8a1c1c'>{escape(exc.message)}</span>")
            return
        if (ds.level, ds.scope) != (ds_b.level, ds_b.scope):
            self._clear(
                f"<span style='color:#8a1c1c'><b>A</b> {escape(label_a)} ranks "
                f"{escape(places_text(ds))} but <b>B</b> {escape(label_b)} ranks "
                f"{escape(places_text(ds_b))}; a comparison needs the same places on both "
                "sides: choose two scenarios that rank the same places (the same level and "
                "the same states).</span>")
            return
        self._set_dataset(ds)
        cmp = compare(ra, rb, self.top_spin.value(), states=ds.states)
        self.comparison = cmp
        self.model.set_comparison(cmp)
        self._fit_table()
        limit = self.map.show_comparison(cmp, ds)
        self.slope.show_comparison(cmp, limit, label_a, label_b, ds)
        self._fill_weights(cmp, ds_b)
        lines = difference_lines(ds, cmp, ra.method, rb.method)
        self.differences.setText(
            "<b>Also different:</b><ul style='margin:2px 0 0 -20px'>"
            + "".join(f"<li>{escape(line)}</li>" for line in lines) + "</ul>"
            if lines else "Same gates, exclusions, method, normalisation and missing-data "
            "policy: only the weights below differ.")
        entered = escape(capped_names(ds, cmp.entered))
        left = escape(capped_names(ds, cmp.left))
        where = (f" &nbsp; ({len(ds.states)} {ds.alternatives.plural}"
                 f"{' of ' + ', '.join(ds.scope) if ds.scope else ''})"
                 if ds.level == "county" else "")
        self.summary.setText(
            f"<b>A</b> {escape(label_a)} &nbsp; <b>B</b> {escape(label_b)}{where}<br>"
            f"Top {cmp.top_n}: <span style='background:#d6eaf8'>entered {entered}</span>"
            f" &nbsp; <span style='background:#fadbd8'>left {left}</span>"
            + (f"<br>{escape('; '.join(lines))}" if lines else ""))

    def _set_dataset(self, ds: Dataset) -> None:
        """Name the places of ``ds`` in the table and size the top-N choice to them."""
        if ds is self.dataset:
            return
        self.dataset = ds
        self.names = dict(ds.names)
        self.model.set_dataset(ds)
        self.top_spin.blockSignals(True)
        self.top_spin.setRange(1, len(ds.states))
        self.top_spin.blockSignals(False)

    def _fit_table(self) -> None:
        """Cap the change column and, unless the planner moved the divider, give the table
        the width its columns need (at most 55 % of the dialog)."""
        header = self.table.horizontalHeader()
        col = CompareTableModel.CHANGE
        self.table.resizeColumnToContents(col)
        header.resizeSection(col, max(60, min(header.sectionSize(col), 190)))
        if self._split_moved:
            return
        need = (header.length() + self.table.verticalScrollBar().sizeHint().width()
                + 2 * self.table.frameWidth() + 2)
        total = sum(self.splitter.sizes()) or self.width()
        left = min(need, int(0.55 * total))
        self.splitter.setSizes([left, max(1, total - left)])

    def _fill_weights(self, cmp: Comparison, other: Dataset | None = None) -> None:
        """The weights side by side, labelled from either side's criteria (a planner's own
        table may add a criterion to one side only)."""
        labels = {c.id: c.label for d in (other, self.dataset) if d is not None
                  for c in d.criteria}
        self.weights_table.setRowCount(len(cmp.weights))
        for i, w in enumerate(cmp.weights):
            cells = [labels.get(w.criterion, w.criterion), f"{w.weight_a:.0%}",
                     f"{w.weight_b:.0%}", f"{w.change * 100:+.0f} percentage points"
                     if round(w.change * 100) else "0"]
            for j, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if j:
                    item.setTextAlignment(Qt.AlignRight | Qt.AlignVCenter)
                self.weights_table.setItem(i, j, item)
