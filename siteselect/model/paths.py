"""Where the shipped data lives."""

from __future__ import annotations

import os
from pathlib import Path

PACKAGE_ROOT = Path(__file__).resolve().parents[2]
#: Where an installed wheel carries ``data/`` and ``assets/`` (see pyproject.toml).
SHIPPED_ROOT = Path(__file__).resolve().parents[1] / "_shipped"


def data_dir() -> Path:
    """The folder with the shipped data (``SITESELECT_DATA_DIR`` overrides it).

    ``data/`` beside the package in a source checkout; inside the package in an installed
    wheel.
    """
    env = os.environ.get("SITESELECT_DATA_DIR")
    if env:
        return Path(env)
    shipped = SHIPPED_ROOT / "data"
    return shipped if shipped.is_dir() else PACKAGE_ROOT / "data"


