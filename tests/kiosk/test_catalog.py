"""The service catalog: the bundled default, the server's catalog cached in SQLite, search,
the GeoReport export, and `kiosk catalog` on the command line.

Refreshes talk to the real simulator on 127.0.0.1 through the real Open311 client; caches
are real SQLite files on disk.
"""
from __future__ import annotations

import json
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from kiosk import config as config_mod
from kiosk.catalog import BUNDLED_PATH, GENERAL_GROUP, ICONS, Catalog, RefreshError, UnknownService
from kiosk.cli import main as kiosk_main
from kiosk.model import DATATYPES
from offline_queue import Open311Client
from queuetest import NUMERIC_CATALOG

LANGS = ("id", "jv", "en")
OPEN311_SERVICE_KEYS = {"service_code", "service_name", "description", "metadata", "type", "keywords", "group"}


@pytest.fixture(scope="module")
def bundled() -> Catalog:
    return Catalog.bundled()


def make_cfg(tmp_path: Path, base_url: str = "http://127.0.0.1:9/open311/v2") -> config_mod.Config:
    return config_mod.from_dict({"kiosk": {"data_dir": str(tmp_path / "data")},
                                 "server": {"base_url": base_url, "connect_timeout_s": 2, "timeout_s": 5}})


def client_for(base_url: str) -> Open311Client:
    return Open311Client(base_url, "demo-key", "banyuwangikab.go.id", timeout=(2, 5))


# -- the bundled catalog ------------------------------------------------------------------

def test_bundled_catalog_covers_the_market_services_both_kinds_all_types_and_datatypes(bundled):
    services = bundled.services()
    assert 25 <= len(services) <= 35
    assert 9 <= len(bundled.groups()) <= 12
    assert {s.kind for s in services} == {"complaint", "request"}
    assert {s.type for s in services} == {"realtime", "batch", "blackbox"}
    assert {a.datatype for s in services for a in s.attributes} == set(DATATYPES)
    # The topics the province asked for are all there.
    codes = " ".join(s.code for s in services)
    for prefix in ("PSR-", "SMS-", "DKC-", "PDAM-", "PLN-", "KES-", "JLN-", "SMP-", "SOS-", "UMM-"):
        assert prefix in codes
    assert bundled.source == "bundled" and bundled.fetched_at is None and bundled.age_s() is None


def test_every_name_question_and_choice_is_in_all_three_languages(bundled):
    for group in bundled.groups():
        assert all(group.name.get(lang).strip() for lang in LANGS), group.code
        assert group.icon in ICONS
    for svc in bundled.services():
        for lang in LANGS:
            assert dict(svc.name).get(lang, "").strip(), (svc.code, lang)
            assert dict(svc.description).get(lang, "").strip(), (svc.code, lang)
        assert svc.icon in ICONS, svc.code
        assert svc.group in {g.code for g in bundled.groups()}
        for attr in svc.attributes:
            for lang in LANGS:
                assert dict(attr.description).get(lang, "").strip(), (svc.code, attr.code, lang)
                assert dict(attr.datatype_description).get(lang, "").strip(), (svc.code, attr.code, lang)
                for value in attr.values:
                    assert dict(value.name).get(lang, "").strip(), (svc.code, attr.code, value.key, lang)
    # Javanese is really Javanese: most service names differ from the Indonesian.
    differs = sum(s.name.get("jv") != s.name.get("id") for s in bundled.services())
    assert differs >= 0.8 * len(bundled.services())


def test_bundled_definitions_are_consistent(bundled):
    raw = json.loads(BUNDLED_PATH.read_text(encoding="utf-8"))
    by_code = {s["service_code"]: s for s in raw["services"]}
    assert len(by_code) == len(raw["services"]), "service codes are unique"
    for svc in bundled.services():
        item = by_code[svc.code]
        assert item["service_name"] == svc.name.get("id") and item["description"] == svc.description.get("id")
        assert svc.metadata == bool(svc.attributes)
        orders = [a.order for a in svc.attributes]
        assert orders == sorted(orders) and len(set(orders)) == len(orders)
        assert len({a.code for a in svc.attributes}) == len(svc.attributes)
        for attr in svc.attributes:
            has_values = attr.datatype in ("singlevaluelist", "multivaluelist")
            assert bool(attr.values) == has_values, (svc.code, attr.code)
            assert len({v.key for v in attr.values}) == len(attr.values)
        assert svc.asks_nik == any(a.input_hint == "nik" for a in svc.attributes)
        assert svc.due_working_days is None or 1 <= svc.due_working_days <= 20
    assert bundled.service("DKC-KTP").asks_nik
    assert any(s.due_working_days not in (None, 2) for s in bundled.services())


def test_lookup_of_an_unknown_code_raises_unknown_service_not_key_error(bundled):
    with pytest.raises(UnknownService) as info:
        bundled.service("NO-SUCH")
    assert not isinstance(info.value, KeyError)
    assert "NO-SUCH" in str(info.value)
    assert bundled.service("PSR-KEBERSIHAN").name.get("jv") == "Peken reged"


def test_groups_and_services_filter_by_kind_and_group(bundled):
    requests_groups = bundled.groups(kind="request")
    assert requests_groups and all(bundled.services(kind="request", group=g.code) for g in requests_groups)
    # The market cleanliness group has complaints only, so a citizen filing a request never sees it.
    assert "pasar" in {g.code for g in bundled.groups("complaint")}
    assert "pasar" not in {g.code for g in requests_groups}
    water = bundled.services(group="air")
    assert {s.code for s in water} >= {"PDAM-AIR-MATI", "PDAM-PIPA-BOCOR"}
    assert all(s.kind == "complaint" for s in bundled.services(kind="complaint"))


@pytest.mark.parametrize("text, lang, expected", [
    ("ktp", "id", "DKC-KTP"),
    ("KTP", "en", "DKC-KTP"),
    ("air mati", "id", "PDAM-AIR-MATI"),
    ("toya", "jv", "PDAM-AIR-MATI"),         # Javanese krama for water
    ("water", "id", "PDAM-AIR-MATI"),        # English words found whatever the screen language
    ("pèken règed", "jv", "PSR-KEBERSIHAN"),  # accents typed or not
    ("TIMBANGAN", "id", "PSR-TIMBANGAN"),
    ("pungli", "en", "UMM-PUNGLI"),
    ("lampu", "id", "JLN-LAMPU"),
])
def test_search_is_case_and_accent_insensitive_in_any_language(bundled, text, lang, expected):
    found = [s.code for s in bundled.search(text, lang)]
    assert expected in found
    assert found[0] == expected or expected in found[:3]


def test_search_with_nothing_useful_finds_nothing(bundled):
    assert bundled.search("", "id") == []
    assert bundled.search("   ", "jv") == []
    assert bundled.search("zzqxv", "en") == []
    # Every word must match: "ktp" and "sampah" together describe no service.
    assert bundled.search("ktp sampah", "id") == []


def test_to_open311_validates_against_the_georeport_schemas(bundled, open311_validate):
    data = bundled.to_open311()
    open311_validate("services.json", data["services"])
    for item in data["services"]:
        open311_validate("service.json", item)
        assert set(item) <= OPEN311_SERVICE_KEYS, "no kiosk-only fields in what a server would send"
        assert item["metadata"] == (item["service_code"] in data["definitions"])
    assert len(data["definitions"]) == sum(1 for s in bundled.services() if s.attributes)
    for code, definition in data["definitions"].items():
        open311_validate("service-definition.json", definition)
        assert definition["service_code"] == code
    assert {a["datatype"] for d in data["definitions"].values() for a in d["attributes"]} == set(DATATYPES)
    # The export is plain data: changing it does not change the catalog.
    data["services"].clear()
    assert bundled.to_open311()["services"]


# -- the server's catalog, cached ---------------------------------------------------------

def test_refresh_from_the_simulator_caches_it_and_keeps_javanese_and_english(tmp_path, simulator_factory, bundled):
    sim = simulator_factory(catalog=bundled.to_open311())
    cfg = make_cfg(tmp_path, sim.base_url)
    catalog = Catalog.open(cfg)
    assert catalog.source == "bundled"
    with client_for(sim.base_url) as client:
        result = catalog.refresh(client)
    assert (result.services, result.definitions) == (34, 33)
    assert catalog.source == "cache" and catalog.fetched_at is not None and catalog.age_s() >= 0
    assert cfg.catalog_path.exists()
    svc = catalog.service("DKC-KTP")
    assert svc.name.get("jv") == "Nyuwun KTP-el" and svc.name.get("en") == "Electronic ID card (KTP-el)"
    assert svc.icon == "idcard" and svc.kind == "request" and svc.due_working_days == 5
    nik = next(a for a in svc.attributes if a.code == "nik")
    assert nik.input_hint == "nik" and nik.description.get("jv").startswith("Pinten NIK")
    lost = next(a for a in svc.attributes if a.code == "jenis_permohonan")
    assert {v.key: v.name.get("en") for v in lost.values}["hilang"] == "Reprint, card lost"
    assert [s.code for s in catalog.services()] == [s.code for s in bundled.services()]
    # The next start of the kiosk, with the server gone, still has the server's catalog.
    sim.stop()
    again = Catalog.open(cfg)
    assert again.source == "cache" and again.fetched_at == catalog.fetched_at
    assert again.service("PSR-KEBERSIHAN").name.get("jv") == "Peken reged"


def test_refresh_from_a_server_with_other_codes_and_groups(tmp_path, simulator_factory):
    """The simulator's own built-in catalog: some codes the kiosk knows, some it does not."""
    sim = simulator_factory()
    cfg = make_cfg(tmp_path, sim.base_url)
    catalog = Catalog.open(cfg)
    with client_for(sim.base_url) as client:
        server_services = client.services()
        catalog.refresh(client)
    assert len(catalog) == len(server_services)
    known_groups = {g.code for g in catalog.groups()}
    for raw in server_services:
        svc = catalog.service(raw["service_code"])
        assert svc.name.get("id") == raw["service_name"]  # the server's Indonesian wins
        assert svc.group in known_groups  # every group has a translated name and an icon
        assert svc.icon in ICONS
    kebersihan = catalog.service("PSR-KEBERSIHAN")  # a code the bundle knows
    assert kebersihan.name.get("jv") == "Peken reged" and kebersihan.icon == "market"
    unknown = [catalog.service(r["service_code"]) for r in server_services
               if r["service_code"] not in Catalog.bundled()]
    assert unknown, "the simulator's built-in catalog has codes the kiosk does not know"
    for svc in unknown:
        assert svc.name.get("jv") == svc.name.get("id")  # falls back to Indonesian, never empty
    # A group name the kiosk does not know ends up in the general group.
    odd = [r for r in server_services if r["service_code"] not in Catalog.bundled()
           and (r.get("group") or "").casefold() not in {"pasar", "kios", "samsat", "dukcapil", "air", "listrik",
                                                          "kesehatan", "jalan", "sampah", "sosial", "umum"}]
    assert odd and all(catalog.service(r["service_code"]).group == GENERAL_GROUP for r in odd)


def test_refresh_when_the_server_cannot_be_reached_keeps_the_catalog_in_use(tmp_path, simulator_factory, bundled):
    sim = simulator_factory(catalog=bundled.to_open311())
    cfg = make_cfg(tmp_path, sim.base_url)
    catalog = Catalog.open(cfg)
    with client_for(sim.base_url) as client:
        catalog.refresh(client)
    fetched_at = catalog.fetched_at
    cache_bytes = cfg.catalog_path.read_bytes()
    url = sim.base_url
    sim.stop()
    with client_for(url) as client, pytest.raises(RefreshError) as info:
        catalog.refresh(client)
    assert "\n" not in str(info.value) and str(info.value)
    assert catalog.source == "cache" and catalog.fetched_at == fetched_at
    assert catalog.service("DKC-KTP").name.get("jv") == "Nyuwun KTP-el"
    assert cfg.catalog_path.read_bytes() == cache_bytes
    assert not list(cfg.catalog_path.parent.glob("*.new"))


def test_unreadable_or_empty_cache_falls_back_to_the_bundled_catalog(tmp_path):
    cfg = make_cfg(tmp_path)
    cfg.catalog_path.parent.mkdir(parents=True)
    cfg.catalog_path.write_bytes(b"this is not a database " * 100)
    catalog = Catalog.open(cfg)
    assert catalog.source == "bundled" and len(catalog) == len(Catalog.bundled())
    cfg.catalog_path.unlink()
    import sqlite_utils

    db = sqlite_utils.Database(cfg.catalog_path)
    db["meta"].insert_all([{"key": "format", "value": "1"}, {"key": "fetched_at", "value": "2026-11-23T00:00:00+00:00"}])
    db["services"].create({"code": str, "position": int, "service": str, "definition": str}, pk="code")
    db.close()
    assert Catalog.open(cfg).source == "bundled"


# -- the command line ---------------------------------------------------------------------

def write_config(tmp_path: Path, base_url: str) -> Path:
    path = tmp_path / "kiosk.toml"
    path.write_text(f'[kiosk]\ndata_dir = "{tmp_path / "data"}"\n[server]\nbase_url = "{base_url}"\n'
                    'connect_timeout_s = 2\ntimeout_s = 5\n', encoding="utf-8")
    return path


def test_cli_refresh_prints_counts_and_list_shows_the_cached_catalog(tmp_path, simulator_factory, bundled, capsys):
    sim = simulator_factory(catalog=bundled.to_open311())
    cfg_path = write_config(tmp_path, sim.base_url)
    assert kiosk_main(["--config", str(cfg_path), "catalog", "refresh"]) == 0
    out = capsys.readouterr().out
    assert "Fetched 34 services and 33 definitions" in out
    assert kiosk_main(["--config", str(cfg_path), "catalog", "list", "--json", "--lang", "jv"]) == 0
    listing = json.loads(capsys.readouterr().out)
    assert listing["source"] == "cache" and listing["fetched_at"]
    assert {s["code"]: s["name"] for s in listing["services"]}["PDAM-AIR-MATI"] == "Toya PDAM mboten mili utawi buthek"
    assert kiosk_main(["--config", str(cfg_path), "catalog", "list"]) == 0
    assert "34 services in 11 groups (server catalog fetched" in capsys.readouterr().out


def test_cli_export_writes_what_the_simulator_serves(tmp_path, open311_validate):
    out = tmp_path / "open311.json"
    assert kiosk_main(["--config", str(write_config(tmp_path, "http://127.0.0.1:9/v2")), "catalog", "export", str(out)]) == 0
    data = json.loads(out.read_text(encoding="utf-8"))
    open311_validate("services.json", data["services"])
    assert len(data["services"]) == 34


def test_cli_refresh_with_no_server_exits_1_with_one_line(tmp_path):
    """A real `kiosk` process, as a technician's script would run it."""
    cfg_path = write_config(tmp_path, "http://127.0.0.1:9/open311/v2")  # port 9: nothing listens
    proc = subprocess.run([sys.executable, "-m", "kiosk", "--config", str(cfg_path), "catalog", "refresh"],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 1
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and "failed" in lines[0] and "Traceback" not in proc.stderr
    assert proc.stdout == ""
    assert not (tmp_path / "data" / "catalog.sqlite3").exists()


# -- issue 8: the catalogs real servers send ------------------------------------------------

def test_numeric_codes_and_double_wrapped_values_from_a_plain_server(tmp_path, simulator_factory):
    sim = simulator_factory(profile="plain", catalog=NUMERIC_CATALOG)  # 101 as a JSON number, values wrapped
    cfg = make_cfg(tmp_path, sim.base_url)
    catalog = Catalog.open(cfg)
    with client_for(sim.base_url) as client:
        assert client.services()[0]["service_code"] == 101
        catalog.refresh(client)
    svc = catalog.service("101")
    values = svc.attributes[0].values
    assert [(v.key, v.name.get("id")) for v in values] == [("plastik", "Plastik"), ("organik", "Organik")]
    assert not any("{" in v.key or "{" in (v.name.get("id") or "") for v in values)  # never a repr
    assert Catalog.open(cfg).service("101").attributes[0].values == values  # the cache too


def test_unwrap_value_reads_every_shape_and_drops_what_has_no_key():
    from kiosk.catalog import unwrap_value

    assert unwrap_value({"key": "a", "name": "A"}) == ("a", "A")
    assert unwrap_value({"key": {"key": "a", "name": "A"}, "name": {"key": "a", "name": "A"}}) == ("a", "A")
    assert unwrap_value({"key": {"key": 7, "name": "Tujuh"}}) == ("7", "Tujuh")
    assert unwrap_value("b") == ("b", "b")
    assert unwrap_value({"key": {"x": 1}}) is None and unwrap_value({"name": "no key"}) is None


def test_cli_refresh_from_a_trickling_server_ends_at_the_deadline(tmp_path, simulator_factory):
    sim = simulator_factory(faults="gettrickle:1:0.5")
    cfg = tmp_path / "kiosk.toml"
    cfg.write_text(f'[kiosk]\ndata_dir = "{tmp_path / "data"}"\n[server]\nbase_url = "{sim.base_url}"\n'
                   f'request_deadline_s = 1\n', encoding="utf-8")
    proc = subprocess.run([sys.executable, "-m", "kiosk", "--config", str(cfg), "catalog", "refresh"],
                          capture_output=True, text=True, timeout=60)  # a guard, not a performance assertion
    assert proc.returncode == 1 and "within 1 s" in proc.stderr and "Traceback" not in proc.stderr
