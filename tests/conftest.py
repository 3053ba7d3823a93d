"""Test set-up shared by every test: headless Qt and no writes to the user's home."""

from __future__ import annotations

import os
import sys

# Must be set before any Qt import: tests never need a screen.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest


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


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item):
    """Answer Discard to any question asked while a test's windows are closed.

    pytest-qt closes the windows a test registered before its fixtures are torn down; a window
    with unsaved changes then asks Save / Discard / Cancel.  Nobody can answer a real modal box
    on the offscreen platform, so during tear-down the question is answered with Discard (tests
    that care answer it themselves while they run).  Qt is not imported here if the test did not.
    """
    widgets = sys.modules.get("PySide6.QtWidgets")
    if widgets is None:
        return (yield)
    box = widgets.QMessageBox
    original = box.__dict__.get("question")

    def discard(*_args, **_kwargs):
        return box.StandardButton.Discard

    patch = staticmethod(discard)
    box.question = patch
    try:
        return (yield)
    finally:
        if box.__dict__.get("question") is patch and original is not None:
            box.question = original
