"""Details a planner reads: data sources, the detail panel's figures and bars, the words in
the status bar, banner and tabs."""

from __future__ import annotations

import numpy as np
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QApplication

from siteselect.ui.detail_panel import BAR_STRONG, BAR_WEAK, POINTS_STRONG, POINTS_WEAK
from siteselect.ui.dialogs import NOTES, DataSourcesDialog


def test_data_sources_notes_column_is_wide_enough_to_read(qtbot, window):
    dlg = DataSourcesDialog(window.planner.dataset, window)
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
    st = window.planner
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
    window.planner.select("NY")
    panel = window.detail_panel
    qtbot.waitUntil(lambda: panel.plots.isVisible())
    labels = [dataset.criterion(c).label for c in window.planner.result.criteria]
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
    st = window.planner
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


def test_status_bar_names_method_normalisation_and_policy_in_words(window):
    text = window.status_label.text()
    assert "weighted sum \u00b7 min-max scaling \u00b7 missing figures scored as the worst" in text
    assert "minmax" not in text and "worst" in text
    window.weights_panel.method_combo.setCurrentIndex(
        window.weights_panel.method_combo.findData("topsis"))
    assert "TOPSIS" in window.status_label.text()
    assert "vector normalisation" in window.status_label.text()


def test_error_banner_speaks_in_labels_and_units(window):
    from dataclasses import replace

    from siteselect.scoring import Gate

    st = window.planner
    st.set_settings(replace(st.settings, gates=(Gate("energy_cost", "<=", 1.0),)), "Gate")
    assert window.banner.isVisible() or not window.banner.isHidden()
    text = window.banner.text()
    assert "Energy cost (industrial) \u2264 1.00 cents/kWh" in text
    assert "energy_cost" not in text
    assert "energy_cost" not in window.statusBar().currentMessage()


def test_revisions_dialog_uses_labels_units_and_names(qtbot, window, monkeypatch):
    from dataclasses import replace

    from PySide6.QtWidgets import QInputDialog

    from siteselect.model.settings import Override
    from siteselect.scoring import Gate

    qtbot.waitUntil(lambda: window.scenario_controller.loaded)
    st, ctl = window.planner, window.scenario_controller
    st.set_settings(replace(st.settings, gates=(Gate("energy_cost", "<=", 9.0),),
                            exclude=("TX",), overrides=(Override("NM", "energy_cost", 4.0),),
                            method="topsis"), "Edit")
    monkeypatch.setattr(QInputDialog, "getText",
                        staticmethod(lambda *_a, **_k: ("Worded", True)))
    ctl.save_as()
    dlg = window.scenario_ui.show_revisions("Worded")
    qtbot.addWidget(dlg)
    text = dlg.details.toPlainText()
    assert "Gates: Energy cost (industrial) \u2264 9.00 cents/kWh" in text
    assert "Excluded: Texas" in text
    assert "New Mexico, Energy cost (industrial): 4.00 cents/kWh" in text
    assert "Method: TOPSIS" in text and "vector normalisation" in text
    for raw in ("energy_cost", "topsis", "<=", "minmax"):
        assert raw not in text


def test_many_weighted_criteria_scroll_instead_of_squeezing_the_names(qtbot, window, dataset):
    from siteselect.model.settings import ScoringSettings

    window.planner.set_settings(
        ScoringSettings(weights={c: 1.0 for c in dataset.criterion_ids}), "All")
    window.planner.select("NY")
    panel = window.detail_panel
    n = len(window.planner.result.criteria)
    assert n > 20
    qtbot.waitUntil(lambda: panel.plots.height() >= panel.plots.minimumHeight())
    QApplication.processEvents()
    # The window does not have to grow to show them...
    assert window.minimumSizeHint().height() < 800
    assert window.height() <= 900
    # ... and the names never run into each other.
    for items in panel.bar_labels:
        boxes = sorted((i.sceneBoundingRect() for i in items), key=lambda r: r.top())
        for upper, lower in zip(boxes, boxes[1:], strict=False):
            assert upper.bottom() <= lower.top() + 0.5
