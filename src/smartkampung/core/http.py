"""Small helpers every app's views share, and the one answer to "which address is this client?"."""

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def is_htmx(request: HttpRequest) -> bool:
    """A request made by htmx for a part of the page (not a history restore, which needs the whole page)."""
    headers = request.headers
    return headers.get("HX-Request") == "true" and headers.get("HX-History-Restore-Request") != "true"


def _address(value: str) -> str | None:
    try:
        return str(ipaddress.ip_address(value.strip()))
    except ValueError:
        return None


def client_address(request) -> str | None:
    """The client's address, for the sign-in lockout, the rate limits and the audit log alike.

    The connection's own address (REMOTE_ADDR), unless `TRUSTED_PROXY_COUNT` reverse proxies stand in
    front: then the address the outermost of them saw, counted from the right of X-Forwarded-For (each
    proxy appends the address it was connected from; whatever the client wrote itself is further left
    and never read). Without proxies the header is ignored whoever sends it, localhost included."""
    remote = _address(request.META.get("REMOTE_ADDR") or "")
    proxies = getattr(settings, "TRUSTED_PROXY_COUNT", 0)
    if proxies > 0:
        hops = [hop for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
        if len(hops) >= proxies:
            return _address(hops[-proxies]) or remote
    return remote
