"""How the weights were derived: kept with the settings, stored in SQLite, carried by the
scenario file, shown by ``scenario show``, and cleared when a weight is changed by hand."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest

from siteselect.cli import main
from siteselect.derived_weights import with_shares
from siteselect.errors import InputError
from siteselect.model.dataset import load_dataset
from siteselect.model.scenario import (
    Scenario,
    ScenarioProblems,
    settings_from_dict,
    settings_to_dict,
)
from siteselect.model.settings import ScoringSettings, WeightOrigin
from siteselect.storage import ScenarioStore
from siteselect.storage.exchange import document_to_scenario, dumps, parse_document

SHARES = {"energy_cost": 0.6483, "talent": 0.2297, "tax_incentives": 0.1220}
AHP = WeightOrigin("ahp", tuple(SHARES.items()),
                   ("energy_cost>talent=3", "energy_cost>tax_incentives=5",
                    "talent>tax_incentives=2"), 0.0032)


@pytest.fixture(scope="module")
def ds():
    return load_dataset()


def derived(ds, origin=AHP) -> ScoringSettings:
    return with_shares(ds, ScoringSettings(), dict(origin.shares), origin=origin)


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_origin_is_kept_while_the_weights_are_the_derived_ones(ds):
    s = derived(ds)
    assert s.weights_method == "ahp"
    assert s.weights["energy_cost"] == 64.8 and s.weights["regulation"] == 0.0
    # Another choice (method) keeps it; any change to a weight, or disabling a derived
    # criterion, makes the weights the planner's own.
    assert replace(s, method="topsis").weights_origin == AHP
    assert s.with_weight("talent", 23.1).weights_origin is None
    assert s.with_weight("regulation", 1.0).weights_method == "manual"
    assert replace(s, disabled=frozenset({"talent"})).weights_origin is None
    assert replace(s, disabled=frozenset({"regulation"})).weights_origin == AHP


def test_origin_round_trips_through_the_settings_dict(ds):
    for origin in (AHP, WeightOrigin("roc", (("talent", 0.6111), ("energy_cost", 0.2778),
                                             ("tax_incentives", 0.1111))),
                   WeightOrigin("critic", tuple(SHARES.items()), states=48)):
        s = derived(ds, origin)
        data = json.loads(json.dumps(settings_to_dict(s)))
        assert data["weights_origin"]["method"] == origin.method
        back = settings_from_dict(data)
        assert back == s and back.weights_origin == origin
    # Manual weights write no origin at all (files of earlier releases look the same).
    assert "weights_origin" not in settings_to_dict(ScoringSettings())


def test_origin_of_other_weights_is_dropped_on_reading(ds):
    data = settings_to_dict(derived(ds))
    data["weights"]["talent"] = 30.0  # edited by hand since
    assert settings_from_dict(data).weights_origin is None


@pytest.mark.parametrize("origin, needle", [
    ({"version": 2, "method": "ahp"}, "weights_origin version 2 is not supported"),
    ({"version": 1, "method": "guess"}, "unknown method 'guess'"),
    ({"version": 1, "method": "roc", "criteria": ["energy_cost", "nope"], "shares": [0.7, 0.3]},
     "unknown criterion 'nope'"),
    ({"version": 1, "method": "roc", "criteria": ["energy_cost"], "shares": [0.7, 0.3]},
     "lists of the same length"),
    ({"version": 1, "method": "roc", "criteria": ["energy_cost", "talent"],
      "shares": [1e308 * 10, 0.3]}, "a share must be a number from 0 to 1"),
    ({"version": 1, "method": "ahp", "criteria": ["energy_cost", "talent"], "shares": [0.75, 0.25],
      "judgments": ["energy_cost>talent=30"]}, "outside Saaty's scale"),
    ({"version": 1, "method": "ahp", "criteria": ["energy_cost", "talent"], "shares": [0.75, 0.25],
      "judgments": ["x" * 5000]}, "at most 200 characters"),
    ({"version": 1, "method": "ahp", "criteria": ["energy_cost", "talent"], "shares": [0.75, 0.25],
      "judgments": ["energy_cost>talent=3"] * 201}, "at most 200 texts"),
    ({"version": 1, "method": "ahp", "criteria": ["energy_cost", "talent"], "shares": [0.75, 0.25],
      "judgments": ["energy_cost>regulation=3"]}, "not among the criteria"),
    ({"version": 1, "method": "entropy", "criteria": ["energy_cost", "talent"],
      "shares": [0.75, 0.25], "states": 10**40}, "states must be a whole number"),
    ({"version": 1, "method": "roc", "criteria": ["energy_cost", "talent"],
      "shares": [0.75, 0.25], "judgments": []}, "unknown field(s) 'judgments'"),
])
def test_scenario_file_with_a_bad_origin_is_refused_naming_it(ds, origin, needle):
    doc = json.loads(dumps(Scenario("Shared", derived(ds))))
    doc["settings"]["weights_origin"] = origin
    with pytest.raises(ScenarioProblems) as err:
        document_to_scenario(json.loads(json.dumps(doc)), "shared.json")
    assert needle in err.value.message


def test_origin_survives_sqlite_revisions_and_the_scenario_file(ds, tmp_path):
    s = derived(ds)
    with ScenarioStore.open(tmp_path / "a.db") as store:
        store.save(Scenario("Board", s))
        store.save(Scenario("Board", s.with_weight("talent", 10.0)))
        assert store.get("Board").settings.weights_origin is None
        assert store.get_revision("Board", 1).settings.weights_origin == AHP
        store.restore_revision("Board", 1)
        text = store.export_json("Board")
    with ScenarioStore.open(tmp_path / "a.db") as store:
        assert store.get("Board").settings.weights_origin == AHP
    doc = parse_document(json.dumps(text))
    assert doc["settings"]["weights_origin"]["judgments"][0] == "energy_cost>talent=3"
    with ScenarioStore.open(tmp_path / "b.db") as other:
        assert other.import_document(doc).settings.weights_origin == AHP


def test_cli_save_weights_from_the_weights_command_and_show(capsys, tmp_path):
    db = str(tmp_path / "s.db")
    code, out, _ = run(capsys, "weights", "roc", "talent", "energy_cost", "tax_incentives",
                       "--format", "json")
    assert code == 0
    wfile = tmp_path / "w.json"
    wfile.write_text(out, encoding="utf-8")
    assert run(capsys, "scenario", "save", "Talent", "--weights-from", str(wfile),
               "--db", db)[0] == 0
    code, out, _ = run(capsys, "scenario", "show", "Talent", "--db", db)
    assert "Weights derived    Derived from a ranking of the criteria (rank-order centroid " \
           "weights), most important first: talent > energy_cost > tax_incentives." in out
    assert "talent=61.1" in out
    code, out, _ = run(capsys, "scenario", "show", "Talent", "--db", db, "--format", "json")
    origin = json.loads(out)["settings"]["weights_origin"]
    assert origin["method"] == "roc"
    assert origin["criteria"] == ["talent", "energy_cost", "tax_incentives"]
    # A later save that leaves the weights alone keeps the record; a weight set by hand
    # clears it back to manual.
    run(capsys, "scenario", "save", "Talent", "--description", "v2", "--db", db)
    assert "rank-order centroid" in run(capsys, "scenario", "show", "Talent", "--db", db)[1]
    run(capsys, "scenario", "save", "Talent", "--weights", "talent=50,energy_cost=50",
        "--db", db)
    assert "by hand (manual)" in run(capsys, "scenario", "show", "Talent", "--db", db)[1]


def test_cli_save_weights_from_ahp_keeps_the_judgments_and_cr(capsys, tmp_path):
    db = str(tmp_path / "s.db")
    code, out, _ = run(capsys, "weights", "ahp", "--judgment", "energy_cost>talent=3",
                       "energy_cost>tax_incentives=5", "talent>tax_incentives=2",
                       "--format", "json")
    (tmp_path / "w.json").write_text(out, encoding="utf-8")
    run(capsys, "scenario", "save", "AHP", "--weights-from", str(tmp_path / "w.json"),
        "--db", db)
    with ScenarioStore.open(db) as store:
        origin = store.get("AHP").settings.weights_origin
    assert origin.method == "ahp" and origin.judgments[1] == "energy_cost>tax_incentives=5"
    assert origin.cr == pytest.approx(json.loads(out)["cr"])


@pytest.mark.parametrize("content, needle", [
    ('{"method": "roc", "weights": [{"id": "energy_cost", "weight": 0.5}, '
     '{"id": "bogus", "weight": 0.5}]}', "unknown criterion 'bogus'"),
    ('{"method": "roc", "weights": [{"id": "energy_cost", "weight": 0.9}, '
     '{"id": "talent", "weight": 0.5}]}', "add up to 1.4000"),
    ('[1, 2]', "expected an object with method and weights"),
    ('{"method": "ahp", "weights": [{"id": "energy_cost", "weight": 0.5}, '
     '{"id": "talent", "weight": 0.5}], "judgments": ["energy_cost>talent=0"]}',
     "outside Saaty's scale"),
    ('{"method": "roc", "weights": ', "not valid JSON"),
])
def test_cli_save_weights_from_a_bad_file_says_what_is_wrong(capsys, tmp_path, content, needle):
    wfile = tmp_path / "w.json"
    wfile.write_text(content, encoding="utf-8")
    code, out, err = run(capsys, "scenario", "save", "X", "--weights-from", str(wfile),
                         "--db", str(tmp_path / "s.db"))
    assert code == 2 and needle in err
    assert not (tmp_path / "s.db").exists()


def test_cli_save_refuses_weights_and_weights_from_together(capsys, tmp_path):
    wfile = tmp_path / "w.json"
    wfile.write_text("{}", encoding="utf-8")
    code, _, err = run(capsys, "scenario", "save", "X", "--weights", "energy_cost=1",
                       "--weights-from", str(wfile), "--db", str(tmp_path / "s.db"))
    assert code == 2 and "either --weights or --weights-from" in err


def test_weight_origin_validates_its_own_fields():
    with pytest.raises(InputError):
        WeightOrigin("manual", (("energy_cost", 1.0),))
    with pytest.raises(InputError):
        WeightOrigin("roc", (("energy_cost", 1.0),), judgments=("energy_cost>talent=3",))
