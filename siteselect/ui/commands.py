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

from PySide6.QtGui import QUndoCommand

from siteselect.model.settings import ScoringSettings

if TYPE_CHECKING:  # pragma: no cover
    from siteselect.ui.state import PlannerState

MERGE_ID = 4711
_drag_ids = itertools.count(1)


def new_merge_key(prefix: str) -> str:
    """A fresh key for one interaction (e.g. one slider drag)."""
    return f"{prefix}#{next(_drag_ids)}"


class SettingsCommand(QUndoCommand):
    """Replace the settings; undo restores the previous ones."""

    def __init__(self, state: PlannerState, new: ScoringSettings, text: str,
                 merge_key: str | None = None) -> None:
        super().__init__(text)
        self._state = state
        self._old = state.settings
        self._new = new
        self._merge_key = merge_key

    def redo(self) -> None:
        self._state.apply_settings(self._new)

    def undo(self) -> None:
        self._state.apply_settings(self._old)

    def id(self) -> int:  # noqa: A003 - Qt API
        return MERGE_ID if self._merge_key else -1

    def mergeWith(self, other: QUndoCommand) -> bool:  # noqa: N802 - Qt API
        if not isinstance(other, SettingsCommand) or other._merge_key != self._merge_key:
            return False
        self._new = other._new
        if self._new == self._old:
            self.setObsolete(True)
        return True
