"""Planner settings and the glue that scores the shipped dataset with them."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from siteselect.analysis import overridden, rank_states, validate_settings
from siteselect.errors import InputError
from siteselect.model.criteria import default_weights
from siteselect.model.dataset import load_dataset
from siteselect.model.settings import Override, ScoringSettings, parse_gates, parse_weights
from siteselect.scoring import Gate


@pytest.fixture(scope="module")
def ds():
    return load_dataset()


def test_parse_weights():
    assert parse_weights("energy_cost=3, talent=1.5,") == {"energy_cost": 3.0, "talent": 1.5}
    assert parse_weights("energy_cost=0,talent=2") == {"energy_cost": 0.0, "talent": 2.0}


@pytest.mark.parametrize(
    ("text", "needle"),
    [("energy_cost", "ID=WEIGHT"), ("energy_cost=x", "number"), ("energy_cost=-2", "negative"),
     ("energy_cost=nan", "finite"), ("energy_cost=inf", "finite"), ("", "No weights"),
     ("energy_cost=1,energy_cost=2", "twice")],
)
def test_parse_weights_errors(text, needle):
    with pytest.raises(InputError, match=needle):
        parse_weights(text)


def test_settings_validate_and_copy():
    points = {"energy_cost": 2.0}
    s = ScoringSettings(weights=points, exclude=("TX", "CA", "TX"))
    points["energy_cost"] = 9.0
    assert s.weights == {"energy_cost": 2.0}  # copied on construction
    assert s.exclude == ("CA", "TX")
    assert s.with_weight("talent", 1).weights == {"energy_cost": 2.0, "talent": 1}
    assert s.weights == {"energy_cost": 2.0}
    with pytest.raises(dataclasses.FrozenInstanceError):
        s.method = "wpm"  # type: ignore[misc]
    for bad in ({"method": "ahp"}, {"normalization": "log"}, {"missing": "drop"},
                {"weights": {"energy_cost": -1}}, {"weights": {"energy_cost": float("nan")}}):
        with pytest.raises(InputError):
            ScoringSettings(**bad)
    assert hash(ScoringSettings()) == hash(ScoringSettings())
    assert parse_gates(["energy_cost<=9"]) == (Gate("energy_cost", "<=", 9.0),)


def test_default_settings_rank_every_state(ds):
    r = rank_states(ds, ScoringSettings())
    assert len(r) == 51 and r.excluded == ()
    weighted = {c: w for c, w in default_weights().items() if w > 0}
    assert set(r.criteria) == set(weighted)
    assert sum(r.weights.values()) == pytest.approx(1.0)
    assert list(r.ranks) == sorted(r.ranks)


def test_disabled_criterion_takes_no_part(ds):
    s = ScoringSettings(disabled=frozenset({"energy_cost"}))
    r = rank_states(ds, s)
    assert "energy_cost" not in r.criteria
    assert s.weights["energy_cost"] == default_weights()["energy_cost"]  # restored on re-enable


def test_overrides_change_a_copy_only(ds):
    before = rank_states(ds, ScoringSettings(weights={"energy_cost": 1}))
    wy = before.values[before.position("WY"), 0]
    s = ScoringSettings(weights={"energy_cost": 1},
                        overrides=(Override("TX", "energy_cost", 1.0, "what-if"),))
    after = rank_states(ds, s)
    assert after.alternatives[0] == "TX"
    assert after.values[0, 0] == 1.0
    assert ds.value("TX", "energy_cost") == 6.26  # the dataset is untouched
    assert after.values[after.position("WY"), 0] == wy
    assert overridden(s) == {("TX", "energy_cost")}


@pytest.mark.parametrize(
    "settings",
    [
        ScoringSettings(weights={"energy_kost": 1}),
        ScoringSettings(disabled=frozenset({"nope"})),
        ScoringSettings(gates=(Gate("nope", "<", 1),)),
        ScoringSettings(exclude=("XX",)),
        ScoringSettings(overrides=(Override("ZZ", "energy_cost", 1.0),)),
        ScoringSettings(overrides=(Override("TX", "nope", 1.0),)),
        ScoringSettings(overrides=(Override("TX", "energy_cost", float("inf")),)),
    ],
)
def test_invalid_settings_are_named(ds, settings):
    with pytest.raises(InputError) as info:
        validate_settings(ds, settings)
    assert any(word in str(info.value) for word in ("nope", "energy_kost", "XX", "ZZ", "number"))


def test_same_ranking_as_calling_the_engine_directly(ds):
    from siteselect.scoring import score

    ids = ds.criterion_ids
    weights = [default_weights()[c] for c in ids]
    direct = score(ds.matrix(ids), list(ds.states), ids, [c.direction for c in ds.criteria],
                   weights)
    via = rank_states(ds, ScoringSettings())
    assert direct.alternatives == via.alternatives
    np.testing.assert_array_equal(direct.scores, via.scores)


def test_repeated_gates_and_what_ifs_are_refused_by_position():
    import pytest

    from siteselect.errors import InputError
    from siteselect.model.scenario import settings_from_dict, settings_to_dict

    data = settings_to_dict(ScoringSettings())
    gate = {"criterion": "energy_cost", "op": "<=", "threshold": 9.0}
    data["gates"] = [gate, dict(gate)]
    data["overrides"] = [{"state": "TX", "criterion": "energy_cost", "value": 5.0},
                         {"state": "tx", "criterion": "energy_cost", "value": 4.0}]
    with pytest.raises(InputError) as info:
        settings_from_dict(data, "doc.json")
    msg = info.value.message
    assert "gate 2 repeats gate 1" in msg
    assert "override 2 gives TX energy_cost a second what-if value (override 1" in msg
    data["overrides"] = []
    data["gates"] = [{"criterion": "energy_cost", "op": "<=", "threshold": float(t)}
                     for t in range(300)]
    with pytest.raises(InputError, match="300 gates; at most 200"):
        settings_from_dict(data, "doc.json")
