"""The window's side of planners' own tables: the Data menu, which tables the open document
is scored with, and the notice when a saved scenario keeps earlier figures.

An unsaved document uses the database's current tables; a saved scenario uses the versions
it records (:attr:`~siteselect.model.scenario.Scenario.tables`) until the planner accepts the
newer ones (*Use Newer Figures*, a new revision).  The scenario controller asks
:func:`tables_of` for the tables before it shows a scenario, so it is never scored, even
briefly, with figures it was not saved with.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QDialog, QHBoxLayout, QLabel, QMenuBar, QPushButton, QWidget

from siteselect.errors import SiteSelectError
from siteselect.ui.dialogs import show_error, show_status

if TYPE_CHECKING:  # pragma: no cover
    from siteselect.model.owndata import ImportedTable
    from siteselect.model.scenario import Scenario, TableRef
    from siteselect.storage import ScenarioStore
    from siteselect.ui.planner import Planner
    from siteselect.ui.scenarios.controller import ScenarioController


def install(window: Any) -> None:
    """Add the Data menu (before Help) and the newer-figures notice to a main window."""
    ui = OwnDataUi(window, window.planner, window.scenario_controller)
    ui.install(window.menuBar(), window.help_menu.menuAction())
    window.own_data = ui


def tables_of(store: ScenarioStore | None, scenario: Scenario | None
              ) -> tuple[list[ImportedTable], tuple[TableRef, ...]]:
    """The tables (and refs) a document is scored with; none without a database."""
    return store.tables_in_use(scenario) if store is not None else ([], ())


class OwnDataUi(QObject):
    """Data > Import Table…, Data > Manage Data… and the newer-figures notice."""

    def __init__(self, window: QWidget, planner: Planner,
                 controller: ScenarioController) -> None:
        super().__init__(window)
        self.window = window
        self.planner = planner
        self.controller = controller
        self.import_action = QAction("&Import Table…", window)
        self.import_action.setShortcut(QKeySequence("Ctrl+Shift+I"))
        self.import_action.setStatusTip("Check a CSV or XLSX table of your own figures and add "
                                        "it to the scenario database")
        self.import_action.triggered.connect(lambda: self.import_table())
        self.manage_action = QAction("&Manage Data…", window)
        self.manage_action.setStatusTip("Your tables: provenance, versions, the scenarios "
                                        "that use them; update or remove one")
        self.manage_action.triggered.connect(lambda: self.manage())
        self.accept_action = QAction("Use &Newer Figures", window)
        self.accept_action.setStatusTip("Re-score the open scenario with the current versions "
                                        "of your tables (saved as a new revision)")
        self.accept_action.setEnabled(False)
        self.accept_action.triggered.connect(lambda: self.accept_newer())
        # The notice sits in the status bar, beside the permanent widgets.
        self.notice = QWidget()
        row = QHBoxLayout(self.notice)
        row.setContentsMargins(0, 0, 0, 0)
        self.notice_label = QLabel("Earlier figures kept")
        self.notice_label.setStyleSheet("color: #8a4b00; font-weight: bold;")
        self.notice_button = QPushButton("Use Newer Figures")
        self.notice_button.setFlat(True)
        self.notice_button.setCursor(Qt.PointingHandCursor)
        self.notice_button.clicked.connect(lambda: self.accept_newer())
        row.addWidget(self.notice_label)
        row.addWidget(self.notice_button)
        self.notice.setVisible(False)
        controller.current_changed.connect(lambda _sc: self.refresh_notice())
        controller.database_changed.connect(self._database_changed)

    def install(self, menu_bar: QMenuBar, before: QAction | None = None) -> None:
        """Add the Data menu (before the menu of ``before``, or at the end)."""
        menu = menu_bar.addMenu("&Data") if before is None else None
        if menu is None:
            from PySide6.QtWidgets import QMenu

            menu = QMenu("&Data", menu_bar)
            menu_bar.insertMenu(before, menu)
        menu.addAction(self.import_action)
        menu.addAction(self.manage_action)
        menu.addSeparator()
        menu.addAction(self.accept_action)
        self.menu = menu
        status = getattr(self.window, "statusBar", None)
        if status is not None:
            status().addPermanentWidget(self.notice)

    # -- which tables --------------------------------------------------------------------

    def _database_changed(self, store) -> None:
        if store is not None and self.controller.current is None and \
                not self.planner.tables_fixed:
            self.use_current_tables()
        self.refresh_notice()

    def use_current_tables(self) -> None:
        """Score the (unsaved) document with the database's current tables."""
        try:
            tables, refs = tables_of(self.controller.store, None)
        except SiteSelectError as exc:
            show_error(self.window, exc)
            return
        if refs != self.planner.table_refs:
            self.planner.set_tables(tables, refs)

    def refresh_notice(self) -> None:
        sc = self.controller.current
        store = self.controller.store if self.controller.loaded else None
        try:
            text = store.newer_figures(sc) if store is not None else ""
        except SiteSelectError:
            text = ""
        self.notice.setVisible(bool(text))
        self.notice_label.setToolTip(text)
        self.notice_button.setToolTip(text)
        self.accept_action.setEnabled(bool(text))

    # -- actions ---------------------------------------------------------------------------

    def _store(self) -> ScenarioStore | None:
        store = self.controller.store
        if store is None:
            show_status(self.window, "No scenario database is open: your tables are kept in "
                        "it (Scenario > Open Database…).")
        return store

    def import_table(self, path: str = "") -> bool:
        from siteselect.ui.data_dialogs import ImportTableDialog

        store = self._store()
        if store is None:
            return False
        dlg = ImportTableDialog(store, self.window, path=path)
        if dlg.exec() != QDialog.Accepted or dlg.imported is None:
            return False
        t = dlg.imported.stored
        self._after_change(
            f"Imported “{t.name}” version {t.version}: {', '.join(t.criteria)}. "
            + ("New criteria start at weight 0: set them in the Weights panel (Your data)."
               if self.controller.current is None else ""), t.criteria)
        return True

    def _show_criteria(self, criteria: tuple[str, ...]) -> None:
        """Bring the first imported criterion into view in the weights panel."""
        panel = getattr(self.window, "weights_panel", None)
        if panel is None:
            return
        for cid in criteria:
            if panel.show_criterion(cid):
                dock = getattr(self.window, "weights_dock", None)
                if dock is not None:
                    dock.show()
                    dock.raise_()
                return

    def manage(self) -> None:
        from siteselect.ui.data_dialogs import ManageDataDialog

        store = self._store()
        if store is None:
            return
        dlg = ManageDataDialog(store, self.window)
        dlg.exec()
        if dlg.changed:
            self._after_change("Your tables changed.")

    def _after_change(self, message: str, criteria: tuple[str, ...] = ()) -> None:
        """An unsaved document takes the current tables at once (the imported criteria shown,
        ready to weigh); a saved scenario keeps its figures and says newer ones exist."""
        if self.controller.current is None:
            self.use_current_tables()
            self._show_criteria(criteria)
        self.refresh_notice()
        if self.controller.current is not None and self.notice.isVisible():
            message += (f" “{self.controller.current.name}” keeps its earlier figures: Data > "
                        "Use Newer Figures re-scores it.")
        show_status(self.window, message)

    def accept_newer(self) -> bool:
        sc = self.controller.current
        store = self.controller.store
        if sc is None or store is None or not self.controller.maybe_save():
            return False
        try:
            store.accept_tables(sc.name)
        except SiteSelectError as exc:
            show_error(self.window, exc)
            return False
        self.planner.mark_saved()  # the changes were saved (or discarded) just above
        opened = self.controller.open_scenario(sc.name)
        if opened:
            show_status(self.window, f"“{sc.name}” now uses the current versions of your "
                        "tables (a new revision).")
        return opened
