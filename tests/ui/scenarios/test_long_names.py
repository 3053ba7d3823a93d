"""A scenario name of the longest allowed length stays readable everywhere it is shown."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QInputDialog, QMessageBox

from siteselect.model.scenario import NAME_MAX

LONG = ("Board draft for the Thursday meeting, power first, then talent, "
        "then taxes and water, v12 final")[:NAME_MAX]


def test_long_names_are_elided_with_the_whole_name_in_the_tooltip(qtbot, window,
                                                                  monkeypatch):
    assert len(LONG) > 60
    qtbot.waitUntil(lambda: window.scenario_controller.loaded)
    ctl, ui = window.scenario_controller, window.scenario_ui
    monkeypatch.setattr(QInputDialog, "getText", staticmethod(lambda *_a, **_k: (LONG, True)))
    window.weights_panel.rows["talent"].spin.setValue(40.0)
    assert ctl.save_as()
    # Status bar
    assert len(ui.status_label.text()) <= len("Scenario: ") + 41
    assert ui.status_label.text().endswith("\u2026")
    assert LONG in ui.status_label.toolTip()
    # Panel: heading and list
    assert LONG not in ui.panel.current_label.text()
    assert ui.panel.current_label.toolTip() == LONG
    row = ui.panel.model.names().index(LONG)
    shown = ui.panel.model.index(row, 0).data()
    assert len(shown) <= 40 and shown.endswith("\u2026")
    assert LONG in ui.panel.model.index(row, 0).data(Qt.ToolTipRole)
    # Open dialog
    dlg = ui.show_open()  # deletes itself when closed
    dlg.search.setText("Board draft")
    assert len(dlg.model.index(0, 0).data()) <= 40
    assert dlg.view.horizontalHeader().sectionSize(0) < dlg.width() / 2
    dlg.reject()
    # Scenario menu: Undo after a delete names the scenario, shortened.
    monkeypatch.setattr(QMessageBox, "question",
                        staticmethod(lambda *_a, **_k: QMessageBox.Yes))
    assert ctl.delete(LONG)
    text = ui.undo_delete_action.text()
    assert text.startswith("&Undo") and LONG not in text and len(text) <= 80
    assert LONG in ui.undo_delete_action.toolTip()
    ui.undo_delete_action.trigger()
    assert LONG in ui.panel.model.names()
    # Revisions dialog title
    rev = ui.show_revisions(LONG)
    qtbot.addWidget(rev)
    assert LONG not in rev.windowTitle() and len(rev.windowTitle()) < 60
