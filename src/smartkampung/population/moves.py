"""Moves between villages (pindah datang / pindah keluar): the only way a resident or a household leaves
one jurisdiction for another. The destination requests, the village of origin (or the regency) releases or
refuses; the register changes on release only, in the release's transaction, with its audit entries.

Each function owns its transaction and its audit entry; a decision locks the request first, so two
decisions made at once apply one and refuse the other.
"""

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from smartkampung.accounts.selectors import write_scope
from smartkampung.audit import services as audit
from smartkampung.core import ratelimit
from smartkampung.core.ratelimit import Limit
from smartkampung.population.access import RegistryError, RegistryForbidden, served_villages
from smartkampung.population.bulk import follow_households
from smartkampung.population.models import Household, Move, Resident
from smartkampung.regions.nik import parse_kk, parse_nik

REASON_MAX = 255


class MoveDecided(RegistryError):
    """The request was decided (or cancelled) already: nothing was changed."""

    status_default = 409


def _reason(text: str, *, label: str) -> str:
    text = " ".join(str(text or "").split())
    if not text:
        raise RegistryError([(label, _("This field is required."))])
    if len(text) > REASON_MAX:
        raise RegistryError([(label, _("At most %(max)d characters.") % {"max": REASON_MAX})])
    return text


class MoveRequestsThrottled(RegistryError):
    """Too many move requests from one account: asking for NIKs one after another would map who lives where."""

    status_default = 429

    def __init__(self, retry_after: int):
        minutes = max(1, -(-retry_after // 60))
        super().__init__(
            [("", _("Too many move requests from your account. Try again in %(minutes)s min.") % {"minutes": minutes})]
        )
        self.retry_after = retry_after


def _require_requester(user) -> None:
    if user is None or write_scope(user).nothing:
        raise RegistryForbidden(_("You may not request moves."))


def request_move(
    *, user, reason: str, nik: str = "", to_kk_number: str = "", kk_number: str = "", to_village_code: str = ""
) -> Move:
    """Pindah datang: ask for a resident (NIK, into a household of yours: to_kk_number) or a whole household
    (KK number, into one of your villages: to_village_code). Nothing of the register changes yet.

    Counted per account before anything is looked up, refused requests included (MOVE_REQUESTS_PER_HOUR,
    _PER_DAY), in its own transaction so that a refusal does not take the count back."""
    _require_requester(user)
    verdict = ratelimit.hit(
        scope="move-request",
        client=f"user:{user.pk}",
        limits=(Limit(settings.MOVE_REQUESTS_PER_HOUR, 3600), Limit(settings.MOVE_REQUESTS_PER_DAY, 86400)),
    )
    if not verdict.allowed:
        raise MoveRequestsThrottled(verdict.retry_after)
    return _request_move(
        user=user, reason=reason, nik=nik, to_kk_number=to_kk_number, kk_number=kk_number,
        to_village_code=to_village_code,
    )  # fmt: skip


@transaction.atomic
def _request_move(*, user, reason: str, nik: str, to_kk_number: str, kk_number: str, to_village_code: str) -> Move:
    scope = write_scope(user)
    reason = _reason(reason, label=_("reason"))
    if nik:
        move = _resident_request(user, scope, nik=nik, to_kk_number=to_kk_number, reason=reason)
    elif kk_number:
        move = _household_request(user, scope, kk_number=kk_number, to_village_code=to_village_code, reason=reason)
    else:
        raise RegistryError([(_("NIK"), _("Give the NIK of the person or the KK number of the household."))])
    try:
        with transaction.atomic():
            move.save()
    except IntegrityError as exc:  # a concurrent request for the same person or household
        raise RegistryError([("", _("A move of this person or household is already waiting for a decision."))]) from exc
    audit.record(
        action="create",
        object_type="move",
        subject=str(move.pk),
        object_ids=[nik or kk_number],
        user=user,
        changes=audit.diff(
            {},
            {
                "resident": nik or None,
                "household": kk_number or None,
                "to_household": to_kk_number or None,
                "from_village": move.from_village_id,
                "to_village": move.to_village_id,
                "reason": reason,
            },
        ),
    )
    return move


def _resident_request(user, scope, *, nik: str, to_kk_number: str, reason: str) -> Move:
    parsed, kk = parse_nik(nik), parse_kk(to_kk_number)
    errors = [(_("NIK"), e.message) for e in parsed.errors] + [
        (_("household joined (KK number)"), e.message) for e in kk.errors
    ]
    if errors:
        raise RegistryError(errors)
    households = Household.objects.none() if scope.nothing else Household.objects.filter(scope.q("village"))
    to_household = households.filter(kk_number=kk.kk).first()
    if to_household is None:
        raise RegistryError(
            [
                (
                    _("household joined (KK number)"),
                    _("No household with KK number %(kk)s is registered in your area; register the household first.")
                    % {"kk": kk.kk},
                )
            ]
        )
    resident = Resident.objects.filter(nik=parsed.nik).only("id", "village_id", "household_id").first()
    if resident is None:
        raise RegistryError(
            [(_("NIK"), _("No resident with this NIK is registered: register the person directly instead."))]
        )
    if scope.covers(resident.village_id):
        raise RegistryError(
            [(_("NIK"), _("This person is already in your jurisdiction: change their household on their record."))]
        )
    if Move.objects.filter(resident=resident, status=Move.Status.REQUESTED).exists():
        raise RegistryError([(_("NIK"), _("A move of this person is already waiting for a decision."))])
    return Move(
        resident=resident,
        to_household=to_household,
        from_village_id=resident.village_id,
        to_village_id=to_household.village_id,
        reason=reason,
        requested_by=user,
    )


def _household_request(user, scope, *, kk_number: str, to_village_code: str, reason: str) -> Move:
    kk = parse_kk(kk_number)
    if kk.errors:
        raise RegistryError([(_("KK number"), e.message) for e in kk.errors])
    to_village_code = str(to_village_code or "").strip()
    if not to_village_code:
        raise RegistryError([(_("destination"), _("This field is required."))])
    if to_village_code not in served_villages():
        raise RegistryError(
            [(_("destination"), _("“%(code)s” is not a village of this regency.") % {"code": to_village_code})]
        )
    if not scope.covers(to_village_code):
        raise RegistryForbidden(_("You may request moves into your own village only."))
    household = Household.objects.filter(kk_number=kk.kk).only("id", "village_id").first()
    if household is None:
        raise RegistryError([(_("KK number"), _("No household with this KK number is registered."))])
    if scope.covers(household.village_id):
        raise RegistryError(
            [
                (
                    _("KK number"),
                    _("This household is already in your jurisdiction: change its village on its record."),
                )
            ]
        )
    if Move.objects.filter(household=household, status=Move.Status.REQUESTED).exists():
        raise RegistryError([(_("KK number"), _("A move of this household is already waiting for a decision."))])
    return Move(
        household=household,
        from_village_id=household.village_id,
        to_village_id=to_village_code,
        reason=reason,
        requested_by=user,
    )


def _locked_open(move_id: int) -> Move:
    move = Move.objects.select_for_update().get(pk=move_id)
    if move.status != Move.Status.REQUESTED:
        raise MoveDecided(
            [("", _("This move was decided already: %(status)s.") % {"status": move.get_status_display()})]
        )
    return move


def _require_origin(user, move: Move) -> None:
    if user is not None and not write_scope(user).covers(move.from_village_id):
        raise RegistryForbidden(_("Only the village of origin or the regency may decide this move."))


def _close(move: Move, *, user, status: str, note: str) -> None:
    move.status = status
    move.decided_by = user if user is not None and user.is_authenticated else None
    move.decided_at = timezone.now()
    move.decision_note = note
    move.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
    audit.record(
        action="update",
        object_type="move",
        subject=str(move.pk),
        user=user,
        changes={"status": [Move.Status.REQUESTED.value, status], **({"note": [None, note]} if note else {})},
    )


@transaction.atomic
def release_move(*, user, move_id: int, note: str = "") -> Move:
    """Pindah keluar: the village of origin (or the regency) lets the person or household go; the register
    changes now, each change in the audit log with its old and new values."""
    move = _locked_open(move_id)
    _require_origin(user, move)
    note = " ".join(str(note or "").split())[:REASON_MAX]
    if move.resident_id:
        _move_resident(user, move)
    else:
        _move_household(user, move)
    _close(move, user=user, status=Move.Status.RELEASED, note=note)
    return move


def _move_resident(user, move: Move) -> None:
    resident = Resident.objects.select_for_update().get(pk=move.resident_id)
    to_household = Household.objects.get(pk=move.to_household_id)
    if resident.village_id != move.from_village_id:
        raise RegistryError([("", _("The person is no longer registered in the village of origin; refuse this move."))])
    if to_household.village_id != move.to_village_id:
        raise RegistryError([("", _("The destination household has moved since; the move must be requested again."))])
    old_kk = Household.objects.values_list("kk_number", flat=True).get(pk=resident.household_id)
    changes = {"household": [old_kk, to_household.kk_number], "village": [resident.village_id, move.to_village_id]}
    resident.household_id = to_household.pk
    resident.village_id = move.to_village_id
    resident.save(update_fields=["household", "village", "updated_at"])
    audit.record(
        action="update",
        object_type="resident",
        subject=resident.nik,
        user=user,
        changes=changes,
        detail={"move": move.pk},
    )


def _move_household(user, move: Move) -> None:
    household = Household.objects.select_for_update().get(pk=move.household_id)
    if household.village_id != move.from_village_id:
        raise RegistryError([("", _("The household is no longer in the village of origin; refuse this move."))])
    changes = {"village": [household.village_id, move.to_village_id]}
    household.village_id = move.to_village_id
    household.save(update_fields=["village", "updated_at"])
    audit.record(
        action="update",
        object_type="household",
        subject=household.kk_number,
        user=user,
        changes=changes,
        detail={"move": move.pk},
    )
    followed = follow_households({household.kk_number: {"village_id": changes["village"]}}, now=timezone.now())
    audit.record_changes(object_type="resident", changes=followed, detail={"move": move.pk}, user=user)


@transaction.atomic
def refuse_move(*, user, move_id: int, reason: str) -> Move:
    """The village of origin (or the regency) refuses, saying why; nothing of the register changes."""
    move = _locked_open(move_id)
    _require_origin(user, move)
    _close(move, user=user, status=Move.Status.REFUSED, note=_reason(reason, label=_("reason")))
    return move


@transaction.atomic
def cancel_move(*, user, move_id: int) -> Move:
    """The destination withdraws its request before a decision."""
    move = _locked_open(move_id)
    if user is not None and not write_scope(user).covers(move.to_village_id):
        raise RegistryForbidden(_("Only the destination village or the regency may cancel this request."))
    _close(move, user=user, status=Move.Status.CANCELLED, note="")
    return move
