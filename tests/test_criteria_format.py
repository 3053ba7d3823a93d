"""Every figure of a criterion is shown with the same number of decimals."""

from __future__ import annotations

import csv
import re

import pytest

from siteselect.cli import main
from siteselect.model.criteria import CATALOGUE
from siteselect.model.dataset import PACKAGE_ROOT, load_dataset

DATA = PACKAGE_ROOT / "data"


@pytest.fixture(scope="module")
def ds():
    return load_dataset()


@pytest.fixture(scope="module")
def csv_rows():
    with (DATA / "state_indicators.csv").open(newline="", encoding="utf-8") as fh:
        return {r["state"]: r for r in csv.DictReader(fh)}


@pytest.mark.parametrize(
    ("state", "cid", "text"),
    [
        ("UT", "grid_co2", "1,413.0 lb/MWh"),
        ("ND", "grid_co2", "1,288.4 lb/MWh"),
        ("SD", "grid_co2", "334.0 lb/MWh"),
        ("TX", "energy_cost", "6.26 cents/kWh"),
        ("IL", "regulation", "-0.1049 index"),
        ("AK", "population", "740,133 persons"),
    ],
)
def test_known_figures(ds, state, cid, text):
    assert ds.format_value(state, cid) == text


def _decimals(text: str) -> int:
    return len(text.split(".")[1]) if "." in text else 0


@pytest.mark.parametrize("cid", [c.id for c in CATALOGUE if not c.encoding])
def test_a_column_has_one_precision_and_loses_no_digit(ds, csv_rows, cid):
    crit = ds.criterion(cid)
    shown = {s: ds.format_value(s, cid, with_unit=False) for s in ds.states}
    present = {s: t for s, t in shown.items() if t != "missing"}
    assert {_decimals(t) for t in present.values()} == {crit.decimals}
    for s, t in present.items():
        assert re.fullmatch(r"-?\d{1,3}(,\d{3})*(\.\d+)?", t), t
        assert float(t.replace(",", "")) == float(csv_rows[s][crit.column])
    assert all(shown[s] == "missing" for s in ds.states if csv_rows[s][crit.column] == "")


def test_categories_stay_labels(ds):
    assert ds.format_value("AK", "tax_incentives") == "n/a"
    assert ds.criterion("water_stress").decimals is None
    assert ds.criterion("water_stress").format_value(0.25) == "Low-medium"


def test_cli_table_shows_the_column_consistently(ds, capsys):
    assert main(["rank", "--weights", "grid_co2=1"]) == 0
    out = capsys.readouterr().out
    pattern = r"\s*\d+\s+[A-Z]{2}\s"
    rows = {line.split()[1]: line for line in out.splitlines() if re.match(pattern, line)}
    assert "1,413.0" in rows["UT"] and "1,288.4" in rows["ND"] and "334.0" in rows["SD"]
