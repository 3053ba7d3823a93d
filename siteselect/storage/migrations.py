"""Recorded schema migrations of the scenario database.

Each migration has a name and a function; applied ones are listed in the
``_siteselect_migrations`` table (name, applied_at) and counted in ``PRAGMA user_version``, so a
later release upgrades an older file in place and an older release refuses a newer file.  Each
migration runs in its own transaction together with its record: it is applied completely or
not at all.  Never edit or reorder a released migration; append a new one.

Schema after all migrations::

    scenarios(id INTEGER PRIMARY KEY, name TEXT, name_key TEXT UNIQUE, description TEXT,
              settings TEXT (JSON, siteselect.model.scenario.settings_to_dict),
              dataset_version TEXT, created TEXT, updated TEXT (ISO 8601 UTC),
              revision INTEGER (number of saves), builtin INTEGER (0/1))
    revisions(id INTEGER PRIMARY KEY, scenario_id -> scenarios.id ON DELETE CASCADE,
              revision INTEGER, saved_at TEXT, name TEXT, description TEXT, settings TEXT,
              dataset_version TEXT; UNIQUE(scenario_id, revision))

Both tables have a ``sensitivity TEXT`` column (NULL, or the JSON of
siteselect.model.sensitivity_summary.summary_to_dict): the last sensitivity run kept with
that revision.

Both also have a ``tables TEXT`` column (NULL, or a JSON list of {name, version, hash}: the
planner's tables the scenario is scored with).  Planners' tables::

    data_tables(id, name, name_key, version (1, 2, ... per name), level, content_hash,
                source_file, sheet, criteria (JSON list of ids), imported_at, removed_at
                (NULL while current), payload (JSON of siteselect.model.owndata.ImportedTable);
                UNIQUE(name_key, version))

``revisions`` holds every saved version, the current one included, so the previous version is
always kept when a scenario is saved again.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from siteselect.storage.database import MIGRATIONS_TABLE

if TYPE_CHECKING:  # sqlite-utils imports pandas: load it only when a database is opened
    import sqlite_utils


def now_iso() -> str:
    """The current time as ISO 8601 UTC with microseconds (sorts as text)."""
    return datetime.now(UTC).isoformat(timespec="microseconds")


def _m0001_scenarios(db: sqlite_utils.Database) -> None:
    """The first release: named scenarios, no history."""
    db.execute("""
        CREATE TABLE scenarios (
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL,
            name_key TEXT NOT NULL UNIQUE,
            description TEXT NOT NULL DEFAULT '',
            settings TEXT NOT NULL,
            dataset_version TEXT NOT NULL DEFAULT '',
            created TEXT NOT NULL,
            updated TEXT NOT NULL
        )""")


def _m0002_revisions(db: sqlite_utils.Database) -> None:
    """Revision history: every save is kept; existing scenarios become revision 1."""
    scenarios = db.table("scenarios")
    scenarios.add_column("revision", int, not_null_default=1)
    scenarios.add_column("builtin", int, not_null_default=0)
    db.execute("CREATE INDEX scenarios_updated ON scenarios(updated)")
    db.execute("""
        CREATE TABLE revisions (
            id INTEGER PRIMARY KEY,
            scenario_id INTEGER NOT NULL REFERENCES scenarios(id) ON DELETE CASCADE,
            revision INTEGER NOT NULL,
            saved_at TEXT NOT NULL,
            name TEXT NOT NULL,
            description TEXT NOT NULL DEFAULT '',
            settings TEXT NOT NULL,
            dataset_version TEXT NOT NULL DEFAULT '',
            UNIQUE (scenario_id, revision)
        )""")
    db.execute("""
        INSERT INTO revisions (scenario_id, revision, saved_at, name, description, settings,
                               dataset_version)
        SELECT id, 1, updated, name, description, settings, dataset_version FROM scenarios""")


def _m0003_builtins(db: sqlite_utils.Database) -> None:
    """The built-in starting scenarios; a user's own scenario of the same name is kept."""
    from siteselect.model.scenario import builtin_scenarios, name_key, settings_to_dict

    now = now_iso()
    for sc in builtin_scenarios():
        key = name_key(sc.name)
        if db.execute("SELECT 1 FROM scenarios WHERE name_key = ?", [key]).fetchone():
            continue
        settings = json.dumps(settings_to_dict(sc.settings), ensure_ascii=False)
        cur = db.execute(
            "INSERT INTO scenarios (name, name_key, description, settings, dataset_version, "
            "created, updated, revision, builtin) VALUES (?, ?, ?, ?, '', ?, ?, 1, 1)",
            [sc.name, key, sc.description, settings, now, now])
        db.execute(
            "INSERT INTO revisions (scenario_id, revision, saved_at, name, description, "
            "settings, dataset_version) VALUES (?, 1, ?, ?, ?, ?, '')",
            [cur.lastrowid, now, sc.name, sc.description, settings])


def _m0004_sensitivity(db: sqlite_utils.Database) -> None:
    """A saved scenario can keep its last sensitivity run (a compact summary, as JSON)."""
    db.execute("ALTER TABLE scenarios ADD COLUMN sensitivity TEXT")
    db.execute("ALTER TABLE revisions ADD COLUMN sensitivity TEXT")


def _m0005_tables(db: sqlite_utils.Database) -> None:
    """Planners' own tables, every imported version kept; scenarios record the versions they
    are scored with."""
    db.execute("""
        CREATE TABLE data_tables (
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL,
            name_key TEXT NOT NULL,
            version INTEGER NOT NULL,
            level TEXT NOT NULL,
            content_hash TEXT NOT NULL,
            source_file TEXT NOT NULL DEFAULT '',
            sheet TEXT NOT NULL DEFAULT '',
            criteria TEXT NOT NULL,
            imported_at TEXT NOT NULL,
            removed_at TEXT,
            payload TEXT NOT NULL,
            UNIQUE (name_key, version)
        )""")
    db.execute("ALTER TABLE scenarios ADD COLUMN tables TEXT")
    db.execute("ALTER TABLE revisions ADD COLUMN tables TEXT")


#: Every migration in order: (name, function).  Append only.
MIGRATIONS: tuple[tuple[str, Callable[[sqlite_utils.Database], None]], ...] = (
    ("0001_scenarios", _m0001_scenarios),
    ("0002_revisions", _m0002_revisions),
    ("0003_builtins", _m0003_builtins),
    ("0004_sensitivity", _m0004_sensitivity),
    ("0005_tables", _m0005_tables),
)
MIGRATION_NAMES = tuple(name for name, _ in MIGRATIONS)
SCHEMA_VERSION = len(MIGRATIONS)


def applied_migrations(db: sqlite_utils.Database) -> list[str]:
    """Names of the migrations recorded in the database, in the order applied."""
    if not db.table(MIGRATIONS_TABLE).exists():
        return []
    return [r[0] for r in db.execute(f"SELECT name FROM [{MIGRATIONS_TABLE}] ORDER BY rowid")]


def pending_migrations(db: sqlite_utils.Database) -> list[str]:
    done = set(applied_migrations(db))
    return [name for name in MIGRATION_NAMES if name not in done]


def apply_migration(db: sqlite_utils.Database, name: str) -> None:
    """Run one migration and record it; the caller holds the write transaction."""
    fn = dict(MIGRATIONS)[name]
    db.execute(f"CREATE TABLE IF NOT EXISTS [{MIGRATIONS_TABLE}] "
               "(name TEXT PRIMARY KEY, applied_at TEXT NOT NULL)")
    fn(db)
    db.execute(f"INSERT INTO [{MIGRATIONS_TABLE}] (name, applied_at) VALUES (?, ?)",
               [name, now_iso()])
    db.execute(f"PRAGMA user_version = {MIGRATION_NAMES.index(name) + 1}")
