"""The headless command line: ``siteselect criteria`` and ``siteselect rank``.

Run both in-process (``siteselect.cli.main``) and as a real process (``python -m siteselect``,
``python main.py``), the way a planner or a script calls them.
"""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from siteselect.cli import main
from siteselect.model.criteria import CATALOGUE, default_weights
from siteselect.model.dataset import PACKAGE_ROOT, load_dataset

ROOT = PACKAGE_ROOT


def run(*args: str, cwd: Path = ROOT, module: bool = True) -> subprocess.CompletedProcess:
    cmd = [sys.executable, "-m", "siteselect", *args] if module else \
        [sys.executable, str(ROOT / "main.py"), *args]
    env = dict(os.environ, PYTHONIOENCODING="utf-8")
    return subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, env=env, timeout=120)


def cli_json(capsys, *args: str):
    assert main(list(args)) == 0
    out = capsys.readouterr().out
    return json.loads(out)


@pytest.fixture(scope="module")
def ds():
    return load_dataset()


# ---------------------------------------------------------------- criteria


def test_criteria_json_fields(capsys, ds):
    records = cli_json(capsys, "criteria", "--format", "json")
    assert [r["id"] for r in records] == [c.id for c in CATALOGUE]
    for r in records:
        for key in ("id", "label", "unit", "direction", "description", "source", "url", "year",
                    "coverage"):
            assert key in r, (r["id"], key)
        assert r["direction"] in ("lower_is_better", "higher_is_better")
        assert isinstance(r["coverage"], int) and 45 <= r["coverage"] <= 51
        assert r["description"] and r["source"] and r["year"]
    by_id = {r["id"]: r for r in records}
    assert by_id["energy_cost"]["direction"] == "lower_is_better"
    assert by_id["energy_cost"]["unit"] == "cents/kWh"
    assert by_id["energy_cost"]["url"].startswith("https://www.eia.gov/")
    assert by_id["power_capacity"]["coverage"] == 47
    assert by_id["regulation"]["direction"] == "higher_is_better"
    assert by_id["tax_incentives"]["coverage"] == ds.coverage("tax_incentives") == 50


def test_a_criterion_without_one_url_says_where_its_sources_are(capsys, ds):
    """tax_incentives cites a source per state: the record says so instead of a bare ''."""
    records = cli_json(capsys, "criteria", "--format", "json")
    for r in records:
        if r["url"]:
            assert r["url_note"] is None and r["state_sources"] is None
        else:
            assert "state by state" in r["url_note"], r["id"]
            assert set(r["state_sources"]) == set(ds.states)
    tax = next(r for r in records if r["id"] == "tax_incentives")
    assert tax["url"] == "" and "dc_incentive_sources" in tax["url_note"]
    # the citations are the file's own cells, unchanged
    with (ROOT / "data" / "state_indicators.csv").open(encoding="utf-8", newline="") as fh:
        cells = {row["state"]: row["dc_incentive_sources"] for row in csv.DictReader(fh)}
    assert tax["state_sources"] == cells
    assert tax["state_sources"]["TX"].startswith("https://comptroller.texas.gov/")
    assert main(["criteria"]) == 0
    assert "tax_incentives: No single URL" in capsys.readouterr().out


def test_criteria_csv_and_table(capsys):
    assert main(["criteria", "--format", "csv"]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert len(rows) == len(CATALOGUE)
    assert rows[0]["id"] == CATALOGUE[0].id and rows[0]["direction"]
    assert main(["criteria"]) == 0
    table = capsys.readouterr().out
    assert "energy_cost" in table and "47/51" in table


# ---------------------------------------------------------------- rank --format json


def test_rank_json_schema(capsys, ds):
    data = cli_json(capsys, "rank", "--format", "json")
    for key in ("method", "normalization", "missing", "weights", "ranking", "excluded",
                "warnings"):
        assert key in data
    assert (data["method"], data["normalization"], data["missing"]) == ("wsm", "minmax", "worst")
    weighted = {c: w for c, w in default_weights().items() if w > 0}
    total = sum(weighted.values())
    assert data["weights"] == pytest.approx({c: w / total for c, w in weighted.items()})
    assert len(data["ranking"]) == 51 and data["excluded"] == []
    first = data["ranking"][0]
    assert set(first) >= {"rank", "state", "name", "score", "values", "contributions"}
    for entry in data["ranking"]:
        assert set(entry["values"]) == set(weighted)  # every criterion with weight > 0
        assert set(entry["contributions"]) == set(weighted)
        assert 0 <= entry["score"] <= 100
        assert entry["name"] == ds.names[entry["state"]]
        assert sum(entry["contributions"].values()) == pytest.approx(entry["score"], abs=1e-9)
    ranks = [e["rank"] for e in data["ranking"]]
    assert ranks[0] == 1 and ranks == sorted(ranks)
    by_state = {e["state"]: e for e in data["ranking"]}
    # the number the engine used, null where the figure is missing
    assert by_state["TX"]["values"]["energy_cost"] == 6.26
    assert by_state["IA"]["values"]["power_capacity"] is None
    assert by_state["DC"]["values"]["regulation"] is None
    assert by_state["AK"]["values"]["tax_incentives"] == 1.0
    assert any("power_capacity" in w and "IA" in w for w in data["warnings"])


def test_rank_weights_method_normalisation(capsys):
    data = cli_json(capsys, "rank", "--format", "json", "--weights",
                    "energy_cost=3,talent=1", "--method", "topsis")
    assert data["method"] == "topsis" and data["normalization"] == "vector"
    assert data["weights"] == {"energy_cost": 0.75, "talent": 0.25}
    assert set(data["ranking"][0]["values"]) == {"energy_cost", "talent"}
    data = cli_json(capsys, "rank", "--format", "json", "--weights", "energy_cost=1",
                    "--normalize", "rank", "--method", "wpm")
    assert (data["method"], data["normalization"]) == ("wpm", "rank")
    # one criterion: the cheapest power ranks first
    assert data["ranking"][0]["state"] == min(
        data["ranking"], key=lambda e: e["values"]["energy_cost"])["state"]


def test_rank_top_exclude_require_missing(capsys, ds):
    data = cli_json(capsys, "rank", "--format", "json", "--top", "5")
    assert len(data["ranking"]) == 5
    data = cli_json(capsys, "rank", "--format", "json", "--exclude", "tx,CA")
    states = {e["state"] for e in data["ranking"]}
    assert "TX" not in states and "CA" not in states and len(states) == 49
    assert {(e["state"], e["reason"]) for e in data["excluded"]} == {
        ("CA", "excluded by the planner"), ("TX", "excluded by the planner")}
    data = cli_json(capsys, "rank", "--format", "json", "--require", "energy_cost<=9",
                    "tax_incentives>=0.5")
    for e in data["ranking"]:
        assert ds.value(e["state"], "energy_cost") <= 9
        assert ds.value(e["state"], "tax_incentives") >= 0.5
    gated = {e["state"]: e["reason"] for e in data["excluded"]}
    assert "gate energy_cost<=9" in gated["CA"]
    assert "NM" in {e["state"] for e in data["ranking"]}  # limited: local abatements
    assert len(gated) + len(data["ranking"]) == 51
    data = cli_json(capsys, "rank", "--format", "json", "--require", "tax_incentives>=0.5")
    gated = {e["state"]: e["reason"] for e in data["excluded"]}
    assert gated["DC"] == "gate tax_incentives>=0.5: value missing, cannot be checked"
    data = cli_json(capsys, "rank", "--format", "json", "--missing", "exclude")
    reasons = {e["state"]: e["reason"] for e in data["excluded"]}
    assert reasons["IA"] == "missing data: power_capacity"
    assert data["missing"] == "exclude"


@pytest.mark.parametrize(("gate", "as_number"), [
    ("water_stress<=Medium-high", "water_stress<=0.5"),
    ("water_stress < extremely high", "water_stress<1"),
    ("tax_incentives>=limited", "tax_incentives>=0.5"),
    ("gross_receipts_tax<=yes (local only)", "gross_receipts_tax<=0.5"),
])
def test_gate_on_a_category_label(capsys, gate, as_number):
    by_label = cli_json(capsys, "rank", "--format", "json", "--require", gate)
    by_number = cli_json(capsys, "rank", "--format", "json", "--require", as_number)
    assert by_label["gates"] == [as_number]
    assert by_label["ranking"] == by_number["ranking"]
    assert by_label["excluded"] == by_number["excluded"] != []


def test_gate_with_an_unknown_category_label_lists_the_labels(capsys):
    assert main(["rank", "--require", "tax_incentives>=maybe"]) == 2
    captured = capsys.readouterr()
    assert captured.out == "" and captured.err.count("\n") == 1
    assert "maybe" in captured.err and "limited = 0.5" in captured.err


def test_rank_csv_parses(capsys):
    assert main(["rank", "--format", "csv", "--top", "10"]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert len(rows) == 10
    assert [int(r["rank"]) for r in rows] == sorted(int(r["rank"]) for r in rows)
    assert {"rank", "state", "name", "score", "energy_cost", "energy_cost_points"} <= set(rows[0])
    tx = next(r for r in rows if r["state"] == "TX")
    assert tx["energy_cost"] == "6.26"
    for r in rows:
        assert 0 <= float(r["score"]) <= 100


def test_rank_table_marks_missing(capsys):
    assert main(["rank"]) == 0
    out = capsys.readouterr().out
    assert "Texas" in out and "missing" in out and "Method: weighted sum" in out


# ---------------------------------------------------------------- bad input

BAD_INPUT = [
    (["rank", "--weights", "energy_costs=1"], "energy_costs"),
    (["rank", "--weights", "energy_cost=-1"], "negative"),
    (["rank", "--weights", "energy_cost=abc"], "abc"),
    (["rank", "--weights", "energy_cost"], "ID=WEIGHT"),
    (["rank", "--weights", "energy_cost=0"], "All weights are zero"),
    (["rank", "--require", "energy_cost<<9"], "gate"),
    (["rank", "--require", "energy_cost<=cheap"], "cheap"),
    (["rank", "--require", "nope<=9"], "nope"),
    (["rank", "--exclude", "TX,XX"], "XX"),
    (["rank", "--method", "ahp"], "ahp"),
    (["rank", "--normalize", "log"], "log"),
    (["rank", "--missing", "drop"], "drop"),
    (["rank", "--top", "0"], "--top"),
    (["rank", "--top", "ten"], "--top"),
    (["rank", "--format", "xml"], "xml"),
    (["rank", "--require", "energy_cost<=1"], "Nothing is left"),
    (["criteria", "--format", "yaml"], "yaml"),
    (["rank", "--weights", "energy_cost=nan"], "finite"),
    (["rank", "--weights", "energy_cost=inf"], "finite"),
    (["rank", "--weights", "energy_cost=1e400"], "finite"),
    (["rank", "--weights", "energy_cost="], "must be a number"),
    (["rank", "--weights", ""], "No weights given"),
    (["rank", "--weights", "energy_cost=1,energy_cost=2"], "twice"),
    (["rank", "--weights", "energy_cost=0,talent=0"], "All weights are zero"),
    (["rank", "--require", "energy_cost"], "energy_cost"),
    (["rank", "--require", "<=9"], "<=9"),
    (["rank", "--require", "energy_cost=>9"], ">9"),
    (["rank", "--require", "energy_cost<=nan"], "finite"),
    (["rank", "--require", ""], "gate"),
    (["rank", "--exclude", "PR"], "PR"),
    (["rank", "--top", "-1"], "--top"),
    (["rank", "--top", "1.5"], "--top"),
    (["rank", "extra"], "extra"),
    (["frobnicate"], "frobnicate"),
]


@pytest.mark.parametrize(("args", "needle"), BAD_INPUT)
def test_bad_input_in_process_is_one_line_and_status_2(capsys, args, needle):
    try:
        status = main(args)
    except SystemExit as exc:  # argparse errors leave through SystemExit
        status = exc.code
    captured = capsys.readouterr()
    assert status == 2
    lines = captured.err.strip().splitlines()
    assert len(lines) == 1, captured.err
    assert needle in lines[0] and lines[0].startswith("siteselect")
    assert captured.out == ""


@pytest.mark.parametrize(("args", "needle"), [BAD_INPUT[i] for i in (0, 1, 2, 5, 8, 9)])
def test_bad_input_as_a_process(args, needle):
    proc = run(*args)
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1 and needle in proc.stderr
    assert proc.stdout == ""


def test_bad_data_file_is_one_line(tmp_path):
    folder = tmp_path / "data"
    folder.mkdir()
    (folder / "state_indicators.csv").write_text("", encoding="utf-8")
    (folder / "columns.csv").write_text("", encoding="utf-8")
    (folder / "criteria.csv").write_bytes((ROOT / "data" / "criteria.csv").read_bytes())
    env = dict(os.environ, SITESELECT_DATA_DIR=str(folder))
    proc = subprocess.run([sys.executable, "-m", "siteselect", "rank"], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1
    assert "state_indicators.csv" in proc.stderr and "line 1" in proc.stderr


# ---------------------------------------------------------------- entry points


def test_main_py_behaves_like_the_command():
    args = ("rank", "--format", "json", "--weights", "energy_cost=2,talent=1", "--top", "7")
    via_main = run(*args, module=False)
    via_module = run(*args)
    assert via_main.returncode == via_module.returncode == 0
    assert via_main.stdout == via_module.stdout
    assert json.loads(via_main.stdout)["ranking"][0]["rank"] == 1
    bad_main, bad_module = run("rank", "--top", "0", module=False), run("rank", "--top", "0")
    assert bad_main.returncode == bad_module.returncode == 2
    assert bad_main.stderr == bad_module.stderr


def test_console_script_matches_python_m():
    script = Path(sys.executable).with_name("siteselect")
    if not script.exists():
        pytest.fail(f"the siteselect console script is not installed next to {sys.executable}")
    proc = subprocess.run([str(script), "rank", "--format", "csv"], cwd=ROOT,
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0
    assert proc.stdout == run("rank", "--format", "csv").stdout


def test_in_process_and_subprocess_agree(capsys):
    data = cli_json(capsys, "rank", "--format", "json", "--top", "3")
    assert json.loads(run("rank", "--format", "json", "--top", "3").stdout) == data


def test_version_and_help(capsys):
    with pytest.raises(SystemExit) as info:
        main(["--version"])
    assert info.value.code == 0 and "siteselect" in capsys.readouterr().out
    with pytest.raises(SystemExit):
        main(["rank", "--help"])
    out = capsys.readouterr().out
    for option in ("--weights", "--method", "--normalize", "--exclude", "--require",
                   "--missing", "--top", "--format"):
        assert option in out


def test_no_command_without_a_display_says_so_instead_of_hiding_the_window():
    env = {k: v for k, v in os.environ.items()
           if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    if not sys.platform.startswith("linux"):
        pytest.skip("a display variable only decides this on Linux")
    proc = subprocess.run([sys.executable, "-m", "siteselect"], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 2 and proc.stdout == ""
    assert proc.stderr.count("\n") == 1 and "no display" in proc.stderr
    assert "snapshot" in proc.stderr


def test_the_window_explains_a_missing_url_too(qapp):
    """The Data Sources dialog and the weight tooltip say where tax_incentives' sources are."""
    from siteselect.ui.dialogs import DataSourcesDialog
    from siteselect.ui.weights_panel import criterion_tooltip

    ds = load_dataset()
    dlg = DataSourcesDialog(ds)
    t = dlg.table
    headers = [t.horizontalHeaderItem(c).text() for c in range(t.columnCount())]
    row = ds.criterion_ids.index("tax_incentives")
    cells = {h: t.item(row, c).text() for c, h in enumerate(headers)}
    assert cells["URL"] == "" and "state by state" in cells["Notes"]
    assert "dc_incentive_sources" in criterion_tooltip(ds.criterion("tax_incentives"))
    dlg.deleteLater()
