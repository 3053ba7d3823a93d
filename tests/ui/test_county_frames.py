"""Zoomed to some states' counties, the Alaska and Hawaii inset frames are not drawn over the
map (they sat over Mexico when Texas's counties were shown)."""


def test_inset_frames_follow_the_states_on_the_map(qtbot, window):
    planner, canvas = window.planner, window.map_canvas
    assert all(f.isVisible() for f in canvas._frames.values())
    planner.show_level("county", ("TX",))
    assert not any(f.isVisible() for f in canvas._frames.values())
    planner.show_level("county", ("AK", "TX"))
    assert canvas._frames["alaska"].isVisible() and not canvas._frames["hawaii"].isVisible()
    planner.show_level("county")
    assert all(f.isVisible() for f in canvas._frames.values())
    planner.undo_stack.undo()
    planner.undo_stack.undo()
    assert not any(f.isVisible() for f in canvas._frames.values())


def test_enter_in_the_filter_prefers_the_exact_name(qtbot, window):
    from PySide6.QtCore import Qt

    planner, table = window.planner, window.ranking_table
    planner.show_level("county", ("TX",))
    qtbot.keyClicks(table.filter_edit, "Harris")
    qtbot.keyClick(table.filter_edit, Qt.Key_Return)
    assert planner.selected == "48201"  # Harris County, not Harrison County (48203)
    table.filter_edit.clear()
    qtbot.keyClicks(table.filter_edit, "harrison county")
    qtbot.keyClick(table.filter_edit, Qt.Key_Return)
    assert planner.selected == "48203"
