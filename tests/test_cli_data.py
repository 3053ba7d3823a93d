"""`siteselect data template|import|list|show|remove|accept`, in-process on real files."""

from __future__ import annotations

import csv
import json

import openpyxl

from siteselect.cli import main
from siteselect.model.dataset import load_dataset
from siteselect.model.scenario import Scenario
from siteselect.model.settings import ScoringSettings
from siteselect.storage import ScenarioStore


def run(capsys, *argv):
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def fill_csv_template(path, cid, values, label="Land price", unit="USD/acre",
                      direction="lower"):
    rows = list(csv.reader(path.open(encoding="utf-8-sig")))
    crit_path = path.with_name(path.stem + ".criteria.csv")
    crit = list(csv.reader(crit_path.open(encoding="utf-8-sig")))
    old = crit[1][0]
    crit[1][:4] = [cid, label, unit, direction]
    crit[1][crit[0].index("source")] = "Broker survey"
    j = rows[0].index(old)
    rows[0][j] = cid
    for r in rows[1:]:
        r[j] = values.get(r[0], "")
    with path.open("w", newline="", encoding="utf-8") as fh:
        csv.writer(fh).writerows(rows)
    with crit_path.open("w", newline="", encoding="utf-8") as fh:
        csv.writer(fh).writerows(crit)


def test_template_fill_import_list_show(tmp_path, capsys):
    db = tmp_path / "s.db"
    out = tmp_path / "land.csv"
    code, text, err = run(capsys, "data", "template", "-o", out)
    assert code == 0, err
    values = {"TX": "2500", "OK": "1800", "NM": "900.5"}
    fill_csv_template(out, "land_price", values)
    code, text, err = run(capsys, "data", "import", out, "--name", "Land", "--db", db)
    assert code == 0, err
    assert "Imported “Land” version 1 (state level): land_price" in text
    code, text, err = run(capsys, "data", "list", "--format", "json", "--db", db)
    listed = json.loads(text)
    assert [(t["name"], t["version"], t["criteria"]) for t in listed] == [
        ("Land", 1, ["land_price"])]
    code, text, err = run(capsys, "data", "show", "Land", "--format", "json", "--db", db)
    shown = json.loads(text)
    assert shown["criteria"][0]["source"] == "Broker survey"
    assert shown["criteria"][0]["figures"] == 3
    rows = {r["code"]: r["land_price"] for r in shown["rows"]}
    assert rows["NM"] == "900.5" and rows["WY"] == ""
    code, text, err = run(capsys, "data", "show", "Land", "--db", db)
    assert "Broker survey" in text and "(missing)" in text


def test_errors_import_nothing_and_are_listed_with_a_report(tmp_path, capsys):
    db = tmp_path / "s.db"
    out = tmp_path / "bad.csv"
    run(capsys, "data", "template", "-o", out)
    fill_csv_template(out, "land_price", {"TX": "cheap", "OK": "-5"})
    with out.open("a", encoding="utf-8") as fh:
        fh.write("ZZ,Nowhere,4\n")
    report = tmp_path / "report.csv"
    code, text, err = run(capsys, "data", "import", out, "--db", db, "--report", report)
    assert code == 2
    lines = err.splitlines()
    assert any(line.startswith(f"{out.name}:") and ":state:" in line and "ZZ" in line
               for line in lines), err
    assert any(":land_price:" in line and "cheap" in line for line in lines), err
    assert "nothing was imported" in err
    with report.open(encoding="utf-8-sig") as fh:
        rep = list(csv.DictReader(fh))
    assert {"cheap", "ZZ"} <= {r["value"] for r in rep}
    assert not db.exists() or ScenarioStore.open(db).current_tables() == []


def test_xlsx_template_round_trip(tmp_path, capsys):
    db = tmp_path / "s.db"
    out = tmp_path / "land.xlsx"
    assert run(capsys, "data", "template", "-o", out)[0] == 0
    wb = openpyxl.load_workbook(out)
    data = wb[[n for n in wb.sheetnames if n != "criteria"][0]]
    crit = wb["criteria"]
    header = [c.value for c in crit[1]]
    old = crit.cell(2, 1).value
    for k, v in {"id": "land_price", "label": "Land price", "unit": "USD/acre",
                 "direction": "lower", "source": "Broker survey"}.items():
        crit.cell(2, header.index(k) + 1, v)
    dheader = [c.value for c in data[1]]
    col = dheader.index(old) + 1
    data.cell(1, col, "land_price")
    for r in range(2, data.max_row + 1):
        if data.cell(r, 1).value == "TX":
            data.cell(r, col, 2500)
    wb.save(out)
    code, text, err = run(capsys, "data", "import", out, "--db", db)
    assert code == 0, err
    with ScenarioStore.open(db) as store:
        t = store.get_table("land").table()
    ds = load_dataset()
    assert t.values["land_price"][ds.alternatives.codes.index("TX")] == "2500"


def test_remove_warns_naming_every_scenario_that_used_it(tmp_path, capsys):
    db = tmp_path / "s.db"
    out = tmp_path / "land.csv"
    run(capsys, "data", "template", "-o", out)
    fill_csv_template(out, "land_price", {"TX": "2500", "OK": "1800"})
    assert run(capsys, "data", "import", out, "--db", db)[0] == 0
    with ScenarioStore.open(db) as store:
        refs = store.current_refs()
        for name in ("North", "South"):
            store.save(Scenario(name, settings=ScoringSettings(weights={"land_price": 1}),
                                tables=refs))
    code, text, err = run(capsys, "data", "remove", "land", "--db", db)
    assert code == 0
    assert "“North” (version 1)" in err and "“South” (version 1)" in err
    code, text, err = run(capsys, "data", "list", "--db", db)
    assert "No tables" in text
    code, text, err = run(capsys, "data", "accept", "North", "--db", db)
    assert code == 0 and "now uses no tables" in text
    assert "Dropped the weights, gates and what-if values on land_price" in text
    with ScenarioStore.open(db) as store:
        assert "land_price" not in store.get("North").settings.weights
    code, text, err = run(capsys, "data", "remove", "land", "--db", db)
    assert code == 2 and "no table named" in err


def test_special_files_and_empty_names_are_refused_in_one_line(tmp_path, capsys):
    import os

    fifo = tmp_path / "pipe.csv"
    os.mkfifo(fifo)
    code, text, err = run(capsys, "data", "import", fifo, "--db", tmp_path / "s.db")
    assert code == 2 and "not a regular file" in err
    code, text, err = run(capsys, "data", "import", "/dev/zero", "--db", tmp_path / "s.db")
    assert code == 2 and "not a regular file" in err
    out = tmp_path / "land.csv"
    run(capsys, "data", "template", "-o", out)
    fill_csv_template(out, "land_price", {"TX": "1"})
    code, text, err = run(capsys, "data", "import", out, "--name", " ", "--db",
                          tmp_path / "s.db")
    assert code == 2 and "A table name cannot be empty." in err
