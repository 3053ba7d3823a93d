"""Counties as alternatives: their own figures, their state's figures marked as such, and a
ranking within one state checked by hand."""

import csv

import pytest

from siteselect.analysis import dataset_for, rank_states
from siteselect.errors import InputError
from siteselect.model.dataset import data_dir, load_dataset
from siteselect.model.scenario import settings_from_dict, settings_to_dict
from siteselect.model.settings import ScoringSettings


@pytest.fixture(scope="module")
def counties():
    return load_dataset(level="county")


def _county_rows():
    with (data_dir() / "counties" / "county_indicators.csv").open(encoding="utf-8") as fh:
        return {r["fips"]: r for r in csv.DictReader(fh)}


def test_every_county_is_an_alternative_keyed_by_fips_text(counties):
    assert len(counties.states) == 3142 == len(set(counties.states))
    assert counties.level == "county"
    assert "01001" in counties.states  # leading zero kept
    assert counties.alternatives.get("48453").name == "Travis County"
    assert counties.alternatives.get("48453").parent == "TX"
    assert counties.names["48453"] == "Travis County, TX"


def test_a_state_figure_is_inherited_and_labelled_as_such(counties):
    states = load_dataset()
    crit = counties.criterion("tax_incentives")
    assert crit.inherited and crit.label.endswith("(state figure)")
    assert counties.text("48453", crit.column) == states.text("TX", crit.column)
    assert counties.value("48453", "energy_cost") == states.value("TX", "energy_cost")
    own = counties.criterion("county_power_price")
    assert not own.inherited and "(state figure)" not in own.label
    assert own.counterpart == "energy_cost"
    assert "not a tariff" in own.description
    rows = _county_rows()
    assert counties.text("48453", own.column) == rows["48453"]["industrial_price_proxy"]
    assert own.provenance is not None and own.provenance.year == "2018"


def test_a_missing_county_figure_stays_missing(counties):
    rows = _county_rows()
    blank = [f for f, r in rows.items() if r["industrial_price_proxy"] == ""]
    assert blank and all(counties.value(f, "county_power_price") is None for f in blank)


def test_delaware_ranked_by_hand():
    """Three counties; every state figure is the same, so only county criteria separate them."""
    settings = ScoringSettings(level="county", within=("DE",),
                               weights={"county_hazard_loss": 1, "county_population": 1})
    ds = dataset_for(settings)
    assert ds.states == ("10001", "10003", "10005")
    rows = _county_rows()
    hz = {f: float(rows[f]["hazard_eal_score_2021"]) for f in ds.states}
    pop = {f: float(rows[f]["population"]) for f in ds.states}

    def minmax(v, lower):
        lo, hi = min(v.values()), max(v.values())
        return {k: ((hi - x) if lower else (x - lo)) / (hi - lo) for k, x in v.items()}

    nh, npop = minmax(hz, True), minmax(pop, False)
    expected = {f: 100 * (nh[f] + npop[f]) / 2 for f in ds.states}
    result = rank_states(ds, settings)
    got = {r.alternative: r.score for r in result.rows()}
    assert got == pytest.approx(expected)
    assert [r.alternative for r in result.rows()] == sorted(expected, key=lambda f: -expected[f])


def test_settings_keep_their_level_and_state_filter():
    s = ScoringSettings(level="county", within=("tx", "ok"))
    assert s.within == ("OK", "TX") and "county_hazard_loss" in s.weights
    back = settings_from_dict(settings_to_dict(s))
    assert back == s
    assert "level" not in settings_to_dict(ScoringSettings())


def test_mismatched_level_is_refused():
    with pytest.raises(InputError, match="county"):
        rank_states(load_dataset(), ScoringSettings(level="county"))
    with pytest.raises(InputError):
        ScoringSettings(within=("TX",))


def test_the_county_hazard_takes_the_state_hazards_weight_and_gives_it_back():
    from siteselect.analysis import settings_for_places

    states = ScoringSettings(weights={"energy_cost": 20, "hazard_risk": 15})
    down = settings_for_places(states, load_dataset(level="county"))
    assert down.weights["hazard_risk"] == 0 and down.weights["county_hazard_loss"] == 15
    result = rank_states(load_dataset(level="county"), down)
    assert not any("both carry weight" in w for w in result.warnings)
    up = settings_for_places(down, load_dataset())
    assert up.weights["hazard_risk"] == 15 and up.weights["energy_cost"] == 20
    assert "county_hazard_loss" not in up.weights
