"""One colour mapping for the window's map and every exported map, placed by rank so the top
of the ranking is told apart; the legend says what the colours show."""

from __future__ import annotations

from collections import Counter

import numpy as np
import pytest
from PySide6.QtGui import QImage

from siteselect.exports.common import ExportRequest
from siteselect.exports.images import write_png
from siteselect.model.colourmap import COLOUR_TABLE, colour_index, score_scale


def window_rgb(canvas, code: str) -> tuple[int, int, int]:
    c = canvas.brush_for(code).color()
    return c.red(), c.green(), c.blue()


def png_colour_counts(path) -> Counter:
    img = QImage(str(path)).convertToFormat(QImage.Format_RGB888)
    w, h, bpl = img.width(), img.height(), img.bytesPerLine()
    raw = np.frombuffer(img.constBits(), dtype=np.uint8, count=bpl * h).reshape(h, bpl)
    px = raw[:, : 3 * w].reshape(h * w, 3)
    return Counter(map(tuple, px.tolist()))


@pytest.mark.parametrize("energy_points", [None, 80.0])
def test_a_score_has_the_same_rgb_in_the_window_and_in_an_exported_png(
        qtbot, window, tmp_path, energy_points):
    st = window.planner
    if energy_points is not None:  # after a weight edit too
        st.set_settings(st.settings.with_weight("energy_cost", energy_points), "Energy cost")
    req = ExportRequest(st.dataset, st.settings, st.result)
    out = write_png(req, tmp_path / "map.png", size=(1600, 1050))
    counts = png_colour_counts(out)
    canvas = window.map_canvas
    # The larger ranked states fill hundreds of pixels of the PNG with exactly their colour.
    big = ["TX", "MT", "CA", "NM", "AZ", "NV", "CO", "WY", "OR", "UT"]
    checked = 0
    for code in big:
        if st.result.position(code) is None:
            continue
        rgb = window_rgb(canvas, code)
        assert counts[rgb] >= 200, (code, rgb, counts[rgb])
        checked += 1
    assert checked >= 6
    # And the rank order decides the colour: the best state has the table's best colour.
    best = st.result.alternatives[0]
    assert window_rgb(canvas, best) == tuple(int(v) for v in COLOUR_TABLE[-1])


def test_colours_are_spread_by_rank_so_the_top_states_differ(window):
    st, canvas = window.planner, window.map_canvas
    r = st.result
    top = [window_rgb(canvas, code) for code in r.alternatives[:10]]
    assert len(set(top)) == 10  # ten distinguishable colours for the top ten
    # Each step down the ranking is about the same step on the colour table.
    idx = [colour_index(canvas.scale.t[code]) for code in r.alternatives]
    steps = np.diff(idx)
    assert (steps < 0).all()
    assert steps.max() - steps.min() <= 2


def test_rank_placement_of_scores():
    sc = score_scale(["A", "B", "C", "D", "E"], np.array([90.0, 60.0, 60.0, 59.0, 10.0]))
    assert sc.t["A"] == 1.0 and sc.t["E"] == 0.0
    assert sc.t["B"] == sc.t["C"] == pytest.approx(0.625)  # a tie shares its mean place
    assert sc.position(75.0) == pytest.approx((1.0 + 0.625) / 2)
    assert sc.ticks[0] == (90.0, 1) and sc.ticks[-1] == (10.0, 5)


def test_the_legend_says_what_the_colours_show(window):
    legend, st = window.legend, window.planner
    scale = window.map_canvas.scale
    assert "by rank" in scale.unit
    labels = [label for _t, label in scale.ticks]
    best = st.result.alternatives[0]
    assert labels[0] == f"#1 \u00b7 {float(st.result.scores[0]):.1f}"
    assert labels[-1].startswith(f"#{len(st.result)} ")
    assert legend.title_text() == "Overall score" and best


def outlined(canvas) -> set[str]:
    from siteselect.ui.map_canvas import TOP_OUTLINE

    return {code for code, item in canvas.items.items()
            if item.pen().color() == TOP_OUTLINE and item.outline.isVisible()}


def test_the_tables_top_n_control_outlines_the_top_states_on_the_map(qtbot, window):
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest

    st, canvas = window.planner, window.map_canvas
    spin = window.ranking_table.top_spin
    assert outlined(canvas) == set(st.result.alternatives[:spin.value()])
    spin.setFocus()
    spin.selectAll()
    QTest.keyClicks(spin, "5")
    QTest.keyClick(spin, Qt.Key_Enter)
    assert spin.value() == 5
    assert outlined(canvas) == set(st.result.alternatives[:5])
    assert window.legend.top_text() == "Top 5 by score (outlined)"
    # The outline follows the ranking when the weights change.
    st.set_settings(st.settings.with_weight("talent", 100.0), "Talent")
    assert outlined(canvas) == set(st.result.alternatives[:5])
    # A callout swatch of a top state is outlined too, the selection still wins.
    st.select(st.result.alternatives[0])
    assert canvas.items[st.result.alternatives[0]].pen().color() != canvas._top_pen.color()
    QTest.keyClick(spin, Qt.Key_Down)
    assert outlined(canvas) == set(st.result.alternatives[1:4])
    spin.setValue(0)
    assert outlined(canvas) == set() and window.legend.top_text() == ""


def test_the_pdf_map_fills_each_state_with_the_windows_colour(window, tmp_path):
    import re

    from pypdf import PdfReader

    from siteselect.exports.pdf import write_pdf

    st, canvas = window.planner, window.map_canvas
    st.set_settings(st.settings.with_weight("talent", 60.0), "Talent")
    out = write_pdf(ExportRequest(st.dataset, st.settings, st.result), tmp_path / "r.pdf")
    fills = set()
    number = r"([0-9]*\.?[0-9]+)"
    for page in PdfReader(str(out)).pages:
        data = page.get_contents().get_data().decode("latin-1")
        for m in re.finditer(rf"{number} {number} {number} rg", data):
            fills.add(tuple(round(float(v) * 255) for v in m.groups()))
    for code in st.result.alternatives:
        assert window_rgb(canvas, code) in fills, code
