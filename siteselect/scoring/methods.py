"""Aggregation methods: bare numpy functions from normalised values and weights to scores.

Every method returns scores on 0-100 (higher is better).  A criterion's contribution in points is
:func:`contributions` of the normalised values: for the weighted sum they add up to the score;
the weighted product and TOPSIS are not additive, so their contributions are the weighted-sum
points of the normalised values (for TOPSIS, each state's position between the anti-ideal and the
ideal candidate): an additive view of where a state is strong, not a decomposition.
"""

from __future__ import annotations

import numpy as np

from siteselect.scoring.normalization import vector

METHODS = ("wsm", "wpm", "topsis")
METHOD_NAMES = {
    "wsm": "weighted sum",
    "wpm": "weighted product",
    "topsis": "TOPSIS (closeness to the ideal)",
}

#: The weighted product floors normalised values at this level so that the single worst
#: candidate on one criterion is penalised rather than multiplied to zero.
WPM_FLOOR = 0.01


def contributions(n: np.ndarray, w: np.ndarray) -> np.ndarray:
    """Each criterion's points: 100 x w_i x n_i (n oriented so that 1 is best)."""
    return n * (100.0 * w)


def weighted_sum(n: np.ndarray, w: np.ndarray) -> np.ndarray:
    """Score = 100 x sum_i w_i n_i."""
    return n @ (100.0 * w)


def weighted_product(n: np.ndarray, w: np.ndarray) -> np.ndarray:
    """Score = 100 x prod_i (f + (1 - f) n_i) ** w_i with the floor f = :data:`WPM_FLOOR`."""
    logs = n * (1.0 - WPM_FLOOR)
    logs += WPM_FLOOR
    np.log(logs, out=logs)
    return 100.0 * np.exp(logs @ w)


def topsis(
    x: np.ndarray, w: np.ndarray, lower_is_better: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """TOPSIS after Hwang and Yoon (1981) on vector-normalised values.

    ``x`` holds raw values.  Returns (100 x closeness to the ideal, vector-normalised values).
    A candidate equal to both ideals (no spread anywhere) gets closeness 1.
    """
    vn, _ = vector(x)
    v = vn * w
    hi = v.max(axis=0)
    lo = v.min(axis=0)
    ideal = np.where(lower_is_better, lo, hi)
    anti = np.where(lower_is_better, hi, lo)
    d = np.subtract(v, ideal)
    d *= d
    d_plus = np.sqrt(d.sum(axis=1))
    np.subtract(v, anti, out=d)
    d *= d
    d_minus = np.sqrt(d.sum(axis=1))
    total = d_plus + d_minus
    closeness = np.divide(d_minus, total, out=np.ones_like(total), where=total > 0)
    return 100.0 * closeness, vn
