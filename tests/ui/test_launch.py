"""``siteselect`` with no command opens the window; a data problem at start-up is reported."""

from __future__ import annotations

import sys

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

from siteselect.cli import main
from siteselect.ui import errors
from siteselect.ui.main_window import MainWindow


def _close_windows_soon(seen: list) -> None:
    def close() -> None:
        for w in QApplication.topLevelWidgets():
            if isinstance(w, MainWindow) and w.isVisible():
                seen.append((w.windowTitle(), len(w.planner.result)))
                w.close()
        QApplication.instance().quit()

    QTimer.singleShot(300, close)


def test_no_command_opens_the_window_on_the_default_weighting(qapp):
    seen: list = []
    _close_windows_soon(seen)
    try:
        assert main([]) == 0
    finally:
        errors.uninstall_exception_hooks()
    assert seen == [("Untitled \u2014 SiteSelect", 51)]
    assert sys.excepthook is not errors.handle_exception


def test_a_data_problem_at_start_up_is_shown_and_gives_status_2(qapp, tmp_path, monkeypatch):
    monkeypatch.setenv("SITESELECT_DATA_DIR", str(tmp_path))  # no data files there
    shown: list = []
    monkeypatch.setattr(QMessageBox, "exec", lambda self: shown.append(self.text()))
    try:
        assert main([]) == 2
    finally:
        errors.uninstall_exception_hooks()
    assert len(shown) == 1 and str(tmp_path) in shown[0]
