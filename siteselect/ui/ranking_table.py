"""The ranking table: a ``QAbstractTableModel`` over the scoring result, with sort and filter.

Rows are the ranked states in rank order, then the states that are not ranked (gates,
exclusions, missing-data policy) greyed at the bottom with the reason; they never get a rank.
Columns: rank, state code, name, score, then each weighted criterion's raw figure (unit in the
header), then a note.  ``Qt.UserRole`` gives sortable raw numbers; the proxy keeps unranked
rows at the bottom whichever way a column is sorted.
"""

from __future__ import annotations

import math

from PySide6.QtCore import (
    QAbstractTableModel,
    QItemSelectionModel,
    QModelIndex,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
    Signal,
)
from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QSpinBox,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from siteselect.scoring import ScoringResult
from siteselect.ui.state import PlannerState
from siteselect.ui.text import raw_value_text, state_tooltip

FIXED_COLUMNS = ("Rank", "State", "Name", "Score")
TOP_BRUSH = QBrush(QColor(255, 244, 204))
GREY = QBrush(QColor(130, 130, 130))
StateRole = Qt.UserRole + 1
RankedRole = Qt.UserRole + 2


class RankingTableModel(QAbstractTableModel):
    """Ranked rows then unranked rows of the current result."""

    def __init__(self, state: PlannerState, parent=None) -> None:  # noqa: ANN001
        super().__init__(parent)
        self.state = state
        self.top_n = 10
        self._bold = QFont()
        self._bold.setBold(True)
        self._load(state.result)
        state.result_changed.connect(self.set_result)

    def _load(self, result: ScoringResult) -> None:
        self.result = result
        self.criteria = list(result.criteria)
        self.unranked = [e.alternative for e in result.excluded]
        self.reasons = {e.alternative: e.reason for e in result.excluded}
        self.codes = list(result.alternatives) + self.unranked
        self.missing = {}
        for a, c in result.missing:
            self.missing.setdefault(a, []).append(c)

    def set_result(self, result: ScoringResult) -> None:
        same_shape = (list(result.criteria) == self.criteria
                      and len(result.alternatives) + len(result.excluded) == len(self.codes))
        if same_shape:
            self._load(result)
            if self.codes:
                self.dataChanged.emit(self.index(0, 0),
                                      self.index(len(self.codes) - 1, self.columnCount() - 1))
        else:
            self.beginResetModel()
            self._load(result)
            self.endResetModel()

    def set_top_n(self, n: int) -> None:
        self.top_n = n
        if self.codes:
            self.dataChanged.emit(self.index(0, 0),
                                  self.index(len(self.codes) - 1, self.columnCount() - 1),
                                  [Qt.BackgroundRole, Qt.FontRole])

    # -- Qt model API -------------------------------------------------------------------------
    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self.codes)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(FIXED_COLUMNS) + len(self.criteria) + 1

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.DisplayRole):  # noqa: ANN201, N802
        if orientation != Qt.Horizontal:
            return None
        n = len(FIXED_COLUMNS)
        if role == Qt.DisplayRole:
            if section < n:
                return FIXED_COLUMNS[section]
            if section < n + len(self.criteria):
                crit = self.state.dataset.criterion(self.criteria[section - n])
                unit = "" if crit.encoding else f"\n({crit.unit})"
                return crit.label + unit
            if section == n + len(self.criteria):
                return "Note"
        if role == Qt.ToolTipRole and n <= section < n + len(self.criteria):
            crit = self.state.dataset.criterion(self.criteria[section - n])
            p = crit.provenance
            better = "lower is better" if crit.lower_is_better else "higher is better"
            return (f"{crit.label} ({crit.unit}; {better})\n{crit.description}"
                    + (f"\nSource: {p.source}, {p.year} ({p.status})" if p else ""))
        return None

    def _ranked(self, row: int) -> bool:
        return row < len(self.result.alternatives)

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.DisplayRole):  # noqa: ANN201
        if not index.isValid() or index.row() >= len(self.codes):
            return None
        row, col = index.row(), index.column()
        code = self.codes[row]
        ranked = self._ranked(row)
        n = len(FIXED_COLUMNS)
        ds = self.state.dataset
        if role == StateRole:
            return code
        if role == RankedRole:
            return ranked
        if role in (Qt.DisplayRole, Qt.UserRole):
            sort = role == Qt.UserRole
            if col == 0:
                if ranked:
                    rank = int(self.result.ranks[row])
                    return rank if sort else str(rank)
                return math.inf if sort else "\u2014"
            if col == 1:
                return code
            if col == 2:
                return ds.names[code]
            if col == 3:
                if ranked:
                    s = float(self.result.scores[row])
                    return s if sort else f"{s:.1f}"
                return -math.inf if sort else "not ranked"
            j = col - n
            if j < len(self.criteria):
                cid = self.criteria[j]
                if sort:
                    v = ds.value(code, cid)
                    for o in self.state.settings.overrides:
                        if o.state == code and o.criterion == cid:
                            v = o.value
                    return -math.inf if v is None else v
                return raw_value_text(ds, self.state.settings, code, cid, with_unit=False)
            if j == len(self.criteria):
                if not ranked:
                    return self.reasons.get(code, "")
                miss = self.missing.get(code)
                return ("missing: " + ", ".join(miss)) if miss else ""
            return None
        if role == Qt.ToolTipRole:
            return state_tooltip(ds, self.state.settings, self.result, code)
        if role == Qt.TextAlignmentRole:
            if col == 0 or col == 3 or n <= col < n + len(self.criteria):
                return int(Qt.AlignRight | Qt.AlignVCenter)
            return int(Qt.AlignLeft | Qt.AlignVCenter)
        if role == Qt.ForegroundRole and not ranked:
            return GREY
        if role == Qt.BackgroundRole and ranked and int(self.result.ranks[row]) <= self.top_n:
            return TOP_BRUSH
        if role == Qt.FontRole and ranked and int(self.result.ranks[row]) <= self.top_n \
                and col in (0, 1, 2, 3):
            return self._bold
        return None

    def flags(self, index: QModelIndex | QPersistentModelIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.NoItemFlags
        return Qt.ItemIsEnabled | Qt.ItemIsSelectable

    def row_of(self, code: str) -> int | None:
        try:
            return self.codes.index(code)
        except ValueError:
            return None


class RankingProxyModel(QSortFilterProxyModel):
    """Sorts by raw numbers, filters by code or name, keeps unranked rows at the bottom."""

    def __init__(self, parent=None) -> None:  # noqa: ANN001
        super().__init__(parent)
        self.setSortRole(Qt.UserRole)
        self.setFilterCaseSensitivity(Qt.CaseInsensitive)
        self._needle = ""

    def set_filter_text(self, text: str) -> None:
        if hasattr(self, "beginFilterChange"):  # Qt >= 6.10
            self.beginFilterChange()
            self._needle = text.strip().lower()
            self.endFilterChange(QSortFilterProxyModel.Direction.Rows)
        else:
            self._needle = text.strip().lower()
            self.invalidateFilter()

    def filterAcceptsRow(self, row: int, parent: QModelIndex | QPersistentModelIndex) -> bool:  # noqa: N802
        if not self._needle:
            return True
        m = self.sourceModel()
        code = (m.data(m.index(row, 1, parent)) or "").lower()
        name = (m.data(m.index(row, 2, parent)) or "").lower()
        return code.startswith(self._needle) or self._needle in name

    def lessThan(self, left: QModelIndex | QPersistentModelIndex,  # noqa: N802
                 right: QModelIndex | QPersistentModelIndex) -> bool:
        m = self.sourceModel()
        lr, rr = m.data(left, RankedRole), m.data(right, RankedRole)
        if lr != rr:
            # Unranked rows stay at the bottom in both sort orders.
            return bool(lr) if self.sortOrder() == Qt.AscendingOrder else bool(rr)
        a, b = m.data(left, Qt.UserRole), m.data(right, Qt.UserRole)
        if isinstance(a, str) or isinstance(b, str):
            return str(a) < str(b)
        if a == b:
            return left.row() < right.row()
        return a < b


class RankingTableWidget(QWidget):
    """Filter box, top-N choice and the table view, linked to the state's selection."""

    row_activated = Signal(str)

    def __init__(self, state: PlannerState, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.state = state
        self.model = RankingTableModel(state, self)
        self.proxy = RankingProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.view = QTableView()
        self.view.setModel(self.proxy)
        self.view.setSortingEnabled(True)
        self.view.sortByColumn(0, Qt.AscendingOrder)
        self.view.setSelectionBehavior(QAbstractItemView.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SingleSelection)
        self.view.setAlternatingRowColors(False)
        self.view.verticalHeader().setVisible(False)
        self.view.verticalHeader().setDefaultSectionSize(22)
        self.view.horizontalHeader().setSectionResizeMode(QHeaderView.Interactive)
        self.view.horizontalHeader().setDefaultAlignment(Qt.AlignLeft | Qt.AlignVCenter)
        self.view.setWordWrap(False)
        self.view.setToolTip("")

        self.filter_edit = QLineEdit()
        self.filter_edit.setPlaceholderText("Filter by state code or name\u2026")
        self.filter_edit.setClearButtonEnabled(True)
        self.filter_edit.setToolTip("Show only states whose code starts with, or name contains, "
                                    "this text.")
        self.filter_edit.textChanged.connect(self.proxy.set_filter_text)
        self.top_spin = QSpinBox()
        self.top_spin.setRange(0, 51)
        self.top_spin.setValue(self.model.top_n)
        self.top_spin.setPrefix("Highlight top ")
        self.top_spin.setToolTip("States ranked this high or better are highlighted.")
        self.top_spin.valueChanged.connect(self.model.set_top_n)
        self.count_label = QLabel()
        top = QHBoxLayout()
        top.setContentsMargins(0, 0, 0, 0)
        top.addWidget(self.filter_edit, 1)
        top.addWidget(self.top_spin)
        top.addWidget(self.count_label)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(4, 4, 4, 4)
        lay.addLayout(top)
        lay.addWidget(self.view)

        self._syncing = False
        self.view.selectionModel().selectionChanged.connect(self._view_selection_changed)
        self.model.modelReset.connect(self._after_reset)
        state.selection_changed.connect(self._show_selection)
        state.result_changed.connect(self._after_result)
        self._after_reset()

    def _after_reset(self) -> None:
        self.view.resizeColumnsToContents()
        hh = self.view.horizontalHeader()
        for c in range(4, self.model.columnCount()):
            hh.resizeSection(c, min(max(hh.sectionSize(c), 70), 150))
        self._show_selection(self.state.selected)

    def _after_result(self, _result: object) -> None:
        r = self.model.result
        n_out = len(r.excluded)
        self.count_label.setText(f"{len(r)} ranked" + (f", {n_out} not ranked" if n_out else ""))
        self._show_selection(self.state.selected)

    def _view_selection_changed(self, *_args) -> None:  # noqa: ANN002
        if self._syncing:
            return
        rows = self.view.selectionModel().selectedRows()
        if rows:
            self.state.select(self.proxy.data(rows[0], StateRole))

    def _show_selection(self, code: object) -> None:
        sm = self.view.selectionModel()
        self._syncing = True
        try:
            if code is None:
                sm.clearSelection()
                return
            src_row = self.model.row_of(str(code))
            if src_row is None:
                sm.clearSelection()
                return
            idx = self.proxy.mapFromSource(self.model.index(src_row, 0))
            if not idx.isValid():
                sm.clearSelection()
                return
            sm.select(idx, QItemSelectionModel.ClearAndSelect | QItemSelectionModel.Rows)
            sm.setCurrentIndex(idx, QItemSelectionModel.NoUpdate)
            self.view.scrollTo(idx)
        finally:
            self._syncing = False

    def proxy_row_of(self, code: str) -> int | None:
        src = self.model.row_of(code)
        if src is None:
            return None
        idx = self.proxy.mapFromSource(self.model.index(src, 0))
        return idx.row() if idx.isValid() else None
