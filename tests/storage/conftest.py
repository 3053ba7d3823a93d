"""Shared helpers for the scenario-storage tests: every database is a real file in tmp_path."""

from __future__ import annotations

import pytest

from siteselect.model.scenario import Scenario
from siteselect.model.settings import Override, ScoringSettings
from siteselect.scoring import Gate
from siteselect.storage import ScenarioStore


def full_settings() -> ScoringSettings:
    """Settings with every field away from its default."""
    return ScoringSettings(
        weights={"energy_cost": 40.0, "talent": 12.5, "tax_incentives": 7.25, "regulation": 0.0},
        disabled=frozenset({"talent"}),
        method="wpm",
        normalization="zscore",
        missing="mean",
        gates=(Gate("energy_cost", "<=", 9.5), Gate("tax_incentives", ">=", 0.5)),
        exclude=("CA", "NY"),
        overrides=(Override("TX", "energy_cost", 5.0, "negotiated PPA — 10 yr"),
                   Override("WA", "talent", 250000.0, "")),
    )


@pytest.fixture
def db_path(tmp_path):
    return tmp_path / "scenarios.db"


@pytest.fixture
def store(db_path):
    s = ScenarioStore.open(db_path)
    yield s
    s.close()


def make(name: str, **kw) -> Scenario:
    return Scenario(name=name, **kw)
