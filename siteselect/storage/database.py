"""Opening the scenario database safely: path resolution, fault checks, WAL, migrations.

The database is one SQLite file, by default ``siteselect.db`` in the platform's per-user data
folder; the ``SITESELECT_DB`` environment variable and an explicit path (``--db PATH``)
override it.  Before anything may write to an existing file it is checked read-only (SQLite
header, ``PRAGMA quick_check``, schema version), so a damaged, foreign or newer file is refused
with a message naming it and is never modified, moved or deleted.  Only then is it opened for
writing, switched to WAL mode and brought up to date by the recorded migrations in
:mod:`siteselect.storage.migrations`.
"""

from __future__ import annotations

import contextlib
import logging
import os
import sqlite3
import stat
import time
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from siteselect.errors import StorageError

if TYPE_CHECKING:  # sqlite-utils imports pandas: load it only when a database is opened
    import sqlite_utils

log = logging.getLogger(__name__)

ENV_VAR = "SITESELECT_DB"
DB_FILENAME = "siteselect.db"
SQLITE_HEADER = b"SQLite format 3\x00"
MIGRATIONS_TABLE = "_siteselect_migrations"
#: Seconds to wait for another program's write lock before giving up with a message.
DEFAULT_BUSY_TIMEOUT = 2.0


def default_db_path() -> Path:
    """The database file used when no path is given: ``SITESELECT_DB`` or the per-user file."""
    env = os.environ.get(ENV_VAR, "").strip()
    if env:
        return Path(env).expanduser()
    import platformdirs

    return Path(platformdirs.user_data_dir("siteselect", appauthor=False)) / DB_FILENAME


def is_explicit(path: str | os.PathLike[str] | None = None) -> bool:
    """Whether the planner named the file (``--db PATH`` or ``SITESELECT_DB``).

    Only the default per-user file is created, folders and all, without being asked for: a
    named file that is missing is most likely a typing mistake.
    """
    return (path is not None and bool(str(path).strip())) or bool(
        os.environ.get(ENV_VAR, "").strip())


def check_can_create(path: Path) -> None:
    """Refuse to create a named database file in a folder that does not exist."""
    if not path.parent.is_dir():
        raise StorageError(
            f"The folder {path.parent} of the scenario database {path} does not exist; nothing "
            "was created. Create the folder first, or choose another file with --db PATH or "
            "SITESELECT_DB.")
    if is_read_only_location(path):
        raise StorageError(read_only_message(path, "created"))


def one_line(text: str) -> str:
    """``text`` with every run of white space (line breaks included) as one space."""
    return " ".join(text.split())


def special_file_kind(mode: int) -> str | None:
    """What a file that is not a regular file is ("a named pipe (FIFO)", "a device", ...)."""
    if stat.S_ISREG(mode):
        return None
    for test, name in ((stat.S_ISFIFO, "a named pipe (FIFO)"), (stat.S_ISCHR, "a device"),
                       (stat.S_ISBLK, "a device"), (stat.S_ISSOCK, "a socket"),
                       (stat.S_ISDIR, "a folder")):
        if test(mode):
            return name
    return "not a regular file"


def is_read_only_location(path: Path) -> bool:
    """Whether the database cannot be written where it is: a read-only mount, or a file or
    folder this user may not write (SQLite in WAL mode writes files beside the database)."""
    folder = path.parent if str(path.parent) else Path(".")
    try:
        if os.statvfs(folder).f_flag & os.ST_RDONLY:
            return True
    except (OSError, AttributeError):
        pass
    if path.exists() and not os.access(path, os.W_OK):
        return True
    return not os.access(folder, os.W_OK)


def read_only_message(path: Path, what: str = "changed") -> str:
    return (f"The scenario database {path} is in a read-only location, so it cannot be "
            f"{what}; it can still be listed, shown, compared and exported. Copy it to a folder "
            "you can write to, or choose another file with --db PATH or SITESELECT_DB.")


def is_read_only_error(exc: sqlite3.Error) -> bool:
    text = str(exc).lower()
    return "readonly" in text or "read-only" in text or "read only" in text


def connect_read_only(path: Path,
                      timeout: float = DEFAULT_BUSY_TIMEOUT) -> sqlite_utils.Database:
    """Open ``path`` for reading only (a database in a read-only location)."""
    import sqlite_utils

    wal = path.with_name(path.name + "-wal")
    # Nobody can be writing a file in a read-only place without its -wal file beside it.
    uri = path.resolve().as_uri() + ("?mode=ro" if wal.exists() else "?mode=ro&immutable=1")
    with sql_errors(path, "read", timeout):
        conn = sqlite3.connect(uri, uri=True, timeout=timeout)
        try:
            conn.execute("PRAGMA foreign_keys = ON")
            conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        except BaseException:
            conn.close()
            raise
    return sqlite_utils.Database(conn, execute_plugins=False)


def resolve_db_path(path: str | os.PathLike[str] | None = None) -> Path:
    """``path`` if given, else :func:`default_db_path`."""
    if path is not None and str(path).strip():
        return Path(path).expanduser()
    return default_db_path()


def _is_busy(exc: sqlite3.Error) -> bool:
    text = str(exc).lower()
    return "locked" in text or "busy" in text


def busy_message(path: Path, timeout: float) -> str:
    return (f"The scenario database {path} is locked by another program (waited {timeout:g} s). "
            "Close the other SiteSelect window or command that is writing to it, then try again.")


@contextlib.contextmanager
def sql_errors(path: Path, action: str, timeout: float = DEFAULT_BUSY_TIMEOUT) -> Iterator[None]:
    """Turn SQLite and file-system failures into a :class:`StorageError` naming ``path``."""
    try:
        yield
    except sqlite3.OperationalError as exc:
        if _is_busy(exc):
            raise StorageError(busy_message(path, timeout), detail=str(exc)) from exc
        if is_read_only_error(exc):
            raise StorageError(read_only_message(path), detail=str(exc)) from exc
        raise StorageError(f"Could not {action} the scenario database {path}: "
                           f"{one_line(str(exc))}.", detail=str(exc)) from exc
    except sqlite3.DatabaseError as exc:
        raise StorageError(
            f"The scenario database {path} is damaged ({one_line(str(exc))}); it was left as it "
            "is. "
            "Use another file with --db PATH or SITESELECT_DB.", detail=str(exc)) from exc
    except OSError as exc:
        raise StorageError(f"Could not {action} the scenario database {path}: "
                           f"{exc.strerror or exc}.", detail=str(exc)) from exc


#: How often the read-only check is repeated when the file changed while it was being read.
CHECK_ATTEMPTS = 8


def _fingerprint(path: Path) -> tuple[tuple[int, int, int] | None, ...]:
    """Identity, size and modification time of the file and of its ``-wal`` file (None: absent).

    Any save by another program changes one of them.
    """
    out: list[tuple[int, int, int] | None] = []
    for p in (path, path.with_name(path.name + "-wal")):
        try:
            st = p.stat()
        except OSError:
            out.append(None)
        else:
            out.append((st.st_ino, st.st_size, st.st_mtime_ns))
    return tuple(out)


def check_existing_file(path: Path, known_migrations: tuple[str, ...],
                        timeout: float = DEFAULT_BUSY_TIMEOUT) -> None:
    """Refuse a file that is not a healthy SiteSelect database this release can read.

    Reads only: the header bytes, then a read-only SQLite connection.  Nothing is written.
    A file that another program changed while it was being checked (a save in progress can
    look like damage to a reader that assumed the file was at rest) is checked again; only a
    file that fails the check while nobody changes it is refused.

    Raises
    ------
    StorageError
        For a folder, an empty or non-SQLite file, a damaged file, another program's SQLite
        database, or one written by a newer SiteSelect release.
    """
    for attempt in range(CHECK_ATTEMPTS):
        before = _fingerprint(path)
        try:
            _check_existing_file_once(path, known_migrations, timeout)
            return
        except StorageError:
            if attempt == CHECK_ATTEMPTS - 1 or _fingerprint(path) == before:
                raise
            log.info("%s changed while it was being checked; checking it again", path)
            time.sleep(0.01 * (attempt + 1))


def _check_existing_file_once(path: Path, known_migrations: tuple[str, ...],
                              timeout: float) -> None:
    if path.is_dir():
        raise StorageError(f"The scenario database {path} is a folder, not a file.")
    try:
        st = path.stat()
        kind = special_file_kind(st.st_mode)
        if kind is not None:
            # Never opened: reading a named pipe waits for a writer forever.
            raise StorageError(f"The scenario database {path} is {kind}, not a file; it was "
                               "left untouched. Choose a database file with --db PATH or "
                               "SITESELECT_DB.")
        size = st.st_size
        with open(path, "rb") as fh:
            header = fh.read(100)
    except OSError as exc:
        raise StorageError(f"Cannot read the scenario database {path}: "
                           f"{exc.strerror or exc}.") from exc
    advice = "It was left untouched; choose another file with --db PATH or SITESELECT_DB."
    if size == 0:
        raise StorageError(f"The scenario database {path} is an empty file, not a SiteSelect "
                           f"database. {advice}")
    if not header.startswith(SQLITE_HEADER):
        raise StorageError(f"{path} is not an SQLite database (it does not start with the "
                           f"SQLite header). {advice}")
    if len(header) < 100:
        raise StorageError(f"The scenario database {path} is truncated ({size} bytes). {advice}")
    page_size = int.from_bytes(header[16:18], "big")
    page_size = 65536 if page_size == 1 else page_size
    if page_size < 512 or page_size & (page_size - 1):
        raise StorageError(f"The scenario database {path} is damaged (its header gives an "
                           f"impossible page size, {page_size}). {advice}")
    if size < page_size or size % page_size:
        raise StorageError(
            f"The scenario database {path} is truncated or damaged: it is {size} bytes, not a "
            f"whole number of its {page_size}-byte pages. {advice}")
    # Without a -wal file beside it nobody is using the file and no crash left work behind:
    # open it as immutable, so not even WAL side files are created next to a file we may refuse.
    wal = path.with_name(path.name + "-wal")
    uri = path.resolve().as_uri() + ("?mode=ro" if wal.exists() else "?mode=ro&immutable=1")
    try:
        conn = sqlite3.connect(uri, uri=True, timeout=timeout)
    except sqlite3.Error as exc:
        raise StorageError(f"Cannot open the scenario database {path}: {exc}.") from exc
    try:
        with sql_errors(path, "read", timeout):
            check = [r[0] for r in conn.execute("PRAGMA quick_check").fetchall()]
            if check != ["ok"]:
                # SQLite's report spans lines ("*** in database main ***\nPage 5: ...").
                found = one_line("; ".join(check[:3]))
                raise StorageError(f"The scenario database {path} is damaged ({found}). "
                                   f"{advice}")
            user_version = conn.execute("PRAGMA user_version").fetchone()[0]
            tables = {r[0] for r in conn.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table'")}
            applied: list[str] = []
            if MIGRATIONS_TABLE in tables:
                applied = [r[0] for r in conn.execute(f"SELECT name FROM [{MIGRATIONS_TABLE}]")]
    finally:
        conn.close()
    newer = [m for m in applied if m not in known_migrations]
    if user_version > len(known_migrations) or newer:
        raise StorageError(
            f"The scenario database {path} was written by a newer SiteSelect release (schema "
            f"version {user_version}; this release knows up to {len(known_migrations)}). "
            "It was left untouched; update SiteSelect to open it.")
    if MIGRATIONS_TABLE not in tables and tables - {"sqlite_sequence"}:
        shown = ", ".join(sorted(tables)[:5])
        raise StorageError(f"{path} is an SQLite database of another program (tables: {shown}), "
                           f"not a SiteSelect one. {advice}")
    if MIGRATIONS_TABLE not in tables:
        # An SQLite file with no tables at all: typically the .db of a database copied without
        # its -wal file, whose scenarios are all in that -wal file.  Setting it up would hide
        # that; the planner decides (copy the -wal file too, or start a new file).
        raise StorageError(
            f"The scenario database {path} is an SQLite file without any SiteSelect scenarios "
            "in it. If it was copied from a running SiteSelect, copy its -wal file along with "
            f"it. {advice}")


def connect(path: Path, timeout: float = DEFAULT_BUSY_TIMEOUT) -> sqlite_utils.Database:
    """Open ``path`` for writing (after :func:`check_existing_file`), in WAL mode."""
    with sql_errors(path, "open", timeout):
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
        import sqlite_utils

        conn = sqlite3.connect(str(path), timeout=timeout)
        try:
            conn.execute("PRAGMA foreign_keys = ON")
            db = sqlite_utils.Database(conn, execute_plugins=False)
            db.enable_wal()
            # WAL with synchronous=NORMAL keeps every committed transaction across a crash of
            # the process (only a power cut may lose the last one) and writes far less often.
            conn.execute("PRAGMA synchronous = NORMAL")
        except BaseException:
            conn.close()
            raise
    return db


@contextlib.contextmanager
def write_transaction(db: sqlite_utils.Database, path: Path,
                      timeout: float = DEFAULT_BUSY_TIMEOUT) -> Iterator[None]:
    """One ``BEGIN IMMEDIATE`` transaction: all of the block's writes or none of them.

    IMMEDIATE takes the write lock at the start, so what the block reads cannot be changed by
    another program before it writes (the basis of the revision conflict check).
    """
    conn = db.conn
    with sql_errors(path, "write to", timeout):
        conn.execute("BEGIN IMMEDIATE")
        try:
            yield
            conn.execute("COMMIT")
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise
    checkpoint(db, "PASSIVE")


def checkpoint(db: sqlite_utils.Database, mode: str = "PASSIVE") -> None:
    """Copy committed work from the ``-wal`` file into the database file itself.

    After every committed save, so the ``.db`` file alone always holds the planner's
    scenarios (a copy of it is complete).  PASSIVE never waits for readers; TRUNCATE (used
    when closing) also empties the ``-wal`` file when no one else is reading.  A checkpoint
    that cannot finish now is harmless: SQLite completes it later, and nothing is lost.
    """
    try:
        db.conn.execute(f"PRAGMA wal_checkpoint({mode})").fetchall()
    except sqlite3.Error as exc:
        log.debug("WAL checkpoint (%s) did not run: %s", mode, exc)
