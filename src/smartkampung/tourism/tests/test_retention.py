"""Retention (core.retention) in the tourism module: visits after RETENTION_DAYS["tourism_visits"] (the purge command
and job are that rule), reporters' contacts on closed violation reports after RETENTION_DAYS["reports"]."""

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from smartkampung.audit.models import AuditEntry
from smartkampung.core import retention
from smartkampung.tourism.models import Violation, Visit
from smartkampung.tourism.services import capacity
from smartkampung.tourism.tests import factories as f
from smartkampung.tourism.tests.factories_violations import certified_place, violation
from smartkampung.tourism.tests.test_capacity_fixtures import listed_place, scanned


def days_ago(days: int) -> dt.datetime:
    return timezone.now() - dt.timedelta(days=days)


def visits_at(place, *ages: int) -> list[Visit]:
    now = timezone.now()
    return [
        capacity.check_in_visitor(place=place, code=scanned(place, now=then), party=1, now=then).visit
        for then in (now - dt.timedelta(days=age) for age in ages)
    ]


@pytest.mark.django_db
def test_visits_follow_the_setting_through_the_rule_the_command_and_the_job(settings):
    place = listed_place(capacity=50)
    old, kept = visits_at(place, 8, 6)
    settings.RETENTION_DAYS = {**settings.RETENTION_DAYS, "tourism_visits": 7}

    assert retention.plan(only="tourism_visits")[0].due == 1 and Visit.objects.count() == 2
    out = io.StringIO()
    call_command("purge_visits", stdout=out)

    assert "Visits deleted: 1" in out.getvalue()
    assert list(Visit.objects.values_list("pk", flat=True)) == [kept.pk]
    entry = AuditEntry.objects.get(object_type="retention", subject="tourism_visits")
    assert entry.action == "delete" and entry.detail["done"] == 1
    assert capacity.purge_old_visits() == 0  # the same rule again: nothing more
    assert Visit.objects.count() == 1


@pytest.mark.django_db
def test_zero_days_keeps_every_visit(settings):
    place = listed_place(capacity=50)
    visits_at(place, 400)
    settings.RETENTION_DAYS = {**settings.RETENTION_DAYS, "tourism_visits": 0}

    assert capacity.purge_old_visits() == 0 and Visit.objects.count() == 1


@pytest.mark.django_db
def test_a_closed_reports_contact_goes_after_the_period_and_its_pages_still_answer(client):
    place, _certificate = certified_place(owner=f.owner())
    old = violation(place, status="dismissed")
    recent = violation(place, status="upheld")
    still_open = violation(place)
    Violation.objects.filter(pk__in=[old.pk, still_open.pk]).update(closed_at=days_ago(366), created_at=days_ago(400))

    [step] = retention.run(only="reports")

    assert step.done == 1
    assert Violation.objects.get(pk=old.pk).reporter_contact == ""
    assert all(Violation.objects.get(pk=kept.pk).reporter_contact for kept in (recent, still_open))
    assert (Violation.objects.get(pk=old.pk).outcome, Violation.objects.get(pk=old.pk).status) == (
        "Found and warned.",
        "dismissed",
    )
    client.force_login(f.agency())
    assert client.get(f"/tourism/violations/{old.pk}/").status_code == 200
    assert client.get("/tourism/violations/").status_code == 200
    assert retention.run(only="reports")[0].done == 0
