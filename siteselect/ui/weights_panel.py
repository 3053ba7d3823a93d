"""The weights panel: a row per criterion, the method choices, gates and exclusions.

Every edit goes through :meth:`Planner.set_settings`, the one setter: one undoable
:class:`~siteselect.ui.commands.SettingsCommand` (a slider drag is one undo step); the panel
redraws only from ``settings_changed`` and ``result_changed``, with its own signals blocked,
so it never feeds back into itself.

After a sensitivity run each weighted criterion's slider shows, as a tinted band behind its
groove, the span of that weight within which the first place holds (the run's stability
interval, converted from share of the total weight to the slider's points with the other
weights as they are).  The bands are hidden while the run is stale.
"""

from __future__ import annotations

import time
from dataclasses import replace
from html import escape

from PySide6.QtCore import QRect, QSize, Qt
from PySide6.QtGui import QColor, QPainter
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QSlider,
    QStyle,
    QStyleOptionSlider,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from siteselect.errors import SiteSelectError
from siteselect.model.criteria import Criterion
from siteselect.model.settings import ScoringSettings
from siteselect.scoring import (
    METHOD_NAMES,
    METHODS,
    MISSING_POLICIES,
    NORMALIZATIONS,
    Gate,
    parse_gate,
)
from siteselect.ui.commands import new_merge_key
from siteselect.ui.planner import Planner, SensitivityRun

SLIDER_STEPS_PER_POINT = 10
MAX_POINTS = 100
EQUAL_POINTS = 10.0
NORMALIZATION_NAMES = {
    "minmax": "Min-max (0 = worst, 1 = best)",
    "zscore": "Z-score (standard deviations)",
    "rank": "Rank (ordinal positions)",
    "vector": "Vector (x / \u2016x\u2016), as TOPSIS uses",
}
MISSING_NAMES = {
    "worst": "Score as the worst state",
    "mean": "Score as the average",
    "exclude": "Leave the state out",
}
#: Narrowest the criterion names may get before they wrap (pixels); keeps the panel narrow
#: enough that the map, not the controls, gets the window's width.
LABEL_MIN_WIDTH = 112
OP_TEXT = {"<=": "\u2264", ">=": "\u2265", "<": "<", ">": ">", "==": "="}


PRICE_TIP = ("Which electricity price the ranking weighs: the state's average industrial "
             "price (EIA), the same for every county of a state, or the county price proxy, "
             "computed from local figures (a proxy, not a tariff). The weight moves from one "
             "to the other.")


#: Datasets whose weight rows are kept for switching back (states, all counties, a state's).
ROW_CACHE_SIZE = 3


def price_pair(ds) -> tuple[str, str] | None:
    """(county criterion, its state counterpart) when the dataset has both, else None."""
    for crit in ds.criteria:
        other = getattr(crit, "counterpart", "") or ""
        if other and other in ds.criterion_ids:
            return crit.id, other
    return None


def criterion_tooltip(crit: Criterion, coverage: int | None = None, total: int = 51,
                      ds=None) -> str:
    p = crit.provenance
    better = "Lower is better" if crit.lower_is_better else "Higher is better"
    parts = [f"<b>{escape(crit.label)}</b> ({escape(crit.unit)}) &mdash; {better}",
             escape(crit.description)]
    if crit.encoding_note:
        parts.append("<i>Encoding:</i> " + escape(crit.encoding_note))
    if p:
        parts.append(f"<i>Source:</i> {escape(p.source)}, {escape(p.year)} ({escape(p.status)})")
        if p.url:
            parts.append(f"<i>URL:</i> {escape(p.url)}")
        elif crit.url_note:
            parts.append(f"<i>URL:</i> {escape(crit.url_note)}")
        if p.notes:
            parts.append(f"<i>Notes:</i> {escape(p.notes)}")
    if getattr(crit, "inherited", False):
        parts.append("<i>State figure:</i> every county of a state has its state's figure.")
    if p and "proxy" in p.status:
        parts.append("<i>A computed proxy, not a tariff.</i>")
    if coverage is not None:
        plural = ds.alternatives.plural if ds is not None else "states"
        parts.append(f"<i>Coverage:</i> {coverage:,} of {total:,} {plural}")
    return "<br>".join(parts)


def _compact(combo: QComboBox, chars: int = 12) -> None:
    """Let a combo box be narrower than its longest entry (the list still shows it whole)."""
    combo.setSizeAdjustPolicy(QComboBox.AdjustToMinimumContentsLengthWithIcon)
    combo.setMinimumContentsLength(chars)
    combo.setSizePolicy(QSizePolicy.Expanding, QSizePolicy.Fixed)
    combo.view().setMinimumWidth(combo.view().sizeHintForColumn(0) + 24)


def weight_shares(settings: ScoringSettings) -> dict[str, float]:
    """Each enabled criterion's part of the total points, from the settings themselves (so a
    weight just set to 0 never shows the share of the last result that could be scored)."""
    points = {c: p for c, p in settings.effective_points().items() if p > 0}
    total = sum(points.values())
    return {c: p / total for c, p in points.items()} if total > 0 else {}


def share_to_points(share: float, others: float) -> float:
    """The points that give a criterion ``share`` of the total weight when the other
    criteria hold ``others`` points: p = s R / (1 - s) (infinite at a share of 1)."""
    if share >= 1.0:
        return float("inf")
    return max(0.0, share) * others / (1.0 - share)


def _share_text(share: float) -> str:
    return f"{100 * share:.1f} %"


def _points_text(points: float) -> str:
    return "any weight above" if points == float("inf") else f"{points:.1f}"


def stability_bands(run: SensitivityRun, settings: ScoringSettings, names: dict[str, str]
                    ) -> dict[str, tuple[float, float, str]]:
    """Per weighted criterion: the span of its points (low, high; high may be infinite)
    within which the run's first place holds, and the text that explains it."""
    points = {c: p for c, p in settings.effective_points().items() if p > 0}
    total = sum(points.values())
    mc = run.mc
    if not mc.alternatives or total <= 0:
        return {}
    first = mc.alternatives[0]
    name = names.get(first, first)
    out: dict[str, tuple[float, float, str]] = {}
    for iv in run.stability:
        if iv.top1 is None or iv.criterion not in points:
            continue
        others = total - points[iv.criterion]
        if others <= 0:
            continue
        lo, hi = iv.top1
        p_lo, p_hi = share_to_points(lo, others), share_to_points(hi, others)
        top = (f"up to {_share_text(hi)}" if lo <= 0 else
               f"from {_share_text(lo)} to {_share_text(hi)}")
        span = (f"{p_lo:.1f} to {_points_text(p_hi)} points" if p_hi != float("inf")
                else f"{p_lo:.1f} points or more")
        text = (f"First place ({escape(name)}) holds {top} of the weight ({span}, the other "
                "weights as they are); the shaded band marks it.")
        if iv.top_k is not None:
            k_lo, k_hi = iv.top_k
            text += (f"<br>The top {mc.top_k} stays the same from {_share_text(k_lo)} to "
                     f"{_share_text(k_hi)}.")
        out[iv.criterion] = (p_lo, p_hi, text)
    return out


class StabilitySlider(QSlider):
    """A weight slider that can shade a span of its groove: where the first place holds."""

    BAND = QColor(33, 145, 140, 110)
    BAND_EDGE = QColor(33, 145, 140)

    def __init__(self, orientation: Qt.Orientation = Qt.Horizontal) -> None:
        super().__init__(orientation)
        self.band: tuple[float, float] | None = None  # in slider values (ticks)
        self.edges = (False, False)  # whether each end of the band is a real boundary
        self._base_tip = ""
        self._band_tip = ""

    def set_base_tooltip(self, text: str) -> None:
        self._base_tip = text
        self._update_tip()

    def set_band(self, band: tuple[float, float] | None, tip: str = "") -> None:
        """Shade ``band`` (low, high in slider values; clipped to the range, the high end
        may be infinite); None hides it.  An end is marked with a line only where the first
        place really changes, not where the slider's range cuts the band off."""
        edges = (False, False)
        if band is not None:
            lo, hi = float(self.minimum()), float(self.maximum())
            edges = (band[0] > lo, band[1] < hi)
            band = (max(lo, band[0]), min(hi, band[1]))
        if band == self.band and tip == self._band_tip and edges == self.edges:
            return
        self.band, self._band_tip, self.edges = band, tip, edges
        self._update_tip()
        self.update()

    def _update_tip(self) -> None:
        if self._band_tip and self.band is not None:
            self.setToolTip(f"<p>{escape(self._base_tip)}<br>{self._band_tip}</p>")
        else:
            self.setToolTip(self._base_tip)

    def band_rect(self) -> QRect | None:
        """The shaded part of the groove, in the slider's pixels (None without a band)."""
        if self.band is None:
            return None
        opt = QStyleOptionSlider()
        self.initStyleOption(opt)
        style = self.style()
        groove = style.subControlRect(QStyle.CC_Slider, opt, QStyle.SC_SliderGroove, self)
        handle = style.subControlRect(QStyle.CC_Slider, opt, QStyle.SC_SliderHandle, self)
        span = groove.width() - handle.width()
        x0 = groove.left() + handle.width() / 2

        def x(value: float) -> float:
            lo, hi = self.minimum(), self.maximum()
            return x0 + span * (value - lo) / (hi - lo) if hi > lo else x0

        left, right = x(self.band[0]), x(self.band[1])
        height = max(8, groove.height() + 4)
        top = self.rect().center().y() - height // 2
        return QRect(round(left), top, max(2, round(right - left)), height)

    def paintEvent(self, ev) -> None:
        rect = self.band_rect()
        if rect is None:
            super().paintEvent(ev)
            return
        # Groove, then the band over it, then the handle on top: the band is read against
        # the groove and never hides the handle.
        p = QPainter(self)
        opt = QStyleOptionSlider()
        self.initStyleOption(opt)
        style = self.style()
        opt.subControls = QStyle.SC_SliderGroove | QStyle.SC_SliderTickmarks
        style.drawComplexControl(QStyle.CC_Slider, opt, p, self)
        p.fillRect(rect, self.BAND)
        p.setPen(self.BAND_EDGE)
        if self.edges[0]:
            p.drawLine(rect.topLeft(), rect.bottomLeft())
        if self.edges[1]:
            p.drawLine(rect.topRight(), rect.bottomRight())
        self.initStyleOption(opt)
        opt.subControls = QStyle.SC_SliderHandle
        style.drawComplexControl(QStyle.CC_Slider, opt, p, self)
        p.end()


def gate_text(ds, gate: Gate) -> str:
    crit = ds.criterion(gate.criterion)
    value = crit.label_for(gate.threshold) if crit.encoding else None
    shown = value or crit.format_value(gate.threshold)
    return f"{crit.label} {OP_TEXT.get(gate.op, gate.op)} {shown}"


class WrapLabel(QLabel):
    """A wrapped label that is never given less height than its text needs at its width.

    Layouts inside tabs and docks do not ask a label for its height at the width it really
    gets; in a short window its last line was cut off (the gate hint ended at "no = 0.").
    """

    def __init__(self, text: str = "") -> None:
        super().__init__(text)
        self.setWordWrap(True)

    def minimumSizeHint(self) -> QSize:
        hint = super().minimumSizeHint()
        width = self.width() if self.width() > 0 else hint.width()
        return QSize(hint.width(), max(hint.height(), self.heightForWidth(width)))

    def setText(self, text: str) -> None:
        super().setText(text)
        self.updateGeometry()

    def resizeEvent(self, ev) -> None:
        super().resizeEvent(ev)
        if ev.oldSize().width() != ev.size().width():
            self.updateGeometry()


class _ClickableLabel(QLabel):
    """A criterion's name: wraps when the panel is narrow; a click toggles its box."""

    def __init__(self, text: str, box: QCheckBox) -> None:
        super().__init__(text)
        self._box = box
        self.setWordWrap(True)
        self.setMinimumWidth(LABEL_MIN_WIDTH)
        self.setSizePolicy(QSizePolicy.Expanding, QSizePolicy.Preferred)

    def mouseReleaseEvent(self, ev) -> None:
        if ev.button() == Qt.LeftButton and self.rect().contains(ev.position().toPoint()):
            self._box.toggle()
        super().mouseReleaseEvent(ev)

    def minimumSizeHint(self) -> QSize:
        # A grid does not ask a wrapped label for its height at its width: in a short
        # window the second line of a long name was cut off.
        hint = super().minimumSizeHint()
        width = self.width() if self.width() > 0 else hint.width()
        return QSize(hint.width(), max(hint.height(), self.heightForWidth(width)))

    def resizeEvent(self, ev) -> None:
        super().resizeEvent(ev)
        if ev.oldSize().width() != ev.size().width():
            self.updateGeometry()


class CriterionRow:
    """The widgets of one criterion: enable box, direction, slider, spin box and share."""

    def __init__(self, panel: WeightsPanelWidget, crit: Criterion, tooltip: str) -> None:
        self.panel = panel
        self.crit = crit
        self.enable = QCheckBox()
        self.enable.setToolTip(tooltip)
        self.enable.setAccessibleName(crit.label)
        # The name wraps onto a second line instead of widening the panel; a click on it
        # toggles the box, as a check box's own text would.
        self.label = _ClickableLabel(crit.label, self.enable)
        self.label.setToolTip(tooltip)
        self.direction = QLabel("\u25bc" if crit.lower_is_better else "\u25b2")
        self.direction.setToolTip(
            f"{'Lower' if crit.lower_is_better else 'Higher'} values are better ({crit.unit}).")
        self.direction.setStyleSheet("color: #555;")
        self.slider = StabilitySlider(Qt.Horizontal)
        self.slider.setRange(0, MAX_POINTS * SLIDER_STEPS_PER_POINT)
        self.slider.setSingleStep(SLIDER_STEPS_PER_POINT)
        self.slider.setPageStep(5 * SLIDER_STEPS_PER_POINT)
        self.slider.setMinimumWidth(40)
        self.slider.set_base_tooltip(
            f"Weight of {crit.label} in points; shares are points / total.")
        self.spin = QDoubleSpinBox()
        # Weights from the command line or a scenario may exceed the slider's 100 points.
        self.spin.setRange(0, 100 * MAX_POINTS)
        self.spin.setDecimals(1)
        self.spin.setSingleStep(1.0)
        self.spin.setKeyboardTracking(False)
        self.spin.setButtonSymbols(QDoubleSpinBox.NoButtons)
        self.spin.setAlignment(Qt.AlignRight)
        self.spin.setFixedWidth(46)
        self.spin.setToolTip(f"Weight of {crit.label} in points.")
        self.share = QLabel("\u2014")
        self.share.setMinimumWidth(34)
        self.share.setAlignment(Qt.AlignRight | Qt.AlignVCenter)
        self.share.setToolTip("Share of the total weight")
        self._drag_key: str | None = None
        self.enable.toggled.connect(self._toggled)
        self.slider.sliderPressed.connect(self._pressed)
        self.slider.sliderReleased.connect(self._released)
        self.slider.valueChanged.connect(self._slid)
        self.spin.valueChanged.connect(self._spun)
        self.spin.editingFinished.connect(self._spin_done)
        self._spin_key: str | None = None
        self._spin_last = 0.0

    def widgets(self) -> list[QWidget]:
        return [self.enable, self.label, self.direction, self.slider, self.spin, self.share]

    def show(self, settings: ScoringSettings, shares: dict[str, float]) -> None:
        """Reflect the settings; widgets whose value is unchanged are not touched (each
        touch repaints, and this runs on every slider move)."""
        w = float(settings.weights.get(self.crit.id, 0.0))
        on = self.crit.id not in settings.disabled
        ticks = round(w * SLIDER_STEPS_PER_POINT)
        for widget in self.widgets():
            widget.blockSignals(True)
        if self.enable.isChecked() != on:
            self.enable.setChecked(on)
        if self.slider.value() != ticks:
            self.slider.setValue(ticks)
        if self.spin.value() != round(w, 1):
            self.spin.setValue(w)
        if self.slider.isEnabled() != on:
            self.slider.setEnabled(on)
            self.spin.setEnabled(on)
        self.show_share(shares.get(self.crit.id))
        for widget in self.widgets():
            widget.blockSignals(False)

    def show_share(self, share: float | None) -> None:
        text = f"{share:.0%}" if share else "\u2014"
        if self.share.text() != text:
            self.share.setText(text)

    def _pressed(self) -> None:
        self._drag_key = new_merge_key(f"weight:{self.crit.id}")

    def _released(self) -> None:
        self._drag_key = None

    def _slid(self, value: int) -> None:
        self.panel.push_weight(self.crit, value / SLIDER_STEPS_PER_POINT, self._drag_key)

    #: Steps in a weight's number box less than this many seconds apart are one undo step.
    STEP_BURST_S = 1.5

    def _spun(self, value: float) -> None:
        # Ten presses of the Up key are one change to a planner, and one Ctrl+Z takes them
        # back; Enter, leaving the box or a pause starts the next one.
        now = time.monotonic()
        if self._spin_key is None or now - self._spin_last > self.STEP_BURST_S:
            self._spin_key = new_merge_key(f"weight-box:{self.crit.id}")
        self._spin_last = now
        self.panel.push_weight(self.crit, value, self._spin_key)

    def _spin_done(self) -> None:
        self._spin_key = None

    def _toggled(self, on: bool) -> None:
        s = self.panel.planner.settings
        disabled = set(s.disabled)
        (disabled.discard if on else disabled.add)(self.crit.id)
        self.panel.push(replace(s, disabled=frozenset(disabled)),
                        f"{'Enable' if on else 'Disable'} {self.crit.label}")


class WeightsPanelWidget(QWidget):
    """Weights, method, normalisation, missing-data policy, gates and exclusions."""

    def __init__(self, planner: Planner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.planner = planner
        ds = planner.dataset
        self.tabs = QTabWidget()
        lay = QVBoxLayout(self)
        lay.setContentsMargins(2, 2, 2, 2)
        lay.addWidget(self.tabs)

        # --- Weights tab ---
        weights_tab = QWidget()
        wl = QVBoxLayout(weights_tab)
        wl.setContentsMargins(4, 4, 4, 4)
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.AllNonFixedFieldsGrow)
        self.method_combo = QComboBox()
        for m in METHODS:
            name = METHOD_NAMES[m]
            self.method_combo.addItem(name[:1].upper() + name[1:], m)
        self.method_combo.setToolTip(
            "Weighted sum: points add up. Weighted product: a very weak criterion drags the "
            "score down more. TOPSIS: closeness to an ideal state (Hwang and Yoon).")
        self.norm_combo = QComboBox()
        for n in NORMALIZATIONS:
            self.norm_combo.addItem(NORMALIZATION_NAMES[n], n)
        self.norm_combo.setToolTip("How raw figures are put on a common scale before weighting "
                                   "(TOPSIS always uses vector normalisation).")
        self.missing_combo = QComboBox()
        for m in MISSING_POLICIES:
            self.missing_combo.addItem(MISSING_NAMES[m], m)
        self.missing_combo.setToolTip("What happens to a state whose figure is missing for a "
                                      "weighted criterion. Missing figures are never invented.")
        for combo in (self.method_combo, self.norm_combo, self.missing_combo):
            _compact(combo)
        form.addRow("Method", self.method_combo)
        form.addRow("Normalisation", self.norm_combo)
        form.addRow("Missing data", self.missing_combo)
        wl.addLayout(form)
        buttons = QHBoxLayout()
        self.equal_button = QPushButton("Equal Weights")
        self.equal_button.setToolTip("Give every enabled criterion that has a weight the same "
                                     f"weight ({EQUAL_POINTS:g} points).")
        self.default_button = QPushButton("Reset to Default")
        self.default_button.setToolTip("Restore the default weighting (see README: Default "
                                       "weighting) and enable every criterion.")
        self.equal_button.clicked.connect(self.equal_weights)
        self.default_button.clicked.connect(self.default_weights)
        buttons.addWidget(self.equal_button)
        buttons.addWidget(self.default_button)
        wl.addLayout(buttons)
        key = QLabel("\u25b2 higher is better, \u25bc lower is better. Weights are points; the "
                     "share is each criterion's part of the total.")
        key.setWordWrap(True)
        key.setStyleSheet("color: #555;")
        wl.addWidget(key)

        self.rows: dict[str, CriterionRow] = {}
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarAlwaysOff)
        scroll.setFrameShape(QScrollArea.NoFrame)
        self.weights_scroll = scroll
        self.price_box = QComboBox()
        self.price_box.setToolTip(PRICE_TIP)
        self.price_box.currentIndexChanged.connect(self._price_chosen)
        self.price_label = QLabel("Electricity price:")
        price_row = QHBoxLayout()
        price_row.addWidget(self.price_label)
        price_row.addWidget(self.price_box, 1)
        wl.addLayout(price_row)
        self._build_rows(ds)
        wl.addWidget(scroll, 1)
        self.tabs.addTab(weights_tab, "Weights")

        # --- Gates tab ---
        gates_tab = QWidget()
        gl = QVBoxLayout(gates_tab)
        gbox = QGroupBox("Thresholds")
        gbl = QVBoxLayout(gbox)
        rule = WrapLabel("A state must meet every threshold to be ranked.")
        rule.setStyleSheet("color: #555;")
        self.gate_rule = rule
        gbl.addWidget(rule)
        self.gate_list = QListWidget()
        self.gate_list.setToolTip("Hard gates on raw figures. A state with a missing figure "
                                  "cannot pass a gate on it.")
        self.gate_list.setSelectionMode(QAbstractItemView.ExtendedSelection)
        gbl.addWidget(self.gate_list)
        add = QHBoxLayout()
        self.gate_criterion = QComboBox()
        for crit in ds.criteria:
            self.gate_criterion.addItem(crit.label, crit.id)
        self.gate_criterion.setToolTip("Criterion of the new gate")
        _compact(self.gate_criterion)
        self.gate_op = QComboBox()
        for op in ("<=", ">=", "<", ">", "=="):
            self.gate_op.addItem(OP_TEXT[op], op)
        self.gate_op.setToolTip("Comparison")
        self.gate_value = QLineEdit()
        self.gate_value.setPlaceholderText("value")
        self.gate_value.setMinimumWidth(64)
        self.gate_value.setToolTip("Threshold: a number in the criterion's unit, or a category "
                                   "name for categorical criteria (e.g. limited)")
        self.gate_value.returnPressed.connect(self.add_gate_from_form)
        self.gate_criterion.currentIndexChanged.connect(self._gate_hint)
        self.gate_add = QPushButton("Add")
        self.gate_add.setToolTip("Add the threshold as a hard gate")
        self.gate_add.clicked.connect(self.add_gate_from_form)
        # Criterion on a line of its own, comparison and value below: the panel stays narrow.
        gbl.addWidget(self.gate_criterion)
        add.addWidget(self.gate_op)
        add.addWidget(self.gate_value, 1)
        add.addWidget(self.gate_add)
        gbl.addLayout(add)
        self.gate_hint = WrapLabel()
        self.gate_hint.setStyleSheet("color: #555;")
        gbl.addWidget(self.gate_hint)
        self.gate_message = WrapLabel()
        self.gate_message.setStyleSheet("color: #b00020;")
        gbl.addWidget(self.gate_message)
        self.gate_remove = QPushButton("Remove Selected Gates")
        self.gate_remove.setToolTip("Remove the selected gates")
        self.gate_remove.clicked.connect(self.remove_selected_gates)
        gbl.addWidget(self.gate_remove)
        gl.addWidget(gbox, 1)
        ebox = QGroupBox("Excluded states (never ranked)")
        self.exclude_box = ebox
        ebl = QVBoxLayout(ebox)
        self.exclude_list = QListWidget()
        self.exclude_list.setUniformItemSizes(True)
        self._fill_exclusions(ds)
        self.exclude_list.itemChanged.connect(self._exclusion_toggled)
        ebl.addWidget(self.exclude_list)
        gl.addWidget(ebox, 1)
        self.tabs.addTab(gates_tab, "Gates && Exclusions")

        self.method_combo.currentIndexChanged.connect(self._method_chosen)
        self.norm_combo.currentIndexChanged.connect(self._norm_chosen)
        self.missing_combo.currentIndexChanged.connect(self._missing_chosen)
        self._shown_gates: tuple | None = ()
        self._pending_exclusions = None
        self.tabs.currentChanged.connect(self._fill_pending)
        planner.dataset_changed.connect(self._rebuild)
        planner.settings_changed.connect(self.show_settings)
        planner.result_changed.connect(self._show_shares)
        # A band is right only for the settings of its run: shown after a run, hidden while
        # the run is stale (no work on a slider move otherwise).
        planner.sensitivity_changed.connect(self.show_stability_bands)
        planner.sensitivity_stale_changed.connect(self.show_stability_bands)
        self._gate_hint()
        self.show_settings(planner.settings)
        self.show_stability_bands()

    def _build_rows(self, ds) -> None:
        """One row per criterion of ``ds`` under its group's heading (rebuilt when the
        planner's dataset changes, e.g. from states to counties; the rows of the last few
        datasets are kept, so switching back and forth builds nothing)."""
        key = (ds.level, ds.scope, ds.version)
        scroll = self.weights_scroll
        cache = self.__dict__.setdefault("_row_cache", {})
        if key in cache:
            current = scroll.takeWidget()
            host, rows = cache[key]
            if current is not None and current is not host:
                current.hide()
            scroll.setWidget(host)
            host.show()
            self.rows = rows
            self._price_box_for(ds)
            return
        grid_host = QWidget()
        grid = QGridLayout(grid_host)
        grid.setContentsMargins(2, 2, 2, 2)
        grid.setHorizontalSpacing(4)
        grid.setVerticalSpacing(2)
        grid.setColumnStretch(1, 4)
        grid.setColumnStretch(3, 3)
        header = ["", "Criterion", "", "Weight", "Points", "Share"]
        for c, h in enumerate(header):
            if h:
                grid.addWidget(QLabel(f"<b>{h}</b>"), 0, c)
        self.rows = {}
        r = 1
        group = None
        for crit in ds.criteria:
            if crit.group != group:
                group = crit.group
                g = QLabel(f"<span style='color:#335'><b>{escape(group)}</b></span>")
                grid.addWidget(g, r, 0, 1, 6)
                r += 1
            row = CriterionRow(self, crit, criterion_tooltip(crit, ds.coverage(crit.id),
                                                             len(ds.states), ds))
            for c, widget in enumerate(row.widgets()):
                grid.addWidget(widget, r, c)
            self.rows[crit.id] = row
            r += 1
        grid.setRowStretch(r, 1)
        old = scroll.takeWidget()
        kept = {id(h) for h, _rows in cache.values()}
        if old is not None and id(old) not in kept:
            old.deleteLater()
        elif old is not None:
            old.setParent(self)  # kept for a switch back; owned by the panel meanwhile
            old.hide()
        cache[key] = (grid_host, self.rows)
        while len(cache) > ROW_CACHE_SIZE:
            stale_host, _rows = cache.pop(next(iter(cache)))
            if stale_host is not grid_host:
                stale_host.deleteLater()
        scroll.setWidget(grid_host)
        # Without a horizontal scroll bar nothing else stops the dock from squeezing the rows
        # (Points and Share were cut off): the area is never narrower than the rows need
        # beside the vertical scroll bar.
        scroll.setMinimumWidth(grid_host.minimumSizeHint().width()
                               + scroll.verticalScrollBar().sizeHint().width())
        self._price_box_for(ds)

    def _price_box_for(self, ds) -> None:
        self._price_pair = price_pair(ds)
        shown = self._price_pair is not None
        self.price_box.blockSignals(True)
        self.price_box.clear()
        if shown:
            county, state = self._price_pair
            self.price_box.addItem("State average (EIA)", state)
            self.price_box.addItem("County proxy (computed, not a tariff)", county)
        self.price_box.blockSignals(False)
        self.price_box.setVisible(shown)
        self.price_label.setVisible(shown)

    def show_criterion(self, cid: str) -> bool:
        """Bring a criterion's row into view with its points box focused; False if the places
        shown have no such criterion."""
        row = self.rows.get(cid)
        if row is None:
            return False
        self.tabs.setCurrentIndex(0)
        self.weights_scroll.ensureWidgetVisible(row.spin)
        row.spin.setFocus()
        return True

    def _rebuild(self, ds) -> None:
        """The planner shows another set of places: criteria, gate choices and the places
        that can be excluded follow."""
        self._build_rows(ds)
        self.gate_criterion.blockSignals(True)
        self.gate_criterion.clear()
        for crit in ds.criteria:
            self.gate_criterion.addItem(crit.label, crit.id)
        self.gate_criterion.blockSignals(False)
        # Thousands of counties: the list is filled when its tab is first shown.
        self._pending_exclusions = ds
        if self.tabs.currentIndex() == 1:
            self._fill_pending()
        else:
            self.exclude_list.clear()
            self._exclude_items = {}
        self._shown_gates = None
        self._gate_hint()

    def _fill_pending(self, *_args) -> None:
        ds = self._pending_exclusions
        if ds is not None and self.tabs.currentIndex() == 1:
            self._pending_exclusions = None
            self._fill_exclusions(ds)
            self._shown_excluded = frozenset()
            self._show_exclusions(self.planner.settings)

    def _fill_exclusions(self, ds) -> None:
        word, plural = ds.alternatives.word, ds.alternatives.plural
        self.exclude_box.setTitle(f"Excluded {plural} (never ranked)")
        self.exclude_list.setToolTip(f"Tick a {word} to leave it out of the ranking.")
        self.gate_rule.setText(f"A {word} must meet every threshold to be ranked.")
        self.exclude_list.blockSignals(True)
        self.exclude_list.clear()
        self._exclude_items: dict[str, QListWidgetItem] = {}
        for code in sorted(ds.states, key=lambda c: ds.names[c]):
            item = QListWidgetItem(f"{ds.names[code]} ({code})")
            item.setData(Qt.UserRole, code)
            item.setFlags(item.flags() | Qt.ItemIsUserCheckable)
            item.setCheckState(Qt.Unchecked)
            self.exclude_list.addItem(item)
            self._exclude_items[code] = item
        self.exclude_list.blockSignals(False)
        self._shown_excluded: frozenset[str] = frozenset()

    def _show_exclusions(self, settings: ScoringSettings) -> None:
        """Tick the excluded places (only the boxes that change)."""
        excl = frozenset(settings.exclude)
        self.exclude_list.blockSignals(True)
        for code in excl ^ self._shown_excluded:
            item = self._exclude_items.get(code)
            if item is not None:
                item.setCheckState(Qt.Checked if code in excl else Qt.Unchecked)
        self.exclude_list.blockSignals(False)
        self._shown_excluded = excl

    def _price_chosen(self, _i: int) -> None:
        """Weigh the state average or the county proxy: the weight moves to the chosen one
        (one undo step)."""
        if self._price_pair is None:
            return
        chosen = self.price_box.currentData()
        other = next(c for c in self._price_pair if c != chosen)
        s = self.planner.settings
        w = dict(s.weights)
        points = float(w.get(other, 0.0)) if other not in s.disabled else 0.0
        if points <= 0:  # nothing to move: the box keeps showing the weighted one
            self._show_price_choice(s)
            return
        w[chosen] = float(w.get(chosen, 0.0)) + points
        w[other] = 0.0
        label = self.planner.dataset.criterion(chosen).label
        self.push(replace(s, weights=w, disabled=frozenset(s.disabled - {chosen})),
                  f"Electricity price: {label}")

    def _show_price_choice(self, settings: ScoringSettings) -> None:
        if self._price_pair is None:
            return
        eff = settings.effective_points()
        county, state = self._price_pair
        use = county if eff.get(county, 0.0) > eff.get(state, 0.0) else state
        i = self.price_box.findData(use)
        if self.price_box.currentIndex() != i:
            self.price_box.blockSignals(True)
            self.price_box.setCurrentIndex(i)
            self.price_box.blockSignals(False)

    # -- pushing edits -------------------------------------------------------------------------
    def push(self, settings: ScoringSettings, text: str, merge_key: str | None = None) -> None:
        self.planner.set_settings(settings, text, merge_key)

    def push_weight(self, crit: Criterion, points: float, merge_key: str | None) -> None:
        self.push(self.planner.settings.with_weight(crit.id, float(points)),
                  f"Weight of {crit.label}", merge_key)

    def equal_weights(self) -> None:
        s = self.planner.settings
        active = [c for c, w in s.weights.items() if w > 0 and c not in s.disabled]
        if not active:
            active = [c for c in self.planner.dataset.criterion_ids if c not in s.disabled]
        weights = dict(s.weights)
        for c in active:
            weights[c] = EQUAL_POINTS
        self.push(replace(s, weights=weights), "Equal weights")

    def default_weights(self) -> None:
        default = ScoringSettings(level=self.planner.settings.level)
        self.push(replace(self.planner.settings, weights=dict(default.weights),
                          disabled=frozenset()), "Reset weights to default")

    def _method_chosen(self, _i: int) -> None:
        m = self.method_combo.currentData()
        self.push(replace(self.planner.settings, method=m), f"Method: {METHOD_NAMES[m]}")

    def _norm_chosen(self, _i: int) -> None:
        n = self.norm_combo.currentData()
        self.push(replace(self.planner.settings, normalization=n), f"Normalisation: {n}")

    def _missing_chosen(self, _i: int) -> None:
        m = self.missing_combo.currentData()
        self.push(replace(self.planner.settings, missing=m), f"Missing data: {m}")

    def add_gate(self, gate: Gate) -> None:
        s = self.planner.settings
        if gate in s.gates:
            return
        self.push(replace(s, gates=tuple(s.gates) + (gate,)),
                  f"Gate {gate_text(self.planner.dataset, gate)}")

    def add_gate_from_form(self) -> None:
        cid = self.gate_criterion.currentData()
        text = f"{cid}{self.gate_op.currentData()}{self.gate_value.text().strip()}"
        try:
            crit = self.planner.dataset.criterion(cid)
            raw = self.gate_value.text().strip()
            if crit.encoding and raw in crit.encoding:
                gate = Gate(cid, self.gate_op.currentData(), crit.encoding[raw])
            else:
                gate = parse_gate(text)
        except SiteSelectError as exc:
            self.gate_message.setText(exc.message)
            return
        self.gate_message.clear()
        self.gate_value.clear()
        self.add_gate(gate)

    def remove_selected_gates(self) -> None:
        s = self.planner.settings
        drop = {self.gate_list.row(i) for i in self.gate_list.selectedItems()}
        if not drop:
            return
        gates = tuple(g for i, g in enumerate(s.gates) if i not in drop)
        self.push(replace(s, gates=gates), "Remove gate" + ("s" if len(drop) > 1 else ""))

    def _exclusion_toggled(self, item: QListWidgetItem) -> None:
        code = item.data(Qt.UserRole)
        s = self.planner.settings
        excl = set(s.exclude)
        if item.checkState() == Qt.Checked:
            excl.add(code)
            text = f"Exclude {code}"
        else:
            excl.discard(code)
            text = f"Include {code}"
        self.push(replace(s, exclude=tuple(excl)), text)

    def _gate_hint(self, *_args) -> None:
        crit = self.planner.dataset.criterion(self.gate_criterion.currentData())
        if crit.encoding:
            cats = ", ".join(f"{k} = {v:g}" for k, v in crit.encoding.items())
            self.gate_hint.setText(f"Categories: {cats}. Type a number or a category.")
        else:
            vals = self.planner.dataset.column_values(crit)
            ok = vals[~(vals != vals)]
            rng = (f"; figures range {crit.format_value(float(ok.min()))} to "
                   f"{crit.format_value(float(ok.max()))}") if ok.size else ""
            self.gate_hint.setText(f"Unit: {crit.unit}{rng}.")

    # -- showing the state ------------------------------------------------------------------
    def show_settings(self, settings: ScoringSettings) -> None:
        shares = weight_shares(settings)
        for row in self.rows.values():
            row.show(settings, shares)
        topsis = settings.method == "topsis"
        self._show_vector_entry(topsis)
        for combo, value in ((self.method_combo, settings.method),
                             (self.norm_combo, "vector" if topsis else settings.normalization),
                             (self.missing_combo, settings.missing)):
            combo.blockSignals(True)
            combo.setCurrentIndex(combo.findData(value))
            combo.blockSignals(False)
        self.norm_combo.setEnabled(not topsis)
        self._show_price_choice(settings)
        if (settings.gates, settings.exclude) == self._shown_gates:
            return
        self._shown_gates = (settings.gates, settings.exclude)
        self.gate_list.clear()
        for g in settings.gates:
            item = QListWidgetItem(gate_text(self.planner.dataset, g))
            item.setToolTip(f"{g} (a {self.planner.dataset.alternatives.word} failing it, or "
                            "without the figure, is not ranked)")
            self.gate_list.addItem(item)
        self._show_exclusions(settings)

    def _show_vector_entry(self, shown: bool) -> None:
        """TOPSIS always uses vector normalisation: the (disabled) box says so, instead of
        showing the normalisation the other methods would use."""
        combo = self.norm_combo
        i = combo.findData("vector")
        combo.blockSignals(True)
        if shown and i < 0:
            combo.addItem(NORMALIZATION_NAMES["vector"], "vector")
        elif not shown and i >= 0:
            combo.removeItem(i)
        combo.blockSignals(False)

    def show_stability_bands(self, *_args) -> None:
        """Shade each weighted criterion's first-place span, or hide every band."""
        st = self.planner
        run = st.sensitivity
        bands = ({} if run is None or st.sensitivity_stale else
                 stability_bands(run, st.settings, st.dataset.names))
        for cid, row in self.rows.items():
            band = bands.get(cid)
            if band is None:
                row.slider.set_band(None)
            else:
                lo, hi, tip = band
                row.slider.set_band((lo * SLIDER_STEPS_PER_POINT, hi * SLIDER_STEPS_PER_POINT),
                                    tip)

    def _show_shares(self, _result=None) -> None:
        shares = weight_shares(self.planner.settings)
        for cid, row in self.rows.items():
            row.show_share(shares.get(cid))
