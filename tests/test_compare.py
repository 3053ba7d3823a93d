"""compare(): rank changes, top-N entries and exits, exclusions and weight differences."""

from __future__ import annotations

import numpy as np
import pytest

from siteselect.analysis import rank_states
from siteselect.compare import ENTERED, LEFT, OUTSIDE, STAYED, compare, comparison_record
from siteselect.model.dataset import load_dataset
from siteselect.model.settings import ScoringSettings
from siteselect.scoring import Gate, score

STATES = ["AA", "BB", "CC", "DD", "EE"]
# cost (lower is better), talent (higher is better)
MATRIX = np.array([
    [1.0, 10.0],   # AA: cheapest, little talent
    [2.0, 40.0],
    [3.0, 30.0],
    [4.0, 50.0],   # DD: most talent
    [5.0, np.nan],
])
DIRS = ["lower_is_better", "higher_is_better"]


def run(weights, **kw):
    return score(MATRIX, STATES, ["cost", "talent"], DIRS, weights, **kw)


def test_rank_change_is_positive_when_a_state_moves_up():
    a = run([1, 0])  # by cost alone: AA BB CC DD EE
    b = run([0, 1])  # by talent alone: DD BB CC AA, EE worst (missing -> worst)
    assert list(a.alternatives) == ["AA", "BB", "CC", "DD", "EE"]
    assert list(b.alternatives)[:4] == ["DD", "BB", "CC", "AA"]
    cmp = compare(a, b, top_n=2)
    dd = cmp.state("DD")
    assert (dd.rank_a, dd.rank_b, dd.rank_change) == (4, 1, 3)
    aa = cmp.state("AA")
    assert aa.rank_change == -3
    assert cmp.state("BB").rank_change == 0
    assert dd.score_change == pytest.approx(dd.score_b - dd.score_a)
    assert [s.state for s in cmp.states][:2] == ["DD", "BB"]  # in B's order


def test_entered_and_left_top_n():
    cmp = compare(run([1, 0]), run([0, 1]), top_n=2)
    assert cmp.entered == ("DD",)
    assert cmp.left == ("AA",)
    assert cmp.state("BB").top_status == STAYED
    assert cmp.state("CC").top_status == OUTSIDE
    assert cmp.state("DD").top_status == ENTERED and cmp.state("AA").top_status == LEFT


def test_excluded_in_one_or_both():
    a = run([1, 1], exclude=["CC"])
    b = run([1, 1], exclude=["CC"], gates=[Gate("cost", "<=", 4)])
    cmp = compare(a, b, top_n=3, states=STATES + ["FF"])
    cc, ee, ff = cmp.state("CC"), cmp.state("EE"), cmp.state("FF")
    assert cc.excluded_in == "both" and cc.rank_change is None
    assert ee.excluded_in == "B" and ee.rank_a is not None and ee.rank_b is None
    assert "cost<=4" in ee.excluded_b
    assert ff.rank_a is None and ff.rank_b is None and ff.excluded_in == ""
    assert [s.state for s in cmp.states][-3:] == ["EE", "CC", "FF"]


def test_weight_and_setting_differences():
    a = run([3, 1])
    b = run([1, 1], method="topsis")
    cmp = compare(a, b)
    w = {x.criterion: x for x in cmp.weights}
    assert w["cost"].weight_a == pytest.approx(0.75) and w["cost"].weight_b == pytest.approx(0.5)
    assert w["cost"].change == pytest.approx(-0.25)
    assert w["talent"].change == pytest.approx(0.25)
    assert ("method", "wsm", "topsis") in cmp.settings
    rec = comparison_record(cmp, "A", "B", {"AA": "Alpha"})
    assert rec["settings"][0] == {"field": "method", "a": "wsm", "b": "topsis"}
    assert ("normalization", "minmax", "vector") in cmp.settings  # TOPSIS normalises itself
    aa = next(s for s in rec["states"] if s["state"] == "AA")
    assert aa["name"] == "Alpha"


def test_same_ranking_changes_nothing_on_the_real_data():
    ds = load_dataset()
    r = rank_states(ds, ScoringSettings())
    cmp = compare(r, r, top_n=10, states=ds.states)
    assert len(cmp.states) == len(ds.states)
    assert all(s.rank_change == 0 for s in cmp.states)
    assert cmp.entered == () and cmp.left == ()
    assert all(w.change == 0 for w in cmp.weights)


def test_top_n_must_be_positive():
    with pytest.raises(ValueError):
        compare(run([1, 0]), run([0, 1]), top_n=0)


def test_states_ranked_on_one_side_only_say_why_in_words():
    ds = load_dataset()
    a = rank_states(ds, ScoringSettings(gates=(Gate("energy_cost", "<=", 9.0),),
                                        exclude=("TX",)))
    b = rank_states(ds, ScoringSettings())
    cmp = compare(a, b, top_n=10, states=ds.states)
    from siteselect.compare import change_text, difference_lines

    gated = next(s for s in cmp.states if s.exclusion_a is not None
                 and s.exclusion_a.failed_gates)
    assert gated.ranked_in == "B" and gated.rank_change is None
    text = change_text(ds, gated)
    assert text.startswith("ranked in B only (gated in A: Energy cost (industrial) \u2264 9")
    assert "cents/kWh (is " in text
    assert change_text(ds, cmp.state("TX")) == "ranked in B only (excluded in A by the planner)"
    both = next(s for s in cmp.states if s.ranked_in == "both" and s.rank_change)
    assert change_text(ds, both) == f"{both.rank_change:+d}"
    lines = difference_lines(ds, cmp)
    assert "Gates in A only: Energy cost (industrial) \u2264 9.00 cents/kWh" in lines
    assert "Excluded in A only: Texas" in lines
    assert any(line.startswith("Ranked in one only: 0 states in A only") for line in lines)
    # Swapped: the same words from the other side.
    back = compare(b, a, top_n=10, states=ds.states)
    assert change_text(ds, back.state("TX")) == "ranked in A only (excluded in B by the planner)"
    assert "Gates in B only: Energy cost (industrial) \u2264 9.00 cents/kWh" in difference_lines(
        ds, back)
    # Same settings: nothing but weights differs.
    assert difference_lines(ds, compare(b, b, states=ds.states)) == []


def test_method_differences_are_worded():
    ds = load_dataset()
    a = rank_states(ds, ScoringSettings(method="topsis"))
    b = rank_states(ds, ScoringSettings())
    from siteselect.compare import difference_lines

    lines = difference_lines(ds, compare(a, b, states=ds.states), a.method, b.method)
    assert "Method: TOPSIS (closeness to the ideal) in A, weighted sum in B" in lines
    assert "Normalisation: vector normalisation in A, min-max scaling in B" in lines
