"""``siteselect export``: write a ranked shortlist as CSV, Excel, GeoJSON, GeoPackage, PDF,
PNG or SVG, headless.

The ranking comes from a saved scenario (``--scenario NAME``, from ``--db PATH`` or the
default database) with any rank options applied on top, or from the rank options alone.

One rule for options and file names (also shown by ``--help``):

* the format is ``--format`` or, when omitted, the suffix of ``-o``;
* a suffix that names another format is refused (``--format pdf -o x.png``); a suffix that
  names no format (``x.txt``, ``x.out``) is accepted when ``--format`` is given;
* an option that does not apply to the format is refused, never silently ignored:
  ``--paper`` is for pdf only, ``--size`` for png and svg only, ``--no-bom`` for csv only,
  ``--gpkg-version`` for gpkg only.

Errors (unknown scenario, bad options, a path that cannot be written) are one line on stderr
and exit status 2.
"""

from __future__ import annotations

import argparse
import sys

from siteselect.errors import InputError, SiteSelectError


def register(sub: argparse._SubParsersAction) -> None:
    from siteselect.cli.common import add_level_options, add_rank_options, positive_int
    from siteselect.exports import FORMATS, PAPER_SIZES

    lines = "; ".join(f"{k} = {v[3]}" for k, v in FORMATS.items())
    p = sub.add_parser(
        "export",
        help="export a ranked shortlist (csv, xlsx, geojson, gpkg, pdf, png, svg)",
        description="Export a ranking, from a saved scenario or from rank options, to a file. "
        f"Formats: {lines}. The format is --format or, without it, the suffix of -o. A suffix "
        "that names another format is refused (--format pdf -o x.png); a suffix that names no "
        "format (x.txt) is accepted with --format. An option that does not apply to the "
        "format is refused: --paper is for pdf only, --size for png and svg only, --no-bom for "
        "csv only, --gpkg-version for gpkg only. CSV is UTF-8 with a byte-order mark "
        "unless --no-bom is given.",
    )
    p.add_argument("--scenario", metavar="NAME", default=None,
                   help="rank with this saved scenario's settings (rank options apply on top)")
    p.add_argument("--db", metavar="PATH", default=None,
                   help="scenario database file (default: $SITESELECT_DB or the per-user file)")
    add_rank_options(p)
    add_level_options(p)
    p.add_argument("--format", choices=tuple(FORMATS), default=None,
                   help="output format (default: from the suffix of -o)")
    p.add_argument("--top", type=positive_int, metavar="N", default=None,
                   help="list the first N states or counties only (the maps and GIS files "
                   "still hold every one)")
    p.add_argument("--paper", choices=PAPER_SIZES, default=None,
                   help="PDF paper size (pdf only; default: letter)")
    p.add_argument("--size", metavar="WxH", default=None,
                   help="image size in pixels, e.g. 2400x1575 "
                   "(png and svg only; default: 1600x1050)")
    p.add_argument("--no-bom", dest="bom", action="store_false", default=None,
                   help="csv only: plain UTF-8 without the byte-order mark that is written by "
                   "default (Excel on Windows needs the mark to show accents)")
    p.add_argument("--gpkg-version", choices=("1.2", "1.3", "1.4"), default=None,
                   help="gpkg only: GeoPackage version to write (default 1.2, which GDAL 3.6 "
                   "and the QGIS releases built on it open without a warning)")
    p.add_argument("--title", metavar="TEXT", default=None,
                   help="name shown in the export when no scenario is given")
    p.add_argument("--description", metavar="TEXT", default=None,
                   help="description shown in the export (default: the scenario's)")
    from siteselect.cli.common import add_sensitivity_run_options

    p.add_argument("--sensitivity", action="store_true",
                   help="pdf and xlsx only: run the sensitivity analysis for the export and add "
                   "the \"How sure is this ranking?\" page (pdf) or the Sensitivity sheet "
                   "(xlsx). Without it, a scenario's kept run is used when it is current")
    add_sensitivity_run_options(p)
    p.add_argument("-o", "--output", metavar="PATH", required=True, help="file to write")
    p.add_argument("-q", "--quiet", action="store_true", help="do not print what was written")
    p.set_defaults(handler=cmd_export)


#: Formats that show a sensitivity run.
SENSITIVITY_FORMATS = ("pdf", "xlsx")


def cmd_export(args: argparse.Namespace) -> int:
    from siteselect.cli.common import settings_from_args
    from siteselect.exports import export, format_for_path, make_request
    from siteselect.exports.csv import metadata_path

    suffix_fmt = format_for_path(args.output)
    fmt = args.format or suffix_fmt
    if fmt is None:
        raise InputError(
            f"Cannot tell the format from {args.output!r}: give --format csv, xlsx, geojson, "
            "gpkg, pdf, png or svg."
        )
    if args.format and suffix_fmt and suffix_fmt != args.format:
        raise InputError(
            f"--format {args.format} does not match the file name {args.output!r}, which "
            f"ends like a {suffix_fmt} file: change the suffix or the format."
        )
    from siteselect.exports import IMAGE_FORMATS

    if args.paper is not None and fmt != "pdf":
        raise InputError(f"--paper applies to pdf only, not to {fmt}: leave it out.")
    if args.bom is not None and fmt != "csv":
        raise InputError(f"--no-bom applies to csv only, not to {fmt}: leave it out.")
    if args.gpkg_version is not None and fmt != "gpkg":
        raise InputError(f"--gpkg-version applies to gpkg only, not to {fmt}: leave it out.")
    from siteselect.cli.common import check_sensitivity_run_options

    run = check_sensitivity_run_options(args)
    if run and fmt not in SENSITIVITY_FORMATS:
        raise InputError(f"--sensitivity applies to pdf and xlsx only, not to {fmt}: leave it "
                         "out.")
    if args.size is not None and fmt not in IMAGE_FORMATS:
        raise InputError(f"--size applies to png and svg only, not to {fmt}: leave it out.")
    size = None
    if args.size is not None:
        from siteselect.exports.images import parse_size

        try:
            size = parse_size(args.size)
        except SiteSelectError as exc:
            raise InputError(f"--size: {exc}") from None
    name = args.title or ""
    description = args.description or ""
    base = None
    kept = None
    scenario = None
    if args.scenario is not None:
        from siteselect.cli.common import db_path, load_scenario

        scenario = load_scenario(db_path(args), args.scenario)
        base = scenario.settings
        kept = scenario.sensitivity
        name = scenario.name
        if args.description is None:
            description = scenario.description
    from siteselect.cli.common import dataset_from_args, warn_newer_figures

    ds = dataset_from_args(args, base, scenario)
    newer = warn_newer_figures(args, scenario)
    settings = settings_from_args(args, ds, base)
    from siteselect.analysis import rank_states
    from siteselect.exports.common import compute_sensitivity

    result = rank_states(ds, settings)
    sensitivity = None
    if run:
        sensitivity = compute_sensitivity(ds, settings, result, draws=args.draws,
                                          seed=args.seed, top_k=args.top_k)
    elif kept is not None and fmt in SENSITIVITY_FORMATS:
        if kept.is_current(settings, ds.version):
            sensitivity = kept
        elif not args.quiet:
            sys.stderr.write("siteselect: note: the scenario's kept sensitivity run is stale "
                             "(computed for other settings or data) and is left out; add "
                             "--sensitivity to run it again.\n")
    req = make_request(ds, settings, result, scenario_name=name, description=description,
                       top_n=args.top, paper=args.paper or "letter", sensitivity=sensitivity,
                       newer_figures=newer)
    path = export(req, fmt, args.output, size=size, bom=args.bom,
                  gpkg_version=args.gpkg_version)
    if not args.quiet:
        extra = f" and {metadata_path(path)}" if fmt == "csv" else ""
        if size is not None:
            extra += f" at {size[0]}x{size[1]} pixels"
        sys.stdout.write(f"Wrote {path}{extra} ({fmt}, {req.shown_count} of "
                         f"{len(req.result)} ranked {ds.alternatives.plural}).\n")
    return 0
