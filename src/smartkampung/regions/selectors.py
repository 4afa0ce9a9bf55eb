"""Reads of the reference places: regions, and the Puskesmas with the villages each serves."""

from functools import lru_cache

from django.conf import settings
from django.db.models import Q

from smartkampung.core.db import fetch_one
from smartkampung.regions.models import Puskesmas, ServiceArea, Village


@lru_cache(maxsize=1)
def _villages() -> dict[str, Village]:
    return {v.code: v for v in Village.objects.select_related("district", "district__regency")}


def served_village(code: str) -> Village | None:
    """A village of the served regency, from a per-process cache: 217 rows that change only when
    the region data is reloaded, read on every resident page. Saves a three-table join per look-up."""
    village = _villages().get(code)
    if village is None or not code.startswith(settings.SMARTKAMPUNG_REGENCIES):
        return None
    return village


def served_villages() -> list[Village]:
    """Every village of the served regency (from the same cache)."""
    return [v for code, v in _villages().items() if code.startswith(settings.SMARTKAMPUNG_REGENCIES)]


def served_name() -> str:
    """What the deployment serves, as people call it: "Kabupaten Banyuwangi"; for several regencies their
    names joined ("Kabupaten Banyuwangi, Kabupaten Jember"), or the province's when it serves five or more."""
    from smartkampung.regions.models import Province, Regency

    codes = settings.SMARTKAMPUNG_REGENCIES
    names = dict(Regency.objects.filter(code__in=codes).values_list("code", "name"))
    if len(codes) >= 5 and len({code[:2] for code in codes}) == 1:
        province = Province.objects.filter(code=codes[0][:2]).values_list("name", flat=True).first()
        if province:
            return province
    return ", ".join(names.get(code, code) for code in codes)


def regency_choices(codes=None) -> list[tuple[str, str]]:
    """(code, name) of the given regencies (by default every one served), in the order given."""
    from smartkampung.regions.models import Regency

    codes = list(settings.SMARTKAMPUNG_REGENCIES if codes is None else codes)
    names = dict(Regency.objects.filter(code__in=codes).values_list("code", "name"))
    return [(code, names.get(code, code)) for code in codes]


def clear_cache() -> None:
    _villages.cache_clear()


def puskesmas_serving(village_code: str) -> Puskesmas | None:
    """The Puskesmas that serves a village, or None where none is assigned."""
    area = ServiceArea.objects.select_related("puskesmas").filter(village_id=village_code).first()
    return area.puskesmas if area else None


def puskesmas_for_village(village_code: str) -> tuple[str, int] | None:
    """(kecamatan code, Puskesmas id) for a village, or None where no Puskesmas serves it."""
    return (
        ServiceArea.objects.filter(village_id=village_code).values_list("village__district_id", "puskesmas_id").first()
    )


def area_of(village_code: str) -> tuple[str, int | None] | None:
    """(kecamatan code, Puskesmas id or None) of a village, None for an unknown village: read fresh, in one
    hand-written statement (every notification and new case asks it, and a Puskesmas given a village a moment
    ago must get that village's next case, never the one that served it before)."""
    row = fetch_one(
        f"SELECT v.district_id, a.puskesmas_id FROM {Village._meta.db_table} v"
        f" LEFT JOIN {ServiceArea._meta.db_table} a ON a.village_id = v.code WHERE v.code = %s",
        [village_code],
    )
    return (row[0], row[1]) if row else None


def code_range(code: str) -> tuple[str, str]:
    """The codes that begin with `code` (a regency's: its kecamatan and villages), as the range [code, next code):
    a range the column's own index answers (`LIKE 'code%'` needs a pattern index on PostgreSQL outside the C
    collation, and on SQLite one of a case-insensitive collation). Codes are digits only."""
    return code, str(int(code) + 1).zfill(len(code))


def begins_with(field: str, code: str) -> Q:
    """Rows whose code column `field` begins with `code` (see `code_range`)."""
    low, high = code_range(code)
    return Q(**{f"{field}__gte": low, f"{field}__lt": high})


def puskesmas_in_regencies(regency_codes) -> frozenset[int]:
    """The ids of the Puskesmas standing in the given regencies (by their kecamatan's code)."""
    codes = sorted(regency_codes)
    if not codes:
        return frozenset()
    query = Q(pk__in=[])
    for code in codes:
        query |= begins_with("district_id", code)
    return frozenset(Puskesmas.objects.filter(query).values_list("pk", flat=True))


def villages_served_by(puskesmas_ids) -> frozenset[str]:
    """The codes of the villages the given Puskesmas serve."""
    return frozenset(
        ServiceArea.objects.filter(puskesmas_id__in=list(puskesmas_ids)).values_list("village_id", flat=True)
    )


def puskesmas_choices(regency_codes) -> list[tuple[int, str]]:
    """The regencies' active Puskesmas as (id, "name (kecamatan)"), for a choice list."""
    return [
        (pk, f"{name} ({district})")
        for pk, name, district in Puskesmas.objects.filter(district__regency_id__in=list(regency_codes), active=True)
        .order_by("name")
        .values_list("pk", "name", "district__name")
    ]
