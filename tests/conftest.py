"""Test set-up shared by every test: headless Qt and no writes to the user's home."""

from __future__ import annotations

import os

# Must be set before any Qt import: tests never need a screen.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest  # noqa: E402


@pytest.fixture(autouse=True)
def _isolated_home(tmp_path_factory, monkeypatch):
    """Point every per-user path (database, settings, exports) at a temporary folder."""
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_DATA_HOME", str(home / "data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / "config"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(home / "cache"))
    monkeypatch.setenv("SITESELECT_DB", str(home / "siteselect.db"))
    monkeypatch.setenv("SITESELECT_SETTINGS_DIR", str(home / "settings"))
    yield home
