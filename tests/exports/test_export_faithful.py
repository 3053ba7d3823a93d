"""Exports stay faithful and safe at the edges: read-only targets, image sizes from the command
line, format/suffix disagreements, what-if figures with many digits, scenarios with what-if
values, and scenario names in scripts the document font lacks."""

from __future__ import annotations

import csv
import json
import stat
import xml.etree.ElementTree as ET

import openpyxl
import pypdf
import pytest

from siteselect.cli import main
from siteselect.errors import ExportError
from siteselect.exports import FORMATS, export, make_request
from siteselect.exports.csv import metadata_path
from siteselect.model.scenario import Scenario
from siteselect.model.settings import Override, ScoringSettings

SVG = "{http://www.w3.org/2000/svg}"


def _one_line_error(capsys, *parts):
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("siteselect: error:"), err
    assert "Traceback" not in err
    for part in parts:
        assert part in err, err
    return err


# -- read-only targets ------------------------------------------------------------------------
@pytest.mark.parametrize("fmt", ["csv", "xlsx", "pdf"])
def test_read_only_target_is_refused_and_kept(tmp_path, rich_request, fmt):
    target = tmp_path / f"locked{FORMATS[fmt][2]}"
    target.write_bytes(b"the board's copy")
    target.chmod(0o444)
    with pytest.raises(ExportError, match="read-only"):
        export(rich_request, fmt, target)
    assert target.read_bytes() == b"the board's copy"
    assert stat.S_IMODE(target.stat().st_mode) == 0o444
    assert [p.name for p in tmp_path.iterdir()] == [target.name]


def test_read_only_target_on_the_command_line(tmp_path, capsys):
    target = tmp_path / "locked.pdf"
    target.write_text("keep")
    target.chmod(0o444)
    assert main(["export", "-o", str(target)]) == 2
    _one_line_error(capsys, "read-only", "locked.pdf")
    assert target.read_text() == "keep"


def test_read_only_csv_companion_is_refused(tmp_path, rich_request):
    target = tmp_path / "s.csv"
    meta = metadata_path(target)
    meta.write_text("{}")
    meta.chmod(0o444)
    with pytest.raises(ExportError, match="s.meta.json.*read-only"):
        export(rich_request, "csv", target)
    assert not target.exists() and meta.read_text() == "{}"


# -- image size -----------------------------------------------------------------------------
def test_size_option_sets_png_and_svg_pixels(tmp_path, capsys):
    from PySide6.QtGui import QImage

    png, svg = tmp_path / "m.png", tmp_path / "m.svg"
    assert main(["export", "--size", "900x600", "-o", str(png)]) == 0
    assert "900x600" in capsys.readouterr().out
    img = QImage(str(png))
    assert (img.width(), img.height()) == (900, 600)
    assert main(["export", "--size", "1200X500", "-q", "-o", str(svg)]) == 0
    root = ET.parse(svg).getroot()
    assert root.get("viewBox") == "0 0 1200 500"
    # the stated size is the pixel size (96 per inch), so a browser shows it 1200 px wide
    width_mm = float(root.get("width").removesuffix("mm"))
    assert width_mm / 25.4 * 96 == pytest.approx(1200, abs=1)
    texts = ["".join(t.itertext()).strip() for t in root.iter(f"{SVG}text")]
    assert "best" in texts and any(t.startswith("Sources:") for t in texts)


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--size", "80x50", "-o", "{tmp}/m.png"], "out of range"),
        (["--size", "wide", "-o", "{tmp}/m.svg"], "WIDTHxHEIGHT"),
        (["--size", "800x600", "-o", "{tmp}/m.csv"], "png and svg only"),
        (["--format", "pdf", "-o", "{tmp}/m.csv"], "does not match"),
        (["--format", "csv", "-o", "{tmp}/m.xlsx"], "does not match"),
    ],
)
def test_bad_size_or_format_is_one_line_exit_2(tmp_path, capsys, argv, message):
    argv = [a.format(tmp=tmp_path) for a in argv]
    assert main(["export", *argv]) == 2
    _one_line_error(capsys, message)
    assert list(tmp_path.iterdir()) == []


def test_format_may_name_a_file_without_a_known_suffix(tmp_path):
    assert main(["export", "-q", "--format", "geojson", "-o", str(tmp_path / "m.json")]) == 0
    assert main(["export", "-q", "--format", "csv", "-o", str(tmp_path / "m.txt")]) == 0
    assert json.loads((tmp_path / "m.json").read_text())["type"] == "FeatureCollection"


def _best_colour_pixels(path, rich_request):
    from PySide6.QtGui import QColor, QImage

    from siteselect.exports.mapstyle import map_picture

    fills = {s.state: s.fill for s in map_picture(rich_request).shapes}
    best = QColor.fromRgbF(*fills[rich_request.result.alternatives[0]])
    img = QImage(str(path))
    n = 0
    for y in range(0, img.height(), 2):
        for x in range(0, img.width(), 2):
            c = img.pixelColor(x, y)
            if abs(c.red() - best.red()) + abs(c.green() - best.green()) + abs(
                    c.blue() - best.blue()) < 12:
                n += 1
    return n


@pytest.mark.parametrize("size", [(2400, 300), (300, 1200)])
def test_map_fits_any_aspect_ratio(tmp_path, rich_request, size):
    """A long, flat banner or a tall strip still shows the map at a readable size."""
    from siteselect.exports.images import write_png

    out = write_png(rich_request, tmp_path / "m.png", size=size)
    # Texas (the best state) fills a visible patch: at least ~0.5 % of the shorter side squared
    assert _best_colour_pixels(out, rich_request) * 4 > 0.005 * min(size) ** 2


def test_long_title_fits_the_image(tmp_path, dataset):
    """A 100-character scenario name is shown whole, in a size that fits the width."""
    from PySide6.QtGui import QFont, QFontMetricsF

    from siteselect.exports.images import write_svg

    name = ("Southeast and Gulf coast shortlist for the 2027 board pack, power first, "
            "water second, talent third")[:100]
    req = make_request(dataset, ScoringSettings(), scenario_name=name)
    out = write_svg(req, tmp_path / "t.svg", size=(1000, 650))
    root = ET.parse(out).getroot()
    title = next(t for t in root.iter(f"{SVG}text") if "".join(t.itertext()).strip()
                 == f"Site score: {name}")
    font = QFont(title.get("font-family"))
    font.setPixelSize(round(float(title.get("font-size"))))
    font.setBold(title.get("font-weight") == "700")
    right = float(title.get("x")) + QFontMetricsF(font).horizontalAdvance(f"Site score: {name}")
    assert right <= 1000 - float(title.get("x")) + 2  # inside the right margin


# -- what-if figures and scenarios ---------------------------------------------------------------
def test_what_if_figures_keep_every_digit(tmp_path, dataset):
    settings = ScoringSettings(overrides=(
        Override("NY", "talent", 1234567.0, "=cmd|' /C calc'!A0"),
        Override("GA", "energy_cost", 5.4321, ""),
    ))
    req = make_request(dataset, settings, scenario_name="Digits")
    export(req, "csv", tmp_path / "d.csv")
    with open(tmp_path / "d.csv", newline="", encoding="utf-8-sig") as fh:
        rows = {r["state"]: r for r in csv.DictReader(fh)}
    assert "Tech workforce what-if 1234567 jobs (dataset: " in rows["NY"]["notes"]
    assert "e+06" not in rows["NY"]["notes"]
    assert "Energy cost (industrial) what-if 5.4321 cents/kWh (dataset: " in rows["GA"]["notes"]
    assert rows["NY"]["talent"] == "1234567"
    export(req, "xlsx", tmp_path / "d.xlsx")
    meth = openpyxl.load_workbook(tmp_path / "d.xlsx")["Method"]
    cells = {meth[f"A{i}"].value: meth[f"B{i}"] for i in range(2, meth.max_row + 1)}
    text = cells["What-if overrides"].value
    assert "New York (NY): Tech workforce = 1234567 jobs (dataset: " in text
    assert "Georgia (GA): Energy cost (industrial) = 5.4321 cents/kWh" in text
    # the planner's note travels with the value, as text (it does not start the cell)
    assert "note: =cmd|' /C calc'!A0" in text and cells["What-if overrides"].data_type == "s"


def test_scenario_export_carries_its_what_if_values(tmp_path, capsys, dataset):
    from siteselect.storage import ScenarioStore

    db = tmp_path / "s.db"
    settings = ScoringSettings(overrides=(Override("TX", "energy_cost", 4.2, "PPA quote"),))
    with ScenarioStore.open(db) as store:
        store.save(Scenario("Texas PPA", settings, description="With the utility's quote."))
    out = tmp_path / "t.csv"
    assert main(["export", "--scenario", "texas ppa", "--db", str(db), "-q", "-o",
                 str(out)]) == 0
    with open(out, newline="", encoding="utf-8-sig") as fh:
        tx = next(r for r in csv.DictReader(fh) if r["state"] == "TX")
    assert tx["energy_cost"] == "4.2" and "what-if 4.2" in tx["notes"]
    assert tx["scenario"] == "Texas PPA"
    meta = json.loads(metadata_path(out).read_text(encoding="utf-8"))
    assert meta["scenario"] == "Texas PPA" and meta["description"] == "With the utility's quote."
    assert meta["overrides"][0]["note"] == "PPA quote"
    pdf = tmp_path / "t.pdf"
    assert main(["export", "--scenario", "Texas PPA", "--db", str(db), "-q", "-o",
                 str(pdf)]) == 0
    text = "\n".join(p.extract_text() for p in pypdf.PdfReader(pdf).pages)
    assert "Scenario: Texas PPA" in text and "With the utility's quote." in text
    assert "What-if values" in text and "PPA quote" in text


# -- scripts beyond the document font --------------------------------------------------------------
def test_cjk_names_stay_real_text_in_the_pdf(tmp_path, dataset):
    """Chinese, Japanese and Korean names are extractable text, not dropped characters."""
    from siteselect.exports.pdf import text_runs

    name = "東京 plan — 서울 계획"
    req = make_request(dataset, ScoringSettings(overrides=(
        Override("TX", "energy_cost", 4.0, "見積もり"),)), scenario_name=name,
        description="とうきょう 한국어 Ωμέγα", top_n=5)
    out = export(req, "pdf", tmp_path / "c.pdf")
    pages = [p.extract_text() for p in pypdf.PdfReader(out).pages]
    assert f"Scenario: {name}" in pages[0]
    assert "とうきょう 한국어 Ωμέγα" in pages[0]
    assert all(name in p for p in pages)  # the footer of every page
    assert "見積もり" in "\n".join(pages)
    # Latin, Greek and punctuation stay in the document font; CJK goes elsewhere
    runs = text_runs("Plan Ωμέγα — 東京")
    assert runs[0] == (None, "Plan Ωμέγα — ") and runs[1][0] is not None


# -- GIS: categories as published --------------------------------------------------------------
def test_gis_layers_carry_category_labels(tmp_path, full_request):
    import geopandas as gpd
    import pyogrio

    export(full_request, "geojson", tmp_path / "m.geojson")
    export(full_request, "gpkg", tmp_path / "m.gpkg")
    ds = full_request.dataset
    cats = [c for c in full_request.criteria() if c.is_categorical]
    assert cats  # the default weighting has categorical criteria (tax incentives, water)
    for gdf in (gpd.read_file(tmp_path / "m.geojson"),
                pyogrio.read_dataframe(tmp_path / "m.gpkg", layer="ranking")):
        by_state = gdf.set_index("state")
        for c in cats:
            for st in ds.states:
                own = ds.value(st, c.id)
                label = by_state.loc[st, f"{c.id}_label"]
                if own is None:
                    assert label is None or label != label  # missing stays missing
                elif ds.text(st, c.column) == "n/a":
                    assert label == "n/a (no statewide sales tax; full points)"
                else:
                    assert label == ds.text(st, c.column)


# -- map images carry the run in their metadata ---------------------------------------------------
def _png_text_chunks(path):
    """tEXt / zTXt / iTXt chunks of a PNG, read with struct and zlib only."""
    import struct
    import zlib

    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    out, i = {}, 8
    while i < len(data):
        (n,) = struct.unpack(">I", data[i:i + 4])
        kind, body = data[i + 4:i + 8], data[i + 8:i + 8 + n]
        i += 12 + n
        key, _, rest = body.partition(b"\0")
        if kind == b"tEXt":
            out[key.decode("latin-1")] = rest.decode("latin-1")
        elif kind == b"zTXt":
            out[key.decode("latin-1")] = zlib.decompress(rest[1:]).decode("latin-1")
        elif kind == b"iTXt":
            compressed, rest = rest[0], rest[2:]
            _lang, _, rest = rest.partition(b"\0")
            _translated, _, rest = rest.partition(b"\0")
            out[key.decode("latin-1")] = (zlib.decompress(rest) if compressed
                                          else rest).decode("utf-8")
    return out


def _check_image_metadata(meta, req):
    r = req.result
    assert meta["format"] == "siteselect-image-metadata"
    assert meta["scenario"] == req.scenario_name
    assert meta["dataset_version"] == req.dataset.version
    assert meta["exported_at"] == "2026-03-14T09:26:53Z"
    assert meta["weights"] == pytest.approx(r.weights)
    assert meta["gates"] == ["energy_cost<=12"]
    reasons = {e["state"]: e["reason"] for e in meta["excluded"]}
    assert reasons["WY"] == "excluded by the planner"
    assert meta["overrides"][0]["state"] == "GA" and meta["overrides"][0]["value"] == 5.5
    assert [c["url"] for c in meta["criteria"]][0].startswith("http")
    assert [x["state"] for x in meta["ranking"]] == list(r.alternatives[:10])
    first = meta["ranking"][0]
    assert first["score"] == pytest.approx(float(r.scores[0]))
    assert first["points"] == pytest.approx(r.row(0).contributions)
    ga = next(x for x in meta["ranking"] if x["state"] == "GA")
    assert ga["values"]["energy_cost"] == 5.5 and "what-if 5.5" in ga["notes"]


def test_png_carries_the_run_in_text_chunks(tmp_path, rich_request):
    out = export(rich_request, "png", tmp_path / "m.png")
    chunks = _png_text_chunks(out)
    assert chunks["Title"] == "Site score: Board draft — power first"
    assert chunks["Creation Time"] == "2026-03-14T09:26:53Z"
    assert chunks["Software"].startswith("SiteSelect")
    assert "Sources:" in chunks["Description"]
    _check_image_metadata(json.loads(chunks["SiteSelect"]), rich_request)


def test_svg_carries_the_run_in_its_metadata(tmp_path, rich_request):
    out = export(rich_request, "svg", tmp_path / "m.svg")
    root = ET.parse(out).getroot()
    element = root.find(f"{SVG}metadata")
    assert element is not None and element.get("id") == "siteselect"
    _check_image_metadata(json.loads(element.text), rich_request)


def test_image_metadata_survives_markup_in_names(tmp_path, dataset):
    name = 'R&D <pilot> "]]>" 東京'
    req = make_request(dataset, ScoringSettings(), scenario_name=name, top_n=3)
    root = ET.parse(export(req, "svg", tmp_path / "x.svg")).getroot()
    assert json.loads(root.find(f"{SVG}metadata").text)["scenario"] == name
    assert root.findtext(f"{SVG}title") == f"Site score: {name}"
    chunks = _png_text_chunks(export(req, "png", tmp_path / "x.png"))
    assert json.loads(chunks["SiteSelect"])["scenario"] == name
    assert chunks["Title"] == f"Site score: {name}"


def test_every_sheet_prints_one_page_wide(tmp_path, rich_request):
    out = export(rich_request, "xlsx", tmp_path / "p.xlsx")
    wb = openpyxl.load_workbook(out)
    for ws in wb.worksheets:
        assert ws.sheet_properties.pageSetUpPr.fitToPage, ws.title
        assert ws.page_setup.fitToWidth == 1 and ws.page_setup.fitToHeight == 0, ws.title
        assert ws.print_title_rows == "$1:$1", ws.title
    assert wb["Ranking"].page_setup.orientation == "landscape"
    assert wb.properties.title == "Data-center site shortlist: Board draft — power first"
    assert wb.properties.creator == "SiteSelect"


def test_pdf_keeps_the_description_line_breaks(tmp_path, dataset):
    req = make_request(dataset, ScoringSettings(), scenario_name="Lines",
                       description="Power first.\nWater second.\r\nAsk Dev about <GIS> & co.",
                       top_n=3)
    text = pypdf.PdfReader(export(req, "pdf", tmp_path / "l.pdf")).pages[0].extract_text()
    lines = text.splitlines()
    assert "Power first." in lines and "Water second." in lines
    assert "Ask Dev about <GIS> & co." in lines


def test_map_subtitle_names_gates_and_what_if_values(tmp_path, rich_request):
    root = ET.parse(export(rich_request, "svg", tmp_path / "g.svg")).getroot()
    texts = ["".join(t.itertext()).strip() for t in root.iter(f"{SVG}text")]
    sub = next(t for t in texts if t.startswith("Weighted sum of"))
    assert "gate Energy cost (industrial) \u2264 12.00 cents/kWh" in sub
    assert "energy_cost" not in sub and "<=" not in sub
    assert "what-if values for GA" in sub
    assert "not ranked (grey)" in sub and "exported 2026-03-14" in sub
    assert "Alaska and Hawaii: insets, not to scale" in texts


def test_csv_metadata_gives_every_numeric_column_its_unit(tmp_path, rich_request):
    out = export(rich_request, "csv", tmp_path / "u.csv")
    meta = json.loads(metadata_path(out).read_text(encoding="utf-8"))
    units = meta["column_units"]
    with open(out, newline="", encoding="utf-8-sig") as fh:
        header = next(csv.reader(fh))
    numeric = [h for h in header if h not in ("state", "name", "notes", "scenario")
               and not h.endswith("_label")]
    assert sorted(units) == sorted(numeric)
    assert units["energy_cost"] == "cents/kWh" and units["energy_cost_points"] == "points"
    assert "limited = 0.5" in units["tax_incentives"]


def test_pdf_wraps_many_criteria_into_legible_lines(tmp_path, dataset):
    """With every criterion weighted, each state's row wraps onto balanced lines of legible
    width; every state is listed once per table (figures, points), never once per block."""
    from siteselect.exports.pdf import MIN_FIGURE_COLUMN, _line_split

    weights = {c.id: 1.0 for c in dataset.criteria}
    req = make_request(dataset, ScoringSettings(weights=weights), top_n=5)
    n = len(req.criteria())
    assert n > 12
    frame = 612 - 2 * 46  # Letter width less the margins
    lines = _line_split(n, frame - (24 + 86 + 29))
    assert sum(lines) == n and max(lines) - min(lines) <= 1
    assert (frame - 139) / max(lines) >= MIN_FIGURE_COLUMN
    out = export(req, "pdf", tmp_path / "all.pdf")
    text = "\n".join(p.extract_text() for p in pypdf.PdfReader(out).pages)
    assert "Criteria 1-" not in text
    flat = " ".join(text.split())
    for i in range(5):
        head = (f"{int(req.result.ranks[i])} {dataset.names[req.result.alternatives[i]]} "
                f"{req.result.scores[i]:.1f}")
        assert flat.count(head) == 2, head  # once with the figures, once with the points
