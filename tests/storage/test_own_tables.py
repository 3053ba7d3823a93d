"""Planners' tables in the scenario database: versions, pinning, removal, and the figures a
ranking then uses (real files in tmp_path, the tables read with the real reader)."""

from __future__ import annotations

from dataclasses import replace

import pytest

from siteselect.analysis import dataset_for, rank_states
from siteselect.model.criteria import level_criteria
from siteselect.model.dataset import load_dataset
from siteselect.model.owndata import read_table
from siteselect.model.scenario import Scenario
from siteselect.model.settings import ScoringSettings
from siteselect.model.tables import figures_notice, table_changes
from siteselect.storage import ScenarioStore
from tests.own_tables import write_state_table


def write_table(folder, stem, cid, values, *, label="Negotiated power quote",
                unit="cents/kWh", direction="lower", source="Utility quotes (board pack)",
                year="2026"):
    """A CSV table and its sidecar, read; ``values`` maps postal code -> text."""
    path = write_state_table(folder, stem, cid, values, label=label, unit=unit,
                             direction=direction, source=source, year=year,
                             url="https://example.org/quotes", status="final")
    table, problems = read_table(path, level_criteria("county"), name=stem)
    assert table is not None, [str(p) for p in problems]
    return table

@pytest.fixture
def store(tmp_path):
    s = ScenarioStore.open(tmp_path / "own.db")
    yield s
    s.close()


def test_import_versions_and_unchanged_reimport(store, tmp_path):
    t1 = write_table(tmp_path, "quotes", "power_quote", {"TX": "4.1", "OK": "3.9"})
    first = store.import_table(t1)
    assert first.new_version and first.stored.version == 1
    again = store.import_table(t1)
    assert not again.new_version and again.stored.version == 1
    t2 = write_table(tmp_path, "quotes", "power_quote", {"TX": "4.0", "OK": "3.9"})
    second = store.import_table(t2)
    assert second.stored.version == 2
    assert [t.version for t in store.table_versions("QUOTES")] == [1, 2]
    assert store.get_table("quotes").table().values == t2.values
    assert store.get_table("quotes", 1).table() == t1


def test_a_new_criterion_ranks_like_shipped_data(store, tmp_path):
    values = {"TX": "4.1", "OK": "3.9", "WY": "5"}
    store.import_table(write_table(tmp_path, "quotes", "power_quote", values))
    settings = ScoringSettings(weights={"power_quote": 1.0}, missing="exclude")
    ds = dataset_for(settings, [t.table() for t in store.current_tables()])
    crit = ds.criterion("power_quote")
    assert crit.group == "Your data" and crit.table == "quotes"
    assert crit.provenance.source == "Utility quotes (board pack)"
    result = rank_states(ds, settings)
    # lower is better, min-max over the three states with a figure: OK 100, TX 2/3*..., WY 0
    scores = {r.alternative: r.score for r in result.rows()}
    assert scores == pytest.approx({"OK": 100.0, "TX": 100 * (5 - 4.1) / (5 - 3.9),
                                    "WY": 0.0})


def test_a_replacement_keeps_a_saved_scenario_until_accepted(store, tmp_path):
    shipped = load_dataset()
    settings = ScoringSettings(weights={"energy_cost": 1.0})
    before = [r.alternative for r in rank_states(shipped, settings).rows()]
    v1 = write_table(tmp_path, "eia", "energy_cost",
                     {c: shipped.text(c, "industrial_price_cents_kwh") for c in shipped.states},
                     label="Energy cost", year="2024")
    store.import_table(v1)
    sc = store.save(Scenario("Board", settings=settings, tables=store.current_refs()))
    assert [r.name for r in sc.tables] == ["eia"]
    # a newer release makes Hawaii the cheapest state
    newer = {c: shipped.text(c, "industrial_price_cents_kwh") for c in shipped.states}
    newer["HI"] = "1.0"
    outcome = store.import_table(write_table(tmp_path, "eia", "energy_cost", newer,
                                             label="Energy cost", year="2025"))
    assert outcome.pinned == ("Board",)
    saved = store.get("Board")
    ds_saved = dataset_for(saved.settings, store.tables_for(saved.tables))
    assert [r.alternative for r in rank_states(ds_saved, saved.settings).rows()] == before
    changes = table_changes(saved.tables, store.current_versions())
    assert "newer figures (version 2); this scenario uses version 1" in figures_notice(changes)
    accepted, dropped = store.accept_tables("Board")
    assert dropped == []
    assert [r.version for r in accepted.tables] == [2]
    ds_new = dataset_for(accepted.settings, store.tables_for(accepted.tables))
    assert rank_states(ds_new, accepted.settings).rows()[0].alternative == "HI"
    assert ds_new.criterion("energy_cost").provenance.year == "2025"
    assert table_changes(accepted.tables, store.current_versions()) == []


def test_a_removed_table_is_kept_for_the_scenarios_that_use_it(store, tmp_path):
    store.import_table(write_table(tmp_path, "quotes", "power_quote", {"TX": "4.1", "OK": "3"}))
    refs = store.current_refs()
    for name in ("A", "B"):
        store.save(Scenario(name, settings=ScoringSettings(weights={"power_quote": 1.0}),
                            tables=refs))
    store.save(Scenario("Untouched", settings=ScoringSettings()))
    removed, users = store.remove_table("quotes")
    assert removed.version == 1 and sorted(users) == [("A", 1), ("B", 1)]
    assert store.current_tables() == []
    for name in ("A", "B"):
        sc = store.get(name)  # still readable: its weight on power_quote is known
        notice = figures_notice(table_changes(sc.tables, store.current_versions()))
        assert "“quotes” was removed; this scenario still uses its version 1" in notice
        ds = dataset_for(sc.settings, store.tables_for(sc.tables))
        assert ds.value("OK", "power_quote") == 3.0
    assert figures_notice(table_changes(store.get("Untouched").tables,
                                        store.current_versions())) == ""


def test_the_scenario_records_its_tables_in_every_revision(store, tmp_path):
    store.import_table(write_table(tmp_path, "quotes", "power_quote", {"TX": "4"}))
    sc = store.save(Scenario("Board", tables=store.current_refs()))
    store.save(replace(sc, description="second", tables=()))
    revs = store.revisions("Board")
    assert [len(r.tables) for r in revs] == [0, 1]
    restored = store.restore_revision("Board", 1)
    assert [r.name for r in restored.tables] == ["quotes"]
