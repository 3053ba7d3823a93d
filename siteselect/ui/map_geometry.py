"""Projected state outlines for the map, derived from the GeoPandas layer.

:func:`load_map_shapes` returns every state's rings in display coordinates (EPSG:5070 metres,
Alaska and Hawaii placed as insets by :func:`siteselect.model.geography.default_layout`), plus
label points, leader-callout points and inset frames.  Importing GeoPandas and projecting the
layer takes about a second, so the window reads them, in this order, from:

1. ``data/states-layout.npz``, shipped beside ``states.gpkg`` and written from it by the same
   rebuild command (``uv run python -m siteselect.model.geography``), so even the very first
   start of a fresh checkout needs no GeoPandas;
2. the user's cache folder (``$XDG_CACHE_HOME/siteselect``), written on a start that had to
   build them;
3. the GeoPandas layer itself.

Both files record a key made from the layer's bytes and the layout code
(:func:`siteselect.model.geography.layout_key`): a stale, damaged or unreadable file is
ignored (with a warning) and the outlines are rebuilt from the layer.  No Qt here.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

from siteselect.model.geography import (
    DISPLAY_TOLERANCE_M,
    MapShapes,
    display_shapes,
    layout_key,
    layout_path,
    load_shapes,
    save_shapes,
)

__all__ = ["DISPLAY_TOLERANCE_M", "MapShapes", "load_map_shapes", "shapes_from_layout"]

log = logging.getLogger(__name__)


def _cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME")
    if base:
        return Path(base) / "siteselect"
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("siteselect", appauthor=False))


def _cache_key() -> str:
    return layout_key()


def shapes_from_layout() -> MapShapes:
    """Build the shapes from the GeoPandas layer (slow path: imports GeoPandas)."""
    return display_shapes()


def _save(shapes: MapShapes, path: Path) -> None:
    save_shapes(shapes, path, _cache_key())


def _load(path: Path) -> MapShapes:
    return load_shapes(path, _cache_key())


_memo: dict[str, MapShapes] = {}


def load_map_shapes(use_cache: bool = True) -> MapShapes:
    """The map's shapes: from memory, the shipped derived layout, the user's cache, or the
    GeoPandas layer (in that order)."""
    key = _cache_key()
    if use_cache and key in _memo:
        return _memo[key]
    shapes = None
    if use_cache:
        shipped = layout_path()
        try:
            shapes = load_shapes(shipped, key)
        except FileNotFoundError:
            log.info("no derived map layout at %s", shipped)
        except Exception as exc:  # stale or damaged: the layer is the truth
            log.warning("ignoring the derived map layout %s: %s", shipped, exc)
    if shapes is not None:
        _memo[key] = shapes
        return shapes
    try:
        path: Path | None = _cache_dir() / f"map-shapes-{key}.npz"
    except Exception as exc:  # e.g. no home folder to put a cache in
        log.warning("no folder for the map cache: %s", exc)
        use_cache, path = False, None
    if use_cache and path is not None and path.exists():
        try:
            shapes = load_shapes(path, key)
        except Exception as exc:  # a damaged cache is rebuilt, never trusted
            log.warning("ignoring the unreadable map cache %s: %s", path, exc)
    if shapes is None:
        shapes = shapes_from_layout()
        try:
            if path is None:
                raise OSError("no cache folder")
            save_shapes(shapes, path, key)
        except Exception as exc:  # a cache that cannot be written only costs the next start
            log.warning("cannot write the map cache %s: %s", path, exc)
    _memo[key] = shapes
    return shapes
