"""What the kiosk says aloud, screen by screen and in each language (no Qt needed).

A listener must hear the question, its hint and each choice with its number; the tracking
code one character at a time in its groups; the due date as words; and nothing a voice would
read out as punctuation ("garis miring" for a slash) or an icon's name.
"""
from __future__ import annotations

import re
from datetime import date

import pytest

from kiosk import speech
from kiosk.i18n import LANGUAGES, tr

CODE = "T1MZQAD7SWP"  # shown as T1M-ZQAD-7SWP
SPELLED = "T, 1, M - Z, Q, A, D - 7, S, W, P"
DUE = date(2026, 11, 25)  # a Wednesday
DUE_WORDS = {"id": "Rabu, 25 November", "jv": "Rebo, 25 November", "en": "Wednesday, 25 November"}
READ_OUT = re.compile(r"[/:;()\[\]{}\u2026*#\"]|\.\.\.")


def heard(text: str) -> str:
    """What the voice gets: one line, nothing it would spell out as punctuation."""
    assert "\n" not in text
    assert not READ_OUT.search(text), f"punctuation a voice reads out in: {text!r}"
    return text


def ear(lang: str, msgid: str, **params) -> str:
    """A screen string as the ear gets it (the same translation, pauses for punctuation)."""
    return speech.for_ear(tr(lang, msgid, **params)).rstrip(".")


@pytest.mark.parametrize("lang", LANGUAGES)
def test_welcome_offers_languages_and_the_two_ways_in_numbered(lang):
    text = heard(speech.welcome(lang, ["id", "jv", "en"]))
    assert text.startswith(tr(lang, "Selamat datang"))
    assert "Bahasa Indonesia, Basa Jawa, English" in text
    first = tr(lang, "Pilihan {n}: {choice}", n=1, choice=tr(lang, "Lapor / Ajukan"))
    assert speech.for_ear(first) in text
    assert tr(lang, "Pilihan {n}: {choice}", n=2, choice="").split("{")[0].split(":")[0] in text
    assert ear(lang, "Cek status laporan") in text
    # The survey's button, under the two, is the third thing to press, by its own words.
    assert ear(lang, "Pilihan {n}: {choice}", n=3, choice=tr(lang, "Nilai layanan kami")) in text
    assert tr(lang, "Nilai layanan kami") not in speech.welcome(lang, ["id"], survey=False)
    # A one-language kiosk does not offer a choice of language.
    assert "Basa Jawa" not in speech.welcome(lang, ["id"])


@pytest.mark.parametrize("lang", LANGUAGES)
def test_services_are_numbered_through_the_groups(lang):
    text = heard(speech.services(lang, [("", "Kebersihan", ["Sampah menumpuk", "Toilet rusak"]),
                                       ("", "Keamanan", ["Pencurian"])]))
    assert text.startswith(tr(lang, "Pilih layanan"))
    order = [text.index(s) for s in ("Kebersihan", "Sampah menumpuk", "Toilet rusak", "Keamanan")]
    assert order == sorted(order)
    assert ear(lang, "Pilihan {n}: {choice}", n=3, choice="Pencurian") in text
    nothing = heard(speech.services(lang, []))
    assert ear(lang, "Tidak ada layanan yang cocok. Coba kata lain, atau pilih dari daftar.") in nothing


@pytest.mark.parametrize("lang", LANGUAGES)
def test_services_say_each_kinds_heading_once_above_its_groups(lang):
    complaints, requests = tr(lang, "Pengaduan"), tr(lang, "Permohonan layanan")
    text = heard(speech.services(lang, [(complaints, "Kebersihan", ["Sampah menumpuk"]),
                                       (complaints, "Keamanan", ["Pencurian"]),
                                       (requests, "Kependudukan", ["KTP elektronik"])]))
    assert text.count(f"{complaints}.") == 1 and text.count(f"{requests}.") == 1
    order = [text.index(s) for s in (complaints, "Kebersihan", "Keamanan", requests, "Kependudukan")]
    assert order == sorted(order)
    assert ear(lang, "Pilihan {n}: {choice}", n=3, choice="KTP elektronik") in text  # numbered through


@pytest.mark.parametrize("lang", LANGUAGES)
def test_question_reads_step_question_hint_and_choices(lang):
    text = heard(speech.question(
        lang, number=2, total=6, text="Kejadian apa?", hint=tr(lang, "Pilih satu"),
        options=["Pencurian", "Pencopetan", "Perkelahian atau keributan"],
    ))
    assert text.startswith(tr(lang, "Langkah {n} dari {total}", n=2, total=6))  # numbers as numbers
    assert text.index("Kejadian apa?") < text.index(tr(lang, "Pilih satu")) < text.index("Pencurian")
    assert ear(lang, "Pilihan {n}: {choice}", n=3, choice="Perkelahian atau keributan") in text


@pytest.mark.parametrize("lang", LANGUAGES)
def test_question_says_optional_and_reads_the_error_first(lang):
    text = heard(speech.question(
        lang, number=5, total=6, text=tr(lang, "Nomor HP untuk kabar perkembangan"),
        hint=tr(lang, "Contoh: 0812 3456 7890. Wajib diisi bila Anda menyebutkan nama."),
        optional=True, error="Nomor HP terlalu pendek.",
    ))
    assert text.startswith("Nomor HP terlalu pendek.")
    assert ear(lang, "(boleh dikosongkan)").strip(", ") in text
    # A phone number is read digit by digit in its groups, not as "three thousand four hundred".
    assert "0, 8, 1, 2 - 3, 4, 5, 6 - 7, 8, 9, 0" in text


@pytest.mark.parametrize("lang", LANGUAGES)
def test_review_reads_answers_but_never_a_name_phone_or_nik(lang):
    text = heard(speech.review(lang, kind_name=tr(lang, "Pengaduan"), service_name="Sampah menumpuk", answers=[
        speech.Answer("Ceritakan masalahnya dengan singkat", "Lampu los ikan mati / rusak"),
        speech.Answer("Siapa nama Anda?", "Budi Santoso", private=True),
        speech.Answer("Nomor HP untuk kabar perkembangan", "081234567890", private=True),
        speech.Answer("NIK", "", private=True),
    ]))
    assert tr(lang, "Periksa laporan Anda") in text
    assert "Lampu los ikan mati, rusak" in text
    assert "Budi" not in text and "0812" not in text and "0, 8" not in text
    assert f"Siapa nama Anda? {tr(lang, 'sudah diisi')}" in text
    assert text.endswith(speech.for_ear(tr(lang, "Jika ada yang salah, tekan Ubah. Jika sudah benar, tekan Kirim.")))


@pytest.mark.parametrize("lang", LANGUAGES)
def test_sending_says_wait_and_what_is_happening(lang):
    assert heard(speech.sending(lang, "saving")) == speech.join(
        [tr(lang, "Mohon tunggu sebentar"), tr(lang, "Menyimpan laporan Anda…")])
    assert ear(lang, "Laporan tersimpan. Mencetak tanda terima…") in speech.sending(lang, "printing")


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("printed", [True, False], ids=["printed", "printer-failed"])
def test_done_spells_the_code_and_says_the_due_date_in_words(lang, printed):
    text = heard(speech.done(lang, code=CODE, service_name="Sampah menumpuk", due=DUE, printed=printed,
                             print_message="", online=False))
    assert text.count(SPELLED) == 2  # said, then once more
    assert "T1M" not in text and "ZQAD" not in text
    assert ear(lang, "Akan ditangani paling lambat: {date}", date=DUE_WORDS[lang]) in text
    assert "2026" not in text and "25/11" not in text
    if printed:
        assert ear(lang, "Ambil tanda terima Anda di bawah layar.") in text
    else:
        assert ear(lang, "Silakan foto kode dan QR di layar ini. Petugas dapat mencetak ulang tanda terima Anda.") in text
    assert ear(lang, "Laporan Anda akan dikirim otomatis.") in text
    assert tr(lang, "Nilai layanan kami") not in text, "no survey offered after a complaint"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_done_after_a_request_names_the_survey_button_last(lang):
    text = heard(speech.done(lang, code=CODE, service_name="KTP baru", due=DUE, printed=True, survey=True))
    button = tr(lang, "Nilai layanan kami")
    offer = ear(lang, "Ingin menilai layanan kami? Tekan {button}. Penilaian tanpa nama.", button=button)
    assert text.endswith(offer + "."), text
    assert text.index(SPELLED) < text.index(button)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_status_spells_the_example_and_the_answer(lang):
    ask = heard(speech.status(lang))
    assert "A, B, C - 1, 2, 3, 4 - 5, 6, 7, 8" in ask
    assert "ABC" not in ask
    answer = heard(speech.status(lang, speech.StatusAnswer(
        message="Sedang ditangani petugas.", code=CODE, service_name="Sampah menumpuk",
        notes="Petugas sudah datang", agency="DLH", due=DUE)))
    assert "Sedang ditangani petugas." in answer
    assert SPELLED in answer
    assert DUE_WORDS[lang] in answer
    assert ear(lang, "Mencari…") in speech.status(lang, searching=True)


def test_ear_rules():
    assert speech.spell_code("t1m-zqad-7swp") == SPELLED
    assert speech.for_ear("Lapor / Ajukan") == "Lapor, Ajukan."
    assert speech.for_ear("Check a report's status") == "Check a report's status."
    assert speech.for_ear("Nomor kios (jika ada)") == "Nomor kios, jika ada."
    assert speech.for_ear("Menyimpan…\nLangkah 2 dari 6") == "Menyimpan. Langkah 2 dari 6."
    assert speech.say_date(date(2026, 12, 25), "id") == "Jumat, 25 Desember"
    assert set(speech.VOICE_LANGUAGES) == set(LANGUAGES)
    assert speech.VOICE_LANGUAGES["jv"][-1] == "id"  # Javanese is read with the Indonesian voice


@pytest.mark.parametrize("lang", LANGUAGES)
def test_idle_warning_asks_and_offers_the_one_answer(lang):
    text = heard(speech.idle(lang))
    assert text.startswith(tr(lang, "Masih di sana?"))
    assert ear(lang, "Ya, saya masih di sini") in text
