"""Thin launcher: ``python main.py ARGS`` behaves exactly like ``siteselect ARGS``."""

from siteselect.cli import main

if __name__ == "__main__":
    raise SystemExit(main())
