"""The Scenarios dock panel and the Scenario menu."""

from __future__ import annotations

from html import escape

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QGridLayout,
    QLabel,
    QLineEdit,
    QMenu,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from siteselect.ui.scenarios.controller import ScenarioController
from siteselect.ui.scenarios.dialogs import OpenScenarioDialog, RevisionsDialog, scenario_table
from siteselect.ui.scenarios.models import ScenarioListModel
from siteselect.ui.text import short_name


class ScenariosPanelWidget(QWidget):
    """Saved scenarios (searchable, newest first) with buttons for every scenario action.

    The buttons act on the scenario selected in the list; New, Save and Save As act on the
    settings on screen.  When the database cannot be opened the panel says why and offers to
    continue with a new database elsewhere (the damaged file is left as it is).
    """

    def __init__(self, controller: ScenarioController, ui: ScenarioUi,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.controller = controller
        self.ui = ui
        self.current_label = QLabel()
        self.current_label.setTextFormat(Qt.RichText)
        self.current_label.setWordWrap(True)
        self.error_label = QLabel()
        self.error_label.setWordWrap(True)
        self.error_label.setStyleSheet("background:#fde8e8; color:#8a1c1c; padding:4px; "
                                       "border:1px solid #e0a0a0;")
        self.new_db_button = QPushButton("Continue with a New Database...")
        self.new_db_button.setToolTip("Choose where to create a new scenario database; the "
                                      "damaged file is not touched")
        self.new_db_button.clicked.connect(controller.use_new_database)
        self.search = QLineEdit()
        self.search.setPlaceholderText("Search scenarios")
        self.search.setClearButtonEnabled(True)
        self.model = ScenarioListModel(self)
        self.view = scenario_table(self.model)
        self.view.hideColumn(3)
        self.view.doubleClicked.connect(lambda _i: self.open_selected())

        def button(text: str, slot, tip: str) -> QPushButton:
            b = QPushButton(text)
            b.setToolTip(tip)
            b.clicked.connect(lambda _c=False: slot())
            return b

        self.buttons = {
            "open": button("Open", self.open_selected, "Show the selected scenario"),
            "new": button("New", controller.new_scenario, "Start from the default weighting"),
            "save": button("Save", controller.save, "Save the settings on screen (Ctrl+S)"),
            "save_as": button("Save As...", controller.save_as, "Save under a new name"),
            "duplicate": button("Duplicate...", lambda: controller.duplicate(
                self.selected_name()), "Copy the selected scenario"),
            "rename": button("Rename...", lambda: controller.rename(self.selected_name()),
                             "Rename the selected scenario"),
            "delete": button("Delete...", lambda: controller.delete(self.selected_name()),
                             "Delete the selected scenario (undoable until you quit)"),
            "revisions": button("Revisions...", lambda: ui.show_revisions(self.selected_name()),
                                "Earlier saves of the selected scenario"),
            "compare": button("Compare...", ui.show_compare,
                              "Compare two scenarios, or the settings on screen with one"),
        }
        # Two buttons a row: three made the panel, and so the window, too wide for a
        # 1024-pixel screen.
        grid = QGridLayout()
        for i, key in enumerate(self.buttons):
            grid.addWidget(self.buttons[key], i // 2, i % 2)
        layout = QVBoxLayout(self)
        layout.addWidget(self.current_label)
        layout.addWidget(self.error_label)
        layout.addWidget(self.new_db_button)
        layout.addWidget(self.search)
        layout.addWidget(self.view, 1)
        layout.addLayout(grid)

        self.search.textChanged.connect(self.refresh)
        self.view.selectionModel().selectionChanged.connect(lambda *_: self._enable())
        controller.scenarios_changed.connect(self.refresh)
        controller.database_changed.connect(self._show_database)
        controller.current_changed.connect(self._show_current)
        controller.planner.modified_changed.connect(self._show_current)
        controller.planner.document_name_changed.connect(self._show_current)
        self._show_database()
        if controller.loaded:
            self.refresh()
        else:
            self.current_label.setText("Opening the scenario database...")

    def selected_name(self) -> str | None:
        rows = self.view.selectionModel().selectedRows()
        return self.model.scenario(rows[0].row()).name if rows else None

    def select_name(self, name: str) -> None:
        for row, n in enumerate(self.model.names()):
            if n == name:
                self.view.selectRow(row)
                return

    def open_selected(self) -> None:
        name = self.selected_name()
        if name is not None:
            self.controller.open_scenario(name)

    def refresh(self, *_args) -> None:
        keep = self.selected_name()
        self.model.set_scenarios(self.controller.scenarios(self.search.text()))
        if keep:
            self.select_name(keep)
        self._show_problems()
        self._enable()

    def _show_problems(self) -> None:
        """The database error, or the scenarios that could not be read (left out)."""
        err = self.controller.db_error
        problems = self.controller.list_problems
        self.error_label.setVisible(err is not None or bool(problems))
        self.new_db_button.setVisible(err is not None)
        if err is not None:
            self.error_label.setText(err.message + " You can keep working and save scenarios "
                                     "in a new database.")
        elif problems:
            self.error_label.setText("Not listed: " + " ".join(problems))

    def _enable(self) -> None:
        has_db = self.controller.loaded
        rows = self.view.selectionModel().selectedRows()
        selected = bool(rows)
        builtin = selected and self.model.scenario(rows[0].row()).builtin
        for key, b in self.buttons.items():
            b.setEnabled(has_db and (selected or key in ("new", "save", "save_as", "compare")))
        # Built-ins keep their names; copy one with Duplicate instead.
        self.buttons["rename"].setEnabled(has_db and selected and not builtin)
        # ... and are never deleted: they are everyone's starting points.
        self.buttons["delete"].setEnabled(has_db and selected and not builtin)

    def _show_database(self, *_args) -> None:
        if self.controller.loaded or self.controller.db_error is not None:
            self._show_current()
        self._show_problems()
        self._enable()

    def _show_current(self, *_args) -> None:
        c = self.controller
        mark = "*" if c.planner.modified else ""
        rev = f" — revision {c.current.revision}" if c.current else " — not saved yet"
        about = ""
        if c.current is not None and c.current.description.strip():
            about = ("<br><span style='color:#555'>"
                     f"{escape(' '.join(c.current.description.split()))}</span>")
        self.current_label.setText(
            f"<b>{escape(short_name(c.current_name))}{mark}</b>{rev}{about}")
        self.current_label.setToolTip(c.current_name)
        if c.current:
            self.select_name(c.current.name)
        self._enable()


class ShortUndoAction(QAction):
    """Undo for a stack whose command texts hold scenario names: the menu shows the text
    shortened, the tooltip shows it whole."""

    def __init__(self, stack, parent) -> None:
        super().__init__("&Undo", parent)
        self.triggered.connect(stack.undo)
        stack.canUndoChanged.connect(self.setEnabled)
        stack.undoTextChanged.connect(self.show_text)
        self.setEnabled(stack.canUndo())
        self.show_text(stack.undoText())

    def show_text(self, text: str) -> None:
        self.setText(f"&Undo {short_name(text, 60)}" if text else "&Undo")
        self.setToolTip(f"Undo {text}" if text else "Undo")


class ScenarioUi:
    """The scenario features of one main window: menu, dock, status label, dialogs."""

    def __init__(self, window, controller: ScenarioController) -> None:
        from PySide6.QtWidgets import QDockWidget

        self.window = window
        self.controller = controller
        self.compare_dialog = None
        self.whatif_dialog = None
        self.open_dialog = None
        self.panel = ScenariosPanelWidget(controller, self)
        self.dock = QDockWidget("Scenarios", window)
        self.dock.setObjectName("ScenariosDock")
        self.dock.setWidget(self.panel)
        window.add_dock(self.dock, Qt.RightDockWidgetArea)
        detail = getattr(window, "detail_dock", None)
        if detail is not None:
            window.tabifyDockWidget(detail, self.dock)
            detail.raise_()
        self._db_message = ""
        self.menu = self._build_menu()
        self.status_label = QLabel()
        self.status_label.setToolTip("The open scenario; * = unsaved changes")
        window.statusBar().addPermanentWidget(self.status_label)
        controller.current_changed.connect(self._update_status)
        controller.planner.modified_changed.connect(self._update_status)
        controller.planner.document_name_changed.connect(self._update_status)
        window.add_close_guard(controller.may_close)
        window.destroyed.connect(lambda *_: controller.close())
        controller.database_changed.connect(self._database_changed)
        self._update_status()

    def _database_changed(self, store: object) -> None:
        failed = store is None and self.controller.db_error is not None
        self.new_db_action.setVisible(failed)
        bar = self.window.statusBar()
        if not failed:
            # A database is open again: the message about the one that failed is stale.
            if self._db_message and bar.currentMessage() == self._db_message:
                bar.clearMessage()
            self._db_message = ""
        if failed:
            self._db_message = self.controller.db_error.message
            bar.showMessage(self._db_message, 15000)
            # Bring the panel forward: it says what is wrong and offers a new database.
            self.dock.show()
            self.dock.raise_()

    def _action(self, text: str, slot, shortcut=None, tip: str = "") -> QAction:
        act = QAction(text, self.window)
        if shortcut is not None:
            act.setShortcut(QKeySequence(shortcut))
        if tip:
            act.setStatusTip(tip)
        act.triggered.connect(lambda _checked=False: slot())
        self.menu.addAction(act)
        return act

    def _build_menu(self) -> QMenu:
        w, c = self.window, self.controller
        self.menu = QMenu("&Scenario", w)
        self.new_action = self._action("&New", c.new_scenario, QKeySequence.New,
                                       "Start a new scenario from the default weighting")
        self.open_action = self._action("&Open...", self.show_open, QKeySequence.Open,
                                        "Open a saved scenario")
        self.save_action = self._action("&Save", c.save, "Ctrl+S",
                                        "Save the settings as the open scenario's next revision")
        self.save_as_action = self._action("Save &As...", c.save_as, "Ctrl+Shift+S",
                                           "Save the settings under a new name")
        self.menu.addSeparator()
        self.rename_action = self._action("&Rename...", c.rename, None,
                                          "Rename the open scenario")
        self.description_action = self._action(
            "Edit D&escription...", c.edit_description, None,
            "Say what the open scenario is for (saved at once as a new revision)")
        self.duplicate_action = self._action("&Duplicate...", c.duplicate, None,
                                             "Copy the open scenario under a new name")
        self.delete_action = self._action("De&lete...", c.delete, None,
                                          "Delete the open scenario")
        # Not createUndoAction: its text carries the whole scenario name, however long.
        self.undo_delete_action = ShortUndoAction(c.undo_stack, w)
        self.menu.addAction(self.undo_delete_action)
        self.menu.addSeparator()
        self.revisions_action = self._action(
            "Re&visions...", lambda: self.show_revisions(None),
            None, "Earlier saves of the open scenario")
        self.compare_action = self._action("&Compare...", self.show_compare, "Ctrl+K",
                                           "Compare two scenarios side by side")
        self.menu.addSeparator()
        self.import_action = self._action("&Import...", c.import_file, None,
                                          "Read a scenario file (.json) into the database")
        self.export_action = self._action("E&xport...", c.export_file, None,
                                          "Write the open scenario to a file for sharing")
        self.new_db_action = self._action(
            "Continue with a New &Database...", c.use_new_database, None,
            "The scenario database cannot be used: create a new one elsewhere (the damaged "
            "file is not touched)")
        self.new_db_action.setVisible(False)
        self.whatif_action = self._action(
            "&What-if Values...", self.show_whatif, "Ctrl+Shift+W",
            "Replace single figures for this scenario, e.g. Texas at 5.0 cents/kWh")
        help_menu = getattr(w, "help_menu", None)
        if help_menu is not None:
            w.menuBar().insertMenu(help_menu.menuAction(), self.menu)
        else:
            w.menuBar().addMenu(self.menu)
        self.menu.aboutToShow.connect(self._enable_menu)
        return self.menu

    def _enable_menu(self) -> None:
        c = self.controller
        has_db = c.loaded
        has_current = has_db and c.current is not None
        for act in (self.save_action, self.save_as_action, self.open_action,
                    self.compare_action, self.import_action):
            act.setEnabled(has_db)
        for act in (self.rename_action, self.duplicate_action, self.delete_action,
                    self.revisions_action, self.export_action):
            act.setEnabled(has_current)
        self.rename_action.setEnabled(has_current and not (c.current and c.current.builtin))
        self.delete_action.setEnabled(has_current and not (c.current and c.current.builtin))
        self.description_action.setEnabled(
            has_current and not (c.current and c.current.builtin))

    def _update_status(self, *_args) -> None:
        c = self.controller
        mark = "*" if c.planner.modified else ""
        self.status_label.setText(f"Scenario: {short_name(c.current_name)}{mark}")
        self.status_label.setToolTip(f"The open scenario: {c.current_name}"
                                     " (* = unsaved changes)")

    def show_open(self) -> OpenScenarioDialog:
        """The Open Scenario dialog (window-modal, not blocking); Open shows the chosen one."""
        dlg = OpenScenarioDialog(self.controller, self.window)
        dlg.setAttribute(Qt.WA_DeleteOnClose)

        def chosen() -> None:
            name = dlg.selected_name()
            if name:
                self.controller.open_scenario(name)

        dlg.accepted.connect(chosen)
        self.open_dialog = dlg
        dlg.open()
        return dlg

    def show_revisions(self, name: str | None) -> RevisionsDialog | None:
        c = self.controller
        name = name or (c.current.name if c.current else None)
        if name is None:
            return None
        dlg = RevisionsDialog(c, name, self.window)
        dlg.open()
        return dlg

    def show_whatif(self):
        """The What-if Values dialog (window-modal); OK changes the settings, undoably."""
        from siteselect.ui.scenarios.whatif import WhatIfDialog

        dlg = WhatIfDialog(self.controller.planner, self.window)
        dlg.setAttribute(Qt.WA_DeleteOnClose)
        selected = getattr(self.controller.planner, "selected", None)
        if isinstance(selected, str) and selected:
            dlg.choose(selected, dlg.criterion_combo.currentData())
        self.whatif_dialog = dlg
        dlg.open()
        return dlg

    def show_compare(self):
        from siteselect.ui.scenarios.compare_dialog import CompareDialog

        canvas = getattr(self.window, "map_canvas", None)
        shapes = getattr(canvas, "shapes", None)
        dlg = CompareDialog(self.controller, shapes, self.window)
        dlg.setAttribute(Qt.WA_DeleteOnClose)
        self.compare_dialog = dlg
        dlg.show()
        return dlg
