"""Aggregation methods: bare numpy functions from normalised values and weights to scores.

Every function returns scores on 0-100 (higher is better) and each criterion's contribution in
points.  For the weighted sum the contributions add up to the score exactly; the weighted product
and TOPSIS are not additive, so their contributions are the weighted-sum points of the same
normalised values: an additive view of where a state is strong, not a decomposition.
"""

from __future__ import annotations

import numpy as np

METHODS = ("wsm", "wpm", "topsis")
METHOD_NAMES = {
    "wsm": "weighted sum",
    "wpm": "weighted product",
    "topsis": "TOPSIS (closeness to the ideal)",
}

#: The weighted product floors normalised values at this level so that the single worst
#: candidate on one criterion is penalised rather than multiplied to zero.
WPM_FLOOR = 0.01


def weighted_sum(n: np.ndarray, w: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Score = 100 x sum_i w_i n_i."""
    contributions = n * (100.0 * w)
    return contributions.sum(axis=1), contributions


def weighted_product(n: np.ndarray, w: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Score = 100 x prod_i (f + (1 - f) n_i) ** w_i with the floor f = :data:`WPM_FLOOR`."""
    floored = WPM_FLOOR + (1.0 - WPM_FLOOR) * n
    scores = 100.0 * np.exp(np.log(floored) @ w)
    return scores, n * (100.0 * w)


def topsis(
    x: np.ndarray, w: np.ndarray, lower_is_better: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """TOPSIS after Hwang and Yoon (1981) on vector-normalised values.

    ``x`` holds raw values.  Returns (100 x closeness to the ideal, weighted vector-normalised
    values as points).  A candidate equal to both ideals (no spread anywhere) gets closeness 1.
    """
    norm = np.sqrt(np.einsum("ij,ij->j", x, x))
    v = x / np.where(norm == 0, 1.0, norm) * w
    hi = v.max(axis=0)
    lo = v.min(axis=0)
    ideal = np.where(lower_is_better, lo, hi)
    anti = np.where(lower_is_better, hi, lo)
    d_plus = np.sqrt(((v - ideal) ** 2).sum(axis=1))
    d_minus = np.sqrt(((v - anti) ** 2).sum(axis=1))
    total = d_plus + d_minus
    closeness = np.divide(d_minus, total, out=np.ones_like(total), where=total > 0)
    return 100.0 * closeness, v * 100.0
