"""The domain: what a citizen files, and the catalog it is filed against.

Plain frozen dataclasses, no Qt and no I/O, so the UI, the CLI and the tests share them.
Names shown to people are kept per language (``{"id": ..., "jv": ..., "en": ...}``);
``Localized.get(lang)`` falls back to Indonesian, the source language.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal, Mapping

Kind = Literal["complaint", "request"]
Datatype = Literal["string", "number", "datetime", "text", "singlevaluelist", "multivaluelist"]
DATATYPES: tuple[str, ...] = ("string", "number", "datetime", "text", "singlevaluelist", "multivaluelist")
ServiceType = Literal["realtime", "batch", "blackbox"]
AttributeValue = str | list[str]


class Localized(dict):
    """Text in several languages; missing ones fall back to Indonesian, then to any."""

    def get(self, lang: str, default: str = "") -> str:  # type: ignore[override]
        return super().get(lang) or super().get("id") or next(iter(self.values()), default)


@dataclass(frozen=True)
class ValueOption:
    key: str
    name: Localized


@dataclass(frozen=True)
class Attribute:
    """One field of a service definition (Open311 ``attributes[]``)."""

    code: str
    datatype: str
    required: bool = False
    variable: bool = True
    description: Localized = field(default_factory=Localized)  # the question shown to the citizen
    datatype_description: Localized = field(default_factory=Localized)  # a hint under the field
    order: int = 0
    values: tuple[ValueOption, ...] = ()
    # Kiosk hints (not Open311): which keypad to show and how to check the value.
    input_hint: Literal["text", "digits", "phone", "nik", "stall"] = "text"


@dataclass(frozen=True)
class Service:
    """One service of the catalog (Open311 ``services.json`` item) plus kiosk presentation."""

    code: str
    name: Localized
    description: Localized = field(default_factory=Localized)
    group: str = "umum"  # catalog group code, e.g. "kebersihan"
    kind: Kind = "complaint"
    type: ServiceType = "realtime"
    keywords: tuple[str, ...] = ()
    metadata: bool = False
    icon: str = "info"  # icon name under ui/icons/
    due_working_days: int | None = None  # None: the receipt.due_working_days default
    asks_nik: bool = False  # the definition includes a NIK attribute
    attributes: tuple[Attribute, ...] = ()  # sorted by ``order``
    # Kiosk presentation: a few tappable ready-made descriptions ("Sampah menumpuk"), so a
    # common complaint needs no typing at all.  From the bundled catalog only.
    quick_phrases: tuple[Localized, ...] = ()


@dataclass(frozen=True)
class Group:
    code: str
    name: Localized
    icon: str = "info"


@dataclass(frozen=True)
class Reporter:
    name: str = ""
    phone: str = ""
    email: str = ""
    nik: str = ""
    anonymous: bool = False


@dataclass(frozen=True)
class Location:
    """Where the problem is; empty means the kiosk's own market (from config)."""

    address_string: str = ""
    stall: str = ""
    lat: float | None = None
    long: float | None = None


@dataclass(frozen=True)
class Draft:
    """What the citizen typed, before validation; the UI fills it step by step."""

    service_code: str
    description: str = ""
    attributes: Mapping[str, AttributeValue] = field(default_factory=dict)
    reporter: Reporter = field(default_factory=Reporter)
    location: Location = field(default_factory=Location)
    language: str = "id"
    kind: Kind | None = None  # default: the service's kind
    assisted: bool = False  # filed by a clerk on a citizen's behalf (staff area)


@dataclass(frozen=True)
class FieldError:
    """A validation failure for one field; ``message`` is an Indonesian msgid with ``{params}``.

    ``field`` is a dotted path the UI maps to its widget: ``description``,
    ``reporter.phone``, ``reporter.nik``, ``location.stall``, ``attributes.<code>``.
    """

    field: str
    message: str
    params: Mapping[str, object] = field(default_factory=dict)

    def text(self, lang: str) -> str:
        from kiosk.i18n import tr

        return tr(lang, self.message, **self.params)
