"""The simulator's service catalog: a built-in Indonesian one, or a JSON file.

The file shape is the one the kiosk exports for demos (``kiosk.catalog.Catalog.to_open311``)::

    {"services": [<services.json items>], "definitions": {"CODE": <service definition>},
     "agencies": {"<group>": "<agency name>"}}          # "agencies" is optional

so the simulator answers with exactly the services the kiosk shows.
"""
from __future__ import annotations

import copy
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping

BUILTIN = Path(__file__).with_name("catalog.json")
DEFAULT_AGENCY = "Pemerintah Provinsi Jawa Timur"


class CatalogError(ValueError):
    """A catalog file that is not in the expected shape; the message says what is wrong."""


@dataclass
class Catalog:
    services: list[dict[str, Any]]
    definitions: dict[str, dict[str, Any]] = field(default_factory=dict)
    agencies: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self._by_code = {s["service_code"]: s for s in self.services}

    def service(self, code: str) -> dict[str, Any] | None:
        return self._by_code.get(code)

    def definition(self, code: str) -> dict[str, Any] | None:
        """The service definition; a service without one has no attributes (not a 404)."""
        if code not in self._by_code:
            return None
        return self.definitions.get(code) or {"service_code": code, "attributes": []}

    def agency(self, code: str) -> str:
        service = self._by_code.get(code) or {}
        return self.agencies.get(code) or self.agencies.get(service.get("group") or "") or DEFAULT_AGENCY


def load_catalog(source: "str | Path | Mapping[str, Any] | Catalog | None" = None) -> Catalog:
    """The built-in catalog (``None``), a JSON file path, or an already-parsed mapping."""
    if isinstance(source, Catalog):
        return source
    if source is None:
        source = BUILTIN
    if isinstance(source, (str, Path)):
        try:
            data = json.loads(Path(source).read_text(encoding="utf-8"))
        except OSError as exc:
            raise CatalogError(f"cannot read catalog {source}: {exc.strerror}") from None
        except json.JSONDecodeError as exc:
            raise CatalogError(f"catalog {source} is not JSON: {exc}") from None
    else:
        data = copy.deepcopy(dict(source))
    if not isinstance(data, Mapping) or not isinstance(data.get("services"), list):
        raise CatalogError('catalog needs {"services": [...], "definitions": {...}}')
    services = data["services"]
    for i, item in enumerate(services):
        if not isinstance(item, Mapping) or not item.get("service_code"):
            raise CatalogError(f"catalog services[{i}] has no service_code")
        if item.get("type", "realtime") not in ("realtime", "batch", "blackbox"):
            raise CatalogError(f"catalog services[{i}] has unknown type {item.get('type')!r}")
    definitions = data.get("definitions") or {}
    if not isinstance(definitions, Mapping):
        raise CatalogError("catalog definitions must be an object keyed by service_code")
    for code, definition in definitions.items():
        if not isinstance(definition, Mapping) or not isinstance(definition.get("attributes", []), list):
            raise CatalogError(f"catalog definitions[{code}] has no attributes list")
    normalized = []
    for item in services:
        item = dict(item)
        # services.json requires these; a hand-written file may leave them out.
        item.setdefault("type", "realtime")
        item.setdefault("metadata", bool((definitions.get(item["service_code"]) or {}).get("attributes")))
        item.setdefault("service_name", item["service_code"])
        normalized.append(item)
    return Catalog(
        services=normalized,
        definitions={str(k): dict(v) for k, v in definitions.items()},
        agencies=dict(data.get("agencies") or {}),
    )
