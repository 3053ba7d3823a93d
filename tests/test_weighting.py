"""Weights from judgments: AHP, rank order, entropy and CRITIC, against published values."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from siteselect.analysis import rank_states
from siteselect.errors import InputError
from siteselect.model.dataset import load_dataset
from siteselect.model.settings import ScoringSettings
from siteselect.scoring.sensitivity import Problem
from siteselect.scoring.weighting import (
    RANDOM_INDEX,
    Judgment,
    ahp,
    critic_weights,
    entropy_weights,
    parse_judgment,
    rank_order_centroid,
    rank_sum,
)


def _judgments(items, a):
    return [Judgment(items[i], items[k], float(a[i][k]))
            for i, k in itertools.combinations(range(len(items)), 2)]


def test_ahp_reproduces_the_textbook_three_by_three_example():
    # The common worked example: A moderately (3) more important than B, strongly (5) than C,
    # B moderately (3) than C -> weights 0.637, 0.258, 0.105; lambda-max 3.039; CR 0.033.
    items = ("A", "B", "C")
    r = ahp(items, [parse_judgment("A>B=3"), parse_judgment("A>C=5"),
                    parse_judgment("B>C=3")])
    assert r.weights == pytest.approx([0.6370, 0.2583, 0.1047], abs=5e-4)
    assert r.lambda_max == pytest.approx(3.0385, abs=5e-4)
    assert r.ci == pytest.approx(0.0193, abs=2e-4)
    assert r.cr == pytest.approx(0.033, abs=1e-3)
    assert r.random_index == RANDOM_INDEX[3] == 0.58
    assert r.consistent


def test_ahp_agrees_with_pymcdm_on_an_inconsistent_matrix():
    from pymcdm.weights.subjective import AHP

    items = tuple("ABCDE")
    a = np.array([[1, 3, 7, 1 / 2, 5], [1 / 3, 1, 3, 1 / 5, 1], [1 / 7, 1 / 3, 1, 1 / 9, 1 / 3],
                  [2, 5, 9, 1, 7], [1 / 5, 1, 3, 1 / 7, 1]])
    r = ahp(items, _judgments(items, a))
    oracle = AHP(matrix=a)
    assert r.weights == pytest.approx(oracle(), abs=1e-9)
    lam = max(np.linalg.eigvals(a).real)
    assert r.lambda_max == pytest.approx(lam, abs=1e-9)
    assert r.cr == pytest.approx((lam - 5) / 4 / 1.12, abs=1e-9)


def test_a_consistent_matrix_has_exact_weights_and_no_worst_judgment():
    w = np.array([0.4, 0.3, 0.2, 0.1])
    items = ("a", "b", "c", "d")
    r = ahp(items, _judgments(items, w[:, None] / w[None, :]))
    assert r.weights == pytest.approx(w, abs=1e-12)
    assert r.cr == pytest.approx(0.0, abs=1e-12)
    assert r.worst is None


def test_the_planted_bad_judgment_is_named_with_the_value_that_fits():
    # Consistent weights 8:4:2:1 on the Saaty scale, except c>a=2 where a>c=4 fits.
    w = np.array([8.0, 4.0, 2.0, 1.0])
    items = ("a", "b", "c", "d")
    a = w[:, None] / w[None, :]
    a[0, 2], a[2, 0] = 1 / 2, 2
    r = ahp(items, _judgments(items, a))
    assert not r.consistent and r.cr > 0.10
    assert {r.worst.a, r.worst.b} == {"a", "c"}
    assert r.suggested == pytest.approx(4.0)
    assert r.cr_if_changed == pytest.approx(0.0, abs=1e-9)


def test_incomplete_or_malformed_judgments_are_refused_naming_the_pairs():
    with pytest.raises(InputError, match=r"2 pair\(s\) not judged: A/C, B/C"):
        ahp(("A", "B", "C"), [parse_judgment("A>B=3")])
    with pytest.raises(InputError, match="judged twice"):
        ahp(("A", "B"), [parse_judgment("A>B=3"), parse_judgment("B>A=2")])
    with pytest.raises(InputError, match="not being weighted"):
        ahp(("A", "B"), [parse_judgment("A>Z=3")])
    for bad in ("A>B=10", "A>B=0.5", "A>B", "A>B=x", "A>A=3", ">B=3"):
        with pytest.raises(InputError):
            parse_judgment(bad)
    assert parse_judgment("A<B=3") == Judgment("A", "B", 1 / 3)
    assert parse_judgment("A=B") == Judgment("A", "B", 1.0)


def test_rank_order_weights():
    assert rank_order_centroid(4) == pytest.approx([0.5208, 0.2708, 0.1458, 0.0625], abs=1e-4)
    assert rank_sum(4) == pytest.approx([0.4, 0.3, 0.2, 0.1])
    for n in (1, 2, 7, 25):
        assert rank_order_centroid(n).sum() == pytest.approx(1.0)
        assert rank_sum(n).sum() == pytest.approx(1.0)
        assert np.all(np.diff(rank_order_centroid(n)) <= 0)
    with pytest.raises(InputError):
        rank_sum(0)


@pytest.fixture(scope="module")
def scored():
    ds = load_dataset()
    result = rank_states(ds, ScoringSettings())
    return Problem.from_result(result), np.asarray(result._values)


def test_entropy_and_critic_match_pymcdm_on_the_shipped_figures(scored):
    from pymcdm.weights import critic_weights as oracle_critic
    from pymcdm.weights import entropy_weights as oracle_entropy

    problem, x = scored
    crit = problem.criteria
    nonneg = [j for j in range(x.shape[1]) if (x[:, j] > 0).all()]
    assert len(nonneg) >= 4
    xe = x[:, nonneg]
    assert entropy_weights(xe, [crit[j] for j in nonneg]) == pytest.approx(
        oracle_entropy(xe), abs=1e-12)
    assert critic_weights(x, crit) == pytest.approx(oracle_critic(x), abs=1e-12)


def test_entropy_refuses_negative_figures_and_both_refuse_missing_ones(scored):
    problem, x = scored
    neg = [problem.criteria[j] for j in range(x.shape[1]) if (x[:, j] <= 0).any()]
    assert neg
    with pytest.raises(InputError, match=neg[0]):
        entropy_weights(x, problem.criteria)
    y = np.abs(x.copy()) + 1
    y[3, 1] = np.nan
    with pytest.raises(InputError, match=f"missing for: {problem.criteria[1]}"):
        entropy_weights(y, problem.criteria)
    with pytest.raises(InputError, match="spread"):
        critic_weights(np.ones((5, 2)), ["a", "b"])
