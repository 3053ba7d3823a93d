"""Unreadable revisions, damage reports, and databases in read-only locations."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from siteselect.errors import StorageError
from siteselect.model.scenario import Scenario
from siteselect.model.settings import ScoringSettings
from siteselect.storage import ScenarioStore

ROOT = Path(__file__).resolve().parents[2]


def cli(*argv: str) -> subprocess.CompletedProcess[str]:
    """The real command in its own process (logging configured as for a planner)."""
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    return subprocess.run([sys.executable, "-m", "siteselect", *argv], capture_output=True,
                          text=True, env=env, timeout=120, stdin=subprocess.DEVNULL)


def three_revisions(path: Path) -> None:
    with ScenarioStore.open(path) as s:
        for method in ("wsm", "wpm", "topsis"):
            s.save(Scenario("History", settings=ScoringSettings(method=method)))
    conn = sqlite3.connect(path)
    with conn:
        conn.execute("UPDATE revisions SET settings = ? WHERE revision = 1 AND scenario_id = "
                     "(SELECT id FROM scenarios WHERE name = 'History')",
                     ['{"version": 1, "weights": {"gone_criterion": 1}}'])
    conn.close()


def test_one_unreadable_old_revision_does_not_hide_the_history(tmp_path):
    path = tmp_path / "h.db"
    three_revisions(path)
    with ScenarioStore.open(path) as s:
        revs = s.revisions("History")
        assert [r.revision for r in revs] == [3, 2]
        assert [r.settings.method for r in revs] == ["topsis", "wpm"]
        (problem,) = s.unreadable_revisions
        assert problem.startswith("Revision 1 of scenario “History” in ")
        assert "gone_criterion" in problem
        assert s.get("History").settings.method == "topsis"  # the current one is fine
        with pytest.raises(StorageError, match="Revision 1 of scenario"):
            s.get_revision("History", 1)
        assert s.restore_revision("History", 2).revision == 4


def test_cli_revisions_lists_the_readable_ones_and_names_the_unreadable_one(tmp_path):
    path = tmp_path / "h.db"
    three_revisions(path)
    proc = cli("scenario", "revisions", "History", "--db", str(path))
    assert proc.returncode == 0, proc.stderr
    assert [line.split()[0] for line in proc.stdout.splitlines()[2:4]] == ["3", "2"]
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1, proc.stderr
    assert lines[0].startswith("siteselect: warning: Revision 1 of scenario “History”")


def test_the_unreadable_scenario_warning_is_printed_once(tmp_path):
    path = tmp_path / "u.db"
    with ScenarioStore.open(path) as s:
        s.save(Scenario("Broken"))
    conn = sqlite3.connect(path)
    with conn:
        conn.execute("UPDATE scenarios SET settings = '{}' WHERE name = 'Broken'")
    conn.close()
    proc = cli("scenario", "list", "--db", str(path))
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr.count("Broken") == 1, proc.stderr


def test_a_damaged_page_is_reported_on_one_line(tmp_path):
    good = tmp_path / "good.db"
    with ScenarioStore.open(good) as s:
        for i in range(40):
            s.save(Scenario(f"S {i}", description="d" * 500))
    data = bytearray(good.read_bytes())
    page_size = int.from_bytes(data[16:18], "big")
    # Page 2 is a b-tree page; pointing its first free block past the end of the page makes
    # SQLite report "*** in database main ***" and the problem on separate lines.
    data[page_size + 1:page_size + 3] = (page_size - 96).to_bytes(2, "big")
    bad = tmp_path / "bad.db"
    bad.write_bytes(bytes(data))
    conn = sqlite3.connect(f"file:{bad}?mode=ro&immutable=1", uri=True)
    assert "\n" in conn.execute("PRAGMA quick_check").fetchone()[0]  # the case under test
    conn.close()
    before = bad.read_bytes()
    proc = cli("scenario", "list", "--db", str(bad))
    assert proc.returncode == 2
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1, proc.stderr
    assert "is damaged (*** in database main *** Page 2: free space corruption)" in lines[0]
    assert bad.read_bytes() == before


def _saved_database(folder: Path) -> Path:
    folder.mkdir()
    path = folder / "shared.db"
    with ScenarioStore.open(path) as s:
        s.save(Scenario("Board draft"))
    return path


@pytest.mark.skipif(hasattr(os, "geteuid") and os.geteuid() == 0,
                    reason="root writes through permission bits; see the read-only mount test")
def test_a_database_in_a_read_only_folder_can_be_listed_but_not_changed(tmp_path):
    folder = tmp_path / "ro"
    path = _saved_database(folder)
    before = {p.name: p.read_bytes() for p in folder.iterdir()}
    folder.chmod(0o555)
    try:
        proc = cli("scenario", "list", "--db", str(path))
        assert proc.returncode == 0, proc.stderr
        assert "Board draft" in proc.stdout
        proc = cli("scenario", "save", "Board draft", "--method", "wpm", "--db", str(path))
        assert proc.returncode == 2
        assert "is in a read-only location" in proc.stderr
        assert len(proc.stderr.strip().splitlines()) == 1
    finally:
        folder.chmod(0o755)
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == before


def test_a_database_on_a_read_only_mount_can_be_listed_but_not_changed(tmp_path):
    """A real read-only bind mount in a private mount namespace (no effect outside it)."""
    if shutil.which("unshare") is None or subprocess.run(
            ["unshare", "-rm", "true"], capture_output=True).returncode != 0:
        pytest.skip("user and mount namespaces are not available here")
    folder = tmp_path / "mnt"
    path = _saved_database(folder)
    before = {p.name: p.read_bytes() for p in folder.iterdir()}
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    script = (f"mount --bind {folder} {folder} && mount -o remount,ro,bind {folder} && "
              f"{sys.executable} -m siteselect scenario list --db {path} && "
              f"{sys.executable} -m siteselect scenario show 'Board draft' --db {path} && "
              f"{{ {sys.executable} -m siteselect scenario save X --db {path}; echo rc=$?; }}")
    proc = subprocess.run(["unshare", "-rm", "sh", "-c", script], capture_output=True,
                          text=True, env=env, timeout=180)
    assert proc.returncode == 0, proc.stderr
    assert "Board draft" in proc.stdout and "rc=2" in proc.stdout
    errors = proc.stderr.strip().splitlines()
    assert len(errors) == 1 and "is in a read-only location" in errors[0], proc.stderr
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == before
