"""The shipped state dataset: figures, their provenance and the decision matrix.

``load_dataset()`` reads ``data/state_indicators.csv`` and its column dictionary
``data/columns.csv`` with the standard ``csv`` module (no pandas, so headless commands start
fast), checks both, and returns an immutable :class:`Dataset`.  A blank cell is a missing
figure and stays missing (NaN in the matrix); figures are never altered.  Every problem is
reported as a :class:`~siteselect.errors.DataError` naming the file, line and column.
"""

from __future__ import annotations

import csv
import hashlib
import io
import math
import os
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from decimal import Decimal
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from siteselect.errors import DataError, InputError
from siteselect.model.alternatives import Alternatives, load_alternatives
from siteselect.model.criteria import CRITERIA_FILE, Criterion, Provenance, catalogue
from siteselect.model.paths import PACKAGE_ROOT as PACKAGE_ROOT
from siteselect.model.paths import SHIPPED_ROOT as SHIPPED_ROOT
from siteselect.model.paths import data_dir as data_dir
from siteselect.scoring import DecisionMatrix


class DatasetProblems(DataError):
    """Every problem found in a data file; ``problems`` holds them as
    :class:`~siteselect.model.catalogue.Problem` (file, row, column, message, value, code)."""

    #: Most problems written into the message (all are in ``problems``).
    SHOWN = 50

    def __init__(self, path: Path, problems: Sequence[Any], texts: Sequence[str]) -> None:
        self.problems = tuple(problems)
        if len(texts) == 1:
            super().__init__(texts[0])
            return
        more = len(texts) - self.SHOWN
        super().__init__(f"{path}: {len(texts)} problems:\n" + "\n".join(texts[:self.SHOWN])
                         + (f"\n... and {more} more." if more > 0 else ""))


class _Collector:
    """Problems of one file, gathered so that every one is reported, not only the first."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.problems: list[Any] = []
        self.texts: list[str] = []

    def add(self, line: int | None, column: str, text: str, value: str = "",
            code: str = "") -> None:
        from siteselect.model.catalogue import Problem

        where = f"{self.path}" + (f", line {line}" if line else "") + (
            f", column {column}" if column else "")
        self.texts.append(f"{where}: {text}")
        self.problems.append(Problem(str(self.path), line or 0, column, text, value, code))

    def raise_any(self) -> None:
        if self.texts:
            raise DatasetProblems(self.path, self.problems, self.texts)


INDICATORS_FILE = "state_indicators.csv"
COLUMNS_FILE = "columns.csv"
REQUIRED_INDICATOR_COLUMNS = ("state", "state_name", "state_fips")
REQUIRED_DICTIONARY_COLUMNS = (
    "column", "label", "unit", "direction", "source", "url", "data_year", "status",
)


@dataclass(frozen=True, eq=False)
class Dataset:
    """State figures with provenance; immutable.

    Attributes
    ----------
    states : postal codes in file order (50 states and DC).
    names, fips : by postal code.
    raw : column -> tuple of cell texts in ``states`` order ('' = missing).
    provenance : column -> :class:`Provenance`.
    criteria : the catalogue with provenance attached, catalogue order.
    version : a short content hash of both files, recorded with scenarios and exports.
    """

    states: tuple[str, ...]
    names: dict[str, str]
    fips: dict[str, str]
    raw: dict[str, tuple[str, ...]]
    provenance: dict[str, Provenance]
    criteria: tuple[Criterion, ...]
    version: str
    source_path: str
    encoded: dict[str, np.ndarray]
    alternatives: Alternatives

    @property
    def codes(self) -> tuple[str, ...]:
        """The alternatives' codes in file order (the same tuple as ``states``)."""
        return self.states

    @property
    def level(self) -> str:
        """'state' or 'county'."""
        return self.alternatives.level

    def criterion(self, cid: str) -> Criterion:
        """The criterion with this id.

        Raises
        ------
        InputError
            If there is no such criterion; the message lists the valid ids.
        """
        for c in self.criteria:
            if c.id == cid:
                return c
        raise InputError(
            f"Unknown criterion {cid!r}. Known criteria: {', '.join(self.criterion_ids)}."
        )

    @property
    def criterion_ids(self) -> tuple[str, ...]:
        return tuple(c.id for c in self.criteria)

    def column_values(self, criterion: Criterion) -> np.ndarray:
        """The criterion's values as floats in ``states`` order, NaN where missing."""
        return _encoded_column(self, criterion.id)

    @cached_property
    def decision_matrix(self) -> DecisionMatrix:
        """Every criterion's figures as the engine's :class:`DecisionMatrix`, checked once."""
        return DecisionMatrix.build(self.matrix(), self.states, self.criterion_ids,
                                    [c.direction for c in self.criteria])

    def matrix(self, criteria: Sequence[str] | None = None) -> np.ndarray:
        """States x criteria as floats (NaN = missing); a fresh copy each call."""
        ids = self.criterion_ids if criteria is None else tuple(criteria)
        return np.column_stack([_encoded_column(self, cid) for cid in ids]).copy()

    def value(self, state: str, cid: str) -> float | None:
        """One encoded value, None if missing."""
        v = _encoded_column(self, cid)[self.states.index(state)]
        return None if math.isnan(v) else float(v)

    def coverage(self, cid: str) -> int:
        """Number of states with a value for this criterion."""
        return int(np.count_nonzero(~np.isnan(_encoded_column(self, cid))))

    def format_value(self, state: str, cid: str, value: float | None = None,
                     *, with_unit: bool = True) -> str:
        """A state's value as a planner reads it; categories show the state's own label.

        ``value`` defaults to the dataset's figure; pass another (e.g. an override) to format
        that instead.
        """
        crit = self.criterion(cid)
        own = self.value(state, cid)
        if value is None:
            value = own
        if crit.encoding and value is not None and value == own:
            return self.text(state, crit.column)
        return crit.format_value(value, with_unit=with_unit)

    def state_sources(self, cid: str) -> dict[str, str]:
        """The per-state source citations of a criterion (empty if it has one source URL)."""
        crit = self.criterion(cid)
        if not crit.sources_column:
            return {}
        return dict(zip(self.states, self.raw[crit.sources_column], strict=True))

    def text(self, state: str, column: str) -> str:
        """A raw cell (for text columns such as notes and grid operator)."""
        return self.raw[column][self.states.index(state)]

    def check_states(self, codes: Iterable[str]) -> list[str]:
        """Resolve codes, FIPS keys or names (any case) to this dataset's codes.

        Raises
        ------
        InputError
            Naming every text that matches no alternative; a county outside this dataset's
            states is named as such ("48301 is Loving County, TX, not among the counties of
            DE").
        """
        try:
            return self.alternatives.check(codes)
        except InputError:
            raise InputError(self._unknown_message(codes)) from None

    def expand_codes(self, texts: Iterable[str]) -> list[str]:
        """Like :meth:`check_states`, but at county level a state (postal code or name) stands
        for all its counties here: ``--exclude TX`` leaves out Texas's counties."""
        out: list[str] = []
        rest: list[str] = []
        states = load_alternatives("state") if self.level == "county" else None
        for text in texts:
            if not text.strip():
                continue
            code = self.alternatives.resolve(text)
            if code is None and states is not None and states.resolve(text):
                st = states.resolve(text)
                counties = [a.code for a in self.alternatives if a.parent == st]
                if counties:
                    out.extend(counties)
                    continue
            if code is None:
                rest.append(text)
            else:
                out.append(code)
        if rest:
            raise InputError(self._unknown_message(rest))
        return out

    def _unknown_message(self, codes: Iterable[str]) -> str:
        texts = [c.strip() for c in codes if c.strip()]
        unknown = [t for t in texts if self.alternatives.resolve(t) is None]
        if self.level != "county":
            return (f"Unknown state code(s): {', '.join(unknown)}. Use two-letter postal codes "
                    "such as TX, NY or DC.")
        everywhere = load_alternatives("county")
        elsewhere = []
        for t in unknown:
            code = everywhere.resolve(t)
            if code is not None:
                a = everywhere.get(code)
                elsewhere.append(f"{code} is {a.name}, {a.parent}")
        example = self.alternatives.items[0] if len(self.alternatives) else None
        hint = (f"5-digit county FIPS codes such as {example.code} ({example.name}, "
                f"{example.parent})" if example else "5-digit county FIPS codes")
        if elsewhere:
            scope = ", ".join(self.scope) or "the ranking"
            return (f"Not among the counties of {scope}: {'; '.join(elsewhere)}. "
                    "Widen --within, or name counties of those states.")
        return f"Unknown county code(s): {', '.join(unknown)}. Use {hint}."

    def within(self, parents: Iterable[str]) -> Dataset:
        """The alternatives whose parent (a county's state) is one of ``parents``, alone:
        normalisation, ranks and every view then cover those only."""
        keep_parents = tuple(sorted(set(parents)))
        return _within(self, keep_parents)

    @property
    def scope(self) -> tuple[str, ...]:
        """The states a county dataset was cut to with :meth:`within` (empty: all)."""
        return self._scope

    _scope: tuple[str, ...] = ()

    def __hash__(self) -> int:
        return hash((self.version, self.source_path, self._scope))

    def __eq__(self, other: object) -> bool:
        # The version hashes the files (and any planner's tables applied), so two datasets of
        # one version hold the same figures.
        if not isinstance(other, Dataset):
            return NotImplemented
        return (self.version, self.source_path, self._scope) == (
            other.version, other.source_path, other._scope)


@lru_cache(maxsize=16)
def _within(ds: Dataset, parents: tuple[str, ...]) -> Dataset:
    alts = ds.alternatives.within(parents)
    if not len(alts):
        raise InputError(f"No {ds.alternatives.plural} in {', '.join(parents)}.")
    rows = np.array([ds.states.index(a.code) for a in alts], dtype=int)
    codes = alts.codes
    encoded = {}
    for cid, values in ds.encoded.items():
        part = values[rows]
        part.setflags(write=False)
        encoded[cid] = part
    out = replace(
        ds, states=codes, names={c: ds.names[c] for c in codes},
        fips={c: ds.fips[c] for c in codes},
        raw={k: tuple(v[i] for i in rows) for k, v in ds.raw.items()},
        encoded=encoded, alternatives=alts)
    object.__setattr__(out, "_scope", parents)
    return out


def _encode(cells: tuple[str, ...], crit: Criterion) -> np.ndarray:
    out = np.array(
        [np.nan if c == "" else (crit.encoding[c] if crit.encoding else float(c)) for c in cells],
        dtype=float,
    )
    out.setflags(write=False)
    return out


def _encoded_column(ds: Dataset, cid: str) -> np.ndarray:
    try:
        return ds.encoded[cid]
    except KeyError:
        ds.criterion(cid)  # raises the readable error
        raise


def _read_csv(
    path: Path, required: Sequence[str] = ()
) -> tuple[list[str], list[list[str]], list[int]]:
    """Header, body rows (cells stripped) and each row's line number in the file.

    Blank lines are skipped; every problem names the file, the line and, where there is one,
    the column.
    """
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise DataError(f"Data file not found: {path}") from None
    except OSError as exc:
        raise DataError(f"Cannot read {path}: {exc.strerror or exc}.") from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise DataError(_not_utf8_message(path, data, exc.start)) from None
    first = required[0] if required else "1"
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    rows: list[list[str]] = []
    lines: list[int] = []
    next_line = 1
    try:
        for row in reader:
            rows.append(row)
            lines.append(next_line)
            next_line = reader.line_num + 1
    except csv.Error as exc:
        header_cells = rows[0] if rows else None
        line, field = _csv_fault(text, next_line)
        if line is None:
            line = reader.line_num
        if field is None:
            where = ""
        elif header_cells is not None and field < len(header_cells):
            where = f", column {header_cells[field].strip() or field + 1}"
        else:
            where = f", column {field + 1}"
        raise DataError(
            f"{path}, line {line}{where}: malformed CSV ({exc}); check the quotes there."
        ) from None
    if not rows or not any(cell.strip() for cell in rows[0]):
        raise DataError(
            f"{path}, line 1, column {first}: the file is empty or has no header row; "
            f"expected the columns {', '.join(required) or 'of the header'}."
        )
    header = [h.strip() for h in rows[0]]
    for j, h in enumerate(header):
        if header.index(h) != j:
            raise DataError(
                f"{path}, line {lines[0]}, column {h or j + 1}: the column appears twice in the "
                "header."
            )
    missing = [c for c in required if c not in header]
    if missing:
        raise DataError(
            f"{path}, line {lines[0]}, column {missing[0]}: missing from the header"
            + (f" (also missing: {', '.join(missing[1:])})." if len(missing) > 1 else ".")
        )
    body: list[list[str]] = []
    body_lines: list[int] = []
    for lineno, row in zip(lines[1:], rows[1:], strict=True):
        if not any(cell.strip() for cell in row):
            continue
        if len(row) > len(header):
            raise DataError(
                f"{path}, line {lineno}, column {len(header) + 1}: {len(row)} fields where the "
                f"header has {len(header)} (an extra field after column {header[-1]})."
            )
        if len(row) < len(header):
            raise DataError(
                f"{path}, line {lineno}, column {header[len(row)]}: {len(row)} fields where "
                f"the header has {len(header)} (this and the following columns are missing)."
            )
        body.append([cell.strip() for cell in row])
        body_lines.append(lineno)
    return header, body, body_lines


def _csv_fault(text: str, start_line: int) -> tuple[int | None, int | None]:
    """Where a record that the csv module rejected goes wrong: (line, 0-based field).

    Scans the record that begins on ``start_line`` the way the csv module reads it (fields
    separated by commas, double quotes doubled inside a quoted field) and reports the quoted
    field that is never closed or is followed by text other than a comma or the line end.
    """
    lines = text.splitlines(keepends=True)
    rest = "".join(lines[start_line - 1:])
    field, line, i, n = 0, start_line, 0, len(rest)
    while i < n:
        ch = rest[i]
        if ch == '"' and (i == 0 or rest[i - 1] in ",\n"):
            open_line, open_field = line, field
            i += 1
            while True:
                if i >= n:
                    return open_line, open_field  # the quote is never closed
                if rest[i] == '"':
                    if i + 1 < n and rest[i + 1] == '"':
                        i += 2
                        continue
                    break
                if rest[i] == "\n":
                    line += 1
                i += 1
            i += 1  # past the closing quote
            if i < n and rest[i] not in ",\r\n":
                return open_line, open_field  # text after the closing quote
            continue
        if ch == ",":
            field += 1
        elif ch == "\n":
            return None, None  # the record ended without a fault this scan recognises
        i += 1
    return None, None


def _not_utf8_message(path: Path, data: bytes, offset: int) -> str:
    """Where an undecodable byte sits: line, column name (from the header) and the byte."""
    line_start = data.rfind(b"\n", 0, offset) + 1
    lineno = data.count(b"\n", 0, offset) + 1
    prefix = data[line_start:offset].decode("utf-8", "replace")
    field = len(next(csv.reader([prefix]), [""]))  # 1-based field index of the bad byte
    header_line = data[: data.find(b"\n")] if b"\n" in data else data
    header = next(csv.reader([header_line.decode("utf-8-sig", "replace").strip()]), [])
    column = header[field - 1].strip() if 0 < field <= len(header) else str(field)
    return (
        f"{path}, line {lineno}, column {column}: not UTF-8 text (byte 0x{data[offset]:02x}); "
        "save the file as UTF-8."
    )


def _file_hash(*paths: Path) -> str:
    h = hashlib.sha256()
    for p in paths:
        h.update(p.read_bytes())
    return h.hexdigest()[:12]


def load_dataset(folder: str | os.PathLike[str] | None = None, level: str = "state",
                 within: Iterable[str] = ()) -> Dataset:
    """Read and check the indicators and their column dictionary.

    ``level="county"`` gives the 3,142 counties (``counties/`` in the data folder), each
    carrying its state's figures as well, marked "(state figure)"; ``within`` keeps the
    counties of those states only (postal codes).

    Raises
    ------
    DataError
        For a missing file, malformed CSV, missing or duplicate columns or states, a
        non-numeric figure in a numeric criterion column, or an unknown category label; the
        message names the file, line and column.
    """
    folder = Path(folder) if folder is not None else data_dir()
    if level == "state":
        ds = _load_dataset_cached(str(folder.resolve()))
        if tuple(within):
            raise InputError("--within keeps the counties of some states; it needs the "
                             "county level (--level county).")
        return ds
    if level != "county":
        raise InputError(f"Unknown level {level!r}; choose state or county.")
    ds = _load_county_dataset(str(folder.resolve()))
    states = tuple(sorted(set(_load_dataset_cached(str(folder.resolve())).check_states(within))))
    return ds.within(states) if states else ds


#: The counties' files, in ``counties/`` of the data folder.
COUNTY_FOLDER = "counties"
COUNTY_INDICATORS_FILE = "county_indicators.csv"
COUNTY_COLUMNS_FILE = "county_columns.csv"
COUNTY_CRITERIA_FILE = "county_criteria.csv"
#: Most decimals a county figure is shown with (computed scores carry nine).
COUNTY_DECIMALS_MAX = 3
#: How an inherited state figure is marked wherever its criterion is named.
STATE_FIGURE = "state figure"


@lru_cache(maxsize=4)
def _load_county_dataset(folder_str: str) -> Dataset:
    from siteselect.model.catalogue import load_catalogue

    folder = Path(folder_str)
    states = _load_dataset_cached(folder_str)
    sub = folder / COUNTY_FOLDER
    ind_path, col_path = sub / COUNTY_INDICATORS_FILE, sub / COUNTY_COLUMNS_FILE
    cat_path = sub / COUNTY_CRITERIA_FILE
    provenance = _read_provenance(col_path)
    own = load_catalogue(cat_path, provenance)
    header, body, body_lines = _read_csv(
        ind_path, ("fips", "state", "county") + tuple(c.column for c in own))
    idx = {h: i for i, h in enumerate(header)}
    found = _Collector(ind_path)
    codes, first_line = _read_keys(
        body, body_lines, idx["fips"], "fips", "county", found,
        lambda c: c if len(c) == 5 and c.isdigit() else None,
        "is not a 5-digit FIPS code (keep the leading zeros)")
    alternatives = load_alternatives("county", folder)
    _check_alternative_set(ind_path, codes, first_line, alternatives, found)
    raw = {h: tuple(row[idx[h]] for row in body) for h in header}
    _check_figures(body_lines, raw, own, found)
    for lineno, row in zip(body_lines, body, strict=True):
        code, st = row[idx["fips"]], row[idx["state"]]
        if code in alternatives and alternatives.get(code).parent != st:
            found.add(lineno, "state", f"county {code} lies in "
                      f"{alternatives.get(code).parent}, not {st}.", st, "wrong-parent")
    found.raise_any()
    no_prov = [c.column for c in own if c.column not in provenance]
    if no_prov:
        raise DataError(f"{col_path}: no provenance for criterion column(s) "
                        f"{', '.join(no_prov)}.")
    county_criteria = tuple(
        replace(c, provenance=_provenance(c, provenance[c.column]),
                decimals=None if c.encoding else min(_decimals(raw[c.column]),
                                                     COUNTY_DECIMALS_MAX))
        for c in own)
    clash = {c.column for c in states.criteria} & set(header)
    parent_row = [states.states.index(alternatives.get(code).parent) for code in codes]
    inherited: list[Criterion] = []
    for crit in states.criteria:
        for column in filter(None, (crit.column, crit.sources_column)):
            if column in raw and column not in clash:
                continue
            state_cells = states.raw[column]
            raw[f"state:{column}" if column in clash else column] = tuple(
                state_cells[i] for i in parent_row)
        inherited.append(replace(
            crit, label=f"{crit.label} ({STATE_FIGURE})", inherited=True,
            column=f"state:{crit.column}" if crit.column in clash else crit.column,
            sources_column=(f"state:{crit.sources_column}" if crit.sources_column in clash
                            else crit.sources_column)))
    criteria = county_criteria + tuple(inherited)
    prov_all = dict(states.provenance)
    prov_all.update(provenance)
    encoded = {c.id: _encode(raw[c.column], c) for c in county_criteria}
    for crit in inherited:
        parent_values = states.encoded[crit.id]
        column_values = parent_values[parent_row]
        column_values.setflags(write=False)
        encoded[crit.id] = column_values
    names = {a.code: f"{a.name}, {a.parent}" for a in alternatives}
    return Dataset(
        states=tuple(codes),
        names=names,
        fips={c: c for c in codes},
        raw=raw,
        provenance=prov_all,
        criteria=criteria,
        version=f"{states.version}+counties-{_file_hash(ind_path, col_path, cat_path)}",
        source_path=str(ind_path),
        encoded=encoded,
        alternatives=alternatives,
    )


@lru_cache(maxsize=8)
def _load_dataset_cached(folder_str: str) -> Dataset:
    folder = Path(folder_str)
    ind_path = folder / INDICATORS_FILE
    col_path = folder / COLUMNS_FILE
    cat_path = folder / CRITERIA_FILE
    criteria_in = catalogue(folder)
    crit_cols = [c.column for c in criteria_in]
    crit_cols += [c.sources_column for c in criteria_in if c.sources_column]
    header, body, body_lines = _read_csv(ind_path, REQUIRED_INDICATOR_COLUMNS + tuple(crit_cols))
    idx = {h: i for i, h in enumerate(header)}
    found = _Collector(ind_path)
    states, first_line = _read_keys(
        body, body_lines, idx["state"], "state", "state", found,
        lambda c: c.upper() if len(c) == 2 and c.isalpha() else None, "is not a postal code")
    if not states and not found.texts:
        raise DataError(f"{ind_path}, line 2: no state rows after the header.")
    alternatives = load_alternatives("state", folder)
    _check_alternative_set(ind_path, states, first_line, alternatives, found)
    raw = {h: tuple(row[idx[h]] for row in body) for h in header}
    _check_figures(body_lines, raw, criteria_in, found)
    found.raise_any()

    provenance = _read_provenance(col_path)
    no_prov = [c.column for c in criteria_in if c.column not in provenance]
    if no_prov:
        raise DataError(
            f"{col_path}: no provenance for criterion column(s) {', '.join(no_prov)}."
        )
    criteria = tuple(
        replace(c, provenance=_provenance(c, provenance[c.column]),
                decimals=None if c.encoding else _decimals(raw[c.column]))
        for c in criteria_in
    )
    return Dataset(
        states=tuple(states),
        names=dict(zip(states, raw["state_name"], strict=True)),
        fips=dict(zip(states, raw["state_fips"], strict=True)),
        raw=raw,
        provenance=provenance,
        criteria=criteria,
        version=f"{_dataset_year(provenance, criteria)}-"
                f"{_file_hash(ind_path, col_path, cat_path)}",
        source_path=str(ind_path),
        encoded={c.id: _encode(raw[c.column], c) for c in criteria},
        alternatives=alternatives,
    )


def _read_keys(body: Sequence[list[str]], body_lines: Sequence[int], col: int, column: str,
               word: str, found: _Collector, parse: Callable[[str], str | None],
               bad: str) -> tuple[list[str], dict[str, int]]:
    """The key of every row, in file order, and the line each first appears on; a malformed
    or repeated key is recorded in ``found`` and its row left out."""
    codes: list[str] = []
    first_line: dict[str, int] = {}
    for lineno, row in zip(body_lines, body, strict=True):
        text = row[col]
        code = parse(text)
        if code is None:
            found.add(lineno, column, f"{text!r} {bad}.", text, "bad-key")
        elif code in first_line:
            found.add(lineno, column, f"{word} {code} appears twice (first on line "
                      f"{first_line[code]}).", text, "duplicate-key")
        else:
            first_line[code] = lineno
            codes.append(code)
    return codes, first_line


def _check_figures(body_lines: Sequence[int], raw: dict[str, tuple[str, ...]],
                   criteria: Iterable[Criterion], found: _Collector) -> None:
    """Every figure of every criterion column: a number in range, or a known category."""
    for crit in criteria:
        col = crit.column
        for lineno, text in zip(body_lines, raw[col], strict=True):
            if text == "":
                continue
            if crit.encoding:
                if text not in crit.encoding:
                    found.add(lineno, col, f"unknown category {text!r}; expected one of "
                              f"{', '.join(crit.encoding)} or blank.", text, "bad-label")
                continue
            try:
                v = float(text)
            except ValueError:
                found.add(lineno, col, f"{text!r} is not a number (leave the cell blank when "
                          "the figure is missing).", text, "not-a-number")
                continue
            if not math.isfinite(v):
                found.add(lineno, col, f"{text!r} is not a finite number.", text, "not-finite")
            elif not crit.in_range(v):
                found.add(lineno, col, f"{text} is outside the plausible range for "
                          f"{crit.label} ({crit.unit}): {crit.range_text()}.", text,
                          "out-of-range")


def _read_provenance(col_path: Path) -> dict[str, Provenance]:
    """Column -> provenance, from a column dictionary (``columns.csv``)."""
    dheader, dbody, _ = _read_csv(col_path, REQUIRED_DICTIONARY_COLUMNS)
    didx = {h: i for i, h in enumerate(dheader)}

    def cell(row: list[str], name: str) -> str:
        return row[didx[name]] if name in didx else ""

    return {
        cell(row, "column"): Provenance(
            source=cell(row, "source"),
            url=cell(row, "url"),
            year=cell(row, "data_year"),
            status=cell(row, "status"),
            unit=cell(row, "unit"),
            coverage=cell(row, "coverage"),
            notes=cell(row, "notes"),
        )
        for row in dbody
    }

def _decimals(cells: Iterable[str]) -> int:
    """The most decimals written in a column's figures ('711.0' has 1, '1e5' has 0)."""
    most = 0
    for text in cells:
        if text:
            exponent = Decimal(text).as_tuple().exponent
            if isinstance(exponent, int):
                most = max(most, -exponent)
    return most


def _check_alternative_set(path: Path, codes: list[str], first_line: dict[str, int],
                           alternatives: Alternatives, found: _Collector) -> None:
    """Require one row for each alternative of the geography layer, naming what is missing
    and what is extra."""
    missing = sorted(set(alternatives.codes) - set(codes))
    extra = [s for s in codes if s not in alternatives]
    key = "state" if alternatives.level == "state" else "fips"
    rule = (f"the file must hold one row for each of the {len(alternatives)} "
            f"{alternatives.plural} of the boundary layer")
    if missing:
        found.add(None, key, f"{rule}; missing {', '.join(missing)}.", ", ".join(missing),
                  "missing-key")
    for s in extra:
        found.add(first_line[s], key, f"{rule}; not in the {alternatives.word} boundaries: "
                  f"{s} (line {first_line[s]}).", s, "unknown-key")


def _provenance(crit: Criterion, column: Provenance) -> Provenance:
    """The column's provenance, with whatever the catalogue row states itself taking its place."""
    own = crit.provenance
    if own is None:
        return column
    return replace(column, source=own.source or column.source, url=own.url or column.url,
                   year=own.year or column.year, status=own.status or column.status)


def _dataset_year(provenance: dict[str, Provenance], criteria: Iterable[Criterion]) -> str:
    cols = {c.column for c in criteria}
    years = [p.year[-4:] for k, p in provenance.items() if k in cols and p.year[-4:].isdigit()]
    return max(years) if years else "data"
