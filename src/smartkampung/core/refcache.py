"""Reference data kept in the process for a few seconds: what every request reads and almost nothing
writes (the active checkpoints, the rule in force and those to come).

The registration desk's path reads these on every traveller; read from the database each time they cost
more CPU than the registration itself (README "Checkpoint registrations"). A value lives at most
REFERENCE_CACHE_SECONDS in a process; the service that changes it clears it at once in its own process
(after its transaction commits), so only the other web processes see the old value, and for no longer than
that. Personal data and rights are never kept here: who may do what is read fresh on every request.
"""

import threading
import time
from collections.abc import Callable
from typing import Generic, TypeVar

from django.conf import settings
from django.db import transaction

T = TypeVar("T")

_every: list["Cached"] = []


class Cached(Generic[T]):
    """One value loaded by `load()`, kept for REFERENCE_CACHE_SECONDS."""

    def __init__(self, load: Callable[[], T]):
        self._load = load
        self._held: tuple[float, T] | None = None
        self._generation = 0  # counts clears: a load that began before one does not keep its value
        self._lock = threading.Lock()
        _every.append(self)

    def get(self) -> T:
        held = self._held  # one read: another thread may clear it meanwhile
        if held is not None and held[0] > time.monotonic():
            return held[1]
        with self._lock:
            held = self._held  # another thread may have loaded it while this one waited
            if held is not None and held[0] > time.monotonic():
                return held[1]
            generation = self._generation
            value = self._load()
            if generation == self._generation:
                self._held = (time.monotonic() + settings.REFERENCE_CACHE_SECONDS, value)
        return value

    def clear(self) -> None:
        self._generation += 1
        self._held = None

    def fresh(self) -> T:
        """Read again now (after a miss: a row made a moment ago in another process)."""
        self.clear()
        return self.get()

    def clear_on_commit(self) -> None:
        """Forget the value when the current transaction commits (and now, so that the writer's own later
        reads in the transaction see its change)."""
        self.clear()
        transaction.on_commit(self.clear)


def clear_all() -> None:
    """Forget every cached value (tests start from their own database state)."""
    for cached in _every:
        cached.clear()
