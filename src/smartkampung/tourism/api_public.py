"""The tourism API for tourists, /api/v1/public/tourism (open, mounted by tourism/api.py): the publicly listed
places (active, with a certificate valid today) with their live occupancy, filtered by kind, kecamatan and
"has room now", and one listed place. Nothing about the owner is answered (no name, phone or e-mail).

Not rate-limited, as the other open read-only listing (isolation's houses with a free bed): it writes nothing
and reads only public facts; each answer is a page of at most MAX_PER_PAGE places in one query."""

from __future__ import annotations

import datetime as dt
import re

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Field, Query, Router
from pydantic import field_validator
from pydantic_core import PydanticCustomError

from smartkampung.core.errors import Refused
from smartkampung.core.paging import page_number, page_window
from smartkampung.core.schemas import Schema
from smartkampung.population.schemas import ErrorOut
from smartkampung.tourism import listing
from smartkampung.tourism.models import Place, PlaceKind, PlacePhoto

router = Router(tags=["tourism"])
public_router = Router(tags=["public"])

# The map asks for its markers in one answer: a few hundred places fit a phone's map; a page of cards is 20.
PER_PAGE, MAX_PER_PAGE = 20, 500
TRUE_WORDS, FALSE_WORDS = frozenset({"true", "1", "yes", "on"}), frozenset({"false", "0", "no", "off", ""})


class TourismListingQuery(Schema):
    kind: str = Field("", description="destination, hotel, homestay, cafe, restaurant or warung")
    district: str = Field("", description="The kecamatan's 6-digit code, e.g. 351015")
    has_room: bool = Field(False, description="Only places with room now (occupancy below capacity)")
    q: str = Field("", max_length=100, description="Part of the place's name")
    page: int = Field(1, description="From 1")
    per_page: int = Field(PER_PAGE, description=f"1 to {MAX_PER_PAGE}")

    @field_validator("kind")
    @classmethod
    def _known_kind(cls, value: str) -> str:
        value = value.strip().lower()
        if value and value not in PlaceKind.values:
            raise PydanticCustomError(
                "unknown_kind",
                _("Unknown kind of place; choose one of: {kinds}."),
                {"kinds": ", ".join(PlaceKind.values)},
            )
        return value

    @field_validator("district")
    @classmethod
    def _district_code(cls, value: str) -> str:
        value = value.strip()
        if value and not re.fullmatch(r"[0-9]{6}", value):
            raise PydanticCustomError("district_code", _("A kecamatan code is 6 digits, e.g. 351015."))
        return value

    @field_validator("has_room", mode="before")
    @classmethod
    def _yes_or_no(cls, value):
        # Pydantic's own message names Python's types; a tourist's client gets words it can show.
        if isinstance(value, bool):
            return value
        word = str(value).strip().lower()
        if word in TRUE_WORDS | FALSE_WORDS:
            return word in TRUE_WORDS
        raise PydanticCustomError("yes_or_no", _("Say true or false."))

    @field_validator("page", "per_page", mode="before")
    @classmethod
    def _whole_number(cls, value):
        if isinstance(value, int) or re.fullmatch(r"\s*[0-9]{1,12}\s*", str(value)):
            return int(value)
        raise PydanticCustomError("whole_number", _("Give a whole number from 1."))


class TourismPublicCertificateOut(Schema):
    state: str = Field(description="valid, expired, suspended or revoked (a listed place's is valid)")
    conditional: bool = Field(description="Certified with conditions")
    valid_until: dt.date


class TourismPublicCertificateDetailOut(TourismPublicCertificateOut):
    number: str
    verify_url: str | None = Field(description="The public verification page of the certificate")


class TourismPublicPlaceOut(Schema):
    id: int
    name: str
    kind: str
    kind_label: str
    village: str
    village_name: str
    district: str
    district_name: str
    latitude: float
    longitude: float
    capacity: int
    occupancy: int
    has_room: bool
    certificate: TourismPublicCertificateOut


class TourismPublicPlaceDetailOut(TourismPublicPlaceOut):
    description: str
    address: str
    opening_hours: str
    photos: list[str]
    certificate: TourismPublicCertificateDetailOut


class TourismPublicPageOut(Schema):
    page: int
    per_page: int
    has_next: bool = Field(description="Whether page + 1 has places")
    items: list[TourismPublicPlaceOut]


def place_dict(place: Place) -> dict:
    """A listed place as the API (and the map) answers it: public facts only."""
    return {
        "id": place.pk,
        "name": place.name,
        "kind": place.kind,
        "kind_label": place.get_kind_display(),
        "village": place.village_id,
        "village_name": place.village.name,
        "district": place.village.district_id,
        "district_name": place.village.district.name,
        "latitude": float(place.latitude),
        "longitude": float(place.longitude),
        "capacity": place.capacity,
        "occupancy": place.occupancy,
        "has_room": place.occupancy < place.capacity,
        "certificate": {
            "state": "valid",
            "conditional": bool(place.cert_conditional),
            "valid_until": place.cert_valid_until,
        },
    }


def place_detail_dict(place: Place) -> dict:
    """`place_dict` with the place page's facts: description, address, hours, photos, the certificate's number."""
    photo_ids = PlacePhoto.objects.filter(place=place).order_by("pk").values_list("pk", flat=True)[:12]
    photos = [reverse("tourism:photo", args=[pk]) for pk in photo_ids]
    answer = place_dict(place)
    verify_url = reverse("tourism:verify", args=[place.cert_code])
    answer["certificate"] |= {"number": place.cert_number, "verify_url": verify_url}
    return answer | {
        "description": place.description,
        "address": place.address,
        "opening_hours": place.opening_hours,
        "photos": photos,
    }


@public_router.get(
    "/places",
    response=TourismPublicPageOut,
    summary="Certified places open to tourists, with their live occupancy",
    auth=None,
    url_name="public_tourism_places",
)
def list_public_places(request: HttpRequest, filters: Query[TourismListingQuery]):
    per_page = max(1, min(filters.per_page, MAX_PER_PAGE))
    number = page_number(filters.page, per_page=per_page)
    found = listing.search(
        listing.Filters(kind=filters.kind, district=filters.district, has_room=filters.has_room, q=filters.q.strip())
    )
    # One row past the page says whether another follows: one query, no count (counting the places with room
    # is a second pass over every listed place, as costly as the page itself).
    window = page_window(number, per_page)
    items = list(found[window.start : window.stop + 1])
    return {
        "page": number,
        "per_page": per_page,
        "has_next": len(items) > per_page,
        "items": [place_dict(p) for p in items[:per_page]],
    }


@public_router.get(
    "/places/{place_id}",
    response={200: TourismPublicPlaceDetailOut, 404: ErrorOut},
    summary="A certified place open to tourists (404 when it is not listed)",
    auth=None,
    url_name="public_tourism_place",
)
def get_public_place(request: HttpRequest, place_id: int):
    place = listing.listed_place(place_id)
    if place is None:
        raise Refused([("place_id", _("No place open to tourists here."))], status=404)
    return place_detail_dict(place)
