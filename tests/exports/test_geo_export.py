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
    assert unranked.loc["CA", "excluded_reason"].startswith("gate energy_cost<=12")
    assert unranked["rank"].isna().all()
    doc = json.loads(out.read_text(encoding="utf-8"))
    meta = doc["siteselect"]
    assert meta["scenario"] == "All states" and meta["gates"] == ["energy_cost<=12"]
    assert {c["id"] for c in meta["criteria"]} == set(req.result.criteria)
    assert "crs" not in doc  # RFC 7946: WGS 84 implied


def test_geojson_top_n(tmp_path, rich_request):
    gdf = gpd.read_file(write_geojson(rich_request, tmp_path / "t.geojson"))
    assert len(gdf) == 10
    check_frame(gdf, rich_request)


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
    info = pyogrio.read_info(out, layer="ranking")
    assert info["layer_metadata"]["SCENARIO"] == "Board draft — power first"
