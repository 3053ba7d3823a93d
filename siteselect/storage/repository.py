"""The scenario repository: save, list, rename, duplicate, delete and revise named scenarios.

:class:`ScenarioStore` is the one Qt-free API over the scenario database, used by the CLI and
the window alike.  Every write runs in one ``BEGIN IMMEDIATE`` transaction.  Saving an existing
scenario makes a new revision and keeps the earlier ones; ``expected_revision`` turns a save into
an optimistic-concurrency check, so two windows on one database never silently overwrite each
other's work (a :class:`ConflictError` says what happened instead).

Built-in scenarios are starting points: they are refused as the target of a save or a rename
(the message suggests Save As or ``scenario duplicate``) and as the target of a delete; they can
be copied.  They are inserted once, by a migration.
"""

from __future__ import annotations

import builtins
import json
import logging
import os
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from siteselect.errors import InputError, SiteSelectError, StorageError
from siteselect.model.scenario import (
    Scenario,
    TableRef,
    clean_name,
    name_key,
    quoted,
    settings_from_dict,
    settings_to_dict,
    shell_quoted,
)
from siteselect.model.sensitivity_summary import (
    SensitivitySummary,
    summary_problems,
    summary_to_dict,
)
from siteselect.model.settings import ScoringSettings
from siteselect.storage import database as _db
from siteselect.storage.migrations import (
    MIGRATION_NAMES,
    apply_migration,
    now_iso,
    pending_migrations,
)
from siteselect.storage.tables import TablesMixin, refs_from_json, refs_json

if TYPE_CHECKING:  # sqlite-utils imports pandas: load it only when a database is opened
    import sqlite_utils

log = logging.getLogger(__name__)


class ConflictError(StorageError):
    """Another program saved (or removed) the scenario since it was loaded.

    ``current`` is the scenario as it is now in the database, None if it is gone.
    """

    def __init__(self, message: str, current: Scenario | None) -> None:
        super().__init__(message)
        self.current = current


class MissingDatabaseError(StorageError):
    """A scenario database file the planner named does not exist (``path``)."""

    def __init__(self, message: str, path: Path) -> None:
        super().__init__(message)
        self.path = path


class NameTakenError(InputError):
    """The name a scenario would be restored under is taken; ``taken`` is the stored name."""

    def __init__(self, message: str, taken: str) -> None:
        super().__init__(message)
        self.taken = taken


@dataclass(frozen=True)
class Revision:
    """One saved version of a scenario."""

    revision: int
    saved_at: str
    name: str
    description: str
    settings: ScoringSettings
    dataset_version: str
    sensitivity: SensitivitySummary | None = None
    tables: tuple[TableRef, ...] = ()

    def summary(self) -> str:
        return f"revision {self.revision} saved {self.saved_at}"


@dataclass(frozen=True)
class DeletedScenario:
    """Everything a delete removed, for :meth:`ScenarioStore.restore_deleted` (undo).

    ``raw_row`` and ``raw_revisions`` are the rows exactly as stored, so even a scenario whose
    settings cannot be read (then ``scenario`` has default settings and ``revisions`` is
    empty) comes back unchanged.
    """

    scenario: Scenario
    revisions: tuple[Revision, ...]
    raw_row: dict[str, Any] | None = None
    raw_revisions: tuple[dict[str, Any], ...] = ()

    @property
    def revision_count(self) -> int:
        return len(self.raw_revisions) if self.raw_row is not None else len(self.revisions)


class ScenarioStore(TablesMixin):
    """Named scenarios in one SQLite file.  Open with :meth:`open`; close when done."""

    def __init__(self, db: sqlite_utils.Database, path: Path, timeout: float, *,
                 read_only: bool = False) -> None:
        self._db = db
        self.path = path
        self.timeout = timeout
        #: True for a database in a read-only location: it can be read, every change is
        #: refused with a message saying so.
        self.read_only = read_only
        #: Messages about scenarios the last :meth:`list` left out because their settings
        #: cannot be read.
        self.unreadable: builtins.list[str] = []
        #: Messages about revisions the last :meth:`revisions` left out (unreadable settings).
        self.unreadable_revisions: builtins.list[str] = []

    # -- opening --------------------------------------------------------------------------

    @classmethod
    def open(cls, path: str | os.PathLike[str] | None = None, *,
             busy_timeout: float = _db.DEFAULT_BUSY_TIMEOUT,
             create: bool = True) -> ScenarioStore:
        """Open (or create) the database at ``path`` (default: :func:`default_db_path`).

        An existing file is first checked read-only and refused, untouched, when it is not a
        healthy SiteSelect database of this or an older schema; older ones are upgraded.
        The default per-user file is created (folders included) on first use.  A file the
        planner named (``path`` or ``SITESELECT_DB``) is created only when ``create`` is true
        and its folder exists; with ``create`` false (commands that only read) a missing named
        file is a :class:`MissingDatabaseError`.

        Raises
        ------
        StorageError
            Naming the file and what is wrong with it.
        """
        p = _db.resolve_db_path(path)
        if p.exists():
            _db.check_existing_file(p, MIGRATION_NAMES, busy_timeout)
        elif _db.is_explicit(path):
            if not create:
                raise MissingDatabaseError(
                    f"There is no scenario database at {p}; nothing was created. Check the "
                    "path, or save a scenario there first (`siteselect scenario save NAME "
                    "--db PATH`).", p)
            _db.check_can_create(p)
        if p.exists() and _db.is_read_only_location(p):
            return cls._open_read_only(p, busy_timeout)
        db = _db.connect(p, busy_timeout)
        store = cls(db, p, busy_timeout)
        try:
            store._migrate()
        except StorageError as exc:
            db.close()
            # A read-only mount that the checks above did not recognise (e.g. a network
            # share): SQLite says so only on the first write.
            if p.exists() and isinstance(exc.__cause__, sqlite3.Error) and \
                    _db.is_read_only_error(exc.__cause__):
                return cls._open_read_only(p, busy_timeout)
            raise
        except BaseException:
            db.close()
            raise
        return store

    @classmethod
    def _open_read_only(cls, path: Path, timeout: float) -> ScenarioStore:
        """A store over a database in a read-only location: reading works, changes are
        refused with a message that says why."""
        db = _db.connect_read_only(path, timeout)
        store = cls(db, path, timeout, read_only=True)
        try:
            if pending_migrations(db):
                raise StorageError(
                    f"The scenario database {path} was written by an older SiteSelect release "
                    "and must be upgraded before it can be read, but it is in a read-only "
                    "location. Copy it to a folder you can write to and open the copy.")
        except BaseException:
            db.close()
            raise
        log.info("%s is in a read-only location: opened for reading only", path)
        return store

    def _migrate(self) -> None:
        for name in pending_migrations(self._db):
            with self._write():
                # Another program may have applied it since we looked.
                if name in pending_migrations(self._db):
                    log.info("Applying migration %s to %s", name, self.path)
                    apply_migration(self._db, name)

    def close(self) -> None:
        if self.read_only:
            self._db.close()
            return
        # Never wait for another reader when closing: TRUNCATE only when nobody is reading.
        self._db.conn.execute("PRAGMA busy_timeout = 0")
        _db.checkpoint(self._db, "TRUNCATE")
        self._db.close()

    def __enter__(self) -> ScenarioStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _write(self):
        if self.read_only:
            raise StorageError(_db.read_only_message(self.path))
        return _db.write_transaction(self._db, self.path, self.timeout)

    def _read(self, action: str = "read"):
        return _db.sql_errors(self.path, action, self.timeout)

    # -- reading --------------------------------------------------------------------------

    def _row_to_scenario(self, row: dict[str, Any]) -> Scenario:
        return Scenario(
            name=row["name"],
            settings=self._settings(row["settings"], row["name"]),
            description=row["description"],
            dataset_version=row["dataset_version"],
            created=row["created"],
            updated=row["updated"],
            revision=row["revision"],
            builtin=bool(row["builtin"]),
            sensitivity=self._sensitivity(row.get("sensitivity"), row["name"]),
            tables=refs_from_json(row.get("tables"), f"Scenario {quoted(row['name'])}"),
        )

    def _sensitivity(self, text: str | None, name: str) -> SensitivitySummary | None:
        """The stored sensitivity run; one that cannot be read is left out (logged), never
        hiding the scenario whose settings are fine."""
        if not text:
            return None
        problems: builtins.list[str] = []
        try:
            summary = summary_problems(json.loads(text), problems)
        except (ValueError, RecursionError) as exc:
            problems.append(_db.one_line(str(exc)))
            summary = None
        if summary is None:
            log.info("Scenario %s in %s: its sensitivity run cannot be read (%s); it is left "
                     "out", name, self.path, "; ".join(problems[:3]))
        return summary

    def _settings(self, text: str, name: str, revision: int | None = None) -> ScoringSettings:
        where = (f"Scenario {quoted(name)} in {self.path}" if revision is None else
                 f"Revision {revision} of scenario {quoted(name)} in {self.path}")
        try:
            return settings_from_dict(json.loads(text), where, self._own_criteria_cached())
        except (ValueError, RecursionError) as exc:
            raise StorageError(f"{where}: the settings cannot be read "
                               f"({_db.one_line(str(exc))}).") from exc

    def _own_criteria_cached(self) -> dict[str, Any]:
        """:meth:`own_criteria`, read again only when a table was imported since."""
        try:
            stamp = tuple(self._db.execute(
                "SELECT count(*), max(id) FROM data_tables").fetchone())
        except sqlite3.OperationalError:  # a database before migration 0005
            return {}
        cached = getattr(self, "_own_cache", None)
        if cached is None or cached[0] != stamp:
            cached = (stamp, self.own_criteria() if stamp[0] else {})
            self._own_cache = cached
        return cached[1]

    def _find_row(self, name: str) -> dict[str, Any] | None:
        rows = list(self._db.query("SELECT * FROM scenarios WHERE name_key = ?", [name_key(name)]))
        return rows[0] if rows else None

    def _require_row(self, name: str) -> dict[str, Any]:
        row = self._find_row(name)
        if row is None:
            raise InputError(f"There is no scenario named {quoted(clean_name(name))} in "
                             f"{self.path} "
                             "(see `siteselect scenario list`).")
        return row

    def list(self, search: str | None = None) -> builtins.list[Scenario]:
        """All scenarios, most recently updated first; ``search`` filters by name or
        description, ignoring case.  Unreadable ones are left out and named in
        :attr:`unreadable`."""
        with self._read():
            rows = list(self._db.query("SELECT * FROM scenarios ORDER BY updated DESC, id ASC"))
        out = []
        self.unreadable = []
        for r in rows:
            # One scenario whose settings cannot be read (edited by hand, or written by a
            # newer release) must not hide all the others: it is left out and reported.
            try:
                out.append(self._row_to_scenario(r))
            except SiteSelectError as exc:
                # Reported through `unreadable` (the CLI warns, the window shows it); a log
                # warning as well would print the same sentence twice on a terminal.
                log.info("%s", exc.message)
                self.unreadable.append(exc.message)
        if search and search.strip():
            needle = search.strip().casefold()
            out = [s for s in out if needle in s.name.casefold()
                   or needle in s.description.casefold()]
        return out

    def find(self, name: str) -> Scenario | None:
        """The scenario of that name (ignoring case and surrounding spaces), or None."""
        with self._read():
            row = self._find_row(name)
        return None if row is None else self._row_to_scenario(row)

    def get(self, name: str) -> Scenario:
        """The scenario of that name.

        Raises
        ------
        InputError
            When there is none.
        """
        with self._read():
            return self._row_to_scenario(self._require_row(name))

    def __contains__(self, name: str) -> bool:
        return self.find(name) is not None

    # -- writing --------------------------------------------------------------------------

    def _insert(self, sc: Scenario, *, created: str | None = None) -> Scenario:
        now = now_iso()
        created = created or now
        settings = json.dumps(settings_to_dict(sc.settings), ensure_ascii=False)
        sensitivity = _sensitivity_json(sc.sensitivity)
        tables = refs_json(sc.tables)
        cur = self._db.execute(
            "INSERT INTO scenarios (name, name_key, description, settings, dataset_version, "
            "created, updated, revision, builtin, sensitivity, tables) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, 1, ?, ?, ?)",
            [sc.name, name_key(sc.name), sc.description, settings, sc.dataset_version, created,
             now, int(sc.builtin), sensitivity, tables])
        self._add_revision(cur.lastrowid, 1, now, sc.name, sc.description, settings,
                           sc.dataset_version, sensitivity, tables)
        return replace(sc, created=created, updated=now, revision=1)

    def _add_revision(self, scenario_id: int | None, revision: int, saved_at: str, name: str,
                      description: str, settings: str, dataset_version: str,
                      sensitivity: str | None = None, tables: str | None = None) -> None:
        self._db.execute(
            "INSERT INTO revisions (scenario_id, revision, saved_at, name, description, "
            "settings, dataset_version, sensitivity, tables) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [scenario_id, revision, saved_at, name, description, settings, dataset_version,
             sensitivity, tables])

    @staticmethod
    def _builtin_refusal(name: str, action: str) -> InputError:
        return InputError(
            f"{quoted(name)} is a built-in scenario and is never {action}. Save your changes "
            f"under a new name (Save As, or `siteselect scenario duplicate {shell_quoted(name)} "
            "NEW`).")

    @staticmethod
    def builtin_delete_refusal(name: str) -> InputError:
        """Why the built-in scenario ``name`` is not deleted, and what to do instead."""
        return InputError(
            f"{quoted(name)} is a built-in scenario and cannot be deleted: the built-ins are "
            "the starting points every planner compares against. To customise it, duplicate "
            f"it (Duplicate, or `siteselect scenario duplicate {shell_quoted(name)} NEW`) and "
            "change the copy.")

    def save(self, scenario: Scenario, *, expected_revision: int | None = None) -> Scenario:
        """Save ``scenario`` under its name; an existing one gets a new revision.

        ``expected_revision`` is the revision the caller loaded (0 for a scenario it believes
        new).  When given and the database holds another revision, nothing is written and a
        :class:`ConflictError` is raised.  Without it the save always succeeds as the newest
        revision.  The returned scenario carries the stored times and revision number.

        Raises
        ------
        InputError
            When the name is that of a built-in scenario.
        ConflictError
            When ``expected_revision`` does not match.
        """
        with self._write():
            row = self._find_row(scenario.name)
            if row is None:
                if expected_revision:
                    raise ConflictError(
                        f"The scenario {quoted(scenario.name)} was renamed or deleted in "
                        f"{self.path} "
                        "by another window since it was opened.", None)
                return self._insert(replace(scenario, builtin=False))
            current = self._row_to_scenario(row)
            if row["builtin"]:
                raise self._builtin_refusal(row["name"], "overwritten")
            if expected_revision is not None and row["revision"] != expected_revision:
                raise ConflictError(
                    f"The scenario {quoted(row['name'])} was saved by another window since it was "
                    f"opened (now revision {row['revision']}, opened as revision "
                    f"{expected_revision}).", current)
            now = now_iso()
            revision = row["revision"] + 1
            settings = json.dumps(settings_to_dict(scenario.settings), ensure_ascii=False)
            sensitivity = _sensitivity_json(scenario.sensitivity)
            tables = refs_json(scenario.tables)
            self._db.execute(
                "UPDATE scenarios SET name = ?, description = ?, settings = ?, "
                "dataset_version = ?, updated = ?, revision = ?, sensitivity = ?, tables = ? "
                "WHERE id = ?",
                [scenario.name, scenario.description, settings, scenario.dataset_version, now,
                 revision, sensitivity, tables, row["id"]])
            self._add_revision(row["id"], revision, now, scenario.name, scenario.description,
                               settings, scenario.dataset_version, sensitivity, tables)
        return replace(scenario, created=row["created"], updated=now, revision=revision,
                       builtin=False)

    def modify(self, name: str, change: Callable[[Scenario | None], Scenario], *,
               attempts: int = 200) -> Scenario:
        """Read a scenario, change it with ``change`` and save the result, losing nobody's save.

        ``change`` receives the stored scenario (None when there is none of that name) and
        returns the scenario to save.  The save checks that the scenario is still at the
        revision ``change`` saw; when another program saved in between, the change is made
        again on top of that newer revision.  So two programs that change different parts of
        one scenario at the same moment both keep their change.

        Raises
        ------
        InputError
            From ``change``, or when the name is that of a built-in scenario.
        StorageError
            When other programs kept saving the scenario through every attempt.
        """
        for _attempt in range(attempts):
            existing = self.find(name)
            new = change(existing)
            try:
                return self.save(new, expected_revision=existing.revision if existing else 0)
            except ConflictError:
                log.info("Scenario %s was saved elsewhere meanwhile; changing it again", name)
        raise StorageError(
            f"The scenario {quoted(clean_name(name))} in {self.path} was saved by other "
            f"programs {attempts} times while this change was being made; nothing was saved. "
            "Try again.")

    def create(self, scenario: Scenario) -> Scenario:
        """Save ``scenario`` as a new one (Save As); refused when the name is taken.

        Raises
        ------
        InputError
            When a scenario of that name (ignoring case and spaces) exists.
        """
        with self._write():
            existing = self._find_row(scenario.name)
            if existing is not None:
                raise InputError(f"A scenario named {quoted(existing['name'])} already exists in "
                                 f"{self.path}; choose another name.")
            return self._insert(replace(scenario, builtin=False))

    def rename(self, old: str, new: str) -> Scenario:
        """Rename a scenario; refused onto an existing name (ignoring case and spaces).

        A change of case or spacing only is allowed.  History is kept.
        """
        new = clean_name(new)
        with self._write():
            row = self._require_row(old)
            if row["builtin"]:
                raise self._builtin_refusal(row["name"], "renamed")
            other = self._find_row(new)
            if other is not None and other["id"] != row["id"]:
                raise InputError(f"Cannot rename {quoted(row['name'])} to {quoted(new)}: a "
                                 f"scenario named {quoted(other['name'])} already exists in "
                                 f"{self.path}.")
            now = now_iso()
            self._db.execute("UPDATE scenarios SET name = ?, name_key = ?, updated = ? "
                             "WHERE id = ?", [new, name_key(new), now, row["id"]])
            row = dict(row, name=new, updated=now)
        return self._row_to_scenario(row)

    def duplicate(self, name: str, new: str) -> Scenario:
        """Copy a scenario (built-ins included) under a new name, as a new scenario."""
        with self._read():
            source = self.get(name)
        copy = replace(source, name=new, builtin=False)
        return self.create(copy)

    def delete(self, name: str) -> DeletedScenario:
        """Delete a scenario and its history; the returned value undoes it.

        Raises
        ------
        InputError
            When it is a built-in scenario: those are the shared starting points (compare and
            ``rank --scenario`` rely on them), so they are kept; duplicate one to customise it.
        """
        with self._write():
            row = self._require_row(name)
            if row["builtin"]:
                raise self.builtin_delete_refusal(row["name"])
            raw_revisions = tuple(self._db.query(
                "SELECT * FROM revisions WHERE scenario_id = ? ORDER BY revision DESC",
                [row["id"]]))
            try:
                scenario = self._row_to_scenario(row)
                revisions = tuple(self._revisions_of(row))
            except SiteSelectError:
                # Unreadable settings: it can still be deleted (and put back as it was).
                scenario = Scenario(name=row["name"], description=row["description"],
                                    dataset_version=row["dataset_version"],
                                    created=row["created"], updated=row["updated"],
                                    revision=row["revision"], builtin=bool(row["builtin"]))
                revisions = ()
            self._db.execute("DELETE FROM revisions WHERE scenario_id = ?", [row["id"]])
            self._db.execute("DELETE FROM scenarios WHERE id = ?", [row["id"]])
        return DeletedScenario(scenario, revisions, dict(row), raw_revisions)

    def restore_deleted(self, deleted: DeletedScenario, new_name: str | None = None) -> Scenario:
        """Put back a deleted scenario with its whole history (undo of :meth:`delete`).

        ``new_name`` puts it back under another name (its revisions keep the names they were
        saved under), for when its own name has been taken since.

        Raises
        ------
        NameTakenError
            When the name it would get has been taken since; nothing is written, so the
            caller can ask for another name and try again.
        """
        sc = deleted.scenario
        if new_name is not None:
            sc = replace(sc, name=clean_name(new_name))
        with self._write():
            taken = self._find_row(sc.name)
            if taken is not None:
                raise NameTakenError(
                    f"Cannot restore {quoted(deleted.scenario.name)} as {quoted(sc.name)}: a "
                    f"scenario named {quoted(taken['name'])} exists in {self.path}. Restore it "
                    "under another name.", taken["name"])
            raw = deleted.raw_row
            if raw is not None:
                cur = self._db.execute(
                    "INSERT INTO scenarios (name, name_key, description, settings, "
                    "dataset_version, created, updated, revision, builtin, sensitivity, tables) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    [sc.name, name_key(sc.name), raw["description"], raw["settings"],
                     raw["dataset_version"], raw["created"], raw["updated"], raw["revision"],
                     raw["builtin"], raw.get("sensitivity"), raw.get("tables")])
                for r in deleted.raw_revisions:
                    self._add_revision(cur.lastrowid, r["revision"], r["saved_at"], r["name"],
                                       r["description"], r["settings"], r["dataset_version"],
                                       r.get("sensitivity"), r.get("tables"))
                return sc
            cur = self._db.execute(
                "INSERT INTO scenarios (name, name_key, description, settings, dataset_version, "
                "created, updated, revision, builtin, sensitivity, tables) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [sc.name, name_key(sc.name), sc.description,
                 json.dumps(settings_to_dict(sc.settings), ensure_ascii=False),
                 sc.dataset_version, sc.created, sc.updated, sc.revision, int(sc.builtin),
                 _sensitivity_json(sc.sensitivity), refs_json(sc.tables)])
            for rev in deleted.revisions:
                self._add_revision(cur.lastrowid, rev.revision, rev.saved_at, rev.name,
                                   rev.description,
                                   json.dumps(settings_to_dict(rev.settings), ensure_ascii=False),
                                   rev.dataset_version, _sensitivity_json(rev.sensitivity),
                                   refs_json(rev.tables))
        return sc

    # -- revisions ------------------------------------------------------------------------

    def _revisions_of(self, row: dict[str, Any],
                      problems: builtins.list[str] | None = None) -> builtins.list[Revision]:
        """The readable revisions of ``row``; the unreadable ones are named in ``problems``
        (when given; otherwise the first one raises)."""
        rows = self._db.query("SELECT * FROM revisions WHERE scenario_id = ? "
                              "ORDER BY revision DESC", [row["id"]])
        out = []
        for r in rows:
            try:
                settings = self._settings(r["settings"], r["name"], r["revision"])
            except SiteSelectError as exc:
                if problems is None:
                    raise
                problems.append(exc.message)
                continue
            try:
                tables = refs_from_json(r.get("tables"), f"Revision {r['revision']} of "
                                        f"scenario {quoted(r['name'])}")
            except SiteSelectError as exc:
                if problems is None:
                    raise
                problems.append(exc.message)
                continue
            out.append(Revision(r["revision"], r["saved_at"], r["name"], r["description"],
                                settings, r["dataset_version"],
                                self._sensitivity(r.get("sensitivity"), r["name"]), tables))
        return out

    def revisions(self, name: str) -> builtins.list[Revision]:
        """Every saved version of a scenario, newest first (the current one included).

        One that cannot be read (edited by hand, or written by a newer release) does not
        hide the others: it is left out and named in :attr:`unreadable_revisions`.
        """
        self.unreadable_revisions = []
        with self._read():
            return self._revisions_of(self._require_row(name), self.unreadable_revisions)

    def get_revision(self, name: str, revision: int) -> Revision:
        """One saved version.

        Raises
        ------
        InputError
            When the scenario or that revision does not exist.
        StorageError
            When that revision cannot be read.
        """
        for r in self.revisions(name):
            if r.revision == revision:
                return r
        prefix = f"Revision {revision} of "
        for message in self.unreadable_revisions:
            if message.startswith(prefix):
                raise StorageError(message)
        raise InputError(f"Scenario {quoted(clean_name(name))} has no revision {revision} "
                         f"(see `siteselect scenario revisions {shell_quoted(clean_name(name))}`).")

    def restore_revision(self, name: str, revision: int, *,
                         expected_revision: int | None = None) -> Scenario:
        """Make an earlier revision current again, as a new save (history is kept)."""
        old = self.get_revision(name, revision)
        current = self.get(name)
        restored = replace(current, description=old.description, settings=old.settings,
                           dataset_version=old.dataset_version, sensitivity=old.sensitivity,
                           tables=old.tables)
        return self.save(restored, expected_revision=expected_revision)

    # -- exchange -------------------------------------------------------------------------

    def export_json(self, name: str) -> dict[str, Any]:
        """A scenario as an exchange document (see :mod:`siteselect.storage.exchange`)."""
        from siteselect.storage.exchange import scenario_to_document

        return scenario_to_document(self.get(name))

    def import_json(self, data: str | bytes | dict[str, Any], rename: str | None = None, *,
                    where: str = "The scenario file",
                    check: Callable[[Scenario, str], None] | None = None) -> Scenario:
        """Import exchange-file text (or a document parsed into a dict) as a new scenario.

        See :meth:`import_document`.
        """
        from siteselect.storage.exchange import parse_document

        doc = parse_document(data, where) if isinstance(data, str | bytes) else data
        return self.import_document(doc, rename, where=where, check=check)

    def import_document(self, doc: Any, rename: str | None = None, *,
                        where: str = "The scenario file",
                        check: Callable[[Scenario, str], None] | None = None) -> Scenario:
        """Import a parsed exchange document (any JSON value) as a new scenario.

        Everything is checked before anything is written, and every problem in the document
        is reported.  ``rename`` gives it a new name.  ``check(scenario, where)``, when given,
        is a further check by the caller (the CLI and the window refuse a scenario that can
        never be scored); storage itself knows nothing of scoring.

        Raises
        ------
        InputError
            For an invalid document (a :class:`~siteselect.model.scenario.ScenarioProblems`
            listing every problem), or a name that exists (the message suggests a rename).
        """
        from siteselect.storage.exchange import document_to_scenario

        sc = document_to_scenario(doc, where, self._own_criteria_cached())
        # An imported scenario is scored with this database's current tables, as a new save.
        sc = replace(sc, tables=self.current_refs())
        if rename is not None:
            sc = replace(sc, name=rename)
        if check is not None:
            check(sc, where)
        with self._write():
            existing = self._find_row(sc.name)
            if existing is not None:
                raise InputError(f"A scenario named {quoted(existing['name'])} already exists in "
                                 f"{self.path}; import it under another name (--rename NEW).")
            return self._insert(replace(sc, builtin=False), created=sc.created or None)

    # -- maintenance ----------------------------------------------------------------------

    def integrity_check(self) -> builtins.list[str]:
        """``PRAGMA integrity_check`` of the file: ``['ok']`` when healthy."""
        with self._read():
            return [r[0] for r in self._db.execute("PRAGMA integrity_check").fetchall()]

    def schema_version(self) -> int:
        with self._read():
            return int(self._db.execute("PRAGMA user_version").fetchone()[0])


def _sensitivity_json(summary: SensitivitySummary | None) -> str | None:
    if summary is None:
        return None
    return json.dumps(summary_to_dict(summary), ensure_ascii=False, separators=(",", ":"))
