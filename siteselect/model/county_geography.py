"""County boundaries: ``data/counties.gpkg``, rebuilt by one command.

The US Census cartographic boundary file ``cb_2016_us_county_500k`` carried by the PyPI package
``plotly-geo`` (NAD83; it ships without a .prj, so EPSG:4269 is assigned), cut to the counties
and county-equivalents of the 50 states and DC (3,142), keyed by the 5-digit FIPS code as text
with its leading zeros, and simplified as a coverage: neighbouring counties keep identical
shared borders, so simplification leaves no gap and no sliver between them.

Rebuild with ``uv run python -m siteselect.model.county_geography`` (needs the development
dependency plotly-geo).  Like the state layer, the counties are read only when asked for: the
window's first paint never loads them.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from siteselect.errors import DataError
from siteselect.model.dataset import data_dir
from siteselect.model.geography import (
    ALASKA_CRS,
    ALASKA_INSET,
    CONUS_CRS,
    EXCLUDED_FIPS,
    HAWAII_CRS,
    HAWAII_INSET,
    SOURCE_CRS,
    MapShapes,
    default_layout,
    geometry_rings,
    load_shapes,
    load_states,
    plotly_geo_source,
    read_layer,
    save_shapes,
    write_layer,
)

if TYPE_CHECKING:  # pragma: no cover
    import geopandas as gpd

COUNTIES_FILE = "counties.gpkg"
COUNTY_SOURCE = "cb_2016_us_county_500k.shp"
#: About 500 m: well below the width of the smallest county-equivalents (Virginia's independent
#: cities), so every county keeps its shape at any zoom a planner uses to compare them.
SIMPLIFY_TOLERANCE_DEG = 0.005
EXPECTED_COUNTIES = 3142


def build_counties_layer(source: str | os.PathLike[str] | None = None) -> gpd.GeoDataFrame:
    """Read the Census file, keep the 50 states + DC, assign EPSG:4269 and simplify.

    Columns: ``fips`` (5 digits, text), ``state_fips``, ``state`` (postal code, from the state
    layer), ``name`` (e.g. "Travis County", from NAME and the legal/statistical area type),
    ``geometry``.
    """
    import geopandas as gpd

    src = Path(source) if source else plotly_geo_source().with_name(COUNTY_SOURCE)
    gdf = gpd.read_file(src)
    if gdf.crs is None:
        gdf = gdf.set_crs(SOURCE_CRS)
    gdf = gdf[~gdf["STATEFP"].isin(EXCLUDED_FIPS)].copy()
    postal = dict(zip(load_states()["state_fips"], load_states()["state"], strict=True))
    gdf["state"] = gdf["STATEFP"].map(postal)
    gdf["name"] = [_county_name(n, lsad) for n, lsad in zip(gdf["NAME"], gdf["LSAD"],
                                                             strict=True)]
    gdf = gdf.rename(columns={"GEOID": "fips", "STATEFP": "state_fips"})
    gdf = gdf[["fips", "state_fips", "state", "name", "geometry"]].sort_values("fips")
    gdf["geometry"] = gdf.geometry.simplify_coverage(SIMPLIFY_TOLERANCE_DEG)
    gdf = gdf.reset_index(drop=True)
    if len(gdf) != EXPECTED_COUNTIES or gdf["state"].isna().any():
        raise DataError(f"{src}: expected {EXPECTED_COUNTIES} counties of the 50 states and DC "
                        f"with a state, found {len(gdf)}.")
    return gdf


#: Census LSAD codes of county-equivalents and the word that follows the name.
LSAD_WORDS = {"06": "County", "03": "City and Borough", "04": "Borough", "05": "Census Area",
              "07": "District", "12": "Municipality", "13": "Municipio", "15": "Parish",
              "25": "city", "00": ""}


def _county_name(name: str, lsad: str) -> str:
    word = LSAD_WORDS.get(str(lsad), "")
    return f"{name} {word}".strip() if word and not name.endswith(word) else name


def write_counties_layer(out: str | os.PathLike[str] | None = None) -> Path:
    """Build the layer and write it as a GeoPackage (``data/counties.gpkg`` by default)."""
    return write_layer(build_counties_layer(), Path(out) if out else data_dir() / COUNTIES_FILE,
                       "counties")


def load_counties(path: str | os.PathLike[str] | None = None) -> gpd.GeoDataFrame:
    """The shipped county layer (EPSG:4269), FIPS kept as text.

    Raises
    ------
    DataError
        If the file is missing or unreadable, naming it and the rebuild command.
    """
    return read_layer(Path(path) if path else data_dir() / COUNTIES_FILE, "counties",
                      "County boundaries", "siteselect.model.county_geography")


# -- the derived display layout ---------------------------------------------------------------
#: File beside ``counties.gpkg`` with the counties projected as the state map is (EPSG:5070,
#: Alaska and Hawaii moved into the same insets), so county and state maps overlay exactly.
#: Nothing reads it until counties are asked for.
COUNTY_LAYOUT_FILE = "counties-layout.npz"
#: Display simplification in map metres (coverage-preserving): finer than the states' 1.2 km,
#: because counties are looked at zoomed in to a state.
COUNTY_DISPLAY_TOLERANCE_M = 500.0


def county_layout_key(gpkg: str | os.PathLike[str] | None = None) -> str:
    """Hash of the county layer, the state layout it is placed like, and this module."""
    import hashlib

    from siteselect.model.geography import layout_key

    p = Path(gpkg) if gpkg else data_dir() / COUNTIES_FILE
    h = hashlib.sha256()
    h.update(p.read_bytes() if p.exists() else b"missing")
    h.update(layout_key().encode())
    h.update(Path(__file__).read_bytes().replace(b"\r\n", b"\n"))
    return h.hexdigest()[:20]


def _place_like(geoms, state_geoms, scale: float, cx: float, cy: float):
    """Move projected county shapes exactly as their state's inset was moved: scaled about
    the centre of the state's own bounding box."""
    from shapely import affinity

    minx, miny, maxx, maxy = state_geoms.total_bounds
    ox, oy = (minx + maxx) / 2, (miny + maxy) / 2
    return geoms.apply(lambda g: affinity.affine_transform(
        g, [scale, 0, 0, scale, cx - scale * ox, cy - scale * oy]))


def county_display_shapes(gdf: gpd.GeoDataFrame | None = None) -> MapShapes:
    """The counties in the state map's display coordinates (insets included)."""
    import geopandas as gpd
    import pandas as pd
    from shapely.geometry import box

    gdf = load_counties() if gdf is None else gdf
    states = load_states()
    parts = [gdf[~gdf["state"].isin(["AK", "HI"])].to_crs(CONUS_CRS)]
    for code, crs, (scale, cx, cy) in (("AK", ALASKA_CRS, ALASKA_INSET),
                                       ("HI", HAWAII_CRS, HAWAII_INSET)):
        sub, st = gdf[gdf["state"] == code], states[states["state"] == code]
        if code == "HI":  # the main islands, as on the state map
            sub, st = sub.clip(box(-161.0, 17.0, -154.0, 23.0)), st.clip(box(-161.0, 17.0,
                                                                           -154.0, 23.0))
        sub, st = sub.to_crs(crs).copy(), st.to_crs(crs)
        sub["geometry"] = _place_like(sub.geometry, st.geometry, scale, cx, cy)
        parts.append(sub.set_crs(CONUS_CRS, allow_override=True))
    layer = gpd.GeoDataFrame(pd.concat(parts, ignore_index=True), crs=CONUS_CRS)
    layer = layer[~layer.geometry.is_empty].sort_values("fips").reset_index(drop=True)
    geometry = layer.geometry.simplify_coverage(COUNTY_DISPLAY_TOLERANCE_M)
    state_layout = default_layout()
    rings: dict[str, list[np.ndarray]] = {}
    names: dict[str, str] = {}
    labels: dict[str, tuple[float, float]] = {}
    for code, name, st, geom in zip(layer["fips"], layer["name"], layer["state"], geometry,
                                    strict=True):
        rings[str(code)] = [np.ascontiguousarray(r[:, :2], dtype=float)
                            for r in geometry_rings(geom)]
        names[str(code)] = f"{name}, {st}"
        pt = geom.representative_point()
        labels[str(code)] = (float(pt.x), float(pt.y))
    return MapShapes(
        states=tuple(rings), names=names, rings=rings, label_points=labels,
        leader_points={},
        frames={k: tuple(float(v) for v in f)  # type: ignore[misc]
                for k, f in state_layout.frames.items()},
        bounds=tuple(float(v) for v in state_layout.bounds),  # type: ignore[arg-type]
    )


def write_county_layout(gpkg: str | os.PathLike[str] | None = None) -> Path:
    """Derive the counties' display layout and write it beside the layer."""
    p = Path(gpkg) if gpkg else data_dir() / COUNTIES_FILE
    out = p.with_name(COUNTY_LAYOUT_FILE)
    save_shapes(county_display_shapes(load_counties(p)), out, county_layout_key(p))
    return out


def load_county_shapes(gpkg: str | os.PathLike[str] | None = None) -> MapShapes:
    """The counties' display outlines: the shipped derived file, or (if it is missing, stale
    or damaged) rebuilt from the GeoPandas layer and written again where possible."""
    p = Path(gpkg) if gpkg else data_dir() / COUNTIES_FILE
    out = p.with_name(COUNTY_LAYOUT_FILE)
    key = county_layout_key(p)
    try:
        return load_shapes(out, key)
    except (OSError, ValueError, KeyError):
        shapes = county_display_shapes(load_counties(p))
        # A read-only install draws from the rebuilt shapes without keeping them.
        with contextlib.suppress(OSError):
            save_shapes(shapes, out, key)
        return shapes


def main(argv: list[str] | None = None) -> int:
    """``python -m siteselect.model.county_geography [OUT]``: rebuild the county layer."""
    parser = argparse.ArgumentParser(
        prog="python -m siteselect.model.county_geography",
        description="Rebuild data/counties.gpkg from the Census county file carried by "
                    "plotly-geo (50 states and DC, simplified as a coverage), and "
                    "data/counties-layout.npz (the projected outlines maps draw) from it.")
    parser.add_argument("out", nargs="?", help="output GeoPackage (default: data/counties.gpkg)")
    args = parser.parse_args(argv)
    try:
        path = write_counties_layer(args.out)
        derived = write_county_layout(path)
    except DataError as exc:
        print(f"siteselect: {exc}", file=sys.stderr)
        return 2
    print(f"wrote {path}")
    print(f"wrote {derived}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
