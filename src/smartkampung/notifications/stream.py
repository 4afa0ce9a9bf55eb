"""The live stream (Server-Sent Events) shared by the page's /notifications/stream and the API's.

Each event's `id:` is the notification's seq. A client that reconnects sends the last one back
(`Last-Event-ID`, which EventSource does by itself) and gets exactly what came after it; the page also
drops an event whose notification it already shows.
"""

import asyncio
import json
import random
from collections.abc import AsyncIterator
from dataclasses import dataclass
from importlib import import_module

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.crypto import constant_time_compare

from smartkampung.accounts.selectors import rights_fingerprint
from smartkampung.notifications import live
from smartkampung.notifications.selectors import Item, Viewer, last_seq, stream_after

CATCH_UP_ROWS = 200
RETRY_MILLISECONDS = 3000


def start_after(request: HttpRequest) -> int:
    """Where the client stands: `Last-Event-ID` (a reconnection) wins over `?after=`."""
    for value in (request.headers.get("Last-Event-ID"), request.GET.get("after")):
        try:
            return max(0, int(value or ""))
        except ValueError:
            continue
    return 0


def _rights(user) -> tuple:
    """What decides a user's streams: administrator or not, and every role with its place."""
    return rights_fingerprint(user)


@dataclass(frozen=True)
class Access:
    """The access a stream was opened with: the session (or API key) and the user's rights at that moment.
    The stream looks again every heartbeat and ends when any of it changed (sign-out, deactivation, a role
    given or taken, a revoked key); the client then reconnects with what it may see now, or not at all."""

    user_id: int
    session_key: str | None
    api_key: str | None
    rights: tuple

    @classmethod
    def of(cls, request: HttpRequest, user) -> "Access":
        api_key = getattr(request, "api_key", None)
        session_key = None if api_key else getattr(getattr(request, "session", None), "session_key", None)
        return cls(user_id=user.pk, session_key=session_key, api_key=api_key, rights=_rights(user))

    def holds(self) -> bool:
        """Still signed in the same way, with the same rights (database reads: run it through `live.db`)."""
        user = get_user_model().objects.filter(pk=self.user_id, is_active=True).first()
        if user is None or _rights(user) != self.rights:
            return False
        if self.api_key:
            from smartkampung.accounts.services import user_for_api_key

            holder = user_for_api_key(self.api_key)
            return holder is not None and holder.pk == self.user_id
        if self.session_key:
            session = import_module(settings.SESSION_ENGINE).SessionStore(session_key=self.session_key)
            if session.get(SESSION_KEY) != str(self.user_id) or BACKEND_SESSION_KEY not in session:
                return False
            return constant_time_compare(session.get(HASH_SESSION_KEY, ""), user.get_session_auth_hash())
        return True


def render_item(item: Item, viewer: Viewer) -> str:
    return render_to_string("notifications/_item.html", viewer.item_context(item))


def _event(item: Item, viewer: Viewer, language: str | None) -> str:
    data = item.as_json()
    if language:
        with translation.override(language):
            data["html"] = render_item(item, viewer)
    return f"id: {item.seq}\nevent: notification\ndata: {json.dumps(data, separators=(',', ':'))}\n\n"


async def events(
    *, viewer: Viewer, after: int, access: Access | None = None, language: str | None = None, once: bool = False
) -> AsyncIterator[str]:
    """The stream of the viewer's notifications after seq `after`; with `once`, only what is there now.
    `language` set: each event carries its list item as HTML in that language (for the page). `access`:
    looked at again every heartbeat (before delivering, and while waiting); the stream ends once it is gone."""
    yield f"retry: {RETRY_MILLISECONDS}\n\n"
    if once:
        position, upto = after, await live.db(last_seq)
        while True:
            rows = await live.db(stream_after, viewer, after=position, upto=upto, limit=CATCH_UP_ROWS)
            for row in rows:
                yield _event(row, viewer, language)
            if len(rows) < CATCH_UP_ROWS:
                return
            position = rows[-1].seq
    loop = asyncio.get_running_loop()
    heartbeat = settings.NOTIFY_HEARTBEAT_SECONDS
    deadline = loop.time() + settings.NOTIFY_STREAM_MAX_SECONDS
    # The last heartbeat (the access was looked at then). Each stream's beats start at a random phase: streams
    # opened together (a restart's reconnections) would otherwise all look at their access in the same second,
    # and their reads (one thread per process, `live.db`) would hold up the hub's delivery for that long.
    beat = loop.time() - random.uniform(0, heartbeat)
    subscriber = live.hub.subscribe(viewer)
    try:
        while True:
            if loop.time() - beat >= heartbeat - 0.01:
                if access is not None and not await live.db(access.holds):
                    return  # signed out, deactivated, rights changed: nothing more on this stream
                beat = loop.time()
            if subscriber.pending:
                rows, subscriber.pending = subscriber.pending, []
                for row in rows:
                    yield _event(row, viewer, language)
                continue
            if subscriber.catching_up or subscriber.gap:
                # Read what this stream may lack from the database, up to the committed cursor; what the
                # hub announces meanwhile waits in the subscriber until the read is done.
                subscriber.catching_up, subscriber.gap = True, False
                start = after if subscriber.position is None else subscriber.position
                upto = await live.db(last_seq)
                rows = await live.db(stream_after, viewer, after=start, upto=upto, limit=CATCH_UP_ROWS)
                more = len(rows) == CATCH_UP_ROWS
                subscriber.caught_up(rows[-1].seq if more else upto)
                subscriber.gap = subscriber.gap or more
                for row in rows:
                    yield _event(row, viewer, language)
                continue
            remaining = deadline - loop.time()
            if remaining <= 0:
                return  # the client reconnects (and its rights are looked at again)
            subscriber.wake.clear()
            try:
                await asyncio.wait_for(
                    subscriber.wake.wait(), timeout=max(0, min(beat + heartbeat - loop.time(), remaining))
                )
            except TimeoutError:
                yield ": keepalive\n\n"
    finally:
        live.hub.unsubscribe(subscriber)


async def collect(stream: AsyncIterator[str]) -> str:
    return "".join([chunk async for chunk in stream])


def response(stream: AsyncIterator[str] | str) -> HttpResponse:
    """The stream, or (a `once` stream, already collected) its whole text."""
    content_type = "text/event-stream; charset=utf-8"
    if isinstance(stream, str):
        answer = HttpResponse(stream, content_type=content_type)
    else:
        answer = StreamingHttpResponse(stream, content_type=content_type)
    answer["Cache-Control"] = "no-cache"
    answer["X-Accel-Buffering"] = "no"  # a reverse proxy must not hold events back
    return answer
