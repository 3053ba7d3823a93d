"""Command line: ``siteselect COMMAND ...``; with no command it opens the window.

Each command group lives in its own module and registers its sub-parser through
``register(subparsers)``; the handler receives the parsed namespace and returns an exit code.
Headless commands never import Qt.  Every :class:`~siteselect.errors.SiteSelectError` becomes
one line on stderr and exit status 2; argparse errors are reduced to one line as well.
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Callable, Sequence

from siteselect import __version__
from siteselect.errors import SiteSelectError

log = logging.getLogger(__name__)

EXIT_USAGE = 2


class OneLineArgumentParser(argparse.ArgumentParser):
    """An ArgumentParser whose errors are one clear line on stderr, exit status 2."""

    def error(self, message: str) -> None:  # type: ignore[override]
        sys.stderr.write(f"{self.prog}: error: {message} (see {self.prog} --help)\n")
        raise SystemExit(EXIT_USAGE)


Handler = Callable[[argparse.Namespace], int]


#: Modules under ``siteselect.cli`` that register commands, in help order.
COMMAND_MODULES = ("rank", "scenario", "export", "snapshot", "sensitivity", "weights", "data",
                   "gui")


def build_parser() -> argparse.ArgumentParser:
    import importlib

    parser = OneLineArgumentParser(
        prog="siteselect",
        description="Score and rank US states as sites for gigawatt-scale AI data centers.",
        epilog="Run without a command to open the window. "
        "Run `siteselect COMMAND --help` for a command's options.",
    )
    parser.add_argument("--version", action="version", version=f"siteselect {__version__}")
    parser.add_argument("-v", "--verbose", action="store_true", help="log progress to stderr")
    parser.add_argument("--db", dest="window_db", metavar="PATH", default=None,
                        help="the window's scenario database (default: $SITESELECT_DB or the "
                        "per-user file); commands take their own --db")
    sub = parser.add_subparsers(
        dest="command", metavar="COMMAND", parser_class=OneLineArgumentParser
    )
    for name in COMMAND_MODULES:
        importlib.import_module(f"siteselect.cli.{name}").register(sub)
    parser.set_defaults(parser=parser)
    return parser


def configure_logging(verbose: bool) -> None:
    logging.basicConfig(
        level=logging.INFO if verbose else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
    )


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``siteselect`` command; returns the exit status."""
    parser = build_parser()
    args = parser.parse_args(argv)
    configure_logging(getattr(args, "verbose", False))
    handler: Handler | None = getattr(args, "handler", None)
    if handler is None:
        from siteselect.cli.gui import open_window

        return open_window(args)
    try:
        return handler(args)
    except SiteSelectError as exc:
        sys.stderr.write(f"siteselect: error: {exc.message}\n")
        return EXIT_USAGE
    except BrokenPipeError:  # e.g. `siteselect rank | head`
        return 0
    except KeyboardInterrupt:
        sys.stderr.write("siteselect: interrupted\n")
        return 130
