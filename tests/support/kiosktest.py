"""Test helpers: a kiosk config on disk pointing at a real simulator, for tests that run the real `kiosk`."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from kiosk import config as config_mod


def kiosk_cmd(cfg_path: Path, *args: str) -> list[str]:
    return [sys.executable, "-m", "kiosk", "--config", str(cfg_path), *args]


def run_kiosk(cfg_path: Path, *args: str, input: str | None = None, timeout: float = 120) -> subprocess.CompletedProcess:
    return subprocess.run(kiosk_cmd(cfg_path, *args), capture_output=True, text=True, input=input,
                          timeout=timeout, env={**os.environ, "QT_QPA_PLATFORM": "offscreen"})


def write_config(path: Path, data_dir: Path, base_url: str, *, api_key: str = "demo-key",
                 retry_base_s: float = 0.05, retry_cap_s: float = 0.5, extra: str = "") -> Path:
    path.write_text(f"""
[kiosk]
id = "BWI-GENTENG-01"
data_dir = "{data_dir}"

[server]
base_url = "{base_url}"
api_key = "{api_key}"
timeout_s = 5
connect_timeout_s = 2
retry_base_s = {retry_base_s}
retry_cap_s = {retry_cap_s}

[printer]
backend = "file"
path = "receipts"
{extra}
""", encoding="utf-8")
    return path


SAMPLE_VALUES = {"number": "3", "datetime": "2026-11-20T08:30", "string": "Los sayur", "text": "Di lorong timur."}


def sample_attributes(service) -> dict:
    """Valid answers for a service's required questions, as a citizen could give them."""
    out: dict = {}
    for a in service.attributes:
        if not a.required:
            continue
        if a.datatype == "singlevaluelist":
            out[a.code] = a.values[0].key
        elif a.datatype == "multivaluelist":
            out[a.code] = [a.values[0].key]
        else:
            out[a.code] = SAMPLE_VALUES[a.datatype]
    return out


def simple_services(cfg) -> list:
    """Realtime services whose required questions have simple answers (no NIK)."""
    from kiosk.catalog import Catalog

    return [s for s in Catalog.open(cfg).services()
            if s.type == "realtime" and not any(a.input_hint == "nik" and a.required for a in s.attributes)]


@pytest.fixture
def kiosk_catalog_file(tmp_path) -> Path:
    """The kiosk's bundled catalog in GeoReport shape, so the simulator knows the same codes."""
    from kiosk.catalog import Catalog

    p = tmp_path / "catalog-open311.json"
    p.write_text(json.dumps(Catalog.open(config_mod.from_dict({"kiosk": {"data_dir": str(tmp_path / "cat")}})).to_open311(),
                            ensure_ascii=False), encoding="utf-8")
    return p


@pytest.fixture
def kiosk_setup(tmp_path, simulator_factory, kiosk_catalog_file):
    """(config path, Config, simulator) for a kiosk that talks to a fault-free simulator."""
    sim = simulator_factory(catalog=kiosk_catalog_file)
    cfg_path = write_config(tmp_path / "kiosk.toml", tmp_path / "data", sim.base_url)
    return cfg_path, config_mod.load(cfg_path), sim


def form_pairs(req: dict) -> list[tuple[str, str]]:
    """What the simulator stored for one POST, as the form's (key, value) pairs in order."""
    from urllib.parse import parse_qsl

    raw = req.get("raw_body") or req.get("body")
    if isinstance(raw, str):
        return parse_qsl(raw, keep_blank_values=True)
    fields = req.get("fields") or {}
    return [(k, x) for k, v in fields.items() for x in (v if isinstance(v, list) else [v])]
