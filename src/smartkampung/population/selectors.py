"""Reads of the population registry. Views and API handlers get personal data only through here,
so the rule of who may see which village lives in one place."""

from django.db.models import QuerySet

from smartkampung.population.models import Household, ImportJob, Resident
from smartkampung.population.normalize import name_search_key

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
    return (
        residents_visible_to(user).select_related("household", "village", "village__district").filter(nik=nik).first()
    )


def household_by_kk(*, user, kk_number: str) -> Household | None:
    return (
        households_visible_to(user).select_related("village", "village__district").filter(kk_number=kk_number).first()
    )


def household_members(*, user, household: Household) -> QuerySet[Resident]:
    return residents_visible_to(user).filter(household=household).order_by("birth_date", "id")


def capped_count(qs: QuerySet, cap: int = COUNT_CAP) -> tuple[int, bool]:
    """(count, capped): counts at most cap + 1 rows, so a broad search stays cheap."""
    count = qs.order_by()[: cap + 1].count()
    return min(count, cap), count > cap
