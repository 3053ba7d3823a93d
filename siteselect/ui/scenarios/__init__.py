"""Saved scenarios in the window: Scenario menu, Scenarios panel, revisions and compare.

Registered through :mod:`siteselect.ui.extensions`; :func:`install` adds everything to a main
window.  The logic lives in :class:`.controller.ScenarioController` over the Qt-free
:class:`siteselect.storage.ScenarioStore`.
"""

from __future__ import annotations

from typing import Any


def install(window: Any) -> None:
    """Add the scenario features to a freshly built main window."""
    from siteselect.ui.scenarios.controller import ScenarioController
    from siteselect.ui.scenarios.panel import ScenarioUi

    controller = ScenarioController(window.planner, window, defer=True)
    window.scenario_controller = controller
    window.scenario_ui = ScenarioUi(window, controller)
