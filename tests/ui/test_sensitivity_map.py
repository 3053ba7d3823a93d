"""A sensitivity run on the map and the weight sliders: Colour by "Chance of top K" and "Rank
range", the legend and tooltips, the stability bands, and staleness after an edit.

Runs are started with F9 in the real window and waited for; the colour-by choice, the sliders
and undo are driven with keys; the legend and a slider are rendered and their pixels read.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QEvent, QPoint, QPointF, Qt
from PySide6.QtGui import QHelpEvent, QImage
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QToolTip

from siteselect.analysis import rank_states
from siteselect.model.colourmap import COLOUR_TABLE, colour_index
from siteselect.ui.colouring import percent_text
from siteselect.ui.planner import P_TOP_K, RANK_RANGE, SCORE
from siteselect.ui.weights_panel import SLIDER_STEPS_PER_POINT


def run_with_f9(window, qtbot):
    window.activateWindow()
    window.setFocus()
    QTest.keyClick(window, Qt.Key.Key_F9)
    qtbot.waitUntil(lambda: window.planner.sensitivity is not None
                    and not window.sensitivity_panel.running, timeout=20_000)
    return window.planner.sensitivity


def focus_colour_by(window, qtbot):
    window.activateWindow()
    qtbot.waitUntil(lambda: window.isActiveWindow())
    QTest.keyClick(window, Qt.Key.Key_U, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(lambda: window.colour_combo.hasFocus())
    return window.colour_combo


def brush_rgb(window, code: str) -> tuple[int, int, int]:
    c = window.map_canvas.items[code].brush().color()
    return c.red(), c.green(), c.blue()


def stale_pixels(image: QImage) -> int:
    """Pixels of the legend's red stale note."""
    n = 0
    for y in range(0, image.height(), 2):
        for x in range(0, image.width(), 2):
            c = image.pixelColor(x, y)
            if c.red() > 130 and c.green() < 90 and c.blue() < 90:
                n += 1
    return n


def tooltip_of(canvas, code: str) -> str:
    """The map's tooltip where Qt asks for it over ``code`` (inside its outline)."""
    x, y = canvas.shapes.label_points[code]
    px = canvas.view.mapFromScene(canvas.viewbox.mapViewToScene(QPointF(x, y)))
    assert canvas.state_at_pixel(px) == code
    viewport = canvas.view.viewport()
    QToolTip.hideText()
    QApplication.sendEvent(viewport, QHelpEvent(QEvent.Type.ToolTip, px,
                                                viewport.mapToGlobal(px)))
    return QToolTip.text() if QToolTip.isVisible() else ""


def test_chance_of_top_k_is_offered_after_a_run_and_chosen_with_keys(window, qtbot):
    combo = window.colour_combo
    i = combo.findData(P_TOP_K)
    # No run yet: listed but cannot be chosen, by keys or the menu.
    assert not combo.model().item(i).isEnabled()
    assert not window.colour_actions[P_TOP_K].isEnabled()
    focus_colour_by(window, qtbot)
    QTest.keyClick(combo, Qt.Key.Key_End)
    assert window.planner.colour_by not in (P_TOP_K, RANK_RANGE)
    QTest.keyClick(combo, Qt.Key.Key_Home)
    assert window.planner.colour_by == SCORE

    run = run_with_f9(window, qtbot)
    QApplication.processEvents()
    before = (window.map_canvas.geometry(), combo.geometry(), window.legend.geometry())
    mc = run.mc
    assert window.statusBar().currentMessage() == (
        f"Sensitivity: Texas first in {percent_text(mc.p_first[0])} of 10,000 draws")
    assert combo.itemText(i) == "Chance of top 10"
    focus_colour_by(window, qtbot)
    QTest.keyClick(combo, Qt.Key.Key_End)
    QTest.keyClick(combo, Qt.Key.Key_Up)
    assert window.planner.colour_by == P_TOP_K
    assert window.colour_actions[P_TOP_K].isChecked()
    assert window.legend.title_text() == "Chance of top 10"
    assert window.map_title.full_text().startswith("Chance of top 10")
    # Every state the run ranked has the colour table's entry for its chance.
    for code, p in zip(mc.alternatives, mc.p_top_k.tolist(), strict=True):
        assert brush_rgb(window, code) == tuple(int(v) for v in COLOUR_TABLE[colour_index(p)])
    likeliest = mc.alternatives[int(np.argmax(mc.p_top_k))]
    unlikeliest = mc.alternatives[int(np.argmin(mc.p_top_k))]
    assert sum(brush_rgb(window, likeliest)) < sum(brush_rgb(window, unlikeliest))
    # Nothing moved: the entries were there all along, the legend is as wide as before.
    # (Showing the Sensitivity dock itself, beside the ranking, may take a tab bar's room.)
    QApplication.processEvents()
    assert (window.map_canvas.geometry(), combo.geometry(), window.legend.geometry()) == before
    image = window.legend.grab().toImage()
    assert stale_pixels(image) == 0


def test_rank_range_colours_narrow_ranges_darkest(window, qtbot):
    run = run_with_f9(window, qtbot)
    window.colour_actions[RANK_RANGE].trigger()
    assert window.planner.colour_by == RANK_RANGE
    mc = run.mc
    widths = mc.rank_p95 - mc.rank_p05
    scale = window.map_canvas.scale
    assert window.legend.title_text() == "Rank range (90\u00a0%)"
    assert scale.worst_text == f"{int(widths.max())} places"
    for code, w in zip(mc.alternatives, widths.tolist(), strict=True):
        assert scale.t[code] == 1.0 - w / int(widths.max())
    sure = mc.alternatives[int(np.argmin(widths))]
    unsure = mc.alternatives[int(np.argmax(widths))]
    assert sum(brush_rgb(window, sure)) < sum(brush_rgb(window, unsure))


def test_map_tooltip_gives_the_chances_and_rank_range(window, qtbot):
    run = run_with_f9(window, qtbot)
    mc = run.mc
    i = mc.alternatives.index("LA")
    text = tooltip_of(window.map_canvas, "LA")
    assert "<b>Louisiana</b> (LA)" in text
    assert f"Chance of top 10: <b>{percent_text(mc.p_top_k[i])}</b>" in text
    assert f"first: <b>{percent_text(mc.p_first[i])}</b>" in text
    lo, hi = int(mc.rank_p05[i]), int(mc.rank_p95[i])
    assert "90 % rank range: <b>" + (f"rank {lo}" if lo == hi else f"ranks {lo}\u2013{hi}") \
        in text
    assert "stale" not in text


def test_an_edit_marks_the_map_stale_and_undo_clears_it(window, qtbot):
    run_with_f9(window, qtbot)
    window.planner.set_colour_by(P_TOP_K)
    QApplication.processEvents()
    assert stale_pixels(window.legend.grab().toImage()) == 0
    slider = window.weights_panel.rows["energy_cost"].slider
    assert slider.band is not None
    slider.setFocus()
    QTest.keyClick(slider, Qt.Key.Key_PageUp)
    assert window.planner.sensitivity_stale
    assert window.map_canvas.scale.stale
    assert "(stale)" in window.map_title.full_text()
    assert stale_pixels(window.legend.grab().toImage()) > 20
    assert "stale" in tooltip_of(window.map_canvas, "TX")
    assert all(row.slider.band is None for row in window.weights_panel.rows.values())
    window.activateWindow()
    qtbot.waitUntil(lambda: window.isActiveWindow())
    window.map_canvas.setFocus()
    QTest.keyClick(window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert not window.planner.sensitivity_stale
    assert not window.map_canvas.scale.stale
    assert stale_pixels(window.legend.grab().toImage()) == 0
    assert slider.band is not None
    # Forgetting the run takes the map back to the score and withdraws the entries.
    window.planner.set_sensitivity(None)
    assert window.planner.colour_by == SCORE
    assert not window.colour_actions[P_TOP_K].isEnabled()


def test_slider_bands_mark_where_first_place_holds(window, qtbot):
    run = run_with_f9(window, qtbot)
    st = window.planner
    first = run.mc.alternatives[0]
    assert first == "TX"
    rows = window.weights_panel.rows
    weighted = [c for c in st.result.criteria]
    assert all(rows[c].slider.band is not None for c in weighted)
    assert all(rows[c].slider.band is None for c in rows if c not in weighted)
    # The band's ends, in points, are where the engine's first place really changes.
    checked = 0
    for cid in weighted:
        slider = rows[cid].slider
        lo, hi = (v / SLIDER_STEPS_PER_POINT for v in slider.band)
        assert lo <= st.settings.weights[cid] <= hi
        if slider.edges[1]:
            inside = rank_states(st.dataset, st.settings.with_weight(cid, hi - 0.2))
            outside = rank_states(st.dataset, st.settings.with_weight(cid, hi + 0.2))
            assert inside.alternatives[0] == first and outside.alternatives[0] != first
            checked += 1
        if slider.edges[0]:
            outside = rank_states(st.dataset, st.settings.with_weight(cid, lo - 0.2))
            assert outside.alternatives[0] != first
            checked += 1
        assert "First place (Texas) holds" in slider.toolTip()
    assert checked >= 1
    # Rendered: the band is tinted, the groove beyond it is not.
    slider = next(rows[c].slider for c in weighted if rows[c].slider.edges[1])
    image = slider.grab().toImage()
    band = slider.band_rect()
    handle_right = slider.style().subControlRect(
        slider.style().ComplexControl.CC_Slider, _opt(slider),
        slider.style().SubControl.SC_SliderHandle, slider).right()
    y = band.center().y()
    inside_x = max(band.left() + 2, handle_right + 3)
    assert inside_x < band.right() - 1
    tint = image.pixelColor(QPoint(inside_x, y))
    beyond = image.pixelColor(QPoint(band.right() + 6, y))
    assert tint.green() - tint.red() > 30 and tint.blue() - tint.red() > 30
    assert abs(beyond.green() - beyond.red()) < 20


def _opt(slider):
    from PySide6.QtWidgets import QStyleOptionSlider

    opt = QStyleOptionSlider()
    slider.initStyleOption(opt)
    return opt
