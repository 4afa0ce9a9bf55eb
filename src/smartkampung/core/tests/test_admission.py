"""Admission (core.admission): a bounded number of requests inside Django per process, a 503 with
Retry-After beyond what can be served in time, and never a held-back live stream or health check."""

import asyncio
import json

from django.test import override_settings

from smartkampung.core.admission import Admission, exempt


class Busy:
    """An application that keeps each request until `release` is set (Django working on a slow request)."""

    def __init__(self):
        self.release = asyncio.Event()
        self.inside = 0
        self.most_inside = 0

    async def __call__(self, scope, receive, send):
        self.inside += 1
        self.most_inside = max(self.most_inside, self.inside)
        try:
            await self.release.wait()
            await send({"type": "http.response.start", "status": 200, "headers": []})
            await send({"type": "http.response.body", "body": b"done"})
        finally:
            self.inside -= 1


async def request(app, path: str, *, language: str = "") -> dict:
    """One HTTP request through `app`: its status, headers and body."""
    headers = [(b"accept-language", language.encode())] if language else []
    scope = {"type": "http", "method": "POST", "path": path, "headers": headers}
    answer: dict = {"body": b""}

    async def receive():
        return {"type": "http.request", "body": b"{}", "more_body": False}

    async def send(message):
        if message["type"] == "http.response.start":
            answer["status"] = message["status"]
            answer["headers"] = dict(message["headers"])
        else:
            answer["body"] += message.get("body", b"")

    await app(scope, receive, send)
    return answer


def test_requests_beyond_the_bound_wait_their_turn_and_all_are_served():
    async def scenario():
        inner = Busy()
        app = Admission(inner, concurrency=2, queue=10, wait=5)
        pending = [asyncio.create_task(request(app, "/api/v1/arrivals")) for _ in range(6)]
        await asyncio.sleep(0.05)
        assert inner.inside == 2 and app.waiting == 4
        inner.release.set()
        answers = await asyncio.gather(*pending)
        return inner, answers

    inner, answers = asyncio.run(scenario())
    assert [a["status"] for a in answers] == [200] * 6
    assert inner.most_inside == 2


def test_a_request_that_would_wait_too_long_gets_503_with_retry_after_in_words():
    async def scenario():
        inner = Busy()
        app = Admission(inner, concurrency=1, queue=10, wait=0.2)
        first = asyncio.create_task(request(app, "/api/v1/arrivals"))
        await asyncio.sleep(0.02)
        refused = await request(app, "/api/v1/arrivals")
        english = await request(app, "/checkpoints/ketapang/", language="en-US,en;q=0.9")
        inner.release.set()
        return await first, refused, english, app

    first, refused, english, app = asyncio.run(scenario())
    assert first["status"] == 200
    assert refused["status"] == 503 and refused["headers"][b"retry-after"] == b"1"
    assert refused["headers"][b"x-smartkampung-busy"] == b"1"  # the desk sends only these again
    assert refused["headers"][b"content-type"] == b"application/json"
    assert "Tidak ada yang disimpan" in json.loads(refused["body"])["detail"]
    assert english["status"] == 503 and english["body"].decode().startswith("The server is busy. Nothing was saved")
    assert app.rejected == 2


def test_a_full_queue_is_refused_at_once():
    async def scenario():
        inner = Busy()
        app = Admission(inner, concurrency=1, queue=1, wait=30)
        first = asyncio.create_task(request(app, "/api/v1/arrivals"))
        second = asyncio.create_task(request(app, "/api/v1/arrivals"))
        await asyncio.sleep(0.02)
        started = asyncio.get_running_loop().time()
        third = await request(app, "/api/v1/arrivals")
        waited = asyncio.get_running_loop().time() - started
        inner.release.set()
        return third, waited, await asyncio.gather(first, second)

    third, waited, served = asyncio.run(scenario())
    assert third["status"] == 503 and waited < 1
    assert [a["status"] for a in served] == [200, 200]


def test_streams_and_health_checks_are_never_held_back():
    async def scenario():
        inner = Busy()
        app = Admission(inner, concurrency=1, queue=0, wait=0.1)
        holding = asyncio.create_task(request(app, "/api/v1/arrivals"))
        await asyncio.sleep(0.02)
        others = [
            asyncio.create_task(request(app, path))
            for path in ("/api/v1/notifications/stream", "/notifications/stream", "/healthz", "/readyz", "/metrics")
        ]
        await asyncio.sleep(0.05)
        inside = inner.inside  # all of them, beside the one holding the only slot
        inner.release.set()
        return inside, await asyncio.gather(holding, *others)

    inside, answers = asyncio.run(scenario())
    assert inside == 6
    assert {a["status"] for a in answers} == {200}


@override_settings(WEB_CONCURRENT_REQUESTS=3, OVERLOAD_WAIT_SECONDS=2.5, OVERLOAD_QUEUE=7)
def test_the_served_application_is_django_behind_admission_with_the_settings_bounds():
    from smartkampung.asgi import application, django_application

    assert isinstance(application, Admission) and application.app is django_application
    fresh = Admission(django_application)
    assert (fresh.concurrency, fresh.wait, fresh.queue) == (3, 2.5, 7)


def test_only_the_streams_and_health_addresses_themselves_are_exempt():
    assert exempt("/api/v1/notifications/stream") and exempt("/healthz") and exempt("/static/core/site.css")
    # Any other address ending in "stream", or beginning like a health check, waits its turn like the rest.
    for path in ("/verify/stream", "/checkpoints/stream/", "/healthzX", "/metrics/../api/v1/residents", "/x/stream"):
        assert not exempt(path), path
