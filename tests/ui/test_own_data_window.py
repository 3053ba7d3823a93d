"""Planners' tables in the real window: Data menu, new criteria to weigh, a saved scenario
that keeps its figures (with a notice) until Use Newer Figures."""

from __future__ import annotations

import os

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QInputDialog

from siteselect.storage import ScenarioStore
from siteselect.ui.data_dialogs import ImportTableDialog
from tests.own_tables import write_state_table


def write(folder, stem, values, cid="power_quote"):
    return write_state_table(folder, stem, cid, values, label="Negotiated power quote",
                             source="Utility quotes")

def import_through_menu(qtbot, window, monkeypatch, path, name="Quotes"):
    """Data > Import Table…, with the file typed in and Import pressed."""
    def run_dialog(dlg):
        dlg.set_path(str(path))
        dlg.name_edit.setText(name)
        dlg.check()
        assert dlg.import_button.isEnabled(), dlg.summary.text()
        qtbot.mouseClick(dlg.import_button, Qt.LeftButton)
        return dlg.result()

    monkeypatch.setattr(ImportTableDialog, "exec", run_dialog)
    data_menu = next(a.menu() for a in window.menuBar().actions() if a.text() == "&Data")
    action = next(a for a in data_menu.actions() if a.text() == "&Import Table…")
    action.trigger()


def test_import_weigh_save_and_keep_figures_until_accepted(qtbot, window, monkeypatch,
                                                          tmp_path):
    qtbot.waitUntil(lambda: window.scenario_controller.loaded)
    planner = window.planner
    titles = [a.text() for a in window.menuBar().actions()]
    assert titles.index("&Data") < titles.index("&Help")
    quotes = {"TX": "4.0", "OK": "6.0", "NM": "5.0"}
    import_through_menu(qtbot, window, monkeypatch, write(tmp_path, "q1", quotes))
    # the unsaved document takes the table at once: a criterion to weigh, at weight 0
    crit = planner.dataset.criterion("power_quote")
    assert crit.group == "Your data" and planner.settings.weights.get("power_quote", 0) == 0
    assert "power_quote" in window.weights_panel.rows
    # the new criterion is brought into view, ready to weigh
    spin = window.weights_panel.rows["power_quote"].spin
    qtbot.waitUntil(lambda: not spin.visibleRegion().isEmpty())
    window.weights_panel.rows["power_quote"].spin.setValue(80.0)
    qtbot.waitUntil(lambda: planner.settings.weights.get("power_quote") == 80.0)
    before = [r.alternative for r in planner.result.rows()]
    monkeypatch.setattr(QInputDialog, "getText",
                        staticmethod(lambda *a, **k: ("Quotes plan", True)))
    assert window.scenario_controller.save_as("Quotes plan")
    with ScenarioStore.open(os.environ["SITESELECT_DB"]) as store:
        assert [r.version for r in store.get("Quotes plan").tables] == [1]
    assert not window.own_data.notice.isVisible()
    # a newer version: Oklahoma becomes the cheapest
    import_through_menu(qtbot, window, monkeypatch,
                        write(tmp_path, "q2", {**quotes, "OK": "2.0"}))
    assert window.own_data.notice.isVisibleTo(window)
    assert "newer figures (version 2)" in window.own_data.notice_label.toolTip()
    assert [r.alternative for r in planner.result.rows()] == before
    assert planner.dataset.value("OK", "power_quote") == 6.0
    # reopening the scenario keeps its figures too
    window.scenario_controller.open_scenario("Quotes plan")
    assert planner.dataset.value("OK", "power_quote") == 6.0
    qtbot.mouseClick(window.own_data.notice_button, Qt.LeftButton)
    assert planner.dataset.value("OK", "power_quote") == 2.0
    assert planner.result.rows()[0].alternative == "OK"
    assert not window.own_data.notice.isVisibleTo(window)
    with ScenarioStore.open(os.environ["SITESELECT_DB"]) as store:
        assert [r.version for r in store.get("Quotes plan").tables] == [2]


def test_data_sources_list_imported_columns(qtbot, window, monkeypatch, tmp_path):
    qtbot.waitUntil(lambda: window.scenario_controller.loaded)
    import_through_menu(qtbot, window, monkeypatch, write(tmp_path, "q", {"TX": "4"}))
    from siteselect.ui.dialogs import DataSourcesDialog

    dlg = DataSourcesDialog(window.planner.dataset, window)
    qtbot.addWidget(dlg)
    rows = {dlg.table.item(r, 1).text(): r for r in range(dlg.table.rowCount())}
    r = rows["power_quote"]
    texts = [dlg.table.item(r, c).text() for c in range(dlg.table.columnCount())]
    assert "Utility quotes" in texts and any("“Quotes”" in t for t in texts)


def test_manage_data_is_reachable(qtbot, window, monkeypatch):
    qtbot.waitUntil(lambda: window.scenario_controller.loaded)
    from siteselect.ui.data_dialogs import ManageDataDialog

    seen = []
    monkeypatch.setattr(ManageDataDialog, "exec",
                        lambda dlg: seen.append(dlg.intro.text()) or QDialog.Rejected)
    window.own_data.manage_action.trigger()
    assert seen and "No tables of your own yet" in seen[0]


def test_a_weighted_table_criterion_and_a_state_exclusion_survive_the_county_round_trip(
        qtbot, window, monkeypatch, tmp_path):
    from dataclasses import replace

    qtbot.waitUntil(lambda: window.scenario_controller.loaded)
    planner = window.planner
    import_through_menu(qtbot, window, monkeypatch, write(tmp_path, "q", {"TX": "4", "OK": "3"}))
    planner.set_settings(replace(planner.settings, exclude=("OK",),
                                 weights={**planner.settings.weights, "power_quote": 30.0}))
    planner.show_level("county", ("TX", "OK"))
    assert planner.dataset.level == "county"
    assert planner.settings.weights["power_quote"] == 30.0
    assert planner.dataset.criterion("power_quote").label.endswith("(state figure)")
    excluded = {e.alternative for e in planner.result.excluded}
    assert len(excluded) == 77 and all(c.startswith("40") for c in excluded)  # OK's counties
    planner.show_level("state")
    assert planner.settings.weights["power_quote"] == 30.0
    planner.undo_stack.undo()
    planner.undo_stack.undo()
    assert planner.dataset.level == "state" and planner.settings.exclude == ("OK",)
