"""Web pages of notifications: the live list, its stream, and following a notification up."""

from asgiref.sync import sync_to_async
from django.contrib.auth.decorators import login_required
from django.core.handlers.asgi import ASGIRequest
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.views.decorators.http import require_GET, require_POST

from smartkampung.audit import services as audit
from smartkampung.notifications import live, selectors, services, stream
from smartkampung.notifications.context import live_context


@login_required
@require_GET
def notification_list(request: HttpRequest) -> HttpResponse:
    context = live_context(request)
    shown = [str(entry["item"].id) for entry in context["notifications"]]
    if shown:
        audit.record(action="view", object_type="notification", object_ids=shown)
    return render(request, "notifications/notification_list.html", context)


def _open_stream(request: HttpRequest, user):
    viewer = selectors.viewer_of(user)
    after = min(stream.start_after(request), 2**62)
    if not viewer.sees_nothing:
        audit.record(action="view", object_type="notification", user=user, detail={"stream": True, "after": after})
    access = stream.Access.of(request, user)
    live.release_connection()
    return viewer, after, access


@login_required
@require_GET
async def notification_stream(request: HttpRequest) -> HttpResponse:
    """Server-Sent Events for the page: each event carries the list item as HTML."""
    user = await request.auser()
    # Without ASGI (a WSGI server, the test client) a stream cannot stay open: answer what is there.
    once = request.GET.get("once") == "1" or not isinstance(request, ASGIRequest)
    viewer, after, access = await sync_to_async(_open_stream)(request, user)
    events = stream.events(viewer=viewer, after=after, access=access, language=get_language(), once=once)
    return stream.response(await stream.collect(events) if once else events)


@login_required
@require_POST
def acknowledge(request: HttpRequest, pk: int) -> HttpResponse:
    notification = selectors.visible_notification(request.user, pk)
    if notification is None:
        raise Http404
    services.acknowledge_notification(user=request.user, notification=notification)
    if request.headers.get("HX-Request") == "true":
        item = selectors.item(pk)
        return render(request, "notifications/_item.html", selectors.viewer_of(request.user).item_context(item))
    return redirect("notifications:notification_list")
