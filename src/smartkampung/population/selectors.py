"""Reads of the population registry. Views and API handlers get personal data only through here,
so the rule of who may see which village lives in one place."""

from dataclasses import dataclass

from django.db.models import Count, OuterRef, QuerySet, Subquery

from smartkampung.accounts.selectors import administers_deployment, read_scope, write_scope
from smartkampung.audit import services as audit
from smartkampung.population.models import Household, ImportJob, Move, Resident
from smartkampung.population.normalize import mask_name, mask_number, name_search_key
from smartkampung.regions.selectors import served_village

# A count past this is shown as "more than": counting every "SITI" in 1.7 M rows is work
# nobody reads; a clerk with more than a thousand matches adds a word or picks a village.
COUNT_CAP = 1_000


def residents_visible_to(user) -> QuerySet[Resident]:
    """Every resident the user may see: the regency administrator all, camat staff their
    kecamatan, village operators and overseers their village, anyone else nobody."""
    scope = read_scope(user)
    return Resident.objects.none() if scope.nothing else Resident.objects.filter(scope.q("village"))


def households_visible_to(user) -> QuerySet[Household]:
    scope = read_scope(user)
    return Household.objects.none() if scope.nothing else Household.objects.filter(scope.q("village"))


def import_jobs_visible_to(user) -> QuerySet[ImportJob]:
    """The administrator of the whole deployment sees every import (an import may hold any regency's rows); an
    operator, and a regency's administrator, the imports they uploaded."""
    if administers_deployment(user):
        return ImportJob.objects.all()
    if write_scope(user).nothing:
        return ImportJob.objects.none()
    return ImportJob.objects.filter(created_by=user)


def may_import(user) -> bool:
    return not write_scope(user).nothing


def may_change(user, village_code: str) -> bool:
    return write_scope(user).covers(village_code)


def may_register(user) -> bool:
    """Whether the user may register or change residents anywhere (the village is checked on writing)."""
    return not write_scope(user).nothing


def search_residents(
    *, user, query: str = "", nik: str = "", village_code: str = "", district_code: str = "", status: str = ""
) -> QuerySet[Resident]:
    """Residents matching a free-text query (NIK or any parts of the name, in any case and spacing)."""
    qs = residents_visible_to(user).select_related("village", "village__district")
    query = query.strip()
    digits = query.replace(" ", "")
    if digits.isdigit() and len(digits) >= 6:
        # A number: NIK (whole, or its beginning when the clerk has only part of it).
        # A range, not LIKE 'prefix%': a b-tree under a non-C collation serves only the former.
        rest = 16 - len(digits)
        qs = (
            qs.filter(nik=digits)
            if rest <= 0
            else qs.filter(nik__gte=digits + "0" * rest, nik__lte=digits + "9" * rest)
        )
    elif query:
        for word in query.split():
            key = name_search_key(word)
            if key:
                qs = qs.filter(name_search__contains=key)
    if nik:
        qs = qs.filter(nik=nik.strip())
    if village_code:
        qs = qs.filter(village_id=village_code)
    if district_code:
        qs = qs.filter(village__district_id=district_code)
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("name_search", "id")


def resident_by_nik(*, user, nik: str) -> Resident | None:
    # Single-table queries on purpose: a join's plan costs more here than both look-ups, since
    # the planner probes index ends to estimate it (slow after bulk deletes, until vacuum).
    resident = next(iter(residents_visible_to(user).filter(nik=nik).order_by()[:1]), None)
    if resident is not None:
        resident.household = Household.objects.get(pk=resident.household_id)
        # The village (and its kecamatan) come from the region cache.
        village = served_village(resident.village_id)
        if village is not None:
            resident.village = village
    return resident


def household_by_kk(*, user, kk_number: str) -> Household | None:
    return (
        households_visible_to(user).select_related("village", "village__district").filter(kk_number=kk_number).first()
    )


def household_members(*, user, household: Household) -> QuerySet[Resident]:
    return residents_visible_to(user).filter(household=household).order_by("birth_date", "id")


# ---------------------------------------------------------------- audited reads of one record
# The page and the API open a record through these, so each look at it is logged in one way.


def open_resident(*, user, nik: str) -> Resident | None:
    """The resident with this NIK if the user may see them, the look logged in the audit log."""
    resident = resident_by_nik(user=user, nik=nik)
    if resident is not None:
        audit.record(action="view", object_type="resident", subject=resident.nik, user=user)
    return resident


def open_household(*, user, kk_number: str, with_members: bool = False) -> tuple[Household | None, list[Resident]]:
    """The household with this KK number if the user may see it (and, if asked, its members the user may
    see), the look logged in the audit log with the members shown."""
    household = household_by_kk(user=user, kk_number=kk_number)
    if household is None:
        return None, []
    members = []
    if with_members:
        members = list(household_members(user=user, household=household).select_related("village", "village__district"))
    audit.record(
        action="view",
        object_type="household",
        subject=household.kk_number,
        object_ids=[m.nik for m in members],
        user=user,
    )
    return household, members


# ---------------------------------------------------------------- moves between villages


def moves_visible_to(user) -> QuerySet[Move]:
    """Moves out of or into a village the user may read: both sides see the request, each its own part of it."""
    scope = read_scope(user)
    if scope.nothing:
        return Move.objects.none()
    return Move.objects.filter(scope.q("from_village") | scope.q("to_village"))


def moves_into(user) -> QuerySet[Move]:
    """Pindah datang: moves into the user's villages."""
    scope = read_scope(user)
    return Move.objects.none() if scope.nothing else Move.objects.filter(scope.q("to_village"))


def moves_out_of(user) -> QuerySet[Move]:
    """Pindah keluar: moves out of the user's villages."""
    scope = read_scope(user)
    return Move.objects.none() if scope.nothing else Move.objects.filter(scope.q("from_village"))


def _move_related(qs: QuerySet[Move]) -> QuerySet[Move]:
    members = Resident.objects.filter(household_id=OuterRef("household_id")).order_by().values("household_id")
    return qs.select_related(
        "resident", "household", "to_household", "from_village", "to_village", "requested_by"
    ).annotate(member_count=Subquery(members.annotate(n=Count("id")).values("n")[:1]))


def move_for(*, user, move_id: int) -> Move | None:
    return _move_related(moves_visible_to(user)).filter(pk=move_id).first()


@dataclass(frozen=True)
class MoveView:
    """A move as the user may see it: the person (or household) in full only where the register lets the
    user read them now; masked otherwise (the destination until the release, the origin after it)."""

    id: int
    kind: str
    status: str
    status_label: str
    nik: str
    name: str
    kk_number: str
    members: int | None
    to_kk_number: str
    from_village: str | None
    from_village_code: str | None
    to_village: str
    to_village_code: str
    reason: str
    requested_at: object
    decided_at: object
    decision_note: str
    sees_person: bool
    may_decide: bool
    may_cancel: bool


def view_move(move: Move, *, user) -> MoveView:
    reads, writes = read_scope(user), write_scope(user)
    open_ = move.status == Move.Status.REQUESTED
    if move.resident_id:
        subject_village = move.resident.village_id
        nik, name, kk, members = move.resident.nik, move.resident.name, "", 1
    else:
        subject_village = move.household.village_id
        nik, name, kk = "", "", move.household.kk_number
        members = getattr(move, "member_count", None) or 0
    sees = reads.covers(subject_village)
    # Where the person lives now, and how many a household counts, is registry data too: the destination
    # learns them on the release (or from the person in front of them), never by asking for a NIK.
    knows_origin = sees or reads.covers(move.from_village_id)
    to_kk = move.to_household.kk_number if move.to_household_id else ""
    if to_kk and not reads.covers(move.to_household.village_id):
        to_kk = mask_number(to_kk)
    return MoveView(
        id=move.pk,
        kind=move.kind,
        status=move.status,
        status_label=move.get_status_display(),
        nik=nik if sees or not nik else mask_number(nik),
        name=name if sees else mask_name(name),
        kk_number=kk if sees or not kk else mask_number(kk),
        members=members if knows_origin else None,
        to_kk_number=to_kk,
        from_village=move.from_village.name if knows_origin else None,
        from_village_code=move.from_village_id if knows_origin else None,
        to_village=move.to_village.name,
        to_village_code=move.to_village_id,
        reason=move.reason,
        requested_at=move.requested_at,
        decided_at=move.decided_at,
        decision_note=move.decision_note,
        sees_person=sees,
        may_decide=open_ and writes.covers(move.from_village_id),
        may_cancel=open_ and writes.covers(move.to_village_id),
    )


def move_page(qs: QuerySet[Move], *, user, offset: int, limit: int) -> tuple[list[MoveView], int, bool]:
    """One page of moves as the user may see them, with the (capped) count."""
    count, capped = capped_count(qs)
    items = [
        view_move(m, user=user) for m in _move_related(qs).order_by("-requested_at", "-id")[offset : offset + limit]
    ]
    seen = [v.nik or v.kk_number for v in items if v.sees_person]
    if seen:
        audit.record(action="search", object_type="move", object_ids=seen, user=user)
    return items, count, capped


def open_move(*, user, move_id: int) -> MoveView | None:
    """A move the user may see, as they may see it; a look at a person shown in full is logged."""
    move = move_for(user=user, move_id=move_id)
    if move is None:
        return None
    view = view_move(move, user=user)
    audit.record(
        action="view",
        object_type="move",
        subject=str(move.pk),
        object_ids=[view.nik or view.kk_number] if view.sees_person else [],
        user=user,
    )
    return view


@dataclass(frozen=True)
class SearchPage:
    items: list[Resident]
    count: int  # at most COUNT_CAP
    capped: bool  # more matched than COUNT_CAP


def search_page(qs: QuerySet[Resident], *, offset: int, limit: int, by_name: bool) -> SearchPage:
    """One page of residents ordered by name, at a cost bounded whatever the search.

    Listing (no name words): the name index is walked in order, so any page comes at once.
    A name search: at most COUNT_CAP + 1 matches are collected through the trigram index
    (PostgreSQL) without ordering, and the page is cut from those, sorted by name. With more
    matches than that the clerk sees the first thousand and is asked to narrow the search:
    sorting every "SITI" of the regency to show 25 of them would cost a whole scan.
    """
    offset = max(0, min(offset, COUNT_CAP))
    if not by_name:
        count, capped = capped_count(qs)
        return SearchPage(items=list(qs[offset : offset + limit]), count=count, capped=capped)
    matches = list(qs.order_by().values_list("name_search", "id")[: COUNT_CAP + 1])
    capped = len(matches) > COUNT_CAP
    del matches[COUNT_CAP:]
    # Sorted here: the keys are upper-case letters and digits, which sort alike in Python and in
    # the database's collation, and only the page's rows are then read whole.
    matches.sort()
    wanted = [resident_id for _key, resident_id in matches[offset : offset + limit]]
    found = {r.id: r for r in qs.model.objects.filter(id__in=wanted).select_related("village", "village__district")}
    items = [found[resident_id] for resident_id in wanted if resident_id in found]
    return SearchPage(items=items, count=len(matches), capped=capped)


def find_residents(
    *,
    user,
    query: str = "",
    village_code: str = "",
    district_code: str = "",
    status: str = "",
    offset: int = 0,
    limit: int = 25,
) -> SearchPage:
    """The resident search of the list page and GET /api/v1/residents."""
    qs = search_residents(user=user, query=query, village_code=village_code, district_code=district_code, status=status)
    return search_page(qs, offset=offset, limit=limit, by_name=is_name_search(query))


def is_name_search(query: str) -> bool:
    digits = query.replace(" ", "")
    return bool(query.strip()) and not (digits.isdigit() and len(digits) >= 6)


def capped_count(qs: QuerySet, cap: int = COUNT_CAP) -> tuple[int, bool]:
    """(count, capped): counts at most cap + 1 rows, so a broad search stays cheap."""
    count = qs.order_by()[: cap + 1].count()
    return min(count, cap), count > cap
