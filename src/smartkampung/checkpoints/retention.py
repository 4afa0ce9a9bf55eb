"""Retention (core.retention) of the checkpoints' personal data.

"arrivals": an arrival's identity (name, NIK, phone, addresses, host, purpose, plate, date of birth, the link to the
register) is removed RETENTION_DAYS["arrivals"] days after the arrival, or after the isolation case it opened closed,
whichever is later (never while that case is open, nor while the case of the same NIK it joined is open or
closed within the period); the pre-registration it came from goes with it. What the
dashboards and tallies count stays: the village, the origin regency, the checkpoint, the day, sex, the outcome and
its reasons, the health answers. "preregistrations": trips announced that never arrived, that many days after their
announced day."""

from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from smartkampung.checkpoints.models import Arrival, PreRegistration
from smartkampung.core import retention
from smartkampung.health.models import MonitoringCase

# What an anonymised arrival says instead of who it was (the table's check wants a name, a NIK or a description).
REMOVED = "—"


def _arrivals_due(cutoff):
    closed_before = retention.local_day(cutoff)
    # A second arrival of someone already monitored opens no case: it joins theirs (health.services), and is kept
    # as long as that case is, however it is linked: an open case of the same NIK, or one closed within the period.
    monitored = MonitoringCase.objects.filter(
        Q(outcome="") | Q(closed_on__gte=closed_before), nik=OuterRef("nik")
    ).exclude(nik="")
    return Arrival.objects.filter(
        Q(case__isnull=True) | Q(case__closed_on__lt=closed_before),
        ~Exists(monitored),
        registered_at__lt=cutoff,
        anonymised_at__isnull=True,
    )


def anonymise_arrivals(cutoff) -> int:
    now = timezone.now()
    done = 0
    for keys in retention.batches(_arrivals_due(cutoff)):
        PreRegistration.objects.filter(arrival__pk__in=keys, anonymised_at__isnull=True).update(
            nik="", name="", phone="", destination_address="", anonymised_at=now
        )
        done += Arrival.objects.filter(pk__in=keys, anonymised_at__isnull=True).update(
            nik="",
            name="",
            description=REMOVED,
            resident=None,
            birth_date=None,
            phone="",
            origin_address="",
            destination_address="",
            host_name="",
            purpose="",
            vehicle_plate="",
            found_at="",
            anonymised_at=now,
        )
    return done


def _preregistrations_due(cutoff):
    return PreRegistration.objects.filter(
        ~Q(status=PreRegistration.Status.ARRIVED),
        expected_arrival__lt=retention.local_day(cutoff),
        anonymised_at__isnull=True,
    )


def anonymise_preregistrations(cutoff) -> int:
    return retention.update_in_batches(
        _preregistrations_due(cutoff),
        nik="",
        name="",
        phone="",
        destination_address="",
        anonymised_at=timezone.now(),
    )


retention.register(
    retention.Rule(
        code="arrivals",
        label=_("checkpoint arrivals: name, NIK, phone, addresses, host, vehicle"),
        what=retention.ANONYMISED,
        count=lambda cutoff: _arrivals_due(cutoff).count(),
        apply=anonymise_arrivals,
        order=10,
    )
)
retention.register(
    retention.Rule(
        code="preregistrations",
        label=_("announced trips that never arrived: name, NIK, phone, address"),
        what=retention.ANONYMISED,
        count=lambda cutoff: _preregistrations_due(cutoff).count(),
        apply=anonymise_preregistrations,
        order=20,
    )
)
