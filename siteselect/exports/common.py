"""What every export shares: the export job, its metadata, safe writing and cancellation.

An :class:`ExportRequest` bundles everything one export needs (dataset, settings, the scoring
result, scenario name and description, how many states to list, paper size, export time), so
every format carries the same facts.  :func:`run_metadata` turns it into plain data (the CSV
companion file, the GeoJSON/GeoPackage metadata, the XLSX Method sheet and the PDF all read it).

Writers never open the target path directly: :func:`atomic_output` hands them a temporary
folder next to the target and moves the finished file(s) into place with :func:`os.replace`
only when the writer returned normally, so a failed or cancelled export leaves no half-written
file and never destroys an existing one.  Long writers call a :class:`Checkpoint` between
steps; it reports progress and raises :class:`ExportCancelled` when the caller asked to stop.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import math
import os
import shutil
import stat
import tempfile
import traceback
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from siteselect.analysis import overridden, rank_states
from siteselect.errors import ExportError, SiteSelectError
from siteselect.model.criteria import LOWER, Criterion
from siteselect.model.dataset import Dataset
from siteselect.model.sensitivity_summary import SensitivitySummary, summarise
from siteselect.model.settings import ScoringSettings, origin_to_dict
from siteselect.model.wording import (
    category_text,
    criterion_label,
    exclusion_text,
    gate_text,
)
from siteselect.scoring import METHOD_NAMES, Exclusion, RankedRow, ScoringResult

ProgressFn = Callable[[float, str], None]
CancelFn = Callable[[], bool]

PAPER_SIZES = ("letter", "a4")
#: Characters that make a spreadsheet read a cell as a formula (or hide one after a tab/CR).
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
APP_TITLE = "SiteSelect"
#: Printed next to the Alaska and Hawaii insets on every exported map.
INSET_NOTE = "Alaska and Hawaii: insets, not to scale"

NORMALIZATION_NAMES = {
    "minmax": "min-max scaling",
    "zscore": "z-scores clipped at 3 standard deviations",
    "rank": "rank scaling",
    "vector": "vector normalisation (TOPSIS)",
}
MISSING_NAMES = {
    "worst": "scored as the worst candidate on that criterion",
    "mean": "scored as the mean of the candidates",
    "exclude": "the state is left out of the ranking",
}


class ExportCancelled(ExportError):
    """The export was cancelled before it finished; nothing was written."""


@dataclass(frozen=True)
class ExportRequest:
    """One export job: what to write, identical for every format.

    Build it with :func:`make_request`, which scores the settings when no result is given.
    """

    dataset: Dataset
    settings: ScoringSettings
    result: ScoringResult
    scenario_name: str = ""
    description: str = ""
    top_n: int | None = None
    paper: str = "letter"
    exported_at: dt.datetime = field(default_factory=lambda: dt.datetime.now(dt.UTC))
    dataset_version: str = ""
    #: A sensitivity run of these settings, shown by the PDF ("How sure is this ranking?")
    #: and the XLSX (Sensitivity sheet); None for none.
    sensitivity: SensitivitySummary | None = None
    #: For a saved scenario that keeps earlier versions of the planner's tables: the
    #: sentence naming the newer figures (every format states it); '' when up to date.
    newer_figures: str = ""

    def __post_init__(self) -> None:
        if self.paper not in PAPER_SIZES:
            raise ExportError(
                f"Unknown paper size {self.paper!r}; choose one of {', '.join(PAPER_SIZES)}."
            )
        if self.top_n is not None and self.top_n < 1:
            raise ExportError(f"The number of states to list must be at least 1, not {self.top_n}.")
        if not self.dataset_version:
            object.__setattr__(self, "dataset_version", self.dataset.version)

    # -- convenient views -------------------------------------------------------------------
    def rows(self) -> list[RankedRow]:
        """The ranked states written to the shortlist (the first ``top_n``, or all)."""
        return self.result.rows(self.top_n)

    def criteria(self) -> list[Criterion]:
        """The weighted criteria (weight > 0), in catalogue order."""
        return [self.dataset.criterion(c) for c in self.result.criteria]

    def overridden(self) -> set[tuple[str, str]]:
        return overridden(self.settings)

    @property
    def title(self) -> str:
        return self.scenario_name or "Unsaved weighting"

    @property
    def exported_text(self) -> str:
        """Export time as ISO 8601 UTC to the second, e.g. 2026-11-26T05:30:00Z."""
        t = self.exported_at.astimezone(dt.UTC).replace(microsecond=0)
        return t.strftime("%Y-%m-%dT%H:%M:%SZ")

    @property
    def shown_count(self) -> int:
        return len(self.result) if self.top_n is None else min(self.top_n, len(self.result))


def compute_sensitivity(dataset: Dataset, settings: ScoringSettings,
                        result: ScoringResult | None = None, *, draws: int | None = None,
                        seed: int | None = None, top_k: int | None = None,
                        spread: str = "dirichlet", concentration: float | None = None,
                        progress: Callable[[float], None] | None = None,
                        cancelled: Callable[[], bool] | None = None) -> SensitivitySummary:
    """Run the sensitivity analysis for ``settings`` and summarise it (for an export or a
    saved scenario).  Without a seed one is drawn and recorded, so the run can be repeated."""
    import random

    from siteselect.scoring import sensitivity as sens

    if result is None:
        result = rank_states(dataset, settings)
    if seed is None:
        seed = random.SystemRandom().randrange(2**32)
    k = sens.DEFAULT_TOP_K if top_k is None else top_k
    mc = sens.monte_carlo(result, draws=draws or sens.DEFAULT_DRAWS, seed=seed, spread=spread,
                          concentration=(sens.DEFAULT_CONCENTRATION if concentration is None
                                         else concentration),
                          top_k=k, progress=progress, cancelled=cancelled)
    stability = sens.stability_intervals(result, top_k=k)
    return summarise(mc, stability, settings, dataset.version, result.method,
                     result.normalization)


def make_request(
    dataset: Dataset,
    settings: ScoringSettings,
    result: ScoringResult | None = None,
    *,
    scenario_name: str = "",
    description: str = "",
    top_n: int | None = None,
    paper: str = "letter",
    exported_at: dt.datetime | None = None,
    sensitivity: SensitivitySummary | None = None,
    newer_figures: str = "",
) -> ExportRequest:
    """Build an :class:`ExportRequest`, scoring ``settings`` if ``result`` is not given.

    Raises
    ------
    InputError, ScoringError, ExportError
        For settings that cannot be scored or a bad paper size / top N.
    """
    if result is None:
        result = rank_states(dataset, settings)
    return ExportRequest(
        dataset=dataset,
        settings=settings,
        result=result,
        scenario_name=scenario_name,
        description=description,
        top_n=top_n,
        paper=paper.lower(),
        exported_at=exported_at or dt.datetime.now(dt.UTC),
        sensitivity=sensitivity,
        newer_figures=newer_figures,
    )


def own_tables_text(req: ExportRequest) -> str:
    """Which of the planner's own tables the figures come from, e.g.
    '“Power quotes” (power_quote)'; '' when all figures are shipped ones."""
    tables: dict[str, list[str]] = {}
    for c in req.dataset.criteria:
        if c.table:
            tables.setdefault(c.table, []).append(c.id)
    return "; ".join(f"\u201c{t}\u201d ({', '.join(ids)})" for t, ids in tables.items())


# -- text safety -----------------------------------------------------------------------------
def neutralise(value: Any) -> Any:
    """Make text that a spreadsheet would read as a formula plain text.

    Text starting with ``= + - @``, a tab or a carriage return gets a leading apostrophe
    (the convention spreadsheets use for "this is text").  Numbers and everything else are
    returned unchanged, so negative numbers stay numbers.
    """
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


# -- who a row is about ----------------------------------------------------------------------
def place_fields(ds: Dataset, code: str) -> dict[str, str]:
    """``code``, ``state`` and ``name`` of one ranked place, as every table writes them.

    A state: its postal code (as ``code`` and ``state``) and name.  A county: its 5-digit
    FIPS code as text (leading zeros kept), its state's postal code and its own name
    ("Travis County").
    """
    if ds.level == "county":
        alt = ds.alternatives.get(code)
        return {"code": code, "state": alt.parent, "name": alt.name}
    return {"code": code, "state": code, "name": ds.names[code]}


def place_columns(ds: Dataset) -> list[str]:
    """The identity columns of a table row: ``state, name`` for states; ``code, state,
    name`` for counties (the county's FIPS code first)."""
    return ["code", "state", "name"] if ds.level == "county" else ["state", "name"]


def place_words(ds: Dataset) -> tuple[str, str]:
    """What is ranked, singular and plural: ("state", "states") or ("county", "counties")."""
    return ds.alternatives.word, ds.alternatives.plural


# -- plain-language descriptions -------------------------------------------------------------
def direction_text(crit: Criterion) -> str:
    return "lower is better" if crit.direction == LOWER else "higher is better"


def method_text(req: ExportRequest) -> str:
    """The scoring method in plain words, as a paragraph."""
    r = req.result
    if r.method == "wsm":
        how = (
            "Each criterion is rescaled over the ranked states so that the best state scores 1 "
            "and the worst 0 (for a lower-is-better criterion the scale is turned round). A "
            "state's score is 100 times the weighted sum of these values, so the points of all "
            "criteria add up to the score."
        )
    elif r.method == "wpm":
        how = (
            "Each criterion is rescaled over the ranked states so that the best state scores 1 "
            "and the worst 0 (for a lower-is-better criterion the scale is turned round); the "
            "values are floored at 0.01 so that being worst on one criterion is a penalty rather "
            "than a zero. A state's score is 100 times the product of these values, each raised "
            "to the power of its weight: a weak criterion cannot be fully made up by strong ones."
        )
    else:
        how = (
            "TOPSIS (Hwang and Yoon): each criterion's values are divided by the square root of "
            "their sum of squares and multiplied by the weight; a state's score is 100 times its "
            "relative closeness to the ideal state (best on every criterion) as against the "
            "anti-ideal state (worst on every criterion)."
        )
    if r.method != "topsis" and r.normalization != "minmax":
        name = NORMALIZATION_NAMES.get(r.normalization, r.normalization)
        how += f" Values are rescaled by {name}."
    miss = MISSING_NAMES.get(r.missing_policy, r.missing_policy)
    word, plural = place_words(req.dataset)
    if word != "state":
        how = how.replace("states", plural).replace("state's", f"{word}'s").replace(
            "best state", f"best {word}").replace("ideal state", f"ideal {word}")
        miss = miss.replace("the state is", f"the {word} is")
    text = (
        f"Method: {METHOD_NAMES[r.method]}. {how} Scores run from 0 to 100; higher is better. "
        f"Missing figures: {miss}."
    )
    if r.gates or req.settings.exclude:
        text += (f" {plural.capitalize()} failing a hard gate or excluded by the planner are "
                 "not ranked at all.")
    if req.dataset.level == "county":
        text += (" Criteria marked (state figure) give every county its state's figure, so "
                 "they separate counties of different states only.")
    return text


def weights_origin_text(req: ExportRequest) -> str:
    """How the weights were derived, in plain words (criteria by their labels)."""
    origin = req.settings.weights_origin
    if origin is None:
        return "Set by hand (manual)."
    text = origin.text(lambda c: criterion_label(req.dataset, c))
    if origin.judgments:
        text += " Judgments: " + "; ".join(origin.judgments) + "."
    return text


def sensitivity_lines(req: ExportRequest) -> list[str]:
    """The facts of the export's sensitivity run: how it was drawn and what it is for."""
    s = req.sensitivity
    if s is None:
        return []
    current = s.is_current(req.settings, req.dataset.version)
    return [
        f"{s.draws:,} weight vectors drawn ({s.spread_text()}); "
        + ("no seed recorded." if s.seed is None else
           f"seed {s.seed} (the same seed repeats the run exactly)."),
        "Gates, exclusions, the missing-data policy, the method and the normalisation stay as "
        f"set; only the weights vary. K = {s.top_k}: P(top {s.top_k}) is the share of draws "
        f"in which a state is among the first {s.top_k}. Computed {s.computed_at}.",
        ("Computed for exactly these settings and this dataset." if current else
         "NOTE: computed for other settings or another dataset version than this export."),
    ]


def number_text(value: float | None) -> str:
    """A figure as plain text without losing digits: 4.2, 1234567, 0.0477; 'missing'."""
    if value is None:
        return "missing"
    v = float(value) + 0.0  # + 0.0 turns -0.0 into 0.0
    if v.is_integer() and abs(v) < 1e15:
        return str(int(v))
    return repr(v)


def format_raw(req: ExportRequest, state: str, cid: str, value: float | None) -> str:
    """A value as a planner reads it, with its unit; 'missing' when missing."""
    if value is None:
        return "missing"
    return req.dataset.format_value(state, cid, value)


# -- metadata ------------------------------------------------------------------------------
def criterion_record(req: ExportRequest, crit: Criterion) -> dict[str, Any]:
    p = crit.provenance
    share = req.result.weights.get(crit.id, 0.0)
    return {
        "id": crit.id,
        "label": crit.label,
        "unit": crit.unit,
        "direction": crit.direction,
        "weight_points": float(req.settings.effective_points().get(crit.id, 0.0)),
        "weight_share": share,
        "source": p.source if p else "",
        "url": p.url if p else "",
        "url_note": crit.url_note or None,
        "state_sources": criterion_sources(req.dataset, crit) or None,
        "year": p.year if p else "",
        "status": p.status if p else "",
        "notes": p.notes if p else "",
        "encoding": crit.encoding_note or None,
        "description": crit.description,
        # at county level: the county's state's figure, the same for all its counties
        "state_figure": bool(crit.inherited),
    }


def criterion_sources(ds: Dataset, crit: Criterion) -> dict[str, str]:
    """Per-state source citations; a state figure of counties is cited once per state."""
    sources = ds.state_sources(crit.id)
    if ds.level == "county" and crit.inherited:
        return {ds.alternatives.get(code).parent: text for code, text in sources.items()}
    return sources


def run_metadata(req: ExportRequest) -> dict[str, Any]:
    """Everything about the run that is not a per-state figure, as JSON-ready data."""
    r = req.result
    ds = req.dataset
    return {
        "application": APP_TITLE,
        "level": ds.level,
        "within": list(ds.scope),
        "scenario": req.scenario_name,
        "description": req.description,
        "exported_at": req.exported_text,
        "dataset_version": req.dataset_version,
        "own_tables": [{"table": c.table, "criterion": c.id} for c in ds.criteria if c.table],
        "newer_figures": req.newer_figures,
        "method": r.method,
        "method_name": METHOD_NAMES[r.method],
        "method_description": method_text(req),
        "normalization": r.normalization,
        "missing_policy": r.missing_policy,
        "missing_policy_description": MISSING_NAMES.get(r.missing_policy, r.missing_policy),
        "top_n": req.top_n,
        "ranked_states": len(r),
        "listed_states": req.shown_count,
        "weights": {c: w for c, w in r.weights.items()},
        "criteria": [criterion_record(req, c) for c in req.criteria()],
        "gates": [str(g) for g in r.gates],
        "gates_text": [gate_text(ds, g) for g in r.gates],
        "excluded_by_planner": list(req.settings.exclude),
        "excluded": [
            {**_excluded_place(ds, e.alternative), "reason": e.reason,
             "reason_text": exclusion_reason(req, e),
             "failed_gates": [str(f.gate) for f in e.failed_gates]}
            for e in r.excluded
        ],
        "overrides": [
            {
                "state": o.state,
                "criterion": o.criterion,
                "value": o.value,
                "dataset_value": ds.value(o.state, o.criterion),
                "note": o.note,
            }
            for o in req.settings.overrides
        ],
        "weights_derived": req.settings.weights_method,
        "weights_derived_text": weights_origin_text(req),
        "weights_origin": (None if req.settings.weights_origin is None else
                           origin_to_dict(req.settings.weights_origin)),
        "missing_values": [{"state": s, "criterion": c} for s, c in r.missing],
        "warnings": list(r.warnings),
    }


def _excluded_place(ds: Dataset, code: str) -> dict[str, str]:
    # states as before (postal code and name); counties with code, state and name
    if ds.level == "county":
        return place_fields(ds, code)
    return {"state": code, "name": ds.names.get(code, "")}


def exclusion_reason(req: ExportRequest, exclusion: Exclusion) -> str:
    """Why a state is not ranked, in the planner's words (every gate it fails, with labels)."""
    return exclusion_text(req.dataset, exclusion, req.settings)


def category_label(req: ExportRequest, state: str, cid: str, value: float | None) -> str:
    """A state's category as published, with what it means where the catalogue explains it:
    ``n/a (no statewide sales tax; full points)``.  'missing' when missing."""
    if value is None:
        return "missing"
    text = req.dataset.format_value(state, cid, value)
    crit = req.dataset.criterion(cid)
    return category_text(crit, text) if crit.encoding else text


def figure_text(crit: Criterion, value: float | None) -> str:
    """A figure with its unit and every digit (``5.4321 cents/kWh``), a category by its label."""
    if value is None:
        return "missing"
    if crit.encoding:
        return crit.label_for(value) or number_text(value)
    return f"{number_text(value)} {crit.unit}".rstrip() if crit.unit else number_text(value)


def row_notes(req: ExportRequest, row: RankedRow) -> str:
    """Per-state notes in the planner's words: missing figures and what-if overrides.

    ``Energy cost (industrial) missing (scored as the worst candidate on that criterion)``;
    ``Energy cost (industrial) what-if 5.5 cents/kWh (dataset: 9.12 cents/kWh)``.
    """
    ds = req.dataset
    notes = []
    policy = MISSING_NAMES.get(req.result.missing_policy, "")
    for cid in row.imputed:
        notes.append(f"{criterion_label(ds, cid)} missing ({policy})")
    for o in req.settings.overrides:
        if o.state == row.alternative and o.criterion in req.result.weights:
            crit = ds.criterion(o.criterion)
            own = ds.value(o.state, o.criterion)
            notes.append(f"{crit.label} what-if {figure_text(crit, o.value)} "
                         f"(dataset: {figure_text(crit, own)})")
    return "; ".join(notes)


# -- progress and cancellation ------------------------------------------------------------------
class Checkpoint:
    """Reports progress and raises :class:`ExportCancelled` when the caller wants to stop."""

    def __init__(self, progress: ProgressFn | None, is_cancelled: CancelFn | None) -> None:
        self._progress = progress
        self._is_cancelled = is_cancelled

    def __call__(self, fraction: float, message: str = "") -> None:
        if self._is_cancelled is not None and self._is_cancelled():
            raise ExportCancelled("The export was cancelled; no file was written.")
        if self._progress is not None:
            self._progress(max(0.0, min(1.0, fraction)), message)


# -- safe writing ----------------------------------------------------------------------------
#: Prefix of the hidden temporary folders writers use next to their target.
TEMP_PREFIX = ".siteselect-export-"
#: The lock file inside a temporary folder; held (flock) for as long as its export runs.
LOCK_NAME = ".lock"
#: Where locks cannot be taken (no fcntl), a temporary folder this old is taken as abandoned.
STALE_AGE_S = 6 * 3600.0


def _kind(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "a folder, not a file name"
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO), not a regular file"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device, not a regular file"
    if stat.S_ISSOCK(mode):
        return "a socket, not a regular file"
    return "not a regular file"


def check_target(path: str | os.PathLike[str]) -> Path:
    """Check that ``path`` may be written by an export; return it as an absolute path.

    The one rule every writer follows (table, workbook, map, report, scenario file, window
    snapshot): the target either does not exist yet or is a writable regular file (a symbolic
    link is judged by what it points to), and its folder exists.  Anything else -- a folder, a
    named pipe, a device, a socket, a dangling link, a read-only file -- is refused before
    anything is written, so an export never turns a special file into a regular one.

    Raises
    ------
    ExportError
        With a one-line message naming the path and what is wrong with it.
    """
    path = Path(path).expanduser().absolute()
    try:
        st = path.stat()  # follows a symbolic link to what it points to
    except (FileNotFoundError, NotADirectoryError):
        if path.is_symlink():
            raise ExportError(
                f"Cannot write {path}: it is a symbolic link to a file that does not exist."
            ) from None
        st = None
    except OSError as exc:
        raise ExportError(f"Cannot write {path}: {exc.strerror or exc}.") from None
    if st is not None:
        if not stat.S_ISREG(st.st_mode):
            raise ExportError(f"Cannot write {path}: it is {_kind(st.st_mode)}.")
        if not st.st_mode & 0o222:
            # Replacing it would succeed (the folder is writable) but would silently undo the
            # owner's protection; tested by mode bits, as access() says yes to root.
            raise ExportError(
                f"Cannot write {path}: the file is read-only. Choose another name or make it "
                "writable first."
            )
    parent = path.parent
    if not parent.exists():
        # A parent that is a regular file, or no folder at all.
        probe = parent
        while not probe.exists() and probe != probe.parent:
            probe = probe.parent
        if probe.is_file():
            raise ExportError(f"Cannot write {path}: {probe} is a file, not a folder.")
        raise ExportError(f"Cannot write {path}: the folder {parent} does not exist.")
    if not parent.is_dir():
        raise ExportError(f"Cannot write {path}: {parent} is not a folder.")
    return path


def _lock(folder: Path) -> Any:
    """Take the lock of a temporary folder for the life of its export (None without fcntl)."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows
        return None
    fh = open(folder / LOCK_NAME, "wb")  # noqa: SIM115 - held until the export ends
    try:
        fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:  # pragma: no cover - a file system without locks
        fh.close()
        return None
    return fh


def _abandoned(folder: Path) -> bool:
    """True when no running export owns ``folder`` (its owner was killed)."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows
        fcntl = None  # type: ignore[assignment]
    lock = folder / LOCK_NAME
    if fcntl is not None and lock.is_file():
        try:
            with open(lock, "rb") as fh:
                fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
                fcntl.flock(fh.fileno(), fcntl.LOCK_UN)
            return True
        except OSError:
            return False  # held: an export is writing there now
    try:
        age = dt.datetime.now().timestamp() - folder.stat().st_mtime
    except OSError:
        return False
    # A folder without a lock file is either being set up this instant or very old.
    return age > (60.0 if fcntl is not None else STALE_AGE_S)


def clean_stale_temporaries(folder: str | os.PathLike[str]) -> list[Path]:
    """Remove temporary export folders in ``folder`` left behind by exports that were killed.

    A running export holds a lock on its folder, so only abandoned ones are removed.  Returns
    the folders removed; trouble (no permission, a folder vanishing meanwhile) is ignored.
    """
    removed: list[Path] = []
    try:
        entries = list(Path(folder).iterdir())
    except OSError:
        return removed
    for entry in entries:
        if not entry.name.startswith(TEMP_PREFIX) or entry.is_symlink() or not entry.is_dir():
            continue
        if _abandoned(entry):
            shutil.rmtree(entry, ignore_errors=True)
            if not entry.exists():
                removed.append(entry)
    return removed


@contextlib.contextmanager
def atomic_output(targets: Sequence[str | os.PathLike[str]]) -> Iterator[list[Path]]:
    """Yield temporary paths for ``targets``; move them into place if the block succeeds.

    Every target passes :func:`check_target` first; a symbolic link to a regular file is
    written through (the file it points to is replaced, the link kept).  The temporary files
    live in a hidden folder next to the first target (same file system, so :func:`os.replace`
    is atomic), locked while the export runs; on any exception, including
    :class:`ExportCancelled`, the folder is removed and existing targets are left untouched.
    Folders that killed exports left behind are removed on the next export to the same folder
    (:func:`clean_stale_temporaries`).

    Raises
    ------
    ExportError
        When a target cannot be written (missing folder, a file where a folder should be,
        a special file, no permission, disk full).
    """
    # A link to a regular file is written through: the file it points to is replaced and the
    # link stays a link (the temporary folder sits next to that file, on its file system).
    paths = [p.resolve() if p.is_symlink() else p for p in map(check_target, targets)]
    clean_stale_temporaries(paths[0].parent)
    try:
        tmpdir = Path(tempfile.mkdtemp(prefix=TEMP_PREFIX, dir=paths[0].parent))
    except OSError as exc:
        raise ExportError(
            f"Cannot write {paths[0]}: {exc.strerror or exc} (folder {paths[0].parent})."
        ) from None
    lock = None
    try:
        lock = _lock(tmpdir)
        temps = [tmpdir / p.name for p in paths]
        try:
            yield temps
        except SiteSelectError:
            raise
        except OSError as exc:
            raise ExportError(f"Cannot write {paths[0]}: {exc.strerror or exc}.") from exc
        except Exception as exc:
            # Writers' libraries (GDAL, reportlab, Qt) raise their own types for I/O trouble.
            raise ExportError(
                f"Cannot write {paths[0]}: {type(exc).__name__}: {exc}",
                detail="".join(traceback.format_exception(exc)),
            ) from exc
        for tmp in temps:
            if not tmp.exists():
                raise ExportError(f"Cannot write {paths[0]}: the writer produced no file.")
        for final in paths:
            check_target(final)  # again: a special file may have appeared meanwhile
        try:
            for tmp, final in zip(temps, paths, strict=True):
                os.replace(tmp, final)
        except OSError as exc:
            raise ExportError(f"Cannot write {paths[0]}: {exc.strerror or exc}.") from exc
    finally:
        if lock is not None:
            lock.close()
        shutil.rmtree(tmpdir, ignore_errors=True)


def finite_or_none(v: float | None) -> float | None:
    if v is None or (isinstance(v, float) and not math.isfinite(v)):
        return None
    return float(v)
