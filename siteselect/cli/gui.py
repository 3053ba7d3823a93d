"""Opening the window: ``siteselect`` with no command (Qt is imported only here, lazily)."""

from __future__ import annotations

import argparse
import os
import sys


def register(sub: argparse._SubParsersAction) -> None:
    """No sub-command: the window opens when ``siteselect`` runs without a command."""


def open_window(args: argparse.Namespace) -> int:
    """Open the planner's window on the default weighting; returns the exit status."""
    db = getattr(args, "window_db", None)
    if db is not None and not db.strip():
        sys.stderr.write("siteselect: error: --db was given an empty path; name the scenario "
                         "database file, or leave --db out to use the default one.\n")
        return 2
    if db:
        # The window's scenario database: --db wins over SITESELECT_DB and the per-user file.
        os.environ["SITESELECT_DB"] = db
    if sys.platform.startswith("linux") and not any(
        os.environ.get(v) for v in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")
    ):
        # Without a screen the window would run invisibly until killed.
        sys.stderr.write("siteselect: error: no display to open the window on (DISPLAY is not "
                         "set); `siteselect snapshot OUT.png` renders it to a file and the "
                         "headless commands work (see siteselect --help).\n")
        return 2
    try:
        from siteselect.ui.app import run
    except ImportError as exc:  # e.g. PySide6 missing on a headless install
        sys.stderr.write(f"siteselect: error: the window needs PySide6 and pyqtgraph ({exc}); "
                         "headless commands still work (see siteselect --help).\n")
        return 2
    return run()
