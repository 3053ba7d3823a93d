"""The Sensitivity panel: run settings, a worker with progress and Cancel, and four views.

* **Rank ranges** -- per state, sorted by its rank now: the 5th-95th percentile of its rank
  over the draws (bar), best to worst (thin line) and the rank now (dot).
* **Acceptability** -- a heat map of the share of draws that put each state at each rank.
* **Stability** -- per weighted criterion, the range of its share of the weight within which
  the first place, and the top-K set, stay the same.
* **Tornado** -- the selected state's rank with each weight 50 % lower and higher.

A run works on a snapshot of the current result on a pool thread; the window keeps
responding, and Cancel leaves the previous run in place.  When the settings change afterwards
the views stay, marked stale, until the planner runs again.
"""

from __future__ import annotations

import logging
from typing import Any

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QGridLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from siteselect.analysis import data_spreads
from siteselect.errors import SiteSelectError
from siteselect.model import wording
from siteselect.model.settings import ScoringSettings
from siteselect.scoring import ScoringResult
from siteselect.scoring.sensitivity import (
    DEFAULT_CONCENTRATION,
    DEFAULT_DRAWS,
    DEFAULT_TOP_K,
    Cancelled,
    MonteCarloResult,
    StabilityInterval,
    monte_carlo,
    stability_intervals,
    tornado,
)
from siteselect.ui.jobs import Job
from siteselect.ui.planner import Planner, SensitivityRun

log = logging.getLogger(__name__)

BAR = QColor(59, 82, 139)
RANGE = QColor(150, 150, 150)
NOW = QColor(220, 90, 40)
LOWER_WEIGHT = QColor(150, 170, 215)
#: Share of draws: white = never, through teal, to dark purple = always.
ACCEPTABILITY_COLOURS = pg.ColorMap([0.0, 0.4, 1.0], [(255, 255, 255), (33, 145, 140),
                                                     (68, 1, 84)])


__all__ = ["SensitivityPanel", "SensitivityRun"]


def _compute(result: ScoringResult, draws: int, seed: int, spread: str, concentration: float,
             top_k: int, data_spread: Any, progress: Any, is_cancelled: Any
             ) -> tuple[MonteCarloResult, list[StabilityInterval]]:
    mc = monte_carlo(result, draws=draws, seed=seed, spread=spread, concentration=concentration,
                     top_k=top_k, data_spread=data_spread,
                     progress=lambda f: progress(0.95 * f, "Scoring draws"),
                     cancelled=is_cancelled)
    stability = stability_intervals(result, top_k=top_k)
    progress(1.0, "Done")
    return mc, stability


def _pct(iv: tuple[float, float] | None) -> str:
    if iv is None:
        return "n/a (only weighted criterion)"
    return f"{100 * iv[0]:.1f} \u2013 {100 * iv[1]:.1f} %"


class SensitivityPanel(QWidget):
    """Runs the analysis for the planner's current result and shows it."""

    def __init__(self, planner: Planner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.planner = planner
        self._job: Any = None
        self._pending: tuple[ScoringSettings, ScoringResult] | None = None

        self.draws = QSpinBox()
        self.draws.setRange(100, 1_000_000)
        self.draws.setSingleStep(1000)
        self.draws.setValue(DEFAULT_DRAWS)
        self.draws.setGroupSeparatorShown(True)
        self.draws.setToolTip("How many weightings to try; 10,000 is plenty for ranks.")
        self.spread = QComboBox()
        self.spread.addItem("Around the current weights", "dirichlet")
        self.spread.addItem("Any weighting of the weighted criteria", "uniform")
        self.spread.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.spread.setMinimumContentsLength(12)
        self.spread.setToolTip(
            "Around the current weights: Dirichlet draws centred on today's shares. Any "
            "weighting: uniform over every way of splitting the weight among the criteria "
            "that have weight (no preference assumed).")
        self.concentration = QDoubleSpinBox()
        self.concentration.setRange(1.0, 100_000.0)
        self.concentration.setDecimals(0)
        self.concentration.setValue(DEFAULT_CONCENTRATION)
        self.concentration.setToolTip(
            "Higher = draws stay closer to the current weights. At 100 a criterion with 20 % "
            "of the weight varies by about \u00b14 points of share.")
        self.top_k = QSpinBox()
        self.top_k.setRange(1, max(1, len(planner.dataset.states)))
        self.top_k.setValue(DEFAULT_TOP_K)
        self.top_k.setToolTip("The size of the shortlist whose membership is counted.")
        self.vary_data = QCheckBox("Vary figures too")
        ranges = [f"{c.label} {c.uncertainty_text()}" for c in planner.dataset.criteria
                  if c.uncertainty is not None]
        self.vary_data.setToolTip(
            "Also vary each figure within its stated uncertainty range in every draw: "
            + ("; ".join(ranges) if ranges else "no ranges are stated")
            + ". Ranges and their basis are listed in Help \u203a Data Sources. The states "
            "ranked stay those that pass the gates on the published figures.")
        self.seed = QLineEdit()
        self.seed.setPlaceholderText("new each run")
        self.seed.setToolTip("A whole number repeats a run exactly; blank draws a new seed "
                             "(shown after the run).")
        self.run_button = QPushButton("Run")
        self.run_button.setToolTip("Run the analysis for the current settings (F9)")
        self.run_button.clicked.connect(self.run)
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setEnabled(False)
        self.cancel_button.clicked.connect(self.cancel)
        self.progress = QProgressBar()
        self.progress.setRange(0, 100)
        self.progress.setValue(0)
        self.progress.setTextVisible(True)
        self.status = QLabel("Not run yet.")
        self.status.setWordWrap(True)

        # Two compact rows above the views, so that the charts get the panel's full width.
        controls = QGridLayout()
        controls.setContentsMargins(0, 0, 0, 0)
        row = [("Draws", self.draws), ("Weights vary", self.spread),
               ("Concentration", self.concentration), ("Shortlist K", self.top_k),
               ("Seed", self.seed)]
        for i, (text, widget) in enumerate(row):
            label = QLabel(text)
            label.setBuddy(widget)
            controls.addWidget(label, 0, 2 * i)
            controls.addWidget(widget, 0, 2 * i + 1)
        controls.addWidget(self.run_button, 1, 0, 1, 2)
        controls.addWidget(self.cancel_button, 1, 2)
        controls.addWidget(self.progress, 1, 3, 1, 2)
        controls.addWidget(self.vary_data, 1, 5, 1, 2)
        controls.addWidget(self.status, 1, 7, 1, 3)
        controls.setColumnStretch(3, 1)
        controls.setColumnStretch(9, 1)
        self.seed.setMaximumWidth(110)
        self.spread.currentIndexChanged.connect(self._spread_changed)

        self.tabs = QTabWidget()
        self.ranges_plot = self._plot("rank (1 = best)", "")
        self.accept_plot = self._plot("rank", "")
        self.tornado_plot = self._plot("rank (1 = best)", "")
        self.stability_table = QTableWidget(0, 4)
        self.stability_table.setHorizontalHeaderLabels(
            ["Criterion", "Share now", "First place holds", "Top K holds"])
        self.stability_table.verticalHeader().setVisible(False)
        self.stability_table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.stability_table.horizontalHeader().setSectionResizeMode(
            0, QHeaderView.ResizeMode.Stretch)
        self.stability_note = QLabel("")
        self.stability_note.setWordWrap(True)
        stab = QWidget()
        sl = QVBoxLayout(stab)
        sl.setContentsMargins(0, 0, 0, 0)
        sl.addWidget(self.stability_note)
        sl.addWidget(self.stability_table)
        self.tornado_note = QLabel("Select a state to see its tornado.")
        self.tornado_note.setWordWrap(True)
        torn = QWidget()
        tl = QVBoxLayout(torn)
        tl.setContentsMargins(0, 0, 0, 0)
        tl.addWidget(self.tornado_note)
        tl.addWidget(self.tornado_plot)
        self.tabs.addTab(self.ranges_plot, "Rank ranges")
        self.tabs.addTab(self.accept_plot, "Acceptability")
        self.tabs.addTab(stab, "Stability")
        self.tabs.addTab(torn, "Tornado")

        layout = QVBoxLayout(self)
        layout.addLayout(controls)
        layout.addWidget(self.tabs, 1)

        # Not on every result: a slider move changes nothing the run shows until it makes
        # the run stale, which the stale signal below reports once.
        planner.selection_changed.connect(lambda _s: self._show_tornado())
        # The run lives in the planner (the map and the weight sliders show it too).
        planner.sensitivity_changed.connect(lambda _run: self._show())
        planner.sensitivity_stale_changed.connect(lambda _stale: self._stale_changed())
        self._show()

    @property
    def run_result(self) -> SensitivityRun | None:
        """The last finished run (the planner's)."""
        return self.planner.sensitivity

    # -- building ----------------------------------------------------------------------------
    @staticmethod
    def _plot(bottom: str, left: str) -> pg.PlotWidget:
        w = pg.PlotWidget(background="w")
        w.setMinimumHeight(160)
        pi = w.getPlotItem()
        pi.setLabel("bottom", bottom)
        if left:
            pi.setLabel("left", left)
        pi.showGrid(x=True, y=False, alpha=0.2)
        pi.setMenuEnabled(False)
        pi.hideButtons()
        # No axes until there is something to measure (an empty 0-1 "rank" axis reads as data).
        pi.hideAxis("bottom")
        pi.hideAxis("left")
        return w

    @staticmethod
    def _axes_on(plot: pg.PlotWidget) -> None:
        pi = plot.getPlotItem()
        pi.showAxis("bottom")
        pi.showAxis("left")

    def _spread_changed(self) -> None:
        self.concentration.setEnabled(self.spread.currentData() == "dirichlet")

    # -- running -----------------------------------------------------------------------------
    @property
    def running(self) -> bool:
        return self._job is not None

    def _seed(self) -> int | None:
        text = self.seed.text().strip().replace(",", "")
        if not text:
            return None
        try:
            value = int(text)
        except ValueError:
            value = -1
        if not 0 <= value < 2**63:
            self.status.setText(f"The seed must be a whole number from 0 up; {text!r} is not.")
            self.seed.setFocus()
            self.seed.selectAll()
            raise ValueError(text)
        return value

    def run(self) -> None:
        """Start a run for the current settings (a running one is cancelled first)."""

        if self.planner.error is not None:
            self.status.setText(f"The current settings cannot be scored: {self.planner.error}")
            return
        try:
            seed = self._seed()
        except ValueError:
            return
        if seed is None:
            seed = int(np.random.SeedSequence().entropy % 2**32)
        if self._job is not None:
            self._job.cancel()
        settings, result = self.planner.settings, self.planner.result
        spreads = (data_spreads(self.planner.dataset, result.criteria)
                   if self.vary_data.isChecked() else None)
        args = (result, self.draws.value(), seed, self.spread.currentData(),
                float(self.concentration.value()), self.top_k.value(), spreads)
        job = Job(lambda progress, is_cancelled: _compute(*args, progress, is_cancelled),
                  self, cancelled=(Cancelled,))
        self._job = job
        self._pending = (settings, result)
        self._last_seed = seed
        job.signals.progressed.connect(self._progressed)
        job.signals.succeeded.connect(lambda value, j=job: self._finished(j, value))
        job.signals.failed.connect(lambda exc, j=job: self._failed(j, exc))
        job.signals.cancelled.connect(lambda j=job: self._cancelled(j))
        self.run_button.setEnabled(False)
        self.cancel_button.setEnabled(True)
        self.progress.setValue(0)
        self.status.setText(f"Running {self.draws.value():,} draws\u2026")
        job.start()

    def cancel(self) -> None:
        if self._job is not None:
            self._job.cancel()
            self.status.setText("Cancelling\u2026")

    def _progressed(self, fraction: float, _message: str) -> None:
        self.progress.setValue(int(round(100 * fraction)))

    def _idle(self) -> None:
        self._job = None
        self.run_button.setEnabled(True)
        self.cancel_button.setEnabled(False)

    def _finished(self, job: Any, value: Any) -> None:
        if job is not self._job:
            return
        settings, result = self._pending or (self.planner.settings, self.planner.result)
        mc, stability = value
        self._idle()
        self.progress.setValue(100)
        self.planner.set_sensitivity(SensitivityRun(settings, result, mc, stability))

    def _failed(self, job: Any, exc: BaseException) -> None:
        if job is not self._job:
            return
        self._idle()
        self.progress.setValue(0)
        message = exc.message if isinstance(exc, SiteSelectError) else (
            "The analysis failed unexpectedly; the previous result is kept.")
        if not isinstance(exc, SiteSelectError):
            log.error("sensitivity run failed", exc_info=exc)
        self.status.setText(message)

    def _cancelled(self, job: Any) -> None:
        if job is not self._job:
            return
        self._idle()
        # The bar stands for what is shown: the previous run, whole, if there is one.
        self.progress.setValue(100 if self.run_result is not None else 0)
        if self.run_result is not None:
            self._show_status()
            self.status.setText("Cancelled; the previous result is kept. " + self.status.text())
        else:
            self.status.setText("Cancelled.")

    # -- showing -----------------------------------------------------------------------------
    @property
    def stale(self) -> bool:
        return self.planner.sensitivity_stale

    def _stale_changed(self) -> None:
        if self.run_result is not None and not self.running:
            self._show_status()
            self._show_tornado()

    def _show_status(self) -> None:
        run = self.run_result
        if run is None:
            return
        mc = run.mc
        how = (f"around the current weights (concentration {mc.concentration:g})"
               if mc.spread == "dirichlet" else "uniform over all weightings")
        text = (f"{mc.draws:,} draws, {how}, seed {mc.seed}; shortlist K = {mc.top_k}; "
                f"{wording.method_label(run.result.method)}.")
        if mc.data_spread:
            ds = self.planner.dataset
            text += " Figures varied: " + ", ".join(
                f"{wording.criterion_label(ds, c)} {ds.criterion(c).uncertainty_text()}"
                for c in mc.data_spread) + "."
        if self.stale:
            text = ("<b style='color:#a33'>Stale:</b> the settings changed after this run; "
                    "run again (F9) to update. " + text)
        self.status.setText(text)

    def _show(self) -> None:
        run = self.run_result
        if run is None:
            return
        self._show_status()
        for plot in (self.ranges_plot, self.accept_plot, self.tornado_plot):
            self._axes_on(plot)
        self._show_ranges(run)
        self._show_acceptability(run)
        self._show_stability(run)
        self._show_tornado()

    def _state_axis(self, plot: pg.PlotWidget, codes: tuple[str, ...]) -> None:
        ticks = [(i, c) for i, c in enumerate(codes)]
        ax = plot.getPlotItem().getAxis("left")
        ax.setTicks([ticks, []])
        plot.getPlotItem().invertY(True)

    def _show_ranges(self, run: SensitivityRun) -> None:
        mc = run.mc
        pi = self.ranges_plot.getPlotItem()
        pi.clear()
        n = len(mc.alternatives)
        y = np.arange(n, dtype=float)
        pi.addItem(pg.BarGraphItem(x0=mc.rank_min - 0.5, x1=mc.rank_max + 0.5, y=y, height=0.15,
                                   brush=RANGE, pen=pg.mkPen(None)))
        pi.addItem(pg.BarGraphItem(x0=mc.rank_p05 - 0.5, x1=mc.rank_p95 + 0.5, y=y, height=0.6,
                                   brush=BAR, pen=pg.mkPen(None)))
        pi.addItem(pg.ScatterPlotItem(x=mc.base_rank.astype(float), y=y, size=7, brush=NOW,
                                      pen=pg.mkPen("w")))
        self._state_axis(self.ranges_plot, mc.alternatives)
        pi.setLabel("bottom", "rank (1 = best): bar = 90 % of draws, line = best to worst, "
                    "dot = rank now")
        pi.setXRange(0.5, n + 0.5, padding=0)
        self._first_rows(pi, n)

    def _first_rows(self, pi: pg.PlotItem, n: int) -> None:
        """Show as many states as fit at a readable 16 px a row; drag or scroll for more."""
        rows = max(6, min(n, int(self.ranges_plot.height() / 16) or 12))
        pi.setYRange(-0.5, rows - 0.5, padding=0)

    def _show_acceptability(self, run: SensitivityRun) -> None:
        mc = run.mc
        pi = self.accept_plot.getPlotItem()
        pi.clear()
        img = pg.ImageItem(np.asarray(mc.acceptability, dtype=float).T)
        img.setLookupTable(ACCEPTABILITY_COLOURS.getLookupTable(nPts=256))
        img.setLevels((0.0, 1.0))
        img.setRect(0.5, -0.5, len(mc.alternatives), len(mc.alternatives))
        pi.addItem(img)
        self._state_axis(self.accept_plot, mc.alternatives)
        pi.setLabel("bottom", "rank (1 = best); darker = a larger share of draws at that rank")
        n = len(mc.alternatives)
        pi.setXRange(0.5, n + 0.5, padding=0)
        self._first_rows(pi, n)

    def _show_stability(self, run: SensitivityRun) -> None:
        ds = self.planner.dataset
        k = run.mc.top_k
        exact = run.result.method in ("wsm", "wpm")
        self.stability_note.setText(
            "For each weighted criterion: the range of its share of the total weight within "
            "which the first-ranked state stays first, and the top-"
            f"{k} stays the same, the other criteria keeping their proportions. "
            + ("Exact for this method." if exact else
               "TOPSIS: found numerically, to 0.01 percentage points."))
        self.stability_table.setHorizontalHeaderLabels(
            ["Criterion", "Share now", "First place holds", f"Top {k} holds"])
        self.stability_table.setRowCount(len(run.stability))
        for r, iv in enumerate(run.stability):
            cells = [wording.criterion_label(ds, iv.criterion), f"{100 * iv.share:.1f} %",
                     _pct(iv.top1), _pct(iv.top_k)]
            for c, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if c:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight
                                          | Qt.AlignmentFlag.AlignVCenter)
                self.stability_table.setItem(r, c, item)
        self.stability_table.resizeColumnsToContents()
        self.stability_table.horizontalHeader().setSectionResizeMode(
            0, QHeaderView.ResizeMode.Stretch)

    def _show_tornado(self) -> None:
        run = self.run_result
        pi = self.tornado_plot.getPlotItem()
        pi.clear()
        if run is None:
            return
        ds = self.planner.dataset
        code = self.planner.selected or (run.result.alternatives[0] if len(run.result) else None)
        if code is None or run.result.position(code) is None:
            name = ds.names.get(code, code) if code else ""
            self.tornado_note.setText(f"{name} is not ranked under the settings of this run, "
                                      "so it has no tornado." if code else "")
            return
        bars = tornado(run.result, code)
        base = int(run.result.ranks[run.result.position(code)])
        n = len(bars)
        y = np.arange(n, dtype=float)
        low = np.array([b.rank_low for b in bars], dtype=float)
        high = np.array([b.rank_high for b in bars], dtype=float)
        for ranks, colour in ((low, LOWER_WEIGHT), (high, BAR)):
            # From the rank now to the rank with the changed weight; a sliver where equal.
            x0 = np.minimum(ranks, base) - 0.1
            x1 = np.maximum(ranks, base) + 0.1
            pi.addItem(pg.BarGraphItem(x0=x0, x1=x1, y=y, height=0.6, brush=colour,
                                       pen=pg.mkPen(None)))
        pi.addItem(pg.InfiniteLine(pos=base, angle=90, pen=pg.mkPen(NOW, width=2)))
        # Ranks are whole numbers: ticks on whole ranks only.
        lo_rank = int(min(low.min(), high.min(), base)) - 1
        hi_rank = int(max(low.max(), high.max(), base)) + 1
        step = max(1, (hi_rank - lo_rank) // 10)
        pi.getAxis("bottom").setTicks(
            [[(r, str(r)) for r in range(max(1, lo_rank), hi_rank + 1, step)], []])
        labels = [(i, wording.criterion_label(ds, b.criterion)) for i, b in enumerate(bars)]
        axis = pi.getAxis("left")
        axis.setTicks([labels, []])
        axis.setWidth(min(220, 8 + 7 * max(len(t) for _, t in labels)))
        pi.invertY(True)
        pi.setYRange(-0.5, n - 0.5, padding=0.05)
        stale = " (stale: from the last run's settings)" if self.stale else ""
        self.tornado_note.setText(
            f"{ds.names.get(code, code)} ({code}), rank {base} now{stale}: its rank with each "
            "weight 50 % lower (light bar) and 50 % higher (dark bar); the line is its rank "
            "now, and a bar to the left of it means a better rank.")
