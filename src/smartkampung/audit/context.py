"""Who is acting, from where: set once per request by the middleware, read by audit.services.record."""

from contextvars import ContextVar
from dataclasses import dataclass

from smartkampung.core.http import client_address


@dataclass(frozen=True)
class Actor:
    user: object | None
    ip: str | None
    path: str


current: ContextVar[Actor | None] = ContextVar("smartkampung_audit_actor", default=None)


class AuditContextMiddleware:
    """Remembers the signed-in user, the client address and the path for the audit entries of this request."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = current.set(Actor(user=request.user, ip=client_address(request), path=request.path[:255]))
        try:
            return self.get_response(request)
        finally:
            current.reset(token)
