"""Texts shown about a state (tooltips, detail panel): one place, so they always agree."""

from __future__ import annotations

import re
from html import escape

from siteselect.model import wording
from siteselect.model.dataset import Dataset
from siteselect.model.settings import ScoringSettings
from siteselect.scoring import ScoringResult


def _override(settings: ScoringSettings, state: str, cid: str):
    for o in settings.overrides:
        if o.state == state and o.criterion == cid:
            return o
    return None


def raw_value_text(ds: Dataset, settings: ScoringSettings, state: str, cid: str,
                   with_unit: bool = True) -> str:
    """The figure as a planner reads it (category label or number with unit), or 'missing'.

    A what-if figure is marked "(what-if)"; :func:`what_if_text` says it in full.
    """
    o = _override(settings, state, cid)
    if o is not None:
        return ds.format_value(state, cid, o.value, with_unit=with_unit) + " (what-if)"
    return ds.format_value(state, cid, with_unit=with_unit)


def what_if_text(ds: Dataset, settings: ScoringSettings, state: str, cid: str) -> str | None:
    """``4 cents/kWh (what-if) \u2014 published: 7.2 cents/kWh`` for an overridden figure,
    else None.

    The published figure is the dataset's own ("missing" where it has none); its source and
    year are those of the criterion.
    """
    o = _override(settings, state, cid)
    if o is None:
        return None
    assumed = ds.format_value(state, cid, o.value)
    published = ds.format_value(state, cid)
    return f"{assumed} (what-if) \u2014 published: {published}"


def year_of(ds: Dataset, cid: str) -> str:
    p = ds.criterion(cid).provenance
    return p.year if p else ""


def exclusion_text(ds: Dataset, settings: ScoringSettings, result: ScoringResult,
                   state: str) -> str | None:
    """Why a state is not ranked, in the planner's words (labels, units), None if ranked.

    Every gate the state fails is named, each with the state's figure.
    """
    for e in result.excluded:
        if e.alternative == state:
            return wording.exclusion_text(ds, e, settings)
    return None


note_text = wording.note_text


def rank_text(result: ScoringResult, state: str) -> str:
    i = result.position(state)
    if i is None:
        return "not ranked"
    return f"rank {int(result.ranks[i])} of {len(result)}"


def state_tooltip(ds: Dataset, settings: ScoringSettings, result: ScoringResult, state: str,
                  extra: str | None = None) -> str:
    """Rich-text tooltip: name, rank, score and each weighted criterion's figure, unit, year."""
    name = escape(ds.names.get(state, state))
    lines = [f"<b>{name}</b> ({state})"]
    i = result.position(state)
    if i is None:
        reason = exclusion_text(ds, settings, result, state) or "not ranked"
        lines.append(f"<span style='color:#a33'>Not ranked: {escape(reason)}</span>")
    else:
        lines.append(f"Rank <b>{int(result.ranks[i])}</b> of {len(result)} &mdash; "
                     f"score <b>{float(result.scores[i]):.1f}</b>")
    missing = {c for a, c in result.missing if a == state}
    cids = list(result.criteria)
    if extra and extra not in cids:
        cids.append(extra)
    rows = []
    for cid in cids:
        crit = ds.criterion(cid)
        text = raw_value_text(ds, settings, state, cid)
        what_if = what_if_text(ds, settings, state, cid)
        note = ""
        if what_if is not None:
            text = escape(what_if)
        elif cid in missing or text == "missing":
            text = "<i>missing</i>"
            if cid in missing:
                policy = result.missing_policy
                note = (" &mdash; scored as the worst candidate" if policy == "worst" else
                        " &mdash; scored as the mean" if policy == "mean" else "")
        else:
            text = escape(text)
        weight = result.weights.get(cid)
        share = f" <span style='color:#666'>({weight:.0%})</span>" if weight else ""
        rows.append(f"<tr><td>{escape(crit.label)}{share}</td><td>&nbsp;{text}{note}</td>"
                    f"<td style='color:#666'>&nbsp;{escape(year_of(ds, cid))}</td></tr>")
    if rows:
        lines.append("<table cellspacing=0 cellpadding=0>" + "".join(rows) + "</table>")
    return "<br>".join(lines[:2]) + ("" if not rows else lines[-1] if len(lines) > 2 else "")


def planner_message(ds: Dataset, settings: ScoringSettings, message: str) -> str:
    """An engine message (``the gate energy_cost<=2 fails 51``, ``tax_incentives: missing
    for NM``) in the planner's words: each gate of the settings as its rule with label and
    unit, each criterion id as its label.  Text that names neither is left as it is."""
    for gate in sorted(settings.gates, key=lambda g: -len(str(g))):
        message = message.replace(str(gate), wording.gate_text(ds, gate))
    ids = sorted(ds.criterion_ids, key=len, reverse=True)
    pattern = re.compile(r"(?<![\w.])(" + "|".join(map(re.escape, ids)) + r")(?![\w])")
    return pattern.sub(lambda m: ds.criterion(m.group(1)).label, message)


def settings_summary(result: ScoringResult) -> str:
    """``weighted sum \u00b7 min-max scaling \u00b7 missing figures scored as the worst``."""
    return " \u00b7 ".join((wording.method_label(result.method),
                            wording.normalization_label(result.normalization, result.method),
                            wording.missing_label(result.missing_policy)))


#: Longest scenario name shown whole in a status bar, list, menu or title (names may have
#: up to 100 characters; the whole name is always in the tooltip).
NAME_SHOWN = 40


def short_name(name: str, limit: int = NAME_SHOWN) -> str:
    """``name``, or its start and an ellipsis when longer than ``limit`` characters."""
    name = " ".join(name.split())
    return name if len(name) <= limit else name[: limit - 1].rstrip() + "\u2026"
