"""The request id: one per request, on every log line written while it is served, in its audit entries and in the
`X-Request-ID` answer header, so a complaint ("it failed at 10:02") leads to the log lines and the audit entry.

Behind the deployment's reverse proxy (`TRUSTED_PROXY_COUNT` > 0) the proxy's id is taken (nginx's `$request_id`,
sent as `X-Request-ID`), so the proxy's access log and ours share it; otherwise, or when the header is not a plain
token, a new one is made: a client never chooses what goes into the audit log."""

import logging
import re
import uuid
from contextvars import ContextVar

from django.conf import settings

current: ContextVar[str] = ContextVar("smartkampung_request_id", default="")

_TOKEN = re.compile(r"[A-Za-z0-9._-]{8,64}")


def new_id() -> str:
    return uuid.uuid4().hex


def request_id_of(request) -> str:
    offered = request.META.get("HTTP_X_REQUEST_ID", "")
    if getattr(settings, "TRUSTED_PROXY_COUNT", 0) > 0 and _TOKEN.fullmatch(offered):
        return offered
    return new_id()


class RequestIdMiddleware:
    """Sets the request id for the request (and whatever runs in its context), and answers it back."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.request_id = request_id_of(request)
        token = current.set(request.request_id)
        try:
            response = self.get_response(request)
        finally:
            current.reset(token)
        response["X-Request-ID"] = request.request_id
        return response


class RequestIdFilter(logging.Filter):
    """Puts the current request id (or "-" outside a request) on every log record. Django writes its line about
    an answer of 4xx or 5xx ("Not Found: /x", logger django.request) after the middleware has finished, with the
    request on the record: the id is taken from there."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not getattr(record, "request_id", None):
            request = getattr(record, "request", None)
            record.request_id = getattr(request, "request_id", None) or current.get() or "-"
        return True
