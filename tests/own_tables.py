"""Writing a planner's state table (CSV and its criteria sidecar) for tests."""

from __future__ import annotations

import csv

from siteselect.model.dataset import load_dataset


def write_state_table(folder, stem, cid, values, *, label, unit="cents/kWh",
                      direction="lower", source="", year="2026", url="", status="",
                      extra_rows=()):
    """``FOLDER/STEM.csv`` keyed by postal code (``values``: code -> text, '' = missing) with
    ``STEM.criteria.csv`` describing ``cid``; returns the data file's path."""
    path = folder / f"{stem}.csv"
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["state", cid])
        for code in load_dataset().states:
            w.writerow([code, values.get(code, "")])
        w.writerows(extra_rows)
    with (folder / f"{stem}.criteria.csv").open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["id", "label", "unit", "direction", "source", "url", "year", "status"])
        w.writerow([cid, label, unit, direction, source, url, year, status])
    return path
