"""Undoable edits of the scoring settings.

Every change a planner makes to weights, enable boxes, gates, exclusions, method,
normalisation or missing-data policy is a :class:`SettingsCommand` pushed on the state's
``QUndoStack``: it stores the settings before and after, so undo and redo are exact.  A slider
drag pushes one command per move, all carrying the same ``merge_key``; consecutive commands
with equal keys merge, so the whole drag is one undo step.
"""

from __future__ import annotations

import itertools
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject
from PySide6.QtGui import QAction, QKeyEvent, QKeySequence, QUndoCommand
from PySide6.QtWidgets import (
    QAbstractSpinBox,
    QApplication,
    QDoubleSpinBox,
    QLineEdit,
    QSpinBox,
    QWidget,
)

from siteselect.model.settings import ScoringSettings

if TYPE_CHECKING:  # pragma: no cover
    from siteselect.ui.planner import Planner

MERGE_ID = 4711
_drag_ids = itertools.count(1)


def new_merge_key(prefix: str) -> str:
    """A fresh key for one interaction (e.g. one slider drag)."""
    return f"{prefix}#{next(_drag_ids)}"


class SettingsCommand(QUndoCommand):
    """Replace the settings; undo restores the previous ones."""

    def __init__(self, planner: Planner, new: ScoringSettings, text: str,
                 merge_key: str | None = None) -> None:
        super().__init__(text)
        self._planner = planner
        self._old = planner.settings
        self._new = new
        self._merge_key = merge_key

    def redo(self) -> None:
        self._planner.apply_settings(self._new)

    def undo(self) -> None:
        self._planner.apply_settings(self._old)

    def id(self) -> int:
        return MERGE_ID if self._merge_key else -1

    def mergeWith(self, other: QUndoCommand) -> bool:
        if not isinstance(other, SettingsCommand) or other._merge_key != self._merge_key:
            return False
        self._new = other._new
        if self._new == self._old:
            self.setObsolete(True)
        return True


class UndoKeyRouter(QObject):
    """Send undo/redo keys pressed in a text box to the window's undo actions.

    A line edit or spin box claims Ctrl+Z for its own typing history (through a
    ``ShortcutOverride``), so the window's Undo never fired while a weight's box had focus,
    even after the typed value had been entered.  The box keeps the key only while it has
    typing of its own to take back (an unfinished entry in a spin box, undoable text in a
    line edit); otherwise the key goes on to the window's actions.
    """

    def __init__(self, window: QWidget, undo: QAction, redo: QAction) -> None:
        super().__init__(window)
        self._window = window
        self._undo = undo
        self._redo = redo
        QApplication.instance().focusChanged.connect(self._focus_changed)

    def _focus_changed(self, _old: QWidget | None, new: QWidget | None) -> None:
        if (isinstance(new, (QLineEdit, QAbstractSpinBox)) and new.window() is self._window):
            new.installEventFilter(self)  # installing twice keeps one filter

    def _matches(self, event: QKeyEvent, action: QAction) -> bool:
        pressed = QKeySequence(event.keyCombination())
        return any(seq.matches(pressed) == QKeySequence.ExactMatch
                   for seq in action.shortcuts())

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:
        if event.type() != QEvent.ShortcutOverride:
            return False
        if self._matches(event, self._undo):
            own = _has_own_undo(obj)
        elif self._matches(event, self._redo):
            own = _has_own_redo(obj)
        else:
            return False
        if own:
            return False
        event.ignore()  # not claimed: the window's shortcut runs
        return True


def _pending_entry(box: QAbstractSpinBox) -> bool:
    """True while a spin box shows typing not yet entered as its value."""
    text = box.lineEdit().text()
    if isinstance(box, (QSpinBox, QDoubleSpinBox)):
        return text != box.textFromValue(box.value())
    return box.hasAcceptableInput() is False


def _has_own_undo(obj: QObject) -> bool:
    if isinstance(obj, QAbstractSpinBox):
        return _pending_entry(obj)
    if isinstance(obj, QLineEdit):
        return not obj.isReadOnly() and obj.isUndoAvailable()
    return True


def _has_own_redo(obj: QObject) -> bool:
    if isinstance(obj, QAbstractSpinBox):
        return _pending_entry(obj)
    if isinstance(obj, QLineEdit):
        return not obj.isReadOnly() and obj.isRedoAvailable()
    return True
