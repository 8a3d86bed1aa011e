"""Every survey screen and the staff's SKM page, for screenshots (navigation through the flow
directly: the behaviour is tested in test_skm.py)."""
from __future__ import annotations

from uihelpers import find, visible_named

from kiosk.skm import ELEMENT_IDS

SAMPLE = [
    ({"u1": 4, "u2": 3, "u3": 3, "u4": 4, "u5": 3, "u6": 4, "u7": 4, "u8": 2, "u9": 3},
     {"age": 47, "gender": "P", "education": "sma", "occupation": "pedagang"}, "Toilet pasar perlu dibersihkan tiap pagi."),
    ({"u1": 3, "u2": 3, "u3": 2, "u4": 4, "u5": 3, "u6": 3, "u7": 4, "u8": 2, "u9": 2},
     {"age": 63, "gender": "L", "education": "sd", "occupation": "pedagang"}, "Antrean loket terlalu lama."),
    ({"u1": 4, "u2": 4, "u3": 3, "u4": 4, "u5": 4, "u6": 4, "u7": 4, "u8": 3, "u9": 3},
     {"age": 29, "gender": "P", "education": "s1", "occupation": "swasta"}, ""),
]


def skm_tour(qtbot, window, lang: str, large: bool = False):
    """``large``: with the larger text on throughout (each wipe turns it off; it goes on again)."""
    from PySide6.QtCore import QEvent
    from PySide6.QtWidgets import QApplication

    flow = window.flow
    real_wipe = flow.wipe

    def wipe() -> None:
        real_wipe()
        if large:
            window.set_large_text(True)

    def settle() -> None:  # a page change re-lays the screen out: let the scroll range follow
        for _ in range(3):
            QApplication.sendPostedEvents(None, QEvent.LayoutRequest)
            qtbot.wait(30)
    wipe()
    flow.set_language(lang)
    settle()
    yield "welcome"
    flow.skm.start()
    settle()
    yield "question-1"
    flow.skm.answer(3)
    settle()
    yield "question-1-answered"
    for i, eid in enumerate(ELEMENT_IDS[:-1]):
        flow.skm.answer(3)
        flow.skm.advance()
    settle()
    yield "question-9"
    flow.skm.page = 7
    flow.skm.changed.emit()
    settle()
    yield "question-8"
    flow.skm.page = 8
    flow.skm.answer(4)
    flow.skm.advance()
    settle()
    yield "profile-age"
    visible_named(window, "skm-age-45-54").click()
    flow.skm.advance()
    settle()
    yield "profile-gender"
    visible_named(window, "skm-gender-P").click()
    flow.skm.advance()
    settle()
    yield "profile-education"
    flow.skm.advance()
    settle()
    yield "profile-occupation"
    flow.skm.advance()
    find(window, "skm-suggestion").setFocus()
    qtbot.waitUntil(lambda: window.keyboard.isVisible(), timeout=30000)
    qtbot.wait(150)
    find(window, "skm-suggestion").setPlainText("Toilet pasar perlu dibersihkan tiap pagi.")
    settle()
    yield "suggestion-keyboard"
    find(window, "skm-suggestion").clearFocus()
    with qtbot.waitSignal(flow.skm.saved, timeout=10000):
        flow.skm.submit()
    qtbot.waitUntil(lambda: not window.keyboard.isVisible(), timeout=5000)
    settle()
    yield "thanks"
    wipe()
    flow.set_language(lang)
    # after a service request: the offer on the done screen
    flow.start_report()
    flow.choose_service("PLN-PASANG")
    flow.set_value("description", "Pasang listrik baru di los ikan")
    flow.set_value("attributes.daya", flow.steps[1].options("id")[0][0])
    flow.set_anonymous(True)
    with qtbot.waitSignal(flow.submit_finished, timeout=15000):
        flow.submit()
    settle()
    yield "done-offer"
    wipe()
    flow.set_language(lang)
    window.core.skm.record([{"answers": a, "respondent": p, "suggestion": s, "language": lang} for a, p, s in SAMPLE])
    flow.staff_ok = True
    flow.skm.open_report()
    qtbot.waitUntil(lambda: find(window, "skm-ikm").text() not in ("", "IKM -"), timeout=5000)
    settle()
    yield "staff-report"
    wipe()
    settle()
