"""Criteria tables: the shipped catalogue (``data/criteria.csv``) and planners' own, read alike.

A criteria table has one row per criterion.  Columns ``id``, ``label``, ``unit`` and
``direction`` are required; ``group``, ``source``, ``url``, ``year``, ``status``,
``valid_min``, ``valid_max`` and ``labels`` are optional, and the shipped catalogue also gives
``column`` (the indicator column it reads), ``default_weight``, ``description``,
``encoding_note`` and ``sources_column``.

* ``direction``: ``higher`` or ``lower`` (``higher_is_better`` / ``lower_is_better`` too).
* ``labels``: for a column of category labels.  ``no=0;limited=0.5;yes=1`` gives each label
  its score; plain ``Low;Medium;High`` lists labels worst first, best last, scored evenly from
  0 to 1 (and the direction then becomes ``higher``: the last label is the best).
* ``valid_min`` / ``valid_max``: the plausible range a figure must lie in (blank: unbounded).
* ``uncertainty``: how far a figure may be off, for sensitivity analysis: ``±3%`` (relative),
  ``±0.5`` (in the criterion's unit) or ``±1 category``; blank = taken as exact.
  ``uncertainty_basis`` says where the range comes from.

Reading never stops at the first problem: :func:`parse_criteria` returns every problem it
finds, each with its file, row, column and value (:class:`Problem`).
"""

from __future__ import annotations

import csv
import io
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from siteselect.errors import DataError
from siteselect.model.criteria import HIGHER, LOWER, Criterion, Provenance

REQUIRED = ("id", "label", "unit", "direction")
OPTIONAL = ("group", "source", "url", "year", "status", "valid_min", "valid_max", "labels",
            "column", "default_weight", "description", "encoding_note", "sources_column",
            "uncertainty", "uncertainty_basis", "state_counterpart")
UNCERTAINTY = re.compile(
    r"^\s*(?:\u00b1|\+/-|\+-)?\s*([0-9]*\.?[0-9]+)\s*(%|categor(?:y|ies))?\s*$")
DIRECTIONS = {"higher": HIGHER, "lower": LOWER, HIGHER: HIGHER, LOWER: LOWER}
ID_PATTERN = re.compile(r"^[a-z][a-z0-9_]{0,63}$")
STATUSES = ("final", "preliminary", "compiled", "computed", "secondary", "partial",
            "estimated", "proprietary", "")


@dataclass(frozen=True)
class Problem:
    """One problem in a file: where it is, what is wrong, and a stable code for it."""

    file: str
    row: int  # line number in the file (1 = header); 0 when the problem is the whole file
    column: str
    message: str
    value: str = ""
    code: str = ""
    warning: bool = False

    def __str__(self) -> str:
        where = f"{self.file}:{self.row}:{self.column}" if self.row else f"{self.file}"
        value = f" ({self.value})" if self.value else ""
        kind = "warning: " if self.warning else ""
        return f"{where}: {kind}{self.message}{value}"


class ValidationError(DataError):
    """A file with problems; ``problems`` lists every one of them."""

    def __init__(self, problems: Sequence[Problem], summary: str = "") -> None:
        self.problems = tuple(problems)
        errors = [p for p in self.problems if not p.warning]
        if len(errors) == 1:
            # One problem: one line that names its file, row and column.
            super().__init__(str(errors[0]))
            return
        head = summary or f"{len(errors)} problems"
        super().__init__(f"{head} ({len(errors)} problems):\n"
                         + "\n".join(str(p) for p in errors))


def read_table(path: Path) -> tuple[list[str], list[tuple[int, list[str]]], list[Problem]]:
    """Header, (line, cells) rows and problems of a UTF-8 CSV file; blank lines skipped."""
    name = str(path)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return [], [], [Problem(name, 0, "", "file not found", code="missing-file")]
    except OSError as exc:
        return [], [], [Problem(name, 0, "", f"cannot be read ({exc.strerror or exc})",
                                code="unreadable")]
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return [], [], [Problem(name, 1, "", "UTF-16 text; save the file as UTF-8 (in Excel: "
                                "CSV UTF-8)", f"byte 0x{data[0]:02x}", "not-utf8")]
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        return [], [], [Problem(name, line, "", "not UTF-8 text; save the file as UTF-8",
                                f"byte 0x{data[exc.start]:02x}", "not-utf8")]
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    rows: list[tuple[int, list[str]]] = []
    line = 1
    try:
        for cells in reader:
            rows.append((line, [c.strip() for c in cells]))
            line = reader.line_num + 1
    except csv.Error as exc:
        return [], [], [Problem(name, line, "", f"malformed CSV ({exc}); check the quotes",
                                code="malformed")]
    if not rows or not any(rows[0][1]):
        return [], [], [Problem(name, 1, "", "the file is empty or has no header row",
                                code="empty")]
    header = rows[0][1]
    body = [(ln, cells) for ln, cells in rows[1:] if any(cells)]
    return header, body, []


def _direction_key(text: str) -> str:
    """'Lower is better', 'lower-is-better', ' LOWER ' -> the key of :data:`DIRECTIONS`."""
    key = re.sub(r"[\s\-]+", "_", text.strip().lower())
    return key if key in DIRECTIONS else key.removesuffix("_is_better")


def _number(text: str) -> float | None:
    try:
        v = float(text)
    except ValueError:
        return None
    return v if math.isfinite(v) else None


def parse_labels(text: str) -> tuple[dict[str, float], str]:
    """``'no=0;yes=1'`` or ``'Low;Medium;High'`` (worst first) -> (encoding, problem or '')."""
    parts = [p.strip() for p in text.split(";") if p.strip()]
    if not parts:
        return {}, ""
    scored = ["=" in p for p in parts]
    if any(scored) and not all(scored):
        return {}, "give every label a score (label=score) or none"
    out: dict[str, float] = {}
    for i, p in enumerate(parts):
        if "=" in p:
            label, _, score = p.rpartition("=")
            label = label.strip()
            value = _number(score.strip())
            if value is None:
                return {}, f"the score of {label!r} is not a number"
        else:
            label = p
            value = i / (len(parts) - 1) if len(parts) > 1 else 1.0
        if label in out:
            return {}, f"the label {label!r} appears twice"
        out[label] = float(value)
    if len(out) < 2:
        return {}, "a category column needs at least two labels"
    return out, ""


def parse_uncertainty(text: str, categorical: bool) -> tuple[tuple[str, float] | None, str]:
    """``'±3%'`` -> (("relative", 0.03), ''); a problem text instead when it cannot be read."""
    m = UNCERTAINTY.match(text)
    if not m:
        return None, "write it as \u00b13%, \u00b10.5 or \u00b11 category"
    amount, unit = float(m.group(1)), m.group(2) or ""
    if unit.startswith("categor"):
        if not categorical:
            return None, "a category range needs a column of category labels"
        if amount != int(amount) or amount < 1:
            return None, "a category range is a whole number of categories"
        return ("category", amount), ""
    if categorical:
        return None, "a category column's range is a number of categories (\u00b11 category)"
    if unit == "%":
        if amount >= 100:
            return None, "a relative range must be below 100 %"
        return ("relative", amount / 100.0), ""
    return ("absolute", amount), ""


def parse_criteria(
    header: Sequence[str],
    rows: Iterable[tuple[int, Sequence[str]]],
    file: str,
    *,
    group: str = "",
    provenance: Mapping[str, Provenance] | None = None,
) -> tuple[tuple[Criterion, ...], list[Problem]]:
    """Criteria from a criteria table, and every problem found.

    ``provenance`` (by indicator column) fills source, URL, year and status where the row
    leaves them blank -- how the shipped catalogue states a source once, in ``columns.csv``.
    ``group`` is used where the row gives none.
    """
    problems: list[Problem] = []
    idx = {h: i for i, h in enumerate(header)}
    seen_cols: set[str] = set()
    for j, h in enumerate(header):
        if h in seen_cols:
            problems.append(Problem(file, 1, h or str(j + 1), "the column appears twice",
                                    code="duplicate-column"))
        seen_cols.add(h)
    for req in REQUIRED:
        if req not in idx:
            problems.append(Problem(file, 1, req, "required column missing from the header",
                                    code="missing-column"))
    for h in header:
        if h and h not in REQUIRED and h not in OPTIONAL:
            problems.append(Problem(file, 1, h, "unknown column (ignored)",
                                    code="unknown-column", warning=True))
    if any(p.code == "missing-column" for p in problems):
        return (), problems
    out: list[Criterion] = []
    first_row: dict[str, int] = {}
    for line, cells in rows:
        def cell(name: str, cells: Sequence[str] = cells) -> str:
            j = idx.get(name)
            return cells[j] if j is not None and j < len(cells) else ""

        bad = False

        def problem(column: str, message: str, value: str = "", code: str = "",
                    line: int = line) -> None:
            nonlocal bad
            bad = True
            problems.append(Problem(file, line, column, message, value, code))

        if len(cells) > len(header):
            problem("", f"{len(cells)} fields where the header has {len(header)}",
                    code="extra-fields")
        cid = cell("id")
        for req in REQUIRED:
            if not cell(req):
                problem(req, "required field is empty", code="empty-required")
        if cid and not ID_PATTERN.match(cid):
            problem("id", "an id is lower-case letters, digits and _, starting with a letter "
                    "(at most 64)", cid, "bad-id")
        if cid in first_row:
            problem("id", f"the id is given twice (first on line {first_row[cid]})", cid,
                    "duplicate-id")
        elif cid:
            first_row[cid] = line
        direction = DIRECTIONS.get(_direction_key(cell("direction")))
        if cell("direction") and direction is None:
            problem("direction", "expected higher or lower", cell("direction"), "bad-direction")
        encoding, why = parse_labels(cell("labels"))
        if why:
            problem("labels", why, cell("labels"), "bad-labels")
        elif encoding and "=" not in cell("labels"):
            direction = HIGHER  # plain labels are listed best last
        bounds: list[float | None] = []
        for name in ("valid_min", "valid_max"):
            text = cell(name)
            value = _number(text) if text else None
            if text and value is None:
                problem(name, "not a finite number", text, "bad-number")
            bounds.append(value)
        if bounds[0] is not None and bounds[1] is not None and bounds[0] > bounds[1]:
            problem("valid_max", f"smaller than valid_min ({bounds[0]:g})", cell("valid_max"),
                    "bad-range")
        weight_text = cell("default_weight")
        weight = _number(weight_text) if weight_text else 0.0
        if weight is None or weight < 0:
            problem("default_weight", "not a non-negative number", weight_text, "bad-number")
        uncertainty = None
        if cell("uncertainty"):
            uncertainty, why = parse_uncertainty(cell("uncertainty"), bool(encoding))
            if why:
                problem("uncertainty", why, cell("uncertainty"), "bad-uncertainty")
        status = cell("status").lower()
        if status not in STATUSES:
            problems.append(Problem(file, line, "status", "unusual status (kept as given)",
                                    cell("status"), "unusual-status", warning=True))
        if bad or direction is None:
            continue
        column = cell("column") or cid
        base = (provenance or {}).get(column)
        prov = Provenance(
            source=cell("source") or (base.source if base else ""),
            url=cell("url") or (base.url if base else ""),
            year=cell("year") or (base.year if base else ""),
            status=status or (base.status if base else ""),
            unit=cell("unit"),
            coverage=base.coverage if base else "",
            notes=base.notes if base else "",
        )
        out.append(Criterion(
            id=cid, column=column, label=cell("label"), unit=cell("unit"),
            direction=direction, description=cell("description"),
            group=cell("group") or group, default_weight=float(weight or 0.0),
            encoding=encoding, encoding_note=cell("encoding_note") or (
                ", ".join(f"{k} = {v:g}" for k, v in encoding.items()) if encoding else ""),
            provenance=prov if (base or prov.source or prov.url or prov.year) else None,
            sources_column=cell("sources_column"),
            valid_range=(bounds[0], bounds[1]),
            uncertainty=uncertainty,
            uncertainty_basis=cell("uncertainty_basis"),
            counterpart=cell("state_counterpart"),
        ))
    return tuple(out), problems


def load_catalogue(path: Path, provenance: Mapping[str, Provenance] | None = None
                   ) -> tuple[Criterion, ...]:
    """The criteria of a criteria table; every problem at once in a :class:`ValidationError`."""
    header, rows, problems = read_table(path)
    if not problems:
        criteria, problems = parse_criteria(header, rows, str(path), provenance=provenance)
    else:
        criteria = ()
    if any(not p.warning for p in problems):
        raise ValidationError(problems, f"{path}: the criteria catalogue cannot be read")
    if not criteria:
        raise ValidationError([Problem(str(path), 0, "", "no criteria in the file",
                                       code="empty")])
    return criteria
