"""Scenario > Import... and Export... in the window, and the name question keeping the typed
text (pytest-qt, offscreen; modal dialogs answered by patching the Qt static methods)."""

from __future__ import annotations

import json
import os

from PySide6.QtWidgets import QFileDialog, QInputDialog, QMessageBox

from siteselect.storage import ScenarioStore


def ready(qtbot, window):
    qtbot.waitUntil(lambda: window.scenario_controller.loaded)
    ui = window.scenario_ui
    ui.menu.aboutToShow.emit()  # the menu enables its entries as it opens
    return ui


def choose_file(monkeypatch, path, method="getOpenFileName"):
    monkeypatch.setattr(QFileDialog, method, staticmethod(lambda *a, **k: (str(path), "")))


def errors_shown(monkeypatch):
    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "exec", lambda self: shown.append(self.text()))
    return shown


def scenario_file(tmp_path, name="From a colleague", **settings):
    doc = {"format": "siteselect-scenario", "version": 1, "name": name,
           "description": "shared by mail",
           "settings": {"version": 1, "weights": {"energy_cost": 3.0, "talent": 1.0},
                        **settings}}
    path = tmp_path / "shared.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    return path


def test_import_from_the_scenario_menu_opens_the_imported_scenario(qtbot, window, tmp_path,
                                                                   monkeypatch):
    ui = ready(qtbot, window)
    assert ui.import_action in ui.menu.actions() and ui.import_action.isEnabled()
    choose_file(monkeypatch, scenario_file(tmp_path))
    shown = errors_shown(monkeypatch)
    ui.import_action.trigger()
    assert shown == []
    c = window.scenario_controller
    assert c.current is not None and c.current.name == "From a colleague"
    assert window.planner.settings.weights["energy_cost"] == 3.0
    with ScenarioStore.open(os.environ["SITESELECT_DB"]) as s:
        assert s.get("From a colleague").description == "shared by mail"


def test_import_reports_every_problem_and_imports_nothing(qtbot, window, tmp_path,
                                                          monkeypatch):
    ui = ready(qtbot, window)
    before = [sc.name for sc in window.scenario_controller.scenarios()]
    choose_file(monkeypatch, scenario_file(
        tmp_path, exclude=["XX"],
        overrides=[{"state": "TX", "criterion": "energy_cost", "value": -5},
                   {"state": "TX", "criterion": "clean_power", "value": 500}]))
    shown = errors_shown(monkeypatch)
    ui.import_action.trigger()
    (text,) = shown
    lines = text.splitlines()
    assert "has 3 problems; nothing was imported:" in lines[0]
    assert lines[1].startswith("• unknown state code 'XX'")
    assert lines[2].startswith("• override 1 (TX energy_cost): -5 cents/kWh is outside")
    assert lines[3].startswith("• override 2 (TX clean_power): 500 % is outside")
    assert [sc.name for sc in window.scenario_controller.scenarios()] == before


def test_import_of_a_taken_name_asks_for_another(qtbot, window, tmp_path, monkeypatch):
    ui = ready(qtbot, window)
    choose_file(monkeypatch, scenario_file(tmp_path, name="Balanced"))
    asked = []

    def get_text(_parent, _title, label, _mode, text):
        asked.append((label, text))
        return ("Balanced from Dev", True)

    monkeypatch.setattr(QInputDialog, "getText", staticmethod(get_text))
    ui.import_action.trigger()
    assert "“Balanced” already exists" in asked[0][0]
    assert window.scenario_controller.current.name == "Balanced from Dev"


def test_a_pipe_is_refused_not_waited_on(qtbot, window, tmp_path, monkeypatch):
    ui = ready(qtbot, window)
    fifo = tmp_path / "pipe.json"
    os.mkfifo(fifo)
    choose_file(monkeypatch, fifo)
    shown = errors_shown(monkeypatch)
    ui.import_action.trigger()
    assert len(shown) == 1 and "is a named pipe (FIFO), not a scenario file" in shown[0]


def test_export_from_the_scenario_menu_writes_the_saved_scenario(qtbot, window, tmp_path,
                                                                 monkeypatch):
    ui = ready(qtbot, window)
    c = window.scenario_controller
    assert c.open_scenario("Talent First")
    ui.menu.aboutToShow.emit()
    assert ui.export_action.isEnabled()
    target = tmp_path / "talent.json"
    choose_file(monkeypatch, target, "getSaveFileName")
    shown = errors_shown(monkeypatch)
    ui.export_action.trigger()
    assert shown == []
    doc = json.loads(target.read_text(encoding="utf-8"))
    assert doc["format"] == "siteselect-scenario" and doc["name"] == "Talent First"
    assert doc["settings"]["weights"]["talent"] == 35.0
    # The same rule as every export: a read-only file is not replaced.
    target.chmod(0o444)
    ui.export_action.trigger()
    assert len(shown) == 1 and "read-only" in shown[0]
    assert json.loads(target.read_text(encoding="utf-8"))["name"] == "Talent First"


def test_an_over_long_name_is_asked_again_with_the_typed_text_kept(qtbot, window,
                                                                   monkeypatch):
    ready(qtbot, window)
    long_name = "Board draft " + "x" * 100
    asked = []
    answers = [long_name, long_name[:100]]

    def get_text(_parent, _title, label, _mode, text):
        asked.append((label, text))
        return (answers.pop(0), True)

    monkeypatch.setattr(QInputDialog, "getText", staticmethod(get_text))
    shown = errors_shown(monkeypatch)
    assert window.scenario_controller.save_as()
    assert shown == []
    assert len(asked) == 2
    label, text = asked[1]
    assert text == long_name  # what was typed is still in the box
    assert "at most 100 characters (112 given)" in label
    assert window.scenario_controller.current.name == long_name[:100].strip()


def test_the_revisions_dialog_lists_the_readable_revisions_and_names_the_other(
        qtbot, window, monkeypatch):
    import sqlite3

    from siteselect.model.scenario import Scenario
    from siteselect.model.settings import ScoringSettings

    ui = ready(qtbot, window)
    store = window.scenario_controller.store
    for method in ("wsm", "wpm", "topsis"):
        store.save(Scenario("History", settings=ScoringSettings(method=method)))
    conn = sqlite3.connect(os.environ["SITESELECT_DB"])
    with conn:
        conn.execute("UPDATE revisions SET settings = '{}' WHERE revision = 1 AND scenario_id "
                     "= (SELECT id FROM scenarios WHERE name = 'History')")
    conn.close()
    dlg = ui.show_revisions("History")
    assert [dlg.list.item(i).data(256) for i in range(dlg.list.count())] == [3, 2]
    assert dlg.note.text().startswith("Revision 1 of scenario “History”")
    dlg.close()


def test_an_over_long_description_is_asked_again_with_the_text_kept(qtbot, window,
                                                                    monkeypatch):
    ready(qtbot, window)
    c = window.scenario_controller
    assert c.save_as("Described plan")
    long_text = "Power first. " * 1000  # 13,000 characters
    asked = []
    answers = [long_text, long_text[:9000]]

    def get_text(_parent, _title, label, text):
        asked.append((label, text))
        return (answers.pop(0), True)

    monkeypatch.setattr(QInputDialog, "getMultiLineText", staticmethod(get_text))
    shown = errors_shown(monkeypatch)
    assert c.edit_description()
    assert shown == [] and len(asked) == 2
    assert asked[1][1] == long_text and "at most 10,000 characters" in asked[1][0]
    assert c.current.description == long_text[:9000].strip()
