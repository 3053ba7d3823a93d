"""Weights > From Pairwise Comparisons..., From Ranking..., Objective Weights...

Each dialog derives shares for a chosen set of criteria and, on OK, puts them on the sliders
as one undoable step (every other criterion at 0).  The math is the Qt-free
:mod:`siteselect.scoring.weighting`; the dialogs only collect the judgments and show the
result live (weights, and for pairwise comparisons the consistency ratio with the least
consistent judgment highlighted).
"""

from __future__ import annotations

import itertools
import math

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from siteselect.derived_weights import OBJECTIVE_DESCRIPTIONS, objective_weights, with_shares
from siteselect.errors import SiteSelectError
from siteselect.model import wording
from siteselect.model.settings import WeightOrigin
from siteselect.scoring.weighting import (
    CR_LIMIT,
    RANDOM_INDEX,
    RANDOM_INDEX_NAME,
    Judgment,
    ahp,
    rank_order_centroid,
    rank_sum,
)
from siteselect.ui.planner import Planner

WORST = QColor(255, 226, 200)
#: Saaty's scale, with the in-between values.
SCALE = [(9, "extremely"), (8, "very strongly to extremely"), (7, "very strongly"),
         (6, "strongly to very strongly"), (5, "strongly"), (4, "moderately to strongly"),
         (3, "moderately"), (2, "slightly")]


def _criteria_list(planner: Planner, checked: set[str]) -> QListWidget:
    """Every criterion with a check box; ``checked`` ticked."""
    lw = QListWidget()
    for crit in planner.dataset.criteria:
        item = QListWidgetItem(crit.label)
        item.setData(Qt.ItemDataRole.UserRole, crit.id)
        item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
        item.setCheckState(Qt.CheckState.Checked if crit.id in checked
                           else Qt.CheckState.Unchecked)
        lw.addItem(item)
    return lw


def _checked(lw: QListWidget) -> list[str]:
    return [lw.item(i).data(Qt.ItemDataRole.UserRole) for i in range(lw.count())
            if lw.item(i).checkState() == Qt.CheckState.Checked]


def _weighted(planner: Planner) -> list[str]:
    return [c for c in planner.dataset.criterion_ids if c in planner.result.weights]


class _WeightsDialog(QDialog):
    """Common frame: a body, a weights preview, a message line and OK / Cancel."""

    title = ""

    def __init__(self, planner: Planner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.planner = planner
        self.shares: dict[str, float] = {}
        self.setWindowTitle(self.title)
        self.preview = QTableWidget(0, 2)
        self.preview.setHorizontalHeaderLabels(["Criterion", "Share"])
        self.preview.verticalHeader().setVisible(False)
        self.preview.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.preview.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.message = QLabel("")
        self.message.setWordWrap(True)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                        | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Apply to Sliders")
        self.buttons.accepted.connect(self.apply)
        self.buttons.rejected.connect(self.reject)
        self.resize(760, 520)

    def _layout(self, body: QWidget) -> None:
        row = QHBoxLayout()
        row.addWidget(body, 3)
        right = QVBoxLayout()
        right.addWidget(QLabel("Resulting weights (other criteria get 0):"))
        right.addWidget(self.preview)
        holder = QWidget()
        holder.setLayout(right)
        holder.setMaximumWidth(320)
        row.addWidget(holder, 1)
        outer = QVBoxLayout(self)
        outer.addLayout(row, 1)
        outer.addWidget(self.message)
        outer.addWidget(self.buttons)

    def show_shares(self, shares: dict[str, float], error: str | None = None) -> None:
        self.shares = {} if error else shares
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setEnabled(bool(self.shares))
        rows = sorted(self.shares.items(), key=lambda kv: -kv[1])
        self.preview.setRowCount(len(rows))
        for r, (cid, w) in enumerate(rows):
            self.preview.setItem(r, 0, QTableWidgetItem(
                wording.criterion_label(self.planner.dataset, cid)))
            item = QTableWidgetItem(f"{100 * w:.1f} %")
            item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            self.preview.setItem(r, 1, item)
        if error:
            self.message.setText(f"<span style='color:#a33'>{error}</span>")

    def description(self) -> str:
        return self.title

    def origin(self) -> WeightOrigin | None:
        """How the shown shares were derived (recorded with the settings)."""
        return None

    def apply(self) -> None:
        if not self.shares:
            return
        try:
            settings = with_shares(self.planner.dataset, self.planner.settings, self.shares,
                                   origin=self.origin())
        except SiteSelectError as exc:
            self.message.setText(f"<span style='color:#a33'>{exc.message}</span>")
            return
        self.planner.set_settings(settings, self.description())
        self.accept()


# -- pairwise comparisons (AHP) -----------------------------------------------------------------
def _judgment_choices(a: str, b: str) -> list[tuple[str, float]]:
    """Combo entries from 'a extremely more important' (left) to 'b extremely more important'.

    The pair's names stand either side of the combo, as on a paper AHP questionnaire: the
    arrow points at the criterion that matters more.
    """
    out = [(f"◀ {v}: {words} more", float(v)) for v, words in SCALE]
    out.append(("1: equally important", 1.0))
    out += [(f"{words} more: {v} ▶", 1.0 / v) for v, words in reversed(SCALE)]
    return out


def choice_text(a: str, b: str, value: float) -> str:
    """A judgment in words: 'Energy cost moderately more important than Talent (3)'."""
    if math.isclose(value, 1.0):
        return f"{a} and {b} equally important (1)"
    hi, lo, v = (a, b, value) if value > 1 else (b, a, 1.0 / value)
    words = dict(SCALE).get(int(round(v)), "")
    return f"{hi} {words} more important than {lo} ({int(round(v))})"


class PairwiseDialog(_WeightsDialog):
    """One question per pair of the chosen criteria; live weights and consistency ratio."""

    title = "Weights from Pairwise Comparisons"

    def __init__(self, planner: Planner, parent: QWidget | None = None) -> None:
        super().__init__(planner, parent)
        self.items = _weighted(planner)[: max(RANDOM_INDEX)]
        self.criteria = _criteria_list(planner, set(self.items))
        self.criteria.itemChanged.connect(self._criteria_changed)
        self.table = QTableWidget(0, 3)
        self.table.setHorizontalHeaderLabels(["", "Which matters more?", ""])
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        self.table.verticalHeader().setVisible(False)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.cr_label = QLabel("")
        self.cr_label.setWordWrap(True)
        body = QWidget()
        bl = QVBoxLayout(body)
        bl.setContentsMargins(0, 0, 0, 0)
        top = QHBoxLayout()
        pick = QVBoxLayout()
        pick.addWidget(QLabel(f"Criteria to compare (2 to {max(RANDOM_INDEX)}):"))
        pick.addWidget(self.criteria)
        top.addLayout(pick, 1)
        judge = QVBoxLayout()
        judge.addWidget(self.table)
        top.addLayout(judge, 3)
        bl.addLayout(top, 1)
        bl.addWidget(self.cr_label)
        self._layout(body)
        self.resize(1180, 600)
        self._rebuild()

    def _criteria_changed(self, _item: QListWidgetItem) -> None:
        self.items = _checked(self.criteria)
        self._rebuild()

    def _rebuild(self) -> None:
        ds = self.planner.dataset
        self.pairs = list(itertools.combinations(self.items, 2))
        self.table.setRowCount(len(self.pairs))
        self.combos: list[QComboBox] = []
        for r, (a, b) in enumerate(self.pairs):
            la, lb = wording.criterion_label(ds, a), wording.criterion_label(ds, b)
            combo = QComboBox()
            for text, value in _judgment_choices(la, lb):
                combo.addItem(text, value)
            combo.setCurrentIndex(len(SCALE))  # equally important
            combo.setToolTip(f"{la} versus {lb}")
            combo.currentIndexChanged.connect(self.recompute)
            left = QTableWidgetItem(la)
            left.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            self.table.setItem(r, 0, left)
            self.table.setCellWidget(r, 1, combo)
            self.table.setItem(r, 2, QTableWidgetItem(lb))
            self.combos.append(combo)
        self.recompute()

    def set_judgment(self, a: str, b: str, value: float) -> None:
        """Set ``a`` to ``value`` times as important as ``b`` (used by tests and scripts)."""
        for (x, y), combo in zip(self.pairs, self.combos, strict=True):
            if {x, y} == {a, b}:
                want = value if x == a else 1.0 / value
                for i in range(combo.count()):
                    if math.isclose(combo.itemData(i), want):
                        combo.setCurrentIndex(i)
                        return
        raise KeyError((a, b))

    def judgments(self) -> list[Judgment]:
        return [Judgment(a, b, float(c.currentData()))
                for (a, b), c in zip(self.pairs, self.combos, strict=True)]

    def recompute(self) -> None:
        for r in range(self.table.rowCount()):
            self.table.cellWidget(r, 1).setStyleSheet("")
        if len(self.items) < 2:
            self.cr_label.setText("")
            self.show_shares({}, "Tick at least two criteria to compare.")
            return
        if len(self.items) > max(RANDOM_INDEX):
            self.show_shares({}, f"At most {max(RANDOM_INDEX)} criteria can be compared.")
            return
        try:
            r = ahp(self.items, self.judgments())
        except SiteSelectError as exc:
            self.show_shares({}, exc.message)
            return
        self.result = r
        self.message.setText("")
        self.show_shares(dict(zip(self.items, r.weights.tolist(), strict=True)))
        if r.cr is None:
            self.cr_label.setText("Two criteria are always consistent.")
            return
        verdict = ("consistent" if r.consistent else
                   f"<b style='color:#a33'>not consistent</b> (above {CR_LIMIT:.2f})")
        text = (f"Consistency ratio <b>{r.cr:.3f}</b>: {verdict}. "
                f"(\u03bbmax {r.lambda_max:.3f}, CI {r.ci:.3f}, RI {r.random_index:.2f}, "
                f"{RANDOM_INDEX_NAME}.)")
        if r.worst is not None and not r.consistent:
            ds = self.planner.dataset
            i = next(k for k, p in enumerate(self.pairs) if {r.worst.a, r.worst.b} == set(p))
            self.table.cellWidget(i, 1).setStyleSheet(
                f"background-color: {QColor(WORST).name()};")
            self.table.scrollToItem(self.table.item(i, 0))
            a, b = self.pairs[i]
            fit = r.suggested if r.worst.a == a else 1.0 / r.suggested
            la, lb = wording.criterion_label(ds, a), wording.criterion_label(ds, b)
            text += (f"<br>Least consistent answer (highlighted): "
                     f"{choice_text(la, lb, float(self.combos[i].currentData()))}; "
                     f"\u201c{choice_text(la, lb, fit)}\u201d would fit the others (CR "
                     f"{r.cr_if_changed:.3f}).")
        self.cr_label.setText(text)

    def description(self) -> str:
        return "Weights from pairwise comparisons"

    def origin(self) -> WeightOrigin | None:
        r = getattr(self, "result", None)
        if r is None or not self.shares:
            return None
        return WeightOrigin("ahp", tuple(self.shares.items()),
                            tuple(str(j) for j in self.judgments()), r.cr)


# -- rank order -------------------------------------------------------------------------------
class RankingDialog(_WeightsDialog):
    """Order the criteria, most important first; rank-order centroid or rank-sum weights."""

    title = "Weights from a Ranking"

    def __init__(self, planner: Planner, parent: QWidget | None = None) -> None:
        super().__init__(planner, parent)
        ds = planner.dataset
        current = sorted(_weighted(planner), key=lambda c: -planner.result.weights[c])
        self.order = QListWidget()
        self.order.setDragDropMode(QAbstractItemView.DragDropMode.InternalMove)
        for cid in current:
            item = QListWidgetItem(wording.criterion_label(ds, cid))
            item.setData(Qt.ItemDataRole.UserRole, cid)
            self.order.addItem(item)
        self.order.model().rowsMoved.connect(lambda *_a: self.recompute())
        self.method = QComboBox()
        self.method.addItem("Rank-order centroid", "roc")
        self.method.addItem("Rank sum", "rank-sum")
        self.method.currentIndexChanged.connect(self.recompute)
        up, down = QPushButton("Move Up"), QPushButton("Move Down")
        up.clicked.connect(lambda: self.move(-1))
        down.clicked.connect(lambda: self.move(1))
        body = QWidget()
        bl = QVBoxLayout(body)
        bl.setContentsMargins(0, 0, 0, 0)
        bl.addWidget(QLabel("Drag the weighted criteria into order, most important first:"))
        bl.addWidget(self.order, 1)
        buttons = QHBoxLayout()
        buttons.addWidget(up)
        buttons.addWidget(down)
        buttons.addStretch(1)
        buttons.addWidget(QLabel("Method"))
        buttons.addWidget(self.method)
        bl.addLayout(buttons)
        self._layout(body)
        self.recompute()

    def ids(self) -> list[str]:
        return [self.order.item(i).data(Qt.ItemDataRole.UserRole)
                for i in range(self.order.count())]

    def move(self, step: int) -> None:
        row = self.order.currentRow()
        new = row + step
        if row < 0 or not 0 <= new < self.order.count():
            return
        item = self.order.takeItem(row)
        self.order.insertItem(new, item)
        self.order.setCurrentRow(new)
        self.recompute()

    def recompute(self) -> None:
        ids = self.ids()
        if not ids:
            self.show_shares({}, "No criterion has weight: weight some first.")
            return
        fn = rank_order_centroid if self.method.currentData() == "roc" else rank_sum
        self.message.setText("Rank-order centroid: w\u1d62 = (1/n) \u03a3\u2096\u208c\u1d62\u207f"
                             " 1/k. Rank sum: w\u1d62 = 2(n + 1 \u2212 i) / (n(n + 1)).")
        self.show_shares(dict(zip(ids, fn(len(ids)).tolist(), strict=True)))

    def description(self) -> str:
        return f"Weights from a ranking ({self.method.currentText().lower()})"

    def origin(self) -> WeightOrigin | None:
        return WeightOrigin(self.method.currentData(),
                            tuple((c, self.shares[c]) for c in self.ids()))


# -- objective weights ------------------------------------------------------------------------
class ObjectiveDialog(_WeightsDialog):
    """Entropy or CRITIC weights from the figures of the ranked states."""

    title = "Objective Weights"

    def __init__(self, planner: Planner, parent: QWidget | None = None) -> None:
        super().__init__(planner, parent)
        self.method = QComboBox()
        self.method.addItem("Entropy", "entropy")
        self.method.addItem("CRITIC", "critic")
        self.method.currentIndexChanged.connect(self.recompute)
        self.criteria = _criteria_list(planner, set(_weighted(planner)))
        self.criteria.itemChanged.connect(lambda _i: self.recompute())
        self.about = QLabel("")
        self.about.setWordWrap(True)
        body = QWidget()
        bl = QVBoxLayout(body)
        bl.setContentsMargins(0, 0, 0, 0)
        row = QHBoxLayout()
        row.addWidget(QLabel("Method"))
        row.addWidget(self.method, 1)
        bl.addLayout(row)
        bl.addWidget(self.about)
        bl.addWidget(QLabel("Criteria:"))
        bl.addWidget(self.criteria, 1)
        self._layout(body)
        self.recompute()

    def recompute(self) -> None:
        method = self.method.currentData()
        ids = _checked(self.criteria)
        what_if = (" (your what-if figures included)" if self.planner.settings.overrides
                   else "")
        self.about.setText(f"Computed from the figures{what_if} of the states ranked under the "
                           f"current gates and exclusions: {OBJECTIVE_DESCRIPTIONS[method]}.")
        try:
            w, states = objective_weights(self.planner.dataset, self.planner.settings, ids, method)
        except SiteSelectError as exc:
            self.show_shares({}, exc.message)
            return
        self.message.setText(f"From the figures of {states} states.")
        self.states = states
        self.show_shares(dict(zip(ids, np.asarray(w).tolist(), strict=True)))

    def description(self) -> str:
        return f"Objective weights ({self.method.currentText()})"

    def origin(self) -> WeightOrigin | None:
        return WeightOrigin(self.method.currentData(), tuple(self.shares.items()),
                            states=getattr(self, "states", None))
