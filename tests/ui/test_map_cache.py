"""The map's outlines: the shipped derived layout, the user's cache, the GeoPandas layer.

A fresh checkout draws its first map from ``data/states-layout.npz`` without importing
GeoPandas; a stale or damaged derived file or cache is rebuilt from the layer and never breaks
start-up.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from siteselect.model import geography
from siteselect.model.dataset import PACKAGE_ROOT
from siteselect.ui import map_geometry

ROOT = Path(__file__).resolve().parents[2]
SHIPPED_DATA = PACKAGE_ROOT / "data"


@pytest.fixture(scope="module")
def reference():
    """The shapes built straight from the GeoPandas layer."""
    return map_geometry.shapes_from_layout()


def _same(a, b) -> bool:
    return a.states == b.states and all(
        len(a.rings[s]) == len(b.rings[s])
        and all(np.array_equal(x, y) for x, y in zip(a.rings[s], b.rings[s], strict=True))
        for s in a.states) and a.label_points == b.label_points and a.bounds == b.bounds


def _data_copy(tmp_path: Path, with_layout: bool) -> Path:
    """A copy of the shipped data folder, with or without the derived layout."""
    data = tmp_path / "data"
    shutil.copytree(SHIPPED_DATA, data)
    if not with_layout:
        (data / geography.LAYOUT_FILE).unlink()
    return data


def _fresh(monkeypatch, tmp_path: Path, with_layout: bool = False) -> Path:
    """Empty cache, a data folder copy; returns where the user cache file goes."""
    data = _data_copy(tmp_path, with_layout)
    monkeypatch.setenv("SITESELECT_DATA_DIR", str(data))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.setattr(map_geometry, "_memo", {})
    return tmp_path / "cache" / "siteselect" / f"map-shapes-{map_geometry._cache_key()}.npz"


def test_the_shipped_layout_is_current_and_matches_the_layer(reference):
    """data/states-layout.npz was written by the rebuild command from today's states.gpkg
    with today's layout code; otherwise every fresh start would pay for GeoPandas."""
    shipped = geography.load_shapes(geography.layout_path(), geography.layout_key())
    assert len(shipped.states) == 51
    assert _same(shipped, reference)
    assert shipped.names == reference.names and shipped.frames == reference.frames
    assert shipped.leader_points == reference.leader_points


def test_a_fresh_start_draws_from_the_shipped_layout_without_geopandas(tmp_path):
    env = dict(os.environ, XDG_CACHE_HOME=str(tmp_path / "cache"))
    env.pop("SITESELECT_DATA_DIR", None)
    code = ("import sys; from siteselect.ui.map_geometry import load_map_shapes; "
            "s = load_map_shapes(); "
            "print(len(s.states), sorted(m for m in ('geopandas', 'shapely', 'pandas', "
            "'pyproj') if m in sys.modules))")
    proc = subprocess.run([sys.executable, "-c", code], env=env, cwd=ROOT,
                          capture_output=True, text=True, timeout=120, check=True)
    assert proc.stdout.split(None, 1) == ["51", "[]\n"]
    assert not (tmp_path / "cache").exists()  # nothing to cache: the shipped file served


@pytest.mark.parametrize("damage", ["stale_layer", "stale_code", "garbage", "wrong_content"])
def test_a_stale_or_damaged_shipped_layout_is_rebuilt_from_the_layer(monkeypatch, tmp_path,
                                                                     reference, caplog,
                                                                     damage):
    cache = _fresh(monkeypatch, tmp_path, with_layout=True)
    data = Path(os.environ["SITESELECT_DATA_DIR"])
    derived = data / geography.LAYOUT_FILE
    if damage == "stale_layer":  # the layer changed after the layout was derived
        with (data / geography.STATES_FILE).open("ab") as fh:
            fh.write(b"\0")
        monkeypatch.setattr(map_geometry, "_memo", {})
        cache = cache.with_name(f"map-shapes-{map_geometry._cache_key()}.npz")
    elif damage == "stale_code":  # written under another key (other layout code)
        shapes = geography.load_shapes(derived)
        geography.save_shapes(shapes, derived, "0" * 20)
    elif damage == "garbage":
        derived.write_bytes(b"not a numpy archive")
    else:
        with derived.open("wb") as fh:
            np.savez(fh, coords=np.full((3, 2), np.nan), counts=np.array([3]),
                     ring_state=np.array([0]),
                     meta=np.asarray(json.dumps({
                         "key": map_geometry._cache_key(), "states": ["TX"],
                         "names": {"TX": "Texas"}, "label_points": {"TX": [0, 0]},
                         "leader_points": {}, "frames": {}, "bounds": [0, 0, 1, 1]})))
    if damage == "stale_layer":
        from siteselect.model.geography import layout_states, load_states

        # The appended byte leaves the GeoPackage readable: the layer is the same.
        expected = geography.display_shapes(layout_states(load_states()))
    else:
        expected = reference
    with caplog.at_level(logging.WARNING, logger=map_geometry.__name__):
        shapes = map_geometry.load_map_shapes()
    assert "ignoring the derived map layout" in caplog.text
    assert _same(shapes, expected) and len(shapes.states) == 51
    assert cache.exists()  # the next start reads the rebuilt outlines from the cache


def test_the_rebuild_command_writes_the_layer_and_its_layout(tmp_path):
    out = tmp_path / "rebuilt.gpkg"
    proc = subprocess.run([sys.executable, "-m", "siteselect.model.geography", str(out)],
                          cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    derived = tmp_path / "rebuilt-layout.npz"
    assert derived.exists() and str(derived) in proc.stdout
    shapes = geography.load_shapes(derived, geography.layout_key(out))
    expected = geography.display_shapes(geography.layout_states(geography.load_states(out)))
    assert _same(shapes, expected)
    with pytest.raises(ValueError, match="stale"):  # keyed to its own layer's bytes
        geography.load_shapes(derived, geography.layout_key(tmp_path / "other.gpkg"))


def test_first_start_without_a_layout_writes_the_cache_and_the_next_reads_it(monkeypatch,
                                                                            tmp_path,
                                                                            reference):
    path = _fresh(monkeypatch, tmp_path)
    assert _same(map_geometry.load_map_shapes(), reference)
    assert path.exists()
    monkeypatch.setattr(map_geometry, "_memo", {})
    monkeypatch.setattr(map_geometry, "shapes_from_layout",
                        lambda: pytest.fail("the cache should have been used"))
    assert _same(map_geometry.load_map_shapes(), reference)


@pytest.mark.parametrize("damage", ["garbage", "truncated", "empty", "wrong_content",
                                    "directory"])
def test_a_damaged_cache_is_rebuilt_from_the_layer(monkeypatch, tmp_path, reference, caplog,
                                                   damage):
    path = _fresh(monkeypatch, tmp_path)
    map_geometry._save(reference, path)
    good = path.read_bytes()
    if damage == "garbage":
        path.write_bytes(b"not a numpy archive at all")
    elif damage == "truncated":
        path.write_bytes(good[: len(good) // 2])
    elif damage == "empty":
        path.write_bytes(b"")
    elif damage == "wrong_content":  # a valid archive whose outlines are unusable
        with path.open("wb") as fh:
            np.savez(fh, coords=np.full((3, 2), np.nan), counts=np.array([3]),
                     ring_state=np.array([0]),
                     meta=np.asarray(json.dumps({
                         "key": map_geometry._cache_key(), "states": ["TX"],
                         "names": {"TX": "Texas"}, "label_points": {"TX": [0, 0]},
                         "leader_points": {}, "frames": {}, "bounds": [0, 0, 1, 1]})))
    else:
        path.unlink()
        path.mkdir()
    with caplog.at_level(logging.WARNING, logger=map_geometry.__name__):
        shapes = map_geometry.load_map_shapes()
    assert _same(shapes, reference) and len(shapes.states) == 51
    assert "map cache" in caplog.text
    if damage != "directory":  # the damaged file is replaced by a good one
        monkeypatch.setattr(map_geometry, "_memo", {})
        assert _same(map_geometry._load(path), reference)


def test_an_unwritable_cache_folder_only_costs_time(monkeypatch, tmp_path, reference, caplog):
    _fresh(monkeypatch, tmp_path)
    cache_home = tmp_path / "cache"
    cache_home.mkdir()
    blocker = cache_home / "siteselect"
    blocker.write_text("a file where the cache folder should be")
    with caplog.at_level(logging.WARNING, logger=map_geometry.__name__):
        shapes = map_geometry.load_map_shapes()
    assert _same(shapes, reference)
    assert "cannot write the map cache" in caplog.text
    assert blocker.read_text() == "a file where the cache folder should be"
    assert [p.name for p in cache_home.iterdir()] == ["siteselect"]  # no stray temp files


def test_the_app_starts_on_a_corrupt_layout_and_cache_in_a_fresh_process(tmp_path):
    """End to end: garbage derived layout and cache, then the snapshot command renders."""
    data = _data_copy(tmp_path, with_layout=True)
    (data / geography.LAYOUT_FILE).write_bytes(b"\x00" * 100)
    env = dict(os.environ, XDG_CACHE_HOME=str(tmp_path / "cache"),
               SITESELECT_DATA_DIR=str(data),
               SITESELECT_SETTINGS_DIR=str(tmp_path / "settings"), QT_QPA_PLATFORM="offscreen")
    key = subprocess.run([sys.executable, "-c",
                          "from siteselect.ui.map_geometry import _cache_key; "
                          "print(_cache_key())"],
                         env=env, cwd=ROOT, capture_output=True, text=True, check=True)
    cache = tmp_path / "cache" / "siteselect" / f"map-shapes-{key.stdout.strip()}.npz"
    cache.parent.mkdir(parents=True)
    cache.write_bytes(b"\x00" * 100)
    out = tmp_path / "shot.png"
    run = subprocess.run([sys.executable, "-m", "siteselect", "snapshot", str(out),
                          "--size", "1000x700"], env=env, cwd=ROOT, capture_output=True,
                         text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    assert "Traceback" not in run.stderr
    from PySide6.QtGui import QImage

    image = QImage(str(out))
    assert (image.width(), image.height()) == (1000, 700)
    assert cache.stat().st_size > 1000  # rebuilt
