"""The outbox on a real SQLite file: states and transitions, exact payloads, pause, erasure of
personal data, a full disk, counts at 100,000 rows, and use from several threads."""
from __future__ import annotations

import sqlite3
import threading
import uuid
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from offline_queue import STATES, DuplicateRef, Outbox, OutboxError, OutboxFull, StateError

DAY = 86400.0


def test_a_new_outbox_is_wal_synchronous_full_and_versioned(outbox: Outbox, outbox_path: Path) -> None:
    conn = outbox.connection()
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert conn.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL
    assert conn.execute("PRAGMA user_version").fetchone()[0] == 1
    assert outbox.counts() == {"queued": 0, "sending": 0, "awaiting_token": 0, "sent": 0, "dead": 0}
    assert outbox_path.exists()


def test_an_outbox_from_a_newer_program_is_refused(outbox_path: Path) -> None:
    Outbox(outbox_path).close()
    with sqlite3.connect(outbox_path) as conn:
        conn.execute("PRAGMA user_version = 99")
    with pytest.raises(OutboxError, match="newer"):
        Outbox(outbox_path)


def test_enqueued_submission_is_on_disk_for_another_connection(outbox: Outbox, outbox_path: Path, make_body) -> None:
    body = make_body(description="Atap los sayur bocor")
    item = outbox.enqueue(ref="BWI-A1", service_code="SAMSAT-PKB", body=body, meta={"kind": "complaint"})
    assert item.state == "queued" and item.attempts == 0
    uuid.UUID(item.key)  # a fresh UUID4 idempotency key
    # A plain sqlite3 connection (another process would see the same) finds it committed.
    with sqlite3.connect(outbox_path) as other:
        assert other.execute("SELECT body, state FROM items WHERE ref = 'BWI-A1'").fetchone() == (body, "queued")


def test_a_tracking_code_is_unique(outbox: Outbox, enqueue) -> None:
    enqueue("BWI-A1")
    with pytest.raises(DuplicateRef):
        enqueue("BWI-A1")
    assert outbox.counts()["queued"] == 1


@settings(max_examples=150, suppress_health_check=[HealthCheck.function_scoped_fixture], deadline=None)
@given(body=st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=6000),
       meta_text=st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=200))
def test_payload_and_meta_come_back_exactly_as_given(outbox: Outbox, body: str, meta_text: str) -> None:
    ref = uuid.uuid4().hex
    meta = {"service_name": {"id": meta_text, "jv": "🙏 " + meta_text}, "n": 3}
    outbox.enqueue(ref=ref, service_code="X", body=body, meta=meta)
    item = outbox.get(ref)
    assert item.body == body and item.body.encode("utf-8") == body.encode("utf-8")
    assert item.meta == meta
    claimed = outbox.claim()
    assert claimed.ref == ref and claimed.body == body
    outbox.mark_sent(claimed.id, "1")


def test_claim_takes_the_oldest_due_row_and_counts_the_attempt(outbox: Outbox, enqueue) -> None:
    first = enqueue("R1")
    enqueue("R2")
    claimed = outbox.claim()
    assert claimed.id == first.id and claimed.state == "sending" and claimed.attempts == 1
    assert outbox.counts()["sending"] == 1 and outbox.counts()["queued"] == 1


def test_a_retried_row_is_not_claimed_before_its_time(outbox: Outbox, enqueue) -> None:
    item = enqueue("R1")
    t0 = item.created_at.timestamp()
    outbox.claim(now=t0)
    retried = outbox.mark_retry(item.id, "HTTP 503: busy", t0 + 60)
    assert retried.state == "queued" and retried.last_error == "HTTP 503: busy"
    assert retried.next_attempt_at == datetime.fromtimestamp(t0 + 60, timezone.utc)
    assert outbox.claim(now=t0 + 59) is None
    assert outbox.next_due_at() == retried.next_attempt_at
    again = outbox.claim(now=t0 + 60)
    assert again.id == item.id and again.attempts == 2 and again.key == item.key


def test_full_life_to_sent_with_and_without_an_id(outbox: Outbox, enqueue) -> None:
    a, b, c = enqueue("A"), enqueue("B"), enqueue("C")
    outbox.claim()
    sent = outbox.mark_sent(a.id, "JTM-1")
    assert (sent.state, sent.service_request_id) == ("sent", "JTM-1") and sent.sent_at is not None
    outbox.claim()
    waiting = outbox.mark_awaiting_token(b.id, "tok-1")
    assert (waiting.state, waiting.token) == ("awaiting_token", "tok-1")
    assert [i.ref for i in outbox.awaiting_token_items()] == ["B"]
    assert outbox.mark_sent(b.id, "JTM-2").service_request_id == "JTM-2"
    outbox.claim()
    assert outbox.mark_sent(c.id, None).service_request_id is None  # blackbox service
    assert outbox.counts()["sent"] == 3
    assert outbox.last_success_at is not None


def test_wrong_transitions_are_refused_and_change_nothing(outbox: Outbox, enqueue) -> None:
    item = enqueue("A")
    with pytest.raises(StateError):
        outbox.mark_sent(item.id, "1")  # still queued, never sent
    with pytest.raises(StateError):
        outbox.mark_retry(item.id, "x", 0)
    with pytest.raises(StateError):
        outbox.mark_sent(12345, "1")
    with pytest.raises(StateError):
        outbox.requeue("A")  # only dead items
    assert outbox.get("A").state == "queued"


def test_dead_items_keep_the_reason_and_requeue_keeps_or_renews_the_key(outbox: Outbox, enqueue, make_body) -> None:
    a, b, c = enqueue("A"), enqueue("B"), enqueue("C")
    outbox.mark_dead(a.id, "HTTP 400: attribute[stall] is required")  # queued -> dead
    outbox.claim(), outbox.claim()
    outbox.mark_dead(b.id, "HTTP 422: bad")
    dead = outbox.dead_items()
    assert [(i.ref, i.last_error) for i in dead] == [("A", "HTTP 400: attribute[stall] is required"), ("B", "HTTP 422: bad")]

    same = outbox.requeue("A")  # unchanged: the server created nothing under the key, keep it
    assert (same.state, same.key, same.attempts, same.last_error) == ("queued", a.key, 0, None)

    fixed = outbox.requeue("B", body=make_body(description="diperbaiki"))
    assert fixed.key != b.key and fixed.body.endswith("") and "diperbaiki" in fixed.body
    outbox.claim()  # C
    outbox.mark_dead(c.id, "HTTP 404: unknown service")
    moved = outbox.requeue("C", service_code="PDAM-AIR")
    assert moved.service_code == "PDAM-AIR" and moved.key != c.key
    assert outbox.counts()["dead"] == 0


def test_recover_returns_interrupted_rows_to_the_queue(outbox_path: Path, make_body) -> None:
    ob = Outbox(outbox_path)
    item = ob.enqueue(ref="A", service_code="S", body=make_body(), meta={})
    ob.claim()
    ob.close()  # as if the process died here
    reopened = Outbox(outbox_path)
    back = reopened.get("A")
    assert (back.state, back.attempts, back.key, back.body) == ("queued", 1, item.key, item.body)
    assert reopened.claim().id == item.id


def test_pause_stops_claims_until_resumed_and_survives_a_restart(outbox_path: Path, make_body) -> None:
    ob = Outbox(outbox_path)
    ob.enqueue(ref="A", service_code="S", body=make_body(), meta={})
    ob.pause("HTTP 403: Invalid api_key")
    assert ob.claim() is None
    ob.close()
    ob = Outbox(outbox_path)
    assert ob.paused and ob.pause_reason == "HTTP 403: Invalid api_key"
    assert ob.claim() is None
    assert ob.claim(ignore_pause=True).ref == "A"  # the worker's probe
    ob.resume()
    assert not ob.paused and ob.pause_reason is None
    ob.close()


def test_oldest_waiting_and_facts(outbox: Outbox, enqueue) -> None:
    assert outbox.oldest_waiting() is None
    old = datetime(2026, 11, 20, 9, 30, tzinfo=timezone(timedelta(hours=7)))
    enqueue("NEW")
    enqueue("OLD", created_at=old)
    assert outbox.oldest_waiting() == old
    outbox.set_fact("catalog_refreshed_at", "2026-11-23T08:00:00+07:00")
    assert outbox.get_fact("catalog_refreshed_at") == "2026-11-23T08:00:00+07:00"
    assert outbox.get_fact("missing", 5) == 5


def test_server_status_is_kept_for_lookups(outbox: Outbox, enqueue) -> None:
    enqueue("A")
    outbox.set_server_status("A", {"status": "closed", "status_notes": "Lampu sudah diganti"})
    assert outbox.get("A").server_status["status_notes"] == "Lampu sudah diganti"
    with pytest.raises(StateError):
        outbox.set_server_status("NOPE", {})


def test_erase_personal_erases_only_old_sent_bodies_even_on_disk(outbox: Outbox, outbox_path: Path, make_body) -> None:
    secret = "Siti Rahayu NIK 3510123456780001"
    old = outbox.enqueue(ref="OLD", service_code="S", body=make_body(description=secret), meta={"kind": "request"})
    recent = outbox.enqueue(ref="RECENT", service_code="S", body=make_body(description="baru"), meta={})
    waiting = outbox.enqueue(ref="WAIT", service_code="S", body=make_body(description="antre"), meta={})
    t0 = old.created_at.timestamp()
    outbox.claim(), outbox.claim()
    outbox.mark_sent(old.id, "JTM-9", now=t0)
    outbox.mark_sent(recent.id, "JTM-10", now=t0 + 6 * DAY)
    outbox.set_server_status("OLD", {"status": "open"})

    assert outbox.erase_personal(7, now=t0 + 7 * DAY + 1) == 1
    erased = outbox.get("OLD")
    assert erased.body is None and erased.erased_at is not None
    assert (erased.ref, erased.service_code, erased.meta, erased.service_request_id, erased.server_status) == (
        "OLD", "S", {"kind": "request"}, "JTM-9", {"status": "open"})
    assert outbox.get("RECENT").body == recent.body
    assert outbox.get("WAIT").body == waiting.body
    assert outbox.erase_personal(7, now=t0 + 7 * DAY + 1) == 0  # idempotent

    # The erased text is in neither the database file nor its WAL.
    on_disk = b"".join(p.read_bytes() for p in outbox_path.parent.iterdir() if p.name.startswith(outbox_path.name))
    assert "Siti+Rahayu".encode() not in on_disk
    assert "antre".encode() in on_disk  # still-needed bodies are of course there


def test_a_full_disk_refuses_the_submission_and_damages_nothing(outbox: Outbox, enqueue, make_body) -> None:
    kept = [enqueue(f"K{i}") for i in range(5)]
    conn = outbox.connection()
    pages = conn.execute("PRAGMA page_count").fetchone()[0]
    conn.execute(f"PRAGMA max_page_count = {pages + 2}")  # a disk with almost no room left
    big = make_body(description="x" * 3900)
    refused = None
    for i in range(50):
        try:
            enqueue(f"F{i}", body=big)
        except OutboxFull:
            refused = f"F{i}"
            break
    assert refused is not None, "the page limit never filled"
    assert outbox.get(refused) is None  # not half-saved
    assert [outbox.get(k.ref).body for k in kept] == [k.body for k in kept]
    assert outbox.integrity_check() == "ok"
    # The sync side keeps working on what is stored.
    claimed = outbox.claim()
    assert claimed.ref == "K0"
    with pytest.raises(OutboxFull):
        enqueue(refused, body=big)
    conn.execute("PRAGMA max_page_count = 1073741823")  # space freed
    assert enqueue(refused, body=big).state == "queued"
    assert outbox.mark_sent(claimed.id, "JTM-1").state == "sent"
    assert outbox.integrity_check() == "ok"


def test_counts_are_exact_with_100k_rows(outbox: Outbox) -> None:
    conn = outbox.connection()
    states = ["queued", "sent", "sent", "dead", "awaiting_token"]
    conn.execute("BEGIN")
    conn.executemany(
        "INSERT INTO items (ref, key, service_code, body, meta, state, attempts, next_attempt_at, "
        "created_at, updated_at) VALUES (?, ?, 'S', 'b=1', '{}', ?, 0, ?, ?, ?)",
        ((f"R{i}", uuid.uuid4().hex, states[i % 5], i, i, i) for i in range(100_000)),
    )
    conn.execute("COMMIT")
    truth = dict.fromkeys(STATES, 0)
    truth.update(conn.execute("SELECT state, count(*) FROM items GROUP BY state").fetchall())
    assert outbox.counts() == truth == {"queued": 20000, "sending": 0, "awaiting_token": 20000, "sent": 40000, "dead": 20000}
    # State changes through the API keep them exact.
    for _ in range(10):
        outbox.claim()
    item = outbox.claim()
    outbox.mark_dead(item.id, "x")
    outbox.requeue(item.ref)
    assert outbox.counts() == {"queued": 19990, "sending": 10, "awaiting_token": 20000, "sent": 40000, "dead": 20000}
    assert outbox.oldest_waiting() == datetime.fromtimestamp(0, timezone.utc)


def test_invalid_states_cannot_be_written(outbox: Outbox, enqueue) -> None:
    enqueue("A")
    with pytest.raises(sqlite3.IntegrityError):
        outbox.connection().execute("UPDATE items SET state = 'lost'")


def test_several_threads_each_use_their_own_connection_and_never_claim_twice(outbox: Outbox, make_body) -> None:
    body = make_body()
    connections: set[int] = set()
    claimed: list[int] = []
    errors: list[BaseException] = []
    lock = threading.Lock()
    start = threading.Barrier(4)

    def producer_consumer(n: int) -> None:
        try:
            start.wait()
            with lock:
                connections.add(id(outbox.connection()))
            for i in range(25):
                outbox.enqueue(ref=f"T{n}-{i}", service_code="S", body=body, meta={})
            while (item := outbox.claim()) is not None:
                outbox.mark_sent(item.id, str(item.id))
                with lock:
                    claimed.append(item.id)
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=producer_consumer, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert len(connections) == 4
    while (item := outbox.claim()) is not None:  # rows enqueued after the others stopped claiming
        outbox.mark_sent(item.id, str(item.id))
        claimed.append(item.id)
    assert len(claimed) == len(set(claimed)) == 100
    assert outbox.counts()["sent"] == 100
    assert outbox.integrity_check() == "ok"


def test_items_lists_rows_by_state_oldest_first(outbox: Outbox, enqueue) -> None:
    a, b, c = enqueue("A"), enqueue("B"), enqueue("C")
    outbox.claim()
    outbox.mark_dead(c.id, "x")
    assert [i.ref for i in outbox.items("queued", "sending")] == ["A", "B"]
    assert [i.ref for i in outbox.items()] == ["A", "B", "C"]
    assert [i.ref for i in outbox.items("queued", "sending", limit=1)] == ["A"]
    with pytest.raises(ValueError):
        outbox.items("lost")


def test_the_same_fix_on_two_machines_gets_the_same_new_key(tmp_path) -> None:
    """A kiosk and the machine that imported its bundle both re-queue a dead item with the same
    new service code: the same payload must carry the same key, so the server creates one."""
    keys, metas = [], []
    for name in ("kiosk", "office"):
        ob = Outbox(tmp_path / f"{name}.sqlite3")
        item = ob.enqueue(ref="BWI-9", service_code="OLD", body="service_code=OLD&description=x",
                          meta={"service_name": {"id": "Lama"}}, key="0b5c1f4e-8a63-4d55-9c1b-2f0f3f7d9a11")
        ob.mark_dead(ob.claim().id, "404 unknown service")
        again = ob.requeue("BWI-9", service_code="NEW", body="service_code=NEW&description=x",
                           meta={"service_name": {"id": "Baru"}})
        keys.append(again.key)
        metas.append(again.meta)
        assert again.key != item.key
    assert keys[0] == keys[1]
    assert metas[0]["service_name"]["id"] == "Baru"
