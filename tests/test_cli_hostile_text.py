"""Text that cannot be stored, terminal control sequences, an empty --db, links and BOMs."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from siteselect.model.dataset import PACKAGE_ROOT


def run(*argv: str | bytes, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "siteselect", *argv], cwd=PACKAGE_ROOT,
                          capture_output=True, timeout=120, env=env)


def test_undecodable_bytes_in_a_name_or_description_are_one_line_not_a_traceback(tmp_path):
    db = str(tmp_path / "s.db")
    for argv in ((b"scenario", b"save", b"bad\xff\xfename", b"--db", db.encode()),
                 (b"scenario", b"save", b"Desc", b"--description", b"d\xff", b"--db",
                  db.encode())):
        proc = run(*argv)
        err = proc.stderr.decode("utf-8", "replace")
        assert proc.returncode == 2 and "Traceback" not in err, err
        assert err.count("\n") == 1 and "not valid text" in err
    doc = tmp_path / "s.json"
    assert run("scenario", "save", "Good", "--db", db).returncode == 0
    assert run("scenario", "export", "Good", "-o", str(doc), "--db", db).returncode == 0
    data = json.loads(doc.read_text(encoding="utf-8"))
    data["name"] = "\ud800"
    doc.write_text(json.dumps(data), encoding="utf-8")  # a lone surrogate, escaped in JSON
    proc = run("scenario", "import", str(doc), "--db", db)
    err = proc.stderr.decode("utf-8", "replace")
    assert proc.returncode == 2 and "Traceback" not in err and err.count("\n") == 1, err


def test_control_sequences_in_a_description_are_printed_as_escapes(tmp_path):
    db = str(tmp_path / "s.db")
    assert run("scenario", "save", "D4", "--description", "evil\x1b]0;pwned\x07\x1b[2J",
               "--db", db).returncode == 0
    for argv in (("scenario", "list", "--db", db), ("scenario", "show", "D4", "--db", db)):
        out = run(*argv).stdout.decode("utf-8")
        assert "\x1b" not in out and "\x07" not in out
        assert "evil\\x1b]0;pwned\\x07\\x1b[2J" in out


def test_an_empty_db_path_is_refused_not_taken_for_the_default(tmp_path):
    env = dict(os.environ, SITESELECT_DB=str(tmp_path / "default.db"))
    for argv in (("scenario", "list", "--db", ""), ("scenario", "save", "X", "--db", "  "),
                 ("rank", "--scenario", "Balanced", "--db", "")):
        proc = run(*argv, env=env)
        assert proc.returncode == 2 and b"empty path" in proc.stderr
    assert not (tmp_path / "default.db").exists()


def test_scenario_export_writes_through_a_link_to_a_file(tmp_path):
    db = str(tmp_path / "s.db")
    assert run("scenario", "save", "Base", "--db", db).returncode == 0
    target = tmp_path / "target.json"
    target.write_text("keep", encoding="utf-8")
    link = tmp_path / "link.json"
    link.symlink_to(target)
    assert run("scenario", "export", "Base", "-o", str(link), "--db", db).returncode == 0
    assert link.is_symlink()
    assert json.loads(target.read_text(encoding="utf-8"))["name"] == "Base"


def test_ahp_judgments_file_with_a_byte_order_mark_or_a_fault_says_where(tmp_path):
    f = tmp_path / "j.json"
    f.write_bytes(b"\xef\xbb\xbf" + json.dumps({"judgments": ["energy_cost>talent=3"]}).encode())
    proc = run("weights", "ahp", "--file", str(f))
    assert proc.returncode == 0, proc.stderr
    f.write_text('{"judgments": ["energy_cost>talent=3"', encoding="utf-8")
    proc = run("weights", "ahp", "--file", str(f))
    assert proc.returncode == 2 and b"line 1, column" in proc.stderr


def test_a_name_of_invisible_characters_only_is_refused():
    import pytest

    from siteselect.errors import InputError
    from siteselect.model.scenario import clean_name

    with pytest.raises(InputError, match="invisible characters only"):
        clean_name("\u200b\u200d")
    assert clean_name("Plan\u200dB") == "Plan\u200dB"
