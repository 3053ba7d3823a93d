"""Extension hook: features that add menus, docks and close-guards to the main window.

The main window calls :func:`install_all` at the end of its construction.  An extension is a
function ``install(window)`` that may use:

* ``window.planner`` — the :class:`~siteselect.ui.planner.Planner`: ``set_settings(settings,
  label)`` (one undo step), ``load_document(settings, name)`` (no history, clean),
  ``mark_saved()``, ``modified`` / ``modified_changed``, ``document_name`` /
  ``set_document_name(name)`` (shown in the title as ``NAME* — SiteSelect``);
* ``window.file_menu``, ``window.edit_menu``, ``window.view_menu``, ``window.help_menu`` and
  ``window.menuBar()`` to add menus (e.g. a Scenario menu before Help:
  ``window.menuBar().insertMenu(window.help_menu.menuAction(), menu)``);
  ``window.file_export_anchor`` is the separator in the File menu before Quit, where an
  Export... action belongs (``window.file_menu.insertAction(window.file_export_anchor, act)``);
* ``window.add_dock(dock, area)`` to add a dock that appears in View and is saved with the
  layout (give it an objectName);
* ``window.add_close_guard(callback)``: ``callback()`` returns True if the window may close
  (e.g. after asking Save / Discard / Cancel); any False cancels the close;
* ``window.status_label`` / ``window.statusBar()`` for permanent status-bar widgets;
* ``siteselect.ui.dialogs.show_error(parent, exc)`` to report a failure.

Register an extension by listing its module in :data:`EXTENSION_MODULES` (the module must
define ``install(window)``) or by calling :func:`register` before the window is built.
"""

from __future__ import annotations

import importlib
import logging
from collections.abc import Callable
from typing import Any

log = logging.getLogger(__name__)

#: Modules whose ``install(window)`` runs for every main window, in this order.
EXTENSION_MODULES: list[str] = [
    "siteselect.ui.scenarios", "siteselect.ui.export_menu", "siteselect.ui.sensitivity",
    "siteselect.ui.own_data",
]

_installers: list[Callable[[Any], None]] = []


def register(installer: Callable[[Any], None]) -> Callable[[Any], None]:
    """Add an installer function (usable as a decorator); duplicates are ignored."""
    if installer not in _installers:
        _installers.append(installer)
    return installer


def installers() -> list[Callable[[Any], None]]:
    out: list[Callable[[Any], None]] = []
    for name in EXTENSION_MODULES:
        module = importlib.import_module(name)
        out.append(module.install)
    return out + [f for f in _installers if f not in out]


def install_all(window: Any) -> None:
    """Run every installer on a freshly built main window."""
    for installer in installers():
        log.debug("installing %s", getattr(installer, "__qualname__", installer))
        installer(window)
