"""A deployment serving several regencies keeps a name-search index per regency on PostgreSQL (population/
search_indexes.py): built for each served regency, dropped when a regency is no longer served, none for one."""

import pytest
from django.db import connection
from django.test import override_settings

from smartkampung.population.search_indexes import ensure_regency_search_indexes

pytestmark = pytest.mark.django_db


def regency_indexes() -> dict[str, str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'population_resident' "
            "AND indexname LIKE 'resident\\_name\\_trgm\\_%'"
        )
        return dict(cursor.fetchall())


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigram indexes are PostgreSQL's")
def test_each_served_regency_gets_its_index_once_and_loses_it_when_no_longer_served():
    with override_settings(SMARTKAMPUNG_REGENCIES=("3510", "3509")):
        assert ensure_regency_search_indexes() == {
            "created": ["resident_name_trgm_3509", "resident_name_trgm_3510"],
            "dropped": [],
        }
        indexes = regency_indexes()
        # Exactly the condition a regency's staff search with (regions.selectors.begins_with).
        assert "gin_trgm_ops" in indexes["resident_name_trgm_3509"]
        assert "village_id)::text >= '3509'" in indexes["resident_name_trgm_3509"]
        assert "village_id)::text < '3510'" in indexes["resident_name_trgm_3509"]
        assert ensure_regency_search_indexes() == {"created": [], "dropped": []}
    with override_settings(SMARTKAMPUNG_REGENCIES=("3510",)):
        assert ensure_regency_search_indexes()["dropped"] == ["resident_name_trgm_3509", "resident_name_trgm_3510"]
        assert regency_indexes() == {}


@pytest.mark.skipif(connection.vendor == "postgresql", reason="SQLite has no trigram index to split")
def test_sqlite_needs_none():
    with override_settings(SMARTKAMPUNG_REGENCIES=("3510", "3509")):
        assert ensure_regency_search_indexes() == {"created": [], "dropped": []}
