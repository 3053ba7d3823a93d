"""``siteselect snapshot OUT.png``: the window as a planner would see it, rendered to PNG.

Takes the rank options (``--weights``, ``--method``, ``--require``, ...) and renders without a
screen (Qt's offscreen platform is used when there is no display).  Qt is imported only when
the command runs.  It always renders on the offscreen platform (unless QT_QPA_PLATFORM says
otherwise), so the PNG does not depend on the screen it was made on.
"""

from __future__ import annotations

import argparse

from siteselect.cli.common import add_rank_options, settings_from_args
from siteselect.errors import InputError


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "snapshot",
        help="render the window with the given options to a PNG file",
        description="Render the main window, exactly as shown with these options, to a PNG "
        "(works without a screen).",
    )
    p.add_argument("out", metavar="OUT.png", nargs="?", help="the PNG file to write")
    p.add_argument("--size", default="1600x1000", metavar="WxH",
                   help="window size in pixels (default 1600x1000)")
    p.add_argument("--select", metavar="ST", default=None,
                   help="select a state (postal code), or at county level a county (FIPS), "
                   "so its detail panel is shown")
    p.add_argument("--colour-by", "--color-by", dest="colour_by", metavar="ID",
                   default="score",
                   help="colour the map by 'score' (default) or one criterion's raw figures "
                   "(a criterion id, see siteselect criteria)")
    add_rank_options(p)
    # (Added here unless the shared rank options already carry them.)
    if "--level" not in p._option_string_actions:
        p.add_argument("--level", choices=("state", "county"), default=None,
                       help="what the window ranks: states (default) or counties")
    if "--within" not in p._option_string_actions:
        p.add_argument("--within", metavar="ST[,ST...]", default=None,
                       help="at county level, show the counties of these states only "
                       "(postal codes, e.g. TX)")
    p.add_argument("--scenario", metavar="NAME",
                   help="start from a saved scenario; rank options apply on top of it")
    p.add_argument("--db", metavar="PATH", help="scenario database (default: $SITESELECT_DB)")
    p.set_defaults(handler=cmd_snapshot)


def cmd_snapshot(args: argparse.Namespace) -> int:
    from siteselect.analysis import rank_states
    from siteselect.model.dataset import load_dataset
    from siteselect.ui.snapshot import check_output, parse_size, write_snapshot

    if args.out is None and args.require and args.require[-1].lower().endswith(".png"):
        # `snapshot --require 'energy_cost<=9' out.png`: --require took the file name too.
        args.out = args.require.pop()
    if args.out is None:
        raise InputError("Name the PNG file to write, e.g. siteselect snapshot window.png.")
    size = parse_size(args.size)
    out = check_output(args.out)
    level = getattr(args, "level", None) or "state"
    within_arg = getattr(args, "within", None) or ()
    within = tuple(w.strip().upper() for w in (within_arg.split(",") if isinstance(
        within_arg, str) else within_arg) if w.strip())
    if within and level != "county":
        raise InputError("--within shows the counties of some states; it needs --level county.")
    from siteselect.cli.common import base_scenario, own_table_refs, warn_newer_figures
    from siteselect.model.tables import apply_tables

    scenario = base_scenario(args)
    tables, refs = own_table_refs(args, scenario)
    ds = apply_tables(load_dataset(level=level), tables)
    ds = ds.within(within) if within else ds
    settings = settings_from_args(args, ds, scenario.settings if scenario else None)
    warn_newer_figures(args, scenario)
    if (settings.level, settings.within) != (ds.level, ds.scope):
        from siteselect.analysis import settings_for_places

        settings = settings_for_places(settings, ds)
    rank_states(ds, settings)  # report bad options before any window is built
    select = ds.check_states([args.select])[0] if args.select else None
    colour_by = (args.colour_by or "score").strip()
    if colour_by.lower() == "score":
        colour_by = "score"
    else:
        ds.criterion(colour_by)  # an unknown id is one clear line, before any window
    import os

    # Render offscreen even on a desktop, so no window flashes up (QT_QPA_PLATFORM wins).
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    write_snapshot(out, settings, size, select, colour_by=colour_by, tables=(tables, refs))
    print(f"wrote {out} ({size[0]}x{size[1]})")
    return 0
