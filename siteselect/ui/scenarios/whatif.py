"""The What-if Values dialog: replace single figures, e.g. Texas at 5.0 cents/kWh.

The dialog edits a copy of the scenario's what-if overrides; OK hands them to the planner
state as one undoable settings change (so the scenario shows as modified and Save keeps
them).  Every overridden figure is then marked "(what-if)" wherever the window shows it, and
the exports list it.
"""

from __future__ import annotations

from dataclasses import replace
from html import escape

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QStackedWidget,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from siteselect.errors import InputError
from siteselect.model.criteria import QUANTITY_CAP, Criterion
from siteselect.model.settings import NOTE_MAX, Override, what_if_problem
from siteselect.ui.planner import Planner

COLUMNS = ("State", "Criterion", "What-if value", "Published figure", "Note")


def valid_values_text(crit: Criterion) -> str:
    """The values a what-if figure of ``crit`` may take, as the form shows them."""
    if crit.is_categorical:
        return "One of: " + ", ".join(crit.encoding)
    lo, hi = crit.valid_range
    unit = f" {crit.unit}" if crit.unit else ""
    if lo is not None and (hi is None or hi >= QUANTITY_CAP):
        return f"Valid values: at least {lo:g}{unit}"
    if lo is None and hi is None:
        return "Valid values: any number"
    return f"Valid values: {crit.range_text()}{unit}"


class WhatIfDialog(QDialog):
    """List, add, replace and remove what-if values; OK applies them (one undo step)."""

    def __init__(self, planner: Planner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("What-if Values")
        self.resize(760, 460)
        self.planner = planner
        self.ds = planner.dataset
        self.overrides: list[Override] = list(planner.settings.overrides)

        intro = QLabel(
            "Replace one published figure for this scenario, e.g. a negotiated power price. "
            "What-if values are saved with the scenario, marked <i>(what-if)</i> wherever the "
            "figure is shown, and listed in every export.")
        intro.setWordWrap(True)
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QAbstractItemView.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SingleSelection)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.remove_button = QPushButton("Remove")
        self.remove_button.setToolTip("Go back to the published figure for the selected row")
        self.remove_button.clicked.connect(lambda _c=False: self.remove_selected())

        self.state_combo = QComboBox()
        for code in sorted(self.ds.states, key=lambda c: self.ds.names[c]):
            self.state_combo.addItem(f"{self.ds.names[code]} ({code})", code)
        self.criterion_combo = QComboBox()
        for crit in self.ds.criteria:
            unit = f" ({crit.unit})" if crit.unit and not crit.is_categorical else ""
            self.criterion_combo.addItem(crit.label + unit, crit.id)
        self.number = QDoubleSpinBox()
        self.number.setDecimals(4)
        self.number.setRange(-1e12, 1e12)
        self.number.setKeyboardTracking(False)
        self.category = QComboBox()
        self.value_stack = QStackedWidget()
        self.value_stack.addWidget(self.number)
        self.value_stack.addWidget(self.category)
        self.published = QLabel()
        self.note = QLineEdit()
        self.note.setPlaceholderText("Why, e.g. negotiated PPA (optional)")
        self.note.setMaxLength(NOTE_MAX)
        self.range_label = QLabel()
        self.range_label.setStyleSheet("color:#555;")
        self.add_button = QPushButton("Add / Replace")
        self.add_button.setToolTip("Use this value for the state and criterion chosen")
        self.add_button.clicked.connect(lambda _c=False: self.add_from_form())
        # Enter in the form adds the value (it does not close the dialog and lose it).
        self.add_button.setDefault(True)
        self.error_label = QLabel()
        self.error_label.setStyleSheet("color:#8a1c1c;")
        self.error_label.setWordWrap(True)

        form = QFormLayout()
        form.addRow("State:", self.state_combo)
        form.addRow("Criterion:", self.criterion_combo)
        form.addRow("Published figure:", self.published)
        form.addRow("What-if value:", self.value_stack)
        form.addRow("", self.range_label)
        form.addRow("Note:", self.note)
        row = QHBoxLayout()
        row.addWidget(self.add_button)
        row.addWidget(self.remove_button)
        row.addStretch(1)
        self.buttons = QDialogButtonBox(QDialogButtonBox.Ok | QDialogButtonBox.Cancel)
        for b in self.buttons.buttons():
            b.setAutoDefault(False)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.table, 1)
        layout.addLayout(form)
        layout.addLayout(row)
        layout.addWidget(self.error_label)
        layout.addWidget(self.buttons)

        self.state_combo.currentIndexChanged.connect(lambda _i: self._show_published())
        self.criterion_combo.currentIndexChanged.connect(lambda _i: self._criterion_changed())
        self.table.itemSelectionChanged.connect(self._selection_changed)
        self._criterion_changed()
        self._fill()
        # Start on the state the planner is looking at: the selected one, else the leader.
        start = self._start_state()
        if start is not None:
            self.choose(start, self.criterion_combo.currentData())

    def _start_state(self) -> str | None:
        selected = self.planner.selected
        if isinstance(selected, str) and self.state_combo.findData(selected) >= 0:
            return selected
        try:
            ranked = list(self.planner.result.alternatives)
        except Exception:
            return None
        return ranked[0] if ranked else None

    # -- form -------------------------------------------------------------------------------
    def choose(self, state: str, cid: str) -> None:
        """Point the form at a state and criterion (its published figure is the start value)."""
        self.state_combo.setCurrentIndex(self.state_combo.findData(state))
        self.criterion_combo.setCurrentIndex(self.criterion_combo.findData(cid))

    def _criterion_changed(self) -> None:
        crit = self.ds.criterion(self.criterion_combo.currentData())
        self.category.clear()
        if crit.is_categorical:
            for label, value in crit.encoding.items():
                self.category.addItem(label, value)
            self.value_stack.setCurrentWidget(self.category)
        else:
            self.number.setSuffix(f" {crit.unit}" if crit.unit else "")
            self.value_stack.setCurrentWidget(self.number)
        self.range_label.setText(valid_values_text(crit))
        self._show_published()

    def _show_published(self) -> None:
        code = self.state_combo.currentData()
        cid = self.criterion_combo.currentData()
        self.published.setText(escape(self.ds.format_value(code, cid)))
        value = self.ds.value(code, cid)
        if value is not None:
            if self.ds.criterion(cid).is_categorical:
                i = self.category.findData(value)
                if i >= 0:
                    self.category.setCurrentIndex(i)
            else:
                self.number.setValue(value)

    def form_value(self) -> float:
        if self.value_stack.currentWidget() is self.category:
            return float(self.category.currentData())
        return float(self.number.value())

    def _selection_changed(self) -> None:
        rows = self.table.selectionModel().selectedRows()
        self.remove_button.setEnabled(bool(rows))
        if rows:
            o = self.overrides[rows[0].row()]
            self.choose(o.state, o.criterion)
            if self.value_stack.currentWidget() is self.category:
                self.category.setCurrentIndex(max(0, self.category.findData(o.value)))
            else:
                self.number.setValue(o.value)
            self.note.setText(o.note)

    # -- editing --------------------------------------------------------------------------------
    def set_override(self, state: str, cid: str, value: float, note: str = "") -> None:
        """Add a what-if value, replacing one for the same state and criterion.

        Raises
        ------
        InputError
            For an unknown state or criterion, or a value that is not a finite number.
        """
        state = self.ds.check_states([state])[0]
        crit = self.ds.criterion(cid)
        problem = what_if_problem(crit, value)
        if problem:
            raise InputError(f"{self.ds.names.get(state, state)}: {problem}.")
        note = note.strip()
        if len(note) > NOTE_MAX:
            raise InputError(f"A note has at most {NOTE_MAX} characters ({len(note)} given).")
        new = Override(state, cid, float(value), note)
        for i, o in enumerate(self.overrides):
            if o.state == state and o.criterion == cid:
                self.overrides[i] = new
                break
        else:
            self.overrides.append(new)
        self._fill()

    def add_from_form(self) -> bool:
        try:
            self.set_override(self.state_combo.currentData(),
                              self.criterion_combo.currentData(), self.form_value(),
                              self.note.text())
        except InputError as exc:
            self.error_label.setText(exc.message)
            return False
        self.error_label.clear()
        self.note.clear()
        return True

    def remove_selected(self) -> None:
        rows = self.table.selectionModel().selectedRows()
        if rows:
            del self.overrides[rows[0].row()]
            self._fill()

    def _fill(self) -> None:
        self.table.setRowCount(len(self.overrides))
        for r, o in enumerate(self.overrides):
            crit = self.ds.criterion(o.criterion)
            cells = (f"{self.ds.names.get(o.state, o.state)} ({o.state})", crit.label,
                     self.ds.format_value(o.state, o.criterion, o.value),
                     self.ds.format_value(o.state, o.criterion), o.note)
            for c, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setToolTip(text)
                if c == 2:
                    item.setTextAlignment(Qt.AlignRight | Qt.AlignVCenter)
                self.table.setItem(r, c, item)
        self.table.clearSelection()
        self.remove_button.setEnabled(False)

    # -- result ---------------------------------------------------------------------------------
    def apply(self) -> bool:
        """Hand the edited what-if values to the planner; True if anything changed."""
        new = replace(self.planner.settings, overrides=tuple(self.overrides))
        if new == self.planner.settings:
            return False
        self.planner.set_settings(new, "Change What-if Values")
        return True

    def accept(self) -> None:
        self.apply()
        super().accept()
