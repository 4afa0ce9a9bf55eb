"""Writes of the capacity part: visitors checking in (by the place's rotating code) and out (by their token),
staff counting at the door, and deleting visits after 14 days.

A check-in locks the place's row, counts who is inside and inserts only if the party fits: concurrent check-ins
of one place queue on that lock, so occupancy never passes capacity (on PostgreSQL by the row lock; on SQLite
writers are serialised anyway, and an IMMEDIATE transaction waits for the lock instead of failing). A visit holds
no personal data (a random token and a party size), so these writes are not in the audit log, except what staff
do at the door (who counted)."""

from __future__ import annotations

import datetime as dt
import logging
import secrets
from contextlib import contextmanager
from dataclasses import dataclass

from django.db import OperationalError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from smartkampung.audit import services as audit
from smartkampung.core import retention
from smartkampung.core.errors import Refused
from smartkampung.tourism import codes
from smartkampung.tourism.models import Place, Visit
from smartkampung.tourism.selectors import certified_q, occupancy_of, open_visits

logger = logging.getLogger(__name__)

MAX_PARTY = 10  # a group larger than this is counted by the staff at the door
MAX_DOOR_PARTY = 50  # the most one door count may add or remove (Visit.party's range)


def accepts_checkins(place: Place, *, now: dt.datetime | None = None) -> bool:
    """Whether visitors may check in at `place`: registered (active) with a certificate valid today."""
    day = timezone.localdate(now) if now else None
    return (
        place.status == Place.Status.ACTIVE and Place.objects.filter(pk=place.pk).filter(certified_q(day=day)).exists()
    )


def full_words(place: Place, occupancy: int) -> str:
    """The refusal of a full place, in words."""
    return _("%(place)s is full right now (%(inside)s of %(capacity)s inside). Please wait or come back later.") % {
        "place": place.name,
        "inside": occupancy,
        "capacity": place.capacity,
    }


def _party(value, *, most: int) -> int:
    try:
        party = int(value)
    except (TypeError, ValueError):
        party = 0
    if not 1 <= party <= most:
        raise Refused([("party", _("The number of people must be between 1 and %(most)s.") % {"most": most})])
    return party


def not_accepting_words(place: Place) -> str:
    return _("%(place)s does not take check-ins now: it has no valid health-protocol certificate.") % {
        "place": place.name
    }


def code_refusal(place: Place, verdict: codes.Verdict) -> Refused:
    """The refusal of a code that is not valid now (`verdict` says why), in words."""
    if verdict.reason == "expired":
        message = _("This code has expired: scan the code shown at the entrance now.")
    else:
        # Forged, mistyped or another place's: said in words; logged without the address or the code itself.
        logger.info("tourism check-in with a code not valid for place %s", place.pk)
        # No name of the place either: a made-up request learns nothing about a place it was never at.
        message = _("This is not a valid check-in code for this place: scan the code shown at the entrance.")
    return Refused([("code", message)], 422, extra={"code": verdict.reason})


def _busy() -> Refused:
    return Refused([("", _("Many visitors are checking in at once. Please try again in a moment."))], 503)


@contextmanager
def _place_locked_transaction():
    """A transaction that locks a place's row. SQLite waits up to its timeout for the write lock (IMMEDIATE
    transactions, settings.py); past it the visitor gets a busy answer in words rather than a 500."""
    try:
        with transaction.atomic():
            yield
    except OperationalError as exc:
        if connection.vendor == "sqlite" and "locked" in str(exc):
            raise _busy() from exc
        raise


def _admit(place_id: int, *, party: int, channel: str, now: dt.datetime | None) -> tuple[Visit, int]:
    """Insert a visit of `party` people if they fit; returns it and the occupancy with it."""
    with _place_locked_transaction():
        # The lock every admission of this place queues on; counted after it, so nobody counts a stale number.
        place = Place.objects.select_for_update().get(pk=place_id)
        at = now or timezone.now()  # taken once the lock is held: visits are in the order they were admitted
        inside = occupancy_of(place, now=at)
        if inside + party > place.capacity:
            raise Refused(
                [("party", full_words(place, inside))],
                409,
                extra={"code": "full", "occupancy": inside, "capacity": place.capacity},
            )
        visit = Visit.objects.create(
            place=place,
            token=secrets.token_urlsafe(32),
            party=party,
            channel=channel,
            checked_in_at=at,
            counts_until=at + dt.timedelta(minutes=place.usual_stay_minutes),
        )
        return visit, inside + party


@dataclass(frozen=True)
class CheckedIn:
    visit: Visit
    occupancy: int


def check_in_visitor(*, place: Place, code: str, party, now: dt.datetime | None = None) -> CheckedIn:
    """A visitor who scanned `place`'s code checks in with `party` people (1 to 10). Refused (422) for a code that
    is not the place's or has expired, (409) when the place does not take check-ins or the party does not fit."""
    party = _party(party, most=MAX_PARTY)
    verdict = codes.check(place, code, now=now)
    if not verdict.ok:
        raise code_refusal(place, verdict)
    if not accepts_checkins(place, now=now):
        raise Refused([("", not_accepting_words(place))], 409, extra={"code": "not_certified"})
    visit, inside = _admit(place.pk, party=party, channel=Visit.Channel.SCAN, now=now)
    return CheckedIn(visit=visit, occupancy=inside)


def check_out_visitor(*, token: str, now: dt.datetime | None = None) -> Visit:
    """The visitor holding `token` leaves. Checking out twice, or after the visit stopped counting, is harmless."""
    at = now or timezone.now()
    visit = Visit.objects.filter(token=str(token or "")[:43]).select_related("place").first()
    if visit is None:
        raise Refused([("token", _("This check-in is not known (visits are deleted after 14 days)."))], 404)
    if visit.checked_out_at is None:
        # Only an open visit is closed: two check-outs at once close it once.
        Visit.objects.filter(pk=visit.pk, checked_out_at__isnull=True).update(
            checked_out_at=max(at, visit.checked_in_at)
        )
        visit.refresh_from_db(fields=["checked_out_at"])
    return visit


@dataclass(frozen=True)
class DoorCount:
    place: Place
    direction: str
    people: int  # how many went in or out with this count
    occupancy: int


def count_at_door(*, place: Place, direction: str, party, user, now: dt.datetime | None = None) -> DoorCount:
    """Staff at the door count `party` people in (a visit of the "door" channel, refused when they do not fit) or
    out (the oldest open door visits are closed, a larger one made smaller). The caller decides who may count."""
    party = _party(party, most=MAX_DOOR_PARTY)
    if direction == "in":
        visit, inside = _admit(place.pk, party=party, channel=Visit.Channel.DOOR, now=now)
        ids = [visit.pk]
    elif direction == "out":
        ids, inside = _door_out(place, party=party, now=now)
    else:
        raise Refused([("direction", _("Choose in or out."))])
    audit.record(
        action="create" if direction == "in" else "update",
        object_type="tourism_visit",
        subject=str(place.pk),
        object_ids=[str(i) for i in ids],
        detail={"place": place.pk, "door": direction, "party": party},
        user=user,
    )
    return DoorCount(place=place, direction=direction, people=party, occupancy=inside)


def _door_out(place: Place, *, party: int, now: dt.datetime | None) -> tuple[list[int], int]:
    with _place_locked_transaction():
        place = Place.objects.select_for_update().get(pk=place.pk)
        at = now or timezone.now()
        door = list(
            open_visits(now=at)
            .filter(place=place, channel=Visit.Channel.DOOR)
            .select_for_update()
            .order_by("checked_in_at", "pk")
        )
        counted = sum(v.party for v in door)
        if counted < party:
            raise Refused(
                [("party", _("Only %(n)s people counted in at the door are inside.") % {"n": counted})],
                409,
                extra={"code": "not_inside"},
            )
        left, ids = party, []
        for visit in door:
            if left == 0:
                break
            ids.append(visit.pk)
            if visit.party <= left:
                Visit.objects.filter(pk=visit.pk).update(checked_out_at=max(at, visit.checked_in_at))
                left -= visit.party
            else:
                Visit.objects.filter(pk=visit.pk).update(party=visit.party - left)
                left = 0
        return ids, occupancy_of(place, now=at)


def purge_old_visits(*, now: dt.datetime | None = None) -> int:
    """Delete the visits older than RETENTION_DAYS["tourism_visits"] (14 by default; 0 keeps them): the retention
    rule "tourism_visits" (tourism/retention.py), run through core.retention so that it is audited like every
    rule. Returns how many. Safe in several workers."""
    return sum(step.done for step in retention.run(now, only="tourism_visits"))
