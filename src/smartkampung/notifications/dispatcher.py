"""The dispatcher loop: `smartkampung notify_worker` on PostgreSQL, a thread of the web process on the
embedded SQLite. It numbers and announces outbox rows, escalates what waited too long, and sends the
external deliveries (and runs the periodic jobs of `core.periodic`) in a thread of its own, so a slow or
dead channel never holds up the rest.

Its main loop writes the heartbeat (`core.health`, at most every HEARTBEAT_SECONDS) that /readyz reads: a dispatcher
stuck or dead is seen there, whichever process it ran in."""

import contextlib
import logging
import threading
import time

from django.conf import settings
from django.db import close_old_connections, connections

from smartkampung.core import health, periodic
from smartkampung.notifications import live, services

logger = logging.getLogger(__name__)

ESCALATE_EVERY_SECONDS = 30.0
HEARTBEAT = "notifications"  # the worker's name in core.models.WorkerHeartbeat
HEARTBEAT_SECONDS = 10.0


class Worker:
    def __init__(
        self,
        *,
        batch: int = services.DISPATCH_BATCH,
        hold_seconds: float = 0.0,
        poll_seconds: float = 1.0,
        wake: threading.Event | None = None,
        deliveries: bool = True,
        interval_seconds: float | None = None,
    ):
        self.batch = batch
        self.hold_seconds = hold_seconds
        self.poll_seconds = poll_seconds
        self.wake = wake or threading.Event()
        self.deliveries_due = threading.Event()
        self.with_deliveries = deliveries
        self.stop = threading.Event()
        if interval_seconds is None:
            interval_seconds = settings.NOTIFY_DISPATCH_INTERVAL_MS / 1000
        self.interval_seconds = interval_seconds
        self.last_dispatch = 0.0
        self.beat = health.Beater(HEARTBEAT, every=HEARTBEAT_SECONDS)

    def run(self) -> None:
        if self.with_deliveries:
            threading.Thread(target=self._deliver_forever, name="sk-notify-deliveries", daemon=True).start()
        listener = None
        next_escalation = 0.0
        try:
            while not self.stop.is_set():
                try:
                    if listener is None and live.uses_listen_notify():
                        # Listen before looking, so nothing committed in between goes unheard.
                        listener = live.listen_connection(live.OUTBOX_CHANNEL)
                    close_old_connections()
                    self.beat()
                    self.dispatch_all()
                    if time.monotonic() >= next_escalation:
                        next_escalation = time.monotonic() + ESCALATE_EVERY_SECONDS
                        if services.escalate_due():
                            continue  # dispatch the escalations at once
                    self._wait(listener)
                except Exception:
                    logger.exception("notification dispatcher: retrying in a second")
                    listener = _close(listener)
                    connections.close_all()
                    self.stop.wait(1.0)
        finally:
            _close(listener)
            connections.close_all()

    def dispatch_all(self) -> int:
        started = time.monotonic()
        total = 0
        while not self.stop.is_set():
            dispatched = services.dispatch_batch(limit=self.batch, hold_seconds=self.hold_seconds)
            if dispatched is None:
                break
            total += dispatched.count
            self.beat()  # a long backlog is work, not death
            if dispatched.deliveries:
                self.deliveries_due.set()
            if dispatched.count < self.batch:
                break
        if total:
            self.last_dispatch = started
        return total

    def _wait(self, listener) -> None:
        """Until a writer says it wrote (or poll_seconds pass); then, when the last batch went less than
        interval_seconds ago, until that much has passed, so that what the writers commit meanwhile goes in one
        batch. The wake-ups heard meanwhile are taken, not left to wake the next round for nothing."""
        if listener is not None:
            for _notify in listener.notifies(timeout=self.poll_seconds, stop_after=1):
                pass
        else:
            self.wake.wait(self.poll_seconds)
        pause = self.last_dispatch + self.interval_seconds - time.monotonic()
        if pause > 0:
            self.stop.wait(pause)
        if listener is not None:
            for _notify in listener.notifies(timeout=0):
                pass
        self.wake.clear()

    def _deliver_forever(self) -> None:
        # The thread that talks to the outside world also runs the periodic jobs (report pushes, lapsed
        # holds, dashboard tallies): none of them may hold up numbering and announcing notifications.
        schedule = periodic.Schedule()
        while not self.stop.is_set():
            try:
                close_old_connections()
                schedule.run_due()
                if services.deliver_due() == 0:
                    self.deliveries_due.wait(1.0)
                    self.deliveries_due.clear()
            except Exception:
                logger.exception("notification deliveries: retrying in a few seconds")
                connections.close_all()
                self.stop.wait(5.0)
        connections.close_all()


def _close(listener):
    if listener is not None:
        with contextlib.suppress(Exception):  # already broken
            listener.close()
    return None
