"""The Compare dialog when A and B gate or exclude different states."""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import QPoint, Qt

from siteselect.model.scenario import Scenario
from siteselect.scoring import Gate
from siteselect.ui.scenarios.compare_dialog import NOT_RANKED, RANKED_A_ONLY, RANKED_B_ONLY

GATED = "Power under 9 cents, no Texas"


def _dialog(qtbot, window):
    qtbot.waitUntil(lambda: window.scenario_controller.loaded)
    ctl, ui = window.scenario_controller, window.scenario_ui
    s = window.planner.settings
    ctl.store.save(Scenario(GATED, settings=replace(
        s, gates=(Gate("energy_cost", "<=", 9.0),), exclude=("TX",))))
    ctl.scenarios_changed.emit()
    dlg = ui.show_compare()
    qtbot.addWidget(dlg)
    dlg.show()
    qtbot.waitExposed(dlg)
    dlg.set_sources(None, GATED)  # A: current settings (no gates), B: gated
    return dlg


def test_one_sided_states_are_named_drawn_and_coloured(qtbot, window):
    dlg = _dialog(qtbot, window)
    cmp = dlg.comparison
    rows = [s.state for s in cmp.states]
    tx = cmp.state("TX")
    assert tx.ranked_in == "A"
    change = dlg.model.index(rows.index("TX"), 4).data()
    assert change == "ranked in A only (excluded in B by the planner)"
    gated = [s for s in cmp.states if s.exclusion_b is not None and s.exclusion_b.failed_gates]
    assert gated
    text = dlg.model.index(rows.index(gated[0].state), 4).data()
    assert text.startswith("ranked in A only (gated in B: Energy cost (industrial) \u2264 9.00 "
                           "cents/kWh (is ")
    # The change map gives them a colour of their own, not "not ranked".
    assert dlg.map.brush_rgb("TX") == RANKED_A_ONLY.getRgb()[:3]
    assert dlg.map.brush_rgb(gated[0].state) != NOT_RANKED.getRgb()[:3]
    assert "ranked in A only (gated in B" in dlg.map.items[gated[0].state].toolTip()
    # The slope chart draws them too, down to a "not ranked" row.
    one_sided = {s.state for s in cmp.states if s.ranked_in in ("A", "B")}
    assert set(dlg.slope.one_sided) == one_sided
    ys = dlg.slope.one_sided["TX"].getData()[1]
    assert ys[0] == tx.rank_a and ys[1] > max(s.rank_a or 0 for s in cmp.states)
    ticks = dlg.slope.getPlotItem().getAxis("left")._tickLevels[0]
    assert ticks[-1] == (ys[1], "not ranked")
    # The differences tab says, in words, that the gates and exclusions differ.
    words = dlg.differences.text()
    assert "Gates in B only: Energy cost (industrial) \u2264 9.00 cents/kWh" in words
    assert "Excluded in B only: Texas" in words
    # Swapped sides: ranked in B only, in its own colour.
    dlg.set_sources(GATED, "Balanced")
    assert dlg.comparison.state("TX").ranked_in == "B"
    assert dlg.map.brush_rgb("TX") == RANKED_B_ONLY.getRgb()[:3]


def test_top_n_column_and_slope_labels_fit(qtbot, window):
    dlg = _dialog(qtbot, window)
    table = dlg.table
    header = table.horizontalHeader()
    last = header.logicalIndex(header.count() - 1)
    # The last column ends inside the visible table: nothing to scroll to.
    assert header.sectionViewportPosition(last) + header.sectionSize(last) <= (
        table.viewport().width())
    assert dlg.model.headerData(7, Qt.Horizontal) == "Top 10"
    # Slope chart: the tick texts under the lines are only "A" and "B"; the long names are
    # in the title, shortened.
    dlg.tabs.setCurrentWidget(dlg.slope)
    bottom = dlg.slope.getPlotItem().getAxis("bottom")
    assert [t for _x, t in bottom._tickLevels[0]] == ["A", "B"]
    assert "Power under 9 cents" in dlg.slope.getPlotItem().titleLabel.text


def test_compare_map_lays_out_insets_and_callouts_as_the_main_map(qtbot, window):
    dlg = _dialog(qtbot, window)
    main = window.map_canvas
    # Same insets framed, same callouts for the small north-eastern states.
    assert set(dlg.map.callouts) == set(main.callouts)
    assert dlg.map.shapes is main.shapes or dlg.map.shapes.bounds == main.shapes.bounds
    # Hawaii is painted in its own colour, not swallowed by a white border: the pixels at
    # its islands take the state's colour.
    dlg.tabs.setCurrentWidget(dlg.map)
    qtbot.wait(1)
    image = dlg.map.view.grab().toImage()
    colour = dlg.map.items["HI"].brush().color()
    rect = dlg.map.items["HI"].path().boundingRect()
    vb = dlg.map.viewbox
    tl = dlg.map.view.mapFromScene(vb.mapViewToScene(rect.topLeft()))
    br = dlg.map.view.mapFromScene(vb.mapViewToScene(rect.bottomRight()))
    x0, x1 = sorted((tl.x(), br.x()))
    y0, y1 = sorted((tl.y(), br.y()))
    hits = 0
    for x in range(x0, x1 + 1):
        for y in range(y0, y1 + 1):
            c = image.pixelColor(QPoint(x, y))
            if abs(c.red() - colour.red()) + abs(c.green() - colour.green()) + abs(
                    c.blue() - colour.blue()) < 40:
                hits += 1
    # A tenth of the islands' box (a white border left about 4 %).
    assert hits >= 0.1 * (x1 - x0 + 1) * (y1 - y0 + 1)
