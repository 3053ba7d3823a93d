"""Window size, position and dock layout come back on the next start (in fresh processes).

The offscreen platform's default screen (800x600) is smaller than the window, so Qt would
clamp a restored geometry; these runs give the offscreen platform a 1920x1200 screen.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

FIRST = """
from siteselect.ui.app import application, build_window
app = application()
w = build_window()
w.show()
app.processEvents()
w.setGeometry(130, 90, 1432, 861)
app.processEvents()
w.resizeDocks([w.weights_dock], [401], __import__("PySide6.QtCore").QtCore.Qt.Horizontal)
w.detail_dock.hide()
w.ranking_dock.setFloating(True)
app.processEvents()
print(w.geometry().getRect(), w.weights_dock.width())
w.close()
"""

SECOND = """
import json
from siteselect.ui.app import application, build_window
app = application()
w = build_window()
w.show()
app.processEvents()
print(json.dumps({"geometry": list(w.geometry().getRect()),
                  "weights": w.weights_dock.width(),
                  "detail": w.detail_dock.isVisible(),
                  "ranking_floating": w.ranking_dock.isFloating(),
                  "ranking": w.ranking_dock.isVisible()}))
"""


def _run(script: str, env: dict) -> str:
    done = subprocess.run([sys.executable, "-c", script], env=env, cwd=ROOT,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip().splitlines()[-1]


def test_geometry_and_docks_restored_on_a_large_screen(tmp_path):
    screens = tmp_path / "screens.json"
    screens.write_text(json.dumps({"screens": [{
        "name": "Big", "x": 0, "y": 0, "width": 1920, "height": 1200,
        "logicalDpi": 96, "logicalBaseDpi": 96, "dpr": 1}]}))
    env = dict(os.environ, QT_QPA_PLATFORM=f"offscreen:configfile={screens}",
               SITESELECT_SETTINGS_DIR=str(tmp_path / "settings"),
               XDG_CACHE_HOME=str(tmp_path / "cache"))
    first = _run(FIRST, env)
    second = json.loads(_run(SECOND, env))
    assert second["geometry"] == [130, 90, 1432, 861], first
    assert abs(second["weights"] - 401) <= 2
    assert second["detail"] is False
    assert second["ranking"] is True and second["ranking_floating"] is True
