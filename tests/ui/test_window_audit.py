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


def test_topsis_detail_chart_is_oriented_and_starts_at_zero(qtbot, window):
    from dataclasses import replace

    import numpy as np

    st = window.state
    st.set_settings(replace(st.settings, method="topsis"), "Method: TOPSIS")
    r = st.result
    assert r.method == "topsis"
    j = list(r.criteria).index("energy_cost")  # lower is better
    raw = np.asarray(r.values, float)[:, j]
    cheapest = r.alternatives[int(np.argmin(raw))]
    dearest = r.alternatives[int(np.argmax(raw))]
    panel = window.detail_panel
    st.select(cheapest)
    widths = np.asarray(panel.value_bars.opts["width"], float)
    assert widths[j] == 1.0  # the ideal on a lower-is-better criterion is the right end
    assert np.all((widths >= 0) & (widths <= 1))
    st.select(dearest)
    assert np.asarray(panel.value_bars.opts["width"], float)[j] == 0.0
    lo, hi = panel.value_plot.getViewBox().viewRange()[0]
    assert -0.05 <= lo <= 0 and 1 <= hi <= 1.05
    label = panel.value_plot.getAxis("bottom").labelText
    assert "ideal" in label and "1 = best" not in label
    assert "position" in panel.points_plot.getAxis("bottom").labelText
    # Back to the weighted sum: the engine's own normalised values and points again.
    st.undo_stack.undo()
    st.select(cheapest)
    i = st.result.position(cheapest)
    assert np.allclose(panel.points_bars.opts["width"], st.result.contributions[i])
    assert panel.value_plot.getAxis("bottom").labelText == "normalised value (1 = best)"


def test_default_layout_gives_the_map_the_room(qtbot, window):
    from PySide6.QtWidgets import QScrollArea

    window.resize(1400, 900)
    window.reset_layout()
    qtbot.waitUntil(lambda: window.width() == 1400)
    qtbot.waitUntil(lambda: window.map_canvas.width() >= 0.44 * 1400)
    assert window.weights_dock.width() <= 0.27 * 1400
    # Every weights row is whole: nothing clipped on the right, no sideways scrolling.
    scroll = window.weights_panel.tabs.widget(0).findChild(QScrollArea)
    host = scroll.widget()
    assert host.width() <= scroll.viewport().width()
    for row in window.weights_panel.rows.values():
        assert row.share.geometry().right() <= host.width()
        assert row.label.width() >= 100
    # The Gates tab fits the same width.
    assert window.weights_panel.tabs.widget(1).minimumSizeHint().width() <= window.weights_dock.width()
