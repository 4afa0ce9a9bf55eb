"""A connected stream (ASGI, in this process): new notifications arrive as they are dispatched, each once,
in seq order, only those in the viewer's jurisdiction, and a lost announcement is made good."""

import asyncio
import json

import pytest
from asgiref.sync import async_to_sync, sync_to_async
from django.db import connection
from django.test import AsyncClient

from smartkampung.notifications import live
from smartkampung.notifications.services import dispatch_batch
from smartkampung.notifications.tests.factories import AWAY, HOME, arrival

pytestmark = pytest.mark.django_db


class Reader:
    def __init__(self, response):
        self.chunks = aiter(response.streaming_content)
        self.buffer = ""
        self.events: list[dict] = []

    async def until(self, count: int, timeout: float = 5.0) -> list[dict]:
        async def read():
            while len(self.events) < count:
                self.buffer += (await anext(self.chunks)).decode()
                *blocks, self.buffer = self.buffer.split("\n\n")
                for block in blocks:
                    fields = dict(line.split(": ", 1) for line in block.splitlines() if not line.startswith(":"))
                    if fields.get("event") == "notification":
                        self.events.append({**json.loads(fields["data"]), "sse_id": int(fields["id"])})

        await asyncio.wait_for(read(), timeout)
        return self.events


def announce(dispatched) -> None:
    """What the listener thread does when PostgreSQL delivers the dispatcher's NOTIFY (which a test's
    transaction never commits); on SQLite the dispatcher's on-commit hook did it already."""
    live.hub.post(live.Message(dispatched.first_seq, dispatched.last_seq, dispatched.villages))


def test_a_connected_stream_gets_new_notifications_live_once_each(people, django_capture_on_commit_callbacks):
    arrival(HOME, subject_id=0)
    dispatch_batch()

    def register_more():
        for n, village in enumerate([HOME, AWAY, HOME, HOME], start=1):
            arrival(village, subject_id=n)
        with django_capture_on_commit_callbacks(execute=True):
            dispatched = dispatch_batch()
        if connection.vendor == "postgresql":
            announce(dispatched)

    async def scenario():
        client = AsyncClient()
        await client.aforce_login(people["operator"])
        response = await client.get("/notifications/stream")
        reader = Reader(response)
        await reader.until(1)  # what was there before it connected
        await sync_to_async(register_more)()
        events = await reader.until(4)
        await asyncio.sleep(0.2)  # nothing more comes
        await reader.chunks.aclose()
        return events

    events = async_to_sync(scenario)()

    assert [e["subject_id"] for e in events] == [0, 1, 3, 4]
    assert [e["sse_id"] for e in events] == [e["seq"] for e in events] == [1, 2, 4, 5]
    assert all('class="nt-item' in e["html"] for e in events)


def test_a_lost_announcement_is_made_good_from_the_database(people):
    def register(subject_id):
        arrival(HOME, subject_id=subject_id)
        return dispatch_batch()

    async def scenario():
        client = AsyncClient()
        await client.aforce_login(people["camat"])
        reader = Reader(await client.get("/api/v1/notifications/stream"))
        await asyncio.sleep(0.3)  # connected and caught up (nothing yet)
        await sync_to_async(register)(1)  # its announcement is lost
        second = await sync_to_async(register)(2)
        announce(second)
        events = await reader.until(2)
        await reader.chunks.aclose()
        return events

    events = async_to_sync(scenario)()

    assert [(e["seq"], e["subject_id"]) for e in events] == [(1, 1), (2, 2)]
