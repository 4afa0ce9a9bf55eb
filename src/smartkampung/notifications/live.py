"""Getting notifications to the live streams of every web process.

- The outbox wakes the dispatcher when a registration commits: on PostgreSQL with `NOTIFY sk_outbox`
  (sent after the writer's commit; the `notify_worker` process LISTENs), on the embedded SQLite by
  waking the dispatcher thread inside the web process.
- A dispatched batch announces its seq range and villages: on PostgreSQL with `NOTIFY sk_stream` in the
  dispatcher's transaction, which every web process's one listener thread hears; on SQLite straight to
  the process's hub after commit.
- Each web process has one `Hub`. For each announcement it reads the batch once, and hands every
  stream the rows its viewer may see (an in-memory check per stream). A stream that may have missed
  something (it just connected, or the hub saw a gap) reads what it lacks from the database by seq.
  A watchdog compares the hub with the committed cursor every heartbeat, so a lost announcement
  delays a notification by at most that, and never loses it.
"""

import asyncio
import contextlib
import contextvars
import json
import logging
import os
import threading
import time
from dataclasses import dataclass

from asgiref.sync import sync_to_async
from django.conf import settings
from django.db import close_old_connections, connection, connections, transaction

logger = logging.getLogger(__name__)

OUTBOX_CHANNEL = "sk_outbox"
STREAM_CHANNEL = "sk_stream"
# Set by `smartkampung run` on SQLite: web processes then run the dispatcher themselves.
IN_PROCESS_ENV = "SMARTKAMPUNG_NOTIFY_IN_PROCESS"
# The largest seq range the hub reads at once.
HUB_CHUNK = 2000


def uses_listen_notify() -> bool:
    return connection.vendor == "postgresql"


def in_process_dispatch() -> bool:
    return os.environ.get(IN_PROCESS_ENV) == "1"


# ---------------------------------------------------------------- called by the services


def _wake_by_notify() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_notify(%s, '')", [OUTBOX_CHANNEL])


def outbox_written() -> None:
    """Wake the dispatcher when the current transaction commits (never before: it would find nothing).

    On PostgreSQL the NOTIFY is sent after the commit, in a transaction of its own, not in the writer's: a
    transaction that notifies holds one lock for the whole database from its commit until its commit record is
    on disk, so notifying inside every registration would put all of them in single file behind the disk
    (measured: ~70 registrations/s on this machine, its cores half idle). Alone, the NOTIFY writes nothing and
    waits for no disk. Should the process die between the two, the dispatcher still finds the row within
    its poll_seconds."""
    if uses_listen_notify():
        # robust: the writer's transaction has committed; a failed wake-up must not turn its answer into an
        # error (the dispatcher's poll finds the row anyway).
        transaction.on_commit(_wake_by_notify, robust=True)
    elif in_process_dispatch():
        transaction.on_commit(wake_dispatcher)


def batch_dispatched(*, first: int, last: int, villages) -> None:
    """Announce a dispatched batch to the live streams when the dispatcher's transaction commits."""
    payload = json.dumps({"a": first, "b": last, "v": list(villages)}, separators=(",", ":"))
    if len(payload) > 7900:  # PostgreSQL's NOTIFY payload limit is 8000 bytes: every stream then looks
        payload = json.dumps({"a": first, "b": last, "v": None})
    if uses_listen_notify():
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_notify(%s, %s)", [STREAM_CHANNEL, payload])
    else:
        message = parse(payload)
        transaction.on_commit(lambda: hub.post(message))


# ---------------------------------------------------------------- messages


@dataclass(frozen=True)
class Message:
    """Notifications first..last (seq) were committed; `villages` None means unknown (look at all)."""

    first: int
    last: int
    villages: tuple[str, ...] | None


RESYNC = object()  # "compare with the committed cursor"


def parse(payload: str) -> Message | None:
    try:
        data = json.loads(payload)
        villages = None if data.get("v") is None else tuple(data["v"])
        return Message(int(data["a"]), int(data["b"]), villages)
    except (ValueError, KeyError, TypeError):
        logger.warning("ignoring a malformed stream announcement: %r", payload[:200])
        return None


# ---------------------------------------------------------------- database access from the event loop


def _read(fn, *args, **kwargs):
    # Recycle a connection that broke or grew old (outside tests' transactions, which must stay open).
    if not connection.in_atomic_block:
        close_old_connections()
    return fn(*args, **kwargs)


async def db(fn, *args, **kwargs):
    """Run a read in the process's one thread for stream reads, not in the request's thread: a process
    then holds one database connection for all its streams instead of one per stream. (In tests, whose
    event loop runs inside async_to_sync, it is the test's own thread and connection.)"""
    call = sync_to_async(_read, thread_sensitive=True)(fn, *args, **kwargs)
    return await asyncio.get_running_loop().create_task(call, context=contextvars.Context())


def release_connection() -> None:
    """Close this thread's connection before a long stream (see `db`)."""
    if not connection.in_atomic_block:
        connection.close()


# ---------------------------------------------------------------- the hub


# The route of a stream that sees every village (the whole deployment).
EVERY_VILLAGE = "*"


def _routes(viewer) -> set[str]:
    """The codes under which the hub files a stream: those of every place it sees notifications of (villages,
    kecamatan, regencies; EVERY_VILLAGE for the whole deployment). Over-approximates `Viewer.sees`, which every
    row is still put through: the read scope (escalations: its kecamatan), the regency-wide one, and the kinds
    seen beyond the read scope."""
    keys: set[str] = set()
    for scope in (viewer.read, viewer.wide, *(scope for _kind, scope in viewer.everywhere)):
        if scope.everything:
            return {EVERY_VILLAGE}
        keys |= scope.villages | scope.districts | scope.regencies
    return keys


class Subscriber:
    """One live stream: its viewer, how far it is complete (`position`, a seq), and what is waiting."""

    def __init__(self, viewer):
        self.viewer = viewer
        self.position: int | None = None
        self.catching_up = True
        self.gap = False
        self.pending: list = []
        self.buffered: list[tuple[Message, list]] = []
        self.wake = asyncio.Event()

    def offer(self, message: Message, rows: list) -> None:
        if self.catching_up or self.position is None:
            # The database read under way may end before or after this batch: keep it, and apply it
            # once the read has set the position (`caught_up`). Marking a gap instead would send every
            # stream back to the database on every batch while many streams connect at once.
            self.buffered.append((message, rows))
            return
        if message.last <= self.position:
            return
        elif message.first > self.position + 1:
            self.gap = True
        else:
            fresh = [row for row in rows if row.seq > self.position and self.viewer.sees(row)]
            self.position = message.last
            if not fresh:
                return
            self.pending.extend(fresh)
        self.wake.set()

    def caught_up(self, position: int) -> None:
        """The database read is complete up to `position`: apply what the hub offered meanwhile."""
        self.position, self.catching_up = position, False
        buffered, self.buffered = self.buffered, []
        for message, rows in buffered:
            self.offer(message, rows)


class Hub:
    """The process's fan-out to its live streams, bound to the event loop serving them."""

    def __init__(self):
        self.loop: asyncio.AbstractEventLoop | None = None
        self.subscribers: set[Subscriber] = set()
        # Subscribers by the codes of the places they see (a village's, a kecamatan's, a regency's, or
        # EVERY_VILLAGE): a batch is read and sifted only for the streams it may concern.
        self.routes: dict[str, set[Subscriber]] = {}
        self.inbox: asyncio.Queue | None = None
        self.high_water: int | None = None
        self._tasks: list[asyncio.Task] = []
        self._threads_started = False
        self._lock = threading.Lock()

    def subscribe(self, viewer) -> Subscriber:
        self._bind()
        subscriber = Subscriber(viewer)
        self.subscribers.add(subscriber)
        for key in _routes(viewer):
            self.routes.setdefault(key, set()).add(subscriber)
        return subscriber

    def unsubscribe(self, subscriber: Subscriber) -> None:
        self.subscribers.discard(subscriber)
        for key in _routes(subscriber.viewer):
            routed = self.routes.get(key)
            if routed is not None:
                routed.discard(subscriber)
                if not routed:
                    del self.routes[key]

    def audience(self, villages) -> set[Subscriber]:
        """The streams a batch of these villages may concern (all that see anything, for unknown villages):
        found by the villages' codes, their kecamatan's and their regency's, never by asking every stream."""
        if villages is None:
            return {s for s in self.subscribers if not s.viewer.sees_nothing}
        found = set(self.routes.get(EVERY_VILLAGE, ()))
        for code in villages:
            for key in (code, code[:6], code[:4]):
                found.update(self.routes.get(key, ()))
        return found

    def post(self, message) -> None:
        """Hand a message to the hub from any thread."""
        loop = self.loop
        if message is None or loop is None or loop.is_closed():
            return
        with contextlib.suppress(RuntimeError):  # the loop closed meanwhile
            loop.call_soon_threadsafe(self._put, loop, message)

    def _put(self, loop, message) -> None:
        if loop is self.loop and self.inbox is not None:
            self.inbox.put_nowait(message)

    def _bind(self) -> None:
        loop = asyncio.get_running_loop()
        if self.loop is loop:
            return
        # A new event loop (a test's async_to_sync, or a server restarted in-process): start afresh.
        for task in self._tasks:
            task.cancel()
        self.loop, self.subscribers, self.inbox, self.high_water = loop, set(), asyncio.Queue(), None
        self.routes = {}
        context = contextvars.Context()
        self._tasks = [
            loop.create_task(self._consume(), context=context),
            loop.create_task(self._watchdog(), context=context),
        ]
        self._start_threads()

    def _start_threads(self) -> None:
        with self._lock:
            if self._threads_started:
                return
            self._threads_started = True
        if uses_listen_notify():
            threading.Thread(target=listen_forever, args=(self,), name="sk-stream-listener", daemon=True).start()
        if in_process_dispatch():
            start_in_process_dispatcher()

    async def _watchdog(self) -> None:
        # Without LISTEN/NOTIFY another process's batches reach this one only through here.
        interval = settings.NOTIFY_HEARTBEAT_SECONDS if uses_listen_notify() else 2
        while True:
            self.inbox.put_nowait(RESYNC)
            await asyncio.sleep(interval)

    async def _consume(self) -> None:
        while True:
            message = await self.inbox.get()
            try:
                await self._handle(message)
            except asyncio.CancelledError:
                raise
            except Exception:
                logger.exception("live notification hub: a message failed; streams will catch up")
                for subscriber in list(self.subscribers):
                    subscriber.gap = True
                    subscriber.wake.set()

    async def _handle(self, message) -> None:
        from smartkampung.notifications.selectors import delivered_between, last_seq

        if message is RESYNC:
            committed = await db(last_seq)
            if self.high_water is None or committed <= self.high_water:
                self.high_water = committed if self.high_water is None else self.high_water
                return
            message = Message(self.high_water + 1, committed, None)
        if self.high_water is None:
            self.high_water = message.first - 1
        if message.last <= self.high_water:
            return
        first, villages = message.first, message.villages
        if first > self.high_water + 1:  # an announcement went missing: look at the whole range
            first, villages = self.high_water + 1, None
        first = max(first, self.high_water + 1)
        while first <= message.last:
            last = min(message.last, first + HUB_CHUNK - 1)
            chunk = Message(first, last, villages)
            audience = self.audience(villages)
            rows = await db(delivered_between, first, last) if audience else []
            for subscriber in list(self.subscribers):
                # The others only move on past the batch (no row of it is theirs).
                subscriber.offer(chunk, rows if subscriber in audience else [])
            self.high_water, first = last, last + 1


hub = Hub()


# ---------------------------------------------------------------- PostgreSQL: LISTEN


def listen_connection(channel: str):
    """A connection of its own (autocommit), listening on `channel`."""
    wrapper = connections["default"]
    raw = wrapper.get_new_connection(wrapper.get_connection_params())
    raw.autocommit = True
    raw.execute(f"LISTEN {channel}")
    return raw


def listen_forever(target: Hub) -> None:
    """The web process's one listener: every announcement goes to the hub; after a (re)connection the hub
    compares with the cursor, so what was announced while it was away is not missed."""
    backoff = 1.0
    while True:
        raw = None
        try:
            raw = listen_connection(STREAM_CHANNEL)
            target.post(RESYNC)
            backoff = 1.0
            while True:
                for notify in raw.notifies(timeout=60):
                    target.post(parse(notify.payload))
                raw.execute("SELECT 1")  # a quiet minute: make sure the connection still lives
        except Exception:
            logger.warning("live notification listener lost its connection; reconnecting", exc_info=True)
            time.sleep(backoff)
            backoff = min(backoff * 2, 30.0)
        finally:
            if raw is not None:
                with contextlib.suppress(Exception):  # already broken
                    raw.close()


# ---------------------------------------------------------------- SQLite: the dispatcher in the web process

_dispatcher_wake = threading.Event()
_dispatcher_lock = threading.Lock()
_dispatcher_started = False
# The dispatcher's worker (notifications.dispatcher.Worker). The dispatcher builds on this module, so it is
# handed over at start-up (NotificationsConfig.ready) rather than imported: no cycle.
_worker_class = None


def use_worker_class(worker_class) -> None:
    global _worker_class
    _worker_class = worker_class


def wake_dispatcher() -> None:
    start_in_process_dispatcher()
    _dispatcher_wake.set()


def start_in_process_dispatcher() -> None:
    global _dispatcher_started
    with _dispatcher_lock:
        if _dispatcher_started:
            return
        _dispatcher_started = True
    worker = _worker_class(wake=_dispatcher_wake)
    threading.Thread(target=worker.run, name="sk-notify-dispatcher", daemon=True).start()
