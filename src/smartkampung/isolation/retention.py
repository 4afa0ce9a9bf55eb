"""Retention (core.retention): bed reservations that ended (checked out, lapsed, cancelled, or held past their hold)
are deleted RETENTION_DAYS["reservations"] days after their hold ended, or after the guest checked out when that
was later. A guest still checked in is never touched."""

from django.utils.translation import gettext_lazy as _

from smartkampung.core import retention
from smartkampung.isolation.models import Reservation


def _due(cutoff):
    # A stay ends at check-out, which may be long after the hold: counted from the later of the two.
    return (
        Reservation.objects.filter(hold_until__lt=cutoff)
        .exclude(status=Reservation.Status.CHECKED_IN)
        .exclude(checked_out_at__gte=cutoff)
    )


retention.register(
    retention.Rule(
        code="reservations",
        label=_("isolation bed reservations that ended"),
        what=retention.DELETED,
        count=lambda cutoff: _due(cutoff).count(),
        apply=lambda cutoff: retention.delete_in_batches(_due(cutoff)),
        order=40,
    )
)
