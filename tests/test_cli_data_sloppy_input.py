"""What a planner's sloppy or conflicting tables get: a message that names the real cause."""

from __future__ import annotations

import csv

import pytest

from siteselect.cli import main
from siteselect.model.criteria import level_criteria
from siteselect.model.owndata import PROBLEMS_PER_KIND, error_count, read_table


def run(capsys, *argv):
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def table(folder, stem, rows, crit=("power_quote", "Power quote", "cents/kWh", "lower"),
          key="state", encoding="utf-8", delimiter=","):
    path = folder / f"{stem}.csv"
    with path.open("w", newline="", encoding=encoding) as fh:
        w = csv.writer(fh, delimiter=delimiter)
        w.writerow([key, crit[0]])
        w.writerows(rows)
    with (folder / f"{stem}.criteria.csv").open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["id", "label", "unit", "direction", "source"])
        w.writerow([*crit, "Quotes"])
    return path


def problems_of(path):
    t, problems = read_table(path, level_criteria("county"))
    return t, {(p.row, p.column, p.code): p for p in problems}


def test_units_and_currency_in_cells_are_named(tmp_path):
    _, found = problems_of(table(tmp_path, "q", [["TX", "12%"], ["OK", "$14000"]]))
    assert "write 12 without the %" in found[(2, "power_quote", "unit-in-cell")].message
    assert "currency sign" in found[(3, "power_quote", "unit-in-cell")].message


def test_semicolons_utf16_and_spreadsheet_fips_are_recognised(tmp_path):
    _, found = problems_of(table(tmp_path, "semi", [["TX", "4"]], delimiter=";"))
    assert "separated by ';'" in next(iter(found.values())).message
    _, found = problems_of(table(tmp_path, "u16", [["TX", "4"]], encoding="utf-16"))
    assert "UTF-16" in next(iter(found.values())).message
    t, found = problems_of(table(tmp_path, "fips", [["48201.0", "4"], ["1001", "5"]],
                                 key="fips"))
    assert t is not None, found
    from siteselect.model.alternatives import load_alternatives

    counties = load_alternatives("county")
    assert t.values["power_quote"][counties.position("48201")] == "4"
    assert t.values["power_quote"][counties.position("01001")] == "5"
    t2, found = problems_of(table(tmp_path, "dc", [["Washington, D.C.", "4"]]))
    assert t2 is not None and not any(p.code == "unknown-key" for p in found.values())


def test_direction_written_as_a_phrase_is_read(tmp_path):
    t, found = problems_of(table(tmp_path, "d", [["TX", "4"]],
                                 crit=("power_quote", "Quote", "cents/kWh", "Lower is better")))
    assert t is not None and t.criteria[0].lower_is_better


def test_a_shipped_criterion_in_another_unit_or_direction_is_refused(tmp_path):
    _, found = problems_of(table(tmp_path, "mwh", [["TX", "65.2"]],
                                 crit=("energy_cost", "Energy", "$/MWh", "higher")))
    codes = {k[2] for k in found}
    assert {"unit-changed", "direction-changed"} <= codes
    assert "give the figures in cents/kWh" in next(
        p.message for k, p in found.items() if k[2] == "unit-changed")


def test_a_flood_of_problems_is_capped_and_counted(tmp_path, capsys):
    path = table(tmp_path, "big", [["TX", "4"]] * 3000)
    t, problems = read_table(path, level_criteria("county"))
    assert t is None
    dup = [p for p in problems if p.code == "duplicate-key"]
    assert len(dup) == PROBLEMS_PER_KIND + 1 and "1,999 more problems" in dup[-1].message
    assert error_count(problems) == 2999
    code, out, err = run(capsys, "data", "import", path, "--db", tmp_path / "s.db")
    assert code == 2 and "2,999 problems in" in err
    assert len(err.splitlines()) < PROBLEMS_PER_KIND + 10


def test_one_table_per_criterion_and_accept_without_change(tmp_path, capsys):
    db = tmp_path / "s.db"
    a = table(tmp_path, "land", [["TX", "2500"], ["OK", "1800"]],
              crit=("land_price", "Land price", "USD/acre", "lower"))
    assert run(capsys, "data", "import", a, "--name", "Land prices", "--db", db)[0] == 0
    b = table(tmp_path, "land2", [["TX", "2400"]],
              crit=("land_price", "Land price", "USD/acre", "lower"))
    code, out, err = run(capsys, "data", "import", b, "--db", db)
    assert code == 2
    assert "land_price is already given by the table “Land prices”" in err
    assert "--name 'Land prices'" in err
    assert run(capsys, "data", "import", b, "--name", "land prices", "--db", db)[0] == 0
    assert run(capsys, "scenario", "save", "Board", "--weights", "land_price=1",
               "--db", db)[0] == 0
    code, out, err = run(capsys, "data", "accept", "Board", "--db", db)
    assert code == 0
    code, out, err = run(capsys, "data", "accept", "Board", "--db", db)
    assert "already uses the current tables; nothing changed" in out


def test_removed_and_superseded_versions_are_shown_as_such(tmp_path, capsys):
    db = tmp_path / "s.db"
    for i, v in enumerate(("2500", "2600")):
        path = table(tmp_path, f"l{i}", [["TX", v]],
                     crit=("land_price", "Land price", "USD/acre", "lower"))
        assert run(capsys, "data", "import", path, "--name", "Land", "--db", db)[0] == 0
    code, out, _ = run(capsys, "data", "show", "Land", "--version", "1", "--db", db)
    assert "superseded by version 2" in out
    assert run(capsys, "data", "remove", "Land", "--db", db)[0] == 0
    code, out, _ = run(capsys, "data", "show", "Land", "--db", db)
    assert code == 0 and "version 2" in out and "- removed" in out
    code, out, _ = run(capsys, "data", "list", "--all", "--db", db)
    assert "Land" in out and "removed" in out


@pytest.mark.parametrize("suffix", ["csv", "xlsx"])
def test_template_for_a_shipped_criterion_starts_from_the_published_figures(
        tmp_path, capsys, suffix):
    out = tmp_path / f"rep.{suffix}"
    assert run(capsys, "data", "template", "--criteria", "energy_cost", "-o", out)[0] == 0
    t, problems = read_table(out, level_criteria("county"))
    assert t is not None, [str(p) for p in problems]
    from siteselect.model.dataset import load_dataset

    ds = load_dataset()
    i = ds.alternatives.codes.index("TX")
    assert float(t.values["energy_cost"][i]) == ds.value("TX", "energy_cost")
    assert t.criteria[0].provenance.source == ds.criterion("energy_cost").provenance.source
