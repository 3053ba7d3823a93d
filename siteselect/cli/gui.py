"""Opening the window (imported lazily so headless commands never load Qt)."""

from __future__ import annotations

import argparse


def register(sub: argparse._SubParsersAction) -> None:  # noqa: SLF001 - argparse API
    """No sub-command: the window opens when ``siteselect`` runs without a command."""


def open_window(args: argparse.Namespace) -> int:
    """Until the window exists, print the command overview."""
    args.parser.print_help()
    return 0
