"""Checking and cleaning what a citizen typed, one field at a time or all at once.

``normalize(draft, service)`` returns the cleaned draft that is stored and sent;
``validate(draft, service, cfg)`` lists every problem as a :class:`FieldError` whose message
is an Indonesian msgid (translated with ``FieldError.text(lang)``) naming the field in plain
words; ``validate_field`` does the same for one dotted field path, so the screen can check
one question before moving on.  Both validators normalize first, so they accept raw input
too, and ``normalize`` is idempotent.

Decisions (the why):

- **Description longer than 4,000 characters is an error, not a silent cut.**  The server
  takes at most 4,000 (DESIGN.md), but cutting a citizen's words without telling them loses
  the end of their story, often the part that matters ("...and it happened again today").
  ``normalize`` cleans but never cuts; ``validate`` refuses with the count, and the screen
  limits the field to 4,000 so a citizen never gets there.  Nothing longer ever passes.
- **Text** is NFC-normalised, stripped of control characters except newline and tab (CR/LF
  and Unicode line separators become ``\\n``; lone surrogates, which cannot be sent as UTF-8,
  are dropped) and trimmed.  Emoji, Javanese script and zero-width joiners stay.
- **A reporter who is not anonymous needs a name and a way to reach them: a phone number,
  or an e-mail address when they have no phone.**  Follow-up in East Java is by phone or
  WhatsApp, so the screen asks for a phone; ``kiosk enqueue`` (assisted filing) may carry an
  e-mail instead.  The error is put on ``reporter.phone``.  Anonymous needs neither, and
  ``normalize`` drops any name, phone, e-mail or NIK typed before choosing anonymity, so
  they are never stored.
- **Phone numbers** are parsed with Google's libphonenumber (``phonenumbers``) for Indonesia
  and stored as E.164 ``+628...``; ``08...``, ``628...``, ``+62 8...`` with spaces, dashes,
  dots or brackets are accepted.  Mobile and fixed-line numbers are accepted (a stall
  keeper may only have the market office's line); other countries are refused.
- **NIK**: 16 digits; the first two a real province code; the date of birth (digits 7-12,
  DDMMYY, women DD+40) a real date not in the future; the last four not ``0000``.  The
  province codes are the real ones (11-19, 21, 31-36, 51-53, 61-65, 71-76, 81-82, 91-96)
  rather than the plain range 11-94, so more typos are caught and the 2022 Papua provinces
  pass.
- **Numbers** accept the Indonesian decimal comma and thousands dots (``2,5``, ``1.500.000``,
  ``Rp 15.000``) and are stored with a decimal point (``2.5``, ``1500000``), which is what
  Open311 servers parse.  **Dates** accept ISO 8601 and ``dd/mm/yyyy HH:MM`` (or just the
  date) and are stored as ISO 8601 with the kiosk's +07:00 offset.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import replace
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal, InvalidOperation
from typing import Any

from kiosk.config import Config
from kiosk.i18n import N_
from kiosk.model import Attribute, AttributeValue, Draft, FieldError, Location, Reporter, Service

MAX_DESCRIPTION = 4000
MAX_NAME = 100
MAX_EMAIL = 254
MAX_ADDRESS = 200
MAX_STALL = 12
MAX_STRING = 200  # an Open311 "string" attribute: one line
MAX_TEXT = 2000  # an Open311 "text" attribute: a paragraph
WIB = timezone(timedelta(hours=7))

PROVINCE_CODES = frozenset({
    11, 12, 13, 14, 15, 16, 17, 18, 19, 21, 31, 32, 33, 34, 35, 36, 51, 52, 53,
    61, 62, 63, 64, 65, 71, 72, 73, 74, 75, 76, 81, 82, 91, 92, 93, 94, 95, 96,
})

REPORTER_FIELDS = ("reporter.name", "reporter.phone", "reporter.email", "reporter.nik")
FIXED_FIELDS = ("description", *REPORTER_FIELDS, "location.stall", "location.address_string")

# Messages.  Each names the field in the words on the screen; {params} are filled per language.
M_DESCRIPTION_EMPTY = N_("Uraian wajib diisi. Ceritakan dengan singkat apa yang terjadi atau yang Anda perlukan.")
M_DESCRIPTION_LONG = N_("Uraian terlalu panjang: {count} huruf. Paling banyak 4.000 huruf.")
M_NAME_EMPTY = N_("Nama wajib diisi, atau pilih untuk tidak menyebut nama.")
M_NAME_LONG = N_("Nama terlalu panjang. Paling banyak 100 huruf.")
M_NAME_NO_LETTER = N_("Nama harus berisi huruf.")
M_CONTACT_EMPTY = N_("Nomor HP wajib diisi agar petugas bisa mengabari Anda, atau pilih untuk tidak menyebut nama.")
M_PHONE_PREFIX = N_("Nomor HP harus diawali 08 atau +62.")
M_PHONE_CHARS = N_("Nomor HP hanya boleh berisi angka.")
M_PHONE_SHORT = N_("Nomor HP terlalu pendek. Periksa lagi angkanya.")
M_PHONE_LONG = N_("Nomor HP terlalu panjang. Periksa lagi angkanya.")
M_PHONE_INVALID = N_("Nomor HP tidak dikenal. Periksa lagi angkanya.")
M_EMAIL_INVALID = N_("Alamat e-mail tidak benar. Contoh: nama@gmail.com")
M_NIK_CHARS = N_("NIK hanya boleh berisi angka.")
M_NIK_LENGTH = N_("NIK harus 16 angka. Yang Anda isi {count} angka.")
M_NIK_PROVINCE = N_("Dua angka pertama NIK bukan kode provinsi. Periksa lagi NIK di KTP Anda.")
M_NIK_REGION = N_("Angka ke-3 sampai ke-6 NIK (kode kabupaten dan kecamatan) tidak benar. Periksa lagi NIK Anda.")
M_NIK_BIRTHDATE = N_("Tanggal lahir di dalam NIK (angka ke-7 sampai ke-12) tidak benar. Periksa lagi NIK Anda.")
M_NIK_SERIAL = N_("Empat angka terakhir NIK tidak boleh 0000. Periksa lagi NIK Anda.")
M_NIK_REQUIRED = N_("NIK wajib diisi untuk layanan ini.")
M_STALL_CHARS = N_("Nomor kios hanya boleh berisi huruf, angka, dan tanda -")
M_STALL_LONG = N_("Nomor kios terlalu panjang. Paling banyak 12 huruf atau angka.")
M_ADDRESS_LONG = N_("Alamat terlalu panjang. Paling banyak 200 huruf.")
M_REQUIRED = N_("Pertanyaan ini wajib dijawab.")
M_CHOOSE_ONE = N_("Pilih salah satu jawaban.")
M_CHOOSE_ONLY_ONE = N_("Pilih satu jawaban saja.")
M_CHOOSE_AT_LEAST_ONE = N_("Pilih paling sedikit satu jawaban.")
M_NOT_IN_LIST = N_("Jawaban ini tidak ada di daftar pilihan. Silakan pilih lagi.")
M_NUMBER = N_("Jawaban harus berupa angka, misalnya 3 atau 2,5.")
M_DATETIME = N_("Tanggal tidak dikenali. Tulis seperti 21/11/2026 08:30.")
M_DIGITS = N_("Jawaban ini hanya boleh berisi angka.")
M_STRING_LONG = N_("Jawaban terlalu panjang: {count} huruf. Paling banyak {max} huruf.")
M_UNKNOWN_ATTRIBUTE = N_("Pertanyaan ini bukan bagian dari layanan yang dipilih.")

_EMAIL = re.compile(r"^[^@\s]+@[^@\s.]+(\.[^@\s.]+)+$")
_STALL = re.compile(r"^[A-Z0-9](?:[A-Z0-9 ./-]*[A-Z0-9])?$")
_PHONE_PUNCT = re.compile(r"[\s\-.()/]+")
_NUMBER_CHARS = re.compile(r"^[+-]?[0-9.,]+$")
_THOUSANDS_DOTS = re.compile(r"^[+-]?[1-9]\d{0,2}(\.\d{3})+$")
_THOUSANDS_COMMAS = re.compile(r"^[+-]?\d{1,3}(,\d{3}){2,}$")
_DMY = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})(?:[ ,T]+(\d{1,2})[:.](\d{2})(?:[:.](\d{2}))?)?$")
_LINE_BREAKS = re.compile(r"\r\n|[\r\u2028\u2029\x85\x0b\x0c]")


# --------------------------------------------------------------------------------------
# building blocks (also used by the UI's live formatting and by tests)


def clean_text(text: str, multiline: bool = True) -> str:
    """NFC text without control characters (newline and tab kept when ``multiline``), trimmed.

    Single-line fields get every run of whitespace collapsed to one space.
    """
    if not isinstance(text, str):
        text = "" if text is None else str(text)
    text = _LINE_BREAKS.sub("\n", text)
    kept = []
    for ch in text:
        cat = unicodedata.category(ch)
        if cat == "Cs":
            continue  # a lone surrogate cannot be encoded as UTF-8
        if cat == "Cc" and not (multiline and ch in "\n\t"):
            kept.append(" " if ch in "\n\t" else "")
            continue
        kept.append(ch)
    text = unicodedata.normalize("NFC", "".join(kept))
    if not multiline:
        return " ".join(text.split())
    lines = [line.rstrip() for line in text.split("\n")]
    text = "\n".join(lines).strip()
    return re.sub(r"\n{3,}", "\n\n", text)


def _phone_candidate(text: str) -> str:
    """``08..``, ``628..``, ``+62 8..`` with punctuation -> a string phonenumbers parses."""
    compact = _PHONE_PUNCT.sub("", text)
    if compact.startswith("00"):
        compact = "+" + compact[2:]
    elif compact.startswith("62"):
        compact = "+" + compact
    return compact


def phone_problem(text: str) -> str | None:
    """The msgid of what is wrong with a phone number, or ``None`` if it is a good Indonesian one."""
    cleaned = clean_text(text, multiline=False)
    if not cleaned:
        return None
    compact = _phone_candidate(cleaned)
    if not re.fullmatch(r"\+?[0-9]+", compact):
        return M_PHONE_CHARS
    if not (compact.startswith("0") or compact.startswith("+62")):
        return M_PHONE_PREFIX
    nsn = compact[3:] if compact.startswith("+62") else compact[1:]
    # Mobile numbers (8xx) have 9-12 digits after 0/+62, fixed lines (area code + subscriber) 7-11.
    if len(nsn) < (9 if nsn.startswith("8") else 7):
        return M_PHONE_SHORT
    if len(nsn) > 12:
        return M_PHONE_LONG
    import phonenumbers  # here: ~70 ms the kiosk's welcome screen does not wait for

    try:
        number = phonenumbers.parse(compact, "ID")
    except phonenumbers.NumberParseException:
        return M_PHONE_INVALID
    if number.country_code != 62:
        return M_PHONE_PREFIX
    if not phonenumbers.is_valid_number(number):
        return M_PHONE_INVALID
    kind = phonenumbers.number_type(number)
    if kind not in (phonenumbers.PhoneNumberType.MOBILE, phonenumbers.PhoneNumberType.FIXED_LINE,
                    phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE):
        return M_PHONE_INVALID
    return None


def normalize_phone(text: str) -> str:
    """E.164 (``+6281234567890``) for a good Indonesian number; otherwise the cleaned input,
    unchanged, so ``validate`` can say what is wrong with what the citizen typed."""
    cleaned = clean_text(text, multiline=False)
    if not cleaned or phone_problem(cleaned) is not None:
        return cleaned
    import phonenumbers

    number = phonenumbers.parse(_phone_candidate(cleaned), "ID")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def normalize_nik(text: str) -> str:
    """Digits of a NIK typed with spaces, dots or dashes (as it is printed on some cards)."""
    cleaned = clean_text(text, multiline=False)
    # Removing characters can bring a base letter and a combining mark together: NFC again.
    return unicodedata.normalize("NFC", re.sub(r"[\s.\-]+", "", cleaned))


def check_nik(text: str, today: date | None = None) -> str | None:
    """The msgid of what is wrong with a NIK, or ``None`` if it is plausible."""
    nik = normalize_nik(text)
    if not nik.isascii() or not nik.isdigit():
        return M_NIK_CHARS
    if len(nik) != 16:
        return M_NIK_LENGTH
    if int(nik[0:2]) not in PROVINCE_CODES:
        return M_NIK_PROVINCE
    if nik[2:4] == "00" or nik[4:6] == "00":
        return M_NIK_REGION
    if nik_birth_date(nik, today) is None:
        return M_NIK_BIRTHDATE
    if nik[12:16] == "0000":
        return M_NIK_SERIAL
    return None


def nik_birth_date(nik: str, today: date | None = None) -> date | None:
    """The date of birth coded in a NIK (women's day is +40), or ``None`` if it is not a real
    past date.  The century is the latest one that puts the date in the past."""
    today = today or datetime.now(WIB).date()
    try:
        day, month, yy = int(nik[6:8]), int(nik[8:10]), int(nik[10:12])
    except (ValueError, IndexError):
        return None
    if day > 40:
        day -= 40
    for century in (2000, 1900):
        try:
            born = date(century + yy, month, day)
        except ValueError:
            continue
        if born <= today:
            return born
    return None


def parse_number(text: str) -> Decimal | None:
    """A number as Indonesians write it (``2,5``, ``1.500.000``, ``Rp 15.000``), or ``None``."""
    compact = re.sub(r"\s+", "", clean_text(text, multiline=False))
    compact = re.sub(r"^(?i:rp\.?)", "", compact)
    compact = re.sub(r"[.,]-$", "", compact)  # "15.000,-": how prices are written
    if not compact or not _NUMBER_CHARS.match(compact):
        return None
    if "." in compact and "," in compact:
        # The later separator is the decimal one: 1.500,25 (Indonesian) or 1,500.25 (English).
        if compact.rfind(",") > compact.rfind("."):
            compact = compact.replace(".", "").replace(",", ".")
        else:
            compact = compact.replace(",", "")
    elif "," in compact:
        compact = compact.replace(",", "") if _THOUSANDS_COMMAS.match(compact) else compact.replace(",", ".")
    elif _THOUSANDS_DOTS.match(compact):
        compact = compact.replace(".", "")  # Indonesian thousands: 15.000
    if compact.count(".") > 1:
        return None
    try:
        value = Decimal(compact)
    except InvalidOperation:
        return None
    return value if value.is_finite() else None


def format_number(value: Decimal) -> str:
    """``Decimal('2.50')`` -> ``"2.5"``; ``Decimal('1E+6')`` -> ``"1000000"`` (no exponent)."""
    text = format(value, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    if _THOUSANDS_DOTS.match(text):
        # "1.234" would read back as one thousand two hundred and thirty-four: "1.2340" cannot.
        text += "0"
    return "0" if text in ("-0", "+0", "") else text


def parse_datetime(text: str) -> datetime | date | None:
    """ISO 8601, ``dd/mm/yyyy HH:MM`` or ``dd/mm/yyyy``; a time without offset is WIB."""
    cleaned = clean_text(text, multiline=False)
    if not cleaned:
        return None
    m = _DMY.match(cleaned)
    try:
        if m:
            d, mo, y, hh, mm, ss = m.groups()
            if hh is None:
                return date(int(y), int(mo), int(d))
            return datetime(int(y), int(mo), int(d), int(hh), int(mm), int(ss or 0), tzinfo=WIB)
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", cleaned):
            return date.fromisoformat(cleaned)
        if not re.match(r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}", cleaned):
            return None
        value = datetime.fromisoformat(cleaned.replace(" ", "T", 1).replace("Z", "+00:00"))
    except ValueError:
        return None
    return value if value.tzinfo else value.replace(tzinfo=WIB)


def _date_in_range(value: datetime | date) -> bool:
    return 1900 <= value.year <= 2100


def format_datetime(value: datetime | date) -> str:
    if isinstance(value, datetime):
        return value.isoformat(timespec="minutes" if value.second == 0 else "seconds")
    return value.isoformat()


def normalize_stall(text: str) -> str:
    """``" b 12 "`` -> ``"B 12"``: upper case, one space; the shape is checked by ``validate``."""
    return unicodedata.normalize("NFC", clean_text(text, multiline=False).upper())


def _stall_problem(stall: str) -> str | None:
    if not stall:
        return None
    if len(stall) > MAX_STALL:
        return M_STALL_LONG
    if not _STALL.match(stall):
        return M_STALL_CHARS
    return None


# --------------------------------------------------------------------------------------
# attributes


def _values(value: AttributeValue | None) -> list[str]:
    if value is None:
        return []
    if isinstance(value, (list, tuple)):
        return [str(v) for v in value]
    return [str(value)]


def _normalize_attribute(attr: Attribute, value: Any) -> AttributeValue:
    if attr.datatype == "multivaluelist":
        out: list[str] = []
        for v in _values(value):
            v = clean_text(v, multiline=False)
            if v and v not in out:
                out.append(v)
        return out
    values = [clean_text(v, multiline=False) for v in _values(value)]
    values = [v for v in values if v]
    if attr.datatype == "singlevaluelist":
        return values[0] if len(values) == 1 else (values if values else "")
    text = values[0] if len(values) == 1 else " ".join(values)
    if attr.datatype == "text":
        raw = _values(value)
        text = clean_text(raw[0] if len(raw) == 1 else "\n".join(raw), multiline=True)
    elif attr.datatype == "number":
        parsed = parse_number(text)
        return format_number(parsed) if parsed is not None else text
    elif attr.datatype == "datetime":
        parsed = parse_datetime(text)
        return format_datetime(parsed) if parsed is not None and _date_in_range(parsed) else text
    if attr.input_hint == "phone":
        return normalize_phone(text)
    if attr.input_hint == "nik":
        return normalize_nik(text)
    if attr.input_hint == "stall":
        return normalize_stall(text)
    if attr.input_hint == "digits" and attr.datatype == "string":
        compact = re.sub(r"[\s\-.]+", "", text)
        return compact if compact.isascii() and compact.isdigit() else text
    return text


def _attribute_errors(attr: Attribute, value: AttributeValue | None) -> list[str]:
    """msgids for one attribute value (already normalized)."""
    values = [v for v in _values(value) if v.strip()]
    field_required = attr.required and attr.variable
    if attr.datatype == "multivaluelist":
        if not values:
            return [M_CHOOSE_AT_LEAST_ONE] if field_required else []
        keys = {v.key for v in attr.values}
        return [M_NOT_IN_LIST] if keys and any(v not in keys for v in values) else []
    if attr.datatype == "singlevaluelist":
        if not values:
            return [M_CHOOSE_ONE] if field_required else []
        if len(values) > 1:
            return [M_CHOOSE_ONLY_ONE]
        keys = {v.key for v in attr.values}
        return [M_NOT_IN_LIST] if keys and values[0] not in keys else []
    if not values:
        if field_required:
            return [M_NIK_REQUIRED] if attr.input_hint == "nik" else [M_REQUIRED]
        return []
    text = values[0]
    if attr.datatype == "number":
        return [] if parse_number(text) is not None else [M_NUMBER]
    if attr.datatype == "datetime":
        parsed = parse_datetime(text)
        return [] if parsed is not None and _date_in_range(parsed) else [M_DATETIME]
    if attr.input_hint == "nik":
        problem = check_nik(text)
        return [problem] if problem else []
    if attr.input_hint == "phone":
        problem = phone_problem(text)
        return [problem] if problem else []
    if attr.input_hint == "stall":
        problem = _stall_problem(text)
        return [problem] if problem else []
    if attr.input_hint == "digits" and attr.datatype == "string" and not (text.isascii() and text.isdigit()):
        return [M_DIGITS]
    return []


def _length_error(attr: Attribute, value: AttributeValue | None) -> FieldError | None:
    if attr.datatype not in ("string", "text"):
        return None
    limit = MAX_TEXT if attr.datatype == "text" else MAX_STRING
    text = " ".join(_values(value))
    if len(text) > limit:
        return FieldError(f"attributes.{attr.code}", M_STRING_LONG, {"count": len(text), "max": limit})
    return None


# --------------------------------------------------------------------------------------
# the draft


def _nik_attribute(service: Service) -> Attribute | None:
    return next((a for a in service.attributes if a.input_hint == "nik" and a.variable), None)


def normalize(draft: Draft, service: Service) -> Draft:
    """The cleaned draft: what is stored and sent.  Never raises, never cuts text, idempotent."""
    by_code = {a.code: a for a in service.attributes}
    attributes: dict[str, AttributeValue] = {}
    for code, value in dict(draft.attributes or {}).items():
        attr = by_code.get(code)
        if attr is None:
            # Unknown codes are kept (cleaned) so validate() can name them; never sent unchecked.
            attributes[code] = [clean_text(v, False) for v in value] if isinstance(value, (list, tuple)) \
                else clean_text(value, multiline=False)
            continue
        normalized = _normalize_attribute(attr, value)
        if normalized not in ("", []):
            attributes[code] = normalized
    rep = draft.reporter
    if rep.anonymous:
        reporter = Reporter(anonymous=True)
    else:
        reporter = Reporter(
            name=clean_text(rep.name, multiline=False),
            phone=normalize_phone(rep.phone),
            email=unicodedata.normalize("NFC", clean_text(rep.email, multiline=False).replace(" ", "").lower()),
            nik=normalize_nik(rep.nik),
            anonymous=False,
        )
    nik_attr = _nik_attribute(service)
    if nik_attr is not None and not attributes.get(nik_attr.code) and normalize_nik(rep.nik):
        # The screen may keep the NIK on the reporter; the server gets it as the attribute.
        attributes[nik_attr.code] = normalize_nik(rep.nik)
    loc = draft.location
    location = Location(
        address_string=clean_text(loc.address_string, multiline=False),
        stall=normalize_stall(loc.stall),
        lat=loc.lat,
        long=loc.long,
    )
    return replace(
        draft,
        description=clean_text(draft.description, multiline=True),
        attributes=attributes,
        reporter=reporter,
        location=location,
    )


def _field_errors(draft: Draft, service: Service, field: str) -> list[FieldError]:
    """Errors for one field of an already-normalized draft."""
    rep, loc = draft.reporter, draft.location

    def err(msgid: str, **params: object) -> list[FieldError]:
        return [FieldError(field, msgid, params)]

    if field == "description":
        if not draft.description:
            return err(M_DESCRIPTION_EMPTY)
        if len(draft.description) > MAX_DESCRIPTION:
            return err(M_DESCRIPTION_LONG, count=len(draft.description))
        return []
    if field == "reporter.name":
        if rep.anonymous:
            return []
        if not rep.name:
            return err(M_NAME_EMPTY)
        if len(rep.name) > MAX_NAME:
            return err(M_NAME_LONG)
        if not any(ch.isalpha() for ch in rep.name):
            return err(M_NAME_NO_LETTER)
        return []
    if field == "reporter.phone":
        if rep.anonymous:
            return []
        if not rep.phone:
            return [] if rep.email else err(M_CONTACT_EMPTY)
        problem = phone_problem(rep.phone)
        return err(problem) if problem else []
    if field == "reporter.email":
        if rep.anonymous or not rep.email:
            return []
        if len(rep.email) > MAX_EMAIL or not _EMAIL.match(rep.email):
            return err(M_EMAIL_INVALID)
        return []
    if field == "reporter.nik":
        if rep.anonymous or not rep.nik:
            return []
        problem = check_nik(rep.nik)
        if problem == M_NIK_LENGTH:
            return err(problem, count=len(rep.nik))
        return err(problem) if problem else []
    if field == "location.stall":
        problem = _stall_problem(loc.stall)
        return err(problem) if problem else []
    if field == "location.address_string":
        return err(M_ADDRESS_LONG) if len(loc.address_string) > MAX_ADDRESS else []
    if field.startswith("attributes."):
        code = field.split(".", 1)[1]
        attr = next((a for a in service.attributes if a.code == code), None)
        value = (draft.attributes or {}).get(code)
        if attr is None or (not attr.variable and value not in (None, "", [])):
            return err(M_UNKNOWN_ATTRIBUTE) if value not in (None, "", []) else []
        errors = [FieldError(field, m, {"count": len(normalize_nik(str(value)))} if m == M_NIK_LENGTH else {})
                  for m in _attribute_errors(attr, value)]
        if not errors:
            too_long = _length_error(attr, value)
            if too_long:
                errors.append(too_long)
        return errors
    raise ValueError(f"unknown field path {field!r}")


def validate_field(draft: Draft, service: Service, field: str, cfg: Config | None = None) -> list[FieldError]:
    """Problems with one field (dotted path as in ``FieldError.field``); ``[]`` if it is fine.

    ``cfg`` is accepted for per-kiosk rules; none depend on it yet.
    """
    return _field_errors(normalize(draft, service), service, field)


def validate(draft: Draft, service: Service, cfg: Config | None = None) -> list[FieldError]:
    """Every problem of the draft, in the order the screen asks: description, the service's
    own questions, location, then the reporter.  Unknown attribute codes are errors."""
    clean = normalize(draft, service)
    fields = ["description"]
    fields += [f"attributes.{a.code}" for a in sorted(service.attributes, key=lambda a: a.order)]
    known = {a.code for a in service.attributes}
    fields += [f"attributes.{code}" for code in (clean.attributes or {}) if code not in known]
    fields += ["location.stall", "location.address_string", *REPORTER_FIELDS]
    errors: list[FieldError] = []
    for field in fields:
        errors += _field_errors(clean, service, field)
    return errors
