import json

import pytest
from django.core.management import call_command

from smartkampung.population.models import Resident


@pytest.mark.usefixtures("regions")
def test_population_bench_ends_with_one_json_line_and_leaves_the_registry_at_its_size(capsys):
    call_command("bench", "population", "--residents", "400", "--import-rows", "150", "--samples", "40")

    result = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    for key in (
        "residents",
        "import_rows_per_s",
        "nik_lookup_p50_ms",
        "nik_lookup_p99_ms",
        "name_search_p50_ms",
        "name_search_p99_ms",
        "database",
        "initial_load_rows_per_s",
    ):
        assert key in result, key
    assert result["residents"] == 400 and result["import_rejected"] == 0
    assert Resident.objects.count() == 400


@pytest.mark.usefixtures("regions")
def test_population_bench_refuses_a_partly_filled_database(admin):
    from smartkampung.population.tests.factories import make_household, make_resident

    make_household(user=admin)
    make_resident(user=admin)
    with pytest.raises(SystemExit):
        call_command("bench", "population", "--residents", "400", "--import-rows", "10", "--samples", "5")


def test_the_checkpoint_bench_counts_the_cpu_of_its_own_database_and_the_servers_background_processes_only():
    from smartkampung.bench.checkpoint import _cpu_per_registration, _serves_database

    assert _serves_database("postgres: 15/main: postgres sk_bench 127.0.0.1(52814) idle", "sk_bench")
    assert _serves_database("postgres: 15/main: walwriter ", "sk_bench")
    assert _serves_database("postgres: 15/main: autovacuum launcher ", "sk_bench")
    assert not _serves_database("postgres: 15/main: postgres test_sk_1 127.0.0.1(52999) INSERT", "sk_bench")
    assert not _serves_database("postgres: 15/main: postgres other [local] idle", "sk_bench")
    assert not _serves_database("postgres: 15/main: autovacuum worker otherdb", "sk_bench")
    assert _serves_database("postgres: 15/main: autovacuum worker sk_bench", "sk_bench")
    spent = _cpu_per_registration(
        {"web": 1.0, "database": 2.0}, {"web": 2.0, "database": 2.5, "load_generator": 0.1}, 100
    )
    assert spent == {"web": 10.0, "database": 5.0, "load_generator": 1.0, "all": 16.0}
