"""The planner's main window: map in the middle, weights, ranking and detail in docks.

:class:`MainWindow` only composes and forwards: every widget is bound to the one
:class:`~siteselect.ui.planner.Planner`.  Menus are created in :meth:`MainWindow._build_menus`
and kept as named attributes (``file_menu``, ``edit_menu``, ``view_menu``, ``help_menu``) so
extensions can add to them; see :mod:`siteselect.ui.extensions` for the whole hook (close
guards, docks, the Export anchor in the File menu).  Window geometry and dock layout are saved
with ``QSettings`` in INI format, in ``$SITESELECT_SETTINGS_DIR/siteselect.ini`` when that
variable is set (tests set it) and in the platform's user settings folder otherwise.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from html import escape
from pathlib import Path

from PySide6.QtCore import QMargins, QRect, QSettings, QSize, Qt, QTimer
from PySide6.QtGui import (
    QAction,
    QActionGroup,
    QCloseEvent,
    QKeySequence,
    QShowEvent,
    QStandardItemModel,
)
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QDockWidget,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QPushButton,
    QSizePolicy,
    QToolBar,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from siteselect.model.wording import count_text
from siteselect.scoring import METHOD_NAMES
from siteselect.ui import extensions
from siteselect.ui.colouring import percent_text
from siteselect.ui.commands import UndoKeyRouter
from siteselect.ui.detail_panel import StateDetailWidget
from siteselect.ui.dialogs import DataSourcesDialog, show_about
from siteselect.ui.legend import ColourLegendWidget
from siteselect.ui.map_canvas import MapCanvasWidget
from siteselect.ui.map_geometry import MapShapes
from siteselect.ui.planner import (
    P_TOP_K,
    RANK_RANGE,
    SCORE,
    SENSITIVITY_KEYS,
    Planner,
    SensitivityRun,
    level_title,
    state_name,
)
from siteselect.ui.ranking_table import RankingTableWidget
from siteselect.ui.text import exclusion_text, note_text, planner_message, settings_summary
from siteselect.ui.weights_panel import WeightsPanelWidget, gate_text

log = logging.getLogger(__name__)

APP_NAME = "SiteSelect"
SETTINGS_FILE = "siteselect.ini"
SETTINGS_VERSION = 1
#: Smallest map (pixels) the window keeps, however it is resized.
MAP_MIN_WIDTH, MAP_MIN_HEIGHT = 320, 200
#: A saved window less than this many times its minimum size (either way) is not restored
#: at that size.
CRAMPED = 1.15
#: Until a sensitivity run exists its colourings are listed, but cannot be chosen.
NO_RUN_TIP = "Run the sensitivity analysis first (Analysis \u203a Run Sensitivity Analysis, F9)."


def sensitivity_colour_labels(run: SensitivityRun | None) -> dict[str, str]:
    """The "Colour by" names of a sensitivity run's colourings (with its K)."""
    k = f"{run.mc.top_k}" if run is not None else "K"
    return {P_TOP_K: f"Chance of top {k}", RANK_RANGE: "Rank range (90\u00a0%)"}


def sensitivity_status(ds, run: SensitivityRun) -> str:
    """The status-bar line after a run: who is first, in what share of the draws."""
    mc = run.mc
    if not mc.alternatives:
        return "Sensitivity: nothing was ranked."
    first = mc.alternatives[0]
    return (f"Sensitivity: {ds.names.get(first, first)} first in "
            f"{percent_text(float(mc.p_first[0]))} of {mc.draws:,} draws")


def distinct_keys(*keys: QKeySequence.StandardKey | str) -> list[QKeySequence]:
    """Key sequences for one action, each once.

    A standard key (``QKeySequence.Undo``) often expands to the same keys as the explicit
    fallback (``Ctrl+Z``); an action listing one key twice makes Qt report an "ambiguous
    shortcut" and ignore the key altogether.
    """
    out: list[QKeySequence] = []
    for key in keys:
        seqs = (QKeySequence.keyBindings(key) if isinstance(key, QKeySequence.StandardKey)
                else [QKeySequence(key)])
        for seq in seqs:
            if not seq.isEmpty() and seq not in out:
                out.append(seq)
    return out


def default_window_size() -> tuple[int, int]:
    """1600 x 1000, or nine tenths of a smaller screen's free area."""
    from PySide6.QtGui import QGuiApplication

    screen = QGuiApplication.primaryScreen()
    if screen is None:
        return 1600, 1000
    free = screen.availableGeometry()
    if free.width() < 1000 or free.height() < 700:  # e.g. the offscreen platform's 800x600
        return 1600, 1000
    return min(1600, int(0.9 * free.width())), min(1000, int(0.9 * free.height()))


def fit_to_screen(rect: QRect, available: QRect, minimum: QSize,
                  frame: QMargins | None = None) -> QRect:
    """``rect`` (a window's client area) moved and shrunk so that, with its ``frame``, it lies
    inside ``available`` (a screen's free area); never smaller than ``minimum``."""
    m = frame or QMargins()
    w = max(minimum.width(), min(rect.width(), available.width() - m.left() - m.right()))
    h = max(minimum.height(), min(rect.height(), available.height() - m.top() - m.bottom()))
    left, top = available.left() + m.left(), available.top() + m.top()
    x = max(left, min(rect.x(), available.right() + 1 - m.right() - w))
    y = max(top, min(rect.y(), available.bottom() + 1 - m.bottom() - h))
    return QRect(x, y, w, h)


def app_settings() -> QSettings:
    """The window's QSettings (INI), honouring ``SITESELECT_SETTINGS_DIR``."""
    folder = os.environ.get("SITESELECT_SETTINGS_DIR")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        return QSettings(str(Path(folder) / SETTINGS_FILE), QSettings.IniFormat)
    return QSettings(QSettings.IniFormat, QSettings.UserScope, APP_NAME, "siteselect")


class ElidedRichLabel(QLabel):
    """One line of rich text that, when too wide, shows its plain text elided with "...".

    A wrapped header grew taller than the bar in a small window and ran into the controls
    beside it; this one keeps one line and may be as narrow as the layout needs.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._rich = ""
        self._plain = ""
        self.setTextFormat(Qt.RichText)
        self.setWordWrap(False)
        self.setSizePolicy(QSizePolicy.Ignored, QSizePolicy.Preferred)

    def set_rich_text(self, html: str) -> None:
        from PySide6.QtGui import QTextDocument

        if html == self._rich:
            return
        doc = QTextDocument()
        doc.setHtml(html)
        self._rich, self._plain = html, doc.toPlainText()
        self._fit()

    def full_text(self) -> str:
        return self._plain

    def is_elided(self) -> bool:
        return self.textFormat() == Qt.PlainText

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self._fit()

    def _fit(self) -> None:
        from PySide6.QtGui import QTextDocument

        doc = QTextDocument()
        doc.setDefaultFont(self.font())
        doc.setDocumentMargin(0)
        doc.setHtml(self._rich)
        room = self.contentsRect().width()
        if doc.idealWidth() <= room:
            self.setTextFormat(Qt.RichText)
            super().setText(self._rich)
        else:
            self.setTextFormat(Qt.PlainText)
            super().setText(self.fontMetrics().elidedText(self._plain, Qt.ElideRight, room))


class MainWindow(QMainWindow):
    """Map, weights, ranking and detail, live and linked."""

    def __init__(self, planner: Planner, *, shapes: MapShapes | None = None,
                 restore_settings: bool = True, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.planner = planner
        self._close_guards: list[Callable[[], bool]] = []
        self.setObjectName("MainWindow")
        self.setDockOptions(QMainWindow.AnimatedDocks | QMainWindow.AllowTabbedDocks)

        # Central: colour-by bar, map and legend.
        self.map_canvas = MapCanvasWidget(planner, shapes)
        # The map is what the window is for: the docks give way before it gets too small to
        # read, and the window's minimum size follows from that.
        self.map_canvas.setMinimumSize(MAP_MIN_WIDTH, MAP_MIN_HEIGHT)
        self.legend = ColourLegendWidget(planner, lambda: self.map_canvas.scale)
        self.colour_combo = QComboBox()
        self._fill_colour_combo(planner.dataset)
        self.colour_combo.setToolTip("Colour the map by the overall score or by one criterion's "
                                     "raw figures (darker is always better).")
        self.colour_combo.setMaxVisibleItems(30)
        self.colour_combo.setSizeAdjustPolicy(QComboBox.AdjustToMinimumContentsLengthWithIcon)
        self.colour_combo.setMinimumContentsLength(16)
        self.colour_combo.currentIndexChanged.connect(
            lambda _i: planner.set_colour_by(self.colour_combo.currentData()))
        self.reset_view_button = QPushButton("Reset View")
        self.reset_view_button.setToolTip("Show the whole country again (Ctrl+0)")
        self.reset_view_button.clicked.connect(self.map_canvas.reset_view)
        # Elided (full text in the tooltip) rather than wrapped into the Colour by controls.
        self.map_title = ElidedRichLabel()
        self.map_title.setMinimumWidth(80)
        self.gates_label = QLabel()
        self.gates_label.setWordWrap(True)
        self.gates_label.setStyleSheet("color:#444; padding:0 6px;")
        self.gates_label.setToolTip("Hard gates and exclusions: states that fail them are not "
                                    "ranked, whatever the weights (Gates & Exclusions tab).")
        self.gates_label.setVisible(False)
        self.banner = QLabel()
        self.banner.setTextFormat(Qt.PlainText)
        self.banner.setWordWrap(True)
        self.banner.setStyleSheet("background:#fde8e8; color:#8a1c1c; padding:4px; "
                                  "border:1px solid #e0a0a0;")
        self.banner.setVisible(False)
        # Where the map is: "United States › Texas", each step but the last a link back.
        self.breadcrumb = QLabel()
        self.breadcrumb.setTextFormat(Qt.RichText)
        self.breadcrumb.setObjectName("Breadcrumb")
        self.breadcrumb.setStyleSheet("padding:0 6px;")
        self.breadcrumb.linkActivated.connect(self._breadcrumb_link)
        self.breadcrumb.setToolTip("Click a step to go back to it")
        bar = QHBoxLayout()
        bar.setContentsMargins(6, 4, 6, 0)
        bar.addWidget(self.map_title, 1)
        colour_label = QLabel("Colo&ur by:")
        colour_label.setBuddy(self.colour_combo)  # Alt+U
        bar.addWidget(colour_label)
        bar.addWidget(self.colour_combo)
        bar.addWidget(self.reset_view_button)
        body = QHBoxLayout()
        body.setContentsMargins(0, 0, 0, 0)
        body.setSpacing(0)
        body.addWidget(self.map_canvas, 1)
        body.addWidget(self.legend)
        central = QWidget()
        central.setObjectName("MapArea")
        cl = QVBoxLayout(central)
        cl.setContentsMargins(0, 0, 0, 0)
        cl.setSpacing(2)
        cl.addWidget(self.breadcrumb)
        cl.addLayout(bar)
        cl.addWidget(self.gates_label)
        cl.addWidget(self.banner)
        cl.addLayout(body, 1)
        self.setCentralWidget(central)

        # Docks.
        self.weights_panel = WeightsPanelWidget(planner)
        self.ranking_table = RankingTableWidget(planner)
        self.detail_panel = StateDetailWidget(planner)
        self.weights_dock = self._dock("Weights", "WeightsDock", self.weights_panel)
        self.ranking_dock = self._dock("Ranking", "RankingDock", self.ranking_table)
        self.detail_dock = self._dock("State Detail", "DetailDock", self.detail_panel)
        self.setCorner(Qt.BottomLeftCorner, Qt.LeftDockWidgetArea)
        self.setCorner(Qt.BottomRightCorner, Qt.RightDockWidgetArea)
        self.addDockWidget(Qt.LeftDockWidgetArea, self.weights_dock)
        self.addDockWidget(Qt.BottomDockWidgetArea, self.ranking_dock)
        self.addDockWidget(Qt.RightDockWidgetArea, self.detail_dock)

        # Status bar.
        self.status_label = QLabel()
        self.status_label.setToolTip("Dataset version and scoring method")
        self.warning_label = QLabel()
        self.warning_label.setTextFormat(Qt.RichText)
        self.warning_label.linkActivated.connect(lambda _link: self.show_data_notes())
        self.statusBar().addPermanentWidget(self.warning_label)
        self.statusBar().addPermanentWidget(self.status_label)

        self._build_menus()
        self._build_level_bar()

        planner.result_changed.connect(self._show_result)
        planner.settings_changed.connect(self._show_result)
        planner.scoring_failed.connect(self._show_failure)
        planner.colour_by_changed.connect(self._show_colour_by)
        planner.sensitivity_changed.connect(self._show_sensitivity)
        planner.sensitivity_stale_changed.connect(lambda _stale: self._show_result())
        planner.document_name_changed.connect(self._update_title)
        planner.modified_changed.connect(self._update_title)
        self.map_canvas.state_hovered.connect(self._show_hover)
        self.map_canvas.state_double_clicked.connect(self.show_counties_of)
        planner.dataset_changed.connect(self._show_level)
        planner.selection_changed.connect(lambda _code: self._show_level_actions())
        # "Highlight top N" (set in the table) also outlines those states on the map.
        for show_top in (self.map_canvas.set_top_n, self.legend.set_top_n):
            planner.top_n_changed.connect(show_top)
            show_top(planner.top_n)

        self._hover_status: tuple[str, str] | None = None  # (state, message shown)
        self._default_state = None
        self._layout_restored = False
        self._geometry_restored = False
        self._shown_once = False
        self.resize(*default_window_size())
        self._show_result()
        self._show_colour_by(planner.colour_by)
        self._show_sensitivity(planner.sensitivity, announce=False)
        self._update_title()
        self._show_level(planner.dataset, announce=False)
        # Extensions first, so that their docks are part of the default layout and the saved
        # layout can put them back where the planner left them.
        extensions.install_all(self)
        self.apply_default_dock_sizes()
        self._default_state = self.saveState(SETTINGS_VERSION)
        if restore_settings:
            self.restore_settings()

    # -- construction helpers ----------------------------------------------------------------
    def _dock(self, title: str, name: str, widget: QWidget) -> QDockWidget:
        dock = QDockWidget(title, self)
        dock.setObjectName(name)
        dock.setWidget(widget)
        dock.setFeatures(QDockWidget.DockWidgetMovable | QDockWidget.DockWidgetFloatable
                         | QDockWidget.DockWidgetClosable)
        return dock

    def add_dock(self, dock: QDockWidget, area: Qt.DockWidgetArea = Qt.RightDockWidgetArea) -> None:
        """Add an extension's dock; it gets a View menu entry and is saved with the layout."""
        if not dock.objectName():
            dock.setObjectName(dock.windowTitle().replace(" ", "") + "Dock")
        self.addDockWidget(area, dock)
        self.panels_menu.addAction(dock.toggleViewAction())

    def add_close_guard(self, guard: Callable[[], bool]) -> None:
        """Register ``guard()``; closing goes ahead only if every guard returns True."""
        self._close_guards.append(guard)

    def apply_default_dock_sizes(self) -> None:
        """Give the map the most room: side panels about a quarter and a fifth of the width,
        within bounds that keep their controls whole, and the ranking about a third of the
        height."""
        w = max(self.width(), 1000)
        weights = min(420, max(330, int(0.25 * w)))
        detail = min(360, max(250, int(0.19 * w)))
        self.resizeDocks([self.weights_dock, self.detail_dock], [weights, detail], Qt.Horizontal)
        self.resizeDocks([self.ranking_dock], [max(220, int(0.36 * self.height()))], Qt.Vertical)

    def _action(self, text: str, slot: Callable, shortcut=None, tip: str = "") -> QAction:
        act = QAction(text, self)
        if shortcut is not None:
            if isinstance(shortcut, list):
                act.setShortcuts(shortcut)
            else:
                act.setShortcut(shortcut)
        if tip:
            act.setStatusTip(tip)
            act.setToolTip(tip)
        act.triggered.connect(lambda _checked=False: slot())
        return act

    def _build_menus(self) -> None:
        mb = self.menuBar()
        st = self.planner
        self.file_menu = mb.addMenu("&File")
        self.file_export_anchor = self.file_menu.addSeparator()
        self.quit_action = self._action("&Quit", self.close, QKeySequence.Quit, "Close SiteSelect")
        self.quit_action.setMenuRole(QAction.QuitRole)
        if self.quit_action.shortcut().isEmpty():  # no platform binding (e.g. offscreen)
            self.quit_action.setShortcut(QKeySequence("Ctrl+Q"))
        self.file_menu.addAction(self.quit_action)

        self.edit_menu = mb.addMenu("&Edit")
        self.undo_action = st.undo_stack.createUndoAction(self, "&Undo")
        self.undo_action.setShortcuts(distinct_keys(QKeySequence.Undo, "Ctrl+Z"))
        self.redo_action = st.undo_stack.createRedoAction(self, "&Redo")
        self.redo_action.setShortcuts(distinct_keys("Ctrl+Shift+Z", QKeySequence.Redo, "Ctrl+Y"))
        self.edit_menu.addAction(self.undo_action)
        self.edit_menu.addAction(self.redo_action)
        # Text boxes give the keys up to these actions unless they have typing to take back.
        self.undo_keys = UndoKeyRouter(self, self.undo_action, self.redo_action)
        self.edit_menu.addSeparator()
        wp = self.weights_panel
        # No shortcut: Ctrl+E is the conventional Export key, and one click on the panel's
        # button does the same.
        self.equal_action = self._action("&Equal Weights", wp.equal_weights, None,
                                         "Give every weighted criterion the same weight")
        self.default_action = self._action("Reset Weights to &Default", wp.default_weights,
                                           QKeySequence("Ctrl+Shift+R"),
                                           "Restore the default weighting")
        self.clear_gates_action = self._action("&Clear Gates and Exclusions", self.clear_gates,
                                               None, "Remove every gate and exclusion")
        self.find_action = self._action("&Find State...", self.focus_filter, QKeySequence.Find,
                                        "Filter the ranking by state code or name")
        for a in (self.equal_action, self.default_action, self.clear_gates_action):
            self.edit_menu.addAction(a)
        self.edit_menu.addSeparator()
        self.edit_menu.addAction(self.find_action)
        self.clear_selection_action = self._action("Clear &Selection", lambda: st.select(None),
                                                   QKeySequence("Esc"), "Deselect the state")
        self.edit_menu.addAction(self.clear_selection_action)

        self.view_menu = mb.addMenu("&View")
        self.reset_view_action = self._action("&Reset View", self.map_canvas.reset_view,
                                              QKeySequence("Ctrl+0"), "Show the whole country")
        self.zoom_in_action = self._action("Zoom &In", lambda: self._zoom(0.8),
                                           QKeySequence.ZoomIn, "Zoom into the map")
        self.zoom_out_action = self._action("Zoom &Out", lambda: self._zoom(1.25),
                                            QKeySequence.ZoomOut, "Zoom out of the map")
        for a in (self.reset_view_action, self.zoom_in_action, self.zoom_out_action):
            self.view_menu.addAction(a)
        self.view_menu.addSeparator()
        self.level_group = QActionGroup(self)
        self.states_action = self._action("&States", self.show_states,
                                          QKeySequence("Ctrl+Shift+1"), "Rank the states")
        self.counties_action = self._action("All &Counties", self.show_all_counties,
                                            QKeySequence("Ctrl+Shift+2"),
                                            "Rank every county of the country")
        for a in (self.states_action, self.counties_action):
            a.setCheckable(True)
            self.level_group.addAction(a)
        self.drill_action = self._action("Show Counties of the Selected State",
                                         self.show_counties_of_selected,
                                         QKeySequence("Ctrl+Shift+D"),
                                         "Rank the counties of the selected state")
        for a in (self.states_action, self.counties_action, self.drill_action):
            self.view_menu.addAction(a)
        self.view_menu.addSeparator()
        self.colour_menu = self.view_menu.addMenu("&Colour By")
        self.colour_group = QActionGroup(self)
        self.colour_actions: dict[str, QAction] = {}
        self._fill_colour_menu(st.dataset)
        self.view_menu.addSeparator()
        self.panels_menu = self.view_menu.addMenu("&Panels")
        for dock in (self.weights_dock, self.ranking_dock, self.detail_dock):
            self.panels_menu.addAction(dock.toggleViewAction())
        self.reset_layout_action = self._action("Reset &Layout", self.reset_layout, None,
                                                "Put the panels back where they started")
        self.view_menu.addAction(self.reset_layout_action)

        self.help_menu = mb.addMenu("&Help")
        self.sources_action = self._action("&Data Sources...", self.show_sources,
                                           QKeySequence.HelpContents,
                                           "Every criterion's source, URL, year and status")
        self.about_action = self._action("&About SiteSelect", lambda: show_about(st.dataset, self))
        self.about_action.setMenuRole(QAction.AboutRole)
        self.help_menu.addAction(self.sources_action)
        self.help_menu.addAction(self.about_action)

    def _fill_colour_menu(self, ds) -> None:
        """View › Colour By: the overall score, each criterion of the places shown, and the
        sensitivity colourings (rebuilt when the level changes)."""
        st = self.planner
        for act in self.colour_actions.values():
            self.colour_group.removeAction(act)
            act.setShortcut(QKeySequence())  # free Ctrl+1 for the new entry at once
            act.deleteLater()
        self.colour_actions.clear()
        self.colour_menu.clear()
        entries = [(SCORE, "Overall score")] + [(c.id, c.label) for c in ds.criteria]
        for i, (key, label) in enumerate(entries):
            act = QAction(label, self, checkable=True)
            if i == 0:
                act.setShortcut(QKeySequence("Ctrl+1"))
            act.triggered.connect(lambda _c=False, k=key: st.set_colour_by(k))
            self.colour_group.addAction(act)
            self.colour_menu.addAction(act)
            self.colour_actions[key] = act
            if i == 0:
                self.colour_menu.addSeparator()
        self.colour_menu.addSeparator()
        for key, label in sensitivity_colour_labels(None).items():
            act = QAction(label, self, checkable=True)
            act.triggered.connect(lambda _c=False, k=key: st.set_colour_by(k))
            self.colour_group.addAction(act)
            self.colour_menu.addAction(act)
            self.colour_actions[key] = act

    def _fill_colour_combo(self, ds) -> None:
        combo = self.colour_combo
        combo.blockSignals(True)
        combo.clear()
        combo.addItem("Overall score", SCORE)
        for crit in ds.criteria:
            combo.addItem(crit.label, crit.id)
        # A sensitivity run's colourings are listed from the start (disabled until a run
        # exists): the list, and so the bar, never changes size when a run finishes.
        combo.insertSeparator(combo.count())
        for key, label in sensitivity_colour_labels(None).items():
            combo.addItem(label, key)
        combo.blockSignals(False)

    def _build_level_bar(self) -> None:
        """The toolbar's "States | Counties" switch."""
        self.level_bar = QToolBar("Level", self)
        self.level_bar.setObjectName("LevelBar")
        self.level_bar.setMovable(False)
        self.level_buttons = QButtonGroup(self)
        self.level_buttons.setExclusive(True)
        for text, tip, slot in (
                ("States", "Rank the states (Ctrl+Shift+1)", self.show_states),
                ("Counties", "Rank counties: those of the selected state, or every county "
                 "(Ctrl+Shift+2); double-click a state to see its counties", self._counties)):
            button = QToolButton()
            button.setText(text)
            button.setToolTip(tip)
            button.setCheckable(True)
            button.setAutoRaise(False)
            button.clicked.connect(lambda _c=False, f=slot: f())
            self.level_buttons.addButton(button)
            self.level_bar.addWidget(button)
        self.states_button, self.counties_button = self.level_buttons.buttons()
        self.addToolBar(Qt.TopToolBarArea, self.level_bar)

    # -- levels ----------------------------------------------------------------------------------
    def show_states(self) -> None:
        self.planner.show_level("state")

    def show_all_counties(self) -> None:
        self.planner.show_level("county")

    def show_counties_of(self, state: str) -> None:
        self.planner.show_level("county", (state,))

    def show_counties_of_selected(self) -> None:
        st = self.planner
        if st.dataset.level == "state" and st.selected is not None:
            self.show_counties_of(st.selected)

    def _counties(self) -> None:
        """The switch's Counties: the selected state's counties, or all of them."""
        st = self.planner
        if st.dataset.level == "county":
            self._show_level_actions()
            return
        if st.selected is not None:
            self.show_counties_of(st.selected)
        else:
            self.show_all_counties()

    def _breadcrumb_link(self, link: str) -> None:
        if link == "states":
            self.show_states()
        elif link == "counties":
            self.show_all_counties()

    def _show_level_actions(self) -> None:
        st = self.planner
        counties = st.dataset.level == "county"
        self.states_button.setChecked(not counties)
        self.counties_button.setChecked(counties)
        self.states_action.setChecked(not counties)
        self.counties_action.setChecked(counties and not st.dataset.scope)
        sel = st.selected if not counties else None
        self.drill_action.setEnabled(sel is not None)
        self.drill_action.setText(f"Show Counties of {st.dataset.names[sel]}" if sel
                                  else "Show Counties of the Selected State")

    def _show_level(self, ds, announce: bool = True) -> None:
        """Rebuild the choices that list criteria or places for ``ds``; say where we are."""
        self._fill_colour_combo(ds)
        self._fill_colour_menu(ds)
        self._show_colour_by(self.planner.colour_by)
        self._show_sensitivity(self.planner.sensitivity, announce=False)
        word, plural = ds.alternatives.word, ds.alternatives.plural
        self.detail_dock.setWindowTitle(f"{word.capitalize()} Detail")
        self.find_action.setText(f"&Find {word.capitalize()}...")
        self.find_action.setStatusTip(f"Filter the ranking by {word} code or name")
        self.clear_selection_action.setStatusTip(f"Deselect the {word}")
        self.gates_label.setToolTip(f"Hard gates and exclusions: {plural} that fail them are "
                                    "not ranked, whatever the weights (Gates & Exclusions "
                                    "tab).")
        crumbs = ["United States"]
        if ds.level == "county":
            crumbs = ["<a href='states'>United States</a>"]
            if ds.scope:
                crumbs.append("<a href='counties'>All counties</a>")
                crumbs.append(escape(", ".join(state_name(ds, s) for s in ds.scope)))
            else:
                crumbs.append("All counties")
        self.breadcrumb.setText(" \u203a ".join(crumbs))
        self._show_level_actions()
        if announce:
            self.statusBar().showMessage(
                f"{level_title(ds)}: {len(ds.states):,} {plural}", 6000)

    # -- actions ---------------------------------------------------------------------------------
    def clear_gates(self) -> None:
        from dataclasses import replace

        s = self.planner.settings
        if s.gates or s.exclude:
            self.planner.set_settings(replace(s, gates=(), exclude=()),
                                      "Clear gates and exclusions")

    def focus_filter(self) -> None:
        self.ranking_dock.show()
        self.ranking_table.filter_edit.setFocus()
        self.ranking_table.filter_edit.selectAll()

    def _zoom(self, factor: float) -> None:
        self.map_canvas.viewbox.scaleBy((factor, factor))

    def show_sources(self) -> None:
        DataSourcesDialog(self.planner.dataset, self).exec()

    def reset_layout(self) -> None:
        if self._default_state is not None:
            for dock in (self.weights_dock, self.ranking_dock, self.detail_dock):
                dock.setFloating(False)
                dock.show()
            self.restoreState(self._default_state, SETTINGS_VERSION)
            self.apply_default_dock_sizes()
            # The restored layout settles on the next pass of the event loop; size the docks
            # for the window's actual width again then.
            QTimer.singleShot(0, self.apply_default_dock_sizes)

    # -- showing the state ----------------------------------------------------------------------
    def _update_title(self, *_args) -> None:
        mark = "*" if self.planner.modified else ""
        self.setWindowTitle(f"{self.planner.document_name}{mark} \u2014 {APP_NAME}")

    def _show_result(self, *_args) -> None:
        st = self.planner
        r = st.result
        if st.error is None:
            self.banner.setVisible(False)
        self._refresh_hover_status()
        ds = st.dataset
        method = METHOD_NAMES[r.method]
        self.status_label.setText(f"Dataset {ds.version} \u00b7 {settings_summary(r)}")
        n_out = len(r.excluded)
        what = escape(self._colour_by_label(st.colour_by))
        if st.colour_by in SENSITIVITY_KEYS and st.sensitivity_stale:
            what += " <span style='color:#a33'>(stale)</span>"
        n_crit = count_text(len(r.criteria), "criterion", "criteria")
        weighted = count_text(len(r.criteria), "weighted criterion", "weighted criteria")
        self.map_title.setToolTip(f"{what}: {method}, {weighted}")
        self.map_title.set_rich_text(
            f"<b>{what}</b> &nbsp;<span style='color:#555'>{method}, "
            f"{n_crit} &middot; {len(r)} ranked"
            + (f", {n_out} not ranked" if n_out else "") + "</span>")
        parts = [gate_text(ds, g) for g in st.settings.gates]
        if st.settings.exclude:
            parts.append("excluded: " + ", ".join(ds.names.get(c, c)
                                                  for c in sorted(st.settings.exclude)))
        gates = "<b>Gates:</b> " + escape("; ".join(parts)) if parts else ""
        if self.gates_label.text() != gates:
            self.gates_label.setText(gates)
            self.gates_label.setVisible(bool(parts))
            # Every gate and every excluded state counts once.
            n = len(st.settings.gates) + len(st.settings.exclude)
            self.weights_panel.tabs.setTabText(1, "Gates && Exclusions" + (f" ({n})" if n else ""))
        if r.warnings:
            n = len(r.warnings)
            self.warning_label.setText(f"<a href='notes'>\u26a0 {n} data note"
                                       + ("s" if n != 1 else "") + "</a>")
            self.warning_label.setToolTip("\n".join(note_text(ds, w) for w in r.warnings))
        else:
            self.warning_label.setText("")
            self.warning_label.setToolTip("")

    def show_data_notes(self) -> None:
        """List the current result's notes (missing figures, zero spread) in a dialog."""
        from PySide6.QtWidgets import QMessageBox

        notes = self.planner.result.warnings
        box = QMessageBox(self)
        box.setWindowTitle("Data notes")
        box.setIcon(QMessageBox.Information)
        box.setText("Notes on the current ranking:" if notes else "No notes on this ranking.")
        ds = self.planner.dataset
        box.setInformativeText("\n".join(f"\u2022 {note_text(ds, w)}" for w in notes))
        box.exec()

    def _show_failure(self, message: str) -> None:
        message = planner_message(self.planner.dataset, self.planner.settings, message)
        self.banner.setText(f"Cannot score these settings: {message} The map and ranking "
                            "still show the last valid result.")
        self.banner.setVisible(True)
        self.statusBar().showMessage(message, 8000)

    def _show_colour_by(self, key: str) -> None:
        i = self.colour_combo.findData(key)
        self.colour_combo.blockSignals(True)
        self.colour_combo.setCurrentIndex(i)
        self.colour_combo.blockSignals(False)
        act = self.colour_actions.get(key)
        if act:
            act.setChecked(True)
        self._show_result()

    def _colour_by_label(self, key: str) -> str:
        if key == SCORE:
            return "Overall score"
        if key in SENSITIVITY_KEYS:
            return sensitivity_colour_labels(self.planner.sensitivity)[key]
        return self.planner.dataset.criterion(key).label

    def _show_sensitivity(self, run: SensitivityRun | None, announce: bool = True) -> None:
        """Offer (or withdraw) the run's colourings, named with its K; say who came first."""
        model = self.colour_combo.model()
        for key, label in sensitivity_colour_labels(run).items():
            i = self.colour_combo.findData(key)
            self.colour_combo.setItemText(i, label)
            self.colour_combo.setItemData(i, None if run is not None else NO_RUN_TIP,
                                          Qt.ToolTipRole)
            if isinstance(model, QStandardItemModel):
                model.item(i).setEnabled(run is not None)
            act = self.colour_actions[key]
            act.setText(label)
            act.setEnabled(run is not None)
            act.setStatusTip("" if run is not None else NO_RUN_TIP)
        self._show_result()
        if run is not None and announce:
            self.statusBar().showMessage(sensitivity_status(self.planner.dataset, run), 15000)

    def _hover_message(self, code: str) -> str:
        st = self.planner
        i = st.result.position(code)
        name = st.dataset.names[code]
        if i is None:
            why = exclusion_text(st.dataset, st.settings, st.result, code)
            return f"{name}: not ranked ({why})"
        return (f"{name}: rank {int(st.result.ranks[i])} of {len(st.result)}, "
                f"score {float(st.result.scores[i]):.1f}")

    def _show_hover(self, code: str) -> None:
        self._hover_status = (code, self._hover_message(code))
        self.statusBar().showMessage(self._hover_status[1], 4000)

    def _refresh_hover_status(self) -> None:
        """A hover message still on the status bar is rewritten for the current result."""
        if self._hover_status is None:
            return
        code, shown = self._hover_status
        bar = self.statusBar()
        if bar.currentMessage() != shown:  # timed out or replaced meanwhile
            self._hover_status = None
            return
        msg = self._hover_message(code)
        if msg != shown:
            self._hover_status = (code, msg)
            bar.showMessage(msg, 4000)

    # -- settings persistence and closing ---------------------------------------------------------
    def restore_settings(self) -> None:
        qs = app_settings()
        geometry = qs.value("window/geometry")
        cramped = False
        if geometry is not None:
            self._geometry_restored = bool(self.restoreGeometry(geometry))
            # Closed cramped (at or near its minimum size), a window would open cramped on
            # every later start: it opens at the default size instead, where it was.
            # (Only where the screen has room for more.)
            least = self.minimumSizeHint().expandedTo(self.minimumSize())
            screen = self.screen()
            room = screen.availableGeometry().size() if screen is not None else QSize()
            if self._geometry_restored and not self.isMaximized() and (
                    self.width() < CRAMPED * least.width() <= room.width()
                    or self.height() < CRAMPED * least.height() <= room.height()):
                cramped = True
                self.resize(*default_window_size())
            # Saved on a bigger screen (or a monitor since unplugged): keep the window on
            # the screen it opens on.
            self.fit_to_screen()
        layout = qs.value("window/state")
        if layout is not None:
            # The docks keep their places; after a cramped window, not their sizes.
            self._layout_restored = (bool(self.restoreState(layout, SETTINGS_VERSION))
                                     and not cramped)
        colour = qs.value("view/colour_by")
        known = (SCORE, *self.planner.dataset.criterion_ids)
        if isinstance(colour, str) and colour in known:
            self.planner.set_colour_by(colour)
        top = qs.value("view/top_n")
        try:
            if top is not None:
                self.planner.set_top_n(int(top))
        except (TypeError, ValueError):
            log.warning("ignoring the unreadable setting view/top_n=%r", top)

    def save_settings(self) -> None:
        qs = app_settings()
        qs.setValue("window/geometry", self.saveGeometry())
        qs.setValue("window/state", self.saveState(SETTINGS_VERSION))
        qs.setValue("view/colour_by", self.planner.colour_by)
        qs.setValue("view/top_n", self.planner.top_n)
        qs.sync()

    def fit_to_screen(self) -> None:
        """Shrink and move the window so that it, frame included, fits the free area of the
        screen it is on."""
        from PySide6.QtGui import QGuiApplication

        screen = (QGuiApplication.screenAt(self.geometry().center()) or self.screen()
                  or QGuiApplication.primaryScreen())
        if screen is None or self.isMaximized() or self.isFullScreen():
            return
        geo = self.geometry()
        outer = self.frameGeometry()
        frame = QMargins(geo.left() - outer.left(), geo.top() - outer.top(),
                         outer.right() - geo.right(), outer.bottom() - geo.bottom())
        fitted = fit_to_screen(geo, screen.availableGeometry(), self.minimumSizeHint()
                               .expandedTo(self.minimumSize()), frame)
        if fitted != geo:
            self.setGeometry(fitted)

    def may_close(self) -> bool:
        """Ask every close guard; False as soon as one refuses."""
        return all(guard() for guard in list(self._close_guards))

    #: Below this height the ranking shows no more than a row or two.
    RANKING_MIN_USEFUL = 150

    def resizeEvent(self, event) -> None:  # Qt API
        super().resizeEvent(event)
        # A window shrunk to its minimum squeezes the ranking to its header; grown again,
        # Qt would give all the new room to the map. Give the ranking its share back.
        old, new = event.oldSize(), event.size()
        if (self._shown_once and old.isValid() and new.height() > old.height()
                and self.ranking_dock.isVisible() and not self.ranking_dock.isFloating()
                and self.ranking_dock.height() < self.RANKING_MIN_USEFUL
                and new.height() >= 2.5 * self.RANKING_MIN_USEFUL):
            QTimer.singleShot(0, lambda: self.resizeDocks(
                [self.ranking_dock], [max(self.RANKING_MIN_USEFUL, int(0.33 * self.height()))],
                Qt.Vertical))

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if not self._shown_once:
            self._shown_once = True
            if self._geometry_restored:
                # The frame is known only now: check again that the title bar is on screen.
                QTimer.singleShot(0, self.fit_to_screen)
            if not self._layout_restored:
                # The window may have come up smaller than built (a small screen): size the
                # docks for the width it really has, so the map keeps its share.
                QTimer.singleShot(0, self.apply_default_dock_sizes)

    def closeEvent(self, event: QCloseEvent) -> None:
        if not self.may_close():
            event.ignore()
            return
        self.save_settings()
        event.accept()
