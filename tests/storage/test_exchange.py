"""The JSON exchange format: export, import into another database, and import validation."""

from __future__ import annotations

import json
import os
import stat

import pytest

from siteselect.analysis import check_scorable
from siteselect.errors import ExportError, InputError
from siteselect.model.dataset import load_dataset
from siteselect.model.scenario import Scenario
from siteselect.storage import ScenarioStore
from siteselect.storage.exchange import FORMAT, read_file, write_file

from .conftest import full_settings


@pytest.fixture
def two_stores(tmp_path):
    a = ScenarioStore.open(tmp_path / "a.db")
    b = ScenarioStore.open(tmp_path / "b.db")
    yield a, b
    a.close()
    b.close()


def test_export_then_import_on_another_database(two_stores, tmp_path):
    a, b = two_stores
    name = "O'Brien \"x\" — 🚀 مركز"
    saved = a.save(Scenario(name, settings=full_settings(), description="why: ✓",
                            dataset_version="2025-abc"))
    path = write_file(a.get(name), tmp_path / "shared.json")
    doc = json.loads(path.read_text(encoding="utf-8"))
    assert doc["format"] == FORMAT and doc["version"] == 1
    assert doc["name"] == name and doc["exported_at"]
    assert doc["settings"]["overrides"][0] == {"state": "TX", "criterion": "energy_cost",
                                               "value": 5.0, "note": "negotiated PPA — 10 yr"}
    got = b.import_json(read_file(path))
    assert got.name == name and got.description == "why: ✓"
    assert got.settings == full_settings()
    assert got.dataset_version == "2025-abc"
    assert got.created == saved.created and got.revision == 1
    assert b.get(name).settings == full_settings()


def test_import_of_an_existing_name_needs_a_rename(two_stores):
    a, b = two_stores
    a.save(Scenario("Shared plan"))
    b.save(Scenario("shared PLAN", description="b's own"))
    doc = a.export_json("Shared plan")
    with pytest.raises(InputError, match="already exists.*--rename"):
        b.import_json(doc)
    assert b.get("Shared plan").description == "b's own"
    got = b.import_json(doc, rename="Shared plan (from A)")
    assert got.name == "Shared plan (from A)"
    with pytest.raises(InputError, match="already exists"):
        b.import_json(doc, rename="balanced")


def good_doc() -> dict:
    return {"format": "siteselect-scenario", "version": 1, "name": "Imported",
            "settings": {"version": 1, "weights": {"energy_cost": 1}}}


@pytest.mark.parametrize("change, message", [
    (lambda d: d.update(format="something-else"), "not a SiteSelect scenario file"),
    (lambda d: d.update(version=2), "format version 2"),
    (lambda d: d.update(extra=1), "unknown field"),
    (lambda d: d.pop("name"), "no name"),
    (lambda d: d.update(name=""), "empty"),
    (lambda d: d.update(name="x" * 101), "at most 100"),
    (lambda d: d.pop("settings"), "no settings"),
    (lambda d: d["settings"].update(version=7), "settings version 7"),
    (lambda d: d["settings"]["weights"].update(no_such=1), "unknown criterion 'no_such'"),
    (lambda d: d["settings"]["weights"].update(talent=-2), "must not be negative"),
    (lambda d: d["settings"]["weights"].update(talent="3"), "finite number"),
    (lambda d: d["settings"].update(method="magic"), "unknown method 'magic'"),
    (lambda d: d["settings"].update(gates=[{"criterion": "energy_cost", "op": "~",
                                            "threshold": 1}]), "gate 1: Unknown comparison"),
    (lambda d: d["settings"].update(exclude=["ZZ"]), "unknown state code 'ZZ'"),
    (lambda d: d["settings"].update(overrides=[{"state": "TX", "criterion": "energy_cost",
                                                "value": None}]), "finite number"),
])
def test_invalid_documents_are_refused_and_nothing_is_written(store, change, message):
    doc = good_doc()
    change(doc)
    before = len(store.list())
    with pytest.raises(InputError, match=message):
        store.import_json(doc)
    assert len(store.list()) == before
    assert store.find("Imported") is None


def test_malformed_json_names_line_and_column(store, tmp_path):
    path = tmp_path / "broken.json"
    path.write_text('{\n  "format": "siteselect-scenario",\n  "version": 1,\n  "name": oops\n}')
    with pytest.raises(InputError, match=r"broken.json is not valid JSON: .* line 4, column 11"):
        read_file(path)
    with pytest.raises(InputError, match="line 4, column 11"):
        store.import_json(path.read_text())


def test_export_to_an_unwritable_place_is_a_clear_error(store, tmp_path):
    with pytest.raises(ExportError, match="Cannot write"):
        write_file(store.get("Balanced"), tmp_path / "no" / "such" / "folder" / "x.json")


@pytest.mark.skipif(os.name != "posix", reason="POSIX file modes")
def test_exported_file_is_readable_by_others_like_any_new_file(store, tmp_path):
    old = os.umask(0o022)
    try:
        path = write_file(store.get("Balanced"), tmp_path / "share.json")
        assert stat.S_IMODE(path.stat().st_mode) == 0o644
        path.chmod(0o640)  # a replaced file keeps its mode
        write_file(store.get("Low-Carbon"), path)
        assert stat.S_IMODE(path.stat().st_mode) == 0o640
    finally:
        os.umask(old)
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []


def test_truncated_json_says_at_line_once(store, tmp_path):
    path = tmp_path / "cut.json"
    path.write_text('{\n  "format": "siteselect-scenario",\n  "name": "Cut sh')
    with pytest.raises(InputError) as info:
        read_file(path)
    assert "Unterminated string starting at line 3, column 11" in info.value.message
    assert "at at" not in info.value.message


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be"])
def test_a_utf16_file_is_named_as_such(store, tmp_path, encoding):
    good = tmp_path / "good.json"
    write_file(store.get("Balanced"), good)
    path = tmp_path / "wide.json"
    path.write_bytes(good.read_text(encoding="utf-8").encode(encoding))
    with pytest.raises(InputError, match="wide.json looks like UTF-16.*UTF-8"):
        read_file(path)
    with pytest.raises(InputError, match="UTF-16"):
        store.import_json(path.read_bytes())


@pytest.mark.parametrize(("settings", "field"), [
    ({"weights": {"talent": 0.0, "energy_cost": 0.0}}, "weights"),
    ({"weights": {"talent": 1.0}, "gates": [{"criterion": "energy_cost", "op": "<=",
                                              "threshold": -1.0}]}, "gates"),
])
def test_import_refuses_a_scenario_that_can_never_be_scored(store, tmp_path, settings, field):
    good = tmp_path / "good.json"
    write_file(store.get("Balanced"), good)
    doc = json.loads(good.read_text(encoding="utf-8"))
    doc["name"] = "Never"
    doc["settings"].update(settings)
    ds = load_dataset()
    with pytest.raises(InputError, match=f"can never be scored \\(field \"{field}\"\\)"):
        store.import_json(doc, check=lambda sc, where: check_scorable(ds, sc, where))
    assert store.find("Never") is None
    # Storage alone knows nothing of scoring: without the check the file is a valid scenario.
    assert store.import_json(doc).name == "Never"
