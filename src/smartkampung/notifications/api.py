"""JSON API of notifications (/api/v1/notifications): the list, following one up, and the live stream."""

from asgiref.sync import async_to_sync
from django.core.handlers.asgi import ASGIRequest
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router, Status

from smartkampung.audit import services as audit
from smartkampung.core.paging import window
from smartkampung.core.schemas import Schema
from smartkampung.notifications import live, selectors, services, stream
from smartkampung.notifications.schemas import NotificationErrorOut, NotificationOut, NotificationPage

router = Router(tags=["notifications"])
LARGEST_ID = 2**62


class Filters(Schema):
    open: bool = False
    limit: int = 25
    offset: int = 0


@router.get("", response=NotificationPage, summary="List notifications")
def list_notifications(request: HttpRequest, filters: Query[Filters]):
    """Delivered notifications in the caller's jurisdiction, newest first (`open=true`: only those not yet
    followed up)."""
    found = window(min(filters.offset, 100_000), filters.limit, most=100)
    offset, limit = found.start, found.stop - found.start
    count, items = selectors.list_page(request.user, limit=limit, offset=offset, open_only=filters.open)
    if items:
        audit.record(action="view", object_type="notification", object_ids=[str(i.id) for i in items])
    return {"count": count, "limit": limit, "offset": offset, "items": [NotificationOut.of(i) for i in items]}


@router.post(
    "/{notification_id}/ack",
    response={200: NotificationOut, 403: NotificationErrorOut, 404: NotificationErrorOut},
    summary="Confirm a notification has been followed up",
)
def acknowledge(request: HttpRequest, notification_id: int):
    """Only the village's operator (or the regency administrator) may; idempotent."""
    notification = selectors.visible_notification(request.user, min(max(notification_id, 0), LARGEST_ID))
    if notification is None:
        return Status(404, {"detail": _("Not found.")})
    services.acknowledge_notification(user=request.user, notification=notification)  # may refuse: 403 (api.py)
    return Status(200, NotificationOut.of(selectors.item(notification.pk)))


STREAM_EVENT = {
    "type": "object",
    "properties": {
        "event": {"type": "string", "enum": ["notification"]},
        "id": {"type": "string", "description": "The notification's delivery number `seq`"},
        "data": {"type": "string", "contentMediaType": "application/json", "description": "NotificationOut as JSON"},
        "retry": {"type": "integer"},
    },
}
STREAM_DOC = {
    "responses": {
        200: {
            "description": (
                "Server-Sent Events: one `notification` event per notification (`id:` its delivery number "
                "`seq`, `data:` the notification as JSON), a comment line as a heartbeat. Send the last "
                "`id` back as the `Last-Event-ID` header (or `?after=`) when reconnecting: nothing is "
                "repeated or skipped. The server ends a stream after NOTIFY_STREAM_MAX_SECONDS; reconnect."
            ),
            # OpenAPI 3.1: the schema of an event stream describes one event.
            "content": {"text/event-stream": {"schema": STREAM_EVENT}},
        }
    }
}


@router.get("/stream", summary="Live notifications (Server-Sent Events)", openapi_extra=STREAM_DOC)
def notification_stream(request: HttpRequest, after: int = 0, once: bool = False):
    """The caller's notifications after `after` (or `Last-Event-ID`) as they are delivered. `once=true`
    answers only those already there and ends (so does a server that is not ASGI)."""
    viewer = selectors.viewer_of(request.user)
    start = min(stream.start_after(request), LARGEST_ID)
    if not viewer.sees_nothing:
        audit.record(action="view", object_type="notification", detail={"stream": True, "after": start})
    access = stream.Access.of(request, request.user)
    live.release_connection()
    once = once or not isinstance(request, ASGIRequest)
    events = stream.events(viewer=viewer, after=start, access=access, once=once)
    return stream.response(async_to_sync(stream.collect)(events) if once else events)
