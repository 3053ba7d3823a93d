"""Qt item models over scenario-core values: the saved-scenario list and a comparison."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor

from siteselect.compare import ENTERED, LEFT, Comparison, change_text, why_not_ranked
from siteselect.model.dataset import Dataset
from siteselect.model.scenario import Scenario
from siteselect.ui.text import short_name

Index = QModelIndex | QPersistentModelIndex

ENTERED_BG = QColor(214, 234, 248)  # pale blue: moved into the shortlist
LEFT_BG = QColor(250, 219, 216)  # pale red: dropped out of it


def when(iso: str) -> str:
    """An ISO time as 'YYYY-MM-DD HH:MM' (UTC)."""
    return iso[:16].replace("T", " ") if iso else ""


class ScenarioListModel(QAbstractTableModel):
    """Saved scenarios, newest first: name, last saved (UTC), revision, description."""

    HEADERS = ("Name", "Saved (UTC)", "Rev.", "Description")

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._items: list[Scenario] = []

    def set_scenarios(self, items: list[Scenario]) -> None:
        self.beginResetModel()
        self._items = list(items)
        self.endResetModel()

    def scenario(self, row: int) -> Scenario:
        return self._items[row]

    def names(self) -> list[str]:
        return [s.name for s in self._items]

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt API
        return 0 if parent.isValid() else len(self._items)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt API
        return 0 if parent.isValid() else len(self.HEADERS)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.DisplayRole) -> Any:
        if role == Qt.DisplayRole and orientation == Qt.Horizontal and 0 <= section < len(
                self.HEADERS):
            return self.HEADERS[section]
        return None

    def data(self, index: Index, role: int = Qt.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._items):
            return None
        sc = self._items[index.row()]
        col = index.column()
        if role == Qt.DisplayRole:
            if col == 0:  # the whole name is in the tooltip
                return short_name(sc.name) + ("  (built-in)" if sc.builtin else "")
            if col == 1:
                return when(sc.updated)
            if col == 2:
                return sc.revision
            if col == 3:
                return " ".join(sc.description.split())
        if role == Qt.ToolTipRole:
            return f"{sc.name}\n{sc.description}" if sc.description else sc.name
        if role == Qt.UserRole:
            return sc.name
        if role == Qt.TextAlignmentRole and col == 2:
            return int(Qt.AlignRight | Qt.AlignVCenter)
        return None


class CompareTableModel(QAbstractTableModel):
    """Every state in a comparison: ranks and scores in A and B and the rank change."""

    HEADERS = ("State", "Name", "Rank A", "Rank B", "Change", "Score A", "Score B", "Top N")
    CHANGE = 4

    def __init__(self, dataset: Dataset, parent: Any = None) -> None:
        super().__init__(parent)
        self._ds = dataset
        self._names = dict(dataset.names)
        self._cmp: Comparison | None = None

    def set_comparison(self, cmp: Comparison | None) -> None:
        self.beginResetModel()
        self._cmp = cmp
        self.endResetModel()

    @property
    def comparison(self) -> Comparison | None:
        return self._cmp

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt API
        if parent.isValid() or self._cmp is None:
            return 0
        return len(self._cmp.states)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt API
        return 0 if parent.isValid() else len(self.HEADERS)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.DisplayRole) -> Any:
        if role == Qt.DisplayRole and orientation == Qt.Horizontal and 0 <= section < len(
                self.HEADERS):
            if section == 7 and self._cmp is not None:
                return f"Top {self._cmp.top_n}"
            return self.HEADERS[section]
        return None

    def data(self, index: Index, role: int = Qt.DisplayRole) -> Any:
        cmp = self._cmp
        if cmp is None or not index.isValid() or not 0 <= index.row() < len(cmp.states):
            return None
        s = cmp.states[index.row()]
        col = index.column()
        if role == Qt.DisplayRole:
            if col == 0:
                return s.state
            if col == 1:
                return self._names.get(s.state, "")
            if col in (2, 3):
                rank = s.rank_a if col == 2 else s.rank_b
                why = s.excluded_a if col == 2 else s.excluded_b
                return str(rank) if rank is not None else ("not ranked" if why else "–")
            if col == self.CHANGE:
                return change_text(self._ds, s)
            if col in (5, 6):
                v = s.score_a if col == 5 else s.score_b
                return "" if v is None else f"{v:.1f}"
            if col == 7:  # the header says which N
                return {ENTERED: "entered", LEFT: "left"}.get(s.top_status, "")
        if role == Qt.BackgroundRole:
            if s.top_status == ENTERED:
                return QBrush(ENTERED_BG)
            if s.top_status == LEFT:
                return QBrush(LEFT_BG)
        if role == Qt.ToolTipRole:
            notes = [why_not_ranked(self._ds, s.exclusion_a, "A") if s.excluded_a else "",
                     why_not_ranked(self._ds, s.exclusion_b, "B") if s.excluded_b else "",
                     f"{s.top_status} the top {cmp.top_n}"
                     if s.top_status in (ENTERED, LEFT) else ""]
            text = "\n".join(n for n in notes if n)
            return text or None
        if role == Qt.TextAlignmentRole and col >= 2 and col <= 6 and (
                col != self.CHANGE or s.ranked_in == "both"):
            return int(Qt.AlignRight | Qt.AlignVCenter)
        if role == Qt.UserRole:
            return s.state
        return None
