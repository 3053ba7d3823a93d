"""Importing a planner's table end to end: read, check and land it in the scenario database
(`siteselect data import` does exactly this), then rank with it.

Targets from the product spec: 51 rows x 20 criteria validate and land in under 0.5 s; 3,142
rows (counties) in under 2 s.  Run with ``uv run pytest tests/benchmarks -m benchmark
--benchmark-enable -k data_import``.
"""

from __future__ import annotations

import itertools

import pytest

from siteselect.analysis import dataset_for, rank_states
from siteselect.model.criteria import level_criteria
from siteselect.model.owndata import read_table
from siteselect.model.settings import ScoringSettings
from siteselect.storage import ScenarioStore
from tests.benchmarks.test_owndata_bench import make_table

pytestmark = pytest.mark.benchmark


@pytest.mark.parametrize(("level", "rows"), [("state", 51), ("county", 3142)])
def test_data_import_lands(benchmark, tmp_path, level, rows):
    path = make_table(tmp_path, level, rows)
    known = level_criteria("county")
    counter = itertools.count()

    def fresh_database():
        # each round lands the table in a database of its own (one table per criterion)
        return (ScenarioStore.open(tmp_path / f"bench{next(counter)}.db"),), {}

    def land(store):
        table, problems = read_table(path, known, name="bench")
        assert table is not None
        outcome = store.import_table(table)
        store.close()
        return outcome

    outcome = benchmark.pedantic(land, setup=fresh_database, rounds=5, iterations=1)
    assert outcome.new_version


@pytest.mark.parametrize(("level", "rows"), [("state", 51), ("county", 3142)])
def test_rank_with_an_imported_table(benchmark, tmp_path, level, rows):
    path = make_table(tmp_path, level, rows)
    table, _ = read_table(path, level_criteria("county"), name="bench")
    settings = ScoringSettings(level=level, weights={"k00": 1.0, "k01": 2.0})

    def rank():
        return rank_states(dataset_for(settings, [table]), settings)

    result = benchmark(rank)
    assert len(result) > 0
