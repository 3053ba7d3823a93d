"""The questions the scenario features ask the planner, each one small modal dialog.

Kept in one place so the controller reads as plain logic and tests can answer the dialogs by
patching the Qt static methods (``QMessageBox.question``, ``QInputDialog.getText``,
``QInputDialog.getMultiLineText``, ``QFileDialog.getSaveFileName``,
``QFileDialog.getOpenFileName``).
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QFileDialog, QInputDialog, QLineEdit, QMessageBox, QWidget

from siteselect.errors import InputError
from siteselect.model.scenario import clean_name

SAVE, DISCARD, CANCEL = "save", "discard", "cancel"
OVERWRITE, COPY = "overwrite", "copy"


def ask_unsaved(parent: QWidget | None, name: str) -> str:
    """Save / Discard / Cancel for unsaved changes to ``name``."""
    answer = QMessageBox.question(
        parent, "Unsaved changes",
        f"The scenario “{name}” has unsaved changes. Save them first?",
        QMessageBox.Save | QMessageBox.Discard | QMessageBox.Cancel, QMessageBox.Save)
    return {QMessageBox.Save: SAVE, QMessageBox.Discard: DISCARD}.get(answer, CANCEL)


def ask_conflict(parent: QWidget | None, message: str, *, gone: bool = False) -> str:
    """Overwrite (as a new revision) / Save as Copy / Cancel after another window saved.

    ``gone``: the scenario was renamed or deleted elsewhere (there is no "theirs" left under
    this name), so Yes saves yours under the name again as a new scenario.

    A plain Yes / No / Cancel question (``QMessageBox.question``, like every other question
    here) whose text says what each answer does.
    """
    if gone:
        text = (f"{message}\n\nSave your version under this name again?\n"
                "Yes: it is saved as a new scenario of this name (starting a new revision "
                "history; a renamed one keeps its own history under its new name).\n"
                "No: save yours under another name.\n"
                "Cancel: do not save now.")
    else:
        text = (f"{message}\n\nSave your version as its newest revision?\n"
                "Yes: yours becomes current; theirs stays in the revision history.\n"
                "No: save yours as a copy under a new name.\n"
                "Cancel: do not save now.")
    answer = QMessageBox.question(
        parent, "Saved elsewhere", text,
        QMessageBox.Yes | QMessageBox.No | QMessageBox.Cancel, QMessageBox.No)
    return {QMessageBox.Yes: OVERWRITE, QMessageBox.No: COPY}.get(answer, CANCEL)


def ask_name(parent: QWidget | None, title: str, label: str, text: str = "") -> str | None:
    """A valid scenario name (1-100 characters, one line), or None when cancelled.

    A name that breaks the rules is not thrown away: the question comes back with the
    typed text in the box and the reason above it, so the planner can shorten or fix it.
    """
    prompt = label
    while True:
        name, ok = QInputDialog.getText(parent, title, prompt, QLineEdit.Normal, text)
        if not ok:
            return None
        try:
            clean_name(name)
        except InputError as exc:
            text = name
            prompt = f"{exc.message}\n\n{label}"
            continue
        return name


def ask_text(parent: QWidget | None, title: str, label: str, text: str = "",
             check: Callable[[str], object] | None = None) -> str | None:
    """A few lines of text (e.g. a description), or None when cancelled.

    ``check`` raises :class:`InputError` for a text it refuses; the question then comes
    back with the typed text kept and the reason above it.
    """
    prompt = label
    while True:
        answer, ok = QInputDialog.getMultiLineText(parent, title, prompt, text)
        if not ok:
            return None
        if check is not None:
            try:
                check(answer)
            except InputError as exc:
                text = answer
                prompt = f"{exc.message}\n\n{label}"
                continue
        return answer


def confirm(parent: QWidget | None, title: str, text: str) -> bool:
    answer = QMessageBox.question(parent, title, text, QMessageBox.Yes | QMessageBox.No,
                                  QMessageBox.No)
    return answer == QMessageBox.Yes


def ask_new_database(parent: QWidget | None, suggestion: str) -> str | None:
    """A path for a new scenario database, or None when cancelled."""
    path, _filter = QFileDialog.getSaveFileName(
        parent, "New scenario database", suggestion, "SiteSelect database (*.db)")
    return path or None


SCENARIO_FILES = "SiteSelect scenario (*.json);;All files (*)"


def ask_import_file(parent: QWidget | None, folder: str) -> str | None:
    """A scenario file to import, or None when cancelled."""
    path, _filter = QFileDialog.getOpenFileName(parent, "Import Scenario", folder,
                                                SCENARIO_FILES)
    return path or None


def ask_export_file(parent: QWidget | None, suggestion: str) -> str | None:
    """Where to write a scenario file, or None when cancelled."""
    path, _filter = QFileDialog.getSaveFileName(parent, "Export Scenario", suggestion,
                                                SCENARIO_FILES)
    return path or None
