"""The column-wise import paths: a first load into an empty registry and an incremental one."""

import pytest
from django.db import connection

from smartkampung.population import imports, services
from smartkampung.population.demo import generate_households, write_siak_csv
from smartkampung.population.models import Household, ImportJob, Resident

pytestmark = pytest.mark.usefixtures("regions")


def _demo_csv(tmp_path, name: str, residents: int, serial_base: int):
    path = tmp_path / name
    write_siak_csv(generate_households(residents=residents, seed=5, serial_base=serial_base, regency_code="3510"), path)
    return path


def _index_names() -> set[str]:
    with connection.cursor() as cursor:
        return set(connection.introspection.get_constraints(cursor, "population_resident"))


def test_first_load_then_increment_then_reimport(tmp_path, admin, monkeypatch):
    monkeypatch.setattr(imports, "FRESH_MIN_ROWS", 100)  # the pg_restore-like path, on PostgreSQL
    monkeypatch.setattr(imports, "FRAME_CHUNK", 150)  # several transactions on the incremental path
    indexes = _index_names()
    first = _demo_csv(tmp_path, "awal.csv", 400, 0)

    job = services.import_file_now(user=admin, path=first)

    assert job.status == ImportJob.Status.DONE
    assert (job.processed_rows, job.created_count + job.rejected_count) == (400, 400)
    assert job.created_count > 350 and Resident.objects.count() == job.created_count
    assert _index_names() == indexes  # every index and constraint is back

    more = _demo_csv(tmp_path, "tambah.csv", 300, 5000)
    job = services.import_file_now(user=admin, path=more)
    assert (job.processed_rows, job.created_count + job.rejected_count) == (300, 300)
    total = Resident.objects.count()

    again = services.import_file_now(user=admin, path=more, original_name="lagi.csv")
    assert (again.created_count, again.updated_count, again.unchanged_count) == (0, 0, job.created_count)
    assert Resident.objects.count() == total
    assert not Resident.objects.exclude(household__in=Household.objects.all()).exists()
