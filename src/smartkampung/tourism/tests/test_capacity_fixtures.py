"""Helpers of the capacity tests (no tests here): a listed place (active, with a certificate valid a year),
written with the ORM because certificates belong to the certification part, and the codes a visitor would scan."""

from __future__ import annotations

import datetime as dt
import secrets

from django.utils import timezone

from smartkampung.tourism import codes
from smartkampung.tourism.models import Certificate, Decision, Inspection, Place
from smartkampung.tourism.tests import factories as f


def certify(place: Place, *, valid_until: dt.date | None = None) -> Certificate:
    """A valid certificate of `place` from a finished inspection (valid a year from today unless told)."""
    today = timezone.localdate()
    inspection = Inspection.objects.create(
        place=place,
        status=Inspection.Status.DONE,
        due_on=today,
        decision=Decision.CERTIFIED,
        score=95,
        finished_at=timezone.now(),
    )
    return Certificate.objects.create(
        place=place,
        inspection=inspection,
        number=f"CHSE/T/{place.pk}/{secrets.token_hex(4)}",
        code=secrets.token_hex(6),
        valid_until=valid_until or today + dt.timedelta(days=365),
    )


def listed_place(**values) -> Place:
    """An active place with a valid certificate: it takes check-ins."""
    place = f.place(**values)
    certify(place)
    return place


def scanned(place: Place, *, now: dt.datetime | None = None) -> str:
    """The code the place's entrance shows now."""
    return codes.current_code(place, now=now)


def windows_ago(n: int, *, now: dt.datetime | None = None) -> dt.datetime:
    """A moment `n` code windows before `now`."""
    return (now or timezone.now()) - dt.timedelta(seconds=n * codes.rotation_seconds())
