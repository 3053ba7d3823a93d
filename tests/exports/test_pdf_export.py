"""PDF decision record read back with pypdf: real text, every section, page numbers."""

from __future__ import annotations

import re

import pypdf
import pytest

from siteselect.exports.pdf import write_pdf


def pdf_text(path):
    reader = pypdf.PdfReader(path)
    return reader, [p.extract_text() for p in reader.pages]


@pytest.mark.parametrize(("paper", "size"), [("letter", (612, 792)), ("a4", (595, 842))])
def test_paper_size_and_page_numbers(tmp_path, dataclass_replace, rich_request, paper, size):
    req = dataclass_replace(rich_request, paper=paper)
    reader, pages = pdf_text(write_pdf(req, tmp_path / f"{paper}.pdf"))
    for page in reader.pages:
        assert (round(float(page.mediabox.width)), round(float(page.mediabox.height))) == size
    total = len(pages)
    assert total >= 2
    for i, text in enumerate(pages, start=1):
        assert f"Page {i} of {total}" in text


def test_sections_and_figures(tmp_path, rich_request):
    reader, pages = pdf_text(write_pdf(rich_request, tmp_path / "r.pdf"))
    text = "\n".join(pages)
    flat = re.sub(r"\s+", " ", text)
    ds, r = rich_request.dataset, rich_request.result
    assert "Data-center site shortlist" in flat
    assert "Board draft — power first" in flat
    assert "Power first; no state above 12 cents/kWh." in flat
    assert "14 March 2026" in flat and rich_request.dataset.version in flat
    assert "How the states were scored" in flat and "weighted sum" in flat
    # weights table: every weighted criterion with its share
    for cid, w in r.weights.items():
        assert ds.criterion(cid).label in flat
        assert f"{w:.1%}" in flat
    # the top-10 table, in rank order, with scores
    assert "Top 10 states" in flat
    positions = []
    for i in range(10):
        name = ds.names[r.alternatives[i]]
        m = re.search(rf"\b{int(r.ranks[i])} {re.escape(name)} {r.scores[i]:.1f}\b", flat)
        assert m, name
        positions.append(m.start())
    assert positions == sorted(positions)
    assert ds.names[r.alternatives[10]] + " " not in flat.split("Top 10 states")[1].split(
        "Where each score")[0]
    # what-if marked, excluded with reasons, sources with years
    assert "5.50 *" in flat and "What-if values" in flat
    assert "States not ranked" in flat and "excluded by the planner" in flat
    # California, in words: label, sign, unit and its own figure
    assert ("fails the gate Energy cost (industrial) \u2264 12.00 cents/kWh (is 21.98 "
            "cents/kWh)") in flat
    assert "Hard gates: Energy cost (industrial) \u2264 12.00 cents/kWh" in flat
    assert "Excluded by the planner: Wyoming" in flat
    assert "energy_cost" not in flat and "<=" not in flat
    assert "Data sources" in flat
    for cid in r.criteria:
        p = ds.criterion(cid).provenance
        assert p.year in flat
    assert "eia.gov" in flat
    # the map: legend and labels as text, states drawn as vector paths (not one image)
    assert "Score (0-100)" in flat and "best" in flat and "worst" in flat
    assert "not ranked" in flat
    page1 = reader.pages[0]
    assert not page1.images
    content = page1.get_contents().get_data()
    assert content.count(b" re") >= 1 and content.count(b" l\n") + content.count(b" l ") > 2000
    assert reader.metadata.title.startswith("Data-center site shortlist")


def test_no_exclusions_and_all_states(tmp_path, full_request):
    _, pages = pdf_text(write_pdf(full_request, tmp_path / "f.pdf"))
    flat = re.sub(r"\s+", " ", "\n".join(pages))
    assert "Ranking" in flat and "None: every state passed" in flat
    for s in full_request.result.alternatives:
        assert full_request.dataset.names[s] in flat


def _table_pages(pages, start, end):
    """(page index, text) of the pages between two headings (inclusive of their pages)."""
    first = next(i for i, t in enumerate(pages) if start in t)
    last = next(i for i, t in enumerate(pages) if i >= first and end in t)
    out = []
    for i in range(first, last + 1):
        text = pages[i]
        if i == first:
            text = text.split(start, 1)[1]
        if i == last:
            text = text.split(end, 1)[0]
        out.append((i, text))
    return out


@pytest.mark.parametrize("n_criteria", [8, 13])
def test_many_criteria_keep_each_state_on_one_page(tmp_path, dataset, n_criteria):
    """8+ criteria: every state's figures sit in one row group on one page, no second,
    mostly empty table repeating the states."""
    from siteselect.exports import make_request
    from siteselect.model.settings import ScoringSettings

    ids = ["energy_cost", "power_capacity", "grid_co2", "tax_incentives", "regulation",
           "hazard_risk", "water_stress", "talent", "corporate_tax", "sales_tax_rate",
           "education", "cooling_demand", "electricians"][:n_criteria]
    req = make_request(dataset, ScoringSettings(weights=dict.fromkeys(ids, 1.0)))
    assert len(req.result.criteria) == n_criteria
    _, pages = pdf_text(write_pdf(req, tmp_path / "m.pdf"))
    flat = re.sub(r"\s+", " ", "\n".join(pages))
    assert "Criteria 1-" not in flat
    part = _table_pages(pages, "Ranking", "Where each score comes from")
    joined = re.sub(r"\s+", " ", " ".join(t for _, t in part))
    talent = dataset.criterion("talent")
    for i, state in enumerate(req.result.alternatives):
        name = dataset.names[state]
        head = f"{int(req.result.ranks[i])} {name} {req.result.scores[i]:.1f}"
        assert joined.count(head) == 1, name  # listed once, not once per column block
        # its last-line figure (talent is on the last line) is on the page of its name
        figure = talent.format_value(req.result.row(i).values["talent"], with_unit=False)
        page = next(t for _, t in part if head in re.sub(r"\s+", " ", t))
        assert figure in page, name


def test_no_sales_tax_is_explained_in_the_table(tmp_path, dataset):
    from siteselect.exports import make_request
    from siteselect.model.settings import ScoringSettings

    req = make_request(dataset, ScoringSettings(weights={"tax_incentives": 5, "talent": 1}))
    _, pages = pdf_text(write_pdf(req, tmp_path / "n.pdf"))
    flat = re.sub(r"\s+", " ", "\n".join(pages))
    assert flat.count("n/a \u2021") == 5  # AK, DE, MT, NH, OR
    assert ("\u2021 n/a on Data-center sales-tax exemption means no statewide sales tax; it "
            "earns full points") in flat


def test_insets_are_said_to_be_not_to_scale_beside_the_map(tmp_path, rich_request):
    _, pages = pdf_text(write_pdf(rich_request, tmp_path / "i.pdf"))
    first = re.sub(r"\s+", " ", pages[0])
    note = "Alaska and Hawaii: insets, not to scale"
    assert note in first
    # beside the map: before the source line under it and the method section
    assert first.index(note) < first.index("How the states were scored")
