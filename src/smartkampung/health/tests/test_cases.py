"""Isolation cases open from monitored arrivals, found-wandering reports or by hand; the Puskesmas works
through today's list; the village's three pillars read their cases with overdue follow-ups highlighted."""

import datetime as dt
import json
from decimal import Decimal

import pytest
from django.utils import timezone

from smartkampung.audit.models import AuditEntry
from smartkampung.checkpoints.tests.fixtures import *  # noqa: F403
from smartkampung.checkpoints.tests.fixtures import BAKUNGAN, RESIDENT_NIK, SARONGAN, arrival
from smartkampung.health.models import CaseSource, FollowUp, MonitoringCase
from smartkampung.health.tests.fixtures import *  # noqa: F403
from smartkampung.health.tests.fixtures import open_case
from smartkampung.notifications.models import Notification
from smartkampung.regions.selectors import puskesmas_serving


def register(client, **overrides):
    return client.post(
        "/api/v1/arrivals",
        json.dumps(arrival(**overrides)),
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="en",
    )


def follow_up(client, case_id: int, **values):
    return client.post(
        f"/api/v1/health/cases/{case_id}/follow-ups",
        json.dumps({"status": "well", "temperature": "36.5"} | values),
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="en",
    )


@pytest.mark.django_db
def test_an_arrival_with_fever_opens_a_case_for_the_villages_puskesmas(officer_client):
    response = register(officer_client, temperature="38.2")
    assert response.status_code == 201, response.content
    case = MonitoringCase.objects.get()
    assert case.source == CaseSource.ARRIVAL and case.arrival_id == response.json()["id"]
    assert case.puskesmas == puskesmas_serving(BAKUNGAN) and case.village_id == BAKUNGAN
    assert case.start_date == timezone.localdate()
    assert case.planned_end == timezone.localdate() + dt.timedelta(days=14)


@pytest.mark.django_db
def test_a_clear_arrival_opens_no_case(officer_client):
    assert register(officer_client).status_code == 201
    assert not MonitoringCase.objects.exists()


@pytest.mark.django_db
def test_a_person_already_under_monitoring_keeps_one_case(officer_client):
    register(officer_client, temperature="38.2")
    again = register(officer_client, temperature="38.4", repeat_confirmed=True)
    assert again.status_code == 201, again.content
    assert MonitoringCase.objects.count() == 1


@pytest.mark.django_db
def test_a_newcomer_found_in_the_village_opens_a_case(client, operator):
    client.force_login(operator)
    response = client.post(
        "/checkpoints/found/new/",
        {"description": "Laki-laki sekitar 30 tahun", "found_at": "Pos ronda RT 2", "destination_village": BAKUNGAN},
    )
    assert response.status_code in (200, 302), response.content[:500]
    case = MonitoringCase.objects.get()
    assert case.source == CaseSource.FOUND and case.name.startswith("Laki-laki")


@pytest.mark.django_db
def test_an_operator_opens_a_case_by_hand_and_the_register_fills_the_name(client, operator, resident):
    client.force_login(operator)
    response = client.post(
        "/health/cases/new/", {"nik": RESIDENT_NIK, "village": BAKUNGAN, "place": "home", "address": "Jl. Kopi 7"}
    )
    assert response.status_code == 302
    case = MonitoringCase.objects.get()
    assert (case.name, case.sex, case.source) == ("WARSIDI", "male", CaseSource.MANUAL)
    assert AuditEntry.objects.filter(object_type="isolation_case", action="create", subject=RESIDENT_NIK).exists()


@pytest.mark.django_db
def test_an_operator_cannot_open_a_case_in_another_village(client, operator):
    client.force_login(operator)
    response = client.post("/health/cases/new/", {"name": "Budi", "village": SARONGAN, "place": "home"})
    assert response.status_code == 403
    assert not MonitoringCase.objects.exists()


@pytest.mark.django_db
def test_a_case_by_hand_with_bad_input_is_refused_in_words(client, operator):
    client.force_login(operator)
    response = client.post(
        "/api/v1/health/cases",
        json.dumps({"nik": "123", "village": BAKUNGAN, "start_date": "2001-01-01"}),
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 422
    fields = {e["field"] for e in response.json()["errors"]}
    assert {"nik", "start_date"} <= fields
    assert not MonitoringCase.objects.exists()


@pytest.mark.django_db
def test_the_nurse_works_through_todays_list(client, nurse, operator):
    missed = open_case(operator, days_ago=3, name="Kasus Terlewat")
    fresh = open_case(operator, days_ago=0, name="Kasus Baru")
    client.force_login(nurse)
    work = client.get("/api/v1/health/worklist").json()
    assert [c["id"] for c in work["missed"]] == [missed.pk]
    assert [c["id"] for c in work["to_see"]] == [fresh.pk]
    page = client.get("/health/today/")
    assert page.status_code == 200 and "KASUS TERLEWAT" in page.content.decode()

    response = client.post(
        f"/health/cases/{missed.pk}/follow-up/", {"status": "well", "temperature": "36,7", "next": "/health/today/"}
    )
    # Back to the same card, not the top of the list.
    assert response.status_code == 302 and response["Location"] == f"/health/today/#case-{missed.pk}"
    work = client.get("/api/v1/health/worklist").json()
    assert [c["id"] for c in work["seen"]] == [missed.pk]
    assert work["missed"] == []


@pytest.mark.django_db
def test_missed_days_are_listed_on_the_case(client, nurse, operator):
    case = open_case(operator, days_ago=3)
    client.force_login(nurse)
    follow_up(client, case.pk, day=(timezone.localdate() - dt.timedelta(days=2)).isoformat())
    page = client.get(f"/health/cases/{case.pk}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "2 days without a follow-up" in page


@pytest.mark.django_db
def test_symptoms_extend_the_case_and_tell_the_village(client, nurse, operator):
    case = open_case(operator, days_ago=5)
    client.force_login(nurse)
    response = follow_up(client, case.pk, status="unwell", temperature="38.1", symptoms=["cough"])
    assert response.status_code == 201, response.content
    assert response.json()["case_symptomatic"] is True
    assert response.json()["case_planned_end"] == (timezone.localdate() + dt.timedelta(days=14)).isoformat()
    assert Notification.objects.filter(kind="symptoms", village_id=BAKUNGAN, subject_id=case.pk).count() == 1
    # The same day corrected: one follow-up, no second notice.
    follow_up(client, case.pk, status="unwell", temperature="38.3", symptoms=["cough"])
    assert FollowUp.objects.filter(case=case).count() == 1
    assert FollowUp.objects.get(case=case).temperature == Decimal("38.3")
    assert Notification.objects.filter(kind="symptoms").count() == 1
    assert AuditEntry.objects.filter(object_type="follow_up", action="update").exists()


@pytest.mark.django_db
def test_a_follow_up_with_nonsense_is_refused_in_words(client, nurse, operator):
    case = open_case(operator)
    client.force_login(nurse)
    response = follow_up(client, case.pk, temperature="panas")
    assert response.status_code == 422
    assert "not a body temperature" in response.json()["detail"]
    response = follow_up(client, case.pk, status="unreachable", temperature="37")
    assert response.status_code == 422
    assert not FollowUp.objects.exists()


@pytest.mark.django_db
def test_isolation_cannot_be_completed_before_its_end_but_a_referral_closes_it(client, nurse, operator):
    case = open_case(operator, days_ago=2)
    client.force_login(nurse)
    early = client.post(
        f"/api/v1/health/cases/{case.pk}/close", json.dumps({"outcome": "completed"}), content_type="application/json"
    )
    assert early.status_code == 409
    referred = client.post(
        f"/api/v1/health/cases/{case.pk}/close", json.dumps({"outcome": "referred"}), content_type="application/json"
    )
    assert referred.status_code == 200 and referred.json()["outcome"] == "referred"
    assert follow_up(client, case.pk).status_code == 409


@pytest.mark.django_db
def test_a_case_ends_by_completion_on_its_last_day(client, nurse, operator):
    case = open_case(operator, days_ago=14)
    client.force_login(nurse)
    assert [c["id"] for c in client.get("/api/v1/health/worklist").json()["ending"]] == [case.pk]
    response = client.post(f"/health/cases/{case.pk}/close/", {"outcome": "completed"})
    assert response.status_code == 302
    case.refresh_from_db()
    assert (case.outcome, case.closed_on) == ("completed", timezone.localdate())


@pytest.mark.django_db
def test_the_pillars_see_their_villages_cases_with_overdue_highlighted_but_change_nothing(client, babinsa, operator):
    late = open_case(operator, days_ago=3, name="Kasus Terlambat")
    open_case(operator, days_ago=0, name="Kasus Hari Ini")
    client.force_login(babinsa)
    page = client.get("/health/cases/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "KASUS TERLAMBAT" in page and "KASUS HARI INI" in page
    assert page.index("KASUS TERLAMBAT") < page.index('tag warn">follow-up overdue') < page.index("KASUS HARI INI")
    assert page.count('tag warn">follow-up overdue') == 1
    overdue = client.get("/api/v1/health/cases?show=overdue").json()
    assert [c["id"] for c in overdue] == [late.pk]
    assert follow_up(client, late.pk).status_code == 403
    detail = client.get(f"/health/cases/{late.pk}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Record a follow-up" not in detail


@pytest.mark.django_db
def test_a_nurse_of_another_puskesmas_does_not_see_the_case(client, nurse_elsewhere, operator):
    case = open_case(operator)
    client.force_login(nurse_elsewhere)
    assert client.get(f"/health/cases/{case.pk}/").status_code == 404
    assert follow_up(client, case.pk).status_code == 404
    assert client.get("/api/v1/health/cases").json() == []


@pytest.mark.django_db
def test_demo_arrivals_start_their_cases_on_their_own_day(admin):
    from smartkampung.checkpoints.demo import seed_demo_arrivals

    assert seed_demo_arrivals(user=admin, count=40) == 40
    cases = list(MonitoringCase.objects.select_related("arrival"))
    assert cases, "some demonstration travellers are put under monitoring"
    for case in cases:
        assert case.planned_end == case.arrival.monitoring_until
        assert case.start_date == case.planned_end - dt.timedelta(days=14)
    assert any(case.start_date < timezone.localdate() for case in cases)
