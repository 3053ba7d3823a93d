"""The loader refuses a state file that lacks a state or holds an implausible figure."""

from __future__ import annotations

import csv
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from siteselect.cli.rank import criteria_records
from siteselect.errors import DataError
from siteselect.model.criteria import CATALOGUE
from siteselect.model.dataset import PACKAGE_ROOT, load_dataset

DATA = PACKAGE_ROOT / "data"


@pytest.fixture
def copy_dir(tmp_path):
    folder = tmp_path / "data"
    shutil.copytree(DATA, folder)
    return folder


def _rows(folder: Path) -> list[list[str]]:
    with (folder / "state_indicators.csv").open(newline="", encoding="utf-8") as fh:
        return list(csv.reader(fh))


def _write_rows(folder: Path, rows: list[list[str]]) -> None:
    with (folder / "state_indicators.csv").open("w", newline="", encoding="utf-8") as fh:
        csv.writer(fh, lineterminator="\n").writerows(rows)


def _set_cell(folder: Path, state: str, column: str, text: str) -> int:
    rows = _rows(folder)
    j = rows[0].index(column)
    for i, row in enumerate(rows):
        if row and row[0] == state:
            row[j] = text
            line = i + 1
    _write_rows(folder, rows)
    return line


def _error(folder: Path) -> str:
    with pytest.raises(DataError) as info:
        load_dataset(folder)
    return str(info.value)


def test_every_numeric_criterion_has_a_range_and_categories_none():
    for c in CATALOGUE:
        lo, hi = c.valid_range
        if c.is_categorical or c.id == "regulation":
            assert (lo, hi) == (None, None), c.id
        else:
            assert lo is not None, c.id


def test_shipped_figures_lie_in_their_ranges():
    ds = load_dataset()
    for c in ds.criteria:
        for v in ds.column_values(c):
            if v == v:
                assert c.in_range(float(v)), (c.id, v)


def test_a_missing_state_is_named(copy_dir):
    rows = [r for r in _rows(copy_dir) if not (r and r[0] == "WY")]
    _write_rows(copy_dir, rows)
    msg = _error(copy_dir)
    assert "state_indicators.csv" in msg and "missing WY" in msg and "51 states" in msg


def test_an_extra_code_is_named_with_its_line(copy_dir):
    rows = _rows(copy_dir)
    pr = list(rows[1])
    pr[0] = "PR"
    rows.append(pr)
    _write_rows(copy_dir, rows)
    msg = _error(copy_dir)
    assert f"PR (line {len(rows)})" in msg and "missing" not in msg


@pytest.mark.parametrize(
    ("state", "column", "text", "allowed"),
    [
        ("CA", "industrial_price_cents_kwh", "-21.98", "from 0 to 1e+15"),
        ("CA", "industrial_price_cents_kwh", "1e308", "from 0 to 1e+15"),
        ("TX", "clean_share_pct", "100.5", "from 0 to 100"),
        ("TX", "hazard_expected_loss_score", "-1", "from 0 to 100"),
        ("TX", "tax_climate_rank", "0", "from 1 to 51"),
        ("TX", "avg_temp_f", "212", "from -60 to 130"),
        ("TX", "population", "-5", "from 0 to 1e+15"),
        ("TX", "cooling_degree_days", "-3", "from 0 to 1e+15"),
    ],
)
def test_implausible_figure_names_file_line_column_value_and_range(
        copy_dir, state, column, text, allowed):
    line = _set_cell(copy_dir, state, column, text)
    msg = _error(copy_dir)
    assert "state_indicators.csv" in msg
    assert f"line {line}" in msg and f"column {column}" in msg and text in msg
    assert allowed in msg


def test_regulation_may_be_negative(copy_dir):
    _set_cell(copy_dir, "TX", "regulatory_policy_score", "-0.9")
    assert load_dataset(copy_dir).value("TX", "regulation") == -0.9


def test_regulation_must_be_finite(copy_dir):
    _set_cell(copy_dir, "TX", "regulatory_policy_score", "inf")
    assert "not a finite number" in _error(copy_dir)


def test_criteria_json_documents_the_range():
    records = {r["id"]: r for r in criteria_records(load_dataset())}
    assert records["clean_power"]["valid_range"] == [0.0, 100.0]
    assert records["tax_climate"]["valid_range"] == [1.0, 51.0]
    assert records["regulation"]["valid_range"] == [None, None]
    assert records["water_stress"]["valid_range"] is None


def test_rank_refuses_a_file_without_wyoming_as_one_line(copy_dir):
    rows = [r for r in _rows(copy_dir) if not (r and r[0] == "WY")]
    _write_rows(copy_dir, rows)
    env = dict(os.environ, SITESELECT_DATA_DIR=str(copy_dir), PYTHONIOENCODING="utf-8")
    proc = subprocess.run([sys.executable, "-m", "siteselect", "rank", "--format", "json"],
                          cwd=PACKAGE_ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 2 and proc.stdout == ""
    assert len(proc.stderr.strip().splitlines()) == 1 and "missing WY" in proc.stderr
    ok = subprocess.run([sys.executable, "-m", "siteselect", "criteria", "--format", "json"],
                        cwd=PACKAGE_ROOT, capture_output=True, text=True, timeout=120,
                        env=dict(os.environ, PYTHONIOENCODING="utf-8"))
    assert ok.returncode == 0
    assert {r["id"]: r for r in json.loads(ok.stdout)}["education"]["valid_range"] == [0, 100]
