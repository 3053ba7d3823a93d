"""The exported map, described once and drawn by the PDF and image writers.

:func:`map_picture` turns a ranking into plain drawing instructions in the display coordinates
of :func:`~siteselect.model.geography.default_layout` (US Albers with Alaska and Hawaii as
insets): one filled shape per state, coloured by score on viridis (perceptually uniform), run the
same way as in the window (:mod:`siteselect.ui.colouring`): dark purple = best, light yellow =
worst, so a printout held next to the screen matches it; grey for states that are not ranked;
postal-code labels, with leader lines for the small north-eastern states; inset frames; and a
legend whose best (dark) end is at the top. No drawing library is imported here.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from siteselect.exports.common import ExportRequest
from siteselect.model.geography import default_layout, geometry_rings

#: Viridis sampled at 33 evenly spaced points (matplotlib's table); interpolated linearly.
VIRIDIS = (
    "#440154", "#470d60", "#48186a", "#482374", "#472d7b", "#453781", "#424086", "#3e4989",
    "#3b528b", "#375b8d", "#33638d", "#2f6b8e", "#2c728e", "#297a8e", "#26828e", "#23898e",
    "#21918c", "#1f988b", "#1fa088", "#22a785", "#28ae80", "#32b67a", "#3fbc73", "#4ec36b",
    "#5ec962", "#70cf57", "#84d44b", "#98d83e", "#addc30", "#c2df23", "#d8e219", "#ece51b",
    "#fde725",
)
NOT_RANKED = (0.80, 0.80, 0.80)
OUTLINE = (1.0, 1.0, 1.0)
#: Simplification for print: about half a point at the map's printed scale.
DRAW_TOLERANCE_M = 2_500.0

_STOPS = np.array([[int(h[i:i + 2], 16) / 255.0 for i in (1, 3, 5)] for h in VIRIDIS])


def colour(t: float) -> tuple[float, float, float]:
    """The map colour at ``t`` in [0, 1] as RGB floats, where 1 is the best end (dark purple)
    and 0 the worst (light yellow): viridis reversed, as in the window."""
    t = 1.0 - min(1.0, max(0.0, float(t)))
    x = t * (len(_STOPS) - 1)
    i = min(int(x), len(_STOPS) - 2)
    f = x - i
    c = _STOPS[i] * (1 - f) + _STOPS[i + 1] * f
    return float(c[0]), float(c[1]), float(c[2])


def text_colour(rgb: tuple[float, float, float]) -> tuple[float, float, float]:
    """Black or white, whichever reads better on ``rgb``."""
    lum = 0.2126 * rgb[0] + 0.7152 * rgb[1] + 0.0722 * rgb[2]
    return (0.0, 0.0, 0.0) if lum > 0.45 else (1.0, 1.0, 1.0)


def legend_range(scores: np.ndarray) -> tuple[float, float]:
    """Round the score range out to tens (5 if narrow) so ticks are round numbers."""
    if scores.size == 0:
        return 0.0, 100.0
    lo, hi = float(np.min(scores)), float(np.max(scores))
    step = 10.0 if hi - lo > 20 else 5.0
    lo_r = math.floor(lo / step) * step
    hi_r = math.ceil(hi / step) * step
    if hi_r <= lo_r:
        hi_r = lo_r + step
    return max(0.0, lo_r), hi_r


@dataclass(frozen=True)
class StateShape:
    state: str
    rings: tuple[np.ndarray, ...]  # display coordinates (metres)
    fill: tuple[float, float, float]
    ranked: bool


@dataclass(frozen=True)
class Label:
    state: str
    x: float
    y: float
    colour: tuple[float, float, float]
    anchor: tuple[float, float] | None = None  # start of a leader line (state's own point)


@dataclass(frozen=True)
class MapPicture:
    shapes: tuple[StateShape, ...]
    labels: tuple[Label, ...]
    frames: tuple[tuple[float, float, float, float], ...]
    bounds: tuple[float, float, float, float]
    legend_lo: float
    legend_hi: float
    ticks: tuple[float, ...]
    title: str
    subtitle: str
    source_line: str
    any_excluded: bool


@lru_cache(maxsize=4)
def _display_rings(tolerance: float) -> dict[str, tuple[np.ndarray, ...]]:
    lay = default_layout()
    out: dict[str, tuple[np.ndarray, ...]] = {}
    for state, geom in zip(lay.layer["state"], lay.layer.geometry, strict=True):
        g = geom.simplify(tolerance, preserve_topology=True)
        out[state] = tuple(r for r in geometry_rings(g) if len(r) >= 4)
    return out


def map_picture(req: ExportRequest) -> MapPicture:
    """Drawing instructions for the score map of ``req``."""
    from siteselect.scoring import METHOD_NAMES

    lay = default_layout()
    rings = _display_rings(DRAW_TOLERANCE_M)
    r = req.result
    lo, hi = legend_range(r.scores)
    span = hi - lo if hi > lo else 1.0
    score_of = dict(zip(r.alternatives, r.scores.tolist(), strict=True))
    shapes = []
    fills: dict[str, tuple[float, float, float]] = {}
    for state in lay.states():
        s = score_of.get(state)
        fill = NOT_RANKED if s is None else colour((s - lo) / span)
        fills[state] = fill
        shapes.append(StateShape(state, rings[state], fill, s is not None))
    labels = []
    for state, (x, y) in lay.label_points.items():
        if state in lay.leader_points:
            lx, ly = lay.leader_points[state]
            labels.append(Label(state, lx, ly, (0.15, 0.15, 0.15), anchor=(x, y)))
        else:
            labels.append(Label(state, x, y, text_colour(fills[state])))
    step = 10.0 if hi - lo > 20 else 5.0
    ticks = tuple(float(v) for v in np.arange(lo, hi + step / 2, step))
    years = sorted({c.provenance.year for c in req.criteria()
                    if c.provenance and c.provenance.year})
    srcs = []
    for c in req.criteria():
        p = c.provenance
        if p and p.source:
            name = p.source.split(",")[0].split("(")[0].strip()
            if name not in srcs:
                srcs.append(name)
    source_line = (
        "Sources: " + "; ".join(srcs) + (f" (data years {years[0]}-{years[-1]})" if len(years) > 1
                                        else f" (data year {years[0]})" if years else "")
        + f". Boundaries: US Census Bureau cb_2016_us_state_500k. Dataset {req.dataset_version}."
    )
    # the planner's words: labels and units, not ids (energy_cost<=9)
    from siteselect.model.wording import count_text, gate_text

    gates = [gate_text(req.dataset, g) for g in r.gates]
    what_if = sorted({o.state for o in req.settings.overrides if o.criterion in r.weights})
    subtitle = (
        f"{METHOD_NAMES[r.method].capitalize()} of "
        f"{count_text(len(r.criteria), 'criterion', 'criteria')}; "
        + (f"gate{'s' if len(gates) > 1 else ''} {', '.join(gates)}; " if gates else "")
        + (f"what-if values for {', '.join(what_if)}; " if what_if else "")
        + f"{len(r)} states ranked"
        + (f", {len(r.excluded)} not ranked (grey)" if r.excluded else "")
        + f"; exported {req.exported_text[:10]}"
    )
    return MapPicture(
        shapes=tuple(shapes),
        labels=tuple(labels),
        frames=tuple(lay.frames.values()),
        bounds=lay.bounds,
        legend_lo=lo,
        legend_hi=hi,
        ticks=ticks,
        title=f"Site score: {req.title}",
        subtitle=subtitle,
        source_line=source_line,
        any_excluded=bool(r.excluded),
    )
