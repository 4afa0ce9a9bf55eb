"""Who is acting, from where: set once per request by the middleware, read by audit.services.record."""

from contextvars import ContextVar
from dataclasses import dataclass


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
        token = current.set(Actor(user=request.user, ip=client_ip(request), path=request.path[:255]))
        try:
            return self.get_response(request)
        finally:
            current.reset(token)


def client_ip(request) -> str | None:
    from django.conf import settings

    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    proxies = settings.AXES_IPWARE_PROXY_COUNT or 0
    if proxies and forwarded:
        # The address the outermost trusted proxy saw: count from the right, as ipware does.
        hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
        if len(hops) >= proxies:
            return hops[-proxies]
    return request.META.get("REMOTE_ADDR") or None
