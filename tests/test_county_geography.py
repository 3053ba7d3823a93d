"""County boundaries: 3,142 valid shapes, FIPS as text, a coverage with no gap between
neighbours after simplification; rebuildable from plotly-geo."""

from __future__ import annotations

import pytest
import shapely

from siteselect.errors import DataError
from siteselect.model.county_geography import build_counties_layer, load_counties


@pytest.fixture(scope="module")
def counties():
    return load_counties()


def test_every_county_once_with_fips_text_and_a_state(counties):
    assert len(counties) == 3142
    assert counties["fips"].is_unique
    assert all(isinstance(f, str) and len(f) == 5 for f in counties["fips"])
    assert counties["fips"].iloc[0] == "01001"
    assert str(counties.crs).upper().endswith("4269")
    assert (counties["state"] == "TX").sum() == 254
    de = counties[counties["state"] == "DE"].sort_values("fips")
    assert de["name"].tolist() == ["Kent County", "New Castle County", "Sussex County"]
    assert counties.set_index("fips").loc["48453", "name"] == "Travis County"


def test_shapes_are_valid_and_neighbours_share_borders_without_gaps(counties):
    geoms = counties.geometry.values
    assert bool(counties.geometry.is_valid.all()) and not counties.geometry.is_empty.any()
    # A valid coverage: no overlaps, and edges shared by neighbours are identical.
    assert shapely.coverage_is_valid(geoms)
    by = counties.set_index("fips").geometry
    # Travis (48453) and Williamson (48491) share a border: a line, not a point or a gap.
    shared = by["48453"].intersection(by["48491"])
    assert shared.length > 0.1 and by["48453"].intersection(by["48491"]).area == 0
    # No sliver between them: the union of the pair is one piece.
    assert shapely.union(by["48453"], by["48491"]).geom_type == "Polygon"


def test_the_rebuild_reproduces_the_shipped_layer():
    pytest.importorskip("_plotly_geo")
    fresh = build_counties_layer()
    shipped = load_counties()
    assert fresh["fips"].tolist() == shipped["fips"].tolist()
    assert fresh["name"].tolist() == shipped["name"].tolist()
    # The file stores every shape as a multipolygon; the shapes themselves are the same.
    assert fresh.geometry.geom_equals(shipped.geometry).all()


def test_a_missing_layer_names_the_rebuild_command(tmp_path):
    with pytest.raises(DataError, match="county_geography"):
        load_counties(tmp_path / "nope.gpkg")


def test_county_display_layout_overlays_the_state_map():
    """The derived county outlines sit exactly where the window draws their states,
    insets included, and a stale file is rebuilt rather than drawn."""
    import numpy as np

    from siteselect.model.county_geography import county_layout_key, load_county_shapes
    from siteselect.model.geography import layout_path, load_shapes

    counties = load_county_shapes()
    states = load_shapes(layout_path())
    assert len(counties.states) == 3142 and counties.names["48453"] == "Travis County, TX"
    for st, prefix in (("AK", "02"), ("HI", "15"), ("TX", "48"), ("DE", "10")):
        c = np.concatenate([r for k in counties.states if k.startswith(prefix)
                            for r in counties.rings[k]])
        s = np.concatenate(states.rings[st])
        assert np.allclose(c.min(0), s.min(0), atol=3_000)
        assert np.allclose(c.max(0), s.max(0), atol=3_000)
    assert len(county_layout_key()) == 20
