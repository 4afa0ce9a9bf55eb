"""/readyz: each check named with its value and threshold; green when the dispatcher beats, the outbox is drained
and no task waits too long; 503 naming the check that fails, never a 500, no sign-in needed."""

import json
import os
import subprocess
import sys
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.management.commands.db_worker import Worker as TaskWorker
from django_tasks_db.models import DBTaskResult

from smartkampung.core.models import WorkerHeartbeat
from smartkampung.notifications.dispatcher import HEARTBEAT, Worker
from smartkampung.notifications.models import Notification
from smartkampung.notifications.tests.factories import arrival
from smartkampung.population.tasks import import_registry_file

pytestmark = pytest.mark.django_db

CHECKS = {"database", "migrations", "notification_worker", "outbox_lag", "task_queue"}


@pytest.fixture(autouse=True)
def thresholds(settings):
    settings.READYZ_HEARTBEAT_MAX_SECONDS = 60
    settings.READYZ_OUTBOX_LAG_MAX_SECONDS = 120
    settings.READYZ_TASK_AGE_MAX_SECONDS = 600


@pytest.fixture
def dispatcher_alive():
    Worker(deliveries=False).beat()


def fail_a_task() -> None:
    """A task run by the task queue's own worker code (without its loop, which would close the test's
    connection), failing: there is no such import job."""
    import_registry_file.enqueue(999_999)
    task = DBTaskResult.objects.get()
    task.claim("test")
    TaskWorker(
        queue_names=["default"], interval=0, batch=True, backend_name="default", startup_delay=False,
        max_tasks=None, worker_id="test", excluded_queue_names=[],
    ).run_task(task)  # fmt: skip
    assert DBTaskResult.objects.get().status == "FAILED"


def readyz(client):
    return client.get(reverse("core:readyz"))


def test_a_live_deployment_is_ready_and_every_check_says_what_it_measured(client, dispatcher_alive):
    answer = readyz(client)

    assert answer.status_code == 200
    body = answer.json()
    assert body["status"] == "ok"
    assert set(body["checks"]) == CHECKS
    assert all(check["ok"] for check in body["checks"].values())
    assert body["checks"]["migrations"] == {"ok": True, "value": 0, "threshold": 0, "unit": "migrations"}
    assert body["checks"]["notification_worker"]["value"] < 5
    assert body["checks"]["notification_worker"]["threshold"] == 60
    assert body["checks"]["outbox_lag"] == {
        "ok": True, "value": None, "threshold": 120, "unit": "seconds", "detail": "nothing waiting"
    }  # fmt: skip
    assert body["checks"]["task_queue"]["failed"] == 0
    assert answer["Cache-Control"] == "no-store"


def test_the_dispatcher_beats_while_it_dispatches(regions):
    arrival()

    Worker(deliveries=False).dispatch_all()

    assert Notification.objects.get().seq is not None
    beat = WorkerHeartbeat.objects.get(worker=HEARTBEAT, pid=os.getpid())
    assert timezone.now() - beat.beat_at < timedelta(seconds=5)


def test_a_second_beat_of_the_same_process_updates_its_row(dispatcher_alive):
    first = WorkerHeartbeat.objects.get(worker=HEARTBEAT).beat_at

    Worker(deliveries=False).beat()

    assert WorkerHeartbeat.objects.filter(worker=HEARTBEAT).count() == 1
    assert WorkerHeartbeat.objects.get(worker=HEARTBEAT).beat_at >= first


def test_a_stale_heartbeat_fails_naming_the_notification_worker_and_its_age(client, dispatcher_alive):
    WorkerHeartbeat.objects.update(beat_at=timezone.now() - timedelta(minutes=5))

    answer = readyz(client)

    assert answer.status_code == 503
    body = answer.json()
    assert body["status"] == "failing"
    worker = body["checks"]["notification_worker"]
    assert worker["ok"] is False
    assert 299 <= worker["value"] <= 310 and worker["threshold"] == 60
    assert [name for name, check in body["checks"].items() if not check["ok"]] == ["notification_worker"]


def test_no_heartbeat_at_all_fails_and_says_so(client):
    worker = readyz(client).json()["checks"]["notification_worker"]

    assert worker["ok"] is False and worker["value"] is None
    assert "no heartbeat" in worker["detail"]


def test_an_old_undelivered_notification_fails_the_outbox_lag_with_its_age(client, regions, dispatcher_alive):
    waiting = arrival()
    Notification.objects.filter(pk=waiting.pk).update(created_at=timezone.now() - timedelta(minutes=10))

    answer = readyz(client)

    assert answer.status_code == 503
    lag = answer.json()["checks"]["outbox_lag"]
    assert lag["ok"] is False and 599 <= lag["value"] <= 610 and lag["threshold"] == 120


def test_a_fresh_undelivered_notification_is_within_the_lag(client, regions, dispatcher_alive):
    arrival()

    lag = readyz(client).json()["checks"]["outbox_lag"]

    assert lag["ok"] is True and 0 <= lag["value"] < 5


def test_an_old_ready_task_fails_the_task_queue_with_its_age(client, dispatcher_alive):
    queued = import_registry_file.enqueue(999_999)
    DBTaskResult.objects.filter(pk=queued.id).update(enqueued_at=timezone.now() - timedelta(minutes=20))

    answer = readyz(client)

    assert answer.status_code == 503
    queue = answer.json()["checks"]["task_queue"]
    assert queue["ok"] is False and 1199 <= queue["value"] <= 1210 and queue["threshold"] == 600


def test_a_task_planned_for_later_waits_from_its_time_not_from_its_queueing(client, dispatcher_alive):
    planned = import_registry_file.using(run_after=timezone.now() - timedelta(seconds=30)).enqueue(999_999)
    DBTaskResult.objects.filter(pk=planned.id).update(enqueued_at=timezone.now() - timedelta(days=1))

    queue = readyz(client).json()["checks"]["task_queue"]

    assert queue["ok"] is True and 29 <= queue["value"] <= 40


def test_failed_tasks_are_counted_but_do_not_fail_readiness(client, dispatcher_alive):
    fail_a_task()

    answer = readyz(client)

    assert answer.status_code == 200
    assert answer.json()["checks"]["task_queue"]["failed"] == 1


def test_it_needs_no_sign_in_and_tells_nothing_personal(client, regions, dispatcher_alive):
    arrival(name="SITI RAHAYU", nik="3510015507900002")

    answer = readyz(client)

    assert answer.status_code == 200
    assert "SITI" not in answer.content.decode() and "3510015507900002" not in answer.content.decode()


def test_an_unreachable_database_is_a_failing_check_in_words_not_a_server_error():
    # A server of its own whose database is gone (nothing listens on port 1).
    script = (
        "import django; django.setup()\n"
        "from django.test import Client\n"
        "answer = Client().get('/readyz')\n"
        "print(answer.status_code); print(answer.content.decode())\n"
    )
    env = os.environ | {"DATABASE_URL": "postgres://nobody@127.0.0.1:1/gone", "DB_POOL": "0"}
    env.setdefault("DJANGO_SETTINGS_MODULE", "smartkampung.settings")
    done = subprocess.run(  # noqa: S603 - our own script
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=60
    )

    status, body = done.stdout.splitlines()[:2]
    assert status == "503"
    checks = json.loads(body)["checks"]
    assert checks["database"]["ok"] is False and checks["database"]["detail"].startswith("unreachable")
    assert checks["outbox_lag"] == {"ok": False, "value": None, "detail": "not checked: the database is unreachable"}
