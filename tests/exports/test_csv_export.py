"""CSV export read back with the csv and json modules."""

from __future__ import annotations

import csv
import json
import math

import pytest

from siteselect.exports.csv import metadata_path, write_csv


def read_csv(path):
    with open(path, newline="", encoding="utf-8-sig") as fh:
        return list(csv.reader(fh))


def test_rows_equal_the_ranking(tmp_path, rich_request):
    out = write_csv(rich_request, tmp_path / "short.csv")
    rows = read_csv(out)
    header, body = rows[0], rows[1:]
    r = rich_request.result
    assert header[:4] == ["rank", "state", "name", "score"]
    assert len(body) == 10
    assert [b[1] for b in body] == list(r.alternatives[:10])
    col = {h: i for i, h in enumerate(header)}
    for i, b in enumerate(body):
        row = r.row(i)
        assert int(b[col["rank"]]) == row.rank
        assert b[col["name"]] == rich_request.dataset.names[row.alternative]
        assert float(b[col["score"]]) == pytest.approx(row.score, abs=1e-6)
        for cid in r.criteria:
            v = row.values[cid]
            cell = b[col[cid]]
            assert (cell == "") if v is None else float(cell) == pytest.approx(v, rel=1e-12)
            assert float(b[col[f"{cid}_points"]]) == pytest.approx(row.contributions[cid],
                                                                    abs=1e-6)
        assert b[col["scenario"]] == "Board draft — power first"
    # the points of a weighted sum add up to the score
    for b in body:
        total = sum(float(b[col[f"{c}_points"]]) for c in r.criteria)
        assert total == pytest.approx(float(b[col["score"]]), abs=1e-4)


def test_overrides_and_missing_are_marked(tmp_path, rich_request):
    rows = read_csv(write_csv(rich_request, tmp_path / "short.csv"))
    col = {h: i for i, h in enumerate(rows[0])}
    ga = next(b for b in rows[1:] if b[col["state"]] == "GA")
    assert float(ga[col["energy_cost"]]) == 5.5  # the what-if value the ranking used
    assert "Energy cost (industrial) what-if 5.5 cents/kWh (dataset: " in ga[col["notes"]]
    assert "energy_cost" not in ga[col["notes"]]  # labels and units, not ids
    ia = next(b for b in rows[1:] if b[col["state"]] == "IA")
    assert ia[col["power_capacity"]] == ""  # missing stays missing
    assert "Generating capacity missing (scored as the worst" in ia[col["notes"]]
    assert "power_capacity" not in ia[col["notes"]]
    ak = next((b for b in rows[1:] if b[col["state"]] == "AK"), None)
    if "tax_incentives_label" in col and ak is not None:
        assert ak[col["tax_incentives_label"]] == "n/a (no statewide sales tax; full points)"


def test_no_sales_tax_label_says_what_it_means(tmp_path, dataset):
    from siteselect.exports import make_request
    from siteselect.model.settings import ScoringSettings

    req = make_request(dataset, ScoringSettings(weights={"tax_incentives": 1, "talent": 1}))
    rows = read_csv(write_csv(req, tmp_path / "t.csv"))
    col = {h: i for i, h in enumerate(rows[0])}
    labels = {b[col["state"]]: b[col["tax_incentives_label"]] for b in rows[1:]}
    for st in ("AK", "DE", "MT", "NH", "OR"):
        assert labels[st] == "n/a (no statewide sales tax; full points)"
    assert "no statewide sales tax" not in "".join(v for k, v in labels.items()
                                                  if k not in ("AK", "DE", "MT", "NH", "OR"))


def test_metadata_companion(tmp_path, rich_request):
    out = write_csv(rich_request, tmp_path / "short.csv")
    meta_file = metadata_path(out)
    assert meta_file.name == "short.meta.json"
    meta = json.loads(meta_file.read_text(encoding="utf-8"))
    r = rich_request.result
    assert meta["format"] == "siteselect-csv-metadata"
    assert meta["scenario"] == "Board draft — power first"
    assert meta["exported_at"] == "2026-03-14T09:26:53Z"
    assert meta["dataset_version"] == rich_request.dataset.version
    assert meta["method"] == "wsm" and meta["method_name"] == "weighted sum"
    assert "weighted sum" in meta["method_description"]
    assert meta["normalization"] == "minmax" and meta["missing_policy"] == "worst"
    assert meta["weights"] == pytest.approx(r.weights)
    assert math.isclose(sum(meta["weights"].values()), 1.0)
    assert meta["gates"] == ["energy_cost<=12"]
    excluded = {e["state"]: e["reason"] for e in meta["excluded"]}
    assert excluded["WY"] == "excluded by the planner"
    assert excluded["CA"].startswith("gate energy_cost<=12")
    assert meta["overrides"][0]["state"] == "GA" and meta["overrides"][0]["value"] == 5.5
    crit = {c["id"]: c for c in meta["criteria"]}
    assert set(crit) == set(r.criteria)
    ec = crit["energy_cost"]
    assert ec["unit"] == "cents/kWh" and ec["direction"] == "lower_is_better"
    assert ec["source"] and ec["url"].startswith("http") and ec["year"]
    assert meta["columns"] == read_csv(out)[0]


def test_formula_text_is_neutralised_numbers_stay_numbers(tmp_path, hostile_request):
    out = write_csv(hostile_request, tmp_path / "h.csv")
    rows = read_csv(out)
    col = {h: i for i, h in enumerate(rows[0])}
    for b in rows[1:]:
        assert b[col["scenario"]] == "'=HYPERLINK(\"x\")"
        for cell in b:
            if cell and cell[0] in "=+@\t\r":
                pytest.fail(f"formula-like cell {cell!r}")
            if cell.startswith("-"):
                float(cell)  # only negative numbers may start with a minus
    # a negative figure is written as a number (Louisiana's regulation score is negative)
    full = write_csv(hostile_request.__class__(**{**hostile_request.__dict__, "top_n": None}),
                     tmp_path / "all.csv")
    rows = read_csv(full)
    col = {h: i for i, h in enumerate(rows[0])}
    la = next(b for b in rows[1:] if b[col["state"]] == "LA")
    assert float(la[col["regulation"]]) < 0
    assert la[col["regulation"]].startswith("-")
    meta = json.loads(metadata_path(out).read_text(encoding="utf-8"))
    assert meta["scenario"] == '=HYPERLINK("x")'  # JSON is not a spreadsheet: kept exact


def test_utf8_with_bom_by_default_and_plain_on_request(tmp_path, rich_request):
    data = write_csv(rich_request, tmp_path / "u.csv").read_bytes()
    assert data.startswith(b"\xef\xbb\xbfrank,state,name,score")
    assert "Board draft — power first" in data.decode("utf-8-sig")
    plain = write_csv(rich_request, tmp_path / "p.csv", bom=False).read_bytes()
    assert plain.startswith(b"rank,state,name,score")
    assert plain == data[3:]
    meta = json.loads(metadata_path(tmp_path / "u.csv").read_bytes())  # no mark in JSON
    assert meta["encoding"] == "UTF-8 with BOM"
