"""Long work off the GUI thread: a job runs a plain function on ``QThreadPool`` and reports
back through queued signals (progressed / succeeded / failed / cancelled).

The function receives ``progress(fraction, message)`` and ``is_cancelled()`` callables, so the
core (exports, sensitivity analysis) stays free of Qt.  Used by the export dialog and the
Sensitivity panel.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Qt, QThreadPool, Signal

log = logging.getLogger(__name__)


class JobSignals(QObject):
    """Queued signals of a :class:`Job` (emitted from the pool thread)."""

    progressed = Signal(float, str)
    succeeded = Signal(object)
    failed = Signal(object)
    cancelled = Signal()


class Job:
    """Runs ``func(progress=..., is_cancelled=...)`` on a ``QThreadPool`` thread.

    A plain Python object (not a QRunnable) so that dropping the last reference on the GUI
    side can never delete work that a pool thread is still running: the pool holds the bound
    :meth:`run` until it returns.  An exception of one of the ``cancelled`` types, or any
    exception once Cancel was asked for, is reported as a cancellation.
    """

    def __init__(self, func: Callable[..., Any], parent: QObject | None = None, *,
                 cancelled: tuple[type[BaseException], ...] = ()) -> None:
        self.func = func
        self._cancelled_types = cancelled
        # Parented (owned by Qt on the GUI thread) and deleted there once the job has ended,
        # never by Python's garbage collector on the pool thread.
        self.signals = JobSignals(parent)
        self._cancel = threading.Event()

    def start(self, pool: QThreadPool | None = None) -> None:
        """Connect the clean-up (after every other connection), then queue :meth:`run`."""
        queued = Qt.ConnectionType.QueuedConnection
        for sig in (self.signals.succeeded, self.signals.failed, self.signals.cancelled):
            sig.connect(self.signals.deleteLater, queued)
        (pool or QThreadPool.globalInstance()).start(self.run)

    def cancel(self) -> None:
        self._cancel.set()

    @property
    def is_cancelled(self) -> bool:
        return self._cancel.is_set()

    def _emit(self, name: str, *args: Any) -> None:
        try:
            getattr(self.signals, name).emit(*args)
        except RuntimeError:  # the window (and its signals object) is gone: nobody to tell
            self._cancel.set()

    def run(self) -> None:
        try:
            value = self.func(progress=lambda f, m: self._emit("progressed", f, m),
                              is_cancelled=self._cancel.is_set)
        except BaseException as exc:
            if self._cancel.is_set() or isinstance(exc, self._cancelled_types):
                self._emit("cancelled")
            else:
                log.debug("job failed", exc_info=True)
                self._emit("failed", exc)
        else:
            # The work finished (an export's file is in place) even if Cancel came too late.
            self._emit("succeeded", value)
