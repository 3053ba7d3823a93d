"""A compact record of one sensitivity run, kept with a saved scenario and put in exports.

:class:`SensitivitySummary` holds what a planner reads from a run -- the draws, seed, spread,
concentration and K; per alternative the base rank, best and worst rank, the 90 % range
(p05-p95), the chance of the top K and of first place; the stability intervals -- and the
fingerprint (:func:`settings_hash`) of the settings and dataset it was computed for, so that a
reader can tell whether it is still current.

The rank acceptabilities are kept as draw counts from each alternative's best to its worst
rank (every other count is zero) when all of them together are at most
:data:`ACCEPTABILITY_CELLS_MAX` numbers, as they are for the 51 states; a run over many more
alternatives keeps the ranges and chances only (:attr:`SensitivitySummary.has_acceptability`
is then false, and the window does not restore it as a full run).

Plain data form (``sensitivity`` in the database and the scenario file)::

    {"version": 1, "draws": 10000, "seed": 7, "spread": "dirichlet" | "uniform",
     "concentration": 100.0 | null, "top_k": 10, "method": "wsm", "normalization": "minmax",
     "criteria": ["energy_cost", ...],             the weighted criteria, in the run's order
     "settings_hash": "sha256 hex", "dataset_version": "...", "computed_at": "ISO 8601",
     "alternatives": [{"code": "TX", "base_rank": 1, "rank_min": 1, "rank_max": 3,
                       "rank_p05": 1, "rank_p95": 2, "p_top_k": 1.0, "p_first": 0.8,
                       "counts": [8000, 1900, 100]}, ...],   counts optional
     "stability": {"convention": "...", "criteria": [{"id": "energy_cost", "share": 0.25,
                   "top1": [0.1, 0.4] | null, "top_k": [...] | null, "exact": true}, ...]}}
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import math
import re
from dataclasses import dataclass
from typing import Any

import numpy as np

from siteselect.model.settings import ScoringSettings
from siteselect.scoring.sensitivity import SPREADS, MonteCarloResult, StabilityInterval

SUMMARY_VERSION = 1
#: Most acceptability counts kept (51 states: at most 2,601).
ACCEPTABILITY_CELLS_MAX = 250_000
#: Most alternatives in a summary (the 3,142 counties fit).
ALTERNATIVES_MAX = 20_000
#: Most draws a run may have (as ``siteselect sensitivity --draws``).
DRAWS_MAX = 1_000_000
_CODE = re.compile(r"[A-Za-z0-9_.-]{1,16}")


def settings_hash(settings: ScoringSettings, dataset_version: str) -> str:
    """A fingerprint of everything a ranking depends on: the settings (but not how their
    weights were derived, which changes no score) and the dataset version."""
    from siteselect.model.scenario import settings_to_dict

    data = settings_to_dict(settings)
    data.pop("weights_origin", None)
    data["weights"] = {c: w for c, w in sorted(data["weights"].items())}
    data["dataset_version"] = dataset_version
    text = json.dumps(data, sort_keys=True, ensure_ascii=True, separators=(",", ":"))
    return hashlib.sha256(text.encode("ascii")).hexdigest()


@dataclass(frozen=True)
class AlternativeSummary:
    code: str
    base_rank: int
    rank_min: int
    rank_max: int
    rank_p05: int
    rank_p95: int
    p_top_k: float
    p_first: float
    counts: tuple[int, ...] = ()  # draws at rank_min, rank_min + 1, ..., rank_max


@dataclass(frozen=True)
class StabilitySummary:
    criterion: str
    share: float
    top1: tuple[float, float] | None
    top_k: tuple[float, float] | None
    exact: bool


@dataclass(frozen=True)
class SensitivitySummary:
    draws: int
    seed: int | None
    spread: str
    concentration: float | None
    top_k: int
    method: str
    normalization: str
    criteria: tuple[str, ...]
    settings_hash: str
    dataset_version: str
    computed_at: str
    alternatives: tuple[AlternativeSummary, ...]
    stability: tuple[StabilitySummary, ...]
    convention: str = ""

    @property
    def has_acceptability(self) -> bool:
        return bool(self.alternatives) and all(a.counts for a in self.alternatives)

    def is_current(self, settings: ScoringSettings, dataset_version: str) -> bool:
        """Whether the run was computed for these settings and this dataset."""
        return self.settings_hash == settings_hash(settings, dataset_version)

    def spread_text(self) -> str:
        if self.spread == "dirichlet":
            return (f"Dirichlet around the current weights, concentration "
                    f"{self.concentration:g}")
        return "uniform over all weightings of the weighted criteria"

    def text(self) -> str:
        """One line: '10,000 draws (Dirichlet ..., concentration 100), seed 7, top 10'."""
        seed = "no seed" if self.seed is None else f"seed {self.seed}"
        return (f"{self.draws:,} weight draws ({self.spread_text()}), {seed}, top "
                f"{self.top_k}; computed {self.computed_at[:16].replace('T', ' ')} UTC")

    # -- back to the analysis' own values ------------------------------------------------------
    def monte_carlo(self) -> MonteCarloResult:
        """The run as a :class:`MonteCarloResult` (needs :attr:`has_acceptability`)."""
        if not self.has_acceptability:
            raise ValueError("this summary keeps no rank acceptabilities")
        n = len(self.alternatives)
        acc = np.zeros((n, n))
        for i, a in enumerate(self.alternatives):
            acc[i, a.rank_min - 1:a.rank_max] = np.asarray(a.counts, dtype=float) / self.draws

        def col(name: str, dtype: Any = np.int64) -> np.ndarray:
            return np.asarray([getattr(a, name) for a in self.alternatives], dtype=dtype)

        return MonteCarloResult(
            alternatives=tuple(a.code for a in self.alternatives),
            base_rank=col("base_rank"), rank_min=col("rank_min"), rank_max=col("rank_max"),
            rank_p05=col("rank_p05"), rank_p95=col("rank_p95"),
            p_top_k=col("p_top_k", float), p_first=col("p_first", float),
            acceptability=acc, draws=self.draws, seed=self.seed, spread=self.spread,
            concentration=self.concentration, top_k=self.top_k, criteria=self.criteria,
        )

    def stability_intervals(self) -> list[StabilityInterval]:
        return [StabilityInterval(s.criterion, s.share, s.top1, s.top_k, s.exact)
                for s in self.stability]


def summarise(mc: MonteCarloResult, stability: list[StabilityInterval], settings: ScoringSettings,
              dataset_version: str, method: str, normalization: str,
              computed_at: str | None = None) -> SensitivitySummary:
    """The summary of a finished run (``method`` and ``normalization`` of its result)."""
    from siteselect.scoring.sensitivity import STABILITY_CONVENTION

    n = len(mc.alternatives)
    keep = n * n <= ACCEPTABILITY_CELLS_MAX or int(
        np.sum(mc.rank_max - mc.rank_min + 1)) <= ACCEPTABILITY_CELLS_MAX
    alts = []
    for i, code in enumerate(mc.alternatives):
        lo, hi = int(mc.rank_min[i]), int(mc.rank_max[i])
        counts = (tuple(int(round(v * mc.draws)) for v in mc.acceptability[i, lo - 1:hi])
                  if keep else ())
        alts.append(AlternativeSummary(
            str(code), int(mc.base_rank[i]), lo, hi, int(mc.rank_p05[i]), int(mc.rank_p95[i]),
            float(mc.p_top_k[i]), float(mc.p_first[i]), counts))
    return SensitivitySummary(
        draws=int(mc.draws), seed=None if mc.seed is None else int(mc.seed), spread=mc.spread,
        concentration=None if mc.concentration is None else float(mc.concentration),
        top_k=int(mc.top_k), method=method, normalization=normalization,
        criteria=tuple(mc.criteria), settings_hash=settings_hash(settings, dataset_version),
        dataset_version=dataset_version,
        computed_at=computed_at or dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        alternatives=tuple(alts),
        stability=tuple(StabilitySummary(s.criterion, float(s.share),
                                         None if s.top1 is None else _pair(s.top1),
                                         None if s.top_k is None else _pair(s.top_k),
                                         bool(s.exact)) for s in stability),
        convention=STABILITY_CONVENTION,
    )


def _pair(iv: tuple[float, float]) -> tuple[float, float]:
    return float(iv[0]), float(iv[1])


# -- plain data ---------------------------------------------------------------------------------
def summary_to_dict(s: SensitivitySummary) -> dict[str, Any]:
    def alt(a: AlternativeSummary) -> dict[str, Any]:
        out: dict[str, Any] = {
            "code": a.code, "base_rank": a.base_rank, "rank_min": a.rank_min,
            "rank_max": a.rank_max, "rank_p05": a.rank_p05, "rank_p95": a.rank_p95,
            "p_top_k": a.p_top_k, "p_first": a.p_first}
        if a.counts:
            out["counts"] = list(a.counts)
        return out

    return {
        "version": SUMMARY_VERSION, "draws": s.draws, "seed": s.seed, "spread": s.spread,
        "concentration": s.concentration, "top_k": s.top_k, "method": s.method,
        "normalization": s.normalization, "criteria": list(s.criteria),
        "settings_hash": s.settings_hash, "dataset_version": s.dataset_version,
        "computed_at": s.computed_at,
        "alternatives": [alt(a) for a in s.alternatives],
        "stability": {"convention": s.convention, "criteria": [
            {"id": c.criterion, "share": c.share,
             "top1": None if c.top1 is None else list(c.top1),
             "top_k": None if c.top_k is None else list(c.top_k), "exact": c.exact}
            for c in s.stability]},
    }


_KEYS = {"version", "draws", "seed", "spread", "concentration", "top_k", "method",
         "normalization", "criteria", "settings_hash", "dataset_version", "computed_at",
         "alternatives", "stability"}
_ALT_KEYS = {"code", "base_rank", "rank_min", "rank_max", "rank_p05", "rank_p95", "p_top_k",
             "p_first"}


def _int(v: Any, lo: int, hi: int) -> bool:
    return isinstance(v, int) and not isinstance(v, bool) and lo <= v <= hi


def _prob(v: Any) -> bool:
    return (isinstance(v, int | float) and not isinstance(v, bool) and math.isfinite(v)
            and 0.0 <= v <= 1.0)


def _text(v: Any, most: int) -> bool:
    return isinstance(v, str) and len(v) <= most


def summary_problems(data: Any, problems: list[str]) -> SensitivitySummary | None:
    """The summary in ``data``, adding a sentence to ``problems`` for each thing wrong.

    Every number is checked for type and range (ranks within the number of alternatives,
    chances within 0-1, counts adding up to the draws), sizes are bounded, and criterion
    ids must be in the catalogue.
    """
    from siteselect.model.criteria import catalogue_ids
    from siteselect.model.scenario import shown
    from siteselect.scoring import METHODS, NORMALIZATIONS

    where = "sensitivity"
    before = len(problems)

    def bad(text: str) -> None:
        problems.append(f"{where}: {text}")

    if not isinstance(data, dict):
        problems.append(f"{where} must be an object.")
        return None
    if data.get("version") != SUMMARY_VERSION or isinstance(data.get("version"), bool):
        bad(f"version {shown(data.get('version'))} is not supported (this release reads "
            f"version {SUMMARY_VERSION}).")
        return None
    unknown = set(data) - _KEYS
    if unknown:
        bad(f"unknown field(s) {', '.join(shown(k) for k in sorted(unknown, key=str)[:10])}.")
    missing = _KEYS - {"seed", "concentration"} - set(data)
    if missing:
        bad(f"missing field(s) {', '.join(sorted(missing))}.")
        return None
    draws = data["draws"]
    if not _int(draws, 1, DRAWS_MAX):
        bad(f"draws must be a whole number from 1 to {DRAWS_MAX:,}, not {shown(draws)}.")
        return None
    seed = data.get("seed")
    if seed is not None and not _int(seed, 0, 2**63 - 1):
        bad(f"seed must be a whole number from 0 to 2^63 - 1 or null, not {shown(seed)}.")
    if data["spread"] not in SPREADS:
        bad(f"unknown spread {shown(data['spread'])}; use {' or '.join(SPREADS)}.")
    conc = data.get("concentration")
    if conc is not None and not (isinstance(conc, int | float) and not isinstance(conc, bool)
                                 and math.isfinite(conc) and 0 < conc <= 1e9):
        bad(f"concentration must be a positive number or null, not {shown(conc)}.")
    if data["method"] not in METHODS:
        bad(f"unknown method {shown(data['method'])}.")
    if data["normalization"] not in NORMALIZATIONS:
        bad(f"unknown normalisation {shown(data['normalization'])}.")
    for key, most in (("settings_hash", 64), ("dataset_version", 100), ("computed_at", 40)):
        if not _text(data[key], most):
            bad(f"{key} must be a text of at most {most} characters.")
    known = set(catalogue_ids())
    criteria = data["criteria"]
    if not isinstance(criteria, list) or len(criteria) > len(known) or any(
            c not in known for c in criteria):
        bad("criteria must list criterion ids of the catalogue.")
        criteria = []
    alts_in = data["alternatives"]
    if not isinstance(alts_in, list) or not 1 <= len(alts_in) <= ALTERNATIVES_MAX:
        bad(f"alternatives must be a list of 1 to {ALTERNATIVES_MAX:,} entries.")
        return None
    n = len(alts_in)
    top_k = data["top_k"]
    if not _int(top_k, 1, 10**9):
        bad(f"top_k must be a whole number of at least 1, not {shown(top_k)}.")
    alts: list[AlternativeSummary] = []
    seen: set[str] = set()
    cells = 0
    for i, a in enumerate(alts_in, 1):
        if len(problems) - before >= 20:
            break
        if not isinstance(a, dict) or not set(a) >= _ALT_KEYS or not set(a) <= _ALT_KEYS | {
                "counts"}:
            bad(f"alternative {i} must be an object with {', '.join(sorted(_ALT_KEYS))} and "
                "optionally counts.")
            continue
        code = a["code"]
        if not isinstance(code, str) or not _CODE.fullmatch(code) or code in seen:
            bad(f"alternative {i} has an unknown or repeated code {shown(code)}.")
            continue
        seen.add(code)
        ranks = [a[k] for k in ("base_rank", "rank_min", "rank_max", "rank_p05", "rank_p95")]
        if not all(_int(r, 1, n) for r in ranks) or not (
                a["rank_min"] <= a["rank_p05"] <= a["rank_p95"] <= a["rank_max"]):
            bad(f"alternative {i} ({code}): ranks must be whole numbers from 1 to {n} with "
                "best <= p05 <= p95 <= worst.")
            continue
        if not _prob(a["p_top_k"]) or not _prob(a["p_first"]):
            bad(f"alternative {i} ({code}): chances must be numbers from 0 to 1.")
            continue
        counts = a.get("counts", [])
        if counts:
            width = a["rank_max"] - a["rank_min"] + 1
            cells += width
            if cells > ACCEPTABILITY_CELLS_MAX or not isinstance(counts, list) or \
                    len(counts) != width or not all(_int(c, 0, draws) for c in counts) or \
                    sum(counts) != draws:
                bad(f"alternative {i} ({code}): counts must be {width} whole numbers, one per "
                    f"rank from best to worst, adding up to the {draws:,} draws.")
                continue
        base_rank, rank_min, rank_max, rank_p05, rank_p95 = (int(r) for r in ranks)
        alts.append(AlternativeSummary(code, base_rank, rank_min, rank_max, rank_p05, rank_p95,
                                       float(a["p_top_k"]), float(a["p_first"]), tuple(counts)))
    stability = data["stability"]
    rows: list[StabilitySummary] = []
    if not isinstance(stability, dict) or set(stability) != {"convention", "criteria"} or \
            not _text(stability["convention"], 1000) or \
            not isinstance(stability["criteria"], list) or len(stability["criteria"]) > len(
                known):
        bad("stability must be an object with convention and criteria.")
        stability = {"convention": "", "criteria": []}

    def interval(v: Any) -> tuple[float, float] | None | bool:
        if v is None:
            return None
        if isinstance(v, list) and len(v) == 2 and all(_prob(x) for x in v) and v[0] <= v[1]:
            return float(v[0]), float(v[1])
        return False

    for c in stability["criteria"]:
        ok = isinstance(c, dict) and set(c) == {"id", "share", "top1", "top_k", "exact"}
        iv1 = interval(c.get("top1")) if ok else False
        ivk = interval(c.get("top_k")) if ok else False
        if not ok or c["id"] not in known or not _prob(c["share"]) or iv1 is False or \
                ivk is False or not isinstance(c["exact"], bool):
            bad(f"stability entry {shown(c)} must have a known id, a share from 0 to 1, "
                "top1 and top_k intervals within 0-1 (or null) and exact true or false.")
            continue
        rows.append(StabilitySummary(c["id"], float(c["share"]),
                                     None if iv1 is None or iv1 is True else iv1,
                                     None if ivk is None or ivk is True else ivk, c["exact"]))
    if len(problems) > before:
        return None
    return SensitivitySummary(
        draws=draws, seed=seed, spread=data["spread"],
        concentration=None if conc is None else float(conc), top_k=top_k,
        method=data["method"], normalization=data["normalization"], criteria=tuple(criteria),
        settings_hash=data["settings_hash"], dataset_version=data["dataset_version"],
        computed_at=data["computed_at"], alternatives=tuple(alts), stability=tuple(rows),
        convention=stability["convention"],
    )
