"""Planners' own tables: figures a planner brings, read and checked before anything uses them.

A table is a CSV file or an XLSX sheet with a key column -- ``state`` (postal code, full name
or 2-digit FIPS, any case) or ``fips`` (5-digit county FIPS) -- and one column per criterion;
a blank cell is a missing figure, never zero.  A ``name`` column (``state_name``, ``county``,
``county_name``) is for the reader only and is ignored.  The criteria are described in a
criteria table of the shape :mod:`siteselect.model.catalogue` reads: ``FILE.criteria.csv``
next to ``FILE.csv``, or a sheet named ``criteria`` in the workbook.  A criterion id the
program already knows replaces those figures (keeping the known category labels and valid
range unless the criteria table gives its own); a new id adds a criterion to the group
"Your data" with no weight.

:func:`read_table` never stops at the first problem: it returns every one, each with its file,
row, column, value and a stable code (:class:`~siteselect.model.catalogue.Problem`), and the
:class:`ImportedTable` only when none of them is an error.  :func:`write_template` writes a
table to fill in; :func:`xlsx_sheets` lists a workbook's sheets.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import difflib
import hashlib
import json
import math
import os
import re
import tempfile
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from siteselect.errors import DataError, ExportError, InputError
from siteselect.model.alternatives import LEVEL_WORDS, Alternatives, load_alternatives
from siteselect.model.catalogue import Problem, parse_criteria
from siteselect.model.catalogue import read_table as read_csv_table
from siteselect.model.criteria import HIGHER, LOWER, Criterion, Provenance

#: The key column of each level.
KEY_COLUMNS = {"state": "state", "fips": "county"}
#: Columns a table may carry for the reader's sake; their content is ignored.
INFO_COLUMNS = frozenset({"name", "state_name", "county", "county_name"})
#: The group of criteria a planner adds.
OWN_GROUP = "Your data"
#: The name of the criteria sheet in a workbook, and of the data sheet in a template.
CRITERIA_SHEET = "criteria"
DATA_SHEET = "data"
#: The columns of a criteria table written by :func:`write_template`.
TEMPLATE_CRITERIA_COLUMNS = ("id", "label", "unit", "direction", "source", "url", "year",
                             "status", "valid_min", "valid_max", "labels")
XLSX_SUFFIXES = (".xlsx", ".xlsm")
FORMAT = "siteselect-own-table"
FORMAT_VERSION = 1

NUMBER = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?")
NON_FINITE = frozenset({"nan", "inf", "infinity"})
SEPARATORS = re.compile(r"[,_ '\u00a0\u202f]")
#: How many unknown keys get a "did you mean" suggestion (each one is a fuzzy search).
SUGGESTION_LIMIT = 50


@dataclass(frozen=True)
class ImportedTable:
    """A planner's table, checked: its criteria and their figures, one per alternative.

    ``values`` maps each criterion id to the cell texts in the order of the level's
    alternatives (``''`` = missing); numbers are kept as written.  ``content_hash`` covers the
    level, the criteria and the values, not the name or the file, so the same figures read
    from a CSV file and from a workbook have the same hash.
    """

    name: str
    level: str
    criteria: tuple[Criterion, ...]
    values: dict[str, tuple[str, ...]]
    source_file: str
    sheet: str
    content_hash: str

    def criterion(self, cid: str) -> Criterion:
        for c in self.criteria:
            if c.id == cid:
                return c
        raise KeyError(cid)

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready data; :meth:`from_dict` gives back an equal table."""
        return {
            "format": FORMAT,
            "format_version": FORMAT_VERSION,
            "name": self.name,
            "level": self.level,
            "source_file": self.source_file,
            "sheet": self.sheet,
            "content_hash": self.content_hash,
            "criteria": [criterion_to_dict(c) for c in self.criteria],
            "values": {cid: list(v) for cid, v in self.values.items()},
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> ImportedTable:
        """The table :meth:`to_dict` described.

        Raises
        ------
        DataError
            If ``data`` is not such a description.
        """
        try:
            if data.get("format", FORMAT) != FORMAT:
                raise ValueError(f"not a {FORMAT} record")
            version = int(data.get("format_version", FORMAT_VERSION))
            if version > FORMAT_VERSION:
                raise ValueError(f"format version {version} is newer than this program "
                                 f"reads ({FORMAT_VERSION})")
            criteria = tuple(criterion_from_dict(c) for c in data["criteria"])
            values = {str(k): tuple(str(x) for x in v) for k, v in data["values"].items()}
            table = cls(name=str(data["name"]), level=str(data["level"]), criteria=criteria,
                        values=values, source_file=str(data.get("source_file", "")),
                        sheet=str(data.get("sheet", "")),
                        content_hash=str(data["content_hash"]))
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise DataError(f"A stored table of own figures cannot be read: {exc}") from None
        if table.level not in LEVEL_WORDS:
            raise DataError(f"A stored table of own figures has an unknown level "
                            f"{table.level!r}.")
        if [c.id for c in criteria] != list(values):
            ids = ", ".join(c.id for c in criteria)
            raise DataError(f"The stored table {table.name!r} has figures for "
                            f"{', '.join(values)} but criteria {ids}.")
        if len({len(v) for v in values.values()}) > 1:
            raise DataError(f"The stored table {table.name!r} has columns of unequal length.")
        return table


def criterion_to_dict(c: Criterion) -> dict[str, Any]:
    """A criterion as plain JSON-ready data (every field)."""
    out = dataclasses.asdict(c)
    out["valid_range"] = list(c.valid_range)
    out["uncertainty"] = list(c.uncertainty) if c.uncertainty is not None else None
    return out


def criterion_from_dict(data: Mapping[str, Any]) -> Criterion:
    """The criterion :func:`criterion_to_dict` described."""
    names = {f.name for f in dataclasses.fields(Criterion)}
    kwargs = {k: v for k, v in data.items() if k in names}
    prov = kwargs.get("provenance")
    kwargs["provenance"] = Provenance(**prov) if prov else None
    lo, hi = kwargs.get("valid_range") or (None, None)
    kwargs["valid_range"] = (None if lo is None else float(lo), None if hi is None else float(hi))
    unc = kwargs.get("uncertainty")
    kwargs["uncertainty"] = (str(unc[0]), float(unc[1])) if unc else None
    kwargs["encoding"] = {str(k): float(v) for k, v in (kwargs.get("encoding") or {}).items()}
    kwargs["default_weight"] = float(kwargs.get("default_weight", 0.0))
    return Criterion(**kwargs)


def content_hash(level: str, criteria: Sequence[Criterion],
                 values: Mapping[str, Sequence[str]]) -> str:
    """The first 16 hex digits of the SHA-256 of the level, criteria and values."""
    canonical = {
        "level": level,
        "criteria": [criterion_to_dict(c) for c in criteria],
        "values": [[c.id, list(values[c.id])] for c in criteria],
    }
    text = json.dumps(canonical, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


# -- reading a grid of cells from CSV or XLSX ---------------------------------------------------
@dataclass
class _Grid:
    """The cells of one table: header, (row number, texts) rows, and cells already reported."""

    file: str
    header: list[str]
    rows: list[tuple[int, list[str]]]
    flagged: set[tuple[int, int]] = dataclasses.field(default_factory=set)


def _renamed(problems: Iterable[Problem], file: str) -> list[Problem]:
    return [dataclasses.replace(p, file=file) for p in problems]


def sidecar_path(path: str | os.PathLike[str]) -> Path:
    """The criteria file of a CSV table: ``prices.csv`` -> ``prices.criteria.csv``."""
    p = Path(path)
    return p.with_name(p.stem + ".criteria.csv")


def _read_csv_grid(path: Path, display: str) -> tuple[_Grid | None, list[Problem]]:
    header, rows, problems = read_csv_table(path)
    if problems:
        return None, _renamed(problems, display)
    return _Grid(display, header, rows), []


def _cell_text(value: object) -> str | None:
    """A cell's value as text; numbers exactly as stored (5.0 -> '5'); None for a date."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            return str(value)
        text = repr(value + 0.0)
        return text[:-2] if text.endswith(".0") else text
    if isinstance(value, dt.datetime | dt.date | dt.time | dt.timedelta):
        return None
    return str(value).strip()


def _column_letter(j: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(j + 1)


def _sheet_grid(ws: Any, cached: Any, display: str) -> tuple[_Grid | None, list[Problem]]:
    """The cells of a worksheet; formulas without a saved result, dates and merged cells are
    reported (``cached`` is the same sheet read for saved results, or None without formulas)."""
    problems: list[Problem] = []
    raw: list[tuple[int, list[str]]] = []
    flagged: set[tuple[int, int]] = set()
    pending: list[tuple[int, int, str]] = []  # date and formula cells, reported once named
    for r, cells in enumerate(ws.iter_rows(), start=1):
        texts: list[str] = []
        for j, cell in enumerate(cells):
            value = cell.value
            if cell.data_type == "f":
                saved = cached.cell(row=r, column=j + 1).value if cached is not None else None
                if saved is None:
                    formula = value if isinstance(value, str) else getattr(value, "text", "")
                    pending.append((r, j, f"formula:{formula}"))
                    flagged.add((r, j))
                    texts.append("")
                    continue
                value = saved
            text = _cell_text(value)
            if text is None:
                pending.append((r, j, f"date:{value}"))
                flagged.add((r, j))
                text = ""
            texts.append(text)
        while texts and not texts[-1]:
            texts.pop()
        raw.append((r, texts))
    header = raw[0][1] if raw else []

    def name_of(j: int) -> str:
        return header[j] if j < len(header) and header[j] else _column_letter(j)

    for rng in sorted(ws.merged_cells.ranges, key=lambda m: (m.min_row, m.min_col)):
        problems.append(Problem(
            display, rng.min_row, name_of(rng.min_col - 1),
            "merged cells; unmerge them and give every cell its own value", rng.coord,
            "merged-cells"))
        for r in range(rng.min_row, rng.max_row + 1):
            for j in range(rng.min_col - 1, rng.max_col):
                flagged.add((r, j))
    for r, j, what in pending:
        kind, _, text = what.partition(":")
        if kind == "formula":
            problems.append(Problem(
                display, r, name_of(j),
                "a formula without a saved result; open the workbook in a spreadsheet, "
                "recalculate and save it, or paste the values", text, "formula-without-value"))
        else:
            problems.append(Problem(display, r, name_of(j),
                                    "a date or time, not a number or category label", text,
                                    "date-cell"))
    if not raw or not any(header):
        problems.append(Problem(display, 1, "", "the sheet is empty or has no header row",
                                code="empty"))
        return None, problems
    body = [(r, cells) for r, cells in raw[1:]
            if any(cells) or any((r, j) in flagged for j in range(len(header) + 1))]
    return _Grid(display, header, body, flagged), problems


def _open_workbook(path: Path, *, data_only: bool) -> Any:
    import openpyxl

    return openpyxl.load_workbook(path, data_only=data_only)


def _workbook_problem(path: Path, exc: BaseException) -> Problem:
    if isinstance(exc, FileNotFoundError):
        return Problem(path.name, 0, "", "file not found", code="missing-file")
    if isinstance(exc, PermissionError | IsADirectoryError):
        return Problem(path.name, 0, "", f"cannot be read ({exc.strerror or exc})",
                       code="unreadable")
    return Problem(path.name, 0, "", "not a readable XLSX workbook; save it from the "
                   "spreadsheet as .xlsx (Excel workbook) or as CSV", type(exc).__name__,
                   "bad-xlsx")


def xlsx_sheets(path: str | os.PathLike[str]) -> list[str]:
    """The sheet names of a workbook, in order.

    Raises
    ------
    DataError
        If the file cannot be read as an XLSX workbook.
    """
    p = Path(path)
    try:
        import openpyxl

        wb = openpyxl.load_workbook(p, read_only=True)
        try:
            return list(wb.sheetnames)
        finally:
            wb.close()
    except Exception as exc:  # openpyxl raises zipfile, XML and its own errors alike
        raise DataError(str(_workbook_problem(p, exc))) from None


def _read_xlsx_grids(path: Path, sheet: str | None
                     ) -> tuple[_Grid | None, _Grid | None, str, list[Problem]]:
    """(data grid, criteria grid, data sheet name, problems) of a workbook."""
    try:
        wb = _open_workbook(path, data_only=False)
    except Exception as exc:  # openpyxl raises zipfile, XML and its own errors alike
        return None, None, sheet or "", [_workbook_problem(path, exc)]
    names = list(wb.sheetnames)
    problems: list[Problem] = []
    crit_name = next((n for n in names if n.strip().casefold() == CRITERIA_SHEET), None)
    if sheet is not None:
        data_name = sheet if sheet in names else None
        if data_name is None:
            problems.append(Problem(path.name, 0, "", f"no sheet named {sheet!r}; the sheets "
                                    f"are {', '.join(names)}", sheet, "missing-sheet"))
    else:
        data_name = next((n for n in names if n != crit_name), None)
        if data_name is None:
            problems.append(Problem(path.name, 0, "", "no data sheet: the workbook has only "
                                    "a criteria sheet", code="missing-sheet"))
    if crit_name is None:
        problems.append(Problem(
            path.name, 0, "", f"no sheet named {CRITERIA_SHEET!r}: add one with the columns "
            "id, label, unit, direction (one row per criterion column of the data)",
            code="missing-criteria-sheet"))
    wanted = [n for n in (data_name, crit_name) if n is not None]
    formulas = any(cell.data_type == "f" for n in wanted for row in wb[n].iter_rows()
                   for cell in row)
    cached = None
    if formulas:
        try:
            cached = _open_workbook(path, data_only=True)
        except Exception as exc:  # pragma: no cover - it was readable a moment ago
            return None, None, data_name or "", [_workbook_problem(path, exc)]
    grids: list[_Grid | None] = []
    for n in (data_name, crit_name):
        if n is None:
            grids.append(None)
            continue
        grid, found = _sheet_grid(wb[n], cached[n] if cached is not None else None,
                                  f"{path.name}[{n}]")
        problems += found
        grids.append(grid)
    return grids[0], grids[1], data_name or "", problems


# -- checking a figure --------------------------------------------------------------------------
def _figure_problem(crit: Criterion, text: str) -> tuple[str, str] | None:
    """(code, message) of what is wrong with one figure of ``crit``, or None."""
    if crit.encoding:
        if text in crit.encoding:
            return None
        allowed = ", ".join(crit.encoding)
        return "unknown-label", f"not one of the labels of {crit.id}: {allowed}"
    if NUMBER.fullmatch(text):
        value = float(text)
        if not math.isfinite(value):
            return "not-finite", "too large to be a finite number"
        if not crit.in_range(value):
            return "out-of-range", f"outside the valid range ({crit.range_text()})"
        return None
    if text.casefold().lstrip("+-") in NON_FINITE:
        return "not-finite", "not a finite number; leave the cell blank if the figure is missing"
    if SEPARATORS.search(text) and NUMBER.fullmatch(SEPARATORS.sub("", text)):
        return "separator", ("a number with separators; write 1234.5, without separators "
                             "(a decimal point, no thousands commas or spaces)")
    bare = text.strip().strip("%$€£").strip()
    if bare != text.strip() and NUMBER.fullmatch(bare):
        return "unit-in-cell", (f"not a number; write {bare} without the "
                                f"{'%' if '%' in text else 'currency sign'} (the unit belongs "
                                "in the criteria table)")
    return "not-a-number", "not a number; write figures as plain numbers such as 1234.5"


def _label_match(crit: Criterion, text: str) -> str:
    """The category label ``text`` names when it differs from it only in case, else ``text``."""
    if not crit.encoding or text in crit.encoding:
        return text
    folded = text.casefold()
    for label in crit.encoding:
        if label.casefold() == folded:
            return label
    return text


# -- the criteria of a table ----------------------------------------------------------------
def _direction_word(c: Criterion) -> str:
    return "lower" if c.direction == LOWER else "higher"


def _merge_known(own: Criterion, known: Criterion) -> Criterion:
    """A known criterion whose figures a planner replaces: the planner's label, unit,
    direction and source; the known encoding and valid range unless the planner gives them."""
    prov = own.provenance or Provenance("", "", "", "", own.unit)
    return dataclasses.replace(
        known,
        label=own.label,
        unit=own.unit,
        direction=own.direction,
        encoding=own.encoding or dict(known.encoding),
        encoding_note=own.encoding_note if own.encoding else known.encoding_note,
        valid_range=(own.valid_range if own.valid_range != (None, None)
                     else known.valid_range),
        provenance=dataclasses.replace(prov, unit=own.unit),
        uncertainty=own.uncertainty,
        uncertainty_basis=own.uncertainty_basis,
        decimals=None,
        sources_column="",
    )


def _own_criterion(own: Criterion) -> Criterion:
    prov = own.provenance or Provenance("", "", "", "", own.unit)
    return dataclasses.replace(own, column=own.id, group=own.group or OWN_GROUP,
                               default_weight=0.0, provenance=dataclasses.replace(
                                   prov, unit=own.unit), sources_column="")


def _criteria(grid: _Grid, known: Mapping[str, Criterion]
              ) -> tuple[list[Criterion], dict[str, int], list[Problem]]:
    """The criteria of a criteria table, the row of every id it names, and its problems."""
    parsed, problems = parse_criteria(grid.header, grid.rows, grid.file, group=OWN_GROUP)
    id_col = grid.header.index("id") if "id" in grid.header else None
    rows_of: dict[str, int] = {}
    if id_col is not None:
        for r, cells in grid.rows:
            if id_col < len(cells) and cells[id_col]:
                rows_of.setdefault(cells[id_col], r)
    for (r, j) in sorted(grid.flagged):
        # A merged or formula cell was read as blank: say so once rather than twice.
        problems = [p for p in problems
                    if not (p.row == r and p.code == "empty-required"
                            and j < len(grid.header) and p.column == grid.header[j])]
    if not grid.rows and not any(p.code == "missing-column" for p in problems):
        problems.append(Problem(grid.file, 1, "", "no criteria listed; add one row per "
                                "criterion column of the data", code="no-criteria"))
    out: list[Criterion] = []
    for c in parsed:
        base = known.get(c.id)
        row = rows_of.get(c.id, 0)
        if base is None:
            out.append(_own_criterion(c))
            continue
        merged = _merge_known(c, base)
        if base.unit and c.unit != base.unit:
            problems.append(Problem(
                grid.file, row, "unit", f"{base.label} is measured in {base.unit}: give "
                f"the figures in {base.unit}, or import them under a new id (the shipped "
                "figures, gates and what-if values are in that unit)", c.unit,
                "unit-changed"))
        if c.direction != base.direction:
            problems.append(Problem(
                grid.file, row, "direction", f"for {base.label} {_direction_word(base)} is "
                f"better; to rank it the other way, import the figures under a new id",
                _direction_word(c), "direction-changed"))
        out.append(merged)
    for c in out:
        if c.provenance is None or not c.provenance.source:
            problems.append(Problem(grid.file, rows_of.get(c.id, 0), "source",
                                    f"no source given for {c.id}; its figures will be "
                                    "shown without one", code="no-source", warning=True))
    return out, rows_of, problems


# -- the table ------------------------------------------------------------------------------
def _fips_text(text: str) -> str:
    """A FIPS code a spreadsheet turned into a decimal (``48201.0``) back to its digits."""
    head, dot, tail = text.partition(".")
    return head if dot and head.isdigit() and tail.strip("0") == "" else text


def _key_problem_hint(alternatives: Alternatives) -> str:
    if alternatives.level == "county":
        return "a county is named by its 5-digit FIPS code, such as 48453 (Travis County, TX)"
    return "a state is named by its postal code, full name or 2-digit FIPS code"


def _suggest(alternatives: Alternatives, text: str) -> str:
    if alternatives.level != "state":
        return ""
    names = {a.name.casefold(): a for a in alternatives}
    close = difflib.get_close_matches(text.casefold(), list(names), n=1, cutoff=0.7)
    if not close:
        return ""
    a = names[close[0]]
    return f"; did you mean {a.name} ({a.code})?"


def _listing(names: Sequence[str], limit: int = 10) -> str:
    if len(names) <= limit:
        return ", ".join(names)
    return f"{', '.join(names[:limit])} and {len(names) - limit:,} more"


#: The largest table file read (a county table of 100,000 rows x 20 columns is ~20 MB).
MAX_FILE_BYTES = 200_000_000


def _unusable_file(p: Path) -> str:
    """Why ``p`` cannot be read as a table ('' if it can): a device, FIFO or folder would
    block or never end; a huge file is refused before it is read."""
    import stat

    try:
        st = p.stat()
    except FileNotFoundError:
        return ""  # reported as a missing file by the reader
    except OSError as exc:
        return f"cannot be read ({exc.strerror or exc})"
    if stat.S_ISDIR(st.st_mode):
        return "a folder, not a table file"
    if not stat.S_ISREG(st.st_mode):
        return "not a regular file (a device, pipe or socket); save the table as a file"
    if st.st_size > MAX_FILE_BYTES:
        return (f"{st.st_size:,} bytes; tables up to {MAX_FILE_BYTES:,} bytes are read "
                "(split it)")
    return ""


def read_table(
    path: str | os.PathLike[str],
    known: Mapping[str, Criterion],
    *,
    sheet: str | None = None,
    name: str | None = None,
    alternatives: Callable[[str], Alternatives] = load_alternatives,
) -> tuple[ImportedTable | None, list[Problem]]:
    """Read and check a planner's table and its criteria.

    Parameters
    ----------
    path : a CSV file (criteria in ``FILE.criteria.csv``) or an XLSX workbook (criteria in a
        sheet named ``criteria``).
    known : the criteria the program already has, by id (figures for one of them replace it).
    sheet : the workbook's data sheet; default the first sheet not named ``criteria``.
    name : the table's name; default the file's stem.
    alternatives : the alternatives of a level (``"state"`` or ``"county"``).

    Returns
    -------
    (table, problems)
        Every problem found, errors and warnings; the table only when there is no error.
    """
    table, problems = _read_table(path, known, sheet=sheet, name=name,
                                  alternatives=alternatives)
    return table, capped(problems)


#: Most problems of one kind listed; the rest are counted in one line.
PROBLEMS_PER_KIND = 1000


def capped(problems: list[Problem], limit: int = PROBLEMS_PER_KIND) -> list[Problem]:
    """At most ``limit`` problems of each code, then one line saying how many more there are
    (a file with 100,000 repeated rows gives a readable list, not 100,000 lines)."""
    counts: dict[tuple[str, bool], int] = {}
    out: list[Problem] = []
    last: dict[tuple[str, bool], Problem] = {}
    for p in problems:
        key = (p.code, p.warning)
        counts[key] = counts.get(key, 0) + 1
        if counts[key] <= limit:
            out.append(p)
            last[key] = p
    for key, n in counts.items():
        if n > limit:
            p = last[key]
            out.append(Problem(p.file, 0, p.column, f"{MORE}{n - limit:,} more problems of "
                               f"this kind ({p.code}), {n:,} in all", "", p.code, p.warning))
    return out


#: How the line that stands for the problems left out of a capped list begins.
MORE = "... and "


def error_count(problems: Iterable[Problem]) -> int:
    """The number of errors, counting those a capped list left out."""
    n = 0
    for p in problems:
        if p.warning:
            continue
        if p.row == 0 and p.message.startswith(MORE):
            n += int(p.message[len(MORE):].split(" ", 1)[0].replace(",", ""))
        else:
            n += 1
    return n


def _read_table(
    path: str | os.PathLike[str],
    known: Mapping[str, Criterion],
    *,
    sheet: str | None,
    name: str | None,
    alternatives: Callable[[str], Alternatives],
) -> tuple[ImportedTable | None, list[Problem]]:
    p = Path(path)
    problems: list[Problem] = []
    sheet_name = ""
    unusable = _unusable_file(p)
    if unusable:
        return None, [Problem(p.name, 0, "", unusable, code="not-a-file")]
    if p.suffix.lower() in XLSX_SUFFIXES:
        data, crit_grid, sheet_name, found = _read_xlsx_grids(p, sheet)
        problems += found
    elif p.suffix.lower() == ".xls":
        return None, [Problem(p.name, 0, "", "an old-style Excel file; save it as .xlsx "
                              "(Excel workbook) or as CSV", code="bad-xlsx")]
    else:
        data, found = _read_csv_grid(p, p.name)
        problems += found
        side = sidecar_path(p)
        if not side.exists() and not any(q.code == "missing-file" for q in found):
            problems.append(Problem(
                side.name, 0, "", f"the criteria file is missing: put {side.name} next to "
                f"{p.name}, with the columns id, label, unit, direction (one row per "
                "criterion column of the data)", code="missing-sidecar"))
            crit_grid = None
        elif side.exists():
            crit_grid, found = _read_csv_grid(side, side.name)
            problems += found
        else:
            crit_grid = None

    criteria: list[Criterion] = []
    crit_rows: dict[str, int] = {}
    if crit_grid is not None:
        criteria, crit_rows, found = _criteria(crit_grid, known)
        problems += found
    if data is None:
        return None, problems
    table, found = _check_data(data, criteria, crit_rows, crit_grid, known, alternatives)
    problems += found
    if table is None or any(not q.warning for q in problems):
        return None, problems
    level, values = table
    return ImportedTable(
        name=name if name is not None else p.stem, level=level, criteria=tuple(criteria),
        values=values, source_file=p.name, sheet=sheet_name,
        content_hash=content_hash(level, criteria, values)), problems


def _check_data(
    data: _Grid,
    criteria: Sequence[Criterion],
    crit_rows: Mapping[str, int],
    crit_grid: _Grid | None,
    known: Mapping[str, Criterion],
    alternatives: Callable[[str], Alternatives],
) -> tuple[tuple[str, dict[str, tuple[str, ...]]] | None, list[Problem]]:
    file = data.file
    problems: list[Problem] = []
    header = data.header
    folded = [h.casefold() for h in header]
    keys = [j for j, h in enumerate(folded) if h in KEY_COLUMNS]
    if not keys:
        semicolons = len(header) == 1 and ";" in header[0]
        problems.append(Problem(
            file, 1, "", "no key column: name one column state (postal code, name or FIPS "
            "of a state) or fips (5-digit county FIPS)" + (
                "; the fields are separated by ';': save the file as CSV with commas"
                if semicolons else ""), header[0] if semicolons else "",
            code="missing-key-column"))
        return None, problems
    if len(keys) > 1:
        problems.append(Problem(
            file, 1, header[keys[1]], "a second key column; keep one column state or fips",
            code="duplicate-key-column"))
    key_col = keys[0]
    level = KEY_COLUMNS[folded[key_col]]
    try:
        alts = alternatives(level)
    except (DataError, InputError) as exc:
        problems.append(Problem(file, 1, header[key_col], str(exc), code="no-alternatives"))
        return None, problems

    by_id = {c.id: c for c in criteria}
    described = set(crit_rows)  # every id the criteria table names, read or not
    columns: dict[int, Criterion] = {}
    seen: dict[str, int] = {}
    # Without a criteria table the columns cannot be judged: its absence is the problem.
    judged = enumerate(header) if crit_grid is not None else iter(())
    for j, h in judged:
        f = folded[j]
        if j == key_col or f in INFO_COLUMNS or f in KEY_COLUMNS:
            continue
        if not h:
            if any(j < len(cells) and cells[j] for _r, cells in data.rows):
                problems.append(Problem(file, 1, _column_letter(j),
                                        "a column with figures but no name in the header",
                                        code="unnamed-column"))
            continue
        cid = f if f in described or f in by_id else h
        if cid in seen:
            problems.append(Problem(file, 1, h, f"the column appears twice (column "
                                    f"{_column_letter(seen[cid])} and "
                                    f"{_column_letter(j)})", code="duplicate-column"))
            continue
        seen[cid] = j
        if cid in by_id:
            columns[j] = by_id[cid]
        elif cid in described:
            continue  # its criteria row has a problem of its own
        else:
            close = difflib.get_close_matches(f, sorted(described), n=1, cutoff=0.6)
            if close:
                hint = f"; did you mean {close[0]}?"
            elif f in known:
                hint = (f"; {f} is a known criterion: describe it in the criteria table to "
                        "replace its figures")
            else:
                hint = "; add a row for it to the criteria table"
            problems.append(Problem(file, 1, h, f"the column matches no criterion{hint}",
                                    code="unknown-column"))
    if crit_grid is not None:
        for c in criteria:
            if c.id not in seen:
                problems.append(Problem(crit_grid.file, crit_rows.get(c.id, 0), "id",
                                        f"no column {c.id} in {file}", c.id,
                                        "missing-data-column"))

    n = len(alts)
    cols = sorted(columns)
    cells_by: dict[int, list[str]] = {j: [""] * n for j in cols}
    filled: dict[int, int] = dict.fromkeys(cols, 0)
    first: dict[str, int] = {}
    key_name = header[key_col]
    suggestions = 0
    flagged = data.flagged
    width = len(header)
    for r, cells in data.rows:
        if len(cells) > width and any(cells[width:]):
            problems.append(Problem(file, r, _column_letter(width),
                                    f"{len(cells)} cells where the header has {width}",
                                    cells[width], "extra-fields"))
        text = cells[key_col] if key_col < len(cells) else ""
        code: str | None = None
        if (r, key_col) in flagged:
            pass
        elif not text:
            problems.append(Problem(file, r, key_name, f"no {alts.word} named on a row with "
                                    "figures", code="empty-key"))
        elif level == "county" and not _fips_text(text).isdigit():
            problems.append(Problem(file, r, key_name, f"unknown county; "
                                    f"{_key_problem_hint(alts)}", text, "unknown-key"))
        else:
            code = alts.resolve(_fips_text(text) if level == "county" else text)
            if code is None:
                hint = ""
                if suggestions < SUGGESTION_LIMIT:
                    suggestions += 1
                    hint = _suggest(alts, text)
                hint = hint or "; " + _key_problem_hint(alts)
                problems.append(Problem(file, r, key_name, f"unknown {alts.word}{hint}",
                                        text, "unknown-key"))
            elif code in first:
                problems.append(Problem(
                    file, r, key_name, f"{alts.name(code)} appears twice (first on row "
                    f"{first[code]}); keep one row per {alts.word}", text, "duplicate-key"))
                code = None
            else:
                first[code] = r
        pos = alts.position(code) if code is not None else -1
        for j in cols:
            value = cells[j] if j < len(cells) else ""
            if not value or (r, j) in flagged:
                continue
            crit = columns[j]
            value = _label_match(crit, value)
            wrong = _figure_problem(crit, value)
            if wrong is not None:
                problems.append(Problem(file, r, header[j], wrong[1], value, wrong[0]))
                filled[j] += 1
                continue
            filled[j] += 1
            if pos >= 0:
                cells_by[j][pos] = value
    for j in cols:
        if not filled[j] and not any((r, j) in flagged for r, _c in data.rows):
            problems.append(Problem(file, 1, header[j], "the column has no figures at all",
                                    code="empty-column"))
        elif 0 < sum(1 for v in cells_by[j] if v) < n / 2:
            have = sum(1 for v in cells_by[j] if v)
            problems.append(Problem(
                file, 1, header[j], f"figures for {have:,} of {n:,} {alts.plural} only: the "
                f"other {n - have:,} are scored by the missing-data policy (as the worst by "
                "default), which can lift the few with figures to the top", f"{have}/{n}",
                "sparse-column", warning=True))
    missing = [a for a in alts if a.code not in first]
    if first and missing and crit_grid is not None:
        words = alts.word if len(missing) == 1 else alts.plural
        problems.append(Problem(
            file, 0, key_name, f"no row for {len(missing):,} {words} (scored by the "
            f"missing-data policy): "
            f"{_listing([f'{a.name} ({a.parent})' if a.parent else a.name for a in missing])}",
            code="missing-alternative", warning=True))
    values = {columns[j].id: tuple(cells_by[j]) for j in cols}
    ordered = {c.id: values[c.id] for c in criteria if c.id in values}
    return (level, ordered), problems


def problem_lines(problems: Iterable[Problem]) -> list[str]:
    """``FILE:ROW:COLUMN: problem (value)``, one line per problem."""
    return [str(p) for p in problems]


# -- the template ---------------------------------------------------------------------------
def _template_criteria(known: Mapping[str, Criterion] | Iterable[Criterion] | None
                       ) -> list[Criterion]:
    if known is None:
        return [Criterion(id="my_figure", column="my_figure", label="My figure",
                          unit="units", direction=HIGHER, description="", group=OWN_GROUP)]
    if isinstance(known, Mapping):
        return list(known.values())
    return list(known)


def _number_text(v: float | None) -> str:
    return "" if v is None else _cell_text(float(v)) or ""


def _criteria_row(c: Criterion) -> list[str]:
    labels = ";".join(f"{k}={_number_text(v)}" for k, v in c.encoding.items())
    lo, hi = c.valid_range
    prov = c.provenance
    return [c.id, c.label, c.unit, _direction_word(c), prov.source if prov else "",
            prov.url if prov else "", prov.year if prov else "", prov.status if prov else "",
            _number_text(lo), _number_text(hi), labels]


@contextlib.contextmanager
def _atomic(targets: Sequence[Path]) -> Iterator[list[Path]]:
    """Temporary files next to ``targets``, moved into place when the block succeeds."""
    folder = targets[0].parent
    try:
        tmpdir = Path(tempfile.mkdtemp(prefix=".siteselect-template-", dir=folder))
    except OSError as exc:
        raise ExportError(f"Cannot write {targets[0]}: {exc.strerror or exc}.") from None
    try:
        temps = [tmpdir / t.name for t in targets]
        try:
            yield temps
            for tmp, final in zip(temps, targets, strict=True):
                os.replace(tmp, final)
        except OSError as exc:
            raise ExportError(f"Cannot write {targets[0]}: {exc.strerror or exc}.") from None
    finally:
        for leftover in tmpdir.iterdir():
            leftover.unlink()
        tmpdir.rmdir()


def write_template(path: str | os.PathLike[str], level: str = "state",
                   known: Mapping[str, Criterion] | Iterable[Criterion] | None = None,
                   figures: Any = None) -> Path:
    """Write a table to fill in: one row per alternative of ``level``, blank figures.

    ``FILE.csv`` comes with ``FILE.criteria.csv``; ``FILE.xlsx`` has a ``data`` sheet and a
    ``criteria`` sheet.  The criteria are ``known`` (to replace their figures), or one example
    criterion to rename.  Returns ``path``.

    Raises
    ------
    InputError
        For an unknown level.
    ExportError
        If the file cannot be written.
    """
    if level not in LEVEL_WORDS:
        raise InputError(f"Unknown level {level!r}; choose state or county.")
    target = Path(path).expanduser().absolute()
    if target.is_dir():
        raise ExportError(f"Cannot write {target}: it is a folder, not a file name.")
    alts = load_alternatives(level)
    crits = _template_criteria(known)
    key = "state" if level == "state" else "fips"
    header = [key, "name", *(c.id for c in crits)]
    shipped = {c.id: c for c in figures.criteria} if figures is not None else {}

    def cell(code: str, c: Criterion) -> str:
        # A known criterion starts from the shipped figures, to be overwritten where newer.
        if c.id not in shipped or code not in figures.alternatives:
            return ""
        return str(figures.text(code, shipped[c.id].column))

    body = [[a.code, a.name if level == "state" else f"{a.name}, {a.parent}"]
            + [cell(a.code, c) for c in crits] for a in alts]
    crit_rows = [list(TEMPLATE_CRITERIA_COLUMNS)] + [
        _criteria_row(shipped.get(c.id, c)) for c in crits]
    if target.suffix.lower() in XLSX_SUFFIXES:
        with _atomic([target]) as (tmp,):
            _write_template_xlsx(tmp, header, body, crit_rows)
        return target
    import csv

    side = sidecar_path(target)
    with _atomic([target, side]) as (tmp, tmp_side):
        for file, rows in ((tmp, [header, *body]), (tmp_side, crit_rows)):
            with file.open("w", encoding="utf-8-sig", newline="") as fh:
                csv.writer(fh, lineterminator="\r\n").writerows(rows)
    return target


def _write_template_xlsx(path: Path, header: list[str], body: list[list[str]],
                         crit_rows: list[list[str]]) -> None:
    import openpyxl
    from openpyxl.styles import Font

    wb = openpyxl.Workbook()
    data = wb.active
    data.title = DATA_SHEET
    crit = wb.create_sheet(CRITERIA_SHEET)
    bold = Font(bold=True)
    for ws, rows in ((data, [header, *body]), (crit, crit_rows)):
        for r, row in enumerate(rows, start=1):
            for j, text in enumerate(row, start=1):
                if text == "":
                    continue
                cell = ws.cell(row=r, column=j)
                cell.value = text
                # Text stays text: a key such as 01001 keeps its zero, '=...' is no formula.
                cell.data_type = "s"
                cell.number_format = "@"
                if r == 1:
                    cell.font = bold
        ws.freeze_panes = "A2"
    wb.save(path)
