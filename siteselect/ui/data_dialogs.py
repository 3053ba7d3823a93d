"""Data > Import Table… and Data > Manage Data…: planners' own tables in the window.

The import dialog checks the chosen file as soon as it is picked (and again when the sheet or
name changes): a table without errors shows a preview (key column, each criterion with its
unit and direction, warnings below); a table with errors shows every problem in a sortable
table that can be saved as CSV.  Nothing is stored until Import is pressed, and then through
the same store call as ``siteselect data import``.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QStackedWidget,
    QTableView,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from siteselect.errors import SiteSelectError
from siteselect.ui.dialogs import show_error

if TYPE_CHECKING:  # pragma: no cover
    from siteselect.model.catalogue import Problem
    from siteselect.model.owndata import ImportedTable
    from siteselect.storage import ScenarioStore

PROBLEM_COLUMNS = ("File", "Row", "Column", "Severity", "Problem", "Value")
#: Rows shown in the preview (a county table has 3,142; the count is stated).
PREVIEW_ROWS = 200


def _direction(crit) -> str:
    return "lower is better" if crit.lower_is_better else "higher is better"


def _changes_text(old_stored, new: ImportedTable) -> str:
    """What a new version changes: figures changed, added and removed per criterion."""
    try:
        old = old_stored.table()
    except SiteSelectError:
        return ""
    if old.content_hash == new.content_hash:
        return "It holds the same figures as the current version: nothing will change."
    parts = []
    for c in new.criteria:
        before = old.values.get(c.id)
        if before is None:
            parts.append(f"{c.id} is new")
            continue
        after = new.values[c.id]
        changed = sum(1 for a, b in zip(before, after, strict=False) if a and b and a != b)
        added = sum(1 for a, b in zip(before, after, strict=False) if not a and b)
        dropped = sum(1 for a, b in zip(before, after, strict=False) if a and not b)
        bits = [f"{n} {w}" for n, w in ((changed, "changed"), (added, "added"),
                                          (dropped, "removed")) if n]
        parts.append(f"{c.id}: " + (", ".join(bits) if bits else "no change"))
    gone = [cid for cid in old.values if cid not in new.values]
    if gone:
        parts.append("no longer given: " + ", ".join(gone))
    return "Figures: " + "; ".join(parts) + "."


class _NumberItem(QStandardItem):
    """A row number that sorts as a number."""

    def __lt__(self, other: QStandardItem) -> bool:
        a, b = self.data(Qt.UserRole), other.data(Qt.UserRole)
        if isinstance(a, int) and isinstance(b, int):
            return a < b
        return super().__lt__(other)


class ImportTableDialog(QDialog):
    """Pick a CSV or XLSX table, see it checked, import it."""

    def __init__(self, store: ScenarioStore, parent: QWidget | None = None,
                 path: str = "", name: str = "") -> None:
        super().__init__(parent)
        self.setWindowTitle("Import Table")
        self.resize(900, 560)
        self.store = store
        self.table: ImportedTable | None = None
        self.problems: list[Problem] = []
        self.imported = None
        self.path_edit = QLineEdit(path)
        self.path_edit.setPlaceholderText("A .csv (with FILE.criteria.csv beside it) or .xlsx "
                                          "(with a criteria sheet)")
        self.path_edit.editingFinished.connect(self.check)
        browse = QPushButton("Browse…")
        browse.clicked.connect(self.browse)
        file_row = QHBoxLayout()
        file_row.addWidget(self.path_edit, 1)
        file_row.addWidget(browse)
        self.sheet_combo = QComboBox()
        self.sheet_combo.setEnabled(False)
        self.sheet_combo.setToolTip("The sheet with the figures (the criteria sheet describes "
                                    "them)")
        self.sheet_combo.currentIndexChanged.connect(lambda _i: self.check())
        self.name_edit = QLineEdit(name)
        self.name_edit.setPlaceholderText("the file name without suffix")
        self.name_edit.setToolTip("Importing under a name that exists adds a new version of "
                                  "that table; saved scenarios keep the version they use.")
        self.name_edit.editingFinished.connect(self.check)
        form = QFormLayout()
        form.addRow("File:", file_row)
        form.addRow("Sheet:", self.sheet_combo)
        form.addRow("Name:", self.name_edit)

        self.summary = QLabel("Choose a table to check.")
        self.summary.setWordWrap(True)
        self.stack = QStackedWidget()
        # page 0: preview
        self.preview = QTableWidget()
        self.preview.setEditTriggers(QAbstractItemView.NoEditTriggers)
        self.preview.verticalHeader().setVisible(False)
        self.stack.addWidget(self.preview)
        # page 1: problems
        self.problem_model = QStandardItemModel(0, len(PROBLEM_COLUMNS))
        self.problem_model.setHorizontalHeaderLabels(PROBLEM_COLUMNS)
        self.problem_view = QTableView()
        self.problem_view.setModel(self.problem_model)
        self.problem_view.setSortingEnabled(True)
        self.problem_view.setEditTriggers(QAbstractItemView.NoEditTriggers)
        self.problem_view.setSelectionBehavior(QAbstractItemView.SelectRows)
        self.problem_view.verticalHeader().setVisible(False)
        self.problem_view.horizontalHeader().setSectionResizeMode(
            PROBLEM_COLUMNS.index("Problem"), QHeaderView.Stretch)
        self.stack.addWidget(self.problem_view)

        self.buttons = QDialogButtonBox(QDialogButtonBox.Cancel)
        self.import_button = self.buttons.addButton("Import", QDialogButtonBox.AcceptRole)
        self.import_button.setEnabled(False)
        self.report_button = self.buttons.addButton("Save Report…",
                                                    QDialogButtonBox.ActionRole)
        self.report_button.setEnabled(False)
        self.report_button.clicked.connect(self.save_report)
        self.show_problems_button = self.buttons.addButton("Show Warnings",
                                                           QDialogButtonBox.ActionRole)
        self.show_problems_button.setCheckable(True)
        self.show_problems_button.setVisible(False)
        self.show_problems_button.toggled.connect(
            lambda on: self.stack.setCurrentIndex(1 if on else 0))
        self.buttons.accepted.connect(self.do_import)
        self.buttons.rejected.connect(self.reject)
        lay = QVBoxLayout(self)
        lay.addLayout(form)
        lay.addWidget(self.summary)
        lay.addWidget(self.stack, 1)
        lay.addWidget(self.buttons)
        if path:
            self._fill_sheets()
            self.check()

    # -- choosing -------------------------------------------------------------------------

    def browse(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, "Import Table", self.path_edit.text() or str(Path.home()),
            "Tables (*.csv *.xlsx);;CSV (*.csv);;Excel workbook (*.xlsx)")
        if path:
            self.set_path(path)

    def set_path(self, path: str) -> None:
        self.path_edit.setText(path)
        self._fill_sheets()
        self.check()

    def _fill_sheets(self) -> None:
        from siteselect.model.owndata import xlsx_sheets

        path = self.path_edit.text().strip()
        self.sheet_combo.blockSignals(True)
        self.sheet_combo.clear()
        if path.lower().endswith(".xlsx") and Path(path).is_file():
            try:
                sheets = [s for s in xlsx_sheets(path) if s.casefold() != "criteria"]
            except SiteSelectError:
                sheets = []
            self.sheet_combo.addItems(sheets)
            self.sheet_combo.setEnabled(len(sheets) > 1)
        else:
            self.sheet_combo.setEnabled(False)
        self.sheet_combo.blockSignals(False)

    # -- checking -------------------------------------------------------------------------

    def check(self) -> None:
        """Read and check the file; show the preview or the problems."""
        from siteselect.model.criteria import level_criteria
        from siteselect.model.owndata import read_table

        path = self.path_edit.text().strip()
        self.table, self.problems = None, []
        if not path:
            self._show_summary("Choose a table to check.")
            return
        sheet = self.sheet_combo.currentText() or None
        name = self.name_edit.text().strip() or None
        try:
            self.table, self.problems = read_table(path, level_criteria("county"),
                                                   sheet=sheet, name=name)
        except SiteSelectError as exc:
            self.table, self.problems = None, []
            self._show_summary(f"<b>Cannot read the file:</b> {exc.message}")
            return
        from siteselect.model.owndata import error_count

        self._fill_problems()
        errors = error_count(self.problems)
        warnings = sum(1 for p in self.problems if p.warning)
        self.report_button.setEnabled(bool(self.problems))
        if errors or self.table is None:
            self.stack.setCurrentIndex(1)
            self.show_problems_button.setVisible(False)
            self.import_button.setEnabled(False)
            self._show_summary(
                f"<b>{errors:,} problem{'s' if errors != 1 else ''}</b>"
                + (f" and {warnings} warning{'s' if warnings != 1 else ''}" if warnings else "")
                + f": nothing can be imported until {'it is' if errors == 1 else 'they are'} "
                "fixed. Click a column heading to sort; Save Report… writes the list as CSV.")
            return
        self._suggest_name(self.table)
        self._fill_preview(self.table)
        self.stack.setCurrentIndex(0)
        self.show_problems_button.setChecked(False)
        self.show_problems_button.setVisible(bool(warnings))
        self.import_button.setEnabled(True)
        t = self.table
        ids = ", ".join(f"{c.label} ({c.unit}, {_direction(c)})" for c in t.criteria)
        existing = [s for s in self.store.current_tables()
                    if s.name.casefold() == t.name.casefold()]
        changes = ""
        if existing:
            old = existing[0]
            version = (f"version {old.version + 1} of “{t.name}” (version {old.version} is "
                       "kept for the saved scenarios that use it)")
            changes = " " + _changes_text(old, t)
        else:
            version = f"“{t.name}”"
        self._show_summary(
            f"Ready to import {version}: {ids}.{changes}"
            + (f" {warnings} warning{'s' if warnings != 1 else ''} (Show Warnings)."
               if warnings else ""))

    def _suggest_name(self, table: ImportedTable) -> None:
        """When the name was not typed and a table already holds these criteria, import as
        its next version (one table holds each criterion's figures)."""
        if self.name_edit.text().strip():
            return
        ids = {c.id for c in table.criteria}
        for other in self.store.current_tables():
            if other.level == table.level and ids & set(other.criteria):
                from dataclasses import replace

                self.name_edit.setText(other.name)
                self.table = replace(table, name=other.name)
                return

    def _show_summary(self, html: str) -> None:
        self.summary.setText(html)
        if not self.problems:
            self.import_button.setEnabled(self.table is not None)

    def _fill_problems(self) -> None:
        m = self.problem_model
        m.removeRows(0, m.rowCount())
        for p in self.problems:
            row_item = _NumberItem(str(p.row) if p.row else "")
            row_item.setData(p.row, Qt.UserRole)
            cells = [QStandardItem(p.file), row_item, QStandardItem(p.column),
                     QStandardItem("warning" if p.warning else "error"),
                     QStandardItem(p.message), QStandardItem(p.value)]
            for c in cells:
                c.setToolTip(str(p))
            m.appendRow(cells)
        self.problem_view.resizeColumnsToContents()
        self.problem_view.horizontalHeader().setSectionResizeMode(
            PROBLEM_COLUMNS.index("Problem"), QHeaderView.Stretch)

    def _fill_preview(self, table: ImportedTable) -> None:
        from siteselect.model.alternatives import load_alternatives

        alts = load_alternatives(table.level)
        key = "state" if table.level == "state" else "fips"
        headers = [key, "name"] + [f"{c.label}\n{c.unit}, {_direction(c)}"
                                   for c in table.criteria]
        n = min(len(alts), PREVIEW_ROWS)
        self.preview.clear()
        self.preview.setRowCount(n)
        self.preview.setColumnCount(len(headers))
        self.preview.setHorizontalHeaderLabels(headers)
        for j, c in enumerate(table.criteria):
            item = self.preview.horizontalHeaderItem(j + 2)
            prov = c.provenance
            item.setToolTip(f"{c.id}: {c.label} ({c.unit}), {_direction(c)}"
                            + (f"\nSource: {prov.source} {prov.year}" if prov else ""))
        for i, a in enumerate(alts.items[:n]):
            self.preview.setItem(i, 0, QTableWidgetItem(a.code))
            self.preview.setItem(i, 1, QTableWidgetItem(a.name))
            for j, c in enumerate(table.criteria):
                text = table.values[c.id][i]
                item = QTableWidgetItem(text or "missing")
                if not text:
                    item.setForeground(Qt.gray)
                    item.setToolTip("Blank: missing, scored by the missing-data policy")
                else:
                    item.setTextAlignment(Qt.AlignRight | Qt.AlignVCenter)
                self.preview.setItem(i, j + 2, item)
        self.preview.resizeColumnsToContents()
        if len(alts) > n:
            self.preview.setToolTip(f"The first {n} of {len(alts)} rows")

    def save_report(self) -> None:
        from siteselect.exports.problem_report import write_problem_report

        base = Path(self.path_edit.text().strip() or "table")
        path, _ = QFileDialog.getSaveFileName(
            self, "Save Report", str(base.with_name(base.stem + "-problems.csv")),
            "CSV (*.csv)")
        if not path:
            return
        try:
            write_problem_report(path, self.problems)
        except SiteSelectError as exc:
            show_error(self, exc)

    # -- importing ------------------------------------------------------------------------

    def do_import(self) -> None:
        if self.table is None:
            return
        try:
            self.imported = self.store.import_table(self.table)
        except SiteSelectError as exc:
            show_error(self, exc)
            return
        self.accept()


class ManageDataDialog(QDialog):
    """The planner's tables: provenance, versions, which scenarios use them; remove or
    update one."""

    COLUMNS = ("Name", "Version", "Level", "Criteria", "Source", "File", "Imported (UTC)",
               "Used by")

    def __init__(self, store: ScenarioStore, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Manage Data")
        self.resize(980, 420)
        self.store = store
        self.changed = False
        self.intro = QLabel()
        self.intro.setWordWrap(True)
        self.view = QTableWidget(0, len(self.COLUMNS))
        self.view.setHorizontalHeaderLabels(self.COLUMNS)
        self.view.setEditTriggers(QAbstractItemView.NoEditTriggers)
        self.view.setSelectionBehavior(QAbstractItemView.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SingleSelection)
        self.view.verticalHeader().setVisible(False)
        self.view.horizontalHeader().setStretchLastSection(True)
        self.view.setTextElideMode(Qt.ElideMiddle)
        self.view.setWordWrap(False)
        self.view.itemSelectionChanged.connect(self._enable)
        self.import_button = QPushButton("Import Table…")
        self.update_button = QPushButton("Update…")
        self.update_button.setToolTip("Import a newer file as the next version of this table")
        self.remove_button = QPushButton("Remove")
        self.remove_button.setToolTip("New rankings stop using the table; saved scenarios that "
                                      "use it keep its figures until accepted")
        self.import_button.clicked.connect(lambda: self._import(""))
        self.update_button.clicked.connect(lambda: self._import(self.selected_name()))
        self.remove_button.clicked.connect(self.remove_selected)
        buttons = QDialogButtonBox(QDialogButtonBox.Close)
        buttons.rejected.connect(self.reject)
        row = QHBoxLayout()
        for b in (self.import_button, self.update_button, self.remove_button):
            row.addWidget(b)
        row.addStretch(1)
        row.addWidget(buttons)
        lay = QVBoxLayout(self)
        lay.addWidget(self.intro)
        lay.addWidget(self.view, 1)
        lay.addLayout(row)
        self.refresh()

    def refresh(self) -> None:
        tables = self.store.current_tables()
        self.view.setRowCount(len(tables))
        for r, t in enumerate(tables):
            try:
                table = t.table()
                sources = "; ".join(sorted({
                    f"{c.provenance.source} {c.provenance.year}".strip()
                    for c in table.criteria if c.provenance})) or "no source given"
                labels = ", ".join(f"{c.label} ({c.id})" for c in table.criteria)
            except SiteSelectError as exc:
                sources, labels = f"cannot be read: {exc.message}", ", ".join(t.criteria)
            used = ", ".join(f"{n} (uses version {v})"
                             for n, v in self.store.scenarios_using(t.name))
            cells = (t.name, str(t.version), t.level, labels, sources,
                     t.source_file + (f" [{t.sheet}]" if t.sheet else ""),
                     t.imported_at[:16].replace("T", " "), used or "no saved scenario")
            for c, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setToolTip(text)
                self.view.setItem(r, c, item)
        self.view.resizeColumnsToContents()
        hh = self.view.horizontalHeader()
        for col, cap in ((3, 260), (4, 200), (5, 160)):  # criteria, source, file: elided
            hh.resizeSection(col, min(hh.sectionSize(col), cap))
        self.intro.setText(
            f"{len(tables)} table{'s' if len(tables) != 1 else ''} of your own in "
            f"{self.store.path}. New rankings use the current version of each; a saved "
            "scenario keeps the versions it was saved with until you accept newer ones."
            if tables else "No tables of your own yet. Import Table… adds one; `siteselect "
            "data template` writes a file to fill in.")
        self._enable()

    def selected_name(self) -> str:
        rows = self.view.selectionModel().selectedRows()
        return self.view.item(rows[0].row(), 0).text() if rows else ""

    def _enable(self) -> None:
        has = bool(self.selected_name())
        self.update_button.setEnabled(has)
        self.remove_button.setEnabled(has)

    def _import(self, name: str) -> None:
        dlg = ImportTableDialog(self.store, self, name=name)
        if dlg.exec() == QDialog.Accepted and dlg.imported is not None:
            self.changed = True
            self.refresh()

    def remove_selected(self) -> None:
        name = self.selected_name()
        if not name:
            return
        users = self.store.scenarios_using(name)
        text = f"Remove the table “{name}”? New rankings stop using its figures."
        if users:
            text += ("\n\nThese saved scenarios keep its figures until you accept the change: "
                     + ", ".join(f"“{n}” (version {v})" for n, v in users) + ".")
        if QMessageBox.question(self, "Remove Table", text,
                                QMessageBox.Yes | QMessageBox.No,
                                QMessageBox.No) != QMessageBox.Yes:
            return
        try:
            self.store.remove_table(name)
        except SiteSelectError as exc:
            show_error(self, exc)
            return
        self.changed = True
        self.refresh()
