"""The planner's window, driven as a planner would: weights, map, table, undo, gates."""

from __future__ import annotations

import random

from PySide6.QtCore import QEvent, QPointF, Qt
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import QApplication

from siteselect.analysis import rank_states
from siteselect.model.settings import ScoringSettings
from siteselect.scoring import parse_gate
from siteselect.ui.ranking_table import RankedRole, StateRole


def table_codes(window) -> list[str]:
    """State codes in the order the table view shows them."""
    proxy = window.ranking_table.proxy
    return [proxy.data(proxy.index(r, 0), StateRole) for r in range(proxy.rowCount())]


def brush_rgb(window, code: str) -> tuple[int, int, int]:
    c = window.map_canvas.items[code].brush().color()
    return c.red(), c.green(), c.blue()


def click_state(qtbot, window, code: str) -> None:
    x, y = window.map_canvas.shapes.label_points[code]
    click_point(window, x, y)


def click_point(window, x: float, y: float) -> None:
    canvas = window.map_canvas
    scene_pt = canvas.viewbox.mapViewToScene(QPointF(x, y))
    local = QPointF(canvas.view.mapFromScene(scene_pt))
    viewport = canvas.view.viewport()
    # Sent to the viewport itself (see the hover test for why not QTest's mouseClick).
    for kind, buttons in ((QEvent.MouseButtonPress, Qt.LeftButton),
                          (QEvent.MouseButtonRelease, Qt.NoButton)):
        QApplication.sendEvent(viewport, QMouseEvent(kind, local, viewport.mapToGlobal(local),
                                                     Qt.LeftButton, buttons, Qt.NoModifier))


def test_opens_on_the_default_weighting_with_every_state(window, dataset):
    expected = rank_states(dataset, ScoringSettings())
    assert table_codes(window)[: len(expected)] == list(expected.alternatives)
    assert set(window.map_canvas.items) == set(dataset.states)
    assert window.windowTitle() == "Untitled \u2014 SiteSelect"
    assert dataset.version in window.status_label.text()
    # The best state is the darkest colour on the map; the worst is the lightest.
    best, worst = expected.alternatives[0], expected.alternatives[-1]
    assert sum(brush_rgb(window, best)) < sum(brush_rgb(window, worst))


def test_weight_change_reorders_table_and_recolours_map(qtbot, window, dataset):
    before_codes = table_codes(window)
    before_colours = {c: brush_rgb(window, c) for c in dataset.states}
    paths = {c: item for c, item in window.map_canvas.items.items()}
    row = window.weights_panel.rows["talent"]
    with qtbot.waitSignal(window.planner.result_changed):
        row.spin.setValue(100.0)
    expected = rank_states(dataset, window.planner.settings)
    assert window.planner.settings.weights["talent"] == 100.0
    assert table_codes(window) != before_codes
    assert table_codes(window)[: len(expected)] == list(expected.alternatives)
    after_colours = {c: brush_rgb(window, c) for c in dataset.states}
    assert after_colours != before_colours
    # Only brushes changed: the very same path items are still on the map.
    assert all(window.map_canvas.items[c] is item for c, item in paths.items())
    assert "100" not in row.share.text() and row.share.text().endswith("%")


def test_clicking_a_state_on_the_map_selects_its_table_row(qtbot, window):
    assert "Top-ranked state shown" in window.detail_panel.heading.text()
    click_state(qtbot, window, "CO")
    qtbot.waitUntil(lambda: window.planner.selected == "CO")
    rows = window.ranking_table.view.selectionModel().selectedRows()
    assert [window.ranking_table.proxy.data(r, StateRole) for r in rows] == ["CO"]
    heading = window.detail_panel.heading.text()
    assert "Colorado" in heading and "Top-ranked" not in heading
    pen = window.map_canvas.items["CO"].pen()
    assert pen.color() == window.map_canvas._selected_pen.color()
    # A click in the sea (inside Hawaii's inset frame, off the islands) clears the selection.
    x0, y0, x1, y1 = window.map_canvas.shapes.frames["hawaii"]
    click_point(window, x0 + 0.05 * (x1 - x0), y1 - 0.05 * (y1 - y0))
    qtbot.waitUntil(lambda: window.planner.selected is None)
    assert not window.ranking_table.view.selectionModel().selectedRows()


def test_selecting_a_table_row_outlines_the_state_on_the_map(qtbot, window):
    row = window.ranking_table.proxy_row_of("CA")
    with qtbot.waitSignal(window.planner.selection_changed):
        window.ranking_table.view.selectRow(row)
    assert window.planner.selected == "CA"
    selected_pen = window.map_canvas._selected_pen
    assert window.map_canvas.items["CA"].pen().widthF() == selected_pen.widthF()
    assert window.map_canvas.items["TX"].pen().widthF() != selected_pen.widthF()
    # The selection follows the state when a weight change moves its row.
    with qtbot.waitSignal(window.planner.result_changed):
        window.weights_panel.rows["energy_cost"].spin.setValue(80.0)
    rows = window.ranking_table.view.selectionModel().selectedRows()
    assert [window.ranking_table.proxy.data(r, StateRole) for r in rows] == ["CA"]


def test_a_slider_drag_is_one_undo_step_and_undo_restores_the_ranking(qtbot, window, dataset):
    before = list(window.planner.result.alternatives)
    slider = window.weights_panel.rows["energy_cost"].slider
    slider.setSliderDown(True)
    for v in [*range(260, 1000, 60), 1000]:
        slider.setValue(v)  # live: every move re-scores
        assert window.planner.settings.weights["energy_cost"] == v / 10
        assert table_codes(window)[0] == window.planner.result.alternatives[0]
    slider.setSliderDown(False)
    assert window.planner.undo_stack.count() == 1
    assert list(window.planner.result.alternatives) != before
    assert window.windowTitle() == "Untitled* \u2014 SiteSelect"
    window.undo_action.trigger()
    assert list(window.planner.result.alternatives) == before
    assert table_codes(window)[: len(before)] == before
    assert slider.value() == 250
    assert window.windowTitle() == "Untitled \u2014 SiteSelect"
    window.redo_action.trigger()
    assert window.planner.settings.weights["energy_cost"] == 100.0


def test_method_and_gate_edits_are_undoable(window):
    panel = window.weights_panel
    panel.method_combo.setCurrentIndex(panel.method_combo.findData("topsis"))
    assert window.planner.result.method == "topsis"
    assert not panel.norm_combo.isEnabled()
    window.undo_action.trigger()
    assert window.planner.result.method == "wsm"
    assert panel.method_combo.currentData() == "wsm"
    item = panel.exclude_list.findItems("Texas (TX)", Qt.MatchExactly)[0]
    item.setCheckState(Qt.Checked)
    assert window.planner.result.position("TX") is None
    window.undo_action.trigger()
    assert window.planner.result.position("TX") == 0


def test_colour_by_switches_the_legend(qtbot, window, dataset):
    assert window.legend.title_text() == "Overall score"
    combo = window.colour_combo
    with qtbot.waitSignal(window.planner.colour_by_changed):
        combo.setCurrentIndex(combo.findData("energy_cost"))
    crit = dataset.criterion("energy_cost")
    scale = window.map_canvas.scale
    assert window.legend.title_text() == crit.label
    assert "cents/kWh" in scale.unit
    # Lower is better: the cheapest state is at the best (dark) end.
    values = {s: dataset.value(s, "energy_cost") for s in dataset.states}
    cheapest = min(values, key=values.get)
    dearest = max(values, key=values.get)
    assert scale.best_text == "Best " + crit.format_value(values[cheapest], with_unit=False)
    assert scale.t[cheapest] == 1.0 and scale.t[dearest] == 0.0
    assert sum(brush_rgb(window, cheapest)) < sum(brush_rgb(window, dearest))
    assert window.colour_actions["energy_cost"].isChecked()
    window.colour_actions["score"].trigger()
    assert window.legend.title_text() == "Overall score"
    assert combo.currentData() == "score"


def test_gated_states_are_never_ranked_however_weights_move(qtbot, window, dataset):
    panel = window.weights_panel
    for cid, op, value in (("energy_cost", "<=", "9"), ("tax_incentives", ">=", "0.5")):
        panel.gate_criterion.setCurrentIndex(panel.gate_criterion.findData(cid))
        panel.gate_op.setCurrentIndex(panel.gate_op.findData(op))
        panel.gate_value.setText(value)
        panel.gate_add.click()
    assert window.planner.settings.gates == (parse_gate("energy_cost<=9"),
                                          parse_gate("tax_incentives>=0.5"))
    # Adding a gate is undoable like any other edit; a malformed value is refused inline.
    window.undo_action.trigger()
    assert window.planner.settings.gates == (parse_gate("energy_cost<=9"),)
    window.redo_action.trigger()
    panel.gate_value.setText("cheap")
    panel.gate_add.click()
    assert "number" in panel.gate_message.text()
    assert len(window.planner.settings.gates) == 2
    gated = {e.alternative for e in window.planner.result.excluded}
    assert {"CA", "NY", "HI"} <= gated  # dear power, or no exemption
    model = window.ranking_table.model
    rng = random.Random(7)
    ids = list(dataset.criterion_ids)
    for _ in range(12):
        panel.rows[rng.choice(ids)].spin.setValue(rng.choice([0.0, 5.0, 40.0, 100.0]))
        if window.planner.error:
            continue
        result = window.planner.result
        assert gated.isdisjoint(result.alternatives)
        for r in range(model.rowCount()):
            code = model.data(model.index(r, 0), StateRole)
            ranked = model.data(model.index(r, 0), RankedRole)
            assert ranked == (code not in gated)
            if not ranked:
                assert model.data(model.index(r, 0)) == "\u2014"
                assert "gate" in model.data(model.index(r, model.columnCount() - 1))
        for code in gated:
            assert window.map_canvas.items[code].hatched
            assert "Not ranked: fails " in window.map_canvas.tooltip_for(code)
    # Unranked rows stay at the bottom even sorted by score ascending.
    window.ranking_table.view.sortByColumn(3, Qt.AscendingOrder)
    codes = table_codes(window)
    assert set(codes[-len(gated):]) == gated


def test_hover_tooltip_names_rank_score_and_figures_with_units_and_years(window, dataset):
    text = window.map_canvas.tooltip_for("TX")
    assert "Texas" in text and "Rank <b>1</b>" in text
    for cid in window.planner.result.criteria:
        crit = dataset.criterion(cid)
        assert crit.label in text
        assert crit.provenance.year in text
    assert "cents/kWh" in text
    # A state with a missing weighted figure says which one.
    missing_state, missing_cid = window.planner.result.missing[0]
    tip = window.map_canvas.tooltip_for(missing_state)
    assert "missing" in tip and dataset.criterion(missing_cid).label in tip
    assert window.map_canvas.items[missing_state].pen().style() == Qt.DashLine


def test_all_weights_zero_keeps_the_last_ranking_and_says_why(window, dataset):
    before = list(window.planner.result.alternatives)
    s = window.planner.settings
    window.planner.set_settings(ScoringSettings(weights={c: 0.0 for c in s.weights}),
                              "Clear weights")
    assert window.planner.error and "zero" in window.planner.error
    assert window.banner.isVisibleTo(window)
    assert list(window.planner.result.alternatives) == before
    window.undo_action.trigger()
    assert window.planner.error is None
    assert not window.banner.isVisibleTo(window)


def test_equal_and_default_weights(window):
    window.equal_action.trigger()
    weights = set(window.planner.result.weights.values())
    assert len(weights) == 1
    window.default_action.trigger()
    assert window.planner.settings.weights == ScoringSettings().weights


def test_filter_box_filters_rows(qtbot, window):
    window.ranking_table.filter_edit.setText("tex")
    assert table_codes(window) == ["TX"]
    window.ranking_table.filter_edit.setText("")
    assert len(table_codes(window)) == 51


def test_reset_view_frames_the_whole_country(window):
    vb = window.map_canvas.viewbox
    window.map_canvas.reset_view()
    home = vb.viewRect()
    window.zoom_in_action.trigger()
    assert vb.viewRect().width() < home.width()
    window.reset_view_action.trigger()
    assert abs(vb.viewRect().width() - home.width()) < 1e-6 * home.width()
    x0, y0, x1, y1 = window.map_canvas.shapes.bounds
    assert vb.viewRect().contains(QPointF(x0, y0)) and vb.viewRect().contains(QPointF(x1, y1))


def test_hovering_a_state_sets_its_tooltip_and_status(qtbot, window):
    canvas = window.map_canvas
    x, y = canvas.shapes.label_points["TX"]
    pos = canvas.view.mapFromScene(canvas.viewbox.mapViewToScene(QPointF(x, y)))
    viewport = canvas.view.viewport()
    # Sent to the viewport itself: QTest's synthetic moves go to whichever top-level window
    # the offscreen platform finds at that point, which may be another test's leftover.
    with qtbot.waitSignal(canvas.state_hovered) as blocker:
        for p in (pos, pos + pos.__class__(1, 1)):
            local = QPointF(p)
            event = QMouseEvent(QEvent.MouseMove, local, viewport.mapToGlobal(local),
                                Qt.NoButton, Qt.NoButton, Qt.NoModifier)
            QApplication.sendEvent(viewport, event)
    assert blocker.args == ["TX"]
    assert "Texas" in canvas.items["TX"].toolTip()
    assert "Texas: rank 1" in window.statusBar().currentMessage()


def test_colour_scale_for_a_skewed_criterion_says_where_it_is_clipped(window, dataset):
    window.planner.set_colour_by("energy_cost")
    scale = window.map_canvas.scale
    values = {s: dataset.value(s, "energy_cost") for s in dataset.states}
    # Hawaii's price is far above the rest: it sits at the worst end, and the legend's worst
    # label says "or more" (>=) instead of pretending the scale stops at Hawaii's figure.
    assert scale.t["HI"] == 0.0
    assert scale.worst_text.startswith("Worst \u2265 ")
    threshold = float(scale.worst_text.split()[-1])
    assert threshold < values["HI"]
    middle = sorted(values.values())[25]
    state = next(s for s, v in values.items() if v == middle)
    assert 0.0 < scale.t[state] < 1.0


def test_weights_above_the_slider_range_are_kept_exactly(window):
    s = window.planner.settings.with_weight("talent", 250.0)
    window.planner.set_settings(s, "Big weight")
    row = window.weights_panel.rows["talent"]
    assert row.spin.value() == 250.0
    assert row.slider.value() == row.slider.maximum()
    assert window.planner.settings.weights["talent"] == 250.0
    assert window.planner.undo_stack.count() == 1
