"""The window as a new planner meets it: keys, layout, honest charts, robust start-up."""

from __future__ import annotations

from collections import Counter

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence

from siteselect.ui.main_window import MainWindow


def _window_shortcuts(window: MainWindow) -> Counter:
    keys: Counter = Counter()
    for act in window.findChildren(QAction):
        if act.shortcutContext() in (Qt.WindowShortcut, Qt.ApplicationShortcut):
            for seq in act.shortcuts():
                keys[seq.toString()] += 1
    return keys


def test_no_key_is_bound_twice(window):
    """Qt ignores a key bound twice (ambiguous shortcut): every binding must be unique."""
    twice = {k: n for k, n in _window_shortcuts(window).items() if n > 1}
    assert not twice


def test_ctrl_z_and_ctrl_shift_z_undo_and_redo_a_weight_edit(qtbot, window):
    before = window.state.result.alternatives
    window.weights_panel.rows["energy_cost"].spin.setValue(90.0)
    after = window.state.result.alternatives
    assert after != before
    window.activateWindow()
    qtbot.keyClick(window, Qt.Key_Z, Qt.ControlModifier)
    assert window.state.result.alternatives == before
    assert window.weights_panel.rows["energy_cost"].spin.value() == 25.0
    qtbot.keyClick(window, Qt.Key_Z, Qt.ControlModifier | Qt.ShiftModifier)
    assert window.state.result.alternatives == after


def test_ctrl_e_is_left_to_export(window):
    assert window.equal_action.shortcut().isEmpty()
    owners = [a.text() for a in window.findChildren(QAction)
              if QKeySequence("Ctrl+E") in a.shortcuts()]
    assert len(owners) == 1 and "Export" in owners[0]
