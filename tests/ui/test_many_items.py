"""Regression: a scene with ~20,000 graphics items must not crash the interpreter.

PySide6 6.12.0 on CPython 3.11 aborted ("none_dealloc") once a scene held a few thousand
items; the project pins PySide6 < 6.12.  This test fails loudly if that comes back.
"""

from __future__ import annotations

import PySide6
from PySide6.QtCore import QRectF
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import QGraphicsRectItem, QGraphicsScene, QGraphicsView

N_ITEMS = 20_000


def test_twenty_thousand_items_in_a_scene(qtbot):
    scene = QGraphicsScene()
    brush = QBrush(QColor(60, 120, 180))
    for i in range(N_ITEMS):
        item = QGraphicsRectItem(QRectF((i % 200) * 6.0, (i // 200) * 6.0, 5.0, 5.0))
        item.setBrush(brush)
        item.setToolTip(str(i))
        scene.addItem(item)
    view = QGraphicsView(scene)
    qtbot.addWidget(view)
    view.resize(600, 400)
    view.show()
    qtbot.waitExposed(view)
    view.viewport().repaint()
    assert len(scene.items()) == N_ITEMS
    for item in scene.items()[::1000]:
        item.setBrush(QBrush(QColor(200, 80, 40)))
    view.viewport().repaint()
    scene.clear()
    assert scene.items() == []
    assert tuple(int(p) for p in PySide6.__version__.split(".")[:2]) < (6, 12)
