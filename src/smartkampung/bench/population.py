"""`smartkampung bench population`: the registry at full scale, measured.

Measures, through the same code paths users hit (the import service behind the upload page
and POST /api/v1/imports, and the selectors behind the pages and the API):
- on an empty database, the initial load: a generated SIAK export of --residents residents
  imported in full (later runs reuse the loaded registry and skip this);
- import of a SIAK CSV of --import-rows new residents into the full registry, and the
  re-import of the same file (every row recognised as unchanged);
- NIK look-ups (the selector behind the resident page and GET /api/v1/residents/{nik});
- name searches (the selector behind the resident list and GET /api/v1/residents?q=), with
  the capped count and the first page, as the list page runs them.
The imported rows are removed afterwards, so the database stays at --residents.
Run it against a scratch database: DATABASE_URL=postgres://…/smartkampung_bench.
"""

import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.test import override_settings

from smartkampung.accounts.models import Role, RoleAssignment
from smartkampung.population import demo, selectors, services
from smartkampung.population.models import Household, ImportJob, Resident
from smartkampung.regions.models import Village
from smartkampung.regions.services import load_regions

IMPORT_SERIAL_BASE = 9000  # demo serials per (kecamatan, birth date) stay far below this


def _log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def _percentile(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    index = min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))
    return ordered[index]


def _bench_user():
    user, _created = get_user_model().objects.get_or_create(
        username="bench.runner", defaults={"is_superuser": True, "is_staff": True}
    )
    return user


def _regency_administrator(regency: str):
    """The home regency's administrator: a name search within one regency of a province, as its staff run it."""
    user, _created = get_user_model().objects.get_or_create(username=f"bench.regency.{regency}")
    RoleAssignment.objects.get_or_create(user=user, role=Role.REGENCY_ADMIN, regency_id=regency)
    return user


def _time_searches(user, queries: list[str]) -> list[float]:
    timings = []
    for query in queries:
        started = time.perf_counter()
        page = selectors.find_residents(user=user, query=query).items
        timings.append((time.perf_counter() - started) * 1000)
        assert page, query
    return timings


def _fill(user, residents: int, seed: int, result: dict) -> None:
    """Bring an empty registry to `residents` by importing a generated SIAK export through the
    import service (the first load of a regency), timing it. A registry already that full is reused. The served
    regencies' villages are loaded first where missing (a fresh database: every row would be refused)."""
    for code in settings.SMARTKAMPUNG_REGENCIES:
        if not Village.objects.filter(district__regency_id=code).exists():
            load_regions(regency_code=code)
    present = Resident.objects.count()
    if present >= residents:
        _log(f"database already holds {present:,} residents: the initial load is not measured again")
        return
    if present:
        raise SystemExit(
            f"The database holds {present:,} residents, fewer than --residents {residents:,}: "
            "bench on an empty scratch database or lower --residents."
        )
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "registry.csv"
        _log(f"writing a SIAK export of {residents:,} residents (seed {seed}) ...")
        # Every regency the deployment serves (a province: SMARTKAMPUNG_REGENCY=3510,3509,…), shared by their villages.
        demo.write_siak_csv(
            demo.generate_province(residents=residents, seed=seed, regency_codes=settings.SMARTKAMPUNG_REGENCIES),
            path,
        )
        # A province's first load is one SIAK export of all its regencies: the IT office raises the row cap
        # (SPREADSHEET_MAX_ROWS) for that one import, as the README says.
        with override_settings(SPREADSHEET_MAX_ROWS=max(residents, settings.SPREADSHEET_MAX_ROWS)):
            rate, job = _time_import(user, path, residents, "initial load")
    result["initial_load_rows"] = residents
    result["initial_load_rows_per_s"] = round(rate)
    result["initial_load_rejected"] = job.rejected_count
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE population_resident; ANALYZE population_household")


def _cleanup_imported() -> None:
    with transaction.atomic():
        Resident.objects.filter(nik__regex=r"^[0-9]{12}(9[0-9]{3})$").delete()
        Household.objects.filter(kk_number__regex=r"^[0-9]{12}(9[0-9]{3})$", members__isnull=True).delete()
        ImportJob.objects.filter(created_by__username="bench.runner").delete()
    if connection.vendor == "postgresql":
        # What autovacuum does in production soon after: without it the planner probes past
        # the deleted rows at the index ends and every look-up plans slowly.
        command = "ANALYZE" if connection.in_atomic_block else "VACUUM ANALYZE"  # VACUUM needs autocommit
        with connection.cursor() as cursor:
            cursor.execute(f"{command} population_resident")
            cursor.execute(f"{command} population_household")


def _time_import(user, path: Path, rows: int, label: str) -> tuple[float, ImportJob]:
    started = time.perf_counter()
    job = services.import_file_now(user=user, path=path, original_name=path.name)
    elapsed = time.perf_counter() - started
    _log(
        f"{label}: {rows:,} rows in {elapsed:.1f} s = {rows / elapsed:,.0f} rows/s "
        f"(created {job.created_count:,}, unchanged {job.unchanged_count:,}, rejected {job.rejected_count:,})"
    )
    return rows / elapsed, job


def _queries(rng: random.Random, names: list[str]) -> list[str]:
    queries = []
    for name in names:
        words = name.split()
        shape = rng.randrange(4)
        if shape == 0 or len(words) < 2:
            queries.append(name.lower())  # the full name, in lower case
        elif shape == 1:
            queries.append(f"{words[0][:4]} {words[-1][:4]}")  # beginnings of two words
        elif shape == 2:
            queries.append("  ".join(w.capitalize() for w in words))  # odd spacing, mixed case
        else:
            queries.append(words[-1])  # one word alone: the broad, expensive case
    return queries


def run(*, residents: int, import_rows: int, samples: int, seed: int) -> dict:
    user = _bench_user()
    result: dict = {"benchmark": "population"}
    _fill(user, residents, seed, result)
    _cleanup_imported()
    rng = random.Random(seed)
    result["residents"] = Resident.objects.count()

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bench_import.csv"
        households = demo.generate_households(
            residents=import_rows,
            seed=seed + 1000,
            serial_base=IMPORT_SERIAL_BASE,
            regency_code=settings.SMARTKAMPUNG_REGENCY,
        )
        demo.write_siak_csv(households, path)
        rate, job = _time_import(user, path, import_rows, "import into the full registry")
        result["import_rows"] = import_rows
        result["import_rows_per_s"] = round(rate)
        result["import_rejected"] = job.rejected_count
        rate, _job = _time_import(user, path, import_rows, "re-import (unchanged)")
        result["reimport_rows_per_s"] = round(rate)
    _cleanup_imported()

    low, high = (
        Resident.objects.order_by("id").values_list("id", flat=True).first(),
        Resident.objects.order_by("-id").values_list("id", flat=True).first(),
    )
    ids = [rng.randint(low, high) for _ in range(samples)]
    sample = list(Resident.objects.filter(id__in=ids).values_list("nik", "name", "village_id"))
    rng.shuffle(sample)

    timings = []
    for nik, _name, _village in sample:
        started = time.perf_counter()
        found = selectors.resident_by_nik(user=user, nik=nik)
        timings.append((time.perf_counter() - started) * 1000)
        assert found is not None
    result["nik_lookups"] = len(timings)
    result["nik_lookup_p50_ms"] = round(statistics.median(timings), 3)
    result["nik_lookup_p99_ms"] = round(_percentile(timings, 99), 3)

    # Across the whole deployment (the administrator), then within the home regency (its administrator, with the
    # names of its own residents: in a province, the other regencies' rows are filtered out in the database).
    names = [name for _nik, name, _village in sample]
    timings = _time_searches(user, _queries(rng, names[: max(50, samples // 4)]))
    result["name_searches"] = len(timings)
    result["name_search_p50_ms"] = round(statistics.median(timings), 2)
    result["name_search_p99_ms"] = round(_percentile(timings, 99), 2)
    home = settings.SMARTKAMPUNG_REGENCY
    at_home = [name for _nik, name, village in sample if village.startswith(home)]
    timings = _time_searches(_regency_administrator(home), _queries(rng, at_home[: max(50, samples // 4)]))
    result["regency_name_searches"] = len(timings)
    result["regency_name_search_p50_ms"] = round(statistics.median(timings), 2) if timings else None
    result["regency_name_search_p99_ms"] = round(_percentile(timings, 99), 2) if timings else None
    result["regencies"] = len(settings.SMARTKAMPUNG_REGENCIES)
    result["database"] = connection.vendor
    return result
