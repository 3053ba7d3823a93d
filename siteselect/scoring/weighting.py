"""Weights from structured judgments: AHP, rank order, entropy and CRITIC.

* :func:`ahp` -- Saaty's analytic hierarchy process: a reciprocal matrix of pairwise judgments
  on the 1-9 scale gives the principal-eigenvector weights, lambda-max, the consistency index
  CI = (lambda_max - n) / (n - 1) and the consistency ratio CR = CI / RI, with Saaty's random
  indices (:data:`RANDOM_INDEX`).  It also names the single judgment whose change would most
  reduce the inconsistency, and the value that would fit the other judgments.
* :func:`rank_order_centroid` and :func:`rank_sum` -- weights from an ordering alone.
* :func:`entropy_weights` and :func:`critic_weights` -- objective weights from the figures, as
  pymcdm defines them (sum normalisation and Shannon entropy; min-max normalisation, standard
  deviation and Pearson correlation).

Numpy only, no I/O.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from siteselect.errors import InputError

#: Saaty's random consistency index by matrix size (Saaty 1980, as tabled in "The Analytic
#: Hierarchy Process"); the CR divides the CI by it.
RANDOM_INDEX = {1: 0.0, 2: 0.0, 3: 0.58, 4: 0.90, 5: 1.12, 6: 1.24, 7: 1.32, 8: 1.41,
                9: 1.45, 10: 1.49, 11: 1.51, 12: 1.48, 13: 1.56, 14: 1.57, 15: 1.59}
RANDOM_INDEX_NAME = "Saaty (1980) random index"
CR_LIMIT = 0.10
SAATY_VALUES = tuple([1 / v for v in range(9, 1, -1)] + list(range(1, 10)))


@dataclass(frozen=True)
class Judgment:
    """``a`` is ``value`` times as important as ``b`` (1-9, or its reciprocal)."""

    a: str
    b: str
    value: float

    def __str__(self) -> str:
        if self.value >= 1:
            return f"{self.a}>{self.b}={_num(self.value)}"
        return f"{self.b}>{self.a}={_num(1 / self.value)}"


def _num(v: float) -> str:
    r = round(v)
    return str(r) if abs(v - r) < 1e-9 else f"{v:.3g}"


def parse_judgment(text: str) -> Judgment:
    """``'A>B=3'`` (A three times as important as B), ``'A<B=3'`` or ``'A=B'`` (equal)."""
    t = text.replace(" ", "")
    if "=" not in t:
        raise InputError(f"Cannot read the judgment {text!r}: write it as A>B=3, A<B=3 or A=B.")
    left, _, right = t.rpartition("=")
    if ">" in left or "<" in left:
        op = ">" if ">" in left else "<"
        a, _, b = left.partition(op)
        try:
            value = float(right)
        except ValueError:
            raise InputError(f"The judgment {text!r} needs a number from 1 to 9 after '='.") \
                from None
    else:
        a, b, value, op = left, right, 1.0, ">"
    if not a or not b:
        raise InputError(f"Cannot read the judgment {text!r}: write it as A>B=3, A<B=3 or A=B.")
    if not (math.isfinite(value) and 1 <= value <= 9):
        raise InputError(f"The judgment {text!r} is outside Saaty's scale: use 1 to 9.")
    if a == b:
        raise InputError(f"The judgment {text!r} compares {a} with itself.")
    return Judgment(a, b, value if op == ">" else 1 / value)


@dataclass(frozen=True)
class AhpResult:
    items: tuple[str, ...]
    weights: np.ndarray
    lambda_max: float
    ci: float
    cr: float | None  # None where RI is 0 (n <= 2: always consistent)
    random_index: float
    consistent: bool
    worst: Judgment | None  # the judgment whose change most reduces the inconsistency
    suggested: float | None  # the Saaty value for it that fits the other judgments best
    cr_if_changed: float | None
    matrix: np.ndarray


def _principal(a: np.ndarray) -> tuple[np.ndarray, float]:
    vals, vecs = np.linalg.eig(a)
    k = int(np.argmax(vals.real))
    v = np.abs(vecs[:, k].real)
    return v / v.sum(), float(vals[k].real)


def _ci(lam: float, n: int) -> float:
    return (lam - n) / (n - 1) if n > 1 else 0.0


def ahp_matrix(items: Sequence[str], judgments: Sequence[Judgment]) -> np.ndarray:
    """The reciprocal matrix; every pair must be judged once (the diagonal is 1).

    Raises
    ------
    InputError
        Naming every missing pair, or a pair judged twice, or an unknown item.
    """
    index = {c: i for i, c in enumerate(items)}
    n = len(items)
    a = np.eye(n)
    seen: dict[frozenset[str], Judgment] = {}
    for j in judgments:
        for c in (j.a, j.b):
            if c not in index:
                raise InputError(f"The judgment {j} names {c!r}, which is not being weighted.")
        key = frozenset((j.a, j.b))
        if key in seen:
            raise InputError(f"The pair {j.a}/{j.b} is judged twice ({seen[key]} and {j}).")
        seen[key] = j
        a[index[j.a], index[j.b]] = j.value
        a[index[j.b], index[j.a]] = 1 / j.value
    missing = [f"{items[i]}/{items[k]}" for i in range(n) for k in range(i + 1, n)
               if frozenset((items[i], items[k])) not in seen]
    if missing:
        raise InputError(
            f"The judgments are incomplete: {len(missing)} pair(s) not judged: "
            + ", ".join(missing) + "."
        )
    return a


def ahp(items: Sequence[str], judgments: Sequence[Judgment]) -> AhpResult:
    """Weights, lambda-max, CI and CR of a complete set of pairwise judgments."""
    items = tuple(items)
    if len(items) < 2:
        raise InputError("Pairwise comparison needs at least two criteria.")
    if len(set(items)) != len(items):
        raise InputError("Each criterion may appear once in a pairwise comparison.")
    n = len(items)
    if n > max(RANDOM_INDEX):
        raise InputError(f"Pairwise comparison is limited to {max(RANDOM_INDEX)} criteria "
                         f"(the random-index table ends there); {n} were given.")
    a = ahp_matrix(items, judgments)
    w, lam = _principal(a)
    ci = max(0.0, _ci(lam, n))
    ri = RANDOM_INDEX[n]
    cr = ci / ri if ri > 0 else None
    worst = suggested = cr_changed = None
    if cr is not None and ci > 1e-12:
        best_cr = cr
        # Try every Saaty value in place of each judgment: the change that lowers the CR
        # most names the judgment that fits the others worst, and the value that fits.
        for i in range(n):
            for k in range(i + 1, n):
                for value in SAATY_VALUES:
                    if abs(value - a[i, k]) < 1e-12:
                        continue
                    b = a.copy()
                    b[i, k], b[k, i] = value, 1 / value
                    _, lam_b = _principal(b)
                    cr_b = max(0.0, _ci(lam_b, n)) / ri
                    if cr_b < best_cr - 1e-12:
                        best_cr = cr_b
                        worst = Judgment(items[i], items[k], float(a[i, k]))
                        suggested = Judgment(items[i], items[k], float(value))
                        cr_changed = cr_b
    return AhpResult(
        items=items, weights=w, lambda_max=lam, ci=ci, cr=cr, random_index=ri,
        consistent=cr is None or cr <= CR_LIMIT, worst=worst,
        suggested=None if suggested is None else suggested.value,
        cr_if_changed=cr_changed, matrix=a,
    )


def rank_order_centroid(n: int) -> np.ndarray:
    """ROC weights for n criteria ranked most important first: w_i = (1/n) sum_{k>=i} 1/k."""
    if n < 1:
        raise InputError("Rank-order weights need at least one criterion.")
    inv = 1.0 / np.arange(1, n + 1)
    return np.cumsum(inv[::-1])[::-1] / n


def rank_sum(n: int) -> np.ndarray:
    """Rank-sum weights: w_i = 2 (n + 1 - i) / (n (n + 1)), most important first."""
    if n < 1:
        raise InputError("Rank-order weights need at least one criterion.")
    i = np.arange(1, n + 1)
    return 2.0 * (n + 1 - i) / (n * (n + 1))


def _check_matrix(x: np.ndarray, criteria: Sequence[str], what: str) -> np.ndarray:
    x = np.asarray(x, dtype=float)
    if x.ndim != 2 or x.shape[1] != len(criteria):
        raise InputError(f"{what} needs a candidates x criteria table.")
    if x.shape[0] < 2:
        raise InputError(f"{what} needs at least two candidates with figures.")
    if not np.isfinite(x).all():
        bad = [criteria[int(j)] for j in np.flatnonzero(~np.isfinite(x).all(axis=0))]
        raise InputError(f"{what} needs every figure; missing for: {', '.join(bad)}.")
    return x


def entropy_weights(x: np.ndarray, criteria: Sequence[str]) -> np.ndarray:
    """Entropy weights (as pymcdm): p = x / column sum, E = -sum p ln p / ln m, w ~ 1 - E.

    Figures must be positive, as pymcdm's sum normalisation requires: a share of a column
    sum means nothing for zero or negative figures (category scores of 0, an index below 0).
    """
    x = _check_matrix(x, criteria, "Entropy weighting")
    bad = [criteria[int(j)] for j in np.flatnonzero((x <= 0).any(axis=0))]
    if bad:
        raise InputError("Entropy weighting needs positive figures; zero or negative in: "
                         + ", ".join(bad) + ". Leave these criteria out.")
    m = x.shape[0]
    p = x / x.sum(axis=0)
    h = -np.sum(p * np.log(p), axis=0) / math.log(m)
    d = 1.0 - h
    if d.sum() <= 0:
        raise InputError("Entropy weighting found no spread in any criterion.")
    return d / d.sum()


def critic_weights(x: np.ndarray, criteria: Sequence[str]) -> np.ndarray:
    """CRITIC weights (as pymcdm): min-max normalise each column (without regard to direction),
    C_j = std_j (ddof 1) x sum_k (1 - r_jk) with Pearson's r, w ~ C."""
    x = _check_matrix(x, criteria, "CRITIC weighting")
    lo, hi = x.min(axis=0), x.max(axis=0)
    flat = [criteria[int(j)] for j in np.flatnonzero(hi == lo)]
    if flat:
        raise InputError("CRITIC weighting needs spread in every criterion; all candidates are "
                         "equal on: " + ", ".join(flat) + ". Leave these criteria out.")
    n = (x - lo) / (hi - lo)
    std = n.std(axis=0, ddof=1)
    r = np.corrcoef(n, rowvar=False)
    c = std * np.sum(1.0 - r, axis=0)
    return c / c.sum()


def as_points(criteria: Sequence[str], weights: np.ndarray, total: float = 100.0
              ) -> Mapping[str, float]:
    """Shares as slider points summing to ``total`` (rounded to 0.1)."""
    return {c: round(float(w) * total, 1) for c, w in zip(criteria, weights, strict=True)}
