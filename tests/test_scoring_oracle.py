"""TOPSIS agrees with scikit-criteria, an independent implementation (test-only oracle).

scikit-criteria's TOPSIS works on whatever matrix it is given, so the Hwang and Yoon set-up is
built as its documented pipeline: vector-normalise the matrix, scale the weights to sum 1, then
TOPSIS with Euclidean distances.  Its closeness lives in ``result.e_.similarity``.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest
import skcriteria as skc
from skcriteria.agg.topsis import TOPSIS  # skcriteria.agg.similarity is a deprecated alias
from skcriteria.pipelines import mkpipe
from skcriteria.preprocessing.scalers import SumScaler, VectorScaler

from siteselect.scoring import HIGHER, LOWER, score


def oracle_topsis(x: np.ndarray, weights: np.ndarray, lower: np.ndarray) -> np.ndarray:
    dm = skc.mkdm(
        x,
        objectives=[min if lo else max for lo in lower],
        weights=weights,
    )
    pipe = mkpipe(VectorScaler(target="matrix"), SumScaler(target="weights"), TOPSIS())
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # "TOPSIS with minimisation objectives" advice
        result = pipe.evaluate(dm)
    return np.asarray(result.e_.similarity, dtype=float)


@pytest.mark.parametrize("seed", range(8))
def test_topsis_matches_scikit_criteria(seed):
    rng = np.random.default_rng(seed)
    n, m = int(rng.integers(3, 60)), int(rng.integers(2, 9))
    # positive values over very different scales, as real criteria have
    x = rng.uniform(0.5, 10.0, size=(n, m)) * 10.0 ** rng.integers(-2, 6, size=m)
    lower = rng.random(m) < 0.5
    lower[0], lower[-1] = True, False  # always mixed directions
    weights = rng.uniform(0.1, 5.0, size=m)
    alts = [f"A{i:03d}" for i in range(n)]
    crit = [f"c{j}" for j in range(m)]

    r = score(x, alts, crit, np.where(lower, LOWER, HIGHER), weights, method="topsis")
    expected = oracle_topsis(x, weights, lower)

    ours = np.empty(n)
    for i, a in enumerate(r.alternatives):
        ours[alts.index(a)] = r.scores[i] / 100.0
    np.testing.assert_allclose(ours, expected, rtol=0, atol=1e-9)
    # and the ranking follows the oracle's closeness
    assert [alts[i] for i in np.argsort(-expected, kind="stable")] == list(r.alternatives)


def test_topsis_matches_scikit_criteria_on_the_shipped_data():
    from siteselect.model.dataset import load_dataset

    ds = load_dataset()
    ids = ["energy_cost", "power_capacity", "grid_co2", "talent", "hazard_risk", "population"]
    x = ds.matrix(ids)
    keep = ~np.isnan(x).any(axis=1)
    states = [s for s, k in zip(ds.states, keep, strict=True) if k]
    lower = np.array([ds.criterion(c).lower_is_better for c in ids])
    weights = np.array([25.0, 10.0, 5.0, 15.0, 10.0, 3.0])
    r = score(x[keep], states, ids, lower, weights, method="topsis")
    expected = dict(zip(states, oracle_topsis(x[keep], weights, lower), strict=True))
    for a, s in zip(r.alternatives, r.scores, strict=True):
        assert s / 100.0 == pytest.approx(expected[a], abs=1e-9)


@pytest.mark.parametrize("seed", range(4))
def test_weighted_sum_matches_scikit_criteria(seed):
    """Min-max with lower-is-better inverted as (max - x) / (max - min), then the weighted sum."""
    from skcriteria.agg.simple import WeightedSumModel
    from skcriteria.preprocessing.invert_objectives import MinMaxInverter

    rng = np.random.default_rng(100 + seed)
    n, m = int(rng.integers(3, 60)), int(rng.integers(2, 9))
    x = rng.uniform(0.5, 10.0, size=(n, m)) * 10.0 ** rng.integers(-2, 6, size=m)
    lower = rng.random(m) < 0.5
    lower[0], lower[-1] = True, False
    weights = rng.uniform(0.1, 5.0, size=m)
    alts = [f"A{i:03d}" for i in range(n)]
    r = score(x, alts, [f"c{j}" for j in range(m)], np.where(lower, LOWER, HIGHER), weights)
    dm = skc.mkdm(x, objectives=[min if lo else max for lo in lower], weights=weights)
    pipe = mkpipe(MinMaxInverter(), SumScaler(target="weights"), WeightedSumModel())
    expected = 100.0 * np.asarray(pipe.evaluate(dm).e_.score, dtype=float)
    for a, s in zip(r.alternatives, r.scores, strict=True):
        assert s == pytest.approx(expected[alts.index(a)], abs=1e-9)
