"""USB bundle: export unsent submissions on an offline kiosk, import and deliver on a connected
machine, exactly once on the server, even when the original kiosk later sends them too."""
from __future__ import annotations

import json
import stat
from pathlib import Path

import pytest
from kiosktest import kiosk_catalog_file, kiosk_setup, run_kiosk, sample_attributes, simple_services  # noqa: F401

from kiosk import bundle
from kiosk import config as config_mod
from offline_queue import Outbox


def _submissions(cfg, n: int) -> list[dict]:
    service = simple_services(cfg)[0]
    return [
        {
            "service_code": service.code,
            "attributes": sample_attributes(service),
            "description": f"Saluran air di los {i} mampet 🚰",
            "reporter": {"name": "Siti Aminah", "phone": "0812-3456-7890"} if i % 2 else {"anonymous": True},
            "location": {"stall": f"B-{i}"},
            "language": "id",
        }
        for i in range(n)
    ]


def _enqueue(cfg_path: Path, cfg, tmp_path: Path, n: int) -> list[str]:
    f = tmp_path / f"in-{n}.json"
    f.write_text(json.dumps(_submissions(cfg, n)), encoding="utf-8")
    out = run_kiosk(cfg_path, "enqueue", str(f))
    assert out.returncode == 0, out.stderr
    return out.stdout.split()


def _second_machine(tmp_path: Path, base_url: str, *, secret: str | None = None) -> Path:
    """A connected machine: another data dir, the same signing secret as the kiosk (unless told)."""
    p = tmp_path / "laptop.toml"
    receipt = f'\n[receipt]\nsigning_secret = "{secret}"\n' if secret else ""
    p.write_text(
        f'[kiosk]\nid = "TEKNISI-LAPTOP"\ndata_dir = "{tmp_path / "laptop-data"}"\n'
        f'[server]\nbase_url = "{base_url}"\napi_key = "demo-key"\ntimeout_s = 5\nconnect_timeout_s = 2\n'
        f"retry_base_s = 0.05\nretry_cap_s = 0.5\n{receipt}",
        encoding="utf-8",
    )
    return p


def _queue(cfg_path: Path) -> dict:
    out = run_kiosk(cfg_path, "queue", "--json")
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout)


def test_export_import_sync_delivers_every_submission_exactly_once(kiosk_setup, tmp_path):
    cfg_path, cfg, sim = kiosk_setup
    codes = _enqueue(cfg_path, cfg, tmp_path, 6)
    stick = tmp_path / "usb" / "kiosk-genteng.bundle"

    out = run_kiosk(cfg_path, "bundle", "export", str(stick))
    assert out.returncode == 0, out.stderr
    assert "Exported 6" in out.stdout and "encrypted" in out.stderr
    assert stat.S_IMODE(stick.stat().st_mode) == 0o600
    header = json.loads(stick.read_text(encoding="utf-8").splitlines()[0])
    assert header["format"] == "pasar-kiosk-bundle" and header["version"] == 2
    assert header["kiosk_id"] == "BWI-GENTENG-01" and "count" not in header
    raw = stick.read_bytes()
    # Whole values, with their space or dash: four letters or digits turn up in base64
    # ciphertext by chance (a CI run found "3456" in the sealed body).
    assert b"Siti Aminah" not in raw and b"3456-7890" not in raw and "mampet".encode() not in raw
    assert _queue(cfg_path)["queued"] == 6, "export must not mark anything on the kiosk"

    laptop = _second_machine(tmp_path, sim.base_url)
    out = run_kiosk(laptop, "import-bundle", str(stick))
    assert out.returncode == 0, out.stderr
    assert "Queued 6 submissions from kiosk BWI-GENTENG-01" in out.stdout
    assert run_kiosk(laptop, "sync", "--once").returncode == 0
    assert _queue(laptop)["sent"] == 6

    stored = sim.requests()
    assert len(stored) == 6
    with Outbox(cfg.outbox_path) as box:
        originals = {c: box.get(c) for c in codes}
    by_key = {r["idempotency_key"]: r for r in stored}
    for code, item in originals.items():
        assert item.key in by_key, f"{code} not delivered under its original key"
        assert by_key[item.key]["body"] == item.body, "payload must be byte-for-byte the kiosk's"

    # The kiosk comes back online and sends its own copies: the server replays, adds nothing.
    assert run_kiosk(cfg_path, "sync", "--once").returncode == 0
    assert _queue(cfg_path)["sent"] == 6
    assert len(sim.requests()) == 6
    laptop_cfg = config_mod.load(laptop)
    with Outbox(cfg.outbox_path) as kiosk_box, Outbox(laptop_cfg.outbox_path) as laptop_box:
        for code in codes:
            assert kiosk_box.get(code).service_request_id == laptop_box.get(code).service_request_id

    # Importing the same stick again adds nothing.
    out = run_kiosk(laptop, "bundle", "import", str(stick))
    assert out.returncode == 0 and "Queued 0" in out.stdout and "6 were already here" in out.stdout


def _exported(kiosk_setup, tmp_path, n: int = 3) -> tuple[Path, Path, object]:
    cfg_path, cfg, sim = kiosk_setup
    _enqueue(cfg_path, cfg, tmp_path, n)
    stick = tmp_path / "b.bundle"
    assert run_kiosk(cfg_path, "bundle", "export", str(stick)).returncode == 0
    return stick, _second_machine(tmp_path, sim.base_url), sim


def _inner(data: bytes) -> bytes:
    """The signed lines inside the sealed box (the demo key's private half is public)."""
    import base64

    from kiosk.sealing import DEMO_PRIVATE_KEY, unseal

    return unseal(base64.b64decode(json.loads(data.split(b"\n")[1])["sealed_box"]), DEMO_PRIVATE_KEY)


def _resealed(data: bytes, inner: bytes) -> bytes:
    """What someone holding only the PUBLIC key could make: a new sealed box, new content."""
    import base64

    from kiosk.sealing import DEMO_PUBLIC_KEY, seal

    head = data.split(b"\n")[0]
    return head + b"\n" + json.dumps({"sealed_box": base64.b64encode(seal(inner, DEMO_PUBLIC_KEY)).decode()}).encode() + b"\n"


def _flip_one_byte(data: bytes) -> bytes:
    i = data.index(b"sealed_box") + 40  # inside the ciphertext
    return data[:i] + (b"A" if data[i:i + 1] != b"A" else b"B") + data[i + 1:]


def _changed_inside(data: bytes) -> bytes:
    inner = _inner(data)
    i = inner.index("mampet".encode())
    return _resealed(data, inner[:i] + b"n" + inner[i + 1:])


def _line_removed_inside(data: bytes) -> bytes:
    lines = _inner(data).split(b"\n")
    header = json.loads(lines[0])
    header["count"] -= 1
    lines[0] = json.dumps(header, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()
    del lines[2]
    return _resealed(data, b"\n".join(lines))


@pytest.mark.parametrize(
    "tamper,why",
    [
        (_flip_one_byte, "cannot be decrypted"),
        (_changed_inside, "signature does not match"),
        (_line_removed_inside, "signature does not match"),
        (lambda d: d[:-40], "incomplete"),
    ],
    ids=["ciphertext-byte-changed", "resealed-with-a-changed-line", "resealed-line-removed-count-fixed", "cut-short"],
)
def test_tampered_bundle_is_refused_and_nothing_imported(kiosk_setup, tmp_path, tamper, why):
    stick, laptop, _ = _exported(kiosk_setup, tmp_path)
    stick.write_bytes(tamper(stick.read_bytes()))
    out = run_kiosk(laptop, "bundle", "import", str(stick))
    assert out.returncode == 1
    assert "refused" in out.stderr and why in out.stderr
    assert "Traceback" not in out.stderr
    assert _queue(laptop)["queued"] == 0


def test_bundle_signed_with_another_secret_is_refused(kiosk_setup, tmp_path):
    stick, _, sim = _exported(kiosk_setup, tmp_path)
    stranger = _second_machine(tmp_path, sim.base_url, secret="another-kiosks-secret")
    out = run_kiosk(stranger, "bundle", "import", str(stick))
    assert out.returncode == 1
    assert "signature does not match" in out.stderr and "BWI-GENTENG-01" in out.stderr
    assert _queue(stranger)["queued"] == 0


def test_only_unsent_states_are_exported(tmp_path):
    """queued and sending travel; sent, awaiting_token (server has it) and dead (rejected) do not."""
    cfg = config_mod.from_dict({"kiosk": {"data_dir": str(tmp_path / "data")}})
    with Outbox(cfg.outbox_path) as box:
        for ref in ("QUEUED", "SENDING", "SENT", "TOKEN", "DEAD"):
            box.enqueue(ref=ref, service_code="X-01", body=f"service_code=X-01&description={ref}", meta={"kind": "complaint"})
        states = {}
        while (item := box.claim(ignore_pause=True)) is not None:
            states[item.ref] = item
        box.mark_sent(states["SENT"].id, "REQ-1")
        box.mark_awaiting_token(states["TOKEN"].id, "tok-1")
        box.mark_dead(states["DEAD"].id, "400 bad description")
        box.mark_retry(states["QUEUED"].id, "offline", 0)
        # SENDING stays in sending, as if the kiosk died mid-POST
        count = bundle.export_bundle(tmp_path / "out.bundle", cfg, outbox=box)
    assert count == 2
    header, items = bundle.read_bundle(tmp_path / "out.bundle", cfg)
    assert sorted(i["ref"] for i in items) == ["QUEUED", "SENDING"]
    assert {i["body"] for i in items} == {"service_code=X-01&description=QUEUED", "service_code=X-01&description=SENDING"}


def test_not_a_bundle_is_named_as_such(tmp_path):
    cfg = config_mod.from_dict({"kiosk": {"data_dir": str(tmp_path / "data")}})
    f = tmp_path / "photo.jpg"
    f.write_bytes(b"\xff\xd8\xff\xe0 not json\n{}\n")
    with pytest.raises(bundle.BundleError, match="not a kiosk bundle|no valid signature"):
        bundle.read_bundle(f, cfg)


def _with_bundle_keys(cfg_path: Path, public: str, key_id: str, private_file: Path | None = None) -> None:
    extra = f'\n[bundle]\nprovince_public_key = "{public}"\nkey_id = "{key_id}"\n'
    if private_file is not None:
        extra += f'province_private_key_file = "{private_file}"\n'
    cfg_path.write_text(cfg_path.read_text(encoding="utf-8") + extra, encoding="utf-8")


def test_province_key_pair_only_the_province_reads_the_bundle_exactly_once(kiosk_setup, tmp_path):
    cfg_path, cfg, sim = kiosk_setup
    keyfile = tmp_path / "province" / "bundle.key"
    keyfile.parent.mkdir()
    out = run_kiosk(cfg_path, "bundle", "keygen", "--out", str(keyfile), "--key-id", "JATIM1")
    assert out.returncode == 0, out.stderr
    assert stat.S_IMODE(keyfile.stat().st_mode) == 0o600
    public = next(line.split('"')[1] for line in out.stdout.splitlines() if line.startswith("province_public_key"))
    assert public not in keyfile.read_text()
    _with_bundle_keys(cfg_path, public, "JATIM1")  # the kiosk: public half only
    _enqueue(cfg_path, cfg, tmp_path, 4)
    stick = tmp_path / "usb.bundle"
    assert run_kiosk(cfg_path, "bundle", "export", str(stick)).returncode == 0
    raw = stick.read_bytes()
    # (Long enough that base64 ciphertext cannot hold them by chance; four characters can.)
    for secret in (b"Siti Aminah", b"0812-3456", b"3456-7890", b"6281234567890", "mampet".encode()):
        assert secret not in raw

    # The kiosk that wrote it cannot read it back.
    mine = run_kiosk(cfg_path, "bundle", "import", str(stick))
    assert mine.returncode == 1 and "no private key" in mine.stderr and "Traceback" not in mine.stderr
    # Nor can a machine with the demo key, or with another province key.
    demo = _second_machine(tmp_path, sim.base_url)
    out = run_kiosk(demo, "import-bundle", str(stick))
    assert out.returncode == 1 and "JATIM1" in out.stderr and _queue(demo)["queued"] == 0

    (tmp_path / "province").mkdir(exist_ok=True)
    province = _second_machine(tmp_path / "province", sim.base_url)
    _with_bundle_keys(province, public, "JATIM1", keyfile)
    out = run_kiosk(province, "import-bundle", str(stick))
    assert out.returncode == 0, out.stderr
    assert "Queued 4 submissions" in out.stdout
    again = run_kiosk(province, "import-bundle", str(stick))
    assert "Queued 0" in again.stdout and "4 were already here" in again.stdout
    assert run_kiosk(province, "sync", "--once").returncode == 0
    assert len(sim.requests()) == 4
    # The kiosk delivering its own copies later adds nothing.
    assert run_kiosk(cfg_path, "sync", "--once").returncode == 0
    assert len(sim.requests()) == 4

    # A ciphertext byte changed: refused, nothing imported.
    other = tmp_path / "other.toml"
    other.write_text(province.read_text().replace("laptop-data", "other-data"), encoding="utf-8")
    bad = bytearray(raw)
    bad[raw.index(b"sealed_box") + 50] ^= 1
    stick.write_bytes(bytes(bad))
    out = run_kiosk(other, "import-bundle", str(stick))
    assert out.returncode == 1 and "cannot be decrypted" in out.stderr and _queue(other)["queued"] == 0
