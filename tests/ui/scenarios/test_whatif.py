"""What-if values in the window: added from the Scenario menu, marked wherever the figure is
shown, undoable, saved with the scenario and reopened (pytest-qt, offscreen)."""

from __future__ import annotations

import os

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QInputDialog

from siteselect.errors import InputError
from siteselect.storage import ScenarioStore


def open_whatif(qtbot, window):
    ui = window.scenario_ui
    assert ui.whatif_action in ui.menu.actions()
    ui.whatif_action.trigger()
    dlg = ui.whatif_dialog
    assert dlg.isVisible() and dlg.isModal()
    return dlg  # deleted when closed; each test closes it


def table_text(window, state: str, cid: str) -> str:
    model = window.ranking_table.model
    col = 4 + model.criteria.index(cid)
    return model.index(model.row_of(state), col).data(Qt.DisplayRole)


def test_texas_at_five_cents_is_applied_marked_undoable_and_saved(qtbot, window, monkeypatch):
    planner = window.planner
    published = planner.dataset.value("TX", "energy_cost")
    assert published is not None and published != 5.0
    before = table_text(window, "TX", "energy_cost")
    assert "what-if" not in before
    dlg = open_whatif(qtbot, window)
    dlg.choose("TX", "energy_cost")
    assert dlg.number.value() == pytest.approx(published)  # starts at the published figure
    dlg.number.setValue(5.0)
    dlg.note.setText("negotiated PPA")
    assert dlg.add_from_form()
    assert dlg.table.rowCount() == 1
    assert "(TX)" in dlg.table.item(0, 0).text() and "5" in dlg.table.item(0, 2).text()
    dlg.buttons.button(dlg.buttons.StandardButton.Ok).click()

    assert [(o.state, o.criterion, o.value, o.note) for o in planner.settings.overrides] == [
        ("TX", "energy_cost", 5.0, "negotiated PPA")]
    assert planner.modified and window.windowTitle().startswith("Untitled*")
    # Marked in the table, the map tooltip and the detail panel; the engine used the value.
    assert "(what-if)" in table_text(window, "TX", "energy_cost")
    assert "(what-if)" in window.map_canvas.tooltip_for("TX")
    planner.select("TX")
    assert "(what-if)" in window.detail_panel.figures.toPlainText()
    i = planner.result.position("TX")
    assert planner.result.values[i, list(planner.result.criteria).index("energy_cost")] == 5.0

    # One undo step takes it back.
    window.undo_action.trigger()
    assert planner.settings.overrides == ()
    assert "what-if" not in table_text(window, "TX", "energy_cost")
    window.redo_action.trigger()
    assert len(planner.settings.overrides) == 1

    # Saved with the scenario, and there again when it is reopened.
    monkeypatch.setattr(QInputDialog, "getText",
                        staticmethod(lambda *_a, **_k: ("Texas PPA", True)))
    ctl = window.scenario_controller
    assert ctl.save()
    assert ctl.open_scenario("Balanced")
    assert planner.settings.overrides == ()
    assert ctl.open_scenario("texas ppa")
    assert planner.settings.overrides[0].value == 5.0
    assert "(what-if)" in table_text(window, "TX", "energy_cost")
    with ScenarioStore.open(os.environ["SITESELECT_DB"]) as store:
        saved = store.get("Texas PPA").settings.overrides
    assert [(o.state, o.criterion, o.value) for o in saved] == [("TX", "energy_cost", 5.0)]


def test_replace_remove_and_cancel(qtbot, window):
    planner = window.planner
    dlg = open_whatif(qtbot, window)
    dlg.set_override("tx", "energy_cost", 5.0)
    dlg.set_override("TX", "energy_cost", 4.5, "better offer")  # same pair: replaced
    dlg.set_override("CA", "energy_cost", 9.0)
    assert [(o.state, o.value) for o in dlg.overrides] == [("TX", 4.5), ("CA", 9.0)]
    dlg.table.selectRow(1)
    assert dlg.remove_button.isEnabled()
    dlg.remove_button.click()
    assert [o.state for o in dlg.overrides] == ["TX"]
    dlg.reject()
    assert planner.settings.overrides == () and not planner.modified


def test_bad_values_are_refused_inline(qtbot, window):
    dlg = open_whatif(qtbot, window)
    with pytest.raises(InputError, match="Unknown state"):
        dlg.set_override("ZZ", "energy_cost", 5.0)
    with pytest.raises(InputError, match="number"):
        dlg.set_override("TX", "energy_cost", float("nan"))
    with pytest.raises(InputError, match="categories"):
        dlg.set_override("TX", "tax_incentives", 0.37)
    # A categorical criterion is chosen from its labels, never typed.
    dlg.choose("TX", "tax_incentives")
    assert dlg.value_stack.currentWidget() is dlg.category
    assert dlg.category.count() >= 2
    assert dlg.add_from_form()
    assert dlg.overrides[0].criterion == "tax_incentives"
    assert dlg.error_label.text() == ""
    assert dlg.table.rowCount() == 1
    dlg.reject()
    assert window.planner.settings.overrides == ()


def test_enter_in_the_form_adds_the_value_and_keeps_the_dialog_open(qtbot, window):
    dlg = open_whatif(qtbot, window)
    dlg.choose("NV", "energy_cost")
    dlg.number.lineEdit().selectAll()
    qtbot.keyClicks(dlg.number.lineEdit(), "4.25")
    qtbot.keyClick(dlg.number.lineEdit(), Qt.Key_Return)
    assert dlg.isVisible()
    assert [(o.state, o.criterion, o.value) for o in dlg.overrides] == [
        ("NV", "energy_cost", 4.25)]
    dlg.buttons.button(dlg.buttons.StandardButton.Ok).click()
    assert window.planner.settings.overrides[0].value == 4.25


def _click_row(qtbot, window, code: str) -> None:
    from PySide6.QtTest import QTest

    window.show()
    qtbot.waitExposed(window)
    view = window.ranking_table.view
    model = window.ranking_table.model
    index = model.index(model.row_of(code), 1)
    if view.model() is not model:
        index = view.model().mapFromSource(index)
    QTest.mouseClick(view.viewport(), Qt.LeftButton, pos=view.visualRect(index).center())


def test_the_dialog_starts_on_the_selected_state_else_the_leader(qtbot, window):
    leader = window.planner.result.alternatives[0]
    dlg = open_whatif(qtbot, window)
    assert dlg.state_combo.currentData() == leader  # nothing selected: not Alabama
    dlg.reject()
    _click_row(qtbot, window, "WA")
    assert window.planner.selected == "WA"
    dlg = open_whatif(qtbot, window)
    assert dlg.state_combo.currentData() == "WA"
    assert dlg.published.text() == window.planner.dataset.format_value(
        "WA", dlg.criterion_combo.currentData())
    dlg.reject()


def test_values_outside_the_valid_range_are_refused_in_the_form(qtbot, window):
    dlg = open_whatif(qtbot, window)
    dlg.choose("TX", "energy_cost")
    assert dlg.range_label.text() == "Valid values: at least 0 cents/kWh"
    dlg.number.setValue(-5.0)
    qtbot.mouseClick(dlg.add_button, Qt.LeftButton)
    assert dlg.overrides == []
    assert "Texas: -5 cents/kWh is outside the valid range" in dlg.error_label.text()
    dlg.choose("TX", "clean_power")
    assert dlg.range_label.text() == "Valid values: from 0 to 100 %"
    dlg.number.setValue(500.0)
    qtbot.mouseClick(dlg.add_button, Qt.LeftButton)
    assert dlg.overrides == [] and "500 % is outside" in dlg.error_label.text()
    with pytest.raises(InputError, match="not one of the categories"):
        dlg.set_override("WA", "water_stress", 0.3)
    dlg.number.setValue(80.0)
    qtbot.mouseClick(dlg.add_button, Qt.LeftButton)
    assert [(o.state, o.criterion, o.value) for o in dlg.overrides] == [
        ("TX", "clean_power", 80.0)]
    dlg.reject()
