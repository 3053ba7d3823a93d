"""The Sensitivity panel: F9 runs on a worker, Cancel keeps the last run, edits mark it stale."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from siteselect.analysis import rank_states
from siteselect.scoring.sensitivity import monte_carlo


def _panel(window, qtbot):
    from siteselect.ui.sensitivity.panel import SensitivityPanel

    assert window.sensitivity_dock.isHidden()
    assert not isinstance(window.sensitivity_dock.widget(), SensitivityPanel)  # built lazily
    window.sensitivity_dock.show()
    window.sensitivity_dock.raise_()  # a tab beside the ranking: shown when brought forward
    qtbot.waitUntil(lambda: isinstance(window.sensitivity_dock.widget(), SensitivityPanel),
                    timeout=20_000)
    return window.sensitivity_dock.widget()


def test_f9_runs_the_analysis_and_fills_every_view(window, qtbot):
    window.activateWindow()
    window.setFocus()
    panel = None
    QTest.keyClick(window, Qt.Key.Key_F9)
    qtbot.waitUntil(lambda: getattr(window, "sensitivity_panel", None) is not None,
                    timeout=20_000)
    panel = window.sensitivity_panel
    panel.seed.setText("7")
    panel.draws.setValue(2000)
    panel.run()
    qtbot.waitUntil(lambda: panel.run_result is not None and not panel.running, timeout=20_000)
    run = panel.run_result
    assert run.mc.draws == 2000 and run.mc.seed == 7
    # The same numbers as the core gives for the same seed.
    want = monte_carlo(rank_states(window.planner.dataset, window.planner.settings), draws=2000,
                       seed=7, top_k=10)
    assert np.array_equal(run.mc.acceptability, want.acceptability)
    assert panel.stability_table.rowCount() == len(window.planner.result.criteria)
    assert panel.stability_table.item(0, 0).text() == "Energy cost (industrial)"
    assert "seed 7" in panel.status.text()
    assert "rank" in panel.tornado_note.text() and "(TX)" in panel.tornado_note.text()
    window.planner.select("LA")
    assert "Louisiana (LA)" in panel.tornado_note.text()
    assert panel.progress.value() == 100


def test_cancel_keeps_the_previous_run_and_an_edit_marks_it_stale(window, qtbot):
    panel = _panel(window, qtbot)
    panel.seed.setText("1")
    panel.draws.setValue(1000)
    panel.run()
    qtbot.waitUntil(lambda: panel.run_result is not None and not panel.running, timeout=20_000)
    first = panel.run_result
    panel.draws.setValue(1_000_000)
    panel.run()
    assert panel.running and panel.cancel_button.isEnabled()
    QTest.mouseClick(panel.cancel_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not panel.running, timeout=20_000)
    assert panel.run_result is first
    assert "Cancelled" in panel.status.text()
    assert panel.progress.value() == 100  # the bar stands for the run still shown
    s = window.planner.settings
    window.planner.set_settings(s.with_weight("energy_cost", 40.0), "weight")
    assert panel.stale and "Stale" in panel.status.text()
    window.planner.undo_stack.undo()
    assert not panel.stale


def test_a_bad_seed_is_refused_in_place(window, qtbot):
    panel = _panel(window, qtbot)
    # Before any run the charts show no axes, so nothing reads as data.
    assert not panel.ranges_plot.getPlotItem().getAxis("bottom").isVisible()
    panel.seed.setText("abc")
    panel.run()
    assert not panel.running and panel.run_result is None
    assert "seed" in panel.status.text()


def test_the_hidden_panel_does_not_shift_the_layout_after_the_first_paint(window, qtbot):
    before = window.map_canvas.view.viewport().size()
    for _ in range(5):
        qtbot.wait(30)
    assert window.map_canvas.view.viewport().size() == before
    # F9 then places it as a tab beside the ranking.
    window.sensitivity_run_action.trigger()
    assert window.sensitivity_dock in window.tabifiedDockWidgets(window.ranking_dock)
    window.sensitivity_panel.cancel()
    qtbot.waitUntil(lambda: not window.sensitivity_panel.running, timeout=20_000)


def test_vary_figures_too_runs_with_the_catalogue_ranges(window, qtbot):
    panel = _panel(window, qtbot)
    assert "Energy cost (industrial) \u00b13 %" in panel.vary_data.toolTip()
    QTest.mouseClick(panel.vary_data, Qt.MouseButton.LeftButton)
    assert panel.vary_data.isChecked()
    panel.seed.setText("4")
    panel.draws.setValue(500)
    panel.run()
    qtbot.waitUntil(lambda: panel.run_result is not None and not panel.running, timeout=20_000)
    assert set(panel.run_result.mc.data_spread) == {"energy_cost", "talent", "water_stress"}
    assert "Figures varied: Energy cost (industrial) \u00b13 %" in panel.status.text()
