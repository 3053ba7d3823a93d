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
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from siteselect.errors import DataError
from siteselect.model.dataset import data_dir
from siteselect.model.geography import (
    EXCLUDED_FIPS,
    SOURCE_CRS,
    load_states,
    plotly_geo_source,
    read_layer,
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


def main(argv: list[str] | None = None) -> int:
    """``python -m siteselect.model.county_geography [OUT]``: rebuild the county layer."""
    parser = argparse.ArgumentParser(
        prog="python -m siteselect.model.county_geography",
        description="Rebuild data/counties.gpkg from the Census county file carried by "
                    "plotly-geo (50 states and DC, simplified as a coverage).")
    parser.add_argument("out", nargs="?", help="output GeoPackage (default: data/counties.gpkg)")
    args = parser.parse_args(argv)
    try:
        path = write_counties_layer(args.out)
    except DataError as exc:
        print(f"siteselect: {exc}", file=sys.stderr)
        return 2
    print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
