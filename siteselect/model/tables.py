"""Planners' own tables applied to the shipped figures, and which versions a scenario uses.

A table (:class:`~siteselect.model.owndata.ImportedTable`) either adds criteria (group "Your
data", weight 0 until the planner sets one) or replaces the figures of a shipped criterion (a
newer release of a column) with its own provenance.  :func:`apply_tables` returns a new
:class:`~siteselect.model.dataset.Dataset`; the shipped one is never changed.

A saved scenario records the tables it was scored with as :class:`TableRef` (name, version,
content hash) and keeps using those versions until the planner accepts newer ones;
:func:`figures_notice` says, in words, what is newer.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from siteselect.errors import DataError
from siteselect.model.scenario import TableRef, quoted

if TYPE_CHECKING:  # pragma: no cover
    from siteselect.model.dataset import Dataset
    from siteselect.model.owndata import ImportedTable

#: The group a table's new criteria are listed under.
OWN_GROUP = "Your data"


def _decimals(cells: Iterable[str]) -> int:
    """The dataset's count of decimals, capped: a spreadsheet's binary float
    (4.3999999999999995) is shown as a planner wrote it."""
    from siteselect.model.dataset import _decimals as written_decimals

    return min(written_decimals(cells), MAX_DECIMALS)


#: Most decimals a figure of a planner's table is shown with.
MAX_DECIMALS = 6


def apply_tables(ds: Dataset, tables: Sequence[ImportedTable]) -> Dataset:
    """``ds`` with every table's figures: new criteria added, known ones replaced.

    Tables of another level are skipped (a county table does not apply to states).  Later
    tables win where two give the same criterion.

    Raises
    ------
    DataError
        If a table's figures do not fit the dataset (its alternatives differ).
    """
    if not tables:
        return ds
    from siteselect.model.dataset import _encode

    criteria = list(ds.criteria)
    index = {c.id: i for i, c in enumerate(criteria)}
    raw = dict(ds.raw)
    encoded = dict(ds.encoded)
    provenance = dict(ds.provenance)
    codes = ds.alternatives.codes
    position = {c: i for i, c in enumerate(codes)}
    rows = [position[c] for c in ds.states]
    applied: list[str] = []
    for table in tables:
        inherit = table.level == "state" and ds.level == "county"
        if table.level != ds.level and not inherit:
            continue
        if inherit:
            # A state table at county level: each county carries its state's figure.
            from siteselect.model.alternatives import load_alternatives

            states = load_alternatives("state")
            src_rows = [states.position(ds.alternatives.get(c).parent) for c in ds.states]
            expected = len(states)
        else:
            src_rows, expected = rows, len(codes)
        for crit in table.criteria:
            cells = table.values[crit.id]
            if len(cells) != expected:
                raise DataError(f"The table {quoted(table.name)} has {len(cells)} rows for "
                                f"{expected} {table.level} alternatives.")
            column = f"{table.name}:{crit.id}"
            ordered = tuple(cells[i] for i in src_rows)
            raw[column] = ordered
            prov = crit.provenance
            if prov is not None:
                provenance[column] = replace(prov, coverage=(
                    f"{sum(1 for t in ordered if t)}/{len(ordered)}"))
            if crit.id in index:
                shipped = criteria[index[crit.id]]
                new = replace(shipped, column=column, provenance=prov or shipped.provenance,
                              encoding=crit.encoding or shipped.encoding,
                              encoding_note=crit.encoding_note or shipped.encoding_note,
                              valid_range=crit.valid_range, sources_column="",
                              decimals=None if (crit.encoding or shipped.encoding)
                              else _decimals(ordered),
                              table=table.name)
                criteria[index[crit.id]] = new
            else:
                new = replace(crit, column=column, group=crit.group or OWN_GROUP,
                              decimals=None if crit.encoding else _decimals(ordered),
                              table=table.name)
                if inherit:
                    from siteselect.model.dataset import STATE_FIGURE

                    new = replace(new, label=f"{crit.label} ({STATE_FIGURE})", inherited=True)
                index[crit.id] = len(criteria)
                criteria.append(new)
            encoded[crit.id] = _encode(ordered, new)
        applied.append(f"{table.name}:{table.content_hash}")
    if not applied:
        return ds
    h = hashlib.sha256("|".join(applied).encode()).hexdigest()[:8]
    return replace(ds, criteria=tuple(criteria), raw=raw, encoded=encoded,
                   provenance=provenance, version=f"{ds.version}+own-{h}")


@dataclass(frozen=True)
class TableChange:
    """How a scenario's tables differ from the database's current ones."""

    name: str
    used: int | None  # the version the scenario uses (None: not used)
    current: int | None  # the current version (None: removed)

    def text(self) -> str:
        if self.current is None:
            return (f"the table {quoted(self.name)} was removed; this scenario still uses its "
                    f"version {self.used}")
        if self.used is None:
            return (f"the table {quoted(self.name)} (version {self.current}) was imported "
                    "after this scenario was saved; it is not used until accepted")
        return (f"the table {quoted(self.name)} has newer figures (version {self.current}); "
                f"this scenario uses version {self.used}")


def table_changes(used: Sequence[TableRef], current: Mapping[str, int]) -> list[TableChange]:
    """What is newer than the versions ``used``; ``current`` maps name -> current version."""
    out = []
    used_by_name = {r.name.casefold(): r for r in used}
    current_by_key = {n.casefold(): (n, v) for n, v in current.items()}
    for key, ref in sorted(used_by_name.items()):
        now = current_by_key.get(key)
        if now is None:
            out.append(TableChange(ref.name, ref.version, None))
        elif now[1] != ref.version:
            out.append(TableChange(ref.name, ref.version, now[1]))
    for key, (name, version) in sorted(current_by_key.items()):
        if key not in used_by_name:
            out.append(TableChange(name, None, version))
    return out


def figures_notice(changes: Sequence[TableChange]) -> str:
    """One sentence naming every newer figure, or '' when the scenario is up to date."""
    if not changes:
        return ""
    return ("Newer figures are available: " + "; ".join(c.text() for c in changes)
            + ". Accept them to re-score with the newer figures.")
