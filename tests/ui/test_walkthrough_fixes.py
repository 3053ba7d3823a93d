"""Defects found walking through the window as a new planner: stale hover texts, clipped
panels, oversized restored geometry, what-if figures."""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import QEvent, QPointF, Qt
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import QApplication


def move_to_state(canvas, code: str, nudge: int = 0) -> None:
    x, y = canvas.shapes.label_points[code]
    pos = canvas.view.mapFromScene(canvas.viewbox.mapViewToScene(QPointF(x, y)))
    viewport = canvas.view.viewport()
    local = QPointF(pos.x() + nudge, pos.y() + nudge)
    QApplication.sendEvent(viewport, QMouseEvent(QEvent.MouseMove, local,
                                                 viewport.mapToGlobal(local), Qt.NoButton,
                                                 Qt.NoButton, Qt.NoModifier))


def hover(qtbot, canvas, code: str) -> None:
    """Move onto the state until the map reports it (the scene drops moves that come faster
    than its hover rate)."""
    seen: list[str] = []
    canvas.state_hovered.connect(seen.append)
    step = iter(range(10_000))

    def arrived() -> bool:
        move_to_state(canvas, code, next(step) % 3)
        return code in seen

    qtbot.waitUntil(arrived)
    canvas.state_hovered.disconnect(seen.append)


def test_map_tooltip_follows_the_result_while_the_pointer_stays_on_a_state(qtbot, window):
    canvas, st = window.map_canvas, window.state
    hover(qtbot, canvas, "TX")
    n = len(st.result)
    assert f"of {n} " in canvas.items["TX"].toolTip()
    st.set_settings(replace(st.settings, exclude=("AL",)), "Exclude AL")
    assert len(st.result) == n - 1
    # Without moving: the hovered state's tooltip was rewritten for the new result.
    assert f"of {n - 1} " in canvas.items["TX"].toolTip()
    window.undo_action.trigger()
    move_to_state(canvas, "TX", 2)
    qtbot.waitUntil(lambda: f"of {n} " in canvas.items["TX"].toolTip())


def test_entering_a_state_again_after_a_change_elsewhere_gives_a_fresh_tooltip(qtbot, window):
    canvas, st = window.map_canvas, window.state
    hover(qtbot, canvas, "TX")
    hover(qtbot, canvas, "GA")
    st.set_settings(replace(st.settings, exclude=("AL",)), "Exclude AL")
    hover(qtbot, canvas, "TX")
    assert f"of {len(st.result)} " in canvas.items["TX"].toolTip()


def test_status_bar_hover_message_follows_the_result(qtbot, window):
    canvas, st = window.map_canvas, window.state
    hover(qtbot, canvas, "GA")
    before = window.statusBar().currentMessage()
    assert before.startswith("Georgia: rank")
    st.set_settings(st.settings.with_weight("energy_cost", 100.0), "Energy cost")
    i = st.result.position("GA")
    now = window.statusBar().currentMessage()
    assert now == (f"Georgia: rank {int(st.result.ranks[i])} of {len(st.result)}, "
                   f"score {float(st.result.scores[i]):.1f}")
    assert now != before
