"""The window fits a 1024-pixel-wide screen, and a window grown back from its minimum gives
the ranking its rows back."""

from __future__ import annotations


def test_the_minimum_width_fits_a_1024_pixel_screen(window):
    assert window.minimumSizeHint().width() <= 1024
    window.resize(1024, 640)
    assert window.width() == 1024


def test_growing_from_the_minimum_gives_the_ranking_its_rows_back(window, qtbot):
    from PySide6.QtCore import Qt

    window.resize(window.minimumSizeHint())
    qtbot.wait(50)
    # As a window manager leaves it at the minimum: the ranking squeezed to its header.
    window.resizeDocks([window.ranking_dock], [60], Qt.Vertical)
    qtbot.waitUntil(lambda: window.ranking_dock.height() < window.RANKING_MIN_USEFUL)
    squeezed = window.ranking_dock.height()
    window.resize(1500, 1000)
    qtbot.waitUntil(lambda: window.ranking_dock.height() >= window.RANKING_MIN_USEFUL)
    assert window.ranking_dock.height() > squeezed
    view = window.ranking_table.view
    assert view.rowAt(view.viewport().height() - 2) >= 4  # several rows in view
