"""Admission: how many requests a web process works on at once, and an honest "busy" beyond that.

Django runs each request's view in a thread of its own; with no bound, a burst of registrations puts dozens
of threads in one process, all wanting Python's one interpreter lock, and the live streams' reads (one
thread per process, notifications.live.db) wait behind all of them: every request slows down and nothing
says so. So at most WEB_CONCURRENT_REQUESTS requests of a process are inside Django at once; the others wait their
turn in the event loop (no thread, no database connection). One that would wait longer than
OVERLOAD_WAIT_SECONDS, or that finds OVERLOAD_QUEUE requests already waiting, is answered at once with
503 and Retry-After, before Django saw it: nothing of it was done, so sending it again is safe (the
checkpoint desk does so by itself and tells the officer; `bench checkpoint` counts these answers).

Live streams, health checks, metrics and static files are never held back: they are cheap, or they are
how the system is watched, or (a stream) they stay open for minutes.
"""

import asyncio
import json
import math
from collections.abc import Awaitable, Callable
from typing import Any

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _

Scope = dict[str, Any]
Receive = Callable[[], Awaitable[dict]]
Send = Callable[[dict], Awaitable[None]]

# Exactly these paths (a prefix or a suffix would let any address pass: /verify/stream, /healthzX …).
EXEMPT_PATHS = frozenset({"/healthz", "/readyz", "/metrics", "/api/v1/notifications/stream", "/notifications/stream"})
# Answered by whitenoise from memory, never by a view.
STATIC_PREFIX = "/static/"
# Marks admission's own 503 (nothing done), which the desk may send again; a 503 from elsewhere is not.
BUSY_HEADER = b"x-smartkampung-busy"


def exempt(path: str) -> bool:
    return path in EXEMPT_PATHS or path.startswith(STATIC_PREFIX)


class Admission:
    """ASGI wrapper around the Django application (smartkampung.asgi)."""

    def __init__(self, app, *, concurrency: int | None = None, queue: int | None = None, wait: float | None = None):
        self.app = app
        self.concurrency = concurrency or settings.WEB_CONCURRENT_REQUESTS
        self.queue = settings.OVERLOAD_QUEUE if queue is None else queue
        self.wait = settings.OVERLOAD_WAIT_SECONDS if wait is None else wait
        self.waiting = 0
        self.rejected = 0
        self._slots: asyncio.Semaphore | None = None  # made in the server's event loop, on first use

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or exempt(scope.get("path", "")):
            await self.app(scope, receive, send)
            return
        if self._slots is None:
            self._slots = asyncio.Semaphore(self.concurrency)
        slots = self._slots
        if slots.locked():
            if self.waiting >= self.queue:
                await self._busy(scope, send)
                return
            self.waiting += 1
            try:
                await asyncio.wait_for(slots.acquire(), timeout=self.wait)
            except TimeoutError:
                await self._busy(scope, send)
                return
            finally:
                self.waiting -= 1
        else:
            await slots.acquire()
        try:
            await self.app(scope, receive, send)
        finally:
            slots.release()

    async def _busy(self, scope: Scope, send: Send) -> None:
        self.rejected += 1
        retry = max(1, math.ceil(self.wait))
        with translation.override(_language(scope)):
            detail = _("The server is busy. Nothing was saved: send it again in %(seconds)s s.") % {"seconds": retry}
        if scope.get("path", "").startswith("/api/"):
            body, kind = json.dumps({"detail": detail}).encode(), b"application/json"
        else:
            body, kind = detail.encode(), b"text/plain; charset=utf-8"
        await send(
            {
                "type": "http.response.start",
                "status": 503,
                "headers": [
                    (b"content-type", kind),
                    (b"content-length", str(len(body)).encode()),
                    (b"retry-after", str(retry).encode()),
                    (b"cache-control", b"no-store"),
                    (BUSY_HEADER, b"1"),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})


def _language(scope: Scope) -> str:
    """English for a client that asks for it first, else the site's language (Indonesian)."""
    for name, value in scope.get("headers", []):
        if name == b"accept-language":
            return "en" if value.decode("latin-1").strip().lower().startswith("en") else settings.LANGUAGE_CODE
    return settings.LANGUAGE_CODE
