"""File > Export... in the window: preview, export on the thread pool, cancel, errors."""

from __future__ import annotations

import csv
import json

import openpyxl
import pypdf
import pytest
from PySide6.QtWidgets import QMessageBox

from siteselect.exports.common import ExportCancelled
from siteselect.model.settings import ScoringSettings
from siteselect.ui import export_dialog as ed


@pytest.fixture
def export_dir(tmp_path, monkeypatch):
    folder = tmp_path / "exports"
    folder.mkdir()
    monkeypatch.setenv(ed.EXPORT_DIR_ENV, str(folder))
    return folder


@pytest.fixture
def dialog(qtbot, window, export_dir):
    window.export_action.trigger()
    dlg = window.export_dialog
    assert dlg is not None and dlg.isVisible()
    yield dlg
    dlg._preview_timer.stop()
    dlg.wait_for_jobs()
    qtbot.wait_until(lambda: dlg._job is None, timeout=10000)
    box = getattr(dlg, "error_box", None)
    if box is not None and box.isVisible():
        box.close()
    dlg.close()  # no dialog may stay on screen over the next test's window
    dlg.deleteLater()


def run_export(qtbot, dlg, path, fmt, top=10):
    dlg.set_format(fmt)
    dlg.top_spin.setValue(top)
    dlg.path_edit.setText(str(path))
    with qtbot.waitSignal(dlg.export_finished, timeout=60000) as blocker:
        dlg.export_button.click()
    return blocker.args[0]


def test_menu_action_and_shortcut(window, export_dir):
    act = window.export_action
    assert act in window.file_menu.actions()
    file_actions = window.file_menu.actions()
    assert file_actions.index(act) < file_actions.index(window.quit_action)
    shortcuts = [a.shortcut().toString() for a in window.findChildren(type(act))
                 if a.shortcut().toString()]
    assert act.shortcut().toString() in ("Ctrl+E", "Ctrl+Shift+E")
    assert shortcuts.count(act.shortcut().toString()) == 1  # never an ambiguous shortcut


def test_preview_follows_the_choices(qtbot, dialog):
    dialog.set_format("csv")
    with qtbot.waitSignal(dialog.preview_updated, timeout=30000) as blocker:
        dialog.top_spin.setValue(3)
    text = blocker.args[0]
    first = dialog.planner.result.alternatives[0]
    assert "CSV table: 3 rows" in text and f"\n1,{first}," in text
    with qtbot.waitSignal(dialog.preview_updated, timeout=30000) as blocker:
        dialog.set_format("pdf")
    assert "PDF decision record, Letter," in blocker.args[0] and "pages" in blocker.args[0]
    assert dialog.paper_box.isEnabled()
    assert dialog.path_edit.text().endswith(".pdf")
    with qtbot.waitSignal(dialog.preview_updated, timeout=30000) as blocker:
        dialog.set_format("gpkg")
    assert "GeoPackage" in blocker.args[0] and not dialog.paper_box.isEnabled()


def test_export_is_what_the_window_shows(qtbot, window, dialog, export_dir):
    # the planner changes a weight in the window; the export follows it
    planner = window.planner
    planner.set_settings(planner.settings.with_weight("talent", 80.0), "Talent up")
    out = run_export(qtbot, dialog, export_dir / "shown.csv", "csv", top=0)
    assert "Wrote" in dialog.status.text() and dialog.progress_bar.value() == 100
    with open(out, newline="", encoding="utf-8-sig") as fh:
        rows = list(csv.DictReader(fh))
    r = planner.result
    assert [row["state"] for row in rows] == list(r.alternatives)
    for row, score in zip(rows, r.scores, strict=True):
        assert float(row["score"]) == pytest.approx(float(score), abs=1e-6)
    meta = json.loads((export_dir / "shown.meta.json").read_text(encoding="utf-8"))
    assert meta["weights"] == pytest.approx(r.weights)


def test_scenario_name_goes_into_the_export(qtbot, window, dialog, export_dir):
    window.planner.load_document(ScoringSettings(method="topsis"), '=HYPERLINK("x")')
    out = run_export(qtbot, dialog, export_dir / "named.xlsx", "xlsx", top=5)
    wb = openpyxl.load_workbook(out)
    meth = {wb["Method"][f"A{i}"].value: wb["Method"][f"B{i}"]
            for i in range(2, wb["Method"].max_row + 1)}
    assert meth["Scenario"].data_type == "s"
    assert meth["Scenario"].value == "'=HYPERLINK(\"x\")"
    assert meth["Method"].value.startswith("TOPSIS")
    cached = openpyxl.load_workbook(out, data_only=True)["Ranking"]
    r = window.planner.result
    assert [cached[f"B{2 + i}"].value for i in range(5)] == list(r.alternatives[:5])


def test_pdf_with_paper_size(qtbot, dialog, export_dir):
    dialog.set_format("pdf")
    dialog.paper_box.setCurrentIndex(dialog.paper_box.findData("a4"))
    out = run_export(qtbot, dialog, export_dir / "board.pdf", "pdf")
    page = pypdf.PdfReader(out).pages[0]
    assert round(float(page.mediabox.width)) == 595


def test_cancel_keeps_the_existing_file(qtbot, dialog, export_dir, monkeypatch):
    target = export_dir / "keep.pdf"
    target.write_bytes(b"last week's report")
    monkeypatch.setattr(QMessageBox, "question",
                        lambda *a, **k: QMessageBox.StandardButton.Yes)
    # the job cancels itself from inside the export (as a Cancel click during the run would)
    real_export = ed.export

    def export_then_cancel(req, fmt, path, progress, is_cancelled):
        def progress_and_cancel(fraction, message):
            progress(fraction, message)
            if fraction >= 0.5:
                dialog._job.cancel()
        return real_export(req, fmt, path, progress_and_cancel, is_cancelled)

    monkeypatch.setattr(ed, "export", export_then_cancel)
    dialog.set_format("pdf")
    dialog.path_edit.setText(str(target))
    with qtbot.waitSignal(dialog.export_cancelled, timeout=60000):
        dialog.export_button.click()
    assert target.read_bytes() == b"last week's report"
    assert [p.name for p in export_dir.iterdir()] == ["keep.pdf"]
    assert "Cancelled" in dialog.status.text()
    assert dialog.export_button.isEnabled() and not dialog.cancel_button.isEnabled()


def test_cancel_button(qtbot, dialog, export_dir, monkeypatch):
    started = []

    def slow_export(req, fmt, path, progress, is_cancelled):
        started.append(True)
        # wait (without sleeping) until the Cancel button has been clicked
        while not is_cancelled():
            pass
        raise ExportCancelled("The export was cancelled; no file was written.")

    monkeypatch.setattr(ed, "export", slow_export)
    dialog.path_edit.setText(str(export_dir / "x.csv"))
    dialog.set_format("csv")
    dialog.export_button.click()
    assert dialog.cancel_button.isEnabled() and not dialog.export_button.isEnabled()
    qtbot.waitUntil(lambda: bool(started), timeout=10000)
    with qtbot.waitSignal(dialog.export_cancelled, timeout=10000):
        dialog.cancel_button.click()
    assert list(export_dir.iterdir()) == []


def test_unwritable_path_shows_an_error(qtbot, dialog, export_dir):
    blocker_file = export_dir / "a-file"
    blocker_file.write_text("x")
    dialog.set_format("csv")
    dialog.path_edit.setText(str(blocker_file / "out.csv"))
    with qtbot.waitSignal(dialog.export_failed, timeout=30000) as blocker:
        dialog.export_button.click()
    assert "a-file" in str(blocker.args[0])
    box = dialog.error_box
    assert box.isVisible() and "a-file" in box.text()
    box.close()
    assert "Export failed" in dialog.status.text()
    assert dialog.export_button.isEnabled()


def test_modified_scenario_keeps_its_name_and_says_so(qtbot, window, dialog, export_dir):
    planner = window.planner
    planner.load_document(ScoringSettings(), "Power first")
    planner.set_settings(planner.settings.with_weight("energy_cost", 60.0), "Energy up")
    assert planner.modified
    run_export(qtbot, dialog, export_dir / "m.csv", "csv", top=3)
    meta = json.loads((export_dir / "m.meta.json").read_text(encoding="utf-8"))
    assert meta["scenario"] == "Power first"
    assert "unsaved changes" in meta["description"]
    assert meta["weights"] == pytest.approx(planner.result.weights)


def test_closing_the_window_cancels_a_running_export(qtbot, window, dialog, export_dir,
                                                     monkeypatch):
    started = []

    def waiting_export(req, fmt, path, progress, is_cancelled):
        started.append(True)
        while not is_cancelled():
            pass
        raise ExportCancelled("The export was cancelled; no file was written.")

    monkeypatch.setattr(ed, "export", waiting_export)
    dialog.path_edit.setText(str(export_dir / "late.csv"))
    dialog.set_format("csv")
    dialog.export_button.click()
    qtbot.waitUntil(lambda: bool(started), timeout=10000)
    assert window.may_close()
    assert dialog._job is None or dialog._job.is_cancelled
    assert list(export_dir.iterdir()) == []


@pytest.mark.parametrize("fmt", ["png", "svg", "gpkg"])
def test_map_and_gis_formats_from_the_pool(qtbot, dialog, export_dir, fmt):
    """Painting with QtGui and writing with GDAL both work on the worker thread."""
    out = run_export(qtbot, dialog, export_dir / f"map.{fmt}", fmt)
    assert out.stat().st_size > 1000
    if fmt == "png":
        from PySide6.QtGui import QImage

        img = QImage(str(out))
        assert (img.width(), img.height()) == (1600, 1050)


def test_image_size_is_chosen_in_the_dialog(qtbot, dialog, export_dir):
    from PySide6.QtGui import QImage

    dialog.set_format("csv")
    assert not dialog.width_spin.isEnabled() and not dialog.height_spin.isEnabled()
    dialog.set_format("png")
    assert dialog.width_spin.isEnabled() and dialog.height_spin.isEnabled()
    with qtbot.waitSignal(dialog.preview_updated, timeout=30000) as blocker:
        dialog.width_spin.setValue(900)
        dialog.height_spin.setValue(600)
    assert "PNG map, 900 x 600" in blocker.args[0]
    out = run_export(qtbot, dialog, export_dir / "small.png", "png")
    img = QImage(str(out))
    assert (img.width(), img.height()) == (900, 600)
    out = run_export(qtbot, dialog, export_dir / "small.svg", "svg")
    assert 'viewBox="0 0 900 600"' in out.read_text(encoding="utf-8")[:600]


def test_a_preview_for_old_choices_is_not_shown(qtbot, dialog):
    """A preview that finishes after the choices changed never replaces the newer one."""
    dialog.set_format("csv")
    dialog.top_spin.setValue(4)
    dialog._preview_timer.stop()
    dialog.refresh_preview()  # a preview for top 4 is now being computed
    old = dialog._preview_job
    shown = []
    dialog.preview_updated.connect(shown.append)
    dialog.top_spin.setValue(2)  # the planner changes the choice before it arrives
    qtbot.waitUntil(lambda: bool(shown), timeout=30000)
    assert old.is_cancelled
    assert all("CSV table: 2 rows" in text for text in shown), shown


def _close(qtbot, dlg):
    dlg._preview_timer.stop()
    dlg.wait_for_jobs()
    qtbot.wait_until(lambda: dlg._job is None, timeout=10000)
    dlg.close()


def test_first_export_proposes_a_folder_that_exists(qtbot, window, monkeypatch, tmp_path):
    """A fresh account has no Documents folder: home is proposed, and the export works."""
    from pathlib import Path

    monkeypatch.delenv(ed.EXPORT_DIR_ENV, raising=False)
    home = Path.home()
    assert not (home / "Documents").exists()
    window.export_action.trigger()
    dlg = window.export_dialog
    proposed = Path(dlg.path_edit.text())
    assert proposed.parent == home
    dlg.set_format("csv")
    with qtbot.waitSignal(dlg.export_finished, timeout=60000) as blocker:
        dlg.export_button.click()
    assert Path(blocker.args[0]).parent == home and Path(blocker.args[0]).is_file()
    _close(qtbot, dlg)
    # Documents, once it exists, is preferred to home for a new proposal...
    window.export_dialog = None
    (home / "Documents").mkdir()
    (home / "settings" / "siteselect.ini").unlink(missing_ok=True)
    assert ed.default_folder() == home / "Documents"
    # ...but the folder of the last export is remembered in the window's settings file
    elsewhere = tmp_path / "board-pack"
    elsewhere.mkdir()
    window.export_action.trigger()
    dlg = window.export_dialog
    dlg.path_edit.setText(str(elsewhere / "pack.csv"))
    with qtbot.waitSignal(dlg.export_finished, timeout=60000):
        dlg.export_button.click()
    _close(qtbot, dlg)
    assert "board-pack" in (home / "settings" / "siteselect.ini").read_text()
    window.export_dialog = None
    window.export_action.trigger()
    assert Path(window.export_dialog.path_edit.text()).parent == elsewhere
    _close(qtbot, window.export_dialog)


def test_reopening_shows_no_stale_result(qtbot, window, dialog, export_dir):
    run_export(qtbot, dialog, export_dir / "gui.csv", "csv")
    assert dialog.progress_bar.value() == 100 and "gui.csv" in dialog.status.text()
    dialog.close()
    window.export_action.trigger()
    assert window.export_dialog is dialog
    assert dialog.progress_bar.value() == 0 and dialog.status.text() == ""


def test_nothing_to_export_is_said_before_asking_to_replace(qtbot, window, dialog, export_dir,
                                                             monkeypatch):
    target = export_dir / "old.csv"
    target.write_text("keep")
    asked = []
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: asked.append(a) or
                        QMessageBox.StandardButton.No)
    s = window.planner.settings
    window.planner.set_settings(ScoringSettings(weights={c: 0.0 for c in s.weights}),
                              "Clear weights")
    assert window.planner.error
    dialog.set_format("csv")
    dialog.path_edit.setText(str(target))
    # Export is not offered, and says why.
    assert not dialog.export_button.isEnabled()
    assert "nothing to export" in dialog.export_button.toolTip()
    with qtbot.waitSignal(dialog.export_failed, timeout=10000) as blocker:
        dialog.start_export()  # e.g. a key press that reaches it anyway
    assert "nothing to export" in str(blocker.args[0])
    assert asked == []
    assert target.read_text() == "keep"
    # Scorable again: Export comes back.
    window.undo_action.trigger()
    assert window.planner.error is None
    assert dialog.export_button.isEnabled()


def test_export_needs_a_file_name(dialog):
    dialog.path_edit.setText("   ")
    assert not dialog.export_button.isEnabled()
    assert dialog.export_button.toolTip() == "Choose a file to write."
    dialog.path_edit.setText("x.csv")
    assert dialog.export_button.isEnabled()


def test_a_new_format_clears_the_last_exports_result(qtbot, dialog, export_dir):
    run_export(qtbot, dialog, export_dir / "done.csv", "csv")
    assert dialog.progress_bar.value() == 100 and "Wrote" in dialog.status.text()
    dialog.set_format("pdf")
    assert dialog.progress_bar.value() == 0
    assert "Wrote" not in dialog.status.text()
    run_export(qtbot, dialog, export_dir / "done2.csv", "csv")
    dialog.top_spin.setValue(dialog.top_spin.value() + 1)
    assert dialog.progress_bar.value() == 0 and dialog.status.text() == ""
