"""GeoJSON and GeoPackage export: state (or county) polygons carrying rank, score and figures.

A county ranking holds one feature per county of its scope (every county, or those of the
``within`` states), with ``code`` (the 5-digit FIPS code as text), ``state`` (postal code) and
``name`` ("Travis County") in place of ``state``, ``name`` and ``state_fips``; everything else
is as for states.

Both formats hold one feature per state, whatever ``top_n`` is: every ranked state in rank
order, then the states that were not ranked, with empty rank and score and the reason in
``excluded_reason`` (in words, naming every gate failed; ``failed_gates`` lists the gates as
``energy_cost<=9`` ids).  ``shortlisted`` is true for the first ``top_n`` ranked states (all
ranked states when no number is given), so a GIS user can filter or style the shortlist and
still see the whole map.  Attributes: ``state``, ``name``, ``state_fips``, ``rank``, ``score``,
``ranked``, ``shortlisted``, ``excluded_reason``, ``failed_gates``, for every weighted criterion
``<id>`` (the figure used, empty where missing; for categorical criteria also ``<id>_label``,
the category as published) and ``<id>_points``, ``notes``, and the run
fields ``scenario``, ``method``, ``dataset_version`` and ``exported_at`` (so the provenance
survives any GIS tool).

* GeoJSON: RFC 7946, WGS 84 (EPSG:4326) longitude/latitude; the full run metadata is in the
  top-level member ``"siteselect"`` (a foreign member that GIS tools keep or ignore).
* GeoPackage (version 1.2 by default, which GDAL 3.6 and the QGIS releases built on it read
  without a warning; ``version="1.3"`` or ``"1.4"`` on request): layer ``ranking``
  (EPSG:4326) plus the attribute tables ``run_metadata``
  (key, value), ``criteria`` (unit, direction and provenance of each weighted criterion) and
  ``excluded`` (state, name, reason); the run metadata is also stored as layer metadata.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from siteselect.exports.common import (
    CancelFn,
    Checkpoint,
    ExportRequest,
    ProgressFn,
    atomic_output,
    category_label,
    exclusion_reason,
    place_fields,
    row_notes,
    run_metadata,
)
from siteselect.model.geography import load_states

OUTPUT_CRS = "EPSG:4326"
#: GeoPackage versions that can be asked for; the first is the default.
GPKG_VERSIONS = ("1.2", "1.3", "1.4")
DEFAULT_GPKG_VERSION = GPKG_VERSIONS[0]
COORD_DECIMALS = 6


def feature_records(req: ExportRequest) -> list[dict[str, Any]]:
    """Attribute records, one per state: every ranked state in rank order, then the states
    not ranked by code.  ``top_n`` only decides which carry ``shortlisted = True``."""
    ds, r = req.dataset, req.result
    crit = req.criteria()
    common = {
        "scenario": req.scenario_name,
        "method": r.method,
        "dataset_version": req.dataset_version,
        "exported_at": req.exported_text,
    }
    listed = req.shown_count

    def who(code: str) -> dict[str, Any]:
        if ds.level == "county":  # FIPS code as text, the state's postal code, county name
            return dict(place_fields(ds, code))
        return {"state": code, "name": ds.names[code], "state_fips": ds.fips[code]}

    out: list[dict[str, Any]] = []
    for i, row in enumerate(r.rows(None)):
        rec: dict[str, Any] = {
            **who(row.alternative),
            "rank": row.rank,
            "score": row.score,
            "ranked": True,
            "shortlisted": i < listed,
            "excluded_reason": None,
            "failed_gates": None,
        }
        for c in crit:
            rec[c.id] = row.values[c.id]
            if c.is_categorical:
                v = row.values[c.id]
                rec[f"{c.id}_label"] = (None if v is None
                                        else category_label(req, row.alternative, c.id, v))
        for c in crit:
            rec[f"{c.id}_points"] = row.contributions[c.id]
        rec["notes"] = row_notes(req, row)
        rec.update(common)
        out.append(rec)
    for e in sorted(r.excluded, key=lambda e: e.alternative):
        rec = {
            **who(e.alternative),
            "rank": None,
            "score": None,
            "ranked": False,
            "shortlisted": False,
            "excluded_reason": exclusion_reason(req, e),
            "failed_gates": ", ".join(str(f.gate) for f in e.failed_gates) or None,
        }
        for c in crit:
            v = ds.value(e.alternative, c.id)
            rec[c.id] = v
            if c.is_categorical:
                rec[f"{c.id}_label"] = (None if v is None
                                        else category_label(req, e.alternative, c.id, v))
        for c in crit:
            rec[f"{c.id}_points"] = None
        rec["notes"] = ""
        rec.update(common)
        out.append(rec)
    return out


def feature_frame(req: ExportRequest) -> Any:
    """A GeoDataFrame (EPSG:4326) of the records with their state polygons."""
    import geopandas as gpd

    recs = feature_records(req)
    key = "code" if req.dataset.level == "county" else "state"
    geom = _outlines(req.dataset.level, tuple(rec[key] for rec in recs))
    missing = [rec[key] for rec in recs if rec[key] not in geom]
    if missing:
        from siteselect.errors import DataError

        word = req.dataset.alternatives.word
        raise DataError(f"No boundary for {word}(s) {', '.join(missing)} in the {word} layer.")
    return gpd.GeoDataFrame(recs, geometry=[geom[rec[key]] for rec in recs], crs=OUTPUT_CRS)


def _outlines(level: str, codes: tuple[str, ...]) -> dict[str, Any]:
    """Code -> polygon (EPSG:4326) of the states, or of the given counties only."""
    if level == "county":
        from siteselect.model.county_geography import load_counties

        layer = load_counties()
        layer = layer[layer["fips"].isin(set(codes))].to_crs(OUTPUT_CRS)
        return dict(zip(layer["fips"].astype(str), layer.geometry, strict=True))
    states = load_states().to_crs(OUTPUT_CRS)
    return dict(zip(states["state"], states.geometry, strict=True))


def _round_coords(obj: Any) -> Any:
    if isinstance(obj, float):
        return round(obj, COORD_DECIMALS)
    if isinstance(obj, list | tuple):
        return [_round_coords(v) for v in obj]
    return obj


def write_geojson(
    req: ExportRequest,
    path: str | os.PathLike[str],
    progress: ProgressFn | None = None,
    is_cancelled: CancelFn | None = None,
) -> Path:
    """Write a GeoJSON FeatureCollection (EPSG:4326) and return ``path``."""
    from shapely.geometry import mapping
    from shapely.geometry.polygon import orient

    step = Checkpoint(progress, is_cancelled)
    step(0.0, f"Loading the {req.dataset.alternatives.word} boundaries")
    gdf = feature_frame(req)
    features = []
    cols = [c for c in gdf.columns if c != "geometry"]
    for i, (_, row) in enumerate(gdf.iterrows()):
        if i % 10 == 0:
            step(0.1 + 0.7 * i / len(gdf), "Writing the features")
        g = row.geometry
        # RFC 7946: exterior rings counter-clockwise.
        g = orient(g) if g.geom_type == "Polygon" else type(g)([orient(p) for p in g.geoms])
        geo = mapping(g)
        props = {c: _plain(row[c]) for c in cols}
        features.append({"type": "Feature", "id": row["code" if "code" in cols else "state"],
                         "properties": props,
                         "geometry": {"type": geo["type"],
                                      "coordinates": _round_coords(geo["coordinates"])}})
    doc = {
        "type": "FeatureCollection",
        "name": "siteselect_ranking",
        "siteselect": run_metadata(req),
        "features": features,
    }
    target = Path(path)
    with atomic_output([target]) as (tmp,):
        step(0.85, "Saving")
        with tmp.open("w", encoding="utf-8") as fh:
            json.dump(doc, fh, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
        step(1.0, "Done")
    return target


def _plain(v: Any) -> Any:
    """numpy / pandas scalars to JSON values; NaN to null."""
    if v is None:
        return None
    if hasattr(v, "item"):
        v = v.item()
    if isinstance(v, float) and v != v:
        return None
    return v


def write_gpkg(
    req: ExportRequest,
    path: str | os.PathLike[str],
    progress: ProgressFn | None = None,
    is_cancelled: CancelFn | None = None,
    *,
    version: str = DEFAULT_GPKG_VERSION,
) -> Path:
    """Write a GeoPackage with the ``ranking`` layer and metadata tables; return ``path``.

    ``version`` is the GeoPackage version written ("1.2" by default: GDAL 3.6, still common
    in QGIS long-term releases, warns when it opens 1.4).

    Raises
    ------
    ExportError
        For an unknown version or a file that cannot be written; ExportCancelled if cancelled.
    """
    import pandas as pd
    import pyogrio

    if version not in GPKG_VERSIONS:
        from siteselect.errors import ExportError

        raise ExportError(f"Unknown GeoPackage version {version!r}; choose one of "
                          f"{', '.join(GPKG_VERSIONS)}.")

    step = Checkpoint(progress, is_cancelled)
    step(0.0, f"Loading the {req.dataset.alternatives.word} boundaries")
    gdf = feature_frame(req)
    gdf["rank"] = gdf["rank"].astype("Int64")
    meta = run_metadata(req)
    flat_meta = {k: (v if isinstance(v, str) else json.dumps(v, ensure_ascii=False))
                 for k, v in meta.items()}
    meta_df = pd.DataFrame({"key": list(flat_meta), "value": list(flat_meta.values())})
    crit_df = pd.DataFrame(meta["criteria"]) if meta["criteria"] else pd.DataFrame(
        {"id": []})
    excl_df = pd.DataFrame(
        [{"state": e["state"], "name": e["name"], "reason": e["reason_text"],
          "failed_gates": ", ".join(e["failed_gates"])} for e in meta["excluded"]],
        columns=["state", "name", "reason", "failed_gates"])
    target = Path(path)
    with atomic_output([target]) as (tmp,):
        step(0.3, "Writing the ranking layer")
        pyogrio.write_dataframe(
            gdf, tmp, layer="ranking", driver="GPKG", dataset_options={"VERSION": version},
            layer_metadata={"DESCRIPTION": "SiteSelect ranking", **{
                k.upper(): v for k, v in flat_meta.items()
                if k in ("scenario", "exported_at", "dataset_version", "method_name")}},
        )
        for name, df in (("run_metadata", meta_df), ("criteria", crit_df),
                         ("excluded", excl_df)):
            step(0.6, f"Writing the {name} table")
            pyogrio.write_dataframe(df, tmp, layer=name, driver="GPKG", append=False)
        step(1.0, "Done")
    return target
