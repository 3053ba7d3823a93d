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
from PySide6.QtWidgets import (
    QGraphicsItem,
    QLabel,
    QScrollArea,
    QSizePolicy,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from siteselect.model import wording
from siteselect.ui.planner import Planner
from siteselect.ui.text import exclusion_text, raw_value_text, what_if_text, year_of

#: Strengths (better than the middle of the field, value >= 0.5) in green, weaknesses in
#: orange, on both charts; an imputed (missing) figure is grey.
BAR_STRONG = QColor(77, 175, 74)
BAR_WEAK = QColor(240, 135, 40)
POINTS_STRONG = QColor(34, 110, 50)
POINTS_WEAK = QColor(190, 90, 10)
BAR_IMPUTED = QColor(200, 200, 200)
BAR_VALUE, BAR_POINTS = BAR_STRONG, POINTS_STRONG
MIDPOINT = 0.5
#: The bar's share of a criterion's row (the label sits above it, the rest is a gap).
BAR_HEIGHT = 0.36
BAR_OFFSET = 0.3
#: Pixels a criterion's row needs (its name above a bar) in each chart.
ROW_PIXELS = 21


def chart_values(result) -> tuple[np.ndarray, np.ndarray, str, str]:
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


def is_strength(value: float) -> bool:
    """A criterion on which the state is in the better half of the field."""
    return bool(value >= MIDPOINT)


class StateDetailWidget(QWidget):
    """Detail of the state selected in the planner."""

    def __init__(self, planner: Planner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.planner = planner
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
        self._label_font = QFont(tick_font)
        for p in (self.value_plot, self.points_plot):
            # Each criterion's name is written whole above its bar (a label column beside
            # the bars cut the names short in a narrow panel).
            axis = p.getAxis("left")
            axis.setTicks([[]])
            axis.setStyle(showValues=False)
            axis.setWidth(6)
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
        self.midline = pg.InfiniteLine(MIDPOINT, angle=90,
                                       pen=pg.mkPen((120, 120, 120), style=Qt.DashLine))
        self.value_plot.addItem(self.midline)
        self.bar_labels: tuple[list[pg.TextItem], list[pg.TextItem]] = ([], [])
        self.key = QLabel(
            f"<span style='color:{BAR_STRONG.name()}'>\u25a0</span> strength (better half) "
            f"&nbsp;<span style='color:{BAR_WEAK.name()}'>\u25a0</span> weakness "
            f"&nbsp;<span style='color:{BAR_IMPUTED.name()}'>\u25a0</span> missing")
        self.key.setStyleSheet("color:#444; font-size:8pt;")
        self.key.setWordWrap(True)  # wraps in a narrow panel instead of widening the window
        self.key.setToolTip("A bar is a strength when the state is in the better half of the "
                            "field on that criterion (normalised value at least 0.5, the "
                            "dashed line), a weakness otherwise.")
        self.figures = QTextBrowser()
        self.figures.setOpenExternalLinks(True)
        self.figures.setSizePolicy(QSizePolicy.Expanding, QSizePolicy.Expanding)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(4, 4, 4, 4)
        lay.addWidget(self.heading)
        lay.addWidget(self.key)
        # The charts grow with the number of weighted criteria (each name above its bar);
        # past the room the panel has, they scroll instead of squeezing the names together.
        self.plots_scroll = QScrollArea()
        self.plots_scroll.setWidgetResizable(True)
        self.plots_scroll.setFrameShape(QScrollArea.NoFrame)
        self.plots_scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarAlwaysOff)
        self.plots_scroll.setMinimumHeight(160)
        self.plots_scroll.setWidget(self.plots)
        lay.addWidget(self.plots_scroll, 3)
        lay.addWidget(self.figures, 2)
        self._tick_criteria: list[str] | None = None
        self._figures_html = ""
        self._x_ranges: tuple = ()
        self._axis_labels: tuple = ()
        self._chart_for = None
        self._chart_data: tuple = ()
        planner.selection_changed.connect(self.refresh)
        planner.result_changed.connect(self.refresh)
        self.refresh()

    def refresh(self, *_args) -> None:
        st = self.planner
        ds, result, code = st.dataset, st.result, st.selected
        crit_ids = list(result.criteria)
        n = len(crit_ids)
        if crit_ids != self._tick_criteria:
            # Labels are rebuilt only when the weighted criteria change, not on every move.
            self._tick_criteria = crit_ids
            self._x_ranges = ()
            for p, labels in zip((self.value_plot, self.points_plot), self.bar_labels,
                                 strict=True):
                for item in labels:
                    p.removeItem(item)
                labels.clear()
                for i, cid in enumerate(crit_ids):
                    crit = ds.criterion(cid)
                    item = pg.TextItem(crit.label, color=(50, 50, 50), anchor=(0, 1))
                    item.setFont(self._label_font)
                    item.textItem.document().setDocumentMargin(0)
                    item.setToolTip(crit.label)
                    item.setPos(0.0, i + BAR_OFFSET - BAR_HEIGHT / 2)
                    p.addItem(item)
                    labels.append(item)
                p.setYRange(-0.5, max(n - 0.5, 0.5), padding=0)
            # Room for every name above its bar: the charts grow with the criteria.
            self.plots.setMinimumHeight(max(160, 2 * (n * ROW_PIXELS + 40)))
            self.plots_scroll.setMinimumHeight(min(self.plots.minimumHeight(), 360))
        hint = ""
        if code is None:
            if not result.alternatives:
                word = ds.alternatives.word
                self.heading.setText(f"<b>No {word} selected</b> &mdash; click a {word} on the "
                                     "map or a row of the ranking.")
                self._bars(np.zeros(n), np.zeros(n), np.zeros(n, dtype=bool))
                self.plots_scroll.setVisible(False)
                self._figures_html = ""
                self.figures.setHtml("")
                return
            # Nothing selected: explain the top-ranked state rather than show an empty panel.
            code = result.alternatives[0]
            word = ds.alternatives.word
            hint = (f"<span style='color:#555'>Top-ranked {word} shown; click a {word} on the "
                    "map or a row of the ranking to see another.</span><br>")
        self.plots_scroll.setVisible(True)
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
                f"<span style='color:#666'>({escape(wording.method_label(result.method))}, "
                f"{escape(wording.normalization_label(result.normalization, result.method))})"
                "</span>")
            values, points = self._chart()[:2]
            self._bars(values[i], points[i], result.raw_missing[i])
        rows = []
        missing = {c for a, c in result.missing if a == code}
        # Every figure the dataset has for the state: the weighted criteria first (in the
        # charts' order, with their share), then the rest under their own heading.
        unweighted = [c.id for c in ds.criteria if c.id not in result.weights]
        for cid in crit_ids + unweighted:
            if cid == (unweighted[0] if unweighted else None):
                rows.append("<p style='margin:8px 0 4px 0; color:#335'><b>Not weighted</b> "
                            "<span style='color:#666'>(figures only; they do not count in "
                            "the score)</span></p>")
            crit = ds.criterion(cid)
            share = result.weights.get(cid)
            text = raw_value_text(ds, st.settings, code, cid)
            what_if = what_if_text(ds, st.settings, code, cid)
            p = crit.provenance
            src = escape(p.source) if p else ""
            origin = f"{escape(year_of(ds, cid))} &middot; {src}"
            if p and "proxy" in p.status:
                origin += " &middot; <b>computed proxy, not a tariff</b>"
            if getattr(crit, "inherited", False):
                origin += " &middot; state figure"
            if what_if is not None:
                # The assumed figure has no source: the year and source are the published
                # figure's, and say so.
                text = escape(what_if).replace("(what-if)", "<b>(what-if)</b>", 1)
                origin = "published figure: " + origin
            elif cid in missing:
                text = "<i>missing</i> (scored by the missing-data policy)"
            else:
                text = escape(text)
            weight = f" <span style='color:#666'>({share:.0%})</span>" if share else ""
            rows.append(f"<p style='margin:0 0 4px 0'><b>{escape(crit.label)}</b>{weight}: "
                        f"{text}<br><span style='color:#666'>{origin}</span></p>")
        html = "".join(rows)
        if html != self._figures_html:  # figures rarely change while a weight moves
            self._figures_html = html
            self.figures.setHtml(html)

    def _chart(self) -> tuple[np.ndarray, np.ndarray, str, str]:
        """The charts' numbers for the current result, computed once per result."""
        r = self.planner.result
        if self._chart_for is not r:
            self._chart_data = chart_values(r)
            self._chart_for = r
        return self._chart_data

    def _bars(self, values: np.ndarray, points: np.ndarray, imputed: np.ndarray) -> None:
        n = len(values)
        y = np.arange(n) + BAR_OFFSET
        strong = [is_strength(v) for v in values]
        brushes_v = [BAR_IMPUTED if m else BAR_STRONG if s else BAR_WEAK
                     for m, s in zip(imputed, strong, strict=True)]
        brushes_p = [BAR_IMPUTED if m else POINTS_STRONG if s else POINTS_WEAK
                     for m, s in zip(imputed, strong, strict=True)]
        self.value_bars.setOpts(x0=np.zeros(n), y=y, width=np.asarray(values, float),
                                height=BAR_HEIGHT, brushes=brushes_v)
        self.points_bars.setOpts(x0=np.zeros(n), y=y, width=np.asarray(points, float),
                                 height=BAR_HEIGHT, brushes=brushes_p)
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
            self.plots.setToolTip(_CHART_TIPS[self.planner.result.method])
        ranges = (vlo, vhi, plo, phi)
        if ranges != self._x_ranges:
            self._x_ranges = ranges
            self.value_plot.setXRange(vlo, vhi, padding=0.02)
            self.points_plot.setXRange(plo, phi, padding=0.02)
            for labels, lo in zip(self.bar_labels, (vlo, plo), strict=True):
                for i, item in enumerate(labels):
                    item.setPos(lo, i + BAR_OFFSET - BAR_HEIGHT / 2)
