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


# The loggers whose lines name a request's address (Django's line about a 4xx or 5xx answer, the development server's
# and uvicorn's access lines): a NIK or KK number in it (/api/v1/residents/{nik}, /api/v1/subject-data/{nik}) is
# written as 16 "#": the request id leads to the audit entry, which names the person where that is needed.
ADDRESS_LOGGERS = frozenset({"django.request", "django.server", "uvicorn.access"})
_SIXTEEN_DIGITS = re.compile(r"(?<![0-9])[0-9]{16}(?![0-9])")
MASKED = "#" * 16


def masked(value):
    return _SIXTEEN_DIGITS.sub(MASKED, value) if isinstance(value, str) else value


class RequestIdFilter(logging.Filter):
    """Puts the current request id (or "-" outside a request) on every log record. Django writes its line about
    an answer of 4xx or 5xx ("Not Found: /x", logger django.request) after the middleware has finished, with the
    request on the record: the id is taken from there. On the lines that name an address, a NIK or KK number in it
    is masked (`ADDRESS_LOGGERS`)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not getattr(record, "request_id", None):
            request = getattr(record, "request", None)
            record.request_id = getattr(request, "request_id", None) or current.get() or "-"
        if record.name in ADDRESS_LOGGERS:
            record.msg = masked(record.msg)
            if isinstance(record.args, tuple):
                record.args = tuple(masked(arg) for arg in record.args)
        return True
