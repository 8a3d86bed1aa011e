"""Shared fixtures: the provincial simulator (in-process and as a real subprocess) and the
Open311 JSON-schema check.

- ``simulator``: a fresh :class:`devserver.Simulator` on ``tmp_path`` (faults off, api_key
  ``demo-key``, token delay 0), stopped after the test.
- ``simulator_factory(**kwargs)``: more of them, or with ``faults=``, ``token_delay=``,
  ``catalog=``, ``api_key=``, ``seed=``...; all stopped after the test.
- ``simulator_process``: ``python -m devserver --port 0`` as a real subprocess (for e2e tests
  that kill things); ``simulator_process_factory(faults=..., token_delay=..., extra_args=[...])``
  for other options. Both give a :class:`SimulatorProcess`.
- ``open311_validate(schema_name, instance)``: validate a response against the GeoReport v2
  schemas (``services.json``, ``service-definition.json``, ``requests.json``...).
"""
from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# Qt's mock text-to-speech engine: no test (nor a kiosk process a test starts) talks to the
# machine's speech-dispatcher unless it asks for it (tests/e2e/test_speech_cli.py does).
os.environ.setdefault("KIOSK_SPEECH_ENGINE", "mock")

import json  # noqa: E402
import selectors  # noqa: E402
import signal  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from datetime import datetime  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any, Callable, Iterator  # noqa: E402

import pytest  # noqa: E402
import requests  # noqa: E402

from devserver import Simulator  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
# A copy of ../shared/open311/schema/ (from open311/schema-validation), kept in the repo so a
# fresh clone can run the tests.
SCHEMA_DIR = REPO / "devserver" / "schema"
START_TIMEOUT_S = 30  # a guard against a hung start, not a performance assertion


# -- in-process simulator ---------------------------------------------------------------

@pytest.fixture
def simulator_factory(tmp_path: Path) -> Iterator[Callable[..., Simulator]]:
    started: list[Simulator] = []

    def make(**kwargs: Any) -> Simulator:
        kwargs.setdefault("db_path", tmp_path / f"simulator-{len(started)}.db")
        sim = Simulator(**kwargs).start()
        started.append(sim)
        return sim

    yield make
    for sim in started:
        sim.stop()


@pytest.fixture
def simulator(simulator_factory: Callable[..., Simulator]) -> Simulator:
    return simulator_factory()


# -- simulator as a subprocess ----------------------------------------------------------

class SimulatorProcess:
    """A ``python -m devserver`` child process, and HTTP helpers for its control endpoints."""

    def __init__(self, proc: subprocess.Popen, base_url: str, db_path: Path, log_path: Path) -> None:
        self.proc = proc
        self.base_url = base_url
        self.root_url = base_url.rsplit("/open311/", 1)[0]
        self.db_path = db_path
        self.log_path = log_path
        self._http = requests.Session()

    @property
    def port(self) -> int:
        return int(self.root_url.rsplit(":", 1)[1])

    def _control(self, method: str, name: str, payload: Any = None) -> Any:
        response = self._http.request(method, f"{self.root_url}/_control/{name}",
                                      json=payload if method == "POST" else None, timeout=30)
        response.raise_for_status()
        return response.json()

    def requests(self) -> list[dict[str, Any]]:
        """What the server stored (same dicts as ``Simulator.requests()``)."""
        return self._control("GET", "requests")

    def stats(self) -> dict[str, Any]:
        return self._control("GET", "stats")

    def count_posts(self) -> int:
        return self.stats()["posts"]

    def set_faults(self, spec: Any, seed: int | None = None) -> str:
        return self._control("POST", "faults", {"spec": spec, "seed": seed})["faults"]

    def set_status(self, service_request_id: str, status: str, notes: str | None = None) -> dict[str, Any]:
        return self._control("POST", "status", {"service_request_id": service_request_id,
                                                 "status": status, "notes": notes})

    def set_token_delay(self, seconds: float) -> None:
        self._control("POST", "token_delay", {"seconds": seconds})

    def log(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    def terminate(self) -> int:
        """SIGTERM and wait: the clean stop. Returns the exit code."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
        return self.proc.wait(timeout=START_TIMEOUT_S)

    def kill(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait()
        if self.proc.stdout:
            self.proc.stdout.close()
        self._http.close()


def start_simulator_process(db_path: Path, log_path: Path, *args: str) -> SimulatorProcess:
    """Start ``python -m devserver --port 0 --db DB_PATH ARGS...`` and wait for its
    "listening on" line. Its request log goes to ``log_path`` (a pipe nobody reads would
    fill up and stall it)."""
    log = open(log_path, "ab")
    proc = subprocess.Popen(
        [sys.executable, "-m", "devserver", "--port", "0", "--db", str(db_path), *args],
        cwd=REPO, stdout=subprocess.PIPE, stderr=log, stdin=subprocess.DEVNULL,
    )
    log.close()
    assert proc.stdout is not None
    with selectors.DefaultSelector() as sel:
        sel.register(proc.stdout, selectors.EVENT_READ)
        ready = sel.select(timeout=START_TIMEOUT_S)
    line = proc.stdout.readline().decode("utf-8", "replace").strip() if ready else ""
    if not line.startswith("listening on "):
        proc.kill()
        proc.wait()
        raise RuntimeError(f"devserver did not start (got {line!r}): {log_path.read_text(errors='replace')[-2000:]}")
    return SimulatorProcess(proc, line.removeprefix("listening on "), db_path, log_path)


@pytest.fixture
def simulator_process_factory(tmp_path: Path) -> Iterator[Callable[..., SimulatorProcess]]:
    started: list[SimulatorProcess] = []

    def make(faults: str | None = None, token_delay: float | None = None, api_key: str | None = None,
             catalog: str | Path | None = None, seed: int | None = None,
             extra_args: list[str] | tuple[str, ...] = ()) -> SimulatorProcess:
        n = len(started)
        args: list[str] = []
        if faults:
            args += ["--faults", faults]
        if token_delay is not None:
            args += ["--token-delay", str(token_delay)]
        if api_key is not None:
            args += ["--api-key", api_key]
        if catalog is not None:
            args += ["--catalog", str(catalog)]
        if seed is not None:
            args += ["--seed", str(seed)]
        sim = start_simulator_process(tmp_path / f"simulator-process-{n}.db",
                                      tmp_path / f"simulator-process-{n}.log", *args, *extra_args)
        started.append(sim)
        return sim

    yield make
    for sim in started:
        sim.kill()


@pytest.fixture
def simulator_process(simulator_process_factory: Callable[..., SimulatorProcess]) -> SimulatorProcess:
    return simulator_process_factory()


# -- Open311 schemas --------------------------------------------------------------------

def _open311_validators() -> dict[str, Any]:
    from jsonschema import Draft7Validator, FormatChecker
    from referencing import Registry, Resource
    from referencing.jsonschema import DRAFT7

    checker = FormatChecker()

    @checker.checks("date-time", raises=ValueError)
    def is_datetime(value: object) -> bool:
        # jsonschema checks date-time only with an optional extra installed; ISO 8601 with
        # an offset is what the protocol needs, so check that here.
        if not isinstance(value, str):
            return True
        parsed = datetime.fromisoformat(value)
        if parsed.tzinfo is None:
            raise ValueError(f"{value!r} has no UTC offset")
        return True

    schemas = {p.name: json.loads(p.read_text(encoding="utf-8")) for p in SCHEMA_DIR.glob("*.json")}
    registry = Registry().with_resources(
        (name, Resource.from_contents(schema, default_specification=DRAFT7)) for name, schema in schemas.items()
    )
    return {name: Draft7Validator(schema, registry=registry, format_checker=checker)
            for name, schema in schemas.items()}


@pytest.fixture(scope="session")
def open311_validate() -> Callable[[str, Any], None]:
    """``open311_validate("services.json", data)`` raises ``jsonschema.ValidationError`` (with
    every error listed) when ``data`` does not follow the GeoReport v2 schema of that name."""
    validators = _open311_validators()

    def validate(schema_name: str, instance: Any) -> None:
        import jsonschema

        name = schema_name if schema_name.endswith(".json") else f"{schema_name}.json"
        errors = sorted(validators[name].iter_errors(instance), key=lambda e: list(e.absolute_path))
        if errors:
            detail = "; ".join(f"{'/'.join(map(str, e.absolute_path)) or '(root)'}: {e.message}" for e in errors)
            raise jsonschema.ValidationError(f"{name}: {detail}")

    return validate


@pytest.fixture
def small_tmpfs(tmp_path) -> Iterator[Callable[[str], Path]]:
    """``small_tmpfs("2m")``: a real filesystem of that size (a full disk on demand), unmounted
    afterwards; the test is skipped where mounting is not allowed (not root)."""
    mounted: list[Path] = []

    def make(size: str) -> Path:
        mnt = tmp_path / f"tmpfs-{len(mounted)}"
        mnt.mkdir()
        proc = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(mnt)],
                              capture_output=True, text=True)
        if proc.returncode != 0:
            pytest.skip(f"cannot mount a tmpfs here: {proc.stderr.strip()}")
        mounted.append(mnt)
        return mnt

    try:
        yield make
    finally:
        for mnt in mounted:
            subprocess.run(["umount", "-l", str(mnt)], check=False)
