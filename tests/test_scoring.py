"""The scoring engine on small matrices whose results are worked out by hand."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest

from siteselect.errors import InputError, ScoringError, SiteSelectError
from siteselect.scoring import (
    HIGHER,
    LOWER,
    Gate,
    competition_ranks,
    effective_weights,
    parse_gate,
    score,
)

# Three candidates, two criteria: c1 higher is better, c2 lower is better.
#        c1  c2
#   A    10   5
#   B    20   3
#   C    30   4
ALTS = ["A", "B", "C"]
CRIT = ["c1", "c2"]
DIRS = [HIGHER, LOWER]
X = [[10.0, 5.0], [20.0, 3.0], [30.0, 4.0]]
W = {"c1": 3.0, "c2": 1.0}  # effective 0.75 / 0.25


def by_alt(result, values):
    return {a: values[i] for i, a in enumerate(result.alternatives)}


@pytest.fixture(autouse=True)
def _no_runtime_warnings():
    """Zero spread and missing data must never reach numpy's divide-by-zero warnings."""
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        yield


# ---------------------------------------------------------------- methods x normalisations


def test_weighted_sum_minmax_by_hand():
    r = score(X, ALTS, CRIT, DIRS, W)
    # min-max: c1 -> A 0, B 0.5, C 1; c2 lower: (5 - x) / 2 -> A 0, B 1, C 0.5
    assert r.method == "wsm" and r.normalization == "minmax" and r.missing_policy == "worst"
    assert r.alternatives == ("C", "B", "A")
    assert list(r.ranks) == [1, 2, 3]
    s = by_alt(r, r.scores)
    assert s["C"] == pytest.approx(100 * (0.75 * 1 + 0.25 * 0.5))  # 87.5
    assert s["B"] == pytest.approx(100 * (0.75 * 0.5 + 0.25 * 1))  # 62.5
    assert s["A"] == pytest.approx(0.0)
    n = by_alt(r, r.normalized)
    assert n["B"] == pytest.approx([0.5, 1.0])
    c = by_alt(r, r.contributions)
    assert c["C"] == pytest.approx([75.0, 12.5])
    # contributions add up to the score for the weighted sum
    assert r.contributions.sum(axis=1) == pytest.approx(r.scores)
    assert r.weights == pytest.approx({"c1": 0.75, "c2": 0.25})
    row = r.row(0)
    assert row.rank == 1 and row.alternative == "C" and row.values == {"c1": 30.0, "c2": 4.0}
    assert row.contributions["c1"] == pytest.approx(75.0)


def test_weighted_sum_zscore_by_hand():
    r = score(X, ALTS, CRIT, DIRS, W, normalization="zscore")
    # population sd: c1 sqrt(200/3), c2 sqrt(2/3); |z| = sqrt(1.5) for the extremes;
    # n = (z + 3) / 6, and the lower-is-better c2 has its sign flipped.
    d = math.sqrt(1.5) / 6
    n = by_alt(r, r.normalized)
    assert n["A"] == pytest.approx([0.5 - d, 0.5 - d])
    assert n["B"] == pytest.approx([0.5, 0.5 + d])
    assert n["C"] == pytest.approx([0.5 + d, 0.5])
    s = by_alt(r, r.scores)
    assert s["C"] == pytest.approx(100 * (0.75 * (0.5 + d) + 0.25 * 0.5))
    assert r.normalization == "zscore"


def test_zscore_is_clipped_at_three_sd():
    x = [[0.0]] * 99 + [[1000.0]]
    alts = [f"S{i:02d}" for i in range(100)]
    r = score(x, alts, ["c"], [HIGHER], [1.0], normalization="zscore")
    # the outlier has z = 9.95 > 3: clipped to n = 1; the others are at z = -0.1005
    assert r.scores[0] == pytest.approx(100.0)
    assert r.normalized.min() >= 0.0 and r.normalized.max() <= 1.0


def test_rank_normalisation_by_hand_with_equal_values():
    x = [[1.0], [1.0], [3.0], [5.0]]
    r = score(x, ["A", "B", "C", "D"], ["c"], [HIGHER], [1.0], normalization="rank")
    # 0-based ranks 0.5, 0.5, 2, 3 (equal values share their mean rank), divided by n - 1 = 3
    n = by_alt(r, r.normalized[:, 0])
    assert n == pytest.approx({"A": 0.5 / 3, "B": 0.5 / 3, "C": 2 / 3, "D": 1.0})
    r_low = score(x, ["A", "B", "C", "D"], ["c"], [LOWER], [1.0], normalization="rank")
    n_low = by_alt(r_low, r_low.normalized[:, 0])
    assert n_low == pytest.approx({"A": 2.5 / 3, "B": 2.5 / 3, "C": 1 / 3, "D": 0.0})


def test_weighted_product_by_hand():
    r = score(X, ALTS, CRIT, DIRS, W, method="wpm")
    # floored values f + (1 - f) n with f = 0.01, raised to the weights and multiplied
    f = 0.01

    def wp(n1, n2):
        return 100 * (f + (1 - f) * n1) ** 0.75 * (f + (1 - f) * n2) ** 0.25

    s = by_alt(r, r.scores)
    assert s["A"] == pytest.approx(wp(0, 0))  # = 1.0
    assert s["B"] == pytest.approx(wp(0.5, 1))
    assert s["C"] == pytest.approx(wp(1, 0.5))
    assert r.alternatives == ("C", "B", "A")
    assert r.method == "wpm"


def test_topsis_by_hand():
    r = score(X, ALTS, CRIT, DIRS, W, method="topsis")
    n1, n2 = math.sqrt(100 + 400 + 900), math.sqrt(25 + 9 + 16)
    v = {a: (0.75 * x1 / n1, 0.25 * x2 / n2) for a, (x1, x2) in zip(ALTS, X, strict=True)}
    ideal = (0.75 * 30 / n1, 0.25 * 3 / n2)  # c2 is lower-is-better: its ideal is the minimum
    anti = (0.75 * 10 / n1, 0.25 * 5 / n2)
    s = by_alt(r, r.scores)
    for a in ALTS:
        d_plus = math.dist(v[a], ideal)
        d_minus = math.dist(v[a], anti)
        assert s[a] == pytest.approx(100 * d_minus / (d_plus + d_minus), abs=1e-12)
    assert r.normalization == "vector"
    # points: weight x the state's position between the anti-ideal (0) and the ideal (1), so
    # a better figure always earns more points, also on the lower-is-better c2
    x1c, x2c = X[ALTS.index("C")]
    pos = ((x1c - 10) / (30 - 10), (5 - x2c) / (5 - 3))
    assert by_alt(r, r.contributions)["C"] == pytest.approx([75 * pos[0], 25 * pos[1]])
    pts = by_alt(r, r.contributions[:, 1])
    x2 = {a: X[ALTS.index(a)][1] for a in ALTS}
    best, worst = min(ALTS, key=x2.get), max(ALTS, key=x2.get)
    assert pts[best] == pytest.approx(25.0) and pts[worst] == pytest.approx(0.0)


def test_scores_lie_between_0_and_100():
    rng = np.random.default_rng(1)
    x = rng.normal(size=(30, 4)) * [1, 10, 100, 1000]
    alts = [f"S{i:02d}" for i in range(30)]
    dirs = [HIGHER, LOWER, HIGHER, LOWER]
    for method in ("wsm", "wpm", "topsis"):
        for norm in ("minmax", "zscore", "rank"):
            r = score(x, alts, list("abcd"), dirs, [1, 2, 3, 4], method=method,
                      normalization=norm)
            assert np.all(r.scores >= -1e-9) and np.all(r.scores <= 100 + 1e-9)


# ---------------------------------------------------------------- weights


def test_weights_normalised_over_positive_weights():
    x = [[1.0, np.nan, 3.0], [2.0, np.nan, 1.0]]
    r = score(x, ["A", "B"], ["c1", "c2", "c3"], [HIGHER] * 3, {"c1": 2, "c2": 0, "c3": 6})
    assert r.criteria == ("c1", "c3")
    assert r.weights == pytest.approx({"c1": 0.25, "c3": 0.75})
    # c2 has weight 0: it takes no part, so its missing values are not reported
    assert r.missing == () and r.warnings == ()
    assert list(effective_weights(["a", "b", "c"], [1, 0, 3])) == [0.25, 0.0, 0.75]


def test_weights_as_mapping_default_to_zero_and_reject_unknown_ids():
    r = score(X, ALTS, CRIT, DIRS, {"c1": 5})
    assert r.criteria == ("c1",) and r.weights == {"c1": 1.0}
    with pytest.raises(InputError, match="c9"):
        score(X, ALTS, CRIT, DIRS, {"c1": 1, "c9": 1})


def test_all_zero_weights_is_a_clear_error():
    with pytest.raises(InputError, match="All weights are zero"):
        score(X, ALTS, CRIT, DIRS, [0, 0])


@pytest.mark.parametrize("scale", [1e-320, 1e-300, 1.0, 1e300, 1e308])
def test_extreme_weight_scales_keep_their_proportions(scale):
    """Huge weights must not overflow the total, nor tiny ones underflow it."""
    w = effective_weights(["a", "b", "c"], [scale, 0.0, scale])
    assert list(w) == [0.5, 0.0, 0.5]
    r = score(X, ALTS, CRIT, DIRS, [scale, scale])
    assert r.weights == {"c1": 0.5, "c2": 0.5}
    assert r.scores == pytest.approx(score(X, ALTS, CRIT, DIRS, [1, 1]).scores, abs=1e-12)


@pytest.mark.parametrize("bad", [-1.0, float("nan"), float("inf")])
def test_bad_weight_is_an_input_error(bad):
    with pytest.raises(InputError, match="c2"):
        score(X, ALTS, CRIT, DIRS, [1.0, bad])


# ---------------------------------------------------------------- gates and exclusions


def test_gate_removes_before_normalisation_and_lists_the_reason():
    r = score(X, ALTS, CRIT, DIRS, W, gates=[Gate("c1", ">=", 15)])
    assert "A" not in r.alternatives and r.position("A") is None
    reason = r.exclusion_reason("A")
    assert reason is not None and "c1>=15" in reason and "10" in reason
    # normalised over B and C only: c1 B 0, C 1; c2 B 1, C 0
    s = by_alt(r, r.scores)
    assert s == pytest.approx({"B": 25.0, "C": 75.0})


def test_gate_is_never_averaged_away():
    # A is best on everything except the gated criterion, which it fails narrowly.
    x = [[100.0, 1.0, 9.1], [1.0, 100.0, 8.0], [2.0, 90.0, 8.5]]
    gate = parse_gate("c3<=9")
    for method in ("wsm", "wpm", "topsis"):
        for policy in ("worst", "mean", "exclude"):
            r = score(x, ALTS, ["c1", "c2", "c3"], [HIGHER, LOWER, LOWER], [100, 100, 0.001],
                      method=method, missing=policy, gates=[gate])
            assert "A" not in r.alternatives
            assert [e.alternative for e in r.excluded] == ["A"]


def test_gate_on_missing_value_excludes_even_under_the_mean_policy():
    x = [[np.nan, 5.0], [20.0, 3.0], [30.0, 4.0]]
    r = score(x, ALTS, CRIT, DIRS, W, gates=[parse_gate("c1>=0")], missing="mean")
    assert r.alternatives == ("C", "B")
    assert "missing" in r.exclusion_reason("A")


def test_gate_on_a_criterion_with_weight_zero():
    r = score(X, ALTS, CRIT, DIRS, {"c1": 1}, gates=[parse_gate("c2<5")])
    assert r.criteria == ("c1",) and "A" not in r.alternatives


def test_planner_exclusions_and_unknown_codes():
    r = score(X, ALTS, CRIT, DIRS, W, exclude=["C"])
    assert r.alternatives == ("B", "A")
    assert r.exclusion_reason("C") == "excluded by the planner"
    with pytest.raises(InputError, match="ZZ"):
        score(X, ALTS, CRIT, DIRS, W, exclude=["ZZ"])
    # An excluded state that would also fail a gate is listed once.
    r2 = score(X, ALTS, CRIT, DIRS, W, exclude=["A"], gates=[parse_gate("c1>15")])
    assert [e.alternative for e in r2.excluded] == ["A"]


def test_nothing_left_to_rank_is_a_scoring_error():
    with pytest.raises(ScoringError, match="Nothing is left"):
        score(X, ALTS, CRIT, DIRS, W, gates=[parse_gate("c1>100")])


def test_nothing_left_to_rank_says_what_removed_whom():
    with pytest.raises(ScoringError) as info:
        score(X, ALTS, CRIT, DIRS, W, exclude=["A"], gates=[parse_gate("c1>=25"),
                                                            parse_gate("c2<=3")])
    assert str(info.value) == (
        "Nothing is left to rank: the exclusion list removed 1; the gate c1>=25 fails 1; "
        "the gate c2<=3 fails 1."
    )
    with pytest.raises(ScoringError) as info:
        score(XM, ALTS_M, CRIT, DIRS, W, missing="exclude", exclude=["A", "C"])
    assert str(info.value) == ("Nothing is left to rank: the exclusion list removed 2; "
                               "the missing-data policy 'exclude' removed 2.")
    with pytest.raises(ScoringError, match="no candidates were given"):
        score(np.empty((0, 2)), [], CRIT, DIRS, W)


@pytest.mark.parametrize(
    ("text", "gate"),
    [
        ("energy_cost<=9", Gate("energy_cost", "<=", 9.0)),
        (" tax_incentives >= 0.5 ", Gate("tax_incentives", ">=", 0.5)),
        ("a<1e3", Gate("a", "<", 1000.0)),
        ("a>-2", Gate("a", ">", -2.0)),
        ("a=3", Gate("a", "==", 3.0)),
        ("a==3", Gate("a", "==", 3.0)),
    ],
)
def test_parse_gate(text, gate):
    assert parse_gate(text) == gate


@pytest.mark.parametrize(
    "text", ["energy_cost<=", "energy_cost<=abc", "<=9", "energy_cost 9", "energy_cost<=nan",
             "energy_cost<=inf", "energy cost<=9", "energy_cost=>9", ""],
)
def test_malformed_gate_is_an_input_error(text):
    with pytest.raises(InputError) as info:
        parse_gate(text)
    assert "gate" in str(info.value)


def test_gate_with_unknown_criterion():
    with pytest.raises(InputError, match="nope"):
        score(X, ALTS, CRIT, DIRS, W, gates=[Gate("nope", "<", 1)])


# ---------------------------------------------------------------- missing data

XM = [[10.0, 5.0], [np.nan, 3.0], [30.0, 4.0], [20.0, np.nan]]
ALTS_M = ["A", "B", "C", "D"]


def test_missing_worst():
    r = score(XM, ALTS_M, CRIT, DIRS, W)
    assert set(r.missing) == {("B", "c1"), ("D", "c2")}
    i_b, i_d = r.position("B"), r.position("D")
    # B scored as the worst candidate on c1 (the minimum, 10); D as the worst on c2 (5)
    assert r.values[i_b, 0] == 10.0 and r.normalized[i_b, 0] == 0.0
    assert r.values[i_d, 1] == 5.0 and r.normalized[i_d, 1] == 0.0
    assert r.row(i_b).values["c1"] is None and r.row(i_b).imputed == ("c1",)
    assert any("c1" in w and "B" in w and "worst" in w for w in r.warnings)
    assert any("c2" in w and "D" in w for w in r.warnings)


def test_missing_mean():
    r = score(XM, ALTS_M, CRIT, DIRS, W, missing="mean")
    i_b, i_d = r.position("B"), r.position("D")
    assert r.values[i_b, 0] == pytest.approx(20.0)  # mean of 10, 30, 20
    assert r.values[i_d, 1] == pytest.approx(4.0)  # mean of 5, 3, 4
    assert set(r.missing) == {("B", "c1"), ("D", "c2")}
    assert any("mean" in w and "B" in w for w in r.warnings)


def test_missing_exclude_lists_state_and_criterion():
    r = score(XM, ALTS_M, CRIT, DIRS, W, missing="exclude")
    assert set(r.alternatives) == {"A", "C"}
    assert r.exclusion_reason("B") == "missing data: c1"
    assert r.exclusion_reason("D") == "missing data: c2"
    assert set(r.missing) == {("B", "c1"), ("D", "c2")}
    # normalised over the two that remain
    assert by_alt(r, r.scores) == pytest.approx({"C": 100.0, "A": 0.0})


def test_criterion_missing_everywhere_warns_and_cannot_separate():
    x = [[1.0, np.nan], [2.0, np.nan]]
    r = score(x, ["A", "B"], CRIT, DIRS, [1, 1])
    assert any("no candidate has a value" in w for w in r.warnings)
    assert np.all(np.isfinite(r.scores))
    assert r.contributions[:, 1][0] == r.contributions[:, 1][1]


# ---------------------------------------------------------------- zero spread


@pytest.mark.parametrize("method", ["wsm", "wpm", "topsis"])
@pytest.mark.parametrize("normalization", ["minmax", "zscore", "rank"])
def test_zero_spread_warns_without_division_by_zero(method, normalization):
    x = [[1.0, 7.0], [2.0, 7.0], [3.0, 7.0]]
    r = score(x, ALTS, CRIT, DIRS, [1, 1], method=method, normalization=normalization)
    assert np.all(np.isfinite(r.scores)) and np.all(np.isfinite(r.normalized))
    assert [w for w in r.warnings if w.startswith("c2:")] == [
        "c2: every candidate has the same value; it does not separate them."
    ]
    assert r.alternatives == ("C", "B", "A")


def test_every_criterion_flat_gives_one_shared_rank():
    x = [[5.0, 7.0]] * 3
    for method in ("wsm", "wpm", "topsis"):
        r = score(x, ["C", "A", "B"], CRIT, DIRS, [1, 1], method=method)
        assert list(r.ranks) == [1, 1, 1] and r.alternatives == ("A", "B", "C")
        assert len(r.warnings) == 3  # two flat criteria, and the tie they make
        assert r.warnings[-1] == ("all 3 candidates tie at rank 1: the weighted criteria do "
                                  "not separate them")


def test_single_candidate():
    r = score([[1.0, 2.0]], ["A"], CRIT, DIRS, [1, 1])
    assert list(r.ranks) == [1] and np.isfinite(r.scores[0])


# ---------------------------------------------------------------- ranks and ties


def test_ties_share_a_rank_and_list_by_code():
    x = [[3.0], [3.0], [5.0], [1.0]]
    r = score(x, ["C", "B", "A", "D"], ["c"], [HIGHER], [1])
    assert r.alternatives == ("A", "B", "C", "D")
    assert list(r.ranks) == [1, 2, 2, 4]


def test_scores_within_1e9_tie():
    scores = np.array([50.0, 80.0, 50.0 + 5e-10, 80.0 - 5e-10, 10.0])
    codes = np.array(["ZZ", "MM", "AA", "NN", "BB"])
    order, ranks = competition_ranks(scores, codes)
    assert list(codes[order]) == ["MM", "NN", "AA", "ZZ", "BB"]
    assert list(ranks) == [1, 1, 3, 3, 5]
    order, ranks = competition_ranks(np.array([1.0, 1.0 + 1e-6]), np.array(["A", "B"]))
    assert list(ranks) == [1, 2] and list(order) == [1, 0]


def test_empty_ranking():
    order, ranks = competition_ranks(np.array([]), np.array([], dtype=str))
    assert order.size == 0 and ranks.size == 0


# ---------------------------------------------------------------- validation and immutability


def test_inputs_are_not_mutated_and_result_is_read_only():
    x = np.array(XM)
    before = x.copy()
    r = score(x, ALTS_M, CRIT, DIRS, W)
    np.testing.assert_array_equal(x, before)  # NaNs still NaN, nothing imputed in place
    with pytest.raises(ValueError):
        r.scores[0] = 0
    with pytest.raises(ValueError):
        r.normalized[0, 0] = 0


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"method": "ahp"}, "method"),
        ({"normalization": "log"}, "normalisation"),
        ({"missing": "drop"}, "missing"),
    ],
)
def test_unknown_options(kwargs, match):
    with pytest.raises(InputError, match=match):
        score(X, ALTS, CRIT, DIRS, W, **kwargs)


def test_malformed_matrix_and_ids():
    with pytest.raises(InputError, match="3 x 2"):
        score([[1.0, 2.0]], ALTS, CRIT, DIRS, W)
    with pytest.raises(InputError, match="unique"):
        score(X, ["A", "A", "C"], CRIT, DIRS, W)
    with pytest.raises(InputError, match="unique"):
        score(X, ALTS, ["c1", "c1"], DIRS, [1, 1])
    with pytest.raises(InputError, match="direction"):
        score(X, ALTS, CRIT, [HIGHER, "down"], W)
    with pytest.raises(InputError, match="weights"):
        score(X, ALTS, CRIT, DIRS, [1.0])
    with pytest.raises(InputError, match="finite"):
        score([[1.0, 2.0], [np.inf, 3.0], [2.0, 2.0]], ALTS, CRIT, DIRS, W)


def test_boolean_directions_mean_lower_is_better():
    a = score(X, ALTS, CRIT, [False, True], W)
    b = score(X, ALTS, CRIT, DIRS, W)
    np.testing.assert_array_equal(a.scores, b.scores)
    for same in (np.array([False, True]), np.array(DIRS), tuple(DIRS), (np.False_, np.True_)):
        np.testing.assert_array_equal(score(X, ALTS, CRIT, same, W).scores, b.scores)


@pytest.mark.parametrize(
    "dirs", [[HIGHER], [HIGHER, LOWER, LOWER], [HIGHER, None], [True, "lower_is_better"], []]
)
def test_malformed_directions_are_input_errors(dirs):
    with pytest.raises(InputError, match="direction"):
        score(X, ALTS, CRIT, dirs, W)


def test_errors_share_one_base_class():
    assert issubclass(InputError, SiteSelectError) and issubclass(ScoringError, SiteSelectError)


def test_zero_spread_values_do_not_penalise_later_improvement():
    """Flat criteria: min-max and rank give everyone the best value, z-score the mean (0.5)."""
    x = [[4.0], [4.0], [4.0]]
    assert list(score(x, ALTS, ["c"], [HIGHER], [1]).normalized[:, 0]) == [1.0, 1.0, 1.0]
    assert list(score(x, ALTS, ["c"], [HIGHER], [1], normalization="rank").normalized[:, 0]) \
        == [1.0, 1.0, 1.0]
    z = score(x, ALTS, ["c"], [HIGHER], [1], normalization="zscore")
    assert list(z.normalized[:, 0]) == [0.5, 0.5, 0.5]
    # equal values whose computed standard deviation is a rounding residue are still flat
    x7 = [[851.59585521 * 7]] * 11
    r = score(x7, [f"S{i:02d}" for i in range(11)], ["c"], [HIGHER], [1], normalization="zscore")
    assert set(r.normalized[:, 0].tolist()) == {0.5} and len(r.warnings) == 2
    assert "tie at rank 1" in r.warnings[-1]


def test_rescoring_the_same_candidates_and_duplicate_codes():
    codes = ("A", "B", "C")
    first = score(X, codes, CRIT, DIRS, W)
    again = score(X, codes, CRIT, DIRS, [1, 3])  # same tuple: the checked codes are reused
    assert first.alternatives == ("C", "B", "A") and again.alternatives == ("B", "C", "A")
    for dup in (("A", "B", "A"), ["A", "B", "A"]):
        for _ in range(2):
            with pytest.raises(InputError, match="repeated: A"):
                score(X, dup, CRIT, DIRS, W)


def test_result_arrays_follow_the_rank_order():
    r = score(XM, ALTS_M, CRIT, DIRS, W)
    assert len(r) == 4
    for i, a in enumerate(r.alternatives):
        k = ALTS_M.index(a)
        for j in range(2):
            expected = XM[k][j]
            assert r.raw_missing[i, j] == np.isnan(expected)
            if not np.isnan(expected):
                assert r.values[i, j] == expected
        assert r.contributions[i] == pytest.approx(r.normalized[i] * 100 * np.array([0.75, 0.25]))
        assert r.position(a) == i
    with pytest.raises(ValueError):
        r.contributions[0, 0] = 1.0
    with pytest.raises(ValueError):
        r.values[0, 0] = 1.0


# ---------------------------------------------------------------- extreme magnitudes


@pytest.mark.parametrize("method", ["wsm", "wpm", "topsis"])
@pytest.mark.parametrize("normalization", ["minmax", "zscore", "rank"])
@pytest.mark.parametrize("scale", [1e-320, 1e-305, 1e-200, 1e200, 1e305])
def test_extreme_magnitudes_score_like_ordinary_ones(method, normalization, scale):
    """Every normalisation ignores a column's unit, so figures near the ends of the float range
    (squares or spreads that overflow, variances that underflow) score as ordinary figures do,
    without a numpy warning (the fixture above turns one into an error)."""
    base = np.array([[1.0, 4.0], [3.0, 2.0], [2.0, 5.0], [-1.0, 3.0]])
    codes = ["A", "B", "C", "D"]
    expected = score(base, codes, CRIT, DIRS, W, method=method, normalization=normalization)
    x = base.copy()
    x[:, 0] *= scale
    got = score(x, codes, CRIT, DIRS, W, method=method, normalization=normalization)
    # 1e-320 is subnormal: its four figures keep only a few significant digits
    tol = 1e-6 if scale < 1e-310 else 1e-9
    assert got.alternatives == expected.alternatives
    np.testing.assert_allclose(got.scores, expected.scores, rtol=0, atol=tol)
    assert got.warnings == expected.warnings


@pytest.mark.parametrize("method", ["wsm", "topsis"])
def test_figures_spanning_the_whole_float_range(method):
    x = [[1e308, 1.0], [-1e308, 2.0], [0.0, 3.0]]
    r = score(x, ["A", "B", "C"], CRIT, [HIGHER, HIGHER], [1, 0], method=method)
    assert r.alternatives == ("A", "C", "B")
    assert r.scores[0] == pytest.approx(100) and r.scores[2] == pytest.approx(0)


def test_scores_never_leave_0_to_100_through_rounding():
    # 0.1 + 0.2 + 2.2 normalised sums to 1 only up to rounding: unclipped, A scored
    # 100.00000000000001
    r = score([[1.0, 1.0, 1.0], [0.0, 0.0, 0.0]], ["A", "B"], ["a", "b", "c"], [HIGHER] * 3,
              [0.1, 0.2, 2.2])
    assert list(r.scores) == [100.0, 0.0]
    assert sum(r.row(0).contributions.values()) == pytest.approx(100.0, abs=1e-12)


def test_a_candidate_failing_several_gates_is_told_every_one():
    from siteselect.scoring import GateFailure

    x = np.array([[10.0, 1.0], [30.0, np.nan], [5.0, 9.0]])
    g1, g2 = parse_gate("c1<=20"), parse_gate("c2>=2")
    r = score(x, ["A", "B", "C"], ["c1", "c2"], [LOWER, HIGHER], [1, 1], gates=[g1, g2])
    assert r.alternatives == ("C",)
    by = {e.alternative: e for e in r.excluded}
    assert by["A"].failed_gates == (GateFailure(g2, 1.0),)
    assert by["B"].failed_gates == (GateFailure(g1, 30.0), GateFailure(g2, None))
    assert by["B"].reason == ("gate c1<=20: value 30; "
                              "gate c2>=2: value missing, cannot be checked")


def test_a_decision_matrix_is_checked_once_copied_and_read_only():
    from siteselect.scoring import DecisionMatrix, score_matrix

    src = np.array(X)
    dm = DecisionMatrix.build(src, ALTS, CRIT, DIRS)
    src[0, 0] = 999.0  # the caller's array is not the matrix's
    assert dm.values[0, 0] == 10.0 and not dm.values.flags.writeable
    with pytest.raises(ValueError):
        dm.values[0, 0] = 1.0
    r1 = score_matrix(dm, W)
    r2 = score(X, ALTS, CRIT, DIRS, W)
    assert r1.alternatives == r2.alternatives and np.array_equal(r1.scores, r2.scores)
    changed = dm.with_values([("A", "c1", 35.0)])
    assert changed.values[0, 0] == 35.0 and dm.values[0, 0] == 10.0
    assert score_matrix(changed, W).alternatives[0] == "A"
    for bad in ([("Z", "c1", 1.0)], [("A", "zz", 1.0)], [("A", "c1", float("inf"))]):
        with pytest.raises(InputError):
            dm.with_values(bad)
    with pytest.raises(InputError, match="infinite"):
        DecisionMatrix.build([[1.0, np.inf]], ["A"], CRIT, DIRS)
    with pytest.raises(InputError, match="unique"):
        DecisionMatrix.build([[1.0, 2.0], [1.0, 2.0]], ["A", "A"], CRIT, DIRS)


def test_the_dataset_builds_its_decision_matrix_once():
    from siteselect.model.dataset import load_dataset

    ds = load_dataset()
    assert ds.decision_matrix is ds.decision_matrix
    assert ds.decision_matrix.criteria == ds.criterion_ids
    assert ds.decision_matrix.alternatives == ds.states



def test_a_criterion_nobody_has_gives_no_points_and_ties_are_named():
    x = [[np.nan, 1.0], [np.nan, 1.0], [np.nan, 3.0]]  # c2: lower is better
    r = score(x, ALTS, CRIT, DIRS, [1, 1])
    assert max(r.scores) == pytest.approx(50.0)  # the empty criterion adds nothing
    assert any("no candidate has a value" in w and "gives no points" in w for w in r.warnings)
    assert any("2 candidates tie at rank 1" in w for w in r.warnings)
