"""``siteselect sensitivity``: how sure is a ranking under uncertain weights.

Monte Carlo rank ranges and acceptabilities, stability intervals of each weight, and a tornado
for one state; see :mod:`siteselect.scoring.sensitivity` for the definitions.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from typing import Any

from siteselect.analysis import data_spreads, rank_states
from siteselect.cli.common import (
    add_rank_options,
    base_scenario,
    concentration_arg,
    dataset_from_args,
    draws_arg,
    positive_int,
    seed_arg,
    settings_from_args,
    text_table,
    warn_newer_figures,
)
from siteselect.model import wording
from siteselect.model.dataset import Dataset
from siteselect.scoring import ScoringResult
from siteselect.scoring.sensitivity import (
    DEFAULT_CONCENTRATION,
    DEFAULT_DRAWS,
    DEFAULT_TOP_K,
    SPREADS,
    STABILITY_CONVENTION,
    MonteCarloResult,
    StabilityInterval,
    TornadoBar,
    monte_carlo,
    stability_intervals,
    tornado,
)


#: Draws above this would take minutes and gigabytes for no visible gain in precision.
def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "sensitivity",
        help="how sure is the ranking: rank ranges under uncertain weights, stability "
        "intervals, tornado",
        description=(
            "Score the ranking again under many random weight vectors (gates, exclusions, "
            "missing-data policy, method and normalisation stay as set) and report each "
            "state's rank range, its chance of the top K and of first place, and its rank "
            "acceptabilities; then, for each weighted criterion, the share of the weight "
            "within which the first place and the top-K set stay the same (the other weights "
            "keeping their proportions); and a tornado: one state's rank with each weight "
            f"50 % lower and higher. Spread 'dirichlet' draws Dirichlet(C x w) around the "
            f"current shares w (C = {DEFAULT_CONCENTRATION:g} by default: a criterion with "
            "20 % of the weight varies by about 4 points of share); 'uniform' draws uniformly "
            "from all weightings of the criteria with weight > 0."
        ),
    )
    add_rank_options(p)
    p.add_argument("--scenario", metavar="NAME",
                   help="start from a saved scenario; rank options apply on top of it")
    p.add_argument("--db", metavar="PATH", help="scenario database (default: $SITESELECT_DB)")
    p.add_argument("--draws", type=draws_arg, default=DEFAULT_DRAWS, metavar="N",
                   help=f"weight vectors to draw (default {DEFAULT_DRAWS:,})")
    p.add_argument("--seed", type=seed_arg, default=None, metavar="S",
                   help="random seed, to repeat a run exactly (default: a new one, reported)")
    p.add_argument("--top-k", type=positive_int, default=DEFAULT_TOP_K, metavar="K",
                   help=f"size of the shortlist whose membership is counted (default "
                   f"{DEFAULT_TOP_K})")
    p.add_argument("--spread", choices=SPREADS, default="dirichlet",
                   help="how weights vary (default dirichlet)")
    p.add_argument("--concentration", type=concentration_arg, default=DEFAULT_CONCENTRATION,
                   metavar="C", help=f"Dirichlet concentration: higher = closer to the current "
                   f"weights (default {DEFAULT_CONCENTRATION:g})")
    p.add_argument("--data-uncertainty", action="store_true",
                   help="also vary each figure within its criterion's uncertainty range (from "
                   "data/criteria.csv: preliminary prices, survey estimates, secondary "
                   "categories; listed in the output)")
    p.add_argument("--tornado", metavar="ST", default=None,
                   help="state for the tornado (default: the first-ranked state)")
    p.add_argument("--format", choices=("table", "json"), default="table")
    p.set_defaults(handler=cmd_sensitivity)


def cmd_sensitivity(args: argparse.Namespace) -> int:
    scenario = base_scenario(args)
    base = scenario.settings if scenario else None
    ds = dataset_from_args(args, base, scenario)
    settings = settings_from_args(args, ds, base)
    result = rank_states(ds, settings)
    warn_newer_figures(args, scenario)
    seed = args.seed if args.seed is not None else random.SystemRandom().randrange(2**32)
    if args.spread != "dirichlet" and args.concentration != DEFAULT_CONCENTRATION:
        from siteselect.errors import InputError

        raise InputError("--concentration applies to --spread dirichlet only.")
    if args.top_k > len(result):
        from siteselect.errors import InputError

        raise InputError(f"--top-k {args.top_k} is more than the {len(result)} ranked "
                         f"{ds.alternatives.plural}; choose at most {len(result)}.")
    target = ds.check_states([args.tornado])[0] if args.tornado else result.alternatives[0]
    spreads = data_spreads(ds) if args.data_uncertainty else None
    mc = monte_carlo(result, draws=args.draws, seed=seed, spread=args.spread,
                     concentration=args.concentration, top_k=args.top_k, data_spread=spreads)
    stability = stability_intervals(result, top_k=args.top_k)
    bars = tornado(result, target)
    record = sensitivity_record(ds, result, mc, stability, target, bars)
    if args.format == "json":
        json.dump(record, sys.stdout, indent=2, ensure_ascii=False)
        sys.stdout.write("\n")
    else:
        sys.stdout.write(sensitivity_text(ds, record) + "\n")
    return 0


def _interval(iv: tuple[float, float] | None) -> list[float] | None:
    return None if iv is None else [round(float(iv[0]), 6), round(float(iv[1]), 6)]


def sensitivity_record(ds: Dataset, result: ScoringResult, mc: MonteCarloResult,
                       stability: list[StabilityInterval], target: str,
                       bars: list[TornadoBar]) -> dict[str, Any]:
    """The run as plain data (the ``sensitivity --format json`` schema)."""
    return {
        "level": ds.level,
        "plural": ds.alternatives.plural,
        "draws": mc.draws,
        "seed": mc.seed,
        "spread": mc.spread,
        "concentration": mc.concentration,
        "top_k": mc.top_k,
        "data_uncertainty": [
            {"id": cid, "label": wording.criterion_label(ds, cid),
             "kind": sp.kind, "amount": sp.amount,
             "range": ds.criterion(cid).uncertainty_text(),
             "basis": ds.criterion(cid).uncertainty_basis}
            for cid, sp in mc.data_spread.items()
        ],
        "method": result.method,
        "normalization": result.normalization,
        "missing": result.missing_policy,
        "weights": result.weights,
        "gates": [str(g) for g in result.gates],
        "dataset_version": ds.version,
        "alternatives": [
            {
                "state": a, "code": a, "name": ds.names.get(a, a),
                "base_rank": int(mc.base_rank[i]),
                "rank_min": int(mc.rank_min[i]), "rank_max": int(mc.rank_max[i]),
                "rank_p05": int(mc.rank_p05[i]), "rank_p95": int(mc.rank_p95[i]),
                "p_top_k": float(mc.p_top_k[i]), "p_first": float(mc.p_first[i]),
                "acceptability": [float(v) for v in mc.acceptability[i]],
            }
            for i, a in enumerate(mc.alternatives)
        ],
        "stability": {
            "convention": STABILITY_CONVENTION,
            "exact": result.method in ("wsm", "wpm"),
            "how": ("exact: scores are linear in the share" if result.method == "wsm" else
                    "exact: log scores are linear in the share" if result.method == "wpm" else
                    "numeric: a sweep of the share refined by bisection to 1e-4"),
            "top_k": mc.top_k,
            "criteria": [
                {"id": s.criterion, "label": wording.criterion_label(ds, s.criterion),
                 "share": float(s.share), "top1": _interval(s.top1),
                 "top_k": _interval(s.top_k)}
                for s in stability
            ],
        },
        "tornado": {
            "state": target, "code": target, "name": ds.names.get(target, target),
            "change": 0.5,
            "bars": [
                {"id": b.criterion, "label": wording.criterion_label(ds, b.criterion),
                 "rank_low": b.rank_low, "score_low": b.score_low,
                 "rank_high": b.rank_high, "score_high": b.score_high}
                for b in bars
            ],
        },
    }


def _pct(v: float) -> str:
    return f"{100 * v:.1f} %"


def _share(iv: list[float] | None) -> str:
    return "n/a (only criterion)" if iv is None else f"{100 * iv[0]:.1f}-{100 * iv[1]:.1f} %"


def sensitivity_text(ds: Dataset, rec: dict[str, Any]) -> str:
    k = rec["top_k"]
    spread = (f"Dirichlet around the current weights, concentration {rec['concentration']:g}"
              if rec["spread"] == "dirichlet" else "uniform over all weightings")
    lines = [
        f"{rec['draws']:,} weight draws ({spread}), seed {rec['seed']}; "
        f"{wording.method_label(rec['method'])}; gates, exclusions and missing-data policy "
        "as set.",
    ]
    if rec["data_uncertainty"]:
        lines.append("Figures also varied, uniformly within: " + "; ".join(
            f"{d['label']} {d['range']}" for d in rec["data_uncertainty"])
            + f" (the {rec.get('plural', 'states')} ranked stay those that pass the gates on "
            "the published figures).")
    lines.append("")
    rows = [
        [str(a["base_rank"]), a["state"], a["name"], str(a["rank_min"]),
         f"{a['rank_p05']}-{a['rank_p95']}", str(a["rank_max"]), _pct(a["p_top_k"]),
         _pct(a["p_first"])]
        for a in rec["alternatives"]
    ]
    lines.append(text_table(
        ["rank", "fips" if rec.get("level") == "county" else "state", "name", "best",
         "90 % range", "worst", f"P(top {k})", "P(first)"],
        rows, right={0, 3, 4, 5, 6, 7}))
    st = rec["stability"]
    lines += ["", f"Stability intervals ({st['how']}): the {st['convention']}.", ""]
    lines.append(text_table(
        ["criterion", "share now", "first place holds", f"top {k} holds"],
        [[c["label"], f"{100 * c['share']:.1f} %", _share(c["top1"]), _share(c["top_k"])]
         for c in st["criteria"]],
        right={1}))
    t = rec["tornado"]
    lines += ["", f"Tornado for {t['name']} ({t['state']}): rank (score) with each weight "
              "50 % lower / 50 % higher.", ""]
    lines.append(text_table(
        ["criterion", "weight -50 %", "weight +50 %"],
        [[b["label"], f"{b['rank_low']} ({b['score_low']:.1f})",
          f"{b['rank_high']} ({b['score_high']:.1f})"] for b in t["bars"]],
        right={1, 2}))
    return "\n".join(lines)
