"""Speed and memory of sensitivity analysis: 10,000 weight draws with ranks and P(top K).

Side by side in one run, at 51 states (shipped data) and 3,142 synthetic alternatives x 25
criteria (the number of US counties):

* ``batched``: :func:`siteselect.scoring.sensitivity.monte_carlo` (blocks of draws scored by
  matrix products, ranks by one sort per draw);
* ``naive``: a per-draw Python loop calling :func:`siteselect.scoring.score` (the baseline).

Targets: <= 50 ms at 51, <= 1 s at 3,142, added peak memory <= 300 MB; stability intervals
for 25 criteria at 51 states <= 50 ms.  Run with::

    uv run pytest tests/benchmarks/test_sensitivity_bench.py -m benchmark --benchmark-enable -s
"""

from __future__ import annotations

import time
import tracemalloc

import numpy as np
import pytest

from siteselect.analysis import rank_states
from siteselect.model.dataset import load_dataset
from siteselect.model.settings import ScoringSettings
from siteselect.scoring import HIGHER, LOWER, score
from siteselect.scoring.sensitivity import monte_carlo, stability_intervals

DRAWS = 10_000


def _synthetic(n: int, m: int = 25):
    rng = np.random.default_rng(0)
    x = rng.random((n, m)) * 100
    codes = tuple(f"{i:05d}" for i in range(n))
    dirs = [LOWER if j % 3 == 0 else HIGHER for j in range(m)]
    w = rng.random(m) + 0.1
    return x, codes, [f"c{j}" for j in range(m)], dirs, w


def _results():
    ds = load_dataset()
    every = {c: 1.0 for c in ds.criterion_ids}
    states = rank_states(ds, ScoringSettings(weights=every))
    x, codes, crit, dirs, w = _synthetic(3_142)
    return {51: states, 3_142: score(x, codes, crit, dirs, w)}


RESULTS = _results()


@pytest.mark.parametrize("n", [51, 3_142])
def test_monte_carlo_batched(benchmark, n):
    r = RESULTS[n]
    benchmark.pedantic(lambda: monte_carlo(r, draws=DRAWS, seed=1, top_k=10), rounds=5,
                       iterations=1, warmup_rounds=1)
    tracemalloc.start()
    monte_carlo(r, draws=DRAWS, seed=1, top_k=10)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    median = benchmark.stats.stats.median
    print(f"\n{DRAWS:,} draws at {n:,} alternatives x {len(r.criteria)} criteria: median "
          f"{median * 1000:.1f} ms, added peak memory {peak / 2**20:.0f} MB")
    assert peak <= 300 * 2**20
    assert median <= (0.05 if n == 51 else 1.0)


@pytest.mark.parametrize("n", [51, 3_142])
def test_monte_carlo_naive_loop_for_comparison(n):
    r = RESULTS[n]
    x = np.asarray(r._values)
    codes = tuple(r._codes.tolist())
    dirs = [LOWER if lo else HIGHER for lo in r._lower]
    rng = np.random.default_rng(1)
    draws = 500  # scaled up to 10,000 below: the full loop takes tens of seconds
    t0 = time.perf_counter()
    for _ in range(draws):
        w = rng.dirichlet(100 * np.asarray(r._weights))
        s = score(x, codes, list(r.criteria), dirs, w)
        _ = s.ranks[:10]
    per = (time.perf_counter() - t0) / draws
    print(f"\nnaive per-draw loop at {n:,}: {per * 1000:.2f} ms per draw, "
          f"{per * DRAWS:.2f} s for {DRAWS:,} draws")


def test_stability_intervals_at_51_states(benchmark):
    r = RESULTS[51]
    out = benchmark.pedantic(lambda: stability_intervals(r, top_k=10), rounds=20, iterations=1)
    assert len(out) == len(r.criteria) == 25
    print(f"\nstability intervals, {len(out)} criteria at 51 states: median "
          f"{benchmark.stats.stats.median * 1000:.2f} ms")
    assert benchmark.stats.stats.median <= 0.05
