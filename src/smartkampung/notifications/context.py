"""The live list as a part of any page: `{% include "notifications/_live.html" %}` with
`live_context(request)` merged into the page's context (a village dashboard embeds it)."""

from django.http import HttpRequest

from smartkampung.notifications import selectors


def live_context(request: HttpRequest, *, limit: int = 50) -> dict:
    """`notifications` (open ones first, each as notifications/_item.html's context for the user of the
    request) and `notifications_after` (where the stream starts)."""
    # The cursor first: what commits between the two reads comes again by the stream (and the page
    # drops the double), where the other order would lose it.
    after = selectors.last_seq()
    viewer = selectors.viewer_of(request.user)
    items = selectors.recent_for(request.user, limit=limit)
    return {
        "notifications": [viewer.item_context(item) for item in items],
        "notifications_after": after,
        "notifications_open": selectors.open_count(request.user),
    }
