"""The map's colours and where a score sits on them: one mapping for the window and exports.

* :func:`score_scale` places each ranked state on ``t`` in [0, 1] (1 = best) *by its rank*:
  rank 1 is 1, the last rank 0, ties share a place, and any score between two states sits
  between them (:meth:`ScoreScale.position`).  A min-max scale crowded half the states into a
  few near-identical colours and spent the contrast on the gap to the worst state; by rank,
  every step down the ranking is the same step of colour, so the contrast lies where the
  choice is made.
* :data:`COLOUR_TABLE` holds 256 colours and :func:`colour_index` picks one for ``t``: the
  window fills a state with the table entry and the PNG, SVG and PDF with the same entry, so
  one score has one RGB everywhere.  The colours are viridis reversed (dark purple = best,
  perceptually uniform, readable in grey), with the worst third faded towards white so that
  the bottom of the ranking recedes on the page instead of drawing the eye.

Plain numpy: the window imports it at start-up.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

#: Viridis sampled at 33 evenly spaced points (matplotlib's table); interpolated linearly.
VIRIDIS = (
    "#440154", "#470d60", "#48186a", "#482374", "#472d7b", "#453781", "#424086", "#3e4989",
    "#3b528b", "#375b8d", "#33638d", "#2f6b8e", "#2c728e", "#297a8e", "#26828e", "#23898e",
    "#21918c", "#1f988b", "#1fa088", "#22a785", "#28ae80", "#32b67a", "#3fbc73", "#4ec36b",
    "#5ec962", "#70cf57", "#84d44b", "#98d83e", "#addc30", "#c2df23", "#d8e219", "#ece51b",
    "#fde725",
)
_STOPS = np.array([[int(h[i:i + 2], 16) / 255.0 for i in (1, 3, 5)] for h in VIRIDIS])
#: Number of colours in :data:`COLOUR_TABLE`.
TABLE_SIZE = 256
#: How far the worst end is faded towards white (0 = pure viridis), and over which part.
FADE, FADE_SPAN = 0.55, 0.4


def _colour_table(n: int = TABLE_SIZE) -> np.ndarray:
    t = np.linspace(0.0, 1.0, n)
    x = (1.0 - t) * (len(_STOPS) - 1)
    i = np.minimum(x.astype(int), len(_STOPS) - 2)
    f = (x - i)[:, None]
    c = _STOPS[i] * (1 - f) + _STOPS[i + 1] * f
    fade = (FADE * np.clip(1.0 - t / FADE_SPAN, 0.0, None) ** 1.5)[:, None]
    c = c * (1 - fade) + fade
    out = np.round(c * 255.0).astype(np.uint8)
    out.setflags(write=False)
    return out


#: (256, 3) uint8 colours: index 255 = best (dark purple), 0 = worst (pale yellow).
COLOUR_TABLE = _colour_table()


def colour_index(t: float) -> int:
    """The entry of :data:`COLOUR_TABLE` for ``t`` in [0, 1] (clipped)."""
    return int(round(min(1.0, max(0.0, float(t))) * (TABLE_SIZE - 1)))


def colour_rgb(t: float) -> tuple[int, int, int]:
    """The map colour at ``t`` as 8-bit RGB (1 = best)."""
    r, g, b = COLOUR_TABLE[colour_index(t)]
    return int(r), int(g), int(b)


def colour(t: float) -> tuple[float, float, float]:
    """The map colour at ``t`` in [0, 1] as RGB floats, where 1 is the best end (dark purple)
    and 0 the worst (pale yellow): the window's colour for the same ``t``, exactly."""
    r, g, b = colour_rgb(t)
    return r / 255.0, g / 255.0, b / 255.0


@dataclass(frozen=True)
class ScoreScale:
    """Where each ranked state's score sits on the colour scale, and the legend's ticks."""

    t: dict[str, float]  # state -> 0..1 (1 = best), by rank
    knots: tuple[tuple[float, float], ...]  # (score, t), scores ascending, for any score
    ticks: tuple[tuple[float, int], ...]  # (score, rank) to mark on a legend, best first
    lo: float  # worst score
    hi: float  # best score

    def position(self, score: float) -> float:
        """``t`` of any score: between the ranked states' scores, linearly."""
        if not self.knots:
            return 1.0
        xs = [k[0] for k in self.knots]
        ts = [k[1] for k in self.knots]
        return float(np.interp(float(score), xs, ts))


def legend_ranks(n: int) -> list[int]:
    """Ranks to mark on a legend of ``n`` ranked states: 1, then round steps, then ``n``."""
    if n <= 0:
        return []
    step = 5 if n <= 30 else 10
    ranks = [1] + [r for r in range(step, n, step) if n - r >= step / 2] + [n]
    return sorted(set(ranks))


def score_scale(alternatives: list[str] | tuple[str, ...], scores: np.ndarray) -> ScoreScale:
    """Place ranked states on the colour scale by rank (ties share their mean place)."""
    scores = np.asarray(scores, dtype=float)
    n = len(scores)
    if n == 0:
        return ScoreScale({}, (), (), 0.0, 0.0)
    order = np.argsort(-scores, kind="stable")
    ranked = scores[order]
    place = np.empty(n)
    i = 0
    while i < n:  # equal scores share the mean of their places
        j = i
        while j + 1 < n and ranked[j + 1] == ranked[i]:
            j += 1
        place[i:j + 1] = (i + j) / 2
        i = j + 1
    t_sorted = np.ones(n) if n == 1 else 1.0 - place / (n - 1)
    t = {alternatives[k]: float(t_sorted[pos]) for pos, k in enumerate(order)}
    uniq: dict[float, float] = {}
    for s, ts in zip(ranked.tolist(), t_sorted.tolist(), strict=True):
        uniq[s] = ts
    knots = tuple(sorted(uniq.items()))
    ticks = tuple((float(ranked[r - 1]), r) for r in legend_ranks(n))
    return ScoreScale(t, knots, ticks, float(ranked[-1]), float(ranked[0]))



# -- sensitivity colourings ------------------------------------------------------------------
def chance_position(p: float) -> float:
    """``t`` of a chance (share of draws, 0-1): linear, 1 = always = the darkest colour."""
    return min(1.0, max(0.0, float(p)))


def rank_range_scale(widths: np.ndarray | list[int]) -> tuple[np.ndarray, int]:
    """``t`` of each 90 % rank range width (places between the 5th and 95th percentile
    rank) and the width at the pale end: 0 places (sure) is 1, the widest range of the run
    (at least 1) is 0, linearly in between."""
    w = np.asarray(widths, dtype=float)
    hi = int(max(1.0, float(w.max()) if w.size else 1.0))
    return np.clip(1.0 - w / hi, 0.0, 1.0), hi
