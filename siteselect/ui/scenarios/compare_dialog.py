"""The Compare dialog: two scenarios (or the current settings against a saved one) side by side.

It ranks both with the same dataset, runs :func:`siteselect.compare.compare` and shows the
result four ways: a table of every state's rank and score in both with the rank change
(entering / leaving the top N highlighted), the weight differences, a pyqtgraph slope chart of
rank changes, and a map coloured by rank change on a diverging colour map (CET-D1: blue = moved
up, red = moved down, grey = not ranked in one of them).  The map is a light second map built
from the same projected shapes as the main map (which colours by the planner state only).
"""

from __future__ import annotations

from html import escape

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QLinearGradient, QPainter, QPen
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QGraphicsPathItem,
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

from siteselect.analysis import rank_states
from siteselect.compare import ENTERED, LEFT, Comparison, compare
from siteselect.errors import SiteSelectError
from siteselect.scoring import ScoringResult
from siteselect.ui.map_canvas import rings_to_path
from siteselect.ui.map_geometry import MapShapes, load_map_shapes
from siteselect.ui.scenarios.controller import ScenarioController
from siteselect.ui.scenarios.models import CompareTableModel

CURRENT = "\x00current"  # combo data of "the current settings"
NOT_RANKED = QColor(200, 200, 200)


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


class ChangeLegendWidget(QWidget):
    """A vertical colour bar for the rank-change map: moved up at the top."""

    def __init__(self, lut: np.ndarray, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.lut = lut
        self.limit = 1
        self.setFixedWidth(120)

    def set_limit(self, limit: int) -> None:
        self.limit = max(1, limit)
        self.update()

    def paintEvent(self, _event) -> None:  # noqa: ANN001, N802 - Qt API
        p = QPainter(self)
        p.setRenderHint(QPainter.Antialiasing)
        top, bottom = 28, self.height() - 48
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
        font = QFont(self.font())
        font.setPointSizeF(8.5)
        p.setFont(font)
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
        sw = QRectF(8, bottom + 16, 18, 12)
        p.fillRect(sw, NOT_RANKED)
        p.drawRect(sw)
        p.drawText(QRectF(sw.right() + 7, sw.top() - 3, self.width(), 18),
                   Qt.AlignLeft | Qt.AlignVCenter, "not ranked")
        p.end()


class ChangeMapWidget(QWidget):
    """States coloured by rank change (same projected shapes and layout as the main map)."""

    def __init__(self, shapes: MapShapes, lut: np.ndarray, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.shapes = shapes
        self.lut = lut
        self.view = pg.GraphicsView(background="w")
        self.viewbox = pg.ViewBox(lockAspect=True, enableMenu=False)
        self.view.setCentralItem(self.viewbox)
        self.legend = ChangeLegendWidget(lut)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.legend)
        pen = QPen(QColor(255, 255, 255), 0.8)
        pen.setCosmetic(True)
        self.items: dict[str, QGraphicsPathItem] = {}
        for code in shapes.states:
            item = QGraphicsPathItem(rings_to_path(shapes.rings[code]))
            item.setPen(pen)
            item.setBrush(QBrush(NOT_RANKED))
            self.viewbox.addItem(item)
            self.items[code] = item
        font = QFont()
        font.setPointSizeF(7.0)
        font.setBold(True)
        for code, (x, y) in shapes.label_points.items():
            if code in shapes.leader_points:
                continue
            text = QGraphicsSimpleTextItem(code)
            text.setFont(font)
            text.setFlag(text.GraphicsItemFlag.ItemIgnoresTransformations)
            text.setBrush(QColor(30, 30, 30))
            self.viewbox.addItem(text)
            r = text.boundingRect()
            text.setPos(x, y)
            text.setTransform(text.transform().fromTranslate(-r.width() / 2, -r.height() / 2))
        x0, y0, x1, y1 = shapes.bounds
        self.viewbox.setRange(QRectF(x0, y0, x1 - x0, y1 - y0), padding=0.02)

    def show_changes(self, changes: dict[str, int | None], names: dict[str, str]) -> int:
        """Colour every state by its rank change; returns the scale limit used."""
        values = [abs(c) for c in changes.values() if c is not None]
        limit = max(values) if values else 1
        limit = max(limit, 1)
        for code, item in self.items.items():
            ch = changes.get(code)
            item.setBrush(QBrush(change_colour(ch, limit, self.lut)))
            what = ("not ranked in one of the scenarios" if ch is None else
                    f"moved up {ch} places" if ch > 0 else
                    f"moved down {-ch} places" if ch < 0 else "same rank")
            item.setToolTip(f"{names.get(code, code)}: {what}")
        self.legend.set_limit(limit)
        return limit

    def brush_rgb(self, code: str) -> tuple[int, int, int]:
        c = self.items[code].brush().color()
        return c.red(), c.green(), c.blue()


class SlopeChartWidget(pg.PlotWidget):
    """Rank in A (left) to rank in B (right) per state, rank 1 at the top."""

    def __init__(self, lut: np.ndarray, parent: QWidget | None = None) -> None:
        super().__init__(parent, background="w")
        self.lut = lut
        self.lines: dict[str, pg.PlotDataItem] = {}
        plot = self.getPlotItem()
        plot.invertY(True)
        plot.hideButtons()
        plot.setMenuEnabled(False)
        plot.setMouseEnabled(False, False)
        plot.showGrid(x=False, y=True, alpha=0.15)
        plot.setLabel("left", "Rank")
        plot.getAxis("bottom").setTicks([[(0, "A"), (1, "B")]])

    def show_comparison(self, cmp: Comparison, limit: int, label_a: str, label_b: str) -> None:
        plot = self.getPlotItem()
        plot.clear()
        self.lines.clear()
        short = [(0, _short(label_a)), (1, _short(label_b))]
        plot.getAxis("bottom").setTicks([short])
        n = 1
        for s in cmp.states:
            if s.rank_a is None or s.rank_b is None:
                continue
            n = max(n, s.rank_a, s.rank_b)
            colour = change_colour(s.rank_change, limit, self.lut)
            strong = s.top_status in (ENTERED, LEFT)
            pen = pg.mkPen(colour, width=3 if strong else 1.4)
            line = plot.plot([0, 1], [s.rank_a, s.rank_b], pen=pen)
            self.lines[s.state] = line
            for x, rank, anchor in ((0, s.rank_a, (1, 0.5)), (1, s.rank_b, (0, 0.5))):
                text = pg.TextItem(s.state, color=(40, 40, 40), anchor=anchor)
                text.setPos(x - 0.02 if x == 0 else x + 0.02, rank)
                plot.addItem(text)
        top = cmp.top_n + 0.5
        plot.addItem(pg.InfiniteLine(top, angle=0, pen=pg.mkPen((120, 120, 120),
                                                                style=Qt.DashLine)))
        plot.setXRange(-0.25, 1.25, padding=0)
        plot.setYRange(0.5, n + 0.5, padding=0.01)


def _short(text: str, n: int = 28) -> str:
    return text if len(text) <= n else text[: n - 1] + "…"


class CompareDialog(QDialog):
    """Compare two saved scenarios, or the current settings against a saved one."""

    def __init__(self, controller: ScenarioController, shapes: MapShapes | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Compare Scenarios")
        self.controller = controller
        ds = controller.state.dataset
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
        self.model = CompareTableModel(self.names, self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeToContents)
        self.weights_table = QTableWidget(0, 4)
        self.weights_table.setHorizontalHeaderLabels(["Criterion", "A", "B", "Change"])
        self.weights_table.verticalHeader().setVisible(False)
        self.weights_table.setEditTriggers(QAbstractItemView.NoEditTriggers)
        self.weights_table.horizontalHeader().setSectionResizeMode(0, QHeaderView.Stretch)
        self.slope = SlopeChartWidget(self.lut)
        self.map = ChangeMapWidget(shapes or load_map_shapes(), self.lut)
        self.tabs = QTabWidget()
        self.tabs.addTab(self.map, "Map of rank change")
        self.tabs.addTab(self.slope, "Slope chart")
        self.tabs.addTab(self.weights_table, "Weight differences")

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
        buttons = QDialogButtonBox(QDialogButtonBox.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.summary)
        layout.addWidget(split, 1)
        layout.addWidget(buttons)

        self.comparison: Comparison | None = None
        self._fill_combos()
        self.combo_a.currentIndexChanged.connect(self.refresh)
        self.combo_b.currentIndexChanged.connect(self.refresh)
        self.top_spin.valueChanged.connect(self.refresh)
        # The dialog stays open beside the window: follow the planner's edits and saves.
        st = controller.state
        st.result_changed.connect(self._current_changed)
        st.scoring_failed.connect(self._current_changed)
        st.modified_changed.connect(self._current_changed)
        st.document_name_changed.connect(self._current_changed)
        controller.scenarios_changed.connect(self._scenarios_changed)
        self.resize(1250, 760)
        self.refresh()

    def _current_label(self) -> str:
        mark = "*" if self.controller.state.modified else ""
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

    def _current_changed(self, *_args) -> None:  # noqa: ANN002
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

    def _result(self, key: str) -> tuple[str, ScoringResult]:
        st = self.controller.state
        if key == CURRENT:
            if st.error is not None:
                raise SiteSelectError(f"The current settings cannot be scored: {st.error}")
            return self.combo_a.itemText(0), st.result
        sc = self.controller._require_store().get(key)
        return sc.name, rank_states(st.dataset, sc.settings)

    def refresh(self, *_args) -> None:  # noqa: ANN002
        key_a, key_b = self.combo_a.currentData(), self.combo_b.currentData()
        if key_a is None or key_b is None:
            self.summary.setText("Save a scenario first to compare against it.")
            self.model.set_comparison(None)
            return
        try:
            label_a, ra = self._result(key_a)
            label_b, rb = self._result(key_b)
        except SiteSelectError as exc:
            self.summary.setText(f"<span style='color:#8a1c1c'>{escape(exc.message)}</span>")
            self.model.set_comparison(None)
            return
        ds = self.controller.state.dataset
        cmp = compare(ra, rb, self.top_spin.value(), states=ds.states)
        self.comparison = cmp
        self.model.set_comparison(cmp)
        limit = self.map.show_changes(cmp.rank_changes(), self.names)
        self.slope.show_comparison(cmp, limit, label_a, label_b)
        self._fill_weights(cmp)
        entered = ", ".join(cmp.entered) or "none"
        left = ", ".join(cmp.left) or "none"
        settings = escape("; ".join(f"{f}: {a} → {b}" for f, a, b in cmp.settings))
        self.summary.setText(
            f"<b>A</b> {escape(label_a)} &nbsp; <b>B</b> {escape(label_b)}<br>"
            f"Top {cmp.top_n}: <span style='background:#d6eaf8'>entered {entered}</span>"
            f" &nbsp; <span style='background:#fadbd8'>left {left}</span>"
            + (f"<br>{settings}" if settings else ""))

    def _fill_weights(self, cmp: Comparison) -> None:
        labels = {c.id: c.label for c in self.controller.state.dataset.criteria}
        self.weights_table.setRowCount(len(cmp.weights))
        for i, w in enumerate(cmp.weights):
            cells = [labels.get(w.criterion, w.criterion), f"{w.weight_a:.0%}",
                     f"{w.weight_b:.0%}", f"{w.change * 100:+.0f} pts"
                     if round(w.change * 100) else "0"]
            for j, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if j:
                    item.setTextAlignment(Qt.AlignRight | Qt.AlignVCenter)
                self.weights_table.setItem(i, j, item)
