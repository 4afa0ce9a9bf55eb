"""The public listing of tourism places: what a tourist may see, and no more.

A place is *publicly listed* while it is active and holds a certificate valid today (`selectors.certified_q`):
both are read at query time, so a suspension, a revocation or an expiry takes the place off the listing, the
map, its page and the API at once, with nothing to refresh. Every read here selects only public fields (no
owner, no owner's phone or e-mail): the pages and the public API are open to anyone.

The listing with "has room now" is what tourists (and the benchmark) ask most: one query for the page and one
for the count; "has room" is an anti-join against the full places (`full_places`), and the occupancy and the
certificate of the page's rows are correlated subqueries on the open-visit and certificate indexes."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.db.models import F, OuterRef, QuerySet, Subquery, Sum
from django.utils import timezone

from smartkampung.regions.models import District
from smartkampung.tourism.models import Certificate, Place
from smartkampung.tourism.selectors import annotate_occupancy, certified_q, open_visits

__all__ = ["PUBLIC_FIELDS", "Filters", "certificate_word", "districts", "listed_place", "listed_places", "search"]

# The columns a public answer may hold: nothing about the owner (name, account, phone, e-mail).
PUBLIC_FIELDS = (
    "id",
    "kind",
    "name",
    "description",
    "village__name",
    "village__district__name",
    "address",
    "latitude",
    "longitude",
    "opening_hours",
    "capacity",
)


@dataclass(frozen=True)
class Filters:
    """What a tourist filters the listing by; empty values filter nothing."""

    kind: str = ""
    district: str = ""
    has_room: bool = False
    q: str = ""


def listed_places(*, now: dt.datetime | None = None, detail: bool = False) -> QuerySet[Place]:
    """Every publicly listed place with `occupancy` (people inside now) and its certificate valid today
    (`cert_valid_until`, `cert_conditional`; with `detail` also `cert_number`, `cert_code`), public fields only."""
    now = now or timezone.now()
    day = timezone.localdate(now)
    valid = Certificate.objects.filter(
        place=OuterRef("pk"), status=Certificate.Status.VALID, valid_until__gte=day
    ).order_by("-valid_until", "-pk")
    places = (
        Place.objects.filter(status=Place.Status.ACTIVE)
        .filter(certified_q(day=day))
        .select_related("village__district")
        .only(*PUBLIC_FIELDS)
        .annotate(
            cert_valid_until=Subquery(valid.values("valid_until")[:1]),
            cert_conditional=Subquery(valid.values("conditional")[:1]),
        )
    )
    if detail:  # the place page's certificate number and verification code (two more lookups per row)
        places = places.annotate(
            cert_number=Subquery(valid.values("number")[:1]), cert_code=Subquery(valid.values("code")[:1])
        )
    return annotate_occupancy(places, now=now)


def full_places(*, now: dt.datetime) -> QuerySet:
    """The ids of the places with no room now (people inside >= capacity): one grouped scan of the open visits.

    "Has room" excludes these instead of comparing each place's occupancy subquery with its capacity: over
    thousands of places a hashed anti-join is several times faster than a correlated subquery per place, and
    the page's own rows still get their `occupancy` (a subquery evaluated for the page's rows only)."""
    return (
        open_visits(now=now)
        .order_by()
        .values("place")
        .annotate(people=Sum("party"))
        .filter(people__gte=F("place__capacity"))
        .values("place")
    )


def search(filters: Filters, *, now: dt.datetime | None = None) -> QuerySet[Place]:
    """The listed places that match `filters`, by name."""
    now = now or timezone.now()
    places = listed_places(now=now)
    if filters.kind:
        places = places.filter(kind=filters.kind)
    if filters.district:
        places = places.filter(village__district_id=filters.district)
    if filters.q:
        places = places.filter(name__icontains=filters.q)
    if filters.has_room:
        places = places.exclude(pk__in=full_places(now=now))
    return places.order_by("name", "pk")


def listed_place(place_id: int, *, now: dt.datetime | None = None) -> Place | None:
    """The place if it is publicly listed now, else None (a revoked or closed place is simply not found)."""
    return listed_places(now=now, detail=True).filter(pk=place_id).first()


def districts() -> list[tuple[str, str]]:
    """The kecamatan of the served regency as (code, name), by name: the listing's district filter."""
    return list(
        District.objects.filter(regency_id__in=settings.SMARTKAMPUNG_REGENCIES)
        .order_by("name")
        .values_list("code", "name")
    )


def certificate_word(place: Place) -> str:
    """The certificate's state on the listing as a code: `certified` or `conditional` (listed places only)."""
    return "conditional" if place.cert_conditional else "certified"
