"""The criteria catalogue: what a planner can weigh, in which unit and which way is better.

Each :class:`Criterion` is bound to one column of ``data/state_indicators.csv``; its
provenance comes from ``data/columns.csv`` when the dataset is loaded (see
:mod:`siteselect.model.dataset`), so a source is stated once, in the data.  Categorical
columns carry an explicit, documented encoding onto numbers.
"""

from __future__ import annotations

from dataclasses import dataclass, field

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


# The catalogue.  Default weights are points that the engine normalises to shares; they are
# explained in README.md ("Default weighting").
CATALOGUE: tuple[Criterion, ...] = (
    Criterion(
        "energy_cost", "industrial_price_cents_kwh", "Energy cost (industrial)", "cents/kWh",
        LOWER,
        "Average industrial electricity price; power is the largest running cost of a "
        "gigawatt campus, so every cent per kWh is roughly $80M a year.",
        "Energy", 25.0,
        valid_range=NON_NEGATIVE,
    ),
    Criterion(
        "power_capacity", "net_summer_capacity_mw", "Generating capacity", "MW", HIGHER,
        "Net summer generating capacity in the state; a larger system can absorb a 1 GW load "
        "with less new generation and transmission.",
        "Energy", 10.0,
        valid_range=NON_NEGATIVE,
    ),
    Criterion(
        "grid_co2", "co2_lb_per_mwh", "Grid CO2 rate", "lb/MWh", LOWER,
        "CO2 emitted per MWh generated in the state; drives the campus's Scope 2 emissions "
        "and clean-energy commitments.",
        "Energy", 5.0,
        valid_range=NON_NEGATIVE,
    ),
    Criterion(
        "clean_power", "clean_share_pct", "Clean generation share", "%", HIGHER,
        "Share of in-state generation from nuclear and renewables; availability of "
        "carbon-free supply for 24/7 clean-power goals.",
        "Energy",
        valid_range=PERCENT,
    ),
    Criterion(
        "renewable_power", "renewable_share_pct", "Renewable generation share", "%", HIGHER,
        "Share of in-state generation from renewables (clean share without nuclear); matters "
        "to buyers whose goals exclude nuclear.",
        "Energy",
        valid_range=PERCENT,
    ),
    Criterion(
        "commercial_energy_cost", "commercial_price_cents_kwh", "Energy cost (commercial)",
        "cents/kWh", LOWER,
        "Average commercial electricity price; relevant where a campus buys at commercial "
        "rather than industrial rates.",
        "Energy",
        valid_range=NON_NEGATIVE,
    ),
    Criterion(
        "energy_cost_2023", "industrial_price_2023_cents_kwh",
        "Energy cost (industrial, 2023 final)",
        "cents/kWh", LOWER,
        "Final 2023 industrial electricity price, for planners who prefer final to "
        "preliminary figures.",
        "Energy",
        valid_range=NON_NEGATIVE,
    ),
    Criterion(
        "retail_choice", "retail_choice", "Retail electricity choice", "category", HIGHER,
        "Whether large customers may buy power from competitive suppliers; choice widens "
        "the options for power purchase agreements.",
        "Energy", 0.0, {"yes": 1.0, "partial": 0.5, "no": 0.0},
        "yes = 1, partial = 0.5, no = 0",
    ),
    Criterion(
        "tax_incentives", "dc_sales_tax_exemption", "Data-center sales-tax exemption",
        "category", HIGHER,
        "Whether data-center equipment is exempt from state sales/use tax; servers are "
        "replaced every few years, so the exemption is worth hundreds of millions over a "
        "campus's life.",
        "Taxes and regulation", 15.0,
        {"yes": 1.0, "n/a": 1.0, "limited": 0.5, "no": 0.0},
        "yes or n/a (no statewide sales tax) = 1, limited = 0.5, no = 0, blank (undetermined) "
        "= missing",
        sources_column="dc_incentive_sources",
    ),
    Criterion(
        "regulation", "regulatory_policy_score", "Regulatory freedom", "index", HIGHER,
        "Cato's regulatory-policy freedom score (higher = lighter regulation); a proxy for "
        "permitting friction, land-use and labour rules.",
        "Taxes and regulation", 10.0,
        valid_range=ANY_FINITE,
    ),
    Criterion(
        "corporate_tax", "corporate_income_tax_top_rate_pct", "Corporate income tax rate",
        "%", LOWER,
        "Top marginal state corporate income tax rate; 0 where there is none.",
        "Taxes and regulation",
        valid_range=PERCENT,
    ),
    Criterion(
        "gross_receipts_tax", "gross_receipts_tax", "Gross receipts tax", "category", LOWER,
        "Whether the state levies a gross receipts tax, which is owed on revenue even "
        "without profit.",
        "Taxes and regulation", 0.0, {"yes": 1.0, "yes (local only)": 0.5, "no": 0.0},
        "yes = 1, yes (local only) = 0.5 (Virginia: localities levy it), no = 0",
    ),
    Criterion(
        "sales_tax_rate", "state_sales_tax_rate_pct", "State sales tax rate", "%", LOWER,
        "State-level sales tax rate; matters for purchases an exemption does not cover.",
        "Taxes and regulation",
        valid_range=PERCENT,
    ),
    Criterion(
        "tax_climate", "tax_climate_rank", "Tax competitiveness rank", "rank (1 = best)",
        LOWER,
        "Tax Foundation's overall State Tax Competitiveness Index rank; the whole tax "
        "structure in one number.",
        "Taxes and regulation",
        valid_range=(1.0, 51.0),
    ),
    Criterion(
        "talent", "computer_math_employment", "Tech workforce", "jobs", HIGHER,
        "Computer and mathematical jobs in the state; the pool from which a campus hires "
        "engineers and operators.",
        "Talent", 15.0,
        valid_range=NON_NEGATIVE,
    ),
    Criterion(
        "talent_density", "computer_math_jobs_per_1000", "Tech workforce density",
        "per 1,000 jobs", HIGHER,
        "Computer and mathematical jobs per 1,000 jobs; depth of the tech labour market "
        "relative to its size.",
        "Talent",
        valid_range=(0.0, 1000.0),
    ),
    Criterion(
        "tech_wage", "computer_math_annual_mean_wage_usd", "Tech labour cost", "USD", LOWER,
        "Mean annual wage of computer and mathematical occupations, read as a labour cost "
        "(lower is cheaper); a high wage also signals a deep market.",
        "Talent",
        valid_range=NON_NEGATIVE,
    ),
    Criterion(
        "electricians", "electricians_employment", "Electricians", "jobs", HIGHER,
        "Electricians employed in the state; the trade that builds and runs a campus.",
        "Talent",
        valid_range=NON_NEGATIVE,
    ),
    Criterion(
        "education", "bachelors_or_higher_pct", "Bachelor's degree or higher", "%", HIGHER,
        "Adults 25+ with at least a bachelor's degree; breadth of the educated workforce.",
        "Talent",
        valid_range=PERCENT,
    ),
    Criterion(
        "population", "population", "Population", "persons", HIGHER,
        "Resident population; a rough gauge of market size and labour supply.",
        "Talent",
        valid_range=NON_NEGATIVE,
    ),
    Criterion(
        "hazard_risk", "hazard_expected_loss_score", "Natural-hazard expected loss",
        "score 0-100", LOWER,
        "FEMA's relative expected annual loss from 18 natural hazards; proxy for outage, "
        "insurance and resilience costs.",
        "Site risk", 10.0,
        valid_range=(0.0, 100.0),
    ),
    Criterion(
        "hazard_loss_usd", "hazard_expected_loss_usd", "Natural-hazard expected loss (USD)",
        "USD per year", LOWER,
        "FEMA's expected annual loss in dollars for the whole state; grows with state size "
        "and exposure, so weigh it with care.",
        "Site risk",
        valid_range=NON_NEGATIVE,
    ),
    Criterion(
        "water_stress", "water_stress", "Baseline water stress", "category", LOWER,
        "WRI Aqueduct baseline water stress; evaporative cooling can draw millions of "
        "gallons a day, and stressed basins bring permits and opposition.",
        "Site risk", 10.0,
        {"Low": 0.0, "Low-medium": 0.25, "Medium-high": 0.5, "High": 0.75,
         "Extremely high": 1.0},
        "Low = 0, Low-medium = 0.25, Medium-high = 0.5, High = 0.75, Extremely high = 1",
    ),
    Criterion(
        "climate_temp", "avg_temp_f", "Average temperature", "°F", LOWER,
        "Average annual temperature 1991-2020; cooler air means more free-cooling hours.",
        "Site risk",
        valid_range=(-60.0, 130.0),
    ),
    Criterion(
        "cooling_demand", "cooling_degree_days", "Cooling degree days", "°F-days/yr", LOWER,
        "Cooling degree days 1991-2020 (base 65 °F); a measure of the cooling load.",
        "Site risk",
        valid_range=NON_NEGATIVE,
    ),
)

#: Columns of the shared data that are deliberately not offered as criteria, and why.
NOT_CRITERIA: dict[str, str] = {
    "regulatory_policy_rank": "the rank of regulatory_policy_score; weighing both counts it twice",
    "hazard_expected_loss_rating": "the banded form of hazard_expected_loss_score",
    "right_to_work": "no agreed direction for a data-center site; part of the regulation score",
    "dc_incentive_min_investment_usd": "covers 23 of 51 states (blank where no threshold exists)",
    "existing_data_centers": "covers only the 21 states with the most data centers",
    "grid_operator": "a name, not a measure (shown in the state details)",
    "grid_operator_detail": "text",
    "dc_incentive_note": "text (shown in the state details)",
    "dc_incentive_sources": "text",
    "dc_moratorium_or_restriction": "text (shown in the state details)",
    "water_stress_note": "text",
}


def catalogue_ids() -> tuple[str, ...]:
    """Ids of all criteria in catalogue order."""
    return tuple(c.id for c in CATALOGUE)


def default_weights() -> dict[str, float]:
    """The built-in default weighting in points (see README.md)."""
    return {c.id: c.default_weight for c in CATALOGUE}
