"""A technician's config mistakes come back as one line naming the key, never a traceback."""
import subprocess
import sys

import pytest

from kiosk import config


def write(tmp_path, text):
    p = tmp_path / "kiosk.toml"
    p.write_text(text, encoding="utf-8")
    return p


def test_no_config_gives_a_working_demo_default(monkeypatch):
    monkeypatch.delenv(config.ENV_VAR, raising=False)
    cfg = config.load(None)
    assert cfg.kiosk.id and cfg.kiosk.languages[0] == "id"
    assert cfg.server.base_url.startswith("http")


def test_design_keys_are_read(tmp_path):
    p = write(tmp_path, """
[kiosk]
id = "BWI-ROGOJAMPI-02"
market = "Pasar Rogojampi"
lat = -8.31
long = 114.28
languages = ["jv", "id", "en"]
idle_timeout_s = 60
data_dir = "%s"

[server]
base_url = "https://example.invalid/open311/v2"
api_key = "k"
jurisdiction_id = "banyuwangikab.go.id"
timeout_s = 20

[receipt]
paper = "80mm"

[printer]
backend = "cups"
name = "KioskPDF"

[privacy]
retention_days = 3
""" % (tmp_path / "data"))
    cfg = config.load(p)
    assert cfg.kiosk.market == "Pasar Rogojampi"
    assert cfg.default_language == "jv"
    assert cfg.server.timeout_s == 20.0
    assert cfg.receipt.paper == "80mm"
    assert cfg.outbox_path.parent == tmp_path / "data"
    assert cfg.privacy.retention_days == 3


@pytest.mark.parametrize("text, key", [
    ('[server]\ntimeout_s = "fast"', "server.timeout_s"),
    ('[server]\ntimeout_s = -1', "server.timeout_s"),
    ('[server]\nbase_url = "ftp://x"', "server.base_url"),
    ('[kiosk]\nlanguages = ["id", "fr"]', "kiosk.languages"),
    ('[kiosk]\nlat = 123.0', "kiosk.lat"),
    ('[kiosk]\nidl_timeout_s = 30', "kiosk.idl_timeout_s"),
    ('[receipt]\npaper = "A4"', "receipt.paper"),
    ('[printer]\nbackend = "laser"', "printer.backend"),
    ('[printer]\nbackend = "cups"', "printer.name"),
    ('[privacy]\nretention_days = true', "privacy.retention_days"),
    ('[serverr]\napi_key = "x"', "serverr"),
    ('[kiosk\nid = "x"', "toml"),
    # issue 8: configuration that passes but cannot work
    ('[server]\napi_key = ""', "server.api_key"),
    ('[server]\napi_key = "   "', "server.api_key"),
    ('[server]\ntimeout_s = inf', "server.timeout_s"),
    ('[server]\ntimeout_s = nan', "server.timeout_s"),
    ('[server]\nretry_cap_s = inf', "server.retry_cap_s"),
    ('[server]\nrequest_deadline_s = -inf', "server.request_deadline_s"),
    ('[server]\nrequest_deadline_s = 0', "server.request_deadline_s"),
    ('[kiosk]\nlat = nan', "kiosk.lat"),
    ('[server]\ndedupe = "maybe"', "server.dedupe"),
    ('[server]\nmax_answer_bytes = 10', "server.max_answer_bytes"),
    ('[server]\ncatalog_refresh_h = -1', "server.catalog_refresh_h"),
    ('[server]\nca_bundle = "/nonexistent/ca.pem"', "server.ca_bundle"),
    ('[kiosk]\nspeech = "loud"', "kiosk.speech"),
    ('[kiosk]\nspeech_volume = 150', "kiosk.speech_volume"),
])
def test_bad_value_names_the_key(tmp_path, text, key):
    with pytest.raises(config.ConfigError) as err:
        config.load(write(tmp_path, text))
    assert err.value.key == key
    assert key in str(err.value)
    assert "\n" not in str(err.value)


def test_cli_prints_one_line_and_exits_2(tmp_path):
    p = write(tmp_path, '[server]\ntimeout_s = "soon"\n')
    proc = subprocess.run([sys.executable, "-m", "kiosk", "--config", str(p), "queue"],
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 2
    assert "server.timeout_s" in proc.stderr
    assert "Traceback" not in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1


def test_env_var_is_used(tmp_path, monkeypatch):
    p = write(tmp_path, '[kiosk]\nmarket = "Pasar Srono"\n')
    monkeypatch.setenv(config.ENV_VAR, str(p))
    assert config.load(None).kiosk.market == "Pasar Srono"


def test_missing_file_is_named(tmp_path):
    with pytest.raises(config.ConfigError) as err:
        config.load(tmp_path / "nope.toml")
    assert "nope.toml" in str(err.value)


def test_unreadable_config_is_one_line_not_a_traceback(tmp_path):
    proc = subprocess.run([sys.executable, "-m", "kiosk", "--config", str(tmp_path), "queue"],
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 2
    assert "--config" in proc.stderr and "Traceback" not in proc.stderr


def test_delivery_keys_are_read(tmp_path):
    ca = tmp_path / "province-ca.pem"
    ca.write_text("-----BEGIN CERTIFICATE-----\n", encoding="utf-8")
    cfg = config.load(write(tmp_path, f'[server]\nrequest_deadline_s = 12\nmax_answer_bytes = 100000\n'
                                      f'dedupe = "reconcile"\ncatalog_refresh_h = 6\nca_bundle = "{ca}"\n'))
    s = cfg.server
    assert (s.request_deadline_s, s.max_answer_bytes, s.dedupe, s.catalog_refresh_h, s.ca_bundle) == \
        (12.0, 100000, "reconcile", 6.0, str(ca))
    assert config.load(None).server.dedupe == "both"
