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
import math
import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path

import numpy as np

from siteselect.errors import DataError, InputError
from siteselect.model.criteria import CATALOGUE, Criterion, Provenance

PACKAGE_ROOT = Path(__file__).resolve().parents[2]


def data_dir() -> Path:
    """The folder with the shipped data (``SITESELECT_DATA_DIR`` overrides it)."""
    env = os.environ.get("SITESELECT_DATA_DIR")
    return Path(env) if env else PACKAGE_ROOT / "data"


INDICATORS_FILE = "state_indicators.csv"
COLUMNS_FILE = "columns.csv"
REQUIRED_INDICATOR_COLUMNS = ("state", "state_name", "state_fips")
REQUIRED_DICTIONARY_COLUMNS = (
    "column", "label", "unit", "direction", "source", "url", "data_year", "status",
)


@dataclass(frozen=True)
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

    def text(self, state: str, column: str) -> str:
        """A raw cell (for text columns such as notes and grid operator)."""
        return self.raw[column][self.states.index(state)]

    def check_states(self, codes: Iterable[str]) -> list[str]:
        """Upper-case and validate postal codes.

        Raises
        ------
        InputError
            Naming every unknown code.
        """
        out = [c.strip().upper() for c in codes if c.strip()]
        unknown = [c for c in out if c not in self.names]
        if unknown:
            raise InputError(
                f"Unknown state code(s): {', '.join(unknown)}. Use two-letter postal codes "
                "such as TX, NY or DC."
            )
        return out

    def __hash__(self) -> int:
        return hash((self.version, self.source_path))


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


def _read_csv(path: Path) -> tuple[list[str], list[list[str]]]:
    try:
        with path.open(newline="", encoding="utf-8-sig") as fh:
            rows = list(csv.reader(fh, strict=True))
    except FileNotFoundError:
        raise DataError(f"Data file not found: {path}") from None
    except UnicodeDecodeError as exc:
        raise DataError(f"{path}: not UTF-8 text (byte {exc.start}).") from None
    except csv.Error as exc:
        raise DataError(f"{path}: malformed CSV ({exc}).") from None
    except OSError as exc:
        raise DataError(f"Cannot read {path}: {exc.strerror or exc}.") from None
    if not rows or not any(cell.strip() for cell in rows[0]):
        raise DataError(f"{path}: the file is empty or has no header row.")
    header = [h.strip() for h in rows[0]]
    dupes = sorted({h for h in header if header.count(h) > 1})
    if dupes:
        raise DataError(f"{path}: duplicate column(s) in the header: {', '.join(dupes)}.")
    body = []
    for lineno, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != len(header):
            raise DataError(
                f"{path}, line {lineno}: {len(row)} fields where the header has {len(header)}."
            )
        body.append([cell.strip() for cell in row])
    return header, body


def _file_hash(*paths: Path) -> str:
    h = hashlib.sha256()
    for p in paths:
        h.update(p.read_bytes())
    return h.hexdigest()[:12]


def load_dataset(folder: str | os.PathLike[str] | None = None) -> Dataset:
    """Read and check the indicators and their column dictionary.

    Raises
    ------
    DataError
        For a missing file, malformed CSV, missing or duplicate columns or states, a
        non-numeric figure in a numeric criterion column, or an unknown category label; the
        message names the file, line and column.
    """
    folder = Path(folder) if folder is not None else data_dir()
    return _load_dataset_cached(str(folder.resolve()))


@lru_cache(maxsize=8)
def _load_dataset_cached(folder_str: str) -> Dataset:
    folder = Path(folder_str)
    ind_path = folder / INDICATORS_FILE
    col_path = folder / COLUMNS_FILE
    header, body = _read_csv(ind_path)
    missing_cols = [c for c in REQUIRED_INDICATOR_COLUMNS if c not in header]
    if missing_cols:
        raise DataError(f"{ind_path}: missing column(s) {', '.join(missing_cols)}.")
    crit_cols = [c.column for c in CATALOGUE]
    absent = [c for c in crit_cols if c not in header]
    if absent:
        raise DataError(f"{ind_path}: missing criterion column(s) {', '.join(absent)}.")
    idx = {h: i for i, h in enumerate(header)}
    states: list[str] = []
    for lineno, row in enumerate(body, start=2):
        code = row[idx["state"]].upper()
        if len(code) != 2 or not code.isalpha():
            raise DataError(f"{ind_path}, line {lineno}, column state: {code!r} is not a postal code.")
        if code in states:
            raise DataError(f"{ind_path}, line {lineno}: state {code} appears twice.")
        states.append(code)
    if not states:
        raise DataError(f"{ind_path}: no state rows.")
    raw = {h: tuple(row[idx[h]] for row in body) for h in header}
    for crit in CATALOGUE:
        for lineno, cell in enumerate(raw[crit.column], start=2):
            if cell == "":
                continue
            if crit.encoding:
                if cell not in crit.encoding:
                    raise DataError(
                        f"{ind_path}, line {lineno}, column {crit.column}: unknown category "
                        f"{cell!r}; expected one of {', '.join(crit.encoding)} or blank."
                    )
            else:
                try:
                    v = float(cell)
                except ValueError:
                    raise DataError(
                        f"{ind_path}, line {lineno}, column {crit.column}: {cell!r} is not a "
                        "number (leave the cell blank when the figure is missing)."
                    ) from None
                if not math.isfinite(v):
                    raise DataError(
                        f"{ind_path}, line {lineno}, column {crit.column}: {cell!r} is not a "
                        "finite number."
                    )

    dheader, dbody = _read_csv(col_path)
    dmissing = [c for c in REQUIRED_DICTIONARY_COLUMNS if c not in dheader]
    if dmissing:
        raise DataError(f"{col_path}: missing column(s) {', '.join(dmissing)}.")
    didx = {h: i for i, h in enumerate(dheader)}

    def cell(row: list[str], name: str) -> str:
        return row[didx[name]] if name in didx else ""

    provenance = {
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
    no_prov = [c.column for c in CATALOGUE if c.column not in provenance]
    if no_prov:
        raise DataError(
            f"{col_path}: no provenance for criterion column(s) {', '.join(no_prov)}."
        )
    criteria = tuple(replace(c, provenance=provenance[c.column]) for c in CATALOGUE)
    return Dataset(
        states=tuple(states),
        names=dict(zip(states, raw["state_name"], strict=True)),
        fips=dict(zip(states, raw["state_fips"], strict=True)),
        raw=raw,
        provenance=provenance,
        criteria=criteria,
        version=f"{_dataset_year(provenance)}-{_file_hash(ind_path, col_path)}",
        source_path=str(ind_path),
        encoded={c.id: _encode(raw[c.column], c) for c in criteria},
    )


def _dataset_year(provenance: dict[str, Provenance]) -> str:
    cols = {c.column for c in CATALOGUE}
    years = [p.year[-4:] for k, p in provenance.items() if k in cols and p.year[-4:].isdigit()]
    return max(years) if years else "data"
