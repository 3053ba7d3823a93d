"""Hard constraints (gates): thresholds a candidate must meet to be ranked at all.

A gate is written ``ID<=X``, ``ID>=X``, ``ID<X``, ``ID>X`` or ``ID==X`` and is checked on the raw
(encoded) value before any normalisation.  A candidate whose value is missing cannot be shown to
pass and is excluded with that reason: a gate is never averaged away.
"""

from __future__ import annotations

import operator
import re
from dataclasses import dataclass

from siteselect.errors import InputError

_OPS = {
    "<=": operator.le,
    ">=": operator.ge,
    "<": operator.lt,
    ">": operator.gt,
    "==": operator.eq,
}
_GATE_RE = re.compile(r"^\s*([A-Za-z_][A-Za-z0-9_]*)\s*(<=|>=|==|<|>|=)\s*([^\s]+)\s*$")


@dataclass(frozen=True)
class Gate:
    """A threshold on one criterion, e.g. ``Gate("energy_cost", "<=", 9.0)``."""

    criterion: str
    op: str
    threshold: float

    def __post_init__(self) -> None:
        if self.op not in _OPS:
            raise InputError(f"Unknown comparison {self.op!r} in a gate; use <=, >=, <, > or ==.")

    def passes(self, value):
        """True where ``value`` meets the threshold (NaN never passes)."""
        return _OPS[self.op](value, self.threshold)

    def __str__(self) -> str:
        return f"{self.criterion}{self.op}{self.threshold:g}"


def parse_gate(text: str) -> Gate:
    """Parse ``'energy_cost<=9'`` into a :class:`Gate`; a single ``=`` means ``==``.

    Raises
    ------
    InputError
        When the text is not ``ID`` followed by a comparison and a number.
    """
    m = _GATE_RE.match(text)
    if not m:
        raise InputError(
            f"Cannot read the gate {text!r}: write it as ID<=NUMBER, for example 'energy_cost<=9'."
        )
    crit, op, raw = m.groups()
    try:
        value = float(raw)
    except ValueError:
        raise InputError(f"The gate {text!r} needs a number after {op!r}, not {raw!r}.") from None
    if value != value or value in (float("inf"), float("-inf")):
        raise InputError(f"The gate {text!r} needs a finite number.")
    return Gate(crit, "==" if op == "=" else op, value)
