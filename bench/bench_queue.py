"""The outbox and the sync engine, each figure beside a bare reference measured in this run.

- enqueue latency (median, p99): ``Outbox.enqueue`` (one durable transaction, indexes and
  count triggers) beside a bare ``sqlite3`` INSERT + COMMIT with the same pragmas (WAL,
  ``synchronous=FULL``) into a one-table file in the same folder. Target: within 5x.
- sync throughput over loopback, no faults: ``SyncWorker.drain()`` into the simulator beside a
  bare ``requests.Session`` POST loop (same body) to a trivial ``http.server`` with
  TCP_NODELAY that does no work. Target: at least half the bare rate.
- a drain through the simulator's ``plain`` profile (like the real provincial servers: no
  Idempotency-Key, no attributes kept) with ``dedupe = reconcile`` and 5% of answers lost
  after the request was stored, so the worker searches the server for the code line before
  posting those again; reported beside the same bare POST loop, with how many were found.
- ``counts()`` with 100,000 queued rows beside a bare ``SELECT state, count(*) ... GROUP BY
  state`` on the same file, and the resident memory of a fresh process that opens that
  outbox and reads its counts and status beside one that runs the bare query. Target < 10 ms.

Files live in a temporary folder on the default temp filesystem (fsync is real there unless
it is a tmpfs).
"""
from __future__ import annotations

import gc
import sqlite3
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from urllib.parse import urlencode

import requests

from bench._trivial import trivial_server

from devserver import Simulator
from offline_queue import Open311Client, Outbox, SyncWorker

N_ENQUEUE = 400
N_SYNC = 500
N_ROWS = 100_000
N_COUNTS = 200
REPO = Path(__file__).resolve().parents[1]
BODY = urlencode({
    "jurisdiction_id": "banyuwangikab.go.id", "service_code": "SAMSAT-PKB",
    "description": "Antrean pembayaran pajak kendaraan di pos Samsat pasar sangat panjang sejak pagi.",
    "lat": "-8.3648", "long": "114.1501", "address_string": "Pasar Genteng, los B-12",
    "first_name": "Budi", "last_name": "Santoso", "phone": "+6281234567890",
    "device_id": "BWI-GENTENG-01", "attribute[kiosk_ref]": "BG01-7K3M-9QX2",
    "attribute[client_datetime]": "2026-11-23T10:15:00+07:00",
})
META = {"kind": "complaint", "service_name": {"id": "Pajak kendaraan"}, "language": "id",
        "submitted_at": "2026-11-23T10:15:00+07:00", "due_date": "2026-11-25"}


def _ms(seconds: list[float], q: float) -> float:
    ordered = sorted(seconds)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000.0


def _row(name: str, value: float, unit: str, ref_name: str, ref: float, target: str, **extra: str) -> dict:
    return {"name": name, "value": value, "unit": unit, "reference_name": ref_name, "reference": ref,
            "target": target, **extra}


# -- enqueue ----------------------------------------------------------------------------------

def bench_enqueue(folder: Path) -> list[dict]:
    outbox = Outbox(folder / "enqueue.sqlite3")
    bare = sqlite3.connect(folder / "bare.sqlite3", isolation_level=None)
    bare.execute("PRAGMA journal_mode = WAL")
    bare.execute("PRAGMA synchronous = FULL")
    bare.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, ref TEXT UNIQUE, body TEXT)")
    ours: list[float] = []
    theirs: list[float] = []
    for i in range(N_ENQUEUE):  # interleaved, so both see the same disk weather
        t0 = time.perf_counter()
        outbox.enqueue(ref=f"BENCH-{i}", service_code="SAMSAT-PKB", body=BODY, meta=META)
        t1 = time.perf_counter()
        bare.execute("BEGIN")
        bare.execute("INSERT INTO t (ref, body) VALUES (?, ?)", (f"BENCH-{i}", BODY))
        bare.execute("COMMIT")
        t2 = time.perf_counter()
        ours.append(t1 - t0)
        theirs.append(t2 - t1)
    outbox.close()
    bare.close()
    ref_name = "bare sqlite3 INSERT+COMMIT (WAL, synchronous=FULL)"
    return [
        _row("enqueue latency, median", _ms(ours, 0.5), "ms", ref_name + ", median", _ms(theirs, 0.5), "<= 5x reference"),
        _row("enqueue latency, p99", _ms(ours, 0.99), "ms", ref_name + ", p99", _ms(theirs, 0.99), "<= 5x reference"),
    ]


# -- sync throughput --------------------------------------------------------------------------

def _drain_rate(folder: Path, name: str, base_url: str) -> float:
    outbox = Outbox(folder / f"{name}.sqlite3")
    for i in range(N_SYNC):
        outbox.enqueue(ref=f"SYNC-{i}", service_code="SAMSAT-PKB", body=BODY, meta=META)
    client = Open311Client(base_url, "demo-key", "banyuwangikab.go.id", timeout=(5, 30))
    worker = SyncWorker(outbox, client)
    t0 = time.perf_counter()
    sent = worker.drain()
    rate = sent / (time.perf_counter() - t0)
    assert outbox.counts()["sent"] == N_SYNC, outbox.counts()
    worker.stop()
    client.close()
    outbox.close()
    return rate


def _coded_body(ref: str) -> str:
    from urllib.parse import parse_qsl

    pairs = [(k, f"{v}\n\nKode laporan: {ref}" if k == "description" else v)
             for k, v in parse_qsl(BODY, keep_blank_values=True) if k != "attribute[kiosk_ref]"]
    return urlencode(pairs)


def _drain_plain_reconciling(folder: Path) -> tuple[float, int]:
    """Items/s through the plain profile with answers lost (``drop``), and how many of the
    lost ones reconciliation found on the server instead of posting again."""
    with Simulator(db_path=folder / "plain.sqlite3", api_key="demo-key", profile="plain",
                   faults="drop:0.05", seed=5) as sim:
        outbox = Outbox(folder / "sync-plain.sqlite3")
        for i in range(N_SYNC):
            ref = f"SYNC-{i}"
            outbox.enqueue(ref=ref, service_code="SAMSAT-PKB", body=_coded_body(ref), meta=META)
        client = Open311Client(sim.base_url, "demo-key", "banyuwangikab.go.id", timeout=(5, 30),
                               send_idempotency_key=False)
        worker = SyncWorker(outbox, client, retry_base=0.001, retry_cap=0.002, reconcile=True)
        t0 = time.perf_counter()
        while outbox.counts()["sent"] < N_SYNC:
            worker.drain()
        rate = N_SYNC / (time.perf_counter() - t0)
        assert len(sim.requests()) == N_SYNC, "reconciliation let a duplicate through"
        worker.stop()
        client.close()
        outbox.close()
    return rate, worker.reconciled["found"]


def bench_sync(folder: Path) -> list[dict]:
    """Like with like: the kiosk's sync and the bare POST loop answer to the same trivial server,
    so the ratio is the kiosk's own cost (claim, durable state change, classification).  The
    simulator row adds what a real server's work (parse, store, idempotency) costs on top."""
    server = trivial_server()
    base = f"http://127.0.0.1:{server.server_address[1]}/open311/v2"
    url = f"{base}/requests.json"
    ours = _drain_rate(folder, "sync-trivial", base)
    session = requests.Session()
    headers = {"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"}
    t0 = time.perf_counter()
    for _ in range(N_SYNC):
        session.post(url, data=(BODY + "&api_key=demo-key").encode(), headers={**headers, "Idempotency-Key": f'"{uuid.uuid4()}"'},
                     timeout=(5, 30)).json()
    bare = N_SYNC / (time.perf_counter() - t0)
    session.close()
    server.shutdown()
    server.server_close()
    with Simulator(db_path=folder / "simulator.sqlite3", api_key="demo-key") as sim:
        into_sim = _drain_rate(folder, "sync-sim", sim.base_url)
    plain_rate, found = _drain_plain_reconciling(folder)
    ref = "bare requests.Session POST loop to the same do-nothing http.server (TCP_NODELAY)"
    return [
        _row(f"sync throughput, {N_SYNC} items, do-nothing server", ours, "items/s", ref, bare, ">= 0.5x reference"),
        _row(f"sync throughput, {N_SYNC} items into the simulator (stores, checks keys)", into_sim, "items/s",
             ref, bare, "report"),
        _row(f"sync throughput, {N_SYNC} items into the plain profile, dedupe=reconcile, 5% answers lost "
             f"({found} found by their code line, none posted twice)", plain_rate, "items/s", ref, bare, "report"),
    ]


# -- counts and memory at 100,000 rows ----------------------------------------------------------

_RSS_PROBE = r"""
import sys, json
def rss_mb():
    try:
        for line in open("/proc/self/status"):
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    import resource
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
if sys.argv[1] == "outbox":
    from offline_queue import Outbox
    ob = Outbox(sys.argv[2])
    ob.counts(); ob.oldest_waiting(); ob.next_due_at(); ob.dead_items(); ob.claim()
else:
    import sqlite3
    conn = sqlite3.connect(sys.argv[2])
    conn.execute("SELECT state, count(*) FROM items GROUP BY state").fetchall()
print(json.dumps(rss_mb()))
"""


def _rss_of(kind: str, path: Path) -> float:
    out = subprocess.run([sys.executable, "-c", _RSS_PROBE, kind, str(path)], cwd=REPO,
                         capture_output=True, text=True, check=True)
    return float(out.stdout.strip())


def bench_counts(folder: Path) -> list[dict]:
    path = folder / "big.sqlite3"
    outbox = Outbox(path)
    conn = outbox.connection()
    conn.execute("BEGIN")
    conn.executemany(
        "INSERT INTO items (ref, key, service_code, body, meta, state, attempts, next_attempt_at, "
        "created_at, updated_at) VALUES (?, ?, 'SAMSAT-PKB', ?, '{}', 'queued', 0, ?, ?, ?)",
        ((f"BIG-{i}", str(uuid.uuid4()), BODY, i, i, i) for i in range(N_ROWS)),
    )
    conn.execute("COMMIT")
    assert outbox.counts()["queued"] == N_ROWS
    gc.collect()
    ours: list[float] = []
    theirs: list[float] = []
    for _ in range(N_COUNTS):
        t0 = time.perf_counter()
        outbox.counts()
        t1 = time.perf_counter()
        conn.execute("SELECT state, count(*) FROM items GROUP BY state").fetchall()
        t2 = time.perf_counter()
        ours.append(t1 - t0)
        theirs.append(t2 - t1)
    outbox.close()
    rss_ours, rss_bare = _rss_of("outbox", path), _rss_of("bare", path)
    return [
        _row(f"counts() with {N_ROWS:,} queued, median", _ms(ours, 0.5), "ms",
             "bare SELECT state, count(*) GROUP BY state, median", _ms(theirs, 0.5), "< 10 ms"),
        _row(f"counts() with {N_ROWS:,} queued, p99", _ms(ours, 0.99), "ms",
             "bare SELECT state, count(*) GROUP BY state, p99", _ms(theirs, 0.99), "< 10 ms"),
        _row(f"RSS of a process that opens the {N_ROWS:,}-row outbox and reads its status", rss_ours, "MB",
             "RSS of a python process running the bare GROUP BY on it", rss_bare, "report"),
    ]


def run() -> list[dict]:
    with tempfile.TemporaryDirectory(prefix="bench-queue-") as tmp:
        folder = Path(tmp)
        rows = bench_enqueue(folder)
        rows += bench_sync(folder)
        rows += bench_counts(folder)
    return rows


if __name__ == "__main__":
    for row in run():
        print(row)
