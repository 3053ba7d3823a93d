"""Counties in the window: the level switch, drill-down, the county map's hit test, undo.

The real window is driven with QTest (clicks, double-clicks, pointer moves at pixels computed
from the outlines); the map's colours are read back from the painted picture.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QColor
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from siteselect.model.dataset import PACKAGE_ROOT
from siteselect.ui.ranking_table import StateRole


def pixel_of(canvas, x: float, y: float) -> QPoint:
    return canvas.view.mapFromScene(canvas.viewbox.mapViewToScene(QPointF(x, y)))


def inner_pixel(canvas, path, margin_px: int = 3) -> QPoint:
    """A viewport pixel whose neighbourhood lies inside ``path`` (found on a grid)."""
    box = path.boundingRect()
    n = 30
    for i in range(1, n):
        for j in range(1, n):
            px = pixel_of(canvas, box.left() + box.width() * i / n,
                          box.top() + box.height() * j / n)
            ring = [canvas.viewbox.mapSceneToView(canvas.view.mapToScene(px + QPoint(dx, dy)))
                    for dx in (-margin_px, 0, margin_px) for dy in (-margin_px, 0, margin_px)]
            if all(path.contains(p) for p in ring):
                return px
    raise AssertionError("no pixel well inside the outline")


def painted_colour(canvas, px: QPoint) -> QColor:
    image = canvas.view.viewport().grab().toImage()
    return image.pixelColor(px)


def test_double_click_on_texas_shows_its_counties_and_undo_returns(qtbot, window):
    canvas, planner = window.map_canvas, window.planner
    tx = inner_pixel(canvas, canvas.items["TX"].path(), margin_px=10)
    QTest.mouseDClick(canvas.view.viewport(), Qt.LeftButton, Qt.NoModifier, tx)
    QApplication.processEvents()
    ds = planner.dataset
    assert ds.level == "county" and ds.scope == ("TX",) and len(ds.states) == 254
    assert planner.settings.level == "county" and planner.settings.within == ("TX",)
    assert planner.undo_stack.undoText() == "Show counties of Texas"
    # Every panel follows: table rows and columns, criteria with state figures marked.
    model = window.ranking_table.model
    assert model.rowCount() == 254
    headers = [model.headerData(c, Qt.Horizontal) for c in range(5)]
    assert headers == ["Rank", "FIPS", "County", "State", "Score"]
    assert {model.data(model.index(r, 3)) for r in range(254)} == {"TX"}
    rows = window.weights_panel.rows
    assert "county_power_price" in rows
    assert rows["energy_cost"].label.text().endswith("(state figure)")
    assert "\u203a" in window.breadcrumb.text() and "Texas" in window.breadcrumb.text()
    assert window.counties_button.isChecked() and not window.states_button.isChecked()
    assert canvas.showing_counties and len(canvas.county_layer.codes) == 254
    # One undo: the states again, with their map, table and criteria.
    window.undo_action.trigger()
    QApplication.processEvents()
    assert planner.dataset.level == "state" and len(planner.dataset.states) == 51
    assert window.ranking_table.model.rowCount() == 51
    assert "county_power_price" not in window.weights_panel.rows
    assert not canvas.showing_counties
    assert window.states_button.isChecked()
    window.redo_action.trigger()
    assert planner.dataset.scope == ("TX",)


def test_hover_and_click_name_the_county_under_the_pointer(qtbot, window):
    window.planner.show_level("county", ("TX",))
    QApplication.processEvents()
    canvas = window.map_canvas
    travis = canvas._county_paths["48453"]
    px = inner_pixel(canvas, travis)
    QTest.mouseMove(canvas.view.viewport(), px)
    QApplication.processEvents()
    assert canvas.hovered == "48453"
    assert "Travis County, TX" in canvas.tooltip_for("48453")
    QTest.mouseClick(canvas.view.viewport(), Qt.LeftButton, Qt.NoModifier, px)
    QApplication.processEvents()
    assert window.planner.selected == "48453"
    # The table selects the same county.
    rows = window.ranking_table.view.selectionModel().selectedRows()
    assert [window.ranking_table.proxy.data(r, StateRole) for r in rows] == ["48453"]
    # Next door (Williamson County, 48491), by its own outline.
    px2 = inner_pixel(canvas, canvas._county_paths["48491"])
    QTest.mouseMove(canvas.view.viewport(), px2)
    QApplication.processEvents()
    assert canvas.hovered == "48491"


def test_every_county_of_texas_is_found_inside_its_outline(qtbot, window):
    window.planner.show_level("county", ("TX",))
    QApplication.processEvents()
    canvas = window.map_canvas
    layer = canvas.county_layer
    found = 0
    for code in layer.codes:
        path = canvas._county_paths[code]
        c = path.boundingRect().center()
        if path.contains(c):
            found += 1
            assert canvas.state_at(canvas.viewbox.mapViewToScene(c)) == code
    assert found > 200


def test_counties_are_coloured_from_the_result_and_gated_ones_grey(qtbot, window):
    from dataclasses import replace

    from siteselect.scoring import parse_gate

    planner = window.planner
    planner.show_level("county", ("TX",))
    QApplication.processEvents()
    canvas = window.map_canvas
    best, worst = planner.result.alternatives[0], planner.result.alternatives[-1]
    for code in (best, worst):
        px = inner_pixel(canvas, canvas._county_paths[code], margin_px=2)
        assert painted_colour(canvas, px) == canvas.brush_for(code).color()
    assert canvas.brush_for(best).color() != canvas.brush_for(worst).color()
    # A gate on a county figure: the counties failing it are grey and not ranked.
    planner.set_settings(replace(planner.settings,
                                 gates=(parse_gate("county_population>=100000"),)), "Gate")
    QApplication.processEvents()
    out = {e.alternative for e in planner.result.excluded}
    assert 200 < len(out) < 254
    small = next(iter(out))
    assert canvas.brush_for(small).color() == QColor(205, 205, 205)
    assert "Not ranked" in canvas.tooltip_for(small)
    # The gate survives going to all counties and back to states (its criterion is a county
    # one: the states have no such figure, so it is dropped there).
    planner.show_level("county")
    assert planner.settings.gates
    planner.show_level("state")
    assert planner.settings.gates == ()


def test_switch_all_counties_and_filter_by_state_name(qtbot, window):
    QTest.mouseClick(window.counties_button, Qt.LeftButton)
    QApplication.processEvents()
    planner = window.planner
    assert planner.dataset.level == "county" and planner.dataset.scope == ()
    assert window.ranking_table.model.rowCount() == 3142
    QTest.keyClicks(window.ranking_table.filter_edit, "Delaware")
    QApplication.processEvents()
    proxy = window.ranking_table.proxy
    shown = {proxy.data(proxy.index(r, 3)) for r in range(proxy.rowCount())}
    # Delaware's three counties and every county named Delaware elsewhere.
    assert "DE" in shown and proxy.rowCount() >= 3
    names = [proxy.data(proxy.index(r, 2)) for r in range(proxy.rowCount())]
    assert all("Delaware" in n or proxy.data(proxy.index(r, 3)) == "DE"
               for r, n in enumerate(names))
    # The breadcrumb's first step goes back to the states.
    window.breadcrumb.linkActivated.emit("states")
    assert planner.dataset.level == "state"


def test_price_choice_moves_the_weight_as_one_undo_step(qtbot, window):
    planner = window.planner
    planner.show_level("county", ("TX",))
    box = window.weights_panel.price_box
    assert box.isVisible() or not window.isVisible()
    assert box.currentData() == "energy_cost"
    before = planner.settings.weights["energy_cost"]
    count = planner.undo_stack.count()
    box.setCurrentIndex(box.findData("county_power_price"))
    s = planner.settings
    assert s.weights["county_power_price"] == before and s.weights["energy_cost"] == 0
    assert planner.undo_stack.count() == count + 1
    assert "proxy" in box.currentText() and "not a tariff" in box.currentText()
    planner.undo_stack.undo()
    assert planner.settings.weights["energy_cost"] == before
    assert box.currentData() == "energy_cost"


def test_slider_step_recolours_without_painting_the_counties_again(qtbot, window):
    window.planner.show_level("county")
    QApplication.processEvents()
    layer = window.map_canvas.county_layer
    row = window.weights_panel.rows["talent"]
    row.slider.setValue(row.slider.value() + 200)  # the panels settle their sizes once
    QApplication.processEvents()
    layer.ensure_current()
    renders = layer.renders
    first = window.planner.result.alternatives[0]
    row.slider.setValue(row.slider.value() + 200)
    QApplication.processEvents()
    assert layer.renders == renders
    assert window.map_canvas.brush_for(first).color().isValid()


def test_window_renders_states_all_counties_and_texas_at_its_minimum_size(qtbot, window,
                                                                          tmp_path):
    window.resize(982, 604)
    QApplication.processEvents()
    for name, action in (("states", lambda: None),
                         ("all", lambda: window.planner.show_level("county")),
                         ("texas", lambda: window.planner.show_level("county", ("TX",)))):
        action()
        QApplication.processEvents()
        image = window.grab().toImage()
        assert image.width() >= 982
        image.save(str(tmp_path / f"{name}.png"))
        if os.environ.get("SITESELECT_KEEP_PNG"):
            image.save(os.path.join(os.environ["SITESELECT_KEEP_PNG"], f"county-{name}.png"))
    assert window.map_canvas.showing_counties


STARTUP = """
import json, sys
from siteselect.ui.app import application, build_window
app = application()
window = build_window(restore_settings=False)
window.show()
app.processEvents()
window.map_canvas.view.viewport().repaint()
print(json.dumps(sorted(sys.modules)))
"""


def test_the_first_paint_does_not_read_the_county_outlines(tmp_path):
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", XDG_CACHE_HOME=str(tmp_path))
    proc = subprocess.run([sys.executable, "-c", STARTUP], capture_output=True, text=True,
                          env=env, cwd=PACKAGE_ROOT, timeout=120, check=True)
    loaded = set(json.loads(proc.stdout.strip().splitlines()[-1]))
    assert "siteselect.ui.main_window" in loaded
    assert "siteselect.model.county_geography" not in loaded
