"""Demonstration isolation houses: about 300 over the regency's villages (near each village's centre,
with the Puskesmas that serves it) and the central facility in the sports hall (GOR)."""

import random
from decimal import Decimal

from django.db import transaction

from smartkampung.isolation.models import IsolationHouse
from smartkampung.regions.models import ServiceArea, Village

FACILITIES = ["kamar mandi dalam", "dapur umum", "air bersih", "listrik", "wifi", "kasur", "kipas angin"]


@transaction.atomic
def seed_demo_houses(*, regency_code: str, total: int = 300, seed: int = 1) -> int:
    """Create the demonstration houses once (nothing when any house exists). Returns how many were made."""
    if IsolationHouse.objects.exists():
        return 0
    rng = random.Random(seed)  # noqa: S311 - demonstration data
    villages = list(Village.objects.filter(district__regency_id=regency_code, latitude__isnull=False).order_by("code"))
    serving = dict(ServiceArea.objects.values_list("village_id", "puskesmas_id"))
    chosen = villages + rng.sample(villages, k=max(0, min(len(villages), total - 1 - len(villages))))
    houses = []
    for n, village in enumerate(chosen):
        beds = rng.randint(3, 12)
        separated = rng.random() < 0.5
        houses.append(
            IsolationHouse(
                name=f"Rumah Isolasi {village.name}{' ' + str(2) if n >= len(villages) else ''}",
                village=village,
                address=f"Balai Desa {village.name}"
                if n < len(villages)
                else f"Dusun {rng.choice(['Krajan', 'Kidul', 'Lor'])}",
                latitude=village.latitude + Decimal(str(round(rng.uniform(-0.004, 0.004), 6))),
                longitude=village.longitude + Decimal(str(round(rng.uniform(-0.004, 0.004), 6))),
                beds_male=beds // 2 if separated else 0,
                beds_female=beds - beds // 2 if separated else 0,
                beds_any=0 if separated else beds,
                facilities=sorted(rng.sample(FACILITIES, k=rng.randint(2, 5))),
                contact_name=f"Kepala Desa {village.name}",
                contact_phone=f"+62812{rng.randint(10_000_000, 99_999_999)}",
                puskesmas_id=serving.get(village.code),
            )
        )
    houses.append(
        IsolationHouse(
            name="GOR Tawang Alun (isolasi terpusat)",
            is_central=True,
            address="Jl. Letjen S. Parman, Banyuwangi",
            latitude=Decimal("-8.229500"),
            longitude=Decimal("114.351800"),
            beds_male=60,
            beds_female=60,
            facilities=["dapur umum", "listrik", "air bersih", "tenaga kesehatan 24 jam"],
            contact_name="Satgas Kabupaten",
            contact_phone="+62333123456",
        )
    )
    IsolationHouse.objects.bulk_create(houses)
    return len(houses)
