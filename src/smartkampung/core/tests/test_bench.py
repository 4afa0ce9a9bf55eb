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
