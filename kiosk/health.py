"""The app's vital signs, checked on a timer by the UI (ui/healthwatch.py); no Qt here.

A kiosk runs for months without a visit.  The systemd watchdog restarts a *frozen* app, but
an app that leaks descriptors or threads, or whose outbox can no longer be written, keeps its
GUI thread answering while it quietly stops saving.  So the app looks at itself:

* **open descriptors** against the soft ``RLIMIT_NOFILE`` (when the directory listing
  itself fails with "too many open files", that is the answer);
* **threads** of the process (Qt's, Python's and the lanes'), against a ceiling;
* **outbox writable**: a write to the outbox, rolled back (a busy lock is not a failure);
* **disk space** free in the data dir.

Each sign is ``ok``, a ``warning`` (staff should know: "disk nearly full") or ``fatal``:
beyond repair inside the process, where a restart is the cure.  A fatal sign must persist for
``strikes`` checks in a row (a passing burst is no reason to restart in front of a citizen);
then :class:`HealthWatch` latches: the UI tells staff, stops pinging the watchdog, and
systemd restarts the kiosk.  A full disk is a warning only: a restart would not free space.
"""
from __future__ import annotations

import errno
import logging
import os
import shutil
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Literal

from kiosk.i18n import N_, tr

log = logging.getLogger("kiosk.health")

Level = Literal["ok", "warning", "fatal"]


@dataclass(frozen=True)
class Limits:
    """Where a sign stops being healthy (the defaults suit a kiosk PC; tests lower them)."""

    descriptors_warning: float = 0.70  # share of the soft RLIMIT_NOFILE
    descriptors_fatal: float = 0.90
    threads_warning: int = 96
    threads_fatal: int = 192
    disk_warning_bytes: int = 200 * 1024 * 1024
    disk_critical_bytes: int = 20 * 1024 * 1024
    strikes: int = 3  # consecutive fatal checks before the verdict is final


@dataclass(frozen=True)
class Sign:
    """One vital sign at one check; ``detail`` is for the log (English, nothing personal)."""

    name: Literal["descriptors", "threads", "outbox", "disk"]
    level: Level
    detail: str
    value: int | None = None


# What staff read in the status bar, per sign (Indonesian msgids).
_PROBLEMS = {
    "descriptors": N_("Terlalu banyak berkas terbuka"),
    "threads": N_("Terlalu banyak proses latar"),
    "outbox": N_("Antrean laporan tidak dapat ditulis"),
    "disk": N_("Ruang disk hampir habis"),
}
_FATAL = N_("{problem}: kios perlu dimulai ulang.")
_WARNING = N_("Peringatan: {problem}.")


def open_descriptors() -> int:
    """How many descriptors this process holds; raises OSError(EMFILE) when none is left to look."""
    for d in (f"/proc/{os.getpid()}/fd", "/dev/fd"):
        if os.path.isdir(d):
            return len(os.listdir(d))
    raise FileNotFoundError("no /proc or /dev/fd to count descriptors")


def descriptor_limit() -> int | None:
    try:
        import resource
    except ImportError:  # Windows
        return None
    soft, _hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    return None if soft == resource.RLIM_INFINITY else int(soft)


def thread_count() -> int:
    """The process's OS threads (Qt's too) from /proc, else Python's."""
    try:
        with open(f"/proc/{os.getpid()}/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("Threads:"):
                    return int(line.split()[1])
    except (OSError, ValueError):
        pass
    return threading.active_count()


def context_switches(pid: int) -> int:
    """How often every thread of ``pid`` has slept and woken so far (Linux ``/proc``).

    Not a vital sign the watch checks: ``make bench`` and the speech tests count it, because a
    process that polls while idle (the speech host once woke 50 times a second) costs CPU for
    as long as the kiosk runs."""
    total = 0
    for task in Path(f"/proc/{pid}/task").iterdir():
        for line in (task / "status").read_text(encoding="ascii").splitlines():
            if "ctxt_switches" in line:
                total += int(line.split()[1])
    return total


def check_descriptors(limits: Limits) -> Sign:
    limit = descriptor_limit()
    try:
        n = open_descriptors()
    except OSError as exc:
        if exc.errno in (errno.EMFILE, errno.ENFILE):
            return Sign("descriptors", "fatal", "no descriptor left even to count them (EMFILE)")
        return Sign("descriptors", "ok", f"cannot count descriptors ({exc.strerror or exc})")
    if not limit:
        return Sign("descriptors", "ok", f"{n} open", n)
    share = n / limit
    level: Level = ("fatal" if share >= limits.descriptors_fatal
                    else "warning" if share >= limits.descriptors_warning else "ok")
    return Sign("descriptors", level, f"{n} of {limit} open", n)


def check_threads(limits: Limits) -> Sign:
    n = thread_count()
    level: Level = ("fatal" if n >= limits.threads_fatal
                    else "warning" if n >= limits.threads_warning else "ok")
    return Sign("threads", level, f"{n} threads", n)


def check_outbox(outbox: Any) -> Sign:
    from offline_queue import OutboxError, OutboxFull

    try:
        written = outbox.probe_write(busy_timeout_s=0.25)  # on the GUI thread: never wait long
    except OutboxFull:
        return Sign("outbox", "warning", "outbox write failed: disk full")
    except OutboxError as exc:
        return Sign("outbox", "fatal", f"outbox not writable: {exc}")
    except OSError as exc:
        fatal = exc.errno in (errno.EMFILE, errno.ENFILE)
        return Sign("outbox", "fatal" if fatal else "ok", f"outbox probe: {exc.strerror or exc}")
    return Sign("outbox", "ok", "writable" if written else "busy (another writer)")


def check_disk(data_dir: Path, limits: Limits) -> Sign:
    try:
        free = shutil.disk_usage(data_dir).free
    except OSError as exc:
        return Sign("disk", "warning", f"cannot read free space: {exc.strerror or exc}")
    mib = free // (1024 * 1024)
    if free < limits.disk_critical_bytes:
        return Sign("disk", "warning", f"{mib} MiB free (critical)", free)
    if free < limits.disk_warning_bytes:
        return Sign("disk", "warning", f"{mib} MiB free", free)
    return Sign("disk", "ok", f"{mib} MiB free", free)


def check(outbox: Any, data_dir: Path, limits: Limits = Limits()) -> list[Sign]:
    """Every vital sign once (fast: a directory listing, a file read, a rolled-back write)."""
    return [check_descriptors(limits), check_threads(limits), check_outbox(outbox), check_disk(data_dir, limits)]


@dataclass(frozen=True)
class Verdict:
    """One check's outcome; ``final`` once a fatal sign persisted ``strikes`` times (latched)."""

    signs: tuple[Sign, ...]
    final: bool = False

    @property
    def problems(self) -> list[Sign]:
        return [s for s in self.signs if s.level != "ok"]

    def staff_text(self, lang: str) -> str:
        """One line for the status bar ("" when all is well), fatal problems first."""
        problems = sorted(self.problems, key=lambda s: s.level != "fatal")
        if not problems:
            return ""
        worst = problems[0]
        template = _FATAL if self.final and worst.level == "fatal" else _WARNING
        return tr(lang, template).format(problem=tr(lang, _PROBLEMS[worst.name]))

    def log_text(self) -> str:
        return "; ".join(f"{s.name} {s.level}: {s.detail}" for s in self.signs)


@dataclass
class HealthWatch:
    """Counts consecutive fatal checks; once final, stays final (only a restart clears it)."""

    probe: Callable[[], list[Sign]]
    strikes: int = 3
    _streak: int = 0
    final: Verdict | None = None
    last: Verdict | None = field(default=None, repr=False)

    def tick(self) -> Verdict:
        if self.final is not None:
            return self.final
        try:
            signs = tuple(self.probe())
        except Exception as exc:  # the check itself must not bring the kiosk down
            log.exception("health check failed")
            signs = (Sign("outbox", "warning", f"health check failed: {type(exc).__name__}"),)
        fatal = any(s.level == "fatal" for s in signs)
        self._streak = self._streak + 1 if fatal else 0
        verdict = Verdict(signs, final=self._streak >= self.strikes)
        if verdict.final:
            self.final = verdict
            log.error("health: beyond repair, asking for a restart (%s)", verdict.log_text())
        elif verdict.problems:
            log.warning("health: %s", verdict.log_text())
        self.last = verdict
        return verdict

    @property
    def alive(self) -> bool:
        """False once the verdict is final: the watchdog must not be pinged any more."""
        return self.final is None


__all__ = ["Limits", "Sign", "Verdict", "HealthWatch", "check", "open_descriptors", "thread_count",
           "descriptor_limit"]
