"""Readiness (`/readyz`, README "Watching it"): named checks, each answering its measured value and its threshold,
and the background workers' heartbeats that some of them read.

A check is registered with `register(name, function)`: core registers the database, the migrations and the task
queue below; an app registers its own from `<app>/metrics.py` (found by core's AppConfig.ready), so core names no
app. A function returns a `Check`; one that raises is a failing check in words (the answer is never a 500). The
answers carry figures and names only, never personal data: load balancers probe /readyz without signing in."""

import datetime as dt
import logging
import os
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor
from django.db.models import Case, Count, F, Max, Min, When
from django.db.models.functions import Greatest
from django.utils import timezone

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Check:
    ok: bool
    value: Any = None  # what was measured (seconds, a count, a word), None when nothing could be measured
    threshold: Any = None  # the limit the value is held to, None for a plain yes/no
    unit: str = ""
    detail: str = ""  # in words, for whoever reads the answer (English: operators' logs and probes)
    extra: dict[str, Any] = field(default_factory=dict)  # figures shown for information, never failing the check

    def as_dict(self) -> dict[str, Any]:
        answer = {"ok": self.ok, "value": self.value}
        for key in ("threshold", "unit", "detail"):
            if getattr(self, key) not in (None, ""):
                answer[key] = getattr(self, key)
        return answer | self.extra


@dataclass(frozen=True)
class _Registered:
    name: str
    function: Callable[[], Check]
    needs_database: bool


_checks: dict[str, _Registered] = {}


def register(name: str, function: Callable[[], Check], *, needs_database: bool = True) -> None:
    """Add a readiness check (once per name: autodiscovery may import a module twice in tests). A check that
    reads the database is not run when the database is unreachable: it fails saying so, without waiting."""
    _checks.setdefault(name, _Registered(name, function, needs_database))


def run_checks() -> tuple[bool, dict[str, dict[str, Any]]]:
    """Every check, in the order registered: (all passed, {name: the check's answer})."""
    answers: dict[str, dict[str, Any]] = {}
    database_ok = True
    for registered in _checks.values():
        if registered.needs_database and not database_ok:
            check = Check(ok=False, detail="not checked: the database is unreachable")
        else:
            try:
                check = registered.function()
            except Exception as exc:
                logger.exception("readiness check %s failed", registered.name)
                check = Check(ok=False, detail=f"the check failed: {type(exc).__name__}")
        if registered.name == "database":
            database_ok = check.ok
        answers[registered.name] = check.as_dict()
    return all(answer["ok"] for answer in answers.values()), answers


def age_check(age: float | None, *, threshold: float, none_ok: bool, none_detail: str) -> Check:
    """A check of an age in seconds against its limit; `age` None is nothing to wait for (`none_ok`) or a
    missing sign of life."""
    if age is None:
        return Check(ok=none_ok, value=None, threshold=threshold, unit="seconds", detail=none_detail)
    return Check(ok=age <= threshold, value=round(age, 1), threshold=threshold, unit="seconds")


def counts_by(queryset, field_name: str, values) -> dict[str, int]:
    """{value: rows of the queryset with it} for each of `values` (0 when none), in one GROUP BY: a series that
    exists even at 0 draws a line, not a gap."""
    counts = dict(queryset.values_list(field_name).annotate(rows=Count("pk")).order_by())
    return {value: counts.get(value, 0) for value in values}


def seconds_since(moment: dt.datetime | None, now: dt.datetime | None = None) -> float | None:
    if moment is None:
        return None
    return max(0.0, ((now or timezone.now()) - moment).total_seconds())


# ---------------------------------------------------------------- the checks core registers


def check_database() -> Check:
    connection = connections[DEFAULT_DB_ALIAS]
    try:
        connection.ensure_connection()
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception as exc:
        logger.warning("readiness: database unreachable (%s)", type(exc).__name__)
        return Check(ok=False, value=connection.vendor, detail=f"unreachable: {type(exc).__name__}")
    return Check(ok=True, value=connection.vendor)


_migrations_applied = False  # once seen applied, they stay so for this process (a new release restarts it)
_migrations_lock = threading.Lock()


def unapplied_migrations() -> int:
    connection = connections[DEFAULT_DB_ALIAS]
    executor = MigrationExecutor(connection)
    return len(executor.migration_plan(executor.loader.graph.leaf_nodes()))


def check_migrations() -> Check:
    global _migrations_applied
    if not _migrations_applied:
        with _migrations_lock:
            unapplied = unapplied_migrations()
            if unapplied:
                return Check(ok=False, value=unapplied, threshold=0, unit="migrations", detail="run migrate")
            _migrations_applied = True
    return Check(ok=True, value=0, threshold=0, unit="migrations")


def oldest_ready_task_age() -> float | None:
    """Seconds the longest-waiting task of the database task queue has been ready to run (a task queued to run
    later counts from then), None when none waits."""
    from django_tasks_db.models import DBTaskResult, get_date_max

    ready_since = Greatest(
        F("enqueued_at"), Case(When(run_after=get_date_max(), then=F("enqueued_at")), default=F("run_after"))
    )
    oldest = DBTaskResult.objects.ready().aggregate(oldest=Min(ready_since))["oldest"]
    return seconds_since(oldest)


def task_counts() -> dict[str, int]:
    """Tasks of the database task queue waiting (READY), running and failed."""
    from django_tasks_db.models import DBTaskResult

    return counts_by(DBTaskResult.objects.all(), "status", ["READY", "RUNNING", "FAILED"])


def check_task_queue() -> Check:
    threshold = settings.READYZ_TASK_AGE_MAX_SECONDS
    check = age_check(oldest_ready_task_age(), threshold=threshold, none_ok=True, none_detail="no task waiting")
    failed = task_counts()["FAILED"]
    # Failed tasks are for the administrator to look at (the import pages show them), not a reason to take the
    # server out of service: counted, never failing the check.
    return Check(
        ok=check.ok,
        value=check.value,
        threshold=threshold,
        unit="seconds",
        detail=check.detail,
        extra={"failed": failed},
    )


# ---------------------------------------------------------------- heartbeats of the background workers

PRUNE_AFTER = dt.timedelta(days=1)  # a process silent this long is dead (restarted with a new pid, or gone)
_PRUNE_EVERY_SECONDS = 600.0
_started_at = timezone.now()
_last_prune = 0.0


def beat(worker: str) -> None:
    """This process is alive and doing `worker`'s work: one upsert of its row (and, every ten minutes, the
    removal of the rows of processes silent for a day)."""
    global _last_prune
    from smartkampung.core.models import WorkerHeartbeat

    now = timezone.now()
    WorkerHeartbeat.objects.bulk_create(
        [
            WorkerHeartbeat(
                worker=worker, hostname=socket.gethostname()[:255], pid=os.getpid(), started_at=_started_at, beat_at=now
            )
        ],
        update_conflicts=True,
        unique_fields=["worker", "hostname", "pid"],
        update_fields=["beat_at"],
    )
    if time.monotonic() - _last_prune >= _PRUNE_EVERY_SECONDS:
        _last_prune = time.monotonic()
        WorkerHeartbeat.objects.filter(worker=worker, beat_at__lt=now - PRUNE_AFTER).delete()


def heartbeat_age(worker: str) -> float | None:
    """Seconds since the freshest beat of any process doing `worker`'s work, None if none ever beat."""
    from smartkampung.core.models import WorkerHeartbeat

    latest = WorkerHeartbeat.objects.filter(worker=worker).aggregate(latest=Max("beat_at"))["latest"]
    return seconds_since(latest)


class Beater:
    """Calls `beat` from a worker's loop at most every `every` seconds; a failed beat is logged, never raised
    (the worker's own work goes on; /readyz will say the heartbeat is late)."""

    def __init__(self, worker: str, *, every: float = 10.0):
        self.worker = worker
        self.every = every
        self.next_at = 0.0

    def __call__(self) -> None:
        if time.monotonic() < self.next_at:
            return
        self.next_at = time.monotonic() + self.every
        try:
            beat(self.worker)
        except Exception:
            logger.warning("heartbeat of %s not written; next try in %s s", self.worker, self.every, exc_info=True)


register("database", check_database, needs_database=False)
register("migrations", check_migrations)
register("task_queue", check_task_queue)
