"""Planners' own tables in the scenario database: named, versioned, never silently changed.

Every import of a name adds a version (an import whose content hash equals the current
version's adds nothing).  Removing a table marks all its versions removed but keeps them, so a
saved scenario that used one is still scored with the figures it was saved with until the
planner accepts the change (:meth:`TablesMixin.accept_tables`).
"""

from __future__ import annotations

import builtins
import json
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from siteselect.errors import InputError, StorageError
from siteselect.model.scenario import (
    Scenario,
    TableRef,
    clean_name,
    name_key,
    quoted,
    shell_quoted,
)
from siteselect.storage.migrations import now_iso

if TYPE_CHECKING:  # pragma: no cover
    from siteselect.model.criteria import Criterion
    from siteselect.model.owndata import ImportedTable


@dataclass(frozen=True)
class StoredTable:
    """One stored version of a planner's table (the figures load on :meth:`table`)."""

    name: str
    version: int
    level: str
    content_hash: str
    source_file: str
    sheet: str
    criteria: tuple[str, ...]
    imported_at: str
    removed_at: str | None
    payload: str

    @property
    def ref(self) -> TableRef:
        return TableRef(self.name, self.version, self.content_hash)

    @property
    def removed(self) -> bool:
        return self.removed_at is not None

    def table(self) -> ImportedTable:
        """The figures and criteria of this version.

        Raises
        ------
        StorageError
            If the stored record cannot be read.
        """
        from siteselect.errors import DataError
        from siteselect.model.owndata import ImportedTable

        try:
            return ImportedTable.from_dict(json.loads(self.payload))
        except (ValueError, RecursionError, DataError) as exc:
            raise StorageError(f"The stored table {quoted(self.name)} version {self.version} "
                               f"cannot be read ({exc}).") from None


@dataclass(frozen=True)
class ImportOutcome:
    """What an import did: the stored version, whether it is new, and the scenarios that keep
    their earlier figures until the planner accepts the new ones."""

    stored: StoredTable
    new_version: bool
    pinned: tuple[str, ...]


def _row_to_table(row: dict[str, Any]) -> StoredTable:
    return StoredTable(
        name=row["name"], version=int(row["version"]), level=row["level"],
        content_hash=row["content_hash"], source_file=row["source_file"], sheet=row["sheet"],
        criteria=tuple(json.loads(row["criteria"])), imported_at=row["imported_at"],
        removed_at=row["removed_at"], payload=row["payload"])


class TablesMixin:
    """The table methods of :class:`~siteselect.storage.repository.ScenarioStore`."""

    _db: Any
    path: Any

    if TYPE_CHECKING:  # pragma: no cover
        def _write(self) -> Any: ...
        def _read(self, action: str = "read") -> Any: ...
        def list(self, search: str | None = None) -> builtins.list[Scenario]: ...
        def find(self, name: str) -> Scenario | None: ...
        def modify(self, name: str, change: Any, *, attempts: int = 200) -> Scenario: ...

    # -- reading --------------------------------------------------------------------------

    def _table_rows(self, where: str = "", params: builtins.list[Any] | None = None
                    ) -> builtins.list[StoredTable]:
        with self._read():
            rows = self._db.query(
                f"SELECT * FROM data_tables {where} ORDER BY name_key, version", params or [])
            return [_row_to_table(r) for r in rows]

    def current_tables(self, *, removed: bool = False) -> builtins.list[StoredTable]:
        """The latest version of every table not removed (with ``removed``: of every table),
        by name."""
        latest: dict[str, StoredTable] = {}
        for t in self._table_rows():
            latest[name_key(t.name)] = t
        return [t for t in latest.values() if removed or not t.removed]

    def version_status(self, stored: StoredTable) -> str:
        """'current', 'removed' or 'superseded by version N'."""
        latest = self.table_versions(stored.name)[-1]
        if latest.version != stored.version:
            return f"superseded by version {latest.version}"
        return "removed" if stored.removed else "current"

    def table_versions(self, name: str) -> builtins.list[StoredTable]:
        """Every stored version of ``name``, oldest first (removed ones included)."""
        return self._table_rows("WHERE name_key = ?", [name_key(name)])

    def get_table(self, name: str, version: int | None = None, *,
                  removed: bool = False) -> StoredTable:
        """A version of ``name`` (the current one by default; with ``removed``, also the last
        version of a removed table).

        Raises
        ------
        InputError
            When there is no such table or version.
        """
        versions = self.table_versions(name)
        if version is None:
            if versions and removed:
                return versions[-1]
            if not versions or versions[-1].removed:
                known = ", ".join(quoted(t.name) for t in self.current_tables()) or "none"
                gone = " (it was removed)" if versions else ""
                raise InputError(f"There is no table named {quoted(clean_name(name))} in "
                                 f"{self.path}{gone}. Tables: {known} (see `siteselect data "
                                 "list`).")
            return versions[-1]
        for t in versions:
            if t.version == version:
                return t
        raise InputError(f"There is no version {version} of the table "
                         f"{quoted(clean_name(name))} in {self.path}.")

    def tables_for(self, refs: builtins.list[TableRef] | tuple[TableRef, ...]
                   ) -> builtins.list[ImportedTable]:
        """The figures of the table versions ``refs`` name (removed ones included).

        Raises
        ------
        StorageError
            If a version is no longer in the database or its content changed.
        """
        out = []
        for ref in refs:
            try:
                stored = self.get_table(ref.name, ref.version)
            except InputError as exc:
                raise StorageError(str(exc)) from None
            if stored.content_hash != ref.content_hash:
                raise StorageError(f"The table {quoted(ref.name)} version {ref.version} in "
                                   f"{self.path} does not hold the figures the scenario was "
                                   "saved with (its content hash differs).")
            out.append(stored.table())
        return out

    def own_criteria(self) -> dict[str, Criterion]:
        """Every criterion any stored table version describes, by id (latest wins), so
        settings that weigh them can be read."""
        out: dict[str, Criterion] = {}
        for stored in self._table_rows():
            try:
                table = stored.table()
            except StorageError:
                continue
            out.update({c.id: c for c in table.criteria})
        return out

    def scenarios_using(self, name: str) -> builtins.list[tuple[str, int]]:
        """(scenario name, table version) of every saved scenario that uses ``name``."""
        key = name_key(name)
        out = []
        for sc in self.list():
            for ref in sc.tables:
                if name_key(ref.name) == key:
                    out.append((sc.name, ref.version))
        return out

    # -- changing -------------------------------------------------------------------------

    def import_table(self, table: ImportedTable) -> ImportOutcome:
        """Store ``table`` under its name as a new version (or, if the current version holds
        the same figures, leave it).  Saved scenarios keep the versions they use."""
        name = clean_name(table.name, "table")
        key = name_key(name)
        ids = {c.id for c in table.criteria}
        for other in self.current_tables():
            shared = sorted(ids & set(other.criteria))
            if name_key(other.name) != key and shared and other.level == table.level:
                raise InputError(
                    f"{', '.join(shared)} {'is' if len(shared) == 1 else 'are'} already given "
                    f"by the table {quoted(other.name)}: import this file as its next version "
                    f"(--name {shell_quoted(other.name)}), or remove that table first, so "
                    "one table holds each criterion's figures.")
        with self._write():
            rows = [_row_to_table(r) for r in self._db.query(
                "SELECT * FROM data_tables WHERE name_key = ? ORDER BY version", [key])]
            if rows and not rows[-1].removed and rows[-1].content_hash == table.content_hash:
                return ImportOutcome(rows[-1], False, ())
            version = rows[-1].version + 1 if rows else 1
            payload = json.dumps(replace(table, name=name).to_dict(), ensure_ascii=False)
            self._db.execute(
                "INSERT INTO data_tables (name, name_key, version, level, content_hash, "
                "source_file, sheet, criteria, imported_at, removed_at, payload) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, ?)",
                [name, key, version, table.level, table.content_hash, table.source_file,
                 table.sheet, json.dumps([c.id for c in table.criteria]), now_iso(), payload])
        stored = self.get_table(name, version)
        pinned = tuple(n for n, _v in self.scenarios_using(name))
        return ImportOutcome(stored, True, pinned)

    def remove_table(self, name: str) -> tuple[StoredTable, builtins.list[tuple[str, int]]]:
        """Mark ``name`` removed (its versions stay for the scenarios that use them).

        Returns the removed version and the scenarios that still use the table.
        """
        current = self.get_table(name)
        with self._write():
            self._db.execute("UPDATE data_tables SET removed_at = ? WHERE name_key = ? AND "
                             "removed_at IS NULL", [now_iso(), name_key(name)])
        return current, self.scenarios_using(name)

    def accept_tables(self, scenario: str) -> tuple[Scenario, builtins.list[str]]:
        """Re-score ``scenario`` with the current tables: a new revision that records them.

        Weights, gates and what-if values on criteria that no current table (nor the shipped
        data) holds any more are dropped; their ids are returned.
        """
        from siteselect.model.criteria import level_criteria

        current = self.current_tables()
        refs = tuple(sorted(t.ref for t in current))
        dropped: builtins.list[str] = []

        def change(sc: Scenario | None) -> Scenario:
            if sc is None:
                raise InputError(f"There is no scenario named {quoted(clean_name(scenario))} "
                                 f"in {self.path}.")
            s = sc.settings
            known = set(level_criteria(s.level))
            known.update(cid for t in current for cid in t.criteria)
            used = set(s.weights) | set(s.disabled) | {g.criterion for g in s.gates} | {
                o.criterion for o in s.overrides}
            dropped[:] = sorted(used - known)
            if dropped:
                s = replace(s, weights={c: w for c, w in s.weights.items() if c in known},
                            disabled=frozenset(c for c in s.disabled if c in known),
                            gates=tuple(g for g in s.gates if g.criterion in known),
                            overrides=tuple(o for o in s.overrides if o.criterion in known))
            return replace(sc, tables=refs, settings=s)

        existing = self.find(scenario)
        if existing is not None and existing.tables == refs:
            return existing, []
        return self.modify(scenario, change), dropped

    def tables_in_use(self, scenario: Scenario | None
                      ) -> tuple[builtins.list[ImportedTable], tuple[TableRef, ...]]:
        """The tables (and their refs) a document is scored with: a saved scenario's
        recorded versions, else the current ones."""
        refs = scenario.tables if scenario is not None else self.current_refs()
        return self.tables_for(refs), tuple(refs)

    def newer_figures(self, scenario: Scenario | None) -> str:
        """The sentence naming figures newer than a saved scenario's ('' if up to date)."""
        from siteselect.model.tables import figures_notice, table_changes

        if scenario is None:
            return ""
        return figures_notice(table_changes(scenario.tables, self.current_versions()))

    def current_refs(self) -> tuple[TableRef, ...]:
        """The current tables as a scenario records them."""
        return tuple(sorted(t.ref for t in self.current_tables()))

    def current_versions(self) -> dict[str, int]:
        return {t.name: t.version for t in self.current_tables()}


def refs_json(refs: tuple[TableRef, ...]) -> str | None:
    if not refs:
        return None
    return json.dumps([{"name": r.name, "version": r.version, "hash": r.content_hash}
                       for r in refs], ensure_ascii=False)


def refs_from_json(text: str | None, where: str) -> tuple[TableRef, ...]:
    if not text:
        return ()
    try:
        data = json.loads(text)
        return tuple(sorted(TableRef(str(d["name"]), int(d["version"]), str(d["hash"]))
                            for d in data))
    except (ValueError, KeyError, TypeError) as exc:
        raise StorageError(f"{where}: the list of tables used cannot be read ({exc}).") from None
