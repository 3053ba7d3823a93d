"""Speed of the scoring engine against plain numpy and scikit-criteria.

Weighted sum (min-max) and TOPSIS on 51, 3,143 (US counties) and 100,000 synthetic candidates x
10 criteria with mixed directions.  Three implementations of the same math run side by side:

* ``engine``: :func:`siteselect.scoring.score`, given the candidate codes as a tuple, as the app
  passes ``Dataset.states`` (codes already checked for that tuple are not checked again);
* ``engine-list``: the same with a fresh list of codes, so the codes are checked on every call;
* ``numpy``: the bare formulas in plain numpy, no validation (the baseline);
* ``skcriteria``: scikit-criteria 0.10 pipelines computing the same scores.

The last test prints the ratios of the best times and checks the targets at 100,000 candidates:
the engine within 1.5x of plain numpy and at least 4x faster than scikit-criteria.

Run with ``uv run pytest tests/benchmarks -m benchmark --benchmark-enable``.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest
import skcriteria as skc
from skcriteria.agg.simple import WeightedSumModel
from skcriteria.agg.topsis import TOPSIS
from skcriteria.pipelines import mkpipe
from skcriteria.preprocessing.invert_objectives import MinMaxInverter
from skcriteria.preprocessing.scalers import SumScaler, VectorScaler

from siteselect.scoring import HIGHER, LOWER, score

SIZES = (51, 3_143, 100_000)
CRITERIA = 10
METHODS = ("wsm", "topsis")
IMPLEMENTATIONS = ("engine", "engine-list", "numpy", "skcriteria")

#: best time per (method, size, implementation), filled in as the benchmarks run
RESULTS: dict[tuple[str, int, str], float] = {}


def make_problem(n: int, seed: int = 20250101) -> dict:
    rng = np.random.default_rng(seed)
    scales = 10.0 ** np.arange(-2, CRITERIA - 2)  # 0.01 ... 1e7, as real criteria differ
    x = rng.uniform(1.0, 100.0, size=(n, CRITERIA)) * scales
    lower = np.arange(CRITERIA) % 3 == 0
    weights = rng.uniform(0.5, 3.0, size=CRITERIA)
    return {
        "x": x,
        "codes": tuple(f"C{i:06d}" for i in range(n)),
        "criteria": [f"k{j}" for j in range(CRITERIA)],
        "directions": [LOWER if lo else HIGHER for lo in lower],
        "lower": lower,
        "weights": weights,
    }


# ---------------------------------------------------------------- plain numpy baselines


def numpy_wsm(x: np.ndarray, weights: np.ndarray, lower: np.ndarray):
    lo, hi = x.min(axis=0), x.max(axis=0)
    n = (x - lo) / (hi - lo)
    n[:, lower] = 1.0 - n[:, lower]
    contributions = n * (100.0 * weights / weights.sum())
    scores = contributions.sum(axis=1)
    order = np.argsort(-scores)
    return order, scores[order]


def numpy_topsis(x: np.ndarray, weights: np.ndarray, lower: np.ndarray):
    v = x / np.sqrt((x * x).sum(axis=0)) * (weights / weights.sum())
    ideal = np.where(lower, v.min(axis=0), v.max(axis=0))
    anti = np.where(lower, v.max(axis=0), v.min(axis=0))
    d_plus = np.sqrt(((v - ideal) ** 2).sum(axis=1))
    d_minus = np.sqrt(((v - anti) ** 2).sum(axis=1))
    scores = 100.0 * d_minus / (d_plus + d_minus)
    order = np.argsort(-scores)
    return order, scores[order]


# ---------------------------------------------------------------- scikit-criteria


def skcriteria_pipeline(method: str):
    if method == "wsm":
        return mkpipe(MinMaxInverter(), SumScaler(target="weights"), WeightedSumModel())
    return mkpipe(VectorScaler(target="matrix"), SumScaler(target="weights"), TOPSIS())


def run_skcriteria(pipe, x: np.ndarray, weights: np.ndarray, lower: np.ndarray):
    dm = skc.mkdm(x, objectives=[min if lo else max for lo in lower], weights=weights)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return pipe.evaluate(dm)


# ---------------------------------------------------------------- the benchmarks


@pytest.mark.parametrize("implementation", IMPLEMENTATIONS)
@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("method", METHODS)
def test_scoring_speed(benchmark, method, size, implementation):
    p = make_problem(size)
    x, codes, crit, dirs, lower, w = (p["x"], p["codes"], p["criteria"], p["directions"],
                                      p["lower"], p["weights"])
    benchmark.group = f"{method} x {size:,}"
    benchmark.name = implementation
    if implementation == "engine":
        result = benchmark(score, x, codes, crit, dirs, w, method=method)
        got = np.asarray(result.scores)
    elif implementation == "engine-list":
        result = benchmark(lambda: score(x, list(codes), crit, dirs, w, method=method))
        got = np.asarray(result.scores)
    elif implementation == "numpy":
        fn = numpy_wsm if method == "wsm" else numpy_topsis
        _, got = benchmark(fn, x, w, lower)
    else:
        pipe = skcriteria_pipeline(method)
        rr = benchmark(run_skcriteria, pipe, x, w, lower)
        field = "score" if method == "wsm" else "similarity"
        got = np.sort(100.0 * np.asarray(rr.e_[field], dtype=float))[::-1]

    # every implementation computes the same scores
    _, expected = (numpy_wsm if method == "wsm" else numpy_topsis)(x, w, lower)
    np.testing.assert_allclose(got, expected, rtol=0, atol=1e-9)

    stats = getattr(benchmark, "stats", None)
    if stats is not None:
        RESULTS[(method, size, implementation)] = stats.stats.min


def test_report_ratios(capsys):
    """Print engine / numpy and scikit-criteria / engine, and check the 100,000 targets."""
    if not RESULTS:
        pytest.skip("benchmarks were disabled; run with --benchmark-enable")
    lines = [
        "",
        "best time (ms)            engine  eng-list     numpy  skcriteria   engine/numpy"
        "   skc/engine",
    ]
    for method in METHODS:
        for size in SIZES:
            t = {impl: RESULTS.get((method, size, impl)) for impl in IMPLEMENTATIONS}
            if any(v is None for v in t.values()):
                continue
            lines.append(
                f"{method:6s} x {size:>7,}      {t['engine'] * 1e3:8.3f} "
                f"{t['engine-list'] * 1e3:9.3f} {t['numpy'] * 1e3:9.3f} "
                f"{t['skcriteria'] * 1e3:11.3f}   {t['engine'] / t['numpy']:12.2f} "
                f"{t['skcriteria'] / t['engine']:12.1f}"
            )
    with capsys.disabled():
        print("\n".join(lines))
    for method in METHODS:
        key = (method, 100_000)
        engine = RESULTS[(*key, "engine")]
        assert engine <= 1.5 * RESULTS[(*key, "numpy")], f"{method}: slower than 1.5x numpy"
        assert RESULTS[(*key, "skcriteria")] >= 4 * engine, f"{method}: not 4x scikit-criteria"
