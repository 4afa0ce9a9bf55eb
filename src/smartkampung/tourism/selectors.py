"""Reads of tourism shared by its parts: which places a user reads or manages (decided in accounts.selectors),
the occupancy of places now, and whether a place's certificate is in force.

Occupancy is counted, never stored: the open visits of a place (not checked out) whose `counts_until` has not
passed. A visit that was never checked out stops counting at that moment, with nothing to run."""

from __future__ import annotations

import datetime as dt

from django.db.models import Exists, IntegerField, OuterRef, Q, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from smartkampung.accounts.selectors import tourism_agency, tourism_manage_q, tourism_read_q
from smartkampung.tourism.models import Certificate, Inspection, Place, Visit

__all__ = [
    "annotate_occupancy",
    "is_agency",
    "is_agency_of",
    "certified_q",
    "in_force_certificate",
    "latest_decision",
    "next_inspection",
    "managed_places",
    "may_see_tourism",
    "occupancy_of",
    "readable_places",
]


def readable_places(user) -> QuerySet[Place]:
    """The places whose records (owner, contacts, inspections, violations) the user reads."""
    return Place.objects.filter(tourism_read_q(user))


def managed_places(user) -> QuerySet[Place]:
    """The places the user manages: the agency every one of its regency, an owner their own."""
    return Place.objects.filter(tourism_manage_q(user))


def is_agency(user) -> bool:
    """Is the user the tourism agency (or the administrator) of some regency?"""
    return not tourism_agency(user).nothing


def is_agency_of(user, place: Place) -> bool:
    """Is the user the tourism agency (or the administrator) of the place's regency?"""
    return tourism_agency(user).covers(place.village_id)


def owners_outside(scope) -> QuerySet:
    """The ids of the accounts owning a place outside `scope` (an administrator's regencies): not theirs to manage
    (accounts.selectors.register_account_places)."""
    return Place.objects.filter(owner__isnull=False).exclude(scope.q("village")).values("owner_id")


def agency_certificates(user) -> QuerySet[Certificate]:
    """The certificates of the agency's regency (another regency's do not exist for it)."""
    return Certificate.objects.filter(tourism_agency(user).q("place__village")).select_related("place")


def may_edit_checklists(user) -> bool:
    """The health-protocol checklists hold in every regency served: the agency of the whole deployment (a single
    regency's agency, or the province administrator where several are served) changes them."""
    return tourism_agency(user).everything


def may_see_tourism(user) -> bool:
    """Whether the menu shows Tourism: the agency, an owner of a place, area staff with places in their area."""
    return is_agency(user) or readable_places(user).exists()


def open_visits(*, now: dt.datetime | None = None) -> QuerySet[Visit]:
    """The visits that count now."""
    return Visit.objects.filter(checked_out_at__isnull=True, counts_until__gt=now or timezone.now())


def annotate_occupancy(places: QuerySet[Place], *, now: dt.datetime | None = None) -> QuerySet[Place]:
    """`places` with `occupancy`: the people inside now (0 when none)."""
    inside = (
        open_visits(now=now)
        .filter(place=OuterRef("pk"))
        .order_by()
        .values("place")
        .annotate(people=Sum("party"))
        .values("people")
    )
    return places.annotate(occupancy=Coalesce(Subquery(inside, output_field=IntegerField()), Value(0)))


def occupancy_of(place: Place, *, now: dt.datetime | None = None) -> int:
    """The people inside `place` now."""
    return open_visits(now=now).filter(place=place).aggregate(people=Sum("party"))["people"] or 0


def certified_q(*, day: dt.date | None = None, place_field: str = "") -> Q:
    """Places (or rows reaching a place through `place_field`) with a certificate valid on `day` (today)."""
    day = day or timezone.localdate()
    valid = Certificate.objects.filter(
        place=OuterRef(place_field or "pk"),
        status=Certificate.Status.VALID,
        valid_until__gte=day,
    )
    return Q(Exists(valid))


def in_force_certificate(place: Place) -> Certificate | None:
    """The place's certificate in force (valid or suspended, expired or not), else None."""
    return (
        Certificate.objects.filter(place=place, status__in=[Certificate.Status.VALID, Certificate.Status.SUSPENDED])
        .order_by("-issued_at")
        .first()
    )


def latest_decision(place: Place) -> Inspection | None:
    """The place's last decided inspection (its score, decision, conditions and deadline, or reasons): what the
    owner must read after a rejection or a conditional certificate."""
    return place.inspections.filter(status=Inspection.Status.DONE).order_by("-finished_at", "-pk").first()


def next_inspection(place: Place) -> Inspection | None:
    """The place's scheduled inspection, if any."""
    return place.inspections.filter(status=Inspection.Status.SCHEDULED).first()
