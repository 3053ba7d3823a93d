"""Speed of reading a planner's own table, and that it grows linearly with the rows.

* 51 states x 20 criteria, as CSV and as XLSX (target: well under 0.5 s);
* 3,142 counties x 20 criteria, as CSV and as XLSX (target: well under 2 s);
* 100,000 rows x 20 criteria whose keys cycle through the counties, so 96,858 rows are
  duplicates and each is reported: the time per row must stay within 3x of the time per row
  at 3,142 rows (a check that the validator does not compare rows with each other).

Run with ``uv run pytest tests/benchmarks/test_owndata_bench.py -m benchmark
--benchmark-enable``; the last test prints the times.
"""

from __future__ import annotations

import csv
import random

import openpyxl
import pytest

from siteselect.model.alternatives import load_alternatives
from siteselect.model.owndata import PROBLEMS_PER_KIND, error_count, read_table

CRITERIA = 20
#: best time (s) per case, filled in as the benchmarks run
RESULTS: dict[str, tuple[float, int]] = {}


def make_table(folder, level: str, rows: int, fmt: str = "csv"):
    """A table of ``rows`` rows (keys cycling through the level's alternatives) with figures in
    0-1000 and its criteria; the path of the data file."""
    codes = load_alternatives(level).codes
    ids = [f"k{j:02d}" for j in range(CRITERIA)]
    rng = random.Random(20250101)
    header = ["state" if level == "state" else "fips", "name", *ids]
    body = [[codes[i % len(codes)], "", *(f"{rng.uniform(0, 1000):.3f}" for _ in ids)]
            for i in range(rows)]
    crit = [["id", "label", "unit", "direction", "source", "valid_min", "valid_max"]]
    crit += [[c, f"Criterion {c}", "units", "lower" if j % 3 else "higher", "Bench", "0",
              "1000"] for j, c in enumerate(ids)]
    if fmt == "xlsx":
        path = folder / f"{level}_{rows}.xlsx"
        wb = openpyxl.Workbook()
        ws = wb.active
        ws.title = "data"
        ws.append(header)
        for row in body:
            ws.append([row[0], row[1], *(float(v) for v in row[2:])])
        cs = wb.create_sheet("criteria")
        for row in crit:
            cs.append(row)
        wb.save(path)
        return path
    path = folder / f"{level}_{rows}.csv"
    for file, rows_out in ((path, [header, *body]),
                           (folder / f"{level}_{rows}.criteria.csv", crit)):
        with file.open("w", encoding="utf-8", newline="") as fh:
            csv.writer(fh).writerows(rows_out)
    return path


CASES = {
    "states 51 x 20 (CSV)": ("state", 51, "csv", 0.5),
    "states 51 x 20 (XLSX)": ("state", 51, "xlsx", 0.5),
    "counties 3,142 x 20 (CSV)": ("county", 3_142, "csv", 2.0),
    "counties 3,142 x 20 (XLSX)": ("county", 3_142, "xlsx", 2.0),
    "rows 100,000 x 20 (CSV, duplicates)": ("county", 100_000, "csv", None),
}


@pytest.mark.parametrize("case", list(CASES))
def test_read_speed(benchmark, tmp_path, case):
    level, rows, fmt, target = CASES[case]
    path = make_table(tmp_path, level, rows, fmt)
    load_alternatives(level)  # the geography layer is read once per process, not per table
    benchmark.group = "own table"
    benchmark.name = case
    slow = rows > 10_000 or (fmt == "xlsx" and rows > 1_000)
    table, problems = benchmark.pedantic(read_table, args=(path, {}), rounds=3 if slow else 10,
                                         iterations=1)
    n = len(load_alternatives(level))
    if rows <= n:
        assert table is not None and not problems
        assert all(len(v) == n for v in table.values.values())
    else:
        assert table is None
        # every duplicate is counted; the list names the first 1,000 and counts the rest
        assert error_count(problems) == rows - n
        assert sum(p.code == "duplicate-key" for p in problems) == PROBLEMS_PER_KIND + 1
    stats = getattr(benchmark, "stats", None)
    if stats is not None:
        RESULTS[case] = (stats.stats.min, rows)
        if target is not None:
            assert stats.stats.min < target


def test_report_and_scaling(capsys):
    """Print the times; the time per row at 100,000 rows within 3x of that at 3,142 (rows
    compared with each other would make it about 30x)."""
    if len(RESULTS) < len(CASES):
        pytest.skip("benchmarks were disabled; run with --benchmark-enable")
    lines = ["", "best time      per row   case"]
    for case, (t, rows) in RESULTS.items():
        lines.append(f"{t * 1000:9.1f} ms {t / rows * 1e6:7.1f} us  {case}")
    with capsys.disabled():
        print("\n".join(lines))
    small, small_rows = RESULTS["counties 3,142 x 20 (CSV)"]
    large, large_rows = RESULTS["rows 100,000 x 20 (CSV, duplicates)"]
    assert (large / large_rows) < 3.0 * (small / small_rows)
