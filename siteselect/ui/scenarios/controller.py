"""The window's scenario logic: which scenario is open, and saving, opening and revising it.

:class:`ScenarioController` sits between the :class:`~siteselect.storage.ScenarioStore` and
the window's :class:`~siteselect.ui.planner.Planner`; the Scenario menu, the scenarios panel
and the dialogs only call it.  It remembers the revision it opened, so a save after another
window saved the same scenario is detected (and the planner asked) instead of silently
replacing theirs.  Renames, duplicates and deletes go on a session undo stack of their own
(the settings undo stack is for the weights).
"""

from __future__ import annotations

import logging
import threading
from dataclasses import replace
from pathlib import Path

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtGui import QUndoCommand, QUndoStack
from PySide6.QtWidgets import QWidget

from siteselect.analysis import check_scorable, dataset_for
from siteselect.errors import InputError, SiteSelectError, StorageError
from siteselect.model.scenario import Scenario, ScenarioProblems, check_description
from siteselect.model.settings import ScoringSettings
from siteselect.storage import ConflictError, DeletedScenario, NameTakenError, ScenarioStore
from siteselect.ui.dialogs import show_error, show_status
from siteselect.ui.planner import UNTITLED, Planner
from siteselect.ui.scenarios import prompts

log = logging.getLogger(__name__)


def _import_storage_engine() -> None:
    """Import sqlite-utils (and pandas, which it loads) ahead of first use."""
    try:
        import sqlite_utils  # noqa: F401
    except Exception:
        log.debug("sqlite-utils could not be imported ahead of use", exc_info=True)


class DeleteScenarioCommand(QUndoCommand):
    """Deleting a saved scenario; undo puts it back with its whole history.

    What was deleted is kept for the whole session.  When its name has been taken since (by
    another window or the command line), undo offers to put it back under another name; if
    that is declined or fails, the entry goes back on the undo stack, so it can be tried again.
    """

    def __init__(self, controller: ScenarioController, name: str) -> None:
        super().__init__(f"Delete Scenario “{name}”")
        self.controller = controller
        self.name = name
        self.deleted: DeletedScenario | None = None
        #: Whether the scenario is in the database now (False once deleted).
        self.restored = True
        #: The name it was last put back under.
        self.restored_as: str | None = None

    def redo(self) -> None:
        store = self.controller.store
        if store is None:
            return
        if self.deleted is not None and not self.restored:
            return  # an undo that did not put it back: it is still deleted, nothing to do
        name = self.restored_as or self.name
        try:
            self.deleted = store.delete(name)
            self.restored = False
        except SiteSelectError as exc:
            self.setObsolete(True)
            self.controller.report(exc)
        self.controller.scenarios_changed.emit()

    def undo(self) -> None:
        store = self.controller.store
        if store is None or self.deleted is None:
            return
        new_name: str | None = None
        while True:
            try:
                back = store.restore_deleted(self.deleted, new_name)
            except NameTakenError as exc:
                new_name = prompts.ask_name(
                    self.controller.parent_widget, "Undo Delete",
                    f"{exc.message}\n\nRestore the deleted scenario as:",
                    f"{self.deleted.scenario.name} (restored)" if new_name is None
                    else f"{new_name} (2)")
                if new_name is not None and new_name.strip():
                    continue
                self._keep_on_stack()
                return
            except SiteSelectError as exc:
                self.controller.report(exc)
                self._keep_on_stack()
                return
            break
        self.restored = True
        self.restored_as = back.name
        self.controller.scenarios_changed.emit()
        if back.name != self.deleted.scenario.name:
            self.controller._status(
                f"Restored “{self.deleted.scenario.name}” as “{back.name}”.")

    def _keep_on_stack(self) -> None:
        """Put this entry back as the next Undo (the data stays deleted, but not lost)."""
        stack = self.controller.undo_stack
        QTimer.singleShot(0, stack.redo)  # the stack is busy undoing this very command


class RenameScenarioCommand(QUndoCommand):
    """Renaming a saved scenario; undo gives it its old name back."""

    def __init__(self, controller: ScenarioController, old: str, new: str) -> None:
        super().__init__(f"Rename Scenario “{old}”")
        self.controller = controller
        self.old = old
        self.new = new
        self.done = False

    def _rename(self, old: str, new: str) -> Scenario | None:
        store = self.controller.store
        if store is None:
            return None
        try:
            renamed = store.rename(old, new)
        except SiteSelectError as exc:
            self.controller.report(exc)
            return None
        self.controller.renamed(old, renamed)
        return renamed

    def redo(self) -> None:
        store = self.controller.store
        found = store.find(self.old) if store is not None else None
        if found is not None:
            self.old = found.name  # as stored, so Undo restores it exactly
        renamed = self._rename(self.old, self.new)
        self.done = renamed is not None
        if renamed is None:
            self.setObsolete(True)
        else:
            self.new = renamed.name  # as stored (surrounding spaces dropped)

    def undo(self) -> None:
        if self.done:
            self._rename(self.new, self.old)


class DuplicateScenarioCommand(QUndoCommand):
    """Copying a saved scenario; undo removes the copy."""

    def __init__(self, controller: ScenarioController, name: str, new: str) -> None:
        super().__init__(f"Duplicate Scenario “{name}”")
        self.controller = controller
        self.name = name
        self.new = new
        self.copy: Scenario | None = None

    def redo(self) -> None:
        store = self.controller.store
        if store is None:
            return
        try:
            self.copy = store.duplicate(self.name, self.new)
        except SiteSelectError as exc:
            self.setObsolete(True)
            self.controller.report(exc)
        self.controller.scenarios_changed.emit()

    def undo(self) -> None:
        store = self.controller.store
        if store is None or self.copy is None:
            return
        try:
            store.delete(self.copy.name)
        except SiteSelectError as exc:
            self.controller.report(exc)
        if self.controller.current is not None and \
                self.controller.current.name == self.copy.name:
            self.controller.forget_current()
        self.controller.scenarios_changed.emit()


class ScenarioController(QObject):
    """Open, save, revise and compare named scenarios in one window.

    Signals
    -------
    scenarios_changed(): the list of saved scenarios changed.
    current_changed(object): the open scenario (a Scenario, or None for an unsaved one).
    database_changed(object): the store was opened or replaced (None when unavailable).
    """

    scenarios_changed = Signal()
    current_changed = Signal(object)
    database_changed = Signal(object)

    #: Milliseconds after start-up at which a deferred database is opened (see ``defer``).
    DEFER_MS = 300

    def __init__(self, planner: Planner, parent_widget: QWidget | None = None,
                 db_path: str | Path | None = None, *, defer: bool = False) -> None:
        super().__init__(parent_widget)
        self.planner = planner
        self.parent_widget = parent_widget
        self._store: ScenarioStore | None = None
        self._db_path = db_path
        self._tried = False
        self.db_error: StorageError | None = None
        self.current: Scenario | None = None
        #: Why the last list of scenarios is incomplete (messages), empty when it is whole.
        self.list_problems: list[str] = []
        self.undo_stack = QUndoStack(self)
        self._warm_up: threading.Thread | None = None
        if defer:
            # Opening imports sqlite-utils (and with it pandas, a few hundred ms): let the
            # window paint first, then import it on a worker thread so that the window keeps
            # answering (a slider drag in the first second stays live).  The database itself
            # is opened on the main thread once the import is done; any use before then opens
            # it at once.
            QTimer.singleShot(self.DEFER_MS, self, self._open_when_imported)
        else:
            self.ensure_open()

    def _open_when_imported(self) -> None:
        if self._tried:
            return
        if self._warm_up is None:
            self._warm_up = threading.Thread(
                target=_import_storage_engine, name="siteselect-import", daemon=True
            )
            self._warm_up.start()
        if self._warm_up.is_alive():
            QTimer.singleShot(50, self, self._open_when_imported)
            return
        self.ensure_open()

    @property
    def store(self) -> ScenarioStore | None:
        """The open store (opened on first use), None if the database could not be opened."""
        self.ensure_open()
        return self._store

    @property
    def loaded(self) -> bool:
        """True once the database is open (without opening it)."""
        return self._store is not None

    def ensure_open(self) -> None:
        if not self._tried:
            self._tried = True
            self.open_database(self._db_path)

    # -- database ---------------------------------------------------------------------------
    def open_database(self, path: str | Path | None = None) -> bool:
        """Open (or create) the scenario database; on failure keep the error for the panel."""
        self._tried = True
        try:
            store = ScenarioStore.open(path)
        except StorageError as exc:
            log.error("%s", exc.message)
            self.db_error = exc
            self.database_changed.emit(None)
            return False
        if self._store is not None:
            self._store.close()
        self._store = store
        self.db_error = None
        self.current = None
        self.undo_stack.clear()
        self.database_changed.emit(store)
        self.scenarios_changed.emit()
        self.current_changed.emit(None)
        return True

    def use_new_database(self) -> bool:
        """Ask for a new database file elsewhere and continue with it (the old one untouched)."""
        suggestion = str(Path.home() / "siteselect-scenarios.db")
        path = prompts.ask_new_database(self.parent_widget, suggestion)
        if not path:
            return False
        # The planner chose this place in a file dialog: make its folder if need be.
        try:
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            log.warning("Could not create the folder of %s: %s", path, exc)
        # An existing file is never replaced: opening checks it and refuses anything unreadable.
        ok = self.open_database(path)
        if not ok and self.db_error is not None:
            self.report(self.db_error)
        return ok

    def close(self) -> None:
        if self._store is not None:
            self._store.close()
            self._store = None

    def report(self, exc: BaseException) -> None:
        show_error(self.parent_widget, exc)

    def scenarios(self, search: str | None = None) -> list[Scenario]:
        store = self.store
        if store is None:
            return []
        try:
            items = store.list(search)
        except SiteSelectError as exc:
            log.error("%s", exc)
            self.list_problems = [exc.message]
            return []
        self.list_problems = list(store.unreadable)
        return items

    @property
    def current_name(self) -> str:
        return self.current.name if self.current else UNTITLED

    def _require_store(self) -> ScenarioStore:
        store = self.store
        if store is None:
            raise StorageError(self.db_error.message if self.db_error else
                               "No scenario database is open.")
        return store

    def _set_current(self, sc: Scenario | None) -> None:
        self.current = sc
        self.planner.set_document_name(sc.name if sc else UNTITLED)
        self.current_changed.emit(sc)

    # -- unsaved changes ----------------------------------------------------------------------
    def maybe_save(self) -> bool:
        """Ask Save / Discard / Cancel if there are unsaved changes; True to go ahead."""
        if not self.planner.modified:
            return True
        answer = prompts.ask_unsaved(self.parent_widget, self.current_name)
        if answer == prompts.SAVE:
            return self.save()
        return answer == prompts.DISCARD

    def may_close(self) -> bool:
        """Close guard of the main window: asks Save / Discard / Cancel on any platform.

        (The snapshot command never closes its window, so it never reaches this question.)
        """
        return self.maybe_save()

    # -- actions --------------------------------------------------------------------------------
    def new_scenario(self) -> bool:
        if not self.maybe_save():
            return False
        self._use_tables(None)
        self.planner.load_document(ScoringSettings(), UNTITLED)
        self._set_current(None)
        return True

    def _use_tables(self, sc: Scenario | None) -> None:
        """Score with the tables ``sc`` records (the current ones for an unsaved document)
        before it is shown, so it is never scored with figures it was not saved with."""
        from siteselect.ui.own_data import tables_of

        if not self.loaded:
            return
        tables, refs = tables_of(self._store, sc)
        if refs != self.planner.table_refs:
            self.planner.set_tables(tables, refs)

    def open_scenario(self, name: str) -> bool:
        """Show a saved scenario (asking about unsaved changes first)."""
        try:
            sc = self._require_store().get(name)
        except SiteSelectError as exc:
            self.report(exc)
            return False
        if not self.maybe_save():
            return False
        try:
            self._use_tables(sc)
        except SiteSelectError as exc:
            self.report(exc)
            return False
        self.planner.load_document(sc.settings, sc.name)
        self._restore_sensitivity(sc)
        self._set_current(sc)
        ds_version = self.planner.dataset.version
        if sc.dataset_version and sc.dataset_version != ds_version:
            self._status(f"“{sc.name}” was made with dataset {sc.dataset_version}; the figures "
                         f"now shown are dataset {ds_version}.")
        else:
            self._status(f"Opened “{sc.name}” (revision {sc.revision}).")
        return True

    def _status(self, text: str) -> None:
        if self.parent_widget is not None:
            show_status(self.parent_widget, text)

    def _scenario_from_state(self, name: str, description: str) -> Scenario:
        # A fresh sensitivity run is kept with the save; otherwise the one kept before stays.
        run = self.planner.sensitivity
        cur = self.current
        kept = cur.sensitivity if cur is not None and not cur.builtin else None
        if run is not None and not self.planner.sensitivity_stale:
            from siteselect.model.sensitivity_summary import summarise

            kept = summarise(run.mc, run.stability, run.settings, self.planner.dataset.version,
                             run.result.method, run.result.normalization)
        return Scenario(name=name, settings=self.planner.settings, description=description,
                        dataset_version=self.planner.dataset.version, sensitivity=kept,
                        tables=self.planner.table_refs)

    def _restore_sensitivity(self, sc: Scenario) -> None:
        """Show the scenario's kept sensitivity run again when it is current."""
        s = sc.sensitivity
        if s is None or not s.has_acceptability or not s.is_current(
                sc.settings, self.planner.dataset.version) or self.planner.error:
            return
        from siteselect.ui.planner import SensitivityRun

        self.planner.set_sensitivity(SensitivityRun(sc.settings, self.planner.result,
                                                  s.monte_carlo(), s.stability_intervals()))

    def _saved(self, sc: Scenario) -> None:
        self.planner.mark_saved()
        self._set_current(sc)
        self.scenarios_changed.emit()
        self._status(f"Saved “{sc.name}” as revision {sc.revision}.")

    def save(self) -> bool:
        """Save the open scenario as a new revision (Save As for an unsaved or built-in one)."""
        cur = self.current
        if cur is None or cur.builtin:
            return self.save_as()
        try:
            store = self._require_store()
            draft = self._scenario_from_state(cur.name, cur.description)
            try:
                saved = store.save(draft, expected_revision=cur.revision)
            except ConflictError as exc:
                choice = prompts.ask_conflict(self.parent_widget, exc.message,
                                              gone=exc.current is None)
                if choice == prompts.COPY:
                    return self.save_as()
                if choice != prompts.OVERWRITE:
                    return False
                expected = exc.current.revision if exc.current is not None else 0
                saved = store.save(draft, expected_revision=expected)
        except SiteSelectError as exc:
            self.report(exc)
            return False
        self._saved(saved)
        return True

    def save_as(self, name: str | None = None) -> bool:
        """Save the current settings under a new name."""
        cur = self.current
        if name is None:
            suggestion = f"{cur.name} (copy)" if cur else ""
            name = prompts.ask_name(self.parent_widget, "Save Scenario As", "Scenario name:",
                                    suggestion)
            if name is None:
                return False
        description = cur.description if cur and not cur.builtin else ""
        try:
            store = self._require_store()
            draft = self._scenario_from_state(name, description)
            existing = store.find(draft.name)
            if existing is not None and not existing.builtin:
                # The name is taken (ignoring case and spaces): offer a new revision of it.
                if not prompts.confirm(
                        self.parent_widget, "Scenario exists",
                        f"A scenario named “{existing.name}” already exists. Save these "
                        "settings as its newest revision? Its earlier revisions are kept."):
                    return False
                saved = store.save(replace(draft, name=existing.name,
                                           description=existing.description),
                                   expected_revision=existing.revision)
            else:
                saved = store.create(draft)
        except SiteSelectError as exc:
            self.report(exc)
            return False
        self._saved(saved)
        return True

    # -- scenario files -------------------------------------------------------------------------
    def _problems_for_window(self, exc: ScenarioProblems) -> InputError:
        """The same problems as the command line reports, one per line."""
        if len(exc.problems) == 1:
            return InputError(exc.message)
        lines = "\n".join(f"• {p}" for p in exc.problems)
        return InputError(f"{exc.where} has {len(exc.problems)} problems; nothing was "
                          f"imported:\n{lines}")

    def import_file(self, path: str | Path | None = None) -> Scenario | None:
        """Import a scenario file (Scenario > Import...) and open it.

        The checks are those of ``siteselect scenario import``; every problem in the file is
        reported.  When the name is taken, another name is asked for (the file's name is
        offered).  Returns the imported scenario, None when nothing was imported.
        """
        from siteselect.storage.exchange import document_to_scenario, read_file

        if path is None:
            path = prompts.ask_import_file(self.parent_widget, str(Path.home()))
            if path is None:
                return None
        where = str(path)
        try:
            store = self._require_store()
            doc = read_file(path)
            name = document_to_scenario(doc, where).name  # every problem, before any question
            rename = None
            while (existing := store.find(name)) is not None:
                answer = prompts.ask_name(
                    self.parent_widget, "Import Scenario",
                    f"A scenario named “{existing.name}” already exists. Import it under "
                    "another name:", f"{name} (imported)")
                if answer is None:
                    return None
                name = rename = answer
            sc = store.import_document(
                doc, rename, where=where,
                check=lambda scenario, w: check_scorable(
                    dataset_for(scenario.settings, store.tables_for(scenario.tables)),
                    scenario, w))
        except ScenarioProblems as exc:
            self.report(self._problems_for_window(exc))
            return None
        except SiteSelectError as exc:
            self.report(exc)
            return None
        self.scenarios_changed.emit()
        self.open_scenario(sc.name)
        self._status(f"Imported “{sc.name}” from {path}.")
        return sc

    def export_file(self, name: str | None = None, path: str | Path | None = None) -> bool:
        """Write a saved scenario to a scenario file (Scenario > Export...).

        As ``siteselect scenario export``: the saved scenario is written (unsaved changes on
        screen are offered for saving first), through the same target checks as every
        export.
        """
        from siteselect.exports.common import check_target
        from siteselect.storage.exchange import write_file

        if name is None:
            if self.current is None:
                self._status("Save the scenario first: only saved scenarios are exported.")
                return False
            if not self.maybe_save():
                return False
            name = self.current.name if self.current else None
            if name is None:
                return False
        if path is None:
            safe = "".join(ch if ch.isalnum() or ch in " -_" else "_" for ch in name).strip()
            suggestion = str(Path.home() / f"{safe or 'scenario'}.json")
            path = prompts.ask_export_file(self.parent_widget, suggestion)
            if path is None:
                return False
        try:
            sc = self._require_store().get(name)
            check_target(Path(path))
            written = write_file(sc, path)
        except SiteSelectError as exc:
            self.report(exc)
            return False
        self._status(f"Exported “{sc.name}” to {written}.")
        return True

    def rename(self, old: str | None = None, new: str | None = None) -> bool:
        old = old or (self.current.name if self.current else None)
        if old is None:
            return False
        if new is None:
            new = prompts.ask_name(self.parent_widget, "Rename Scenario", f"New name for “{old}”:",
                                   old)
            if new is None:
                return False
        try:
            self._require_store()
        except SiteSelectError as exc:
            self.report(exc)
            return False
        cmd = RenameScenarioCommand(self, old, new)
        self.undo_stack.push(cmd)  # renames at once; Undo gives the old name back
        return cmd.done

    def renamed(self, old: str, sc: Scenario) -> None:
        """A saved scenario was renamed from ``old`` (by a command or its undo)."""
        if self.current is not None and self.current.name.casefold() == old.strip().casefold():
            self._set_current(replace(self.current, name=sc.name))
        self.scenarios_changed.emit()

    def forget_current(self) -> None:
        """The open scenario is gone: keep its settings on screen as an unsaved scenario."""
        self._set_current(None)
        self.planner.undo_stack.resetClean()

    def edit_description(self, text: str | None = None) -> bool:
        """Change the open scenario's description, saved at once as a new revision.

        The revision keeps the settings as last saved: unsaved changes on screen stay unsaved.
        Built-in scenarios keep their rationale (duplicate one first).
        """
        cur = self.current
        if cur is None or cur.builtin:
            return False
        if text is None:
            text = prompts.ask_text(self.parent_widget, "Scenario Description",
                                    f"What “{cur.name}” is for:", cur.description,
                                    check=lambda t: check_description(t.strip()))
            if text is None:
                return False
        text = text.strip()
        if text == cur.description:
            return True
        try:
            saved = self._require_store().save(replace(cur, description=text),
                                               expected_revision=cur.revision)
        except SiteSelectError as exc:
            self.report(exc)
            return False
        self._set_current(saved)
        self.scenarios_changed.emit()
        self._status(f"Saved the description of “{saved.name}” as revision {saved.revision}.")
        return True

    def duplicate(self, name: str | None = None, new: str | None = None) -> bool:
        name = name or (self.current.name if self.current else None)
        if name is None:
            return False
        if new is None:
            new = prompts.ask_name(self.parent_widget, "Duplicate Scenario",
                                   f"Name of the copy of “{name}”:", f"{name} (copy)")
            if new is None:
                return False
        try:
            self._require_store()
        except SiteSelectError as exc:
            self.report(exc)
            return False
        cmd = DuplicateScenarioCommand(self, name, new)
        self.undo_stack.push(cmd)  # copies at once; Undo removes the copy
        return cmd.copy is not None

    def delete(self, name: str | None = None) -> bool:
        """Delete after confirmation; Undo Delete brings it back in this session."""
        name = name or (self.current.name if self.current else None)
        if name is None or self.store is None:
            return False
        try:
            found = self.store.find(name)
        except SiteSelectError as exc:
            self.report(exc)
            return False
        if found is not None and found.builtin:
            self.report(ScenarioStore.builtin_delete_refusal(found.name))
            return False
        if not prompts.confirm(self.parent_widget, "Delete Scenario",
                               f"Delete the scenario “{name}” and all its revisions? You can "
                               "undo this until you close SiteSelect."):
            return False
        cmd = DeleteScenarioCommand(self, name)
        self.undo_stack.push(cmd)
        if cmd.deleted is None:
            return False
        if self.current is not None and self.current.name == cmd.deleted.scenario.name:
            self.forget_current()  # the settings stay on screen as an unsaved scenario
        return True

    def restore_revision(self, name: str, revision: int) -> bool:
        """Make an earlier revision current (a new save) and show it if it is open."""
        is_open = self.current is not None and self.current.name.casefold() == name.casefold()
        if is_open and not self.maybe_save():
            return False
        try:
            store = self._require_store()
            expected = self.current.revision if is_open and self.current else None
            try:
                sc = store.restore_revision(name, revision, expected_revision=expected)
            except ConflictError:
                sc = store.restore_revision(name, revision)
        except SiteSelectError as exc:
            self.report(exc)
            return False
        if is_open:
            self._use_tables(sc)
            self.planner.load_document(sc.settings, sc.name)
            self._restore_sensitivity(sc)
            self._set_current(sc)
        self.scenarios_changed.emit()
        self._status(f"Restored revision {revision} of “{sc.name}” as revision {sc.revision}.")
        return True
