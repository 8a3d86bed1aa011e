"""Screens that are rebuilt for every citizen free what they take out of their layouts.

``QLayout.takeAt`` hands the layout item to the caller, and PySide6 never frees it for the
caller: every question step, review and staff list leaked ~90 items a session (1.6 KB; the
soak's RSS rose 2 KB a session, about 150 MB over a year of a busy kiosk, until this).
The items are watched through their Python wrappers: one a layout item freed by
``ui.widgets.drop_item`` is no longer valid.
"""
from __future__ import annotations

import shiboken6
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget
from test_review import fill_six_answers

from ui.flow import REVIEW
from ui.widgets import clear_layout


def items_of(layout) -> list:
    out = []
    for i in range(layout.count()):
        item = layout.itemAt(i)
        out.append(item)
        if item.layout() is not None:
            out += items_of(item.layout())
    return out


def leaked(items: list) -> list:
    return [it for it in items if shiboken6.isValid(it) and it.layout() is None]


def test_clear_layout_frees_every_item_it_takes_out(qtbot):
    host = QWidget()
    qtbot.addWidget(host)
    lay = QVBoxLayout(host)
    inner = QVBoxLayout()
    for i in range(3):
        lay.addWidget(QLabel(f"baris {i}"))
        inner.addWidget(QLabel(f"dalam {i}"))
    lay.addLayout(inner)
    lay.addStretch(1)
    items = items_of(lay)
    assert len(items) == 3 + 1 + 3 + 1
    clear_layout(lay)
    assert leaked(items) == []


def test_the_review_and_the_question_steps_free_their_old_rows(qtbot, make_window, core):
    window = make_window(core)
    flow = window.flow
    fill_six_answers(flow)
    assert flow.screen == REVIEW
    review = window.current
    rows = items_of(review.rows)
    assert len(rows) >= 12
    flow.edit("location.stall")  # to that question, and back: the review is built again
    question = window.current
    held = items_of(question.editor_holder) + items_of(question.pad_holder)
    assert held
    flow.next()
    flow.next()  # on through the contact step to the review
    assert flow.screen == REVIEW, flow.all_errors
    qtbot.wait(50)
    assert leaked(rows) == [], "the review's old rows kept their layout items"
    flow.back()  # a question again: the earlier step's editor is torn down
    qtbot.wait(50)
    assert leaked(held) == []
