"""The map's hover, tooltip and click name the state under the pointer, by its outline, with
the figures of the current result.

The pointer is moved with QTest over the real window's map, at pixels computed from the
states' outlines: points inside one state but inside a neighbour's bounding box, where a
bounding-box hit test names the neighbour.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QPoint, QPointF, Qt
from PySide6.QtGui import QHelpEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QToolTip

from siteselect.model.settings import parse_gates


def pixel_of(canvas, x: float, y: float) -> QPoint:
    return canvas.view.mapFromScene(canvas.viewbox.mapViewToScene(QPointF(x, y)))


def point_in_a_not_b_box(canvas, inside: str, box_of: str, margin_px: int = 4) -> QPoint:
    """A viewport pixel well inside state ``inside`` and inside ``box_of``'s bounding box but
    not in ``box_of`` itself, found from the outlines."""
    a, b = canvas.items[inside].path(), canvas.items[box_of].path()
    box = b.boundingRect().intersected(a.boundingRect())
    assert not box.isEmpty(), f"{box_of}'s box does not reach {inside}"
    best = None
    n = 40
    for i in range(1, n):
        for j in range(1, n):
            x = box.left() + box.width() * i / n
            y = box.top() + box.height() * j / n
            px = pixel_of(canvas, x, y)
            ring = [canvas.viewbox.mapSceneToView(canvas.view.mapToScene(
                px + QPoint(dx, dy))) for dx in (-margin_px, 0, margin_px)
                for dy in (-margin_px, 0, margin_px)]
            if all(a.contains(p) and not b.contains(p) for p in ring):
                # Prefer the point closest to the other state's box centre: the deepest
                # inside the box, where a box hit test is surest to pick the other state.
                c = b.boundingRect().center()
                d = (x - c.x()) ** 2 + (y - c.y()) ** 2
                if best is None or d < best[0]:
                    best = (d, px)
    assert best is not None, f"no clear point of {inside} in {box_of}'s box"
    return best[1]


def move(qtbot, canvas, px: QPoint) -> None:
    """Move the pointer there (QTest delivers the move before it returns)."""
    QTest.mouseMove(canvas.view.viewport(), px)
    QApplication.processEvents()


def tooltip_at(canvas, px: QPoint) -> str:
    """What the map shows when Qt asks it for a tooltip at ``px`` (as after a hover pause)."""
    viewport = canvas.view.viewport()
    QToolTip.hideText()
    QApplication.sendEvent(viewport, QHelpEvent(QEvent.ToolTip, px, viewport.mapToGlobal(px)))
    return QToolTip.text() if QToolTip.isVisible() else ""


def expected_head(st, code: str) -> str:
    name = st.dataset.names[code]
    i = st.result.position(code)
    if i is None:
        return f"<b>{name}</b> ({code})<br><span style='color:#a33'>Not ranked"
    return (f"<b>{name}</b> ({code})<br>Rank <b>{int(st.result.ranks[i])}</b> of "
            f"{len(st.result)} &mdash; score <b>{float(st.result.scores[i]):.1f}</b>")


def raise_weight_with_keyboard(qtbot, window, cid: str, pages: int = 4) -> None:
    slider = window.weights_panel.rows[cid].slider
    before = window.planner.settings.weights.get(cid)
    slider.setFocus()
    for _ in range(pages):
        QTest.keyClick(slider, Qt.Key_PageUp)
    assert window.planner.settings.weights.get(cid) > before


def test_texas_then_energy_weight_then_southern_oklahoma(qtbot, window):
    canvas, st = window.map_canvas, window.planner
    texas = pixel_of(canvas, *canvas.shapes.label_points["TX"])
    move(qtbot, canvas, texas)
    assert tooltip_at(canvas, texas).startswith(expected_head(st, "TX"))
    move(qtbot, canvas, pixel_of(canvas, *canvas.shapes.label_points["GA"]))
    QToolTip.hideText()
    before = st.result
    raise_weight_with_keyboard(qtbot, window, "energy_cost")
    assert st.result is not before
    oklahoma = point_in_a_not_b_box(canvas, "OK", "TX")
    move(qtbot, canvas, oklahoma)
    tip = tooltip_at(canvas, oklahoma)
    assert tip.startswith(expected_head(st, "OK")), tip[:120]
    assert "Texas" not in tip
    i = st.result.position("OK")
    assert window.statusBar().currentMessage() == (
        f"Oklahoma: rank {int(st.result.ranks[i])} of {len(st.result)}, "
        f"score {float(st.result.scores[i]):.1f}")


def test_nevada_then_california(qtbot, window):
    canvas, st = window.map_canvas, window.planner
    nevada = pixel_of(canvas, *canvas.shapes.label_points["NV"])
    move(qtbot, canvas, nevada)
    assert tooltip_at(canvas, nevada).startswith(expected_head(st, "NV"))
    california = point_in_a_not_b_box(canvas, "CA", "NV")
    move(qtbot, canvas, california)
    tip = tooltip_at(canvas, california)
    assert tip.startswith(expected_head(st, "CA")), tip[:120]
    assert window.statusBar().currentMessage().startswith("California: ")


def test_new_mexico_after_two_gates(qtbot, window):
    canvas, st = window.map_canvas, window.planner
    texas = pixel_of(canvas, *canvas.shapes.label_points["TX"])
    move(qtbot, canvas, texas)
    tooltip_at(canvas, texas)
    for gate in parse_gates(["energy_cost<=9", "water_stress<=3"]):
        window.weights_panel.add_gate(gate)
    assert len(st.settings.gates) == 2
    new_mexico = point_in_a_not_b_box(canvas, "NM", "TX")
    move(qtbot, canvas, new_mexico)
    tip = tooltip_at(canvas, new_mexico)
    assert tip.startswith(expected_head(st, "NM")), tip[:120]
    assert window.statusBar().currentMessage().startswith("New Mexico: ")


def test_a_tooltip_on_screen_is_rewritten_when_the_result_changes(qtbot, window):
    canvas, st = window.map_canvas, window.planner
    oklahoma = point_in_a_not_b_box(canvas, "OK", "TX")
    move(qtbot, canvas, oklahoma)
    first = tooltip_at(canvas, oklahoma)
    assert first.startswith(expected_head(st, "OK"))
    # A change that does not come from the keyboard (a key press hides any tooltip): undo,
    # a dialog, an opened scenario.
    st.set_settings(st.settings.with_weight("energy_cost", 80.0), "Energy cost")
    assert QToolTip.isVisible()
    assert QToolTip.text().startswith(expected_head(st, "OK"))
    assert QToolTip.text() != first


def test_a_click_in_southern_oklahoma_selects_oklahoma(qtbot, window):
    canvas, st = window.map_canvas, window.planner
    oklahoma = point_in_a_not_b_box(canvas, "OK", "TX")
    QTest.mouseClick(canvas.view.viewport(), Qt.LeftButton, Qt.NoModifier, oklahoma)
    qtbot.waitUntil(lambda: st.selected is not None)
    assert st.selected == "OK"


def test_every_state_is_found_at_its_label_point(qtbot, window):
    canvas = window.map_canvas
    for code, (x, y) in canvas.shapes.label_points.items():
        if code in canvas.callouts or code == "HI":
            continue
        px = pixel_of(canvas, x, y)
        move(qtbot, canvas, px)
        assert tooltip_at(canvas, px).startswith(expected_head(window.planner, code))
