"""The tourism API: capacity (mounted by tourism/api.py). For anyone: check in with a place's rotating code,
check out with the token received, a listed place's occupancy now. For the place's managers: count at the door,
and the current check-in code (for a display at the entrance)."""

import datetime as dt

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Field, Router, Status

from smartkampung.core.ratelimit import Limit, allow
from smartkampung.core.schemas import Schema
from smartkampung.population.schemas import ErrorOut
from smartkampung.tourism import codes, selectors
from smartkampung.tourism.models import Place
from smartkampung.tourism.services import capacity

router = Router(tags=["tourism"])
public_router = Router(tags=["public"])


def checkin_limits() -> tuple[Limit, ...]:
    """Check-ins per client address (TOURISM_CHECKINS_PER_HOUR, 30 by default): a family checks in a few times a
    day; a script trying codes or filling a place with fake visitors is stopped."""
    return (Limit(int(settings.TOURISM_CHECKINS_PER_HOUR), 3600),)


def checkout_limits() -> tuple[Limit, ...]:
    return (Limit(int(settings.TOURISM_CHECKOUTS_PER_HOUR), 3600),)


def allowed_to_check_in(request: HttpRequest, response: HttpResponse) -> bool:
    """Count this check-in against the client address's limit (used by the API and the page alike)."""
    return allow(request, response, scope="tourism-checkin", limits=checkin_limits())


def allowed_to_check_out(request: HttpRequest, response: HttpResponse) -> bool:
    return allow(request, response, scope="tourism-checkout", limits=checkout_limits())


def too_many() -> dict:
    return {"detail": _("Too many check-ins from this address. Try again later."), "errors": []}


def listed_place_or_404(place_id: int) -> Place:
    """A place the public may know of: registered (active) with a valid certificate; any other is not found."""
    place = Place.objects.filter(pk=place_id, status=Place.Status.ACTIVE).filter(selectors.certified_q()).first()
    if place is None:
        raise Http404
    return place


def managed_place_or_404(request: HttpRequest, place_id: int) -> Place:
    place = selectors.managed_places(request.user).filter(pk=place_id).first()
    if place is None:
        raise Http404
    return place


class TourismCheckInIn(Schema):
    place_id: int
    code: str = Field(..., max_length=codes.MAX_CODE_LENGTH, description="The code of the QR at the entrance")
    party: int = Field(1, description="People checking in together (1 to 10)")


class TourismCheckInOut(Schema):
    token: str = Field(description="Keep it to check out; nothing else identifies the visit")
    place_id: int
    counts_until: dt.datetime = Field(description="The visit stops counting then if not checked out before")
    occupancy: int
    capacity: int


class TourismRefusedOut(ErrorOut):
    code: str = Field("", description="full, not_certified, expired, invalid or not_inside")
    occupancy: int | None = None
    capacity: int | None = None


class TourismCheckOutIn(Schema):
    token: str = Field(..., max_length=64)


class TourismCheckOutOut(Schema):
    place_id: int
    checked_out_at: dt.datetime


class TourismOccupancyOut(Schema):
    occupancy: int
    capacity: int
    has_room: bool


class TourismDoorIn(Schema):
    direction: str = Field(..., description="in or out")
    party: int = Field(1, description="People (1 to 50)")


class TourismDoorOut(Schema):
    direction: str
    people: int
    occupancy: int
    capacity: int


class TourismCodeOut(Schema):
    code: str
    url: str = Field(description="What the QR code at the entrance holds")
    valid_until: dt.datetime = Field(description="The next code is shown then; this one is still accepted a while")
    rotation_seconds: int


@public_router.post(
    "/checkins",
    response={
        201: TourismCheckInOut,
        404: ErrorOut,
        409: TourismRefusedOut,
        422: TourismRefusedOut,
        429: ErrorOut,
        503: ErrorOut,
    },
    summary="Check in at a place with the code of its QR (refused when full)",
    auth=None,
)
def tourism_check_in(request: HttpRequest, payload: TourismCheckInIn, response: HttpResponse):
    if not allowed_to_check_in(request, response):
        return Status(429, too_many())
    place = Place.objects.filter(pk=payload.place_id).first()
    if place is None or (codes.check(place, payload.code).reason == "invalid" and not capacity.accepts_checkins(place)):
        # As the page: a place that is not listed shows itself only to whoever holds a real code of it.
        return Status(404, {"detail": _("This place is not known."), "errors": []})
    done = capacity.check_in_visitor(place=place, code=payload.code, party=payload.party)
    return Status(
        201,
        {
            "token": done.visit.token,
            "place_id": place.pk,
            "counts_until": done.visit.counts_until,
            "occupancy": done.occupancy,
            "capacity": place.capacity,
        },
    )


@public_router.post(
    "/checkouts",
    response={200: TourismCheckOutOut, 404: ErrorOut, 429: ErrorOut},
    summary="Check out with the token received at check-in",
    auth=None,
)
def tourism_check_out(request: HttpRequest, payload: TourismCheckOutIn, response: HttpResponse):
    if not allowed_to_check_out(request, response):
        return Status(429, {"detail": _("Too many requests from this address. Try again later."), "errors": []})
    visit = capacity.check_out_visitor(token=payload.token)
    return {"place_id": visit.place_id, "checked_out_at": visit.checked_out_at}


@public_router.get(
    "/places/{place_id}/occupancy",
    response={200: TourismOccupancyOut, 404: ErrorOut},
    summary="People inside a listed place now",
    auth=None,
)
def occupancy(request: HttpRequest, place_id: int):
    place = listed_place_or_404(place_id)
    inside = selectors.occupancy_of(place)
    return {"occupancy": inside, "capacity": place.capacity, "has_room": inside < place.capacity}


@router.post(
    "/places/{place_id}/door",
    response={200: TourismDoorOut, 404: ErrorOut, 409: TourismRefusedOut},
    summary="Count people in or out at the door (the place's managers)",
)
def door(request: HttpRequest, place_id: int, payload: TourismDoorIn):
    place = managed_place_or_404(request, place_id)
    counted = capacity.count_at_door(place=place, direction=payload.direction, party=payload.party, user=request.user)
    return {
        "direction": counted.direction,
        "people": counted.people,
        "occupancy": counted.occupancy,
        "capacity": place.capacity,
    }


@router.get(
    "/places/{place_id}/code",
    response={200: TourismCodeOut, 404: ErrorOut},
    summary="The place's check-in code now, for a display at the entrance (the place's managers)",
)
def current_code(request: HttpRequest, place_id: int):
    place = managed_place_or_404(request, place_id)
    window = codes.window_at()
    code = codes.code_for(place, window=window)
    return {
        "code": code,
        "url": request.build_absolute_uri(codes.checkin_path(place, code)),
        "valid_until": codes.window_ends(window),
        "rotation_seconds": codes.rotation_seconds(),
    }
