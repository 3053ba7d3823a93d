"""Hostile and wrong scenario files and databases: each is one line on stderr, exit 2, in
bounded time and memory, and nothing is written.  Run as real processes (stdin not a
terminal), as a planner's shell or a script would."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from siteselect.storage import ScenarioStore

FILE_MAX_BYTES = 1_000_000  # siteselect.storage.exchange.FILE_MAX_BYTES, as documented

ROOT = Path(__file__).resolve().parents[1]


def cli(*argv: str, stdin=subprocess.DEVNULL) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    # The timeout only guards against a hang (a FIFO read waits forever); it is not a
    # performance assertion.
    return subprocess.run([sys.executable, "-m", "siteselect", *argv], stdin=stdin,
                          capture_output=True, text=True, env=env, timeout=120)


def refused(proc: subprocess.CompletedProcess[str]) -> str:
    assert proc.returncode == 2, proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1, proc.stderr
    assert lines[0].startswith("siteselect: error: ")
    assert len(lines[0]) < 2000, "the message must stay short"
    return lines[0]


def document(**changes) -> dict:
    doc = {"format": "siteselect-scenario", "version": 1, "name": "Imported",
           "settings": {"version": 1, "weights": {"energy_cost": 1.0}}}
    doc.update(changes)
    return doc


@pytest.fixture
def db(tmp_path):
    path = tmp_path / "s.db"
    ScenarioStore.open(path).close()
    return path


def import_text(tmp_path, db, text: str | bytes) -> str:
    f = tmp_path / "in.json"
    f.write_bytes(text.encode() if isinstance(text, str) else text)
    before = db.read_bytes()
    out = refused(cli("scenario", "import", str(f), "--db", str(db)))
    assert db.read_bytes() == before
    return out


@pytest.mark.parametrize(("text", "kind"), [("[]", "a list"), ("null", "null"),
                                            ("5", "a number"), ('"x"', "a text"),
                                            ("true", "true or false"), ("[1, {}]", "a list")])
def test_a_top_level_that_is_not_an_object_is_refused(tmp_path, db, text, kind):
    assert f"must hold one JSON object (a scenario), not {kind}" in import_text(tmp_path, db,
                                                                                text)


@pytest.mark.parametrize("digits", [401, 5001])
def test_huge_integers_are_refused(tmp_path, db, digits):
    doc = json.dumps(document()).replace('"energy_cost": 1.0', f'"energy_cost": {"9" * digits}')
    assert f"{digits:,} digits" in import_text(tmp_path, db, doc)


def test_a_huge_integer_within_the_digit_limit_is_still_a_finite_number(tmp_path, db):
    doc = json.dumps(document(settings={"version": 1, "weights": {"energy_cost": 1.0},
                                        "overrides": [{"state": "TX", "criterion": "talent",
                                                       "value": 10 ** 29}]}))
    assert "outside the valid range" in import_text(tmp_path, db, doc)


def test_deep_nesting_is_refused(tmp_path, db):
    assert "nested too deeply" in import_text(tmp_path, db, "[" * 100_000 + "]" * 100_000)


def test_deep_nesting_inside_a_field_gives_a_short_message(tmp_path, db):
    deep = "[" * 900 + "1" + "]" * 900
    doc = json.dumps(document()).replace('"energy_cost": 1.0', f'"energy_cost": {deep}')
    assert "the weight of energy_cost must be a finite number" in import_text(tmp_path, db, doc)


def test_dev_zero_is_refused_without_reading(db):
    out = refused(cli("scenario", "import", "/dev/zero", "--db", str(db)))
    assert "is a device, not a scenario file" in out


def test_a_fifo_is_refused_not_waited_on(tmp_path, db):
    fifo = tmp_path / "pipe.json"
    os.mkfifo(fifo)
    assert "is a named pipe (FIFO)" in refused(cli("scenario", "import", str(fifo), "--db",
                                                   str(db)))


def test_a_database_that_is_a_fifo_is_refused_not_waited_on(tmp_path):
    fifo = tmp_path / "pipe.db"
    os.mkfifo(fifo)
    for argv in (["scenario", "list"], ["scenario", "save", "X"]):
        out = refused(cli(*argv, "--db", str(fifo)))
        assert "is a named pipe (FIFO), not a file" in out


@pytest.mark.parametrize("size", [FILE_MAX_BYTES + 1, 200_000_000])
def test_a_file_over_the_size_limit_is_refused_unread(tmp_path, db, size):
    f = tmp_path / "big.json"
    head = b'{"format": "siteselect-scenario", "version": 1, "name": "Big", "description": "'
    with open(f, "wb") as fh:
        fh.write(head)
        fh.truncate(size)  # sparse: costs no disk, and is never read
    out = refused(cli("scenario", "import", str(f), "--db", str(db)))
    assert f"larger than {FILE_MAX_BYTES:,} bytes" in out


def test_a_description_over_the_limit_is_refused_in_a_file_and_on_the_command_line(tmp_path,
                                                                                   db):
    out = import_text(tmp_path, db, json.dumps(document(description="x" * 10_001)))
    assert "at most 10,000 characters (10,001 given)" in out
    out = refused(cli("scenario", "save", "Long", "--description", "y" * 10_001, "--db",
                      str(db)))
    assert "at most 10,000 characters" in out


def test_every_problem_in_a_file_is_reported_on_one_line(tmp_path, db):
    doc = document(colour="blue", settings={
        "version": 1, "weights": {"energy_kost": 1, "talent": -2, "energy_cost": 1},
        "exclude": ["XX"], "gates": [{"criterion": "energy_cost", "op": "~", "threshold": 1}],
        "overrides": [{"state": "TX", "criterion": "energy_cost", "value": -5},
                      {"state": "TX", "criterion": "clean_power", "value": 500},
                      {"state": "WA", "criterion": "water_stress", "value": 0.3}]})
    out = import_text(tmp_path, db, json.dumps(document(**doc)))
    assert "has 8 problems" in out
    for part in ("colour", "energy_kost", "talent must not be negative", "'XX'", "gate 1",
                 "override 1 (TX energy_cost): -5 cents/kWh is outside the valid range",
                 "override 2 (TX clean_power): 500 % is outside the valid range",
                 "override 3 (WA water_stress): 0.3 is not one of the categories"):
        assert part in out, part


@pytest.mark.parametrize(("what_if", "message"), [
    ("TX:energy_cost=-5", "-5 cents/kWh is outside the valid range of Energy cost (industrial) "
                          "(at least 0 cents/kWh)"),
    ("TX:clean_power=500", "500 % is outside the valid range of Clean generation share (from 0 "
                           "to 100 %)"),
    ("WA:water_stress=0.3", "0.3 is not one of the categories of Baseline water stress"),
    ("TX:climate_temp=200", "200 °F is outside the valid range"),
])
def test_what_if_values_outside_the_valid_range_are_refused(db, what_if, message):
    before = db.read_bytes()
    out = refused(cli("scenario", "save", "What if", "--what-if", what_if, "--db", str(db)))
    assert message in out
    assert db.read_bytes() == before


def test_what_if_values_within_the_range_and_labels_are_saved(db):
    proc = cli("scenario", "save", "What if", "--what-if", "TX:clean_power=100", "--what-if",
               "WA:water_stress=High", "--what-if", "TX:climate_temp=-10", "--db", str(db))
    assert proc.returncode == 0, proc.stderr
    with ScenarioStore.open(db) as s:
        values = {(o.state, o.criterion): o.value for o in s.get("What if").settings.overrides}
    assert values == {("TX", "clean_power"): 100.0, ("WA", "water_stress"): 0.75,
                      ("TX", "climate_temp"): -10.0}


def test_long_texts_and_many_problems_still_give_a_short_line(tmp_path, db):
    big = "z" * 200_000
    doc = document(settings={
        "version": 1, "weights": {"energy_cost": 1}, "method": big, "normalization": [big],
        "gates": [{"criterion": "energy_cost", "op": big, "threshold": 1}]
        + [{"criterion": "nope", "op": "<", "threshold": 1}] * 3000})
    out = import_text(tmp_path, db, json.dumps(document(**doc)))
    assert "has 3003 problems" in out and "and 2983 more problems" in out
    assert "unknown method 'zzzz" in out and "gate 1: Unknown comparison 'zzzz" in out
