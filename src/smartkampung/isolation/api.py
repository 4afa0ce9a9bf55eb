"""API of the isolation houses: for citizens free beds nearest first and reserving one (/public); for
staff their houses, guests, check-in and check-out (/isolation)."""

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from ninja import Query, Router, Status

from smartkampung.audit import services as audit
from smartkampung.core.ratelimit import Limit, allow
from smartkampung.core.schemas import Schema
from smartkampung.isolation import schemas, selectors, services
from smartkampung.isolation.models import Reservation

public_router = Router(tags=["public"])
# The public map asks for every house with a free bed at once: a regency has a few hundred.
MAX_LISTED = 500


class PlaceFilters(Schema):
    lat: float | None = None
    lon: float | None = None
    sex: str = ""
    limit: int = 20


def place_dict(p: selectors.Place) -> dict:
    h = p.house
    return {
        "id": h.pk,
        "name": h.name,
        "village": h.village_id,
        "village_name": h.village_name or None,
        "central": h.is_central,
        "address": h.address,
        "latitude": float(h.latitude),
        "longitude": float(h.longitude),
        "separated": h.separated,
        "free_male": p.free_male,
        "free_female": p.free_female,
        "free_any": p.free_any,
        "facilities": h.facilities,
        "contact_phone": h.contact_phone,
        "distance_km": round(p.distance_km, 2) if p.distance_km is not None else None,
    }


@public_router.get(
    "/isolation-houses",
    response=list[schemas.PlaceOut],
    summary="Isolation houses with free beds, nearest first to lat/lon",
    auth=None,
)
def list_places(request: HttpRequest, filters: Query[PlaceFilters]):
    lat, lon = filters.lat, filters.lon
    if lat is None or lon is None or not (-90 <= lat <= 90 and -180 <= lon <= 180):
        lat = lon = None
    sex = filters.sex if filters.sex in ("male", "female") else ""
    found = selectors.places(latitude=lat, longitude=lon, sex=sex, limit=max(1, min(filters.limit, MAX_LISTED)))
    return [place_dict(p) for p in found]


RESERVE_LIMITS = (Limit(settings.PREREGISTRATION_PER_MINUTE, 60), Limit(settings.PREREGISTRATION_PER_DAY, 86400))


def allowed_to_reserve(request: HttpRequest, response: HttpResponse) -> bool:
    return allow(request, response, scope="reserve-bed", limits=RESERVE_LIMITS)


@public_router.post(
    "/isolation-houses/{house_id}/reservations",
    response={201: schemas.ReservationOut, 404: schemas.IsolationErrorOut, 409: schemas.IsolationErrorOut,
              422: schemas.IsolationErrorOut, 429: schemas.IsolationErrorOut},
    summary="Reserve a bed (NIK + KK number); never more reservations than beds",
    auth=None,
)  # fmt: skip
def reserve(request: HttpRequest, house_id: int, payload: schemas.ReservationIn, response: HttpResponse):
    if not allowed_to_reserve(request, response):
        return Status(429, {"detail": _("Too many reservations from this address. Try again later.")})
    reservation = services.reserve_bed(house_id=house_id, values=payload.dict())
    return Status(
        201,
        {
            "code": reservation.code,
            "house": reservation.house.name,
            "address": reservation.house.address,
            "expected_arrival": reservation.expected_arrival,
            "hold_until": reservation.hold_until,
        },
    )


def own_reservation_dict(reservation, *, detail: str = "") -> dict:
    """A citizen's own reservation as the look-up and the cancel answer it (and the pages show it)."""
    house = reservation.house
    status = selectors.shown_status(reservation)
    return {
        "code": reservation.code,
        "status": status,
        "status_label": str(Reservation.Status(status).label),
        "may_cancel": status == Reservation.Status.HELD,
        "house": house.name,
        "address": house.address,
        "village_name": house.village.name if house.village_id else None,
        "expected_arrival": reservation.expected_arrival,
        "hold_until": reservation.hold_until,
        "contact_name": house.contact_name,
        "contact_phone": house.contact_phone,
        "latitude": float(house.latitude),
        "longitude": float(house.longitude),
        "map_url": selectors.map_link(house.latitude, house.longitude),
        "detail": detail,
    }


def cancelled_words(result: services.Cancelled) -> str:
    if result.already:
        return _("This reservation was cancelled already.")
    return _("Your reservation is cancelled. The bed is free for someone else.")


_TOO_MANY = gettext_lazy("Too many requests from this address. Try again later.")


@public_router.post(
    "/isolation-reservations/lookup",
    response={200: schemas.OwnReservationOut, 404: schemas.IsolationErrorOut, 422: schemas.IsolationErrorOut,
              429: schemas.IsolationErrorOut},
    summary="My reservation by its code (with NIK + KK number): status, the house's contact and a map link",
    auth=None,
)  # fmt: skip
def look_up_reservation(request: HttpRequest, payload: schemas.OwnReservationIn, response: HttpResponse):
    # Counted with reserving: codes, NIKs and KK numbers must not be guessed by trying many.
    if not allowed_to_reserve(request, response):
        return Status(429, {"detail": str(_TOO_MANY)})
    return Status(200, own_reservation_dict(selectors.own_reservation(payload.dict())))


@public_router.post(
    "/isolation-reservations/cancel",
    response={200: schemas.OwnReservationOut, 404: schemas.IsolationErrorOut, 409: schemas.IsolationErrorOut,
              422: schemas.IsolationErrorOut, 429: schemas.IsolationErrorOut},
    summary="Cancel my reservation (code + NIK + KK number); the bed is free at once; cancelling twice is harmless",
    auth=None,
)  # fmt: skip
def cancel_reservation(request: HttpRequest, payload: schemas.OwnReservationIn, response: HttpResponse):
    if not allowed_to_reserve(request, response):
        return Status(429, {"detail": str(_TOO_MANY)})
    result = services.cancel_reservation(values=payload.dict())
    return Status(200, own_reservation_dict(result.reservation, detail=cancelled_words(result)))


# ---------------------------------------------------------------- staff

router = Router(tags=["isolation"])


class HouseOut(Schema):
    id: int
    name: str
    village: str | None
    central: bool
    beds: int
    taken: int
    puskesmas: str | None


class GuestOut(Schema):
    code: str
    nik: str
    name: str
    sex: str
    phone: str
    status: str
    expected_arrival: str
    hold_until: str


@router.get("/houses", response=list[HouseOut], summary="Isolation houses in the caller's area, with beds taken")
def staff_houses(request: HttpRequest):
    houses = list(selectors.houses_visible_to(request.user)[:500])
    taken = selectors.taken_beds(house_ids=[h.pk for h in houses])
    return [
        {
            "id": h.pk,
            "name": h.name,
            "village": h.village_id,
            "central": h.is_central,
            "beds": h.beds_male + h.beds_female + h.beds_any,
            "taken": sum(taken.get((h.pk, pool), 0) for pool in ("male", "female", "any")),
            "puskesmas": h.puskesmas.name if h.puskesmas_id else None,
        }
        for h in houses
    ]


@router.get("/houses/{house_id}/guests", response={200: list[GuestOut], 404: schemas.IsolationErrorOut})
def staff_guests(request: HttpRequest, house_id: int):
    house = selectors.houses_visible_to(request.user).filter(pk=house_id).first()
    if house is None:
        return Status(404, {"detail": _("No isolation house here.")})
    guests = selectors.guests_of(house)
    if guests:
        audit.record(
            action="view", object_type="reservation", subject=str(house.pk), object_ids=[g.nik for g in guests]
        )
    return [
        {
            "code": g.code,
            "nik": g.nik,
            "name": g.resident.name,
            "sex": g.sex,
            "phone": g.phone,
            "status": g.status,
            "expected_arrival": g.expected_arrival.isoformat(),
            "hold_until": g.hold_until.isoformat(),
        }
        for g in guests
    ]


def _staff_change(request: HttpRequest, code: str, change):
    reservation = selectors.visible_reservation(request.user, code)
    if reservation is None:
        return Status(404, {"detail": _("No reservation with this code here.")})
    reservation = change(user=request.user, reservation=reservation)
    return Status(200, {"detail": reservation.get_status_display()})


@router.post("/reservations/{code}/check-in", response={200: schemas.IsolationErrorOut, 403: schemas.IsolationErrorOut,
             404: schemas.IsolationErrorOut, 409: schemas.IsolationErrorOut})  # fmt: skip
def check_in(request: HttpRequest, code: str):
    return _staff_change(request, code, services.check_in)


@router.post("/reservations/{code}/check-out", response={200: schemas.IsolationErrorOut, 403: schemas.IsolationErrorOut,
             404: schemas.IsolationErrorOut, 409: schemas.IsolationErrorOut})  # fmt: skip
def check_out(request: HttpRequest, code: str):
    return _staff_change(request, code, services.check_out)
