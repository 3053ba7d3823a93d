"""Details a planner reads: data sources, the detail panel's figures and bars, the words in
the status bar, banner and tabs."""

from __future__ import annotations

import numpy as np
from PySide6.QtGui import QColor

from siteselect.ui.detail_panel import BAR_STRONG, BAR_WEAK, POINTS_STRONG, POINTS_WEAK
from siteselect.ui.dialogs import NOTES, DataSourcesDialog


def test_data_sources_notes_column_is_wide_enough_to_read(qtbot, window):
    dlg = DataSourcesDialog(window.state.dataset, window)
    qtbot.addWidget(dlg)
    dlg.show()
    qtbot.waitExposed(dlg)
    hh = dlg.table.horizontalHeader()
    assert hh.sectionSize(NOTES) >= 320
    # Growing the dialog gives the notes the extra room.
    before = hh.sectionSize(NOTES)
    dlg.resize(dlg.width() + 300, dlg.height())
    qtbot.waitUntil(lambda: hh.sectionSize(NOTES) > before)


def test_detail_panel_shows_every_figure_weighted_first(window, dataset):
    st = window.state
    st.select("TX")
    panel = window.detail_panel
    text = panel.figures.toPlainText()
    weighted = [dataset.criterion(c).label for c in st.result.criteria]
    others = [c.label for c in dataset.criteria if c.id not in st.result.weights]
    assert "Corporate income tax rate" in others
    head = text.index("Not weighted")
    for label in weighted:
        assert 0 <= text.index(label) < head
    for label in others:
        assert text.index(label) > head
    # Shares beside the weighted ones.
    assert "Energy cost (industrial) (25%)" in text


def test_bar_labels_are_whole_and_inside_the_charts(qtbot, window, dataset):
    window.state.select("NY")
    panel = window.detail_panel
    qtbot.waitUntil(lambda: panel.plots.isVisible())
    labels = [dataset.criterion(c).label for c in window.state.result.criteria]
    for plot, items in zip((panel.value_plot, panel.points_plot), panel.bar_labels,
                           strict=True):
        assert [i.textItem.toPlainText() for i in items] == labels
        area = plot.getViewBox().sceneBoundingRect()
        for item in items:
            box = item.sceneBoundingRect()
            assert box.left() >= area.left() - 1 and box.right() <= area.right() + 1
            assert box.top() >= area.top() - 1 and box.bottom() <= area.bottom() + 1
        boxes = sorted((i.sceneBoundingRect() for i in items), key=lambda r: r.top())
        for upper, lower in zip(boxes, boxes[1:], strict=False):
            assert upper.bottom() <= lower.top() + 0.5  # names do not run into each other


def test_strengths_and_weaknesses_have_different_colours(window):
    st = window.state
    st.select("NY")
    panel = window.detail_panel
    i = st.result.position("NY")
    values = np.asarray(st.result.normalized[i], float)
    assert (values >= 0.5).any() and (values < 0.5).any()
    brushes = panel.value_bars.opts["brushes"]
    points = panel.points_bars.opts["brushes"]
    for j, v in enumerate(values):
        want = BAR_STRONG if v >= 0.5 else BAR_WEAK
        assert QColor(brushes[j]) == want
        assert QColor(points[j]) == (POINTS_STRONG if v >= 0.5 else POINTS_WEAK)
    assert "weakness" in panel.key.text() and "strength" in panel.key.text()
