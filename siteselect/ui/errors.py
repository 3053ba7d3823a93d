"""Global exception hooks: nothing dies silently.

:func:`install_exception_hooks` replaces ``sys.excepthook`` and ``threading.excepthook`` so an
unexpected error is logged with its traceback and shown in an error dialog (traceback folded
away under "Show Details...").  Errors raised in worker threads are forwarded to the GUI thread
through a queued signal.
"""

from __future__ import annotations

import logging
import sys
import threading
import traceback
from types import TracebackType

from PySide6.QtCore import QObject, Qt, Signal

log = logging.getLogger(__name__)


class _ErrorRelay(QObject):
    raised = Signal(object)


_relay: _ErrorRelay | None = None
_previous: tuple = ()


def _show(exc: BaseException) -> None:
    from PySide6.QtWidgets import QApplication

    from siteselect.ui.dialogs import show_error

    app = QApplication.instance()
    parent = app.activeWindow() if app is not None else None
    show_error(parent, exc)


def handle_exception(exc_type: type[BaseException], exc: BaseException,
                     tb: TracebackType | None) -> None:
    """Log an uncaught exception and show it (queued to the GUI thread)."""
    if issubclass(exc_type, KeyboardInterrupt):
        sys.__excepthook__(exc_type, exc, tb)
        return
    log.error("Unexpected error:\n%s", "".join(traceback.format_exception(exc_type, exc, tb)))
    if exc.__traceback__ is None and tb is not None:
        exc = exc.with_traceback(tb)
    if _relay is not None:
        _relay.raised.emit(exc)


def _thread_hook(args: threading.ExceptHookArgs) -> None:
    if args.exc_value is not None:
        handle_exception(args.exc_type, args.exc_value, args.exc_traceback)


def install_exception_hooks() -> None:
    """Install the hooks (idempotent); call after the QApplication exists."""
    global _relay, _previous
    if _relay is not None:
        return
    _relay = _ErrorRelay()
    _relay.raised.connect(_show, Qt.QueuedConnection)
    _previous = (sys.excepthook, threading.excepthook)
    sys.excepthook = handle_exception
    threading.excepthook = _thread_hook


def uninstall_exception_hooks() -> None:
    global _relay
    if _relay is None:
        return
    sys.excepthook, threading.excepthook = _previous
    _relay.deleteLater()
    _relay = None
