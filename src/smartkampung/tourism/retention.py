"""Retention (core.retention) of the tourism module: visits are deleted RETENTION_DAYS["tourism_visits"] days after
the check-in (they name nobody, but are kept no longer than the occupancy figures need); a violation reporter's
phone or e-mail is removed RETENTION_DAYS["reports"] days after the report was closed (upheld or dismissed; the
report and its outcome stay)."""

from django.utils.translation import gettext_lazy as _

from smartkampung.core import retention
from smartkampung.tourism.models import Violation, Visit

CLOSED = (Violation.Status.UPHELD, Violation.Status.DISMISSED)


def _visits_due(cutoff):
    return Visit.objects.filter(checked_in_at__lt=cutoff)


def delete_visits(cutoff) -> int:
    return retention.delete_in_batches(_visits_due(cutoff))


def _contacts_due(cutoff):
    return Violation.objects.filter(status__in=CLOSED, closed_at__lt=cutoff).exclude(reporter_contact="")


def remove_reporter_contacts(cutoff) -> int:
    return retention.update_in_batches(_contacts_due(cutoff), reporter_contact="")


retention.register(
    retention.Rule(
        code="tourism_visits",
        label=_("tourists' visits (check-in and check-out)"),
        what=retention.DELETED,
        count=lambda cutoff: _visits_due(cutoff).count(),
        apply=delete_visits,
        order=90,
    )
)
retention.register(
    retention.Rule(
        code="reports",
        label=_("reporters' phones and contacts on decided aid and tourism reports"),
        what=retention.ANONYMISED,
        count=lambda cutoff: _contacts_due(cutoff).count(),
        apply=remove_reporter_contacts,
        order=70,
    )
)
