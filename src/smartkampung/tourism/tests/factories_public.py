"""Certificates, inspections, violations and visits for the public listing's and the dashboard's tests, written
directly with the ORM: the services that write them belong to other parts of tourism (certification, violations,
capacity); these tests only read them."""

from __future__ import annotations

import datetime as dt
import secrets

from django.utils import timezone

from smartkampung.tourism.models import Certificate, Decision, Inspection, Place, Violation, Visit


def certify(
    place: Place,
    *,
    valid_until: dt.date | None = None,
    status: str = Certificate.Status.VALID,
    conditional: bool = False,
) -> Certificate:
    """A certificate of `place` from a finished inspection: valid a year from today unless told."""
    today = timezone.localdate()
    inspection = Inspection.objects.create(
        place=place,
        status=Inspection.Status.DONE,
        due_on=today,
        decision=Decision.CONDITIONAL if conditional else Decision.CERTIFIED,
        conditions="Sediakan wastafel." if conditional else "",
        conditions_deadline=today + dt.timedelta(days=30) if conditional else None,
        score=90,
        finished_at=timezone.now(),
    )
    return Certificate.objects.create(
        place=place,
        inspection=inspection,
        number=f"CHSE/{place.pk}/{secrets.token_hex(4)}",
        code=secrets.token_hex(6),
        status=status,
        conditional=conditional,
        valid_until=valid_until or today + dt.timedelta(days=365),
    )


def set_certificate(certificate: Certificate, status: str) -> None:
    """Suspend or revoke a certificate as the certification part's service would (its row only)."""
    certificate.status = status
    certificate.status_changed_at = timezone.now()
    certificate.save(update_fields=["status", "status_changed_at"])


def visit(place: Place, *, party: int = 1, minutes_left: int = 60, checked_out: bool = False) -> Visit:
    """A party inside `place` (or one that left, or one whose stay has passed when `minutes_left` < 0)."""
    now = timezone.now()
    counts_until = now + dt.timedelta(minutes=minutes_left)
    return Visit.objects.create(
        place=place,
        token=secrets.token_urlsafe(24),
        party=party,
        channel=Visit.Channel.DOOR,
        checked_in_at=min(now, counts_until) - dt.timedelta(minutes=1),
        counts_until=counts_until,
        checked_out_at=now if checked_out else None,
    )


def inspection_due(place: Place, *, due_on: dt.date, purpose: str = Inspection.Purpose.REEVALUATION) -> Inspection:
    """A scheduled inspection of `place` due on `due_on`."""
    return Inspection.objects.create(place=place, purpose=purpose, status=Inspection.Status.SCHEDULED, due_on=due_on)


def violation(place: Place, *, status: str = Violation.Status.OPEN) -> Violation:
    """A violation reported against `place`."""
    return Violation.objects.create(
        place=place, what="Tidak ada tempat cuci tangan.", code=secrets.token_hex(5), status=status
    )
