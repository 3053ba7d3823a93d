"""Defects found walking through the window as a new planner: stale hover texts, clipped
panels, oversized restored geometry, what-if figures."""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import QEvent, QPointF, Qt
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import QApplication, QScrollArea


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
    canvas, st = window.map_canvas, window.planner
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
    canvas, st = window.map_canvas, window.planner
    hover(qtbot, canvas, "TX")
    hover(qtbot, canvas, "GA")
    st.set_settings(replace(st.settings, exclude=("AL",)), "Exclude AL")
    hover(qtbot, canvas, "TX")
    assert f"of {len(st.result)} " in canvas.items["TX"].toolTip()


def test_status_bar_hover_message_follows_the_result(qtbot, window):
    canvas, st = window.map_canvas, window.planner
    hover(qtbot, canvas, "GA")
    before = window.statusBar().currentMessage()
    assert before.startswith("Georgia: rank")
    st.set_settings(st.settings.with_weight("energy_cost", 100.0), "Energy cost")
    i = st.result.position("GA")
    now = window.statusBar().currentMessage()
    assert now == (f"Georgia: rank {int(st.result.ranks[i])} of {len(st.result)}, "
                   f"score {float(st.result.scores[i]):.1f}")
    assert now != before


def test_fit_to_screen_keeps_a_big_window_on_a_laptop_screen():
    from PySide6.QtCore import QMargins, QRect, QSize

    from siteselect.ui.main_window import fit_to_screen

    laptop = QRect(0, 0, 1366, 740)  # 1366 x 768 less a 28 px panel
    frame = QMargins(1, 30, 1, 1)
    got = fit_to_screen(QRect(100, 80, 1600, 1000), laptop, QSize(900, 480), frame)
    assert got == QRect(1, 30, 1364, 709)
    # A window that fits is left alone; one off the right edge is moved back.
    assert fit_to_screen(QRect(50, 60, 1000, 600), laptop, QSize(900, 480), frame) == \
        QRect(50, 60, 1000, 600)
    assert fit_to_screen(QRect(900, 60, 1000, 600), laptop, QSize(900, 480), frame) == \
        QRect(365, 60, 1000, 600)
    # Never below the minimum, even on a screen too small for it.
    tiny = fit_to_screen(QRect(0, 0, 1600, 1000), QRect(0, 0, 800, 600), QSize(900, 480))
    assert tiny.size() == QSize(900, 600)


def test_restored_geometry_is_clamped_to_the_screen(qtbot, planner_state, dataset, tmp_path,
                                                    monkeypatch):
    from siteselect.ui.main_window import MainWindow
    from siteselect.ui.planner import Planner

    monkeypatch.setenv("SITESELECT_SETTINGS_DIR", str(tmp_path / "settings"))
    first = MainWindow(planner_state)
    qtbot.addWidget(first)
    first.show()
    qtbot.waitExposed(first)
    first.resize(1600, 1000)
    assert first.height() == 1000
    assert first.close()

    second = MainWindow(Planner(dataset))
    qtbot.addWidget(second)
    free = second.screen().availableGeometry()
    assert free.height() < 1000  # the offscreen screen: 800 x 600
    assert second.height() <= free.height()
    second.show()
    qtbot.waitExposed(second)
    qtbot.waitUntil(lambda: second.frameGeometry().height() <= free.height())
    assert second.frameGeometry().top() >= free.top()
    # Wider than the screen only as far as the window's own minimum width demands.
    assert second.width() <= max(free.width(), second.minimumSizeHint().width())


def test_what_if_figure_shows_the_published_one_beside_it(window, dataset):
    from siteselect.model.settings import Override

    st = window.planner
    published = dataset.format_value("TX", "energy_cost")
    assumed = dataset.format_value("TX", "energy_cost", 4.0)
    assert assumed != published
    st.set_settings(replace(st.settings, overrides=(Override("TX", "energy_cost", 4.0),)),
                    "What-if")
    st.select("TX")
    expected = f"{assumed} (what-if) \u2014 published: {published}"
    plain = window.detail_panel.figures.toPlainText()
    assert expected in plain
    # The year and source below belong to the published figure and say so.
    year = dataset.criterion("energy_cost").provenance.year
    assert f"published figure: {year}" in plain
    for tip in (window.map_canvas.tooltip_for("TX"),
                window.ranking_table.model.data(
                    window.ranking_table.model.index(
                        window.ranking_table.model.row_of("TX"), 0), Qt.ToolTipRole)):
        assert expected in tip
    # Other states' figures are unchanged.
    assert "what-if" not in window.map_canvas.tooltip_for("GA")


def test_weights_stay_whole_after_shrinking_and_growing_the_window(qtbot, window):
    panel = window.weights_panel
    panel.tabs.setCurrentIndex(0)
    for size in ((800, 500), (1600, 1000)):
        window.resize(*size)
        qtbot.waitUntil(lambda: window.map_canvas.height() > 0)
        QApplication.processEvents()
        viewport = panel.findChild(QScrollArea).viewport()
        for row in panel.rows.values():
            for widget in (row.spin, row.share):
                left = widget.mapTo(viewport, widget.rect().topLeft()).x()
                right = widget.mapTo(viewport, widget.rect().topRight()).x()
                assert left >= 0 and right < viewport.width(), (size, row.crit.id)


def test_smallest_window_keeps_a_usable_map_and_a_one_line_header(qtbot, window):
    from siteselect.ui.main_window import MAP_MIN_HEIGHT, MAP_MIN_WIDTH

    window.resize(400, 300)  # below the minimum: Qt stops at the minimum size
    QApplication.processEvents()
    QApplication.processEvents()
    smallest = window.minimumSizeHint().expandedTo(window.minimumSize())
    assert window.width() <= smallest.width() + 1 and window.height() <= smallest.height() + 1
    # Fits a 1366 x 768 laptop's free area.
    assert smallest.width() <= 1366 and smallest.height() <= 700
    assert window.map_canvas.width() >= MAP_MIN_WIDTH
    assert window.map_canvas.height() >= MAP_MIN_HEIGHT
    title, combo = window.map_title, window.colour_combo
    assert not title.geometry().intersects(combo.geometry())
    assert title.height() <= combo.height() + 12  # one line, not wrapped into the bar
    assert title.is_elided()
    assert title.text().endswith("\u2026")
    assert title.full_text().startswith("Overall score")
    window.resize(1600, 1000)
    QApplication.processEvents()
    assert not title.is_elided()


def test_gate_hint_is_never_cut_off_in_a_short_window(qtbot, planner_state):
    from siteselect.ui.main_window import MainWindow

    # A larger font, as on desktops with bigger default fonts, where the hint lost its end.
    app = QApplication.instance()
    normal = app.font()
    font = app.font()
    font.setPointSizeF(font.pointSizeF() * 1.4)
    app.setFont(font)
    try:
        window = MainWindow(planner_state, restore_settings=False)
        qtbot.addWidget(window)
        window.show()
        qtbot.waitExposed(window)
        panel = window.weights_panel
        panel.tabs.setCurrentIndex(1)
        combo = panel.gate_criterion
        combo.setCurrentIndex(combo.findData("tax_incentives"))
        hint = panel.gate_hint
        assert hint.font().pointSizeF() == font.pointSizeF()
        assert hint.text().endswith("Type a number or a category.")
        window.resize(400, 300)  # as small as the window goes
        QApplication.processEvents()
        QApplication.processEvents()
        need = hint.heightForWidth(hint.width())
        assert hint.height() >= need
        assert hint.visibleRegion().boundingRect().height() >= need
    finally:
        app.setFont(normal)
