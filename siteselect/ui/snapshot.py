"""Render the main window to a PNG without a screen (``siteselect snapshot``).

The window is built exactly as a planner would see it with the given settings (default
layout, not the saved one, so a snapshot does not depend on who ran it), laid out at the
requested size on Qt's offscreen platform when there is no display, and grabbed.  The file
is written under a temporary name and moved into place.
"""

from __future__ import annotations

import os
from pathlib import Path

from siteselect.errors import ExportError, InputError
from siteselect.exports.common import atomic_output, check_target
from siteselect.model.settings import ScoringSettings

MIN_SIZE = (800, 500)
MAX_SIZE = (8000, 8000)


def parse_size(text: str) -> tuple[int, int]:
    """``'1600x1000'`` -> (1600, 1000).

    Raises
    ------
    InputError
        For anything else, or a size outside 800x500 .. 8000x8000.
    """
    parts = text.lower().replace("\u00d7", "x").split("x")
    try:
        w, h = (int(p) for p in parts)
    except ValueError:
        raise InputError(f"Cannot read the size {text!r}: write WIDTHxHEIGHT, e.g. 1600x1000."
                         ) from None
    if not (MIN_SIZE[0] <= w <= MAX_SIZE[0] and MIN_SIZE[1] <= h <= MAX_SIZE[1]):
        raise InputError(f"The size {w}x{h} is out of range: width {MIN_SIZE[0]}-{MAX_SIZE[0]}"
                         f", height {MIN_SIZE[1]}-{MAX_SIZE[1]} pixels.")
    return w, h


def check_output(path: str | os.PathLike[str]) -> Path:
    """Validate the output path before any work is done.

    Raises
    ------
    ExportError
        If it does not end in .png, is a folder or a read-only file, or its folder does not
        exist (the same checks as every export).
    """
    out = Path(path).expanduser().absolute()
    if out.suffix.lower() != ".png":
        raise ExportError(f"The snapshot file must end in .png: {path}")
    check_target(out)
    return out


def render_window(settings: ScoringSettings, size: tuple[int, int],
                  select: str | None = None, colour_by: str = "score",
                  tables: tuple[list, tuple] | None = None):
    """Build the window at ``size`` with ``settings`` (and the planner's ``tables``: list and
    refs) and return its QImage."""
    from PySide6.QtCore import QCoreApplication, QEventLoop

    from siteselect.ui.app import application, build_window

    app = application()
    window = build_window(settings, restore_settings=False, tables=tables)
    try:
        if select:
            window.planner.select(select)
        window.planner.set_colour_by(colour_by)
        window.resize(*size)
        window.apply_default_dock_sizes()  # dock sizes follow the requested window size
        window.show()
        for _ in range(3):
            app.processEvents(QEventLoop.AllEvents)
            QCoreApplication.sendPostedEvents()
        window.map_canvas.reset_view()
        app.processEvents(QEventLoop.AllEvents)
        image = window.grab().toImage()
    finally:
        window.hide()
        window.deleteLater()
        app.processEvents()
    if (image.width(), image.height()) != size:
        image = image.scaled(*size)
    return image


def write_snapshot(path: str | os.PathLike[str], settings: ScoringSettings,
                   size: tuple[int, int] = (1600, 1000), select: str | None = None,
                   colour_by: str = "score", tables: tuple[list, tuple] | None = None) -> Path:
    """Render the window and write it as PNG; returns the path written."""
    out = check_output(path)
    image = render_window(settings, size, select, colour_by, tables)
    with atomic_output([out]) as (tmp,):
        if not image.save(str(tmp), "PNG"):
            raise ExportError(f"Cannot write {out}: saving the PNG failed.")
    return out
