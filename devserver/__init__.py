"""A provincial Open311 GeoReport v2 server for demos and tests (never bundled into the kiosk).

It speaks the protocol of DESIGN.md, including its three extensions (``Idempotency-Key``,
``attribute[kiosk_ref]``, ``attribute[client_datetime]``), keeps what it receives in its own
SQLite file, and misbehaves on request (see :mod:`devserver.faults`), so the kiosk's outbox
and sync engine are tested against a real HTTP server rather than mocks.

In a test::

    from devserver import Simulator

    with Simulator(db_path=tmp_path / "sim.db", api_key="demo-key", faults="503:0.2:1") as sim:
        ...  # point the kiosk at sim.base_url
        assert len(sim.requests()) == 1

From a shell: ``python -m devserver --port 8311 --faults 500:0.1,drop:0.1``.

Profiles (``--profile`` / ``Simulator(profile=...)``): ``default`` is DESIGN.md's server with
its extensions. ``plain`` behaves like the third-party Open311 servers provinces really run:
it ignores ``Idempotency-Key``; stores no ``attribute[...]`` nor contact fields
(first/last name, phone, email); answers a bad key with ``400 {"code": 400, "detail":
["Invalid API key"]}``, an unknown service with ``403 {"code": 403, "detail": "... service
..."}`` and validation errors as ``{"non_field_errors": [...]}``; sends numeric service codes
as JSON numbers and list values double-wrapped (``{"key": {"key", "name"}, "name": {...}}``);
and reads ``requests.json``'s ``start_date``/``end_date`` as local time, so a UTC window
misses recent requests. The description is kept byte-exact and ``GET requests.json`` lists
recent requests (newest first), as both real servers do.

Control endpoints (for tests that run it as a subprocess), outside the Open311 prefix:
``GET /_control/requests`` (what :meth:`Simulator.requests` returns), ``GET /_control/stats``
(``{"posts", "requests", "faults", "token_delay"}``), ``POST /_control/faults`` (JSON: a SPEC
string, a fault dict, or ``{"spec": ..., "seed": N}``), ``POST /_control/status``
(``{"service_request_id", "status", "notes"}``), ``POST /_control/token_delay``
(``{"seconds": N}``), ``POST /_control/hang`` (``{"seconds": N}``; 0 ends a hang).
"""
from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

from .catalog import Catalog, CatalogError, load_catalog
from .faults import Fault, FaultSpecError, parse_faults
from .server import API_PREFIX, SimulatorHTTPServer, make_server
from .store import as_open311, as_record

__all__ = ["Simulator", "Catalog", "CatalogError", "load_catalog", "Fault", "FaultSpecError", "parse_faults"]


class Simulator:
    """The simulator on 127.0.0.1 (a free port unless given), served from a background thread.

    Use it as a context manager, or call :meth:`start` and :meth:`stop`. Everything it stores
    survives in ``db_path`` (in memory when None), so a test may stop and start it again on the
    same file to play a server restart.
    """

    def __init__(self, db_path: str | Path | None = None, api_key: str | None = "demo-key",
                 faults: Any = None, catalog: str | Path | dict | None = None, token_delay: float = 0.0,
                 seed: int | None = None, host: str = "127.0.0.1", port: int = 0, verbose: bool = False,
                 profile: str = "default") -> None:
        self._options = dict(db_path=db_path, api_key=api_key, faults=faults, catalog=catalog,
                             token_delay=token_delay, seed=seed, verbose=verbose, profile=profile)
        self._host, self._port = host, port
        self._server: SimulatorHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # -- life cycle --------------------------------------------------------------------

    def start(self) -> "Simulator":
        if self._server is not None:
            return self
        self._server = make_server(self._host, self._port, **self._options)
        # Keep the port on restart, so a kiosk configured with base_url finds it again.
        self._port = self._server.server_address[1]
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05},
                                        name=f"devserver:{self._port}", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving, close open connections (clients see them drop) and the store."""
        server, self._server = self._server, None
        if server is None:
            return
        server.stopping.set()
        server.shutdown()
        server.close_connections()
        server.server_close()
        if self._thread is not None:
            self._thread.join()
        server.store.close()

    close = stop

    def __enter__(self) -> "Simulator":
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def running(self) -> bool:
        return self._server is not None

    def _live(self) -> SimulatorHTTPServer:
        if self._server is None:
            raise RuntimeError("the simulator is not running; use start() or 'with Simulator(...)'")
        return self._server

    # -- addresses ---------------------------------------------------------------------

    @property
    def port(self) -> int:
        return self._port

    @property
    def root_url(self) -> str:
        """``http://127.0.0.1:PORT`` (the control endpoints live under ``/_control/``)."""
        return f"http://{self._host}:{self._port}"

    @property
    def base_url(self) -> str:
        """The Open311 base URL a kiosk config takes: ``http://127.0.0.1:PORT/open311/v2``."""
        return f"{self.root_url}{API_PREFIX.rstrip('/')}"

    @property
    def api_key(self) -> str | None:
        return self._options["api_key"]

    # -- knobs -------------------------------------------------------------------------

    def set_faults(self, spec: Any, seed: int | None = None) -> None:
        """Replace the fault set (SPEC string, dict, or None for none); optionally reseed."""
        self._options["faults"] = spec
        self._live().plan.set(spec, seed=seed)

    @property
    def faults(self) -> str:
        return self._live().plan.spec()

    def hang(self, seconds: float) -> None:
        """Stall for ``seconds``: requests wait (their bodies read), then are served in
        arrival order, as a stalled server works through its backlog. 0 ends a hang now."""
        if seconds > 0:
            self._live().gate.hang(seconds)
        else:
            self._live().gate.release()

    @property
    def profile(self) -> str:
        return self._options["profile"]

    def set_token_delay(self, seconds: float) -> None:
        self._options["token_delay"] = seconds
        self._live().token_delay = seconds

    def set_api_key(self, api_key: str | None) -> None:
        """Rotate the accepted key (None accepts any)."""
        self._options["api_key"] = api_key
        self._live().api_key = api_key

    def set_status(self, service_request_id: str, status: str, notes: str | None = None,
                   expected_datetime: str | None = None) -> dict[str, Any]:
        """Change a request's status (``open``/``closed``) and notes; returns it as GET shows it."""
        row = self._live().store.set_status(service_request_id, status, notes, expected_datetime)
        return as_open311(row)

    def close_request(self, service_request_id: str, notes: str | None = None) -> dict[str, Any]:
        return self.set_status(service_request_id, "closed", notes)

    # -- what it received --------------------------------------------------------------

    def requests(self) -> list[dict[str, Any]]:
        """Every stored request, oldest first, as dicts: ``service_request_id``, ``service_code``,
        ``type``, ``token``, ``idempotency_key``, ``fields`` (form fields; lists for ``[]``/repeated
        names), ``form`` (the decoded pairs in order), ``attributes``, ``body`` (the raw body
        without ``api_key``, i.e. what the kiosk stored), ``raw_body``, ``requested_datetime``,
        ``status``, ``status_notes``/``notes``, ``response_status``, ``response``, ``replays``."""
        return [as_record(r) for r in self._live().store.all()]

    def request(self, service_request_id: str) -> dict[str, Any] | None:
        row = self._live().store.by_id(service_request_id)
        return as_record(row) if row is not None else None

    def count_posts(self) -> int:
        """POSTs to requests.json received since start, replays and faulted ones included."""
        return self._live().posts

    def __repr__(self) -> str:
        return f"<Simulator {self.base_url} {'running' if self.running else 'stopped'}>"
