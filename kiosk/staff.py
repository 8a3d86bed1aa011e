"""The staff PIN: a salted slow hash in the config, and a lockout that survives restarts.

Why these choices:

- ``hashlib.scrypt`` (standard library, memory-hard): a 4-8 digit PIN has at most 10^8
  values, so the hash must be slow enough that someone who copies the config file cannot
  try them all in minutes.  The parameters live in the stored string
  (``scrypt$n=16384,r=8,p=1$<salt b64>$<hash b64>``) so they can be raised later without
  breaking PINs that were already set.
- The real protection at the kiosk is the lockout: after ``tries`` wrong PINs the gate is
  locked for ``lockout_s`` seconds, doubling with every further lockout up to
  ``lockout_max_s``.  The state is a small 0600 JSON file in the data dir, written
  atomically, with a copy in the outbox database, and every attempt is counted under a lock
  before its PIN is checked (see :class:`PinGate`).
- No PIN set means *locked*, not *open*: a fresh install must not hand the staff area (the
  way out of kiosk mode) to the first citizen who taps it.

Every attempt is logged (accepted / wrong / refused while locked) without the PIN.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import json
import logging
import os
import re
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from kiosk.i18n import N_, tr

if TYPE_CHECKING:
    from kiosk.config import Config

log = logging.getLogger("kiosk.staff")

PIN_MIN, PIN_MAX = 4, 8
SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**14, 8, 1
SALT_BYTES, HASH_BYTES = 16, 32
STATE_FILE = "staff_pin_state.json"
SET_PIN_HINT = "kiosk --config /etc/kiosk/kiosk.toml staff set-pin"

_PIN_RE = re.compile(r"[0-9]{%d,%d}" % (PIN_MIN, PIN_MAX))
_STORED_RE = re.compile(
    r"scrypt\$n=(?P<n>\d+),r=(?P<r>\d+),p=(?P<p>\d+)\$(?P<salt>[A-Za-z0-9+/=]+)\$(?P<hash>[A-Za-z0-9+/=]+)"
)


class PinRuleError(ValueError):
    """A PIN that breaks the rules; ``msgid`` is the Indonesian message to translate."""

    def __init__(self, msgid: str):
        self.msgid = msgid
        super().__init__(tr("id", msgid, min=PIN_MIN, max=PIN_MAX))


def pin_problem(pin: str) -> str | None:
    """The (untranslated) reason a PIN is not acceptable, or None: 4-8 ASCII digits."""
    if not _PIN_RE.fullmatch(pin or ""):
        return N_("PIN harus {min} sampai {max} angka.")
    return None


def hash_pin(pin: str) -> str:
    """A salted scrypt hash of ``pin`` for ``staff.pin_hash``; raises PinRuleError if the PIN breaks the rules."""
    problem = pin_problem(pin)
    if problem:
        raise PinRuleError(problem)
    salt = secrets.token_bytes(SALT_BYTES)
    digest = _scrypt(pin, salt, SCRYPT_N, SCRYPT_R, SCRYPT_P)
    b64 = base64.b64encode
    return f"scrypt$n={SCRYPT_N},r={SCRYPT_R},p={SCRYPT_P}${b64(salt).decode()}${b64(digest).decode()}"


def _scrypt(pin: str, salt: bytes, n: int, r: int, p: int, dklen: int = HASH_BYTES) -> bytes:
    # maxmem: OpenSSL's default (32 MiB) is just enough for n=2**14,r=8; allow headroom for raised n.
    return hashlib.scrypt(pin.encode("utf-8"), salt=salt, n=n, r=r, p=p, dklen=dklen, maxmem=256 * 1024 * 1024)


def verify_pin(pin: str, stored: str) -> bool:
    """True if ``pin`` matches ``stored``; a malformed or empty ``stored`` matches nothing.

    The comparison is constant-time (``hmac.compare_digest``), and a PIN that breaks the rules
    still costs one scrypt so timing does not tell the two failures apart.
    """
    m = _STORED_RE.fullmatch((stored or "").strip())
    if not m:
        return False
    n, r, p = int(m["n"]), int(m["r"]), int(m["p"])
    if n < 2 or n & (n - 1) or n > 2**20 or not 1 <= r <= 32 or not 1 <= p <= 16:
        return False
    try:
        salt = base64.b64decode(m["salt"], validate=True)
        expected = base64.b64decode(m["hash"], validate=True)
    except ValueError:
        return False
    candidate = _scrypt(pin if isinstance(pin, str) else "", salt, n, r, p, dklen=len(expected) or HASH_BYTES)
    return hmac.compare_digest(candidate, expected) and pin_problem(pin) is None


Status = Literal["ok", "ready", "wrong", "locked", "no_pin"]


@dataclass(frozen=True)
class PinResult:
    """What happened at the PIN pad: ``ok``, ``wrong`` (``tries_left``), ``locked``
    (``seconds_left``) or ``no_pin`` (nothing set: the staff area stays shut); ``ready``
    (``tries_left``) only from :meth:`PinGate.status`, before any entry."""

    status: Status
    tries_left: int = 0
    seconds_left: int = 0

    @property
    def ok(self) -> bool:
        return self.status == "ok"

    def message(self, lang: str) -> str:
        """The sentence to show staff, in ``lang``."""
        if self.status == "ok":
            return tr(lang, "PIN benar.")
        if self.status == "ready":
            return tr(lang, "Masukkan PIN petugas.")
        if self.status == "wrong":
            return tr(lang, "PIN salah. Sisa percobaan: {n}.", n=self.tries_left)
        if self.status == "locked":
            minutes = max(1, -(-self.seconds_left // 60))
            return tr(lang, "Terlalu banyak PIN salah. Coba lagi dalam {minutes} menit.", minutes=minutes)
        return tr(
            lang,
            "PIN petugas belum dibuat. Teknisi dapat membuatnya dengan perintah: {command}",
            command=SET_PIN_HINT,
        )


class PinGate:
    """Checks PINs for the staff area, with a lockout that escalates and holds.

    ``PinGate(state_path, pin_hash, tries=5, lockout_s=300, max_lockout_s=86400, mirror=None)``;
    ``attempt(pin)`` checks one entry, ``status()`` tells the screen whether to offer the pad.

    - **Escalation**: after ``tries`` wrong PINs in a row the gate locks for ``lockout_s``;
      each further lockout doubles (300 s, 10 min, 20 min ... up to ``max_lockout_s``) until a
      right PIN is entered.  With the defaults, guessing all 10,000 four-digit PINs takes
      years instead of days.
    - **State that holds**: a 0600 JSON file in the data dir and, when the gate is given one,
      a copy in the outbox database (``mirror``: anything with ``update_fact``).  Each check
      merges both and keeps the stricter, so deleting one file does not reset the count.
    - **Checked under a lock**: an attempt first *counts itself as wrong* under a file lock
      (and the database's ``BEGIN IMMEDIATE``), then runs the slow scrypt outside it, then
      records the result.  Concurrent tries (threads, processes) each use up a try: at most
      ``tries`` PINs are ever checked per lock period.
    ``clock`` is injectable so tests can move time without sleeping.
    """

    FACT = "staff_pin_state"

    def __init__(
        self,
        state_path: str | os.PathLike[str],
        pin_hash: str,
        *,
        tries: int = 5,
        lockout_s: int = 300,
        max_lockout_s: int = 86_400,
        clock: Callable[[], float] = time.time,
        mirror: Any = None,
    ):
        self.state_path = Path(state_path)
        self.pin_hash = pin_hash or ""
        self.tries = max(1, int(tries))
        self.lockout_s = max(0, int(lockout_s))
        self.max_lockout_s = max(self.lockout_s, int(max_lockout_s))
        self.clock = clock
        self.mirror = mirror

    @classmethod
    def for_config(cls, cfg: "Config", *, clock: Callable[[], float] = time.time, mirror: Any = None) -> "PinGate":
        """The gate for this kiosk: hash and limits from ``[staff]``, state in the data dir
        (and in ``mirror``, the outbox, when given)."""
        return cls(
            cfg.data_dir / STATE_FILE,
            cfg.staff.pin_hash,
            tries=cfg.staff.lockout_tries,
            lockout_s=cfg.staff.lockout_s,
            max_lockout_s=cfg.staff.lockout_max_s,
            clock=clock,
            mirror=mirror,
        )

    # -- state on disk -------------------------------------------------------------------
    _FRESH = {"failures": 0, "locked_until": 0.0, "level": 0}

    def _damaged(self) -> dict[str, float]:
        # A damaged state must not open the gate: treat it as a fresh lockout.
        log.warning("staff PIN state unreadable; locking the staff area for %ss", self.lockout_s)
        return {"failures": self.tries, "locked_until": self.clock() + self.lockout_s, "level": 1}

    def _parse(self, data: Any) -> dict[str, float]:
        return {"failures": int(data.get("failures", 0)), "locked_until": float(data.get("locked_until", 0)),
                "level": int(data.get("level", 0))}

    def _load_file(self) -> dict[str, float]:
        try:
            return self._parse(json.loads(self.state_path.read_text(encoding="utf-8")))
        except FileNotFoundError:
            return dict(self._FRESH)
        except (OSError, ValueError, TypeError, AttributeError):
            return self._damaged()

    @staticmethod
    def _stricter(a: dict[str, float], b: dict[str, float]) -> dict[str, float]:
        return {"failures": max(a["failures"], b["failures"]), "locked_until": max(a["locked_until"], b["locked_until"]),
                "level": max(a["level"], b["level"])}

    def _save_file(self, state: dict[str, float]) -> None:
        self.state_path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.state_path.with_name(self.state_path.name + ".tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(state, fh)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, self.state_path)

    def _update(self, change: Callable[[dict[str, float]], dict[str, float]] | None) -> dict[str, float]:
        """Under the file lock: merge file and mirror, apply ``change`` (None: read only), store."""
        from filelock import FileLock

        try:
            self.state_path.parent.mkdir(parents=True, exist_ok=True)
            lock = FileLock(str(self.state_path) + ".lock", timeout=30)
            lock.acquire()
        except OSError:
            if change is not None:
                raise  # attempt() fails closed
            return self._load_file()  # a look at a read-only data dir
        try:
            from_file = self._load_file()
            result: dict[str, dict[str, float]] = {}

            def merged(old: Any) -> Any:
                try:
                    mirrored = self._parse(old) if old else dict(self._FRESH)
                except (ValueError, TypeError, AttributeError):
                    mirrored = self._damaged()
                state = self._stricter(from_file, mirrored)
                if change is not None:
                    state = change(dict(state))
                result["state"] = state
                return state if change is not None or old else old

            if self.mirror is not None:
                try:
                    if change is None:  # a look only: no write transaction on the outbox
                        merged(self.mirror.get_fact(self.FACT))
                    else:
                        self.mirror.update_fact(self.FACT, merged)
                except Exception as exc:  # the file alone still holds the lock
                    log.warning("staff PIN state: database copy not usable (%s)", type(exc).__name__)
                    result.clear()
            if "state" not in result:
                merged(None)
            state = result["state"]
            if change is not None or state != from_file:
                self._save_file(state)
            return state
        finally:
            lock.release()

    def _duration(self, level: float) -> int:
        """How long lock number ``level`` (1, 2, ...) lasts: doubling, capped."""
        if level < 1:
            return self.lockout_s
        return int(min(self.max_lockout_s, self.lockout_s * 2 ** min(int(level) - 1, 30)))

    def _seconds_left(self, state: dict[str, float]) -> int:
        left = state["locked_until"] - self.clock()
        # A clock set backwards must not stretch the lock beyond its own length.
        left = min(left, self._duration(state["level"]))
        return max(0, int(-(-left // 1)))

    # -- public --------------------------------------------------------------------------
    def status(self) -> PinResult:
        """Without trying a PIN: ``no_pin``, ``locked`` (seconds left) or ``ready`` (tries left)."""
        if not self.pin_hash:
            return PinResult("no_pin")
        state = self._update(None)
        left = self._seconds_left(state)
        if left > 0:
            return PinResult("locked", seconds_left=left)
        failures = int(state["failures"]) if state["locked_until"] == 0 else 0
        return PinResult("ready", tries_left=max(0, self.tries - failures))

    def attempt(self, pin: str) -> PinResult:
        """Check one PIN entry and record it; the PIN itself is never logged or stored."""
        if not self.pin_hash:
            log.warning("staff PIN entered but no PIN is set; staff area refused")
            return PinResult("no_pin")
        refused: dict[str, int] = {}

        def reserve(state: dict[str, float]) -> dict[str, float]:
            left = self._seconds_left(state)
            if left > 0:
                refused["left"] = left
                return state
            if state["locked_until"]:  # a lock that has run out starts a fresh count (level stays)
                state = {**state, "failures": 0, "locked_until": 0.0}
            if state["failures"] >= self.tries:  # the last tries are being checked right now
                refused["left"] = self._duration(state["level"] + 1)
                return state
            return {**state, "failures": state["failures"] + 1}  # counted as wrong until proven right

        try:
            self._update(reserve)
        except OSError as exc:  # the try cannot be counted: refuse it (fail closed)
            log.warning("staff PIN attempt refused: the lockout state cannot be written (%s)", exc.strerror or exc)
            return PinResult("locked", seconds_left=self.lockout_s)
        if refused:
            log.warning("staff PIN attempt refused: locked for %ss more", refused["left"])
            return PinResult("locked", seconds_left=refused["left"])
        right = verify_pin(pin, self.pin_hash)
        outcome: dict[str, Any] = {}

        def record(state: dict[str, float]) -> dict[str, float]:
            if right:
                return dict(self._FRESH)
            if state["failures"] >= self.tries and not state["locked_until"]:
                level = state["level"] + 1
                outcome["locked"] = self._duration(level)
                return {**state, "locked_until": self.clock() + outcome["locked"], "level": level}
            outcome["failures"] = state["failures"]
            return state

        try:
            self._update(record)
        except OSError as exc:
            log.warning("staff PIN result not recorded (%s)", exc.strerror or exc)
            if not right:
                return PinResult("locked", seconds_left=self.lockout_s)
        if right:
            log.info("staff PIN accepted")
            return PinResult("ok", tries_left=self.tries)
        if "locked" in outcome:
            log.warning("staff PIN wrong (%d in a row); staff area locked for %ss", self.tries, outcome["locked"])
            return PinResult("locked", seconds_left=outcome["locked"])
        failures = int(outcome.get("failures", self.tries))
        log.warning("staff PIN wrong; %d tries left", max(0, self.tries - failures))
        return PinResult("wrong", tries_left=max(0, self.tries - failures))


# -- writing the hash into the config file ---------------------------------------------------
_TABLE_RE = re.compile(r"^\s*\[\s*([A-Za-z0-9_.\-\"' ]+?)\s*\]\s*(#.*)?$")
_PIN_LINE_RE = re.compile(r"^(\s*)pin_hash\s*=.*$")


def set_pin_in_config_text(text: str, pin_hash: str) -> str:
    """``text`` (a TOML config) with ``[staff] pin_hash`` set, everything else untouched.

    A textual edit on purpose: comments and layout a technician wrote stay as they were.  The
    line inside ``[staff]`` is replaced; if absent it is added under the table header; if
    there is no ``[staff]`` table one is appended.
    """
    new_line = f'pin_hash = "{pin_hash}"'
    lines = text.splitlines(keepends=True)
    newline = "\r\n" if lines and lines[0].endswith("\r\n") else "\n"
    in_staff, header_at = False, None
    for i, line in enumerate(lines):
        m = _TABLE_RE.match(line.rstrip("\r\n"))
        if m and not line.lstrip().startswith("[["):
            in_staff = m.group(1).strip().strip("\"'") == "staff"
            if in_staff:
                header_at = i
            continue
        if in_staff:
            pm = _PIN_LINE_RE.match(line.rstrip("\r\n"))
            if pm:
                end = line[len(line.rstrip("\r\n")):]
                lines[i] = pm.group(1) + new_line + (end or newline)
                return "".join(lines)
    if header_at is not None:
        lines.insert(header_at + 1, new_line + newline)
        return "".join(lines)
    out = "".join(lines)
    if out and not out.endswith(("\n", "\r\n")):
        out += newline
    sep = newline if out.strip() else ""
    return f"{out}{sep}[staff]{newline}{new_line}{newline}"


def write_pin_hash(config_path: str | os.PathLike[str], pin_hash: str) -> None:
    """Set ``staff.pin_hash`` in the config file in place (atomic replace, same mode).

    Refuses (ValueError) if the edited text would not parse back to the same hash: better
    no change than a config the kiosk cannot start with.
    """
    import tomllib

    path = Path(config_path)
    text = path.read_text(encoding="utf-8")
    new_text = set_pin_in_config_text(text, pin_hash)
    try:
        parsed = tomllib.loads(new_text)
    except tomllib.TOMLDecodeError as exc:
        raise ValueError(f"{path}: the edited config would not be valid TOML ({exc})") from None
    if parsed.get("staff", {}).get("pin_hash") != pin_hash:
        raise ValueError(f"{path}: could not place pin_hash in the [staff] table; edit the file by hand")
    st = path.stat()
    mode = st.st_mode & 0o7777
    tmp = path.with_name(f".{path.name}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, mode)
    with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
        fh.write(new_text)
        fh.flush()
        os.fsync(fh.fileno())
    os.chmod(tmp, mode)
    if hasattr(os, "chown"):
        # Keep the owner and group: `sudo kiosk staff set-pin` on a root:kiosk 0640 file must
        # not leave a root:root file the kiosk user can no longer read.
        try:
            os.chown(tmp, st.st_uid, st.st_gid)
        except PermissionError:
            pass  # not root: the new file is ours, as the old one was
    os.replace(tmp, path)
    log.info("staff PIN changed in %s", path)
