"""What the isolation tests share: a household of Bakungan, a house there, reserving a bed over the API."""

import datetime as dt
import json
from decimal import Decimal

from django.utils import timezone

from smartkampung.isolation.models import IsolationHouse
from smartkampung.population import services as population

BAKUNGAN = "3510151002"
KK = "3510150101100001"


def residents(count: int, *, sex: str = "male") -> list[str]:
    """`count` residents of one Bakungan household; returns their NIKs."""
    population.create_household(user=None, values={"kk_number": KK, "village_code": BAKUNGAN, "address": "KRAJAN"})
    niks = []
    for i in range(count):
        day = 17 + (40 if sex == "female" else 0)
        nik = f"351015{day:02d}0885{i + 1:04d}"
        population.create_resident(
            user=None,
            values={"nik": nik, "kk_number": KK, "name": f"Warga {i}", "birth_date": "1985-08-17", "sex": sex},
        )
        niks.append(nik)
    return niks


def house(beds: int = 1, **extra) -> IsolationHouse:
    return IsolationHouse.objects.create(
        name="Rumah Isolasi Uji", village_id=BAKUNGAN, address="Balai Desa", latitude=Decimal("-8.221"),
        longitude=Decimal("114.344"), beds_any=beds, **extra,
    )  # fmt: skip


def reserve(client, house_id: int, nik: str, kk: str = KK, days: int = 1):
    body = {
        "nik": nik,
        "kk_number": kk,
        "phone": "081234567890",
        "expected_arrival": (timezone.localdate() + dt.timedelta(days=days)).isoformat(),
    }
    return client.post(
        f"/api/v1/public/isolation-houses/{house_id}/reservations",
        json.dumps(body),
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="en",
    )
