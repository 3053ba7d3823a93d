"""The scenario exchange file: a documented, versioned JSON format for sharing scenarios.

``siteselect scenario export NAME -o FILE.json`` writes one scenario per file;
``siteselect scenario import FILE.json [--rename NEW]`` reads it into another database.
The file is UTF-8 JSON holding one object:

.. code-block:: json

    {
      "format": "siteselect-scenario",
      "version": 1,
      "exported_at": "2026-11-26T05:40:00.123456+00:00",
      "generator": "siteselect 0.1.0",
      "name": "Board draft — power first",
      "description": "Power cost above all; no states with a moratorium.",
      "dataset_version": "2025-753c789108b3",
      "created": "2026-11-20T09:12:03.000000+00:00",
      "updated": "2026-11-26T05:39:58.000000+00:00",
      "revision": 4,
      "settings": {
        "version": 1,
        "weights": {"energy_cost": 40.0, "talent": 15.0, "tax_incentives": 15.0},
        "disabled": [],
        "method": "wsm",
        "normalization": "minmax",
        "missing": "worst",
        "gates": [{"criterion": "energy_cost", "op": "<=", "threshold": 9.0}],
        "exclude": ["CA"],
        "overrides": [{"state": "TX", "criterion": "energy_cost", "value": 5.0,
                       "note": "negotiated PPA"}]
      }
    }

Fields:

- ``format`` (required): always ``"siteselect-scenario"``.
- ``version`` (required): the format version, ``1``. A reader refuses versions it does not know.
- ``exported_at``, ``generator``: when and by which release the file was written (informative).
- ``name`` (required): 1-100 characters, any Unicode; surrounding spaces are dropped.
- ``description``: free text of at most 10,000 characters (default empty).
- ``dataset_version``: the version of the state data the scenario was made with (empty if
  unknown); a different version on import is allowed, the figures may have moved since.
- ``created``, ``updated``: ISO 8601 UTC times in the source database; ``revision``: how
  many times it was saved there (informative; an imported scenario starts at revision 1, and
  keeps ``created``).
- ``sensitivity`` (optional): the last sensitivity run kept with the scenario, a compact
  summary (draws, seed, spread, K, per state the base rank, rank range, 90 % range, chance of
  the top K and of first place, the acceptability counts for up to 250,000 ranks, and the
  stability intervals) with the fingerprint of the settings and dataset it was computed for;
  see :mod:`siteselect.model.sensitivity_summary`.  Every number is range-checked on import.
- ``settings`` (required): weights in points per criterion id (non-negative; only the ratios
  matter; an id not listed weighs 0), ``disabled`` criterion ids (kept weight, no part in the
  score), ``method`` (``wsm`` weighted sum, ``wpm`` weighted product, ``topsis``),
  ``normalization`` (``minmax``, ``zscore``, ``rank``), ``missing`` (``worst``, ``mean``,
  ``exclude``), ``gates`` (hard thresholds on raw values; ``op`` is one of ``<=``, ``>=``,
  ``<``, ``>``, ``==``), ``exclude`` (postal codes left out) and ``overrides`` (what-if values
  replacing one figure: postal code, criterion id, the value in the criterion's unit
  within its valid range, or for a categorical criterion the number of one of its labels,
  and a note of at most 500 characters).
  Criterion ids are those of ``siteselect criteria``.

Import checks the whole file before anything is written and reports every problem in it,
not just the first: malformed JSON is reported with its line and column; a wrong ``format``
or ``version``, an unknown field, criterion id or state code, a negative or non-numeric
weight, a malformed gate or a what-if value outside its criterion's range is refused with a
message naming the field. A scenario is never half-imported.

Limits: a scenario file is a regular file of at most 1,000,000 bytes (a named pipe, a
device or a larger file is refused unread); whole numbers have at most 30 digits; lists and
objects nested hundreds of levels deep are refused.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from siteselect import __version__
from siteselect.errors import ExportError, InputError
from siteselect.model.scenario import (
    Scenario,
    ScenarioProblems,
    check_description,
    clean_name,
    settings_problems,
    settings_to_dict,
    shown,
)
from siteselect.model.sensitivity_summary import summary_problems, summary_to_dict
from siteselect.storage.database import special_file_kind
from siteselect.storage.migrations import now_iso

FORMAT = "siteselect-scenario"
VERSION = 1
_FIELDS = {"format", "version", "exported_at", "generator", "name", "description",
           "dataset_version", "created", "updated", "revision", "settings", "sensitivity"}


def scenario_to_document(scenario: Scenario, exported_at: str | None = None) -> dict[str, Any]:
    """The exchange document of one scenario (a JSON-ready dict)."""
    doc = {
        "format": FORMAT,
        "version": VERSION,
        "exported_at": exported_at or now_iso(),
        "generator": f"siteselect {__version__}",
        "name": scenario.name,
        "description": scenario.description,
        "dataset_version": scenario.dataset_version,
        "created": scenario.created,
        "updated": scenario.updated,
        "revision": scenario.revision,
        "settings": settings_to_dict(scenario.settings),
    }
    if scenario.sensitivity is not None:
        doc["sensitivity"] = summary_to_dict(scenario.sensitivity)
    return doc


def dumps(scenario: Scenario) -> str:
    """The exchange file text of one scenario."""
    return json.dumps(scenario_to_document(scenario), indent=2, ensure_ascii=False) + "\n"


#: Largest scenario file read, in bytes.  A scenario with every what-if value and note
#: filled in is far smaller; anything larger is not a scenario file.
FILE_MAX_BYTES = 1_000_000
#: Most digits of a whole number in a scenario file (weights, thresholds, figures).
INT_DIGITS_MAX = 30


def _bounded_int(where: str):
    def parse(text: str) -> int:
        digits = len(text.lstrip("-"))
        if digits > INT_DIGITS_MAX:
            raise InputError(f"{where} holds a whole number of {digits:,} digits; numbers in a "
                             f"scenario file have at most {INT_DIGITS_MAX} digits.")
        return int(text)

    return parse


def parse_document(data: str | bytes, where: str = "The scenario file") -> Any:
    """Parse exchange-file text (at most :data:`FILE_MAX_BYTES`).

    Raises
    ------
    InputError
        For text that is too large, not UTF-8 JSON (giving the line and column), nested
        too deeply, or holding an absurdly long number.
    """
    if len(data) > FILE_MAX_BYTES:
        raise InputError(f"{where} is larger than {FILE_MAX_BYTES:,} bytes, the most a "
                         "scenario file may hold; it is not a SiteSelect scenario file.")
    if isinstance(data, bytes):
        if data[:2] in (b"\xff\xfe", b"\xfe\xff") or _looks_utf16(data):
            raise InputError(f"{where} looks like UTF-16 text, not UTF-8. Save it again as "
                             "UTF-8 (e.g. \"Save As\" with encoding UTF-8) and import it again.")
        try:
            data = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise InputError(f"{where} is not UTF-8 text (the first bad byte is at offset "
                             f"{exc.start}); save it as UTF-8 and import it again.") from None
    try:
        return json.loads(data, parse_int=_bounded_int(where))
    except json.JSONDecodeError as exc:
        # json's messages may end in "at" ("Unterminated string starting at"), which the
        # position completes; say "at line ..." only once.
        msg = exc.msg[:-3].rstrip() if exc.msg.endswith(" at") else exc.msg
        raise InputError(f"{where} is not valid JSON: {msg} at line {exc.lineno}, "
                         f"column {exc.colno}.") from None
    except RecursionError:
        raise InputError(f"{where} is nested too deeply (lists or objects within each other "
                         "hundreds of levels down) to be a scenario file.") from None
    except ValueError as exc:
        raise InputError(f"{where} is not valid JSON: {exc}.") from None


def _looks_utf16(data: bytes) -> bool:
    """UTF-16 without a byte-order mark: JSON is mostly ASCII, so every other byte is 0."""
    sample = data[:200]
    if len(sample) < 4:
        return False
    return sample[1::2].count(0) > len(sample) // 4 or sample[0::2].count(0) > len(sample) // 4


def _kind(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true or false"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, str):
        return "a text"
    if isinstance(value, int | float):
        return "a number"
    return f"a {type(value).__name__}"


def document_to_scenario(doc: Any, where: str = "The scenario file",
                         extra: Mapping[str, Any] | None = None) -> Scenario:
    """Check an exchange document and build the scenario it describes.

    Raises
    ------
    InputError
        For a document that is not a SiteSelect scenario of a version this release reads.
    ScenarioProblems
        Listing every field that is wrong (an :class:`InputError` too).
    """
    if not isinstance(doc, dict):
        raise InputError(f"{where} must hold one JSON object (a scenario), not {_kind(doc)}.")
    if doc.get("format") != FORMAT:
        raise InputError(f"{where} is not a SiteSelect scenario file (format "
                         f"{shown(doc.get('format'))}, expected {FORMAT!r}).")
    version = doc.get("version")
    if version != VERSION or isinstance(version, bool):
        raise InputError(f"{where} has format version {shown(version)}; this release reads "
                         f"version {VERSION}. Update SiteSelect to import it.")
    problems: list[str] = []
    unknown = set(doc) - _FIELDS
    if unknown:
        problems.append("unknown field(s) "
                        f"{', '.join(shown(k) for k in sorted(unknown)[:10])}.")
    for key in ("name", "description", "dataset_version", "created", "updated"):
        if key in doc and not isinstance(doc[key], str):
            problems.append(f"{key} must be text, not {_kind(doc[key])}.")
    for key in ("dataset_version", "created", "updated"):
        if isinstance(doc.get(key), str) and len(doc[key]) > 100:
            problems.append(f"{key} has {len(doc[key]):,} characters; at most 100 are allowed.")
    name = doc.get("name")
    if name is None:
        problems.append("the scenario has no name.")
    elif isinstance(name, str):
        try:
            clean_name(name)
        except InputError as exc:
            problems.append(exc.message[0].lower() + exc.message[1:])
    description = doc.get("description", "")
    if isinstance(description, str):
        try:
            check_description(description)
        except InputError as exc:
            problems.append(exc.message[0].lower() + exc.message[1:])
    settings = None
    if "settings" not in doc:
        problems.append("the scenario has no settings.")
    else:
        settings = settings_problems(doc["settings"], problems, extra)
    sensitivity = None
    if doc.get("sensitivity") is not None:
        sensitivity = summary_problems(doc["sensitivity"], problems)
    if problems or settings is None:
        raise ScenarioProblems(where, problems or ["the settings cannot be read."])
    return Scenario(name=doc["name"], settings=settings, description=description,
                    dataset_version=doc.get("dataset_version", ""),
                    created=doc.get("created", ""), updated=doc.get("updated", ""),
                    sensitivity=sensitivity)


def read_file(path: str | os.PathLike[str]) -> Any:
    """Read and parse an exchange file (the document, not yet checked).

    Only a regular file of at most :data:`FILE_MAX_BYTES` is read, so a named pipe, a
    device such as ``/dev/zero`` or a huge file is refused at once instead of read forever.

    Raises
    ------
    InputError
        For a missing, unreadable, special or too large file, or one that is not JSON.
    """
    p = Path(path)
    too_large = (f"{p} is larger than {FILE_MAX_BYTES:,} bytes, the most a scenario file may "
                 "hold; it is not a SiteSelect scenario file.")
    try:
        kind = special_file_kind(os.stat(p).st_mode)
        if kind is not None:
            raise InputError(f"{p} is {kind}, not a scenario file; nothing was imported.")
        # Non-blocking, so that a pipe put in the file's place since the check cannot hang.
        fd = os.open(p, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
        with os.fdopen(fd, "rb") as fh:
            st = os.fstat(fd)
            kind = special_file_kind(st.st_mode)
            if kind is not None:
                raise InputError(f"{p} is {kind}, not a scenario file; nothing was imported.")
            if st.st_size > FILE_MAX_BYTES:
                raise InputError(too_large)
            data = fh.read(FILE_MAX_BYTES + 1)
    except OSError as exc:
        raise InputError(f"Cannot read {p}: {exc.strerror or exc}.") from None
    if len(data) > FILE_MAX_BYTES:
        raise InputError(too_large)
    return parse_document(data, str(p))


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def write_file(scenario: Scenario, path: str | os.PathLike[str]) -> Path:
    """Write the exchange file of ``scenario``, atomically (temporary file, then rename).

    Raises
    ------
    ExportError
        When the file cannot be written; an existing file is then left as it was.
    """
    p = Path(path)
    if p.is_symlink() and p.is_file():
        # A link to a file is written through, as every export does: the file it points to
        # is replaced and the link stays.
        p = Path(os.path.realpath(p))
    text = dumps(scenario)
    try:
        kind = special_file_kind(os.stat(p).st_mode)
    except OSError:
        kind = None
    if kind is not None:
        raise ExportError(f"Cannot write {p}: it is {kind}, not a file; nothing was written.")
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{p.name}.", suffix=".tmp", dir=p.parent or ".")
    except OSError as exc:
        raise ExportError(f"Cannot write {p}: {exc.strerror or exc}.") from None
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(text)
        # mkstemp makes the file private (0600); a file for sharing gets the usual mode (or
        # keeps the mode of the file it replaces).
        mode = p.stat().st_mode & 0o777 if p.is_file() else 0o666 & ~_umask()
        os.chmod(tmp, mode)
        os.replace(tmp, p)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise ExportError(f"Cannot write {p}: {exc.strerror or exc}.") from None
    return p
