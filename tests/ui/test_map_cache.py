"""The first-start map cache can never break start-up: damaged or unwritable, it is rebuilt."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from siteselect.ui import map_geometry

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def reference():
    """The shapes built straight from the GeoPandas layer."""
    return map_geometry.shapes_from_layout()


def _fresh(monkeypatch, cache_home: Path) -> Path:
    monkeypatch.setenv("XDG_CACHE_HOME", str(cache_home))
    monkeypatch.setattr(map_geometry, "_memo", {})
    return cache_home / "siteselect" / f"map-shapes-{map_geometry._cache_key()}.npz"


def _same(a, b) -> bool:
    return a.states == b.states and all(
        len(a.rings[s]) == len(b.rings[s])
        and all(np.array_equal(x, y) for x, y in zip(a.rings[s], b.rings[s], strict=True))
        for s in a.states) and a.label_points == b.label_points


def test_first_start_writes_the_cache_and_the_next_start_reads_it(monkeypatch, tmp_path,
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
                     meta=np.asarray('{"states": ["TX"], "names": {"TX": "Texas"}, '
                                     '"label_points": {"TX": [0, 0]}, "leader_points": {}, '
                                     '"frames": {}, "bounds": [0, 0, 1, 1]}'))
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
    blocker = tmp_path / "siteselect"
    blocker.write_text("a file where the cache folder should be")
    _fresh(monkeypatch, tmp_path)
    with caplog.at_level(logging.WARNING, logger=map_geometry.__name__):
        shapes = map_geometry.load_map_shapes()
    assert _same(shapes, reference)
    assert "cannot write the map cache" in caplog.text
    assert blocker.read_text() == "a file where the cache folder should be"
    assert [p.name for p in tmp_path.iterdir()] == ["siteselect"]  # no stray temp files


def test_the_app_starts_on_a_corrupt_cache_in_a_fresh_process(tmp_path):
    """End to end: a garbage cache file, then the snapshot command renders the window."""
    env = dict(os.environ, XDG_CACHE_HOME=str(tmp_path / "cache"),
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
