"""The data dir on a disk that fills, turns read-only or keeps other users out.

Three duties, all run before the outbox is opened (``prepare``):

- **Private modes**: the data dir is 0700 and everything in it 0600 (outbox, WAL/SHM, catalog
  cache, logs, receipts, the space reserve).  The CLI also sets ``umask 077`` for the
  process (the systemd unit sets ``UMask=0077``), so SQLite's WAL and SHM files and rotated
  logs are born private; :func:`make_private` fixes files an older version left 0644.
- **A space reserve**: a ballast file of ``kiosk.space_reserve_mb`` MB
  (:data:`BALLAST_NAME`).  When free space falls below the reserve's size it is deleted, so
  the kiosk can still open its outbox, record deliveries and export a bundle on a disk that
  filled up; staff see "disk full" until space is freed, and the reserve is rebuilt once
  there is three times its size free again.
- **A read-only or unwritable dir** is recognised (:func:`storage_problem`) and told in one
  line naming the folder, instead of a traceback or a "damaged database".
"""
from __future__ import annotations

import errno
import logging
import os
import shutil
import sqlite3
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from kiosk.i18n import N_, tr

if TYPE_CHECKING:
    from offline_queue import Outbox

    from kiosk.config import Config

log = logging.getLogger("kiosk.datadir")

BALLAST_NAME = "space-reserve.bin"
DIR_MODE, FILE_MODE = 0o700, 0o600
UMASK = 0o077
_CHUNK = 1 << 20

DISK_FULL = N_("Penyimpanan kios penuh. Laporan yang tersimpan tetap dikirim; hubungi teknisi untuk mengosongkan ruang disk.")
DISK_FULL_SHORT = N_("Disk penuh")
READ_ONLY_SHORT = N_("Folder data tidak dapat ditulis")
READ_ONLY = N_("Folder data kios tidak dapat ditulis. Hubungi teknisi.")


def make_private(data_dir: Path) -> None:
    """The data dir 0700, every file and folder inside it 0600/0700 (best effort, logged)."""
    try:
        data_dir.mkdir(mode=DIR_MODE, parents=True, exist_ok=True)
    except OSError as exc:
        log.warning("cannot create the data dir %s: %s", data_dir, exc.strerror)
        return
    for path, mode in _walk(data_dir):
        want = DIR_MODE if stat.S_ISDIR(mode) else FILE_MODE
        if stat.S_IMODE(mode) & ~want:
            try:
                os.chmod(path, stat.S_IMODE(mode) & want)
            except OSError as exc:
                log.warning("cannot make %s private: %s", path, exc.strerror)


def _walk(root: Path):
    try:
        yield root, root.stat().st_mode
    except OSError:
        return
    for dirpath, dirnames, filenames in os.walk(root):
        for name in dirnames + filenames:
            p = os.path.join(dirpath, name)
            try:
                st = os.lstat(p)
            except OSError:
                continue
            if stat.S_ISLNK(st.st_mode):
                continue
            yield p, st.st_mode


# -- the space reserve ---------------------------------------------------------------------------
@dataclass(frozen=True)
class Space:
    """Free space in the data dir and whether the kiosk counts as "disk full"."""

    free: int
    reserve: int  # configured size of the ballast, bytes
    reserve_present: bool
    full: bool


def _reserve_bytes(cfg: "Config") -> int:
    return max(0, int(cfg.kiosk.space_reserve_mb)) * _CHUNK


def ballast_path(cfg: "Config") -> Path:
    return cfg.data_dir / BALLAST_NAME


def _free(path: Path) -> int:
    return shutil.disk_usage(path).free


def space(cfg: "Config") -> Space:
    """The data dir's free space now (cheap: one ``statvfs``), judged against the reserve."""
    reserve = _reserve_bytes(cfg)
    try:
        free = _free(cfg.data_dir)
    except OSError:
        return Space(0, reserve, False, False)
    present = ballast_path(cfg).exists()
    # Without its reserve the disk stays "full" until it could be rebuilt with room to spare.
    full = free < max(reserve, _CHUNK) or (reserve > 0 and not present and free < 3 * reserve)
    return Space(free, reserve, present, full)


def release_reserve(cfg: "Config") -> int:
    """Delete the ballast file; returns the bytes freed (0 if there was none)."""
    path = ballast_path(cfg)
    try:
        size = path.stat().st_size
        path.unlink()
    except FileNotFoundError:
        return 0
    except OSError as exc:
        log.error("cannot release the space reserve %s: %s", path, exc.strerror)
        return 0
    log.warning("disk full: released the %d MB space reserve so the queue can still be delivered "
                "and exported; free disk space in %s", size // _CHUNK, cfg.data_dir)
    return size


def ensure_reserve(cfg: "Config") -> Space:
    """Release the reserve when the disk is (nearly) full; rebuild it when there is room again."""
    now = space(cfg)
    path = ballast_path(cfg)
    if now.reserve == 0:
        if now.reserve_present:
            release_reserve(cfg)
        return space(cfg)
    if now.reserve_present:
        if now.free < now.reserve:
            release_reserve(cfg)
            return space(cfg)
        if path.stat().st_size >= now.reserve:
            return now
    if now.free >= 3 * now.reserve:
        _write_ballast(path, now.reserve)
        return space(cfg)
    return now


def _write_ballast(path: Path, size: int) -> None:
    """Real blocks (not a sparse file: a sparse file frees nothing when deleted)."""
    tmp = path.with_name(path.name + ".tmp")
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, FILE_MODE)
        try:
            try:
                os.posix_fallocate(fd, 0, size)
            except (AttributeError, OSError):
                zero = b"\0" * _CHUNK
                for _ in range(-(-size // _CHUNK)):
                    os.write(fd, zero)
            os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(tmp, path)
        log.info("space reserve of %d MB in place", size // _CHUNK)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        log.warning("cannot build the space reserve %s: %s", path, exc.strerror)


def open_outbox(cfg: "Config") -> "Outbox":
    """The outbox on a private data dir, even on a full disk: the space reserve is released
    when opening needs the room, so what is queued can still be delivered and exported."""
    from offline_queue import Outbox, OutboxFull

    make_private(cfg.data_dir)
    ensure_reserve(cfg)
    try:
        return Outbox(cfg.outbox_path)
    except OutboxFull:
        if not release_reserve(cfg):
            raise
    return Outbox(cfg.outbox_path)


# -- what is wrong with the storage, in words --------------------------------------------------
def _errno_of(exc: BaseException) -> int | None:
    seen: set[int] = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        if isinstance(exc, OSError) and exc.errno:
            return exc.errno
        if isinstance(exc, sqlite3.Error):
            code = getattr(exc, "sqlite_errorcode", None)
            if code is not None:
                base = code & 0xFF
                if base == sqlite3.SQLITE_READONLY:
                    return errno.EROFS
                if base == sqlite3.SQLITE_FULL:
                    return errno.ENOSPC
                if base == sqlite3.SQLITE_CANTOPEN:
                    return errno.EACCES
                if base == sqlite3.SQLITE_IOERR:
                    return errno.EIO
            text = str(exc).lower()
            if "readonly" in text or "read-only" in text:
                return errno.EROFS
            if "unable to open" in text:
                return errno.EACCES
        exc = exc.__cause__ or exc.__context__  # type: ignore[assignment]
    return None


def writable(path: Path) -> str | None:
    """None when a file can be created in ``path``; else why not (an errno name's words)."""
    probe = path / ".kiosk-write-probe"
    try:
        fd = os.open(probe, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, FILE_MODE)
        os.close(fd)
        os.unlink(probe)
        return None
    except OSError as exc:
        return exc.strerror or str(exc)


def storage_problem(exc: BaseException, cfg: "Config") -> str | None:
    """One line for the technician when ``exc`` comes from an unwritable or full data dir
    (English, like every CLI diagnostic), or None when it is something else."""
    code = _errno_of(exc)
    where = cfg.data_dir
    if code in (errno.EROFS, errno.EACCES, errno.EPERM):
        probe = writable(where) if where.is_dir() else None
        why = "read-only file system" if code == errno.EROFS or "read-only" in (probe or "").lower() \
            else "permission denied"
        return (f"the data dir {where} cannot be written ({why}): remount it read-write or fix its owner "
                f"(kiosk.data_dir in the config); nothing saved was changed")
    if code == errno.ENOSPC:
        return (f"the disk holding {where} is full: free some space (old logs, receipts folder); "
                "what is queued is kept")
    return None


def staff_texts(cfg: "Config", lang: str, *, short: bool = False) -> list[str]:
    """Storage warnings for the staff screens (translated), cheap enough for a status bar."""
    out = []
    now = space(cfg)
    if now.full:
        out.append(tr(lang, DISK_FULL_SHORT if short else DISK_FULL))
    elif not os.access(cfg.data_dir, os.W_OK):  # no probe file: this runs on the GUI thread
        out.append(tr(lang, READ_ONLY_SHORT if short else READ_ONLY))
    return out


__all__ = ["BALLAST_NAME", "UMASK", "Space", "space", "ensure_reserve", "release_reserve", "make_private",
           "storage_problem", "open_outbox", "staff_texts", "writable", "DISK_FULL", "READ_ONLY"]
