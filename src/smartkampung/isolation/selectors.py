"""Reads of the isolation module: houses with their free beds, nearest first."""

import datetime as dt
import math
from dataclasses import dataclass

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from smartkampung.core.errors import Refused
from smartkampung.isolation.models import IsolationHouse, Reservation
from smartkampung.regions.nik import parse_kk, parse_nik


def taken_beds(*, house_ids=None, now: dt.datetime | None = None) -> dict[tuple[int, str], int]:
    """Beds taken per (house, pool): guests checked in plus holds not yet ended. One grouped query."""
    now = now or timezone.now()
    active = Reservation.objects.filter(
        Q(status=Reservation.Status.CHECKED_IN) | Q(status=Reservation.Status.HELD, hold_until__gt=now)
    )
    if house_ids is not None:
        active = active.filter(house_id__in=list(house_ids))
    return {
        (house, pool): n for house, pool, n in active.order_by().values_list("house_id", "pool").annotate(n=Count("id"))
    }


@dataclass(frozen=True)
class HouseRow:
    """What the public list shows of a house: read as plain values (no model instances), so listing
    about 300 houses stays a few milliseconds."""

    pk: int
    name: str
    village_id: str | None
    village_name: str
    is_central: bool
    address: str
    latitude: float
    longitude: float
    beds_male: int
    beds_female: int
    beds_any: int
    facilities: list
    contact_phone: str

    separated = IsolationHouse.separated
    pool_for = IsolationHouse.pool_for
    capacity = IsolationHouse.capacity


_ROW_FIELDS = (
    "pk", "name", "village_id", "village__name", "is_central", "address", "latitude", "longitude", "beds_male",
    "beds_female", "beds_any", "facilities", "contact_phone",
)  # fmt: skip


@dataclass(frozen=True)
class Place:
    house: HouseRow
    free_male: int
    free_female: int
    free_any: int
    distance_km: float | None

    @property
    def free(self) -> int:
        return self.free_male + self.free_female + self.free_any

    def free_for(self, sex: str) -> int:
        return {"male": self.free_male, "female": self.free_female, "any": self.free_any}[self.house.pool_for(sex)]


def _km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    a = math.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2
    return 12742 * math.asin(math.sqrt(a))


def places(
    *, latitude: float | None = None, longitude: float | None = None, sex: str = "", only_free: bool = True,
    limit: int = 50,
) -> list[Place]:  # fmt: skip
    """Open houses with their free beds, nearest to the point first (by name without a point). About 300
    houses: one query for the houses, one grouped query for the occupancy, distances in Python."""
    rows = IsolationHouse.objects.filter(status=IsolationHouse.Status.OPEN).order_by().values_list(*_ROW_FIELDS)
    houses = [HouseRow(*row[:3], row[3] or "", *row[4:6], float(row[6]), float(row[7]), *row[8:]) for row in rows]
    taken = taken_beds(now=None)
    found = []
    for h in houses:
        free = {pool: max(0, h.capacity(pool) - taken.get((h.pk, pool), 0)) for pool in ("male", "female", "any")}
        place = Place(
            h,
            free["male"],
            free["female"],
            free["any"],
            _km(latitude, longitude, h.latitude, h.longitude) if latitude is not None else None,
        )
        if only_free and (place.free_for(sex) if sex else place.free) == 0:
            continue
        found.append(place)
    found.sort(key=lambda p: (p.distance_km if p.distance_km is not None else 0, p.house.name))
    return found if limit is None else found[:limit]


def map_link(latitude, longitude) -> str:
    """A plain link to the point on OpenStreetMap (followed by the visitor, never fetched by the page)."""
    lat, lon = f"{float(latitude):.6f}", f"{float(longitude):.6f}"
    return f"https://www.openstreetmap.org/?mlat={lat}&mlon={lon}#map=17/{lat}/{lon}"


# ---------------------------------------------------------------- a citizen's own reservation

# One answer for an unknown code and a code with someone else's NIK or a wrong KK number: the look-up tells
# nobody which codes exist or whose they are.
UNKNOWN_RESERVATION = gettext_lazy(
    "No reservation matches this code, NIK and KK number. Check all three, or call the isolation house."
)


def typed_code(value) -> str:
    """A reservation code as people type it: any case, spaces or dashes between the letters."""
    return "".join(str(value or "").split()).replace("-", "").upper()


def own_reservation(values: dict) -> Reservation:
    """The reservation with this code of the resident with this NIK and KK number (the second factor, as when
    reserving). Refuses the numbers' own form with 422 and everything else with 404, in the same words
    whether the code is unknown or the NIK or KK number does not go with it."""
    code = typed_code(values.get("code"))
    nik, kk = parse_nik(str(values.get("nik") or "")), parse_kk(str(values.get("kk_number") or ""))
    errors = []
    if not code:
        errors.append(("code", _("Enter the code you received when you reserved.")))
    errors += [("nik", e.message) for e in nik.errors] + [("kk_number", e.message) for e in kk.errors]
    if errors:
        raise Refused(errors)
    found = (
        Reservation.objects.filter(code=code, nik=nik.nik, resident__household__kk_number=kk.kk)
        .select_related("house", "house__village")
        .first()
    )
    if found is None:
        raise Refused([("code", str(UNKNOWN_RESERVATION))], status=404)
    return found


def shown_status(reservation: Reservation, *, now: dt.datetime | None = None) -> str:
    """The status as the citizen should read it: a hold whose time has passed is lapsed, whether or not the
    hourly job has marked it yet."""
    now = now or timezone.now()
    if reservation.status == Reservation.Status.HELD and reservation.hold_until <= now:
        return Reservation.Status.LAPSED
    return reservation.status


# ---------------------------------------------------------------- staff


def _staff_filter(user):
    from smartkampung.accounts.selectors import health_records_q

    return health_records_q(user)


def houses_visible_to(user):
    """Houses in the user's villages, or watched by their Puskesmas (the central facility: regency-wide roles)."""
    return IsolationHouse.objects.filter(_staff_filter(user)).select_related("village", "puskesmas")


def may_manage(user, house: IsolationHouse) -> bool:
    """Check guests in and out: the operator of the house's village, its Puskesmas's staff, regency-wide roles."""
    from smartkampung.accounts.selectors import may_write_health_at

    return may_write_health_at(user, village_code=house.village_id, puskesmas_id=house.puskesmas_id)


def guests_of(house: IsolationHouse, *, now: dt.datetime | None = None) -> list[Reservation]:
    """Who is in the house or expected: checked in, then holds not ended, soonest first."""
    now = now or timezone.now()
    return list(
        house.reservations.filter(
            Q(status=Reservation.Status.CHECKED_IN) | Q(status=Reservation.Status.HELD, hold_until__gt=now)
        )
        .select_related("resident")
        .order_by("status", "expected_arrival")
    )


def visible_reservation(user, code: str) -> Reservation | None:
    """A reservation by its code, in a house the user sees (None otherwise: the same answer as unknown)."""
    return Reservation.objects.filter(code=code.strip().upper(), house__in=houses_visible_to(user)).first()
