"""Glue between the dataset and the scoring engine, shared by the CLI, the window and exports.

:func:`rank_states` validates a :class:`~siteselect.model.settings.ScoringSettings` against a
:class:`~siteselect.model.dataset.Dataset`, applies what-if overrides to a copy of the decision
matrix and calls :func:`siteselect.scoring.score`.  No Qt, no file writing.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from siteselect.errors import InputError, SiteSelectError
from siteselect.model.dataset import Dataset, load_dataset
from siteselect.model.scenario import Scenario, quoted
from siteselect.model.settings import ScoringSettings
from siteselect.model.tables import apply_tables
from siteselect.scoring import ScoringResult, score_matrix
from siteselect.scoring.sensitivity import DataSpread

if TYPE_CHECKING:  # pragma: no cover
    from siteselect.model.owndata import ImportedTable


def dataset_for(settings: ScoringSettings, tables: Sequence[ImportedTable] = (),
                folder: str | None = None) -> Dataset:
    """The figures the settings rank: the shipped states or counties (of ``within``), with
    the planner's ``tables`` applied."""
    if not tables:
        return load_dataset(folder, level=settings.level, within=settings.within)
    ds = apply_tables(load_dataset(folder, level=settings.level), tables)
    return ds.within(settings.within) if settings.within else ds


def settings_for_places(settings: ScoringSettings, ds: Dataset, *,
                        defaults: bool = True) -> ScoringSettings:
    """``settings`` carried to rank what ``ds`` holds (its level and states).

    Weights, gates and disabled criteria go along where ``ds`` has their criteria (every state
    criterion is a county criterion too, as a state figure; a planner's table at the same
    level too); with ``defaults``, criteria ``ds`` adds start at their default weights.
    Exclusions and what-if figures go along where they name places of ``ds``; from states to
    counties a state stands for its counties (an excluded state excludes them, a state
    figure's what-if applies to each of them); the rest are dropped.
    """
    from dataclasses import replace

    from siteselect.model.criteria import default_weights

    if (settings.level, settings.within) == (ds.level, ds.scope):
        return settings
    ids = set(ds.criterion_ids)
    weights = {c: w for c, w in settings.weights.items() if c in ids}
    if defaults:
        for c, w in default_weights(ds.level).items():
            if c in ids:
                weights.setdefault(c, w)
        # A county criterion standing in for a state one by default (county hazard for
        # state hazard) takes over its weight on the way down and gives it back on the way up.
        for crit in ds.criteria if ds.level == "county" else ():
            if crit.counterpart and crit.default_weight > 0 and crit.id not in settings.weights:
                weights[crit.id] = weights.get(crit.counterpart, crit.default_weight)
                weights[crit.counterpart] = 0.0
        if ds.level == "state" and settings.level == "county":
            from siteselect.model.criteria import county_catalogue

            for crit in county_catalogue():
                if crit.counterpart in ids and crit.default_weight > 0 and \
                        not weights.get(crit.counterpart):
                    weights[crit.counterpart] = settings.weights.get(crit.id, 0.0)
    exclude: tuple[str, ...] = ()
    overrides: tuple = ()
    if settings.level == ds.level:
        exclude = tuple(c for c in settings.exclude if c in ds.alternatives)
        overrides = tuple(o for o in settings.overrides if o.state in ds.alternatives)
    elif settings.level == "state" and ds.level == "county":
        parents = {a.parent for a in ds.alternatives}
        exclude = tuple(a.code for a in ds.alternatives if a.parent in set(settings.exclude))
        overrides = tuple(replace(o, state=a.code) for o in settings.overrides
                          if o.state in parents and o.criterion in ids
                          for a in ds.alternatives if a.parent == o.state)
    return replace(settings, level=ds.level, within=ds.scope, weights=weights,
                   disabled=frozenset(c for c in settings.disabled if c in ids),
                   gates=tuple(g for g in settings.gates if g.criterion in ids),
                   exclude=exclude, overrides=overrides)


def validate_settings(ds: Dataset, settings: ScoringSettings) -> None:
    """Check the level, every criterion id and every code that the settings mention.

    Raises
    ------
    InputError
        Naming the first unknown id or code.
    """
    if ds.level != settings.level or (ds.level == "county" and ds.scope != settings.within):
        have = ds.level + (f" within {','.join(ds.scope)}" if ds.scope else "")
        want = settings.level + (f" within {','.join(settings.within)}"
                                 if settings.within else "")
        raise InputError(f"These settings rank at {want}, but the figures are at {have}.")
    known = set(ds.criterion_ids)
    for cid in list(settings.weights) + list(settings.disabled):
        if cid not in known:
            ds.criterion(cid)  # raises with the list of valid ids
    for g in settings.gates:
        if g.criterion not in known:
            raise InputError(
                f"Unknown criterion {g.criterion!r} in the gate '{g}'. Known criteria: "
                f"{', '.join(ds.criterion_ids)}."
            )
    ds.check_states(settings.exclude)
    for o in settings.overrides:
        ds.check_states([o.state])
        ds.criterion(o.criterion)
        if not math.isfinite(o.value):
            raise InputError(f"The what-if value for {o.state} {o.criterion} must be a number.")


def rank_states(ds: Dataset, settings: ScoringSettings) -> ScoringResult:
    """Score every state under the given settings.

    Raises
    ------
    InputError, ScoringError
        With a message a planner can act on.
    """
    validate_settings(ds, settings)
    dm = ds.decision_matrix
    if settings.overrides:
        dm = dm.with_values((o.state, o.criterion, o.value) for o in settings.overrides)
    points = settings.effective_points()
    result = score_matrix(
        dm,
        [float(points.get(c, 0.0)) for c in dm.criteria],
        method=settings.method,
        normalization=settings.normalization,
        gates=settings.gates,
        exclude=settings.exclude,
        missing=settings.missing,
    )
    both = [(c.id, c.counterpart) for c in ds.criteria if c.counterpart
            and points.get(c.id, 0) > 0 and points.get(c.counterpart, 0) > 0]
    if both:
        from dataclasses import replace

        result = replace(result, warnings=result.warnings + tuple(
            f"{ds.criterion(a).label} and {ds.criterion(b).label} both carry weight: they "
            "measure the same thing at county and state level, so it counts twice; weigh one "
            "of them" for a, b in both))
    return result


def overridden(settings: ScoringSettings) -> set[tuple[str, str]]:
    """(state, criterion) pairs replaced by a what-if override."""
    return {(o.state, o.criterion) for o in settings.overrides}


def data_spreads(ds: Dataset, criteria: Iterable[str] | None = None) -> dict[str, DataSpread]:
    """Each criterion's uncertainty range from the catalogue, as sensitivity analysis uses it
    (criteria whose figures are taken as exact are left out)."""
    out: dict[str, DataSpread] = {}
    for crit in ds.criteria:
        if crit.uncertainty is None or (criteria is not None and crit.id not in criteria):
            continue
        kind, amount = crit.uncertainty
        levels = tuple(sorted(set(crit.encoding.values()))) if crit.encoding else ()
        out[crit.id] = DataSpread(kind, amount, levels)
    return out


def check_scorable(ds: Dataset, scenario: Scenario, where: str) -> None:
    """Refuse a scenario that can never be scored against ``ds`` (every weight zero, gates no
    state passes, ...), naming the settings field at fault.

    Raises
    ------
    InputError
        ``WHERE: scenario "NAME" can never be scored (field "gates"): why``.
    """
    try:
        rank_states(ds, scenario.settings)
    except SiteSelectError as exc:
        text = exc.message.casefold()
        field = next((f for f in ("weights", "gates", "exclude", "overrides")
                      if f.rstrip("s") in text), "settings")
        raise InputError(f"{where}: scenario {quoted(scenario.name)} can never be scored "
                         f"(field \"{field}\"): {exc.message}") from None
