"""The PyInstaller one-folder build (kiosk.spec) and the deploy/ files a technician installs.

The build tests are slow and run only when asked (``KIOSK_TEST_BUILD=1``, which builds with
``make build`` first) or when ``dist/kiosk`` already exists (e.g. after ``make build``).
They run the BUILT program, never the source: ``kiosk check`` against the simulator, a
receipt rendered with the bundled fonts, reportlab barcode modules and python-escpos data,
and a headless start of the touch UI that exits after the welcome screen.
"""
from __future__ import annotations

import dataclasses
import json
import os
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from kiosktest import kiosk_catalog_file, sample_attributes, simple_services, write_config  # noqa: F401

from kiosk import config as config_mod

ROOT = Path(__file__).resolve().parents[2]
DIST = ROOT / "dist" / "kiosk"
EXE = DIST / ("kiosk.exe" if sys.platform == "win32" else "kiosk")
MAX_BUNDLE_MB = 200


# -- deploy/ (fast) ----------------------------------------------------------------------------
def test_config_template_loads_and_documents_every_key():
    example = ROOT / "deploy" / "kiosk.toml.example"
    cfg = config_mod.load(example)
    assert cfg.staff.pin_hash == "", "the template must not ship a PIN"
    text = example.read_text(encoding="utf-8")
    data = tomllib.loads(text)
    for name, cls in config_mod._SECTION_TYPES.items():
        assert f"[{name}]" in text
        for f in dataclasses.fields(cls):
            # set in the template, or at least shown commented out with an explanation
            assert f.name in data.get(name, {}) or re.search(rf"^#\s*{f.name}\s*=", text, re.M), f"{name}.{f.name}"


def test_systemd_unit_restarts_and_watches_the_gui():
    unit = (ROOT / "deploy" / "kiosk.service").read_text(encoding="utf-8")
    for line in ("Type=notify", "NotifyAccess=all", "WatchdogSec=30", "Restart=always",
                 "QT_QPA_PLATFORM=wayland", "QT_IM_MODULE=qtvirtualkeyboard"):
        assert re.search(rf"^(Environment=)?{re.escape(line)}$", unit, re.M), line
    assert re.search(r"^ExecStart=.*cage .*kiosk --config /etc/kiosk/kiosk.toml run$", unit, re.M)


def test_install_guide_covers_the_technicians_steps():
    guide = (ROOT / "deploy" / "INSTALL.md").read_text(encoding="utf-8")
    for needle in ("make build", "staff set-pin", "lpadmin", "99-kiosk-escpos.rules", "kiosk check",
                   "Troubleshooting", "import-bundle", "Delete it"):
        assert needle in guide, needle


pytestmark = pytest.mark.timeout(1500)


# -- the build (slow) --------------------------------------------------------------------------
def _want_build() -> bool:
    return os.environ.get("KIOSK_TEST_BUILD") == "1"


# The build alone takes minutes (more beside the suite's other worker): past the suite's 300 s.
@pytest.fixture(scope="module")
def built() -> Path:
    if _want_build():
        proc = subprocess.run(["make", "build"], cwd=ROOT, capture_output=True, text=True, timeout=1800)
        assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    if not EXE.exists():
        pytest.skip("no dist/kiosk build (run `make build`, or set KIOSK_TEST_BUILD=1)")
    return EXE


def _run_built(exe: Path, cfg_path: Path, *args: str, timeout: float = 120) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "VIRTUAL_ENV"))}
    env.update(QT_QPA_PLATFORM="offscreen", QT_QUICK_BACKEND="software")
    return subprocess.run([str(exe), "--config", str(cfg_path), *args], capture_output=True, text=True,
                          timeout=timeout, env=env, cwd=cfg_path.parent)




@pytest.mark.slow
def test_bundle_is_trimmed_and_under_target(built):
    size = sum(p.stat().st_size for p in DIST.rglob("*") if p.is_file() and not p.is_symlink())
    mb = size / 1e6
    print(f"\ndist/kiosk: {mb:.0f} MB")
    assert mb < MAX_BUNDLE_MB, f"bundle is {mb:.0f} MB"
    names = {p.name for p in DIST.rglob("*")}
    rel = [str(p.relative_to(DIST)) for p in DIST.rglob("*")]
    assert not any("devserver" in r for r in rel), "the simulator must not be bundled"
    assert not any(r.startswith(("_internal/numpy", "_internal/tkinter")) for r in rel)
    assert not any(re.search(r"Qt6?(WebEngine|3D|Charts|Pdf|Quick3D)", n) for n in names)
    assert any("VirtualKeyboard" in r for r in rel), "the on-screen keyboard's QML module is needed"
    qm = [n for n in names if n.endswith(".qm")]
    assert qm and all(re.search(r"_(id|jv|en)\.qm$", n) for n in qm), qm


@pytest.mark.slow
def test_built_kiosk_check_against_the_simulator(built, tmp_path, simulator_factory, kiosk_catalog_file):
    sim = simulator_factory(catalog=kiosk_catalog_file)
    cfg_path = write_config(tmp_path / "kiosk.toml", tmp_path / "data", sim.base_url)
    out = _run_built(built, cfg_path, "check", "--json")
    assert "Traceback" not in out.stderr, out.stderr
    data = json.loads(out.stdout)
    checks = {c["name"]: c for c in data["checks"]}
    assert out.returncode == 0 and data["ok"], out.stdout
    assert checks["server"]["status"] in ("OK", "WARN") and "reachable" in checks["server"]["detail"]
    assert checks["printer"]["status"] == "OK"
    assert checks["catalog"]["status"] in ("OK", "WARN")


@pytest.mark.slow
def test_built_kiosk_files_and_renders_a_receipt(built, tmp_path, simulator_factory, kiosk_catalog_file):
    """The bundle has everything printing needs: fonts, reportlab's barcode modules, escpos data, holidays."""
    sim = simulator_factory(catalog=kiosk_catalog_file)
    cfg_path = write_config(tmp_path / "kiosk.toml", tmp_path / "data", sim.base_url)
    cfg = config_mod.load(cfg_path)
    service = simple_services(cfg)[0]
    sub = tmp_path / "one.json"
    sub.write_text(json.dumps({"service_code": service.code, "attributes": sample_attributes(service),
                               "description": "Atap los bocor", "reporter": {"anonymous": True}}), encoding="utf-8")
    out = _run_built(built, cfg_path, "enqueue", str(sub))
    assert out.returncode == 0, out.stderr
    code = out.stdout.strip()
    for ext in ("pdf", "escpos"):
        target = tmp_path / f"r.{ext}"
        out = _run_built(built, cfg_path, "receipt", code, "--out", str(target))
        assert out.returncode == 0, out.stderr
        assert target.stat().st_size > 1000
    assert (tmp_path / "r.pdf").read_bytes().startswith(b"%PDF")
    out = _run_built(built, cfg_path, "sync", "--once")
    assert out.returncode == 0, out.stderr
    assert len(sim.requests()) == 1


@pytest.mark.slow
def test_built_kiosk_has_the_speech_engine_and_writes_speech(built, tmp_path):
    """Read-aloud in the bundle: Qt's speech-dispatcher engine (not the tests' mock engine), the
    `speech` command from ui/ through the bundled entry points, and the self-test line."""
    import shutil
    import wave

    cfg_path = write_config(tmp_path / "kiosk.toml", tmp_path / "data", "http://127.0.0.1:9/open311/v2")
    out = _run_built(built, cfg_path, "speech", "voices", "--json")  # KIOSK_SPEECH_ENGINE=mock: not bundled
    assert out.returncode == 0, out.stderr[-2000:]
    data = json.loads(out.stdout)
    if sys.platform.startswith("linux"):
        assert "speechd" in data["engines"] and "mock" not in data["engines"], data
    assert data["engine"] is None and "no text-to-speech engine" in data["problem"]
    check = json.loads(_run_built(built, cfg_path, "check", "--only", "speech", "--json").stdout)
    assert check["checks"][0]["status"] == "WARN"
    if shutil.which("espeak-ng"):
        wav = tmp_path / "x.wav"
        out = _run_built(built, cfg_path, "speech", "test", "--lang", "id", "--out", str(wav))
        assert out.returncode == 0, out.stderr
        with wave.open(str(wav), "rb") as w:
            assert w.getnframes() / w.getframerate() > 3


@pytest.mark.slow
def test_built_app_starts_headless_and_exits_after_the_welcome_screen(built, tmp_path):
    cfg_path = write_config(tmp_path / "kiosk.toml", tmp_path / "data", "http://127.0.0.1:9/open311/v2")
    out = _run_built(built, cfg_path, "run", "--exit-after-start", timeout=180)
    assert out.returncode == 0, out.stderr[-3000:]
    problems = [line for line in out.stderr.splitlines()
                if re.search(r"Traceback|is not installed|Cannot load library|ModuleNotFoundError|No module named|"
                             r"could not be loaded|failed to load|QQmlApplicationEngine failed", line, re.I)]
    assert not problems, problems
    log = (tmp_path / "data" / "logs" / "kiosk.log").read_text(encoding="utf-8")
    assert "welcome screen" in log
