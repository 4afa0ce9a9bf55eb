"""Where the aid pages are, for links made outside a request (the alarm's notification, the dashboard's panel)."""

from django.urls import reverse
from django.utils.http import urlencode


def conflicts_url(village_code: str = "") -> str:
    """Where the open conflicts (of a village) are resolved."""
    query = urlencode({"status": "open", **({"village": village_code} if village_code else {})})
    return f"{reverse('aid:conflicts')}?{query}"


def conflict_url(pk: int) -> str:
    """One conflict, with its buttons."""
    return reverse("aid:conflict", kwargs={"pk": pk})
