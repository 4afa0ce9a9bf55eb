"""Reads of social aid and who may see and decide which listings (the rule itself: accounts.selectors)."""

from django.db.models import QuerySet

from smartkampung.accounts.models import Role
from smartkampung.accounts.selectors import aid_read_scope, aid_write_scope, roles_of
from smartkampung.aid.models import Conflict, ConflictKind, Recipient, RecipientList
from smartkampung.population.models import Resident


def may_import(user) -> bool:
    """Lists come from the ministries and the province through the social affairs agency."""
    return bool(roles_of(user) & {Role.SOCIAL_AGENCY, Role.REGENCY_ADMIN})


def sees_aid(user) -> bool:
    return not aid_read_scope(user).nothing


def lists_visible_to(user) -> QuerySet[RecipientList]:
    """Uploads (their counts, not their rows): every aid reader sees which lists exist."""
    if not sees_aid(user):
        return RecipientList.objects.none()
    return RecipientList.objects.select_related("program", "created_by")


def recipients_visible_to(user) -> QuerySet[Recipient]:
    """Listed rows of the user's villages (rows placed in no village: the agency only)."""
    return Recipient.objects.filter(aid_read_scope(user).q("village")).select_related("program", "source")


def review_queue(user) -> QuerySet[Recipient]:
    return (
        recipients_visible_to(user)
        .filter(status="review", decided=False, source__current=True)
        .select_related("candidate", "village")
        .order_by("village_id", "name", "id")
    )


def conflicts_visible_to(user) -> QuerySet[Conflict]:
    return Conflict.objects.filter(aid_read_scope(user).q("village")).select_related(
        "village", "resident", "first_program", "second_program", "first", "second"
    )


def may_decide(user, recipient: Recipient) -> bool:
    scope = aid_write_scope(user)
    return scope.everything or (recipient.village_id is not None and scope.covers(recipient.village_id))


def may_resolve(user, conflict: Conflict) -> bool:
    return aid_write_scope(user).covers(conflict.village_id)


def residents_for_review(user) -> QuerySet[Resident]:
    """Whom a reviewer may link a row to: residents of the villages they decide for."""
    return Resident.objects.filter(aid_write_scope(user).q("village"))


def resolutions_for(conflict: Conflict) -> list[str]:
    R = Conflict.Resolution
    if conflict.kind in (ConflictKind.EXCLUSIVE, ConflictKind.HOUSEHOLD):
        return [R.KEEP_FIRST, R.KEEP_SECOND, R.KEEP_BOTH]
    return [R.WITHDRAW, R.KEEP_BOTH]


# ---------------------------------------------------------------- citizens (public, masked)


def aid_listings_for(*, nik: str, kk_number: str):
    """A citizen's own check: (the resident, or None when NIK and KK number do not belong together; one answer
    for both), and the current listings of them or their household, as (program, period, listed member, is_self)."""
    resident = (
        Resident.objects.select_related("village", "village__district")
        .filter(nik=nik, household__kk_number=kk_number)
        .first()
    )
    if resident is None:
        return None, []
    rows = (
        Recipient.objects.filter(source__current=True, withdrawn=False, household_id=resident.household_id)
        .select_related("program", "source", "resident")
        .order_by("program__level", "program__code", "source__period")
    )
    listed = [(r.program, r.source.period, r.resident, r.resident_id == resident.pk) for r in rows]
    return resident, listed


def public_village_recipients(village_code: str):
    """Who a village's current lists name, for the public list: program and a masked name only."""
    return (
        Recipient.objects.filter(village_id=village_code, source__current=True, withdrawn=False, resident__isnull=False)
        .select_related("program", "resident")
        .order_by("program__level", "program__code", "resident__name_search", "pk")
    )
