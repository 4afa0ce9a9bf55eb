"""A live stream ends when the access it was opened with ends: sign-out, deactivation, a role taken away, a
revoked API key. It looks every heartbeat, so it delivers nothing after that."""

import asyncio
import contextlib
import json

import pytest
from asgiref.sync import async_to_sync, sync_to_async
from django.db import connection
from django.test import AsyncClient

from smartkampung.accounts.models import RoleAssignment
from smartkampung.accounts.services import create_api_token, remove_role, revoke_api_token, set_user_active
from smartkampung.notifications.services import dispatch_batch
from smartkampung.notifications.tests.factories import HOME, arrival
from smartkampung.notifications.tests.test_live_stream import announce

pytestmark = pytest.mark.django_db
HEARTBEAT = 1


@pytest.fixture(autouse=True)
def short_heartbeat(settings):
    settings.NOTIFY_HEARTBEAT_SECONDS = HEARTBEAT


class Collector:
    """Reads a stream in a task of its own until it ends (a timeout never cancels the stream itself)."""

    def __init__(self, response):
        self.text = ""
        self.closed = asyncio.Event()
        self.task = asyncio.get_running_loop().create_task(self._read(response.streaming_content))

    async def _read(self, chunks):
        async for chunk in chunks:
            self.text += chunk.decode()
        self.closed.set()

    @property
    def subjects(self) -> list[int]:
        return [
            json.loads(line[len("data: ") :])["subject_id"]
            for line in self.text.splitlines()
            if line.startswith("data: ")
        ]

    async def until(self, count: int, timeout: float = 5.0) -> list[int]:
        deadline = asyncio.get_running_loop().time() + timeout
        while len(self.subjects) < count and asyncio.get_running_loop().time() < deadline:
            await asyncio.sleep(0.02)
        return self.subjects

    async def ends_within(self, seconds: float) -> bool:
        try:
            await asyncio.wait_for(asyncio.shield(self.closed.wait()), seconds)
        except TimeoutError:
            return False
        return True

    async def stop(self) -> None:
        self.task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self.task


def register(subject_id: int) -> None:
    arrival(HOME, subject_id=subject_id)
    dispatched = dispatch_batch()
    if connection.vendor == "postgresql":
        announce(dispatched)


def revoke_all(user) -> None:
    for token in user.api_tokens.all():
        revoke_api_token(token=token)


def remove_all_roles(user) -> None:
    for assignment in RoleAssignment.objects.filter(user=user):
        remove_role(assignment=assignment)


async def open_stream(user, path: str, *, token: bool):
    client, headers = AsyncClient(), {}
    if token:
        _token, key = await sync_to_async(create_api_token)(user=user, name="dashboard")
        headers = {"Authorization": f"Bearer {key}"}
    else:
        await client.aforce_login(user)
    reader = Collector(await client.get(path, headers=headers))
    await sync_to_async(register)(1)
    assert await reader.until(1) == [1]  # it works, and delivers live
    return client, reader


def end_access(how: str, client, user):
    async def sign_out():
        await client.post("/accounts/logout/")

    return {
        "sign-out": sign_out,
        "deactivation": sync_to_async(lambda: set_user_active(user=user, active=False)),
        "role removed": sync_to_async(lambda: remove_all_roles(user)),
        "key revoked": sync_to_async(lambda: revoke_all(user)),
    }[how]


CASES = [
    ("sign-out", "/notifications/stream", False),
    ("sign-out", "/api/v1/notifications/stream", False),
    ("deactivation", "/notifications/stream", False),
    ("deactivation", "/api/v1/notifications/stream", True),
    ("role removed", "/api/v1/notifications/stream", False),
    ("role removed", "/api/v1/notifications/stream", True),
    ("key revoked", "/api/v1/notifications/stream", True),
]


@pytest.mark.parametrize(("how", "path", "token"), CASES)
def test_a_stream_ends_within_a_heartbeat_once_its_access_ends(people, how, path, token):
    user = people["operator"]

    async def scenario():
        client, reader = await open_stream(user, path, token=token)
        await end_access(how, client, user)()
        closed = await reader.ends_within(HEARTBEAT + 1.5)
        await sync_to_async(register)(2)
        await asyncio.sleep(0.3)
        await reader.stop()
        return closed, reader.subjects

    closed, subjects = async_to_sync(scenario)()

    assert closed
    assert subjects == [1]  # nothing after


@pytest.mark.parametrize("token", [False, True])
def test_a_stream_whose_access_holds_stays_open_across_heartbeats(people, token):
    user = people["operator"]

    async def scenario():
        _client, reader = await open_stream(user, "/api/v1/notifications/stream", token=token)
        closed = await reader.ends_within(HEARTBEAT * 2.5)
        await sync_to_async(register)(2)
        subjects = await reader.until(2)
        await reader.stop()
        return closed, subjects, reader.text

    closed, subjects, text = async_to_sync(scenario)()

    assert not closed
    assert ": keepalive" in text
    assert subjects == [1, 2]
