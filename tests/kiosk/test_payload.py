"""The Open311 form body: every field the province's server needs, and no secret."""
from datetime import datetime, timedelta, timezone
from urllib.parse import parse_qsl

from kiosk import config as config_mod
from kiosk.model import Attribute, Draft, Localized, Location, Reporter, Service
from kiosk.payload import build_body, split_name

WIB = timezone(timedelta(hours=7))
CFG = config_mod.from_dict({"kiosk": {"id": "BWI-GENTENG-01", "lat": -8.3648, "long": 114.1501},
                            "server": {"api_key": "s3cret-key"}})
SERVICE = Service(code="PSR-KEBERSIHAN", name=Localized(id="Kebersihan pasar"),
                  attributes=(Attribute(code="jenis", datatype="multivaluelist"),))
WHEN = datetime(2026, 11, 23, 10, 15, tzinfo=WIB)


def fields(draft):
    return parse_qsl(build_body(draft, SERVICE, CFG, "G7K4M9X2PZ7Q", WHEN), keep_blank_values=True)


def test_body_has_location_both_ways_kiosk_ref_client_time_and_no_api_key():
    f = fields(Draft("PSR-KEBERSIHAN", "Sampah 🙏", {"jenis": ["plastik", "organik"]},
                     Reporter(name="Siti Nur Aini", phone="+6281234567890"), Location(stall="B-12")))
    d = dict(f)
    assert d["service_code"] == "PSR-KEBERSIHAN" and d["jurisdiction_id"] == CFG.server.jurisdiction_id
    assert d["lat"] == "-8.364800" and d["long"] == "114.150100"
    assert d["address_string"] == "Pasar Genteng, Jl. Raya Genteng, Banyuwangi, Kios/Los B-12"
    assert (d["first_name"], d["last_name"], d["phone"]) == ("Siti", "Nur Aini", "+6281234567890")
    assert d["device_id"] == "BWI-GENTENG-01"
    assert [v for k, v in f if k == "attribute[jenis][]"] == ["plastik", "organik"]
    assert d["attribute[kiosk_ref]"] == "G7K4M9X2PZ7Q"
    assert d["attribute[client_datetime]"] == "2026-11-23T10:15:00+07:00"
    assert d["description"] == "Sampah 🙏\n\nKode laporan: G7K4M9X2PZ7Q"
    assert "api_key" not in d and "s3cret-key" not in build_body(Draft("PSR-KEBERSIHAN", "x"), SERVICE, CFG, "C", WHEN)


def test_anonymous_sends_no_personal_fields_and_given_location_wins():
    d = dict(fields(Draft("PSR-KEBERSIHAN", "x", reporter=Reporter(name="Budi", phone="0812", anonymous=True),
                          location=Location(address_string="Terminal Genteng", lat=-8.37, long=114.15))))
    assert not {"first_name", "last_name", "phone", "email"} & set(d)
    assert d["address_string"] == "Terminal Genteng" and d["lat"] == "-8.370000"


def test_single_name_goes_first():
    assert split_name("Sukarni") == ("Sukarni", "")
    assert split_name("  ") == ("", "")


def test_the_code_line_is_in_the_citizens_language_and_never_cut_off():
    from kiosk.payload import description_with_code
    from kiosk.validation import MAX_DESCRIPTION

    assert description_with_code("Got mampet", "G7K4M9X2PZ7", "en").endswith("\n\nReport code: G7K-4M9X-2PZ7")
    long = description_with_code("x" * MAX_DESCRIPTION, "G7K4M9X2PZ7", "id")
    assert len(long) <= MAX_DESCRIPTION and long.endswith("…\n\nKode laporan: G7K-4M9X-2PZ7")
