"""The sync worker against the real simulator: issue 2's fault matrix (each answer lands in
the right state), idempotent re-sends, pause and resume, drain, events, and a background
thread that wakes at once and otherwise sleeps."""
from __future__ import annotations

import random
import threading
import time
from typing import Any, Callable

import uuid
from urllib.parse import parse_qs

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from offline_queue import Open311Client, Outbox, SyncStatus, SyncWorker

JURISDICTION = "banyuwangikab.go.id"
GUARD_S = 20.0  # a guard against a hang, never a performance assertion


def wait_until(predicate: Callable[[], bool], what: str) -> None:
    deadline = time.monotonic() + GUARD_S
    while not predicate():
        assert time.monotonic() < deadline, f"never happened: {what}"
        time.sleep(0.01)


# -- the fault matrix ------------------------------------------------------------------------

def test_matrix_good_answer_is_sent_with_the_servers_id(simulator, outbox, enqueue, make_worker) -> None:
    item = enqueue("BWI-1")
    worker = make_worker(simulator)
    assert worker.run_once() is True
    sent = outbox.get("BWI-1")
    [stored] = simulator.requests()
    assert (sent.state, sent.service_request_id) == ("sent", stored["service_request_id"])
    assert stored["body"] == item.body and stored["idempotency_key"] == item.key
    assert worker.status.network == "online" and worker.status.last_success_at is not None


def test_matrix_token_then_id(simulator_factory, outbox, enqueue, make_worker, clock) -> None:
    sim = simulator_factory(token_delay=3600)
    enqueue("BWI-1", service_code="DKP-KK")
    worker = make_worker(sim, token_poll_s=30)
    worker.run_once()
    waiting = outbox.get("BWI-1")
    assert waiting.state == "awaiting_token" and waiting.token
    clock.advance(31)
    worker.run_once()  # polled: the server has no id yet
    assert outbox.get("BWI-1").state == "awaiting_token"
    sim.set_token_delay(0)
    worker.run_once()  # too early for the next poll
    assert outbox.get("BWI-1").state == "awaiting_token"
    clock.advance(31)
    worker.run_once()
    done = outbox.get("BWI-1")
    assert (done.state, done.service_request_id) == ("sent", sim.requests()[0]["service_request_id"])


@pytest.mark.parametrize("fault, retry_after, network", [
    ("503:1:7", 7, "online"),
    ("429:1:3", 3, "online"),
    ("500:1", None, "online"),
    ("502:1", None, "online"),
    ("504:1", None, "online"),
    ("408:1", None, "online"),
    ("409:1", None, "online"),
    ("html:1", None, "offline"),
    ("drop:1", None, "offline"),
])
def test_matrix_trouble_is_retried_later_with_the_same_key(
    simulator_factory, outbox, enqueue, make_worker, clock, fault, retry_after, network,
) -> None:
    sim = simulator_factory(faults=fault)
    item = enqueue("BWI-1")
    worker = make_worker(sim, retry_base=2.0, retry_cap=300.0)
    now = clock()
    worker.run_once()
    retried = outbox.get("BWI-1")
    assert (retried.state, retried.attempts, retried.key) == ("queued", 1, item.key)
    wait = retried.next_attempt_at.timestamp() - now
    if retry_after:
        assert wait >= retry_after  # Retry-After honoured as a lower bound
    else:
        assert 0 <= wait <= 2.0  # first backoff window: uniform(0, base)
    assert retried.last_error
    assert worker.status.network == network
    # Not before its time, and then with the same key and payload.
    sim.set_faults(None)
    clock.t = retried.next_attempt_at.timestamp() - 0.001
    assert worker.run_once() is False
    clock.t = retried.next_attempt_at.timestamp()
    assert worker.run_once() is True
    done = outbox.get("BWI-1")
    stored = sim.requests()
    assert done.state == "sent" and len(stored) == 1  # one request, even after a drop
    assert stored[0]["idempotency_key"] == item.key and stored[0]["body"] == item.body
    assert done.service_request_id == stored[0]["service_request_id"]


def test_matrix_refused_key_pauses_the_queue_and_a_fixed_key_resumes_it(
    simulator_factory, outbox, enqueue, make_worker, clock,
) -> None:
    sim = simulator_factory(api_key="kunci-baru")
    enqueue("BWI-1"), enqueue("BWI-2")
    events: list[SyncStatus] = []
    worker = make_worker(sim, api_key="kunci-lama", retry_cap=300.0)
    worker.subscribe(events.append)
    worker.run_once()
    assert outbox.paused and "Invalid api_key" in outbox.pause_reason
    first = outbox.get("BWI-1")
    assert (first.state, first.attempts) == ("queued", 1)  # not the item's fault
    assert events[-1].network == "paused" and events[-1].paused
    posts = sim.count_posts()
    assert worker.drain() == 0 and sim.count_posts() == posts  # nothing is sent while paused
    clock.advance(301)
    worker.run_once()  # the periodic probe: still refused
    assert outbox.paused and sim.count_posts() == posts + 1
    worker.client.api_key = "kunci-baru"  # the technician fixes the key
    clock.advance(301)
    assert worker.drain() == 2
    assert not outbox.paused and outbox.counts()["sent"] == 2
    assert worker.status.network == "online"


def test_matrix_rejected_payload_is_dead_with_the_servers_reason(simulator, outbox, enqueue, make_worker, make_body) -> None:
    body = make_body().replace("address_string=", "a=").replace("&lat=", "&b=").replace("&long=", "&c=")
    enqueue("BWI-1", body=body)
    worker = make_worker(simulator)
    worker.run_once()
    dead = outbox.get("BWI-1")
    assert dead.state == "dead" and "location is required" in dead.last_error
    assert [i.ref for i in outbox.dead_items()] == ["BWI-1"]


def test_matrix_key_reused_with_another_payload_is_dead(simulator, outbox, enqueue, make_worker, make_body) -> None:
    first = enqueue("BWI-1")
    enqueue("BWI-2", body=make_body(description="lain"), key=first.key)
    worker = make_worker(simulator)
    worker.drain()
    assert outbox.get("BWI-1").state == "sent"
    second = outbox.get("BWI-2")
    assert second.state == "dead" and "Idempotency-Key" in second.last_error


def test_matrix_unknown_service_refreshes_the_catalog_then_is_dead(simulator, outbox, enqueue, make_worker) -> None:
    refreshed: list[str] = []
    enqueue("BWI-1", service_code="SUDAH-DIHAPUS")
    worker = make_worker(simulator, on_unknown_service=refreshed.append)
    worker.run_once()
    assert refreshed == ["SUDAH-DIHAPUS"]
    dead = outbox.get("BWI-1")
    assert dead.state == "dead" and "SUDAH-DIHAPUS" in dead.last_error


def test_a_404_the_catalog_does_not_confirm_is_retried_not_dropped(simulator, outbox, enqueue, make_worker) -> None:
    """A wrong base_url or a proxy's 404 page must not kill the queue: the core's refresh says
    the service still exists (or could not refresh), so the item waits and is retried."""
    enqueue("BWI-1", service_code="SUDAH-DIHAPUS")
    worker = make_worker(simulator, on_unknown_service=lambda code: False)
    worker.run_once()
    item = outbox.get("BWI-1")
    assert item.state == "queued" and item.attempts == 1 and item.next_attempt_at is not None


def test_a_second_sender_waits_instead_of_spinning(simulator, outbox, enqueue, tmp_path) -> None:
    """While the app holds the sender lock, a second worker sleeps its long sleep, not 10 ms loops."""
    enqueue("BWI-1")
    assert outbox.acquire_sender()
    other = Outbox(outbox.path)
    client = Open311Client(simulator.base_url, "demo-key", JURISDICTION, timeout=(2.0, 5.0))
    worker = SyncWorker(other, client, max_sleep_s=60.0)
    worker.start()
    try:
        time.sleep(0.5)
        assert worker.iterations <= 2
        assert simulator.count_posts() == 0
    finally:
        worker.stop()
        client.close()
        other.close()


def test_matrix_offline_is_retried_and_holds_the_whole_queue(simulator_factory, outbox, enqueue, make_worker, clock) -> None:
    sim = simulator_factory()
    worker = make_worker(sim)
    sim.stop()  # the market's network is down
    for i in range(5):
        enqueue(f"BWI-{i}")
    assert worker.drain() == 1  # one attempt, then the whole queue waits
    assert worker.status.network == "offline"
    assert outbox.counts()["queued"] == 5
    sim.start()
    clock.advance(300)
    assert worker.drain() == 5
    assert outbox.counts()["sent"] == 5


def test_backoff_grows_while_the_server_keeps_failing_and_resets_after_success(
    simulator_factory, outbox, enqueue, make_worker, clock,
) -> None:
    sim = simulator_factory(faults="500:1")
    enqueue("BWI-1")
    worker = make_worker(sim, retry_base=2.0, retry_cap=60.0, rng=random.Random(5))
    ceilings = []
    for attempt in range(8):
        before = clock()
        worker.run_once()
        item = outbox.get("BWI-1")
        wait = item.next_attempt_at.timestamp() - before
        assert 0 <= wait <= min(60.0, 2.0 * 2 ** attempt)
        ceilings.append(wait)
        clock.t = item.next_attempt_at.timestamp()
    assert max(ceilings[4:]) > 2.0  # it did grow beyond the first window
    assert outbox.get("BWI-1").state == "queued"  # never given up
    sim.set_faults(None)
    worker.run_once()
    assert outbox.get("BWI-1").state == "sent"


def test_a_flaky_server_gets_every_submission_exactly_once(simulator_factory, outbox, enqueue, make_worker, clock) -> None:
    sim = simulator_factory(faults="drop:0.3,500:0.2,503:0.1:1", seed=11)
    refs = [enqueue(f"BWI-{i}").ref for i in range(40)]
    worker = make_worker(sim, retry_base=0.5, retry_cap=2.0)
    for _ in range(400):
        if outbox.counts()["sent"] == 40:
            break
        worker.drain()
        clock.advance(2.5)
    stored = sim.requests()
    assert outbox.counts()["sent"] == 40
    assert sorted(r["idempotency_key"] for r in stored) == sorted(outbox.get(r).key for r in refs)
    assert len(stored) == 40


# -- the background thread -------------------------------------------------------------------

def test_the_thread_sleeps_until_woken_and_then_sends_at_once(simulator, outbox, enqueue, make_worker) -> None:
    worker = make_worker(simulator, clock=time.time)
    worker.start()
    wait_until(lambda: worker.iterations >= 1, "the thread started")
    time.sleep(0.3)
    assert worker.iterations == 1  # asleep, not polling
    enqueue("BWI-1")
    worker.wake()
    wait_until(lambda: outbox.get("BWI-1").state == "sent", "the woken worker sent it")
    time.sleep(0.3)
    assert worker.iterations == 2  # one wake-up for one submission
    assert worker.stop() is True and not worker.running


def test_the_thread_waits_out_a_retry_after_without_spinning(simulator_factory, outbox, enqueue, make_worker) -> None:
    sim = simulator_factory(faults="503:1:30")
    worker = make_worker(sim, clock=time.time)
    enqueue("BWI-1")
    worker.start()
    wait_until(lambda: outbox.get("BWI-1").attempts == 1 and outbox.get("BWI-1").state == "queued", "first try")
    time.sleep(0.3)
    worker.wake()  # a wake-up (new submission elsewhere) does not break the server's Retry-After
    time.sleep(0.3)
    assert sim.count_posts() == 1
    assert worker.iterations == 2
    assert worker.stop()


def test_events_report_progress_and_end_exact_without_counting_every_item(simulator, outbox_path, make_body) -> None:
    class CountingOutbox(Outbox):
        calls = 0

        def counts(self) -> dict[str, int]:
            CountingOutbox.calls += 1
            return super().counts()

    ob = CountingOutbox(outbox_path)
    body = make_body()
    conn = ob.connection()
    conn.execute("BEGIN")
    for i in range(300):
        conn.execute(
            "INSERT INTO items (ref, key, service_code, body, meta, state, attempts, next_attempt_at, created_at, "
            "updated_at) VALUES (?, ?, 'SAMSAT-PKB', ?, '{}', 'queued', 0, 0, 0, 0)", (f"E{i}", f"key-{i}", body))
    conn.execute("COMMIT")
    events: list[SyncStatus] = []
    client = Open311Client(simulator.base_url, "demo-key", JURISDICTION)
    worker = SyncWorker(ob, client)
    worker.subscribe(events.append)
    assert worker.drain() == 300
    assert events[-1].counts == {"queued": 0, "sending": 0, "awaiting_token": 0, "sent": 300, "dead": 0}
    assert events[-1].network == "online" and events[-1].last_error is None
    assert CountingOutbox.calls < 100  # throttled, not once per item
    assert all(a != b for a, b in zip(events, events[1:]))  # only changes are reported
    client.close()
    ob.close()


def test_a_failing_subscriber_does_not_stop_delivery(simulator, outbox, enqueue, make_worker) -> None:
    def broken(status: SyncStatus) -> None:
        raise RuntimeError("UI gone")

    seen: list[SyncStatus] = []
    enqueue("BWI-1")
    worker = make_worker(simulator)
    worker.subscribe(broken)
    unsubscribe = worker.subscribe(seen.append)
    worker.drain()
    assert outbox.get("BWI-1").state == "sent" and seen
    unsubscribe()
    n = len(seen)
    enqueue("BWI-2")
    worker.drain()
    assert len(seen) == n


def test_drain_stops_at_its_deadline(simulator, outbox, enqueue, make_worker, clock) -> None:
    for i in range(3):
        enqueue(f"BWI-{i}")
    worker = make_worker(simulator)
    assert worker.drain(deadline=clock() - 1) == 0
    assert worker.drain(deadline=clock() + 1) == 3


def test_start_stop_start(simulator, outbox, enqueue, make_worker) -> None:
    worker = make_worker(simulator, clock=time.time)
    worker.start()
    worker.start()  # idempotent
    assert worker.stop() and not worker.running
    enqueue("BWI-1")
    worker.start()
    wait_until(lambda: outbox.get("BWI-1").state == "sent", "sent after restart")
    assert worker.stop()
    assert threading.active_count() >= 1


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=4000)
       | st.sampled_from(["🙏🏽 Pak, tolong 🐟🦐", "ꦥꦱꦂ ꦒꦼꦤ꧀ꦠꦼꦁ", "a" * 4000, "é\u0301 \u200d 👨‍👩‍👧"]))
def test_any_text_reaches_the_server_unchanged(simulator, outbox, make_worker, make_body, text: str) -> None:
    body = make_body(description=text)
    ref = uuid.uuid4().hex
    outbox.enqueue(ref=ref, service_code="SAMSAT-PKB", body=body, meta={"note": text})
    worker = make_worker(simulator, clock=time.time)
    worker.drain()
    item = outbox.get(ref)
    assert item.state == "sent", item.last_error
    stored = simulator.request(item.service_request_id)
    assert stored["body"] == body
    assert parse_qs(stored["body"])["description"] == [text]
    assert item.meta == {"note": text}
