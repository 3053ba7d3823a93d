"""Data > Import Table… and Data > Manage Data…, driven with real files and a real database."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QMessageBox

from siteselect.model.scenario import Scenario
from siteselect.model.settings import ScoringSettings
from siteselect.storage import ScenarioStore
from siteselect.ui.data_dialogs import PROBLEM_COLUMNS, ImportTableDialog, ManageDataDialog
from tests.own_tables import write_state_table


def write(folder, stem, values, cid="land_price", extra_rows=()):
    return write_state_table(folder, stem, cid, values, label="Land price", unit="USD/acre",
                             source="Broker survey", extra_rows=extra_rows)

@pytest.fixture
def store(tmp_path):
    s = ScenarioStore.open(tmp_path / "d.db")
    yield s
    s.close()


def test_a_clean_table_previews_with_units_and_directions_then_imports(qtbot, tmp_path, store):
    path = write(tmp_path, "land", {"TX": "2500", "OK": "1800"})
    dlg = ImportTableDialog(store, path=str(path))
    qtbot.addWidget(dlg)
    assert dlg.stack.currentIndex() == 0 and dlg.import_button.isEnabled()
    headers = [dlg.preview.horizontalHeaderItem(j).text()
               for j in range(dlg.preview.columnCount())]
    assert headers[:2] == ["state", "name"]
    assert headers[2] == "Land price\nUSD/acre, lower is better"
    assert "Ready to import “land”" in dlg.summary.text()
    row = [dlg.preview.item(r, 0).text() for r in range(dlg.preview.rowCount())].index("TX")
    assert dlg.preview.item(row, 2).text() == "2500"
    wy = [dlg.preview.item(r, 0).text() for r in range(dlg.preview.rowCount())].index("WY")
    assert dlg.preview.item(wy, 2).text() == "missing"
    qtbot.mouseClick(dlg.import_button, Qt.LeftButton)
    assert dlg.result() == QDialog.Accepted
    assert dlg.imported.stored.version == 1
    assert [t.name for t in store.current_tables()] == ["land"]


def test_problems_are_listed_sortable_and_nothing_imports(qtbot, tmp_path, store):
    path = write(tmp_path, "bad", {"TX": "cheap", "OK": "-3"}, extra_rows=[["ZZ", "4"]])
    dlg = ImportTableDialog(store, path=str(path))
    qtbot.addWidget(dlg)
    assert dlg.stack.currentIndex() == 1
    assert not dlg.import_button.isEnabled() and dlg.report_button.isEnabled()
    m = dlg.problem_model
    rows = [[m.item(r, c).text() for c in range(m.columnCount())] for r in range(m.rowCount())]
    values = {r[PROBLEM_COLUMNS.index("Value")] for r in rows}
    assert {"cheap", "ZZ"} <= values
    # sort by row number, descending: numbers, not text
    dlg.problem_view.sortByColumn(PROBLEM_COLUMNS.index("Row"), Qt.DescendingOrder)
    shown = [m.item(r, 1).data(Qt.UserRole) for r in range(m.rowCount())]
    numbers = [v for v in shown if v]
    assert numbers == sorted(numbers, reverse=True)
    assert "nothing can be imported" in dlg.summary.text()
    assert store.current_tables() == []


def test_manage_lists_users_and_removal_names_them(qtbot, tmp_path, store, monkeypatch):
    path = write(tmp_path, "land", {"TX": "2500"})
    dlg = ImportTableDialog(store, path=str(path))
    qtbot.addWidget(dlg)
    dlg.do_import()
    store.save(Scenario("Board", settings=ScoringSettings(weights={"land_price": 1}),
                        tables=store.current_refs()))
    manage = ManageDataDialog(store)
    qtbot.addWidget(manage)
    assert manage.view.rowCount() == 1
    cells = [manage.view.item(0, c).text() for c in range(manage.view.columnCount())]
    assert cells[0] == "land" and "Broker survey 2026" in cells[4]
    assert "Board (uses version 1)" in cells[7]
    asked = []

    def answer(parent, title, text, *a, **k):
        asked.append(text)
        return QMessageBox.Yes

    monkeypatch.setattr(QMessageBox, "question", answer)
    manage.view.selectRow(0)
    assert manage.remove_button.isEnabled()
    qtbot.mouseClick(manage.remove_button, Qt.LeftButton)
    assert "“Board” (version 1)" in asked[0]
    assert manage.view.rowCount() == 0 and manage.changed
    assert "No tables of your own yet" in manage.intro.text()


def test_a_new_version_says_what_changes(qtbot, tmp_path, store):
    first = ImportTableDialog(store, path=str(write(tmp_path, "a", {"TX": "2500", "OK": "1"})),
                              name="Land")
    qtbot.addWidget(first)
    first.do_import()
    second = ImportTableDialog(store, name="Land", path=str(write(
        tmp_path, "b", {"TX": "2400", "OK": "1", "NM": "900"})))
    qtbot.addWidget(second)
    text = second.summary.text()
    assert "version 2 of “Land” (version 1 is kept" in text
    assert "land_price: 1 changed, 1 added" in text
