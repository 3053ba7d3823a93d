"""Faults the store must survive: damaged, foreign or newer files are refused untouched; a
process killed mid-save loses nothing committed; a locked database gives a clear message."""

from __future__ import annotations

import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from siteselect.errors import StorageError
from siteselect.model.scenario import Scenario
from siteselect.storage import ScenarioStore


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file in ``folder`` with its bytes, to prove nothing was touched."""
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()}


def refused(path: Path, match: str) -> StorageError:
    before = snapshot(path.parent)
    with pytest.raises(StorageError, match=match) as info:
        ScenarioStore.open(path)
    assert snapshot(path.parent) == before, "the refused file (or its folder) was changed"
    assert str(path) in info.value.message
    return info.value


def real_database(path: Path, n: int = 40) -> None:
    with ScenarioStore.open(path) as s:
        for i in range(n):
            s.save(Scenario(f"Scenario {i}", description="d" * 500))


def test_text_file_is_refused_untouched(tmp_path):
    path = tmp_path / "notes.db"
    path.write_text("These are my notes, not a database.\n")
    refused(path, "not an SQLite database")


def test_empty_file_is_refused_untouched(tmp_path):
    path = tmp_path / "empty.db"
    path.touch()
    refused(path, "empty file")


def test_garbage_after_a_valid_header_is_refused_untouched(tmp_path):
    path = tmp_path / "garbage.db"
    rng = random.Random(4)
    path.write_bytes(b"SQLite format 3\x00" + bytes(rng.randrange(256) for _ in range(8192)))
    refused(path, "garbage.db")


@pytest.mark.parametrize("fraction", [0.5, 0.1])
def test_truncated_database_is_refused_untouched(tmp_path, fraction):
    good = tmp_path / "good.db"
    real_database(good)
    data = good.read_bytes()
    bad_dir = tmp_path / "bad"
    bad_dir.mkdir()
    path = bad_dir / "truncated.db"
    path.write_bytes(data[: int(len(data) * fraction)])
    refused(path, "damaged|truncated|malformed")


def test_corrupted_pages_are_refused_untouched(tmp_path):
    good = tmp_path / "good.db"
    real_database(good)
    data = bytearray(good.read_bytes())
    for i in range(4096, len(data), 97):  # leave the first page (schema) alone
        data[i] ^= 0x5A
    bad_dir = tmp_path / "bad"
    bad_dir.mkdir()
    path = bad_dir / "corrupt.db"
    path.write_bytes(bytes(data))
    refused(path, "damaged|malformed")


def test_another_programs_database_is_refused_untouched(tmp_path):
    path = tmp_path / "other.db"
    conn = sqlite3.connect(path)
    with conn:
        conn.execute("CREATE TABLE invoices (id INTEGER PRIMARY KEY, total REAL)")
    conn.close()
    refused(path, "another program.*invoices")


def test_newer_schema_is_refused_untouched(tmp_path):
    path = tmp_path / "future.db"
    real_database(path, 3)
    conn = sqlite3.connect(path)
    with conn:
        conn.execute("INSERT INTO _siteselect_migrations VALUES ('0004_from_the_future', 'x')")
        conn.execute("PRAGMA user_version = 4")
    conn.close()
    err = refused(path, "newer SiteSelect release")
    assert "schema version 4" in err.message


def test_a_folder_is_refused(tmp_path):
    folder = tmp_path / "folder.db"
    folder.mkdir()
    with pytest.raises(StorageError, match="is a folder"):
        ScenarioStore.open(folder)


def test_locked_database_gives_a_clear_message_not_a_hang(tmp_path):
    path = tmp_path / "locked.db"
    real_database(path, 1)
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # another program holds the write lock
    try:
        with ScenarioStore.open(path, busy_timeout=0.2) as s:
            assert s.get("Scenario 0")  # reading still works in WAL mode
            with pytest.raises(StorageError, match="locked by another program"):
                s.save(Scenario("Blocked"))
        holder.execute("ROLLBACK")
        with ScenarioStore.open(path, busy_timeout=0.2) as s:
            assert s.save(Scenario("Blocked")).revision == 1
    finally:
        holder.close()


def test_killed_mid_save_keeps_every_committed_scenario(tmp_path):
    path = tmp_path / "crash.db"
    helper = Path(__file__).with_name("_save_loop.py")
    rng = random.Random(20261126)
    confirmed: list[str] = []
    env = dict(os.environ, PYTHONPATH=str(Path(__file__).resolve().parents[2]))
    for round_ in range(12):
        proc = subprocess.Popen([sys.executable, str(helper), str(path), f"round {round_}"],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                env=env)
        assert proc.stdout is not None
        want = rng.randint(1, 25)
        for _ in range(want):
            line = proc.stdout.readline()
            if not line:
                pytest.fail(f"the save loop stopped early: {proc.stderr.read()}")
            confirmed.append(line.strip())
        os.kill(proc.pid, signal.SIGKILL)  # mid-way through the next save
        proc.wait()
        proc.stdout.close()
        proc.stderr.close()
        assert proc.returncode == -signal.SIGKILL
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    conn.close()
    with ScenarioStore.open(path) as s:
        assert s.integrity_check() == ["ok"]
        names = {sc.name for sc in s.list()}
        missing = [n for n in confirmed if n not in names]
        assert not missing
        for n in confirmed:
            assert s.get(n).description.endswith(n.split()[-1])
        steady = s.revisions("Steady")
        assert len(steady) >= len(confirmed)
        assert [r.revision for r in steady] == list(range(len(steady), 0, -1))


def test_database_copied_while_open_is_still_readable(tmp_path):
    """A committed WAL database copied with its -wal file opens with every scenario."""
    path = tmp_path / "live.db"
    s = ScenarioStore.open(path)
    s.save(Scenario("In the WAL"))
    copy_dir = tmp_path / "copy"
    copy_dir.mkdir()
    for p in tmp_path.iterdir():
        if p.is_file() and p.name.startswith("live.db"):
            shutil.copy(p, copy_dir / p.name)
    s.close()
    with ScenarioStore.open(copy_dir / "live.db") as c:
        assert c.get("In the WAL").revision == 1


def test_the_database_file_alone_holds_every_committed_save(tmp_path):
    """Saves are checkpointed into the .db, so a copy of that file alone is complete."""
    path = tmp_path / "live.db"
    s = ScenarioStore.open(path)
    try:
        for i in range(30):
            s.save(Scenario("Kept", description=f"save {i}"))
        s.create(Scenario("Second"))
        copy_dir = tmp_path / "copy"
        copy_dir.mkdir()
        shutil.copy(path, copy_dir / "live.db")  # without its -wal file
    finally:
        s.close()
    with ScenarioStore.open(copy_dir / "live.db") as c:
        assert c.get("Kept").description == "save 29"
        assert len(c.revisions("Kept")) == 30
        assert c.find("Second") is not None


def test_an_sqlite_file_without_scenarios_is_refused_untouched(tmp_path):
    """E.g. the .db of a database copied without its -wal file: never silently set up."""
    path = tmp_path / "copy.db"
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("CREATE TABLE t (x)")
    conn.execute("DROP TABLE t")
    conn.commit()
    conn.close()
    refused(path, "without any SiteSelect scenarios.*-wal")


@pytest.mark.parametrize("size", [100, 1000, 4095, 4096 + 512])
def test_a_file_that_is_not_whole_pages_is_refused_untouched(tmp_path, size):
    good = tmp_path / "good.db"
    real_database(good, n=3)
    data = good.read_bytes()
    assert int.from_bytes(data[16:18], "big") == 4096
    bad_dir = tmp_path / "bad"
    bad_dir.mkdir()
    path = bad_dir / "short.db"
    path.write_bytes(data[:size])
    err = refused(path, "truncated")
    assert f"{size} bytes" in err.message


def test_a_healthy_database_being_saved_by_another_process_is_never_called_damaged(tmp_path):
    """The read-only check before opening must not misread a file another process writes."""
    path = tmp_path / "busy.db"
    with ScenarioStore.open(path) as s:  # a few MB, so that checking it takes a while
        for i in range(900):
            s.save(Scenario(f"Scenario {i}", description="d" * 9000))
    helper = Path(__file__).with_name("_open_save_close_loop.py")
    env = dict(os.environ, PYTHONPATH=str(Path(__file__).resolve().parents[2]))
    proc = subprocess.Popen([sys.executable, str(helper), str(path)], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env=env)
    assert proc.stdout is not None
    failures: list[str] = []
    try:
        assert proc.stdout.readline(), proc.stderr.read()  # the writer is running
        for _ in range(120):
            try:
                with ScenarioStore.open(path, create=False) as s:
                    assert len(s.list()) >= 40
            except StorageError as exc:
                failures.append(exc.message)
    finally:
        proc.kill()
        proc.wait()
        proc.stdout.close()
        proc.stderr.close()
    with ScenarioStore.open(path) as s:
        assert s.integrity_check() == ["ok"]
    assert not failures, f"{len(failures)} of 120 opens refused: {failures[0]}"
