"""Certificates and reports for the violations tests. Certificates are written directly with the ORM: the
certification part builds the services that issue them at the same time, and these tests need only a
certificate's row (status, dates), never its PDF or signature."""

from __future__ import annotations

import datetime as dt
import io
import secrets

from django.utils import timezone

from smartkampung.tourism.models import Certificate, Decision, Inspection, Place, Violation
from smartkampung.tourism.tests import factories as f


def certificate(place: Place, *, status: str = Certificate.Status.VALID, days_left: int = 200) -> Certificate:
    """A certificate of `place` from a finished inspection, valid for `days_left` more days."""
    today = timezone.localdate()
    inspection = Inspection.objects.create(
        place=place,
        status=Inspection.Status.DONE,
        due_on=today - dt.timedelta(days=5),
        decision=Decision.CERTIFIED,
        score=90,
        finished_at=timezone.now() - dt.timedelta(days=4),
    )
    return Certificate.objects.create(
        place=place,
        inspection=inspection,
        number=f"CHSE/{secrets.token_hex(4).upper()}",
        code=secrets.token_hex(6).upper(),
        status=status,
        valid_until=today + dt.timedelta(days=days_left),
    )


def certified_place(**kwargs) -> tuple[Place, Certificate]:
    """An active place with a valid certificate: on the public listing, open to reports."""
    place = f.place(**kwargs)
    return place, certificate(place)


def violation(place: Place, *, status: str = Violation.Status.OPEN, contact: str = "+6281211112222") -> Violation:
    """A report written directly (for the pages that show one; the report's own tests go through the service)."""
    return Violation.objects.create(
        place=place,
        what="Staff without masks",
        reporter_contact=contact,
        code=secrets.token_hex(5).upper()[:10],
        status=status,
        outcome="Found and warned." if status in ("upheld", "dismissed") else "",
        closed_at=timezone.now() if status in ("upheld", "dismissed") else None,
    )


def image_bytes(kind: str = "JPEG", size: tuple[int, int] = (8, 8)) -> bytes:
    """A real, tiny image of `kind` (JPEG, PNG, WEBP)."""
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(out, format=kind)
    return out.getvalue()
