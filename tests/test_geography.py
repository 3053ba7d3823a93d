"""State boundaries: the shipped layer, its rebuild from plotly-geo, and the map layout."""

from __future__ import annotations

import subprocess
import sys

import geopandas as gpd
import pyogrio
import pytest
from shapely.geometry import box

from siteselect.errors import DataError
from siteselect.model.dataset import PACKAGE_ROOT, load_dataset
from siteselect.model.geography import (
    ALASKA_INSET,
    layout_states,
    load_states,
    plotly_geo_source,
)

SHIPPED = PACKAGE_ROOT / "data" / "states.gpkg"


@pytest.fixture(scope="module")
def states():
    return load_states()


@pytest.fixture(scope="module")
def layout(states):
    return layout_states(states)


def test_shipped_layer(states):
    # read with pyogrio directly as well, independently of load_states
    info = pyogrio.read_info(SHIPPED, layer="states")
    assert info["features"] == 51
    assert len(states) == 51
    assert states.crs is not None and states.crs.to_epsg() == 4269
    assert {"state_fips", "state", "name"} <= set(states.columns)
    assert states["state"].is_unique and states["state_fips"].is_unique
    assert "PR" not in set(states["state"]) and "72" not in set(states["state_fips"])
    assert not set(states["state_fips"]) & {"60", "66", "69", "72", "78"}
    assert states.geometry.is_valid.all() and not states.geometry.is_empty.any()
    minx, miny, maxx, maxy = states.total_bounds
    assert -180 <= minx < maxx <= 180 and 18 <= miny < maxy <= 72  # degrees, not metres


def test_layer_matches_the_dataset(states):
    ds = load_dataset()
    assert set(states["state"]) == set(ds.states)
    for row in states.itertuples():
        assert ds.names[row.state] == row.name
        assert ds.fips[row.state] == row.state_fips


def test_rebuild_from_plotly_geo_gives_the_same_states(tmp_path):
    assert plotly_geo_source().exists()
    out = tmp_path / "rebuilt.gpkg"
    proc = subprocess.run([sys.executable, "-m", "siteselect.model.geography", str(out)],
                          cwd=PACKAGE_ROOT, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    rebuilt = gpd.read_file(out, layer="states").set_index("state").sort_index()
    shipped = gpd.read_file(SHIPPED, layer="states").set_index("state").sort_index()
    assert len(rebuilt) == 51 and rebuilt.crs.to_epsg() == 4269
    assert list(rebuilt.index) == list(shipped.index)
    assert (rebuilt["name"] == shipped["name"]).all()
    assert (rebuilt["state_fips"] == shipped["state_fips"]).all()
    assert rebuilt.geometry.geom_equals_exact(shipped.geometry, tolerance=1e-9).all()


def test_missing_or_broken_layer_is_a_data_error(tmp_path):
    with pytest.raises(DataError, match="python -m siteselect.model.geography"):
        load_states(tmp_path / "none.gpkg")
    bad = tmp_path / "bad.gpkg"
    bad.write_bytes(b"not a geopackage")
    with pytest.raises(DataError, match="bad.gpkg"):
        load_states(bad)


def test_alaska_and_hawaii_sit_inside_their_insets(layout):
    layer = layout.layer
    assert len(layer) == 51 and layer.crs.to_epsg() == 5070
    for code, frame in (("AK", "alaska"), ("HI", "hawaii")):
        geom = layer.geometry[layer["state"] == code].iloc[0]
        assert box(*layout.frames[frame]).contains(geom), code
        assert set(layer.loc[layer["state"] == code, "inset"]) == {frame}
    assert set(layer.loc[~layer["state"].isin(["AK", "HI"]), "inset"]) == {"contiguous"}


def test_inset_frames_cross_no_state_and_not_each_other(layout):
    layer = layout.layer
    contiguous = layer[layer["inset"] == "contiguous"].union_all()
    alaska, hawaii = box(*layout.frames["alaska"]), box(*layout.frames["hawaii"])
    assert not alaska.intersects(contiguous)
    assert not hawaii.intersects(contiguous)
    assert not alaska.intersects(hawaii)
    # and they lie below the contiguous states' southern half, as in national atlases
    cminx, cminy, cmaxx, cmaxy = contiguous.bounds
    for frame in (alaska, hawaii):
        assert frame.centroid.y < (cminy + cmaxy) / 2 and frame.centroid.x < (cminx + cmaxx) / 2


def test_alaska_is_scaled_down(states, layout):
    layer = layout.layer
    true_area = states[states["state"] == "AK"].to_crs("EPSG:3338").area.iloc[0]
    shown = layer[layer["state"] == "AK"].area.iloc[0]
    assert shown / true_area == pytest.approx(ALASKA_INSET[0] ** 2, rel=1e-6)
    texas = layer[layer["state"] == "TX"].area.iloc[0]
    assert shown < texas  # in reality Alaska is about 2.5 times Texas


def test_labels_for_every_state(layout):
    assert set(layout.label_points) == set(layout.states())
    for code, (x, y) in layout.label_points.items():
        geom = layout.layer.geometry[layout.layer["state"] == code].iloc[0]
        assert geom.buffer(1_000).contains(gpd.points_from_xy([x], [y])[0]), code
    # small north-eastern states get leader-line labels, stacked without overlap
    ys = sorted(y for _, y in layout.leader_points.values())
    assert {"RI", "DE", "DC"} <= set(layout.leader_points)
    assert all(b - a >= 100_000 for a, b in zip(ys, ys[1:], strict=False))
    minx, miny, maxx, maxy = layout.bounds
    for x, y in layout.leader_points.values():
        assert minx <= x <= maxx and miny <= y <= maxy
