"""Shared infrastructure tables."""

from django.db import models


class RateCounter(models.Model):
    """Requests of one client in one time window, counted in the database so that the limit holds
    across every server process (and across machines sharing the database)."""

    key = models.CharField(max_length=200)
    window_start = models.BigIntegerField()  # seconds since the epoch
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["key", "window_start"], name="ratecounter_key_window")]
        indexes = [models.Index(fields=["window_start"], name="ratecounter_window")]

    def __str__(self) -> str:
        return f"{self.key}@{self.window_start}: {self.count}"


class WorkerHeartbeat(models.Model):
    """The last sign of life of one background worker process: written every few seconds from the worker's main
    loop (one upsert), read by /readyz and /metrics. Rows of processes that died are pruned by the beats of the
    living (`core.health.beat`)."""

    worker = models.CharField(max_length=40)  # what the process does, e.g. "notifications"
    hostname = models.CharField(max_length=255)
    pid = models.PositiveIntegerField()
    started_at = models.DateTimeField()
    beat_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["worker", "hostname", "pid"], name="heartbeat_one_per_process"),
            models.CheckConstraint(condition=~models.Q(worker=""), name="heartbeat_worker_named"),
        ]
        indexes = [models.Index(fields=["worker", "-beat_at"], name="heartbeat_worker_latest")]

    def __str__(self) -> str:
        return f"{self.worker} {self.hostname}:{self.pid} @ {self.beat_at:%Y-%m-%d %H:%M:%S}"
