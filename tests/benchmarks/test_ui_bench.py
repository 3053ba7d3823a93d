"""Speed of the window: a live weight change at 51 states, and launch to a painted window.

Targets (issue: the planner's window): the whole update after a slider move — re-score,
recolour the map, refresh the table and the detail panel, repaint — at most 16 ms; launch to
a painted window at most 1.5 s.  Run with::

    uv run pytest tests/benchmarks/test_ui_bench.py -m benchmark --benchmark-enable -s
"""

from __future__ import annotations

import itertools
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

LAUNCH_SCRIPT = """
import time
t0 = time.perf_counter()
from siteselect.ui.app import application, build_window
app = application()
window = build_window(restore_settings=False)
window.show()
app.processEvents()
window.map_canvas.view.viewport().repaint()
window.ranking_table.view.viewport().repaint()
print(f"{time.perf_counter() - t0:.4f}")
"""


@pytest.fixture
def shown_window(qtbot):
    from siteselect.model.dataset import load_dataset
    from siteselect.ui.main_window import MainWindow
    from siteselect.ui.planner import Planner

    planner = Planner(load_dataset())
    w = MainWindow(planner, restore_settings=False)
    qtbot.addWidget(w)
    w.resize(1600, 1000)
    w.show()
    qtbot.waitExposed(w)
    planner.select("TX")
    # Settle first: shortly after start the window opens the scenario database (importing
    # sqlite-utils and pandas, a few hundred ms, once) and that is not a slider step's work.
    from siteselect.ui.scenarios.controller import ScenarioController

    controller = w.findChild(ScenarioController)
    if controller is not None:
        qtbot.waitUntil(lambda: controller.loaded, timeout=10_000)
    return w


def test_live_update_at_51_states(benchmark, shown_window, qapp):
    """One slider step inside a drag: re-score and repaint map, table and detail."""
    from PySide6.QtCore import QEvent, QObject

    w = shown_window

    class PaintCounter(QObject):
        painted: set = set()

        def eventFilter(self, obj, ev):
            if ev.type() == QEvent.Paint:
                self.painted.add(obj)
            return False

    counter = PaintCounter()
    watched = (w.map_canvas.view.viewport(), w.ranking_table.view.viewport(),
               w.detail_panel.plots.viewport())
    for widget in watched:
        widget.installEventFilter(counter)
    slider = w.weights_panel.rows["energy_cost"].slider
    values = itertools.cycle(list(range(100, 900, 7)) + list(range(900, 100, -7)))
    slider.setSliderDown(True)

    def step():
        slider.setValue(next(values))  # re-scores; map, table and detail redraw from signals
        qapp.processEvents()  # paints every widget the update made dirty, as one frame

    cpu0 = time.process_time()
    benchmark.pedantic(step, rounds=400, warmup_rounds=10, iterations=1)
    cpu_ms = (time.process_time() - cpu0) * 1000 / 410
    slider.setSliderDown(False)
    assert w.planner.undo_stack.count() == 1  # the whole drag is one undo step
    assert set(watched) <= counter.painted  # the frame really painted map, table and detail
    st = benchmark.stats.stats
    walls = sorted(benchmark.stats.stats.data)
    p95 = walls[int(0.95 * (len(walls) - 1))] * 1000
    # CPU time too: on a shared machine the wall clock also counts other processes' turns.
    print(f"\nlive update at 51 states: wall mean {st.mean * 1000:.2f} ms, median "
          f"{st.median * 1000:.2f} ms, 95th percentile {p95:.2f} ms, max {st.max * 1000:.2f} ms; "
          f"CPU mean {cpu_ms:.2f} ms (target <= 16 ms)")
    assert cpu_ms <= 16 and st.median * 1000 <= 16


def test_rescore_and_recolour_without_paint(benchmark, shown_window):
    """The update's work before painting: engine, map brushes, table model, detail bars."""
    w = shown_window
    weights = itertools.cycle([5.0, 30.0, 60.0, 90.0])

    def step():
        w.planner.apply_settings(w.planner.settings.with_weight("talent", next(weights)))

    benchmark.pedantic(step, rounds=200, warmup_rounds=10, iterations=1)
    print(f"\nre-score + recolour (no paint): mean {benchmark.stats.stats.mean * 1000:.2f} ms")


def _launch(env: dict, cache_home: Path, pycache: Path | None) -> tuple[float, float]:
    """Start a fresh interpreter; (inside Python, whole process) seconds to a painted window."""
    env = dict(env, XDG_CACHE_HOME=str(cache_home))
    if pycache is not None:
        # An empty bytecode folder makes Python compile every module it imports (ours, numpy,
        # pyqtgraph, ...) from source, as on a fresh checkout's first start.
        env["PYTHONPYCACHEPREFIX"] = str(pycache)
    t0 = time.perf_counter()
    proc = subprocess.run([sys.executable, "-c", LAUNCH_SCRIPT], capture_output=True,
                          text=True, env=env, cwd=ROOT, timeout=120, check=True)
    wall = time.perf_counter() - t0
    return float(proc.stdout.strip().splitlines()[-1]), wall


@pytest.mark.parametrize("bytecode", ["written", "never_written"])
def test_launch_to_painted_window(benchmark, tmp_path, bytecode):
    """A fresh interpreter: import, load data and map shapes, build, show and paint.

    Every round is a very first start: an empty cache folder and no compiled bytecode at all.
    ``written``: Python writes bytecode as it goes (a planner's machine), and the warm starts
    that follow reuse it.  ``never_written``: PYTHONDONTWRITEBYTECODE=1 (as some sandboxes set),
    so every start compiles from source.  Target: at most 1.5 s, first start included.
    """
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    if bytecode == "never_written":
        env["PYTHONDONTWRITEBYTECODE"] = "1"
    firsts: list[tuple[float, float]] = []

    def first_start():
        n = len(firsts)
        firsts.append(_launch(env, tmp_path / f"cache{n}", tmp_path / f"pycache{n}"))
        return n

    benchmark.pedantic(first_start, rounds=3, iterations=1)
    warm = [_launch(env, tmp_path / "cache0", tmp_path / "pycache0") for _ in range(3)]
    inner = [f[0] for f in firsts]
    walls = [f[1] for f in firsts]
    print(f"\nlaunch to painted window ({bytecode} bytecode), first start from an empty cache "
          f"and no bytecode: inside Python {', '.join(f'{x:.3f}' for x in inner)} s; "
          f"whole process {', '.join(f'{x:.3f}' for x in walls)} s; later starts: whole "
          f"process {', '.join(f'{w[1]:.3f}' for w in warm)} s (target <= 1.5 s)")
    # The derived layout spared GeoPandas: no cache had to be built.
    assert not (tmp_path / "cache0" / "siteselect").exists()
    assert sorted(walls)[1] <= 1.5, "first start slower than 1.5 s (median of 3)"
