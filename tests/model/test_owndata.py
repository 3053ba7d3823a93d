"""Planners' own tables: templates filled in and read back, every problem at its place,
CSV and XLSX read alike, and the problem report read back with the csv module."""

from __future__ import annotations

import csv
import datetime as dt
import json

import openpyxl
import pytest

from siteselect.exports.problem_report import HEADER, write_problem_report
from siteselect.model.alternatives import load_alternatives
from siteselect.model.catalogue import Problem
from siteselect.model.criteria import HIGHER, LOWER
from siteselect.model.dataset import load_dataset
from siteselect.model.owndata import (
    ImportedTable,
    problem_lines,
    read_table,
    write_template,
    xlsx_sheets,
)

CRIT_HEADER = ["id", "label", "unit", "direction", "source", "url", "year", "status",
               "valid_min", "valid_max", "labels"]


@pytest.fixture(scope="module")
def known():
    return {c.id: c for c in load_dataset().criteria}


@pytest.fixture(scope="module")
def states():
    return load_alternatives("state")


def write_csv(path, rows, encoding="utf-8"):
    with path.open("w", encoding=encoding, newline="") as fh:
        csv.writer(fh).writerows(rows)
    return path


def read_csv(path):
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return list(csv.reader(fh))


def where(problems):
    """(file, row, column, code) of every problem."""
    return {(p.file, p.row, p.column, p.code) for p in problems}


def errors(problems):
    return [p for p in problems if not p.warning]


# -- templates ---------------------------------------------------------------------------------
def test_csv_template_filled_in_reads_back(tmp_path, known, states):
    path = write_template(tmp_path / "prices.csv", known={
        k: known[k] for k in ("energy_cost", "retail_choice")})
    side = tmp_path / "prices.criteria.csv"
    rows = read_csv(path)
    assert rows[0] == ["state", "name", "energy_cost", "retail_choice"]
    assert [r[0] for r in rows[1:]] == list(states.codes)
    crit = read_csv(side)
    assert crit[0] == CRIT_HEADER
    assert [r[0] for r in crit[1:]] == ["energy_cost", "retail_choice"]
    labels = list(known["retail_choice"].encoding)
    for i, r in enumerate(rows[1:]):
        r[2] = f"{5 + i / 8:.3f}" if r[0] != "TX" else ""
        r[3] = labels[i % len(labels)]
    write_csv(path, rows)
    crit[1][4:8] = ["Utility tariff survey", "https://example.org/t", "2025", "preliminary"]
    write_csv(side, crit)

    table, problems = read_table(path, known)

    assert table is not None, problem_lines(problems)
    assert table.name == "prices" and table.level == "state" and table.sheet == ""
    assert table.source_file == "prices.csv"
    assert [c.id for c in table.criteria] == ["energy_cost", "retail_choice"]
    energy = table.criteria[0]
    assert table.values["energy_cost"] == tuple(r[2] for r in rows[1:])
    assert table.values["energy_cost"][states.position("TX")] == ""
    assert table.values["retail_choice"] == tuple(r[3] for r in rows[1:])
    # a replaced criterion keeps what the import does not restate, takes the import's source
    assert energy.direction == LOWER and energy.group == known["energy_cost"].group
    assert energy.valid_range == known["energy_cost"].valid_range
    assert energy.provenance.source == "Utility tariff survey"
    assert energy.provenance.year == "2025" and energy.provenance.status == "preliminary"
    assert table.criteria[1].encoding == known["retail_choice"].encoding
    # the template stated each shipped criterion's provenance; retail_choice kept it
    assert crit[2][4] == known["retail_choice"].provenance.source != ""
    assert table.criteria[1].provenance.source == known["retail_choice"].provenance.source
    assert problems == []


def test_xlsx_template_filled_in_reads_back(tmp_path, states):
    path = write_template(tmp_path / "own.xlsx")
    assert xlsx_sheets(path) == ["data", "criteria"]
    wb = openpyxl.load_workbook(path)
    ws, cs = wb["data"], wb["criteria"]
    assert [c.value for c in ws[1]] == ["state", "name", "my_figure"]
    assert [c.value for c in cs[2]][:4] == ["my_figure", "My figure", "units", "higher"]
    cs["A2"], cs["B2"], cs["C2"] = "fibre_routes", "Long-haul fibre routes", "routes"
    cs["E2"] = "Carrier maps"
    ws["C1"] = "fibre_routes"
    for r in range(2, ws.max_row + 1):
        ws.cell(row=r, column=3).value = r * 3  # integers, written as numbers
    ws["C5"] = 2.5
    wb.save(path)

    table, problems = read_table(path, {}, name="Fibre")

    assert problems == [], problem_lines(problems)
    assert table.name == "Fibre" and table.sheet == "data" and table.source_file == "own.xlsx"
    (crit,) = table.criteria
    assert (crit.id, crit.label, crit.unit, crit.direction) == (
        "fibre_routes", "Long-haul fibre routes", "routes", HIGHER)
    assert crit.group == "Your data" and crit.default_weight == 0.0
    assert crit.provenance.source == "Carrier maps"
    expected = [str(r * 3) for r in range(2, len(states) + 2)]
    expected[3] = "2.5"
    assert table.values["fibre_routes"] == tuple(expected)


def test_county_template_keeps_leading_zeros(tmp_path):
    path = write_template(tmp_path / "counties.xlsx", level="county")
    ws = openpyxl.load_workbook(path)["data"]
    assert ws["A1"].value == "fips"
    assert ws["A2"].value == "01001" and ws["A2"].data_type == "s"


# -- CSV and XLSX alike -----------------------------------------------------------------------
def test_same_figures_as_csv_and_xlsx_are_equal(tmp_path, known):
    crit_rows = [CRIT_HEADER,
                 ["water_cost", "Water price", "$/kgal", "lower", "AWWA", "", "2024", "final",
                  "0", "", ""],
                 ["permits", "Permitting speed", "category", "higher", "Survey", "", "2025",
                  "", "", "", "slow;medium;fast"]]
    # keys by postal code (any case), full name and FIPS code (12 = Florida)
    data = [["state", "water_cost", "permits"], ["TX", 7.25, "fast"], ["ca", 12, "slow"],
            ["New York", 0.1, ""], ["12", 1e-7, "medium"]]
    write_csv(tmp_path / "t.csv", [[str(c) for c in row] for row in data])
    write_csv(tmp_path / "t.criteria.csv", crit_rows)
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "figures"
    for row in data:
        ws.append(row)
    cs = wb.create_sheet("criteria")
    for row in crit_rows:
        cs.append([0.0 if c == "0" else c for c in row])  # a number, as typed in a sheet
    wb.save(tmp_path / "t.xlsx")

    from_csv, p1 = read_table(tmp_path / "t.csv", known)
    from_xlsx, p2 = read_table(tmp_path / "t.xlsx", known)

    assert from_csv is not None and from_xlsx is not None, problem_lines(p1 + p2)
    assert from_csv.values == from_xlsx.values
    assert from_csv.criteria == from_xlsx.criteria
    assert from_csv.content_hash == from_xlsx.content_hash
    assert len(from_csv.content_hash) == 16
    states = load_alternatives("state")
    water = from_csv.values["water_cost"]
    assert water[states.position("TX")] == "7.25"
    assert water[states.position("CA")] == "12"
    assert water[states.position("FL")] == "1e-07"
    assert from_xlsx.values["permits"][states.position("NY")] == ""
    # 47 states are missing: one readable warning naming them
    (missing,) = [p for p in p1 if p.code == "missing-alternative"]
    assert missing.warning and "47 states" in missing.message and "and 37 more" in missing.message
    # a changed figure changes the hash
    rows = read_csv(tmp_path / "t.csv")
    rows[1][1] = "7.26"
    write_csv(tmp_path / "t.csv", rows)
    changed, _ = read_table(tmp_path / "t.csv", known)
    assert changed.content_hash != from_csv.content_hash


def test_to_dict_round_trips_through_json(tmp_path, known):
    write_csv(tmp_path / "t.csv", [["state", "name", "energy_cost", "grid"],
                                   ["TX", "Texas", "6.5", "ERCOT"], ["NM", "", "7", "WECC"]])
    write_csv(tmp_path / "t.criteria.csv", [
        CRIT_HEADER,
        ["energy_cost", "Power price", "cents/kWh", "lower_is_better", "Own survey", "", "",
         "", "", "", ""],
        ["grid", "Grid region", "region", "higher", "NERC", "", "", "", "", "",
         "WECC=0;ERCOT=1;PJM=0.5"]])
    table, problems = read_table(tmp_path / "t.csv", known)
    assert table is not None, problem_lines(problems)
    again = ImportedTable.from_dict(json.loads(json.dumps(table.to_dict())))
    assert again == table
    assert again.criteria[1].encoding == {"WECC": 0.0, "ERCOT": 1.0, "PJM": 0.5}


# -- problems --------------------------------------------------------------------------------
def test_planted_problems_are_each_reported_where_they_are(tmp_path, known):
    write_csv(tmp_path / "bad.criteria.csv", [
        CRIT_HEADER,
        ["fibre", "Fibre routes", "routes", "higher", "Maps", "", "", "", "0", "100", ""],
        ["tier", "Utility tier", "tier", "higher", "Survey", "", "", "", "", "", "C;B;A"],
        ["fibre", "Fibre again", "routes", "higher", "", "", "", "", "", "", ""],   # line 4
        ["land", "Land price", "", "lower", "", "", "", "", "", "", ""],           # line 5
        ["unused", "Not in the data", "x", "lower", "S", "", "", "", "", "", ""],   # line 6
        ["blank", "No figures", "x", "lower", "S", "", "", "", "", "", ""],         # line 7
    ])
    write_csv(tmp_path / "bad.csv", [
        ["state", "name", "fibre", "tier", "land", "fibree", "blank"],
        ["TX", "Texas", "12", "A", "", "", ""],
        ["Texsa", "", "3", "B", "", "", ""],          # line 3: unknown key, suggest Texas
        ["tx", "", "4", "C", "", "", ""],             # line 4: duplicate of line 2
        ["NY", "", "abc", "B", "", "", ""],            # line 5: not a number
        ["CA", "", "nan", "B", "", "", ""],            # line 6: not finite
        ["WA", "", "1e999", "B", "", "", ""],          # line 7: overflows
        ["OR", "", "150", "B", "", "", ""],            # line 8: out of range
        ["NV", "", "1,234.5", "B", "", "", ""],        # line 9: thousands separator
        ["UT", "", "5", "D", "", "", ""],              # line 10: unknown label
        ["ZZ", "", "5", "A", "", "", ""],              # line 11: unknown key, no suggestion
        ["", "", "5", "A", "", "", ""],                # line 12: no key
    ])

    table, problems = read_table(tmp_path / "bad.csv", known)

    assert table is None
    found = where(problems)
    expected = {
        ("bad.csv", 3, "state", "unknown-key"),
        ("bad.csv", 4, "state", "duplicate-key"),
        ("bad.csv", 5, "fibre", "not-a-number"),
        ("bad.csv", 6, "fibre", "not-finite"),
        ("bad.csv", 7, "fibre", "not-finite"),
        ("bad.csv", 8, "fibre", "out-of-range"),
        ("bad.csv", 9, "fibre", "separator"),
        ("bad.csv", 10, "tier", "unknown-label"),
        ("bad.csv", 11, "state", "unknown-key"),
        ("bad.csv", 12, "state", "empty-key"),
        ("bad.csv", 1, "fibree", "unknown-column"),
        ("bad.csv", 1, "blank", "empty-column"),
        ("bad.criteria.csv", 4, "id", "duplicate-id"),
        ("bad.criteria.csv", 5, "unit", "empty-required"),
        ("bad.criteria.csv", 6, "id", "missing-data-column"),
        ("bad.csv", 0, "state", "missing-alternative"),
    }
    assert expected <= found, sorted(expected - found)
    by = {(p.row, p.code): p for p in problems if p.file == "bad.csv"}
    assert "did you mean Texas (TX)?" in by[3, "unknown-key"].message
    assert by[3, "unknown-key"].value == "Texsa"
    assert "did you mean" not in by[11, "unknown-key"].message
    assert "first on row 2" in by[4, "duplicate-key"].message
    assert "from 0 to 100" in by[8, "out-of-range"].message
    assert by[8, "out-of-range"].value == "150"
    assert "write 1234.5, without separators" in by[9, "separator"].message
    assert "C, B, A" in by[10, "unknown-label"].message
    assert "did you mean fibre?" in by[1, "unknown-column"].message
    assert by[0, "missing-alternative"].warning
    # every problem has a stable code, and a line of the form FILE:ROW:COLUMN: message (value)
    assert all(p.code for p in problems)
    assert "bad.csv:5:fibre: not a number; write figures as plain numbers such as 1234.5 (abc)" \
        in problem_lines(problems)


def test_category_labels_match_in_any_case(tmp_path, known):
    write_csv(tmp_path / "t.csv", [["state", "retail_choice"], ["TX", "YES"], ["CA", "No"]])
    write_csv(tmp_path / "t.criteria.csv", [
        CRIT_HEADER, ["retail_choice", "Retail choice", "category", "higher", "PUC", "", "",
                      "", "", "", ""]])
    table, problems = read_table(tmp_path / "t.csv", known)
    assert table is not None, problem_lines(problems)
    states = load_alternatives("state")
    assert table.values["retail_choice"][states.position("TX")] == "yes"
    assert table.values["retail_choice"][states.position("CA")] == "no"


def test_xlsx_formula_without_result_date_and_merged_cells(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "figures"
    ws.append(["state", "name", "cost", "cap"])
    ws.append(["TX", "Texas", 5.5, 10])
    ws.append(["CA", "California", "=C2*2", 11])       # row 3: formula, no saved result
    ws.append(["NY", "New York", dt.date(2024, 5, 1), 12])  # row 4: a date
    ws.append(["WA", "Washington", 3, 13])
    ws.append(["OR", "Oregon", None, 14])
    ws.merge_cells("C5:C6")                              # rows 5-6 of cost merged
    cs = wb.create_sheet("criteria")
    cs.append(["id", "label", "unit", "direction", "source"])
    cs.append(["cost", "Cost", "$", "lower", "S"])
    cs.append(["cap", "Capacity", "MW", "higher", "S"])
    wb.save(tmp_path / "f.xlsx")

    table, problems = read_table(tmp_path / "f.xlsx", {})

    assert table is None
    found = where(problems)
    assert ("f.xlsx[figures]", 3, "cost", "formula-without-value") in found
    assert ("f.xlsx[figures]", 4, "cost", "date-cell") in found
    assert ("f.xlsx[figures]", 5, "cost", "merged-cells") in found
    by = {p.code: p for p in problems}
    assert by["merged-cells"].value == "C5:C6"
    assert by["formula-without-value"].value == "=C2*2"
    assert by["date-cell"].value.startswith("2024-05-01")
    assert len(errors(problems)) == 3, problem_lines(problems)


def test_xlsx_formula_with_saved_result_is_read(tmp_path):
    # openpyxl writes no saved results; a workbook saved by a spreadsheet has them.  Write the
    # sheet XML by hand with a formula and its cached value to stand in for one.
    import zipfile

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["state", "cost"])
    ws.append(["TX", "=1+1"])
    cs = wb.create_sheet("criteria")
    cs.append(["id", "label", "unit", "direction", "source"])
    cs.append(["cost", "Cost", "$", "lower", "S"])
    src = tmp_path / "raw.xlsx"
    wb.save(src)
    out = tmp_path / "cached.xlsx"
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(out, "w") as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                text = data.decode()
                assert "<f>1+1</f><v />" in text
                text = text.replace("<f>1+1</f><v />", "<f>1+1</f><v>2</v>")
                data = text.encode()
            zout.writestr(item, data)
    table, problems = read_table(out, {})
    assert table is not None, problem_lines(problems)
    assert table.values["cost"][load_alternatives("state").position("TX")] == "2"


def test_whole_file_problems(tmp_path, known):
    # not UTF-8: the line and the byte
    write_csv(tmp_path / "latin.criteria.csv", [CRIT_HEADER[:4], ["x", "X", "u", "higher"]])
    (tmp_path / "latin.csv").write_bytes("state,x\nTX,1\nCA,caf\u00e9\n".encode("latin-1"))
    _, problems = read_table(tmp_path / "latin.csv", known)
    (p,) = [p for p in problems if p.code == "not-utf8"]
    assert (p.file, p.row, p.value) == ("latin.csv", 3, "byte 0xe9")
    # empty file
    (tmp_path / "empty.csv").write_bytes(b"")
    write_csv(tmp_path / "empty.criteria.csv", [CRIT_HEADER[:4], ["x", "X", "u", "higher"]])
    table, problems = read_table(tmp_path / "empty.csv", known)
    assert table is None and ("empty.csv", 1, "", "empty") in where(problems)
    # missing sidecar: says which file is expected
    write_csv(tmp_path / "alone.csv", [["state", "x"], ["TX", "1"]])
    table, problems = read_table(tmp_path / "alone.csv", known)
    (p,) = problems
    assert table is None and p.code == "missing-sidecar"
    assert "alone.criteria.csv" in p.message and "id, label, unit, direction" in p.message
    # malformed CSV
    (tmp_path / "quote.csv").write_text('state,x\nTX,"1\n', encoding="utf-8")
    write_csv(tmp_path / "quote.criteria.csv", [CRIT_HEADER[:4], ["x", "X", "u", "higher"]])
    _, problems = read_table(tmp_path / "quote.csv", known)
    assert [(p.file, p.row, p.code) for p in errors(problems)] == [("quote.csv", 2, "malformed")]
    # no key column
    write_csv(tmp_path / "nokey.csv", [["place", "x"], ["TX", "1"]])
    write_csv(tmp_path / "nokey.criteria.csv", [CRIT_HEADER[:4], ["x", "X", "u", "higher"]])
    _, problems = read_table(tmp_path / "nokey.csv", known)
    (p,) = errors(problems)
    assert p.code == "missing-key-column" and "state" in p.message and "fips" in p.message
    # criteria row missing a required field, and no rows at all
    write_csv(tmp_path / "c.csv", [["state", "x"], ["TX", "1"]])
    write_csv(tmp_path / "c.criteria.csv", [CRIT_HEADER[:4]])
    _, problems = read_table(tmp_path / "c.csv", known)
    assert ("c.criteria.csv", 1, "", "no-criteria") in where(problems)


def test_workbook_problems(tmp_path):
    (tmp_path / "fake.xlsx").write_text("state,x\nTX,1\n", encoding="utf-8")
    table, problems = read_table(tmp_path / "fake.xlsx", {})
    assert table is None and [p.code for p in problems] == ["bad-xlsx"]
    with pytest.raises(Exception, match="not a readable XLSX"):
        xlsx_sheets(tmp_path / "fake.xlsx")
    wb = openpyxl.Workbook()
    wb.active.append(["state", "x"])
    wb.active.append(["TX", 1])
    wb.save(tmp_path / "nocrit.xlsx")
    table, problems = read_table(tmp_path / "nocrit.xlsx", {})
    assert table is None and [p.code for p in problems] == ["missing-criteria-sheet"]
    assert "'criteria'" in problems[0].message
    table, problems = read_table(tmp_path / "nocrit.xlsx", {}, sheet="Prices")
    assert {p.code for p in problems} == {"missing-sheet", "missing-criteria-sheet"}


def test_fips_keyed_county_table(tmp_path):
    counties = load_alternatives("county")
    write_csv(tmp_path / "c.csv", [
        ["fips", "county", "land_cost"],
        ["01001", "Autauga County, AL", "3100"],
        ["1003", "Baldwin (zero lost in a spreadsheet)", "4200.5"],
        ["48453", "Travis County, TX", "25000"],
        ["Travis County", "", "1"],      # a county is named by FIPS only
        ["99999", "", "1"],
    ])
    write_csv(tmp_path / "c.criteria.csv", [
        CRIT_HEADER[:5], ["land_cost", "Land cost", "$/acre", "lower", "Appraisers"]])
    table, problems = read_table(tmp_path / "c.csv", {})
    assert table is None
    assert {(p.row, p.code) for p in errors(problems)} == {(5, "unknown-key"),
                                                           (6, "unknown-key")}
    rows = read_csv(tmp_path / "c.csv")[:4]
    write_csv(tmp_path / "c.csv", rows)
    table, problems = read_table(tmp_path / "c.csv", {})
    assert table is not None and table.level == "county"
    values = table.values["land_cost"]
    assert len(values) == len(counties) == 3142
    assert values[counties.position("01001")] == "3100"
    assert values[counties.position("01003")] == "4200.5"
    assert values[counties.position("48453")] == "25000"
    by_code = {p.code: p for p in problems}
    assert set(by_code) == {"missing-alternative", "sparse-column"}
    assert "3,139 counties" in by_code["missing-alternative"].message
    sparse = by_code["sparse-column"]
    assert sparse.warning and sparse.value == "3/3142" and "3 of 3,142 counties" in \
        sparse.message


# -- the report ------------------------------------------------------------------------------
def test_problem_report_reads_back(tmp_path):
    problems = [
        Problem("t.csv", 3, "state", "unknown state; did you mean Texas (TX)?", "Texsa",
                "unknown-key"),
        Problem("t.xlsx[data]", 4, "cost", "a formula without a saved result", "=C2*2",
                "formula-without-value"),
        Problem("t.csv", 0, "state", "no row for 2 states", code="missing-alternative",
                warning=True),
    ]
    path = write_problem_report(tmp_path / "problems.csv", problems)
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = read_csv(path)
    assert rows[0] == list(HEADER)
    assert rows[1] == ["t.csv", "3", "state", "error", "unknown-key",
                       "unknown state; did you mean Texas (TX)?", "Texsa"]
    assert rows[2][3:] == ["error", "formula-without-value",
                           "a formula without a saved result", "'=C2*2"]
    assert rows[3][:5] == ["t.csv", "", "state", "warning", "missing-alternative"]
    assert len(rows) == 4


def test_known_range_applies_unless_the_import_gives_one(tmp_path, known):
    write_csv(tmp_path / "t.csv", [["state", "energy_cost", "clean_power"],
                                   ["TX", "-1", "101"], ["CA", "7", "50"]])
    crit = [CRIT_HEADER,
            ["energy_cost", "Power price", "cents/kWh", "lower", "S", "", "", "", "", "", ""],
            ["clean_power", "Clean share", "%", "higher", "S", "", "", "", "", "", ""]]
    write_csv(tmp_path / "t.criteria.csv", crit)
    _, problems = read_table(tmp_path / "t.csv", known)
    assert {(p.row, p.column, p.code) for p in errors(problems)} == {
        (2, "energy_cost", "out-of-range"), (2, "clean_power", "out-of-range")}
    crit[1][8] = "-5"  # the import's own range replaces the shipped one
    crit[2][9] = "200"
    write_csv(tmp_path / "t.criteria.csv", crit)
    table, problems = read_table(tmp_path / "t.csv", known)
    assert table is not None, problem_lines(problems)
    assert table.criterion("energy_cost").valid_range == (-5.0, None)
    assert table.criterion("clean_power").valid_range == (None, 200.0)


def test_xlsx_county_keys_typed_as_numbers(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["FIPS", "County", "cost"])
    ws.append([1001, "Autauga", 5])      # the leading zero lost when typed as a number
    ws.append(["06037", "Los Angeles", 0.1])
    ws.append([True, "a Boolean", 1])
    cs = wb.create_sheet("Criteria")
    cs.append(["id", "label", "unit", "direction", "source", "valid_min"])
    cs.append(["cost", "Cost", "$", "lower", "S", 0])
    wb.save(tmp_path / "k.xlsx")
    _, problems = read_table(tmp_path / "k.xlsx", {})
    assert [(p.row, p.column, p.code, p.value) for p in errors(problems)] == [
        (4, "FIPS", "unknown-key", "TRUE")]
    ws.delete_rows(4)
    wb.save(tmp_path / "k.xlsx")
    table, problems = read_table(tmp_path / "k.xlsx", {})
    assert table is not None, problem_lines(problems)
    counties = load_alternatives("county")
    assert table.values["cost"][counties.position("01001")] == "5"
    assert table.values["cost"][counties.position("06037")] == "0.1"
    assert table.criterion("cost").valid_range == (0.0, None)
