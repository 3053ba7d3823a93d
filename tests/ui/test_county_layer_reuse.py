"""Switching back to counties shows the kept county picture again instead of rebuilding it."""

from __future__ import annotations

from PySide6.QtWidgets import QApplication

from tests.ui.test_county_window import inner_pixel, painted_colour


def test_later_switch_to_counties_reuses_the_hidden_layer(qtbot, window):
    canvas, planner = window.map_canvas, window.planner
    # (the first round trip may settle the panels' widths, and so the map's size)
    for level in ("county", "state", "county"):
        planner.show_level(level)
        QApplication.processEvents()
    layer = canvas.county_layer
    layer.ensure_current()
    renders = layer.renders
    planner.show_level("state")
    QApplication.processEvents()
    assert canvas.county_layer is None and not canvas.showing_counties
    # At state level nothing of the counties is drawn: a state is painted in its own colour.
    px = inner_pixel(canvas, canvas.items["KS"].path(), margin_px=6)
    assert painted_colour(canvas, px) == canvas.brush_for("KS").color()
    assert not layer.picture.isVisible() and not layer.borders.isVisible()
    # Back at counties the same layer shows again, painted in the counties' colours.
    planner.show_level("county")
    QApplication.processEvents()
    assert canvas.county_layer is layer and layer.renders == renders
    assert layer.picture.isVisible()
    code = "06071"  # San Bernardino County, CA
    px = inner_pixel(canvas, canvas._county_paths[code], margin_px=2)
    assert painted_colour(canvas, px).rgba() == layer.colour_at(code)
    # Texas alone is another set of counties: a new layer, and the old one is kept hidden.
    planner.show_level("county", ("TX",))
    QApplication.processEvents()
    assert canvas.county_layer is not layer and not layer.picture.isVisible()
    assert len(canvas.county_layer.codes) == 254
    # Undo twice: all counties again, from the kept layer.
    planner.undo_stack.undo()
    QApplication.processEvents()
    assert canvas.county_layer is layer and layer.picture.isVisible()
