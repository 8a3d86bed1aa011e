"""Switching language retranslates live, keeps what was typed, and the receipt follows."""
from __future__ import annotations

from uihelpers import find, next_, start_service, tap, type_keys, visible_named

from kiosk.i18n import tr


def test_switch_language_mid_flow(qtbot, window, core):
    flow = window.flow
    assert find(window, "start-report").text() == tr("id", "Lapor / Ajukan")
    tap(qtbot, find(window, "lang-jv"))
    assert find(window, "start-report").text() == tr("jv", "Lapor / Ajukan")
    start_service(qtbot, window, "complaint", "PSR-KEBERSIHAN")
    type_keys(qtbot, window, "Sampah numpuk")
    next_(qtbot, window)
    step = flow.current_step
    assert visible_named(window, "question").text().startswith(step.attribute.description.get("jv"))

    # Mid-question, switch to English from the header: everything on screen follows.
    tap(qtbot, find(window, "header-lang-en"))
    assert visible_named(window, "question").text().startswith(step.attribute.description.get("en"))
    labels = [b.text().replace("&&", "&") for b in visible_named(window, "answer").buttons.values()]  # "&&" shows "&"
    assert labels == [label for _, label in step.options("en")]
    assert window.primary_button.text() == tr("en", "Lanjut")
    assert window.back_button.text() == tr("en", "Kembali")
    assert find(window, "status-network").text() in {tr("en", w) for w in ("Daring", "Luring", "Dijeda", "Belum diketahui")}
    # What was typed stays.
    tap(qtbot, window.back_button)
    assert visible_named(window, "answer").toPlainText() == "Sampah numpuk"
    assert visible_named(window, "step-progress").text() == tr("en", "Langkah {n} dari {total}", n=1, total=5)

    # The receipt and the validation messages follow the choice.
    flow.values["description"] = ""
    visible_named(window, "answer").clear()
    next_(qtbot, window)
    error = visible_named(window, "field-error").text()
    assert error == flow.errors("description")[0].text("en")
    assert error != flow.errors("description")[0].text("id")
    assert flow.draft().language == "en"


def test_javanese_due_day_is_the_same_word_on_screen_receipt_and_voice(qtbot, window, core):
    """The done screen, the printed receipt and the listen button all name the due day in its
    Javanese form (Rebo, not the Indonesian Rabu): one rule, kiosk/dates.py."""
    import pypdfium2 as pdfium
    from uihelpers import file_suggestion

    from kiosk.dates import WEEKDAYS, format_date

    tap(qtbot, find(window, "lang-jv"))
    file_suggestion(qtbot, window)
    due = window.flow.submitted.due_date
    words = format_date(due, "jv")
    assert words.startswith(WEEKDAYS["jv"][due.weekday()] + ", ")
    assert words in visible_named(window, "due-date").text()
    assert format_date(due, "jv", year=False) in window.current.spoken("jv")
    pdf = max(core.cfg.printer_path.glob("*.pdf"), key=lambda p: p.stat().st_mtime)
    doc = pdfium.PdfDocument(str(pdf))
    try:
        printed = " ".join(" ".join(page.get_textpage().get_text_range() for page in doc).split())
    finally:
        doc.close()
    assert words in printed.replace("\u00a0", " ")
