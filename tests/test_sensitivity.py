"""Sensitivity of a ranking: batch scoring, Monte Carlo ranks, stability intervals, tornado."""

from __future__ import annotations

import numpy as np
import pytest

from siteselect.analysis import rank_states
from siteselect.errors import InputError
from siteselect.model.dataset import load_dataset
from siteselect.model.settings import ScoringSettings
from siteselect.scoring import HIGHER, competition_ranks, parse_gate, score
from siteselect.scoring.sensitivity import (
    Cancelled,
    Problem,
    batch_scores,
    monte_carlo,
    ranks_of,
    stability_intervals,
    tornado,
)

SETUPS = [("wsm", "minmax"), ("wsm", "zscore"), ("wsm", "rank"), ("wpm", "minmax"),
          ("topsis", "minmax")]


@pytest.fixture(scope="module")
def ds():
    return load_dataset()


def _result(ds, method="wsm", normalization="minmax", **kw):
    return rank_states(ds, ScoringSettings(method=method, normalization=normalization, **kw))


@pytest.mark.parametrize(("method", "normalization"), SETUPS)
def test_batch_scores_match_the_engine_for_each_weight_vector(ds, method, normalization):
    base = _result(ds, method, normalization, gates=(parse_gate("energy_cost<=12"),))
    problem = Problem.from_result(base)
    rng = np.random.default_rng(7)
    w = rng.dirichlet(np.ones(len(problem.criteria)), size=20)
    got = batch_scores(problem, w)
    ids = ds.criterion_ids
    for d in range(w.shape[0]):
        points = dict.fromkeys(ids, 0.0)
        points.update(zip(problem.criteria, w[d].tolist(), strict=True))
        settings = ScoringSettings(weights=points, method=method, normalization=normalization,
                                   gates=(parse_gate("energy_cost<=12"),))
        r = rank_states(ds, settings)
        want = {a: s for a, s in zip(r.alternatives, r.scores.tolist(), strict=True)}
        for i, a in enumerate(problem.alternatives):
            assert got[i, d] == pytest.approx(want[a], abs=1e-9)
        ranks = ranks_of(got[:, [d]])[:, 0]
        assert {a: int(k) for a, k in zip(problem.alternatives, ranks, strict=True)} == {
            a: int(k) for a, k in zip(r.alternatives, r.ranks, strict=True)}


def test_ranks_of_gives_competition_ranks_with_ties():
    s = np.array([[50.0, 1.0], [70.0, 1.0], [50.0, 3.0], [10.0, 2.0]])
    assert ranks_of(s).tolist() == [[2, 3], [1, 3], [2, 1], [4, 2]]
    rng = np.random.default_rng(3)
    many = np.round(rng.random((40, 30)) * 5)  # plenty of ties
    got = ranks_of(many)
    codes = np.array([f"A{i:02d}" for i in range(40)], dtype=object)
    for d in range(30):
        order, ranks = competition_ranks(many[:, d], codes)
        want = np.empty(40, dtype=int)
        want[order] = ranks
        assert got[:, d].tolist() == want.tolist()


def _three():
    # A is best on c1, B on c2, C at 0.4 of the way on both: with weights (t, 1 - t) under
    # the weighted sum and min-max, scores are A = 100 t, B = 100 (1 - t), C = 40.
    x = np.array([[10.0, 0.0], [0.0, 10.0], [4.0, 4.0]])
    return score(x, ["A", "B", "C"], ["c1", "c2"], [HIGHER, HIGHER], [1.0, 1.0])


def test_three_candidates_have_the_acceptabilities_worked_out_by_hand():
    # Uniform weights on the 2-simplex: t ~ U(0, 1).  Scores: A = 100 t, B = 100 (1 - t),
    # C = 40.  A is first when t > 1/2 (B when t < 1/2): P(first) = 1/2 each, 0 for C.
    # Both A and B beat C when 0.4 < t < 0.6 (C third: 0.2); otherwise only one does (C
    # second: 0.8).  A is third when t < 0.4 (0.4), second when 0.4 < t < 0.5 (0.1).
    mc = monte_carlo(_three(), draws=200_000, seed=11, spread="uniform", top_k=2)
    acc = dict(zip(mc.alternatives, mc.acceptability.tolist(), strict=True))
    assert acc["A"] == pytest.approx([0.5, 0.1, 0.4], abs=0.005)
    assert acc["B"] == pytest.approx([0.5, 0.1, 0.4], abs=0.005)
    assert acc["C"] == pytest.approx([0.0, 0.8, 0.2], abs=0.005)
    p_top = dict(zip(mc.alternatives, mc.p_top_k.tolist(), strict=True))
    assert p_top["C"] == pytest.approx(0.8, abs=0.005)
    assert p_top["A"] == pytest.approx(0.6, abs=0.005)
    firsts = dict(zip(mc.alternatives, mc.p_first.tolist(), strict=True))
    assert firsts["C"] == 0.0
    assert mc.rank_min.min() == 1 and mc.rank_max.max() == 3
    assert np.allclose(mc.acceptability.sum(axis=1), 1.0)
    assert np.allclose(mc.acceptability.sum(axis=0), 1.0)


def test_the_seed_makes_a_run_identical_and_another_seed_differs(ds):
    base = _result(ds)
    a = monte_carlo(base, draws=2_000, seed=5)
    b = monte_carlo(base, draws=2_000, seed=5)
    c = monte_carlo(base, draws=2_000, seed=6)
    assert np.array_equal(a.acceptability, b.acceptability)
    assert not np.array_equal(a.acceptability, c.acceptability)
    assert a.alternatives == base.alternatives
    assert a.base_rank.tolist() == base.ranks.tolist()
    assert np.all(a.rank_p05 <= a.rank_p95)
    assert np.all(a.rank_min <= a.rank_p05) and np.all(a.rank_p95 <= a.rank_max)


def test_a_cancelled_run_raises_and_bad_options_are_refused(ds):
    base = _result(ds)
    calls = []

    def cancel():
        calls.append(1)
        return len(calls) > 1

    with pytest.raises(Cancelled):
        monte_carlo(base, draws=100_000, seed=1, cancelled=cancel)
    for kw in ({"draws": 0}, {"top_k": 0}, {"spread": "normal"}, {"concentration": -1.0}):
        with pytest.raises(InputError):
            monte_carlo(base, **kw)


def _brute(result, cid, k, steps=20001):
    """Share interval around the current share where the top-1 / top-k set holds, by sweep."""
    problem = Problem.from_result(result)
    j = problem.criteria.index(cid)
    w = problem.weights
    s = np.linspace(0.0, 1.0, steps)
    rest = np.delete(np.arange(w.size), j)
    vec = np.empty((steps, w.size))
    vec[:, j] = s
    vec[:, rest] = (1 - s)[:, None] * (w[rest] / w[rest].sum())[None, :]
    sc = batch_scores(problem, vec)
    base = batch_scores(problem, w[None, :])[:, 0]
    first = int(np.argmax(base))
    top = set(np.argsort(-base)[:k].tolist())
    member = np.array([i in top for i in range(len(base))])
    hold1 = np.all(sc[first][None, :] >= sc - 1e-9, axis=0)
    holdk = sc[member].min(axis=0) >= sc[~member].max(axis=0) - 1e-9
    i0 = int(np.searchsorted(s, w[j]))

    def run(ok):
        lo = i0
        while lo > 0 and ok[lo - 1]:
            lo -= 1
        hi = min(i0, steps - 1)
        while hi < steps - 1 and ok[hi + 1]:
            hi += 1
        return s[lo], s[hi]

    return run(hold1), run(holdk)


@pytest.mark.parametrize("method", ["wsm", "wpm", "topsis"])
def test_stability_intervals_agree_with_a_brute_force_sweep(ds, method):
    result = _result(ds, method)
    intervals = stability_intervals(result, top_k=10)
    assert [iv.criterion for iv in intervals] == list(result.criteria)
    step = 1 / 20000
    for iv in intervals:
        (lo1, hi1), (lok, hik) = _brute(result, iv.criterion, 10)
        assert iv.top1[0] <= iv.share <= iv.top1[1]
        assert iv.top1[0] == pytest.approx(lo1, abs=step + 1e-4)
        assert iv.top1[1] == pytest.approx(hi1, abs=step + 1e-4)
        assert iv.top_k[0] == pytest.approx(lok, abs=step + 1e-4)
        assert iv.top_k[1] == pytest.approx(hik, abs=step + 1e-4)
        assert iv.exact == (method != "topsis")


def test_tornado_ranks_the_candidate_with_each_weight_half_and_one_and_a_half(ds):
    result = _result(ds)
    bars = tornado(result, "TX")
    assert {b.criterion for b in bars} == set(result.criteria)
    problem = Problem.from_result(result)
    bar = next(b for b in bars if b.criterion == "energy_cost")
    j = problem.criteria.index("energy_cost")
    w = problem.weights.copy()
    w[j] *= 1.5
    points = dict.fromkeys(ds.criterion_ids, 0.0)
    points.update(zip(problem.criteria, (w / w.sum()).tolist(), strict=True))
    r = rank_states(ds, ScoringSettings(weights=points))
    i = r.alternatives.index("TX")
    assert bar.rank_high == int(r.ranks[i])
    assert bar.score_high == pytest.approx(float(r.scores[i]), abs=1e-9)
    swings = [abs(b.rank_high - b.rank_low) for b in bars]
    assert swings == sorted(swings, reverse=True)
    with pytest.raises(InputError):
        tornado(_result(ds, exclude=("TX",)), "TX")


def test_data_uncertainty_varies_figures_within_their_ranges():
    from siteselect.scoring.sensitivity import DataSpread

    # Two candidates, one criterion (weights cannot matter): A = 100, B = 99, higher better,
    # each figure off by up to 3 %.  B beats A when 99 (1 + v) > 100 (1 + u).
    x = np.array([[100.0, 5.0], [99.0, 5.0], [50.0, 5.0]])
    r = score(x, ["A", "B", "C"], ["c1", "c2"], [HIGHER, HIGHER], [1.0, 0.0])
    mc = monte_carlo(r, draws=40_000, seed=3, spread="uniform",
                     data_spread={"c1": DataSpread("relative", 0.03)})
    rng = np.random.default_rng(0)
    u, v = rng.uniform(-0.03, 0.03, (2, 400_000))
    want = float(np.mean(100 * (1 + u) >= 99 * (1 + v)))
    first = dict(zip(mc.alternatives, mc.p_first.tolist(), strict=True))
    assert first["A"] == pytest.approx(want, abs=0.01)
    assert first["C"] == 0.0 and 0.3 < first["B"] < 0.5
    assert set(mc.data_spread) == {"c1"}
    # Without data uncertainty nothing moves.
    still = monte_carlo(r, draws=1000, seed=3, spread="uniform")
    assert dict(zip(still.alternatives, still.p_first.tolist(), strict=True))["A"] == 1.0


def test_a_category_moves_at_most_its_steps_and_imputed_figures_stay():
    from siteselect.scoring.sensitivity import DataSpread, _vary

    levels = (0.0, 0.25, 0.5, 0.75, 1.0)
    x = np.broadcast_to(np.array([0.0, 0.5, 1.0]), (20_000, 3)).copy()
    out = _vary(x, DataSpread("category", 1, levels), np.random.default_rng(1))
    assert set(np.unique(out[:, 0])) == {0.0, 0.25}
    assert set(np.unique(out[:, 1])) == {0.25, 0.5, 0.75}
    assert set(np.unique(out[:, 2])) == {0.75, 1.0}
    assert np.mean(out[:, 1] == 0.5) == pytest.approx(1 / 3, abs=0.02)
    # A missing (imputed) figure is never varied.
    xm = np.array([[1.0, np.nan], [2.0, 3.0], [3.0, 1.0]])
    r = score(xm, ["A", "B", "C"], ["c1", "c2"], [HIGHER, HIGHER], [1.0, 1.0])
    from siteselect.scoring.sensitivity import _scores_with_varied_data

    w = np.full((50, 2), 0.5)
    s1 = _scores_with_varied_data(r, {"c2": DataSpread("absolute", 10.0)}, w,
                                  np.random.default_rng(2))
    i = r._codes.tolist().index("A")
    # A's c2 is imputed as the worst (1.0): its score moves only with the others' figures.
    assert np.all(s1[:, i] <= 50.0 + 1e-9)


def test_the_catalogue_states_each_uncertainty_with_its_basis(ds):
    from siteselect.analysis import data_spreads

    spreads = data_spreads(ds)
    assert spreads["energy_cost"].kind == "relative" and spreads["energy_cost"].amount == 0.03
    assert spreads["water_stress"].kind == "category"
    assert spreads["water_stress"].levels == (0.0, 0.25, 0.5, 0.75, 1.0)
    assert "few percent" in ds.criterion("energy_cost").uncertainty_basis
    assert ds.criterion("energy_cost").uncertainty_text() == "\u00b13 %"
    assert "population" not in spreads  # taken as exact
