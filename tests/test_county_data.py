"""The shipped county figures: one row per county of the 50 states and DC, keyed by FIPS text."""

from __future__ import annotations

import csv

from siteselect.model.dataset import PACKAGE_ROOT

COUNTIES = PACKAGE_ROOT / "data" / "counties"


def _rows(name: str) -> list[dict[str, str]]:
    with open(COUNTIES / name, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def test_county_table_has_every_county_once_with_its_fips_as_text():
    rows = _rows("county_indicators.csv")
    assert len(rows) == 3142
    fips = [r["fips"] for r in rows]
    assert len(set(fips)) == 3142
    assert all(len(f) == 5 and f.isdigit() for f in fips)
    assert fips[0] == "01001" and fips == sorted(fips)  # leading zeros kept
    assert {r["state"] for r in rows} >= {"TX", "DE", "DC", "AK", "HI"}
    assert sum(r["state"] == "TX" for r in rows) == 254
    assert sorted(r["county"] for r in rows if r["state"] == "DE") == [
        "Kent County", "New Castle County", "Sussex County"]


def test_every_county_column_has_its_provenance_and_a_missing_figure_stays_blank():
    columns = {r["column"]: r for r in _rows("county_columns.csv")}
    header = list(_rows("county_indicators.csv")[0])
    assert set(header) == set(columns)
    for name, rec in columns.items():
        assert rec["label"] and rec["source"] and rec["data_year"] and rec["status"], name
    proxy = columns["industrial_price_proxy"]
    assert proxy["status"].startswith("computed") and "proxy" in proxy["label"].lower()
    rows = _rows("county_indicators.csv")
    assert any(r["population"] == "" for r in rows)  # missing, never zero
    assert (COUNTIES / "COUNTY_SOURCES.md").read_text(encoding="utf-8").startswith("# County")
