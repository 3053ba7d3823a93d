"""State boundaries: building the shipped layer, loading it, and laying it out for a map.

The shipped layer ``data/states.gpkg`` is the US Census cartographic boundary file
``cb_2016_us_state_500k`` (carried by the PyPI package ``plotly-geo``) cut to the 50 states and
DC, with FIPS, postal code and name, simplified as a coverage so neighbouring states keep
shared borders.  The source has no .prj; it is NAD83 geographic, so EPSG:4269 is assigned.
Rebuild it, and the window's derived display layout ``data/states-layout.npz``
(:func:`write_display_layout`), with::

    uv run python -m siteselect.model.geography

The map layout projects the contiguous states to US Albers equal-area (EPSG:5070) and places
Alaska (Alaska Albers, EPSG:3338, scaled to 35 %) and Hawaii's main islands (Hawaii Albers,
full scale) as insets below the south-west, where US national atlases put them.  The layout is
computed once; colouring a map never re-projects anything.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from siteselect.errors import DataError
from siteselect.model.dataset import data_dir

if TYPE_CHECKING:  # pragma: no cover
    import geopandas as gpd

STATES_FILE = "states.gpkg"
SOURCE_CRS = "EPSG:4269"
CONUS_CRS = "EPSG:5070"
ALASKA_CRS = "EPSG:3338"
HAWAII_CRS = (
    "+proj=aea +lat_0=13 +lon_0=-157 +lat_1=8 +lat_2=18 +x_0=0 +y_0=0 +datum=NAD83 +units=m"
)
#: Census FIPS codes kept: the 50 states and DC (Puerto Rico and island areas are left out).
EXCLUDED_FIPS = {"60", "66", "69", "72", "78"}
SIMPLIFY_TOLERANCE_DEG = 0.01

# Inset placement in EPSG:5070 metres: (scale, target centre x, target centre y).
ALASKA_INSET = (0.35, -1_750_000.0, 350_000.0)
# Hawaii sits east of the Alaska frame and clear of Texas: its frame keeps about 30 km from
# both, so no frame line crosses a state.
HAWAII_INSET = (1.0, -660_000.0, 100_000.0)
#: Small north-eastern states labelled through a leader line in the Atlantic.
LEADER_STATES = ("VT", "NH", "MA", "RI", "CT", "NJ", "DE", "MD", "DC")


def plotly_geo_source() -> Path:
    """Path of ``cb_2016_us_state_500k.shp`` inside the installed ``plotly-geo`` package."""
    try:
        import _plotly_geo
    except ImportError:
        raise DataError(
            "Rebuilding the boundaries needs the package plotly-geo (a development "
            "dependency): run `uv sync` first."
        ) from None
    return Path(_plotly_geo.__file__).parent / "package_data" / "cb_2016_us_state_500k.shp"


def build_states_layer(source: str | os.PathLike[str] | None = None) -> gpd.GeoDataFrame:
    """Read the Census file, keep 50 states + DC, assign EPSG:4269 and simplify."""
    import geopandas as gpd

    src = Path(source) if source else plotly_geo_source()
    gdf = gpd.read_file(src)
    if gdf.crs is None:
        gdf = gdf.set_crs(SOURCE_CRS)
    gdf = gdf[~gdf["STATEFP"].isin(EXCLUDED_FIPS)].copy()
    gdf = gdf.rename(columns={"STATEFP": "state_fips", "STUSPS": "state", "NAME": "name"})
    gdf = gdf[["state_fips", "state", "name", "geometry"]].sort_values("state_fips")
    gdf["geometry"] = gdf.geometry.simplify_coverage(SIMPLIFY_TOLERANCE_DEG)
    gdf = gdf.reset_index(drop=True)
    if len(gdf) != 51:
        raise DataError(f"{src}: expected 51 states and DC, found {len(gdf)}.")
    return gdf


def write_states_layer(out: str | os.PathLike[str] | None = None) -> Path:
    """Build the layer and write it as a GeoPackage (``data/states.gpkg`` by default)."""
    return write_layer(build_states_layer(), Path(out) if out else data_dir() / STATES_FILE,
                       "states")


def write_layer(gdf: gpd.GeoDataFrame, path: Path, layer: str) -> Path:
    """Write ``gdf`` as the GeoPackage ``path`` (layer ``layer``), replacing it atomically."""
    tmp = path.with_suffix(".tmp.gpkg")
    gdf.to_file(tmp, layer=layer, driver="GPKG")
    os.replace(tmp, path)
    return path


def read_layer(path: Path, layer: str, what: str, module: str) -> gpd.GeoDataFrame:
    """A shipped boundary layer in EPSG:4269.

    Raises
    ------
    DataError
        If the file is missing or unreadable, naming it and the command that rebuilds it.
    """
    import geopandas as gpd

    if not path.exists():
        raise DataError(f"{what} not found: {path}. Rebuild them with "
                        f"`uv run python -m {module}`.")
    try:
        gdf = gpd.read_file(path, layer=layer)
    except Exception as exc:  # pyogrio raises several unrelated types
        raise DataError(f"Cannot read the {what.lower()} {path}: {exc}") from None
    if gdf.crs is None:
        gdf = gdf.set_crs(SOURCE_CRS)
    return gdf


def load_states(path: str | os.PathLike[str] | None = None) -> gpd.GeoDataFrame:
    """The shipped state layer (EPSG:4269) with columns state_fips, state, name, geometry.

    Raises
    ------
    DataError
        If the file is missing or unreadable, naming it and the rebuild command.
    """
    return read_layer(Path(path) if path else data_dir() / STATES_FILE, "states",
                      "State boundaries", "siteselect.model.geography")


def _place(geoms: Any, scale: float, cx: float, cy: float) -> Any:
    """Scale a projected GeoSeries about its bounding-box centre and move it to (cx, cy)."""
    from shapely import affinity

    minx, miny, maxx, maxy = geoms.total_bounds
    ox, oy = (minx + maxx) / 2, (miny + maxy) / 2
    return geoms.apply(
        lambda g: affinity.affine_transform(
            g, [scale, 0, 0, scale, cx - scale * ox, cy - scale * oy]
        )
    )


@dataclass(frozen=True)
class MapLayout:
    """States projected for display (metres in EPSG:5070 space, insets moved and scaled).

    ``frames`` holds the inset rectangles (name -> (minx, miny, maxx, maxy)) so a map can draw
    a thin border round Alaska and Hawaii.
    """

    layer: Any  # GeoDataFrame: state, name, state_fips, inset, geometry (display coordinates)
    frames: dict[str, tuple[float, float, float, float]]
    label_points: dict[str, tuple[float, float]]
    leader_points: dict[str, tuple[float, float]]

    @property
    def bounds(self) -> tuple[float, float, float, float]:
        minx, miny, maxx, maxy = self.layer.total_bounds
        for fx0, fy0, _fx1, _fy1 in self.frames.values():
            minx, miny = min(minx, fx0), min(miny, fy0)
        lx = max((p[0] for p in self.leader_points.values()), default=maxx)
        return float(minx), float(miny), float(max(maxx, lx + 120_000)), float(maxy)

    def states(self) -> list[str]:
        return list(self.layer["state"])

    def rings(self, state: str) -> Iterator[np.ndarray]:
        """Every ring (exterior and holes) of a state as an (n, 2) array."""
        geom = self.layer.geometry[self.layer["state"] == state].iloc[0]
        yield from geometry_rings(geom)


def geometry_rings(geom: Any) -> Iterator[np.ndarray]:
    """Rings of a (Multi)Polygon as (n, 2) coordinate arrays."""
    polys = getattr(geom, "geoms", [geom])
    for poly in polys:
        yield np.asarray(poly.exterior.coords)
        for hole in poly.interiors:
            yield np.asarray(hole.coords)


def _label_point(geom: Any) -> tuple[float, float]:
    from shapely.ops import polylabel

    polys = list(getattr(geom, "geoms", [geom]))
    biggest = max(polys, key=lambda p: p.area)
    pt = polylabel(biggest, tolerance=2_000)
    return float(pt.x), float(pt.y)


def layout_states(gdf: gpd.GeoDataFrame) -> MapLayout:
    """Project the layer for display, with Alaska and Hawaii as insets."""
    import geopandas as gpd
    import pandas as pd
    from shapely.geometry import box

    parts = []
    frames: dict[str, tuple[float, float, float, float]] = {}
    conus = gdf[~gdf["state"].isin(["AK", "HI"])].to_crs(CONUS_CRS)
    conus["inset"] = "contiguous"
    parts.append(conus)
    for code, crs, (scale, cx, cy), name in (
        ("AK", ALASKA_CRS, ALASKA_INSET, "alaska"),
        ("HI", HAWAII_CRS, HAWAII_INSET, "hawaii"),
    ):
        sub = gdf[gdf["state"] == code]
        if sub.empty:
            continue
        if code == "HI":
            # Atlases show the main islands; the Northwestern Hawaiian Islands (west of
            # 161 W) would stretch the inset across the Pacific.
            sub = sub.clip(box(-161.0, 17.0, -154.0, 23.0))
        sub = sub.to_crs(crs).copy()
        sub["geometry"] = _place(sub.geometry, scale, cx, cy)
        sub = sub.set_crs(CONUS_CRS, allow_override=True)
        sub["inset"] = name
        minx, miny, maxx, maxy = sub.total_bounds
        pad = 60_000
        frames[name] = (minx - pad, miny - pad, maxx + pad, maxy + pad)
        parts.append(sub)
    layer = gpd.GeoDataFrame(pd.concat(parts, ignore_index=True), crs=CONUS_CRS)
    layer = layer.sort_values("state").reset_index(drop=True)
    labels = {s: _label_point(g) for s, g in zip(layer["state"], layer.geometry, strict=True)}
    # Leader-line callouts: a column in the Atlantic, in north-to-south order.
    present = [s for s in LEADER_STATES if s in labels]
    present.sort(key=lambda s: -labels[s][1])
    right = float(layer[layer["inset"] == "contiguous"].total_bounds[2]) + 150_000
    leaders: dict[str, tuple[float, float]] = {}
    if present:
        top = max(labels[s][1] for s in present) + 100_000
        step = 125_000
        for i, s in enumerate(present):
            leaders[s] = (right, top - i * step)
    return MapLayout(layer=layer, frames=frames, label_points=labels, leader_points=leaders)


@lru_cache(maxsize=2)
def default_layout() -> MapLayout:
    """The layout of the shipped layer, computed once per process."""
    return layout_states(load_states())


# -- the derived display layout ---------------------------------------------------------------
#: File beside ``states.gpkg`` holding the projected outlines the window draws, derived from
#: the GeoPandas layer by :func:`write_display_layout`.  The window reads it instead of
#: importing GeoPandas and projecting at start-up.
LAYOUT_FILE = "states-layout.npz"
LAYOUT_FORMAT = 3
#: Display simplification in map metres.  The full map spans about 5,000 km in roughly
#: 1,000 pixels (5 km a pixel), so 1.2 km is invisible at full view and still fine when
#: zoomed to a state, and it halves the vertices every repaint has to fill.
DISPLAY_TOLERANCE_M = 1_200.0


@dataclass(frozen=True)
class MapShapes:
    """States in display coordinates (EPSG:5070 metres, Alaska and Hawaii as insets).

    ``rings[state]`` is a list of (n, 2) arrays (exteriors and holes).
    """

    states: tuple[str, ...]
    names: dict[str, str]
    rings: dict[str, list[np.ndarray]]
    label_points: dict[str, tuple[float, float]]
    leader_points: dict[str, tuple[float, float]]
    frames: dict[str, tuple[float, float, float, float]]
    bounds: tuple[float, float, float, float]


def layout_key(gpkg: str | os.PathLike[str] | None = None) -> str:
    """Hash of the state layer's bytes and of this module's layout code.

    A derived layout whose recorded key differs was made from another layer or by other
    code: it is stale and is rebuilt from the GeoPandas layer.
    """
    import hashlib

    p = Path(gpkg) if gpkg else data_dir() / STATES_FILE
    h = hashlib.sha256()
    h.update(str(LAYOUT_FORMAT).encode())
    h.update(p.read_bytes() if p.exists() else b"missing")
    # Line endings are normalised so a checkout that converts them gives the same key.
    h.update(Path(__file__).read_bytes().replace(b"\r\n", b"\n"))
    return h.hexdigest()[:20]


def display_shapes(layout: MapLayout | None = None) -> MapShapes:
    """The outlines the window draws, built from the GeoPandas layer's layout."""
    layout = layout or default_layout()
    # A coverage simplification keeps the borders that neighbouring states share identical.
    geometry = layout.layer.geometry.simplify_coverage(DISPLAY_TOLERANCE_M)
    rings: dict[str, list[np.ndarray]] = {}
    names: dict[str, str] = {}
    for code, name, geom in zip(layout.layer["state"], layout.layer["name"], geometry,
                                strict=True):
        rings[str(code)] = [np.ascontiguousarray(r[:, :2], dtype=float)
                            for r in geometry_rings(geom)]
        names[str(code)] = str(name)
    return MapShapes(
        states=tuple(rings),
        names=names,
        rings=rings,
        label_points={k: (float(x), float(y)) for k, (x, y) in layout.label_points.items()},
        leader_points={k: (float(x), float(y)) for k, (x, y) in layout.leader_points.items()},
        frames={k: tuple(float(v) for v in f) for k, f in layout.frames.items()},  # type: ignore[misc]
        bounds=tuple(float(v) for v in layout.bounds),  # type: ignore[arg-type]
    )


def save_shapes(shapes: MapShapes, path: str | os.PathLike[str], key: str) -> None:
    """Write the outlines as one ``.npz`` (no pickles), recording ``key``; atomic."""
    import json

    path = Path(path)
    coords, counts, ring_state = [], [], []
    for i, s in enumerate(shapes.states):
        for r in shapes.rings[s]:
            coords.append(r)
            counts.append(len(r))
            ring_state.append(i)
    meta = {
        "key": key,
        "states": list(shapes.states),
        "names": shapes.names,
        "label_points": shapes.label_points,
        "leader_points": shapes.leader_points,
        "frames": shapes.frames,
        "bounds": shapes.bounds,
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + f".{os.getpid()}.tmp")
    try:
        with tmp.open("wb") as fh:
            np.savez(fh, coords=np.concatenate(coords), counts=np.asarray(counts),
                     ring_state=np.asarray(ring_state), meta=np.asarray(json.dumps(meta)))
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)  # a failed write leaves nothing half-written behind


def _check_shapes(states: tuple[str, ...], rings: dict[str, list[np.ndarray]],
                  meta: dict) -> None:
    """Refuse outlines that would draw a wrong map (a state without outline or label,
    non-finite coordinates); the caller then rebuilds them from the GeoPandas layer."""
    if len(states) != len(set(states)) or not states:
        raise ValueError("the file lists no states or a state twice")
    for s in states:
        if not rings[s] or any(len(r) < 3 or not np.isfinite(r).all() for r in rings[s]):
            raise ValueError(f"the file holds no usable outline for {s}")
        if s not in meta["names"] or s not in meta["label_points"]:
            raise ValueError(f"the file has no name or label point for {s}")
    if len(meta["bounds"]) != 4 or not np.isfinite(meta["bounds"]).all():
        raise ValueError("the file's map bounds are unusable")


def load_shapes(path: str | os.PathLike[str], key: str | None = None) -> MapShapes:
    """Read outlines written by :func:`save_shapes`.

    Raises ``ValueError`` (or the reader's own error) when the file is damaged, or when
    ``key`` is given and the file was made from another layer or by other layout code.
    """
    import json

    with np.load(Path(path), allow_pickle=False) as z:
        coords, counts, ring_state = z["coords"], z["counts"], z["ring_state"]
        meta = json.loads(str(z["meta"]))
    if key is not None and meta.get("key") != key:
        raise ValueError(f"stale: made for key {meta.get('key')!r}, the layer needs {key!r}")
    states = tuple(meta["states"])
    rings: dict[str, list[np.ndarray]] = {s: [] for s in states}
    ends = np.cumsum(counts)
    starts = ends - counts
    for a, b, si in zip(starts, ends, ring_state, strict=True):
        rings[states[si]].append(coords[a:b])
    _check_shapes(states, rings, meta)
    return MapShapes(
        states=states,
        names=meta["names"],
        rings=rings,
        label_points={k: tuple(v) for k, v in meta["label_points"].items()},
        leader_points={k: tuple(v) for k, v in meta["leader_points"].items()},
        frames={k: tuple(v) for k, v in meta["frames"].items()},
        bounds=tuple(meta["bounds"]),
    )


def layout_path(gpkg: str | os.PathLike[str] | None = None) -> Path:
    """Where the derived layout of a state layer lives: beside it, ``<stem>-layout.npz``."""
    p = Path(gpkg) if gpkg else data_dir() / STATES_FILE
    return p.with_name(f"{p.stem}-layout.npz")


def write_display_layout(gpkg: str | os.PathLike[str] | None = None) -> Path:
    """Derive the display layout from the GeoPandas layer ``gpkg`` and write it beside it."""
    p = Path(gpkg) if gpkg else data_dir() / STATES_FILE
    out = layout_path(p)
    save_shapes(display_shapes(layout_states(load_states(p))), out, layout_key(p))
    return out


def main(argv: list[str] | None = None) -> int:
    """``python -m siteselect.model.geography [OUT]``: rebuild the layer and its layout."""
    parser = argparse.ArgumentParser(
        prog="python -m siteselect.model.geography",
        description="Rebuild data/states.gpkg from the Census file carried by plotly-geo, "
                    "and data/states-layout.npz (the window's projected outlines) from it.",
    )
    parser.add_argument("out", nargs="?", help="output GeoPackage (default: data/states.gpkg); "
                        "the layout is written beside it as <name>-layout.npz")
    args = parser.parse_args(argv)
    try:
        path = write_states_layer(args.out)
        derived = write_display_layout(path)
    except DataError as exc:
        print(f"siteselect: {exc}", file=sys.stderr)
        return 2
    print(f"wrote {path}")
    print(f"wrote {derived}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
