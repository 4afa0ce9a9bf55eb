"""The live server and the browser of the browser tests.

- `LiveServer`: uvicorn serving the ASGI application (the product's, with its async notification stream) from a
  thread of the test process, so it reads the test database the test commits to (pytest-django's
  `transactional_db`; on SQLite the in-memory test database is shared by every connection of the process). Beside
  it the notification dispatcher, woken as in production by the outbox: on SQLite by `live.wake_dispatcher` (the
  embedded set-up's in-process dispatch), on PostgreSQL by LISTEN sk_outbox; the batches reach the live streams on
  SQLite straight through the hub, on PostgreSQL by LISTEN sk_stream (the web process's listener). Unlike the
  production threads these stop with the server, so nothing of them outlives the test.
- `BrowserThread`: Playwright's sync API runs an asyncio event loop in the thread that starts it, and marks it
  as running between calls. In the test's own thread that would make Django refuse ORM calls
  (SynchronousOnlyOperation) and asgiref refuse async_to_sync, for this test and for every later test of the
  same pytest-xdist worker. So Chromium and Playwright live in a thread of their own for the whole session, and
  the tests hold `Remote` proxies whose every call runs there.
"""

import asyncio
import contextlib
import os
import queue
import socket
import threading
from collections.abc import Callable
from concurrent.futures import Future
from typing import Any

from asgiref.sync import sync_to_async
from django.db import connection, connections

from smartkampung.notifications import live

CHROMIUM = os.environ.get("SMARTKAMPUNG_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    # Nothing but the live server: a page that asks the internet (map tiles) gets "not found" at once instead of
    # waiting for a network the CI machine may not have.
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class LiveServer:
    """uvicorn and the notification dispatcher in one thread with one event loop; `stop()` ends both."""

    def __init__(self):
        import uvicorn

        from smartkampung.asgi import application

        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.server = uvicorn.Server(
            uvicorn.Config(
                app=application,
                host="127.0.0.1",
                port=self.port,
                lifespan="off",
                log_level="warning",
                access_log=False,
                proxy_headers=False,
                # Open event streams end with the server instead of holding its shutdown.
                timeout_graceful_shutdown=1,
            )
        )
        self.loop: asyncio.AbstractEventLoop | None = None
        self.failure: BaseException | None = None
        self._stopped = threading.Event()
        self._thread = threading.Thread(target=self._run, name="sk-browser-server", daemon=True)
        self._listener: threading.Thread | None = None

    # ------------------------------------------------------------ life

    def start(self) -> "LiveServer":
        if self._thread.is_alive() or self._stopped.is_set():
            return self
        # The production threads (the hub's listener, the in-process dispatcher) run forever: the caller stops them
        # from starting (conftest's `asgi_server`), and this server brings its own, which stop with it.
        assert live.hub._threads_started and live._dispatcher_started, "keep the production threads from starting"
        if connection.vendor == "postgresql":
            self._listener = threading.Thread(target=self._listen, name="sk-browser-listener", daemon=True)
            self._listener.start()
        self._thread.start()
        while not self.server.started:
            if not self._thread.is_alive():
                raise RuntimeError(f"the live server did not start: {self.failure!r}")
            self._stopped.wait(0.02)
        return self

    def stop(self) -> None:
        if not self._thread.is_alive():
            self._stopped.set()
            return
        self.server.should_exit = True
        self._stopped.set()
        self._thread.join(15)
        if self._listener is not None:
            self._listener.join(5)
        if self._thread.is_alive():
            raise RuntimeError("the live server did not stop within 15 s")

    def _run(self) -> None:
        try:
            asyncio.run(self._serve())
        except BaseException as exc:  # reported by start() or the test
            self.failure = exc

    async def _serve(self) -> None:
        self.loop = asyncio.get_running_loop()
        dispatcher = asyncio.create_task(self._dispatch_when_woken())
        try:
            await self.server.serve()
        finally:
            dispatcher.cancel()
            # The hub's tasks (bound to this loop by the first stream) go with it.
            for task in asyncio.all_tasks() - {asyncio.current_task()}:
                task.cancel()
            # The database reads of the streams and the dispatcher ran in asgiref's one thread for
            # thread-sensitive work: give its connection back (on PostgreSQL the test database is dropped at the
            # end of the session, which an open connection would refuse).
            await sync_to_async(connections.close_all, thread_sensitive=True)()

    # ------------------------------------------------------------ notifications

    async def _dispatch_when_woken(self) -> None:
        """The in-process dispatcher, on this loop: it numbers and announces what the outbox holds whenever a
        registration wakes it (`live.wake_dispatcher`, set on SQLite by the request's commit, on PostgreSQL by
        the listener hearing sk_outbox). Its database work runs in asgiref's thread for thread-sensitive work,
        one at a time with the streams' reads."""
        from smartkampung.notifications.dispatcher import Worker

        worker = Worker(deliveries=False)
        wake = live._dispatcher_wake
        while True:
            while not wake.is_set():
                await asyncio.sleep(0.02)
            wake.clear()
            await sync_to_async(worker.dispatch_all, thread_sensitive=True)()

    def _listen(self) -> None:
        """The web process's listener (`live.listen_forever`), stopping with the server: announcements go to the
        hub, and an outbox write wakes the dispatcher."""
        raw = live.listen_connection(live.STREAM_CHANNEL)
        try:
            raw.execute(f"LISTEN {live.OUTBOX_CHANNEL}")
            while not self._stopped.is_set():
                for notify in raw.notifies(timeout=0.2, stop_after=1):
                    if notify.channel == live.OUTBOX_CHANNEL:
                        live._dispatcher_wake.set()
                    else:
                        live.hub.post(live.parse(notify.payload))
        finally:
            raw.close()


class BrowserThread:
    """Chromium and Playwright in a thread of their own (see the module's docstring); `call` runs a function
    there and returns its result or raises its exception."""

    def __init__(self):
        self._jobs: queue.SimpleQueue = queue.SimpleQueue()
        self._thread = threading.Thread(target=self._work, name="sk-browser-playwright", daemon=True)
        self._thread.start()
        self.browser = self.call(self._launch)

    def _launch(self):
        from playwright.sync_api import sync_playwright

        self._playwright = sync_playwright().start()
        return self._playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)

    def _work(self) -> None:
        while True:
            job = self._jobs.get()
            if job is None:
                return
            function, future = job
            if future.set_running_or_notify_cancel():
                try:
                    future.set_result(function())
                except BaseException as exc:
                    future.set_exception(exc)

    def call(self, function: Callable[[], Any]) -> Any:
        if threading.current_thread() is self._thread:
            return function()
        future: Future = Future()
        self._jobs.put((function, future))
        return future.result()

    def close(self) -> None:
        def shut() -> None:
            with contextlib.suppress(Exception):  # already gone
                self.browser.close()
            self._playwright.stop()

        try:
            self.call(shut)
        finally:
            self._jobs.put(None)
            self._thread.join(30)

    def remote(self, target: Any) -> "Remote":
        return Remote(self, target)


def _is_playwright(value: Any) -> bool:
    return type(value).__module__.startswith("playwright.")


class Remote:
    """A Playwright object held by the test's thread: attributes, calls and results pass through the browser
    thread; Playwright objects come back as `Remote`s, everything else as it is."""

    __slots__ = ("_thread", "_target")

    def __init__(self, thread: BrowserThread, target: Any):
        object.__setattr__(self, "_thread", thread)
        object.__setattr__(self, "_target", target)

    def _wrap(self, value: Any) -> Any:
        if isinstance(value, list):
            return [self._wrap(item) for item in value]
        return Remote(self._thread, value) if _is_playwright(value) else value

    def __getattr__(self, name: str) -> Any:
        value = self._thread.call(lambda: getattr(self._target, name))
        if callable(value) and not _is_playwright(value):

            def method(*args, **kwargs):
                args = [a._target if isinstance(a, Remote) else a for a in args]
                kwargs = {k: v._target if isinstance(v, Remote) else v for k, v in kwargs.items()}
                return self._wrap(self._thread.call(lambda: value(*args, **kwargs)))

            return method
        return self._wrap(value)

    def __repr__(self) -> str:
        return f"Remote({self._target!r})"
