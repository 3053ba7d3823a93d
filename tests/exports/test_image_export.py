"""PNG and SVG map exports read back with QImage and an XML parser."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from siteselect.exports.images import write_png, write_svg
from siteselect.exports.mapstyle import NOT_RANKED, map_picture

SVG = "{http://www.w3.org/2000/svg}"


def test_png_map(tmp_path, rich_request):
    from PySide6.QtGui import QColor, QImage

    out = write_png(rich_request, tmp_path / "m.png", size=(1200, 800))
    img = QImage(str(out))
    assert not img.isNull() and (img.width(), img.height()) == (1200, 800)
    counts = {"best": 0, "grey": 0, "white": 0}
    fills = {shape.state: shape.fill for shape in map_picture(rich_request).shapes}
    best = QColor.fromRgbF(*fills[rich_request.result.alternatives[0]])
    grey = QColor.fromRgbF(*NOT_RANKED)
    for y in range(0, 800, 4):
        for x in range(0, 1200, 4):
            c = img.pixelColor(x, y)
            if abs(c.red() - best.red()) + abs(c.green() - best.green()) + abs(
                    c.blue() - best.blue()) < 12:
                counts["best"] += 1
            if abs(c.red() - grey.red()) + abs(c.green() - grey.green()) < 6 and \
                    abs(c.blue() - grey.blue()) < 4:
                counts["grey"] += 1
            if c.red() == c.green() == c.blue() == 255:
                counts["white"] += 1
    total = (800 // 4) * (1200 // 4)
    assert counts["best"] > 200  # Texas, the best state, in the top colour
    assert counts["grey"] > 200  # gated states (e.g. California) in grey
    assert counts["white"] < total * 0.8  # something was drawn


def test_svg_map(tmp_path, rich_request):
    out = write_svg(rich_request, tmp_path / "m.svg")
    root = ET.parse(out).getroot()
    assert root.tag == f"{SVG}svg"
    paths = root.findall(f".//{SVG}path")
    assert len(paths) >= 51
    texts = ["".join(t.itertext()).strip() for t in root.iter(f"{SVG}text")]
    pic = map_picture(rich_request)
    assert pic.title in texts
    assert pic.title == "Site score: Board draft — power first"
    for code in ("TX", "CA", "AK", "HI", "NY"):
        assert code in texts
    assert "best" in texts and "worst" in texts and "not ranked" in texts
    assert any(t.startswith("Sources:") for t in texts)
    assert root.findtext(f"{SVG}title") == pic.title


def test_map_picture_colours(rich_request):
    pic = map_picture(rich_request)
    by_state = {s.state: s for s in pic.shapes}
    assert len(by_state) == 51
    assert not by_state["CA"].ranked and by_state["CA"].fill == NOT_RANKED
    assert by_state["TX"].ranked
    r = rich_request.result
    # better score -> darker, as in the window (viridis reversed: purple best, yellow worst)
    top, bottom = r.alternatives[0], r.alternatives[-1]
    assert sum(by_state[top].fill[:2]) < sum(by_state[bottom].fill[:2])
    assert pic.ticks[0] == pic.legend_lo and pic.ticks[-1] == pic.legend_hi
    assert pic.legend_lo <= float(r.scores.min()) and float(r.scores.max()) <= pic.legend_hi


def test_export_colours_run_the_same_way_as_the_window(rich_request):
    """The best state gets the window's best colour, the worst its worst colour."""
    from siteselect.ui.colouring import viridis_lut

    lut = viridis_lut()  # the window's colours: index 255 = best, 0 = worst
    pic = map_picture(rich_request)
    by_state = {s.state: s.fill for s in pic.shapes}
    r = rich_request.result
    span = pic.legend_hi - pic.legend_lo
    for state, score in ((r.alternatives[0], r.scores[0]), (r.alternatives[-1], r.scores[-1])):
        t = (float(score) - pic.legend_lo) / span
        window = lut[round(t * 255), :3] / 255.0
        assert max(abs(a - b) for a, b in zip(by_state[state], window, strict=True)) < 0.04


def test_png_legend_has_the_best_colour_at_the_top(tmp_path, rich_request):
    """Down the legend bar the colour runs from dark purple ("best") to light yellow."""
    from PySide6.QtGui import QImage

    out = write_png(rich_request, tmp_path / "m.png", size=(1600, 1050))
    img = QImage(str(out))
    best_x = None
    for x in range(1250, 1600):  # the legend column, right of the map
        for y in range(150, 700):
            c = img.pixelColor(x, y)
            if c.blue() - c.green() > 60 and c.red() < 100:  # the darkest viridis purple
                best_x = x
                break
        if best_x is not None:
            break
    assert best_x is not None
    column = [img.pixelColor(best_x + 4, y) for y in range(150, 900)]
    coloured = [(c.red(), c.green(), c.blue()) for c in column
                if max(c.red(), c.green(), c.blue()) - min(c.red(), c.green(), c.blue()) > 40]
    assert len(coloured) > 100
    top, bottom = coloured[0], coloured[-1]
    assert top[2] > top[1] and sum(top) < 250  # dark purple at the top
    assert bottom[0] > 180 and bottom[1] > 180 and bottom[2] < bottom[1] - 50  # pale yellow
