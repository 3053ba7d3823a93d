"""The problems found in a planner's table, as a CSV file to work through in a spreadsheet.

One row per problem, in the order they were found, under the header
``file, row, column, severity, code, problem, value``: the file (``prices.xlsx[data]`` for a
sheet), the row (1 = header; blank when the problem concerns the whole file), the column,
``error`` or ``warning``, the problem's stable code, the message and the offending value.
UTF-8 with a byte-order mark, like the other CSV exports; text a spreadsheet would read as a
formula (a planner's cell may hold one) is written with a leading apostrophe.
"""

from __future__ import annotations

import csv
import os
from collections.abc import Iterable
from pathlib import Path

from siteselect.exports.common import atomic_output, neutralise
from siteselect.model.catalogue import Problem

HEADER = ("file", "row", "column", "severity", "code", "problem", "value")


def report_rows(problems: Iterable[Problem]) -> list[list[object]]:
    """The report's rows as Python values (row numbers stay numbers)."""
    return [[p.file, p.row or "", p.column, "warning" if p.warning else "error", p.code,
             p.message, p.value] for p in problems]


def write_problem_report(path: str | os.PathLike[str], problems: Iterable[Problem]) -> Path:
    """Write the problem list to ``path``; return it.

    Raises
    ------
    ExportError
        If the file cannot be written (nothing is left half-written).
    """
    rows = report_rows(problems)
    target = Path(path)
    with atomic_output([target]) as (tmp,):
        _write(tmp, rows)
    return target


def _write(tmp: Path, rows: list[list[object]]) -> None:
    with tmp.open("w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\r\n")
        writer.writerow(HEADER)
        for row in rows:
            writer.writerow([neutralise(v) for v in row])
