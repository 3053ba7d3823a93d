"""The map stays readable in a small window: leader-line callouts keep a text line apart and
inside the map, the legend keeps every row, and zoomed in the callouts make way."""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF
from PySide6.QtWidgets import QApplication

from siteselect.ui.map_canvas import TOP_OUTLINE


def settle(qtbot, window, width: int, height: int) -> None:
    window.resize(width, height)
    for _ in range(3):
        QApplication.processEvents()
    qtbot.waitUntil(lambda: window.width() == max(width, window.minimumSizeHint().width()))


def label_rects(canvas) -> dict[str, QRectF]:
    """Where each visible label is drawn, in viewport pixels."""
    layer = canvas.label_layer
    out = {}
    for name, (anchor, _static, (dx, dy), _colour, visible) in layer.labels.items():
        if not visible:
            continue
        p = canvas.view.mapFromScene(canvas.viewbox.mapViewToScene(anchor))
        w, h = layer.text_size(name)
        out[name] = QRectF(p.x() + dx, p.y() + dy, w, h)
    return out


def assert_callouts_readable(canvas) -> None:
    rects = {k: r for k, r in label_rects(canvas).items() if k.startswith("callout:")}
    assert rects, "no callouts shown"
    viewport = QRectF(canvas.view.viewport().rect())
    for name, r in rects.items():
        assert viewport.contains(r), (name, r, viewport)
    ordered = sorted(rects.values(), key=lambda r: r.top())
    for a, b in zip(ordered, ordered[1:], strict=False):
        assert b.top() >= a.bottom() - 1, (a, b)  # no two callout codes on top of each other
    for code, swatch in canvas.callouts.items():
        if not swatch.isVisible():
            continue
        box = canvas.view.mapFromScene(canvas.viewbox.mapViewToScene(swatch.rect().center()))
        assert viewport.contains(QPointF(box)), code


def test_callouts_do_not_stack_at_the_minimum_window_size(qtbot, window):
    hint = window.minimumSizeHint().expandedTo(window.minimumSize())
    settle(qtbot, window, hint.width(), hint.height())
    canvas = window.map_canvas
    assert canvas.width() <= 400  # really the smallest map the window allows
    canvas.reset_view()
    assert_callouts_readable(canvas)
    shown = [c for c, s in canvas.callouts.items() if s.isVisible()]
    assert {"RI", "DE", "DC", "CT"} <= set(shown)


def test_callouts_at_1024_by_640(qtbot, window):
    settle(qtbot, window, 1024, 640)
    window.map_canvas.reset_view()
    assert_callouts_readable(window.map_canvas)


def test_zoomed_in_the_callouts_make_way_for_the_states_own_labels(qtbot, window):
    canvas = window.map_canvas
    x, y = canvas.shapes.label_points["MA"]
    # Zoomed into southern New England: MA, CT and RI carry their own labels.
    canvas.viewbox.setRange(QRectF(x - 250_000, y - 200_000, 500_000, 400_000), padding=0)
    QApplication.processEvents()
    layer = canvas.label_layer
    for code in ("MA", "CT", "RI"):
        assert layer.is_visible(code)
        assert not canvas.callouts[code].isVisible()
        assert not layer.is_visible("callout:" + code)
    # Whatever callouts remain lie inside the map, never beside it under the legend.
    viewport = QRectF(canvas.view.viewport().rect())
    for name, r in label_rects(canvas).items():
        if name.startswith("callout:"):
            assert viewport.contains(r), name
    canvas.reset_view()
    QApplication.processEvents()
    assert canvas.callouts["RI"].isVisible() and not layer.is_visible("RI")


def test_the_legend_keeps_every_row_at_the_minimum_window_size(qtbot, window):
    hint = window.minimumSizeHint().expandedTo(window.minimumSize())
    settle(qtbot, window, hint.width(), hint.height())
    legend = window.legend
    assert legend.top_n > 0
    img = legend.grab().toImage()
    amber = 0
    for yy in range(img.height()):
        for xx in range(0, 40):
            c = img.pixelColor(xx, yy)
            if abs(c.red() - TOP_OUTLINE.red()) + abs(c.green() - TOP_OUTLINE.green()) \
                    + abs(c.blue() - TOP_OUTLINE.blue()) < 40:
                amber += 1
    assert amber >= 20  # the "Top N outlined" swatch, the last row, is painted


SMALL_FIRST = """
from siteselect.ui.app import application, build_window
app = application()
w = build_window()
w.show()
app.processEvents()
hint = w.minimumSizeHint().expandedTo(w.minimumSize())
w.setGeometry(100, 80, hint.width(), hint.height())
app.processEvents()
print(w.width(), w.height(), w.map_canvas.width())
w.close()
"""

SMALL_SECOND = """
import json
from siteselect.ui.app import application, build_window
app = application()
w = build_window()
w.show()
for _ in range(5):
    app.processEvents()
print(json.dumps({"size": [w.width(), w.height()], "pos": [w.x(), w.y()],
                  "map": [w.map_canvas.width(), w.map_canvas.height()]}))
"""


def test_a_window_closed_at_its_smallest_opens_at_a_readable_size(tmp_path):
    import json
    import os
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    screens = tmp_path / "screens.json"
    screens.write_text(json.dumps({"screens": [{
        "name": "Big", "x": 0, "y": 0, "width": 1920, "height": 1200,
        "logicalDpi": 96, "logicalBaseDpi": 96, "dpr": 1}]}))
    env = dict(os.environ, QT_QPA_PLATFORM=f"offscreen:configfile={screens}",
               SITESELECT_SETTINGS_DIR=str(tmp_path / "settings"),
               XDG_CACHE_HOME=str(tmp_path / "cache"))

    def run(script: str) -> str:
        done = subprocess.run([sys.executable, "-c", script], env=env, cwd=root,
                              capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stderr
        return done.stdout.strip().splitlines()[-1]

    first = [int(v) for v in run(SMALL_FIRST).split()]
    assert first[2] <= 400  # it really was closed cramped
    second = json.loads(run(SMALL_SECOND))
    assert second["size"][0] >= 1280 and second["size"][1] >= 800, (first, second)
    assert second["map"][0] >= 600 and second["map"][1] >= 400, (first, second)
    # Where it was (give or take the frame the offscreen platform adds).
    assert abs(second["pos"][0] - 100) <= 4 and abs(second["pos"][1] - 80) <= 4
