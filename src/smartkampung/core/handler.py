"""Django's ASGI handler, with a request's middleware and view run synchronously, in one thread hop.

Django's own ASGI handler builds the middleware chain in async mode: every middleware that can do both (all of
Django's, django-csp's, django-axes's) then runs its `process_request` and `process_response` each in a thread
hop of its own (`MiddlewareMixin.__acall__`), and each request gets a new thread (ThreadSensitiveContext), with
further hops for the request_started signal and for closing the response: some ten hand-overs of Python's one
interpreter lock a request. This project's views are synchronous (their database work is blocking), so here
a request is read on the event loop, then signalled, built, answered by the synchronous chain and closed in
one call on a thread of a standing pool (the one thread also opens and returns its database connection, as
under WSGI), and sent from the event loop. Measured with `smartkampung bench checkpoint`: README "Checkpoint
registrations and live notifications".

What Django's handler does besides is kept: an async view still runs on this event loop (asgiref's
`async_to_sync` from the pool's thread finds it); a streamed body from a synchronous iterator (an export) is
read whole in the thread, as Django's handler reads it (`sync_to_async(list)`); a body from an asynchronous
iterator (a live stream) is sent from the event loop until it ends or the client goes away.
"""

import asyncio
import contextlib
from concurrent.futures import ThreadPoolExecutor

from asgiref.sync import sync_to_async
from django.conf import settings
from django.core import signals
from django.core.exceptions import RequestAborted
from django.core.handlers.asgi import ASGIHandler, get_script_prefix
from django.db import close_old_connections
from django.http import HttpResponseBase
from django.urls import set_script_prefix

from smartkampung.core.admission import exempt


async def _replay(parts: list[bytes]):
    for part in parts:
        yield part


class SyncChainASGIHandler(ASGIHandler):
    """ASGIHandler whose middleware chain is synchronous, entered once per request on a standing thread pool."""

    def __init__(self):
        super().__init__()
        # Admission lets WEB_CONCURRENT_REQUESTS requests in at once. What it lets pass (the live streams, health
        # checks, metrics: any number of them) gets threads of its own, so that it never holds up the others.
        self.pool = ThreadPoolExecutor(
            max_workers=settings.WEB_CONCURRENT_REQUESTS, thread_name_prefix="django-request"
        )
        self.exempt_pool = ThreadPoolExecutor(max_workers=8, thread_name_prefix="django-exempt")

    def load_middleware(self, is_async: bool = False) -> None:
        super().load_middleware(is_async=False)

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            raise ValueError(f"Django can only handle ASGI/HTTP connections, not {scope['type']}.")
        try:
            body_file = await self.read_body(receive)
        except RequestAborted:
            return
        pool = self.exempt_pool if exempt(scope.get("path", "")) else self.pool
        try:
            response, closed = await sync_to_async(self._respond, thread_sensitive=False, executor=pool)(
                scope, body_file
            )
            if response.streaming:
                await self._send_watching(response, send, receive)
            else:
                await self.send_response(response, send)
            if not closed:
                await sync_to_async(response.close, thread_sensitive=False, executor=pool)()
        finally:
            body_file.close()

    def _respond(self, scope, body_file) -> tuple[HttpResponseBase, bool]:
        """In the pool's thread: the request signalled, built and answered; closed (request_finished: the thread's
        database connection goes back) unless its body is still to be streamed. Returns (response, closed)."""
        set_script_prefix(get_script_prefix(scope))
        signals.request_started.send(sender=self.__class__, scope=scope)
        request, response = self.create_request(scope, body_file)
        if request is not None:
            response = self.get_response(request)
        response._handler_class = self.__class__
        if response.streaming and not response.is_async:
            try:
                parts = list(response.streaming_content)
            finally:
                response.close()  # request_finished, even when the export failed half way
            response.streaming_content = _replay(parts)
            return response, True
        if response.streaming:
            close_old_connections()  # the view's connection; the stream reads through its own (live.db)
            return response, False
        response.close()
        return response, True

    async def _send_watching(self, response, send, receive) -> None:
        """Send a streamed body until it ends or the client goes away, whichever comes first (as Django does)."""
        sending = asyncio.create_task(self.send_response(response, send))
        listening = asyncio.create_task(self.listen_for_disconnect(receive))
        await asyncio.wait({sending, listening}, return_when=asyncio.FIRST_COMPLETED)
        for task in (listening, sending):
            if task.done():
                with contextlib.suppress(RequestAborted, asyncio.CancelledError):
                    task.result()
            else:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task
