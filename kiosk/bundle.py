"""Carry unsent submissions on a USB stick: a signed JSON-lines bundle, sealed to the province.

A kiosk that has been offline for weeks still holds its citizens' submissions.  Staff export
them (``kiosk bundle export FILE``); a technician imports the file on a connected machine
(``kiosk bundle import FILE`` or ``kiosk import-bundle FILE``), whose sync worker delivers them.

File format (version 2, two JSON lines; what a finder of the stick can read)::

    {"format": "pasar-kiosk-bundle", "version": 2, "kiosk_id": ..., "key_id": <bundle.key_id>, "created_at": ...}
    {"sealed_box": "<base64>"}

The sealed box (X25519 + XSalsa20-Poly1305, kiosk/sealing.py) is encrypted to
``bundle.province_public_key``: only the province's import machine, which holds the private
key (``bundle.province_private_key_file``), can open it; the kiosk that wrote it cannot.  A
changed byte makes it undecryptable.  Inside is the signed version-1 bundle::

    {"format": "pasar-kiosk-bundle", "version": 1, "kiosk_id": ..., "key_id": ..., "created_at": ..., "count": N}
    {"ref": ..., "key": ..., "service_code": ..., "body": ..., "meta": {...}, "created_at": ...}   (N lines)
    {"hmac_sha256": "<hex>"}

The last line is an HMAC-SHA256, keyed with ``receipt.signing_secret``, over every byte
before it.  Import refuses the whole file (nothing imported) if the signature is wrong, a
line was changed, added or removed, or the count does not match.  The importing machine
must therefore have the exporting kiosk's ``receipt.signing_secret`` in its config (use the
kiosk's own config file, with another ``data_dir`` if needed).

Exactly once, and why nothing is marked on the exporting kiosk:

- Each item travels with its ORIGINAL idempotency key and byte-for-byte body.  The importing
  machine enqueues it under the same key, so whichever machine POSTs first creates the
  request, and every later POST of that key (from the other machine, or a retry) gets the
  server's stored answer back instead of a second request.  The kiosk keeps its copy in
  ``queued`` on purpose: if the USB stick is lost or the import fails, the kiosk still
  delivers them itself once it is online; if the import already happened, its own sends are
  harmless replays.
- Exported states: ``queued`` and ``sending`` (a ``sending`` row is one whose POST may or may
  not have reached the server; resending it under the same key is exactly what the kiosk
  itself would do after a crash).  NOT exported: ``awaiting_token`` (the server already has
  it; only the token lookup is left, which the kiosk does itself), ``sent``, and ``dead``
  (the server rejected the payload for good; re-sending the same bytes elsewhere would be
  rejected again; staff fix and re-queue it first).
- Import skips tracking codes (refs) already in this outbox, so importing the same file twice,
  or a file from a kiosk that shares this data dir, adds nothing.

The sealed box hides the personal data (names, phone numbers, NIKs in the bodies) from
whoever finds the stick; the file is still written 0600 and should be deleted once imported
(deploy/INSTALL.md).  Plain version-1 files from older kiosks are still read (signed, not sealed).
"""
from __future__ import annotations

import hashlib
import hmac
import json
import logging
import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from offline_queue import Outbox

    from kiosk.config import Config

log = logging.getLogger("kiosk.bundle")

FORMAT = "pasar-kiosk-bundle"
VERSION = 1  # the signed JSON lines inside
SEALED_VERSION = 2  # the file on the stick: a header line and the sealed box
_SEALED_KEY = "sealed_box"
EXPORT_STATES = ("queued", "sending")
_SIG_KEY = "hmac_sha256"


class BundleError(Exception):
    """The bundle cannot be used; ``str()`` says why in a sentence for the technician."""


@dataclass
class ImportResult:
    """What an import did: refs added, refs skipped because this outbox already had them."""

    kiosk_id: str
    imported: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)


def _secret(cfg: "Config") -> bytes:
    return cfg.receipt.signing_secret.encode("utf-8")


def _line(obj: dict[str, Any]) -> bytes:
    return json.dumps(obj, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8") + b"\n"


def _iso(value: datetime | None) -> str | None:
    return value.astimezone(timezone.utc).isoformat() if value else None


def _unsent(outbox: "Outbox") -> list[Any]:
    """The items to carry, oldest first (see the module docstring for which states and why)."""
    return [it for it in outbox.items(*EXPORT_STATES) if it.body is not None]


def build_bundle(items: Iterable[Any], cfg: "Config", *, now: datetime | None = None) -> bytes:
    """The signed bundle bytes for ``items`` (objects with ref, key, service_code, body, meta, created_at)."""
    items = list(items)
    created = now or datetime.now(timezone.utc)
    out = bytearray(
        _line(
            {
                "format": FORMAT,
                "version": VERSION,
                "kiosk_id": cfg.kiosk.id,
                "key_id": cfg.receipt.signing_key_id,
                "created_at": created.isoformat(),
                "count": len(items),
            }
        )
    )
    for it in items:
        out += _line(
            {
                "ref": it.ref,
                "key": it.key,
                "service_code": it.service_code,
                "body": it.body,
                "meta": it.meta,
                "created_at": _iso(it.created_at),
            }
        )
    sig = hmac.new(_secret(cfg), bytes(out), hashlib.sha256).hexdigest()
    out += _line({_SIG_KEY: sig})
    return bytes(out)


def _write_private(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` atomically with mode 0600 (personal data inside)."""
    path = path.expanduser()
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o600)  # umask or an existing file could have left other bits
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    try:  # the directory entry too, so the file survives pulling the stick right away
        dir_fd = os.open(path.parent, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(dir_fd)
    except OSError:
        pass
    finally:
        os.close(dir_fd)


def export_bundle(path: str | os.PathLike[str], cfg: "Config", outbox: "Outbox | None" = None) -> int:
    """Write every unsent submission to ``path``; returns how many.  Marks nothing on this kiosk."""
    from kiosk.datadir import open_outbox

    own = outbox is None
    box = open_outbox(cfg) if own else outbox
    try:
        items = _unsent(box)
    finally:
        if own:
            box.close()
    _write_private(Path(path), seal_bundle(build_bundle(items, cfg), cfg))
    log.info("exported %d unsent submissions to a bundle", len(items))
    return len(items)


def seal_bundle(signed: bytes, cfg: "Config", *, now: datetime | None = None) -> bytes:
    """The file for the stick: a plain header line, then ``signed`` sealed to the province's key."""
    import base64

    from kiosk.sealing import seal

    header = {"format": FORMAT, "version": SEALED_VERSION, "kiosk_id": cfg.kiosk.id,
              "key_id": cfg.bundle.key_id, "created_at": (now or datetime.now(timezone.utc)).isoformat()}
    box = base64.b64encode(seal(signed, cfg.bundle.province_public_key)).decode("ascii")
    return _line(header) + _line({_SEALED_KEY: box})


def _private_key(cfg: "Config", key_id: str) -> str:
    from kiosk import sealing

    b = cfg.bundle
    if key_id != b.key_id:
        raise BundleError(f"the bundle is encrypted to key {key_id!r}, this machine is set up for key "
                          f"{b.key_id!r} (bundle.key_id). Nothing was imported.")
    if b.province_private_key_file:
        try:
            private = sealing.read_private_key(b.province_private_key_file)
        except sealing.SealingError as exc:
            raise BundleError(f"{exc} (bundle.province_private_key_file). Nothing was imported.") from None
        if sealing.public_of(private) != b.province_public_key:
            raise BundleError("bundle.province_private_key_file does not match bundle.province_public_key. "
                              "Nothing was imported.")
        return private
    if b.province_public_key == sealing.DEMO_PUBLIC_KEY:
        return sealing.DEMO_PRIVATE_KEY
    raise BundleError(f"this machine holds no private key for bundle key {key_id!r}: only the province's import "
                      "machine can open it (bundle.province_private_key_file). Nothing was imported.")


def _unsealed(data: bytes, cfg: "Config") -> bytes:
    """The signed inner bundle of a version-2 file (a version-1 file is returned as it is)."""
    import base64

    from kiosk.sealing import SealingError, unseal

    first, _, rest = data.partition(b"\n")
    try:
        header = json.loads(first)
    except ValueError:
        return data
    if not isinstance(header, dict) or header.get("format") != FORMAT or header.get("version") != SEALED_VERSION:
        return data
    if not rest.endswith(b"\n"):
        raise BundleError("the bundle is incomplete (cut short); it may have been pulled out too early")
    try:
        box = base64.b64decode(json.loads(rest)[_SEALED_KEY], validate=True)
    except (ValueError, KeyError, TypeError):
        raise BundleError("the bundle is incomplete or damaged (its sealed part cannot be read)") from None
    try:
        return unseal(box, _private_key(cfg, str(header.get("key_id"))))
    except SealingError as exc:
        raise BundleError(f"the bundle is refused: {exc}. Nothing was imported.") from None


def read_bundle(path: str | os.PathLike[str], cfg: "Config") -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """Open (version 2), verify and parse a bundle: (header, items).  Raises BundleError before
    anything is used."""
    try:
        data = Path(path).expanduser().read_bytes()
    except OSError as exc:
        raise BundleError(f"cannot read the bundle: {exc.strerror or exc}") from None
    data = _unsealed(data, cfg)
    if not data.endswith(b"\n"):
        raise BundleError("the bundle is incomplete (no signature line at the end); it may have been cut short")
    cut = data.rstrip(b"\n").rfind(b"\n") + 1
    signed, sig_line = data[:cut], data[cut:]
    try:
        sig = json.loads(sig_line)[_SIG_KEY]
        if not isinstance(sig, str):
            raise TypeError
    except (ValueError, KeyError, TypeError):
        raise BundleError("the bundle has no valid signature line; it is damaged or not a kiosk bundle") from None
    header: dict[str, Any] = {}
    try:
        header = json.loads(signed.split(b"\n", 1)[0])
    except ValueError:
        pass
    if not isinstance(header, dict) or header.get("format") != FORMAT:
        raise BundleError("this file is not a kiosk bundle")
    expected = hmac.new(_secret(cfg), signed, hashlib.sha256).hexdigest()
    if not hmac.compare_digest(expected, sig):
        raise BundleError(
            "the bundle's signature does not match: it was changed after export, or it was signed "
            f"with another secret (bundle from kiosk {header.get('kiosk_id')!r}, key {header.get('key_id')!r}; "
            f"this config has key {cfg.receipt.signing_key_id!r}). Nothing was imported."
        )
    if header.get("version") != VERSION:
        raise BundleError(f"bundle version {header.get('version')!r} is not supported (this program reads version {VERSION})")
    lines = signed.split(b"\n")[1:-1]
    try:
        items = [json.loads(line) for line in lines]
    except ValueError:
        raise BundleError("the bundle has a line that is not JSON") from None
    if len(items) != header.get("count"):
        raise BundleError(f"the bundle says {header.get('count')} submissions but holds {len(items)}")
    for i, item in enumerate(items, 1):
        if not isinstance(item, dict) or not all(isinstance(item.get(k), str) and item.get(k) for k in ("ref", "key", "service_code", "body")):
            raise BundleError(f"submission {i} in the bundle is incomplete")
    return header, items


def import_bundle(path: str | os.PathLike[str], cfg: "Config", outbox: "Outbox | None" = None) -> ImportResult:
    """Verify the bundle, then queue its submissions in THIS machine's outbox with their original keys.

    All or nothing for the verification; then one durable enqueue per item.  A ref already
    present is skipped (a second import, or the kiosk's own data dir) and reported.
    """
    from offline_queue import DuplicateRef

    from kiosk.datadir import open_outbox

    header, items = read_bundle(path, cfg)
    result = ImportResult(kiosk_id=str(header.get("kiosk_id", "")))
    own = outbox is None
    box = open_outbox(cfg) if own else outbox
    try:
        for item in items:
            if box.get(item["ref"]) is not None:
                result.skipped.append(item["ref"])
                continue
            meta = dict(item.get("meta") or {})
            meta["imported_from"] = result.kiosk_id
            meta["bundle_created_at"] = header.get("created_at")
            created = item.get("created_at")
            try:
                box.enqueue(
                    ref=item["ref"],
                    key=item["key"],
                    service_code=item["service_code"],
                    body=item["body"],
                    meta=meta,
                    created_at=datetime.fromisoformat(created) if created else None,
                )
            except DuplicateRef:
                result.skipped.append(item["ref"])
                continue
            result.imported.append(item["ref"])
    finally:
        if own:
            box.close()
    log.info(
        "imported bundle from kiosk %s: %d queued, %d already present",
        result.kiosk_id, len(result.imported), len(result.skipped),
    )
    return result
