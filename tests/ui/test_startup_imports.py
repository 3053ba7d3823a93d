"""The first paint loads only what it shows: exporters and analysis panels load when used."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from siteselect.model.dataset import PACKAGE_ROOT

SCRIPT = """
import json, sys
from siteselect.ui.app import application, build_window
app = application()
window = build_window(restore_settings=False)
window.show()
app.processEvents()
window.map_canvas.view.viewport().repaint()
print(json.dumps(sorted(sys.modules)))
"""

#: Modules the first paint must not wait for.
DEFERRED = (
    "siteselect.ui.export_dialog", "siteselect.exports.images", "siteselect.exports.pdf",
    "siteselect.exports.xlsx", "siteselect.ui.sensitivity.panel",
    "siteselect.ui.sensitivity.weights_dialogs", "xml.sax.saxutils", "urllib.request",
    "openpyxl", "reportlab", "geopandas", "sqlite_utils",
)


def test_the_first_paint_does_not_import_exporters_or_analysis_panels(tmp_path):
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", XDG_CACHE_HOME=str(tmp_path))
    proc = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True,
                          env=env, cwd=PACKAGE_ROOT, timeout=120, check=True)
    loaded = set(json.loads(proc.stdout.strip().splitlines()[-1]))
    assert "siteselect.ui.main_window" in loaded and "siteselect.ui.export_menu" in loaded
    assert sorted(m for m in DEFERRED if m in loaded) == []


def test_a_sensitivity_run_does_not_load_the_export_dialog(tmp_path):
    script = SCRIPT.replace(
        "print(json.dumps(sorted(sys.modules)))",
        "window.sensitivity_run_action.trigger()\n"
        "window.sensitivity_panel.cancel()\n"
        "print(json.dumps(sorted(sys.modules)))")
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", XDG_CACHE_HOME=str(tmp_path))
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          env=env, cwd=PACKAGE_ROOT, timeout=120, check=True)
    loaded = set(json.loads(proc.stdout.strip().splitlines()[-1]))
    assert "siteselect.ui.sensitivity.panel" in loaded and "siteselect.ui.jobs" in loaded
    assert "siteselect.ui.export_dialog" not in loaded and "siteselect.exports.pdf" not in loaded
