"""Scenario storage: one SQLite file through sqlite-utils, with revisions and migrations.

Qt-free; the CLI and the window both use :class:`ScenarioStore`.  See
:mod:`.database` (opening and fault checks), :mod:`.migrations` (schema history),
:mod:`.repository` (the API) and :mod:`.exchange` (the JSON file format for sharing).
"""

from siteselect.storage.database import default_db_path, resolve_db_path
from siteselect.storage.migrations import SCHEMA_VERSION
from siteselect.storage.repository import (
    ConflictError,
    DeletedScenario,
    MissingDatabaseError,
    NameTakenError,
    Revision,
    ScenarioStore,
)

__all__ = [
    "SCHEMA_VERSION",
    "ConflictError",
    "DeletedScenario",
    "MissingDatabaseError",
    "NameTakenError",
    "Revision",
    "ScenarioStore",
    "default_db_path",
    "resolve_db_path",
]
