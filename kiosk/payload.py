"""The Open311 form body of a submission, built once and stored with it in the outbox.

The body is what every retry sends, byte for byte (DESIGN.md: a server may answer 422 to an
idempotency key reused with a different payload), so it is built from the validated draft at
*Kirim* time and never rebuilt.  It holds no ``api_key``: the client appends the key at send
time, so no secret sits in the outbox and a rotated key does not change the payload.
"""
from __future__ import annotations

from datetime import datetime
from urllib.parse import urlencode

from kiosk.config import Config
from kiosk.i18n import N_, tr
from kiosk.model import Draft, Service
from kiosk.tracking import format_code
from kiosk.validation import MAX_DESCRIPTION

NIK_ATTRIBUTE = "nik"
#: The description's last line: the province's staff find a receipt by it, and the kiosk
#: finds a submission whose answer was lost by it (real servers drop ``attribute[kiosk_ref]``).
CODE_LINE = N_("Kode laporan: {code}")


def description_with_code(text: str, tracking_code: str, lang: str) -> str:
    """The citizen's text, a blank line, then ``Kode laporan: T1M-ZQAD-7SWP`` in the
    citizen's language; the text is shortened (with "…") if the whole would pass the
    server's 4,000-character cap, so the code line is never cut off."""
    shown = format_code(tracking_code) if len(tracking_code) == 11 else tracking_code
    line = tr(lang, CODE_LINE, code=shown)
    body = text.rstrip()
    room = MAX_DESCRIPTION - len(line) - 2
    if len(body) > room:
        body = body[: room - 1].rstrip() + "…"
    return f"{body}\n\n{line}" if body else line


def split_name(name: str) -> tuple[str, str]:
    """Open311 wants first/last name; many Indonesians have one name, which goes first."""
    parts = name.split()
    if not parts:
        return "", ""
    return parts[0], " ".join(parts[1:])


def address_string(draft: Draft, cfg: Config) -> str:
    """Market and stall, in words a field officer can walk to."""
    loc = draft.location
    base = loc.address_string or f"{cfg.kiosk.market}, {cfg.kiosk.address}"
    return f"{base}, Kios/Los {loc.stall}" if loc.stall else base


def form_fields(draft: Draft, service: Service, cfg: Config, tracking_code: str,
                submitted_at: datetime) -> list[tuple[str, str]]:
    """The ordered form fields of ``POST requests.json`` (DESIGN.md "Protocol")."""
    loc = draft.location
    lat = cfg.kiosk.lat if loc.lat is None else loc.lat
    long = cfg.kiosk.long if loc.long is None else loc.long
    fields: list[tuple[str, str]] = [
        ("jurisdiction_id", cfg.server.jurisdiction_id),
        ("service_code", service.code),
        ("description", description_with_code(draft.description, tracking_code, draft.language or cfg.default_language)),
        ("lat", f"{lat:.6f}"),
        ("long", f"{long:.6f}"),
        ("address_string", address_string(draft, cfg)),
        ("device_id", cfg.kiosk.id),
    ]
    rep = draft.reporter
    if not rep.anonymous:
        first, last = split_name(rep.name)
        fields += [(k, v) for k, v in (("first_name", first), ("last_name", last),
                                        ("phone", rep.phone), ("email", rep.email)) if v]
    for code, value in draft.attributes.items():
        if isinstance(value, (list, tuple)):
            fields += [(f"attribute[{code}][]", str(v)) for v in value]
        elif value not in ("", None):
            fields.append((f"attribute[{code}]", str(value)))
    if rep.nik and not rep.anonymous and NIK_ATTRIBUTE not in draft.attributes:
        fields.append((f"attribute[{NIK_ATTRIBUTE}]", rep.nik))
    fields += [
        ("attribute[kiosk_ref]", tracking_code),
        ("attribute[client_datetime]", submitted_at.isoformat(timespec="seconds")),
    ]
    return fields


def build_body(draft: Draft, service: Service, cfg: Config, tracking_code: str,
               submitted_at: datetime) -> str:
    """``application/x-www-form-urlencoded; charset=utf-8`` text of the submission."""
    return urlencode(form_fields(draft, service, cfg, tracking_code, submitted_at), encoding="utf-8")
