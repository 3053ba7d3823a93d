"""The Compare dialog at county level: two saved county scenarios, each scored with its own
figures, counties on the change map, named in the table, chart and lists."""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import QPointF, Qt
from PySide6.QtWidgets import QApplication

from siteselect.model.scenario import Scenario
from siteselect.model.settings import ScoringSettings
from siteselect.scoring import Gate
from siteselect.ui.scenarios.compare_dialog import NOT_RANKED, RANKED_A_ONLY, capped_names

TX_A = "Texas counties, balanced"
TX_B = "Texas counties, cheap power"
ALL = "Every county"


def _save(ctl, name: str, settings: ScoringSettings) -> None:
    ctl.store.save(Scenario(name, settings=settings))


def _dialog(qtbot, window):
    """Two Texas county scenarios saved while the window shows the states."""
    qtbot.waitUntil(lambda: window.scenario_controller.loaded)
    ctl, ui = window.scenario_controller, window.scenario_ui
    tx = ScoringSettings(level="county", within=("TX",))
    weights = dict(tx.weights)
    weights["county_power_price"] = 5 * max(weights.values())
    _save(ctl, TX_A, tx)
    _save(ctl, TX_B, replace(tx, weights=weights,
                             gates=(Gate("county_population", ">=", 20_000.0),)))
    _save(ctl, ALL, ScoringSettings(level="county"))
    ctl.scenarios_changed.emit()
    dlg = ui.show_compare()
    qtbot.addWidget(dlg)
    dlg.show()
    qtbot.waitExposed(dlg)
    return dlg


def test_two_saved_county_scenarios_compare_by_county(qtbot, window):
    assert window.planner.dataset.level == "state"
    dlg = _dialog(qtbot, window)
    dlg.set_sources(TX_A, TX_B)
    cmp = dlg.comparison
    assert cmp is not None, dlg.summary.text()
    ds = dlg.dataset
    assert ds.level == "county" and ds.scope == ("TX",)
    assert len(cmp.states) == 254 and dlg.model.rowCount() == 254
    assert dlg.top_spin.maximum() == 254
    # The table names counties, headed as such.
    assert dlg.model.headerData(0, Qt.Horizontal) == "FIPS"
    assert dlg.model.headerData(1, Qt.Horizontal) == "County"
    row = [s.state for s in cmp.states].index("48453")
    assert dlg.model.index(row, 0).data() == "48453"
    assert dlg.model.index(row, 1).data() == "Travis County, TX"
    # The gate leaves small counties ranked in A only, in words naming the county criterion.
    small = [s for s in cmp.states if s.ranked_in == "A"]
    assert small
    text = dlg.model.index([s.state for s in cmp.states].index(small[0].state), 4).data()
    assert text.startswith("ranked in A only (gated in B:")
    # The summary names the places ranked and the counties that entered or left the top 10,
    # by name, capped.
    summary = dlg.summary.text()
    assert "(254 counties of TX)" in summary
    assert cmp.entered or cmp.left
    for code in (cmp.entered + cmp.left)[:3]:
        assert ds.names[code] in summary
    assert not any(f" {code}," in summary or f" {code}<" in summary
                   for code in cmp.entered + cmp.left)
    # The change map paints the Texas counties, framed on Texas, with the state borders over.
    layer = dlg.map.county_layer
    assert layer is not None and len(layer.codes) == 254 and layer.renders >= 1
    assert dlg.map.county_rgb(small[0].state) == RANKED_A_ONLY.getRgb()[:3]
    moved = next(s for s in cmp.states if s.rank_change)
    assert dlg.map.county_rgb(moved.state) not in (NOT_RANKED.getRgb()[:3],
                                                   RANKED_A_ONLY.getRgb()[:3])
    view = dlg.map.viewbox.viewRect()
    tx_box = dlg.map.items["TX"].path().boundingRect()
    assert view.contains(tx_box.center()) and view.width() < 2.5 * tx_box.width()
    assert dlg.map.items["TX"].zValue() > layer.picture.zValue()
    # The painted map shows the county colours: read a pixel inside Travis County back.
    dlg.tabs.setCurrentWidget(dlg.map)
    QApplication.processEvents()
    layer.ensure_current()
    from siteselect.ui.scenarios.compare_dialog import county_paths

    centre = county_paths()["48453"].boundingRect().center()
    px = dlg.map.view.mapFromScene(dlg.map.viewbox.mapViewToScene(QPointF(centre)))
    image = dlg.map.view.viewport().grab().toImage()
    got = image.pixelColor(px)
    assert (got.red(), got.green(), got.blue()) == dlg.map.county_rgb("48453")
    # The slope chart draws the counties of either top 10, named.
    plot_texts = [item.textItem.toPlainText() for item in dlg.slope.getPlotItem().items
                  if hasattr(item, "textItem")]
    top = {s.state for s in cmp.states if (s.rank_a or 999) <= 10 or (s.rank_b or 999) <= 10}
    assert set(dlg.slope.lines) | set(dlg.slope.one_sided) == top
    assert any(t.endswith(", TX") for t in plot_texts)


def test_sides_ranking_different_places_are_named_not_compared(qtbot, window):
    dlg = _dialog(qtbot, window)
    # The current settings rank the states; a saved scenario ranks the Texas counties.
    dlg.set_sources(None, TX_A)
    assert dlg.comparison is None and dlg.model.rowCount() == 0
    text = dlg.summary.text()
    assert "ranks the states but" in text and "ranks the counties of TX" in text
    assert "needs the same places on both sides" in text
    # Nothing of an earlier comparison stays on screen.
    assert not dlg.slope.lines and not dlg.slope.one_sided
    assert dlg.weights_table.rowCount() == 0
    # All counties against the Texas counties: the same level, other states.
    dlg.set_sources(ALL, TX_A)
    assert dlg.comparison is None
    assert "ranks every county but" in dlg.summary.text()
    # Two scenarios of the same places compare again, and the map follows to all counties.
    dlg.set_sources(ALL, ALL)
    assert dlg.comparison is not None and len(dlg.comparison.states) == 3142
    assert len(dlg.map.county_layer.codes) == 3142
    assert "… and" not in dlg.summary.text()  # nothing entered or left
    # Back to states: the state map again, no county picture.
    dlg.set_sources(None, "Balanced")
    assert dlg.comparison is not None and dlg.map.county_layer is None
    assert dlg.model.headerData(0, Qt.Horizontal) == "State"


def test_capped_names_say_how_many_more():
    from siteselect.model.dataset import load_dataset

    ds = load_dataset(level="county", within=("TX",))
    codes = ds.codes[:11]
    text = capped_names(ds, codes, cap=8)
    assert text.startswith(ds.names[codes[0]]) and text.endswith(" … and 3 more")
    assert capped_names(ds, ()) == "none"


def test_a_saved_scenario_is_scored_with_its_own_tables(qtbot, window, tmp_path):
    """A scenario weighing a criterion of the planner's own table is scored with that table's
    figures (recorded with the scenario), not with the window's."""
    from tests.storage.test_own_tables import write_table

    qtbot.waitUntil(lambda: window.scenario_controller.loaded)
    ctl, ui = window.scenario_controller, window.scenario_ui
    values = {code: "20" for code in window.planner.dataset.states}
    values["WY"] = "1"  # by far the cheapest quote
    table = write_table(tmp_path, "quotes", "power_quote", values)
    stored = ctl.store.import_table(table).stored
    base = ScoringSettings()
    weights = {cid: 0.0 for cid in base.weights}
    weights["power_quote"] = 1.0
    ctl.store.save(Scenario("Quotes only", settings=replace(base, weights=weights),
                            tables=(stored.ref,)))
    ctl.scenarios_changed.emit()
    dlg = ui.show_compare()
    qtbot.addWidget(dlg)
    dlg.set_sources(None, "Quotes only")
    cmp = dlg.comparison
    assert cmp is not None, dlg.summary.text()
    assert cmp.state("WY").rank_b == 1
    assert "Negotiated power quote" in " ".join(
        dlg.weights_table.item(r, 0).text() for r in range(dlg.weights_table.rowCount()))
