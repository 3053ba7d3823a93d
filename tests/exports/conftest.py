"""Fixtures for the export tests: the real dataset and rankings with gates, exclusions,
what-if overrides and missing figures, so every export has something of each to carry."""

from __future__ import annotations

import datetime as dt

import pytest

from siteselect.exports import make_request
from siteselect.model.dataset import load_dataset
from siteselect.model.settings import Override, ScoringSettings, parse_gates

EXPORT_TIME = dt.datetime(2026, 3, 14, 9, 26, 53, tzinfo=dt.UTC)


@pytest.fixture(scope="session")
def dataset():
    return load_dataset()


@pytest.fixture(scope="session")
def rich_settings():
    """Default weights, one gate, one planner exclusion and one what-if override."""
    return ScoringSettings(
        gates=parse_gates(["energy_cost<=12"]),
        exclude=("WY",),
        overrides=(Override("GA", "energy_cost", 5.5, "new PPA offer"),),
    )


@pytest.fixture(scope="session")
def rich_request(dataset, rich_settings):
    return make_request(
        dataset, rich_settings, scenario_name="Board draft — power first",
        description="Power first; no state above 12 cents/kWh.", top_n=10,
        exported_at=EXPORT_TIME,
    )


@pytest.fixture(scope="session")
def full_request(dataset):
    """Every state ranked (default settings), all listed."""
    return make_request(dataset, ScoringSettings(), scenario_name="Balanced",
                        exported_at=EXPORT_TIME)


@pytest.fixture(scope="session")
def hostile_request(dataset):
    """A scenario whose name and description would be formulas in a spreadsheet."""
    return make_request(
        dataset, ScoringSettings(), scenario_name='=HYPERLINK("x")',
        description="@SUM(1+1) and -2+3", top_n=5, exported_at=EXPORT_TIME,
    )


@pytest.fixture
def dataclass_replace():
    import dataclasses

    return dataclasses.replace
