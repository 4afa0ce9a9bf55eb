"""`smartkampung bench tourism`: check-ins at tourism places through the HTTP API of a real server, capacity under
that load, how soon a stale check-in stops counting, and the public listing with "has room now".

Fills the database to `--places` listed places (active, with a valid certificate; bulk-written: they are data for
the reads, not what is measured), then, against a real `smartkampung run` server (benchmark.checkpoint.served):
- checkins_per_s: `--checkins` POST /api/v1/public/tourism/checkins from `--clients` concurrent keep-alive clients,
  aimed at a few places with room for 10 (most of those requests are refused as full, and some admitted visitors
  check out again, so places fill, free and fill again) and many places with plenty of room. Each phone sends its
  own address (X-Forwarded-For behind one trusted proxy): the per-address limit stays on, as in production;
- over_capacity: afterwards, for every place, the most people ever inside during the run, replayed exactly from
  the visits' check-in and check-out times (a sweep), compared with its capacity: the places that went over
  (must be 0);
- stale_cleared_s: a visit that is never checked out, counting until 2 s from now; the public occupancy endpoint
  is polled until it drops: seconds after `counts_until`;
- listing_p95_ms: GET /api/v1/public/tourism/places?has_room=true, 200 requests (None when the listing does not
  exist yet).
Run it against a scratch PostgreSQL database: DATABASE_URL=postgres://…/smartkampung_bench.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import os
import random
import secrets
import time
from decimal import Decimal

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from smartkampung.bench.checkpoint import HOST, _log, _percentile, served
from smartkampung.bench.http import Connection
from smartkampung.regions.models import Village
from smartkampung.regions.services import load_regions
from smartkampung.tourism import codes
from smartkampung.tourism.models import Certificate, Decision, Inspection, Place, PlaceKind, Visit
from smartkampung.tourism.selectors import certified_q

PREFIX = "BENCH "
SMALL_PLACES, SMALL_CAPACITY = 5, 10  # where check-ins race for the last places
ROOMY_PLACES = 200
SMALL_SHARE = 0.4  # of the check-ins: aimed at the small places
CHECKOUT_SHARE = 0.3  # of the admitted visitors at the small places: leave again at once
PER_ADDRESS = 20  # requests per simulated phone address (under the per-address limit of 30 an hour)


def _listed() -> int:
    return Place.objects.filter(status=Place.Status.ACTIVE).filter(certified_q()).count()


@transaction.atomic
def _fill_places(total: int, seed: int) -> int:
    """Bring the bench's listed places to `total`: places, a finished inspection and a valid certificate each."""
    present = Place.objects.filter(name__startswith=PREFIX).count()
    if present >= total:
        return 0
    rng = random.Random(seed + present)  # noqa: S311 - benchmark data
    villages = list(
        Village.objects.filter(district__regency_id=settings.SMARTKAMPUNG_REGENCY).values_list(
            "code", "latitude", "longitude"
        )
    )
    now, today = timezone.now(), timezone.localdate()
    made = 0
    for start in range(present, total, 2000):
        batch = []
        for i in range(start, min(total, start + 2000)):
            code, lat, lon = rng.choice(villages)
            lat = Decimal(str(round(float(lat or -8.3) + rng.uniform(-0.01, 0.01), 6)))
            lon = Decimal(str(round(float(lon or 114.2) + rng.uniform(-0.01, 0.01), 6)))
            batch.append(
                Place(
                    kind=rng.choice(PlaceKind.values), name=f"{PREFIX}{i:05d}", owner_name="Pemilik Uji",
                    contact_phone="081234567890", village_id=code, address="Jl. Uji", latitude=lat, longitude=lon,
                    capacity=rng.choice([20, 40, 80, 150, 300, 1000]), usual_stay_minutes=120,
                    status=Place.Status.ACTIVE, code_secret=secrets.token_hex(32),
                )
            )  # fmt: skip
        places = Place.objects.bulk_create(batch)
        inspections = Inspection.objects.bulk_create(
            Inspection(
                place=p, status=Inspection.Status.DONE, due_on=today, decision=Decision.CERTIFIED, score=90,
                finished_at=now,
            )
            for p in places
        )  # fmt: skip
        Certificate.objects.bulk_create(
            Certificate(
                place=p, inspection=x, number=f"BENCH/{p.pk}", code=f"B{p.pk:011d}"[-16:],
                valid_until=today + dt.timedelta(days=365),
            )
            for p, x in zip(places, inspections, strict=True)
        )  # fmt: skip
        made += len(places)
    return made


def _targets(seed: int) -> tuple[list[Place], list[Place], Place]:
    """The small places, the roomy ones and the stale-check place: emptied, so every run starts alike."""
    listed = Place.objects.filter(name__startswith=PREFIX, status=Place.Status.ACTIVE).filter(certified_q())
    ids = sorted(listed.values_list("pk", flat=True))
    rng = random.Random(seed)  # noqa: S311
    chosen = rng.sample(ids, SMALL_PLACES + ROOMY_PLACES + 1)
    small_ids, roomy_ids, stale_id = chosen[:SMALL_PLACES], chosen[SMALL_PLACES:-1], chosen[-1]
    Place.objects.filter(pk__in=small_ids).update(capacity=SMALL_CAPACITY)
    Place.objects.filter(pk__in=roomy_ids).update(capacity=1000)
    Place.objects.filter(pk=stale_id).update(capacity=5)
    Visit.objects.filter(place_id__in=chosen, checked_out_at__isnull=True).update(checked_out_at=timezone.now())
    by_id = Place.objects.in_bulk(chosen)
    return [by_id[i] for i in small_ids], [by_id[i] for i in roomy_ids], by_id[stale_id]


class Codes:
    """The codes the entrances show now (the bench shares the server's SECRET_KEY), made again as windows pass."""

    def __init__(self):
        self.window, self.made = -1, {}

    def of(self, place: Place) -> str:
        window = codes.window_at()
        if window != self.window:
            self.window, self.made = window, {}
        if place.pk not in self.made:
            self.made[place.pk] = codes.code_for(place, window=window)
        return self.made[place.pk]


async def _checkins(port: int, plan: list[tuple[Place, bool]], clients: int, seed: int) -> dict:
    """Send the planned check-ins (place, whether to check out again at once) from `clients` connections."""
    made = Codes()
    queue = iter(enumerate(plan))
    statuses: dict[str, int] = {}
    errors: list[str] = []
    run = random.Random(seed).randint(0, 200)  # noqa: S311 - a fresh address range per run

    def count(kind: str) -> None:
        statuses[kind] = statuses.get(kind, 0) + 1

    async def client() -> None:
        conn = Connection(HOST, port)
        for n, (place, leave) in queue:
            phone = n // PER_ADDRESS
            headers = {"X-Forwarded-For": f"10.{run}.{phone // 250 % 250}.{phone % 250 + 1}", "Accept-Language": "id"}
            body = {"place_id": place.pk, "code": made.of(place), "party": 1}
            try:
                status, data = await conn.request("POST", "/api/v1/public/tourism/checkins", headers=headers, body=body)
                count(str(status))
                if status == 201 and leave:
                    token = json.loads(data)["token"]
                    out, _ = await conn.request(
                        "POST", "/api/v1/public/tourism/checkouts", headers=headers, body={"token": token}
                    )
                    count(f"checkout {out}")
                elif status not in (201, 409):
                    errors.append(f"{status} {data[:200]!r}")
            except Exception as exc:  # noqa: BLE001 - every failure is counted, none stops the run
                errors.append(repr(exc))
        await conn.close()

    started = time.perf_counter()
    await asyncio.gather(*(client() for _ in range(clients)))
    seconds = time.perf_counter() - started
    answered = statuses.get("201", 0) + statuses.get("409", 0)
    return {
        "checkin_requests": len(plan),
        "checkin_answers": dict(sorted(statuses.items())),
        "checkins_seconds": round(seconds, 2),
        "checkins_per_s": round(answered / seconds, 1) if seconds else None,
        "errors": len(errors),
        "first_errors": errors[:3],
    }


async def _stale(port: int, place: Place) -> float | None:
    """A visit counting until 2 s from now, never checked out: when does the public occupancy drop?"""
    now = timezone.now()
    until = now + dt.timedelta(seconds=2)
    await asyncio.to_thread(
        Visit.objects.create, place=place, token=secrets.token_urlsafe(32), party=1, channel=Visit.Channel.DOOR,
        checked_in_at=now - dt.timedelta(seconds=1), counts_until=until,
    )  # fmt: skip
    conn = Connection(HOST, port)
    path = f"/api/v1/public/tourism/places/{place.pk}/occupancy"
    seen_inside, deadline = False, time.time() + 30
    try:
        while time.time() < deadline:
            status, data = await conn.request("GET", path, headers={})
            if status != 200:
                return None
            inside = json.loads(data)["occupancy"]
            if inside:
                seen_inside = True
            elif seen_inside:
                return round(time.time() - until.timestamp(), 3)
            await asyncio.sleep(0.02)
    finally:
        await conn.close()
    return None


async def _listing(port: int, samples: int) -> tuple[float | None, int]:
    conn = Connection(HOST, port)
    path = "/api/v1/public/tourism/places?has_room=true"
    times: list[float] = []
    try:
        status, _ = await conn.request("GET", path, headers={})  # warm
        if status != 200:
            return None, status
        for _ in range(samples):
            started = time.perf_counter()
            status, _ = await conn.request("GET", path, headers={"Accept-Language": "id"})
            times.append((time.perf_counter() - started) * 1000)
    finally:
        await conn.close()
    return round(_percentile(times, 95), 1), status


def most_inside(place_ids: list[int], *, since: dt.datetime) -> dict[int, int]:
    """For each place, the most people inside at once among the visits checked in since `since`, replayed from
    their times: a visit counts from its check-in until its check-out or `counts_until`, whichever is first (a
    departure at the very moment of an arrival is counted first, as the service does)."""
    events: dict[int, list[tuple[dt.datetime, int, int]]] = {pk: [] for pk in place_ids}
    rows = Visit.objects.filter(place_id__in=place_ids, checked_in_at__gte=since).values_list(
        "place_id", "party", "checked_in_at", "checked_out_at", "counts_until"
    )
    for place_id, party, came, left, until in rows:
        end = min(left, until) if left else until
        events[place_id] += [(came, 1, party), (end, 0, -party)]
    most = {}
    for place_id, items in events.items():
        inside = peak = 0
        for _at, _order, change in sorted(items):
            inside += change
            peak = max(peak, inside)
        most[place_id] = peak
    return most


def run(*, places: int, checkins: int, clients: int, port: int, workers: int, seed: int) -> dict:
    regency = settings.SMARTKAMPUNG_REGENCY
    if not Village.objects.filter(district__regency_id=regency).exists():
        load_regions(regency_code=regency)
    _log(f"filling listed places to {places:,} ...")
    started = time.perf_counter()
    written = _fill_places(places, seed)
    fill_seconds = round(time.perf_counter() - started, 1)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE tourism_place; ANALYZE tourism_certificate; ANALYZE tourism_visit")
    small, roomy, stale_place = _targets(seed)
    rng = random.Random(seed)  # noqa: S311
    plan = []
    for _ in range(checkins):
        if rng.random() < SMALL_SHARE:
            plan.append((rng.choice(small), rng.random() < CHECKOUT_SHARE))
        else:
            plan.append((rng.choice(roomy), False))
    since = timezone.now()
    connection.close()  # the server processes take over the database

    env = {**os.environ, "SMARTKAMPUNG_ACCESS_LOG": "0", "TRUSTED_PROXY_COUNT": "1"}
    # Most requests at the small places are meant to be refused: Django would log each 409 as a warning.
    env["LOG_LEVEL"] = "ERROR"
    with served(port=port, workers=workers, env=env):
        _log(f"{len(plan):,} check-ins from {clients} clients ...")
        result = asyncio.run(_checkins(port, plan, clients, seed))
        _log("a stale check-in ...")
        stale = asyncio.run(_stale(port, stale_place))
        _log("the public listing with has_room ...")
        listing_p95, listing_status = asyncio.run(_listing(port, 200))

    measured = [p.pk for p in small + roomy]
    capacity = {p.pk: p.capacity for p in small + roomy}
    peaks = most_inside(measured, since=since)
    return {
        "benchmark": "tourism",
        "places": _listed(),
        "places_written": written,
        "fill_seconds": fill_seconds,
        **result,
        "small_places": len(small),
        "small_capacity": SMALL_CAPACITY,
        "small_peak": max((peaks[p.pk] for p in small), default=0),
        "over_capacity": sum(1 for pk, peak in peaks.items() if peak > capacity[pk]),
        "stale_cleared_s": stale,
        "listing_p95_ms": listing_p95,
        "listing_note": None if listing_p95 is not None else f"the listing answered {listing_status}",
        "clients": clients,
        "server_workers": workers,
        "database": connection.vendor,
    }
