"""``siteselect weights``: weights from structured judgments instead of sliders.

``ahp`` (pairwise comparisons on Saaty's 1-9 scale), ``roc`` / ``rank-sum`` (an ordering) and
``entropy`` / ``critic`` (the figures themselves).  Each prints the weights as shares and as a
``--weights`` option ready for ``rank``, ``scenario save`` or ``export``.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from siteselect.cli.common import (
    add_rank_options,
    base_scenario,
    dataset_from_args,
    settings_from_args,
    text_table,
)
from siteselect.derived_weights import objective_weights
from siteselect.errors import InputError
from siteselect.model import wording
from siteselect.model.dataset import Dataset
from siteselect.scoring.weighting import (
    CR_LIMIT,
    RANDOM_INDEX_NAME,
    ahp,
    parse_judgment,
    rank_order_centroid,
    rank_sum,
)

#: A judgments file larger than this is not a list of pairwise judgments.
MAX_FILE_BYTES = 1_000_000


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "weights",
        help="weights from pairwise comparisons (AHP), an ordering, or the figures",
        description="Derive weights from structured judgments; the result is printed as "
        "shares and as a --weights option for rank, scenario save and export.",
    )
    kinds = p.add_subparsers(dest="kind", metavar="METHOD", required=True)

    a = kinds.add_parser(
        "ahp", help="pairwise comparisons on Saaty's 1-9 scale",
        description="Analytic hierarchy process: judge every pair of the criteria once, e.g. "
        "--judgment 'energy_cost>talent=3' (energy cost moderately more important than "
        "talent; 1 equal, 3 moderate, 5 strong, 7 very strong, 9 extreme; A<B=3 or A=B also "
        "work). Weights are the principal eigenvector; CR <= 0.10 counts as consistent.",
    )
    src = a.add_mutually_exclusive_group(required=True)
    src.add_argument("--judgment", action="extend", nargs="+", metavar="'A>B=3'",
                     help="pairwise judgments (every pair of the criteria named, once)")
    src.add_argument("--file", metavar="FILE.json",
                     help='a JSON file {"judgments": ["A>B=3", ...]}')
    a.add_argument("--format", choices=("table", "json"), default="table")
    a.set_defaults(handler=cmd_ahp)

    for name, helptext in (("roc", "rank-order centroid weights from an ordering"),
                           ("rank-sum", "rank-sum weights from an ordering")):
        r = kinds.add_parser(name, help=helptext,
                             description=f"{helptext[0].upper()}{helptext[1:]}: list criterion "
                             "ids, most important first.")
        r.add_argument("ids", nargs="+", metavar="ID")
        r.add_argument("--format", choices=("table", "json"), default="table")
        r.set_defaults(handler=cmd_rank_order, order_method=name)

    for name, helptext in (
        ("entropy", "entropy weights: criteria whose figures vary more weigh more "
         "(figures divided by their column sum; positive figures only)"),
        ("critic", "CRITIC weights: spread and independence from the other criteria "
         "(figures min-max scaled; standard deviation x sum of (1 - correlation))"),
    ):
        o = kinds.add_parser(name, help=helptext,
                             description=f"{helptext[0].upper()}{helptext[1:]}. Computed "
                             "from the figures of the states ranked under the rank options "
                             "(gates, exclusions, missing-data policy); by default over the "
                             "criteria with weight > 0.")
        o.add_argument("ids", nargs="*", metavar="ID")
        add_rank_options(o)
        o.add_argument("--scenario", metavar="NAME",
                       help="start from a saved scenario's gates, exclusions and weights")
        o.add_argument("--db", metavar="PATH",
                       help="scenario database (default: $SITESELECT_DB)")
        o.add_argument("--format", choices=("table", "json"), default="table")
        o.set_defaults(handler=cmd_objective, objective=name)


def _check_ids(ds: Dataset, ids: Sequence[str]) -> list[str]:
    seen: list[str] = []
    for cid in ids:
        ds.criterion(cid)  # raises naming the known ids
        if cid in seen:
            raise InputError(f"The criterion {cid} is listed twice.")
        seen.append(cid)
    return seen


def _weights_option(ids: Sequence[str], w: np.ndarray) -> str:
    return ",".join(f"{c}={100 * float(v):.1f}" for c, v in zip(ids, w, strict=True))


def _print(ds: Dataset, record: dict[str, Any], fmt: str, head: list[str]) -> None:
    if fmt == "json":
        json.dump(record, sys.stdout, indent=2, ensure_ascii=False)
        sys.stdout.write("\n")
        return
    rows = [[wording.criterion_label(ds, w["id"]), w["id"], f"{100 * w['weight']:.1f} %"]
            for w in record["weights"]]
    lines = head + ["", text_table(["criterion", "id", "share"], rows, right={2}), "",
                    f"--weights {record['weights_option']}"]
    sys.stdout.write("\n".join(lines) + "\n")


def _read_judgments_file(path: str) -> list[str]:
    p = Path(path)
    if not p.is_file():
        raise InputError(f"{path}: not a readable file.")
    if p.stat().st_size > MAX_FILE_BYTES:
        raise InputError(f"{path}: larger than {MAX_FILE_BYTES:,} bytes; not a judgments file.")
    try:
        data = json.loads(p.read_text(encoding="utf-8-sig"))
    except UnicodeDecodeError:
        raise InputError(f"{path}: not UTF-8 text; save it as UTF-8.") from None
    except json.JSONDecodeError as exc:
        raise InputError(f"{path}: not valid JSON (line {exc.lineno}, column {exc.colno}: "
                         f"{exc.msg}).") from None
    except (ValueError, RecursionError):
        raise InputError(f"{path}: not valid JSON (nested too deeply or a number too long).") \
            from None
    items = data.get("judgments") if isinstance(data, dict) else None
    if not isinstance(items, list) or not all(isinstance(t, str) for t in items):
        raise InputError(f'{path}: expected an object {{"judgments": ["A>B=3", ...]}}.')
    return items


def cmd_ahp(args: argparse.Namespace) -> int:
    ds = dataset_from_args(args)
    texts = args.judgment if args.judgment else _read_judgments_file(args.file)
    judgments = [parse_judgment(t) for t in texts]
    ids: list[str] = []
    for j in judgments:
        for c in (j.a, j.b):
            if c not in ids:
                ds.criterion(c)
                ids.append(c)
    r = ahp(ids, judgments)
    record = {
        "method": "ahp",
        "weights": [{"id": c, "weight": float(w)} for c, w in zip(ids, r.weights, strict=True)],
        "weights_option": _weights_option(ids, r.weights),
        "judgments": [str(j) for j in judgments],
        "lambda_max": r.lambda_max,
        "ci": r.ci,
        "cr": r.cr,
        "random_index": r.random_index,
        "random_index_table": RANDOM_INDEX_NAME,
        "consistent": r.consistent,
        "worst_judgment": None if r.worst is None else str(r.worst),
        "suggested_judgment": None if r.worst is None or r.suggested is None else str(
            type(r.worst)(r.worst.a, r.worst.b, r.suggested)),
        "cr_if_changed": r.cr_if_changed,
    }
    cr = "n/a (two criteria are always consistent)" if r.cr is None else f"{r.cr:.3f}"
    head = [
        f"AHP over {wording.count_text(len(ids), 'criterion', 'criteria')}: "
        f"lambda-max {r.lambda_max:.4f}, CI {r.ci:.4f}, CR {cr} "
        f"(RI {r.random_index:.2f}, {RANDOM_INDEX_NAME}); "
        + ("consistent" if r.consistent else f"NOT consistent (CR above {CR_LIMIT:.2f})") + ".",
    ]
    if record["worst_judgment"]:
        head.append(f"Least consistent judgment: {record['worst_judgment']}; "
                    f"{record['suggested_judgment']} would fit the others "
                    f"(CR {r.cr_if_changed:.3f}).")
    _print(ds, record, args.format, head)
    return 0


def cmd_rank_order(args: argparse.Namespace) -> int:
    ds = dataset_from_args(args)
    ids = _check_ids(ds, args.ids)
    fn = rank_order_centroid if args.order_method == "roc" else rank_sum
    w = fn(len(ids))
    name = "rank-order centroid" if args.order_method == "roc" else "rank sum"
    record = {
        "method": args.order_method,
        "order": ids,
        "weights": [{"id": c, "weight": float(v)} for c, v in zip(ids, w, strict=True)],
        "weights_option": _weights_option(ids, w),
    }
    _print(ds, record, args.format, [f"{name.capitalize()} weights, most important first."])
    return 0


def cmd_objective(args: argparse.Namespace) -> int:
    scenario = base_scenario(args)
    base = scenario.settings if scenario else None
    ds = dataset_from_args(args, base, scenario)
    settings = settings_from_args(args, ds, base)
    if args.ids:
        ids = _check_ids(ds, args.ids)
    else:
        points = settings.effective_points()
        ids = [c for c in ds.criterion_ids if points.get(c, 0.0) > 0]
    w, states = objective_weights(ds, settings, ids, args.objective)
    how = ("entropy of each criterion's figures divided by their column sum"
           if args.objective == "entropy" else
           "min-max scaled figures: standard deviation x sum of (1 - Pearson correlation)")
    record = {
        "method": args.objective,
        "normalization": "sum" if args.objective == "entropy" else "minmax",
        "description": how,
        "states": states,
        "missing": settings.missing,
        "weights": [{"id": c, "weight": float(v)} for c, v in zip(ids, w, strict=True)],
        "weights_option": _weights_option(ids, w),
    }
    head = [f"{args.objective.upper() if args.objective == 'critic' else 'Entropy'} weights "
            f"from the figures of {states} ranked {ds.alternatives.plural} ({how}; missing "
            "figures "
            f"{wording.missing_label(settings.missing).replace('missing figures ', '')})."]
    _print(ds, record, args.format, head)
    return 0
