"""The ranking table: a ``QAbstractTableModel`` over the scoring result, with sort and filter.

Rows are the ranked states in rank order, then the states that are not ranked (gates,
exclusions, missing-data policy) greyed at the bottom with the reason; they never get a rank.
Columns: rank, state code, name, score (at county level: rank, FIPS, county, state, score),
then each weighted criterion's raw figure (unit in the header), then a note.  The model sorts
itself (:meth:`RankingTableModel.sort`), keeping unranked rows at the bottom whichever way a
column is sorted; the proxy only filters.
"""

from __future__ import annotations

import math
import textwrap

from PySide6.QtCore import (
    QAbstractTableModel,
    QItemSelectionModel,
    QModelIndex,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
    Signal,
)
from PySide6.QtGui import QBrush, QColor, QFont, QFontMetrics
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
from siteselect.ui.planner import Planner
from siteselect.ui.text import exclusion_text, raw_value_text, state_tooltip

FIXED_COLUMNS = ("Rank", "State", "Name", "Score")
#: At county level: the FIPS code, the county's name and its state.
COUNTY_COLUMNS = ("Rank", "FIPS", "County", "State", "Score")
#: Characters per line of a criterion's column header.
HEADER_WRAP = 14
TOP_BRUSH = QBrush(QColor(255, 244, 204))
GREY = QBrush(QColor(130, 130, 130))
StateRole = Qt.UserRole + 1
RankedRole = Qt.UserRole + 2
# Plain ints: comparing Qt enum members in Python is slow, and data() runs per cell and role.
_DISPLAY = int(Qt.DisplayRole.value)
_USER = int(Qt.UserRole.value)
_BACKGROUND = int(Qt.BackgroundRole.value)
_FONT = int(Qt.FontRole.value)
_FOREGROUND = int(Qt.ForegroundRole.value)
_ALIGN = int(Qt.TextAlignmentRole.value)
_TOOLTIP = int(Qt.ToolTipRole.value)
_STATE = _USER + 1
_RANKED = _USER + 2
_ROLES = frozenset({_DISPLAY, _USER, _BACKGROUND, _FONT, _FOREGROUND, _ALIGN, _TOOLTIP,
                    _STATE, _RANKED})
_RIGHT = Qt.AlignRight | Qt.AlignVCenter
_LEFT = Qt.AlignLeft | Qt.AlignVCenter
_FLAGS = Qt.ItemIsEnabled | Qt.ItemIsSelectable


def _runs(rows: list[int]) -> list[tuple[int, int]]:
    """Consecutive runs of sorted row numbers as (first, end) pairs."""
    runs: list[tuple[int, int]] = []
    for r in rows:
        if runs and runs[-1][1] == r:
            runs[-1] = (runs[-1][0], r + 1)
        else:
            runs.append((r, r + 1))
    return runs


class RankingTableModel(QAbstractTableModel):
    """Ranked rows then unranked rows of the current result."""

    def __init__(self, planner: Planner, parent=None) -> None:
        super().__init__(parent)
        self.planner = planner
        self.top_n = planner.top_n
        self._bold = QFont()
        self._bold.setBold(True)
        self._load(planner.result)
        planner.result_changed.connect(self.set_result)

    def _load(self, result: ScoringResult) -> None:
        self.result = result
        ds = self.planner.dataset
        self.county = ds.level == "county"
        self.fixed = COUNTY_COLUMNS if self.county else FIXED_COLUMNS
        self.n_fixed = len(self.fixed)
        self.score_col = self.n_fixed - 1
        self.criteria = list(result.criteria)
        self.unranked = [e.alternative for e in result.excluded]
        st = self.planner
        self.reasons = {e.alternative: exclusion_text(st.dataset, st.settings, result,
                                                      e.alternative) or e.reason
                        for e in result.excluded}
        # Rows in rank order, then the unranked ones ("natural" order); the table shows them
        # in the order of its sort column (see :meth:`sort`).
        n = len(result.alternatives)
        self._nat_codes = list(result.alternatives) + self.unranked
        self._nat_rank: list[int | None] = [int(r) for r in result.ranks] + [None] * len(
            self.unranked)
        self._nat_score: list[float | None] = [float(v) for v in result.scores] + [None] * len(
            self.unranked)
        self._code_set = set(self._nat_codes)
        self._n_ranked = n
        self._text: dict[tuple[int, int], str] = {}
        self.missing = {}
        for a, c in result.missing:
            self.missing.setdefault(a, []).append(c)
        # A state's figures do not change with the weights: their texts are kept across
        # results while the what-if overrides stay the same.
        overrides = st.settings.overrides
        if getattr(self, "_raw_for", None) != overrides:
            self._raw_for = overrides
            self._raw_text: dict[tuple[str, str], str] = {}
        self._arrange()

    #: The table's sort: (column, order); rank ascending is the ranking's own order.
    _sort: tuple[int, Qt.SortOrder] = (0, Qt.AscendingOrder)

    def _arrange(self) -> None:
        """Order the rows by the sort column: ranked rows first, in either direction."""
        col, order = self._sort
        nat = range(len(self._nat_codes))
        ranked = [i for i in nat if self._nat_rank[i] is not None]
        unranked = [i for i in nat if self._nat_rank[i] is None]
        if not (col == 0 and order == Qt.AscendingOrder):
            # Numbers compare as numbers, texts as texts; ties keep the ranking's order
            # (a stable sort).
            def key(i: int):
                return self._sort_value(i, col)

            reverse = order == Qt.DescendingOrder
            ranked.sort(key=key, reverse=reverse)
            unranked.sort(key=key, reverse=reverse)
        perm = ranked + unranked
        self.codes = [self._nat_codes[i] for i in perm]
        self._rank = [self._nat_rank[i] for i in perm]
        self._score = [self._nat_score[i] for i in perm]
        self._text = {}

    def _sort_value(self, i: int, col: int):
        code = self._nat_codes[i]
        if col == 0:
            r = self._nat_rank[i]
            return math.inf if r is None else r
        if col == self.score_col:
            v = self._nat_score[i]
            return -math.inf if v is None else v
        if col < self.n_fixed:
            return self._fixed_text(code, col)
        j = col - self.n_fixed
        if j < len(self.criteria):
            cid = self.criteria[j]
            v = self.planner.dataset.value(code, cid)
            for o in self.planner.settings.overrides:
                if o.state == code and o.criterion == cid:
                    v = o.value
            return -math.inf if v is None else v
        return self._note(code, self._nat_rank[i] is not None)

    def sort(self, column: int, order: Qt.SortOrder = Qt.AscendingOrder) -> None:
        """Sort the rows (Qt API): done here with Python's sort on plain values, once per
        click or result, instead of by a proxy comparing rows one pair at a time (too slow
        for thousands of counties on every slider step)."""
        if column < 0 or (column, order) == self._sort:
            return
        self.layoutAboutToBeChanged.emit()
        old = self.persistentIndexList()
        codes = [self.codes[i.row()] for i in old]
        self._sort = (column, order)
        self._arrange()
        where = {c: r for r, c in enumerate(self.codes)}
        self.changePersistentIndexList(old, [self.index(where[c], i.column())
                                             for c, i in zip(codes, old, strict=True)])
        self.layoutChanged.emit()

    def set_result(self, result: ScoringResult) -> None:
        same_shape = (list(result.criteria) == self.criteria
                      and self.county == (self.planner.dataset.level == "county")
                      and len(result.alternatives) + len(result.excluded) == len(self.codes)
                      and set(result.alternatives).union(e.alternative for e in result.excluded)
                      == self._code_set)
        if same_shape:
            before = self._row_keys()
            raw_before = self._raw_for
            self._load(result)
            if self.codes:
                self._emit_changed(before, raw_before is self._raw_for)
        else:
            self.beginResetModel()
            self._load(result)
            self.endResetModel()

    def _row_keys(self) -> list[tuple]:
        """What a row shows besides the state's figures: state, rank, score, note."""
        return [(code, rank, None if score is None else f"{score:.1f}",
                 tuple(self.missing.get(code, ())), self.reasons.get(code))
                for code, rank, score in zip(self.codes, self._rank, self._score, strict=True)]

    def _emit_changed(self, before: list[tuple], same_figures: bool) -> None:
        """Announce the rows whose content changed (one span), so a slider step repaints
        the rows that moved instead of the whole table."""
        last = self.columnCount() - 1
        if not same_figures or len(before) != len(self.codes):
            self.dataChanged.emit(self.index(0, 0), self.index(len(self.codes) - 1, last))
            return
        after = self._row_keys()
        whole: list[int] = []
        score: list[int] = []
        for row, (old, new) in enumerate(zip(before, after, strict=True)):
            if old[0] != new[0] or old[1] != new[1] or old[3:] != new[3:]:
                whole.append(row)  # another state, rank, note or reason: the whole row
            elif old[2] != new[2]:
                score.append(row)
        if whole:
            rows = whole + score
            self.dataChanged.emit(self.index(min(rows), 0), self.index(max(rows), last))
        elif score:
            self.dataChanged.emit(self.index(score[0], self.score_col),
                                  self.index(score[-1], self.score_col))

    def set_top_n(self, n: int) -> None:
        self.top_n = n
        if self.codes:
            self.dataChanged.emit(self.index(0, 0),
                                  self.index(len(self.codes) - 1, self.columnCount() - 1),
                                  [Qt.BackgroundRole, Qt.FontRole])

    # -- Qt model API -------------------------------------------------------------------------
    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.codes)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else self.n_fixed + len(self.criteria) + 1

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.DisplayRole):
        if orientation != Qt.Horizontal:
            return None
        n = self.n_fixed
        if role == Qt.DisplayRole:
            if section < n:
                return self.fixed[section]
            if section < n + len(self.criteria):
                crit = self.planner.dataset.criterion(self.criteria[section - n])
                unit = "" if crit.encoding else f"\n({crit.unit})"
                # Long names break over lines so the columns stay narrow and more of them
                # fit beside the map; the tooltip carries the whole description.
                return "\n".join(textwrap.wrap(crit.label, HEADER_WRAP,
                                                break_long_words=False)) + unit
            if section == n + len(self.criteria):
                return "Note"
        if role == Qt.ToolTipRole and n <= section < n + len(self.criteria):
            crit = self.planner.dataset.criterion(self.criteria[section - n])
            p = crit.provenance
            better = "lower is better" if crit.lower_is_better else "higher is better"
            return (f"{crit.label} ({crit.unit}; {better})\n{crit.description}"
                    + (f"\nSource: {p.source}, {p.year} ({p.status})" if p else "")
                    + ("\nA computed proxy, not a tariff." if p and "proxy" in p.status
                       else "")
                    + ("\nState figure: every county of a state has its state's figure."
                       if getattr(crit, "inherited", False) else ""))
        return None

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.DisplayRole):
        # The view asks for many roles per cell on every paint: answer the common ones from
        # per-result caches and leave everything else at once.
        role = role.value if hasattr(role, "value") else int(role)
        if role not in _ROLES:
            return None
        row, col = index.row(), index.column()
        if row < 0 or row >= len(self.codes) or col < 0:
            return None
        if role == _DISPLAY:
            key = (row, col)
            text = self._text.get(key)
            if text is None:
                text = self._text[key] = self._display(row, col)
            return text
        if role == _USER:
            return self.sort_key(row, col)[1]
        rank = self._rank[row]
        ranked = rank is not None
        if role == _BACKGROUND:
            return TOP_BRUSH if ranked and rank <= self.top_n else None
        if role == _FONT:
            return (self._bold if ranked and col <= self.score_col and rank <= self.top_n
                    else None)
        if role == _FOREGROUND:
            return None if ranked else GREY
        if role == _ALIGN:
            n = self.n_fixed
            return (_RIGHT if col == 0 or col == n - 1 or n <= col < n + len(self.criteria)
                    else _LEFT)
        if role == _STATE:
            return self.codes[row]
        if role == _RANKED:
            return ranked
        if role == _TOOLTIP:
            st = self.planner
            return state_tooltip(st.dataset, st.settings, self.result, self.codes[row])
        return None

    def _fixed_text(self, code: str, col: int) -> str:
        ds = self.planner.dataset
        if col == 1:
            return code
        if col == 2:
            return ds.alternatives.get(code).name if self.county else ds.names[code]
        if col == 3 and self.county:  # the county's state
            return ds.alternatives.get(code).parent
        return ""

    def _note(self, code: str, ranked: bool) -> str:
        if not ranked:
            return self.reasons.get(code, "")
        miss = self.missing.get(code)
        if not miss:
            return ""
        ds = self.planner.dataset
        return "missing: " + ", ".join(ds.criterion(c).label for c in miss)

    def _display(self, row: int, col: int) -> str:
        code = self.codes[row]
        rank = self._rank[row]
        ranked = rank is not None
        if col == 0:
            return str(rank) if ranked else "\u2014"
        if col == self.score_col:
            return f"{self._score[row]:.1f}" if ranked else "\u2014"
        if col < self.n_fixed:
            return self._fixed_text(code, col)
        j = col - self.n_fixed
        if j < len(self.criteria):
            key = (code, self.criteria[j])
            text = self._raw_text.get(key)
            if text is None:
                text = self._raw_text[key] = raw_value_text(
                    self.planner.dataset, self.planner.settings, code, self.criteria[j],
                    with_unit=False)
            return text
        if j == len(self.criteria):
            return self._note(code, ranked)
        return ""

    def sort_key(self, row: int, col: int) -> tuple[bool, object]:
        """(not ranked, value) used to sort a column; numbers sort as numbers."""
        i = self._nat_codes.index(self.codes[row])
        return (self._rank[row] is None, self._sort_value(i, col))

    def flags(self, index: QModelIndex | QPersistentModelIndex) -> Qt.ItemFlag:
        return _FLAGS if index.isValid() else Qt.NoItemFlags

    def row_of(self, code: str) -> int | None:
        try:
            return self.codes.index(code)
        except ValueError:
            return None

    @property
    def state_names(self) -> dict[str, str]:
        """Postal code -> state name (for filtering counties by their state)."""
        names = getattr(self, "_state_names", None)
        if names is None:
            from siteselect.model.dataset import load_dataset

            names = self._state_names = dict(load_dataset().names)
        return names


class RankingProxyModel(QSortFilterProxyModel):
    """Filters by code or name; sorting is passed on to the source model, which keeps
    unranked rows at the bottom."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setSortRole(Qt.UserRole)
        self.setFilterCaseSensitivity(Qt.CaseInsensitive)
        # Rows are filtered again only when the text changes or the rows do (see
        # :meth:`refilter`): re-checking thousands of rows on every slider step cost more
        # than the rest of the step.
        self.setDynamicSortFilter(False)
        self._needle = ""

    def refilter(self) -> None:
        """Filter again after the rows changed (another place on a row, a new result)."""
        if self._needle:
            self.set_filter_text(self._needle)

    def set_filter_text(self, text: str) -> None:
        if hasattr(self, "beginFilterChange"):  # Qt >= 6.10
            self.beginFilterChange()
            self._needle = text.strip().lower()
            self.endFilterChange(QSortFilterProxyModel.Direction.Rows)
        else:
            self._needle = text.strip().lower()
            self.invalidateFilter()

    def filterAcceptsRow(self, row: int, parent: QModelIndex | QPersistentModelIndex) -> bool:
        if not self._needle:
            return True
        m = self.sourceModel()
        code = (m.data(m.index(row, 1, parent)) or "").lower()
        name = (m.data(m.index(row, 2, parent)) or "").lower()
        if code.startswith(self._needle) or self._needle in name:
            return True
        if getattr(m, "county", False):  # a county also matches by its state's code or name
            state = (m.data(m.index(row, 3, parent)) or "")
            return (state.lower() == self._needle
                    or self._needle in m.state_names.get(state, "").lower())
        return False

    def sort(self, column: int, order: Qt.SortOrder = Qt.AscendingOrder) -> None:
        """The source model sorts (see :meth:`RankingTableModel.sort`); this proxy filters."""
        source = self.sourceModel()
        if source is not None:
            source.sort(column, order)


class RankingTableWidget(QWidget):
    """Filter box, top-N choice and the table view, linked to the state's selection."""

    row_activated = Signal(str)

    def __init__(self, planner: Planner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.planner = planner
        self.model = RankingTableModel(planner, self)
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
        self.view.horizontalHeader().setResizeContentsPrecision(20)
        self.view.horizontalHeader().setDefaultAlignment(Qt.AlignLeft | Qt.AlignVCenter)
        self.view.setWordWrap(False)
        self.view.setToolTip("")

        self.filter_edit = QLineEdit()
        self.filter_edit.setPlaceholderText("Filter by state code or name\u2026")
        self.filter_edit.setClearButtonEnabled(True)
        self.filter_edit.setToolTip("Show only states whose code starts with, or name contains, "
                                    "this text.")
        self.filter_edit.textChanged.connect(self.proxy.set_filter_text)
        self.filter_edit.returnPressed.connect(self.select_first_match)
        self.top_spin = QSpinBox()
        self.top_spin.setRange(0, len(planner.dataset.states))
        self.top_spin.setValue(planner.top_n)
        self.top_spin.setPrefix("Highlight top ")
        self.top_spin.setToolTip("States ranked this high or better are highlighted.")
        # The choice lives in the planner: the table, the map and the legend follow it.
        self.top_spin.valueChanged.connect(planner.set_top_n)
        planner.top_n_changed.connect(self._show_top_n)
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
        planner.dataset_changed.connect(self._show_level)
        self._show_level(planner.dataset)
        planner.selection_changed.connect(self._show_selection)
        planner.result_changed.connect(self._after_result)
        self._after_reset()
        self._after_result(planner.result)

    def _show_level(self, ds) -> None:
        """Texts and limits for the places shown (states or counties)."""
        word, plural = ds.alternatives.word, ds.alternatives.plural
        if ds.level == "county":
            self.filter_edit.setPlaceholderText("Filter by FIPS, county or state\u2026")
            self.filter_edit.setToolTip("Show only counties whose FIPS code starts with, or "
                                        "whose name or state's name contains, this text.")
        else:
            self.filter_edit.setPlaceholderText("Filter by state code or name\u2026")
            self.filter_edit.setToolTip("Show only states whose code starts with, or name "
                                        "contains, this text.")
        self.top_spin.blockSignals(True)
        self.top_spin.setRange(0, len(ds.states))
        self.top_spin.setValue(self.planner.top_n)
        self.top_spin.blockSignals(False)
        self.top_spin.setToolTip(f"{plural.capitalize()} ranked this high or better are "
                                 f"highlighted.")
        del word

    def _after_reset(self) -> None:
        hh = self.view.horizontalHeader()
        # Measuring thousands of rows' text takes tens of milliseconds: the widths of a set
        # of columns seen before (switching back and forth between levels) are reused.
        key = (self.planner.dataset.level, self.planner.dataset.scope,
               self.model.columnCount(), tuple(self.model.criteria))
        widths = self.__dict__.setdefault("_widths", {})
        if key in widths:
            for c, w in enumerate(widths[key]):
                hh.resizeSection(c, w)
            self._show_selection(self.planner.selected)
            return
        self.view.resizeColumnsToContents()
        bold = QFont(hh.font())
        bold.setBold(True)
        fm = QFontMetrics(bold)
        n_crit = len(self.model.criteria)
        n = self.model.n_fixed
        for c in range(n, n + n_crit):
            # Qt sizes a multi-line header as if its lines were one: measure the widest line.
            text = str(self.model.headerData(c, Qt.Horizontal) or "")
            header = max((fm.horizontalAdvance(line) for line in text.split("\n")), default=0)
            width = max(header + 26, self.view.sizeHintForColumn(c) + 8, 64)
            hh.resizeSection(c, min(width, 150))
        note = n + n_crit
        if note < self.model.columnCount():
            hh.resizeSection(note, min(max(hh.sectionSize(note), 64), 260))
        widths[key] = [hh.sectionSize(c) for c in range(self.model.columnCount())]
        self._show_selection(self.planner.selected)

    def _after_result(self, _result: object) -> None:
        self.proxy.refilter()
        r = self.model.result
        n_out = len(r.excluded)
        self.count_label.setText(f"{len(r)} ranked" + (f", {n_out} not ranked" if n_out else ""))
        self._show_selection(self.planner.selected)

    def _view_selection_changed(self, *_args) -> None:
        if self._syncing:
            return
        rows = self.view.selectionModel().selectedRows()
        if rows:
            self.planner.select(self.proxy.data(rows[0], StateRole))

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

    def _show_top_n(self, n: int) -> None:
        self.model.set_top_n(n)
        if self.top_spin.value() != n:
            self.top_spin.blockSignals(True)
            self.top_spin.setValue(n)
            self.top_spin.blockSignals(False)

    def select_first_match(self) -> None:
        """Enter in the filter box: select the place whose code or name is exactly what was
        typed ("Harris" is Harris County, not Harrison County), else the first one shown (the
        best-ranked match in the current sort order), and give the table the keys, so arrows
        move on from it."""
        n = self.proxy.rowCount()
        if n == 0:
            return
        typed = self.filter_edit.text().strip().casefold()
        chosen = self.proxy.data(self.proxy.index(0, 0), StateRole)
        for r in range(n):
            code = self.proxy.data(self.proxy.index(r, 0), StateRole)
            name = str(self.proxy.data(self.proxy.index(r, 2)) or "").casefold()
            if typed and (code.casefold() == typed or name == typed
                          or name.removesuffix(" county") == typed):
                chosen = code
                break
        self.planner.select(chosen)
        self.view.setFocus(Qt.ShortcutFocusReason)

    def proxy_row_of(self, code: str) -> int | None:
        src = self.model.row_of(code)
        if src is None:
            return None
        idx = self.proxy.mapFromSource(self.model.index(src, 0))
        return idx.row() if idx.isValid() else None
