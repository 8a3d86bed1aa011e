"""Lists a screen builds afresh (the survey's "about you" page, the staff's service list, the
citizen's service list while searching) leave no widget behind, however often they are
rebuilt: a kiosk rebuilds them all day and must not grow.

Counted the way tests/ui/test_qt_refcounts.py counts references: the same number after the
hundredth rebuild as after the first, with Qt's deferred deletions carried out in between.
"""
from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QEvent
from PySide6.QtWidgets import QApplication, QLabel, QVBoxLayout, QWidget
from uihelpers import find, visible_named

from kiosk.skm import ELEMENT_IDS
from ui.widgets import clear_layout


def widget_count(prefix: str = "", root: QWidget | None = None) -> int:
    """Live widgets, after Qt's deferred deletions: all of them, or (the tests of a window,
    where earlier tests' windows may still be going away) those named ``prefix...`` anywhere
    (a row taken out but never deleted is a parentless widget) plus ``root``'s descendants."""
    QCoreApplication.sendPostedEvents(None, QEvent.DeferredDelete)
    widgets = QApplication.allWidgets()
    if not prefix and root is None:
        return len(widgets)
    inside = set(root.findChildren(QWidget)) if root is not None else set()
    return sum(1 for w in widgets if w in inside or (prefix and w.objectName().startswith(prefix)))


def test_clear_layout_deletes_nested_rows_and_keeps_what_is_kept(qtbot):
    page = QWidget()
    qtbot.addWidget(page)
    lay = QVBoxLayout(page)
    kept = QLabel("kept")
    before = widget_count()
    for n in range(20):
        clear_layout(lay, keep=[kept])
        row = QVBoxLayout()  # a nested row: a loop over widget() alone would leave its label
        row.addWidget(QLabel(f"row {n}"))
        lay.addLayout(row)
        lay.addWidget(QLabel(f"plain {n}"))
        lay.addWidget(kept)
        lay.addStretch(1)
        if n == 0:
            first = widget_count()
    assert first == before + 2 and widget_count() == first
    assert [w.text() for w in page.findChildren(QLabel)] == ["kept", "row 19", "plain 19"]


def test_survey_profile_page_rebuilt_without_growing(qtbot, window):
    flow = window.flow
    flow.skm.start()
    for _ in ELEMENT_IDS:
        flow.skm.answer(3)
        flow.skm.advance()
    qtbot.wait(10)
    visible_named(window, "skm-age-45-54").click()
    counts = []
    for _ in range(30):  # forth to the gender page and back to the age page
        flow.skm.advance()
        qtbot.wait(1)
        flow.skm.back()
        qtbot.wait(1)
        counts.append(widget_count("skm-", root=window.current))
    assert counts[-1] == counts[0], counts
    assert visible_named(window, "skm-age-45-54").isChecked(), "the age she picked is still shown"
    assert not visible_named(window, "skm-age-55-64").isChecked()


def test_staff_service_list_rebuilt_without_growing(qtbot, make_window, core):
    from ui.screens.staff import ServicePicker

    picker = ServicePicker(core)
    qtbot.addWidget(picker)
    picker.fill()
    first = widget_count("pick-service-", root=picker)
    for _ in range(30):
        picker.fill(current="PSR-KEBERSIHAN")
    assert widget_count("pick-service-", root=picker) == first
    rows = picker.findChildren(QWidget, "pick-service-PSR-KEBERSIHAN")
    assert len(rows) == 1 and rows[0].isChecked(), "one row per service, the current one ticked"


def test_service_search_rebuilt_without_growing(qtbot, window):
    window.flow.start_report()
    search = find(window, "service-search")
    search.setText("xyzzy")  # the no-match notice joins the screen the first time it is shown
    search.setText("sampah")
    screen = window.current
    first = widget_count("service-", root=screen)
    for _ in range(15):
        search.setText("xyzzy")
        search.setText("sampah")
    assert widget_count("service-", root=screen) == first
    search.setText("xyzzy")
    empty = screen.empty
    qtbot.waitUntil(empty.isVisible, timeout=2000)  # "nothing matched" is said, not a blank list
    assert empty.text().startswith("Tidak ada layanan yang cocok")
