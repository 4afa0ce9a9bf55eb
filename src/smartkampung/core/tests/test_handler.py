"""The served application (smartkampung.asgi): Django's middleware and views run synchronously, entered once per
request from the event loop (core/handler.py), and answer as Django's own ASGI handler does."""

import asyncio
import threading
from inspect import iscoroutinefunction

import pytest

from smartkampung.asgi import application, django_application
from smartkampung.core.handler import SyncChainASGIHandler


async def request(app, path: str) -> dict:
    """One GET through the ASGI application, as uvicorn hands it over: its status and body."""
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "headers": [(b"host", b"localhost")],
        "client": ("127.0.0.1", 50000),
        "server": ("127.0.0.1", 8000),
    }
    answer: dict = {"body": b""}
    asked = False

    async def receive():
        nonlocal asked
        if asked:  # Django listens for the client going away while it works: it stays
            await asyncio.Event().wait()
        asked = True
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message):
        if message["type"] == "http.response.start":
            answer["status"] = message["status"]
        else:
            answer["body"] += message.get("body", b"")

    await app(scope, receive, send)
    return answer


def test_the_served_django_application_builds_its_middleware_chain_synchronously():
    assert isinstance(django_application, SyncChainASGIHandler)
    assert not iscoroutinefunction(django_application._middleware_chain)


@pytest.mark.django_db(transaction=True)  # the view runs in a thread of its own, on a connection of its own
def test_a_request_runs_its_middleware_and_view_in_one_thread_off_the_event_loop_and_an_unknown_address_is_404(
    monkeypatch,
):
    threads = []
    view = django_application.resolve_request

    def resolve_request(request):
        threads.append(threading.get_ident())
        return view(request)

    monkeypatch.setattr(django_application, "resolve_request", resolve_request)

    async def scenario():
        answer = await request(application, "/healthz")
        return answer, threading.get_ident(), await request(application, "/no-such-page/")

    answer, loop_thread, unknown = asyncio.run(scenario())
    assert answer["status"] == 200 and b'"status": "ok"' in answer["body"]
    assert len(threads) == 2 and loop_thread not in threads
    assert unknown["status"] == 404
