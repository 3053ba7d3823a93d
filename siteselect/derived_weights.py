"""Weights derived from judgments, applied to a dataset's criteria: shared by the CLI and window.

:func:`objective_weights` computes entropy or CRITIC weights from the figures of the states a
weighting ranks; :func:`with_shares` turns derived shares into settings whose sliders carry
them.  The math is in :mod:`siteselect.scoring.weighting`.  No Qt.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace

import numpy as np

from siteselect.analysis import rank_states
from siteselect.errors import InputError
from siteselect.model.dataset import Dataset
from siteselect.model.settings import ScoringSettings, WeightOrigin
from siteselect.scoring.weighting import critic_weights, entropy_weights

OBJECTIVE_METHODS = ("entropy", "critic")
OBJECTIVE_DESCRIPTIONS = {
    "entropy": "entropy of each criterion's figures divided by their column sum: criteria "
               "whose figures differ more between states weigh more",
    "critic": "CRITIC: figures min-max scaled, weight = standard deviation x sum of "
              "(1 - correlation) with the other criteria: criteria that vary and say something "
              "the others do not weigh more",
}


def objective_weights(ds: Dataset, settings: ScoringSettings, ids: Sequence[str],
                      method: str) -> tuple[np.ndarray, int]:
    """(shares in the order of ``ids``, number of states used) for entropy or CRITIC.

    The figures are those of the states ranked under ``settings`` with the named criteria
    weighted equally: the same gates, exclusions, what-if values and missing-data policy, so
    that the states and the filled-in figures do not depend on the current weights.

    Raises
    ------
    InputError
        For fewer than two criteria, an unknown method or id, or figures the method cannot
        use (named).
    """
    if method not in OBJECTIVE_METHODS:
        raise InputError(f"Unknown objective weighting {method!r}; use entropy or critic.")
    ids = list(ids)
    for cid in ids:
        ds.criterion(cid)
    if len(set(ids)) != len(ids):
        raise InputError("Each criterion may be listed once.")
    if len(ids) < 2:
        raise InputError("Objective weights need at least two criteria.")
    even = replace(settings, weights={c: (1.0 if c in ids else 0.0) for c in ds.criterion_ids},
                   disabled=frozenset())
    result = rank_states(ds, even)
    col = {c: j for j, c in enumerate(result.criteria)}
    x = np.asarray(result._values)[:, [col[c] for c in ids]]
    fn = entropy_weights if method == "entropy" else critic_weights
    # Problems are named by the criteria's labels, as planners read them.
    return fn(x, [ds.criterion(c).label for c in ids]), len(result)


def with_shares(ds: Dataset, settings: ScoringSettings, shares: Mapping[str, float],
                total: float = 100.0, origin: WeightOrigin | None = None) -> ScoringSettings:
    """``settings`` with the given criteria at ``share x total`` points and every other at 0.

    Points are rounded to 0.1, as the sliders show them; the criteria named are enabled.
    ``origin`` records how the shares were derived (kept by the settings while their weights
    stay as derived).
    """
    for cid in shares:
        ds.criterion(cid)
    weights = {c: round(float(shares.get(c, 0.0)) * total, 1) for c in ds.criterion_ids}
    if not any(weights.values()):
        raise InputError("The derived weights are all zero.")
    return replace(settings, weights=weights,
                   disabled=frozenset(c for c in settings.disabled if c not in shares),
                   weights_origin=origin)
