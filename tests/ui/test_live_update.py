"""A live weight change updates only what changed, and ends exactly where a fresh build would."""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import Qt

from siteselect.model.settings import Override
from siteselect.ui.ranking_table import RankingTableModel

ROLES = (Qt.DisplayRole, Qt.BackgroundRole, Qt.FontRole, Qt.ForegroundRole, Qt.UserRole)


def _cells(model: RankingTableModel) -> list:
    out = []
    for r in range(model.rowCount()):
        for c in range(model.columnCount()):
            idx = model.index(r, c)
            for role in ROLES:
                v = model.data(idx, role)
                out.append(v.color().name() if hasattr(v, "color") else
                           v.bold() if hasattr(v, "bold") else v)
    return out


def _changed_cells(model: RankingTableModel) -> list[tuple[int, int, int, int]]:
    seen: list[tuple[int, int, int, int]] = []
    model.dataChanged.connect(lambda tl, br, _roles=(): seen.append(
        (tl.row(), tl.column(), br.row(), br.column())))
    return seen


def test_the_updated_table_equals_a_fresh_one_after_every_step(planner_state):
    model = RankingTableModel(planner_state)
    steps = [planner_state.settings.with_weight("energy_cost", w) for w in (5, 40, 41, 90)]
    steps.append(replace(steps[-1], overrides=(Override("TX", "energy_cost", 1.0),)))
    steps.append(steps[-1].with_weight("talent", 70))
    steps.append(replace(steps[-1], overrides=()))
    for settings in steps:
        planner_state.apply_settings(settings)
        assert _cells(model) == _cells(RankingTableModel(planner_state)), settings


def test_a_small_step_repaints_only_the_scores_that_moved(planner_state):
    planner_state.apply_settings(planner_state.settings.with_weight("energy_cost", 40))
    model = RankingTableModel(planner_state)
    seen = _changed_cells(model)
    order = list(planner_state.result.alternatives)
    planner_state.apply_settings(planner_state.settings.with_weight("energy_cost", 40.05))
    assert list(planner_state.result.alternatives) == order  # a step too small to reorder
    assert seen, "the scores changed, so some cells must be announced"
    assert all(c0 == c1 == 3 for _r0, c0, _r1, c1 in seen)  # only the Score column


def test_a_reorder_announces_whole_rows_and_a_what_if_every_figure(planner_state):
    model = RankingTableModel(planner_state)
    last = model.columnCount() - 1
    seen = _changed_cells(model)
    planner_state.apply_settings(planner_state.settings.with_weight("energy_cost", 95))
    assert any(c0 == 0 and c1 == last for _r0, c0, _r1, c1 in seen)
    seen.clear()
    planner_state.apply_settings(replace(planner_state.settings,
                                         overrides=(Override("WY", "talent", 1.0),)))
    assert seen == [(0, 0, model.rowCount() - 1, last)]  # a figure changed: everything
    row = model.row_of("WY")
    col = 4 + model.criteria.index("talent")
    assert model.data(model.index(row, col)).endswith("(what-if)")
