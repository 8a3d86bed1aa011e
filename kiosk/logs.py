"""Logging for the field: rotating files in the data dir, one line per event, nothing personal.

A technician reads these files on site (``kiosk logs --tail 50``), often copies them to a
USB stick, and sometimes mails them on: so every record passes a :class:`RedactingFilter`
on its way to any handler we install.  It removes the configured secrets (API key, signing
secret, PIN hash) and the personal data a stray ``log.info("%s", body)`` could leak:
Indonesian phone numbers, 16-digit NIKs, e-mail addresses, and ``first_name=``/``phone=``
style form fields (the Open311 body is a urlencoded form).  Redaction happens on the final
text, after ``%`` formatting and on tracebacks too, because that is where leaks hide.

One event is one line: embedded newlines (tracebacks, multi-line messages) are folded onto
continuation lines that start with ``"    | "``, so ``grep`` and ``tail`` stay meaningful
and a message cannot forge a fake log line.
"""
from __future__ import annotations

import logging
import logging.handlers
import os
import re
import sys
import time
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, TextIO
from urllib.parse import quote, quote_plus

if TYPE_CHECKING:
    from kiosk.config import Config

LOG_FILE = "kiosk.log"
MAX_BYTES = 1_000_000
BACKUP_COUNT = 5
REDACTED = "[redacted]"
FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
_MARK = "_pasar_kiosk_handler"

# Form fields and JSON keys that carry personal data in an Open311 body or a submission.
_PERSONAL_FIELDS = r"first_name|last_name|name|phone|email|nik|api_key|attribute%5Bnik%5D|attribute\[nik\]"
_PATTERNS: tuple[tuple[re.Pattern[str], str], ...] = (
    # form fields: first_name=Budi+Santoso&... (value up to the next & or whitespace)
    (re.compile(rf"(?i)(?<![A-Za-z0-9_])({_PERSONAL_FIELDS})=([^&\s]*)"), rf"\1={REDACTED}"),
    # JSON / repr: "phone": "0812..." or 'name': 'Budi'
    (re.compile(rf"""(?i)(["']({_PERSONAL_FIELDS})["']\s*:\s*)("[^"]*"|'[^']*')"""), rf'\1"{REDACTED}"'),
    # e-mail addresses, also percent-encoded (budi%40mail.com)
    (re.compile(r"(?i)[A-Z0-9._%+\-]+(?:@|%40)[A-Z0-9.\-]+\.[A-Z]{2,}"), REDACTED),
    # NIK: exactly 16 digits
    (re.compile(r"(?<!\d)\d{16}(?!\d)"), REDACTED),
    # Indonesian mobile numbers: 08.., +628.., 628.., %2B628.., with spaces/dots/dashes
    (re.compile(r"(?<![\w])(?:\+|%2B)?(?:62|0)[\s.\-]?8\d(?:[\s.\-]?\d){6,11}(?!\d)"), REDACTED),
)


def redact(text: str, secrets: Iterable[str] = ()) -> str:
    """``text`` with the given secrets and any personal data replaced by ``[redacted]``."""
    for secret in secrets:
        if secret and len(secret) >= 4:
            for form in {secret, quote_plus(secret), quote(secret, safe="")}:
                text = text.replace(form, REDACTED)
    for pattern, repl in _PATTERNS:
        text = pattern.sub(repl, text)
    return text


def config_secrets(cfg: "Config") -> tuple[str, ...]:
    """The values from the config that must never appear in a log."""
    return tuple(s for s in (cfg.server.api_key, cfg.receipt.signing_secret, cfg.staff.pin_hash) if s)


class RedactingFilter(logging.Filter):
    """Rewrites each record's final text (message and traceback) without secrets or personal data.

    It runs on handlers (not loggers) so records from every library logger pass through it.
    It never drops a record and never raises: a logging failure must not crash the kiosk.
    """

    def __init__(self, secrets: Iterable[str] = ()):
        super().__init__()
        self.secrets = tuple(secrets)

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a bad %-format: keep the template, drop the arguments
            message = str(record.msg)
        try:
            record.msg = redact(message, self.secrets)
            record.args = None
            if record.exc_info and not record.exc_text:
                record.exc_text = logging.Formatter().formatException(record.exc_info)
            if record.exc_text:
                record.exc_text = redact(record.exc_text, self.secrets)
            if record.stack_info:
                record.stack_info = redact(record.stack_info, self.secrets)
        except Exception:
            record.msg, record.args = "(log record could not be redacted; dropped its text)", None
            record.exc_info = record.exc_text = None
        return True


class OneLineFormatter(logging.Formatter):
    """Formats as usual, then folds every further line onto a ``    | `` continuation."""

    def format(self, record: logging.LogRecord) -> str:
        text = super().format(record)
        return text.replace("\r\n", "\n").replace("\r", "\n").replace("\n", "\n    | ")

    def formatTime(self, record: logging.LogRecord, datefmt: str | None = None) -> str:
        # ISO 8601 in UTC with milliseconds: comparable with the server's logs across zones.
        t = time.gmtime(record.created)
        return time.strftime("%Y-%m-%dT%H:%M:%S", t) + f".{int(record.msecs):03d}Z"


class _FieldFileHandler(logging.handlers.RotatingFileHandler):
    """A rotating file that, when it cannot write (disk full, stick pulled), says so in one
    line on stderr once, instead of the logging module's traceback for every record."""

    _complained = False

    def handleError(self, record: logging.LogRecord) -> None:  # noqa: N802 - logging's name
        if not self._complained:
            self._complained = True
            exc = sys.exc_info()[1]
            why = getattr(exc, "strerror", None) or type(exc).__name__
            try:
                sys.stderr.write(f"kiosk: cannot write the log file {self.baseFilename} ({why}); continuing without it\n")
            except Exception:  # noqa: BLE001 - nowhere left to report
                pass


def log_path(cfg: "Config") -> Path:
    return cfg.log_dir / LOG_FILE


def setup_logging(cfg: "Config", *, console: bool = False, file: bool = True,
                  level: int = logging.INFO) -> Path | None:
    """Send the root logger to ``<data dir>/logs/kiosk.log`` (1 MB x 5) and optionally stderr.

    Idempotent: calling it again (e.g. after a config change) replaces the handlers it added
    before.  Returns the log file's path, or None when the log dir cannot be written (then a
    console handler is used instead, so nothing is lost silently).
    """
    root = logging.getLogger()
    for handler in list(root.handlers):
        if getattr(handler, _MARK, False):
            root.removeHandler(handler)
            handler.close()
    redactor = RedactingFilter(config_secrets(cfg))
    formatter = OneLineFormatter(FORMAT)
    handlers: list[logging.Handler] = []
    path: Path | None = log_path(cfg) if file else None
    if path is not None:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            handlers.append(
                _FieldFileHandler(path, maxBytes=MAX_BYTES, backupCount=BACKUP_COUNT, encoding="utf-8")
            )
        except OSError as exc:
            path = None
            # Warnings and errors, never chatter: a read-only data dir must not turn the terminal
            # into a log (the command itself names the folder in one line; records it already
            # printed carry ``extra={"console": False}``).
            fallback = logging.StreamHandler(sys.stderr)
            fallback.setLevel(logging.WARNING)
            fallback.addFilter(lambda record: getattr(record, "console", True))
            handlers.append(fallback)
            if not console and cfg.data_dir.is_dir() and os.access(cfg.data_dir, os.W_OK):
                print(f"kiosk: cannot write logs in {cfg.log_dir} ({exc.strerror}); errors go to the console",
                      file=sys.stderr)
    if console:
        handlers.append(logging.StreamHandler(sys.stderr))
    for handler in handlers:
        handler.addFilter(redactor)
        handler.setFormatter(formatter)
        setattr(handler, _MARK, True)
        root.addHandler(handler)
    root.setLevel(level)
    # Chatty libraries: their DEBUG lines carry URLs with query strings.
    logging.getLogger("urllib3").setLevel(logging.WARNING)
    return path


# -- reading the log for technicians -----------------------------------------------------
def tail_lines(path: Path, n: int) -> list[str]:
    """The last ``n`` lines of the log, reaching into the rotated file when the current one is short."""
    files = [path.with_name(f"{path.name}.{i}") for i in range(BACKUP_COUNT, 0, -1)] + [path]
    lines: list[str] = []
    for f in reversed(files):
        if len(lines) >= n:
            break
        try:
            lines = f.read_text(encoding="utf-8", errors="replace").splitlines() + lines
        except FileNotFoundError:
            continue
    return lines[-n:] if n > 0 else []


def follow(path: Path, *, poll_s: float = 0.5, stop: Callable[[], bool] | None = None) -> Iterator[str]:
    """Yield lines appended to the log from now on, surviving rotation (like ``tail -F``)."""
    fh: TextIO | None = None
    inode: int | None = None
    at_start = True  # the first file is read from its end; a file that replaces it, from its start
    pending = ""  # a line the writer has not finished yet
    try:
        while stop is None or not stop():
            if fh is None:
                try:
                    fh = path.open("r", encoding="utf-8", errors="replace")
                    inode = os.fstat(fh.fileno()).st_ino
                except FileNotFoundError:
                    at_start = False
                    time.sleep(poll_s)
                    continue
                if at_start:
                    fh.seek(0, os.SEEK_END)
                at_start = False
            line = fh.readline()
            if line.endswith("\n"):
                yield (pending + line).rstrip("\n")
                pending = ""
                continue
            pending += line
            try:
                rotated = path.stat().st_ino != inode
            except FileNotFoundError:
                rotated = True
            if rotated:  # the handler rolled the file over: finish the old one, then read the new one
                rest = pending + fh.read()
                pending = ""
                yield from rest.splitlines()
                fh.close()
                fh = None
                continue
            time.sleep(poll_s)
    finally:
        if fh is not None:
            fh.close()
