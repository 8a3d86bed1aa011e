"""No frame shows a word-wrapped text squeezed into less height than it needs.

A frame already due when a label got a longer text (the next question, the print outcome,
the review's rows, the staff queue summary) was painted before the layout made room for it:
for one frame (a quarter of a second on a busy kiosk) the words were cut to a sliver.  The
window now lays out what is pending before each frame (``MainWindow.event``).  Every paint of
every wrapped label is watched on a walk through every screen.
"""
from __future__ import annotations

import pytest
from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QApplication, QLabel
from uihelpers import tour

SLACK_PX = 4  # rounding between a label's heightForWidth and the layout's share


class SqueezeWatch(QObject):
    """Notes each paint of a wrapped label shorter than its text needs at its width."""

    def __init__(self) -> None:
        super().__init__()
        self.state = "start"
        self.squeezed: list[tuple[str, str, int, int]] = []

    def eventFilter(self, obj: QObject, ev: QEvent) -> bool:  # noqa: N802 (Qt API)
        if ev.type() == QEvent.Paint and isinstance(obj, QLabel) and obj.wordWrap() and obj.text():
            need = obj.heightForWidth(obj.width())
            if need > 0 and obj.height() < need - SLACK_PX:
                self.squeezed.append((self.state, obj.objectName() or obj.text()[:40], obj.height(), need))
        return False


def squeezed_paints(qtbot, steps) -> str:
    """Walk ``steps`` (a tour) watching every paint; the squeezed ones, one line each."""
    watch = SqueezeWatch()
    app = QApplication.instance()
    app.installEventFilter(watch)
    try:
        for state in steps:
            qtbot.wait(60)  # the frames after the change, and any late ones
            watch.state = f"after {state}"
    finally:
        app.removeEventFilter(watch)
    return "\n".join(f"{s}: {name!r} painted {h} px high, needs {n}" for s, name, h, n in dict.fromkeys(watch.squeezed))


@pytest.mark.parametrize("lang, size", [("jv", (1024, 768)), ("id", (1366, 768))])
def test_no_frame_paints_wrapped_text_squeezed(qtbot, make_window, core, lang, size):
    window = make_window(core, size=size)
    found = squeezed_paints(qtbot, tour(qtbot, window, lang=lang))
    assert not found, found


def test_no_survey_frame_paints_wrapped_text_squeezed(qtbot, make_window, core):
    from skm_tour import skm_tour

    window = make_window(core, size=(1024, 768))
    found = squeezed_paints(qtbot, skm_tour(qtbot, window, "jv", large=True))
    assert not found, found
