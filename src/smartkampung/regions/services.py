"""Writes to the region reference tables."""

from dataclasses import dataclass

from django.db import transaction

from smartkampung.regions.codes import code_lists, district_coordinates, village_rows
from smartkampung.regions.models import District, Province, Regency, Village
from smartkampung.regions.selectors import clear_cache


@dataclass(frozen=True)
class RegionCounts:
    provinces: int
    regencies: int
    districts: int
    desa: int
    kelurahan: int


def _dec(value: str):
    return value or None


@transaction.atomic
def load_regions(*, regency_code: str) -> RegionCounts:
    """Load (or refresh) all provinces, regencies and kecamatan of Indonesia and the villages
    of the served regency from the packaged Kemendagri files. Safe to run again."""
    lists = code_lists()
    if regency_code not in lists.regencies:
        raise ValueError(f"Unknown regency code {regency_code!r}")
    Province.objects.bulk_create(
        [Province(code=c, name=n) for c, n in lists.provinces.items()],
        update_conflicts=True,
        unique_fields=["code"],
        update_fields=["name"],
    )
    Regency.objects.bulk_create(
        [Regency(code=c, province_id=p, name=n) for c, (p, n) in lists.regencies.items()],
        update_conflicts=True,
        unique_fields=["code"],
        update_fields=["province", "name"],
    )
    coordinates = district_coordinates()
    District.objects.bulk_create(
        [
            District(
                code=c,
                regency_id=r,
                name=n,
                latitude=_dec(coordinates.get(c, ("", ""))[0]),
                longitude=_dec(coordinates.get(c, ("", ""))[1]),
            )
            for c, (r, n) in lists.districts.items()
        ],
        batch_size=2000,
        update_conflicts=True,
        unique_fields=["code"],
        update_fields=["regency", "name", "latitude", "longitude"],
    )
    villages = village_rows(regency_code)
    Village.objects.bulk_create(
        [
            Village(
                code=v.code,
                district_id=v.district_code,
                name=v.name,
                kind=v.kind,
                latitude=_dec(v.latitude),
                longitude=_dec(v.longitude),
            )
            for v in villages
        ],
        update_conflicts=True,
        unique_fields=["code"],
        update_fields=["district", "name", "kind", "latitude", "longitude"],
    )
    transaction.on_commit(clear_cache)
    served = Village.objects.filter(district__regency_id=regency_code)
    return RegionCounts(
        provinces=Province.objects.count(),
        regencies=Regency.objects.count(),
        districts=District.objects.filter(regency_id=regency_code).count(),
        desa=served.filter(kind=Village.Kind.DESA).count(),
        kelurahan=served.filter(kind=Village.Kind.KELURAHAN).count(),
    )
