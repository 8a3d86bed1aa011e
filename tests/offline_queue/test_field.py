"""Issue 8: delivery against the servers provinces really run (the simulator's `plain`
profile): overall deadlines, size caps, retry holds from the end of an attempt, exactly once
by reconciliation on the tracking-code line, refusals classified by meaning."""
from __future__ import annotations

import random
import threading
import time
import tracemalloc
from collections import Counter
from typing import Any, Callable

import pytest

from offline_queue import FaultKind, Open311Client, Open311Error, Outbox, OutboxFull, SyncWorker
from offline_queue import holds_code
from queuetest import JURISDICTION, FakeClock, form_body



GUARD_S = 20.0  # a guard against a hang, never a performance assertion


def coded(ref: str, service_code: str = "SAMSAT-PKB", text: str = "Lampu jalan mati", **extra: Any) -> str:
    """A body whose description ends with the code line, as kiosk/payload.py writes it."""
    return form_body(service_code, f"{text}\n\nKode laporan: {ref}", **extra)


def put(outbox: Outbox, ref: str, service_code: str = "SAMSAT-PKB", **kwargs: Any):
    body = kwargs.pop("body", None) or coded(ref, service_code)
    return outbox.enqueue(ref=ref, service_code=service_code, body=body, meta={"kind": "complaint"}, **kwargs)


def in_thread(fn: Callable[[], Any]) -> Any:
    """Run ``fn`` with a guard: the test fails instead of hanging forever."""
    box: dict[str, Any] = {}
    thread = threading.Thread(target=lambda: box.setdefault("v", fn()), daemon=True)
    thread.start()
    thread.join(GUARD_S)
    assert not thread.is_alive(), "it hung"
    return box.get("v")


def codes_on(sim: Any) -> Counter:
    """How many times each code line reached the server (the plain profile keeps no attributes)."""
    found: Counter = Counter()
    for req in sim.requests():
        lines = [ln for ln in (req["description"] or "").splitlines() if ln.startswith("Kode laporan: ")]
        found[lines[-1].split(": ", 1)[1] if lines else None] += 1
    return found


# -- deadlines and size caps -----------------------------------------------------------------

def test_a_trickling_server_is_cut_at_the_deadline_and_the_outcome_is_unsure(simulator_factory):
    sim = simulator_factory(profile="plain", faults="trickle:1:0.2")
    client = Open311Client(sim.base_url, "demo-key", JURISDICTION, timeout=(2.0, 5.0), deadline_s=1.0)
    outcome = in_thread(lambda: client.post_request(coded("BWI-1"), "k-1"))
    assert (outcome.action, outcome.fault, outcome.uncertain) == ("retry", FaultKind.TIMEOUT, True)
    sim.set_faults("gettrickle:1:0.2")
    result = in_thread(lambda: _raise_from(client.services))
    assert isinstance(result, Open311Error) and result.kind == "timeout"
    client.close()


def _raise_from(fn: Callable[[], Any]) -> Any:
    try:
        return fn()
    except Exception as exc:  # carried out of the guard thread
        return exc


def test_a_50_mb_answer_is_refused_with_bounded_memory(simulator_factory):
    sim = simulator_factory(faults="gethuge:1:50,huge:1:50")
    client = Open311Client(sim.base_url, "demo-key", JURISDICTION, max_answer_bytes=2_000_000)
    tracemalloc.start()
    try:
        result = _raise_from(client.services)
        outcome = client.post_request(coded("BWI-1"), "k-1")
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert isinstance(result, Open311Error) and result.kind == "too_large"
    assert outcome.fault is FaultKind.TOO_LARGE and outcome.uncertain  # a 2xx: maybe created
    assert peak < 10_000_000  # never the 50 MB
    client.close()


def test_the_retry_hold_counts_from_the_end_of_the_attempt(simulator_factory, outbox, make_worker):
    sim = simulator_factory(profile="plain")
    put(outbox, "BWI-1")
    worker = make_worker(sim, clock=time.time, deadline_s=0.5, retry_base=2.0)
    sim.hang(3)
    started = time.time()
    worker.run_once()
    item = outbox.get("BWI-1")
    assert item.state == "queued" and "0.5" in item.last_error
    assert item.next_attempt_at.timestamp() >= started + 0.5  # from the end, not the start
    sim.hang(0)


def test_a_hung_server_gets_one_attempt_per_window_and_each_submission_once(simulator_factory, outbox, make_worker):
    sim = simulator_factory(profile="plain")
    refs = [put(outbox, f"BWI-{i}").ref for i in range(12)]
    worker = make_worker(sim, clock=time.time, deadline_s=0.3, retry_base=0.2, retry_cap=0.4)
    sim.hang(1.5)
    assert worker.drain() == 1  # one abandoned POST, then the whole queue waits
    worker.wake()  # a new submission does not lift the hold after an unknown outcome
    assert worker.run_once() is False
    deadline = time.monotonic() + GUARD_S
    while outbox.counts()["sent"] < len(refs):
        assert time.monotonic() < deadline, outbox.counts()
        worker.drain()
        time.sleep(0.05)
    assert codes_on(sim) == Counter({r: 1 for r in refs})  # every one exactly once
    assert worker.reconciled["found"] >= 1  # the abandoned one was found, not re-posted
    for ref in refs:
        assert outbox.get(ref).service_request_id


# -- exactly once without the server's help --------------------------------------------------

def test_a_lost_answer_is_found_on_the_server_instead_of_posted_again(simulator_factory, outbox, make_worker, clock):
    sim = simulator_factory(profile="plain", faults="drop:1")  # stored, then the connection drops
    put(outbox, "BWI-1")
    worker = make_worker(sim, clock=clock)
    worker.run_once()
    assert outbox.get("BWI-1").state == "queued" and worker.status.fault is FaultKind.CONNECTION_LOST
    sim.set_faults(None)
    clock.advance(10)
    worker.run_once()
    done = outbox.get("BWI-1")
    assert done.state == "sent"
    assert [r["service_request_id"] for r in sim.requests()] == [done.service_request_id]
    assert sim.count_posts() == 1


def test_a_crash_in_sending_is_reconciled_by_the_next_sender(simulator_factory, outbox_path, make_worker):
    sim = simulator_factory(profile="plain")
    crashed = Outbox(outbox_path)
    put(crashed, "BWI-1")
    item = crashed.claim()
    client = Open311Client(sim.base_url, "demo-key", JURISDICTION)
    assert client.post_request(item.body, item.key).action == "sent"  # ...and the process dies here
    crashed.close()
    client.close()
    fresh = Outbox(outbox_path)  # recover(): back to queued, still unsure
    worker = SyncWorker(fresh, Open311Client(sim.base_url, "demo-key", JURISDICTION))
    worker.drain()
    assert fresh.get("BWI-1").state == "sent" and len(sim.requests()) == 1
    worker.client.close()
    fresh.close()


def test_an_unsearchable_server_gets_the_same_body_and_key_again(simulator_factory, outbox, make_worker, clock, caplog):
    sim = simulator_factory(faults="drop:1")  # the default profile honours the key
    put(outbox, "BWI-1")
    worker = make_worker(sim, clock=clock)
    worker.run_once()
    sim.set_faults("gethtml:1")  # its request list is a portal page: cannot be searched
    clock.advance(10)
    worker.run_once()
    assert outbox.get("BWI-1").state == "sent"
    assert worker.reconciled["unsearchable"] == 1
    assert len(sim.requests()) == 1 and sim.requests()[0]["replays"] == 1  # same key, deduplicated
    assert "cannot be searched" in caplog.text


def test_dedupe_idempotency_key_skips_the_search(simulator_factory, outbox, make_worker, clock):
    sim = simulator_factory(faults="drop:1")
    put(outbox, "BWI-1")
    worker = make_worker(sim, clock=clock, reconcile=False)
    worker.run_once()
    sim.set_faults(None)
    clock.advance(10)
    worker.run_once()
    assert outbox.get("BWI-1").state == "sent" and worker.reconciled == {"found": 0, "clear": 0, "unsearchable": 0}


def test_a_result_that_cannot_be_recorded_leaves_nothing_in_sending(simulator_factory, outbox_path):
    class DiskFullOnce(Outbox):
        failed = False

        def mark_sent(self, *args: Any, **kwargs: Any):
            if not DiskFullOnce.failed:
                DiskFullOnce.failed = True
                raise OutboxFull("the outbox disk is full")
            return super().mark_sent(*args, **kwargs)

    sim = simulator_factory(profile="plain")
    outbox = DiskFullOnce(outbox_path)
    put(outbox, "BWI-1")
    clock = FakeClock()
    worker = SyncWorker(outbox, Open311Client(sim.base_url, "demo-key", JURISDICTION), clock=clock)
    worker.drain()
    assert outbox.counts()["sending"] == 0 and outbox.get("BWI-1").state == "queued"
    clock.advance(400)
    worker.drain()
    assert outbox.get("BWI-1").state == "sent"
    assert len(sim.requests()) == 1  # reconciled, never posted twice
    worker.client.close()
    outbox.close()


def test_the_code_line_matches_as_a_word_only():
    assert holds_code("Got mampet\n\nKode laporan: T1M-ZQAD-7SWP", "T1MZQAD7SWP")
    assert holds_code("x\nReport code: t1m zqad 7swp", "T1M-ZQAD-7SWP")
    assert not holds_code("Kode laporan: BWI10", "BWI1")
    assert not holds_code(None, "BWI1")


# -- classification by meaning ----------------------------------------------------------------

def test_an_error_array_in_a_200_is_that_error_never_sent(simulator_factory, outbox, make_worker):
    sim = simulator_factory(faults="error200:1")
    put(outbox, "BWI-1")
    worker = make_worker(sim)
    worker.drain()
    item = outbox.get("BWI-1")
    assert item.state == "dead" and "service_code is not valid" in item.last_error
    assert sim.requests() == []


def test_a_bad_key_answered_400_pauses_the_queue_and_resumes_when_fixed(simulator_factory, outbox, make_worker, clock):
    sim = simulator_factory(profile="plain", api_key="kunci-baru")
    for i, code in enumerate(["SAMSAT-PKB", "PSR-KEBERSIHAN", "JLN-RUSAK"]):
        put(outbox, f"BWI-{i}", code, body=coded(f"BWI-{i}", code, **({"attribute[JENIS]": "sampah"} if code == "PSR-KEBERSIHAN" else {})))
    worker = make_worker(sim, api_key="kunci-lama", clock=clock, retry_cap=300.0)
    worker.drain()
    assert outbox.paused and outbox.counts()["dead"] == 0
    assert worker.status.fault is FaultKind.KEY_REFUSED and "Invalid API key" in outbox.pause_reason
    sim.set_api_key("kunci-lama")  # the province re-enables the kiosk's key
    clock.advance(301)
    worker.drain()
    assert not outbox.paused and outbox.counts()["sent"] == 3


def test_a_403_naming_a_service_holds_only_that_item(simulator_factory, outbox, make_worker, clock):
    sim = simulator_factory(profile="plain")
    put(outbox, "BWI-0", "SUDAH-PENSIUN")
    put(outbox, "BWI-1")
    put(outbox, "BWI-2")
    worker = make_worker(sim, clock=clock, on_unknown_service=lambda code: False)
    worker.drain()
    assert not outbox.paused
    assert [outbox.get(r).state for r in ("BWI-0", "BWI-1", "BWI-2")] == ["queued", "sent", "sent"]
    assert "service" in outbox.get("BWI-0").last_error
    gone = make_worker(sim, clock=clock, on_unknown_service=lambda code: True)
    clock.advance(301)
    gone.drain()
    assert outbox.get("BWI-0").state == "dead"  # the refreshed catalog no longer lists it


def test_the_same_refusal_for_three_services_is_the_kiosks_nothing_dead(simulator_factory, outbox, make_worker, clock):
    sim = simulator_factory(profile="plain")
    for i, code in enumerate(["SAMSAT-PKB", "JLN-RUSAK", "PDAM-AIR", "SAMSAT-PKB"]):
        body = coded(f"BWI-{i}", code).replace("address_string=", "a=").replace("&lat=", "&b=").replace("&long=", "&c=")
        put(outbox, f"BWI-{i}", code, body=body)
    worker = make_worker(sim, clock=clock)
    worker.drain()
    assert outbox.paused and outbox.counts()["dead"] == 0
    assert worker.status.fault is FaultKind.REPEATED_REFUSAL
    assert "non_field_errors" not in outbox.pause_reason and "location is required" in outbox.pause_reason


def test_one_refusal_among_good_items_is_that_items_own(simulator_factory, outbox, make_worker, clock):
    sim = simulator_factory(profile="plain")
    put(outbox, "BWI-0", body=coded("BWI-0").replace("address_string=", "a=").replace("&lat=", "&b=").replace("&long=", "&c="))
    put(outbox, "BWI-1")
    worker = make_worker(sim, clock=clock)
    worker.drain()
    dead = outbox.get("BWI-0")
    assert dead.state == "dead" and dead.last_error.endswith("location is required: lat and long, or address_string")
    assert outbox.get("BWI-1").state == "sent"


# -- clocks ------------------------------------------------------------------------------------

def test_holds_beyond_the_cap_are_pulled_back_at_start(simulator, outbox, make_worker, clock):
    put(outbox, "BWI-1")
    item = outbox.claim()
    outbox.mark_retry(item.id, "x", clock() + 15 * 365 * 86400)  # computed while the clock said 2040
    worker = make_worker(simulator, clock=clock, retry_cap=300.0)
    assert worker.run_once() is False
    clock.advance(301)
    assert worker.run_once() is True and outbox.get("BWI-1").state == "sent"


def test_a_hold_survives_a_wall_clock_jump(simulator_factory, outbox, make_worker):
    sim = simulator_factory(faults="500:1")
    wall, mono = FakeClock(), FakeClock(1000.0)
    put(outbox, "BWI-1")
    worker = make_worker(sim, clock=wall, monotonic=mono, retry_base=60.0, retry_cap=60.0, rng=random.Random(1))
    worker.run_once()
    wall.advance(10 * 86400)  # the wall clock leaps ten days ahead: the hold still holds
    sim.set_faults(None)
    assert worker.run_once() is False
    wall.advance(-20 * 86400)  # ...and back: the stored hold is far out, pulled back to the cap
    mono.advance(61)
    worker.run_once()
    wall.advance(61)
    mono.advance(61)
    worker.run_once()
    assert outbox.get("BWI-1").state == "sent"


def test_a_restarted_sender_keeps_the_backoff_window(simulator_factory, outbox, make_worker, clock):
    sim = simulator_factory(profile="plain", faults="500:1")
    for i in range(3):
        put(outbox, f"BWI-{i}")
    first = make_worker(sim, clock=clock, retry_base=60.0, retry_cap=60.0, rng=random.Random(2))
    first.run_once()
    first.stop()  # the process is killed and started again
    again = make_worker(sim, clock=clock, retry_base=60.0, retry_cap=60.0)
    assert again.drain() == 0 and sim.count_posts() == 1  # not one new POST per restart
    clock.advance(61)
    sim.set_faults(None)
    assert again.drain() == 3


@pytest.fixture
def tiny_disk(small_tmpfs):
    """A real 2 MB filesystem (tmpfs)."""
    return small_tmpfs("2m")


def test_a_disk_that_fills_right_after_the_post_leaves_nothing_in_sending(simulator_factory, tiny_disk, clock):
    sim = simulator_factory(profile="plain", faults="slow:1:1")  # stored, answered a second later
    outbox = Outbox(tiny_disk / "outbox.sqlite3")
    put(outbox, "BWI-1")
    worker = SyncWorker(outbox, Open311Client(sim.base_url, "demo-key", JURISDICTION), clock=clock)
    filler = tiny_disk / "filler"

    def fill() -> None:
        while not sim.requests():
            time.sleep(0.01)
        with open(filler, "wb", buffering=0) as fh:  # the disk fills while the answer is on its way
            try:
                while True:
                    fh.write(b"\0" * 4096)
                    fh.flush()
            except OSError:
                pass

    t = threading.Thread(target=fill)
    t.start()
    worker.drain()
    t.join()
    # Not a byte could be written, not even the way back to `queued`: the worker keeps trying
    # at every pass, and the first write that fits puts it back, still marked unsure.
    filler.unlink()  # space comes back (the ballast, a technician)
    sim.set_faults(None)
    clock.advance(400)
    worker.drain()
    assert outbox.counts()["sending"] == 0
    assert outbox.get("BWI-1").state == "sent" and len(sim.requests()) == 1  # reconciled, not re-posted
    worker.client.close()
    outbox.close()
