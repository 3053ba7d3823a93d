"""The ranking table model: Qt's model contract, columns, unranked rows."""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import Qt

from siteselect.model.settings import ScoringSettings
from siteselect.scoring import parse_gate
from siteselect.ui.ranking_table import RankedRole, RankingTableModel, StateRole


def test_model_passes_qtmodeltester(qtmodeltester, planner_state):
    model = RankingTableModel(planner_state)
    qtmodeltester.check(model, force_py=True)
    planner_state.apply_settings(replace(planner_state.settings,
                                         gates=(parse_gate("energy_cost<=9"),)))
    qtmodeltester.check(model, force_py=True)


def test_model_passes_qtmodeltester_while_settings_change(qtmodeltester, planner_state):
    model = RankingTableModel(planner_state)
    qtmodeltester.check(model, force_py=True)  # keeps checking on every later change
    planner_state.apply_settings(planner_state.settings.with_weight("talent", 80))
    planner_state.apply_settings(replace(planner_state.settings, exclude=("TX", "CA")))
    planner_state.apply_settings(ScoringSettings(weights={"energy_cost": 1.0}))
    assert model.rowCount() == 51


def test_columns_carry_units_and_unranked_rows_come_last(planner_state, dataset):
    planner_state.apply_settings(replace(planner_state.settings,
                                         gates=(parse_gate("energy_cost<=9"),)))
    model = RankingTableModel(planner_state)
    headers = [model.headerData(c, Qt.Horizontal) for c in range(model.columnCount())]
    assert headers[:4] == ["Rank", "State", "Name", "Score"]
    assert "Energy cost\n(industrial)\n(cents/kWh)" in headers
    result = planner_state.result
    n = len(result)
    assert [model.data(model.index(r, 1)) for r in range(n)] == list(result.alternatives)
    for r in range(n, model.rowCount()):
        assert model.data(model.index(r, 0), RankedRole) is False
        code = model.data(model.index(r, 0), StateRole)
        assert result.position(code) is None
        assert model.data(model.index(r, 0)) == model.data(model.index(r, 3)) == "\u2014"
        assert model.data(model.index(r, model.columnCount() - 1)).startswith("fails the gate ")
    # Missing figures are shown as missing, never as a number.
    a, cid = result.missing[0]
    col = 4 + list(result.criteria).index(cid)
    assert model.data(model.index(model.row_of(a), col)) == "missing"
    assert dataset.value(a, cid) is None
