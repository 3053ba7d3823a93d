"""Undo and redo keys reach the window's undo stack from every control, editors included."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication


def _focus(qtbot, widget) -> None:
    widget.window().activateWindow()
    widget.setFocus(Qt.OtherFocusReason)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is widget)


def test_ctrl_z_in_a_weight_box_after_typing_and_enter_undoes_the_edit(qtbot, window):
    spin = window.weights_panel.rows["energy_cost"].spin
    before = window.planner.settings
    _focus(qtbot, spin)
    spin.selectAll()
    qtbot.keyClicks(spin, "0")
    qtbot.keyClick(spin, Qt.Key_Return)
    assert window.planner.settings.weights["energy_cost"] == 0.0
    assert QApplication.focusWidget() is spin

    qtbot.keyClick(spin, Qt.Key_Z, Qt.ControlModifier)
    assert window.planner.settings == before
    assert spin.value() == before.weights["energy_cost"]

    qtbot.keyClick(spin, Qt.Key_Z, Qt.ControlModifier | Qt.ShiftModifier)
    assert window.planner.settings.weights["energy_cost"] == 0.0
    assert spin.value() == 0.0

    # Focus is not held by the box: Tab moves on.
    qtbot.keyClick(spin, Qt.Key_Tab)
    assert QApplication.focusWidget() is not spin


def test_ctrl_z_in_a_weight_box_with_an_unfinished_entry_reverts_the_typing_first(qtbot, window):
    spin = window.weights_panel.rows["energy_cost"].spin
    _focus(qtbot, spin)
    spin.selectAll()
    qtbot.keyClicks(spin, "7")
    assert spin.lineEdit().text() == "7"
    qtbot.keyClick(spin, Qt.Key_Z, Qt.ControlModifier)
    assert window.planner.undo_stack.count() == 0
    assert spin.lineEdit().text() == spin.textFromValue(spin.value())


def test_ctrl_z_in_an_empty_filter_box_undoes_the_last_edit(qtbot, window):
    before = window.planner.settings
    window.weights_panel.rows["energy_cost"].spin.setValue(80.0)
    box = window.ranking_table.filter_edit
    _focus(qtbot, box)
    qtbot.keyClick(box, Qt.Key_Z, Qt.ControlModifier)
    assert window.planner.settings == before


def test_a_burst_of_arrow_steps_in_a_weight_box_is_one_undo_step(window, qtbot):
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest

    spin = window.weights_panel.rows["talent"].spin
    before = window.planner.settings.weights["talent"]
    spin.setFocus()
    qtbot.waitUntil(spin.hasFocus)
    depth = window.planner.undo_stack.count()
    for _ in range(5):
        QTest.keyClick(spin, Qt.Key.Key_Up)
    assert window.planner.settings.weights["talent"] > before
    assert window.planner.undo_stack.count() == depth + 1
    window.planner.undo_stack.undo()
    assert window.planner.settings.weights["talent"] == before
