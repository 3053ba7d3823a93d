"""The exported map, described once and drawn by the PDF and image writers.

The colours, and where a score sits on them, come from :mod:`siteselect.model.colourmap`,
which the window uses too: one score has one RGB on screen, in the PNG/SVG and in the PDF.

:func:`map_picture` turns a ranking into plain drawing instructions in the display coordinates
of :func:`~siteselect.model.geography.default_layout` (US Albers with Alaska and Hawaii as
insets): one filled shape per state; grey for states that are not ranked; postal-code labels,
with leader lines for the small north-eastern states; inset frames; and a legend whose best
(dark) end is at the top.  No drawing library is imported here.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from siteselect.exports.common import ExportRequest
from siteselect.model.colourmap import (
    COLOUR_TABLE,
    TABLE_SIZE,
    VIRIDIS,
    ScoreScale,
    colour,
    colour_index,
    colour_rgb,
    score_scale,
)
from siteselect.model.geography import default_layout, geometry_rings

__all__ = ["COLOUR_TABLE", "NOT_RANKED", "TABLE_SIZE", "VIRIDIS", "MapPicture", "ScoreScale",
           "colour", "colour_index", "colour_rgb", "map_picture", "score_scale", "text_colour"]

NOT_RANKED = (0.80, 0.80, 0.80)
OUTLINE = (1.0, 1.0, 1.0)
#: Simplification for print: about half a point at the map's printed scale.
DRAW_TOLERANCE_M = 2_500.0


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


def _legend_ticks(scale, most: int | None = None) -> tuple[float, ...]:
    """The legend's marks: the scores of ranks 1, 10, 20, ... rounded to the tenth (at most
    ``most`` of them, ends kept), the ends rounded outwards so the bar covers every score."""
    marks = sorted({round(sc, 1) for sc, _rank in scale.ticks})
    if most is not None and len(marks) > most:
        keep = np.linspace(0, len(marks) - 1, most).round().astype(int)
        marks = [marks[i] for i in sorted(set(keep.tolist()))]
    if marks:
        marks[0] = math.floor(scale.lo * 10 + 1e-9) / 10
        marks[-1] = math.ceil(scale.hi * 10 - 1e-9) / 10
    return tuple(sorted(set(marks)))


def _source_line(req: ExportRequest, boundaries: str) -> str:
    """'Sources: EIA; BLS (data years 2023-2025). Boundaries: ... Dataset ...'."""
    years = sorted({c.provenance.year for c in req.criteria()
                    if c.provenance and c.provenance.year})
    srcs: list[str] = []
    for c in req.criteria():
        p = c.provenance
        if p and p.source:
            name = p.source.split(",")[0].split("(")[0].strip()
            if name not in srcs:
                srcs.append(name)
    when = (f" (data years {years[0]}-{years[-1]})" if len(years) > 1
            else f" (data year {years[0]})" if years else "")
    return (f"Sources: {'; '.join(srcs)}{when}. Boundaries: US Census Bureau {boundaries}. "
            f"Dataset {req.dataset_version}." + (NEWER_NOTE if req.newer_figures else ""))


#: Added to a map's source line when a saved scenario keeps earlier figures of the planner's
#: own tables.
NEWER_NOTE = " Earlier figures of the planner's tables kept: newer ones exist."


@dataclass(frozen=True)
class StateShape:
    state: str
    rings: tuple[np.ndarray, ...]  # display coordinates (metres)
    fill: tuple[float, float, float]
    ranked: bool
    #: On the shortlist: outlined in ink over everything else.
    emphasised: bool = False


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
    ticks: tuple[float, ...]  # scores marked on the legend (at ranks 1, 10, 20, ... last)
    title: str
    subtitle: str
    source_line: str
    any_excluded: bool
    scale: ScoreScale | None = None
    #: State outlines drawn over the shapes, unfilled (county maps); empty for state maps.
    borders: tuple[tuple[np.ndarray, ...], ...] = ()
    #: Many small shapes (counties): hairline outlines instead of the states' white lines.
    fine: bool = False
    #: Shown under the map: what the colours and outlines mean.
    caption: str = ""

    def position(self, score: float) -> float:
        """Where ``score`` sits on the legend bar, 0 (worst, bottom) to 1 (best, top): the
        colour scale runs by rank, so the bar's score marks are not evenly spaced."""
        if self.scale is not None:
            return self.scale.position(score)
        span = self.legend_hi - self.legend_lo or 1.0
        return (score - self.legend_lo) / span


@lru_cache(maxsize=4)
def _display_rings(tolerance: float) -> dict[str, tuple[np.ndarray, ...]]:
    lay = default_layout()
    out: dict[str, tuple[np.ndarray, ...]] = {}
    for state, geom in zip(lay.layer["state"], lay.layer.geometry, strict=True):
        g = geom.simplify(tolerance, preserve_topology=True)
        out[state] = tuple(r for r in geometry_rings(g) if len(r) >= 4)
    return out


def map_picture(req: ExportRequest) -> MapPicture:
    """Drawing instructions for the score map of ``req`` (of the whole country)."""
    if req.dataset.level == "county":
        return county_picture(req)
    from siteselect.scoring import METHOD_NAMES

    lay = default_layout()
    rings = _display_rings(DRAW_TOLERANCE_M)
    r = req.result
    scale = score_scale(r.alternatives, r.scores)
    shapes = []
    fills: dict[str, tuple[float, float, float]] = {}
    for state in lay.states():
        t = scale.t.get(state)
        fill = NOT_RANKED if t is None else colour(t)
        fills[state] = fill
        shapes.append(StateShape(state, rings[state], fill, t is not None))
    labels: list[Label] = []
    for state, (x, y) in lay.label_points.items():
        if state in lay.leader_points:
            lx, ly = lay.leader_points[state]
            labels.append(Label(state, lx, ly, (0.15, 0.15, 0.15), anchor=(x, y)))
        else:
            labels.append(Label(state, x, y, text_colour(fills[state])))
    # The legend marks the scores of ranks 1, 10, 20, ... and the last, rounded to the
    # tenth a planner reads elsewhere; its ends are the worst and best score.
    ticks = _legend_ticks(scale)
    lo, hi = (ticks[0], ticks[-1]) if ticks else (0.0, 100.0)
    source_line = _source_line(req, "cb_2016_us_state_500k")
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
        scale=scale,
    )


# -- county maps --------------------------------------------------------------------------------
#: The shortlist's outline: orange stands out on every colour of the score scale, the dark
#: best end included.
EMPHASIS = (0.96, 0.45, 0.05)
#: Counties outside the ranking's states: present, but quiet.
OUTSIDE = (0.94, 0.94, 0.95)
#: County outlines simplified for print: the country map, and a map zoomed to a few states.
COUNTY_DRAW_TOLERANCE_M = 2_500.0
COUNTY_ZOOM_TOLERANCE_M = 600.0
#: Without a top N, the maps outline this many of the best-scoring counties.
MAP_SHORTLIST = 10
#: Score marks on a county map's legend (its ranks run into the hundreds or thousands).
MAX_TICKS = 7
#: The zoomed map numbers at most this many shortlisted counties with their rank.
ZOOM_LABELS = 30


@lru_cache(maxsize=4)
def _county_rings(tolerance: float) -> dict[str, tuple[np.ndarray, ...]]:
    """Each county's display rings (the window's county layout) simplified for print."""
    import shapely

    from siteselect.model.county_geography import load_county_shapes

    shapes = load_county_shapes()
    owners: list[str] = []
    lines = []
    for code in shapes.states:
        for ring in shapes.rings[code]:
            owners.append(code)
            lines.append(shapely.LineString(ring))
    simplified = shapely.simplify(np.array(lines, dtype=object), tolerance)
    out: dict[str, list[np.ndarray]] = {code: [] for code in shapes.states}
    for code, geom in zip(owners, simplified, strict=True):
        ring = shapely.get_coordinates(geom)
        if len(ring) >= 4:
            out[code].append(ring)
    return {code: tuple(rings) for code, rings in out.items()}


def map_shortlist(req: ExportRequest) -> list[str]:
    """The counties a map emphasises: the listed ones, or the first few without a top N."""
    rows = req.rows() if req.top_n is not None else req.result.rows(MAP_SHORTLIST)
    return [row.alternative for row in rows]


def county_picture(req: ExportRequest, zoom: bool = False) -> MapPicture:
    """The county score map: every county of the country (``zoom``: of the states that hold
    the shortlisted counties only, framed on them), coloured by score where ranked, grey
    where not ranked, pale outside the ranking's states; the shortlist outlined in orange (and,
    zoomed, numbered with its ranks); state borders drawn over the counties."""
    from siteselect.model.wording import count_text, gate_text
    from siteselect.scoring import METHOD_NAMES

    ds, r = req.dataset, req.result
    alts = ds.alternatives
    scale = score_scale(r.alternatives, r.scores)
    short = map_shortlist(req)
    emphasised = set(short)
    counties = _county_rings(COUNTY_ZOOM_TOLERANCE_M if zoom else COUNTY_DRAW_TOLERANCE_M)
    from siteselect.model.alternatives import load_alternatives

    every = load_alternatives("county")
    shown_states = sorted({alts.get(c).parent for c in short}) if zoom else None
    shapes = []
    fills: dict[str, tuple[float, float, float]] = {}
    for code, rings in counties.items():
        if not rings or code not in every:
            continue
        state = every.get(code).parent
        if shown_states is not None and state not in shown_states:
            continue
        if code not in alts:
            fill = OUTSIDE
        else:
            t = scale.t.get(code)
            fill = NOT_RANKED if t is None else colour(t)
        fills[code] = fill
        shapes.append(StateShape(code, rings, fill, scale.t.get(code) is not None,
                                 code in emphasised))
    state_rings = _display_rings(DRAW_TOLERANCE_M if not zoom else COUNTY_ZOOM_TOLERANCE_M)
    borders = tuple(rings for st, rings in state_rings.items()
                    if shown_states is None or st in shown_states)
    lay = default_layout()
    if zoom and shapes:
        pts = np.concatenate([ring for shape in shapes for ring in shape.rings])
        (x0, y0), (x1, y1) = pts.min(axis=0), pts.max(axis=0)
        pad = 0.04 * max(x1 - x0, y1 - y0)
        bounds = (float(x0 - pad), float(y0 - pad), float(x1 + pad), float(y1 + pad))
        frames: tuple[tuple[float, float, float, float], ...] = ()
    else:
        bounds, frames = lay.bounds, tuple(lay.frames.values())
    labels: list[Label] = []
    if zoom:
        shapes_by = {shape.state: shape for shape in shapes}
        for row in r.rows(None):
            if len(labels) >= ZOOM_LABELS or row.alternative not in emphasised:
                continue
            shape = shapes_by.get(row.alternative)
            if shape is None:
                continue
            x, y = _label_point(shape.rings)
            labels.append(Label(str(row.rank), x, y, text_colour(fills[row.alternative])))
    ticks = _legend_ticks(scale, MAX_TICKS)  # hundreds of counties: a few marks, ends kept
    lo, hi = (ticks[0], ticks[-1]) if ticks else (0.0, 100.0)
    source_line = _source_line(req, "cb_2016_us_county_500k and cb_2016_us_state_500k")
    gates = [gate_text(ds, g) for g in r.gates]
    scope = f" of {', '.join(ds.scope)}" if ds.scope else ""
    subtitle = (
        f"{METHOD_NAMES[r.method].capitalize()} of "
        f"{count_text(len(r.criteria), 'criterion', 'criteria')}; "
        + (f"gate{'s' if len(gates) > 1 else ''} {', '.join(gates)}; " if gates else "")
        + f"{len(r)} counties{scope} ranked"
        + (f", {len(r.excluded)} not ranked (grey)" if r.excluded else "")
        + f"; exported {req.exported_text[:10]}"
    )
    what = (f"the {len(short)} listed counties" if req.top_n is not None
            else f"the {len(short)} best-scoring counties")
    caption = (f"Outlined in orange: {what}"
               + (f", numbered with their rank, in {', '.join(shown_states or [])}"
                  if zoom else "")
               + ". Lines: state borders."
               + ("" if zoom or not ds.scope else
                  f" Pale: counties outside {', '.join(ds.scope)}, not ranked."))
    return MapPicture(
        shapes=tuple(shapes), labels=tuple(labels), frames=frames, bounds=bounds,
        legend_lo=lo, legend_hi=hi, ticks=ticks,
        title=(f"Shortlisted counties: {req.title}" if zoom else
               f"County site score: {req.title}"),
        subtitle=subtitle, source_line=source_line, any_excluded=bool(r.excluded),
        scale=scale, borders=borders, fine=True, caption=caption)


def zoom_picture(req: ExportRequest) -> MapPicture | None:
    """The county map zoomed to the states holding the shortlist; None for a state ranking
    or an empty one."""
    if req.dataset.level != "county" or not len(req.result):
        return None
    return county_picture(req, zoom=True)


def _label_point(rings: tuple[np.ndarray, ...]) -> tuple[float, float]:
    """A point inside the largest ring (for a rank number)."""
    import shapely

    ring = max(rings, key=len)
    pt = shapely.Polygon(ring).representative_point()
    return float(pt.x), float(pt.y)
