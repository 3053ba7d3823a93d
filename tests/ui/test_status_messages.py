"""Status-bar messages fit the bar: a long scenario name is shortened in the middle."""

from __future__ import annotations

from siteselect.ui.dialogs import show_status


def test_a_long_message_is_shortened_in_the_middle_with_the_whole_text_in_the_tooltip(window):
    window.resize(1024, 700)
    name = "Board draft — power first, no sales-tax exemption no go, under nine cents, " * 2
    text = f"Saved “{name}” as revision 3."
    show_status(window, text)
    shown = window.statusBar().currentMessage()
    assert shown != text and "\u2026" in shown
    assert shown.startswith("Saved “Board") and shown.endswith("revision 3.")
    fm = window.statusBar().fontMetrics()
    assert fm.horizontalAdvance(shown) < window.statusBar().width()
    assert window.statusBar().toolTip() == text
    show_status(window, "Short.")
    assert window.statusBar().currentMessage() == "Short." and window.statusBar().toolTip() == ""
