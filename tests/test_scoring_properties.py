"""Properties of the scoring engine that must hold for every matrix (hypothesis)."""

from __future__ import annotations

import numpy as np
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from siteselect.scoring import HIGHER, LOWER, parse_gate, score

MAX_EXAMPLES = 80

# Figures on a 0.01 grid, as real indicators are: two different values never collapse into one
# when a column is rescaled, which arbitrary neighbouring floats could.
values = st.integers(-1_000_000, 1_000_000).map(lambda k: k / 100)


@st.composite
def problems(draw, *, allow_missing: bool = False):
    n = draw(st.integers(2, 12))
    m = draw(st.integers(1, 5))
    x = draw(arrays(np.float64, (n, m), elements=values))
    if allow_missing:
        holes = draw(arrays(np.bool_, (n, m), elements=st.booleans()))
        # keep at least one value per column so the problem stays meaningful
        holes[0] = False
        x = np.where(holes & (draw(st.integers(0, 3)) > 0), np.nan, x)
    lower = draw(arrays(np.bool_, (m,), elements=st.booleans()))
    weights = draw(arrays(np.float64, (m,), elements=st.floats(0.0, 10.0)))
    assume(weights.sum() > 1e-3)
    alts = [f"S{i:02d}" for i in draw(st.permutations(range(n)))]
    crit = [f"c{j}" for j in range(m)]
    return x, alts, crit, np.where(lower, LOWER, HIGHER), weights


def well_separated(scores: np.ndarray) -> bool:
    """No two scores so close that float rounding could move them across the 1e-9 tie line."""
    s = np.sort(scores)
    gaps = np.diff(s)
    return not np.any((gaps > 1e-12) & (gaps < 1e-7))


def ranks_by_alt(result) -> dict[str, int]:
    return {a: int(r) for a, r in zip(result.alternatives, result.ranks, strict=True)}


@settings(max_examples=MAX_EXAMPLES, deadline=None)
@given(
    problem=problems(),
    column=st.integers(0, 4),
    factor=st.floats(min_value=1e-3, max_value=1e3),
    normalization=st.sampled_from(["minmax", "zscore", "rank"]),
)
def test_unit_scale_leaves_ranks_unchanged(problem, column, factor, normalization):
    """Reporting a criterion in other units (x c, c > 0) changes no rank."""
    x, alts, crit, dirs, w = problem
    j = column % x.shape[1]
    before = score(x, alts, crit, dirs, w, normalization=normalization)
    assume(well_separated(before.scores))
    x2 = x.copy()
    x2[:, j] *= factor
    after = score(x2, alts, crit, dirs, w, normalization=normalization)
    assert ranks_by_alt(after) == ranks_by_alt(before)
    assert after.alternatives == before.alternatives
    np.testing.assert_allclose(after.scores, before.scores, atol=1e-7)


@settings(max_examples=MAX_EXAMPLES, deadline=None)
@given(
    problem=problems(),
    row=st.integers(0, 11),
    column=st.integers(0, 4),
    step=st.floats(min_value=0.0, max_value=1e4),
    normalization=st.sampled_from(["minmax", "zscore", "rank"]),
)
def test_improving_a_state_never_lowers_its_weighted_sum(problem, row, column, step,
                                                         normalization):
    x, alts, crit, dirs, w = problem
    i, j = row % x.shape[0], column % x.shape[1]
    before = score(x, alts, crit, dirs, w, normalization=normalization)
    x2 = x.copy()
    x2[i, j] += -step if dirs[j] == LOWER else step
    after = score(x2, alts, crit, dirs, w, normalization=normalization)
    a = alts[i]
    s_before = before.scores[before.position(a)]
    s_after = after.scores[after.position(a)]
    assert s_after >= s_before - 1e-9


@settings(max_examples=MAX_EXAMPLES, deadline=None)
@given(
    problem=problems(allow_missing=True),
    data=st.data(),
    method=st.sampled_from(["wsm", "wpm", "topsis"]),
    normalization=st.sampled_from(["minmax", "zscore", "rank"]),
    missing=st.sampled_from(["worst", "mean", "exclude"]),
    use_gate=st.booleans(),
)
def test_shuffling_the_input_order_changes_nothing(problem, data, method, normalization,
                                                   missing, use_gate):
    """Rows, and columns together with their weights and directions, in any order."""
    x, alts, crit, dirs, w = problem
    n, m = x.shape
    gates = [parse_gate("c0>=0")] if use_gate else []
    kwargs = {"method": method, "normalization": normalization, "missing": missing,
              "gates": gates}
    try:
        base = score(x, alts, crit, dirs, w, **kwargs)
    except Exception as exc:  # nothing left to rank: the shuffled input must fail alike
        rows = data.draw(st.permutations(range(n)))
        cols = data.draw(st.permutations(range(m)))
        try:
            score(x[np.ix_(rows, cols)], [alts[i] for i in rows], [crit[j] for j in cols],
                  dirs[cols], w[cols], **kwargs)
        except type(exc) as exc2:
            assert str(exc2) == str(exc)
            return
        raise AssertionError("the shuffled input was ranked, the original was not") from None
    assume(well_separated(base.scores))
    rows = data.draw(st.permutations(range(n)))
    cols = data.draw(st.permutations(range(m)))
    shuffled = score(x[np.ix_(rows, cols)], [alts[i] for i in rows], [crit[j] for j in cols],
                     dirs[cols], w[cols], **kwargs)

    assert shuffled.alternatives == base.alternatives
    assert list(shuffled.ranks) == list(base.ranks)
    np.testing.assert_allclose(shuffled.scores, base.scores, atol=1e-9)
    assert shuffled.weights.keys() == base.weights.keys()
    assert all(abs(shuffled.weights[c] - base.weights[c]) < 1e-12 for c in base.weights)
    assert set(shuffled.criteria) == set(base.criteria)
    for i in range(len(base)):
        r0, r1 = base.row(i), shuffled.row(i)
        assert r1.values == r0.values
        for c in base.criteria:
            assert abs(r1.contributions[c] - r0.contributions[c]) < 1e-9
            assert abs(r1.normalized[c] - r0.normalized[c]) < 1e-9
    assert [e.alternative for e in shuffled.excluded] == [e.alternative for e in base.excluded]
    def reasons(result):
        # "missing data: c1, c2" names the criteria in column order, which was shuffled
        return {(e.alternative, frozenset(e.reason.removeprefix("missing data: ").split(", ")))
                for e in result.excluded}

    assert reasons(shuffled) == reasons(base)
    assert shuffled.missing == base.missing
    assert set(shuffled.warnings) == set(base.warnings)


@settings(max_examples=MAX_EXAMPLES, deadline=None)
@given(problem=problems(allow_missing=True),
       method=st.sampled_from(["wsm", "wpm", "topsis"]),
       normalization=st.sampled_from(["minmax", "zscore", "rank"]))
def test_scores_are_finite_and_on_0_to_100(problem, method, normalization):
    x, alts, crit, dirs, w = problem
    r = score(x, alts, crit, dirs, w, method=method, normalization=normalization)
    assert np.all(np.isfinite(r.scores))
    assert np.all(r.scores >= 0) and np.all(r.scores <= 100)
    assert list(r.ranks) == sorted(r.ranks)
    assert r.ranks[0] == 1
    assert abs(sum(r.weights.values()) - 1.0) < 1e-12
