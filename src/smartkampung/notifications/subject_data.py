"""What the notifications hold about one NIK: the notifications whose summary names the person (a newcomer at the
village, a bed reserved for them, …), as the staff who received them read it, with when each was delivered and
followed up. Not who followed it up: that is the staff's own data (the audit log says which role did)."""

from django.utils.translation import gettext_lazy as _

from smartkampung.core.subject_data import fields, named, plain, register
from smartkampung.notifications import kinds
from smartkampung.notifications.models import Notification

NOTIFICATION_FIELDS = ("subject_type", "created_at", "delivered_at", "acknowledged_at", "escalated_at")


def notifications(nik: str) -> list[dict]:
    rows = Notification.objects.filter(summary__nik=nik).select_related("village").order_by("created_at", "id")
    return [
        {
            "kind": row.kind,
            "kind_display": kinds.label_of(row.kind),
            **fields(row, NOTIFICATION_FIELDS),
            "village": named(row.village),
            "summary": plain(row.summary),
        }
        for row in rows
    ]


register("notifications", _("Notifications to staff naming the person"), notifications, order=70)
