"""How sure is this ranking: the Sensitivity panel and the Analysis menu.

Registered through :mod:`siteselect.ui.extensions`.  :func:`install` adds only a hidden dock
and the menu entries; the panel itself (charts, worker) is built the first time the dock is
shown, so it costs the window's first paint nothing.  The analysis is the Qt-free
:mod:`siteselect.scoring.sensitivity`.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QDockWidget, QLabel, QMenu

RUN_SHORTCUT = "F9"


def install(window: Any) -> None:
    """Add the Sensitivity dock (hidden) and Analysis > Run Sensitivity Analysis."""
    dock = QDockWidget("Sensitivity", window)
    dock.setObjectName("SensitivityDock")
    dock.setWidget(QLabel("Run the analysis from Analysis \u203a Run Sensitivity Analysis (F9)."))
    window.add_dock(dock, Qt.DockWidgetArea.BottomDockWidgetArea)
    dock.hide()
    window.sensitivity_dock = dock

    def panel() -> Any:
        from siteselect.ui.sensitivity.panel import SensitivityPanel

        current = dock.widget()
        if not isinstance(current, SensitivityPanel):
            current = SensitivityPanel(window.planner, dock)
            dock.setWidget(current)
            window.sensitivity_panel = current
        return current

    def build_on_show(visible: bool) -> None:
        if visible:
            panel()

    dock.visibilityChanged.connect(build_on_show)

    def run() -> None:
        if dock.isHidden():
            # Beside the ranking, as a tab: both want the width under the map.  (Placed when
            # first shown: a hidden tab would make the layout shift after the first paint.)
            ranking = getattr(window, "ranking_dock", None)
            if (ranking is not None and not ranking.isHidden() and not dock.isFloating()
                    and window.dockWidgetArea(ranking) == window.dockWidgetArea(dock)
                    and dock not in window.tabifiedDockWidgets(ranking)):
                window.tabifyDockWidget(ranking, dock)
        dock.show()
        dock.raise_()
        panel().run()

    menu = QMenu("&Analysis", window)
    window.menuBar().insertMenu(window.help_menu.menuAction(), menu)
    act = QAction("&Run Sensitivity Analysis", window)
    act.setShortcut(QKeySequence(RUN_SHORTCUT))
    act.setStatusTip("Rank again under thousands of plausible weightings: rank ranges, chance "
                     "of the shortlist, stability of each weight, tornado")
    act.triggered.connect(lambda _checked=False: run())
    menu.addAction(act)
    menu.addAction(dock.toggleViewAction())
    window.sensitivity_menu = menu
    window.sensitivity_run_action = act

    weights = QMenu("&Weights", window)
    window.menuBar().insertMenu(menu.menuAction(), weights)
    window.weights_menu = weights
    for text, name, tip in (
        ("From &Pairwise Comparisons...", "PairwiseDialog",
         "Answer which of each pair of criteria matters more (AHP), with a consistency check"),
        ("From a &Ranking...", "RankingDialog",
         "Put the criteria in order of importance; weights follow from the order"),
        ("&Objective Weights...", "ObjectiveDialog",
         "Entropy or CRITIC weights computed from the figures themselves"),
    ):
        action = QAction(text, window)
        action.setStatusTip(tip)
        action.triggered.connect(lambda _checked=False, n=name: _open_weights_dialog(window, n))
        weights.addAction(action)


def _open_weights_dialog(window: Any, name: str) -> Any:
    from siteselect.ui.sensitivity import weights_dialogs

    dialog = getattr(weights_dialogs, name)(window.planner, window)
    window.weights_dialog = dialog
    dialog.open()
    return dialog
