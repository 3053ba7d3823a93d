"""Projected state outlines for the map, built from the GeoPandas layer and cached on disk.

:func:`load_map_shapes` returns every state's rings in display coordinates (EPSG:5070 metres,
Alaska and Hawaii placed as insets by :func:`siteselect.model.geography.default_layout`), plus
label points, leader-callout points and inset frames.  Importing GeoPandas and projecting the
layer takes about a second, so the projected rings are stored in the user's cache folder
(``$XDG_CACHE_HOME/siteselect``) under a key made from the shipped layer's bytes and the
layout code; any change to either rebuilds the cache from the GeoPandas layer.  No Qt here.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np

log = logging.getLogger(__name__)

CACHE_FORMAT = 2
#: Display simplification in map metres.  The full map spans about 5,000 km in roughly
#: 1,000 pixels (5 km a pixel), so 1.2 km is invisible at full view and still fine when
#: zoomed to a state, and it halves the vertices every repaint has to fill.
DISPLAY_TOLERANCE_M = 1_200.0


@dataclass(frozen=True)
class MapShapes:
    """States in display coordinates.

    ``rings[state]`` is a list of (n, 2) arrays (exteriors and holes).
    """

    states: tuple[str, ...]
    names: dict[str, str]
    rings: dict[str, list[np.ndarray]]
    label_points: dict[str, tuple[float, float]]
    leader_points: dict[str, tuple[float, float]]
    frames: dict[str, tuple[float, float, float, float]]
    bounds: tuple[float, float, float, float]


def _cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME")
    if base:
        return Path(base) / "siteselect"
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("siteselect", appauthor=False))


def _cache_key() -> str:
    from siteselect.model import geography
    from siteselect.model.dataset import data_dir

    h = hashlib.sha256()
    h.update(str(CACHE_FORMAT).encode())
    gpkg = data_dir() / geography.STATES_FILE
    h.update(gpkg.read_bytes() if gpkg.exists() else b"missing")
    h.update(Path(geography.__file__).read_bytes())
    return h.hexdigest()[:20]


def shapes_from_layout() -> MapShapes:
    """Build the shapes from the GeoPandas layer (slow path: imports GeoPandas)."""
    from siteselect.model.geography import default_layout, geometry_rings

    layout = default_layout()
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


def _save(shapes: MapShapes, path: Path) -> None:
    coords = []
    counts = []
    ring_state = []
    for i, s in enumerate(shapes.states):
        for r in shapes.rings[s]:
            coords.append(r)
            counts.append(len(r))
            ring_state.append(i)
    meta = {
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


def _check(states: tuple[str, ...], rings: dict[str, list[np.ndarray]], meta: dict) -> None:
    """Refuse a cache that would draw a wrong map (a state without outline or label,
    non-finite coordinates); the caller then rebuilds it from the GeoPandas layer."""
    if len(states) != len(set(states)) or not states:
        raise ValueError("the cache lists no states or a state twice")
    for s in states:
        if not rings[s] or any(len(r) < 3 or not np.isfinite(r).all() for r in rings[s]):
            raise ValueError(f"the cache holds no usable outline for {s}")
        if s not in meta["names"] or s not in meta["label_points"]:
            raise ValueError(f"the cache has no name or label point for {s}")
    if len(meta["bounds"]) != 4 or not np.isfinite(meta["bounds"]).all():
        raise ValueError("the cache's map bounds are unusable")


def _load(path: Path) -> MapShapes:
    with np.load(path, allow_pickle=False) as z:
        coords, counts, ring_state = z["coords"], z["counts"], z["ring_state"]
        meta = json.loads(str(z["meta"]))
    states = tuple(meta["states"])
    rings: dict[str, list[np.ndarray]] = {s: [] for s in states}
    ends = np.cumsum(counts)
    starts = ends - counts
    for a, b, si in zip(starts, ends, ring_state, strict=True):
        rings[states[si]].append(coords[a:b])
    _check(states, rings, meta)
    return MapShapes(
        states=states,
        names=meta["names"],
        rings=rings,
        label_points={k: tuple(v) for k, v in meta["label_points"].items()},
        leader_points={k: tuple(v) for k, v in meta["leader_points"].items()},
        frames={k: tuple(v) for k, v in meta["frames"].items()},
        bounds=tuple(meta["bounds"]),
    )


_memo: dict[str, MapShapes] = {}


def load_map_shapes(use_cache: bool = True) -> MapShapes:
    """The map's shapes: from memory, the disk cache, or the GeoPandas layer (in that order)."""
    key = _cache_key()
    if use_cache and key in _memo:
        return _memo[key]
    try:
        path = _cache_dir() / f"map-shapes-{key}.npz"
    except Exception as exc:  # e.g. no home folder to put a cache in
        log.warning("no folder for the map cache: %s", exc)
        use_cache, path = False, None
    shapes = None
    if use_cache and path is not None and path.exists():
        try:
            shapes = _load(path)
        except Exception as exc:  # a damaged cache is rebuilt, never trusted
            log.warning("ignoring the unreadable map cache %s: %s", path, exc)
    if shapes is None:
        shapes = shapes_from_layout()
        try:
            if path is None:
                raise OSError("no cache folder")
            _save(shapes, path)
        except Exception as exc:  # a cache that cannot be written only costs the next start
            log.warning("cannot write the map cache %s: %s", path, exc)
    _memo[key] = shapes
    return shapes
