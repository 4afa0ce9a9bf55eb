"""Retention of the checkpoints', the isolation cases' and the notifications' personal data (core.retention): what is
older than RETENTION_DAYS is anonymised, what is younger is not, the pages still answer, a dry run changes nothing."""

import datetime as dt
import io
import json

import pytest
from django.core.management import call_command
from django.utils import timezone

from smartkampung.audit.models import AuditEntry
from smartkampung.checkpoints.models import Arrival, PreRegistration
from smartkampung.checkpoints.tests.fixtures import BALI_NIK, JEMBER_NIK, announce, arrival
from smartkampung.core import retention
from smartkampung.health.models import FollowUp, MonitoringCase
from smartkampung.health.tests.fixtures import *  # noqa: F403
from smartkampung.health.tests.fixtures import open_case
from smartkampung.notifications.models import Notification

# A third traveller (a woman from Jember born 02-03-1988, another serial).
OTHER_NIK = "3509014203880005"


def days_ago(days: int) -> dt.datetime:
    return timezone.now() - dt.timedelta(days=days)


def register(client, nik: str, **overrides) -> Arrival:
    body = json.dumps(arrival(nik=nik, **overrides))
    response = client.post("/api/v1/arrivals", body, content_type="application/json")
    assert response.status_code == 201, response.content
    return Arrival.objects.get(pk=response.json()["id"])


def registered(client, nik: str, *, days: int, **overrides) -> Arrival:
    made = register(client, nik, **overrides)
    Arrival.objects.filter(pk=made.pk).update(registered_at=days_ago(days))
    return Arrival.objects.get(pk=made.pk)


def close(case: MonitoringCase, *, days: int) -> None:
    MonitoringCase.objects.filter(pk=case.pk).update(
        outcome="completed", closed_on=timezone.localdate() - dt.timedelta(days=days)
    )


def dry_run(only: str | None = None) -> str:
    out = io.StringIO()
    call_command("retention", "--dry-run", *(["--only", only] if only else []), stdout=out)
    return out.getvalue()


def line_of(output: str, code: str) -> str:
    return next(line for line in output.splitlines() if line.startswith(code + " "))


def test_an_arrival_older_than_the_period_loses_who_it_was_and_keeps_what_is_counted(officer_client, officer):
    old = registered(officer_client, JEMBER_NIK, days=31)
    young = registered(officer_client, BALI_NIK, days=29)

    [step] = retention.run(only="arrivals")

    assert (step.due, step.done) == (1, 1)
    gone = Arrival.objects.get(pk=old.pk)
    assert (gone.nik, gone.name, gone.phone, gone.destination_address, gone.host_name, gone.vehicle_plate) == (
        ("", "", "", "", "", "")
    )
    assert gone.birth_date is None and gone.resident_id is None and gone.anonymised_at is not None
    assert (gone.destination_village_id, gone.origin_regency_id, gone.outcome, gone.registered_at) == (
        old.destination_village_id,
        old.origin_regency_id,
        old.outcome,
        old.registered_at,
    )
    assert Arrival.objects.get(pk=young.pk).nik == BALI_NIK


def test_the_anonymised_arrival_still_shows_on_its_page_the_list_and_the_api(officer_client, officer):
    old = registered(officer_client, JEMBER_NIK, days=40)
    retention.run(only="arrivals")

    page = officer_client.get(f"/checkpoints/arrivals/{old.pk}/")
    assert page.status_code == 200 and "SITI AMINAH" not in page.content.decode()
    assert officer_client.get("/checkpoints/arrivals/").status_code == 200
    api = officer_client.get(f"/api/v1/arrivals/{old.pk}")
    assert api.status_code == 200 and (api.json()["nik"], api.json()["name"], api.json()["phone"]) == ("", "—", "")
    assert officer_client.get("/api/v1/arrivals").status_code == 200


def test_an_arrival_whose_case_is_open_or_closed_recently_is_kept(officer_client, officer):
    referred = registered(officer_client, JEMBER_NIK, days=60, temperature="38.0")
    case = MonitoringCase.objects.get(arrival=referred)
    assert retention.run(only="arrivals")[0].done == 0  # the case is open

    close(case, days=29)
    assert retention.run(only="arrivals")[0].done == 0  # closed, but not 30 days ago
    close(case, days=31)
    assert retention.run(only="arrivals")[0].done == 1
    assert Arrival.objects.get(pk=referred.pk).nik == ""


def test_a_second_arrival_that_joined_an_open_case_is_kept_while_the_case_is(officer_client, officer):
    first = registered(officer_client, JEMBER_NIK, days=60, temperature="38.0")
    case = MonitoringCase.objects.get(arrival=first)
    again = registered(officer_client, JEMBER_NIK, days=40, repeat_confirmed=True)
    assert not MonitoringCase.objects.filter(arrival=again).exists()  # it joined the open case

    assert retention.plan(only="arrivals")[0].due == 0
    assert retention.run(only="arrivals")[0].done == 0
    assert Arrival.objects.get(pk=again.pk).nik == JEMBER_NIK

    close(case, days=29)
    assert retention.run(only="arrivals")[0].done == 0  # closed, but not 30 days ago
    close(case, days=31)
    assert retention.run(only="arrivals")[0].done == 2
    assert set(Arrival.objects.filter(pk__in=[first.pk, again.pk]).values_list("nik", flat=True)) == {""}


def test_the_pre_registration_an_arrival_came_from_goes_with_it(officer_client, officer, client):
    code = announce(client).json()["code"]
    old = registered(officer_client, JEMBER_NIK, days=31, preregistration_code=code)
    assert old.preregistration_id is not None

    retention.run(only="arrivals")

    prereg = PreRegistration.objects.get(code=code)
    assert (prereg.nik, prereg.name, prereg.phone, prereg.anonymised_at is not None) == ("", "", "", True)


def test_a_trip_announced_but_never_made_is_anonymised_after_its_day(client, operator):
    late = PreRegistration.objects.get(code=announce(client).json()["code"])
    soon = PreRegistration.objects.get(code=announce(client, nik=BALI_NIK).json()["code"])
    PreRegistration.objects.filter(pk=late.pk).update(expected_arrival=timezone.localdate() - dt.timedelta(days=31))

    assert "due 1" in line_of(dry_run(), "preregistrations")
    assert PreRegistration.objects.get(pk=late.pk).nik == JEMBER_NIK  # the dry run changed nothing
    assert retention.run(only="preregistrations")[0].done == 1

    assert PreRegistration.objects.get(pk=late.pk).nik == "" and PreRegistration.objects.get(pk=soon.pk).nik
    client.force_login(operator)
    assert client.get(f"/checkpoints/preregistrations/{late.pk}/").status_code == 200


def test_a_closed_case_and_its_follow_ups_lose_who_it_was_after_the_period(client, operator, nurse):
    old = open_case(operator, days_ago=2, name="Sutrisno", phone="081234567899")
    young = open_case(operator, days_ago=1, name="Paijo")
    FollowUp.objects.create(case=old, day=old.start_date, status="well", note="batuk sedikit", recorded_by=nurse)
    close(old, days=91)
    close(young, days=89)

    assert "due 1" in line_of(dry_run("health_cases"), "health_cases")
    [step] = retention.run(only="health_cases")

    assert step.done == 1
    gone = MonitoringCase.objects.get(pk=old.pk)
    assert (gone.name, gone.phone, gone.address, gone.anonymised_at is not None) == ("—", "", "", True)
    assert (gone.outcome, gone.village_id, gone.start_date) == ("completed", old.village_id, old.start_date)
    follow_up = FollowUp.objects.get(case=old)
    assert (follow_up.note, follow_up.status) == ("", "well")
    assert MonitoringCase.objects.get(pk=young.pk).name == "PAIJO"
    client.force_login(nurse)
    for url in (f"/health/cases/{old.pk}/", "/health/cases/", "/health/reports/", "/health/today/"):
        assert client.get(url).status_code == 200, url
    assert client.get(f"/api/v1/health/cases/{old.pk}").status_code == 200


def test_notifications_lose_the_names_in_their_summary_after_the_period(officer_client, officer, client, operator):
    registered(officer_client, JEMBER_NIK, days=1)
    old, young = Notification.objects.filter(kind="arrival").first(), None
    register(officer_client, OTHER_NIK)
    young = Notification.objects.exclude(pk=old.pk).get(kind="arrival")
    Notification.objects.filter(pk=old.pk).update(created_at=days_ago(91))

    [step] = retention.run(only="notifications")

    assert step.done == 1
    summary = Notification.objects.get(pk=old.pk).summary
    assert not {"name", "nik", "phone", "destination_address"} & set(summary) and summary["outcome"]
    assert Notification.objects.get(pk=young.pk).summary["nik"] == OTHER_NIK
    client.force_login(operator)
    assert client.get("/notifications/").status_code == 200


def test_each_rule_run_that_did_something_is_audited_without_personal_data(officer_client, officer):
    registered(officer_client, JEMBER_NIK, days=31)

    retention.run()

    entry = AuditEntry.objects.get(object_type="retention", subject="arrivals")
    assert entry.action == "update" and entry.detail["rule"] == "arrivals" and entry.detail["done"] == 1
    assert JEMBER_NIK not in json.dumps(entry.detail) and JEMBER_NIK not in json.dumps(entry.changes)
    # Rules with nothing to do leave no entry.
    assert not AuditEntry.objects.filter(object_type="retention", subject="preregistrations").exists()


def test_a_second_run_changes_nothing_more(officer_client, officer):
    registered(officer_client, JEMBER_NIK, days=31, temperature="38.0")
    close(MonitoringCase.objects.get(), days=100)
    Notification.objects.update(created_at=days_ago(100))
    first = {step.rule.code: step.done for step in retention.run()}
    assert first["arrivals"] == first["health_cases"] == first["notifications"] == 1

    entries = AuditEntry.objects.count()
    assert all(step.done == 0 for step in retention.run() if step.rule.code != "sessions")
    assert AuditEntry.objects.count() == entries


def test_zero_days_keeps_everything(officer_client, officer, settings):
    old = registered(officer_client, JEMBER_NIK, days=3000)
    settings.RETENTION_DAYS = {**settings.RETENTION_DAYS, "arrivals": 0}

    assert "kept (0 days)" in line_of(dry_run(), "arrivals")
    [step] = retention.run(only="arrivals")

    assert (step.cutoff, step.done) == (None, 0) and Arrival.objects.get(pk=old.pk).nik == JEMBER_NIK


@pytest.mark.parametrize("days", [10, 60])
def test_the_period_is_read_from_the_settings(officer_client, officer, settings, days):
    registered(officer_client, JEMBER_NIK, days=31)
    settings.RETENTION_DAYS = {**settings.RETENTION_DAYS, "arrivals": days}

    assert retention.run(only="arrivals")[0].done == (1 if days < 31 else 0)
