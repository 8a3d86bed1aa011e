"""Encrypting the USB bundle to the province's public key (an X25519 sealed box, PyNaCl).

Why a sealed box: the kiosk needs to *write* bundles, never to read them back.  A sealed box
(libsodium's ``crypto_box_seal``: an ephemeral X25519 key, XSalsa20-Poly1305) can be made by
anyone holding the public key and opened only with the private key, which lives on the
province's import machine alone.  So a lost stick, or a stolen kiosk, gives a finder nothing;
the kiosk's own HMAC signature inside still proves which kiosk wrote it (anyone with the
public key could make a sealed box, only the kiosk knows its signing secret).

Keys are 32 bytes, written in base64 in the config (``bundle.province_public_key``) and in the
private key file (``bundle.province_private_key_file``, mode 0600), with a short key id
(``bundle.key_id``, like ``receipt.signing_key_id``) so keys can be rotated.  Make a pair with
``kiosk bundle keygen --out FILE``.

The built-in demo pair below exists so ``kiosk demo`` and a fresh checkout work; ``kiosk
check`` warns while it is in use, since its private half is public.
"""
from __future__ import annotations

import base64
import binascii
import os
from pathlib import Path

from nacl.exceptions import CryptoError
from nacl.public import PrivateKey, PublicKey, SealedBox

DEMO_KEY_ID = "DEMO"
DEMO_PUBLIC_KEY = "GCEgNzMYYnzUtVGPPAD0QZbkBwZwlRwT06rwtRfS4j0="
DEMO_PRIVATE_KEY = "qHdgD/0P88c9S6LypQ/2Mqyf3Y9+wYj9hZj7LAq3PbE="  # demo only: it is public


class SealingError(Exception):
    """A key that cannot be used, or data that cannot be opened; ``str()`` says why."""


def _key_bytes(text: str, what: str) -> bytes:
    try:
        raw = base64.b64decode(text.strip(), validate=True)
    except (binascii.Error, ValueError):
        raise SealingError(f"{what} is not base64") from None
    if len(raw) != 32:
        raise SealingError(f"{what} must be 32 bytes (44 base64 characters), not {len(raw)}")
    return raw


def check_public_key(text: str) -> str | None:
    """Why ``text`` is not a usable public key, or None (for the config's checks)."""
    try:
        _key_bytes(text, "the key")
    except SealingError as exc:
        return str(exc)
    return None


def generate_keypair() -> tuple[str, str]:
    """``(private, public)`` in base64: a fresh X25519 pair for the province."""
    key = PrivateKey.generate()
    return base64.b64encode(bytes(key)).decode(), base64.b64encode(bytes(key.public_key)).decode()


def public_of(private_b64: str) -> str:
    return base64.b64encode(bytes(PrivateKey(_key_bytes(private_b64, "the private key")).public_key)).decode()


def seal(data: bytes, public_b64: str) -> bytes:
    """``data`` encrypted so that only the holder of the matching private key can read it."""
    return SealedBox(PublicKey(_key_bytes(public_b64, "bundle.province_public_key"))).encrypt(data)


def unseal(blob: bytes, private_b64: str) -> bytes:
    """The plaintext of a sealed box; SealingError when the key is wrong or a byte changed."""
    try:
        return SealedBox(PrivateKey(_key_bytes(private_b64, "the private key"))).decrypt(blob)
    except CryptoError:
        raise SealingError("it cannot be decrypted with this machine's private key: it was changed after "
                           "export, or it was encrypted to another key") from None


def read_private_key(path: str | os.PathLike[str]) -> str:
    """The base64 private key stored in ``path`` (one line; ``#`` comments allowed)."""
    try:
        text = Path(path).expanduser().read_text(encoding="utf-8")
    except OSError as exc:
        raise SealingError(f"cannot read the private key file {path}: {exc.strerror or exc}") from None
    lines = [ln.strip() for ln in text.splitlines() if ln.strip() and not ln.lstrip().startswith("#")]
    if not lines:
        raise SealingError(f"the private key file {path} holds no key")
    _key_bytes(lines[0], f"the private key in {path}")
    return lines[0]


def write_private_key(path: str | os.PathLike[str], private_b64: str, key_id: str) -> None:
    """Write a new private key file with mode 0600 (refuses to overwrite one)."""
    p = Path(path).expanduser()
    fd = os.open(p, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(f"# pasar-kiosk bundle private key, key id {key_id}: keep it on the province's machine only\n")
        fh.write(private_b64 + "\n")
        fh.flush()
        os.fsync(fh.fileno())
