"""File > Export...: the menu entry, installed with the window; the dialog loads when used.

The dialog module brings the exporters (and through them XML, HTTP and e-mail helpers of the
standard library) that nothing on the first paint needs, so it is imported the first time a
planner exports, not at start-up.
"""

from __future__ import annotations

import sys
from typing import Any

from PySide6.QtGui import QAction, QKeySequence

EXPORT_SHORTCUT = "Ctrl+E"
FALLBACK_SHORTCUT = "Ctrl+Shift+E"
DIALOG_MODULE = "siteselect.ui.export_dialog"


def _shortcut_free(window: Any, seq: QKeySequence) -> bool:
    taken = {s.toString() for act in window.findChildren(QAction) for s in act.shortcuts()}
    return seq.toString() not in taken


def open_export_dialog(window: Any) -> Any:
    from siteselect.ui.export_dialog import open_export_dialog as open_dialog

    return open_dialog(window)


def install(window: Any) -> None:
    """Add File > Export... (Ctrl+E, or Ctrl+Shift+E where Ctrl+E is taken)."""
    act = QAction("&Export...", window)
    act.setStatusTip("Export the ranking as CSV, Excel, GeoJSON, GeoPackage, PDF, PNG or SVG")
    seq = QKeySequence(EXPORT_SHORTCUT)
    if not _shortcut_free(window, seq):
        seq = QKeySequence(FALLBACK_SHORTCUT)
    act.setShortcut(seq)
    act.triggered.connect(lambda: open_export_dialog(window))
    anchor = getattr(window, "file_export_anchor", None)
    if anchor is not None:
        window.file_menu.insertAction(anchor, act)
    else:
        window.file_menu.addAction(act)
    window.export_action = act
    window.export_dialog = None

    def stop_running_export() -> bool:
        """On close: cancel a running export (nothing half-written) and let the pool finish."""
        module = sys.modules.get(DIALOG_MODULE)
        dlg = getattr(window, "export_dialog", None)
        if module is not None and isinstance(dlg, module.ExportDialog) and dlg._job is not None:
            dlg.cancel_export()
            dlg.wait_for_jobs(15000)
        return True

    add_guard = getattr(window, "add_close_guard", None)
    if callable(add_guard):
        add_guard(stop_running_export)
