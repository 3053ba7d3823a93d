"""QApplication set-up and the window's entry point.

:func:`run` creates the application, installs the exception hooks, loads the dataset and
shows the main window on the default weighting (or on the settings given).  A data problem
found at start-up is shown in an error dialog and gives exit status 2.
"""

from __future__ import annotations

import logging
import os
import sys
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QEvent, QtMsgType, qInstallMessageHandler
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication

from siteselect.errors import SiteSelectError
from siteselect.model.settings import ScoringSettings

log = logging.getLogger(__name__)

ASSETS = Path(__file__).resolve().parents[1] / "_shipped" / "assets"  # in an installed wheel
if not ASSETS.is_dir():
    ASSETS = Path(__file__).resolve().parents[2] / "assets"  # in a source checkout


def ensure_platform() -> None:
    """Use Qt's offscreen platform when there is no display (e.g. a server, CI)."""
    if sys.platform.startswith("linux") and not (os.environ.get("DISPLAY")
                                                  or os.environ.get("WAYLAND_DISPLAY")):
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


#: Qt messages that say nothing a planner or developer can act on.
_QUIET_QT_MESSAGES = ("propagateSizeHints",)


def _qt_message(kind: QtMsgType, _context, message: str) -> None:
    if any(q in message for q in _QUIET_QT_MESSAGES):
        return
    level = {QtMsgType.QtDebugMsg: logging.DEBUG, QtMsgType.QtInfoMsg: logging.INFO,
             QtMsgType.QtWarningMsg: logging.WARNING}.get(kind, logging.ERROR)
    logging.getLogger("qt").log(level, "%s", message)


def application(argv: list[str] | None = None) -> QApplication:
    """The QApplication (created once) with the app's names, icon and style sheet."""
    app = QApplication.instance()
    if app is None:
        ensure_platform()
        qInstallMessageHandler(_qt_message)
        app = QApplication(argv if argv is not None else [sys.argv[0]])
    app.setApplicationName("SiteSelect")
    app.setOrganizationName("SiteSelect")
    app.setApplicationDisplayName("SiteSelect")
    icon = ASSETS / "siteselect.svg"
    if icon.exists():
        app.setWindowIcon(QIcon(str(icon)))
    qss = ASSETS / "siteselect.qss"
    if qss.exists() and not app.styleSheet():
        app.setStyleSheet(qss.read_text(encoding="utf-8"))
    return app


def build_window(settings: ScoringSettings | None = None, *, restore_settings: bool = True,
                 tables: tuple[list, tuple] | None = None):
    """Load the dataset and build (not show) the main window.

    ``tables``: (planner's tables, their refs) to score with, kept when the database opens
    (a snapshot of a saved scenario); by default the database's current tables are used.
    """
    from siteselect.analysis import dataset_for
    from siteselect.ui.main_window import MainWindow
    from siteselect.ui.planner import Planner

    ds = dataset_for(settings or ScoringSettings(), tables[0] if tables else ())
    planner = Planner(ds, settings)
    if tables:
        planner.set_tables(tables[0], tables[1], fixed=True)
    return MainWindow(planner, restore_settings=restore_settings)


def run(settings: ScoringSettings | None = None) -> int:
    """Open the window and run the event loop; returns the exit status."""
    from siteselect.ui.dialogs import show_error
    from siteselect.ui.errors import install_exception_hooks

    app = application()
    install_exception_hooks()
    try:
        window = build_window(settings)
    except SiteSelectError as exc:
        log.error("%s", exc.message)
        show_error(None, exc)
        return 2
    window.show()
    status = app.exec()
    # Closing the last window posts a Quit event that can outlive the loop; handled later it
    # would make every following event loop of this application return at once.
    QCoreApplication.removePostedEvents(app, QEvent.Type.Quit)
    return status
