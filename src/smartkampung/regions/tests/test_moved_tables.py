"""The Puskesmas, their service areas and the entry rules moved between apps with their tables: a database
migrated before the move keeps its rows, and they are read through the new models afterwards."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

# The last migrations before the move (issue 13).
BEFORE_THE_MOVE = [
    ("regions", "0001_initial"),
    ("health", "0002_cases_followups_reports"),
    ("checkpoints", "0002_arrivals"),
    ("accounts", "0004_role_places"),
    ("isolation", "0001_initial"),
    ("notifications", "0005_aid_report_kind"),
]


def _migrate(targets) -> MigrationExecutor:
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    return MigrationExecutor(connection)  # a fresh loader sees what is applied now


@pytest.mark.django_db(transaction=True)
def test_rows_written_before_the_move_are_read_through_the_moved_models(regions):
    from smartkampung.health.models import EntryRule
    from smartkampung.regions.models import Puskesmas, ServiceArea
    from smartkampung.regions.selectors import puskesmas_serving

    executor = _migrate(BEFORE_THE_MOVE)
    old = executor.loader.project_state(BEFORE_THE_MOVE).apps
    puskesmas = old.get_model("health", "Puskesmas").objects.create(name="Puskesmas Uji", district_id="351015")
    old.get_model("health", "ServiceArea").objects.filter(village_id="3510151002").update(puskesmas=puskesmas)
    old.get_model("checkpoints", "EntryRule").objects.create(
        effective_from="2026-01-01T00:00:00Z", isolation_days=9, referral_symptoms=["fever"]
    )

    _migrate(executor.loader.graph.leaf_nodes())

    assert Puskesmas.objects.get(name="Puskesmas Uji").district_id == "351015"
    assert puskesmas_serving("3510151002").name == "Puskesmas Uji"
    assert ServiceArea.objects.filter(puskesmas__name="Puskesmas Uji").count() == 1
    assert EntryRule.objects.get(isolation_days=9).referral_symptoms == ["fever"]
