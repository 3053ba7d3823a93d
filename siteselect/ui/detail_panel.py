"""The selected state's detail: rank, score, bars per criterion, figures with units and years.

Two pyqtgraph bar charts share the criterion axis: the normalised value (0 = worst candidate,
1 = best) and the contribution in points of the score, so a planner sees at once which
criteria carry a state and which hold it back.  The bar items are created once and updated
with ``setOpts``.

TOPSIS does not score on 0-1 values: it measures distances between vector-normalised values
(x / ||x||, not oriented, so for a lower-is-better criterion a longer bar would be worse).
Under TOPSIS the charts therefore show, per criterion, where the state lies between the
anti-ideal (0) and the ideal (1) candidate -- the quantity its distances are made of, the same
way round for every criterion -- and the weighted points of that position, labelled as an
additive view because a TOPSIS score is not a sum.
"""

from __future__ import annotations

from html import escape

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QFont
from PySide6.QtWidgets import QGraphicsItem, QLabel, QSizePolicy, QTextBrowser, QVBoxLayout, QWidget

from siteselect.ui.state import PlannerState
from siteselect.ui.text import exclusion_text, raw_value_text, what_if_text, year_of

BAR_VALUE = QColor(94, 201, 98)
BAR_POINTS = QColor(59, 82, 139)
BAR_IMPUTED = QColor(200, 200, 200)


def chart_values(result) -> tuple[np.ndarray, np.ndarray, str, str]:  # noqa: ANN001
    """(values, points, value axis label, points axis label), ranked states x criteria.

    For the weighted sum and product these are the engine's normalised values and
    contributions.  For TOPSIS the values are each state's position between the anti-ideal
    (0) and the ideal (1) on every criterion -- (v - v-) / (v+ - v-) for the weighted
    vector-normalised values v, which equals the min-max position of the raw figures, better
    always high -- and the points are 100 x weight x position, as the engine counts them.
    """
    if result.method != "topsis":
        # Only the weighted sum is a sum: under the weighted product the same points are an
        # additive view, and the axis says so.
        points = "points of the score" if result.method == "wsm" else "weight \u00d7 value, points"
        return (np.asarray(result.normalized, float), np.asarray(result.contributions, float),
                "normalised (1 = best)", points)
    # The engine's TOPSIS points are 100 x weight x that position (see ScoringResult).
    points = np.asarray(result.contributions, float)
    w = np.array([result.weights[c] for c in result.criteria], float)
    pos = points / (100.0 * w) if points.size else points.copy()
    return pos, points, "0 = anti-ideal, 1 = ideal", "weight \u00d7 position, points"


_LABEL_STYLE = {"font-size": "8pt", "color": "#444"}
_CHART_TIPS = {
    "wsm": "Top: the state's normalised value per weighted criterion (0 = worst candidate, "
           "1 = best). Bottom: its contribution in points to the score; the bars add up to "
           "the score.",
    "wpm": "Top: the state's normalised value per weighted criterion (0 = worst candidate, "
           "1 = best). Bottom: weight x value in points, an additive view; the weighted "
           "product multiplies the values, so its score is not their sum and a very weak "
           "criterion pulls it down more than the bars suggest.",
    "topsis": "TOPSIS scores by distance to an ideal and an anti-ideal state. Top: where this "
          "state lies between the anti-ideal (0) and the ideal (1) on each weighted criterion, "
          "better always to the right. Bottom: weight x position in points, an additive view "
          "of the same; the TOPSIS score itself is not their sum.",
}


def _short(label: str, limit: int = 20) -> str:
    return label if len(label) <= limit else label[: limit - 1].rstrip() + "\u2026"


class StateDetailWidget(QWidget):
    """Detail of the state selected in the planner state."""

    def __init__(self, state: PlannerState, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.state = state
        self.heading = QLabel()
        self.heading.setTextFormat(Qt.RichText)
        self.heading.setWordWrap(True)
        self.plots = pg.GraphicsLayoutWidget()
        self.plots.setBackground("w")
        self.plots.setMinimumHeight(160)
        self.plots.setToolTip(_CHART_TIPS["wsm"])
        self.value_plot = self.plots.addPlot()
        self.plots.nextRow()
        self.points_plot = self.plots.addPlot()
        for p in (self.value_plot, self.points_plot):
            p.setMouseEnabled(False, False)
            p.hideButtons()
            p.setMenuEnabled(False)
            p.getViewBox().invertY(True)
            p.showGrid(x=True, y=False, alpha=0.3)
        tick_font = QFont()
        tick_font.setPointSizeF(7.5)
        for p in (self.value_plot, self.points_plot):
            axis = p.getAxis("left")
            axis.setWidth(118)
            axis.setStyle(tickFont=tick_font, autoReduceTextSpace=False,
                          hideOverlappingLabels=False)
            p.getAxis("bottom").setStyle(tickFont=tick_font)
            # Axes only change when the criteria or ranges do: replay them from a pixmap
            # instead of re-drawing their text on every slider move.
            for name in ("left", "bottom"):
                p.getAxis(name).setCacheMode(QGraphicsItem.DeviceCoordinateCache)
        self.plots.setMinimumWidth(0)
        self.plots.setSizePolicy(QSizePolicy.Ignored, QSizePolicy.Expanding)
        self.value_bars = pg.BarGraphItem(x0=[], y=[], height=0.7, width=[], brush=BAR_VALUE)
        self.points_bars = pg.BarGraphItem(x0=[], y=[], height=0.7, width=[], brush=BAR_POINTS)
        self.value_plot.addItem(self.value_bars)
        self.points_plot.addItem(self.points_bars)
        self.figures = QTextBrowser()
        self.figures.setOpenExternalLinks(True)
        self.figures.setSizePolicy(QSizePolicy.Expanding, QSizePolicy.Expanding)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(4, 4, 4, 4)
        lay.addWidget(self.heading)
        lay.addWidget(self.plots, 3)
        lay.addWidget(self.figures, 2)
        self._tick_criteria: list[str] | None = None
        self._figures_html = ""
        self._x_ranges: tuple = ()
        self._axis_labels: tuple = ()
        self._chart_for = None
        self._chart_data: tuple = ()
        state.selection_changed.connect(self.refresh)
        state.result_changed.connect(self.refresh)
        self.refresh()

    def refresh(self, *_args) -> None:  # noqa: ANN002
        st = self.state
        ds, result, code = st.dataset, st.result, st.selected
        crit_ids = list(result.criteria)
        n = len(crit_ids)
        if crit_ids != self._tick_criteria:
            # Axes are re-laid out only when the weighted criteria change, not on every move.
            self._tick_criteria = crit_ids
            labels = [_short(ds.criterion(c).label) for c in crit_ids]
            ticks = [list(enumerate(labels))]
            self.value_plot.getAxis("left").setTicks(ticks)
            self.points_plot.getAxis("left").setTicks(ticks)
            for p in (self.value_plot, self.points_plot):
                p.setYRange(-0.5, max(n - 0.5, 0.5), padding=0)
        hint = ""
        if code is None:
            if not result.alternatives:
                self.heading.setText("<b>No state selected</b> &mdash; click a state on the map "
                                     "or a row of the ranking.")
                self._bars(np.zeros(n), np.zeros(n), np.zeros(n, dtype=bool))
                self.plots.setVisible(False)
                self._figures_html = ""
                self.figures.setHtml("")
                return
            # Nothing selected: explain the top-ranked state rather than show an empty panel.
            code = result.alternatives[0]
            hint = ("<span style='color:#555'>Top-ranked state shown; click a state on the "
                    "map or a row of the ranking to see another.</span><br>")
        self.plots.setVisible(True)
        name = escape(ds.names[code])
        i = result.position(code)
        if i is None:
            reason = escape(exclusion_text(ds, st.settings, result, code) or "not ranked")
            self.heading.setText(f"{hint}<span style='font-size:13pt'><b>{name}</b> ({code})"
                                 f"</span><br><span style='color:#a33'>Not ranked: {reason}"
                                 "</span>")
            self._bars(np.zeros(n), np.zeros(n), np.zeros(n, dtype=bool))
        else:
            rank, score = int(result.ranks[i]), float(result.scores[i])
            self.heading.setText(
                f"{hint}<span style='font-size:13pt'><b>{name}</b> ({code})</span><br>"
                f"Rank <b>{rank}</b> of {len(result)} &mdash; score <b>{score:.1f}</b> "
                f"<span style='color:#666'>({escape(result.method)}, "
                f"{escape(result.normalization)})</span>")
            values, points = self._chart()[:2]
            self._bars(values[i], points[i], result.raw_missing[i])
        rows = []
        missing = {c for a, c in result.missing if a == code}
        for cid in crit_ids:
            crit = ds.criterion(cid)
            text = raw_value_text(ds, st.settings, code, cid)
            what_if = what_if_text(ds, st.settings, code, cid)
            p = crit.provenance
            src = escape(p.source) if p else ""
            origin = f"{escape(year_of(ds, cid))} &middot; {src}"
            if what_if is not None:
                # The assumed figure has no source: the year and source are the published
                # figure's, and say so.
                text = escape(what_if).replace("(what-if)", "<b>(what-if)</b>", 1)
                origin = "published figure: " + origin
            elif cid in missing:
                text = "<i>missing</i> (scored by the missing-data policy)"
            else:
                text = escape(text)
            rows.append(f"<p style='margin:0 0 4px 0'><b>{escape(crit.label)}</b>: {text}"
                        f"<br><span style='color:#666'>{origin}</span></p>")
        html = "".join(rows)
        if html != self._figures_html:  # figures rarely change while a weight moves
            self._figures_html = html
            self.figures.setHtml(html)

    def _chart(self) -> tuple[np.ndarray, np.ndarray, str, str]:
        """The charts' numbers for the current result, computed once per result."""
        r = self.state.result
        if self._chart_for is not r:
            self._chart_data = chart_values(r)
            self._chart_for = r
        return self._chart_data

    def _bars(self, values: np.ndarray, points: np.ndarray, imputed: np.ndarray) -> None:
        n = len(values)
        y = np.arange(n)
        brushes_v = [BAR_IMPUTED if m else BAR_VALUE for m in imputed]
        brushes_p = [BAR_IMPUTED if m else BAR_POINTS for m in imputed]
        self.value_bars.setOpts(x0=np.zeros(n), y=y, width=np.asarray(values, float),
                                height=0.7, brushes=brushes_v)
        self.points_bars.setOpts(x0=np.zeros(n), y=y, width=np.asarray(points, float),
                                 height=0.7, brushes=brushes_p)
        # Axis ranges cover every ranked state (rounded out), so they stay put while a slider
        # moves and bars of different states compare at a glance.
        all_values, all_points, value_label, points_label = self._chart()
        if all_values.size:
            vlo = min(0.0, float(np.floor(all_values.min())))
            vhi = max(1.0, float(np.ceil(all_values.max())))
            plo = min(0.0, 5.0 * np.floor(float(all_points.min()) / 5.0))
            phi = max(5.0, 5.0 * np.ceil(float(all_points.max()) / 5.0))
        else:
            vlo, vhi, plo, phi = 0.0, 1.0, 0.0, 5.0
        if (value_label, points_label) != self._axis_labels:
            self._axis_labels = (value_label, points_label)
            self.value_plot.setLabel("bottom", value_label, **_LABEL_STYLE)
            self.points_plot.setLabel("bottom", points_label, **_LABEL_STYLE)
            self.plots.setToolTip(_CHART_TIPS[self.state.result.method])
        ranges = (vlo, vhi, plo, phi)
        if ranges != self._x_ranges:
            self._x_ranges = ranges
            self.value_plot.setXRange(vlo, vhi, padding=0.02)
            self.points_plot.setXRange(plo, phi, padding=0.02)
