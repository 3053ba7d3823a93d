"""Desktop conventions: menus, title, settings persistence, dialogs, error hooks, extensions."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QMenu, QMessageBox

from siteselect.errors import DataError
from siteselect.ui import extensions
from siteselect.ui.dialogs import DataSourcesDialog, error_box
from siteselect.ui.main_window import MainWindow
from siteselect.ui.planner import Planner


def test_menus_and_shortcuts(window):
    titles = [a.text() for a in window.menuBar().actions()]
    core = ["&File", "&Edit", "&View", "&Help"]
    assert [t for t in titles if t in core] == core  # extensions add menus before Help
    assert window.undo_action.shortcut() == QKeySequence.keyBindings(QKeySequence.Undo)[0] \
        or window.undo_action.shortcut() == QKeySequence("Ctrl+Z")
    assert QKeySequence("Ctrl+Shift+Z") in window.redo_action.shortcuts()
    assert not window.quit_action.shortcut().isEmpty()
    assert window.reset_view_action.shortcut() == QKeySequence("Ctrl+0")
    assert window.equal_action.shortcut().isEmpty()  # Ctrl+E is Export's
    for action in (window.undo_action, window.equal_action, window.reset_view_action,
                   window.sources_action):
        assert action.text()
    # Every control in the weights panel explains itself.
    for row in window.weights_panel.rows.values():
        assert row.enable.toolTip() and row.slider.toolTip() and row.direction.toolTip()


def test_geometry_and_dock_layout_are_restored(qtbot, planner_state, dataset, tmp_path,
                                               monkeypatch):
    settings_dir = tmp_path / "settings"
    monkeypatch.setenv("SITESELECT_SETTINGS_DIR", str(settings_dir))
    first = MainWindow(planner_state)
    qtbot.addWidget(first)
    first.show()
    qtbot.waitExposed(first)
    first.resize(1234, 777)
    assert first.size().height() == 777
    first.detail_dock.hide()
    planner_state.set_colour_by("talent")
    first.ranking_table.top_spin.setValue(5)
    assert first.close()
    assert (settings_dir / "siteselect.ini").exists()

    second = MainWindow(Planner(dataset))
    qtbot.addWidget(second)
    second.show()
    qtbot.waitExposed(second)
    # The offscreen screen is 800 px wide, narrower than the window's minimum width, so Qt
    # clamps the restored width; the height fits and comes back (within the frame margins).
    assert abs(second.size().height() - 777) <= 8
    assert second.size().height() != 900
    assert not second.detail_dock.isVisible()
    assert second.ranking_dock.isVisible()
    assert second.planner.colour_by == "talent"
    assert second.ranking_table.top_spin.value() == 5
    second.reset_layout_action.trigger()
    assert second.detail_dock.isVisible()


def test_settings_never_written_to_the_home_folder(window):
    window.close()
    home = Path.home()
    assert (home / "settings" / "siteselect.ini").exists()  # SITESELECT_SETTINGS_DIR
    assert not (home / ".config" / "SiteSelect").exists()


def test_close_guards_can_cancel_closing(qtbot, window):
    asked = []

    def guard() -> bool:
        asked.append(True)
        return len(asked) > 1

    window.add_close_guard(guard)
    assert not window.close()
    assert window.isVisible()
    assert window.close()
    assert len(asked) == 2


def test_extension_installers_run_and_use_the_hooks(qtbot, planner_state):
    seen = []

    def install(win) -> None:
        menu = QMenu("&Extension", win)
        win.menuBar().insertMenu(win.help_menu.menuAction(), menu)
        win.scenario_menu = menu
        act = menu.addAction("Export...")
        win.file_menu.insertAction(win.file_export_anchor, act)
        seen.append(win)

    extensions.register(install)
    try:
        win = MainWindow(planner_state, restore_settings=False)
        qtbot.addWidget(win)
    finally:
        extensions._installers.remove(install)
    assert seen == [win]
    titles = [a.text() for a in win.menuBar().actions()]
    assert titles.index("&Extension") == titles.index("&Help") - 1
    file_texts = [a.text() for a in win.file_menu.actions()]
    assert file_texts.index("Export...") < file_texts.index("&Quit")
    planner_state.load_document(planner_state.settings, "Board draft")
    assert win.windowTitle() == "Board draft \u2014 SiteSelect"
    win.weights_panel.rows["talent"].spin.setValue(50.0)
    assert win.windowTitle() == "Board draft* \u2014 SiteSelect"
    planner_state.mark_saved()
    assert win.windowTitle() == "Board draft \u2014 SiteSelect"


def test_data_sources_dialog_lists_every_criterion(qtbot, dataset):
    dlg = DataSourcesDialog(dataset)
    qtbot.addWidget(dlg)
    t = dlg.table
    assert t.rowCount() == len(dataset.criteria)
    headers = [t.horizontalHeaderItem(c).text() for c in range(t.columnCount())]
    for r, crit in enumerate(dataset.criteria):
        row = dict(zip(headers, (t.item(r, c).text() for c in range(t.columnCount())),
                       strict=True))
        assert row["Id"] == crit.id
        assert row["Source"] == crit.provenance.source and row["Source"]
        assert row["Year"] == crit.provenance.year and row["Year"]
        assert row["URL"] == crit.provenance.url
        assert row["Status"] == crit.provenance.status


def test_error_dialog_shows_the_message_and_folds_the_detail(qtbot):
    box = error_box(None, DataError("data/x.csv, line 3: not a number.", detail="raw row"))
    qtbot.addWidget(box)
    assert box.text() == "data/x.csv, line 3: not a number."
    assert box.detailedText() == "raw row"
    try:
        raise RuntimeError("boom")
    except RuntimeError as exc:
        box = error_box(None, exc)
    qtbot.addWidget(box)
    assert "unexpected" in box.text()
    assert "Traceback" in box.detailedText() and "boom" in box.detailedText()


def test_exception_hook_logs_and_shows_unexpected_errors(qtbot, monkeypatch, caplog):
    from siteselect.ui import errors

    shown = []
    monkeypatch.setattr(QMessageBox, "exec", lambda self: shown.append(self.detailedText()))
    errors.install_exception_hooks()
    try:
        assert sys.excepthook is errors.handle_exception
        try:
            raise ValueError("unexpected thing")
        except ValueError:
            sys.excepthook(*sys.exc_info())
        qtbot.waitUntil(lambda: len(shown) == 1)
        assert "unexpected thing" in shown[0]
        assert "unexpected thing" in caplog.text

        import threading

        t = threading.Thread(target=lambda: 1 / 0)
        t.start()
        t.join()
        qtbot.waitUntil(lambda: len(shown) == 2)
        assert "ZeroDivisionError" in shown[1]
    finally:
        errors.uninstall_exception_hooks()
    assert sys.excepthook is not errors.handle_exception


def test_about_text_names_the_dataset(dataset):
    from siteselect.ui.dialogs import about_text

    text = about_text(dataset)
    assert dataset.version in text and "EPSG:5070" in text


@pytest.mark.parametrize("key", ["score", "tax_incentives", "energy_cost"])
def test_legend_is_the_right_way_up(qtbot, window, key):
    window.planner.set_colour_by(key)
    image = window.legend.grab().toImage()
    x = 12 + window.legend.BAR_W // 2  # the middle of the colour bar
    shades = []
    for y in range(image.height()):
        c = image.pixelColor(x, y)
        if c.saturation() > 60:  # a colour of the map's scale, not text or background
            shades.append((y, c.lightness()))
    assert len(shades) > 50
    # The best (dark) end is at the top, the worst (light, yellow) end at the bottom.
    top = [lum for _, lum in shades[:10]]
    bottom = [lum for _, lum in shades[-10:]]
    assert max(top) < min(bottom)
    scale = window.map_canvas.scale
    assert scale.best_text.startswith("Best") and scale.worst_text.startswith("Worst")


def test_status_bar_data_notes_open_a_list(window, monkeypatch):
    shown = []
    monkeypatch.setattr(QMessageBox, "exec", lambda self: shown.append(self.informativeText()))
    notes = window.planner.result.warnings
    assert notes and f"{len(notes)} data notes" in window.warning_label.text()
    window.warning_label.linkActivated.emit("notes")
    # Every note is listed, its criterion named by label (the rest of the text as is).
    assert shown and all(n.partition(": ")[2] in shown[0] for n in notes)
