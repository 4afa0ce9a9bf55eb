"""Demonstration arrivals: a fortnight of travellers through the four checkpoints, registered
through the same service as the desk (so rules, audit and notifications are real), then dated back."""

import datetime as dt
import random

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from smartkampung.checkpoints.models import Arrival, Checkpoint
from smartkampung.checkpoints.services import CheckpointError, RepeatedArrival, register_arrival, seed_demo_checkpoints
from smartkampung.health.models import MonitoringCase
from smartkampung.population.models import Resident
from smartkampung.regions.codes import code_lists

# Where Banyuwangi's travellers came from in 2020: Bali across the strait, Java's cities, Jember.
ORIGINS = ["5171", "5103", "5102", "3578", "3509", "3512", "3515", "3171", "3273", "3374"]
NAMES = ["AGUS SETIAWAN", "SRI WAHYUNI", "I MADE SUARDANA", "NI LUH PUTU ARI", "DEWI LESTARI", "BAMBANG HARIADI"]


def _nik(rng: random.Random, origin: str) -> str:
    districts = [c for c, (r, _n) in code_lists().districts.items() if r == origin] or [origin + "01"]
    day, month, year = rng.randint(1, 28), rng.randint(1, 12), rng.randint(60, 99)
    return f"{rng.choice(districts)}{day + rng.choice([0, 40]):02d}{month:02d}{year:02d}{rng.randint(1, 9999):04d}"


def seed_demo_arrivals(*, user, count: int = 60, seed: int = 1) -> int:
    """`count` arrivals spread over the last 14 days (none when arrivals exist already)."""
    if Arrival.objects.exists():
        return 0
    rng = random.Random(seed)  # noqa: S311 - demonstration data
    posts = seed_demo_checkpoints()
    villages = list(Resident.objects.values_list("village_id", flat=True).distinct()[:60]) or ["3510151002"]
    residents = list(Resident.objects.values_list("nik", flat=True)[:200])
    now = timezone.now()
    made = 0
    for _ in range(count):
        home = residents and rng.random() < 0.3
        origin = rng.choice(ORIGINS)
        values = {
            "nik": rng.choice(residents) if home else _nik(rng, origin),
            "name": rng.choice(NAMES),
            "phone": f"0812{rng.randint(10_000_000, 99_999_999)}",
            "origin_regency": origin,
            "destination_village": rng.choice(villages),
            "destination_address": f"RT {rng.randint(1, 9):03d} RW {rng.randint(1, 5):03d}",
            "travel_mode": rng.choice(["car", "motorcycle", "bus", "on_foot"]),
            "temperature": f"{rng.choice([36.2, 36.5, 36.8, 37.0, 37.2, 37.8, 38.3]):.1f}",
            "symptoms": rng.choice([[], [], [], ["cough"], ["headache"]]),
            "contact_with_case": rng.random() < 0.05,
        }
        checkpoint: Checkpoint = posts[0] if origin.startswith("51") else rng.choice(posts)
        try:
            with transaction.atomic():
                registration = register_arrival(user=user, checkpoint=checkpoint, values=values)
        except (RepeatedArrival, CheckpointError):
            continue  # a drawn traveller the desk would not take: draw the next
        # Spread over the fortnight, busiest in the last days (as the 2020 returns were).
        back = dt.timedelta(days=int(13 * (1 - rng.random() ** 0.5)), minutes=rng.randint(0, 600))
        Arrival.objects.filter(pk=registration.arrival.pk).update(
            registered_at=now - back,
            monitoring_until=(
                registration.arrival.monitoring_until - back.days * dt.timedelta(days=1)
                if registration.arrival.monitoring_until
                else None
            ),
        )
        # The isolation case the arrival opened started that day too.
        MonitoringCase.objects.filter(arrival_id=registration.arrival.pk).update(
            start_date=F("start_date") - back.days * dt.timedelta(days=1),
            planned_end=F("planned_end") - back.days * dt.timedelta(days=1),
        )
        made += 1
    return made
