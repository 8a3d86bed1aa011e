"""One sender per outbox: a technician's `kiosk queue` or `kiosk sync` while the app is sending
must not pull the app's in-flight submission back into the queue or send it a second time."""
from offline_queue import Open311Client, Outbox, SyncWorker


def test_opening_the_outbox_while_another_sends_leaves_its_row_in_flight(tmp_path, simulator):
    path = tmp_path / "outbox.sqlite3"
    app = Outbox(path)
    app.enqueue(ref="AAA", service_code="PSR-KEBERSIHAN", body="service_code=PSR-KEBERSIHAN", meta={})
    assert app.acquire_sender()
    in_flight = app.claim()
    assert in_flight.state == "sending"

    technician = Outbox(path)  # e.g. `kiosk queue` in another process
    assert technician.get("AAA").state == "sending"
    assert not technician.is_sender

    client = Open311Client(simulator.base_url, "demo-key", "banyuwangikab.go.id", timeout=(2, 5))
    assert SyncWorker(technician, client).drain() == 0
    assert simulator.count_posts() == 0

    app.close()  # the app stops (or crashes): now the row may be recovered and sent
    assert Outbox(path).get("AAA").state == "queued"
