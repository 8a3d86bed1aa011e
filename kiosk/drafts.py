"""Submissions as JSON (``kiosk enqueue``), read into the same ``Draft`` the screen fills.

Shape (DESIGN.md "Command line")::

    {"service_code": "...", "description": "...", "attributes": {"code": "v" | ["v1", "v2"]},
     "reporter": {"name": "...", "phone": "...", "email": "...", "anonymous": false},
     "location": {"address_string": "...", "lat": -8.4, "long": 114.2}, "language": "id"}
"""
from __future__ import annotations

from typing import Any

from kiosk.i18n import LANGUAGES
from kiosk.kinds import KINDS
from kiosk.model import Draft, Location, Reporter


class DraftFormatError(ValueError):
    """The JSON is not a submission; the message names the field."""


def _obj(data: Any, where: str) -> dict[str, Any]:
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise DraftFormatError(f"{where}: must be an object")
    return data


def _str(data: dict[str, Any], key: str, where: str) -> str:
    value = data.get(key, "")
    if value is None:
        return ""
    if not isinstance(value, (str, int, float)) or isinstance(value, bool):
        raise DraftFormatError(f"{where}{key}: must be text")
    return str(value)


def _num(data: dict[str, Any], key: str, where: str) -> float | None:
    value = data.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise DraftFormatError(f"{where}{key}: must be a number")
    return float(value)


def draft_from_json(data: Any) -> Draft:
    """One submission object -> Draft; shape errors only (content is checked by validation)."""
    obj = _obj(data, "submission")
    if not isinstance(obj.get("service_code"), str) or not obj["service_code"]:
        raise DraftFormatError("service_code: required")
    rep = _obj(obj.get("reporter"), "reporter")
    loc = _obj(obj.get("location"), "location")
    attrs = _obj(obj.get("attributes"), "attributes")
    attributes: dict[str, str | list[str]] = {}
    for code, value in attrs.items():
        if isinstance(value, list):
            attributes[code] = [str(v) for v in value]
        elif isinstance(value, (str, int, float)) and not isinstance(value, bool):
            attributes[code] = str(value)
        else:
            raise DraftFormatError(f"attributes.{code}: must be text or a list of texts")
    language = obj.get("language") or "id"
    if language not in LANGUAGES:
        raise DraftFormatError(f"language: must be one of {', '.join(LANGUAGES)}")
    kind = obj.get("kind")
    if kind is not None and kind not in KINDS:
        raise DraftFormatError("kind: must be complaint or request")
    return Draft(
        service_code=obj["service_code"],
        description=_str(obj, "description", ""),
        attributes=attributes,
        reporter=Reporter(
            name=_str(rep, "name", "reporter."),
            phone=_str(rep, "phone", "reporter."),
            email=_str(rep, "email", "reporter."),
            nik=_str(rep, "nik", "reporter."),
            anonymous=bool(rep.get("anonymous", False)),
        ),
        location=Location(
            address_string=_str(loc, "address_string", "location."),
            stall=_str(loc, "stall", "location."),
            lat=_num(loc, "lat", "location."),
            long=_num(loc, "long", "location."),
        ),
        language=language,
        kind=kind,
        assisted=bool(obj.get("assisted", False)),
    )


def drafts_from_json(data: Any) -> list[Draft]:
    """One object or an array of them; errors name the item's index."""
    items = data if isinstance(data, list) else [data]
    drafts = []
    for i, item in enumerate(items):
        try:
            drafts.append(draft_from_json(item))
        except DraftFormatError as exc:
            raise DraftFormatError(f"item {i}: {exc}") from None
    return drafts
