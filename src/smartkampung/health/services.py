"""Writes to the health reference data."""

import math
from dataclasses import dataclass

from django.db import transaction

from smartkampung.health.models import Puskesmas, ServiceArea
from smartkampung.regions.codes import puskesmas_rows
from smartkampung.regions.models import District, Village


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
