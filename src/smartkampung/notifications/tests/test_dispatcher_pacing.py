"""The dispatcher sends at most one batch every NOTIFY_DISPATCH_INTERVAL_MS while writers keep waking it, so that
under load a batch carries several registrations; after a quiet moment it goes at once."""

import time

from smartkampung.notifications.dispatcher import Worker


def woken_worker(*, last_dispatch_ago: float) -> Worker:
    worker = Worker(deliveries=False, interval_seconds=0.3, poll_seconds=5)
    worker.last_dispatch = time.monotonic() - last_dispatch_ago
    worker.wake.set()  # a writer committed (the embedded database's wake-up; PostgreSQL's is a NOTIFY)
    return worker


def seconds_waited(worker: Worker) -> float:
    started = time.monotonic()
    worker._wait(None)
    return time.monotonic() - started


def test_a_wake_up_right_after_a_batch_waits_out_the_interval():
    worker = woken_worker(last_dispatch_ago=0.0)

    assert 0.25 <= seconds_waited(worker) < 2
    assert not worker.wake.is_set()  # the wake-ups heard meanwhile are taken


def test_a_wake_up_after_a_quiet_moment_goes_at_once():
    worker = woken_worker(last_dispatch_ago=10.0)

    assert seconds_waited(worker) < 0.2


def test_stopping_ends_the_pause():
    worker = woken_worker(last_dispatch_ago=0.0)
    worker.stop.set()

    assert seconds_waited(worker) < 0.2
