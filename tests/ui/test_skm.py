"""The satisfaction survey at the screen: tapped through in each language, the answers stored
(anonymously) only when the thanks appear, the idle wipe mid-survey, the offer after a service
request, and the staff's report page."""
from __future__ import annotations

import pytest
from test_staff_area import open_staff_area, tap_settled, with_pin
from uihelpers import find, ops_busy, scroll_into_view, tap, texts_on_screen, type_keys, visible_named

from kiosk.i18n import current_language, tr
from kiosk.skm import ELEMENT_IDS, answer_words

FAST = (0.8, 0.4)
PATTERN = (4, 3, 4, 2, 3, 4, 4, 1, 3)


def face(window, value):
    return visible_named(window, f"skm-answer-{value}")


def answer_all(qtbot, window, pattern=PATTERN):
    skm = window.flow.skm
    for i, value in enumerate(pattern):
        qtbot.waitUntil(lambda i=i: skm.page == i and face(window, value).isVisible(), timeout=5000)
        tap(qtbot, face(window, value))
    qtbot.waitUntil(lambda: skm.page == len(ELEMENT_IDS), timeout=5000)


@pytest.mark.parametrize("lang", ["id", "jv", "en"])
def test_survey_tapped_through_in_each_language(qtbot, window, lang):
    flow = window.flow
    tap(qtbot, find(window, f"lang-{lang}"))
    tap(qtbot, find(window, "start-skm"))
    assert flow.screen == "skm"
    # the first question's words in the chosen language, four faces, no Next to hunt for
    assert [face(window, v).accessibleName() for v in (1, 2, 3, 4)] == list(answer_words("u1", lang))
    assert not window.primary_button.isVisible()
    tap(qtbot, face(window, 2))
    qtbot.waitUntil(lambda: flow.skm.page == 1, timeout=5000)
    tap(qtbot, window.back_button)  # back keeps the answer lit
    assert flow.skm.page == 0 and face(window, 2).isChecked()
    answer_all(qtbot, window)
    # profile: four optional pages of big choices, one question each
    tap(qtbot, visible_named(window, "skm-age-45-54"))
    tap(qtbot, window.primary_button)
    tap(qtbot, visible_named(window, "skm-gender-P"))
    tap(qtbot, window.primary_button)
    tap(qtbot, window.primary_button)
    tap(qtbot, window.primary_button)  # education and occupation skipped
    assert find(window, "skm-suggestion").isVisible()
    tap(qtbot, find(window, "skm-suggestion"))
    type_keys(qtbot, window, "Toilet bersih")
    assert window.flow.skm.core.skm.store.count() == 0  # nothing stored before Kirim
    tap(qtbot, window.primary_button)
    qtbot.waitUntil(lambda: flow.skm.done, timeout=10000)
    assert find(window, "skm-thanks").isVisible()
    stored = window.core.skm.store.responses()
    assert len(stored) == 1
    r = stored[0]
    assert tuple(r.answers[e] for e in ELEMENT_IDS) == PATTERN
    assert (r.age, r.gender, r.education, r.language) == ("45-54", "P", "", lang)
    assert r.suggestion.startswith("Toilet bersih")
    tap(qtbot, window.primary_button)  # Selesai
    assert flow.screen == "welcome" and current_language() == "id"
    assert flow.skm.answers == {}


def test_idle_wipe_mid_survey_stores_nothing_and_leaves_nothing(qtbot, make_window, core):
    window = make_window(core, idle_timeout_s=600, idle_warning_s=30)
    flow = window.flow
    tap(qtbot, find(window, "lang-jv"))
    tap(qtbot, find(window, "start-skm"))
    answer_all(qtbot, window)
    for _ in range(4):  # the profile, skipped
        tap(qtbot, window.primary_button)
    tap(qtbot, find(window, "skm-suggestion"))
    type_keys(qtbot, window, "Rahasia")
    with qtbot.waitSignals([window.idle.warning_shown, window.idle.expired], order="strict", timeout=5000):
        window.idle.set_timeouts(*FAST)
    assert flow.screen == "welcome" and flow.language == "id"
    assert flow.skm.answers == {} and flow.skm.page == 0 and flow.skm.suggestion == ""
    assert not [t for t in texts_on_screen(window) if "Rahasia" in t]
    assert core.skm.store.count() == 0
    # the next person starts at question 1 with no face lit
    window.idle.set_timeouts(3600, 30)
    tap(qtbot, find(window, "start-skm"))
    assert flow.skm.page == 0 and not any(face(window, v).isChecked() for v in (1, 2, 3, 4))


def test_offered_after_a_service_request_and_unlinked_from_it(qtbot, window):
    flow = window.flow
    # a request filed through the flow (its screens are tested elsewhere), up to the done screen
    flow.start_report()
    flow.choose_service("PLN-PASANG")
    daya = flow.steps[1].options("id")[0][0]
    flow.set_value("description", "Minta pasang baru di los ikan")
    flow.set_value("attributes.daya", daya)
    flow.set_anonymous(True)
    flow.submit()
    qtbot.waitUntil(lambda: flow.screen == "done", timeout=15000)
    offer = find(window, "done-skm")
    assert offer.isVisible()
    assert f"Tekan {offer.text()}" in window.current.spoken("id"), "the listen button names the offer too"
    tap(qtbot, offer)
    assert flow.screen == "skm"
    assert flow.submitted is None and flow.values == {} and flow.service is None  # the request is forgotten
    assert not [t for t in texts_on_screen(window) if "Minta pasang" in t]
    answer_all(qtbot, window)


def test_not_offered_after_a_complaint(qtbot, window):
    from uihelpers import file_suggestion

    file_suggestion(qtbot, window)
    assert not find(window, "done-skm").isVisible()
    assert "Nilai layanan kami" not in window.current.spoken("id")


@pytest.mark.parametrize("lang", ["id", "jv", "en"])
def test_welcome_read_aloud_names_the_survey_button(qtbot, window, lang):
    tap(qtbot, find(window, f"lang-{lang}"))
    button = find(window, "start-skm")
    qtbot.waitUntil(lambda: button.text() == tr(lang, "Nilai layanan kami"), timeout=2000)
    assert button.isVisible()
    assert button.text() in window.current.spoken(lang)


def test_staff_report_page(qtbot, make_window, make_core, sim):
    core = with_pin(make_core(sim.base_url))
    core.cfg = core.cfg.replace(skm={"population": 100})
    core.skm.cfg = core.cfg
    core.skm.record([{"answers": dict(zip(ELEMENT_IDS, PATTERN))}, {"answers": dict(zip(ELEMENT_IDS, [3] * 9)),
                                                                      "suggestion": "Tambah kursi"}])
    # Seven distinct suggestions, one of them from three people: the page shows the most
    # frequent five with their counts, as the PDF does, and says how many more there are.
    others = ["Toilet dibersihkan", "Antrean pakai nomor", "Tambah kipas", "Parkir motor", "Petugas ramah", "Jam buka"]
    core.skm.record([{"answers": dict(zip(ELEMENT_IDS, [3] * 9)), "suggestion": t}
                     for t in ["Tambah kursi", "Tambah kursi", *others]])
    window = make_window(core)
    open_staff_area(qtbot, window)
    qtbot.waitUntil(lambda: not ops_busy(), timeout=5000)  # the queue and dead items are shown
    scroll_into_view(find(window, "staff-skm"))  # below the queue (the staff page scrolls at 1366x768)
    tap_settled(qtbot, find(window, "staff-skm"))
    assert window.flow.screen == "staff_skm"
    qtbot.waitUntil(lambda: "IKM" in find(window, "skm-ikm").text() and find(window, "skm-ikm").text() != "IKM -",
                    timeout=5000)
    report = core.skm.report()
    assert find(window, "skm-ikm").text() == "IKM " + f"{report.ikm:.2f}".replace(".", ",")
    assert f"({report.mutu}" in find(window, "skm-mutu").text() or report.mutu in find(window, "skm-mutu").text()
    assert "10" in find(window, "skm-respondents").text()
    assert "80" in find(window, "skm-sample").text()  # Krejcie-Morgan for 100
    assert find(window, "skm-bar-u8").format() == f"{report.nrr['u8']:.2f}".replace(".", ",")
    details = find(window, "skm-details").text().splitlines()
    shown = details[details.index("Saran dan masukan:") + 1:]
    assert shown[0] == "• Tambah kursi (3x)"
    assert len(shown) == 6 and {t.removeprefix("• ") for t in shown[1:5]} < set(others)
    assert shown[5] == "dan 2 saran lain: semuanya di berkas CSV ekspor"
    tap(qtbot, find(window, "skm-period-all"))
    tap(qtbot, window.back_button)
    assert window.flow.screen == "staff"


def _open_skm_page(qtbot, window):
    open_staff_area(qtbot, window)
    qtbot.waitUntil(lambda: not ops_busy(), timeout=5000)
    scroll_into_view(find(window, "staff-skm"))
    tap_settled(qtbot, find(window, "staff-skm"))
    assert window.flow.screen == "staff_skm"
    qtbot.waitUntil(lambda: not ops_busy(), timeout=5000)


def test_export_from_the_skm_page_asks_which_stick_and_writes_pdf_and_csv(qtbot, make_window, core, tmp_path,
                                                                           monkeypatch):
    """The bottom bar's "Ekspor ke flashdisk": sticks listed off the GUI thread, a choice when
    there are several, the report and the responses written to the chosen one only."""
    from kiosk.core import KioskCore
    from test_staff_area import visible

    with_pin(core)
    core.skm.record([{"answers": dict(zip(ELEMENT_IDS, PATTERN)), "suggestion": "Tambah kursi"}] * 3)
    media = tmp_path / "media" / "petugas"
    (media / "FLASHDISK").mkdir(parents=True)
    (media / "KINGSTON").mkdir()
    monkeypatch.setattr(core, "export_targets",
                        lambda: KioskCore.export_targets(core, roots=(str(media),), mounts_only=False))
    window = make_window(core)
    _open_skm_page(qtbot, window)
    assert window.primary_button.isVisible() and window.primary_button.text() == "Ekspor ke flashdisk"
    tap(qtbot, window.primary_button)
    qtbot.waitUntil(lambda: visible(window, "skm-export-target-1"), timeout=5000)
    assert "Pilih flashdisk" in find(window, "skm-message").text()
    choice = find(window, "skm-export-target-1")
    assert choice.text().endswith("KINGSTON")
    tap(qtbot, choice)
    qtbot.waitUntil(lambda: len(list((media / "KINGSTON").iterdir())) == 2 and not ops_busy(), timeout=10000)
    assert not list((media / "FLASHDISK").iterdir())
    assert sorted(p.suffix for p in (media / "KINGSTON").iterdir()) == [".csv", ".pdf"]
    csv_rows = next((media / "KINGSTON").glob("*.csv")).read_text(encoding="utf-8").splitlines()
    assert len(csv_rows) == 4 and all("Tambah kursi" in r for r in csv_rows[1:])
    qtbot.waitUntil(lambda: "KINGSTON" in find(window, "skm-message").text(), timeout=5000)
    assert not visible(window, "skm-export-target-0")
    assert window.primary_button.isEnabled()


def test_export_from_the_skm_page_without_a_stick_says_so(qtbot, make_window, core, monkeypatch):
    with_pin(core)
    monkeypatch.setattr(core, "export_targets", lambda: [])
    window = make_window(core)
    _open_skm_page(qtbot, window)
    tap(qtbot, window.primary_button)
    qtbot.waitUntil(lambda: "flashdisk" in find(window, "skm-message").text().lower(), timeout=5000)
    assert window.primary_button.isEnabled()
