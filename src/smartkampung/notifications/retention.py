"""Retention (core.retention): the people named in notifications' summaries (name, NIK, phone, address, the message
to the citizen) are removed RETENTION_DAYS["notifications"] days after the notification. The notification stays
(its kind, village, times, who followed it up, its number in the delivery sequence); the pages show the fields
that remain."""

from django.utils.translation import gettext_lazy as _

from smartkampung.core import retention
from smartkampung.notifications.models import Notification

PERSONAL_SUMMARY_KEYS = (
    "name",
    "nik",
    "phone",
    "address",
    "destination_address",
    "origin_address",
    "host_name",
    "citizen_phone",
    "citizen_message",
)


def _due(cutoff):
    return Notification.objects.filter(created_at__lt=cutoff, summary__has_any_keys=PERSONAL_SUMMARY_KEYS)


def remove_names(cutoff) -> int:
    done = 0
    for keys in retention.batches(_due(cutoff)):
        rows = list(Notification.objects.filter(pk__in=keys).only("pk", "summary"))
        for row in rows:
            row.summary = {key: value for key, value in row.summary.items() if key not in PERSONAL_SUMMARY_KEYS}
        done += Notification.objects.bulk_update(rows, ["summary"])
    return done


retention.register(
    retention.Rule(
        code="notifications",
        label=_("people named in notifications: name, NIK, phone, address"),
        what=retention.REDUCED,
        count=lambda cutoff: _due(cutoff).count(),
        apply=remove_names,
        order=50,
    )
)
