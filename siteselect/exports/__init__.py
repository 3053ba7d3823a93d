"""Exports of a ranked shortlist: CSV, Excel, GeoJSON, GeoPackage, PDF, PNG and SVG.

Every format is written from one :class:`ExportRequest` (see :func:`make_request`) by a plain
function ``write_<format>(request, path, progress=None, is_cancelled=None)``; :func:`export`
dispatches by format name.  ``progress(fraction, message)`` is called between steps and
``is_cancelled()`` is polled at the same points: when it returns True the export stops with
:class:`ExportCancelled` and nothing is written.  Files are written under a temporary name in
the target folder and moved into place only when complete (see
:func:`siteselect.exports.common.atomic_output`).  Text that a spreadsheet could run as a
formula is neutralised in CSV and XLSX.  Only the PNG/SVG writers use Qt, imported lazily.
"""

from __future__ import annotations

import importlib
import os
from pathlib import Path

from siteselect.errors import ExportError
from siteselect.exports.common import (
    PAPER_SIZES,
    CancelFn,
    ExportCancelled,
    ExportRequest,
    ProgressFn,
    make_request,
    neutralise,
    run_metadata,
)

#: format -> (module, function, file suffix, description)
FORMATS: dict[str, tuple[str, str, str, str]] = {
    "csv": ("csv", "write_csv", ".csv", "CSV table + .meta.json metadata"),
    "xlsx": ("xlsx", "write_xlsx", ".xlsx", "Excel workbook with live formulas"),
    "geojson": ("geo", "write_geojson", ".geojson", "GeoJSON (EPSG:4326)"),
    "gpkg": ("geo", "write_gpkg", ".gpkg", "GeoPackage (EPSG:4326)"),
    "pdf": ("pdf", "write_pdf", ".pdf", "PDF decision record"),
    "png": ("images", "write_png", ".png", "PNG map image"),
    "svg": ("images", "write_svg", ".svg", "SVG map image"),
}

#: Formats whose size in pixels can be chosen.
IMAGE_FORMATS = ("png", "svg")


def format_for_path(path: str | os.PathLike[str]) -> str | None:
    """The format whose usual suffix ``path`` has, None if none matches."""
    suffix = Path(path).suffix.lower()
    if suffix == ".json":
        return "geojson"
    for name, (_, _, ext, _) in FORMATS.items():
        if ext == suffix:
            return name
    return None


def export(
    request: ExportRequest,
    fmt: str,
    path: str | os.PathLike[str],
    progress: ProgressFn | None = None,
    is_cancelled: CancelFn | None = None,
    *,
    size: tuple[int, int] | None = None,
    bom: bool | None = None,
    gpkg_version: str | None = None,
) -> Path:
    """Write ``request`` as ``fmt`` to ``path`` and return the path written.

    ``size`` (width, height in pixels) applies to the map images (png, svg) only; ``bom``
    (start with a UTF-8 byte-order mark, the default) to csv only; ``gpkg_version`` ("1.2",
    the default, "1.3" or "1.4") to gpkg only.

    Raises
    ------
    ExportError
        For an unknown format, a size given for another format or out of range, or a path
        that cannot be written.
    ExportCancelled
        When ``is_cancelled()`` returned True; nothing was written.
    """
    try:
        module, func, _, _ = FORMATS[fmt]
    except KeyError:
        raise ExportError(
            f"Unknown export format {fmt!r}; choose one of {', '.join(FORMATS)}."
        ) from None
    writer = getattr(importlib.import_module(f"siteselect.exports.{module}"), func)
    if size is not None:
        if fmt not in IMAGE_FORMATS:
            raise ExportError(f"An image size applies to png and svg only, not to {fmt}.")
        return writer(request, path, progress, is_cancelled, size=size)
    if bom is not None:
        if fmt != "csv":
            raise ExportError(f"The byte-order mark option applies to csv only, not to {fmt}.")
        return writer(request, path, progress, is_cancelled, bom=bom)
    if gpkg_version is not None:
        if fmt != "gpkg":
            raise ExportError(f"A GeoPackage version applies to gpkg only, not to {fmt}.")
        return writer(request, path, progress, is_cancelled, version=gpkg_version)
    return writer(request, path, progress, is_cancelled)


__all__ = [
    "FORMATS",
    "IMAGE_FORMATS",
    "PAPER_SIZES",
    "ExportCancelled",
    "ExportRequest",
    "export",
    "format_for_path",
    "make_request",
    "neutralise",
    "run_metadata",
]
