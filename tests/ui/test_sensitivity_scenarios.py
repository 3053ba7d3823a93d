"""The window keeps how the weights were derived and the last sensitivity run with a saved
scenario, restores a current run when the scenario is opened, and exports a fresh run."""

from __future__ import annotations

import os

import numpy as np
from PySide6.QtWidgets import QDialogButtonBox, QInputDialog

from siteselect.analysis import rank_states
from siteselect.scoring.sensitivity import monte_carlo, stability_intervals
from siteselect.storage import ScenarioStore


def _name(monkeypatch, name):
    monkeypatch.setattr(QInputDialog, "getText", staticmethod(lambda *_a, **_k: (name, True)))


def _run(planner, seed=3):
    from siteselect.ui.planner import SensitivityRun

    result = rank_states(planner.dataset, planner.settings)
    mc = monte_carlo(result, draws=600, seed=seed, top_k=5)
    run = SensitivityRun(planner.settings, result, mc, stability_intervals(result, top_k=5))
    planner.set_sensitivity(run)
    return run


def test_ranking_dialog_records_the_origin_and_a_slider_clears_it(window):
    act = next(a for a in window.weights_menu.actions() if a.text().startswith("From a &Ra"))
    act.trigger()
    d = window.weights_dialog
    d.buttons.button(QDialogButtonBox.StandardButton.Ok).click()
    origin = window.planner.settings.weights_origin
    assert origin is not None and origin.method == "roc"
    assert origin.criteria == tuple(d.ids())
    window.weights_panel.rows["talent"].spin.setValue(41.0)
    assert window.planner.settings.weights_origin is None
    window.planner.undo_stack.undo()
    assert window.planner.settings.weights_origin == origin


def test_saved_scenario_keeps_a_fresh_run_and_reopening_restores_it(qtbot, window,
                                                                   monkeypatch):
    ctl = window.scenario_controller
    qtbot.waitUntil(lambda: ctl.loaded)
    window.weights_panel.rows["talent"].spin.setValue(44.0)
    run = _run(window.planner)
    _name(monkeypatch, "With run")
    assert ctl.save_as()
    with ScenarioStore.open(os.environ["SITESELECT_DB"]) as store:
        kept = store.get("With run").sensitivity
    assert kept is not None and kept.draws == 600 and kept.seed == 3
    assert kept.is_current(window.planner.settings, window.planner.dataset.version)
    # Open another scenario (its settings differ), then this one again: the run is back.
    ctl.open_scenario("Low-Carbon")
    window.planner.set_sensitivity(None)
    assert ctl.open_scenario("With run")
    back = window.planner.sensitivity
    assert back is not None and not window.planner.sensitivity_stale
    assert np.array_equal(back.mc.p_top_k, run.mc.p_top_k)
    assert np.allclose(back.mc.acceptability, run.mc.acceptability)


def test_a_stale_run_is_not_saved_as_the_scenarios_run(qtbot, window, monkeypatch):
    ctl = window.scenario_controller
    qtbot.waitUntil(lambda: ctl.loaded)
    _run(window.planner)
    window.weights_panel.rows["talent"].spin.setValue(47.0)  # the run is stale now
    _name(monkeypatch, "Stale run")
    assert ctl.save_as()
    with ScenarioStore.open(os.environ["SITESELECT_DB"]) as store:
        assert store.get("Stale run").sensitivity is None


def test_window_export_carries_the_fresh_run(window):
    from siteselect.ui.export_dialog import ExportDialog

    dialog = ExportDialog(window)
    assert dialog.build_request().sensitivity is None
    _run(window.planner, seed=8)
    req = dialog.build_request()
    assert req.sensitivity is not None and req.sensitivity.seed == 8
    window.weights_panel.rows["talent"].spin.setValue(43.0)
    assert dialog.build_request().sensitivity is None
    dialog._preview_timer.stop()
    dialog.close()
