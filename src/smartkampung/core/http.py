"""Small helpers every app's views share."""

from django.http import HttpRequest


def is_htmx(request: HttpRequest) -> bool:
    """A request made by htmx for a part of the page (not a history restore, which needs the whole page)."""
    headers = request.headers
    return headers.get("HX-Request") == "true" and headers.get("HX-History-Restore-Request") != "true"
