"""The shipped dataset and the criteria catalogue: figures as compiled, provenance, bad files."""

from __future__ import annotations

import csv
import io
import math
import shutil
from pathlib import Path

import numpy as np
import pytest

from siteselect.errors import DataError, InputError
from siteselect.model.criteria import CATALOGUE, HIGHER, LOWER, NOT_CRITERIA
from siteselect.model.dataset import PACKAGE_ROOT, load_dataset

DATA = PACKAGE_ROOT / "data"


def read_rows(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


@pytest.fixture(scope="module")
def ds():
    return load_dataset()


@pytest.fixture(scope="module")
def csv_rows():
    return {r["state"]: r for r in read_rows(DATA / "state_indicators.csv")}


# ---------------------------------------------------------------- shipped data


def test_loads_fifty_states_and_dc(ds):
    assert len(ds.states) == 51
    assert len(set(ds.states)) == 51
    assert "DC" in ds.states and "PR" not in ds.states
    assert ds.names["TX"] == "Texas"
    assert ds.fips["AL"] == "01"
    assert ds.matrix().shape == (51, len(CATALOGUE))


@pytest.mark.parametrize(
    ("state", "cid", "text"),
    [
        ("TX", "energy_cost", "6.26"),
        ("AL", "energy_cost", "7.23"),
        ("AK", "power_capacity", "2853"),
        ("AL", "grid_co2", "711.0"),
        ("AL", "regulation", "0.0286"),
        ("AK", "talent", "4760"),
        ("AL", "hazard_risk", "62.5"),
        ("AK", "population", "740133"),
    ],
)
def test_figures_equal_the_csv_text(ds, csv_rows, state, cid, text):
    column = ds.criterion(cid).column
    assert csv_rows[state][column] == text  # the test's own reading of the file
    assert ds.value(state, cid) == float(text)
    assert ds.text(state, column) == text


def test_every_numeric_figure_equals_the_csv(ds, csv_rows):
    for crit in ds.criteria:
        col = ds.column_values(crit)
        for i, st in enumerate(ds.states):
            cell = csv_rows[st][crit.column].strip()
            if cell == "":
                assert math.isnan(col[i]), (st, crit.id)
            elif crit.encoding:
                assert col[i] == crit.encoding[cell], (st, crit.id)
            else:
                assert col[i] == float(cell), (st, crit.id)


def test_blanks_stay_missing(ds):
    # columns.csv: capacity blank for IA, KS, NM, SD; no DC regulation score; HI water stress.
    for st in ("IA", "KS", "NM", "SD"):
        assert ds.value(st, "power_capacity") is None
        assert math.isnan(ds.matrix(["power_capacity"])[ds.states.index(st), 0])
    assert ds.value("DC", "regulation") is None
    assert ds.value("HI", "water_stress") is None
    assert ds.format_value("DC", "regulation") == "missing"
    assert ds.coverage("power_capacity") == 47


def test_categorical_values_show_their_labels(ds):
    assert ds.value("AK", "tax_incentives") == 1.0  # n/a: no statewide sales tax
    assert ds.format_value("AK", "tax_incentives") == "n/a"
    assert ds.value("AL", "tax_incentives") == 0.5  # limited
    assert ds.format_value("AL", "tax_incentives") == "limited"
    assert ds.value("NM", "tax_incentives") == 0.5  # limited: local revenue-bond abatements
    assert ds.format_value("HI", "tax_incentives") == "no"
    assert ds.value("DC", "tax_incentives") is None  # undetermined


def test_matrix_is_a_fresh_copy(ds):
    m = ds.matrix(["energy_cost"])
    m[:] = 0
    assert ds.value("TX", "energy_cost") == 6.26


def test_unknown_criterion_and_state_are_input_errors(ds):
    with pytest.raises(InputError, match="energy_cost"):
        ds.criterion("energy_costs")
    with pytest.raises(InputError, match="XX"):
        ds.check_states(["tx", "XX"])
    assert ds.check_states([" tx", "dc "]) == ["TX", "DC"]


def test_version_is_stable_and_content_based(ds, tmp_path):
    copy = tmp_path / "copy"
    shutil.copytree(DATA, copy)
    assert load_dataset(copy).version == ds.version
    _set_cell(copy, "TX", "industrial_price_cents_kwh", "6.27")
    other = tmp_path / "other"
    shutil.copytree(copy, other)
    assert load_dataset(other).version != ds.version


def test_data_dir_environment_variable(tmp_path, monkeypatch):
    copy = tmp_path / "data"
    shutil.copytree(DATA, copy)
    _set_cell(copy, "TX", "industrial_price_cents_kwh", "5.55")
    monkeypatch.setenv("SITESELECT_DATA_DIR", str(copy))
    assert load_dataset().value("TX", "energy_cost") == 5.55
    monkeypatch.delenv("SITESELECT_DATA_DIR")
    assert load_dataset().value("TX", "energy_cost") == 6.26


# ---------------------------------------------------------------- catalogue


def test_required_criteria(ds):
    ec = ds.criterion("energy_cost")
    assert ec.column == "industrial_price_cents_kwh" and ec.direction == LOWER
    assert ec.unit == "cents/kWh"
    assert ds.criterion("regulation").direction == HIGHER
    assert ds.criterion("talent").direction == HIGHER
    tax = ds.criterion("tax_incentives")
    assert tax.direction == HIGHER
    assert tax.encoding == {"yes": 1.0, "n/a": 1.0, "limited": 0.5, "no": 0.0}
    assert tax.encoding_note


def test_catalogue_ids_unique_and_complete(ds):
    ids = [c.id for c in CATALOGUE]
    assert len(ids) == len(set(ids))
    assert len({c.column for c in CATALOGUE}) == len(ids)
    for c in ds.criteria:
        assert c.direction in (LOWER, HIGHER)
        assert c.label and c.unit
        assert c.description.endswith(".") and len(c.description) > 40
        p = c.provenance
        assert p is not None and p.source and p.year and p.status, c.id
        assert c.default_weight >= 0
    assert sum(c.default_weight for c in CATALOGUE) > 0


def test_every_weighable_column_is_a_criterion_or_explained(ds):
    """Each column with a direction and >= 45 states is offered, or NOT_CRITERIA says why."""
    columns = read_rows(DATA / "columns.csv")
    header = next(csv.reader((DATA / "state_indicators.csv").open(encoding="utf-8")))
    in_catalogue = {c.column for c in CATALOGUE}
    assert {r["column"] for r in columns} == set(header) - {"state", "state_name", "state_fips"}
    for row in columns:
        col = row["column"]
        filled = sum(1 for r in read_rows(DATA / "state_indicators.csv") if r[col].strip())
        if row["direction"] and filled >= 45:
            assert col in in_catalogue or NOT_CRITERIA.get(col), col
        if col in NOT_CRITERIA:
            assert col not in in_catalogue
    for c in CATALOGUE:
        assert ds.coverage(c.id) >= 45, c.id


# ---------------------------------------------------------------- malformed files


@pytest.fixture
def copy_dir(tmp_path):
    folder = tmp_path / "data"
    shutil.copytree(DATA, folder)
    return folder


def _lines(folder: Path) -> list[str]:
    return (folder / "state_indicators.csv").read_text(encoding="utf-8").splitlines(True)


def _write(folder: Path, lines: list[str]) -> None:
    (folder / "state_indicators.csv").write_text("".join(lines), encoding="utf-8")


def _set_cell(folder: Path, state: str, column: str, text: str) -> int:
    """Set one cell; returns its 1-based line number."""
    path = folder / "state_indicators.csv"
    with path.open(newline="", encoding="utf-8") as fh:
        rows = list(csv.reader(fh))
    j = rows[0].index(column)
    for i, row in enumerate(rows):
        if row and row[0] == state:
            row[j] = text
            line = i + 1
    with path.open("w", newline="", encoding="utf-8") as fh:
        csv.writer(fh, lineterminator="\n").writerows(rows)
    return line


def _error(folder: Path) -> str:
    with pytest.raises(DataError) as info:
        load_dataset(folder)
    return str(info.value)


def test_ragged_row(copy_dir):
    lines = _lines(copy_dir)
    lines[5] = lines[5].rstrip("\n") + ",extra\n"
    _write(copy_dir, lines)
    msg = _error(copy_dir)
    assert "state_indicators.csv" in msg and "line 6" in msg and "column" in msg
    assert "existing_data_centers" in msg  # the last header column, after which it overflows


def test_short_row(copy_dir):
    lines = _lines(copy_dir)
    lines[3] = ",".join(lines[3].split(",")[:4]) + "\n"
    _write(copy_dir, lines)
    msg = _error(copy_dir)
    assert "line 4," in msg and "column commercial_price_cents_kwh" in msg


def test_non_numeric_figure(copy_dir):
    line = _set_cell(copy_dir, "TX", "industrial_price_cents_kwh", "6,26c")
    msg = _error(copy_dir)
    assert "state_indicators.csv" in msg and f"line {line}," in msg
    assert "column industrial_price_cents_kwh" in msg and "6,26c" in msg


def test_unknown_category(copy_dir):
    line = _set_cell(copy_dir, "OH", "dc_sales_tax_exemption", "maybe")
    msg = _error(copy_dir)
    assert f"line {line}," in msg and "column dc_sales_tax_exemption" in msg and "maybe" in msg


def test_duplicate_state(copy_dir):
    lines = _lines(copy_dir)
    lines.append(lines[2])  # AK again
    _write(copy_dir, lines)
    msg = _error(copy_dir)
    assert f"line {len(lines)}," in msg and "column state" in msg and "AK" in msg
    assert "line 3" in msg  # where it first appeared


def test_missing_column(copy_dir):
    path = copy_dir / "state_indicators.csv"
    with path.open(newline="", encoding="utf-8") as fh:
        rows = list(csv.reader(fh))
    j = rows[0].index("regulatory_policy_score")
    rows = [r[:j] + r[j + 1:] for r in rows]
    with path.open("w", newline="", encoding="utf-8") as fh:
        csv.writer(fh, lineterminator="\n").writerows(rows)
    msg = _error(copy_dir)
    assert "state_indicators.csv" in msg and "line 1" in msg
    assert "column regulatory_policy_score" in msg


def test_empty_file(copy_dir):
    (copy_dir / "state_indicators.csv").write_bytes(b"")
    msg = _error(copy_dir)
    assert "state_indicators.csv" in msg and "line 1" in msg and "column state" in msg
    assert "empty" in msg


def test_not_utf8(copy_dir):
    lines = _lines(copy_dir)
    raw = "".join(lines).encode("utf-8")
    target = b"Texas"
    pos = raw.index(target)
    bad = raw[:pos] + "Texas \u00e9".encode("latin-1") + raw[pos + len(target):]
    (copy_dir / "state_indicators.csv").write_bytes(bad)
    line = raw[:pos].count(b"\n") + 1
    msg = _error(copy_dir)
    assert "state_indicators.csv" in msg and f"line {line}," in msg
    assert "column state_name" in msg and "UTF-8" in msg


def test_missing_file(copy_dir):
    (copy_dir / "columns.csv").unlink()
    assert "columns.csv" in _error(copy_dir)


def test_column_dictionary_without_provenance_for_a_criterion(copy_dir):
    path = copy_dir / "columns.csv"
    lines = path.read_text(encoding="utf-8").splitlines(True)
    kept = [ln for ln in lines if not ln.startswith("population,")]
    path.write_text("".join(kept), encoding="utf-8")
    msg = _error(copy_dir)
    assert "columns.csv" in msg and "population" in msg


def test_blank_lines_do_not_shift_line_numbers(copy_dir):
    lines = _lines(copy_dir)
    lines.insert(2, "\n")
    _write(copy_dir, lines)
    # TX is now one line further down.
    tx = next(i for i, ln in enumerate(lines) if ln.startswith("TX,")) + 1
    _set_cell(copy_dir, "TX", "population", "lots")
    msg = _error(copy_dir)
    assert f"line {tx}," in msg and "column population" in msg


def test_loaded_matrix_holds_nan_only_for_blanks(ds):
    m = ds.matrix()
    blanks = sum(51 - ds.coverage(c.id) for c in ds.criteria)
    assert int(np.isnan(m).sum()) == blanks


def test_unclosed_quote_names_line_and_column(copy_dir):
    lines = _lines(copy_dir)
    cells = lines[5].split(",")
    cells[4] = '"' + cells[4]  # a quote opened in commercial_price_cents_kwh on line 6
    lines[5] = ",".join(cells)
    _write(copy_dir, lines)
    msg = _error(copy_dir)
    assert "state_indicators.csv, line 6, column commercial_price_cents_kwh:" in msg
    assert "malformed CSV" in msg


def test_quote_never_closed_names_where_it_opened(copy_dir):
    lines = _lines(copy_dir)
    lines.append('ZZ,"Nowhere,99\n')  # the quote runs to the end of the file
    _write(copy_dir, lines)
    msg = _error(copy_dir)
    assert f"line {len(lines)}, column state_name:" in msg


def test_text_after_a_closing_quote(copy_dir):
    lines = _lines(copy_dir)
    cells = lines[7].split(",")
    cells[3] = f'"{cells[3]}"x'
    lines[7] = ",".join(cells)
    _write(copy_dir, lines)
    msg = _error(copy_dir)
    assert "line 8, column industrial_price_cents_kwh:" in msg


def test_an_installed_wheel_reads_the_data_it_carries(tmp_path, monkeypatch):
    """pyproject.toml puts data/ into the wheel where data_dir() looks when installed."""
    import tomllib

    from siteselect.model import paths as dataset_module

    config = tomllib.loads((dataset_module.PACKAGE_ROOT / "pyproject.toml").read_text("utf-8"))
    included = config["tool"]["hatch"]["build"]["targets"]["wheel"]["force-include"]
    package_dir = dataset_module.SHIPPED_ROOT.parent
    assert package_dir / Path(included["data"]).relative_to("siteselect") == (
        dataset_module.SHIPPED_ROOT / "data")
    monkeypatch.delenv("SITESELECT_DATA_DIR", raising=False)
    # a source checkout: no _shipped folder, the top-level data/
    assert not dataset_module.SHIPPED_ROOT.exists()
    assert dataset_module.data_dir() == dataset_module.PACKAGE_ROOT / "data"
    # an installed wheel: the copy inside the package
    monkeypatch.setattr(dataset_module, "SHIPPED_ROOT", tmp_path / "_shipped")
    (tmp_path / "_shipped" / "data").mkdir(parents=True)
    assert dataset_module.data_dir() == tmp_path / "_shipped" / "data"


def test_every_problem_in_the_indicators_is_reported_not_only_the_first(copy_dir):
    from siteselect.model.dataset import DatasetProblems

    lines = _lines(copy_dir)
    header = lines[0].rstrip("\n").split(",")
    price = header.index("industrial_price_cents_kwh")
    water = header.index("water_stress")

    def edit(i, col, text):
        cells = next(csv.reader([lines[i]]))
        cells[col] = text
        buf = io.StringIO()
        csv.writer(buf, lineterminator="\n").writerow(cells)
        lines[i] = buf.getvalue()

    edit(3, price, "cheap")
    edit(7, price, "-4")
    edit(9, water, "Medium-ish")
    lines.append(lines[12])  # a state twice
    _write(copy_dir, lines)
    with pytest.raises(DatasetProblems) as info:
        load_dataset(copy_dir)
    got = {(p.row, p.column, p.code) for p in info.value.problems}
    assert {(4, "industrial_price_cents_kwh", "not-a-number"),
            (8, "industrial_price_cents_kwh", "out-of-range"),
            (10, "water_stress", "bad-label"),
            (len(lines), "state", "duplicate-key")} <= got
    assert "4 problems" in info.value.message
