"""Crashes with real processes killed by SIGKILL: what enqueue promised is on disk, a row
caught in ``sending`` goes back to the queue, and its re-send creates nothing twice."""
from __future__ import annotations

import random
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from offline_queue import Open311Client, Outbox, SyncWorker

REPO = Path(__file__).resolve().parents[2]
GUARD_S = 30  # a guard against a hung child, not a performance assertion


def spawn(code: str, *args: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(code), *args], cwd=REPO,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )


def read_line(proc: subprocess.Popen) -> str:
    line = proc.stdout.readline()
    if not line:
        proc.wait(GUARD_S)
        raise AssertionError(f"child ended early: {proc.stderr.read()}")
    return line.strip()


def sigkill(proc: subprocess.Popen) -> bool:
    """SIGKILL the child; True if it was still running (False: it had finished its work)."""
    alive = proc.poll() is None
    if alive:
        proc.send_signal(signal.SIGKILL)
    code = proc.wait(GUARD_S)
    proc.stdout.close()
    proc.stderr.close()
    assert code in ((-signal.SIGKILL,) if alive else (0, -signal.SIGKILL)), f"child failed with {code}"
    return alive


ENQUEUER = """
    import sys
    from offline_queue import Outbox
    ob = Outbox(sys.argv[1])
    i = 0
    while True:
        ref = f"{sys.argv[2]}-{i}"
        ob.enqueue(ref=ref, service_code="S", body=f"description=laporan+{i}&x=" + "y" * (i % 700), meta={"i": i})
        print(ref, flush=True)  # only after enqueue returned, i.e. the receipt could print now
        i += 1
"""


def test_every_acknowledged_submission_survives_sigkill(outbox_path: Path) -> None:
    Outbox(outbox_path).close()
    rng = random.Random(2)
    acknowledged: list[str] = []
    for round_ in range(6):
        child = spawn(ENQUEUER, str(outbox_path), f"R{round_}")
        for _ in range(rng.randint(3, 60)):
            acknowledged.append(read_line(child))
        assert sigkill(child)  # somewhere in the middle of the next enqueue
    ob = Outbox(outbox_path)
    try:
        assert ob.integrity_check() == "ok"
        for ref in acknowledged:
            item = ob.get(ref)
            assert item is not None, f"{ref} was acknowledged but is lost"
            i = item.meta["i"]
            assert item.body == f"description=laporan+{i}&x=" + "y" * (i % 700)
    finally:
        ob.close()


CLAIMER = """
    import sys, time
    from offline_queue import Outbox
    ob = Outbox(sys.argv[1])
    item = ob.claim()
    print(item.id, flush=True)
    time.sleep(60)  # killed here, mid-send
"""


def test_a_row_claimed_by_a_killed_process_is_queued_again_on_reopen(outbox_path: Path, make_body) -> None:
    with Outbox(outbox_path) as ob:
        original = ob.enqueue(ref="KILLED", service_code="SAMSAT-PKB", body=make_body(), meta={})
    child = spawn(CLAIMER, str(outbox_path))
    assert int(read_line(child)) == original.id
    assert sigkill(child)
    with Outbox(outbox_path) as ob:
        back = ob.get("KILLED")
        assert (back.state, back.attempts) == ("queued", 1)
        assert (back.key, back.body) == (original.key, original.body)
        assert ob.integrity_check() == "ok"


SENDER = """
    import sys
    from offline_queue import Open311Client, Outbox, SyncWorker
    ob = Outbox(sys.argv[1])
    client = Open311Client(sys.argv[2], "demo-key", "banyuwangikab.go.id", timeout=(5, 60))
    print("ready", flush=True)
    SyncWorker(ob, client).drain()
"""


def test_sigkill_while_waiting_for_the_answer_then_resend_creates_one_request(
    outbox_path: Path, simulator_factory, make_body,
) -> None:
    # The server stores the request, then is slow to answer: the kiosk dies in between.
    sim = simulator_factory(faults="slow:1:30")
    with Outbox(outbox_path) as ob:
        original = ob.enqueue(ref="BWI-K1", service_code="SAMSAT-PKB", body=make_body(), meta={})
    child = spawn(SENDER, str(outbox_path), sim.base_url)
    assert read_line(child) == "ready"
    deadline = time.monotonic() + GUARD_S
    while not sim.requests():
        assert time.monotonic() < deadline, "the child never reached the server"
        time.sleep(0.02)
    assert sigkill(child)

    sim.set_faults(None)
    with Outbox(outbox_path) as ob:
        assert ob.get("BWI-K1").state == "queued"  # recovered at open
        client = Open311Client(sim.base_url, "demo-key", "banyuwangikab.go.id", timeout=(5, 10))
        assert SyncWorker(ob, client).drain() == 1
        item = ob.get("BWI-K1")
        stored = sim.requests()
        assert len(stored) == 1, "the re-send created a second request"
        assert item.state == "sent" and item.service_request_id == stored[0]["service_request_id"]
        assert stored[0]["body"] == original.body
        assert stored[0]["idempotency_key"] == original.key
        assert sim.count_posts() == 2
        client.close()


@pytest.mark.slow
def test_many_sigkills_while_draining_deliver_everything_exactly_once(
    outbox_path: Path, simulator_factory, make_body,
) -> None:
    sim = simulator_factory(faults="drop:0.1,500:0.05,slow:0.05:0.2", seed=7)
    with Outbox(outbox_path) as ob:
        bodies = {f"M{i}": make_body(description=f"laporan nomor {i} 🐟") for i in range(300)}
        for ref, body in bodies.items():
            ob.enqueue(ref=ref, service_code="SAMSAT-PKB", body=body, meta={})
    rng = random.Random(3)
    runner = SENDER.replace("SyncWorker(ob, client).drain()",
                            "w = SyncWorker(ob, client, retry_base=0.01, retry_cap=0.05)\n"
                            "    while ob.counts()['queued']:\n        w.drain()")
    kills = 0
    for _ in range(50):
        child = spawn(runner, str(outbox_path), sim.base_url)
        assert read_line(child) == "ready"
        time.sleep(rng.uniform(0.0, 0.04))
        if not sigkill(child):
            break  # it delivered everything before we struck
        kills += 1
    assert kills >= 20, "the queue drained too fast to test anything"
    sim.set_faults(None)
    with Outbox(outbox_path) as ob:
        client = Open311Client(sim.base_url, "demo-key", "banyuwangikab.go.id", timeout=(5, 10))
        # drain() stops while a retry hold a killed child left behind is still running: a few
        # passes, as `kiosk sync --once` run again would.
        worker, end = SyncWorker(ob, client), time.monotonic() + 60
        while ob.counts()["sent"] < 300 and time.monotonic() < end:
            worker.drain()
            time.sleep(0.05)
        assert ob.counts()["sent"] == 300
        assert ob.integrity_check() == "ok"
        stored = sim.requests()
        assert sorted(r["body"] for r in stored) == sorted(bodies.values())
        client.close()
