"""The daily reports' CSV never carries a live formula, in any column."""

import csv
import io
import json

import pytest
from django.utils import timezone

from smartkampung.accounts.models import Role
from smartkampung.accounts.tests.factories import give_role
from smartkampung.checkpoints.tests.fixtures import *  # noqa: F403
from smartkampung.checkpoints.tests.fixtures import BAKUNGAN
from smartkampung.health.tests.fixtures import *  # noqa: F403
from smartkampung.regions.selectors import puskesmas_serving


@pytest.mark.django_db
def test_the_reports_csv_neutralises_formulas_in_every_column(client, regions, django_user_model):
    nurse = django_user_model.objects.create_user("-nurse+1")  # a username may start with - + or @
    give_role(nurse, Role.PUSKESMAS_STAFF, village=BAKUNGAN)
    paspan = puskesmas_serving(BAKUNGAN)
    client.force_login(nurse)
    answer = client.post(
        f"/api/v1/health/puskesmas/{paspan.pk}/reports/{timezone.localdate().isoformat()}",
        json.dumps({"rapid_tests": 5, "note": "@SUM(1+1)"}),
        content_type="application/json",
    )
    assert answer.status_code in (200, 201), answer.content

    table = list(csv.DictReader(io.StringIO(client.get("/health/reports/export.csv").content.decode())))

    assert [(row["submitted_by"], row["note"], row["rapid_tests"]) for row in table] == [
        ("'-nurse+1", "'@SUM(1+1)", "5")
    ]
