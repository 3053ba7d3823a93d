"""`siteselect scenario ...`, `siteselect compare` and `rank --scenario`, run in-process on real
database files in tmp_path."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from siteselect.cli import main
from siteselect.storage import ScenarioStore

NAME = "Board draft — power first"


@pytest.fixture
def db(tmp_path):
    """An existing scenario database (only saving creates a named file that is missing)."""
    path = tmp_path / "cli.db"
    ScenarioStore.open(path).close()
    return str(path)


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def ok(capsys, *argv) -> str:
    code, out, err = run(capsys, *argv)
    assert code == 0, err
    return out


def fails(capsys, *argv) -> str:
    code, out, err = run(capsys, *argv)
    assert code == 2
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("siteselect: error: ")
    assert "Traceback" not in err
    return lines[0]


def test_list_json_has_name_updated_description(capsys, db):
    data = json.loads(ok(capsys, "scenario", "list", "--format", "json", "--db", db))
    assert {d["name"] for d in data} >= {"Balanced", "Cheapest Power", "Talent First",
                                         "Tax-Driven", "Low-Carbon"}
    for d in data:
        assert d["updated"] and d["description"] and d["builtin"] is True
    table = ok(capsys, "scenario", "list", "--db", db)
    assert "Balanced" in table and "built-in" in table


def test_default_database_comes_from_the_environment(capsys, tmp_path, monkeypatch):
    path = tmp_path / "env.db"
    monkeypatch.setenv("SITESELECT_DB", str(path))
    ok(capsys, "scenario", "save", "From env", "--weights", "energy_cost=1")
    with ScenarioStore.open(path) as s:
        assert s.get("From env").revision == 1


def test_save_new_then_revise_with_options_on_top_of_saved(capsys, db):
    out = ok(capsys, "scenario", "save", NAME, "--weights", "energy_cost=3,talent=1",
             "--require", "energy_cost<=12", "--exclude", "CA", "--description", "first cut",
             "--db", db)
    assert "revision 1" in out
    out = ok(capsys, "scenario", "save", "  board DRAFT — power FIRST ", "--method", "topsis",
             "--db", db)
    assert "revision 2" in out
    shown = json.loads(ok(capsys, "scenario", "show", NAME, "--format", "json", "--db", db))
    assert shown["name"] == NAME  # the saved spelling is kept
    assert shown["revision"] == 2
    assert shown["description"] == "first cut"
    s = shown["settings"]
    assert s["method"] == "topsis"
    assert s["weights"]["energy_cost"] == 3 and s["weights"]["talent"] == 1
    assert s["weights"]["tax_incentives"] == 0
    assert s["gates"] == [{"criterion": "energy_cost", "op": "<=", "threshold": 12.0}]
    assert s["exclude"] == ["CA"]
    assert shown["dataset_version"]
    table = ok(capsys, "scenario", "show", NAME, "--db", db)
    assert "energy_cost=3 (75%)" in table and "energy_cost<=12" in table


def test_save_of_a_new_name_starts_from_the_defaults(capsys, db):
    ok(capsys, "scenario", "save", "Only method", "--method", "wpm", "--db", db)
    with ScenarioStore.open(db) as s:
        balanced = s.get("Balanced").settings
        mine = s.get("Only method").settings
    assert mine.method == "wpm" and mine.weights == balanced.weights


def test_save_refuses_bad_input_and_builtins(capsys, db):
    assert "unknown criterion" in fails(capsys, "scenario", "save", "X", "--weights",
                                        "nope=1", "--db", db).lower()
    assert "built-in" in fails(capsys, "scenario", "save", "balanced", "--method", "topsis",
                               "--db", db)
    assert "at most 100" in fails(capsys, "scenario", "save", "x" * 101, "--db", db)


def test_all_zero_weights_are_not_saved(capsys, db):
    fails(capsys, "scenario", "save", "Zero", "--weights", "energy_cost=0", "--db", db)
    with ScenarioStore.open(db) as s:
        assert s.find("Zero") is None


def test_rename_duplicate_delete(capsys, db):
    ok(capsys, "scenario", "save", "One", "--db", db)
    ok(capsys, "scenario", "save", "Two", "--db", db)
    assert "already exists" in fails(capsys, "scenario", "rename", "One", " TWO ", "--db", db)
    ok(capsys, "scenario", "rename", "one", "Uno", "--db", db)
    ok(capsys, "scenario", "duplicate", "Low-Carbon", "My low carbon", "--db", db)
    assert "already exists" in fails(capsys, "scenario", "duplicate", "Uno", "two", "--db", db)
    out = ok(capsys, "scenario", "delete", "two", "--db", db)
    assert "Deleted “Two”" in out
    names = {d["name"] for d in json.loads(ok(capsys, "scenario", "list", "--format", "json",
                                               "--db", db))}
    assert {"Uno", "My low carbon"} <= names and not names & {"One", "Two"}
    assert "no scenario named" in fails(capsys, "scenario", "delete", "Two", "--db", db)


def test_revisions_and_restore(capsys, db):
    ok(capsys, "scenario", "save", "Hist", "--method", "wsm", "--db", db)
    ok(capsys, "scenario", "save", "Hist", "--method", "topsis", "--db", db)
    revs = json.loads(ok(capsys, "scenario", "revisions", "Hist", "--format", "json",
                         "--db", db))
    assert [(r["revision"], r["settings"]["method"], r["current"]) for r in revs] == [
        (2, "topsis", True), (1, "wsm", False)]
    assert "2 *" in ok(capsys, "scenario", "revisions", "Hist", "--db", db)
    assert "as revision 3" in ok(capsys, "scenario", "restore", "Hist", "1", "--db", db)
    shown = json.loads(ok(capsys, "scenario", "show", "Hist", "--format", "json", "--db", db))
    assert shown["settings"]["method"] == "wsm" and shown["revision"] == 3
    assert "no revision 7" in fails(capsys, "scenario", "restore", "Hist", "7", "--db", db)


def test_export_and_import_with_rename(capsys, db, tmp_path):
    ok(capsys, "scenario", "save", NAME, "--weights", "energy_cost=2,talent=1",
       "--description", "O'Brien \"x\"", "--db", db)
    out_file = tmp_path / "draft.json"
    ok(capsys, "scenario", "export", NAME, "-o", str(out_file), "--db", db)
    doc = json.loads(out_file.read_text(encoding="utf-8"))
    assert doc["format"] == "siteselect-scenario" and doc["name"] == NAME
    other = str(tmp_path / "other.db")
    ok(capsys, "scenario", "import", str(out_file), "--db", other)
    err = fails(capsys, "scenario", "import", str(out_file), "--db", other)
    assert "already exists" in err and "--rename" in err
    ok(capsys, "scenario", "import", str(out_file), "--rename", "Copy of draft", "--db", other)
    with ScenarioStore.open(other) as s:
        assert s.get(NAME).description == "O'Brien \"x\""
        assert s.get("Copy of draft").settings == s.get(NAME).settings
    bad = tmp_path / "bad.json"
    bad.write_text("{\n  \"format\": \"siteselect-scenario\",\n  oops\n}")
    assert "line 3, column 3" in fails(capsys, "scenario", "import", str(bad), "--db", other)
    assert "Cannot read" in fails(capsys, "scenario", "import", str(tmp_path / "none.json"),
                                  "--db", other)


def test_rank_with_a_scenario(capsys, db):
    ok(capsys, "scenario", "save", "Cheap only", "--weights", "energy_cost=1", "--exclude",
       "TX", "--db", db)
    data = json.loads(ok(capsys, "rank", "--scenario", "cheap ONLY", "--format", "json",
                         "--db", db))
    assert set(data["weights"]) == {"energy_cost"}
    assert "TX" not in [r["state"] for r in data["ranking"]]
    costs = [r["values"]["energy_cost"] for r in data["ranking"]]
    assert costs == sorted(costs)
    # rank options on top of the scenario
    data = json.loads(ok(capsys, "rank", "--scenario", "Cheap only", "--method", "topsis",
                         "--format", "json", "--db", db))
    assert data["method"] == "topsis" and set(data["weights"]) == {"energy_cost"}
    assert "no scenario named" in fails(capsys, "rank", "--scenario", "Nope", "--db", db)


def test_compare_json_and_table(capsys, db):
    ok(capsys, "scenario", "save", "Talent only", "--weights", "talent=1", "--db", db)
    data = json.loads(ok(capsys, "compare", "Cheapest Power", "Talent only", "--top", "5",
                         "--format", "json", "--db", db))
    assert data["a"] == "Cheapest Power" and data["b"] == "Talent only" and data["top"] == 5
    assert len(data["states"]) == 51
    for s in data["states"]:
        if s["rank_a"] is not None and s["rank_b"] is not None:
            assert s["rank_change"] == s["rank_a"] - s["rank_b"]
    top_b = {s["state"] for s in data["states"] if s["rank_b"] is not None and s["rank_b"] <= 5}
    top_a = {s["state"] for s in data["states"] if s["rank_a"] is not None and s["rank_a"] <= 5}
    assert set(data["entered_top"]) == top_b - top_a
    assert set(data["left_top"]) == top_a - top_b
    assert {w["criterion"] for w in data["weights"]} >= {"talent", "energy_cost"}
    table = ok(capsys, "compare", "Cheapest Power", "Talent only", "--top", "5", "--db", db)
    assert "entered top 5" in table and "Weights (share of total)" in table


@pytest.mark.parametrize("content", [b"not a database at all", b"SQLite format 3\x00" + b"\x07"
                                     * 5000])
def test_corrupt_db_is_one_line_exit_2_and_untouched(capsys, tmp_path, content):
    path = tmp_path / "corrupt.db"
    path.write_bytes(content)
    for argv in (["scenario", "list"], ["scenario", "save", "X"], ["compare", "A", "B"],
                 ["rank", "--scenario", "X"]):
        line = fails(capsys, *argv, "--db", str(path))
        assert str(path) in line
    assert path.read_bytes() == content
    assert sorted(p.name for p in tmp_path.iterdir()) == ["corrupt.db"]


def test_corrupt_db_from_a_real_process(tmp_path):
    path = tmp_path / "corrupt.db"
    path.write_bytes(b"hello")
    env = dict(os.environ, SITESELECT_DB=str(path))
    proc = subprocess.run([sys.executable, "-m", "siteselect", "scenario", "list"],
                          capture_output=True, text=True, env=env, timeout=120)
    assert proc.returncode == 2
    assert proc.stderr.count("\n") == 1 and str(path) in proc.stderr
    assert "Traceback" not in proc.stderr
    assert path.read_bytes() == b"hello"


def _import_on_a_terminal(tmp_path, db: str, answers: str, *extra: str):
    """Run `scenario import` in a process whose stdin is a terminal, typing ``answers``."""
    import pty

    master, slave = pty.openpty()
    try:
        os.write(master, answers.encode("utf-8"))
        proc = subprocess.run(
            [sys.executable, "-m", "siteselect", "scenario", "import",
             str(tmp_path / "draft.json"), "--db", db, *extra],
            stdin=slave, capture_output=True, text=True, timeout=120)
    finally:
        os.close(slave)
        os.close(master)
    return proc


@pytest.mark.skipif(not sys.platform.startswith(("linux", "darwin")), reason="needs a pty")
def test_import_of_an_existing_name_asks_on_a_terminal(capsys, db, tmp_path):
    ok(capsys, "scenario", "save", NAME, "--weights", "talent=1", "--db", db)
    ok(capsys, "scenario", "save", "Taken too", "--weights", "talent=1", "--db", db)
    ok(capsys, "scenario", "export", NAME, "-o", str(tmp_path / "draft.json"), "--db", db)
    # An existing name (any case) and an empty-looking one are asked again; then it imports.
    proc = _import_on_a_terminal(tmp_path, db, "  TAKEN TOO \n" + "x" * 101 + "\nMine 🚀\n")
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr.count("already exists") == 3
    assert "at most 100 characters" in proc.stderr
    assert "Imported “Mine 🚀”" in proc.stdout
    # An empty answer cancels: nothing is written, exit status 1.
    proc = _import_on_a_terminal(tmp_path, db, "\n")
    assert proc.returncode == 1 and "Nothing imported" in proc.stderr
    # --rename is taken as given, without a question.
    proc = _import_on_a_terminal(tmp_path, db, "", "--rename", "Given name")
    assert proc.returncode == 0 and "already exists" not in proc.stderr
    with ScenarioStore.open(db) as store:
        names = [s.name for s in store.list() if not s.builtin]
        assert sorted(names) == sorted([NAME, "Taken too", "Mine 🚀", "Given name"])
        assert store.get("Mine 🚀").settings == store.get(NAME).settings


def test_db_option_wins_over_the_environment(capsys, tmp_path, monkeypatch):
    env_db = tmp_path / "env.db"
    monkeypatch.setenv("SITESELECT_DB", str(env_db))
    given = str(tmp_path / "given.db")
    ok(capsys, "scenario", "save", "Here", "--weights", "talent=1", "--db", given)
    assert "Here" in ok(capsys, "scenario", "list", "--db", given)
    assert not env_db.exists()
    msg = fails(capsys, "scenario", "show", "Here")
    assert f"There is no scenario database at {env_db}; nothing was created" in msg
    assert not env_db.exists()  # a read-only command does not create the named file


def test_per_user_database_without_db_or_environment(capsys, monkeypatch):
    import platformdirs

    monkeypatch.delenv("SITESELECT_DB")
    from siteselect.storage import default_db_path

    expected = platformdirs.user_data_dir("siteselect", appauthor=False)
    assert str(default_db_path()).startswith(expected)  # under the isolated XDG_DATA_HOME
    ok(capsys, "scenario", "save", "Per user", "--weights", "talent=1")
    assert default_db_path().exists()
    assert str(default_db_path()).startswith(os.environ["XDG_DATA_HOME"])


def test_rank_with_a_scenario_marks_what_if_values(capsys, db, tmp_path):
    from siteselect.model.scenario import Scenario
    from siteselect.model.settings import Override, ScoringSettings

    with ScenarioStore.open(db) as store:
        store.save(Scenario("Texas PPA", settings=ScoringSettings(
            weights={"energy_cost": 1.0, "talent": 2.0},
            overrides=(Override("TX", "energy_cost", 5.0, "negotiated PPA"),))))
    out = ok(capsys, "rank", "--scenario", "  texas ppa", "--db", db)
    tx = next(line for line in out.splitlines() if " TX " in line)
    ca = next(line for line in out.splitlines() if " CA " in line)
    assert "5.00 *" in tx and "*" not in ca
    assert "* what-if value replacing the published figure: TX energy_cost 5.00 cents/kWh" in out
    data = json.loads(ok(capsys, "rank", "--scenario", "Texas PPA", "--format", "json",
                         "--db", db))
    rows = {r["state"]: r for r in data["ranking"]}
    assert rows["TX"]["what_if"] == ["energy_cost"] and rows["TX"]["values"]["energy_cost"] == 5
    assert all(r["what_if"] == [] for s, r in rows.items() if s != "TX")
    plain = ok(capsys, "rank", "--weights", "energy_cost=1,talent=2", "--db", db)
    assert "what-if" not in plain and " *" not in plain


def test_show_an_earlier_revision(capsys, db):
    ok(capsys, "scenario", "save", "Hist", "--method", "wsm", "--require", "energy_cost<=9",
       "--description", "first", "--db", db)
    ok(capsys, "scenario", "save", "hist ", "--method", "topsis", "--description", "second",
       "--db", db)
    old = json.loads(ok(capsys, "scenario", "show", "HIST", "--revision", "1", "--format",
                        "json", "--db", db))
    assert (old["revision"], old["description"], old["settings"]["method"]) == (1, "first",
                                                                                "wsm")
    assert old["settings"]["gates"] == [{"criterion": "energy_cost", "op": "<=",
                                         "threshold": 9.0}]
    table = ok(capsys, "scenario", "show", "Hist", "--revision", "1", "--db", db)
    assert "first" in table and "energy_cost<=9" in table and "Revision           1" in table
    now = json.loads(ok(capsys, "scenario", "show", "Hist", "--revision", "2", "--format",
                        "json", "--db", db))
    assert now["settings"]["method"] == "topsis"
    assert "no revision 3" in fails(capsys, "scenario", "show", "Hist", "--revision", "3",
                                    "--db", db)


def test_odd_names_are_shown_exactly_as_typed(capsys, db):
    quote = 'He said "hi" — it\'s 🚀'
    out = ok(capsys, "scenario", "save", quote, "--weights", "talent=1", "--db", db)
    assert f"Saved “{quote}” as revision 1" in out
    formula = '=HYPERLINK("x")'
    ok(capsys, "scenario", "save", formula, "--weights", "talent=1", "--db", db)
    assert f"“{formula}”" in fails(capsys, "scenario", "rename", quote, f"  {formula.lower()} ",
                                   "--db", db)
    # The shell hint can be pasted as it is.
    hint = fails(capsys, "scenario", "save", "balanced", "--db", db)
    assert "`siteselect scenario duplicate Balanced NEW`" in hint
    ok(capsys, "scenario", "duplicate", "Balanced", "Bob's plan", "--db", db)
    hint = fails(capsys, "scenario", "rename", "Low-Carbon", "x", "--db", db)
    assert "“Low-Carbon” is a built-in scenario" in hint
    revs = ok(capsys, "scenario", "revisions", "bob's plan", "--db", db)
    assert "siteselect scenario restore 'Bob'\"'\"'s plan' REV" in revs
    for bad in ("", "   ", "x" * 101, "tab\there"):
        assert "scenario name" in fails(capsys, "scenario", "save", bad, "--db", db)
    assert "x" * 100 in ok(capsys, "scenario", "save", "x" * 100, "--db", db)
    data = json.loads(ok(capsys, "scenario", "list", "--format", "json", "--db", db))
    names = [d["name"] for d in data]
    assert names[:4] == ["x" * 100, "Bob's plan", formula, quote]


def test_save_with_what_if_values(capsys, db):
    ok(capsys, "scenario", "save", "Texas PPA", "--weights", "energy_cost=1,talent=1",
       "--what-if", "tx:energy_cost=5.0", "--what-if", "WA:tax_incentives=Yes", "--db", db)
    with ScenarioStore.open(db) as store:
        got = {(o.state, o.criterion): o.value for o in store.get("Texas PPA").settings.overrides}
    assert got[("TX", "energy_cost")] == 5.0 and ("WA", "tax_incentives") in got
    shown = ok(capsys, "scenario", "show", "Texas PPA", "--db", db)
    assert "TX energy_cost=5" in shown
    # A later save adds to them, replacing the same state and criterion ...
    ok(capsys, "scenario", "save", "texas ppa", "--what-if", "TX:energy_cost=4.5", "--db", db)
    with ScenarioStore.open(db) as store:
        sc = store.get("Texas PPA")
        assert sc.revision == 2
        assert [(o.state, o.value) for o in sc.settings.overrides
                if o.criterion == "energy_cost"] == [("TX", 4.5)]
        assert len(sc.settings.overrides) == 2
    # ... and --no-what-if drops them.
    ok(capsys, "scenario", "save", "Texas PPA", "--no-what-if", "--db", db)
    with ScenarioStore.open(db) as store:
        assert store.get("Texas PPA").settings.overrides == ()
    for bad, why in (("TX=5", "STATE:CRITERION=VALUE"), ("ZZ:energy_cost=5", "ZZ"),
                     ("TX:nope=5", "nope"), ("TX:energy_cost=cheap", "a number"),
                     ("TX:energy_cost=nan", "a number"), ("TX:tax_incentives=0.3", "one of")):
        assert why in fails(capsys, "scenario", "save", "Texas PPA", "--what-if", bad,
                            "--db", db)
    with ScenarioStore.open(db) as store:
        assert store.get("Texas PPA").revision == 3  # nothing saved by the refused ones


def test_list_warns_about_an_unreadable_scenario_and_lists_the_rest(capsys, db):
    import sqlite3

    ok(capsys, "scenario", "save", "Fine", "--db", db)
    ok(capsys, "scenario", "save", "Broken", "--db", db)
    conn = sqlite3.connect(db)
    with conn:
        conn.execute("UPDATE scenarios SET settings = '{}' WHERE name = 'Broken'")
    conn.close()
    code, out, err = run(capsys, "scenario", "list", "--format", "json", "--db", db)
    assert code == 0
    names = [d["name"] for d in json.loads(out)]
    assert "Fine" in names and "Broken" not in names
    assert err.startswith("siteselect: warning: ") and "Broken" in err and "not listed" in err


def test_db_before_the_command_works_too(capsys, db, tmp_path):
    ok(capsys, "--db", db, "scenario", "save", "Front", "--weights", "talent=1")
    assert "Front" in ok(capsys, "scenario", "list", "--db", db)
    ok(capsys, "scenario", "save", "Env", "--weights", "talent=1")  # SITESELECT_DB's file
    assert "Front" not in ok(capsys, "scenario", "list")
    other = str(tmp_path / "other.db")
    ok(capsys, "--db", db, "scenario", "save", "Back", "--db", other)  # the command's wins
    with ScenarioStore.open(other) as store:
        assert store.find("Back") is not None


def test_a_builtin_scenario_cannot_be_deleted(capsys, db):
    msg = fails(capsys, "scenario", "delete", "talent first", "--db", db)
    assert "built-in scenario and cannot be deleted" in msg and "duplicate" in msg
    out = ok(capsys, "compare", "Balanced", "Talent First", "--db", db)
    assert "Talent First" in out


@pytest.mark.parametrize("argv", [
    ["rank", "--scenario", "Balanced"],
    ["scenario", "list"],
    ["scenario", "show", "Balanced"],
    ["scenario", "export", "Balanced", "-o", "{tmp}/out.json"],
    ["compare", "Balanced", "Talent First"],
    ["export", "--scenario", "Balanced", "-o", "{tmp}/out.csv"],
])
def test_read_only_commands_never_create_a_named_database(capsys, tmp_path, argv):
    path = tmp_path / "missing.db"
    argv = [a.format(tmp=tmp_path) for a in argv]
    msg = fails(capsys, *argv, "--db", str(path))
    assert f"no scenario database at {path}" in msg
    assert sorted(p.name for p in tmp_path.iterdir()) == []


def test_a_named_database_in_a_missing_folder_is_refused(capsys, tmp_path, monkeypatch):
    path = tmp_path / "nonexist" / "dir" / "x.db"
    msg = fails(capsys, "scenario", "save", "Plan", "--weights", "talent=1", "--db", str(path))
    assert f"folder {path.parent} of the scenario database {path} does not exist" in msg
    assert "rank --scenario" not in msg
    fails(capsys, "rank", "--scenario", "Balanced", "--db", str(path))
    monkeypatch.setenv("SITESELECT_DB", str(path))
    assert "does not exist" in fails(capsys, "scenario", "save", "Plan", "--weights", "talent=1")
    assert not (tmp_path / "nonexist").exists()


def test_require_replaces_a_saved_gate_and_clear_gates_drops_them(capsys, db):
    def gates():
        with ScenarioStore.open(db) as store:
            return [(g.criterion, g.op, g.threshold) for g in store.get("Gated").settings.gates]

    ok(capsys, "scenario", "save", "Gated", "--weights", "energy_cost=1",
       "--require", "energy_cost<=9", "tax_incentives>=0.5", "--exclude", "CA,NY", "--db", db)
    ok(capsys, "scenario", "save", "Gated", "--require", "energy_cost<=12", "--db", db)
    assert gates() == [("tax_incentives", ">=", 0.5), ("energy_cost", "<=", 12.0)]
    ok(capsys, "scenario", "save", "Gated", "--require", "energy_cost>=3", "--db", db)
    assert ("energy_cost", "<=", 12.0) in gates() and ("energy_cost", ">=", 3.0) in gates()
    ok(capsys, "scenario", "save", "Gated", "--clear-gates", "--exclude", "TX", "--db", db)
    assert gates() == []
    with ScenarioStore.open(db) as store:
        assert store.get("Gated").settings.exclude == ("TX",)
    ok(capsys, "scenario", "save", "Gated", "--require", "energy_cost<=10", "--exclude", "",
       "--db", db)
    assert gates() == [("energy_cost", "<=", 10.0)]
    with ScenarioStore.open(db) as store:
        assert store.get("Gated").settings.exclude == ()
    capsys.readouterr()
    with pytest.raises(SystemExit):
        main(["scenario", "save", "--help"])
    assert "--clear-gates" in capsys.readouterr().out


def test_compare_names_the_scenario_that_cannot_be_scored(capsys, db):
    with ScenarioStore.open(db) as store:
        from siteselect.model.scenario import Scenario
        from siteselect.model.settings import ScoringSettings

        store.save(Scenario("W3", settings=ScoringSettings(weights={"talent": 0.0})))
    msg = fails(capsys, "compare", "Balanced", "W3", "--db", db)
    assert "Scenario “W3”: " in msg and "Balanced" not in msg
