"""The PDF's "How sure is this ranking?" page and the XLSX Sensitivity sheet, read back with
pypdf and openpyxl; `siteselect export --sensitivity`; how the weights were derived."""

from __future__ import annotations

import io

import openpyxl
import pypdf
import pytest

from siteselect.cli import main
from siteselect.derived_weights import with_shares
from siteselect.exports import export, make_request
from siteselect.exports.common import compute_sensitivity
from siteselect.model.scenario import Scenario
from siteselect.model.settings import ScoringSettings, WeightOrigin
from siteselect.storage import ScenarioStore

from .conftest import EXPORT_TIME

ORIGIN = WeightOrigin("roc", (("energy_cost", 0.6111), ("talent", 0.2778),
                              ("tax_incentives", 0.1111)))


@pytest.fixture(scope="module")
def settings(dataset):
    return with_shares(dataset, ScoringSettings(), dict(ORIGIN.shares), origin=ORIGIN)


@pytest.fixture(scope="module")
def request_with_run(dataset, settings):
    run = compute_sensitivity(dataset, settings, draws=1500, seed=21, top_k=5)
    return make_request(dataset, settings, scenario_name="Power first", top_n=10,
                        exported_at=EXPORT_TIME, sensitivity=run)


def pdf_text(path) -> str:
    return "\n".join(p.extract_text() for p in pypdf.PdfReader(path).pages)


def test_pdf_has_the_sensitivity_page_with_the_runs_numbers(request_with_run, tmp_path):
    path = export(request_with_run, "pdf", tmp_path / "r.pdf")
    text = pdf_text(path)
    s = request_with_run.sensitivity
    assert "How sure is this ranking?" in text
    assert "1,500 weight vectors drawn" in text and "seed 21" in text
    assert "Computed for exactly these settings and this dataset." in text
    assert "Chance of the top 5" in text and "Stability intervals" in text
    assert s.convention.split(";")[0] in " ".join(text.split())
    first = s.alternatives[0]
    name = request_with_run.dataset.names[first.code]
    assert f"{name} ({first.code})" in text
    assert f"{first.rank_p05}\u2013{first.rank_p95}" in text
    assert f"{first.p_top_k:.1%}" in text
    # how the weights were derived, on the weights page
    assert "How the weights were derived: Derived from a ranking of the criteria " \
           "(rank-order centroid weights)" in " ".join(text.split())


def test_pdf_without_a_run_has_no_such_page(dataset, settings, tmp_path):
    req = make_request(dataset, settings, exported_at=EXPORT_TIME)
    text = pdf_text(export(req, "pdf", tmp_path / "r.pdf"))
    assert "How sure is this ranking?" not in text
    assert "rank-order centroid" in text


def test_xlsx_sensitivity_sheet_holds_every_state(request_with_run, tmp_path):
    path = export(request_with_run, "xlsx", tmp_path / "r.xlsx")
    wb = openpyxl.load_workbook(path)
    assert "Sensitivity" in wb.sheetnames
    ws = wb["Sensitivity"]
    s = request_with_run.sensitivity
    facts = {ws.cell(r, 1).value: ws.cell(r, 2).value for r in range(1, 9)}
    assert facts["Draws"] == 1500 and facts["Seed"] == "21" and facts["K (shortlist size)"] == 5
    head = next(r for r in range(1, 20) if ws.cell(r, 1).value == "Rank")
    assert ws.cell(head, 8).value == "P(top 5)"
    rows = {ws.cell(r, 2).value: [ws.cell(r, c).value for c in range(1, 10)]
            for r in range(head + 1, head + 1 + len(s.alternatives))}
    assert len(rows) == len(s.alternatives) == len(request_with_run.result)
    for a in s.alternatives:
        got = rows[a.code]
        assert got[0] == a.base_rank and got[3:7] == [a.rank_min, a.rank_p05, a.rank_p95,
                                                      a.rank_max]
        assert got[7] == pytest.approx(a.p_top_k) and got[8] == pytest.approx(a.p_first)
    stab = next(r for r in range(head, ws.max_row + 1) if ws.cell(r, 1).value == "Criterion")
    ids = [ws.cell(r, 1).value for r in range(stab + 1, stab + 1 + len(s.stability))]
    assert ids == [c.criterion for c in s.stability]
    assert ws.cell(stab + 1, 4).value == pytest.approx(s.stability[0].top1[0])
    method = {r[0].value: r[1].value for r in wb["Method"].iter_rows()}
    assert method["Weights derived"].startswith("Derived from a ranking of the criteria")


def test_xlsx_without_a_run_has_no_sensitivity_sheet(dataset, settings, tmp_path):
    req = make_request(dataset, settings, exported_at=EXPORT_TIME)
    wb = openpyxl.load_workbook(export(req, "xlsx", tmp_path / "r.xlsx"))
    assert "Sensitivity" not in wb.sheetnames


def test_cli_export_sensitivity_is_repeatable_with_a_seed(capsys, tmp_path):
    for name in ("a.xlsx", "b.xlsx"):
        assert main(["export", "--weights", "energy_cost=3,talent=1", "--sensitivity",
                     "--draws", "800", "--seed", "5", "--top-k", "3", "-q",
                     "-o", str(tmp_path / name)]) == 0

    def numbers(name):
        ws = openpyxl.load_workbook(tmp_path / name)["Sensitivity"]
        return [[c.value for c in row] for row in ws.iter_rows(min_row=10)]

    assert numbers("a.xlsx") == numbers("b.xlsx")
    assert any(row[7] not in (0, 1, None) for row in numbers("a.xlsx") if
               isinstance(row[7], float))


def test_cli_export_uses_a_scenarios_current_run_and_leaves_out_a_stale_one(capsys, tmp_path):
    db = str(tmp_path / "s.db")
    main(["scenario", "save", "Board", "--weights", "energy_cost=3,talent=1", "--sensitivity",
          "--draws", "400", "--seed", "9", "--db", db])
    capsys.readouterr()
    assert main(["export", "--scenario", "Board", "--db", db, "-o",
                 str(tmp_path / "a.pdf")]) == 0
    assert "seed 9" in pdf_text(tmp_path / "a.pdf")
    assert main(["export", "--scenario", "Board", "--db", db, "--method", "topsis", "-o",
                 str(tmp_path / "b.pdf")]) == 0
    assert "stale" in capsys.readouterr().err
    assert "How sure is this ranking?" not in pdf_text(tmp_path / "b.pdf")


@pytest.mark.parametrize("argv, needle", [
    (["--sensitivity", "-o", "x.csv"], "--sensitivity applies to pdf and xlsx only"),
    (["--seed", "3", "-o", "x.pdf"], "--seed applies to a sensitivity run"),
])
def test_cli_export_refuses_sensitivity_options_that_do_not_apply(capsys, tmp_path, argv,
                                                                  needle):
    argv = [a if not a.startswith("x.") else str(tmp_path / a) for a in argv]
    assert main(["export", *argv]) == 2
    assert needle in capsys.readouterr().err


def test_scenario_store_round_trip_feeds_the_export(dataset, settings, tmp_path):
    run = compute_sensitivity(dataset, settings, draws=300, seed=2)
    with ScenarioStore.open(tmp_path / "s.db") as store:
        store.save(Scenario("Board", settings, sensitivity=run))
        sc = store.get("Board")
    req = make_request(dataset, sc.settings, sensitivity=sc.sensitivity)
    buf = io.BytesIO()
    from siteselect.exports.pdf import render_pdf

    render_pdf(req, buf)
    assert "seed 2" in "".join(p.extract_text() for p in pypdf.PdfReader(buf).pages)
