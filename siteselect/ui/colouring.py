"""What colour each state gets, and what the legend says: pure computation, no widgets.

:func:`colour_scale` turns the current result (or one criterion's raw values) into a value
``t`` in [0, 1] per state where 1 is always the *best* end, so a lower-is-better criterion is
coloured the same way round as the score.  The score is placed by rank and the colours come
from one table, both from :mod:`siteselect.exports.mapstyle`, so the window and every exported
map give a score the same colour.  The colour map is viridis (perceptually uniform, readable in
grey and by most colour-blind readers), reversed so that the best states are the darkest: they
stand out on the light page.

A sensitivity run adds two colourings (:func:`sensitivity_scale`): each state's chance of the
top K (0-100 %, darker = likelier) and the width of its 90 % rank range (p95 - p05; darker =
narrower = surer), on the same colours.  They show the run, marked stale when the settings
changed after it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from siteselect.model.colourmap import (
    COLOUR_TABLE,
    TABLE_SIZE,
    chance_position,
    rank_range_scale,
    score_scale,
)
from siteselect.model.dataset import Dataset
from siteselect.model.settings import ScoringSettings
from siteselect.scoring import ScoringResult
from siteselect.ui.planner import P_TOP_K, RANK_RANGE, SENSITIVITY_KEYS, SensitivityRun

SCORE = "score"
LUT_SIZE = TABLE_SIZE


def viridis_lut() -> np.ndarray:
    """(256, 4) uint8 colours of the map (:data:`~siteselect.exports.mapstyle.COLOUR_TABLE`
    with opaque alpha); index 255 = best (dark), 0 = worst (light)."""
    out = np.full((LUT_SIZE, 4), 255, dtype=np.uint8)
    out[:, :3] = COLOUR_TABLE
    return out


@dataclass(frozen=True)
class ColourScale:
    """Per-state position on the colour map and the legend's wording."""

    key: str
    title: str
    unit: str
    t: dict[str, float]  # state -> 0..1 (1 = best); absent = no colour
    missing: frozenset[str]  # states without a value (criterion colouring) or with one imputed
    gated: dict[str, str]  # state -> reason it is not ranked
    ticks: list[tuple[float, str]] = field(default_factory=list)  # (t, label)
    best_text: str = "Best"
    worst_text: str = "Worst"
    stale: bool = False  # from a sensitivity run whose settings have changed since


def nice_ticks(lo: float, hi: float, n: int = 5) -> list[float]:
    """Round tick values inside [lo, hi]."""
    if not (math.isfinite(lo) and math.isfinite(hi)) or hi <= lo:
        return [lo]
    raw = (hi - lo) / max(n - 1, 1)
    mag = 10 ** math.floor(math.log10(raw))
    step = min((m * mag for m in (1, 2, 2.5, 5, 10) if m * mag >= raw), default=raw)
    start = math.ceil(lo / step) * step
    out = []
    v = start
    while v <= hi + 1e-9 * step:
        out.append(round(v, 10))
        v += step
    return out


def colour_scale(ds: Dataset, settings: ScoringSettings, result: ScoringResult,
                 key: str = SCORE, sensitivity: SensitivityRun | None = None) -> ColourScale:
    """The colouring of the map for the overall score, one criterion's raw values, or (with
    the last ``sensitivity`` run) the chance of the top K or the rank range."""
    if key in SENSITIVITY_KEYS:
        if sensitivity is None:
            raise ValueError(f"colouring by {key!r} needs a sensitivity run")
        return sensitivity_scale(sensitivity, key, sensitivity.settings != settings)
    gated = {e.alternative: e.reason for e in result.excluded}
    if key == SCORE:
        sc = score_scale(result.alternatives, result.scores)
        missing = frozenset(a for a, _ in result.missing)
        # Colours run by rank: the marks say which rank and score sit where.
        # Each mark is a ranked score, so its place is that score's knot (placing each
        # mark by interpolation took a quarter of a second with thousands of counties).
        knots = dict(sc.knots)
        places = [knots[v] if v in knots else sc.position(v) for v, _ in sc.ticks]
        ticks = [(float(p), f"#{rank} \u00b7 {v:.1f}")
                 for p, (v, rank) in zip(places, sc.ticks, strict=True)]
        return ColourScale(SCORE, "Overall score", "points (0-100); colour steps by rank",
                           dict(sc.t), missing, gated, ticks, f"Best {sc.hi:.1f}",
                           f"Worst {sc.lo:.1f}")
    crit = ds.criterion(key)
    values = np.array(ds.column_values(crit), dtype=float)
    for o in settings.overrides:
        if o.criterion == key:
            values[ds.states.index(o.state)] = o.value
    ok = ~np.isnan(values)
    lo = float(values[ok].min()) if ok.any() else 0.0
    hi = float(values[ok].max()) if ok.any() else 1.0
    low_clipped = high_clipped = False
    if not crit.encoding and ok.sum() >= 8:
        # A few outliers (Hawaii's power price, say) would squeeze every other state into
        # one colour: the scale spans Tukey's fences and its end labels say "or less/more".
        q1, q3 = np.percentile(values[ok], [25, 75])
        fence_lo, fence_hi = q1 - 1.5 * (q3 - q1), q3 + 1.5 * (q3 - q1)
        if q3 > q1 and fence_lo > lo:
            lo, low_clipped = float(fence_lo), True
        if q3 > q1 and fence_hi < hi:
            hi, high_clipped = float(fence_hi), True
    span = hi - lo

    def pos(v: float) -> float:
        if span <= 0:
            return 1.0
        x = min(1.0, max(0.0, (v - lo) / span))
        return 1.0 - x if crit.lower_is_better else x

    t = {s: pos(float(v)) for s, v in zip(ds.states, values, strict=True) if not math.isnan(v)}
    missing = frozenset(s for s, v in zip(ds.states, values, strict=True) if math.isnan(v))
    fmt = crit.format_value
    if crit.encoding:
        seen = sorted({float(v) for v in values[ok]})
        ticks = [(pos(v), crit.label_for(v) or f"{v:g}") for v in seen]
    else:
        ticks = [(pos(v), fmt(v, with_unit=False)) for v in nice_ticks(lo, hi)]

    def end_text(v: float, clipped: bool, sign: str) -> str:
        return (f"{sign} " if clipped else "") + fmt(v, with_unit=False)

    low_text = end_text(lo, low_clipped, "\u2264")
    high_text = end_text(hi, high_clipped, "\u2265")
    best, worst = (low_text, high_text) if crit.lower_is_better else (high_text, low_text)
    year = crit.provenance.year if crit.provenance else ""
    unit = ", ".join(x for x in ("" if crit.encoding else crit.unit, year) if x)
    return ColourScale(key, crit.label, unit, t, missing, gated, ticks, f"Best {best}",
                       f"Worst {worst}")


def percent_text(p: float) -> str:
    """A share of draws as a planner reads it: ``96 %``, never ``100 %`` or ``0 %`` for a
    share that is not all or nothing."""
    p = float(p)
    if 0.995 <= p < 1.0:
        return "over 99 %"
    if 0.0 < p < 0.005:
        return "under 1 %"
    return f"{100 * p:.0f} %"


def sensitivity_scale(run: SensitivityRun, key: str, stale: bool = False) -> ColourScale:
    """The map colouring of a sensitivity run: chance of the top K, or 90 % rank range.

    Only the states the run ranked are coloured; the ones it did not rank are "not ranked"
    (grey, hatched), as on the score map.
    """
    mc = run.mc
    gated = {e.alternative: e.reason for e in run.result.excluded}
    draws = f"{mc.draws:,} draws"
    if key == P_TOP_K:
        k = mc.top_k
        t = {a: chance_position(p) for a, p in zip(mc.alternatives, mc.p_top_k.tolist(),
                                                    strict=True)}
        ticks = [(v / 100, f"{v} %") for v in (0, 25, 50, 75, 100)]
        return ColourScale(P_TOP_K, f"Chance of top {k}",
                           f"share of {draws} with the state in the top {k}", t, frozenset(),
                           gated, ticks, f"Always top {k}", f"Never top {k}", stale)
    if key == RANK_RANGE:
        widths = (mc.rank_p95 - mc.rank_p05).astype(int)
        pos, hi = rank_range_scale(widths)
        t = dict(zip(mc.alternatives, pos.tolist(), strict=True))
        ticks = [(1.0 - v / hi, f"{v:g} places") for v in nice_ticks(0.0, float(hi))
                 if 0 <= v <= hi and float(v).is_integer()]
        return ColourScale(RANK_RANGE, "Rank range (90\u00a0%)",
                           f"5th to 95th percentile rank, {draws}", t, frozenset(), gated,
                           ticks, "0 places (sure)", f"{hi} places", stale)
    raise ValueError(f"not a sensitivity colouring: {key!r}")
