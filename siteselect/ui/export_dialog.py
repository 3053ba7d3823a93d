"""File > Export...: the window's front end to :mod:`siteselect.exports`.

The dialog composes an :class:`~siteselect.exports.ExportRequest` from exactly what the window
shows (the planner's dataset, settings and result, and the open scenario's name and
description), previews what the chosen format will write, and runs the export on
``QThreadPool`` with a progress bar and a Cancel button.  The work itself is the plain export
function with ``progress`` / ``is_cancelled`` callbacks; results come back through queued
signals.  Failures are shown with :func:`siteselect.ui.dialogs.error_box` (details folded away).
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import re
from pathlib import Path
from typing import Any

from PySide6.QtCore import QStandardPaths, Qt, QThreadPool, QTimer, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from siteselect.errors import SiteSelectError
from siteselect.exports import (
    FORMATS,
    IMAGE_FORMATS,
    PAPER_SIZES,
    ExportCancelled,
    export,
    make_request,
)
from siteselect.exports.images import DEFAULT_SIZE, MAX_SIDE, MIN_SIZE
from siteselect.exports.preview import preview
from siteselect.ui.jobs import Job

log = logging.getLogger(__name__)

#: Environment variable naming the folder the dialog proposes (tests point it at tmp_path).
EXPORT_DIR_ENV = "SITESELECT_EXPORT_DIR"


# -- helpers --------------------------------------------------------------------------------
#: Key in the window's settings file under which the folder of the last export is kept.
LAST_FOLDER_KEY = "export/last_folder"


def _settings() -> Any:
    from siteselect.ui.main_window import app_settings

    return app_settings()


def remember_folder(folder: Path) -> None:
    """Keep ``folder`` as the one to propose next time (in the window's settings file)."""
    settings = _settings()
    settings.setValue(LAST_FOLDER_KEY, str(folder))
    settings.sync()


def default_folder() -> Path:
    """A folder that exists to propose for the export.

    In order: ``$SITESELECT_EXPORT_DIR``; the folder of the last export, if it still exists;
    the user's Documents folder, if it exists; the home folder.
    """
    env = os.environ.get(EXPORT_DIR_ENV)
    if env:
        return Path(env)
    last = _settings().value(LAST_FOLDER_KEY, "")
    if last and Path(str(last)).is_dir():
        return Path(str(last))
    docs = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    if docs and Path(docs).is_dir():
        return Path(docs)
    return Path.home()


def file_stem(name: str) -> str:
    """A file-name-safe stem from a scenario name."""
    stem = re.sub(r"[^\w\-]+", "-", name, flags=re.UNICODE).strip("-_")
    return (stem or "siteselect")[:60]


def current_scenario(window: Any) -> tuple[str, str]:
    """(name, description) of what the window shows.

    The name is the open scenario's, exactly as in the title bar; when the window's settings
    differ from the saved scenario the description says so, so that the record never passes
    off unsaved weights as the saved scenario.
    """
    from siteselect.ui.planner import UNTITLED

    planner = window.planner
    controller = getattr(window, "scenario_controller", None)
    sc = getattr(controller, "current", None)
    if sc is not None:
        name, description = sc.name, sc.description
    else:
        doc = getattr(planner, "document_name", "")
        name, description = ("" if doc in ("", UNTITLED) else doc), ""
    if name and getattr(planner, "modified", False):
        note = "Exported with unsaved changes to this scenario."
        description = f"{description} ({note})" if description else note
    return name, description


# -- the dialog -----------------------------------------------------------------------------
class ExportDialog(QDialog):
    """Format, top N, paper size, image size, output path, preview; runs the export.

    Signals
    -------
    export_finished(object): the path written.
    export_failed(object): the exception.
    export_cancelled(): the export was cancelled; nothing was written.
    preview_updated(str): the preview text shown.
    """

    export_finished = Signal(object)
    export_failed = Signal(object)
    export_cancelled = Signal()
    preview_updated = Signal(str)

    def __init__(self, window: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent if parent is not None else window)
        self.window_ = window
        self.planner = window.planner
        self.setWindowTitle("Export Shortlist")
        self.resize(720, 560)
        self._job: Job | None = None
        self._preview_job: Job | None = None
        self._preview_generation = 0
        self._running_path: Path | None = None
        self.error_box: QMessageBox | None = None

        self.format_box = QComboBox()
        for key, (_, _, ext, desc) in FORMATS.items():
            self.format_box.addItem(f"{desc} ({ext})", key)
        self.top_spin = QSpinBox()
        self.top_spin.setRange(0, len(self.planner.dataset.states))
        self.top_spin.setSpecialValueText("All ranked states")
        self.top_spin.setValue(10)
        self.top_spin.setSuffix(" states")
        self.paper_box = QComboBox()
        for p in PAPER_SIZES:
            self.paper_box.addItem("US Letter" if p == "letter" else "A4", p)
        self.width_spin = QSpinBox()
        self.height_spin = QSpinBox()
        for spin, low, value in ((self.width_spin, MIN_SIZE[0], DEFAULT_SIZE[0]),
                                 (self.height_spin, MIN_SIZE[1], DEFAULT_SIZE[1])):
            spin.setRange(low, MAX_SIDE)
            spin.setValue(value)
            spin.setSingleStep(50)
            spin.setSuffix(" px")
        size_row = QHBoxLayout()
        size_row.addWidget(self.width_spin)
        size_row.addWidget(QLabel("x"))
        size_row.addWidget(self.height_spin)
        size_row.addStretch(1)
        self.path_edit = QLineEdit()
        self.browse_button = QPushButton("Browse...")
        path_row = QHBoxLayout()
        path_row.addWidget(self.path_edit, 1)
        path_row.addWidget(self.browse_button)
        self.scenario_label = QLabel()
        self.scenario_label.setWordWrap(True)

        form = QFormLayout()
        form.addRow("Scenario:", self.scenario_label)
        form.addRow("Format:", self.format_box)
        form.addRow("List the top:", self.top_spin)
        form.addRow("Paper size:", self.paper_box)
        form.addRow("Image size:", size_row)
        form.addRow("Save to:", path_row)

        self.preview_edit = QPlainTextEdit()
        self.preview_edit.setReadOnly(True)
        mono = QFont("DejaVu Sans Mono")
        mono.setStyleHint(QFont.StyleHint.Monospace)
        self.preview_edit.setFont(mono)
        self.preview_edit.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.progress_bar = QProgressBar()
        self.progress_bar.setRange(0, 100)
        self.progress_bar.setValue(0)
        self.status = QLabel("")
        self.status.setWordWrap(True)
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        self.buttons = QDialogButtonBox()
        self.export_button = self.buttons.addButton("Export",
                                                    QDialogButtonBox.ButtonRole.AcceptRole)
        self.cancel_button = self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.close_button = self.buttons.addButton(QDialogButtonBox.StandardButton.Close)
        self.cancel_button.setEnabled(False)

        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(QLabel("What will be written:"))
        layout.addWidget(self.preview_edit, 1)
        layout.addWidget(self.progress_bar)
        layout.addWidget(self.status)
        layout.addWidget(self.buttons)

        self._preview_timer = QTimer(self)
        self._preview_timer.setSingleShot(True)
        self._preview_timer.setInterval(120)
        self._preview_timer.timeout.connect(self.refresh_preview)

        self.format_box.currentIndexChanged.connect(self._format_changed)
        self.top_spin.valueChanged.connect(self._schedule_preview)
        self.paper_box.currentIndexChanged.connect(self._schedule_preview)
        self.width_spin.valueChanged.connect(self._schedule_preview)
        self.height_spin.valueChanged.connect(self._schedule_preview)
        self.browse_button.clicked.connect(self.browse)
        self.export_button.clicked.connect(self.start_export)
        self.cancel_button.clicked.connect(self.cancel_export)
        self.close_button.clicked.connect(self.reject)
        self.planner.result_changed.connect(self._schedule_preview)
        # Export is offered only when there is something to write, and somewhere to write it.
        self.planner.result_changed.connect(self._update_export_button)
        if hasattr(self.planner, "scoring_failed"):
            self.planner.scoring_failed.connect(self._update_export_button)
        self.path_edit.textChanged.connect(self._update_export_button)
        # A new choice makes the last export's "Wrote ..." and 100 % a thing of the past.
        for signal in (self.format_box.currentIndexChanged, self.top_spin.valueChanged,
                       self.paper_box.currentIndexChanged, self.width_spin.valueChanged,
                       self.height_spin.valueChanged, self.path_edit.textEdited):
            signal.connect(self.reset_status)

        name, _ = current_scenario(window)
        self.path_edit.setText(str(default_folder() / (file_stem(name or "siteselect-shortlist")
                                                       + FORMATS[self.fmt][2])))
        self._format_changed()
        self._update_export_button()

    def nothing_to_export(self) -> str | None:
        """Why Export cannot run now (in words), or None when it can."""
        if self._job is not None:
            return "An export is running."
        if getattr(self.planner, "error", None):
            return ("The current settings cannot be scored, so there is nothing to export: "
                    f"{self.planner.error}")
        if len(self.planner.result) == 0:
            return "No state is ranked, so there is nothing to export."
        if not self.path_edit.text().strip():
            return "Choose a file to write."
        return None

    def _update_export_button(self, *_args: Any) -> None:
        why = self.nothing_to_export()
        self.export_button.setEnabled(why is None)
        self.export_button.setToolTip(why or "Write the file")

    # -- choices -----------------------------------------------------------------------
    @property
    def fmt(self) -> str:
        return str(self.format_box.currentData())

    @property
    def top_n(self) -> int | None:
        return self.top_spin.value() or None

    @property
    def paper(self) -> str:
        return str(self.paper_box.currentData())

    @property
    def image_size(self) -> tuple[int, int] | None:
        """Width and height in pixels for png/svg; None for the other formats."""
        if self.fmt not in IMAGE_FORMATS:
            return None
        return self.width_spin.value(), self.height_spin.value()

    def set_format(self, fmt: str) -> None:
        self.format_box.setCurrentIndex(self.format_box.findData(fmt))

    def build_request(self) -> Any:
        """The export job for what the window shows right now.

        Raises
        ------
        SiteSelectError
            When the window's current settings cannot be scored.
        """
        if getattr(self.planner, "error", None):
            raise SiteSelectError(
                f"The current settings cannot be scored, so there is nothing to export: "
                f"{self.planner.error}"
            )
        name, description = current_scenario(self.window_)
        run = getattr(self.planner, "sensitivity", None)
        sensitivity = None
        if run is not None and not self.planner.sensitivity_stale:
            from siteselect.model.sensitivity_summary import summarise

            sensitivity = summarise(run.mc, run.stability, run.settings,
                                    self.planner.dataset.version, run.result.method,
                                    run.result.normalization)
        return make_request(
            self.planner.dataset, self.planner.settings, self.planner.result,
            scenario_name=name, description=description, top_n=self.top_n, paper=self.paper,
            exported_at=dt.datetime.now(dt.UTC), sensitivity=sensitivity,
        )

    def _format_changed(self, *_args: Any) -> None:
        fmt = self.fmt
        self.paper_box.setEnabled(fmt == "pdf")
        for spin in (self.width_spin, self.height_spin):
            spin.setEnabled(fmt in IMAGE_FORMATS)
        text = self.path_edit.text().strip()
        if text:
            p = Path(text)
            self.path_edit.setText(str(p.with_suffix(FORMATS[fmt][2])))
        self._schedule_preview()

    def browse(self) -> None:
        ext = FORMATS[self.fmt][2]
        path, _ = QFileDialog.getSaveFileName(
            self, "Export to", self.path_edit.text(), f"{FORMATS[self.fmt][3]} (*{ext})")
        if path:
            if not path.lower().endswith(ext):
                path += ext
            self.path_edit.setText(path)

    # -- preview -----------------------------------------------------------------------
    def _schedule_preview(self, *_args: Any) -> None:
        name, _ = current_scenario(self.window_)
        self.scenario_label.setText(name or "Unsaved weighting (no scenario name)")
        # a preview still being computed for the old choices must not be shown any more
        self._preview_generation += 1
        if self._preview_job is not None:
            self._preview_job.cancel()
            self._preview_job = None
        self._preview_timer.start()

    def refresh_preview(self) -> None:
        """Compute the preview on the thread pool; a newer request supersedes an older one."""
        if self._preview_job is not None:
            self._preview_job.cancel()
        try:
            req = self.build_request()
        except SiteSelectError as exc:
            self._show_preview(exc.message)
            return
        self._preview_generation += 1
        generation = self._preview_generation
        fmt, size = self.fmt, self.image_size
        job = Job(lambda progress, is_cancelled: preview(req, fmt, None, is_cancelled,
                                                         size=size),
                  parent=self, cancelled=(ExportCancelled,))
        queued = Qt.ConnectionType.QueuedConnection
        job.signals.succeeded.connect(
            lambda text, g=generation: self._preview_done(g, text), queued)
        job.signals.failed.connect(
            lambda exc, g=generation: self._preview_done(g, f"No preview: {exc}"), queued)
        self._preview_job = job
        self.preview_edit.setPlainText("Preparing the preview...")
        job.start()

    def _preview_done(self, generation: int, text: str) -> None:
        if generation == self._preview_generation:
            self._preview_job = None
            self._show_preview(text)

    def _show_preview(self, text: str) -> None:
        # table rows read best unwrapped; prose wraps to the width
        mode = (QPlainTextEdit.LineWrapMode.NoWrap if self.fmt in ("csv", "xlsx")
                else QPlainTextEdit.LineWrapMode.WidgetWidth)
        self.preview_edit.setLineWrapMode(mode)
        self.preview_edit.setPlainText(text)
        self.preview_updated.emit(text)

    # -- export ------------------------------------------------------------------------
    def _confirm_overwrite(self, path: Path) -> bool:
        answer = QMessageBox.question(
            self, "Replace file?", f"{path} already exists. Replace it?",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No)
        return answer == QMessageBox.StandardButton.Yes

    def start_export(self) -> None:
        """Run the export on the thread pool (returns at once)."""
        if self._job is not None:
            return
        text = self.path_edit.text().strip()
        if not text:
            self.status.setText("Choose a file to write.")
            return
        path = Path(text).expanduser()
        # whether there is anything to export comes before asking to replace a file
        try:
            req = self.build_request()
        except SiteSelectError as exc:
            self._report_failure(exc)
            return
        if path.exists() and not path.is_dir() and not self._confirm_overwrite(path):
            return
        fmt = self.fmt
        extra = {"size": self.image_size} if fmt in IMAGE_FORMATS else {}
        job = Job(lambda progress, is_cancelled: export(req, fmt, path, progress,
                                                        is_cancelled, **extra),
                  parent=self, cancelled=(ExportCancelled,))
        queued = Qt.ConnectionType.QueuedConnection
        job.signals.progressed.connect(self._progressed, queued)
        job.signals.succeeded.connect(self._succeeded, queued)
        job.signals.failed.connect(self._failed, queued)
        job.signals.cancelled.connect(self._cancelled, queued)
        self._job = job
        self._running_path = path
        self._set_running(True)
        self.progress_bar.setValue(0)
        self.status.setText(f"Exporting to {path} ...")
        job.start()

    def cancel_export(self) -> None:
        if self._job is not None:
            self._job.cancel()
            self.status.setText("Cancelling...")

    def _set_running(self, running: bool) -> None:
        for w in (self.export_button, self.close_button, self.format_box, self.top_spin,
                  self.paper_box, self.path_edit, self.browse_button, self.width_spin,
                  self.height_spin):
            w.setEnabled(not running)
        if not running:
            self._update_export_button()
            self.paper_box.setEnabled(self.fmt == "pdf")
            self.width_spin.setEnabled(self.fmt in IMAGE_FORMATS)
            self.height_spin.setEnabled(self.fmt in IMAGE_FORMATS)
        self.cancel_button.setEnabled(running)

    def _progressed(self, fraction: float, message: str) -> None:
        self.progress_bar.setValue(int(round(fraction * 100)))
        if message and self._job is not None and not self._job.is_cancelled:
            self.status.setText(message)

    def _finish(self) -> None:
        self._job = None
        self._set_running(False)

    def _succeeded(self, path: Any) -> None:
        self._finish()
        self.progress_bar.setValue(100)
        self.status.setText(f"Wrote {path}")
        try:
            remember_folder(Path(path).parent)
        except OSError:  # the settings file cannot be written: only the proposal is lost
            log.debug("could not remember the export folder", exc_info=True)
        from siteselect.ui.dialogs import show_status

        show_status(self.window_, f"Exported {path}")
        self.export_finished.emit(path)

    def _failed(self, exc: BaseException) -> None:
        self._finish()
        self.progress_bar.setValue(0)
        self._report_failure(exc)

    def _report_failure(self, exc: BaseException) -> None:
        from siteselect.ui.dialogs import error_box

        self.status.setText(f"Export failed: {exc}")
        self.export_failed.emit(exc)
        box = error_box(self, exc)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.finished.connect(self._error_box_closed)
        self.error_box = box
        box.open()

    def _error_box_closed(self, *_args: Any) -> None:
        self.error_box = None

    def _cancelled(self) -> None:
        self._finish()
        self.progress_bar.setValue(0)
        self.status.setText("Cancelled; nothing was written.")
        self.export_cancelled.emit()

    def reset_status(self) -> None:
        """Clear the progress and message of an earlier export (not of one still running)."""
        if self._job is None:
            self.progress_bar.setValue(0)
            self.status.setText("")

    def reject(self) -> None:
        if self._job is not None:  # closing while running cancels, never leaves half a file
            self.cancel_export()
            return
        super().reject()

    def wait_for_jobs(self, msecs: int = 30000) -> bool:
        """Block until the pool's jobs finish (used when the window closes)."""
        return QThreadPool.globalInstance().waitForDone(msecs)


# -- installation into the main window ------------------------------------------------------
def open_export_dialog(window: Any) -> ExportDialog:
    dlg = getattr(window, "export_dialog", None)
    if dlg is None or not isinstance(dlg, ExportDialog):
        dlg = ExportDialog(window)
        window.export_dialog = dlg
    dlg.reset_status()
    dlg._schedule_preview()
    dlg.show()
    dlg.raise_()
    dlg.activateWindow()
    return dlg
