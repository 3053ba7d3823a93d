"""The window as a new planner meets it: keys, layout, honest charts, robust start-up."""

from __future__ import annotations

from collections import Counter

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence

from siteselect.ui.main_window import MainWindow


def _window_shortcuts(window: MainWindow) -> Counter:
    keys: Counter = Counter()
    for act in window.findChildren(QAction):
        if act.shortcutContext() in (Qt.WindowShortcut, Qt.ApplicationShortcut):
            for seq in act.shortcuts():
                keys[seq.toString()] += 1
    return keys


def test_no_key_is_bound_twice(window):
    """Qt ignores a key bound twice (ambiguous shortcut): every binding must be unique."""
    twice = {k: n for k, n in _window_shortcuts(window).items() if n > 1}
    assert not twice


def test_ctrl_z_and_ctrl_shift_z_undo_and_redo_a_weight_edit(qtbot, window):
    before = window.planner.result.alternatives
    window.weights_panel.rows["energy_cost"].spin.setValue(90.0)
    after = window.planner.result.alternatives
    assert after != before
    window.activateWindow()
    qtbot.keyClick(window, Qt.Key_Z, Qt.ControlModifier)
    assert window.planner.result.alternatives == before
    assert window.weights_panel.rows["energy_cost"].spin.value() == 25.0
    qtbot.keyClick(window, Qt.Key_Z, Qt.ControlModifier | Qt.ShiftModifier)
    assert window.planner.result.alternatives == after


def test_ctrl_e_is_left_to_export(window):
    assert window.equal_action.shortcut().isEmpty()
    owners = [a.text() for a in window.findChildren(QAction)
              if QKeySequence("Ctrl+E") in a.shortcuts()]
    assert len(owners) == 1 and "Export" in owners[0]


def test_topsis_detail_chart_is_oriented_and_starts_at_zero(qtbot, window):
    from dataclasses import replace

    import numpy as np

    st = window.planner
    st.set_settings(replace(st.settings, method="topsis"), "Method: TOPSIS")
    r = st.result
    assert r.method == "topsis"
    j = list(r.criteria).index("energy_cost")  # lower is better
    raw = np.asarray(r.values, float)[:, j]
    cheapest = r.alternatives[int(np.argmin(raw))]
    dearest = r.alternatives[int(np.argmax(raw))]
    panel = window.detail_panel
    st.select(cheapest)
    widths = np.asarray(panel.value_bars.opts["width"], float)
    assert widths[j] == 1.0  # the ideal on a lower-is-better criterion is the right end
    assert np.all((widths >= 0) & (widths <= 1))
    st.select(dearest)
    assert np.asarray(panel.value_bars.opts["width"], float)[j] == 0.0
    lo, hi = panel.value_plot.getViewBox().viewRange()[0]
    assert -0.05 <= lo <= 0 and 1 <= hi <= 1.05
    label = panel.value_plot.getAxis("bottom").labelText
    assert "ideal" in label and "1 = best" not in label
    assert "position" in panel.points_plot.getAxis("bottom").labelText
    # Back to the weighted sum: the engine's own normalised values and points again.
    st.undo_stack.undo()
    st.select(cheapest)
    i = st.result.position(cheapest)
    assert np.allclose(panel.points_bars.opts["width"], st.result.contributions[i])
    assert panel.value_plot.getAxis("bottom").labelText == "normalised (1 = best)"


LAYOUT_SCRIPT = """
import json
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QScrollArea
from siteselect.ui.app import application, build_window
app = application()
w = build_window(restore_settings=False)
w.show()
QTest.qWait(200)
scroll = w.weights_panel.tabs.widget(0).findChild(QScrollArea)
host = scroll.widget()
rows = w.weights_panel.rows.values()
print(json.dumps({
    "window": [w.width(), w.height()],
    "map": w.map_canvas.width(),
    "weights": w.weights_dock.width(),
    "clipped": [r.crit.id for r in rows if r.share.geometry().right() > scroll.viewport().width()],
    "narrowest_label": min(r.label.width() for r in rows),
    "gates_tab": w.weights_panel.tabs.widget(1).minimumSizeHint().width(),
}))
"""


def test_default_layout_gives_the_map_the_room(tmp_path):
    """First start on a 1400x900 screen: the map, not the controls, gets the width."""
    import json
    import os
    import subprocess
    import sys
    from pathlib import Path

    screens = tmp_path / "screens.json"
    screens.write_text(json.dumps({"screens": [{
        "name": "Laptop", "x": 0, "y": 0, "width": 1400, "height": 900,
        "logicalDpi": 96, "logicalBaseDpi": 96, "dpr": 1}]}))
    env = dict(os.environ, QT_QPA_PLATFORM=f"offscreen:configfile={screens}",
               SITESELECT_SETTINGS_DIR=str(tmp_path / "settings"))
    done = subprocess.run([sys.executable, "-c", LAYOUT_SCRIPT], env=env,
                          cwd=Path(__file__).resolve().parents[2], capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    got = json.loads(done.stdout.strip().splitlines()[-1])
    width, height = got["window"]
    assert width <= 1400 and height <= 900  # the window fits the screen
    assert got["map"] >= 0.40 * width, got  # was 0.30 (a 490 px weights panel)
    assert got["weights"] <= 0.3 * width, got
    assert got["clipped"] == [], got  # every weights row whole, no sideways scrolling
    assert got["narrowest_label"] >= 100, got
    assert got["gates_tab"] <= got["weights"], got


def test_not_ranked_reasons_speak_the_planners_language(qtbot, window):
    from dataclasses import replace

    from siteselect.scoring import parse_gate
    from siteselect.ui.text import exclusion_text, state_tooltip

    st = window.planner
    ds = st.dataset
    st.set_settings(replace(st.settings, gates=(parse_gate("energy_cost<=9"),),
                            exclude=("TX",)), "Gates")
    r = st.result
    ca = exclusion_text(ds, st.settings, r, "CA")
    assert ca.startswith("fails the gate Energy cost (industrial) \u2264 9")
    assert ds.format_value("CA", "energy_cost") in ca  # the figure with its unit
    assert "energy_cost<=" not in state_tooltip(ds, st.settings, r, "CA")
    assert exclusion_text(ds, st.settings, r, "TX") == "excluded by the planner"
    assert exclusion_text(ds, st.settings, r, r.alternatives[0]) is None
    # The table's note and the detail panel say the same.
    model = window.ranking_table.model
    assert model.data(model.index(model.row_of("CA"), model.columnCount() - 1)) == ca
    st.select("CA")
    assert "Energy cost (industrial)" in window.detail_panel.heading.text()
    # A state without the figure cannot pass a gate on it, and is told so.
    gen = next(s for s in ds.states if ds.value(s, "power_capacity") is None)
    st.set_settings(replace(st.settings, gates=(parse_gate("power_capacity>=1"),),
                            exclude=()), "Gate")
    assert "figure missing" in exclusion_text(ds, st.settings, st.result, gen)
    # Missing-data policy 'exclude' names the criteria by their labels.
    st.set_settings(replace(st.settings, gates=(), exclude=(), missing="exclude"), "Missing")
    out = [e.alternative for e in st.result.excluded]
    assert out
    text = exclusion_text(ds, st.settings, st.result, out[0])
    assert text.startswith("figure missing for ") and "_" not in text


def test_every_kind_of_edit_is_one_undo_step_and_redo_replays_it(qtbot, window):
    """Weight, enable box, gate, exclusion, method, normalisation, missing-data policy."""
    st = window.planner
    wp = window.weights_panel
    history = [st.settings]

    def edit(action) -> None:
        before = st.undo_stack.count()
        action()
        assert st.undo_stack.count() == before + 1
        assert st.settings != history[-1]
        history.append(st.settings)

    edit(lambda: wp.rows["talent"].spin.setValue(40.0))
    name = wp.rows["grid_co2"].label
    edit(lambda: name.mouseReleaseEvent(_left_click(name)))
    assert "grid_co2" in st.settings.disabled  # a click on the name toggled the box
    edit(lambda: (wp.gate_value.setText("9"), wp.add_gate_from_form()))
    item = next(wp.exclude_list.item(i) for i in range(wp.exclude_list.count())
                if wp.exclude_list.item(i).data(Qt.UserRole) == "TX")
    edit(lambda: item.setCheckState(Qt.Checked))
    edit(lambda: wp.norm_combo.setCurrentIndex(wp.norm_combo.findData("rank")))
    edit(lambda: wp.missing_combo.setCurrentIndex(wp.missing_combo.findData("mean")))
    edit(lambda: wp.method_combo.setCurrentIndex(wp.method_combo.findData("topsis")))
    assert "TX" not in st.result.alternatives and st.result.method == "topsis"
    for expected in reversed(history[:-1]):
        window.undo_action.trigger()
        assert st.settings == expected
        # The widgets follow the settings.
        assert wp.method_combo.currentData() == expected.method
        assert wp.norm_combo.currentData() == expected.normalization
        assert wp.missing_combo.currentData() == expected.missing
        assert wp.gate_list.count() == len(expected.gates)
        assert (item.checkState() == Qt.Checked) == ("TX" in expected.exclude)
        assert wp.rows["grid_co2"].enable.isChecked() == ("grid_co2" not in expected.disabled)
    assert not st.modified
    for expected in history[1:]:
        window.redo_action.trigger()
        assert st.settings == expected


def _left_click(widget):
    from PySide6.QtCore import QPointF
    from PySide6.QtGui import QMouseEvent

    pos = QPointF(2, 2)
    return QMouseEvent(QMouseEvent.MouseButtonRelease, pos, widget.mapToGlobal(pos),
                       Qt.LeftButton, Qt.NoButton, Qt.NoModifier)


def test_data_sources_urls_can_be_copied_whole(qtbot, window):
    from PySide6.QtGui import QGuiApplication

    from siteselect.ui.dialogs import DataSourcesDialog

    dlg = DataSourcesDialog(window.planner.dataset, window)
    qtbot.addWidget(dlg)
    assert dlg.width() >= 900
    url_col = [dlg.table.horizontalHeaderItem(c).text()
               for c in range(dlg.table.columnCount())].index("URL")
    crit = window.planner.dataset.criteria[0]
    dlg.table.setCurrentCell(0, url_col)
    dlg.table.setFocus()
    text = dlg.copy_selection()
    assert text == crit.provenance.url
    assert QGuiApplication.clipboard().text() == crit.provenance.url
    assert dlg.table.textElideMode() == Qt.ElideMiddle


def test_gated_small_states_are_hatched_in_their_callouts_too(window):
    from dataclasses import replace

    from siteselect.scoring import parse_gate

    st = window.planner
    st.set_settings(replace(st.settings, gates=(parse_gate("energy_cost<=9"),)), "Gate")
    st.set_colour_by("energy_cost")
    canvas = window.map_canvas
    gated = {e.alternative for e in st.result.excluded}
    assert canvas.callouts  # the north-east callouts exist
    for code, swatch in canvas.callouts.items():
        assert swatch.hatched == (code in gated) == canvas.items[code].hatched
    assert any(swatch.hatched for swatch in canvas.callouts.values())


def test_points_axis_says_when_the_bars_are_not_a_sum(window):
    from dataclasses import replace

    st = window.planner
    axis = window.detail_panel.points_plot.getAxis("bottom")
    assert axis.labelText == "points of the score"
    st.set_settings(replace(st.settings, method="wpm"), "Method: weighted product")
    assert axis.labelText != "points of the score" and "points" in axis.labelText
    assert "not their sum" in window.detail_panel.plots.toolTip()


def test_a_slider_drag_builds_no_paths_and_projects_nothing(window, monkeypatch):
    """Only brushes change while a weight moves: no QPainterPath is built, nothing is
    projected (pyqtgraph's path builder and GeoPandas' projection are watched)."""
    import geopandas
    import pyqtgraph as pg

    calls = []
    real_path = pg.arrayToQPath
    monkeypatch.setattr(pg, "arrayToQPath", lambda *a, **k: calls.append("path") or
                        real_path(*a, **k))
    real_to_crs = geopandas.GeoDataFrame.to_crs
    monkeypatch.setattr(geopandas.GeoDataFrame, "to_crs",
                        lambda *a, **k: calls.append("to_crs") or real_to_crs(*a, **k))
    paths = {c: item.path() for c, item in window.map_canvas.items.items()}
    before = {c: item.brush().color().rgb() for c, item in window.map_canvas.items.items()}
    slider = window.weights_panel.rows["energy_cost"].slider
    slider.setSliderDown(True)
    for v in range(300, 900, 60):
        slider.setValue(v)
    slider.setSliderDown(False)
    assert calls == []
    assert all(window.map_canvas.items[c].path() == p for c, p in paths.items())
    after = {c: item.brush().color().rgb() for c, item in window.map_canvas.items.items()}
    assert after != before


def test_the_note_names_a_missing_figure_by_its_label(window):
    ds = window.planner.dataset
    model = window.ranking_table.model
    code = next(s for s in ds.states if ds.value(s, "power_capacity") is None)
    note = model.data(model.index(model.row_of(code), model.columnCount() - 1))
    assert note == "missing: " + ds.criterion("power_capacity").label


def test_status_bar_notes_name_criteria_by_label(window, monkeypatch):
    from PySide6.QtWidgets import QMessageBox

    ds = window.planner.dataset
    assert window.planner.result.warnings
    tip = window.warning_label.toolTip()
    assert ds.criterion("power_capacity").label in tip
    assert "power_capacity:" not in tip
    shown = []
    monkeypatch.setattr(QMessageBox, "exec", lambda self: shown.append(self.informativeText()))
    window.show_data_notes()
    assert shown and "power_capacity:" not in shown[0]
