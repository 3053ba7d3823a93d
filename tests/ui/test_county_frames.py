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
