"""Counties on the command line and in exports: ``--level county`` and ``--within``.

The three counties of Delaware are ranked by hand from the shipped figures; exports are read
back with independent readers (csv, json, openpyxl, pypdf, the PNG's text chunk).
"""

from __future__ import annotations

import csv
import json

import openpyxl
import pypdf
import pytest

from siteselect.cli import main

#: Delaware's counties from data/counties/county_indicators.csv:
#: FIPS -> (name, industrial_price_proxy in cents/kWh, population).
DE = {
    "10001": ("Kent County", 8.89, 189_789),
    "10003": ("New Castle County", 10.23, 578_592),
    "10005": ("Sussex County", 11.62, 263_509),
}
HALF_AND_HALF = ["--weights", "county_power_price=1,county_population=1"]


def ok(capsys, *args: str) -> str:
    assert main(list(args)) == 0, capsys.readouterr().err
    return capsys.readouterr().out


def fails(capsys, *args: str) -> str:
    assert main(list(args)) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    return captured.err


def by_hand() -> dict[str, float]:
    """Weighted sum, min-max: half on the price proxy (lower is better), half on people."""
    prices = [v[1] for v in DE.values()]
    people = [v[2] for v in DE.values()]
    out = {}
    for fips, (_name, price, pop) in DE.items():
        p = (max(prices) - price) / (max(prices) - min(prices))
        q = (pop - min(people)) / (max(people) - min(people))
        out[fips] = 100 * (0.5 * p + 0.5 * q)
    return out


def test_rank_delaware_counties_by_hand(capsys):
    data = json.loads(ok(capsys, "rank", "--level", "county", "--within", "de",
                         *HALF_AND_HALF, "--format", "json"))
    assert data["level"] == "county" and data["within"] == ["DE"]
    expected = by_hand()
    # New Castle 75.46, Kent 50.00, Sussex 9.48
    assert [r["code"] for r in data["ranking"]] == sorted(expected, key=lambda f: -expected[f])
    for row in data["ranking"]:
        assert row["name"] == DE[row["code"]][0]
        assert row["state"] == "DE"
        assert row["score"] == pytest.approx(expected[row["code"]], abs=1e-9)
        assert sum(row["contributions"].values()) == pytest.approx(row["score"])
        assert row["values"]["county_power_price"] == DE[row["code"]][1]
    assert [r["rank"] for r in data["ranking"]] == [1, 2, 3]


def test_rank_county_table_and_csv(capsys):
    table = ok(capsys, "rank", "--level", "county", "--within", "DE", *HALF_AND_HALF)
    header = table.splitlines()[0].split()
    assert header[:5] == ["rank", "fips", "county", "state", "score"]
    first = table.splitlines()[2]
    assert "10003" in first and "New Castle County" in first and " DE " in first
    assert "computed proxy" in table and "not a tariff" in table
    rows = list(csv.DictReader(ok(capsys, "rank", "--level", "county", "--within", "AL",
                                  "--format", "csv").splitlines()))
    assert len(rows) == 67
    assert "01001" in {r["code"] for r in rows}  # Autauga County keeps its leading zero
    assert all(len(r["code"]) == 5 and r["state"] == "AL" for r in rows)
    assert {r["name"] for r in rows} >= {"Autauga County", "Jefferson County"}


def test_state_rows_gain_a_code(capsys):
    data = json.loads(ok(capsys, "rank", "--format", "json", "--top", "3"))
    assert data["level"] == "state"
    assert all(r["code"] == r["state"] and len(r["code"]) == 2 for r in data["ranking"])
    rows = list(csv.DictReader(ok(capsys, "rank", "--format", "csv").splitlines()))
    assert all(r["code"] == r["state"] for r in rows) and len(rows) == 51


@pytest.mark.parametrize("command", [
    ["rank"],
    ["scenario", "save", "X"],
    ["export", "-o", "out.csv"],
])
def test_within_needs_county_level_and_known_states(capsys, tmp_path, monkeypatch, command):
    monkeypatch.chdir(tmp_path)
    db = ["--db", str(tmp_path / "s.db")] if command[0] == "scenario" else []
    err = fails(capsys, *command, *db, "--within", "TX")
    assert "--level county" in err
    err = fails(capsys, *command, *db, "--level", "county", "--within", "TX,XX")
    assert "Unknown state code(s): XX" in err
    assert not (tmp_path / "out.csv").exists()
    assert "invalid choice" in fails_usage(capsys, *command, *db, "--level", "city")


def fails_usage(capsys, *args: str) -> str:
    with pytest.raises(SystemExit) as exc:
        main(list(args))
    assert exc.value.code == 2
    return capsys.readouterr().err


def test_scenario_keeps_level_and_compare_counties(capsys, tmp_path):
    db = str(tmp_path / "s.db")
    ok(capsys, "scenario", "save", "DE mix", "--level", "county", "--within", "DE",
       *HALF_AND_HALF, "--db", db)
    ok(capsys, "scenario", "save", "DE people", "--level", "county", "--within", "DE",
       "--weights", "county_population=1", "--db", db)
    show = json.loads(ok(capsys, "scenario", "show", "DE mix", "--format", "json", "--db", db))
    assert show["settings"]["level"] == "county" and show["settings"]["within"] == ["DE"]
    # the scenario ranks its own counties without --level
    data = json.loads(ok(capsys, "rank", "--scenario", "DE mix", "--format", "json",
                         "--db", db))
    assert data["ranking"][0]["code"] == "10003" and len(data["ranking"]) == 3

    cmp = json.loads(ok(capsys, "compare", "DE mix", "DE people", "--format", "json",
                        "--db", db))
    assert cmp["level"] == "county"
    rows = {s["code"]: s for s in cmp["states"]}
    assert set(rows) == set(DE)
    assert all(s["state"] == "DE" and s["name"] == DE[c][0] for c, s in rows.items())
    # people alone: New Castle, Sussex, Kent; the mix: New Castle, Kent, Sussex
    assert rows["10005"]["rank_a"] == 3 and rows["10005"]["rank_b"] == 2
    assert rows["10005"]["rank_change"] == 1
    table = ok(capsys, "compare", "DE mix", "DE people", "--db", db)
    assert "Sussex County, DE" in table and table.splitlines()[5].startswith("fips")

    # a state scenario against a county one: refused, saying how to align them
    err = fails(capsys, "compare", "DE mix", "Balanced", "--db", db)
    assert "ranks the counties of DE" in err and "--level county --within DE" in err
    cmp = json.loads(ok(capsys, "compare", "DE mix", "Balanced", "--level", "county",
                        "--within", "DE", "--format", "json", "--db", db))
    assert {s["code"] for s in cmp["states"]} == set(DE)
    ok(capsys, "scenario", "save", "TX mix", "--level", "county", "--within", "TX",
       *HALF_AND_HALF, "--db", db)
    err = fails(capsys, "compare", "DE mix", "TX mix", "--db", db)
    assert "--within" in err


def test_csv_and_xlsx_keep_fips_as_text(capsys, tmp_path):
    out = tmp_path / "al.csv"
    ok(capsys, "export", "--level", "county", "--within", "AL", "-o", str(out))
    with open(out, newline="", encoding="utf-8-sig") as fh:
        rows = list(csv.DictReader(fh))
    assert list(rows[0])[:5] == ["rank", "code", "state", "name", "score"]
    assert "01001" in {r["code"] for r in rows} and len(rows) == 67
    meta = json.loads((tmp_path / "al.meta.json").read_text(encoding="utf-8"))
    assert meta["level"] == "county" and meta["within"] == ["AL"]
    assert any(c["state_figure"] and c["label"].endswith("(state figure)")
               for c in meta["criteria"])

    xlsx = tmp_path / "al.xlsx"
    ok(capsys, "export", "--level", "county", "--within", "AL",
       "--weights", "county_power_price=2,energy_cost=1", "-o", str(xlsx))
    wb = openpyxl.load_workbook(xlsx)
    data = wb["Data"]
    codes = {data[f"A{i}"].value: data[f"A{i}"] for i in range(3, data.max_row + 1)}
    assert codes["01001"].data_type == "s"  # a text cell, not the number 1001
    assert data["B3"].value.endswith(", AL")
    cached = openpyxl.load_workbook(xlsx, data_only=True)
    ranking = cached["Ranking"]
    assert ranking["B1"].value == "FIPS"
    shown = [ranking[f"B{i}"].value for i in range(2, ranking.max_row + 1)]
    assert all(isinstance(v, str) and len(v) == 5 and v.startswith("01") for v in shown)
    heads = [c.value for c in ranking[1]]
    assert any(h and h.startswith("Energy cost (industrial) (state figure)") for h in heads)
    sources = "\n".join(str(c.value) for row in cached["Sources"].iter_rows() for c in row
                        if c.value)
    assert "computed proxy" in sources and "not a tariff" in sources
    assert "industrial_price_proxy" in sources  # the county file's own column provenance


def test_geojson_holds_every_county(capsys, tmp_path):
    out = tmp_path / "all.geojson"
    ok(capsys, "export", "--level", "county", *HALF_AND_HALF, "--top", "5", "--require",
       "county_power_price<=6", "-o", str(out))
    doc = json.loads(out.read_text(encoding="utf-8"))
    feats = doc["features"]
    assert len(feats) == 3142
    assert len({f["id"] for f in feats}) == 3142
    props = [f["properties"] for f in feats]
    assert all(isinstance(p["code"], str) and len(p["code"]) == 5 for p in props)
    autauga = next(p for p in props if p["code"] == "01001")
    assert autauga["state"] == "AL" and autauga["name"] == "Autauga County"
    assert sum(p["shortlisted"] for p in props) == 5
    gated = [p for p in props if not p["ranked"]]
    assert gated and all(p["rank"] is None and not p["shortlisted"] for p in gated)
    assert all(p["excluded_reason"] for p in gated)
    ranked = [p for p in props if p["ranked"]]
    assert all(p["county_power_price"] <= 6 for p in ranked)
    assert [p["rank"] for p in ranked[:5]] == sorted(p["rank"] for p in ranked[:5])
    assert doc["siteselect"]["level"] == "county"
    assert all(f["geometry"]["type"] in ("Polygon", "MultiPolygon") for f in feats)


def test_gpkg_of_a_state_scope(capsys, tmp_path):
    import pyogrio

    out = tmp_path / "de.gpkg"
    ok(capsys, "export", "--level", "county", "--within", "DE", *HALF_AND_HALF, "-o", str(out))
    df = pyogrio.read_dataframe(out, layer="ranking")
    assert sorted(df["code"]) == sorted(DE)
    assert list(df.sort_values("rank")["name"]) == ["New Castle County", "Kent County",
                                                     "Sussex County"]


def test_pdf_names_the_shortlisted_counties(capsys, tmp_path):
    out = tmp_path / "de.pdf"
    ok(capsys, "export", "--level", "county", "--within", "DE", *HALF_AND_HALF, "--top", "2",
       "-o", str(out))
    text = "\n".join(page.extract_text() for page in pypdf.PdfReader(out).pages)
    text = " ".join(text.split())
    assert "Top 2 counties" in text
    assert "New Castle County, DE" in text and "Kent County, DE" in text
    assert "Where the shortlisted counties are" in text
    assert "Outlined in orange: the 2 listed counties" in text
    assert "computed proxy" in text and "not a tariff" in text
    assert "3 counties of DE ranked" in text


def test_png_map_of_counties_carries_the_ranking(capsys, tmp_path):
    from PIL import Image

    out = tmp_path / "de.png"
    ok(capsys, "export", "--level", "county", "--within", "DE", *HALF_AND_HALF, "-o", str(out),
       "--size", "800x525")
    meta = json.loads(Image.open(out).text["SiteSelect"])
    assert [r["code"] for r in meta["ranking"]] == ["10003", "10001", "10005"]
    assert meta["ranking"][0]["state"] == "DE"


def test_compare_and_preview_speak_of_counties():
    from dataclasses import replace

    from siteselect.analysis import dataset_for, rank_states
    from siteselect.compare import compare, difference_lines
    from siteselect.exports import make_request
    from siteselect.exports.preview import preview
    from siteselect.model.settings import ScoringSettings, parse_gates

    a = ScoringSettings(level="county", within=("DE",), weights={"county_population": 1})
    b = replace(a, gates=parse_gates(["county_population>=200000"]))  # Kent has 189,789
    ds = dataset_for(a)
    cmp = compare(rank_states(ds, a), rank_states(ds, b), 2, states=ds.states)
    assert "Ranked in one only: 1 county in A only, 0 counties in B only" in (
        difference_lines(ds, cmp))
    req = make_request(ds, a, top_n=2)
    assert "3 county polygons, every county of DE" in preview(req, "geojson")
    assert "Counties of DE: 2 listed of 3 ranked" in preview(req, "csv")


def test_criteria_at_county_level(capsys):
    records = json.loads(ok(capsys, "criteria", "--level", "county", "--format", "json"))
    by_id = {r["id"]: r for r in records}
    proxy = by_id["county_power_price"]
    assert proxy["status"] == "computed proxy" and "not a tariff" in proxy["description"]
    assert not proxy["state_figure"]
    energy = by_id["energy_cost"]
    assert energy["state_figure"] and energy["label"].endswith("(state figure)")
    assert energy["coverage"] == 3142
    table = ok(capsys, "criteria", "--level", "county")
    assert "3100/3142" in table  # the price proxy's coverage


def test_county_scenario_file_imports_and_shows(capsys, tmp_path):
    a, b = str(tmp_path / "a.db"), str(tmp_path / "b.db")
    ok(capsys, "scenario", "save", "DE mix", "--level", "county", "--within", "DE",
       *HALF_AND_HALF, "--what-if", "10005:county_power_price=7.5", "--db", a)
    path = tmp_path / "de.json"
    ok(capsys, "scenario", "export", "DE mix", "-o", str(path), "--db", a)
    assert "Imported" in ok(capsys, "scenario", "import", str(path), "--db", b)
    shown = ok(capsys, "scenario", "show", "DE mix", "--db", b)
    assert "counties of DE" in shown and "10005 county_power_price=7.5" in shown
    data = json.loads(ok(capsys, "rank", "--scenario", "DE mix", "--format", "json",
                         "--db", b))
    sussex = next(r for r in data["ranking"] if r["code"] == "10005")
    assert sussex["values"]["county_power_price"] == 7.5
    assert sussex["what_if"] == ["county_power_price"]


def test_sensitivity_pages_speak_of_counties(capsys, tmp_path):
    pdf, xlsx = tmp_path / "de.pdf", tmp_path / "al.xlsx"
    ok(capsys, "export", "--level", "county", "--within", "DE", *HALF_AND_HALF,
       "--sensitivity", "--draws", "200", "--seed", "7", "-o", str(pdf))
    text = " ".join(" ".join(p.extract_text() for p in pypdf.PdfReader(pdf).pages).split())
    assert "3 of 3 ranked counties shown" in text and "each county's rank" in text
    ok(capsys, "export", "--level", "county", "--within", "AL", "--sensitivity", "--draws",
       "200", "--seed", "7", "-o", str(xlsx))
    ws = openpyxl.load_workbook(xlsx)["Sensitivity"]
    head = next(r for r in ws.iter_rows() if r[0].value == "Rank")
    assert head[1].value == "FIPS"
    codes = [r[1] for r in ws.iter_rows(min_row=head[0].row + 1, max_row=head[0].row + 67)]
    assert all(c.data_type == "s" and c.value.startswith("01") for c in codes)


def test_county_table_names_a_few_of_the_counties_not_ranked(capsys):
    table = ok(capsys, "rank", "--level", "county", "--top", "3", "--require",
               "county_population>=1000000")
    not_ranked = table[table.index("Not ranked:"):].splitlines()[1:]
    named = [line for line in not_ranked if line.startswith("  ") and ": fails the gate" in line]
    assert len(named) == 25
    data = json.loads(ok(capsys, "rank", "--level", "county", "--require",
                         "county_population>=1000000", "--format", "json"))
    more = len(data["excluded"]) - 25
    assert f"... and {more} more counties (--format json lists every one)" in table


def test_a_state_scenario_carries_its_exclusions_and_what_ifs_to_the_counties(tmp_path,
                                                                            capsys):
    """A state left out leaves out its counties; a state's what-if figure is the figure each
    of its counties carries; a state named in --exclude stands for its counties."""
    import json

    from siteselect.cli import main

    db = str(tmp_path / "s.db")
    assert main(["scenario", "save", "No TX", "--exclude", "TX", "--what-if",
                 "OK:energy_cost=4", "--db", db]) == 0
    capsys.readouterr()
    assert main(["rank", "--scenario", "No TX", "--level", "county", "--within", "TX,OK",
                 "--format", "json", "--db", db]) == 0
    rec = json.loads(capsys.readouterr().out)
    assert {r["state"] for r in rec["ranking"]} == {"OK"}
    assert len(rec["excluded"]) == 254
    ok_row = rec["ranking"][0]
    assert ok_row["values"]["energy_cost"] == 4.0
    assert main(["rank", "--level", "county", "--exclude", "TX", "--format", "json"]) == 0
    rec = json.loads(capsys.readouterr().out)
    assert len(rec["ranking"]) == 3142 - 254
    assert main(["scenario", "save", "OK cheap", "--level", "county", "--within", "OK",
                 "--what-if", "OK:energy_cost=3", "--db", db]) == 0
    capsys.readouterr()
    assert main(["scenario", "save", "bad", "--level", "county", "--within", "OK",
                 "--what-if", "OK:county_power_price=3", "--db", db]) == 2
    assert "works for state figures only" in capsys.readouterr().err


def test_a_county_outside_the_states_ranked_is_named_as_such(capsys):
    from siteselect.cli import main

    assert main(["rank", "--level", "county", "--within", "DE", "--exclude", "48301"]) == 2
    err = capsys.readouterr().err
    assert "Not among the counties of DE: 48301 is Loving County, TX" in err


def test_weighing_both_prices_is_pointed_out_and_gates_read_in_labels(capsys):
    from siteselect.cli import main

    assert main(["rank", "--level", "county", "--within", "DE", "--weights",
                 "county_power_price=1,energy_cost=1"]) == 0
    out = capsys.readouterr().out
    assert ("Electricity price proxy (county) and Energy cost (industrial) (state figure) "
            "both carry weight") in out
    assert main(["rank", "--require", "tax_incentives>=yes"]) == 0
    out = capsys.readouterr().out
    assert "CA California: fails the gate Data-center sales-tax exemption" in out
    assert "(is no)" in out
