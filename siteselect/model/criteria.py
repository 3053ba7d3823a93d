"""The criteria catalogue: what a planner can weigh, in which unit and which way is better.

The catalogue is data: ``data/criteria.csv`` (read by :mod:`siteselect.model.catalogue`, the
same reader a planner's own criteria go through).  Each :class:`Criterion` is bound to one
column of ``data/state_indicators.csv``; its provenance comes from ``data/columns.csv`` when
the dataset is loaded (see :mod:`siteselect.model.dataset`), so a source is stated once, in
the data.  Categorical columns carry an explicit, documented encoding onto numbers.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

LOWER = "lower_is_better"
HIGHER = "higher_is_better"

#: Plausible-range bounds (inclusive; None = unbounded) checked when the data are loaded.
#: Quantities that cannot be negative are also capped at 1e15, far above any state-level
#: figure (the largest shipped one is about 3e10 USD), so an overflowing typo such as 1e308
#: is refused.
QUANTITY_CAP = 1e15
NON_NEGATIVE: tuple[float | None, float | None] = (0.0, QUANTITY_CAP)
PERCENT: tuple[float | None, float | None] = (0.0, 100.0)
ANY_FINITE: tuple[float | None, float | None] = (None, None)


@dataclass(frozen=True)
class Provenance:
    """Where a column's figures come from (one row of ``columns.csv``)."""

    source: str
    url: str
    year: str
    status: str
    unit: str
    coverage: str = ""
    notes: str = ""


@dataclass(frozen=True)
class Criterion:
    """A criterion a planner can weigh.

    ``encoding`` maps the text of a categorical column onto numbers (higher = more of what the
    label says, the direction then says which end is better); it is empty for numeric columns.

    ``valid_range`` is the inclusive range (None = unbounded) a figure must lie in for the
    dataset to load; it rejects typing slips such as a negative price or a share above 100 %.
    ``decimals`` is the number of decimals every figure of the column is shown with; the
    loader sets it to the most decimals used in the column, so a column reads consistently
    (None until then: the figure's own precision is shown).
    """

    id: str
    column: str
    label: str
    unit: str
    direction: str
    description: str
    group: str
    default_weight: float = 0.0
    encoding: dict[str, float] = field(default_factory=dict)
    encoding_note: str = ""
    provenance: Provenance | None = None
    #: a text column citing the sources state by state, where no single URL covers the figures
    sources_column: str = ""
    valid_range: tuple[float | None, float | None] = ANY_FINITE
    decimals: int | None = None
    #: How far a figure may be off, for sensitivity analysis: ("relative", 0.03) = ±3 %,
    #: ("absolute", 0.5) = ±0.5 in the criterion's unit, ("category", 1) = one label either
    #: way; None = taken as exact.  ``uncertainty_basis`` says where the range comes from.
    uncertainty: tuple[str, float] | None = None
    uncertainty_basis: str = ""
    #: At county level: the state criterion this county one stands in for (the planner weighs
    #: one or the other, e.g. the county price proxy or the state industrial price).
    counterpart: str = ""
    #: At county level: True for a state's figure that every county of the state carries.
    inherited: bool = False
    #: The planner's own table the figures come from ('' = shipped data).
    table: str = ""

    def uncertainty_text(self) -> str:
        """``±3 %``, ``±0.5 cents/kWh``, ``±1 category``; '' when the figures are taken as exact."""
        if self.uncertainty is None:
            return ""
        kind, amount = self.uncertainty
        if kind == "relative":
            return f"\u00b1{100 * amount:g} %"
        if kind == "category":
            return f"\u00b1{amount:g} categor{'y' if amount == 1 else 'ies'}"
        return f"\u00b1{amount:g} {self.unit}"

    def range_text(self) -> str:
        """``valid_range`` as a planner reads it, e.g. 'from 0 to 100' or 'at least 0'."""
        lo, hi = self.valid_range
        if lo is not None and hi is not None:
            return f"from {lo:g} to {hi:g}"
        if lo is not None:
            return f"at least {lo:g}"
        if hi is not None:
            return f"at most {hi:g}"
        return "any finite number"

    def in_range(self, value: float) -> bool:
        """Whether a finite figure lies within ``valid_range``."""
        lo, hi = self.valid_range
        return (lo is None or value >= lo) and (hi is None or value <= hi)

    @property
    def url_note(self) -> str:
        """Why the criterion has no single source URL and where its sources are, else ''."""
        if not self.sources_column or (self.provenance and self.provenance.url):
            return ""
        return (
            "No single URL: the sources are cited state by state in the "
            f"{self.sources_column} column of data/state_indicators.csv."
        )

    @property
    def lower_is_better(self) -> bool:
        return self.direction == LOWER

    @property
    def is_categorical(self) -> bool:
        return bool(self.encoding)

    def label_for(self, value: float | None) -> str | None:
        """The category label of an encoded value (categorical criteria), else None."""
        if value is None or not self.encoding:
            return None
        names = [k for k, v in self.encoding.items() if v == value]
        return " / ".join(names) if names else None

    def format_value(self, value: float | None, *, with_unit: bool = True) -> str:
        """A value as a planner reads it: category label, or number with its unit.

        Numbers carry ``decimals`` decimals (thousands separated by commas), so every figure
        of a column shows the same precision.
        """
        if value is None or value != value:
            return "missing"
        if self.encoding:
            return self.label_for(value) or f"{value:g}"
        if self.decimals is not None:
            text = f"{value:,.{self.decimals}f}"
        elif abs(value) >= 1e5:
            text = f"{value:,.0f}"
        elif abs(value) >= 100:
            text = f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"
        else:
            text = f"{value:.4g}" if abs(value) < 1 else f"{value:.2f}".rstrip("0").rstrip(".")
        if not with_unit or not self.unit:
            return text
        if self.unit == "%":
            return text + " %"
        return f"{text} {self.unit}"


CRITERIA_FILE = "criteria.csv"
NOT_CRITERIA_FILE = "not_criteria.csv"


def catalogue(folder: str | os.PathLike[str] | None = None) -> tuple[Criterion, ...]:
    """The criteria catalogue: ``criteria.csv`` in the data folder (see
    :mod:`siteselect.model.catalogue` for its columns), read once per folder.

    The criteria carry no provenance here; :func:`siteselect.model.dataset.load_dataset`
    attaches it from ``columns.csv`` of the same folder.

    Raises
    ------
    DataError
        Listing every problem in the file, each with its line and column.
    """
    if folder is None:
        from siteselect.model.dataset import data_dir

        folder = data_dir()
    return _catalogue_at(str(Path(folder).resolve()))


@lru_cache(maxsize=8)
def _catalogue_at(folder: str) -> tuple[Criterion, ...]:
    from siteselect.model.catalogue import load_catalogue

    return load_catalogue(Path(folder) / CRITERIA_FILE)


def not_criteria(folder: str | os.PathLike[str] | None = None) -> dict[str, str]:
    """Columns of the shipped data deliberately not offered as criteria, and why
    (``not_criteria.csv``)."""
    from siteselect.model.catalogue import read_table

    if folder is None:
        from siteselect.model.dataset import data_dir

        folder = data_dir()
    header, rows, problems = read_table(Path(folder) / NOT_CRITERIA_FILE)
    if problems or header[:2] != ["column", "reason"]:
        return {}
    return {cells[0]: cells[1] for _line, cells in rows if len(cells) >= 2}


def __getattr__(name: str) -> object:
    # CATALOGUE and NOT_CRITERIA read the data folder when first asked for, not at import.
    if name == "CATALOGUE":
        return catalogue()
    if name == "NOT_CRITERIA":
        return not_criteria()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def catalogue_ids() -> tuple[str, ...]:
    """Ids of all criteria in catalogue order."""
    return tuple(c.id for c in catalogue())


def default_weights(level: str = "state") -> dict[str, float]:
    """The built-in default weighting in points (see README.md); at county level the county
    criteria's defaults are added to the states'."""
    out = {c.id: c.default_weight for c in catalogue()}
    if level == "county":
        for c in county_catalogue():
            out[c.id] = c.default_weight
            if c.counterpart and c.default_weight > 0:
                # The county figure stands in for the state one (counted once, not twice).
                out[c.counterpart] = 0.0
    return out


def county_catalogue(folder: str | os.PathLike[str] | None = None) -> tuple[Criterion, ...]:
    """The county criteria (``counties/county_criteria.csv``), without provenance."""
    if folder is None:
        from siteselect.model.paths import data_dir

        folder = data_dir()
    return _county_catalogue_at(str(Path(folder).resolve()))


@lru_cache(maxsize=8)
def _county_catalogue_at(folder: str) -> tuple[Criterion, ...]:
    from siteselect.model.catalogue import load_catalogue

    return load_catalogue(Path(folder) / "counties" / "county_criteria.csv")


def level_criteria(level: str = "state") -> dict[str, Criterion]:
    """Every shipped criterion a ranking at ``level`` can use, by id."""
    out = {c.id: c for c in catalogue()}
    if level == "county":
        out.update({c.id: c for c in county_catalogue()})
    return out
