"""The live stream (Server-Sent Events) shared by the page's /notifications/stream and the API's.

Each event's `id:` is the notification's seq. A client that reconnects sends the last one back
(`Last-Event-ID`, which EventSource does by itself) and gets exactly what came after it; the page also
drops an event whose notification it already shows.
"""

import asyncio
import json
from collections.abc import AsyncIterator

from django.conf import settings
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.template.loader import render_to_string
from django.utils import translation

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


def render_item(item: Item, *, may_acknowledge: bool) -> str:
    return render_to_string("notifications/_item.html", {"item": item, "may_acknowledge": may_acknowledge})


def _event(item: Item, viewer: Viewer, language: str | None) -> str:
    data = item.as_json()
    if language:
        with translation.override(language):
            data["html"] = render_item(item, may_acknowledge=viewer.may_acknowledge(item))
    return f"id: {item.seq}\nevent: notification\ndata: {json.dumps(data, separators=(',', ':'))}\n\n"


async def events(*, viewer: Viewer, after: int, language: str | None = None, once: bool = False) -> AsyncIterator[str]:
    """The stream of the viewer's notifications after seq `after`; with `once`, only what is there now.
    `language` set: each event carries its list item as HTML in that language (for the page)."""
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
    deadline = loop.time() + settings.NOTIFY_STREAM_MAX_SECONDS
    subscriber = live.hub.subscribe(viewer)
    try:
        while True:
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
                    subscriber.wake.wait(), timeout=min(settings.NOTIFY_HEARTBEAT_SECONDS, remaining)
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
