"""The scenario features in the main window, on real database files (pytest-qt, offscreen).

Modal questions are answered by patching the Qt static methods (QMessageBox.question,
QInputDialog.getText, QFileDialog.getSaveFileName) or the conflict prompt.
"""

from __future__ import annotations

import os

import pytest
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QInputDialog, QMessageBox

from siteselect.model.scenario import Scenario
from siteselect.model.settings import ScoringSettings
from siteselect.storage import ScenarioStore
from siteselect.ui.scenarios import prompts

NAME = "Board draft — power first"


def answer_name(monkeypatch, *names):
    """Answer the next QInputDialog.getText calls with ``names`` (None = Cancel)."""
    queue = list(names)

    def get_text(*_args, **_kw):
        name = queue.pop(0)
        return ("", False) if name is None else (name, True)

    monkeypatch.setattr(QInputDialog, "getText", staticmethod(get_text))
    return queue


def answer_question(monkeypatch, *answers):
    """Answer the next QMessageBox.question calls; records the questions asked."""
    queue = list(answers)
    asked = []

    def question(_parent, title, text, *_args, **_kw):
        asked.append((title, text))
        return queue.pop(0)

    monkeypatch.setattr(QMessageBox, "question", staticmethod(question))
    return asked


def db_path() -> str:
    return os.environ["SITESELECT_DB"]


def bump_talent(window, value: float = 55.0) -> None:
    window.weights_panel.rows["talent"].spin.setValue(value)


def test_menu_panel_and_status_are_installed(qtbot, window):
    # The database is opened just after the window first paints.
    qtbot.waitUntil(lambda: window.scenario_controller.loaded)
    titles = [a.text() for a in window.menuBar().actions()]
    assert titles.index("&Scenario") < titles.index("&Help")
    ui = window.scenario_ui
    texts = [a.text() for a in ui.menu.actions() if a.text()]
    for wanted in ("&New", "&Open...", "&Save", "Save &As...", "&Rename...", "&Duplicate...",
                   "De&lete...", "Re&visions...", "&Compare..."):
        assert wanted in texts
    assert ui.save_action.shortcut() == QKeySequence("Ctrl+S")
    names = ui.panel.model.names()
    assert {"Balanced", "Cheapest Power", "Talent First", "Tax-Driven", "Low-Carbon"} <= set(
        names)
    assert ui.status_label.text() == "Scenario: Untitled"
    assert not ui.panel.error_label.isVisibleTo(ui.panel)


def test_save_as_then_save_makes_revisions_with_title_and_status_marks(qtbot, window,
                                                                       monkeypatch):
    ui, ctl = window.scenario_ui, window.scenario_controller
    bump_talent(window)
    assert window.windowTitle().startswith("Untitled*")
    assert ui.status_label.text() == "Scenario: Untitled*"
    answer_name(monkeypatch, NAME)
    ui.save_action.trigger()  # nothing saved yet: Save asks for a name
    assert window.windowTitle() == f"{NAME} \u2014 SiteSelect"
    assert ui.status_label.text() == f"Scenario: {NAME}"
    assert ctl.current.revision == 1
    bump_talent(window, 60.0)
    assert window.windowTitle() == f"{NAME}* \u2014 SiteSelect"
    ui.save_action.trigger()
    assert window.windowTitle() == f"{NAME} \u2014 SiteSelect"
    with ScenarioStore.open(db_path()) as store:
        saved = store.get(NAME)
        assert saved.revision == 2
        assert saved.settings.weights["talent"] == 60.0
        assert saved.dataset_version == window.planner.dataset.version
        assert [r.settings.weights["talent"] for r in store.revisions(NAME)] == [60.0, 55.0]
    assert ui.panel.model.names()[0] == NAME  # newest first


def test_save_on_a_builtin_asks_for_a_new_name(window, monkeypatch):
    ctl = window.scenario_controller
    assert ctl.open_scenario("Balanced")
    bump_talent(window)
    answer_name(monkeypatch, "My balanced")
    assert ctl.save()
    with ScenarioStore.open(db_path()) as store:
        assert store.get("Balanced").settings == ScoringSettings(
            weights=store.get("Balanced").settings.weights)
        assert store.get("Balanced").revision == 1
        assert store.get("My balanced").settings.weights["talent"] == 55.0


def test_switching_with_unsaved_changes_asks_save_discard_cancel(window, monkeypatch):
    ctl = window.scenario_controller
    ctl.open_scenario("Cheapest Power")
    bump_talent(window)
    asked = answer_question(monkeypatch, QMessageBox.Cancel)
    assert not ctl.open_scenario("Talent First")
    assert asked and "Cheapest Power" in asked[0][1]
    assert ctl.current.name == "Cheapest Power" and window.planner.modified
    # The panel shows the open scenario with its one-line rationale.
    label = window.scenario_ui.panel.current_label.text()
    assert "Cheapest Power*" in label and "electricity bill" in label
    answer_question(monkeypatch, QMessageBox.Discard)
    assert ctl.open_scenario("Talent First")
    assert ctl.current.name == "Talent First" and not window.planner.modified
    assert window.planner.settings == ctl.current.settings
    # Save: a built-in cannot take the changes, so it is saved under a new name first.
    bump_talent(window, 70.0)
    answer_question(monkeypatch, QMessageBox.Save)
    answer_name(monkeypatch, "Talent tweaked")
    assert ctl.open_scenario("Low-Carbon")
    with ScenarioStore.open(db_path()) as store:
        assert store.get("Talent tweaked").settings.weights["talent"] == 70.0


def test_closing_with_unsaved_changes_asks(qtbot, window, monkeypatch):
    # Offscreen too: the question is never skipped for want of a screen.
    bump_talent(window)
    asked = answer_question(monkeypatch, QMessageBox.Cancel)
    assert not window.close()
    assert window.isVisible() and window.planner.modified
    assert asked and asked[0][0] == "Unsaved changes" and "Untitled" in asked[0][1]
    answer_question(monkeypatch, QMessageBox.Discard)
    assert window.close()
    with ScenarioStore.open(db_path()) as store:
        assert [s.name for s in store.list() if not s.builtin] == []


def test_closing_and_answering_save_saves_first(qtbot, window, monkeypatch):
    ctl = window.scenario_controller
    assert ctl.open_scenario("Balanced")
    answer_name(monkeypatch, "Kept at close")
    assert ctl.save_as()
    bump_talent(window, 66.0)
    asked = answer_question(monkeypatch, QMessageBox.Save)
    assert window.close()
    assert len(asked) == 1 and "Kept at close" in asked[0][1]
    with ScenarioStore.open(db_path()) as store:
        assert store.get("Kept at close").revision == 2
        assert store.get("Kept at close").settings.weights["talent"] == 66.0
    assert not window.isVisible()


def test_closing_untitled_then_cancelling_the_name_keeps_the_window(qtbot, window,
                                                                   monkeypatch):
    bump_talent(window)
    answer_question(monkeypatch, QMessageBox.Save)
    answer_name(monkeypatch, None)
    assert not window.close()
    assert window.isVisible() and window.planner.modified


def test_close_question_is_a_real_box_when_nobody_patched_it(qtbot, window):
    """Unpatched, closing shows a modal box offscreen; pressing its Cancel keeps the window."""
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    bump_talent(window)
    seen = []

    def press_cancel(tries: int = 100) -> None:
        box = QApplication.activeModalWidget()
        if isinstance(box, QMessageBox):
            seen.append(box.text())
            box.button(QMessageBox.Cancel).click()
        elif tries:
            QTimer.singleShot(20, lambda: press_cancel(tries - 1))

    QTimer.singleShot(0, press_cancel)
    assert not window.close()
    assert seen and "unsaved changes" in seen[0]
    assert window.isVisible()


def test_clean_window_closes_without_a_question(qtbot, window, monkeypatch):
    asked = answer_question(monkeypatch)
    window.scenario_controller.open_scenario("Low-Carbon")
    assert window.close()
    assert asked == []


def test_delete_is_confirmed_and_undoable(window, monkeypatch):
    ctl, ui = window.scenario_controller, window.scenario_ui
    answer_name(monkeypatch, "To delete")
    ctl.save_as()
    bump_talent(window)
    ctl.save()
    answer_question(monkeypatch, QMessageBox.No)
    assert not ctl.delete("To delete")
    assert "To delete" in ui.panel.model.names()
    answer_question(monkeypatch, QMessageBox.Yes)
    assert ctl.delete("To delete")
    assert "To delete" not in ui.panel.model.names()
    assert ctl.current is None and window.planner.modified  # the settings stay, unsaved
    assert ui.undo_delete_action.isEnabled()
    ui.undo_delete_action.trigger()
    assert "To delete" in ui.panel.model.names()
    with ScenarioStore.open(db_path()) as store:
        assert [r.revision for r in store.revisions("To delete")] == [2, 1]


@pytest.mark.parametrize("choice", [prompts.OVERWRITE, prompts.COPY, prompts.CANCEL])
def test_two_windows_never_silently_lose_a_save(qtbot, window, dataset, monkeypatch, choice):
    from siteselect.ui.main_window import MainWindow
    from siteselect.ui.planner import Planner

    other = MainWindow(Planner(dataset, ScoringSettings()), restore_settings=False)
    qtbot.addWidget(other)
    first, second = window.scenario_controller, other.scenario_controller
    answer_name(monkeypatch, "Shared")
    first.save_as()
    assert second.open_scenario("Shared")
    bump_talent(window, 41.0)
    assert first.save()  # revision 2, saved by the first window
    bump_talent(other, 77.0)
    button = {prompts.OVERWRITE: QMessageBox.Yes, prompts.COPY: QMessageBox.No,
              prompts.CANCEL: QMessageBox.Cancel}[choice]
    asked = answer_question(monkeypatch, button)
    answer_name(monkeypatch, "Shared (mine)")
    saved = second.save()
    assert len(asked) == 1 and asked[0][0] == "Saved elsewhere"
    assert "another window" in asked[0][1] and "revision 2" in asked[0][1]
    with ScenarioStore.open(db_path()) as store:
        revs = [r.settings.weights["talent"] for r in store.revisions("Shared")]
        if choice == prompts.OVERWRITE:
            assert saved and revs == [77.0, 41.0, 15.0]
        elif choice == prompts.COPY:
            assert saved and revs == [41.0, 15.0]
            assert store.get("Shared (mine)").settings.weights["talent"] == 77.0
        else:
            assert not saved and revs == [41.0, 15.0]
            assert other.planner.modified


def test_revisions_dialog_views_and_restores(qtbot, window, monkeypatch):
    ctl, ui = window.scenario_controller, window.scenario_ui
    answer_name(monkeypatch, "Revised")
    ctl.save_as()
    bump_talent(window, 80.0)
    ctl.save()
    dlg = ui.show_revisions("Revised")
    qtbot.addWidget(dlg)
    assert dlg.list.count() == 2
    assert "(current)" in dlg.list.item(0).text()
    dlg.list.setCurrentRow(1)
    assert dlg.selected_revision() == 1
    assert "revision 1" in dlg.details.toPlainText()
    dlg.restore_button.click()
    assert ctl.current.revision == 3
    assert window.planner.settings.weights["talent"] == 15.0
    assert not window.planner.modified
    assert dlg.list.count() == 3


def test_corrupt_database_at_start_up_offers_a_new_one(qtbot, dataset, tmp_path, monkeypatch):
    from PySide6.QtWidgets import QFileDialog

    from siteselect.ui.main_window import MainWindow
    from siteselect.ui.planner import Planner

    bad = tmp_path / "bad.db"
    content = b"SQLite format 3\x00" + b"\x13" * 3000
    bad.write_bytes(content)
    monkeypatch.setenv("SITESELECT_DB", str(bad))
    win = MainWindow(Planner(dataset), restore_settings=False)
    qtbot.addWidget(win)
    win.resize(1400, 900)
    win.show()
    panel = win.scenario_ui.panel
    qtbot.waitUntil(lambda: win.scenario_controller.db_error is not None)
    assert panel.error_label.isVisibleTo(panel) and str(bad) in panel.error_label.text()
    assert panel.new_db_button.isVisibleTo(panel)
    assert not panel.buttons["save"].isEnabled()
    # The panel is brought forward and the Scenario menu offers the way out too.
    assert win.scenario_ui.new_db_action.isVisible()
    qtbot.waitUntil(lambda: not win.scenario_ui.dock.visibleRegion().isEmpty())
    assert win.detail_dock in win.tabifiedDockWidgets(win.scenario_ui.dock)
    assert win.detail_dock.visibleRegion().isEmpty()  # the panel is the tab on top
    new = tmp_path / "elsewhere" / "new.db"
    monkeypatch.setattr(QFileDialog, "getSaveFileName",
                        staticmethod(lambda *_a, **_k: (str(new), "")))
    damaged = win.scenario_controller.db_error.message
    win.statusBar().showMessage(damaged, 15000)  # as shown when the database failed
    panel.new_db_button.click()
    assert win.scenario_controller.store is not None
    assert not panel.error_label.isVisibleTo(panel)
    # Recovered: the message about the damaged file does not linger.
    assert win.statusBar().currentMessage() != damaged
    assert not win.scenario_ui.new_db_action.isVisible()
    assert "Balanced" in panel.model.names()
    assert panel.buttons["save"].isEnabled()
    assert bad.read_bytes() == content
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad.db", "elsewhere"]


def test_compare_dialog(qtbot, window, qtmodeltester):
    ctl, ui = window.scenario_controller, window.scenario_ui
    ctl.store.save(Scenario("Talent only", settings=ScoringSettings(
        weights={c: (1.0 if c == "talent" else 0.0)
                 for c in window.planner.dataset.criterion_ids})))
    ctl.scenarios_changed.emit()
    dlg = ui.show_compare()
    qtbot.addWidget(dlg)
    dlg.set_sources(None, "Talent only")
    cmp = dlg.comparison
    assert cmp is not None and len(cmp.states) == 51
    assert dlg.model.rowCount() == 51
    qtmodeltester.check(dlg.model)
    qtmodeltester.check(ui.panel.model)
    up = next(s for s in cmp.states if (s.rank_change or 0) > 0)
    down = next(s for s in cmp.states if (s.rank_change or 0) < 0)
    r, _g, b = dlg.map.brush_rgb(up.state)
    assert b > r  # moved up: blue side
    r, _g, b = dlg.map.brush_rgb(down.state)
    assert r > b  # moved down: red side
    assert cmp.entered and cmp.left
    row = [s.state for s in cmp.states].index(cmp.entered[0])
    from PySide6.QtCore import Qt

    assert dlg.model.index(row, 7).data() == "entered"
    assert dlg.model.headerData(7, Qt.Horizontal) == "Top 10"
    assert dlg.model.index(row, 0).data(Qt.BackgroundRole) is not None
    assert len(dlg.slope.lines) == sum(1 for s in cmp.states if s.rank_change is not None)
    assert dlg.weights_table.rowCount() == len(cmp.weights)
    dlg.set_sources("Cheapest Power", "Talent only")
    assert dlg.combo_a.currentText() == "Cheapest Power"


def test_open_dialog_is_searchable_newest_first_and_panel_buttons_work(qtbot, window,
                                                                       monkeypatch):
    from siteselect.ui.scenarios.dialogs import OpenScenarioDialog

    ctl, ui = window.scenario_controller, window.scenario_ui
    ctl.store.save(Scenario("Older plan", description="texas first"))
    ctl.store.save(Scenario("Newer plan", description="cheap power"))
    ctl.scenarios_changed.emit()
    dlg = OpenScenarioDialog(ctl, window)
    qtbot.addWidget(dlg)
    assert dlg.model.names()[:2] == ["Newer plan", "Older plan"]
    assert dlg.selected_name() == "Newer plan"
    dlg.search.setText("TEXAS")
    assert dlg.model.names() == ["Older plan"]
    assert dlg.selected_name() == "Older plan"
    dlg.search.setText("no such thing")
    assert dlg.model.rowCount() == 0
    assert not dlg.buttons.button(dlg.buttons.StandardButton.Open).isEnabled()
    # The panel: select a row, press Open, then Duplicate and Rename through the buttons.
    panel = ui.panel
    panel.select_name("Balanced")
    assert panel.buttons["duplicate"].isEnabled() and not panel.buttons["rename"].isEnabled()
    panel.select_name("Older plan")
    assert panel.buttons["rename"].isEnabled()
    panel.buttons["open"].click()
    assert ctl.current.name == "Older plan"
    assert "Older plan" in panel.current_label.text()
    answer_name(monkeypatch, "Older plan (copy)")
    panel.buttons["duplicate"].click()
    assert "Older plan (copy)" in panel.model.names()
    panel.select_name("Older plan")
    answer_name(monkeypatch, "Renamed plan")
    panel.buttons["rename"].click()
    assert ctl.current.name == "Renamed plan"
    assert window.windowTitle() == "Renamed plan \u2014 SiteSelect"
    assert "Older plan" not in panel.model.names()
    panel.search.setText("renamed")
    assert panel.model.names() == ["Renamed plan"]


def test_window_uses_the_database_given_with_db(tmp_path):
    """`siteselect --db PATH` opens the window on PATH, not on SITESELECT_DB.

    Run in a process of its own: the window's event loop quits the application when it closes.
    """
    import subprocess
    import sys
    import textwrap

    chosen = tmp_path / "chosen.db"
    env_db = tmp_path / "env.db"
    script = textwrap.dedent("""
        import sys
        from PySide6.QtCore import QTimer
        from PySide6.QtWidgets import QApplication
        from siteselect.cli import main
        from siteselect.ui.app import application
        from siteselect.ui.main_window import MainWindow

        application()

        def close():
            for w in QApplication.topLevelWidgets():
                if isinstance(w, MainWindow) and w.isVisible():
                    print("DB", w.scenario_controller.store.path, flush=True)
                    w.close()
            QApplication.instance().quit()

        QTimer.singleShot(500, close)
        sys.exit(main(sys.argv[1:]))
    """)
    env = dict(os.environ, SITESELECT_DB=str(env_db), QT_QPA_PLATFORM="offscreen")
    proc = subprocess.run([sys.executable, "-c", script, "--db", str(chosen)],
                          capture_output=True, text=True, env=env, timeout=90)
    assert proc.returncode == 0, proc.stderr
    assert f"DB {chosen}" in proc.stdout
    assert chosen.exists() and not env_db.exists()


def test_compare_follows_the_current_settings_and_new_saves(qtbot, window, monkeypatch):
    ctl, ui = window.scenario_controller, window.scenario_ui
    dlg = ui.show_compare()
    qtbot.addWidget(dlg)
    dlg.set_sources(None, "Balanced")
    assert dlg.comparison is not None
    assert all(s.rank_change == 0 for s in dlg.comparison.states if s.rank_change is not None)
    bump_talent(window, 90.0)  # the window's edit shows in the open dialog at once
    assert any(s.rank_change for s in dlg.comparison.states)
    assert dlg.combo_a.itemText(0) == "Current settings (Untitled*)"
    odd = "<b>Bold</b> & \"quoted\" 🚀"
    answer_name(monkeypatch, odd)
    assert ctl.save_as()
    assert dlg.combo_b.findData(odd) >= 0 and dlg.combo_a.findData(odd) >= 0
    assert dlg.combo_b.currentData() == "Balanced"  # the choice is kept
    dlg.set_sources(odd, "Balanced")
    assert "&lt;b&gt;Bold&lt;/b&gt; &amp;" in dlg.summary.text()
    dlg.set_sources(None, odd)
    assert dlg.combo_a.itemText(0) == f"Current settings ({odd})"
    assert all(s.rank_change == 0 for s in dlg.comparison.states if s.rank_change is not None)


def test_rename_and_duplicate_are_undoable_in_the_session(window, monkeypatch):
    ctl, ui = window.scenario_controller, window.scenario_ui
    answer_name(monkeypatch, "Plan «A»")
    assert ctl.save_as()
    # Rename the open scenario (a change of case included): title and list follow; Undo
    # gives the old name back, Redo the new one.
    assert ctl.rename(None, "  plan «a» — final ")
    assert ctl.current.name == "plan «a» — final"
    assert window.windowTitle() == "plan «a» — final \u2014 SiteSelect"
    assert "Undo Rename" in ui.undo_delete_action.text()
    ui.undo_delete_action.trigger()
    assert ctl.current.name == "Plan «A»"
    assert window.windowTitle() == "Plan «A» \u2014 SiteSelect"
    assert "Plan «A»" in ui.panel.model.names()
    assert "plan «a» — final" not in ui.panel.model.names()
    ctl.undo_stack.redo()
    assert ctl.current.name == "plan «a» — final"
    ctl.undo_stack.undo()
    # Duplicate, then undo: the copy goes, the original stays.
    assert ctl.duplicate("Balanced", "Balanced, my copy")
    assert "Balanced, my copy" in ui.panel.model.names()
    ui.undo_delete_action.trigger()
    assert "Balanced, my copy" not in ui.panel.model.names()
    assert "Balanced" in ui.panel.model.names()
    with ScenarioStore.open(db_path()) as store:
        assert store.find("Balanced, my copy") is None
        assert store.get("plan «a»").revision == 1
    # A refused rename leaves nothing to undo.
    shown = []
    monkeypatch.setattr(QMessageBox, "exec", lambda self: shown.append(self.text()))
    assert not ctl.undo_stack.canUndo()
    assert not ctl.rename("Plan «A»", "low-carbon")
    assert shown and "already exists" in shown[0]
    assert not ctl.undo_stack.canUndo()
    assert ctl.current.name == "Plan «A»"


def test_description_is_edited_and_saved_as_a_revision(window, monkeypatch):
    ctl, ui = window.scenario_controller, window.scenario_ui
    answer_name(monkeypatch, "Described")
    assert ctl.save_as()
    bump_talent(window, 61.0)  # unsaved on screen; the description save must not take it
    monkeypatch.setattr(QInputDialog, "getMultiLineText", staticmethod(
        lambda *_a, **_k: ("  For the board, 2 December: \"=cheap\" power & <talent>\n", True)))
    ui.menu.aboutToShow.emit()
    assert ui.description_action.isEnabled()
    ui.description_action.trigger()
    assert ctl.current.revision == 2
    assert window.planner.modified  # the weight change is still unsaved
    with ScenarioStore.open(db_path()) as store:
        saved = store.get("Described")
        assert saved.description == "For the board, 2 December: \"=cheap\" power & <talent>"
        assert saved.settings.weights["talent"] == 15.0  # as saved before, not 61
        assert store.revisions("Described")[1].description == ""
    assert "&lt;talent&gt;" in ui.panel.current_label.text()
    # Built-ins keep their rationale.
    answer_question(monkeypatch, QMessageBox.Discard)
    assert ctl.open_scenario("Balanced")
    ui.menu.aboutToShow.emit()
    assert not ui.description_action.isEnabled()
    assert not ctl.edit_description("changed")


def test_closing_after_another_window_saved_asks_both_questions(qtbot, window, dataset,
                                                                 monkeypatch):
    """Close with unsaved changes -> Save -> the other window's save is found -> asked."""
    from siteselect.ui.main_window import MainWindow
    from siteselect.ui.planner import Planner

    other = MainWindow(Planner(dataset, ScoringSettings()), restore_settings=False)
    qtbot.addWidget(other)
    other.show()
    answer_name(monkeypatch, "Shared")
    assert window.scenario_controller.save_as()
    assert other.scenario_controller.open_scenario("shared")
    bump_talent(window, 41.0)
    assert window.scenario_controller.save()
    bump_talent(other, 77.0)
    asked = answer_question(monkeypatch, QMessageBox.Save, QMessageBox.Cancel)
    assert not other.close()  # cancelled at the second question: nothing lost, still open
    assert [t for t, _ in asked] == ["Unsaved changes", "Saved elsewhere"]
    assert other.isVisible() and other.planner.modified
    asked = answer_question(monkeypatch, QMessageBox.Save, QMessageBox.Yes)
    assert other.close()
    with ScenarioStore.open(db_path()) as store:
        assert [r.settings.weights["talent"] for r in store.revisions("Shared")] == [
            77.0, 41.0, 15.0]


def test_ctrl_o_opens_the_chosen_scenario_asking_about_unsaved_changes(qtbot, window,
                                                                       monkeypatch):
    ctl, ui = window.scenario_controller, window.scenario_ui
    qtbot.waitUntil(lambda: ctl.loaded)
    assert ui.open_action.shortcut() == QKeySequence(QKeySequence.Open)
    bump_talent(window, 33.0)
    ui.open_action.trigger()  # window-modal, does not block
    dlg = ui.open_dialog
    assert dlg.isVisible()
    dlg.search.setText("TAX-driven")
    assert dlg.model.names() == ["Tax-Driven"] and dlg.selected_name() == "Tax-Driven"
    asked = answer_question(monkeypatch, QMessageBox.Cancel)
    dlg.buttons.button(dlg.buttons.StandardButton.Open).click()
    assert len(asked) == 1 and ctl.current is None and window.planner.modified
    ui.open_action.trigger()
    dlg = ui.open_dialog
    dlg.search.setText("low-c")
    answer_question(monkeypatch, QMessageBox.Discard)
    dlg.buttons.button(dlg.buttons.StandardButton.Open).click()
    assert ctl.current.name == "Low-Carbon" and not window.planner.modified
    assert window.windowTitle() == "Low-Carbon \u2014 SiteSelect"


def test_save_as_onto_an_existing_name_offers_a_new_revision(window, monkeypatch):
    ctl = window.scenario_controller
    answer_name(monkeypatch, "Power plan")
    assert ctl.save_as()
    assert ctl.new_scenario()
    bump_talent(window, 44.0)
    answer_name(monkeypatch, "  POWER plan ", "  POWER plan ")
    asked = answer_question(monkeypatch, QMessageBox.No)
    assert not ctl.save_as()
    assert asked and asked[0][0] == "Scenario exists" and "“Power plan”" in asked[0][1]
    assert ctl.current is None and window.planner.modified
    answer_question(monkeypatch, QMessageBox.Yes)
    assert ctl.save_as()
    assert ctl.current.name == "Power plan" and ctl.current.revision == 2
    assert not window.planner.modified
    with ScenarioStore.open(db_path()) as store:
        assert [r.settings.weights["talent"] for r in store.revisions("Power plan")] == [
            44.0, 15.0]
    # A built-in's name is refused with a message (never overwritten).
    shown = []
    monkeypatch.setattr(QMessageBox, "exec", lambda self: shown.append(self.text()))
    answer_name(monkeypatch, "balanced")
    assert not ctl.save_as()
    assert shown and "already exists" in shown[0]


def test_panel_names_a_scenario_it_cannot_read(qtbot, dataset, tmp_path, monkeypatch):
    import sqlite3

    from siteselect.ui.main_window import MainWindow
    from siteselect.ui.planner import Planner

    path = tmp_path / "partly.db"
    with ScenarioStore.open(path) as store:
        store.save(Scenario("Readable"))
        store.save(Scenario("Unreadable"))
    conn = sqlite3.connect(path)
    with conn:
        conn.execute("UPDATE scenarios SET settings = 'not json' WHERE name = 'Unreadable'")
    conn.close()
    monkeypatch.setenv("SITESELECT_DB", str(path))
    win = MainWindow(Planner(dataset), restore_settings=False)
    qtbot.addWidget(win)
    panel = win.scenario_ui.panel
    qtbot.waitUntil(lambda: win.scenario_controller.loaded)
    assert "Readable" in panel.model.names() and "Unreadable" not in panel.model.names()
    assert panel.error_label.isVisibleTo(panel)
    assert "Not listed" in panel.error_label.text() and "Unreadable" in panel.error_label.text()
    assert not panel.new_db_button.isVisibleTo(panel)
    assert panel.buttons["save"].isEnabled()


def test_a_builtin_scenario_is_not_deleted_and_delete_is_disabled_for_it(window, monkeypatch):
    ctl, ui = window.scenario_controller, window.scenario_ui
    shown = []
    monkeypatch.setattr(QMessageBox, "exec", lambda self: shown.append(self.text()))
    asked = answer_question(monkeypatch, QMessageBox.Yes)
    ctl.open_scenario("Talent First")
    ui.menu.aboutToShow.emit()
    assert not ui.delete_action.isEnabled()
    assert not ctl.delete("Talent First")
    assert asked == []  # refused before any "are you sure?"
    assert shown and "built-in scenario and cannot be deleted" in shown[0]
    assert "Talent First" in ui.panel.model.names()
    with ScenarioStore.open(db_path()) as store:
        assert store.get("Talent First").builtin


def test_undo_delete_offers_another_name_when_the_name_was_taken_meanwhile(qtbot, window,
                                                                           monkeypatch):
    ctl, ui = window.scenario_controller, window.scenario_ui
    answer_name(monkeypatch, "Taken again")
    ctl.save_as()
    bump_talent(window)
    ctl.save()
    answer_question(monkeypatch, QMessageBox.Yes)
    assert ctl.delete("Taken again")
    with ScenarioStore.open(db_path()) as store:  # e.g. `siteselect scenario save` meanwhile
        store.save(Scenario("Taken again", settings=ScoringSettings(weights={"talent": 1.0})))
    # Declining the new name keeps the deleted scenario and its Undo entry.
    answer_name(monkeypatch, None)
    ui.undo_delete_action.trigger()
    qtbot.waitUntil(lambda: ctl.undo_stack.canUndo())
    assert ctl.undo_stack.undoText() == "Delete Scenario “Taken again”"
    # Accepting the suggested name puts it back with every revision.
    suggested = []

    def get_text(_parent, _title, label, _mode, text):
        suggested.append((label, text))
        return text, True

    monkeypatch.setattr(QInputDialog, "getText", staticmethod(get_text))
    ui.undo_delete_action.trigger()
    assert suggested and suggested[0][1] == "Taken again (restored)"
    assert "exists" in suggested[0][0]
    with ScenarioStore.open(db_path()) as store:
        assert [r.revision for r in store.revisions("Taken again (restored)")] == [2, 1]
        assert store.get("Taken again").settings.weights == {"talent": 1.0}
    # Redo deletes the restored copy again (not the other scenario), and Undo brings it back.
    ctl.undo_stack.redo()
    with ScenarioStore.open(db_path()) as store:
        assert store.find("Taken again (restored)") is None
        assert store.find("Taken again") is not None
    ctl.undo_stack.undo()
    with ScenarioStore.open(db_path()) as store:
        assert len(store.revisions("Taken again (restored)")) == 2


def test_save_after_a_delete_elsewhere_words_the_question_for_the_deleted_case(window,
                                                                               monkeypatch):
    ctl = window.scenario_controller
    answer_name(monkeypatch, "Deleted elsewhere")
    ctl.save_as()
    with ScenarioStore.open(db_path()) as store:
        store.delete("Deleted elsewhere")
    bump_talent(window, 63.0)
    asked = answer_question(monkeypatch, QMessageBox.Yes)
    assert ctl.save()
    text = asked[0][1]
    assert "renamed or deleted" in text
    assert "theirs stays" not in text and "new scenario" in text
    with ScenarioStore.open(db_path()) as store:
        assert store.get("Deleted elsewhere").settings.weights["talent"] == 63.0
