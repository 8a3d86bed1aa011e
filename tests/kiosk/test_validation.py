"""Validation and normalisation of what a citizen types, rule by rule, in the three languages.

The services come from the real bundled catalog; one test sends normalised drafts to the
real simulator to show that what passes here is what an Open311 server accepts.
"""
from __future__ import annotations

import uuid
from datetime import datetime

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kiosk import validation as v
from kiosk.catalog import Catalog
from kiosk.config import from_dict
from kiosk.i18n import tr
from kiosk.model import Draft, FieldError, Location, Reporter
from kiosk.validation import normalize, validate, validate_field

CATALOG = Catalog.bundled()
CFG = from_dict({})
MESSAGES = sorted({getattr(v, name) for name in dir(v) if name.startswith("M_")})
GOOD_NIK = "3510014506900001"  # Jawa Timur, Banyuwangi; a woman born 5 June 1990 (45 = 5 + 40)
GOOD_REPORTER = Reporter(name="Siti Aminah", phone="0812 3456 7890")


def draft(code: str = "UMM-SARAN", description: str = "Lampu los ikan mati sejak kemarin.", **kw) -> Draft:
    kw.setdefault("reporter", GOOD_REPORTER)
    return Draft(service_code=code, description=description, **kw)


def errors_for(d: Draft, field: str | None = None) -> list[str]:
    service = CATALOG.service(d.service_code)
    errs = validate(d, service, CFG) if field is None else validate_field(d, service, field, CFG)
    return [e.message for e in errs]


# -- messages -----------------------------------------------------------------------------

@pytest.mark.parametrize("msgid", MESSAGES)
def test_every_message_reads_in_indonesian_javanese_and_english(msgid):
    params = {"count": 4123, "max": 200}
    texts = {lang: tr(lang, msgid, **params) for lang in ("id", "jv", "en")}
    assert all(t.strip() for t in texts.values())
    assert "{" not in "".join(texts.values()), "every parameter is filled"
    assert texts["jv"] != texts["id"] and texts["en"] != texts["id"]
    assert texts["jv"] != texts["en"]


def test_field_error_text_is_translated_with_its_count():
    [err] = validate_field(draft(reporter=Reporter(name="Siti", phone="0812", nik="35100145069")),
                           CATALOG.service("UMM-SARAN"), "reporter.nik", CFG)
    assert isinstance(err, FieldError) and err.field == "reporter.nik"
    assert err.text("id") == "NIK harus 16 angka. Yang Anda isi 11 angka."
    assert err.text("en") == "The NIK must have 16 digits. You entered 11."
    assert "11" in err.text("jv") and "Panjenengan" in err.text("jv")


# -- description --------------------------------------------------------------------------

def test_description_is_required():
    assert errors_for(draft(description="  \n\t "), "description") == [v.M_DESCRIPTION_EMPTY]
    assert errors_for(draft(description="Got mampet"), "description") == []


def test_description_over_4000_characters_is_refused_with_the_count_not_cut():
    service = CATALOG.service("UMM-SARAN")
    exactly = "a" * 4000
    assert errors_for(draft(description=exactly), "description") == []
    assert normalize(draft(description=exactly), service).description == exactly
    too_long = "kata " * 801  # 4,005 characters, 4,004 once trimmed
    [err] = validate_field(draft(description=too_long), service, "description", CFG)
    assert err.message == v.M_DESCRIPTION_LONG and err.params == {"count": 4004}
    assert "4004" in err.text("id") and "4,000" in err.text("en")
    assert normalize(draft(description=too_long), service).description == too_long.strip()


def test_text_is_cleaned_of_control_characters_and_normalised():
    service = CATALOG.service("UMM-SARAN")
    raw = "  Lampu\x00 mati\r\nsejak\u2028kemarin\x1b[31m\tmalam\n\n\n\nCafe\u0301 ☕👍🏽  "
    clean = normalize(draft(description=raw), service).description
    assert clean == "Lampu mati\nsejak\nkemarin[31m\tmalam\n\nCafé ☕👍🏽"
    name = normalize(draft(reporter=Reporter(name=" Siti\nAminah\t ", phone="081234567890")), service).reporter.name
    assert name == "Siti Aminah"
    javanese_script = "ꦲꦗꦶꦱꦏ"  # Javanese script survives untouched
    assert normalize(draft(description=javanese_script), service).description == javanese_script


# -- reporter -----------------------------------------------------------------------------

@pytest.mark.parametrize("typed, stored", [
    ("0812 3456 7890", "+6281234567890"),
    ("0812-3456-7890", "+6281234567890"),
    ("+62 812 3456 7890", "+6281234567890"),
    ("6281234567890", "+6281234567890"),
    ("+62 0812 3456 7890", "+6281234567890"),
    ("(0333) 421234", "+62333421234"),  # a Banyuwangi fixed line
])
def test_good_phone_numbers_are_stored_as_plus_62(typed, stored):
    d = draft(reporter=Reporter(name="Siti", phone=typed))
    assert errors_for(d, "reporter.phone") == []
    assert normalize(d, CATALOG.service("UMM-SARAN")).reporter.phone == stored


@pytest.mark.parametrize("typed, msgid", [
    ("812345678", v.M_PHONE_PREFIX),
    ("+1 415 555 1234", v.M_PHONE_PREFIX),
    ("08123", v.M_PHONE_SHORT),
    ("0812 3456 7890 1234", v.M_PHONE_LONG),
    ("08l2 3456 7890", v.M_PHONE_CHARS),
    ("0800 1234567", v.M_PHONE_INVALID),  # toll-free: nobody can call back on it
])
def test_bad_phone_numbers_say_what_is_wrong(typed, msgid):
    assert errors_for(draft(reporter=Reporter(name="Siti", phone=typed)), "reporter.phone") == [msgid]


def test_a_named_reporter_needs_a_name_and_a_phone_or_an_email():
    assert errors_for(draft(reporter=Reporter(name="", phone="081234567890")), "reporter.name") == [v.M_NAME_EMPTY]
    assert errors_for(draft(reporter=Reporter(name="Siti")), "reporter.phone") == [v.M_CONTACT_EMPTY]
    assert errors_for(draft(reporter=Reporter(name="Siti", email="siti@gmail.com"))) == []
    assert errors_for(draft(reporter=Reporter(name="12345", phone="081234567890")), "reporter.name") == [v.M_NAME_NO_LETTER]
    assert errors_for(draft(reporter=Reporter(name="S" * 101, phone="081234567890")), "reporter.name") == [v.M_NAME_LONG]


def test_anonymous_needs_nothing_and_keeps_nothing():
    d = draft(reporter=Reporter(name="Siti", phone="0812 3456 7890", email="x@y.id", nik=GOOD_NIK, anonymous=True))
    assert errors_for(d) == []
    clean = normalize(d, CATALOG.service("UMM-SARAN")).reporter
    assert clean == Reporter(anonymous=True)
    assert errors_for(draft(reporter=Reporter(anonymous=True))) == []


@pytest.mark.parametrize("email, ok", [
    ("siti@gmail.com", True), ("Siti.Aminah@Banyuwangikab.go.id", True),
    ("siti@gmail", False), ("siti gmail.com", False), ("@gmail.com", False), ("siti@@gmail.com", False),
])
def test_email_has_a_basic_shape(email, ok):
    d = draft(reporter=Reporter(name="Siti", phone="081234567890", email=email))
    assert errors_for(d, "reporter.email") == ([] if ok else [v.M_EMAIL_INVALID])
    if ok:
        assert normalize(d, CATALOG.service("UMM-SARAN")).reporter.email == email.lower()


@pytest.mark.parametrize("nik, msgid", [
    (GOOD_NIK, None),
    ("3510010506900001", None),  # a man born 5 June 1990
    ("3510 0145 0690 0001", None),  # typed in groups
    ("1101012902000001", None),  # 29 Feb 2000, Aceh
    ("9601010101010001", None),  # Papua Barat Daya (2022)
    ("351001450690000", v.M_NIK_LENGTH),
    ("35100145069000011", v.M_NIK_LENGTH),
    ("35100145O6900001", v.M_NIK_CHARS),
    ("4010014506900001", v.M_NIK_PROVINCE),  # 40 is no province
    ("9910014506900001", v.M_NIK_PROVINCE),
    ("3500014506900001", v.M_NIK_REGION),
    ("3510013102900001", v.M_NIK_BIRTHDATE),  # 31 February
    ("3510010113900001", v.M_NIK_BIRTHDATE),  # month 13
    ("3510017206900001", v.M_NIK_BIRTHDATE),  # day 72 (a woman's 32nd)
    ("3510012902010001", v.M_NIK_BIRTHDATE),  # 29 Feb 2001 / 1901: not leap years
    ("3510014506900000", v.M_NIK_SERIAL),
])
def test_nik_rules(nik, msgid):
    d = draft(reporter=Reporter(name="Siti", phone="081234567890", nik=nik))
    assert errors_for(d, "reporter.nik") == ([] if msgid is None else [msgid])


def test_nik_birth_date_reads_the_century_and_womens_day():
    assert v.nik_birth_date(GOOD_NIK).isoformat() == "1990-06-05"
    assert v.nik_birth_date("3510010101100001").isoformat() == "2010-01-01"


# -- location -----------------------------------------------------------------------------

def test_stall_number_is_optional_upper_cased_and_plain():
    service = CATALOG.service("UMM-SARAN")
    assert errors_for(draft(), "location.stall") == []
    d = draft(location=Location(stall="  b-12 "))
    assert errors_for(d, "location.stall") == [] and normalize(d, service).location.stall == "B-12"
    assert errors_for(draft(location=Location(stall="los  a 3")), "location.stall") == []
    assert errors_for(draft(location=Location(stall="#12!")), "location.stall") == [v.M_STALL_CHARS]
    assert errors_for(draft(location=Location(stall="A" * 13)), "location.stall") == [v.M_STALL_LONG]


def test_address_has_a_length_limit():
    assert errors_for(draft(location=Location(address_string="Jl. Raya Genteng 1")), "location.address_string") == []
    assert errors_for(draft(location=Location(address_string="x" * 201)), "location.address_string") == [v.M_ADDRESS_LONG]


# -- attributes, all six datatypes ----------------------------------------------------------

def attr_errors(code: str, attributes: dict, field: str) -> list[str]:
    return errors_for(draft(code, attributes=attributes), f"attributes.{field}")


def normalized_attrs(code: str, attributes: dict) -> dict:
    return dict(normalize(draft(code, attributes=attributes), CATALOG.service(code)).attributes)


def test_string_attribute_required_and_limited():
    assert attr_errors("PSR-TIMBANGAN", {}, "barang") == [v.M_REQUIRED]
    assert attr_errors("PSR-TIMBANGAN", {"barang": "  beras  "}, "barang") == []
    assert normalized_attrs("PSR-TIMBANGAN", {"barang": "  beras \n medium "})["barang"] == "beras medium"
    [err] = validate_field(draft("PSR-TIMBANGAN", attributes={"barang": "b" * 201}),
                           CATALOG.service("PSR-TIMBANGAN"), "attributes.barang", CFG)
    assert err.message == v.M_STRING_LONG and err.params == {"count": 201, "max": v.MAX_STRING}


def test_text_attribute_keeps_lines_and_has_a_larger_limit():
    addr = "RT 02 RW 05\nDesa Genteng Kulon"
    assert normalized_attrs("DKC-KK", {"alamat_baru": addr + "\r\n"})["alamat_baru"] == addr
    assert attr_errors("DKC-KK", {"alamat_baru": "x" * 2000}, "alamat_baru") == []
    assert attr_errors("DKC-KK", {"alamat_baru": "x" * 2001}, "alamat_baru") == [v.M_STRING_LONG]
    assert attr_errors("UMM-INFO", {}, "pertanyaan") == [v.M_REQUIRED]


@pytest.mark.parametrize("typed, stored", [
    ("15000", "15000"), ("15.000", "15000"), ("Rp 15.000", "15000"), ("Rp15.000,-", "15000"),
    ("1.500.000", "1500000"), ("2,5", "2.5"), ("2.5", "2.5"), ("1.250,75", "1250.75"), ("0", "0"),
])
def test_number_attribute_reads_indonesian_numbers(typed, stored):
    assert attr_errors("PSR-RETRIBUSI", {"jumlah_ditarik": typed}, "jumlah_ditarik") == []
    assert normalized_attrs("PSR-RETRIBUSI", {"jumlah_ditarik": typed})["jumlah_ditarik"] == stored


@pytest.mark.parametrize("typed", ["dua ribu", "1e5", "12-5", "1.2.3", "NaN", "∞"])
def test_number_attribute_refuses_words(typed):
    assert attr_errors("PSR-RETRIBUSI", {"jumlah_ditarik": typed}, "jumlah_ditarik") == [v.M_NUMBER]


def test_required_number_attribute():
    assert attr_errors("PSR-RETRIBUSI", {}, "jumlah_ditarik") == [v.M_REQUIRED]
    assert attr_errors("PSR-PARKIR", {}, "tarif_dibayar") == []  # optional


@pytest.mark.parametrize("typed, stored", [
    ("21/11/2026 08:30", "2026-11-21T08:30+07:00"),
    ("1/2/2026 7.05", "2026-02-01T07:05+07:00"),
    ("21-11-2026", "2026-11-21"),
    ("2026-11-21T08:30", "2026-11-21T08:30+07:00"),
    ("2026-11-21T01:30:15+00:00", "2026-11-21T01:30:15+00:00"),
    ("2026-11-21", "2026-11-21"),
])
def test_datetime_attribute_accepts_iso_and_dd_mm_yyyy(typed, stored):
    assert attr_errors("PSR-KEAMANAN", {"kejadian": "copet", "waktu_kejadian": typed}, "waktu_kejadian") == []
    stored_value = normalized_attrs("PSR-KEAMANAN", {"waktu_kejadian": typed})["waktu_kejadian"]
    assert stored_value == stored
    datetime.fromisoformat(stored_value)  # what the server gets is ISO 8601


@pytest.mark.parametrize("typed", ["31/02/2026 08:00", "21/13/2026", "kemarin sore", "21/11/26", "25:00", "01/01/0999"])
def test_datetime_attribute_refuses_what_is_not_a_date(typed):
    assert attr_errors("PSR-KEAMANAN", {"waktu_kejadian": typed}, "waktu_kejadian") == [v.M_DATETIME]


def test_singlevaluelist_attribute():
    assert attr_errors("PSR-KEAMANAN", {"kejadian": "copet"}, "kejadian") == []
    assert attr_errors("PSR-KEAMANAN", {"kejadian": ["copet"]}, "kejadian") == []
    assert normalized_attrs("PSR-KEAMANAN", {"kejadian": ["copet"]})["kejadian"] == "copet"
    assert attr_errors("PSR-KEAMANAN", {}, "kejadian") == [v.M_CHOOSE_ONE]
    assert attr_errors("PSR-KEAMANAN", {"kejadian": "Pencopetan"}, "kejadian") == [v.M_NOT_IN_LIST]
    assert attr_errors("PSR-KEAMANAN", {"kejadian": ["copet", "pencurian"]}, "kejadian") == [v.M_CHOOSE_ONLY_ONE]
    assert attr_errors("JLN-RUSAK", {}, "status_jalan") == []  # optional list


def test_multivaluelist_attribute():
    assert attr_errors("PSR-KEBERSIHAN", {"masalah": ["bau", "got"]}, "masalah") == []
    assert attr_errors("PSR-KEBERSIHAN", {"masalah": "bau"}, "masalah") == []
    assert normalized_attrs("PSR-KEBERSIHAN", {"masalah": ["bau", " bau", "got"]})["masalah"] == ["bau", "got"]
    assert attr_errors("PSR-KEBERSIHAN", {"masalah": []}, "masalah") == [v.M_CHOOSE_AT_LEAST_ONE]
    assert attr_errors("PSR-KEBERSIHAN", {"masalah": ["bau", "banjir"]}, "masalah") == [v.M_NOT_IN_LIST]
    assert attr_errors("SOS-DAFTAR", {}, "kondisi_keluarga") == []  # optional list


def test_digits_and_nik_attributes():
    assert attr_errors("PDAM-TAGIHAN", {"nomor_pelanggan": "0123-4567 89"}, "nomor_pelanggan") == []
    assert normalized_attrs("PDAM-TAGIHAN", {"nomor_pelanggan": "0123-4567 89"})["nomor_pelanggan"] == "0123456789"
    assert attr_errors("PDAM-TAGIHAN", {"nomor_pelanggan": "12AB"}, "nomor_pelanggan") == [v.M_DIGITS]
    assert attr_errors("DKC-KTP", {}, "nik") == [v.M_NIK_REQUIRED]
    assert attr_errors("DKC-KTP", {"nik": "3510013102900001"}, "nik") == [v.M_NIK_BIRTHDATE]
    assert attr_errors("DKC-PENGADUAN", {}, "nik") == []  # asked, but optional there
    # The screen may keep the NIK on the reporter: it still reaches the service's question.
    d = draft("DKC-KTP", attributes={"jenis_permohonan": "hilang", "desa": "Genteng Kulon"},
              reporter=Reporter(name="Siti", phone="081234567890", nik=GOOD_NIK))
    assert errors_for(d) == []
    assert normalize(d, CATALOG.service("DKC-KTP")).attributes["nik"] == GOOD_NIK


def test_stall_hint_attribute():
    assert normalized_attrs("PSR-SEWA-KIOS", {"kios_tujuan": "b-12"})["kios_tujuan"] == "B-12"
    assert attr_errors("PSR-SEWA-KIOS", {"kios_tujuan": "b/12?"}, "kios_tujuan") == [v.M_STALL_CHARS]


def test_unknown_attribute_codes_are_refused():
    errs = validate(draft("PSR-KEAMANAN", attributes={"kejadian": "copet", "warna": "merah"}),
                    CATALOG.service("PSR-KEAMANAN"), CFG)
    assert [(e.field, e.message) for e in errs] == [("attributes.warna", v.M_UNKNOWN_ATTRIBUTE)]


def test_validate_lists_every_problem_in_screen_order_and_validate_field_only_one():
    d = Draft("PSR-RETRIBUSI", description="", attributes={"jumlah_ditarik": "banyak"},
              reporter=Reporter(name="", phone="12"), location=Location(stall="?"))
    fields = [e.field for e in validate(d, CATALOG.service("PSR-RETRIBUSI"), CFG)]
    assert fields == ["description", "attributes.jenis_retribusi", "attributes.jumlah_ditarik",
                      "attributes.diberi_karcis", "location.stall", "reporter.name", "reporter.phone"]
    assert [e.field for e in validate_field(d, CATALOG.service("PSR-RETRIBUSI"), "reporter.phone", CFG)] == ["reporter.phone"]
    with pytest.raises(ValueError):
        validate_field(d, CATALOG.service("PSR-RETRIBUSI"), "reporter.shoe_size", CFG)


def test_every_bundled_service_accepts_a_complete_good_draft():
    """A draft filled with a valid answer to every question passes for all 34 services."""
    sample = {"string": "beras", "number": "2,5", "datetime": "21/11/2026 08:30", "text": "Baris satu\nBaris dua"}
    for service in CATALOG.services():
        attributes = {}
        for a in service.attributes:
            if a.datatype in ("singlevaluelist", "multivaluelist"):
                attributes[a.code] = a.values[0].key if a.datatype == "singlevaluelist" else [a.values[-1].key]
            elif a.input_hint == "nik":
                attributes[a.code] = GOOD_NIK
            elif a.input_hint in ("digits", "stall"):
                attributes[a.code] = "12"
            else:
                attributes[a.code] = sample[a.datatype]
        assert errors_for(draft(service.code, attributes=attributes)) == [], service.code


# -- what passes here, an Open311 server accepts ----------------------------------------------

def test_normalised_drafts_are_accepted_by_the_simulator(simulator_factory):
    from kiosk.payload import build_body
    from offline_queue import Open311Client

    sim = simulator_factory(catalog=CATALOG.to_open311())
    drafts = [
        draft("PSR-RETRIBUSI", attributes={"jenis_retribusi": "harian", "jumlah_ditarik": "Rp 15.000",
                                           "diberi_karcis": "tidak"}),
        draft("JLN-RUSAK", attributes={"panjang_m": "2,5"}),
        draft("PSR-KEAMANAN", attributes={"kejadian": "copet", "waktu_kejadian": "21/11/2026 08:30"}),
        draft("DKC-KK", attributes={"nik": "3510 0145 0690 0001", "jenis_perubahan": "pindah",
                                    "alamat_baru": "RT 02 RW 05\nGenteng", "jumlah_anggota": "4"}),
        draft("PSR-KEBERSIHAN", attributes={"area": "daging_ikan", "masalah": ["bau", "got"]},
              description="Got   mampet\x00 di los ikan 🐟", reporter=Reporter(anonymous=True)),
    ]
    now = datetime.fromisoformat("2026-11-23T10:00:00+07:00")
    with Open311Client(sim.base_url, "demo-key", CFG.server.jurisdiction_id, timeout=(2, 5)) as client:
        for i, d in enumerate(drafts):
            service = CATALOG.service(d.service_code)
            assert validate(d, service, CFG) == []
            body = build_body(normalize(d, service), service, CFG, f"TEST{i}", now)
            outcome = client.post_request(body, str(uuid.uuid4()))
            assert outcome.action in ("sent", "awaiting_token"), (d.service_code, outcome.reason)
    assert len(sim.requests()) == len(drafts)


# -- properties -----------------------------------------------------------------------------

ANY_TEXT = st.text(alphabet=st.characters(exclude_categories=()), max_size=300)
LONG_TEXT = st.builds(lambda s, n: s * n, st.text(min_size=1, max_size=40), st.integers(1, 250))
ATTR_VALUE = st.one_of(ANY_TEXT, st.lists(ANY_TEXT, max_size=4))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    code=st.sampled_from([s.code for s in CATALOG.services()]),
    description=st.one_of(ANY_TEXT, LONG_TEXT),
    name=ANY_TEXT, phone=ANY_TEXT, email=ANY_TEXT, nik=ANY_TEXT, stall=ANY_TEXT, address=ANY_TEXT,
    anonymous=st.booleans(),
    values=st.lists(ATTR_VALUE, max_size=6),
    extra=st.dictionaries(ANY_TEXT, ATTR_VALUE, max_size=2),
)
def test_normalize_never_crashes_is_idempotent_and_nothing_over_4000_passes(
        code, description, name, phone, email, nik, stall, address, anonymous, values, extra):
    service = CATALOG.service(code)
    attributes = {a.code: val for a, val in zip(service.attributes, values)}
    attributes.update(extra)
    d = Draft(code, description=description, attributes=attributes,
              reporter=Reporter(name=name, phone=phone, email=email, nik=nik, anonymous=anonymous),
              location=Location(stall=stall, address_string=address))
    clean = normalize(d, service)
    assert normalize(clean, service) == clean
    for text in (clean.description, clean.reporter.name, clean.location.stall):
        text.encode("utf-8")  # sendable: no lone surrogates
        assert not any(ord(ch) < 32 and ch not in "\n\t" for ch in text)
    errors = validate(d, service, CFG)
    for err in errors:
        assert err.text("jv") and err.text("en")
    if not any(e.field == "description" for e in errors):
        assert 0 < len(clean.description) <= v.MAX_DESCRIPTION
    elif len(clean.description) > v.MAX_DESCRIPTION:
        assert [e.message for e in errors if e.field == "description"] == [v.M_DESCRIPTION_LONG]


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="0123456789+ -()./6２٣", max_size=24))
def test_phone_numbers_made_of_digits_and_punctuation_never_crash(typed):
    stored = v.normalize_phone(typed)
    if v.phone_problem(typed) is None and stored:
        assert stored.startswith("+62") and stored[1:].isdigit()
        assert v.phone_problem(stored) is None and v.normalize_phone(stored) == stored


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="0123456789.,-+ Rp/:T", max_size=24))
def test_numbers_and_dates_made_of_digits_never_crash(typed):
    number = v.parse_number(typed)
    if number is not None:
        assert v.parse_number(v.format_number(number)) == number
    when = v.parse_datetime(typed)
    if when is not None and v._date_in_range(when):
        assert v.parse_datetime(v.format_datetime(when)) == when
