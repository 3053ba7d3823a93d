"""Weighted multi-criteria scoring: numpy only, no Qt, no I/O.

The public surface is :func:`score` and the value types it returns; the math lives in bare
numpy functions (:mod:`.normalization`, :mod:`.methods`) that later work (Monte Carlo weight
sampling, weight sweeps) can call in bulk.
"""

from siteselect.scoring.engine import (
    HIGHER,
    LOWER,
    MISSING_POLICIES,
    DecisionMatrix,
    Exclusion,
    GateFailure,
    RankedRow,
    ScoringResult,
    competition_ranks,
    effective_weights,
    score,
    score_matrix,
)
from siteselect.scoring.gates import Gate, parse_gate
from siteselect.scoring.methods import METHOD_NAMES, METHODS
from siteselect.scoring.normalization import NORMALIZATIONS

__all__ = [
    "HIGHER",
    "LOWER",
    "METHODS",
    "METHOD_NAMES",
    "MISSING_POLICIES",
    "NORMALIZATIONS",
    "DecisionMatrix",
    "Exclusion",
    "Gate",
    "GateFailure",
    "RankedRow",
    "ScoringResult",
    "competition_ranks",
    "effective_weights",
    "parse_gate",
    "score",
    "score_matrix",
]
