"""A saved scenario keeps its last sensitivity run: summary, SQLite (with a migration for older
files), revisions, the scenario file, and `scenario show` saying current or stale."""

from __future__ import annotations

import json
import sqlite3
from dataclasses import replace

import numpy as np
import pytest

from siteselect.analysis import rank_states
from siteselect.cli import main
from siteselect.model.dataset import load_dataset
from siteselect.model.scenario import Scenario, ScenarioProblems
from siteselect.model.sensitivity_summary import (
    summarise,
    summary_problems,
    summary_to_dict,
)
from siteselect.model.settings import ScoringSettings
from siteselect.scoring.sensitivity import monte_carlo, stability_intervals
from siteselect.storage import ScenarioStore
from siteselect.storage.exchange import document_to_scenario, dumps
from siteselect.storage.migrations import MIGRATIONS, apply_migration

SETTINGS = ScoringSettings(weights={"energy_cost": 3.0, "talent": 1.0, "tax_incentives": 1.0})


@pytest.fixture(scope="module")
def run():
    ds = load_dataset()
    result = rank_states(ds, SETTINGS)
    mc = monte_carlo(result, draws=3000, seed=11, top_k=5)
    stab = stability_intervals(result, top_k=5)
    return ds, result, mc, stab, summarise(mc, stab, SETTINGS, ds.version, result.method,
                                           result.normalization)


def test_summary_keeps_every_number_and_rebuilds_the_run(run):
    ds, result, mc, stab, s = run
    back = summary_problems(json.loads(json.dumps(summary_to_dict(s))), problems := [])
    assert problems == [] and back == s
    assert s.has_acceptability and s.is_current(SETTINGS, ds.version)
    again = back.monte_carlo()
    assert again.alternatives == mc.alternatives
    for name in ("base_rank", "rank_min", "rank_max", "rank_p05", "rank_p95", "p_top_k",
                 "p_first"):
        assert np.array_equal(getattr(again, name), getattr(mc, name)), name
    assert np.allclose(again.acceptability, mc.acceptability, atol=0, rtol=1e-12)
    assert back.stability_intervals() == [replace(x, top1=x.top1, top_k=x.top_k) for x in stab]
    # Stale for other settings or another dataset; not for another way of deriving them.
    assert not s.is_current(SETTINGS.with_weight("talent", 2.0), ds.version)
    assert not s.is_current(SETTINGS, "2099-other")


def test_saved_run_is_kept_per_revision_and_survives_reopening(run, tmp_path):
    ds, *_, s = run
    path = tmp_path / "s.db"
    with ScenarioStore.open(path) as store:
        store.save(Scenario("Board", SETTINGS, dataset_version=ds.version, sensitivity=s))
        store.save(Scenario("Board", SETTINGS.with_weight("talent", 2.0)))
    with ScenarioStore.open(path) as store:
        assert store.get("Board").sensitivity is None
        assert store.get_revision("Board", 1).sensitivity == s
        restored = store.restore_revision("Board", 1)
        assert restored.sensitivity == s
        assert store.get("Board").sensitivity == s
        gone = store.delete("Board")
        store.restore_deleted(gone)
        assert store.get("Board").sensitivity == s


def test_an_older_database_gains_the_column_and_keeps_its_scenarios(tmp_path):
    path = tmp_path / "old.db"
    conn = sqlite3.connect(path)
    import sqlite_utils

    db = sqlite_utils.Database(conn)
    for name, _fn in MIGRATIONS[:3]:
        with conn:
            apply_migration(db, name)
    conn.close()
    with ScenarioStore.open(path) as store:
        assert store.schema_version() == len(MIGRATIONS)
        assert store.get("Balanced").sensitivity is None
        cols = {r[1] for r in store._db.execute("PRAGMA table_info(revisions)")}
        assert "sensitivity" in cols


def test_an_unreadable_stored_run_does_not_hide_the_scenario(run, tmp_path):
    ds, *_, s = run
    path = tmp_path / "s.db"
    with ScenarioStore.open(path) as store:
        store.save(Scenario("Board", SETTINGS, sensitivity=s))
    conn = sqlite3.connect(path)
    with conn:
        conn.execute("UPDATE scenarios SET sensitivity = '{\"version\": 9}'")
    conn.close()
    with ScenarioStore.open(path) as store:
        sc = store.get("Board")
    assert sc.settings == SETTINGS and sc.sensitivity is None


def test_scenario_file_round_trips_the_run(run):
    *_, s = run
    doc = json.loads(dumps(Scenario("Board", SETTINGS, sensitivity=s)))
    assert doc["sensitivity"]["draws"] == 3000
    assert document_to_scenario(doc).sensitivity == s


@pytest.mark.parametrize("change, needle", [
    (lambda d: d.update(draws=10**12), "draws must be a whole number"),
    (lambda d: d["alternatives"][0].update(rank_max=999), "ranks must be whole numbers"),
    (lambda d: d["alternatives"][0].update(p_top_k=1.5), "chances must be numbers from 0 to 1"),
    (lambda d: d["alternatives"][0].update(counts=[1] * 3), "adding up to the 3,000 draws"),
    (lambda d: d["alternatives"][1].update(code=d["alternatives"][0]["code"]), "repeated code"),
    (lambda d: d["stability"]["criteria"][0].update(top1=[0.9, 0.1]), "stability entry"),
    (lambda d: d.update(alternatives=[]), "a list of 1 to 20,000 entries"),
    (lambda d: d.update(surprise=1), "unknown field(s) 'surprise'"),
])
def test_scenario_file_with_a_bad_run_is_refused_naming_it(run, change, needle):
    *_, s = run
    doc = json.loads(dumps(Scenario("Board", SETTINGS, sensitivity=s)))
    change(doc["sensitivity"])
    with pytest.raises(ScenarioProblems) as err:
        document_to_scenario(doc, "shared.json")
    assert needle in err.value.message and "sensitivity" in err.value.message


def test_cli_save_keeps_a_run_and_show_says_current_then_stale(capsys, tmp_path):
    db = str(tmp_path / "s.db")
    assert main(["scenario", "save", "Board", "--weights", "energy_cost=3,talent=1",
                 "--sensitivity", "--draws", "500", "--seed", "4", "--top-k", "5",
                 "--db", db]) == 0
    capsys.readouterr()
    main(["scenario", "show", "Board", "--db", db])
    out = capsys.readouterr().out
    assert "Sensitivity run    current: 500 weight draws" in out and "seed 4, top 5" in out
    main(["scenario", "show", "Board", "--db", db, "--format", "json"])
    rec = json.loads(capsys.readouterr().out)["sensitivity"]
    assert rec["current"] is True and rec["seed"] == 4 and len(rec["alternatives"]) == 51
    main(["scenario", "save", "Board", "--method", "topsis", "--db", db])
    capsys.readouterr()
    main(["scenario", "show", "Board", "--db", db])
    assert "Sensitivity run    STALE (the settings changed since)" in capsys.readouterr().out
    assert main(["scenario", "save", "Board", "--draws", "5", "--db", db]) == 2
    assert "--draws applies to a sensitivity run" in capsys.readouterr().err
