"""Reads of the population registry. Views and API handlers get personal data only through here,
so the rule of who may see which village lives in one place."""

from dataclasses import dataclass

from django.db.models import QuerySet

from smartkampung.accounts.selectors import read_scope, write_scope
from smartkampung.population.models import Household, ImportJob, Resident
from smartkampung.population.normalize import name_search_key
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
    """An administrator sees every import; an operator the imports they uploaded."""
    if read_scope(user).everything:
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
