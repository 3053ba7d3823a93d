"""The planner: the one object behind the window, which every widget reads and changes.

:class:`Planner` holds everything the window shows: the dataset, the current
:class:`~siteselect.model.settings.ScoringSettings`, the :class:`~siteselect.scoring.ScoringResult`
computed from them, the selected state, the "colour by" choice and the document name.  Widgets
change it only through its setters (settings edits go through :attr:`Planner.undo_stack`,
see :mod:`siteselect.ui.commands`) and redraw from its past-tense signals.

Extension points for features added later (saved scenarios, exports):

* :meth:`Planner.set_settings` replaces the settings as a whole as one undo step;
  :meth:`Planner.load_document` replaces them without undo history, names the document and
  marks it clean (opening a saved scenario);
* :attr:`Planner.modified` / :attr:`modified_changed` follow the undo stack's clean state;
  :meth:`Planner.mark_saved` sets the clean point (after saving a scenario);
* :attr:`Planner.document_name` is shown in the title bar as ``NAME* — SiteSelect``;
* :meth:`Planner.set_sensitivity` holds the last sensitivity run (:class:`SensitivityRun`)
  for the panel, the map's "Chance of top K" and "Rank range" colourings and the weight
  sliders' stability bands; :attr:`Planner.sensitivity_stale` says whether the settings
  changed since, and :attr:`sensitivity_stale_changed` fires when that flips.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QUndoStack

from siteselect.analysis import rank_states
from siteselect.errors import SiteSelectError
from siteselect.model.dataset import Dataset
from siteselect.model.settings import ScoringSettings
from siteselect.scoring import ScoringResult
from siteselect.scoring.sensitivity import MonteCarloResult, StabilityInterval

log = logging.getLogger(__name__)

#: The "colour by" value that colours the map by the overall score.
SCORE = "score"
#: The "colour by" values of a sensitivity run: each state's chance of the top K, and the
#: width of its 90 % rank range.  (A colon never occurs in a criterion id.)
P_TOP_K = "sensitivity:p_top_k"
RANK_RANGE = "sensitivity:rank_range"
SENSITIVITY_KEYS = (P_TOP_K, RANK_RANGE)
UNTITLED = "Untitled"
#: States highlighted as the shortlist until the planner picks another number.
DEFAULT_TOP_N = 10


@dataclass(frozen=True)
class SensitivityRun:
    """One finished sensitivity run and the settings and result it was computed for."""

    settings: ScoringSettings
    result: ScoringResult
    mc: MonteCarloResult
    stability: list[StabilityInterval]

    def position(self, state: str) -> int | None:
        """Index of ``state`` in :attr:`mc` (base ranking order), or None if not ranked."""
        try:
            return self.mc.alternatives.index(state)
        except ValueError:
            return None


class Planner(QObject):
    """Dataset, settings, result, selection and colour-by choice of one window.

    Signals
    -------
    settings_changed(ScoringSettings), result_changed(ScoringResult), scoring_failed(str),
    selection_changed(object: str | None), colour_by_changed(str),
    document_name_changed(str), modified_changed(bool),
    sensitivity_changed(object: SensitivityRun | None) (a new run, or none),
    sensitivity_stale_changed(bool) (the settings moved away from the run's, or back).
    """

    settings_changed = Signal(object)
    result_changed = Signal(object)
    scoring_failed = Signal(str)
    selection_changed = Signal(object)
    colour_by_changed = Signal(str)
    top_n_changed = Signal(int)
    document_name_changed = Signal(str)
    modified_changed = Signal(bool)
    sensitivity_changed = Signal(object)
    sensitivity_stale_changed = Signal(bool)

    def __init__(self, dataset: Dataset, settings: ScoringSettings | None = None,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.dataset = dataset
        self._settings = settings or ScoringSettings()
        self._result: ScoringResult = rank_states(dataset, self._settings)
        self._error: str | None = None
        self._selected: str | None = None
        self._colour_by = SCORE
        self._top_n = DEFAULT_TOP_N
        self._document_name = UNTITLED
        self._sensitivity: SensitivityRun | None = None
        self.undo_stack = QUndoStack(self)
        self.undo_stack.cleanChanged.connect(self._clean_changed)

    # -- settings and result -------------------------------------------------------------
    @property
    def settings(self) -> ScoringSettings:
        return self._settings

    @property
    def result(self) -> ScoringResult:
        """The last successful result (kept while the current settings cannot be scored)."""
        return self._result

    @property
    def error(self) -> str | None:
        """Why the current settings cannot be scored (e.g. every weight is zero), else None."""
        return self._error

    def set_settings(self, settings: ScoringSettings, label: str = "Change settings",
                     merge_key: str | None = None) -> None:
        """Replace the settings as one undoable step: the one way widgets change them.

        Consecutive calls with the same ``merge_key`` (one slider drag) merge into one step.
        """
        from siteselect.ui.commands import SettingsCommand

        if settings != self._settings:
            self.undo_stack.push(SettingsCommand(self, settings, label, merge_key))

    def apply_settings(self, settings: ScoringSettings) -> None:
        """Replace the settings and re-score, without touching the undo stack.

        Undo commands call this; widgets call :meth:`set_settings` or push a command.
        """
        was_stale = self.sensitivity_stale
        self._settings = settings
        self.settings_changed.emit(settings)
        if self.sensitivity_stale != was_stale:
            self.sensitivity_stale_changed.emit(not was_stale)
        self.rescore()

    def rescore(self) -> None:
        try:
            result = rank_states(self.dataset, self._settings)
        except SiteSelectError as exc:
            self._error = exc.message
            log.info("cannot score: %s", exc.message)
            self.scoring_failed.emit(exc.message)
            return
        self._error = None
        self._result = result
        self.result_changed.emit(result)

    # -- document --------------------------------------------------------------------------
    @property
    def document_name(self) -> str:
        return self._document_name

    def set_document_name(self, name: str) -> None:
        if name != self._document_name:
            self._document_name = name
            self.document_name_changed.emit(name)

    def _clean_changed(self, clean: bool) -> None:
        self.modified_changed.emit(not clean)

    @property
    def modified(self) -> bool:
        return not self.undo_stack.isClean()

    def mark_saved(self) -> None:
        """Make the current settings the clean point (after saving them)."""
        self.undo_stack.setClean()

    def load_document(self, settings: ScoringSettings, name: str) -> None:
        """Show other settings as a fresh, unmodified document (e.g. an opened scenario)."""
        self.undo_stack.clear()
        self.apply_settings(settings)
        self.set_document_name(name)
        self.undo_stack.setClean()
        self.modified_changed.emit(False)

    # -- selection and colouring -------------------------------------------------------------
    @property
    def selected(self) -> str | None:
        return self._selected

    def select(self, state: str | None) -> None:
        if state is not None and state not in self.dataset.names:
            raise ValueError(f"unknown state {state!r}")
        if state != self._selected:
            self._selected = state
            self.selection_changed.emit(state)

    @property
    def colour_by(self) -> str:
        return self._colour_by

    @property
    def top_n(self) -> int:
        """How many leading states the table, the map and the legend highlight (0: none)."""
        return self._top_n

    def set_top_n(self, n: int) -> None:
        n = max(0, min(int(n), len(self.dataset.states)))
        if n != self._top_n:
            self._top_n = n
            self.top_n_changed.emit(n)

    def set_colour_by(self, key: str) -> None:
        if key in SENSITIVITY_KEYS:
            if self._sensitivity is None:
                raise ValueError(f"colouring by {key!r} needs a sensitivity run")
        elif key != SCORE:
            self.dataset.criterion(key)
        if key != self._colour_by:
            self._colour_by = key
            self.colour_by_changed.emit(key)

    # -- sensitivity ---------------------------------------------------------------------------
    @property
    def sensitivity(self) -> SensitivityRun | None:
        """The last finished sensitivity run (kept, marked stale, when the settings change)."""
        return self._sensitivity

    @property
    def sensitivity_stale(self) -> bool:
        """True when there is a run and the settings are no longer the ones it was run for."""
        run = self._sensitivity
        return run is not None and run.settings != self._settings

    def set_sensitivity(self, run: SensitivityRun | None) -> None:
        """Keep ``run`` as the last sensitivity run (None forgets it; a map coloured by it
        goes back to the overall score)."""
        if run is self._sensitivity:
            return
        self._sensitivity = run
        if run is None and self._colour_by in SENSITIVITY_KEYS:
            self._colour_by = SCORE
            self.colour_by_changed.emit(SCORE)
        self.sensitivity_changed.emit(run)
