"""About, Data Sources and error dialogs.

:func:`show_error` is the one way the window reports a failure: a
:class:`~siteselect.errors.SiteSelectError` shows its message as it is (its ``detail``, if
any, under "Show Details..."); anything else says that something unexpected happened and folds
the traceback away in the details.
"""

from __future__ import annotations

import traceback
from html import escape

from PySide6.QtCore import Qt
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
                  "URL", "Notes")


class DataSourcesDialog(QDialog):
    """Every criterion's source, URL, year, status and notes."""

    def __init__(self, ds: Dataset, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Data Sources")
        self.resize(1100, 560)
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
        for r, crit in enumerate(ds.criteria):
            p = crit.provenance
            cells = (
                crit.label, crit.id, crit.unit,
                "lower" if crit.lower_is_better else "higher",
                p.source if p else "", p.year if p else "", p.status if p else "",
                f"{ds.coverage(crit.id)}/{len(ds.states)}", p.url if p else "",
                "; ".join(x for x in ((p.notes if p else ""), crit.encoding_note) if x),
            )
            for c, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setToolTip(text if c != 0 else crit.description)
                item.setFlags(Qt.ItemIsEnabled | Qt.ItemIsSelectable)
                self.table.setItem(r, c, item)
        hh = self.table.horizontalHeader()
        self.table.resizeColumnsToContents()
        for c in (4, 8, 9):
            hh.resizeSection(c, 260)
        hh.setSectionResizeMode(9, QHeaderView.Stretch)
        self.table.resizeRowsToContents()
        buttons = QDialogButtonBox(QDialogButtonBox.Close)
        buttons.rejected.connect(self.reject)
        lay = QVBoxLayout(self)
        lay.addWidget(intro)
        lay.addWidget(self.table)
        lay.addWidget(buttons)


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
