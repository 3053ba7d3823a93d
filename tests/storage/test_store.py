"""ScenarioStore on real SQLite files: round trips, names, revisions, built-ins, delete/undo."""

from __future__ import annotations

import sqlite3

import pytest

from siteselect.errors import InputError
from siteselect.model.scenario import BUILTIN_DEFINITIONS, Scenario
from siteselect.model.settings import ScoringSettings
from siteselect.storage import ConflictError, NameTakenError, ScenarioStore
from siteselect.storage.migrations import SCHEMA_VERSION

from .conftest import full_settings, make

ODD_NAMES = [
    "Board draft — power first",
    "O'Brien \"x\"",
    "Robert'); DROP TABLE scenarios;--",
    "🚀 Gigawatt ⚡ campus 🏭",
    "مركز بيانات في تكساس",  # right-to-left
    "Ünïcödé ﬁnal — é vs é",
    "n" * 100,
    "a\u200bb [brackets] %_ wildcards",
]


def test_new_database_is_wal_versioned_and_seeded(store, db_path):
    conn = sqlite3.connect(db_path)
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    applied = [r[0] for r in conn.execute("SELECT name FROM _siteselect_migrations")]
    conn.close()
    assert applied == ["0001_scenarios", "0002_revisions", "0003_builtins", "0004_sensitivity",
                       "0005_tables"]
    names = [s.name for s in store.list()]
    assert sorted(names) == sorted(n for n, _, _ in BUILTIN_DEFINITIONS)
    for sc in store.list():
        assert sc.builtin and sc.description and sc.revision == 1


def test_reopening_does_not_seed_again(db_path):
    ScenarioStore.open(db_path).close()
    with sqlite3.connect(db_path) as conn:  # as an earlier release could delete a built-in
        conn.execute("DELETE FROM revisions WHERE scenario_id = "
                     "(SELECT id FROM scenarios WHERE name = 'Low-Carbon')")
        conn.execute("DELETE FROM scenarios WHERE name = 'Low-Carbon'")
    conn.close()
    with ScenarioStore.open(db_path) as s:
        assert s.find("Low-Carbon") is None
        assert len(s.list()) == len(BUILTIN_DEFINITIONS) - 1


@pytest.mark.parametrize("name", ODD_NAMES)
def test_round_trip_of_every_field(db_path, name):
    description = "Line one\nLine two — with \"quotes\", 'apostrophes' and emoji 🌵"
    with ScenarioStore.open(db_path) as s:
        saved = s.save(Scenario(name=name, settings=full_settings(), description=description,
                                dataset_version="2025-abc"))
    with ScenarioStore.open(db_path) as s:
        got = s.get(name)
    assert got.name == name
    assert got.description == description
    assert got.settings == full_settings()
    assert got.settings.overrides[0].note == "negotiated PPA — 10 yr"
    assert got.dataset_version == "2025-abc"
    assert got.created == saved.created and got.updated == saved.updated
    assert got.created.endswith("+00:00")
    assert got.revision == 1 and not got.builtin


def test_names_are_unique_ignoring_case_and_surrounding_spaces(store):
    store.save(Scenario("Alpha Site"))
    again = store.save(Scenario("  ALPHA site  ", description="second"))
    assert again.revision == 2
    assert [s.name for s in store.list()].count("ALPHA site") == 1
    assert store.get(" alpha SITE").description == "second"
    with pytest.raises(InputError, match="already exists"):
        store.create(Scenario("alpha site"))


def test_name_rules(store):
    with pytest.raises(InputError, match="at most 100"):
        Scenario("x" * 101)
    with pytest.raises(InputError, match="empty"):
        Scenario("   ")
    with pytest.raises(InputError, match="no scenario named"):
        store.get("Nope")


def test_rename_refused_onto_existing_name(store):
    store.save(Scenario("First"))
    store.save(Scenario("Second"))
    with pytest.raises(InputError, match="already exists"):
        store.rename("First", "  second ")
    with pytest.raises(InputError, match="already exists"):
        store.rename("First", "Balanced")
    assert store.get("First").name == "First"
    renamed = store.rename("first", "FIRST")  # a change of case only is allowed
    assert renamed.name == "FIRST"
    moved = store.rename("FIRST", "Third — renamed")
    assert store.find("First") is None
    assert store.get("third — RENAMED").name == moved.name == "Third — renamed"
    assert [r.revision for r in store.revisions("Third — renamed")] == [1]


def test_every_save_keeps_the_previous_version_and_restore_makes_a_new_one(store):
    store.save(Scenario("Draft", description="v1"))
    store.save(Scenario("Draft", description="v2",
                        settings=ScoringSettings(method="topsis")))
    store.save(Scenario("Draft", description="v3", settings=full_settings()))
    revs = store.revisions("draft")
    assert [r.revision for r in revs] == [3, 2, 1]
    assert [r.description for r in revs] == ["v3", "v2", "v1"]
    assert store.get_revision("Draft", 2).settings.method == "topsis"
    restored = store.restore_revision("Draft", 1)
    assert restored.revision == 4
    now = store.get("Draft")
    assert now.description == "v1" and now.settings == ScoringSettings()
    assert [r.revision for r in store.revisions("Draft")] == [4, 3, 2, 1]
    with pytest.raises(InputError, match="no revision 9"):
        store.get_revision("Draft", 9)


def test_builtins_are_never_overwritten_or_renamed_but_can_be_copied(store):
    before = store.get("Balanced")
    with pytest.raises(InputError, match="built-in.*duplicate"):
        store.save(Scenario(" balanced ", settings=ScoringSettings(method="topsis")))
    with pytest.raises(InputError, match="built-in"):
        store.rename("Balanced", "Mine")
    assert store.get("Balanced") == before
    copy = store.duplicate("Balanced", "My balanced")
    assert not copy.builtin and copy.settings == before.settings
    assert store.save(Scenario("My balanced", settings=ScoringSettings(method="topsis"))
                      ).revision == 2


def test_list_is_newest_first_and_searchable(store):
    store.save(Scenario("Older", description="texas power"))
    store.save(Scenario("Newer", description="cheap"))
    names = [s.name for s in store.list()]
    assert names[:2] == ["Newer", "Older"]
    store.save(Scenario("Older", description="texas power v2"))
    assert [s.name for s in store.list()][:2] == ["Older", "Newer"]
    assert [s.name for s in store.list(search="TEXAS")] == ["Older"]
    assert [s.name for s in store.list(search="carbon")] == ["Low-Carbon"]


def test_delete_and_undo_restore_the_whole_history(store):
    store.save(Scenario("Gone soon", description="one"))
    store.save(Scenario("Gone soon", description="two"))
    deleted = store.delete("gone SOON")
    assert store.find("Gone soon") is None
    assert len(deleted.revisions) == 2
    back = store.restore_deleted(deleted)
    assert back.name == "Gone soon"
    assert [r.description for r in store.revisions("Gone soon")] == ["two", "one"]
    assert store.get("Gone soon").revision == 2
    store.delete("Gone soon")
    store.save(Scenario("Gone soon"))
    with pytest.raises(InputError, match="exists in .*another name"):
        store.restore_deleted(deleted)


def test_two_stores_on_one_file_detect_each_others_saves(db_path):
    a = ScenarioStore.open(db_path)
    b = ScenarioStore.open(db_path)
    try:
        a.save(Scenario("Shared", description="first"))
        loaded_a = a.get("Shared")
        loaded_b = b.get("Shared")
        b.save(Scenario("Shared", description="from B"), expected_revision=loaded_b.revision)
        with pytest.raises(ConflictError, match="saved by another window") as info:
            a.save(Scenario("Shared", description="from A"), expected_revision=loaded_a.revision)
        assert info.value.current is not None and info.value.current.description == "from B"
        assert a.get("Shared").description == "from B"  # nothing written by the refused save
        # The user chose "overwrite as a new revision": save against the current revision.
        final = a.save(Scenario("Shared", description="from A"),
                       expected_revision=info.value.current.revision)
        assert final.revision == 3
        assert [r.description for r in b.revisions("Shared")] == ["from A", "from B", "first"]
        b.delete("Shared")
        with pytest.raises(ConflictError, match="renamed or deleted") as gone:
            a.save(Scenario("Shared"), expected_revision=3)
        assert gone.value.current is None
    finally:
        a.close()
        b.close()


def test_unreadable_settings_in_the_file_are_reported_with_the_file(store, db_path):
    store.save(Scenario("Tampered"))
    conn = sqlite3.connect(db_path)
    with conn:
        conn.execute("UPDATE scenarios SET settings = ? WHERE name = 'Tampered'",
                     ['{"version": 1, "weights": {"no_such_id": 1}}'])
    conn.close()
    with pytest.raises(InputError, match="scenarios.db.*unknown criterion 'no_such_id'"):
        store.get("Tampered")


def test_failed_write_leaves_nothing_behind(store, db_path):
    store.save(Scenario("Keep"))
    count = len(store.list())
    with pytest.raises(InputError):
        store.import_json({"format": "siteselect-scenario", "version": 1, "name": "Half",
                           "settings": {"version": 1, "weights": {"energy_cost": -1}}})
    assert len(store.list()) == count
    assert store.integrity_check() == ["ok"]


def test_one_unreadable_scenario_does_not_hide_the_others(store, db_path):
    store.save(Scenario("Fine"))
    store.save(Scenario("From the future"))
    conn = sqlite3.connect(db_path)
    with conn:
        conn.execute("UPDATE scenarios SET settings = ? WHERE name = 'From the future'",
                     ['{"version": 2, "weights": {}}'])
    conn.close()
    names = [s.name for s in store.list()]
    assert "Fine" in names and "Balanced" in names and "From the future" not in names
    assert len(store.unreadable) == 1 and "From the future" in store.unreadable[0]
    assert "version 2" in store.unreadable[0] and str(db_path) in store.unreadable[0]
    with pytest.raises(InputError, match="version 2"):
        store.get("From the future")
    assert "Fine" in [s.name for s in store.list("fine")]


def test_an_unreadable_scenario_can_be_deleted_and_put_back_unchanged(store, db_path):
    store.save(Scenario("Odd one"))
    store.save(Scenario("Odd one", description="second"))
    conn = sqlite3.connect(db_path)
    with conn:
        conn.execute("UPDATE scenarios SET settings = 'not json' WHERE name = 'Odd one'")
    before = conn.execute("SELECT name, name_key, description, settings, revision, created, "
                          "updated FROM scenarios WHERE name = 'Odd one'").fetchall()
    revs_before = conn.execute("SELECT r.revision, r.settings FROM revisions r JOIN scenarios s "
                               "ON s.id = r.scenario_id WHERE s.name = 'Odd one' "
                               "ORDER BY r.revision").fetchall()
    conn.close()
    assert len(before) == 1 and [r[0] for r in revs_before] == [1, 2]
    gone = store.delete("odd ONE")
    assert gone.scenario.name == "Odd one" and gone.revision_count == 2
    assert store.find("Odd one") is None
    store.list()
    assert store.unreadable == []
    store.restore_deleted(gone)
    conn = sqlite3.connect(db_path)
    assert conn.execute("SELECT name, name_key, description, settings, revision, created, "
                        "updated FROM scenarios WHERE name = 'Odd one'").fetchall() == before
    assert conn.execute("SELECT r.revision, r.settings FROM revisions r JOIN scenarios s "
                        "ON s.id = r.scenario_id WHERE s.name = 'Odd one' "
                        "ORDER BY r.revision").fetchall() == revs_before
    conn.close()


def test_a_builtin_scenario_cannot_be_deleted(store, db_path):
    with pytest.raises(InputError, match="built-in scenario and cannot be deleted.*duplicate"):
        store.delete("talent FIRST")
    assert store.get("Talent First").builtin
    copy = store.duplicate("Talent First", "My talent")
    store.delete(copy.name)
    assert store.find("My talent") is None


def test_a_deleted_scenario_restores_under_another_name_when_its_own_is_taken(store):
    store.save(make("Shared plan", description="v1"))
    store.save(make("Shared plan", description="v2"))
    gone = store.delete("Shared plan")
    store.save(make("Shared plan", description="someone else's"))
    with pytest.raises(NameTakenError, match="exists") as info:
        store.restore_deleted(gone)
    assert info.value.taken == "Shared plan"
    back = store.restore_deleted(gone, "Shared plan (restored)")
    assert back.name == "Shared plan (restored)"
    assert [r.description for r in store.revisions("Shared plan (restored)")] == ["v2", "v1"]
    assert store.get("Shared plan").description == "someone else's"
