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
