"""The criteria catalogue is data: data/criteria.csv, read with every problem reported."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from siteselect.errors import DataError
from siteselect.model.catalogue import (
    ValidationError,
    load_catalogue,
    parse_labels,
    read_table,
)
from siteselect.model.criteria import HIGHER, LOWER, catalogue, default_weights, not_criteria
from siteselect.model.dataset import PACKAGE_ROOT, load_dataset

DATA = PACKAGE_ROOT / "data"


def test_the_shipped_catalogue_loads_from_the_data_folder():
    crits = catalogue(DATA)
    assert len(crits) == 25
    by = {c.id: c for c in crits}
    assert {"energy_cost", "regulation", "talent", "tax_incentives"} <= set(by)
    assert by["energy_cost"].direction == LOWER and by["energy_cost"].unit == "cents/kWh"
    assert by["energy_cost"].valid_range == (0.0, 1e15)
    assert by["tax_incentives"].encoding == {"yes": 1.0, "n/a": 1.0, "limited": 0.5, "no": 0.0}
    assert by["tax_climate"].valid_range == (1.0, 51.0)
    assert by["regulation"].valid_range == (None, None)
    assert sum(default_weights().values()) == 100
    assert not_criteria()["regulatory_policy_rank"].startswith("the rank of")
    # Provenance is stated once, in columns.csv, and attached when the dataset loads.
    ds = load_dataset()
    assert ds.criterion("energy_cost").provenance.url.startswith("https://www.eia.gov/")
    assert ds.criterion("tax_incentives").provenance.year == "2025"


def _write(tmp_path: Path, text: str) -> Path:
    p = tmp_path / "criteria.csv"
    p.write_text(text, encoding="utf-8")
    return p


def test_every_problem_is_reported_with_its_line_and_column(tmp_path):
    p = _write(tmp_path, "\n".join([
        "id,label,unit,direction,valid_min,valid_max,labels,colour",
        "power_quote,Negotiated power price,cents/kWh,lower,0,40,,",
        "Bad Id,Thing,x,higher,,,,",                       # 3: bad id
        "power_quote,Again,x,lower,,,,",                  # 4: duplicate id
        "queue,Interconnection queue,months,sideways,,,,", # 5: bad direction
        "land,Land price,,higher,,,,",                     # 6: empty unit
        "fiber,Fiber routes,count,higher,ten,5,,",         # 7: bad number
        "rng,Range,x,higher,10,5,,",                       # 8: min > max
        "lab,Labels,category,higher,,,a=1;b,",             # 9: mixed labels
        "ok_one,Fine,count,higher_is_better,,,,",
    ]) + "\n")
    with pytest.raises(ValidationError) as info:
        load_catalogue(p)
    got = {(q.row, q.column, q.code) for q in info.value.problems if not q.warning}
    assert got == {
        (3, "id", "bad-id"), (4, "id", "duplicate-id"), (5, "direction", "bad-direction"),
        (6, "unit", "empty-required"), (7, "valid_min", "bad-number"),
        (8, "valid_max", "bad-range"), (9, "labels", "bad-labels"),
    }
    warnings = [q for q in info.value.problems if q.warning]
    assert [(q.row, q.column) for q in warnings] == [(1, "colour")]
    text = str(info.value)
    assert f"{p}:5:direction: expected higher or lower (sideways)" in text
    assert "(7 problems)" in text


def test_missing_required_columns_and_empty_or_binary_files(tmp_path):
    p = _write(tmp_path, "id,label\nx,X\n")
    with pytest.raises(ValidationError) as info:
        load_catalogue(p)
    assert {q.column for q in info.value.problems} == {"unit", "direction"}
    p.write_bytes(b"")
    with pytest.raises(DataError, match="empty"):
        load_catalogue(p)
    p.write_bytes(b"id,label,unit,direction\nx,\xff,u,higher\n")
    header, rows, problems = read_table(p)
    assert problems[0].code == "not-utf8" and problems[0].row == 2
    with pytest.raises(DataError, match="not found"):
        load_catalogue(tmp_path / "nope.csv")


def test_labels_are_scored_or_listed_best_last():
    assert parse_labels("no=0;limited=0.5;yes=1") == ({"no": 0.0, "limited": 0.5, "yes": 1.0},
                                                      "")
    assert parse_labels("Low;Medium;High") == ({"Low": 0.0, "Medium": 0.5, "High": 1.0}, "")
    assert parse_labels("a;a")[1] and parse_labels("only")[1] and parse_labels("a=x;b=1")[1]


def test_plain_labels_make_the_last_label_the_best(tmp_path):
    p = _write(tmp_path, "id,label,unit,direction,labels\n"
                         "permit,Permitting speed,category,lower,slow;medium;fast\n")
    (crit,) = load_catalogue(p)
    assert crit.direction == HIGHER and crit.encoding["fast"] == 1.0


def test_a_broken_shipped_catalogue_stops_the_load_naming_the_line(tmp_path):
    folder = tmp_path / "data"
    shutil.copytree(DATA, folder)
    path = folder / "criteria.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    lines[2] = lines[2].replace("higher_is_better", "upwards", 1)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(DataError, match=r"criteria.csv:3:direction: expected higher or lower"):
        load_dataset(folder)


def test_uncertainty_ranges_are_read_and_checked(tmp_path):
    p = _write(tmp_path, "id,label,unit,direction,labels,uncertainty\n"
                         "a,A,x,higher,,\u00b13%\n"
                         "b,B,x,higher,,0.5\n"
                         "c,C,category,higher,lo;hi,\u00b11 category\n"
                         "d,D,x,higher,,lots\n"
                         "e,E,x,higher,,\u00b11 category\n"
                         "f,F,category,higher,lo;hi,\u00b15%\n")
    with pytest.raises(ValidationError) as info:
        load_catalogue(p)
    assert {(q.row, q.column) for q in info.value.problems} == {
        (5, "uncertainty"), (6, "uncertainty"), (7, "uncertainty")}
    lines = p.read_text(encoding="utf-8").splitlines()[:4]
    p.write_text("\n".join(lines) + "\n", encoding="utf-8")
    a, b, c = load_catalogue(p)
    assert a.uncertainty == ("relative", 0.03) and b.uncertainty == ("absolute", 0.5)
    assert c.uncertainty == ("category", 1.0) and c.uncertainty_text() == "\u00b11 category"
