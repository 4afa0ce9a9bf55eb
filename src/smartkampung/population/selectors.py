"""Reads of the population registry. Views and API handlers get personal data only through here,
so the rule of who may see which village lives in one place."""

from django.db import connection
from django.db.models import QuerySet
from django.db.models.functions import Collate

from smartkampung.population.models import Household, ImportJob, Resident
from smartkampung.population.normalize import name_search_key
from smartkampung.regions.selectors import served_village

# A count past this is shown as "more than": counting every "SITI" in 1.7 M rows is work
# nobody reads.
COUNT_CAP = 10_000


def residents_visible_to(user) -> QuerySet[Resident]:
    """Every resident the user may see. Until roles and jurisdictions exist, that is all
    residents for a regency administrator (superuser) and none for anyone else."""
    if user.is_authenticated and user.is_active and user.is_superuser:
        return Resident.objects.all()
    return Resident.objects.none()


def households_visible_to(user) -> QuerySet[Household]:
    if user.is_authenticated and user.is_active and user.is_superuser:
        return Household.objects.all()
    return Household.objects.none()


def import_jobs_visible_to(user) -> QuerySet[ImportJob]:
    if user.is_authenticated and user.is_active and user.is_superuser:
        return ImportJob.objects.all()
    return ImportJob.objects.none()


def may_import(user) -> bool:
    return bool(user.is_authenticated and user.is_active and user.is_superuser)


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
    resident = next(iter(residents_visible_to(user).select_related("household").filter(nik=nik).order_by()[:1]), None)
    if resident is not None:
        # The village (and its kecamatan) come from the region cache instead of two more joins.
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


def page_of_residents(qs: QuerySet[Resident], *, offset: int, limit: int, capped: bool) -> list[Resident]:
    """One page of a search, ordered by name, fetched the cheap way for the size of the result.

    With many matches (a capped count) walking the name index in order finds a page at once.
    With few, that walk may pass most of the register before it has a page, so on PostgreSQL
    the order is asked in the "C" collation, which the index cannot serve: the planner then
    fetches the few matches through the trigram index and sorts them. For names (upper-case
    letters and digits only) both collations give the same order.
    """
    if not capped and connection.vendor == "postgresql" and qs.query.where:
        qs = qs.order_by(Collate("name_search", "C"), "id")
    return list(qs[offset : offset + limit])


def capped_count(qs: QuerySet, cap: int = COUNT_CAP) -> tuple[int, bool]:
    """(count, capped): counts at most cap + 1 rows, so a broad search stays cheap."""
    count = qs.order_by()[: cap + 1].count()
    return min(count, cap), count > cap
