"""Writes to the reference places: the region tables, the Puskesmas and the villages each serves."""

import math
from dataclasses import dataclass

from django.db import transaction

from smartkampung.regions.codes import code_lists, district_coordinates, puskesmas_rows, village_rows
from smartkampung.regions.models import District, Province, Puskesmas, Regency, ServiceArea, Village
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
    clear_cache()  # this transaction's own later reads
    transaction.on_commit(clear_cache)
    served = Village.objects.filter(district__regency_id=regency_code)
    return RegionCounts(
        provinces=Province.objects.count(),
        regencies=Regency.objects.count(),
        districts=District.objects.filter(regency_id=regency_code).count(),
        desa=served.filter(kind=Village.Kind.DESA).count(),
        kelurahan=served.filter(kind=Village.Kind.KELURAHAN).count(),
    )


@dataclass(frozen=True)
class PuskesmasCounts:
    puskesmas: int
    villages_served: int
    newly_assigned: int


def _key(name: str) -> str:
    return "".join(name.lower().removeprefix("puskesmas").split())


def _distance(a: tuple[float, float], b: tuple[float, float]) -> float:
    # Within one kecamatan a flat approximation orders distances correctly.
    return math.hypot(a[0] - b[0], (a[1] - b[1]) * math.cos(math.radians(a[0])))


def _point(lat, lon) -> tuple[float, float] | None:
    return (float(lat), float(lon)) if lat is not None and lon is not None else None


@transaction.atomic
def load_puskesmas(*, regency_code: str) -> PuskesmasCounts:
    """Load (or refresh) the packaged Puskesmas list and give every village without one a Puskesmas.

    The shipped list says only which kecamatan a Puskesmas is in. A village with no Puskesmas yet
    is given, among its kecamatan's Puskesmas, the one whose namesake village (Puskesmas Paspan:
    Desa Paspan) lies nearest; a Puskesmas named after no village stands at the kecamatan's centre.
    An assignment the health office has changed is never overwritten. Safe to run again.
    """
    for row in puskesmas_rows(regency_code):
        Puskesmas.objects.update_or_create(
            name=row.name,
            defaults={
                "district_id": row.district_code,
                "address": row.address,
                "latitude": row.latitude or None,
                "longitude": row.longitude or None,
            },
        )
    by_district: dict[str, list[Puskesmas]] = {}
    for puskesmas in Puskesmas.objects.filter(district__regency_id=regency_code, active=True):
        by_district.setdefault(puskesmas.district_id, []).append(puskesmas)
    villages = list(Village.objects.filter(district__regency_id=regency_code))
    centres = {d.code: _point(d.latitude, d.longitude) for d in District.objects.filter(regency_id=regency_code)}
    village_points = {(v.district_id, _key(v.name)): _point(v.latitude, v.longitude) for v in villages}

    def anchor(puskesmas: Puskesmas) -> tuple[float, float] | None:
        return (
            _point(puskesmas.latitude, puskesmas.longitude)
            or village_points.get((puskesmas.district_id, _key(puskesmas.name)))
            or centres.get(puskesmas.district_id)
        )

    served = set(ServiceArea.objects.values_list("village_id", flat=True))
    new_areas = []
    for village in villages:
        candidates = by_district.get(village.district_id)
        if village.code in served or not candidates:
            continue
        here = _point(village.latitude, village.longitude)
        anchored = [(p, anchor(p)) for p in candidates]
        if here is not None:
            anchored.sort(key=lambda pa: _distance(here, pa[1]) if pa[1] else math.inf)
        new_areas.append(ServiceArea(village=village, puskesmas=anchored[0][0]))
    ServiceArea.objects.bulk_create(new_areas)
    return PuskesmasCounts(
        puskesmas=Puskesmas.objects.filter(district__regency_id=regency_code).count(),
        villages_served=ServiceArea.objects.filter(village__district__regency_id=regency_code).count(),
        newly_assigned=len(new_areas),
    )
