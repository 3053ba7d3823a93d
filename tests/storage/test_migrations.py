"""Upgrading an older database in place through the recorded migrations."""

from __future__ import annotations

import json
import sqlite3

from siteselect.model.scenario import BUILTIN_DEFINITIONS
from siteselect.model.settings import ScoringSettings
from siteselect.storage import SCHEMA_VERSION, ScenarioStore

# The schema of the first release, written by hand as that release wrote it.
V1_SCHEMA = """
CREATE TABLE _siteselect_migrations (name TEXT PRIMARY KEY, applied_at TEXT NOT NULL);
CREATE TABLE scenarios (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    name_key TEXT NOT NULL UNIQUE,
    description TEXT NOT NULL DEFAULT '',
    settings TEXT NOT NULL,
    dataset_version TEXT NOT NULL DEFAULT '',
    created TEXT NOT NULL,
    updated TEXT NOT NULL
);
INSERT INTO _siteselect_migrations VALUES ('0001_scenarios', '2026-01-05T10:00:00+00:00');
PRAGMA user_version = 1;
"""


def v1_settings(**kw) -> str:
    data = {"version": 1, "weights": {"energy_cost": 3.0, "talent": 1.0}, "disabled": [],
            "method": "wsm", "normalization": "minmax", "missing": "worst", "gates": [],
            "exclude": [], "overrides": []}
    data.update(kw)
    return json.dumps(data)


def build_v1(path) -> None:
    conn = sqlite3.connect(path)
    conn.executescript(V1_SCHEMA)
    with conn:
        conn.execute(
            "INSERT INTO scenarios (name, name_key, description, settings, dataset_version, "
            "created, updated) VALUES (?, ?, ?, ?, ?, ?, ?)",
            ["Board draft — power first", "board draft — power first", "from v1",
             v1_settings(exclude=["CA"]), "2024-old", "2026-01-05T10:00:00+00:00",
             "2026-01-06T11:00:00+00:00"])
        # A planner's own scenario that happens to share a built-in's name.
        conn.execute(
            "INSERT INTO scenarios (name, name_key, description, settings, dataset_version, "
            "created, updated) VALUES (?, ?, ?, ?, ?, ?, ?)",
            ["balanced", "balanced", "mine, not the built-in", v1_settings(method="topsis"), "",
             "2026-01-07T10:00:00+00:00", "2026-01-07T10:00:00+00:00"])
    conn.close()


def test_version_1_file_is_upgraded_in_place(tmp_path):
    path = tmp_path / "old.db"
    build_v1(path)
    with ScenarioStore.open(path) as store:
        assert store.schema_version() == SCHEMA_VERSION
        draft = store.get("Board draft — power first")
        assert draft.description == "from v1"
        assert draft.dataset_version == "2024-old"
        assert draft.settings == ScoringSettings(weights={"energy_cost": 3.0, "talent": 1.0},
                                                 exclude=("CA",))
        assert draft.created == "2026-01-05T10:00:00+00:00"
        assert draft.revision == 1 and not draft.builtin
        assert [r.revision for r in store.revisions(draft.name)] == [1]
        # The user's own "balanced" is kept, not replaced by the built-in.
        mine = store.get("Balanced")
        assert mine.name == "balanced" and not mine.builtin
        assert mine.settings.method == "topsis"
        others = {n for n, _, _ in BUILTIN_DEFINITIONS} - {"Balanced"}
        assert others <= {s.name for s in store.list()}
        # History works on the upgraded file.
        again = store.save(draft)
        assert again.revision == 2
    conn = sqlite3.connect(path)
    applied = [r[0] for r in conn.execute("SELECT name FROM _siteselect_migrations ORDER BY "
                                          "rowid")]
    assert applied == ["0001_scenarios", "0002_revisions", "0003_builtins", "0004_sensitivity",
                       "0005_tables"]
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    conn.close()


def test_upgraded_file_is_not_migrated_twice(tmp_path):
    path = tmp_path / "old.db"
    build_v1(path)
    ScenarioStore.open(path).close()
    with ScenarioStore.open(path) as store:
        assert len(store.revisions("Board draft — power first")) == 1
        assert len(store.list()) == 2 + len(BUILTIN_DEFINITIONS) - 1
