"""The service catalog: what a citizen can file, grouped, with icons, in three languages.

Two sources, one shape:

- the **bundled** default, ``kiosk/data/catalog.json``: real services of a market
  public-service point in Banyuwangi, with Open311 fields plus the kiosk's own (names and
  questions in ``id``/``jv``/``en``, ``kind``, ``icon``, ``due_working_days``, ``input_hint``);
- the **server's** catalog, fetched by ``refresh(client)`` from ``services.json`` and
  ``services/{code}.json`` and cached in SQLite at ``cfg.catalog_path`` so a kiosk that
  boots with no network still shows what the province last published.

The cache keeps the server's answers *raw* and merges them with the bundle at load time, so
a kiosk update that improves the Javanese or English names applies to a cached catalog too.
A server only speaks Indonesian: for codes the bundle knows, its Javanese/English names,
questions, value labels, icon, kind and due days are kept; a group the bundle does not know
becomes the general group (``umum``) rather than a group with no translation or icon.

A cache that is missing, empty or unreadable is never fatal: the bundled catalog is used and
a warning is logged.  A refresh writes a new cache file and swaps it in with ``os.replace``,
so a refresh that fails half-way (network gone, server error) leaves the old cache intact.
"""
from __future__ import annotations

import json
import logging
import os
import sqlite3
import threading
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Protocol

import sqlite_utils

from kiosk.config import Config
from kiosk.model import DATATYPES, Attribute, Group, Localized, Service, ValueOption

log = logging.getLogger(__name__)

BUNDLED_PATH = Path(__file__).with_name("data") / "catalog.json"
GENERAL_GROUP = "umum"
SERVICE_TYPES = ("realtime", "batch", "blackbox")
INPUT_HINTS = ("text", "digits", "phone", "nik", "stall")
ICONS = frozenset({
    "market", "stall", "money", "security", "parking", "toilet", "scale", "vehicle", "idcard",
    "family", "baby", "water", "electricity", "health", "road", "light", "waste", "aid", "info",
})
CACHE_FORMAT = 1
# Indonesian service names that start like this are requests, not complaints (for codes the
# bundle does not know; Open311 itself has no such field).
_REQUEST_PREFIXES = ("permohonan", "pengajuan", "pendaftaran", "pembuatan", "pengurusan",
                     "permintaan", "informasi", "info ", "daftar ", "pasang ")


class UnknownService(LookupError):
    """No service with this code in the catalog (e.g. a stale code from an old draft)."""

    def __init__(self, code: str):
        self.code = code
        super().__init__(f"unknown service code {code!r}")


class RefreshError(Exception):
    """The server's catalog could not be fetched or made sense of; ``str()`` is one line.

    The previous catalog (cached or bundled) stays in use.
    """


class CatalogClient(Protocol):
    """What ``refresh`` needs of ``offline_queue.Open311Client``."""

    def services(self) -> list[dict[str, Any]]: ...

    def service_definition(self, code: str) -> dict[str, Any]: ...


@dataclass(frozen=True)
class RefreshResult:
    services: int
    definitions: int
    fetched_at: datetime
    skipped: int = 0  # server items that were not usable (no code or name)


@dataclass(frozen=True)
class _State:
    """Everything a reader needs, swapped in one assignment so readers on other threads
    never see half a refresh."""

    groups: tuple[Group, ...]
    services: tuple[Service, ...]
    by_code: Mapping[str, Service]
    source: str  # "bundled" | "cache"
    fetched_at: datetime | None
    raw_services: tuple[dict[str, Any], ...]  # Open311 shape, for to_open311()
    raw_definitions: Mapping[str, dict[str, Any]]


# --------------------------------------------------------------------------------------
# text folding for search and group matching


def fold(text: str) -> str:
    """Case- and accent-insensitive form: ``"Pèken"`` and ``"PEKEN"`` both give ``"peken"``."""
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(stripped.casefold().split())


def _loc(value: Any) -> Localized:
    """A trilingual mapping, or a plain (Indonesian) string, as ``Localized``."""
    if isinstance(value, Mapping):
        return Localized({str(k): str(v) for k, v in value.items() if isinstance(v, str) and v.strip()})
    if isinstance(value, str) and value.strip():
        return Localized(id=value)
    return Localized()


def _keywords(value: Any) -> tuple[str, ...]:
    """Open311 sends keywords as one comma-separated string; the bundle as a list."""
    if isinstance(value, str):
        items: Iterable[Any] = value.split(",")
    elif isinstance(value, (list, tuple)):
        items = value
    else:
        return ()
    out: list[str] = []
    for item in items:
        word = str(item).strip()
        if word and word not in out:
            out.append(word)
    return tuple(out)


# --------------------------------------------------------------------------------------
# the bundled catalog


def _bundle_attribute(raw: Mapping[str, Any]) -> Attribute:
    hint = raw.get("input_hint", "text")
    return Attribute(
        code=str(raw["code"]),
        datatype=str(raw["datatype"]),
        required=bool(raw.get("required", False)),
        variable=bool(raw.get("variable", True)),
        description=_loc(raw.get("description")),
        datatype_description=_loc(raw.get("datatype_description")),
        order=int(raw.get("order") or 0),
        values=tuple(ValueOption(str(v["key"]), _loc(v.get("name"))) for v in raw.get("values") or ()),
        input_hint=hint if hint in INPUT_HINTS else "text",
    )


def _bundle_service(raw: Mapping[str, Any]) -> Service:
    attributes = tuple(sorted((_bundle_attribute(a) for a in raw.get("attributes") or ()), key=lambda a: a.order))
    name = _loc(raw.get("name")) or _loc(raw.get("service_name"))
    return Service(
        code=str(raw["service_code"]),
        name=name,
        description=_loc(raw.get("descriptions")) or _loc(raw.get("description")),
        group=str(raw.get("group") or GENERAL_GROUP),
        kind=raw.get("kind", "complaint"),
        type=raw.get("type", "realtime"),
        keywords=_keywords(raw.get("keywords")),
        metadata=bool(attributes),
        icon=str(raw.get("icon") or "info"),
        due_working_days=raw.get("due_working_days"),
        asks_nik=any(a.input_hint == "nik" for a in attributes),
        attributes=attributes,
        quick_phrases=tuple(p for p in (_loc(x) for x in raw.get("quick_phrases") or ()) if p),
    )


@dataclass(frozen=True)
class _Bundle:
    groups: tuple[Group, ...]
    services: tuple[Service, ...]
    by_code: Mapping[str, Service]


_bundle_lock = threading.Lock()
_bundle_cache: dict[Path, _Bundle] = {}


def _load_bundle(path: Path = BUNDLED_PATH) -> _Bundle:
    """The bundled catalog, parsed once per process (it ships with the code and never changes)."""
    with _bundle_lock:
        if path not in _bundle_cache:
            doc = json.loads(path.read_text(encoding="utf-8"))
            groups = tuple(Group(str(g["code"]), _loc(g["name"]), str(g.get("icon") or "info")) for g in doc["groups"])
            services = tuple(_bundle_service(s) for s in doc["services"])
            _bundle_cache[path] = _Bundle(groups, services, {s.code: s for s in services})
        return _bundle_cache[path]


# --------------------------------------------------------------------------------------
# Open311 <-> model


def _service_to_open311(service: Service, groups: Mapping[str, Group]) -> dict[str, Any]:
    group = groups.get(service.group)
    return {
        "service_code": service.code,
        "service_name": service.name.get("id"),
        "description": service.description.get("id") or None,
        "metadata": bool(service.attributes),
        "type": service.type,
        "keywords": ", ".join(service.keywords) or None,
        "group": group.name.get("id") if group else service.group,
    }


def _definition_to_open311(service: Service) -> dict[str, Any]:
    attributes = []
    for a in service.attributes:
        item: dict[str, Any] = {
            "variable": a.variable,
            "code": a.code,
            "datatype": a.datatype,
            "required": a.required,
            "datatype_description": a.datatype_description.get("id") or None,
            "order": a.order,
            "description": a.description.get("id") or None,
        }
        if a.datatype in ("singlevaluelist", "multivaluelist"):
            item["values"] = [{"key": v.key, "name": v.name.get("id") or v.key} for v in a.values]
        attributes.append(item)
    return {"service_code": service.code, "attributes": attributes}


def _guess_hint(code: str, datatype: str) -> str:
    """A keypad for a server attribute the bundle does not know, from its code."""
    c = code.casefold()
    if "nik" in c.replace("_", " ").split() or c == "nik" or c.startswith("nik_") or c.endswith("_nik"):
        return "nik"
    if any(w in c for w in ("phone", "telepon", "telp", "nomor_hp", "no_hp", "whatsapp")):
        return "phone"
    if any(w in c for w in ("kios", "los", "stall", "lapak")):
        return "stall"
    if datatype == "number":
        return "digits"
    return "text"


def plain_code(value: Any) -> Any:
    """A service code as text: some servers send ``"service_code": 101`` (a JSON number)."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return value


def _scalar(value: Any) -> str | None:
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, (int, float, str)):
        text = str(plain_code(value)).strip()
        return text or None
    return None


def unwrap_value(raw: Any) -> tuple[str, str | None] | None:
    """``(key, name)`` of a list value, however a server wraps it: ``{"key", "name"}`` (the
    specification), ``{"key": {"key", "name"}, "name": {"key", "name"}}`` (double-wrapped),
    a bare string or number. Never a repr: a value without a readable key is dropped."""
    if not isinstance(raw, Mapping):
        key = _scalar(raw)
        return (key, key) if key else None
    key: Any = raw.get("key")
    name: Any = raw.get("name")
    for _ in range(4):
        if isinstance(key, Mapping):
            if name is None or isinstance(name, Mapping):
                name = key.get("name", name)
            key = key.get("key")
        if isinstance(name, Mapping):
            name = name.get("name")
        if not isinstance(key, Mapping) and not isinstance(name, Mapping):
            break
    key_text = _scalar(key)
    if key_text is None:
        return None
    name_text = name.strip() if isinstance(name, str) and name.strip() else _scalar(name)
    return key_text, name_text


def _merge_attribute(raw: Mapping[str, Any], known: Attribute | None) -> Attribute | None:
    code, datatype = raw.get("code"), raw.get("datatype")
    if not isinstance(code, str) or not code.strip() or datatype not in DATATYPES:
        return None
    code = code.strip()

    def merged(server_text: Any, bundled: Localized | None) -> Localized:
        out = Localized(bundled or {})
        if isinstance(server_text, str) and server_text.strip():
            if bundled and fold(bundled.get("id")) != fold(server_text):
                # The server reworded the question: a stale translation would ask something else.
                out = Localized()
            out["id"] = server_text.strip()
        return out

    known_values = {v.key: v for v in known.values} if known else {}
    values = []
    raw_values = raw.get("values") or ()
    if isinstance(raw_values, Mapping):  # {key: name} or {key: {key, name}}
        raw_values = [{"key": k, "name": v} for k, v in raw_values.items()]
    for v in raw_values if isinstance(raw_values, (list, tuple)) else ():
        unwrapped = unwrap_value(v)
        if unwrapped is None:
            continue
        key, server_name = unwrapped
        name = merged(server_name, known_values[key].name if key in known_values else None)
        values.append(ValueOption(key, name or Localized(id=key)))
    try:
        order = int(raw.get("order") or 0)
    except (TypeError, ValueError):
        order = 0
    return Attribute(
        code=code,
        datatype=datatype,
        required=bool(raw.get("required", False)),
        variable=bool(raw.get("variable", True)),
        description=merged(raw.get("description"), known.description if known else None),
        datatype_description=merged(raw.get("datatype_description"), known.datatype_description if known else None),
        order=order,
        values=tuple(values),
        input_hint=known.input_hint if known and known.datatype == datatype else _guess_hint(code, datatype),
    )


def _group_matcher(groups: Sequence[Group]) -> dict[str, str]:
    """Folded group code and names in every language -> group code."""
    out: dict[str, str] = {}
    for g in groups:
        out.setdefault(fold(g.code), g.code)
        for name in g.name.values():
            out.setdefault(fold(name), g.code)
    return out


def _merge_service(raw: Mapping[str, Any], definition: Mapping[str, Any] | None, bundle: _Bundle,
                   group_codes: Mapping[str, str]) -> Service:
    code = str(raw["service_code"]).strip()
    known = bundle.by_code.get(code)
    server_name = str(raw["service_name"]).strip()
    name = Localized(known.name) if known else Localized()
    name["id"] = server_name
    description = Localized(known.description) if known else Localized()
    if isinstance(raw.get("description"), str) and raw["description"].strip():
        description["id"] = raw["description"].strip()
    raw_group = raw.get("group")
    group = group_codes.get(fold(raw_group)) if isinstance(raw_group, str) and raw_group.strip() else None
    if group is None:
        group = known.group if known else GENERAL_GROUP
    kind = known.kind if known else ("request" if fold(server_name).startswith(_REQUEST_PREFIXES) else "complaint")
    known_attrs = {a.code: a for a in known.attributes} if known else {}
    attributes: list[Attribute] = []
    if definition and isinstance(definition.get("attributes"), list):
        for item in definition["attributes"]:
            if isinstance(item, Mapping):
                attr = _merge_attribute(item, known_attrs.get(str(item.get("code", "")).strip()))
                if attr is not None and all(a.code != attr.code for a in attributes):
                    attributes.append(attr)
    attributes.sort(key=lambda a: a.order)
    group_icons = {g.code: g.icon for g in bundle.groups}
    keywords = _keywords(raw.get("keywords")) + tuple(k for k in (known.keywords if known else ()) if k not in _keywords(raw.get("keywords")))
    return Service(
        code=code,
        name=name,
        description=description,
        group=group,
        kind=kind,
        type=raw.get("type") if raw.get("type") in SERVICE_TYPES else "realtime",
        keywords=keywords,
        metadata=bool(raw.get("metadata")) or bool(attributes),
        icon=known.icon if known else group_icons.get(group, "info"),
        due_working_days=known.due_working_days if known else None,
        asks_nik=any(a.input_hint == "nik" for a in attributes),
        attributes=tuple(attributes),
        quick_phrases=known.quick_phrases if known else (),
    )


def _usable(raw: Any) -> bool:
    return (isinstance(raw, Mapping) and isinstance(raw.get("service_code"), str) and raw["service_code"].strip() != ""
            and isinstance(raw.get("service_name"), str) and raw["service_name"].strip() != "")


# --------------------------------------------------------------------------------------
# the SQLite cache (raw server answers)


def _read_cache(path: Path) -> tuple[list[dict[str, Any]], dict[str, dict[str, Any]], datetime] | None:
    """The cached server answers, or ``None`` when there is no usable cache."""
    if not path.exists():
        return None
    # Read-only URI: opening a cache must never create or change it.
    conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        db = sqlite_utils.Database(conn)
        if not {"meta", "services"} <= set(db.table_names()):
            return None
        meta = {row["key"]: row["value"] for row in db["meta"].rows}
        if int(meta.get("format", 0)) != CACHE_FORMAT:
            return None
        fetched_at = datetime.fromisoformat(meta["fetched_at"])
        services: list[dict[str, Any]] = []
        definitions: dict[str, dict[str, Any]] = {}
        for row in db["services"].rows_where(order_by="position"):
            services.append(json.loads(row["service"]))
            if row["definition"]:
                definitions[row["code"]] = json.loads(row["definition"])
        return (services, definitions, fetched_at) if services else None
    finally:
        conn.close()


def _write_cache(path: Path, services: Sequence[Mapping[str, Any]], definitions: Mapping[str, Any],
                 fetched_at: datetime, source_url: str) -> None:
    """Write a complete new cache beside the old one, then swap it in (atomic on one volume)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".new")
    tmp.unlink(missing_ok=True)
    conn = sqlite3.connect(tmp)
    try:
        db = sqlite_utils.Database(conn)
        with conn:
            db["meta"].insert_all(
                [{"key": "format", "value": str(CACHE_FORMAT)},
                 {"key": "fetched_at", "value": fetched_at.isoformat()},
                 {"key": "source", "value": source_url}],
                pk="key",
            )
            db["services"].insert_all(
                ({"code": s["service_code"], "position": i, "service": json.dumps(s, ensure_ascii=False),
                  "definition": json.dumps(definitions[s["service_code"]], ensure_ascii=False)
                  if s["service_code"] in definitions else None}
                 for i, s in enumerate(services)),
                pk="code",
                columns={"code": str, "position": int, "service": str, "definition": str},
            )
        conn.execute("PRAGMA journal_mode=DELETE")
    finally:
        conn.close()
    with open(tmp, "rb") as fh:
        os.fsync(fh.fileno())
    os.replace(tmp, path)


# --------------------------------------------------------------------------------------


class Catalog:
    """The services a citizen can choose from.  Thread-safe for readers: ``refresh`` (on the
    sync worker's thread) swaps the whole state in one assignment."""

    def __init__(self, cache_path: Path | None = None, *, bundle_path: Path = BUNDLED_PATH):
        self.cache_path = Path(cache_path) if cache_path else None
        self._bundle_path = bundle_path
        self._refresh_lock = threading.Lock()
        self._state = self._load()

    @classmethod
    def open(cls, cfg: Config) -> "Catalog":
        """The kiosk's catalog: the server's cached one if there is a usable cache, else the bundled one."""
        return cls(cfg.catalog_path)

    @classmethod
    def bundled(cls) -> "Catalog":
        """The bundled default only (no cache): for demos, tests and the simulator's catalog file."""
        return cls(None)

    # -- loading ------------------------------------------------------------------------
    def _bundled_state(self) -> _State:
        bundle = _load_bundle(self._bundle_path)
        groups = {g.code: g for g in bundle.groups}
        return _State(
            groups=bundle.groups, services=bundle.services, by_code=bundle.by_code, source="bundled",
            fetched_at=None,
            raw_services=tuple(_service_to_open311(s, groups) for s in bundle.services),
            raw_definitions={s.code: _definition_to_open311(s) for s in bundle.services if s.attributes},
        )

    def _merged_state(self, services: Sequence[Mapping[str, Any]], definitions: Mapping[str, Any],
                      fetched_at: datetime) -> _State:
        bundle = _load_bundle(self._bundle_path)
        matcher = _group_matcher(bundle.groups)
        merged: list[Service] = []
        seen: set[str] = set()
        for raw in services:
            if not _usable(raw) or raw["service_code"].strip() in seen:
                continue
            svc = _merge_service(raw, definitions.get(raw["service_code"].strip()), bundle, matcher)
            seen.add(svc.code)
            merged.append(svc)
        return _State(
            groups=bundle.groups, services=tuple(merged), by_code={s.code: s for s in merged}, source="cache",
            fetched_at=fetched_at, raw_services=tuple(dict(s) for s in services if _usable(s)),
            raw_definitions=dict(definitions),
        )

    def _load(self) -> _State:
        if self.cache_path is not None:
            try:
                cached = _read_cache(self.cache_path)
            except (sqlite3.Error, OSError, ValueError, KeyError, TypeError) as exc:
                log.warning("catalog cache %s unreadable (%s); using the bundled catalog",
                            self.cache_path, type(exc).__name__)
                cached = None
            if cached is not None:
                state = self._merged_state(*cached)
                if state.services:
                    return state
                log.warning("catalog cache %s holds no usable service; using the bundled catalog", self.cache_path)
        return self._bundled_state()

    def reload(self) -> None:
        """Re-read the cache (another process, e.g. ``kiosk catalog refresh``, may have replaced it)."""
        self._state = self._load()

    # -- reading ------------------------------------------------------------------------
    @property
    def source(self) -> str:
        """``"cache"`` (the server's catalog, fetched at ``fetched_at``) or ``"bundled"``."""
        return self._state.source

    @property
    def fetched_at(self) -> datetime | None:
        """When the server's catalog was fetched (UTC); ``None`` for the bundled catalog."""
        return self._state.fetched_at

    def age_s(self, now: datetime | None = None) -> float | None:
        """Seconds since the fetch, for ``kiosk check``; ``None`` for the bundled catalog."""
        if self._state.fetched_at is None:
            return None
        return ((now or datetime.now(timezone.utc)) - self._state.fetched_at).total_seconds()

    def groups(self, kind: str | None = None) -> list[Group]:
        """Groups in display order that hold at least one service (of ``kind`` if given)."""
        state = self._state
        used = {s.group for s in state.services if kind is None or s.kind == kind}
        return [g for g in state.groups if g.code in used]

    def group(self, code: str) -> Group:
        """A group by code; an unknown one shows as the general group."""
        state = self._state
        for g in state.groups:
            if g.code == code:
                return g
        return next((g for g in state.groups if g.code == GENERAL_GROUP), Group(GENERAL_GROUP, Localized(id="Lainnya")))

    def services(self, kind: str | None = None, group: str | None = None) -> list[Service]:
        """Services in catalog order, optionally only one kind and/or one group."""
        return [s for s in self._state.services
                if (kind is None or s.kind == kind) and (group is None or s.group == group)]

    def service(self, code: str) -> Service:
        try:
            return self._state.by_code[code]
        except (KeyError, TypeError):
            raise UnknownService(str(code)) from None

    def __contains__(self, code: object) -> bool:
        return code in self._state.by_code

    def __len__(self) -> int:
        return len(self._state.services)

    def search(self, text: str, lang: str = "id", kind: str | None = None) -> list[Service]:
        """Services whose names, keywords, group or description contain every word typed.

        Case and accents do not matter and every language is searched (a Javanese speaker
        may type the Indonesian word).  Best first: a match in the name in ``lang``, then any
        name, then keywords, then the description.
        """
        words = fold(text).split()
        if not words:
            return []
        state = self._state
        group_names = {g.code: " ".join(g.name.values()) for g in state.groups}
        scored: list[tuple[int, int, Service]] = []
        for index, svc in enumerate(state.services):
            if kind is not None and svc.kind != kind:
                continue
            fields = (
                (fold(svc.name.get(lang)), 8),
                (fold(" ".join(svc.name.values())), 4),
                (fold(" ".join(svc.keywords) + " " + svc.code), 3),
                (fold(group_names.get(svc.group, "")), 2),
                (fold(" ".join(svc.description.values())), 1),
            )
            score = 0
            for word in words:
                best = 0
                for haystack, weight in fields:
                    if word in haystack:
                        # A word that starts a word of the field counts double.
                        starts = haystack.startswith(word) or f" {word}" in haystack
                        best = max(best, weight * (2 if starts else 1))
                if best == 0:
                    break
                score += best
            else:
                scored.append((-score, index, svc))
        scored.sort(key=lambda t: (t[0], t[1]))
        return [svc for _, _, svc in scored]

    def to_open311(self) -> dict[str, Any]:
        """``{"services": [...], "definitions": {code: {...}}}`` in GeoReport v2 shape (Indonesian),
        what ``python -m devserver --catalog FILE`` serves."""
        state = self._state
        return {
            "services": [dict(s) for s in state.raw_services],
            "definitions": {code: json.loads(json.dumps(d)) for code, d in state.raw_definitions.items()},
        }

    # -- refreshing -----------------------------------------------------------------------
    def refresh(self, client: CatalogClient) -> RefreshResult:
        """Fetch the server's catalog, cache it, and use it from now on.

        All or nothing: on any failure :class:`RefreshError` is raised and the catalog in use
        (and the cache on disk) stay as they were.  A definition the server lists but then
        answers 404 for is taken as "no extra fields" rather than failing the whole refresh.
        """
        with self._refresh_lock:
            try:
                raw_services = client.services()
            except Exception as exc:  # the network boundary: any failure keeps the old catalog
                raise RefreshError(_reason(exc)) from exc
            if not isinstance(raw_services, list):
                raise RefreshError("services.json is not a list")
            raw_services = [{**s, "service_code": plain_code(s.get("service_code"))} if isinstance(s, Mapping) else s
                            for s in raw_services]
            usable = [s for s in raw_services if _usable(s)]
            if not usable:
                raise RefreshError("the server lists no usable service; keeping the current catalog")
            definitions: dict[str, dict[str, Any]] = {}
            for raw in usable:
                if not raw.get("metadata"):
                    continue
                code = raw["service_code"].strip()
                try:
                    definition = client.service_definition(code)
                except Exception as exc:
                    if getattr(exc, "kind", None) == "not_found":
                        log.warning("server lists %s with metadata but has no definition for it", code)
                        continue
                    raise RefreshError(f"definition of {code}: {_reason(exc)}") from exc
                if isinstance(definition, Mapping) and isinstance(definition.get("attributes"), list):
                    definitions[code] = {**definition, "service_code": code}
                else:
                    raise RefreshError(f"definition of {code} has no attributes list")
            fetched_at = datetime.now(timezone.utc).replace(microsecond=0)
            state = self._merged_state(usable, definitions, fetched_at)
            if self.cache_path is not None:
                try:
                    _write_cache(self.cache_path, usable, definitions, fetched_at,
                                 str(getattr(client, "base_url", "")))
                except (sqlite3.Error, OSError) as exc:
                    raise RefreshError(f"cannot write the catalog cache {self.cache_path}: {exc}") from exc
            self._state = state
            log.info("catalog refreshed: %d services, %d definitions", len(state.services), len(definitions))
            return RefreshResult(len(state.services), len(definitions), fetched_at, len(raw_services) - len(usable))


def _reason(exc: BaseException) -> str:
    """One line for a technician: the client's own message, else the exception's type."""
    text = " ".join(str(exc).split())
    return text[:300] if text else type(exc).__name__
