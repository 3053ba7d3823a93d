"""XLSX export read back with openpyxl, and its formulas recomputed with the `formulas`
engine: the recomputed scores must equal the application's, also after a weight is edited."""

from __future__ import annotations

import dataclasses
import shutil
import subprocess
import warnings

import numpy as np
import openpyxl
import pytest

from siteselect.analysis import rank_states
from siteselect.exports import make_request
from siteselect.exports.xlsx import write_xlsx
from siteselect.model.settings import ScoringSettings

SHEETS = ["Ranking", "Weights", "Data", "Values used", "Normalised", "Excluded", "Sources",
          "Method"]


def recompute(path):
    """Every cell of the workbook as computed by the `formulas` engine, keyed (SHEET, ref)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import formulas

        solution = formulas.ExcelModel().loads(str(path)).finish().calculate()
    out = {}
    for key, val in solution.items():
        if not isinstance(key, str) or "]" not in key:
            continue  # the engine's own tokens, not cells
        sheet, _, ref = key.rpartition("!")
        sheet = sheet.strip("'").split("]", 1)[1]
        v = np.asarray(getattr(val, "value", val)).ravel()
        out[(sheet.upper(), ref.upper())] = v[0] if v.size else None
    return out


def state_scores_from_formulas(path, n_states):
    """{state: (score, rank)} as recomputed in the Normalised sheet."""
    wb = openpyxl.load_workbook(path)
    ws = wb["Normalised"]
    header = [c.value for c in ws[1]]
    score_col = openpyxl.utils.get_column_letter(header.index("Score") + 1)
    rank_col = openpyxl.utils.get_column_letter(header.index("Rank") + 1)
    data = wb["Data"]
    states = [data[f"A{3 + i}"].value for i in range(n_states)]
    cells = recompute(path)
    return {
        s: (float(cells[("NORMALISED", f"{score_col}{3 + i}")]),
            int(cells[("NORMALISED", f"{rank_col}{3 + i}")]))
        for i, s in enumerate(states)
    }, cells


def test_sheets_and_cached_values(tmp_path, rich_request):
    out = write_xlsx(rich_request, tmp_path / "s.xlsx")
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames == SHEETS
    ws = wb["Ranking"]
    r = rich_request.result
    assert [c.value for c in ws[1]][:4] == ["Rank", "State", "Name", "Score"]
    assert ws["B12"].value is None  # top 10 only
    for i in range(10):
        for c in "ABCD":  # every cell is looked up live over all ranked states
            assert ws[f"{c}{2 + i}"].value.startswith("=INDEX("), (c, i)
            assert f"MATCH({i + 1},Normalised!" in ws[f"{c}{2 + i}"].value
    # cached values (what a reader that does not recalculate shows) are the app's numbers
    cached = openpyxl.load_workbook(out, data_only=True)["Ranking"]
    assert [cached[f"B{2 + i}"].value for i in range(10)] == list(r.alternatives[:10])
    for i in range(10):
        assert cached[f"D{2 + i}"].value == pytest.approx(float(r.scores[i]), abs=1e-9)
        assert cached[f"A{2 + i}"].value == int(r.ranks[i])
    # every formula in the workbook carries a cached value
    formulas_wb = openpyxl.load_workbook(out)
    values_wb = openpyxl.load_workbook(out, data_only=True)
    n_formulas = 0
    for ws_f in formulas_wb.worksheets:
        ws_v = values_wb[ws_f.title]
        for row in ws_f.iter_rows():
            for c in row:
                if c.data_type == "f":
                    n_formulas += 1
                    if ws_f.title == "Ranking" and ws_f.cell(1, c.column).value == "Notes":
                        continue  # a state without notes caches the empty text
                    assert ws_v[c.coordinate].value is not None, (ws_f.title, c.coordinate)
    assert n_formulas > 500
    norm = values_wb["Normalised"]
    assert [norm[f"A{3 + i}"].value for i in range(len(r))] == list(r.alternatives)
    # Weights: editable points and live shares
    w = wb["Weights"]
    ids = [w[f"A{2 + j}"].value for j in range(len(r.criteria))]
    assert ids == list(r.criteria)
    assert w["F2"].value.startswith("=E2/SUM(")
    # Data: the figures used; missing left empty with a note; overrides marked
    d = wb["Data"]
    data_states = [d[f"A{3 + i}"].value for i in range(len(r))]
    assert data_states == list(r.alternatives)
    col = {d.cell(1, j).value: j for j in range(1, d.max_column + 1)}
    ia = data_states.index("IA") + 3
    assert d.cell(ia, col["power_capacity"]).value is None
    assert "Missing" in d.cell(ia, col["power_capacity"]).comment.text
    ga = data_states.index("GA") + 3
    assert d.cell(ga, col["energy_cost"]).value == 5.5
    assert "What-if" in d.cell(ga, col["energy_cost"]).comment.text
    # Excluded, Sources and Method
    ex = wb["Excluded"]
    reasons = {ex[f"A{i}"].value: ex[f"C{i}"].value for i in range(2, ex.max_row + 1)}
    assert reasons["WY"] == "excluded by the planner"
    assert reasons["CA"] == ("fails the gate Energy cost (industrial) \u2264 12.00 cents/kWh "
                             "(is 21.98 cents/kWh)")
    src = wb["Sources"]
    assert [c.value for c in src[1]][:8] == ["Criterion", "Label", "Unit", "Direction",
                                              "Source", "URL", "Data year", "Status"]
    assert src["F2"].value.startswith("http") and src["G2"].value
    meth = {wb["Method"][f"A{i}"].value: wb["Method"][f"B{i}"].value
            for i in range(2, wb["Method"].max_row + 1)}
    assert meth["Scenario"] == "Board draft — power first"
    assert meth["Exported"] == "2026-03-14T09:26:53Z"
    assert meth["Dataset version"] == rich_request.dataset.version
    assert meth["Method"] == "weighted sum"
    assert "Georgia (GA): Energy cost (industrial) = 5.5 cents/kWh" in meth["What-if overrides"]


@pytest.mark.parametrize(
    ("method", "normalization", "missing", "gates"),
    # weighted sum / min-max / worst is covered by the weight-edit test below; the gate
    # leaves tax_incentives equal for every candidate (zero spread)
    [("topsis", "minmax", "mean", ()), ("wpm", "zscore", "worst", ("tax_incentives>=1",)),
     ("wsm", "rank", "mean", ())],
)
def test_formulas_recompute_to_the_app_scores(tmp_path, dataset, method, normalization,
                                              missing, gates):
    from siteselect.model.settings import parse_gates

    settings = ScoringSettings(method=method, normalization=normalization, missing=missing,
                               gates=parse_gates(gates))
    req = make_request(dataset, settings, top_n=12)
    out = write_xlsx(req, tmp_path / "f.xlsx")
    got, cells = state_scores_from_formulas(out, len(req.result))
    r = req.result
    for i, s in enumerate(r.alternatives):
        assert got[s][0] == pytest.approx(float(r.scores[i]), abs=1e-6), s
        assert got[s][1] == int(r.ranks[i]), s
    # the Ranking sheet's own live formulas agree too
    for i in range(12):
        assert float(cells[("RANKING", f"D{2 + i}")]) == pytest.approx(float(r.scores[i]),
                                                                      abs=1e-6)
    # and so do the points per criterion (under TOPSIS: weight x position between the
    # anti-ideal and the ideal, never more points for a worse figure)
    k = len(r.criteria)
    for i in range(12):
        for j in range(k):
            col = openpyxl.utils.get_column_letter(5 + k + j)
            assert float(cells[("RANKING", f"{col}{2 + i}")]) == pytest.approx(
                float(r.contributions[i, j]), abs=1e-6), (r.alternatives[i], r.criteria[j])


def test_editing_a_weight_recomputes_like_the_engine(tmp_path, dataset, rich_settings):
    req = make_request(dataset, rich_settings)
    out = write_xlsx(req, tmp_path / "w.xlsx")
    wb = openpyxl.load_workbook(out)
    ws = wb["Weights"]
    row = next(i for i in range(2, ws.max_row + 1) if ws[f"A{i}"].value == "talent")
    assert ws[f"E{row}"].value == rich_settings.weights["talent"]
    ws[f"E{row}"] = 60.0  # a reviewer makes talent dominant
    edited = tmp_path / "edited.xlsx"
    wb.save(edited)
    got, _ = state_scores_from_formulas(edited, len(req.result))
    expected = rank_states(dataset, rich_settings.with_weight("talent", 60.0))
    assert set(got) == set(expected.alternatives)
    for i, s in enumerate(expected.alternatives):
        assert got[s][0] == pytest.approx(float(expected.scores[i]), abs=1e-6), s
        assert got[s][1] == int(expected.ranks[i]), s
    before = dict(zip(req.result.alternatives, req.result.scores, strict=True))
    assert any(abs(got[s][0] - before[s]) > 1 for s in got)  # the edit really changed scores


def test_editing_a_figure_recomputes(tmp_path, dataset):
    settings = ScoringSettings()
    req = make_request(dataset, settings)
    out = write_xlsx(req, tmp_path / "v.xlsx")
    wb = openpyxl.load_workbook(out)
    d = wb["Data"]
    col = next(j for j in range(1, d.max_column + 1) if d.cell(1, j).value == "energy_cost")
    row = next(i for i in range(3, d.max_row + 1) if d.cell(i, 1).value == "TX")
    d.cell(row, col).value = 4.0
    edited = tmp_path / "edited.xlsx"
    wb.save(edited)
    got, _ = state_scores_from_formulas(edited, len(req.result))
    from siteselect.model.settings import Override

    expected = rank_states(dataset, dataclasses.replace(
        settings, overrides=(Override("TX", "energy_cost", 4.0),)))
    for i, s in enumerate(expected.alternatives):
        assert got[s][0] == pytest.approx(float(expected.scores[i]), abs=1e-6), s


def test_formula_text_stays_text(tmp_path, hostile_request):
    out = write_xlsx(hostile_request, tmp_path / "h.xlsx")
    wb = openpyxl.load_workbook(out)
    meth = wb["Method"]
    cells = {meth[f"A{i}"].value: meth[f"B{i}"] for i in range(2, meth.max_row + 1)}
    name = cells["Scenario"]
    assert name.data_type == "s"
    assert name.value == "'=HYPERLINK(\"x\")"
    assert cells["Description"].data_type == "s"
    assert not cells["Description"].value.startswith("@")
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for c in row:
                if c.data_type == "f":
                    assert "HYPERLINK" not in c.value and "@" not in c.value
    # negative numbers stay numeric cells
    full = write_xlsx(dataclasses.replace(hostile_request, top_n=None), tmp_path / "a.xlsx")
    d = openpyxl.load_workbook(full)["Data"]
    col = next(j for j in range(1, d.max_column + 1) if d.cell(1, j).value == "regulation")
    negatives = [d.cell(i, col) for i in range(3, d.max_row + 1)
                 if isinstance(d.cell(i, col).value, float) and d.cell(i, col).value < 0]
    assert negatives and all(c.data_type == "n" for c in negatives)


@pytest.mark.skipif(shutil.which("soffice") is None,
                    reason="LibreOffice (soffice) is not installed; the formulas engine "
                    "checks above still run")
def test_libreoffice_recalculates_to_the_engine(tmp_path, dataset):
    """A real spreadsheet: edit a weight, let LibreOffice recalculate, compare to the app."""
    settings = ScoringSettings(method="topsis", missing="mean")
    req = make_request(dataset, settings, top_n=10)
    wb = openpyxl.load_workbook(write_xlsx(req, tmp_path / "lo.xlsx"))
    ws = wb["Weights"]
    row = next(i for i in range(2, ws.max_row + 1) if ws[f"A{i}"].value == "talent")
    ws[f"E{row}"] = 60.0
    wb.save(tmp_path / "edited.xlsx")
    out = tmp_path / "out"
    subprocess.run(
        ["soffice", f"-env:UserInstallation=file://{tmp_path}/lo-profile", "--headless",
         "--calc", "--convert-to", "xlsx", "--outdir", str(out), str(tmp_path / "edited.xlsx")],
        check=True, capture_output=True, timeout=180,
    )
    expected = rank_states(dataset, settings.with_weight("talent", 60.0))
    norm = openpyxl.load_workbook(out / "edited.xlsx", data_only=True)["Normalised"]
    header = [c.value for c in norm[1]]
    score_col, rank_col = header.index("Score") + 1, header.index("Rank") + 1
    got = {norm.cell(3 + i, 1).value: (norm.cell(3 + i, score_col).value,
                                       norm.cell(3 + i, rank_col).value)
           for i in range(len(expected))}
    for state, score, rank in zip(expected.alternatives, expected.scores, expected.ranks,
                                  strict=True):
        assert got[state][0] == pytest.approx(float(score), abs=1e-6), state
        assert got[state][1] == int(rank), state


def test_ranking_sheet_follows_a_weight_edit(tmp_path, dataset, rich_settings):
    """--top N: after a weight edit the Ranking sheet shows the new top N in rank order,
    with their figures and points; the Method sheet's weights line follows the cells."""
    req = make_request(dataset, rich_settings, top_n=5)
    wb = openpyxl.load_workbook(write_xlsx(req, tmp_path / "t.xlsx"))
    ws = wb["Weights"]
    row = next(i for i in range(2, ws.max_row + 1) if ws[f"A{i}"].value == "talent")
    ws[f"E{row}"] = 60.0
    wb.save(tmp_path / "edited.xlsx")
    cells = recompute(tmp_path / "edited.xlsx")
    expected = rank_states(dataset, rich_settings.with_weight("talent", 60.0))
    before = list(req.result.alternatives[:5])
    after = list(expected.alternatives[:5])
    assert after != before  # the edit brings new states into the top 5
    k = len(expected.criteria)
    for i in range(5):
        assert cells[("RANKING", f"B{2 + i}")] == after[i]
        assert cells[("RANKING", f"C{2 + i}")] == dataset.names[after[i]]
        assert int(cells[("RANKING", f"A{2 + i}")]) == int(expected.ranks[i])
        assert float(cells[("RANKING", f"D{2 + i}")]) == pytest.approx(
            float(expected.scores[i]), abs=1e-6)
        for j, cid in enumerate(expected.criteria):
            fig = cells[("RANKING", f"{openpyxl.utils.get_column_letter(5 + j)}{2 + i}")]
            value = expected.row(i).values[cid]
            if dataset.criterion(cid).encoding:
                assert isinstance(fig, str) and fig != "missing"
            elif value is None:
                assert fig == "missing"
            else:
                assert float(fig) == pytest.approx(value)
            pts = cells[("RANKING", f"{openpyxl.utils.get_column_letter(5 + k + j)}{2 + i}")]
            assert float(pts) == pytest.approx(expected.row(i).contributions[cid], abs=1e-6)
    meth = openpyxl.load_workbook(tmp_path / "edited.xlsx")["Method"]
    wrow = next(i for i in range(2, meth.max_row + 1) if meth[f"A{i}"].value == "Weights")
    line = cells[("METHOD", f"B{wrow}")]
    share = expected.weights["talent"]
    assert f"Tech workforce {share:.1%}" in line and "talent" not in line


def test_method_counts_and_years_are_numbers(tmp_path, rich_request):
    wb = openpyxl.load_workbook(write_xlsx(rich_request, tmp_path / "n.xlsx"))
    meth = wb["Method"]
    cells = {meth[f"A{i}"].value: meth[f"B{i}"] for i in range(2, meth.max_row + 1)}
    r = rich_request.result
    for key, want in (("States ranked", len(r)), ("States listed", 10),
                      ("States not ranked", len(r.excluded))):
        assert cells[key].data_type == "n" and cells[key].value == want, key
    assert cells["Weights"].data_type == "f"
    src = wb["Sources"]
    years = [src[f"G{i}"] for i in range(2, src.max_row + 1)]
    assert years and all(c.data_type == "n" and 1990 < c.value < 2100 for c in years
                         if str(c.value).isdigit())
    assert any(isinstance(c.value, int) for c in years)
