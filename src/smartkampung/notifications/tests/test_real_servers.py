"""On PostgreSQL, with real processes: every notification reaches a dashboard exactly once although the
worker is killed mid-batch and the dashboard reconnects, and a notification reaches dashboards
connected to other web processes (LISTEN/NOTIFY)."""

import os
import signal
import time

import pytest
from django.db import connection, transaction

from smartkampung.accounts.services import create_api_token
from smartkampung.notifications.models import Notification
from smartkampung.notifications.services import notify
from smartkampung.notifications.tests.factories import AWAY, HOME, make_person
from smartkampung.notifications.tests.servers import Processes, StreamClient

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.postgres_only,
    pytest.mark.skipif(
        not os.environ.get("DATABASE_URL", "").startswith("postgres"), reason="needs PostgreSQL (LISTEN/NOTIFY)"
    ),
]


@pytest.fixture
def processes(tmp_path):
    # A heartbeat longer than each test: what arrives came by LISTEN/NOTIFY, not by the watchdog.
    running = Processes(tmp_path, NOTIFY_HEARTBEAT_SECONDS="120")
    try:
        yield running
    finally:
        running.stop_all()


def register(village: str, subject_id: int) -> int:
    with transaction.atomic():
        return notify(
            kind="arrival", village_code=village, subject_type="arrival", subject_id=subject_id, summary={}
        ).pk


def test_every_notification_reaches_the_dashboard_exactly_once_though_the_worker_is_killed(
    regions, django_user_model, processes
):
    assert connection.vendor == "postgresql"
    _token, key = create_api_token(user=make_person(django_user_model, "camat"), name="dashboard")
    port = processes.web("web")
    first = StreamClient(port, key)
    # Five per batch, each batch held open half a second: the kill lands inside a transaction.
    doomed = processes.worker("worker-1", "--batch", "5", "--hold-seconds", "0.5")
    created = [register(HOME, n) for n in range(40)]
    register(AWAY, 99)  # another kecamatan's: never on this stream

    first.wait_for(8)
    doomed.send_signal(signal.SIGKILL)
    doomed.wait(5)
    undelivered = Notification.objects.filter(seq__isnull=True).count()
    seen_first = [e["id"] for e in first.events]
    first.close()
    assert 0 < undelivered < 41, processes.output()

    processes.worker("worker-2")
    second = StreamClient(port, key, last_event_id=first.last_id)
    second.wait_for(len(created) - len(seen_first))
    time.sleep(0.5)  # and nothing more
    second.close()

    arrived = seen_first + [e["id"] for e in second.events]
    assert sorted(arrived) == sorted(created), processes.output()
    assert len(arrived) == len(set(arrived))
    for client in (first, second):
        assert [e["sse_id"] for e in client.events] == [e["seq"] for e in client.events]
        assert [e["seq"] for e in client.events] == sorted({e["seq"] for e in client.events})
    assert not Notification.objects.filter(seq__isnull=True).exists()


def test_a_notification_reaches_dashboards_connected_to_other_web_processes(regions, django_user_model, processes):
    _token, key = create_api_token(user=make_person(django_user_model, "operator"), name="dashboard")
    port_a, port_b = processes.web("web-a"), processes.web("web-b")
    processes.worker("worker")
    on_a, on_b = StreamClient(port_a, key), StreamClient(port_b, key)
    time.sleep(1)  # both subscribed and caught up

    started = time.monotonic()
    pk = register(HOME, 1)
    # Generous: on a busy CI machine the worker may still be starting. Anything under the 120 s heartbeat
    # was carried by LISTEN/NOTIFY.
    events_a, events_b = on_a.wait_for(1, timeout=60), on_b.wait_for(1, timeout=60)
    elapsed = time.monotonic() - started
    on_a.close()
    on_b.close()

    assert [e["id"] for e in events_a] == [e["id"] for e in events_b] == [pk], processes.output()
    assert elapsed < 60  # well before any heartbeat: carried by LISTEN/NOTIFY
