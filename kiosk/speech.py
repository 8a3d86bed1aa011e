"""What the kiosk says aloud: each citizen screen's words, made for the ear (issue #12).

Many of the kiosk's users read slowly or not at all.  The "Dengarkan" (listen) button reads
what the screen asks and offers; this module builds that text, the UI only plays it.  Each
screen has one function here, taking the language and the same values and message ids the
screen shows, so the spoken words are translated with the screen's and testable without Qt.

Made for the ear, not a dump of the widgets:

- tracking codes are spelled one character at a time in their groups
  (``T, 1, M - Z, Q, A, D - 7, S, W, P``); phone numbers digit by digit;
- dates are words (``Rabu, 25 November``, Babel's CLDR data for id, jv and en);
- other numbers stay numbers (the voice says "dua dari enam");
- choices are numbered (``Pilihan 1, Pengaduan``);
- no icon names, and no punctuation a voice would read out (``/`` is "garis miring" to
  espeak-ng): colons, slashes, brackets and ellipses become pauses.

Nothing a citizen typed that identifies them (name, phone, NIK) is read aloud: a market is a
public place.  The review says such answers are filled in, not what they are.

Javanese has no voice of its own: Javanese screens are read with the Indonesian voice, whose
spelling is close (``VOICE_LANGUAGES``).
"""
from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from kiosk.i18n import LANGUAGE_NAMES, N_, tr

MODES = ("off", "button", "always")
# The voices that can read a screen language, best first (a voice's language code).
VOICE_LANGUAGES: dict[str, tuple[str, ...]] = {"id": ("id",), "jv": ("jv", "id"), "en": ("en",)}

_CODE = re.compile(r"\b[0-9A-Z]{2,}(?:-[0-9A-Z]{2,}){1,3}\b")
_PHONE = re.compile(r"(?<![\w+])(\+?\d{2,4}(?:[ -]\d{3,4}){1,3})(?![\w])")
_PAUSES = re.compile(r"[ \t]*(?:[:;/|()\[\]{}]|\u2026|\.\.\.)[ \t]*")
_SILENT = re.compile(r"[\"`*_#~^<>\u201c\u201d\u2022]|(?<!\w)['\u2018\u2019]|['\u2018\u2019](?!\w)")
_END = (".", "!", "?")


def spell(text: str) -> str:
    """``T1M-ZQAD`` -> ``T, 1, M - Z, Q, A, D``: one character at a time, a pause per group."""
    groups = [g for g in re.split(r"[-\s]+", text.strip()) if g]
    return " - ".join(", ".join(group) for group in groups)


def spell_code(code: str) -> str:
    """A tracking code (with or without its hyphens) spelled in the groups the receipt prints."""
    from kiosk.tracking import format_code

    bare = re.sub(r"[-\s]", "", code.upper())
    return spell(format_code(bare) if len(bare) == 11 else code.upper())


def say_date(d: date, lang: str) -> str:
    """``Rabu, 25 November``: weekday, day and month as words (the year is this one or next)."""
    from babel.dates import format_date  # (babel: ~40 ms, not at start-up)

    return format_date(d, "EEEE, d MMMM", locale=lang if lang in VOICE_LANGUAGES else "id")


def for_ear(text: str) -> str:
    """Free screen text made speakable: codes and phone numbers spelled, punctuation that a
    voice would read out turned into pauses, lines into sentences."""
    text = _CODE.sub(lambda m: spell(m.group(0)), text)
    text = _PHONE.sub(lambda m: spell(m.group(1)), text)
    text = _SILENT.sub("", text)
    text = _PAUSES.sub(", ", text)
    lines = [re.sub(r"\s+", " ", ln).strip(" ,") for ln in text.splitlines()]
    return " ".join(_sentence(ln) for ln in lines if ln)


def _sentence(text: str) -> str:
    text = re.sub(r"\s*,\s*(?=[.!?]$)", "", text.strip())
    text = re.sub(r"(\s*,)+", ",", text)
    text = re.sub(r"([!?]),", r"\1", text)  # "Siapa nama Anda?: Budi" -> "Siapa nama Anda? Budi"
    return text if not text or text.endswith(_END) else text + "."


def join(parts: Iterable[str]) -> str:
    """Sentences for the voice, each ended so the voice pauses between them."""
    return " ".join(s for s in (for_ear(p) for p in parts if p) if s)


def choices(lang: str, labels: Sequence[str], start: int = 1) -> list[str]:
    """``Pilihan 1, Pengaduan`` for each label, numbered from ``start``."""
    return [tr(lang, N_("Pilihan {n}: {choice}"), n=i, choice=label) for i, label in enumerate(labels, start)]


# -- one function per citizen screen ---------------------------------------------------------
def welcome(lang: str, languages: Sequence[str]) -> str:
    """The attract screen: greeting, the languages on offer, the two ways in."""
    names = ", ".join(LANGUAGE_NAMES.get(code, code) for code in languages)
    return join([
        tr(lang, N_("Selamat datang")),
        tr(lang, N_("Sampaikan pengaduan atau ajukan permohonan layanan di sini. Mudah dan gratis.")),
        f"{tr(lang, N_('Pilih bahasa:'))} {names}" if len(languages) > 1 else "",
        *choices(lang, [tr(lang, N_("Lapor / Ajukan")), tr(lang, N_("Cek status laporan"))]),
    ])


def kind(lang: str) -> str:
    """Complaint or service request, each with its example."""
    options = [
        f"{tr(lang, N_('Pengaduan'))}. {tr(lang, N_('Ada masalah atau keluhan, misalnya sampah, atap bocor, air mati.'))}",
        f"{tr(lang, N_('Permohonan layanan'))}. "
        f"{tr(lang, N_('Minta layanan atau informasi, misalnya KTP, KK, pajak kendaraan.'))}",
    ]
    return join([tr(lang, N_("Apa yang ingin Anda sampaikan?")), *choices(lang, options)])


def services(lang: str, sections: Sequence[tuple[str, str, Sequence[str]]]) -> str:
    """The service list: under each kind's heading (complaints, then service requests) each
    group's name, then its services, numbered through the whole list.

    ``sections`` are ``(kind heading, group name, [service names])`` in screen order; a
    heading is said where it changes, as the screen shows it once above its groups.  Either
    may be "" (one kind listed, a search result, services outside any group).  An empty list
    says the search found nothing.
    """
    parts = [tr(lang, N_("Pilih layanan"))]
    n = 1
    heading = ""
    for kind, name, members in sections:
        if kind and kind != heading:
            parts.append(kind)
        heading = kind
        if name:
            parts.append(name)
        parts += choices(lang, members, start=n)
        n += len(members)
    if n == 1:
        parts.append(tr(lang, N_("Tidak ada layanan yang cocok. Coba kata lain, atau pilih dari daftar.")))
    parts.append(tr(lang, N_("Cari: misalnya sampah, KTP, air")))
    return join(parts)


def question(
    lang: str,
    *,
    number: int,
    total: int,
    text: str,
    hint: str = "",
    optional: bool = False,
    notes: Sequence[str] = (),
    options: Sequence[str] = (),
    error: str = "",
) -> str:
    """One question of the form: where we are, the question, its hint, its choices, and the
    error if the last answer was refused (read first: it is why the citizen is still here)."""
    asked = f"{text} {tr(lang, N_('(boleh dikosongkan)'))}" if optional else text
    return join([
        error,
        tr(lang, N_("Langkah {n} dari {total}"), n=number, total=total),
        asked,
        *notes,
        hint,
        *choices(lang, options),
    ])


@dataclass(frozen=True)
class Answer:
    """One line of the review: the question and what is shown; ``private`` answers (name,
    phone, NIK) are said to be filled in, never read out."""

    question: str
    shown: str
    private: bool = False
    error: str = ""


def review(lang: str, *, kind_name: str, service_name: str, answers: Sequence[Answer], error: str = "") -> str:
    """The check before sending: what is being sent, each answer, then how to change or send."""
    parts = [error, tr(lang, N_("Periksa laporan Anda")), f"{kind_name}: {service_name}"]
    for a in answers:
        said = tr(lang, N_("sudah diisi")) if a.private and a.shown else a.shown
        parts += [f"{a.question}: {said}", a.error]
    parts.append(tr(lang, N_("Jika ada yang salah, tekan Ubah. Jika sudah benar, tekan Kirim.")))
    return join(parts)


def sending(lang: str, stage: str) -> str:
    """Saving and printing: please wait, and which of the two is happening."""
    msgid = N_("Laporan tersimpan. Mencetak tanda terima…") if stage == "printing" else N_("Menyimpan laporan Anda…")
    return join([tr(lang, N_("Mohon tunggu sebentar")), tr(lang, msgid)])


def done(
    lang: str,
    *,
    code: str,
    service_name: str,
    due: date,
    printed: bool,
    print_message: str = "",
    online: bool = False,
) -> str:
    """The end: saved, the code spelled (twice: it is what the citizen must keep), the due
    date as words, where the receipt is (or that staff can reprint it)."""
    spelled = spell_code(code)
    if printed:
        head = [tr(lang, N_("Terima kasih! Laporan Anda sudah tersimpan.")), print_message,
                tr(lang, N_("Ambil tanda terima Anda di bawah layar."))]
    else:
        head = [tr(lang, N_("Laporan Anda sudah tersimpan.")),
                print_message or tr(lang, N_("Tanda terima tidak dapat dicetak.")),
                tr(lang, N_("Silakan foto kode dan QR di layar ini. Petugas dapat mencetak ulang tanda terima Anda."))]
    sent = N_("Laporan Anda sedang dikirim ke petugas.") if online else N_("Laporan Anda akan dikirim otomatis.")
    return join([
        *head,
        f"{tr(lang, N_('Kode laporan Anda:'))} {spelled}",
        tr(lang, N_("Sekali lagi: {code}"), code=spelled),
        service_name,
        tr(lang, N_("Akan ditangani paling lambat: {date}"), date=say_date(due, lang)),
        tr(lang, sent),
        tr(lang, N_("Cek status kapan saja dengan kode ini di kios, atau pindai QR dengan ponsel.")),
    ])


@dataclass(frozen=True)
class StatusAnswer:
    """What the status screen shows about a code (the core's ``StatusResult`` fields)."""

    message: str
    code: str = ""
    service_name: str = ""
    notes: str = ""
    agency: str = ""
    due: date | None = None


def status(lang: str, answer: StatusAnswer | None = None, *, searching: bool = False) -> str:
    """Check status: how to type the code, then the answer once there is one."""
    parts = [tr(lang, N_("Cek status laporan"))]
    if searching:
        parts.append(tr(lang, N_("Mencari…")))
    elif answer is None:
        parts.append(tr(lang, N_("Ketik kode yang tercetak di tanda terima, misalnya ABC-1234-5678.")))
    else:
        parts.append(answer.message)
        if answer.code:
            parts.append(tr(lang, N_("Kode: {code}"), code=spell_code(answer.code)))
        if answer.service_name:
            parts.append(tr(lang, N_("Layanan: {service}"), service=answer.service_name))
        if answer.notes:
            parts.append(tr(lang, N_("Catatan petugas: {notes}"), notes=answer.notes))
        if answer.agency:
            parts.append(tr(lang, N_("Ditangani oleh: {agency}"), agency=answer.agency))
        if answer.due is not None:
            parts.append(tr(lang, N_("Paling lambat: {date}"), date=say_date(answer.due, lang)))
    return join(parts)


def idle(lang: str) -> str:
    """The "still there?" warning before the wipe."""
    return join([tr(lang, N_("Masih di sana?")),
                 tr(lang, N_("Demi keamanan data Anda, isian akan dihapus jika tidak ada jawaban.")),
                 tr(lang, N_("Ya, saya masih di sini"))])
