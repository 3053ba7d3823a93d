"""Weights menu: pairwise comparisons, a ranking and objective weights land on the sliders."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox

from siteselect.derived_weights import objective_weights


def _open(window, text):
    act = next(a for a in window.weights_menu.actions() if a.text().startswith(text))
    act.trigger()
    return window.weights_dialog


def test_pairwise_judgments_give_ahp_weights_as_one_undo_step(window, qtbot):
    d = _open(window, "From &Pairwise")
    d.criteria.blockSignals(True)
    for i in range(d.criteria.count()):
        item = d.criteria.item(i)
        keep = item.data(Qt.ItemDataRole.UserRole) in ("energy_cost", "talent", "regulation")
        item.setCheckState(Qt.CheckState.Checked if keep else Qt.CheckState.Unchecked)
    d.criteria.blockSignals(False)
    d._criteria_changed(None)
    assert len(d.pairs) == 3
    d.set_judgment("energy_cost", "talent", 3)
    d.set_judgment("energy_cost", "regulation", 5)
    d.set_judgment("talent", "regulation", 3)
    assert "0.033" in d.cr_label.text() and "consistent" in d.cr_label.text()
    assert d.shares["energy_cost"] == pytest.approx(0.637, abs=1e-3)
    before = window.planner.settings
    d.buttons.button(QDialogButtonBox.StandardButton.Ok).click()
    s = window.planner.settings
    assert s.weights["energy_cost"] == 63.7 and s.weights["talent"] == 25.8
    assert s.weights["regulation"] == 10.5 and s.weights["water_stress"] == 0.0
    assert window.planner.result.criteria == ("energy_cost", "regulation", "talent")
    assert window.planner.undo_stack.undoText() == "Weights from pairwise comparisons"
    window.planner.undo_stack.undo()
    assert window.planner.settings == before


def test_an_inconsistent_answer_is_highlighted_with_the_value_that_fits(window):
    d = _open(window, "From &Pairwise")
    ids = d.items[:4]
    d.criteria.blockSignals(True)
    for i in range(d.criteria.count()):
        item = d.criteria.item(i)
        on = item.data(Qt.ItemDataRole.UserRole) in ids
        item.setCheckState(Qt.CheckState.Checked if on else Qt.CheckState.Unchecked)
    d.criteria.blockSignals(False)
    d._criteria_changed(None)
    a, b, c, e = d.items
    # a > b > c > e consistently by 2s, except c over a (should be a over c by 4).
    for x, y, v in ((a, b, 2), (a, e, 8), (b, c, 2), (b, e, 4), (c, e, 2)):
        d.set_judgment(x, y, v)
    d.set_judgment(c, a, 2)
    assert "not consistent" in d.cr_label.text()
    assert "Least consistent answer" in d.cr_label.text()
    row = next(i for i, p in enumerate(d.pairs) if set(p) == {a, c})
    assert "background-color" in d.table.cellWidget(row, 1).styleSheet()
    assert "more important than" in d.cr_label.text() and "(4)" in d.cr_label.text()


def test_ranking_and_objective_dialogs(window):
    d = _open(window, "From a &Ranking")
    ids = d.ids()
    assert ids[0] == "energy_cost"  # the heaviest weight first
    d.order.setCurrentRow(1)
    d.move(-1)
    assert d.ids()[0] == ids[1]
    n = len(ids)
    assert d.shares[ids[1]] == pytest.approx(sum(1 / k for k in range(1, n + 1)) / n)
    d.buttons.button(QDialogButtonBox.StandardButton.Ok).click()
    assert window.planner.undo_stack.undoText().startswith("Weights from a ranking")
    o = _open(window, "&Objective")
    o.method.setCurrentIndex(o.method.findData("critic"))
    ids = list(o.shares)
    w, states = objective_weights(window.planner.dataset, window.planner.settings, ids, "critic")
    assert [o.shares[c] for c in ids] == pytest.approx(list(w))
    o.method.setCurrentIndex(o.method.findData("entropy"))
    assert not o.shares and "positive figures" in o.message.text()
    assert "Regulatory freedom" in o.message.text() and "regulation" not in o.message.text()
    assert "pymcdm" not in o.about.text()
    assert not o.buttons.button(QDialogButtonBox.StandardButton.Ok).isEnabled()
