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
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QUndoStack

from siteselect.analysis import dataset_for, rank_states, settings_for_places
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


def data_folder(ds: Dataset) -> str:
    """The data folder a dataset was read from (state or county figures)."""
    path = Path(ds.source_path).parent
    return str(path.parent if ds.level == "county" else path)


def level_title(ds: Dataset) -> str:
    """"United States", "Counties of Texas" or "All counties": what the window shows."""
    if ds.level != "county":
        return "United States"
    if not ds.scope:
        return "All counties"
    return "Counties of " + ", ".join(state_name(ds, s) for s in ds.scope)


def state_name(ds: Dataset, state: str) -> str:
    """A state's name from a county dataset's names ("Travis County, TX" -> "TX" when no
    better name is known); the state names come from the shipped state figures."""
    from siteselect.model.dataset import load_dataset

    try:
        names = load_dataset(data_folder(ds) if ds.level == "county" else None).names
    except SiteSelectError:
        return state
    return names.get(state, state)


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
    dataset_changed(Dataset) (the level or the states shown changed: rebuild rows and lists;
    emitted before settings_changed and result_changed),
    settings_changed(ScoringSettings), result_changed(ScoringResult), scoring_failed(str),
    selection_changed(object: str | None), colour_by_changed(str),
    document_name_changed(str), modified_changed(bool),
    sensitivity_changed(object: SensitivityRun | None) (a new run, or none),
    sensitivity_stale_changed(bool) (the settings moved away from the run's, or back).
    """

    dataset_changed = Signal(object)
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
                 parent: QObject | None = None,
                 loader: Callable[[ScoringSettings], Dataset] | None = None) -> None:
        super().__init__(parent)
        self.dataset = dataset
        self._settings = settings or ScoringSettings(level=dataset.level, within=dataset.scope)
        self._folder = data_folder(dataset)
        #: The planner's own tables the figures include, and their versions.
        self._tables: list[Any] = []
        self._table_refs: tuple[Any, ...] = ()
        self.tables_fixed = False
        #: The dataset for other settings' level and states (the same data folder).
        self._loader = loader or (
            lambda s: dataset_for(s, self._tables, folder=self._folder))
        self._datasets: dict[tuple[str, tuple[str, ...]], Dataset] = {
            (dataset.level, dataset.scope): dataset}
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
        key = (settings.level, settings.within)
        if key != (self.dataset.level, self.dataset.scope):
            ds = self._datasets.get(key)
            if ds is None:
                ds = self._datasets[key] = self._loader(settings)
            self._settings = settings
            self._switch_dataset(ds)
        self._settings = settings
        self.settings_changed.emit(settings)
        if self.sensitivity_stale != was_stale:
            self.sensitivity_stale_changed.emit(not was_stale)
        self.rescore()

    def _switch_dataset(self, ds: Dataset) -> None:
        """Show ``ds`` (other places, or other figures) and tell every widget to rebuild."""
        self.dataset = ds
        # Every widget rebuilt for the new places reads a result of those places.
        try:
            self._result = rank_states(ds, self._settings)
            self._error = None
        except SiteSelectError as exc:
            self._error = exc.message
        unselect = self._selected is not None and self._selected not in ds.names
        if unselect:
            self._selected = None
        # A criterion the new places lack, or a sensitivity run of other places, cannot
        # colour them.
        recolour = self._colour_by != SCORE and (self._colour_by in SENSITIVITY_KEYS
                                                 or self._colour_by not in ds.criterion_ids)
        if recolour:
            self._colour_by = SCORE
        self._top_n = min(self._top_n, len(ds.states))
        self.dataset_changed.emit(ds)
        if unselect:
            self.selection_changed.emit(None)
        if recolour:
            self.colour_by_changed.emit(SCORE)

    # -- the planner's own tables ----------------------------------------------------------
    @property
    def table_refs(self) -> tuple[Any, ...]:
        """The versions of the planner's tables the figures include (saved with a scenario)."""
        return self._table_refs

    def set_tables(self, tables: list[Any], refs: tuple[Any, ...], *,
                   fixed: bool = False) -> None:
        """Score with these tables of the planner's own from now on (shipped figures replaced
        or criteria added); not an undo step: the figures change, not the settings.

        ``fixed``: the tables were chosen for this window (a snapshot of a saved scenario);
        opening the database does not replace them with its current ones.
        """
        self.tables_fixed = fixed
        self._tables = list(tables)
        self._table_refs = tuple(refs)
        self._datasets.clear()
        try:
            ds = self._loader(self._settings)
        except SiteSelectError as exc:
            self._error = exc.message
            self.scoring_failed.emit(exc.message)
            return
        self._datasets[(ds.level, ds.scope)] = ds
        # A sensitivity run drew from the old figures.
        self.set_sensitivity(None)
        self._switch_dataset(ds)
        self.settings_changed.emit(self._settings)
        self.rescore()

    def show_level(self, level: str, within: tuple[str, ...] = ()) -> None:
        """Rank states, or the counties (of ``within``), as one undoable step."""
        within = tuple(sorted({s.upper() for s in within})) if level == "county" else ()
        if (level, within) == (self._settings.level, self._settings.within):
            return
        key = (level, within)
        ds = self._datasets.get(key)
        if ds is None:
            probe = replace(self._settings, level=level, within=within)
            ds = self._datasets[key] = self._loader(probe)
        new = settings_for_places(self._settings, ds)
        if new == self._settings:
            return
        if level == "state":
            label = "Show states"
        elif within:
            probe = self._datasets.get(("county", new.within)) or self.dataset
            label = "Show counties of " + ", ".join(state_name(probe, s) for s in new.within)
        else:
            label = "Show all counties"
        self.set_settings(new, label)

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
