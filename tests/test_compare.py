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
