"""Retention (core.retention): an isolation case's identity (name, NIK, phone, where isolating, notes, the link to
the register) and its follow-ups' notes are removed RETENTION_DAYS["health_cases"] days after the case closed. What
the daily reports and tallies count stays (village, kecamatan, Puskesmas, place, dates, outcome, each follow-up's
result, temperature and symptoms); the submitted daily reports are figures and stay as they are."""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from smartkampung.core import retention
from smartkampung.health.models import FollowUp, MonitoringCase

# The name an anonymised case shows.
REMOVED = "—"


def _due(cutoff):
    return MonitoringCase.objects.filter(closed_on__lt=retention.local_day(cutoff), anonymised_at__isnull=True)


def anonymise_cases(cutoff) -> int:
    now = timezone.now()
    done = 0
    for keys in retention.batches(_due(cutoff)):
        FollowUp.objects.filter(case__pk__in=keys).exclude(note="").update(note="")
        done += MonitoringCase.objects.filter(pk__in=keys, anonymised_at__isnull=True).update(
            nik="", name=REMOVED, phone="", address="", note="", resident=None, anonymised_at=now
        )
    return done


retention.register(
    retention.Rule(
        code="health_cases",
        label=_("isolation cases and their follow-ups: name, NIK, phone, address, notes"),
        what=retention.ANONYMISED,
        count=lambda cutoff: _due(cutoff).count(),
        apply=anonymise_cases,
        order=30,
    )
)
