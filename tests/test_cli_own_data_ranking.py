"""Planners' own tables used like shipped data: a template filled in, imported and ranked
against a hand computation; CSV and XLSX alike; a saved scenario that keeps its figures until
accepted; exports that say which figures are newer."""

from __future__ import annotations

import csv
import json

import openpyxl
import pytest

from siteselect.cli import main
from siteselect.model.dataset import load_dataset

QUOTES = {"TX": "4.2", "OK": "3.8", "LA": "5.0", "NM": "4.6", "GA": "6.1"}


def run(capsys, *argv):
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def ok(capsys, *argv):
    code, out, err = run(capsys, *argv)
    assert code == 0, err
    return out, err


def fill_csv(path, values, cid="power_quote"):
    rows = list(csv.reader(path.open(encoding="utf-8-sig")))
    side = path.with_name(path.stem + ".criteria.csv")
    crit = list(csv.reader(side.open(encoding="utf-8-sig")))
    old = crit[1][0]
    crit[1][:5] = [cid, "Negotiated power quote", "cents/kWh", "lower", "Utility quotes"]
    j = rows[0].index(old)
    rows[0][j] = cid
    for r in rows[1:]:
        r[j] = values.get(r[0], "")
    csv.writer(path.open("w", newline="", encoding="utf-8")).writerows(rows)
    csv.writer(side.open("w", newline="", encoding="utf-8")).writerows(crit)


def fill_xlsx(path, values, cid="power_quote"):
    wb = openpyxl.load_workbook(path)
    data = wb[[n for n in wb.sheetnames if n != "criteria"][0]]
    crit = wb["criteria"]
    header = [c.value for c in crit[1]]
    old = crit.cell(2, 1).value
    for k, v in {"id": cid, "label": "Negotiated power quote", "unit": "cents/kWh",
                 "direction": "lower", "source": "Utility quotes"}.items():
        crit.cell(2, header.index(k) + 1, v)
    col = [c.value for c in data[1]].index(old) + 1
    data.cell(1, col, cid)
    for r in range(2, data.max_row + 1):
        v = values.get(data.cell(r, 1).value)
        data.cell(r, col, float(v) if v else None)
    wb.save(path)


def ranking(capsys, *extra):
    out, _ = ok(capsys, "rank", "--format", "json", *extra)
    return json.loads(out)


def test_template_round_trip_reproduces_a_hand_computation(tmp_path, capsys):
    db = tmp_path / "s.db"
    path = tmp_path / "quotes.csv"
    ok(capsys, "data", "template", "-o", path)
    fill_csv(path, QUOTES)
    ok(capsys, "data", "import", path, "--name", "Quotes", "--db", db)
    rec = ranking(capsys, "--weights", "power_quote=3,energy_cost=1", "--missing", "exclude",
                  "--db", db)
    # by hand: min-max over the five states with a quote, lower is better, weights 3:1
    ds = load_dataset()
    q = {s: float(v) for s, v in QUOTES.items()}
    e = {s: ds.value(s, "energy_cost") for s in QUOTES}

    def scaled(v):
        lo, hi = min(v.values()), max(v.values())
        return {s: (hi - x) / (hi - lo) for s, x in v.items()}

    nq, ne = scaled(q), scaled(e)
    expected = {s: 100 * (3 * nq[s] + ne[s]) / 4 for s in QUOTES}
    got = {r["code"]: r["score"] for r in rec["ranking"]}
    assert got == pytest.approx(expected, abs=1e-6)
    crit = {c["id"]: c for c in rec["criteria"]}
    assert crit["power_quote"]["source"] == "Utility quotes"


def test_csv_and_xlsx_give_the_same_ranking(tmp_path, capsys):
    results = []
    for suffix in ("csv", "xlsx"):
        db = tmp_path / f"{suffix}.db"
        path = tmp_path / f"quotes.{suffix}"
        ok(capsys, "data", "template", "-o", path)
        (fill_csv if suffix == "csv" else fill_xlsx)(path, QUOTES)
        ok(capsys, "data", "import", path, "--name", "Quotes", "--db", db)
        rec = ranking(capsys, "--weights", "power_quote=2,talent=1", "--db", db)
        results.append([(r["code"], round(r["score"], 9)) for r in rec["ranking"]])
    assert results[0] == results[1]


def test_a_replacement_keeps_the_saved_scenario_until_accepted(tmp_path, capsys):
    db = tmp_path / "s.db"
    ds = load_dataset()
    path = tmp_path / "eia.csv"
    ok(capsys, "data", "template", "--criteria", "energy_cost", "-o", path)
    ok(capsys, "data", "import", path, "--name", "EIA", "--db", db)
    ok(capsys, "scenario", "save", "Board", "--weights", "energy_cost=1", "--db", db)
    before = ranking(capsys, "--scenario", "Board", "--db", db)["ranking"]
    # a newer release: Hawaii at 2 cents
    rows = list(csv.reader(path.open(encoding="utf-8-sig")))
    for r in rows[1:]:
        if r[0] == "HI":
            r[2] = "2"
    csv.writer(path.open("w", newline="", encoding="utf-8")).writerows(rows)
    out, _ = ok(capsys, "data", "import", path, "--name", "EIA", "--db", db)
    assert "“Board”" in out and "keep their earlier figures" in out
    code, out, err = run(capsys, "rank", "--scenario", "Board", "--format", "json", "--db", db)
    assert code == 0
    assert json.loads(out)["ranking"] == before  # unchanged until accepted
    assert "newer figures (version 2); this scenario uses version 1" in err
    out, _ = ok(capsys, "scenario", "show", "Board", "--db", db)
    assert "“EIA” version 1" in out and "Newer figures" in out
    # every export of it says so
    xlsx = tmp_path / "board.xlsx"
    ok(capsys, "export", "--scenario", "Board", "--format", "xlsx", "-o", xlsx, "--db", db)
    about = openpyxl.load_workbook(xlsx)
    texts = [str(c.value) for ws in about.worksheets for row in ws.iter_rows() for c in row
             if c.value]
    assert any("newer figures (version 2)" in t for t in texts)
    # a new ranking uses the newer figures at once
    assert ranking(capsys, "--weights", "energy_cost=1", "--db", db)["ranking"][0]["code"] == "HI"
    ok(capsys, "data", "accept", "Board", "--db", db)
    after = ranking(capsys, "--scenario", "Board", "--db", db)["ranking"]
    assert after[0]["code"] == "HI" and ds.value("HI", "energy_cost") > 2


def test_a_removed_table_is_named_for_every_scenario_that_used_it(tmp_path, capsys):
    db = tmp_path / "s.db"
    path = tmp_path / "quotes.csv"
    ok(capsys, "data", "template", "-o", path)
    fill_csv(path, QUOTES)
    ok(capsys, "data", "import", path, "--name", "Quotes", "--db", db)
    for name in ("North", "South"):
        ok(capsys, "scenario", "save", name, "--weights", "power_quote=1,talent=1",
           "--db", db)
    out, err = ok(capsys, "data", "remove", "Quotes", "--db", db)
    assert "“North” (version 1)" in err and "“South” (version 1)" in err
    for name in ("North", "South"):
        code, out, err = run(capsys, "rank", "--scenario", name, "--db", db)
        assert code == 0  # still scored with the figures it was saved with
        assert "“Quotes” was removed; this scenario still uses its version 1" in err
    code, out, err = run(capsys, "rank", "--weights", "power_quote=1", "--db", db)
    assert code == 2 and "Unknown criterion 'power_quote'" in err


def test_a_county_table_keyed_by_fips_ranks_the_counties(tmp_path, capsys):
    db = tmp_path / "s.db"
    path = tmp_path / "land.csv"
    ok(capsys, "data", "template", "--level", "county", "-o", path)
    rows = list(csv.reader(path.open(encoding="utf-8-sig")))
    assert rows[0][0] == "fips" and rows[1][0] == "01001"
    side = path.with_name("land.criteria.csv")
    crit = list(csv.reader(side.open(encoding="utf-8-sig")))
    crit[1][:5] = ["land_price", "Land price", "USD/acre", "lower", "Broker survey"]
    rows[0][2] = "land_price"
    prices = {"10001": "5200", "10003": "9100", "10005": "7400"}
    for r in rows[1:]:
        r[2] = prices.get(r[0], "")
    csv.writer(path.open("w", newline="", encoding="utf-8")).writerows(rows)
    csv.writer(side.open("w", newline="", encoding="utf-8")).writerows(crit)
    ok(capsys, "data", "import", path, "--name", "Land", "--db", db)
    rec = ranking(capsys, "--level", "county", "--within", "DE", "--weights", "land_price=1",
                  "--db", db)
    got = {r["code"]: r["score"] for r in rec["ranking"]}
    assert got == pytest.approx({"10001": 100.0, "10005": 100 * (9100 - 7400) / 3900,
                                 "10003": 0.0})
    assert [r["name"] for r in rec["ranking"]][0] == "Kent County"


def test_a_state_table_is_a_state_figure_at_county_level(tmp_path, capsys):
    db = tmp_path / "s.db"
    path = tmp_path / "quotes.csv"
    ok(capsys, "data", "template", "-o", path)
    fill_csv(path, QUOTES)
    ok(capsys, "data", "import", path, "--name", "Quotes", "--db", db)
    rec = ranking(capsys, "--level", "county", "--within", "TX,OK", "--weights",
                  "power_quote=1", "--db", db)
    by_state = {r["state"]: r["values"]["power_quote"] for r in rec["ranking"]}
    assert by_state == {"TX": 4.2, "OK": 3.8}
    crit = {c["id"]: c for c in rec["criteria"]}
    assert crit["power_quote"]["label"].endswith("(state figure)")
    assert rec["ranking"][0]["state"] == "OK"
