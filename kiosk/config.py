"""The kiosk's TOML config: the technicians' contract (see DESIGN.md, "Config").

Everything has a default that runs a demo, so an empty file (or none) is a valid config.
A wrong key or value raises :class:`ConfigError` whose message names the key
(``server.timeout_s: must be a number > 0``): the CLI prints that one line, never a
traceback.
"""
from __future__ import annotations

import dataclasses
import math
import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import platformdirs

from kiosk.i18n import LANGUAGES

ENV_VAR = "KIOSK_CONFIG"
APP_NAME = "pasar-kiosk"
PAPERS = ("58mm", "80mm", "a6")
BACKENDS = ("file", "cups", "escpos-usb", "escpos-serial", "escpos-network", "escpos-dummy", "windows")


class ConfigError(ValueError):
    """A config problem; ``str()`` is one line naming the key."""

    def __init__(self, key: str, problem: str, source: str | None = None):
        self.key, self.problem, self.source = key, problem, source
        where = f"{source}: " if source else ""
        super().__init__(f"{where}{key}: {problem}")


@dataclass(frozen=True)
class KioskSection:
    id: str = "BWI-GENTENG-01"
    market: str = "Pasar Genteng"
    address: str = "Jl. Raya Genteng, Banyuwangi"
    province: str = "Pemerintah Provinsi Jawa Timur"
    regency: str = "Kabupaten Banyuwangi"
    lat: float = -8.3648
    long: float = 114.1501
    languages: tuple[str, ...] = LANGUAGES
    idle_timeout_s: int = 90
    idle_warning_s: int = 20
    data_dir: str = ""
    tracking_prefix: str = ""  # optional: 3 Crockford characters; default derived from id
    fullscreen: bool = True
    space_reserve_mb: int = 16  # ballast released when the disk is full (kiosk/datadir.py); 0 = none
    speech: str = "button"  # off | button (the "Dengarkan" button) | always (each new screen read once)
    speech_volume: int = 80  # percent; staff can change it in the staff area


@dataclass(frozen=True)
class ServerSection:
    base_url: str = "http://127.0.0.1:8311/open311/v2"
    api_key: str = "demo-key"
    jurisdiction_id: str = "banyuwangikab.go.id"
    timeout_s: float = 15.0
    connect_timeout_s: float = 5.0
    retry_cap_s: float = 300.0
    retry_base_s: float = 2.0
    #: Overall deadline of one exchange with the server (connect + the whole answer).
    request_deadline_s: float = 30.0
    #: Answers larger than this are not read (a broken proxy's 50 MB page).
    max_answer_bytes: int = 4_000_000
    #: How a lost answer is made safe: "reconcile" (search the server for the tracking code
    #: before posting again), "idempotency-key" (trust the server's Idempotency-Key), "both".
    dedupe: str = "both"
    #: Hours between catalog refreshes by the running app (0: only at start and on demand).
    catalog_refresh_h: float = 24.0
    #: A PEM file with the province's own CA, when its server's certificate is not signed
    #: by a public one.
    ca_bundle: str = ""


@dataclass(frozen=True)
class ReceiptSection:
    tracking_base_url: str = "https://lapor.jatimprov.go.id/lacak"
    signing_key_id: str = "K1"
    signing_secret: str = "demo-secret-change-me"
    paper: str = "58mm"
    due_working_days: int = 2


@dataclass(frozen=True)
class PrinterSection:
    backend: str = "file"
    path: str = "receipts"
    name: str = ""
    device: str = ""
    host: str = ""
    port: int = 9100
    baudrate: int = 9600
    usb_vendor: int = 0
    usb_product: int = 0


@dataclass(frozen=True)
class StaffSection:
    pin_hash: str = ""
    lockout_tries: int = 5
    lockout_s: int = 300
    lockout_max_s: int = 86_400  # each further lockout doubles, up to this (kiosk/staff.py)
    export_dir: str = ""  # where "export unsent" writes; "" = ask (removable media under /media, /run/media)


@dataclass(frozen=True)
class PrivacySection:
    retention_days: int = 7


@dataclass(frozen=True)
class BundleSection:
    # The USB bundle is encrypted to this X25519 public key (base64; kiosk/sealing.py).  The
    # default is the public demo pair: `kiosk check` warns until the province's own is set.
    province_public_key: str = "GCEgNzMYYnzUtVGPPAD0QZbkBwZwlRwT06rwtRfS4j0="
    key_id: str = "DEMO"
    province_private_key_file: str = ""  # only on the province's import machine (kiosk bundle keygen)


@dataclass(frozen=True)
class SkmSection:
    """The satisfaction survey (PermenPAN-RB 14/2017); see kiosk/skm.py and README "SKM"."""

    service_code: str = ""  # the province's Open311 service for responses; "" = kept on the kiosk only
    population: int = 0  # the unit's yearly number of service users, for the Krejcie-Morgan sample size
    unit_name: str = ""  # the service unit the report names (default: kiosk.market)
    questions: dict = field(default_factory=dict)  # u1 ... u9 -> "text" or { id = "...", jv = "...", en = "..." }
    offer_after_request: bool = True  # offer the survey on the done screen after a service request


@dataclass(frozen=True)
class Config:
    kiosk: KioskSection = field(default_factory=KioskSection)
    server: ServerSection = field(default_factory=ServerSection)
    receipt: ReceiptSection = field(default_factory=ReceiptSection)
    printer: PrinterSection = field(default_factory=PrinterSection)
    staff: StaffSection = field(default_factory=StaffSection)
    privacy: PrivacySection = field(default_factory=PrivacySection)
    bundle: BundleSection = field(default_factory=BundleSection)
    skm: SkmSection = field(default_factory=SkmSection)
    source: str | None = None  # the file it came from, for messages and `kiosk staff set-pin`

    @property
    def data_dir(self) -> Path:
        """Where the outbox, catalog cache, logs and file-printer output live."""
        if self.kiosk.data_dir:
            return Path(self.kiosk.data_dir).expanduser()
        return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))

    @property
    def outbox_path(self) -> Path:
        return self.data_dir / "outbox.sqlite3"

    @property
    def catalog_path(self) -> Path:
        return self.data_dir / "catalog.sqlite3"

    @property
    def log_dir(self) -> Path:
        return self.data_dir / "logs"

    @property
    def printer_path(self) -> Path:
        """The file backend's folder; relative paths are inside the data dir."""
        p = Path(self.printer.path).expanduser()
        return p if p.is_absolute() else self.data_dir / p

    @property
    def default_language(self) -> str:
        return self.kiosk.languages[0]

    def replace(self, **sections: Any) -> "Config":
        """A copy with some fields of some sections changed: ``cfg.replace(kiosk={"id": "X"})``."""
        changes = {
            name: dataclasses.replace(getattr(self, name), **values) if isinstance(values, dict) else values
            for name, values in sections.items()
        }
        return dataclasses.replace(self, **changes)


_SECTION_TYPES = {
    "kiosk": KioskSection,
    "server": ServerSection,
    "receipt": ReceiptSection,
    "printer": PrinterSection,
    "staff": StaffSection,
    "privacy": PrivacySection,
    "bundle": BundleSection,
    "skm": SkmSection,
}


def _coerce(key: str, value: Any, default: Any) -> Any:
    """Check a value against the type of its default; bool is not a number here."""
    if isinstance(default, bool):
        if not isinstance(value, bool):
            raise ConfigError(key, f"must be true or false, not {value!r}")
        return value
    if isinstance(default, int):
        if isinstance(value, bool) or not isinstance(value, int):
            raise ConfigError(key, f"must be a whole number, not {value!r}")
        return value
    if isinstance(default, float):
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise ConfigError(key, f"must be a number, not {value!r}")
        if not math.isfinite(value):  # TOML allows inf and nan; no setting here means them
            raise ConfigError(key, f"must be a finite number, not {value!r}")
        return float(value)
    if isinstance(default, str):
        if not isinstance(value, str):
            raise ConfigError(key, f"must be a string in quotes, not {value!r}")
        return value
    if isinstance(default, dict):
        if not isinstance(value, dict):
            raise ConfigError(key, f"must be a table, not {value!r}")
        return value
    if isinstance(default, tuple):
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise ConfigError(key, f"must be a list of strings, not {value!r}")
        return tuple(value)
    return value


def _check(cfg: Config) -> None:
    """Rules beyond types: ranges, choices and URLs a technician could get wrong."""
    k, s, r, p = cfg.kiosk, cfg.server, cfg.receipt, cfg.printer
    if not k.id.strip():
        raise ConfigError("kiosk.id", "must not be empty")
    if not -90 <= k.lat <= 90:
        raise ConfigError("kiosk.lat", f"must be between -90 and 90, not {k.lat}")
    if not -180 <= k.long <= 180:
        raise ConfigError("kiosk.long", f"must be between -180 and 180, not {k.long}")
    if not k.languages:
        raise ConfigError("kiosk.languages", "must name at least one language")
    for lang in k.languages:
        if lang not in LANGUAGES:
            raise ConfigError("kiosk.languages", f"unknown language {lang!r}; choose from {', '.join(LANGUAGES)}")
    if k.idle_timeout_s < 10:
        raise ConfigError("kiosk.idle_timeout_s", f"must be at least 10 seconds, not {k.idle_timeout_s}")
    if k.idle_warning_s < 1 or k.idle_warning_s >= k.idle_timeout_s:
        raise ConfigError("kiosk.idle_warning_s", "must be at least 1 and less than kiosk.idle_timeout_s")
    if k.speech not in ("off", "button", "always"):
        raise ConfigError("kiosk.speech", f"must be one of off, button, always, not {k.speech!r}")
    if not 0 <= k.speech_volume <= 100:
        raise ConfigError("kiosk.speech_volume", f"must be between 0 and 100 (percent), not {k.speech_volume}")
    if k.tracking_prefix:
        from kiosk.tracking import validate_prefix

        problem = validate_prefix(k.tracking_prefix)
        if problem:
            raise ConfigError("kiosk.tracking_prefix", problem)
    for key, url in (("server.base_url", s.base_url), ("receipt.tracking_base_url", r.tracking_base_url)):
        if not url.startswith(("http://", "https://")):
            raise ConfigError(key, f"must start with http:// or https://, not {url!r}")
    if s.timeout_s <= 0:
        raise ConfigError("server.timeout_s", f"must be a number > 0, not {s.timeout_s}")
    if s.connect_timeout_s <= 0:
        raise ConfigError("server.connect_timeout_s", f"must be a number > 0, not {s.connect_timeout_s}")
    if s.retry_cap_s <= 0 or s.retry_base_s <= 0:
        raise ConfigError("server.retry_cap_s", "retry_base_s and retry_cap_s must be > 0")
    if not s.jurisdiction_id:
        raise ConfigError("server.jurisdiction_id", "must not be empty")
    _check_server_delivery(s)
    if r.paper not in PAPERS:
        raise ConfigError("receipt.paper", f"must be one of {', '.join(PAPERS)}, not {r.paper!r}")
    if len(r.signing_secret) < 8:
        raise ConfigError("receipt.signing_secret", "must be at least 8 characters")
    if not r.signing_key_id.isalnum():
        raise ConfigError("receipt.signing_key_id", f"must be letters and digits only, not {r.signing_key_id!r}")
    if not 0 <= r.due_working_days <= 60:
        raise ConfigError("receipt.due_working_days", "must be between 0 and 60")
    if p.backend not in BACKENDS:
        raise ConfigError("printer.backend", f"must be one of {', '.join(BACKENDS)}, not {p.backend!r}")
    if p.backend == "cups" and not p.name:
        raise ConfigError("printer.name", "the cups backend needs the name of a CUPS queue")
    if p.backend == "escpos-network" and not p.host:
        raise ConfigError("printer.host", "the escpos-network backend needs the printer's host")
    if p.backend == "escpos-serial" and not p.device:
        raise ConfigError("printer.device", "the escpos-serial backend needs a device such as /dev/ttyUSB0 or COM3")
    if p.backend == "escpos-usb" and not (p.usb_vendor and p.usb_product):
        raise ConfigError("printer.usb_vendor", "the escpos-usb backend needs usb_vendor and usb_product")
    if not 0 < p.port < 65536:
        raise ConfigError("printer.port", f"must be between 1 and 65535, not {p.port}")
    if cfg.privacy.retention_days < 0:
        raise ConfigError("privacy.retention_days", "must be 0 or more")
    if not 0 <= k.space_reserve_mb <= 4096:
        raise ConfigError("kiosk.space_reserve_mb", "must be between 0 and 4096 (megabytes)")
    from kiosk.sealing import check_public_key

    problem = check_public_key(cfg.bundle.province_public_key)
    if problem:
        raise ConfigError("bundle.province_public_key", f"{problem}; make a pair with `kiosk bundle keygen`")
    if not cfg.bundle.key_id.isalnum():
        raise ConfigError("bundle.key_id", f"must be letters and digits only, not {cfg.bundle.key_id!r}")
    if cfg.staff.lockout_tries < 1:
        raise ConfigError("staff.lockout_tries", "must be at least 1")
    if cfg.staff.lockout_max_s < cfg.staff.lockout_s:
        raise ConfigError("staff.lockout_max_s", "must be at least staff.lockout_s")
    _check_skm(cfg.skm)


def _check_skm(skm: SkmSection) -> None:
    from kiosk.skm import check_unit_questions

    if skm.population < 0:
        raise ConfigError("skm.population", f"must be 0 (unknown) or more, not {skm.population}")
    if skm.service_code != skm.service_code.strip():
        raise ConfigError("skm.service_code", "must not start or end with spaces")
    problem = check_unit_questions(skm.questions)
    if problem:
        raise ConfigError("skm.questions", problem)


DEDUPE_MODES = ("reconcile", "idempotency-key", "both")


def _check_server_delivery(s: ServerSection) -> None:
    """The [server] keys that make delivery work in the field (issue 8): none may pass broken."""
    for key in ("timeout_s", "connect_timeout_s", "retry_cap_s", "retry_base_s", "request_deadline_s",
                "catalog_refresh_h"):
        if not math.isfinite(getattr(s, key)):
            raise ConfigError(f"server.{key}", f"must be a finite number, not {getattr(s, key)!r}")
    if not s.api_key.strip():
        raise ConfigError("server.api_key", "must not be empty: the province gives each kiosk a key")
    if s.request_deadline_s <= 0:
        raise ConfigError("server.request_deadline_s", f"must be a number > 0, not {s.request_deadline_s}")
    if s.max_answer_bytes < 65536:
        raise ConfigError("server.max_answer_bytes", f"must be at least 65536, not {s.max_answer_bytes}")
    if s.dedupe not in DEDUPE_MODES:
        raise ConfigError("server.dedupe", f"must be one of {', '.join(DEDUPE_MODES)}, not {s.dedupe!r}")
    if s.catalog_refresh_h < 0:
        raise ConfigError("server.catalog_refresh_h", f"must be 0 (off) or more hours, not {s.catalog_refresh_h}")
    if s.ca_bundle and not Path(s.ca_bundle).expanduser().is_file():
        raise ConfigError("server.ca_bundle", f"file not found: {s.ca_bundle}")


def from_dict(data: dict[str, Any], source: str | None = None) -> Config:
    """Build and check a Config from parsed TOML; unknown keys are errors (typos matter)."""
    sections: dict[str, Any] = {}
    for name, value in data.items():
        if name not in _SECTION_TYPES:
            raise ConfigError(name, f"unknown section; expected one of {', '.join(_SECTION_TYPES)}", source)
        if not isinstance(value, dict):
            raise ConfigError(name, "must be a [section] table", source)
        cls = _SECTION_TYPES[name]
        defaults = cls()
        known = {f.name for f in dataclasses.fields(cls)}
        values = {}
        for key, raw in value.items():
            full = f"{name}.{key}"
            if key not in known:
                raise ConfigError(full, "unknown key", source)
            try:
                values[key] = _coerce(full, raw, getattr(defaults, key))
            except ConfigError as exc:
                raise ConfigError(exc.key, exc.problem, source) from None
        sections[name] = cls(**values)
    cfg = Config(**sections, source=source)
    try:
        _check(cfg)
    except ConfigError as exc:
        raise ConfigError(exc.key, exc.problem, source) from None
    return cfg


def load(path: str | os.PathLike[str] | None = None) -> Config:
    """Read the config from ``path``, else ``$KIOSK_CONFIG``, else the built-in defaults."""
    chosen = path or os.environ.get(ENV_VAR) or None
    if chosen is None:
        return from_dict({})
    p = Path(chosen).expanduser()
    if not p.exists():
        raise ConfigError("--config", f"file not found: {p}")
    try:
        data = tomllib.loads(p.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError("toml", f"not valid TOML ({exc})", str(p)) from None
    except UnicodeDecodeError:
        raise ConfigError("toml", "not UTF-8 text", str(p)) from None
    except OSError as exc:  # a folder, or no permission (run `kiosk check` as the kiosk user or with sudo)
        raise ConfigError("--config", f"cannot read {p}: {exc.strerror}") from None
    return from_dict(data, source=str(p))
