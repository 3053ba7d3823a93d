"""``siteselect export`` end to end, in process, with a real scenario database."""

from __future__ import annotations

import csv
import json

import openpyxl
import pypdf
import pytest

from siteselect.analysis import rank_states
from siteselect.cli import main
from siteselect.cli.rank import result_record
from siteselect.model.scenario import Scenario
from siteselect.model.settings import ScoringSettings, parse_gates


def test_csv_with_rank_options_matches_rank_json(tmp_path, capsys, dataset):
    out = tmp_path / "s.csv"
    args = ["--weights", "energy_cost=3,talent=1", "--require", "energy_cost<=10",
            "--exclude", "TX"]
    assert main(["export", *args, "--top", "7", "--format", "csv", "-o", str(out)]) == 0
    capsys.readouterr()
    assert main(["rank", *args, "--format", "json"]) == 0
    ranked = json.loads(capsys.readouterr().out)
    with open(out, newline="", encoding="utf-8-sig") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == 7
    for row, exp in zip(rows, ranked["ranking"][:7], strict=True):
        assert row["state"] == exp["state"] and int(row["rank"]) == exp["rank"]
        assert float(row["score"]) == pytest.approx(exp["score"], abs=1e-6)
    meta = json.loads((tmp_path / "s.meta.json").read_text(encoding="utf-8"))
    assert meta["gates"] == ["energy_cost<=10"]
    assert meta["excluded_by_planner"] == ["TX"]


def test_format_from_suffix_and_paper(tmp_path, capsys):
    out = tmp_path / "board.pdf"
    assert main(["export", "--top", "5", "--paper", "a4", "-o", str(out)]) == 0
    assert "Wrote" in capsys.readouterr().out
    page = pypdf.PdfReader(out).pages[0]
    assert round(float(page.mediabox.width)) == 595


def test_scenario_from_database(tmp_path, capsys, dataset):
    from siteselect.storage import ScenarioStore

    db = tmp_path / "s.db"
    settings = ScoringSettings(weights={"energy_cost": 5, "talent": 1},
                               gates=parse_gates(["tax_incentives>=0.5"]))
    with ScenarioStore.open(db) as store:
        store.save(Scenario('=HYPERLINK("x")', settings, description="+cmd|' /C calc'!A0"))
    out = tmp_path / "s.xlsx"
    assert main(["export", "--scenario", '=hyperlink("x") ', "--db", str(db), "--format",
                 "xlsx", "-o", str(out)]) == 0
    wb = openpyxl.load_workbook(out)
    meth = {wb["Method"][f"A{i}"].value: wb["Method"][f"B{i}"]
            for i in range(2, wb["Method"].max_row + 1)}
    assert meth["Scenario"].data_type == "s" and meth["Scenario"].value == "'=HYPERLINK(\"x\")"
    assert meth["Description"].value == "'+cmd|' /C calc'!A0"
    expected = rank_states(dataset, settings)
    cached = openpyxl.load_workbook(out, data_only=True)["Ranking"]
    assert [cached[f"B{2 + i}"].value for i in range(len(expected))] == list(
        expected.alternatives)
    assert cached["D2"].value == pytest.approx(float(expected.scores[0]), abs=1e-9)
    # rank options apply on top of the scenario
    out2 = tmp_path / "s.csv"
    assert main(["export", "--scenario", '=HYPERLINK("x")', "--db", str(db), "--exclude",
                 expected.alternatives[0], "-o", str(out2)]) == 0
    with open(out2, newline="", encoding="utf-8-sig") as fh:
        first = next(csv.DictReader(fh))
    assert first["state"] == expected.alternatives[1]
    assert first["scenario"] == "'=HYPERLINK(\"x\")"


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--format", "csv", "-o", "{file}/out.csv"], "is not a folder"),
        (["--format", "pdf", "-o", "{tmp}/missing/out.pdf"], "does not exist"),
        (["-o", "{tmp}/out.docx"], "Cannot tell the format"),
        (["--scenario", "No such plan", "--db", "{tmp}/s.db", "-o", "{tmp}/o.csv"],
         "No such plan"),
        (["--weights", "bogus=1", "-o", "{tmp}/o.csv"], "bogus"),
    ],
)
def test_errors_are_one_line_exit_2(tmp_path, capsys, argv, message):
    a_file = tmp_path / "file.txt"
    a_file.write_text("keep")
    argv = [a.format(file=a_file, tmp=tmp_path) for a in argv]
    assert main(["export", *argv]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("siteselect: error:")
    assert message in err and "Traceback" not in err
    assert a_file.read_text() == "keep"


def test_result_record_agrees_with_export(tmp_path, dataset):
    """The exported JSON metadata weights are the engine's effective weights."""
    settings = ScoringSettings()
    rec = result_record(dataset, settings, rank_states(dataset, settings))
    out = tmp_path / "a.csv"
    assert main(["export", "-q", "-o", str(out)]) == 0
    meta = json.loads((tmp_path / "a.meta.json").read_text(encoding="utf-8"))
    assert meta["weights"] == pytest.approx(rec["weights"])


def test_console_command_unwritable_path(tmp_path):
    """The real command in a fresh process: exit status 2, one line, no traceback."""
    import subprocess
    import sys

    a_file = tmp_path / "report.txt"
    a_file.write_text("keep")
    proc = subprocess.run(
        [sys.executable, "-m", "siteselect", "export", "--format", "xlsx", "-o",
         str(a_file / "out.xlsx")],
        capture_output=True, text=True, timeout=120,
    )
    assert proc.returncode == 2
    assert proc.stderr.count("\n") == 1 and "Traceback" not in proc.stderr
    assert "report.txt" in proc.stderr and proc.stdout == ""
    assert a_file.read_text() == "keep"


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--paper", "a4", "--format", "csv", "-o", "{tmp}/o.csv"],
         "--paper applies to pdf only, not to csv"),
        (["--paper", "a4", "-o", "{tmp}/o.png"], "--paper applies to pdf only, not to png"),
        (["--size", "800x600", "--format", "pdf", "-o", "{tmp}/o.pdf"],
         "--size applies to png and svg only, not to pdf"),
        (["--size", "800x600", "-o", "{tmp}/o.xlsx"],
         "--size applies to png and svg only, not to xlsx"),
        (["--format", "pdf", "-o", "{tmp}/o.png"], "does not match the file name"),
        (["--format", "png", "-o", "{tmp}/o.pdf"], "does not match the file name"),
    ],
)
def test_options_that_do_not_apply_are_refused(tmp_path, capsys, argv, message):
    """One rule: an option for another format, or a suffix naming another format, is refused."""
    argv = [a.format(tmp=tmp_path) for a in argv]
    assert main(["export", *argv]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and message in err and "Traceback" not in err
    assert list(tmp_path.iterdir()) == []


def test_unknown_suffix_is_accepted_with_an_explicit_format(tmp_path, capsys):
    """A suffix that names no format is fine when --format says what to write."""
    out = tmp_path / "board.txt"
    assert main(["export", "-q", "--format", "pdf", "--paper", "a4", "-o", str(out)]) == 0
    page = pypdf.PdfReader(out).pages[0]
    assert round(float(page.mediabox.width)) == 595


def test_help_states_the_option_rule(capsys):
    with pytest.raises(SystemExit):
        main(["export", "--help"])
    text = " ".join(capsys.readouterr().out.split())
    assert "--paper is for pdf only" in text and "--size for png and svg only" in text
    assert "names no format" in text


def test_cli_refuses_a_named_pipe_and_writes_nothing_beside_it(tmp_path, capsys):
    import os

    fifo = tmp_path / "out.csv"
    os.mkfifo(fifo)
    assert main(["export", "--top", "3", "-o", str(fifo)]) == 2
    err = capsys.readouterr().err.strip()
    assert "named pipe" in err and "\n" not in err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.csv"]
    assert not (tmp_path / "out.meta.json").exists()


def test_cli_csv_bom_and_no_bom(tmp_path, capsys):
    out = tmp_path / "b.csv"
    assert main(["export", "--top", "3", "-o", str(out)]) == 0
    assert out.read_bytes().startswith(b"\xef\xbb\xbfrank,")
    assert main(["export", "--top", "3", "--no-bom", "-o", str(out)]) == 0
    assert out.read_bytes().startswith(b"rank,")
    capsys.readouterr()
    assert main(["export", "--top", "3", "--no-bom", "-o", str(tmp_path / "b.pdf")]) == 2
    assert "--no-bom applies to csv only" in capsys.readouterr().err


def test_snapshot_follows_the_same_target_rule(tmp_path, capsys):
    import os

    fifo = tmp_path / "window.png"
    os.mkfifo(fifo)
    assert main(["snapshot", str(fifo)]) == 2
    assert "named pipe" in capsys.readouterr().err
    assert os.path.exists(fifo) and not os.path.isfile(fifo)
