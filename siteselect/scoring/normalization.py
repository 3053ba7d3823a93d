"""Normalisation of a decision matrix to comparable 0-1 values, better always high.

Each function takes raw values (alternatives x criteria, no NaN), a boolean vector saying which
criteria are lower-is-better, and returns values in [0, 1] where 1 is the best candidate, plus
the indices of criteria whose values do not vary (they cannot separate the candidates).
"""

from __future__ import annotations

import numpy as np

#: z-scores are clipped at this many standard deviations and mapped linearly onto [0, 1].
Z_CLIP = 3.0

NORMALIZATIONS = ("minmax", "zscore", "rank")

#: Below this a spread, standard deviation or vector norm of distinct values is treated as an
#: underflow risk: the column is first divided by its largest magnitude (see :func:`unit_scaled`).
TINY = 1e-150


def unit_scaled(x: np.ndarray) -> np.ndarray:
    """Each column divided by its largest magnitude (all-zero columns as they are).

    Min-max, z-score, rank and vector normalisation do not change when a column is multiplied
    by a positive number, so this changes no result; it keeps spreads, squares and their
    reciprocals finite for figures as large as 1e308 or as small as 1e-320.  Only called when
    a column needs it, so ordinary inputs pay nothing.
    """
    mag = np.abs(x).max(axis=0)
    return x / np.where(mag > 0, mag, 1.0)


def minmax(x: np.ndarray, lower_is_better: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Min-max scaling: (x - min) / (max - min); lower-is-better as (max - x) / (max - min).

    A criterion with zero spread gets 1.0 for every candidate (all are equally best).
    """
    lo = x.min(axis=0)
    hi = x.max(axis=0)
    with np.errstate(all="ignore"):
        spread = hi - lo
        flat = spread == 0
        # One pass per criterion: n = (x - lo) / spread, or (hi - x) / spread when lower is
        # better; a flat criterion divides by 1 (spread + True) and is then set to 1.
        scale = np.where(lower_is_better, -1.0, 1.0)
        scale /= spread + flat
        # Each spread x scale is 0 or +-1, so the dot product is finite unless a spread
        # overflowed (values near +-1e308) or its reciprocal did (a subnormal spread).
        if not np.isfinite(spread @ scale):
            return minmax(unit_scaled(x), lower_is_better)
    n = x - np.where(lower_is_better, hi, lo)
    n *= scale
    n += 0.0  # the worst lower-is-better value is -0.0 after the sign flip; show it as 0
    flat_idx = np.flatnonzero(flat)
    if flat_idx.size:
        n[:, flat_idx] = 1.0
    return n, flat_idx


def zscore(x: np.ndarray, lower_is_better: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """z-scores (population standard deviation), oriented, clipped at +-3 and mapped to [0, 1].

    A criterion with zero spread puts every candidate at the mean (z = 0, i.e. 0.5), so that a
    candidate that later improves on it moves up, never down.  Zero spread is decided on the
    values themselves: a computed standard deviation of equal values can be a rounding residue
    rather than 0.
    """
    with np.errstate(all="ignore"):
        mean = x.mean(axis=0)
        std = x.std(axis=0)
    same = x.max(axis=0) == x.min(axis=0)
    if not (np.isfinite(std).all() and (same | (std > TINY)).all()):
        # squares overflowed, or distinct values so small that their variance underflows
        return zscore(unit_scaled(x), lower_is_better)
    flat = same | (std == 0)
    z = (x - mean) / np.where(flat, 1.0, std)
    if lower_is_better.any():
        z[:, lower_is_better] = -z[:, lower_is_better]
    n = (np.clip(z, -Z_CLIP, Z_CLIP) + Z_CLIP) / (2 * Z_CLIP)
    if flat.any():
        n[:, flat] = 0.5
    return n, np.flatnonzero(flat)


def rank(x: np.ndarray, lower_is_better: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Rank scaling: the best candidate 1, the worst 0, equal values share their mean rank."""
    rows, cols = x.shape
    oriented = np.where(lower_is_better, -x, x)
    n = np.empty_like(x, dtype=float)
    flat = np.zeros(cols, dtype=bool)
    for j in range(cols):
        col = oriented[:, j]
        order = np.argsort(col, kind="stable")
        sorted_col = col[order]
        # average ranks (0-based) for equal values
        starts = np.r_[True, sorted_col[1:] != sorted_col[:-1]]
        group = np.cumsum(starts) - 1
        first = np.flatnonzero(starts)
        last = np.r_[first[1:], rows] - 1
        avg = (first + last) / 2.0
        ranks = np.empty(rows)
        ranks[order] = avg[group]
        if rows > 1 and first.size > 1:
            n[:, j] = ranks / (rows - 1)
        else:
            n[:, j] = 1.0
            flat[j] = True
    return n, np.flatnonzero(flat)


def normalize(
    x: np.ndarray, lower_is_better: np.ndarray, method: str
) -> tuple[np.ndarray, np.ndarray]:
    """Dispatch to one of :data:`NORMALIZATIONS`."""
    if method == "minmax":
        return minmax(x, lower_is_better)
    if method == "zscore":
        return zscore(x, lower_is_better)
    if method == "rank":
        return rank(x, lower_is_better)
    raise ValueError(f"unknown normalisation {method!r}")


def vector(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Vector normalisation (Hwang and Yoon): x / sqrt(sum of squares), per criterion.

    Columns whose squares overflow or underflow are rescaled first (the result is the same).
    """
    with np.errstate(all="ignore"):
        norm = np.sqrt(np.einsum("ij,ij->j", x, x))
    if not (np.isfinite(norm).all() and norm.min(initial=np.inf) > TINY):
        # squares overflowed or underflowed (or a column is all zero, which stays flat)
        x = unit_scaled(x)
        norm = np.sqrt(np.einsum("ij,ij->j", x, x))
    flat = norm == 0
    return x / np.where(flat, 1.0, norm), np.flatnonzero(flat)
