"""Small things a planner notices: counts, shares, the TOPSIS normalisation, Find + Enter."""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from siteselect.model.settings import ScoringSettings


def test_topsis_shows_vector_normalisation_in_the_disabled_box(window):
    panel = window.weights_panel
    panel.method_combo.setCurrentIndex(panel.method_combo.findData("topsis"))
    assert not panel.norm_combo.isEnabled()
    assert panel.norm_combo.currentData() == "vector"
    assert panel.norm_combo.currentText().startswith("Vector")
    # The chosen normalisation is untouched and comes back with another method.
    assert window.planner.settings.normalization == "minmax"
    panel.method_combo.setCurrentIndex(panel.method_combo.findData("wsm"))
    assert panel.norm_combo.isEnabled()
    assert panel.norm_combo.currentData() == "minmax"
    assert panel.norm_combo.findData("vector") < 0  # not offered where it does not apply


def test_one_weighted_criterion_is_one_criterion(window, dataset):
    only = {c: (10.0 if c == "talent" else 0.0) for c in dataset.criterion_ids}
    window.planner.set_settings(ScoringSettings(weights=only), "One")
    assert "1 criterion \u00b7" in window.map_title.full_text()
    assert "1 criteria" not in window.map_title.full_text()
    assert "1 weighted criterion" in window.map_title.toolTip()


def test_a_zero_weight_never_shows_a_share(window, dataset):
    only = {c: (10.0 if c == "talent" else 0.0) for c in dataset.criterion_ids}
    window.planner.set_settings(ScoringSettings(weights=only), "One")
    row = window.weights_panel.rows["talent"]
    assert row.share.text() == "100%"
    row.spin.setValue(0.0)  # all weights zero: cannot be scored
    assert window.planner.error is not None
    assert row.spin.value() == 0.0
    assert row.share.text() == "\u2014"
    window.undo_action.trigger()
    assert row.share.text() == "100%"


def test_find_then_enter_selects_the_match(qtbot, window):
    window.activateWindow()
    window.find_action.trigger()
    box = window.ranking_table.filter_edit
    qtbot.waitUntil(lambda: QApplication.focusWidget() is box)
    qtbot.keyClicks(box, "texas")
    qtbot.keyClick(box, Qt.Key_Return)
    assert window.planner.selected == "TX"
    assert QApplication.focusWidget() is window.ranking_table.view


def test_gates_tab_counts_every_exclusion(window):
    st = window.planner
    st.set_settings(replace(st.settings, exclude=("TX", "CA")), "Exclude two")
    assert window.weights_panel.tabs.tabText(1) == "Gates && Exclusions (2)"
    assert "excluded: California, Texas" in window.gates_label.text()


def test_criterion_names_in_the_weights_panel_are_never_cut(qtbot, window):
    window.resize(1400, 760)
    qtbot.waitUntil(lambda: window.height() <= 800)
    for _ in range(3):
        QApplication.processEvents()
    for row in window.weights_panel.rows.values():
        label = row.label
        assert label.height() >= label.heightForWidth(label.width()), label.text()


def test_top_n_lives_in_the_planner_state_and_every_view_follows_it(window):
    st = window.planner
    st.set_top_n(3)
    assert window.ranking_table.top_spin.value() == 3
    assert window.ranking_table.model.top_n == 3
    assert window.map_canvas.top_n == 3 and window.legend.top_n == 3
    window.ranking_table.top_spin.setValue(7)  # the table's box sets the state
    assert st.top_n == 7 and window.map_canvas.top_n == 7
    st.set_top_n(10_000)
    assert st.top_n == len(st.dataset.states)
