"""GeoJSON and GeoPackage exports read back with geopandas / pyogrio."""

from __future__ import annotations

import json

import geopandas as gpd
import pyogrio
import pytest

from siteselect.exports.geo import write_geojson, write_gpkg


def check_frame(gdf, req):
    r = req.result
    assert gdf.crs.to_epsg() == 4326
    minx, miny, maxx, maxy = gdf.total_bounds
    assert minx >= -180 and maxx <= 180 and miny > 18 and maxy < 72  # lon/lat, not metres
    assert gdf.geometry.is_valid.all()
    ranked = gdf[gdf["ranked"].astype(bool)]
    assert list(ranked["state"]) == list(r.alternatives[: len(ranked)])
    for i, row in enumerate(ranked.itertuples()):
        assert int(row.rank) == int(r.ranks[i])
        assert row.score == pytest.approx(float(r.scores[i]), abs=1e-9)
        vals = r.row(i).values
        for cid in r.criteria:
            got = getattr(row, cid)
            if vals[cid] is None:
                assert got is None or got != got  # missing stays missing
            else:
                assert got == pytest.approx(vals[cid])
        assert row.scenario == req.scenario_name
        assert row.dataset_version == req.dataset.version


def test_geojson_all_states(tmp_path, dataset, rich_settings):
    from siteselect.exports import make_request

    req = make_request(dataset, rich_settings, scenario_name="All states")
    out = write_geojson(req, tmp_path / "r.geojson")
    gdf = gpd.read_file(out)
    assert len(gdf) == 51 and set(gdf["state"]) == set(dataset.states)
    check_frame(gdf, req)
    unranked = gdf[~gdf["ranked"].astype(bool)].set_index("state")
    assert unranked.loc["WY", "excluded_reason"] == "excluded by the planner"
    assert unranked.loc["CA", "excluded_reason"].startswith(
        "fails the gate Energy cost (industrial) \u2264 12")
    assert unranked.loc["CA", "failed_gates"] == "energy_cost<=12"
    assert unranked["rank"].isna().all()
    doc = json.loads(out.read_text(encoding="utf-8"))
    meta = doc["siteselect"]
    assert meta["scenario"] == "All states" and meta["gates"] == ["energy_cost<=12"]
    assert {c["id"] for c in meta["criteria"]} == set(req.result.criteria)
    assert "crs" not in doc  # RFC 7946: WGS 84 implied


def check_shortlist(gdf, req):
    """Every state is there; the first N ranked are shortlisted; gated ones say why."""
    r = req.result
    assert len(gdf) == 51 and set(gdf["state"]) == set(req.dataset.states)
    short = gdf[gdf["shortlisted"].astype(bool)]
    assert list(short["state"]) == list(r.alternatives[:req.top_n])
    ranked = gdf[gdf["ranked"].astype(bool)]
    assert len(ranked) == len(r) > req.top_n
    assert [int(x) for x in ranked["rank"]] == [int(x) for x in r.ranks]
    unranked = gdf[~gdf["ranked"].astype(bool)].set_index("state")
    assert not unranked["shortlisted"].astype(bool).any()
    assert set(unranked.index) == {e.alternative for e in r.excluded}
    assert unranked.loc["WY", "excluded_reason"] == "excluded by the planner"
    assert "cents/kWh" in unranked.loc["CA", "excluded_reason"]


def test_geojson_top_n_keeps_every_state(tmp_path, rich_request):
    gdf = gpd.read_file(write_geojson(rich_request, tmp_path / "t.geojson"))
    check_frame(gdf, rich_request)
    check_shortlist(gdf, rich_request)


def test_gpkg_top_n_keeps_every_state(tmp_path, rich_request):
    gdf = gpd.read_file(write_gpkg(rich_request, tmp_path / "t.gpkg"), layer="ranking")
    check_frame(gdf, rich_request)
    check_shortlist(gdf, rich_request)


def gpkg_header(path):
    """(application_id, user_version) read from the SQLite header, independent of GDAL."""
    import sqlite3

    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as con:
        return (con.execute("PRAGMA application_id").fetchone()[0],
                con.execute("PRAGMA user_version").fetchone()[0])


def test_gpkg_is_version_1_2_unless_asked(tmp_path, rich_request):
    from siteselect.exports import export

    gpkg = 0x47504B47  # "GPKG"
    assert gpkg_header(write_gpkg(rich_request, tmp_path / "d.gpkg")) == (gpkg, 10200)
    out = export(rich_request, "gpkg", tmp_path / "n.gpkg", gpkg_version="1.4")
    assert gpkg_header(out) == (gpkg, 10400)
    with pytest.raises(Exception, match="applies to gpkg only"):
        export(rich_request, "geojson", tmp_path / "x.geojson", gpkg_version="1.2")


def test_gpkg_layers_and_metadata(tmp_path, rich_request):
    out = write_gpkg(rich_request, tmp_path / "r.gpkg")
    layers = dict(pyogrio.list_layers(out))
    assert set(layers) == {"ranking", "run_metadata", "criteria", "excluded"}
    assert layers["ranking"] in ("MultiPolygon", "Polygon")
    gdf = gpd.read_file(out, layer="ranking")
    check_frame(gdf, rich_request)
    meta = pyogrio.read_dataframe(out, layer="run_metadata").set_index("key")["value"]
    assert meta["scenario"] == "Board draft — power first"
    assert meta["exported_at"] == "2026-03-14T09:26:53Z"
    assert meta["method_name"] == "weighted sum"
    assert json.loads(meta["gates"]) == ["energy_cost<=12"]
    crit = pyogrio.read_dataframe(out, layer="criteria").set_index("id")
    assert crit.loc["energy_cost", "unit"] == "cents/kWh"
    assert crit.loc["energy_cost", "url"].startswith("http")
    excl = pyogrio.read_dataframe(out, layer="excluded").set_index("state")
    assert excl.loc["WY", "reason"] == "excluded by the planner"
    assert excl.loc["CA", "reason"].startswith("fails the gate Energy cost (industrial)")
    assert excl.loc["CA", "failed_gates"] == "energy_cost<=12"
    info = pyogrio.read_info(out, layer="ranking")
    assert info["layer_metadata"]["SCENARIO"] == "Board draft — power first"
