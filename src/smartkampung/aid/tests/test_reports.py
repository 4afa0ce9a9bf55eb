"""Citizens' "I received no aid": the report (NIK + KK checked at once), following it by its code, the village's
verification, and enrolment in the regency's program only where no rule between programs forbids it."""

import threading

import pytest
from django.db import connection
from django.db.models import Count
from django.test import Client

from smartkampung.accounts.models import Role
from smartkampung.aid.models import AffectedResident, AidReport, Recipient, RecipientList
from smartkampung.aid.tests.fixtures import family, listed, operator_of, upload_list
from smartkampung.audit.models import AuditEntry
from smartkampung.notifications.models import Notification
from smartkampung.population.models import Household


def report_of(person, **changes) -> dict[str, str]:
    return {"nik": person.nik, "kk_number": person.household.kk_number, "phone": "0812 3456 7890",
            "situation": "lost_job", "description": "Hotel tempat saya bekerja tutup."} | changes  # fmt: skip


@pytest.fixture
def reporter(register, programs):
    return family()[0]


@pytest.mark.django_db
def test_a_citizen_reports_and_follows_the_report_by_its_code(client, reporter):
    answer = client.post("/aid/report/", report_of(reporter))

    report = AidReport.objects.get()
    assert answer.status_code == 302 and answer["Location"] == f"/aid/report/{report.code}/"
    assert (report.resident, report.village_id, report.phone) == (reporter, reporter.village_id, "+6281234567890")
    page = client.get(answer["Location"]).content.decode()
    assert "Menunggu verifikasi desa" in page or "waiting for the village" in page
    assert reporter.name not in page  # masked: the code alone must not reveal who reported
    alarm = Notification.objects.get(kind="aid_report")
    assert alarm.village_id == reporter.village_id and alarm.summary["code"] == report.code
    # Notifications also reach people outside aid (the village's Puskesmas): no name, NIK or phone in them.
    assert not {"name", "nik", "phone"} & set(alarm.summary)
    assert AuditEntry.objects.filter(object_type="aid_report", action="create").exists()


@pytest.mark.django_db
def test_a_wrong_kk_gets_one_answer_and_nothing_is_written(client, reporter):
    wrong = client.post("/aid/report/", report_of(reporter, kk_number="3510010101109999"))
    unknown = client.post("/aid/report/", report_of(reporter, nik="3510011708859999"))
    assert wrong.status_code == unknown.status_code == 404
    assert "Tidak ada warga dengan NIK dan nomor KK ini" in wrong.content.decode()
    assert not AidReport.objects.exists() and not Notification.objects.exists()


@pytest.mark.django_db
def test_bad_input_is_told_field_by_field(client, reporter):
    answer = client.post("/api/v1/public/aid/reports", report_of(reporter, phone="12", situation="rich"),
                         content_type="application/json")  # fmt: skip
    assert answer.status_code == 422
    assert {e["field"] for e in answer.json()["errors"]} == {"phone", "situation"}
    page = client.post("/aid/report/", report_of(reporter, phone=""))
    assert page.status_code == 422 and not AidReport.objects.exists()


@pytest.mark.django_db
def test_a_household_has_one_report_waiting_at_a_time(client, reporter, register):
    first = client.post("/api/v1/public/aid/reports", report_of(reporter), content_type="application/json")
    member = Household.objects.get(pk=reporter.household_id).members.exclude(pk=reporter.pk).first()
    second = client.post("/api/v1/public/aid/reports", report_of(member), content_type="application/json")
    assert first.status_code == 201 and second.status_code == 409
    assert first.json()["code"] in second.json()["detail"]


@pytest.mark.django_db
def test_the_village_approves_and_the_household_is_enrolled_in_the_regency_program(client, reporter, django_user_model):
    code = client.post("/api/v1/public/aid/reports", report_of(reporter), content_type="application/json").json()[
        "code"
    ]
    operator = operator_of(django_user_model, reporter.village_id, "operator")
    client.force_login(operator)
    queue = client.get("/aid/reports/").content.decode()
    assert reporter.nik in queue and "Hotel tempat saya bekerja tutup" in queue

    report = AidReport.objects.get(code=code)
    answer = client.post(
        f"/aid/reports/{report.pk}/decide/", {"decision": "approve", "reason": "Dicek by phone, benar"}
    )

    assert answer.status_code == 302
    report.refresh_from_db()
    assert report.status == AidReport.Status.APPROVED and report.program.code == "BANSOS-BWI"
    enrolled = Recipient.objects.get(pk=report.enrolment_id)
    assert (enrolled.resident, enrolled.source.origin, enrolled.source.current) == (reporter, "reports", True)
    assert AffectedResident.objects.get(resident=reporter).impact == "laid_off"
    client.logout()
    followed = client.get(f"/api/v1/public/aid/reports/{code}").json()
    assert followed["status"] == "approved" and followed["reason"] == "Dicek by phone, benar"
    check = client.post("/api/v1/public/aid/check", {"nik": reporter.nik, "kk_number": reporter.household.kk_number},
                        content_type="application/json").json()  # fmt: skip
    assert [item["program"] for item in check["listings"]] == ["BANSOS-BWI"]


@pytest.mark.django_db
def test_a_household_on_an_excluding_program_cannot_be_enrolled_and_is_told_why(
    client, reporter, programs, agency, django_user_model
):
    spouse = Household.objects.get(pk=reporter.household_id).members.exclude(pk=reporter.pk).first()
    client.force_login(agency)
    upload_list(client, programs["PKH"], [listed(spouse)])
    client.logout()
    code = client.post("/api/v1/public/aid/reports", report_of(reporter), content_type="application/json").json()[
        "code"
    ]
    report = AidReport.objects.get(code=code)
    client.force_login(operator_of(django_user_model, reporter.village_id, "operator"))

    assert spouse.name in client.get("/aid/reports/").content.decode()  # the obstacle names who is on PKH
    refused = client.post(f"/aid/reports/{report.pk}/decide/", {"decision": "approve", "reason": "looks fine"},
                          follow=True)  # fmt: skip
    report.refresh_from_db()
    assert report.status == AidReport.Status.PENDING and "PKH" in refused.content.decode()
    assert not RecipientList.objects.filter(origin="reports").exists()

    client.post(f"/aid/reports/{report.pk}/decide/", {"decision": "reject", "reason": "Sudah menerima PKH"})
    client.logout()
    followed = client.get(f"/aid/report/{code}/").content.decode()
    assert "Sudah menerima PKH" in followed


@pytest.mark.django_db
def test_an_operator_cannot_see_or_decide_reports_of_another_village(client, reporter, django_user_model):
    code = client.post("/api/v1/public/aid/reports", report_of(reporter), content_type="application/json").json()[
        "code"
    ]
    report = AidReport.objects.get(code=code)
    other = Household.objects.exclude(village_id=reporter.village_id).first().village_id
    client.force_login(operator_of(django_user_model, other, "elsewhere"))
    assert reporter.nik not in client.get("/aid/reports/?status=").content.decode()
    answer = client.post(f"/aid/reports/{report.pk}/decide/", {"decision": "reject", "reason": "not my village"})
    assert answer.status_code == 404
    report.refresh_from_db()
    assert report.status == AidReport.Status.PENDING


@pytest.mark.django_db
def test_a_pillar_sees_reports_but_only_the_operator_decides(client, reporter, django_user_model):
    code = client.post("/api/v1/public/aid/reports", report_of(reporter), content_type="application/json").json()[
        "code"
    ]
    report = AidReport.objects.get(code=code)
    client.force_login(operator_of(django_user_model, reporter.village_id, "babinsa", Role.VILLAGE_OVERSIGHT))
    assert reporter.nik in client.get("/aid/reports/").content.decode()
    answer = client.post(f"/aid/reports/{report.pk}/decide/", {"decision": "reject", "reason": "not my call"})
    assert answer.status_code == 403


@pytest.mark.django_db
def test_following_an_unknown_code_says_so(client):
    assert client.get("/api/v1/public/aid/reports/ZZZZ9999").status_code == 404
    assert client.get("/aid/report/ZZZZ9999/").status_code == 404


@pytest.mark.django_db(transaction=True)
def test_simultaneous_approvals_enrol_each_household_once_with_its_own_row_number(regions, django_user_model):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises writers; the race is real on PostgreSQL")
    from smartkampung.aid.demo import seed_programs
    from smartkampung.population.demo.generator import generate_households
    from smartkampung.population.demo.writers import write_to_database

    write_to_database(generate_households(residents=900, seed=11, regency_code="3510"))
    seed_programs()
    village = (
        Household.objects.values("village_id").annotate(n=Count("id")).filter(n__gte=3).order_by("village_id")[0]
    )["village_id"]
    heads = [h.members.order_by("id").first() for h in Household.objects.filter(village_id=village).order_by("id")[:3]]
    client = Client()
    reports = [
        AidReport.objects.get(code=client.post("/api/v1/public/aid/reports", report_of(head),
                                               content_type="application/json").json()["code"])
        for head in heads
    ]  # fmt: skip
    operator = operator_of(django_user_model, village, "operator")
    # Each report twice at once: one approval each, and no two enrolments with one number.
    jobs = [r.pk for r in reports for _twice in range(2)]
    barrier, statuses = threading.Barrier(len(jobs), timeout=60), []

    def approve(pk: int) -> None:
        one = Client()
        one.force_login(operator)
        barrier.wait()
        try:
            statuses.append(
                one.post(f"/aid/reports/{pk}/decide/", {"decision": "approve", "reason": "verified"}).status_code
            )
        finally:
            connection.close()

    threads = [threading.Thread(target=approve, args=(pk,)) for pk in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert statuses == [302] * len(jobs)  # the second of each pair is told "decided already"
    rows = Recipient.objects.filter(source__origin="reports")
    assert sorted(rows.values_list("row_number", flat=True)) == [1, 2, 3]
    assert AidReport.objects.filter(status="approved").count() == 3
    assert AuditEntry.objects.filter(object_type="aid_report", action="update").count() == 3
