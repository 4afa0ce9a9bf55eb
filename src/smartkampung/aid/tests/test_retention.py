"""Retention (core.retention) in the aid module: an uploaded list's file goes from disk after RETENTION_DAYS
["import_files"] (its rows stay), a decided report's phone after RETENTION_DAYS["reports"] (the report stays)."""

import datetime as dt
from pathlib import Path

import pytest
from django.utils import timezone

from smartkampung.aid.models import AidReport, RecipientList
from smartkampung.aid.tests.fixtures import family, listed, operator_of, upload_list
from smartkampung.audit.models import AuditEntry
from smartkampung.core import retention


def days_ago(days: int) -> dt.datetime:
    return timezone.now() - dt.timedelta(days=days)


@pytest.mark.django_db
def test_a_list_file_goes_from_disk_after_the_period_and_the_list_still_shows(client, register, programs, agency):
    client.force_login(agency)
    upload_list(client, programs["PKH"], [listed(person) for person in family()[:2]])
    upload_list(client, programs["PKH"], [listed(family()[0])], period="2020-06")
    old, young = RecipientList.objects.order_by("pk")
    old_path = Path(old.file.path)
    assert old.status == "done" and old_path.exists()
    RecipientList.objects.filter(pk=old.pk).update(finished_at=days_ago(31))
    RecipientList.objects.filter(pk=young.pk).update(finished_at=days_ago(29))

    assert retention.plan(only="import_files")[0].due == 1 and old_path.exists()  # the dry run deletes nothing
    [step] = retention.run(only="import_files")

    assert step.done == 1 and not old_path.exists()
    assert RecipientList.objects.get(pk=old.pk).file.name == "" and RecipientList.objects.get(pk=young.pk).file
    assert old.recipients.count() == 2  # the rows are the aid record
    assert client.get(f"/aid/lists/{old.pk}/").status_code == 200
    assert retention.run(only="import_files")[0].done == 0
    assert AuditEntry.objects.filter(object_type="retention", subject="import_files").count() == 1


@pytest.mark.django_db
def test_a_decided_reports_phone_is_removed_after_the_period(client, register, programs, django_user_model):
    first = family()[0]
    body = {"kk_number": first.household.kk_number, "phone": "0812 3456 7890", "situation": "lost_job"}
    code = client.post("/api/v1/public/aid/reports", body | {"nik": first.nik}, content_type="application/json")
    report = AidReport.objects.get(code=code.json()["code"])
    operator = operator_of(django_user_model, first.village_id, "operator")
    client.force_login(operator)
    client.post(f"/aid/reports/{report.pk}/decide/", {"decision": "reject", "reason": "Sudah menerima PKH"})
    AidReport.objects.filter(pk=report.pk).update(decided_at=days_ago(366))

    [step] = retention.run(only="reports")

    decided = AidReport.objects.get(pk=report.pk)
    assert step.done == 1 and decided.phone == "" and decided.status == "rejected" and decided.decision_reason
    assert client.get("/aid/reports/").status_code == 200
    client.logout()
    followed = client.get(f"/api/v1/public/aid/reports/{report.code}")
    assert followed.status_code == 200 and followed.json()["status"] == "rejected"
    assert client.get(f"/aid/report/{report.code}/").status_code == 200


@pytest.mark.django_db
def test_a_report_waiting_or_decided_recently_keeps_its_phone(client, register, programs, django_user_model):
    person = family()[0]
    body = {"nik": person.nik, "kk_number": person.household.kk_number, "phone": "0812 3456 7890", "situation": "sick"}
    client.post("/api/v1/public/aid/reports", body, content_type="application/json")
    AidReport.objects.update(created_at=days_ago(1000))

    assert retention.run(only="reports")[0].done == 0
    assert AidReport.objects.get().phone == "+6281234567890"
