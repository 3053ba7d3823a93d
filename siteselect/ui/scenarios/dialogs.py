"""Open Scenario and Revisions dialogs (the compare dialog has a module of its own)."""

from __future__ import annotations

from html import escape

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QSplitter,
    QTableView,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from siteselect.errors import SiteSelectError
from siteselect.model import wording
from siteselect.model.dataset import Dataset
from siteselect.storage import Revision
from siteselect.ui.scenarios.controller import ScenarioController
from siteselect.ui.scenarios.models import ScenarioListModel, when
from siteselect.ui.text import short_name


def scenario_table(model: ScenarioListModel) -> QTableView:
    view = QTableView()
    view.setModel(model)
    view.setSelectionBehavior(QAbstractItemView.SelectRows)
    view.setSelectionMode(QAbstractItemView.SingleSelection)
    view.setEditTriggers(QAbstractItemView.NoEditTriggers)
    view.verticalHeader().setVisible(False)
    view.setAlternatingRowColors(True)
    header = view.horizontalHeader()
    header.setSectionResizeMode(0, QHeaderView.ResizeToContents)
    header.setSectionResizeMode(1, QHeaderView.ResizeToContents)
    header.setSectionResizeMode(2, QHeaderView.ResizeToContents)
    header.setStretchLastSection(True)
    return view


class OpenScenarioDialog(QDialog):
    """A searchable list of saved scenarios, newest first; Open shows the chosen one."""

    def __init__(self, controller: ScenarioController, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Open Scenario")
        self.controller = controller
        self.search = QLineEdit()
        self.search.setPlaceholderText("Search names and descriptions")
        self.search.setClearButtonEnabled(True)
        self.model = ScenarioListModel(self)
        self.view = scenario_table(self.model)
        self.buttons = QDialogButtonBox(QDialogButtonBox.Open | QDialogButtonBox.Cancel)
        layout = QVBoxLayout(self)
        layout.addWidget(self.search)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.buttons)
        self.search.textChanged.connect(self.refresh)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.view.doubleClicked.connect(lambda _i: self.accept())
        self.resize(720, 420)
        self.refresh()

    def refresh(self, *_args) -> None:
        self.model.set_scenarios(self.controller.scenarios(self.search.text()))
        if self.model.rowCount():
            self.view.selectRow(0)
        self.buttons.button(QDialogButtonBox.Open).setEnabled(self.model.rowCount() > 0)

    def selected_name(self) -> str | None:
        rows = self.view.selectionModel().selectedRows()
        return self.model.scenario(rows[0].row()).name if rows else None


def revision_html(rev: Revision, ds: Dataset) -> str:
    """A revision's content as small HTML for the details pane, in the planner's words:
    criterion labels, gates with their units, state names, method names."""
    s = rev.settings
    points = s.effective_points()
    total = sum(points.values())
    weights = "".join(
        f"<tr><td>{escape(wording.criterion_label(ds, c))}</td><td align='right'>{w:g}</td>"
        f"<td align='right'>{(w / total if total else 0):.0%}</td></tr>"
        for c, w in sorted(points.items(), key=lambda kv: -kv[1]) if w > 0)
    gates = escape(wording.gates_text(ds, s.gates))
    exclude = ", ".join(ds.names.get(c, c) for c in s.exclude) or "none"
    overrides = "; ".join(escape(_override_text(ds, o)) for o in s.overrides)
    return (
        f"<h3>{escape(rev.name)} — revision {rev.revision}</h3>"
        f"<p>Saved {escape(when(rev.saved_at))} UTC; dataset {escape(rev.dataset_version or '?')}"
        f"</p><p>{escape(rev.description) or '<i>No description</i>'}</p>"
        f"<p>Method: {escape(wording.method_label(s.method))}; normalisation: "
        f"{escape(wording.normalization_label(s.normalization, s.method))}; "
        f"{escape(wording.missing_label(s.missing))}</p>"
        "<table cellspacing='4'><tr><th align='left'>Criterion</th>"
        f"<th>Points</th><th>Share</th></tr>{weights}</table>"
        f"<p>Gates: {gates}<br>Excluded: {escape(exclude)}<br>What-if figures: "
        f"{overrides or 'none'}</p>")


def _override_text(ds: Dataset, o) -> str:
    """``Texas, Energy cost (industrial): 4.00 cents/kWh (note)``."""
    state = ds.names.get(o.state, o.state)
    if o.criterion in ds.criterion_ids and o.state in ds.names:
        figure = ds.format_value(o.state, o.criterion, o.value)
    else:
        figure = f"{o.value:g}"
    note = f" ({o.note})" if o.note else ""
    return f"{state}, {wording.criterion_label(ds, o.criterion)}: {figure}{note}"


class RevisionsDialog(QDialog):
    """A scenario's saved revisions, newest first; view one and restore it."""

    def __init__(self, controller: ScenarioController, name: str,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.controller = controller
        self.name = name
        self.setWindowTitle(f"Revisions of “{short_name(name)}”")
        self.list = QListWidget()
        self.details = QTextBrowser()
        split = QSplitter(Qt.Horizontal)
        split.addWidget(self.list)
        split.addWidget(self.details)
        split.setSizes([240, 480])
        self.buttons = QDialogButtonBox(QDialogButtonBox.Close)
        self.restore_button = self.buttons.addButton("Restore This Revision",
                                                     QDialogButtonBox.ActionRole)
        self.restore_button.setToolTip("Make this revision current again, saved as a new "
                                       "revision (nothing is lost)")
        self.note = QLabel()
        layout = QVBoxLayout(self)
        layout.addWidget(split, 1)
        layout.addWidget(self.note)
        layout.addWidget(self.buttons)
        self.buttons.rejected.connect(self.reject)
        self.restore_button.clicked.connect(self.restore_selected)
        self.list.currentRowChanged.connect(self._show)
        self._revisions: list[Revision] = []
        self.resize(760, 460)
        self.refresh()

    def refresh(self) -> None:
        self.list.clear()
        try:
            store = self.controller._require_store()
            self._revisions = store.revisions(self.name)
            current = store.get(self.name).revision
            self.note.setText(" ".join(store.unreadable_revisions))  # not listed, but named
        except SiteSelectError as exc:
            self.note.setText(exc.message)
            self._revisions = []
            return
        for rev in self._revisions:
            mark = "  (current)" if rev.revision == current else ""
            item = QListWidgetItem(f"{rev.revision}: {when(rev.saved_at)}{mark}")
            item.setData(Qt.UserRole, rev.revision)
            self.list.addItem(item)
        if self._revisions:
            self.list.setCurrentRow(0)

    def _show(self, row: int) -> None:
        if 0 <= row < len(self._revisions):
            self.details.setHtml(revision_html(self._revisions[row],
                                              self.controller.planner.dataset))
            self.restore_button.setEnabled(row > 0)
        else:
            self.details.clear()
            self.restore_button.setEnabled(False)

    def selected_revision(self) -> int | None:
        item = self.list.currentItem()
        return None if item is None else int(item.data(Qt.UserRole))

    def restore_selected(self) -> None:
        rev = self.selected_revision()
        if rev is not None and self.controller.restore_revision(self.name, rev):
            self.refresh()


__all__ = ["OpenScenarioDialog", "RevisionsDialog"]
