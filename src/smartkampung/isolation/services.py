"""Writes of the isolation module. A reservation locks its house's row, so two people can never both
take the last bed (the count and the insert happen under the lock)."""

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from smartkampung.audit import services as audit
from smartkampung.core.codes import draw_code
from smartkampung.core.errors import Refused
from smartkampung.isolation.models import HOLDING, IsolationHouse, Reservation
from smartkampung.isolation.notification_kinds import CANCELLATION, RESERVATION
from smartkampung.isolation.selectors import own_reservation, taken_beds
from smartkampung.notifications.services import notify
from smartkampung.population.identity import NOT_MATCHED, checked_identity, find_citizen
from smartkampung.population.models import Resident
from smartkampung.population.validation import parse_date


class ReservationError(Refused):
    """A reservation refused."""


class AlreadyHolding(ReservationError):
    """The person already holds a bed (pages link to the cancel page with it)."""

    status_default = 409


_ALREADY = gettext_lazy("This person already holds a bed. Cancel it first, or ask the Puskesmas.")


def _guest_summary(reservation: Reservation, *, name: str) -> dict[str, Any]:
    """What a village's notification about a guest shows, with the link to the house's page (staff who see
    the notification see the house: the village's own people, its kecamatan, its Puskesmas), at the guest
    while the house lists them."""
    house_page = reverse("isolation:staff_house_detail", kwargs={"pk": reservation.house_id})
    if reservation.status in HOLDING:
        house_page += f"#reservation-{reservation.code}"
    return {
        "name": name,
        "nik": reservation.nik,
        "phone": reservation.phone,
        "destination_address": reservation.house.name,
        "expected_arrival": reservation.expected_arrival.isoformat(),
        "expected_day": reservation.expected_arrival.strftime("%d-%m-%Y"),
        "code": reservation.code,
        "url": house_page,
    }


def _tell_village(kind, reservation: Reservation, *, name: str) -> None:
    """The house's village is told of a guest reserving or cancelling (inside the caller's transaction); the
    regency's central facility has no village to tell."""
    if reservation.house.village_id:
        notify(
            kind=kind,
            village_code=reservation.house.village_id,
            subject_type="reservation",
            subject_id=reservation.pk,
            summary=_guest_summary(reservation, name=name),
        )


def _checked(values: dict[str, Any], today: dt.date) -> tuple[Resident, str, dt.date]:
    nik, kk, phone, errors = checked_identity(values, phone_hint=_("Enter a phone number the Puskesmas can reach."))
    expected = parse_date(values.get("expected_arrival"))
    if expected is None or not today <= expected <= today + dt.timedelta(days=settings.ISOLATION_MAX_DAYS_AHEAD):
        errors.append(
            (
                "expected_arrival",
                _("The arrival date must be between today and %(days)s days from now.")
                % {"days": settings.ISOLATION_MAX_DAYS_AHEAD},
            )
        )
    if errors:
        raise ReservationError(errors)
    resident = find_citizen(nik=nik, kk_number=kk, fields=("pk", "sex", "nik", "name"))
    if resident is None:
        raise ReservationError([("nik", str(NOT_MATCHED))], status=404)
    return resident, phone, expected


def reserve_bed(*, house_id: int, values: dict[str, Any], now: dt.datetime | None = None) -> Reservation:
    """A returning resident (NIK with the KK number as second factor) reserves a bed; it is held until
    ISOLATION_HOLD_HOURS after the expected arrival day. The house's village and Puskesmas are told."""
    now = now or timezone.now()
    resident, phone, expected = _checked(values, timezone.localdate(now))
    for _attempt in range(5):
        try:
            with transaction.atomic():
                house = IsolationHouse.objects.select_for_update().filter(pk=house_id).first()
                if house is None or house.status != IsolationHouse.Status.OPEN:
                    raise ReservationError([("house", _("This isolation house is not taking guests."))], status=404)
                # Holds of this person that have ended free their place in the one-per-person rule.
                Reservation.objects.filter(
                    nik=resident.nik, status=Reservation.Status.HELD, hold_until__lte=now
                ).update(status=Reservation.Status.LAPSED)
                if Reservation.objects.filter(nik=resident.nik, status__in=list(HOLDING)).exists():
                    raise AlreadyHolding([("nik", str(_ALREADY))])
                pool = house.pool_for(resident.sex)
                if taken_beds(house_ids=[house.pk], now=now).get((house.pk, pool), 0) >= house.capacity(pool):
                    raise ReservationError([("house", _("No bed is free here any more: choose another house."))], 409)
                end_of_day = timezone.make_aware(dt.datetime.combine(expected, dt.time(23, 59)))
                reservation = Reservation.objects.create(
                    code=draw_code(),
                    house=house,
                    resident=resident,
                    nik=resident.nik,
                    sex=resident.sex,
                    pool=pool,
                    phone=phone,
                    expected_arrival=expected,
                    hold_until=end_of_day + dt.timedelta(hours=settings.ISOLATION_HOLD_HOURS),
                )
                audit.record(
                    action="create",
                    object_type="reservation",
                    subject=resident.nik,
                    object_ids=[resident.nik],
                    detail={"house": house.pk, "code": reservation.code, "public": True},
                )
                _tell_village(RESERVATION, reservation, name=resident.name)
                return reservation
        except IntegrityError as exc:
            # Two houses at once for one person: the database's one-per-person rule stops the second.
            if "one_per_person" in str(exc) or ".nik" in str(exc):
                raise AlreadyHolding([("nik", str(_ALREADY))]) from exc
            continue  # the drawn code was taken a moment ago
    raise RuntimeError("could not draw a free reservation code")


@dataclass(frozen=True)
class Cancelled:
    reservation: Reservation
    # True when an earlier request had cancelled it already (cancelling twice is harmless).
    already: bool


def cancel_reservation(*, values: dict[str, Any], now: dt.datetime | None = None) -> Cancelled:
    """The citizen cancels their reservation by its code with their NIK and KK number (the second factor, as when
    reserving): the bed is free at once, the house's village is told. A reservation already cancelled stays so;
    one checked in, over, or lapsed cannot be cancelled (409)."""
    now = now or timezone.now()
    found = own_reservation(values)  # 422 for the numbers' form, 404 for anything that does not match
    with transaction.atomic():
        # The house first, then the reservation: the order in which reserving locks them.
        house = IsolationHouse.objects.select_for_update().get(pk=found.house_id)
        reservation = Reservation.objects.select_for_update().select_related("resident").get(pk=found.pk)
        reservation.house = house
        status = reservation.status
        if status == Reservation.Status.CANCELLED:
            return Cancelled(reservation, already=True)
        if status == Reservation.Status.CHECKED_IN:
            raise ReservationError(
                [("status", _("You have checked in at the house already, so this reservation cannot be cancelled. "
                              "To leave, speak to the house's contact or the Puskesmas."))],
                409,
            )  # fmt: skip
        if status == Reservation.Status.CHECKED_OUT:
            raise ReservationError([("status", _("This stay is over: there is nothing to cancel."))], 409)
        if status == Reservation.Status.LAPSED or reservation.hold_until <= now:
            raise ReservationError(
                [("status", _("This reservation has lapsed and its bed is free already: there is nothing to cancel."))],
                409,
            )
        _change_status(reservation, Reservation.Status.CANCELLED, public=True)
        _tell_village(CANCELLATION, reservation, name=reservation.resident.name)
        return Cancelled(reservation, already=False)


def _change_status(reservation: Reservation, status: str, *, user=None, **detail) -> None:
    """The reservation's new status, audited with the old and the new (inside the caller's transaction)."""
    old = reservation.status
    reservation.status = status
    if status == Reservation.Status.CHECKED_OUT:
        reservation.checked_out_at = timezone.now()
    reservation.save(update_fields=["status", "checked_out_at"])
    audit.record(
        action="update",
        object_type="reservation",
        subject=reservation.nik,
        object_ids=[reservation.nik],
        changes={"status": [old, status]},
        detail={"code": reservation.code, "house": reservation.house_id, **detail},
        user=user,
    )


def _staff_change(*, user, reservation: Reservation, status: str, allowed_from: tuple[str, ...]) -> Reservation:
    from django.core.exceptions import PermissionDenied

    from smartkampung.isolation.selectors import may_manage

    with transaction.atomic():
        # The reservation's row only (`of`): a plain FOR UPDATE over the join would lock the house after the
        # reservation, against the order reserving and cancelling lock them (house first), and deadlock a cancel.
        reservation = Reservation.objects.select_for_update(of=("self",)).select_related("house").get(pk=reservation.pk)
        if not may_manage(user, reservation.house):
            raise PermissionDenied(_("Only the village's operator or its Puskesmas manages this house's guests."))
        if reservation.status not in allowed_from or (
            reservation.status == Reservation.Status.HELD and reservation.hold_until <= timezone.now()
        ):
            raise ReservationError([("status", _("This reservation cannot change that way any more."))], 409)
        _change_status(reservation, status, user=user)
        return reservation


def check_in(*, user, reservation: Reservation) -> Reservation:
    """The guest has arrived: the bed stays taken until check-out, whatever the hold said."""
    return _staff_change(
        user=user,
        reservation=reservation,
        status=Reservation.Status.CHECKED_IN,
        allowed_from=(Reservation.Status.HELD,),
    )


def check_out(*, user, reservation: Reservation) -> Reservation:
    """The guest has left (isolation over, or moved elsewhere): the bed is free."""
    return _staff_change(
        user=user,
        reservation=reservation,
        status=Reservation.Status.CHECKED_OUT,
        allowed_from=(Reservation.Status.CHECKED_IN,),
    )


def lapse_ended_holds(*, now: dt.datetime | None = None) -> int:
    """Mark holds whose time has passed as lapsed (the beds were already counted free)."""
    return Reservation.objects.filter(status=Reservation.Status.HELD, hold_until__lte=now or timezone.now()).update(
        status=Reservation.Status.LAPSED
    )
