"""About, Data Sources and error dialogs.

:func:`show_error` is the one way the window reports a failure: a
:class:`~siteselect.errors.SiteSelectError` shows its message as it is (its ``detail``, if
any, under "Show Details..."); anything else says that something unexpected happened and folds
the traceback away in the details.
"""

from __future__ import annotations

import traceback
from html import escape

from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QDesktopServices, QGuiApplication, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QMessageBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from siteselect import __version__
from siteselect.errors import SiteSelectError
from siteselect.model.dataset import Dataset


def error_box(parent: QWidget | None, exc: BaseException) -> QMessageBox:
    """The error dialog for an exception, not yet shown."""
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Critical)
    box.setWindowTitle("SiteSelect")
    if isinstance(exc, SiteSelectError):
        box.setText(exc.message)
        if exc.detail:
            box.setDetailedText(exc.detail)
    else:
        box.setText("Something unexpected went wrong. Your saved work is not affected.")
        box.setInformativeText(f"{type(exc).__name__}: {exc}")
        box.setDetailedText("".join(traceback.format_exception(type(exc), exc,
                                                               exc.__traceback__)))
    box.setStandardButtons(QMessageBox.Ok)
    return box


def show_error(parent: QWidget | None, exc: BaseException) -> None:
    """Show an error dialog and wait until it is closed."""
    error_box(parent, exc).exec()


SOURCE_COLUMNS = ("Criterion", "Id", "Unit", "Better", "Source", "Year", "Status", "Coverage",
                  "Uncertainty", "URL", "Notes")
NOTES = SOURCE_COLUMNS.index("Notes")
UNCERTAINTY = SOURCE_COLUMNS.index("Uncertainty")
NOTES_MIN_WIDTH = 320


class DataSourcesDialog(QDialog):
    """Every criterion's source, URL, year, status and notes."""

    def __init__(self, ds: Dataset, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Data Sources")
        width = 1100 if parent is None else max(900, min(1500, int(0.92 * parent.width())))
        self.resize(width, 600)
        intro = QLabel(
            f"Dataset version <b>{escape(ds.version)}</b>, read from "
            f"<code>{escape(ds.source_path)}</code>. Figures are shown as published; a blank "
            "stays missing and is shown as missing.")
        intro.setWordWrap(True)
        self.table = QTableWidget(len(ds.criteria), len(SOURCE_COLUMNS))
        self.table.setHorizontalHeaderLabels(SOURCE_COLUMNS)
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QAbstractItemView.NoEditTriggers)
        self.table.setWordWrap(True)
        # Long URLs keep their host and their end in view; the whole text is in the tooltip,
        # a double click on a URL opens it and Ctrl+C copies the selected cells.
        self.table.setTextElideMode(Qt.ElideMiddle)
        self.table.cellDoubleClicked.connect(self._open_url)
        copy = QShortcut(QKeySequence.Copy, self.table, context=Qt.WidgetWithChildrenShortcut)
        copy.activated.connect(self.copy_selection)
        for r, crit in enumerate(ds.criteria):
            p = crit.provenance
            cells = (
                crit.label, crit.id, crit.unit,
                "lower" if crit.lower_is_better else "higher",
                p.source if p else "", p.year if p else "", p.status if p else "",
                f"{ds.coverage(crit.id)}/{len(ds.states)}",
                crit.uncertainty_text() or "exact", p.url if p else "",
                "; ".join(x for x in (
                    f"From your table \u201c{crit.table}\u201d" if crit.table else "",
                    (p.notes if p else ""), crit.encoding_note, crit.url_note) if x),
            )
            tips = {0: crit.description, UNCERTAINTY: crit.uncertainty_basis or (
                "No range is stated for these figures; sensitivity analysis takes them as "
                "exact.")}
            for c, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setToolTip(tips.get(c) or text)
                item.setFlags(Qt.ItemIsEnabled | Qt.ItemIsSelectable)
                self.table.setItem(r, c, item)
        hh = self.table.horizontalHeader()
        self.table.resizeColumnsToContents()
        # Source and URL are elided in the middle (whole in the tooltip), leaving the room
        # to the notes.
        caps = {"Criterion": 170, "Id": 130, "Source": 170, "URL": 160}
        for name, cap in caps.items():
            c = SOURCE_COLUMNS.index(name)
            hh.resizeSection(c, min(hh.sectionSize(c), cap))
        # The notes are the longest texts: their column takes what the others leave, but
        # never less than NOTES_MIN_WIDTH (a stretched last column shrank to ~20 px when the
        # other columns filled the dialog); the table scrolls sideways instead.
        hh.setStretchLastSection(False)
        hh.setSectionResizeMode(NOTES, QHeaderView.Interactive)
        self._fit_notes()
        buttons = QDialogButtonBox(QDialogButtonBox.Close)
        buttons.rejected.connect(self.reject)
        hint = QLabel("Double-click a URL to open it; Ctrl+C copies the selected cells.")
        hint.setStyleSheet("color: #555;")
        lay = QVBoxLayout(self)
        lay.addWidget(intro)
        lay.addWidget(hint)
        lay.addWidget(self.table)
        lay.addWidget(buttons)

    def _fit_notes(self) -> None:
        hh = self.table.horizontalHeader()
        others = sum(hh.sectionSize(c) for c in range(hh.count()) if c != NOTES)
        room = self.table.viewport().width() - others
        width = max(NOTES_MIN_WIDTH, room)
        if hh.sectionSize(NOTES) != width:
            hh.resizeSection(NOTES, width)
        self.table.resizeRowsToContents()

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self._fit_notes()

    def _open_url(self, row: int, col: int) -> None:
        _open_url_cell(self.table, row, col)

    def copy_selection(self) -> str:
        """Copy the selected cells as tab-separated text (rows in order); returns it."""
        cells = sorted((i.row(), i.column(), i.text()) for i in self.table.selectedItems())
        lines: dict[int, list[str]] = {}
        for r, _c, text in cells:
            lines.setdefault(r, []).append(text)
        out = "\n".join("\t".join(v) for _r, v in sorted(lines.items()))
        QGuiApplication.clipboard().setText(out)
        return out


def _open_url_cell(table: QTableWidget, row: int, col: int) -> None:
    text = table.item(row, col).text() if table.item(row, col) else ""
    if text.startswith(("http://", "https://")):
        QDesktopServices.openUrl(QUrl(text))


def about_text(ds: Dataset) -> str:
    return (
        f"<h3>SiteSelect {escape(__version__)}</h3>"
        "<p>Scores and ranks the 50 US states and DC as locations for gigawatt-scale AI data "
        "centers from sourced public figures, under weights, gates and methods you choose.</p>"
        f"<p>Dataset version {escape(ds.version)}: {len(ds.criteria)} criteria for "
        f"{len(ds.states)} states; see <i>Help &gt; Data Sources</i> for every source and "
        "year.</p>"
        "<p>State boundaries: US Census Bureau cartographic boundary file cb_2016_us_state_500k; "
        "map projection US Albers equal-area (EPSG:5070), Alaska and Hawaii as insets.</p>"
        "<p>Built with PySide6 (Qt), pyqtgraph, GeoPandas, NumPy and sqlite-utils.</p>"
    )


def show_about(ds: Dataset, parent: QWidget | None = None) -> None:
    QMessageBox.about(parent, "About SiteSelect", about_text(ds))


def show_status(window: QWidget, text: str, msecs: int = 8000) -> None:
    """A transient status-bar message, shortened in the middle to the room the bar has
    beside its permanent widgets (the whole text goes in the bar's tooltip)."""
    bar_of = getattr(window, "statusBar", None)
    if not callable(bar_of):
        return
    bar = bar_of()
    # The bar draws a message itself, beside the widgets it holds (the permanent ones).
    held = sum(w.width() for w in bar.findChildren(QWidget, options=Qt.FindDirectChildrenOnly)
               if w.isVisible())
    room = max(120, bar.width() - held - 24)
    shown = bar.fontMetrics().elidedText(text, Qt.ElideMiddle, room)
    bar.showMessage(shown, msecs)
    bar.setToolTip(text if shown != text else "")
