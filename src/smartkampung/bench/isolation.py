"""`smartkampung bench isolation`: nearest free beds, concurrent reservations through the HTTP API, and
the regency dashboard over a full registry and a large case load.

Fills a scratch database to `--residents` (the population benchmark's import) and `--cases` isolation
cases (bulk-written: they are data for the reads, not what is measured), then measures
- nearest_p99_ms: the nearest-free-beds read (selectors.places) from random points of the regency;
- reserve_per_s and overbooked: `--reservations` concurrent POSTs to the public reservation endpoint of a
  real `smartkampung run` server, aimed at a few houses with fewer beds than requests; afterwards every
  house's active reservations are counted against its beds;
- dashboard_p95_ms: GET /dashboard/ as the health agency (the regency's dashboard), through Django.
Run it against a scratch PostgreSQL database: DATABASE_URL=postgres://…/smartkampung_bench.
"""

import asyncio
import datetime as dt
import os
import random
import time

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client
from django.utils import timezone

from smartkampung.accounts.models import Role, RoleAssignment
from smartkampung.bench.checkpoint import HOST, _log, _percentile, served
from smartkampung.bench.http import Connection
from smartkampung.health.models import CaseOutcome, CaseSource, MonitoringCase
from smartkampung.health.tallies import refresh_tallies
from smartkampung.isolation.demo import seed_demo_houses
from smartkampung.isolation.models import HOLDING, IsolationHouse, Reservation
from smartkampung.isolation.selectors import places, taken_beds
from smartkampung.population.models import Resident
from smartkampung.regions.models import ServiceArea, Village


def _fill_cases(total: int, seed: int) -> int:
    """Bring the case table to `total` rows: a 60-day history, about a fifth still open."""
    present = MonitoringCase.objects.count()
    if present >= total:
        return 0
    rng = random.Random(seed)  # noqa: S311 - benchmark data
    areas = list(ServiceArea.objects.values_list("village_id", "village__district_id", "puskesmas_id"))
    user, _ = get_user_model().objects.get_or_create(username="bench.runner", defaults={"is_superuser": True})
    today = timezone.localdate()
    outcomes = [CaseOutcome.COMPLETED] * 8 + [CaseOutcome.REFERRED, CaseOutcome.LEFT]
    batch = []
    for i in range(present, total):
        village, district, puskesmas = rng.choice(areas)
        start = today - dt.timedelta(days=rng.randint(0, 60))
        end = start + dt.timedelta(days=14)
        closed = end <= today or rng.random() < 0.05
        batch.append(
            MonitoringCase(
                source=CaseSource.ARRIVAL, name=f"BENCH {i}", village_id=village, district_id=district,
                puskesmas_id=puskesmas, start_date=start, planned_end=end, created_by=user,
                last_seen=min(today, end) - dt.timedelta(days=rng.randint(0, 2)) if start < today else None,
                outcome=rng.choice(outcomes) if closed else "", closed_on=min(end, today) if closed else None,
            )
        )  # fmt: skip
        if len(batch) == 5000:
            MonitoringCase.objects.bulk_create(batch)
            batch = []
    MonitoringCase.objects.bulk_create(batch)
    return total - present


def _time(fn, samples: int) -> list[float]:
    times = []
    for _ in range(samples):
        started = time.perf_counter()
        fn()
        times.append((time.perf_counter() - started) * 1000)
    return times


def _nearest(samples: int, seed: int) -> list[float]:
    rng = random.Random(seed)  # noqa: S311
    points = list(Village.objects.filter(latitude__isnull=False).values_list("latitude", "longitude"))
    places(latitude=-8.2, longitude=114.3)  # warm
    return _time(lambda: places(latitude=float(rng.choice(points)[0]), longitude=float(rng.choice(points)[1])), samples)


def _dashboard(samples: int) -> list[float]:
    user, _ = get_user_model().objects.get_or_create(username="bench.dinkes")
    RoleAssignment.objects.get_or_create(user=user, role=Role.HEALTH_AGENCY)
    client = Client()
    client.force_login(user)
    assert client.get("/dashboard/").status_code == 200  # warm, and today's tallies exist

    def one():
        response = client.get("/dashboard/")
        assert response.status_code == 200

    return _time(one, samples)


async def _reserve(port: int, bodies: list[tuple[int, dict]], clients: int) -> tuple[dict[int, int], float]:
    queue: asyncio.Queue = asyncio.Queue()
    for item in bodies:
        queue.put_nowait(item)
    statuses: dict[int, int] = {}

    async def worker(n: int):
        conn = Connection(HOST, port)
        headers = {"Accept-Language": "id"}
        while not queue.empty():
            house, body = queue.get_nowait()
            status, _data = await conn.request(
                "POST", f"/api/v1/public/isolation-houses/{house}/reservations", headers=headers, body=body
            )
            statuses[status] = statuses.get(status, 0) + 1
        await conn.close()

    started = time.perf_counter()
    await asyncio.gather(*(worker(n) for n in range(clients)))
    return statuses, time.perf_counter() - started


def _overbooked() -> int:
    houses = {h.pk: h for h in IsolationHouse.objects.all()}
    return sum(1 for (house, pool), n in taken_beds().items() if n > houses[house].capacity(pool))


def run(*, residents: int, cases: int, reservations: int, clients: int, samples: int, port: int, seed: int) -> dict:
    from smartkampung.bench import population

    regency = settings.SMARTKAMPUNG_REGENCY
    result: dict = {"benchmark": "isolation"}
    population._fill(population._bench_user(), residents, seed, result)
    seed_demo_houses(regency_code=regency)
    _log(f"filling cases to {cases:,} ...")
    result["cases_written"] = _fill_cases(cases, seed)
    started = time.perf_counter()
    refresh_tallies(days=30)
    result["tally_30_days_s"] = round(time.perf_counter() - started, 2)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE health_monitoringcase; ANALYZE isolation_reservation")

    _log("nearest free beds ...")
    nearest = _nearest(samples, seed)
    _log("regency dashboard ...")
    dashboard = _dashboard(max(20, samples // 10))

    # Reservations: free every bed, then aim 2 requests per bed at the 20 smallest village houses.
    Reservation.objects.filter(status__in=list(HOLDING)).update(status=Reservation.Status.CANCELLED)
    targets = list(IsolationHouse.objects.filter(is_central=False, status="open").order_by("beds_any", "pk")[:20])
    beds = sum(h.beds_male + h.beds_female + h.beds_any for h in targets)
    wanted = min(reservations, max(2 * beds, reservations))
    people = list(
        Resident.objects.filter(status="living").order_by("?").values_list("nik", "household__kk_number")[:wanted]
        if connection.vendor == "postgresql"
        else Resident.objects.values_list("nik", "household__kk_number")[:wanted]
    )
    arrive = (timezone.localdate() + dt.timedelta(days=1)).isoformat()
    rng = random.Random(seed)  # noqa: S311
    bodies = [
        (rng.choice(targets).pk, {"nik": nik, "kk_number": kk, "phone": "081234567890", "expected_arrival": arrive})
        for nik, kk in people
    ]
    connection.close()
    # One test machine stands for thousands of phones: the per-address limit would refuse it.
    env = {**os.environ, "SMARTKAMPUNG_ACCESS_LOG": "0", "PREREGISTRATION_PER_MINUTE": "1000000"}
    env["PREREGISTRATION_PER_DAY"] = "1000000"
    # Most requests are meant to find no bed: Django would log each 409 as a warning. Errors still show.
    env["LOG_LEVEL"] = "ERROR"
    with served(port=port, workers=2, env=env):
        statuses, seconds = asyncio.run(_reserve(port, bodies, clients))
    created = Reservation.objects.filter(status=Reservation.Status.HELD, house__in=targets).count()
    result.update(
        {
            "residents": Resident.objects.count(),
            "houses": IsolationHouse.objects.count(),
            "cases": MonitoringCase.objects.count(),
            "open_cases": MonitoringCase.objects.filter(outcome="").count(),
            "reservation_requests": len(bodies),
            "reservation_answers": {str(k): v for k, v in sorted(statuses.items())},
            "beds_aimed_at": beds,
            "reserved": created,
            "reserve_per_s": round(len(bodies) / seconds, 1),
            "overbooked": _overbooked(),
            "nearest_p50_ms": round(_percentile(nearest, 50), 2),
            "nearest_p99_ms": round(_percentile(nearest, 99), 2),
            "dashboard_p50_ms": round(_percentile(dashboard, 50), 1),
            "dashboard_p95_ms": round(_percentile(dashboard, 95), 1),
            "clients": clients,
            "database": connection.vendor,
        }
    )
    return result
