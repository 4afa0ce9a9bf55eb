"""Importing a program's list: every row matched (exact, probable, review, none, invalid) with reasons, the
checked list exported, decisions remembered across re-imports."""

import csv
import io

import pytest
from django.utils import translation

from smartkampung.aid.explain import words
from smartkampung.aid.models import Conflict, MatchDecision, Program, Recipient, RecipientList
from smartkampung.aid.tests.fixtures import family, list_file, listed, operator_of, run_queue, upload_list
from smartkampung.population.models import Resident


def _wrong_digit(nik: str, at: int = 8) -> str:
    return nik[:at] + str((int(nik[at]) + 5) % 10) + nik[at + 1 :]


def _rows(job: RecipientList) -> dict[int, Recipient]:
    return {r.row_number: r for r in Recipient.objects.filter(source=job)}


@pytest.mark.django_db
def test_a_dirty_list_is_matched_row_by_row_with_reasons(client, register, programs, agency):
    people = list(Resident.objects.select_related("household").order_by("id")[:6])
    rows = [
        listed(people[0]),  # row 2: the NIK and the name agree
        listed(people[1], NIK="", NAMA_PENERIMA=people[1].name.title()),  # 3: no NIK
        listed(people[2], NIK=_wrong_digit(people[2].nik)),  # 4: one digit wrong
        listed(people[3], NAMA_PENERIMA="ZULKARNAEN BUDIMAN SETIADI"),  # 5: a NIK whose name does not agree
        {"NIK": "", "NO_KK": "", "NAMA_PENERIMA": "ORANG LUAR DAERAH", "TGL_LAHIR": "01-01-1960", "ALAMAT": "",
         "KODE_DESA": "3510012001"},  # 6: nobody on the register
        {"NIK": "12345", "NO_KK": "", "NAMA_PENERIMA": "", "TGL_LAHIR": "", "ALAMAT": "X", "KODE_DESA": ""},  # 7
    ]  # fmt: skip
    client.force_login(agency)
    response = upload_list(client, programs["PKH"], rows)
    assert response.status_code == 302
    job = RecipientList.objects.get()
    assert job.status == "done" and job.current, job.error
    got = _rows(job)
    assert {n: r.status for n, r in got.items()} == {
        2: "exact", 3: "probable", 4: "probable", 5: "review", 6: "none", 7: "invalid"
    }  # fmt: skip
    assert got[2].resident == people[0] and got[3].resident == people[1] and got[4].resident == people[2]
    assert got[5].resident is None and got[5].candidate == people[3]
    with translation.override("en"):
        levels = {field: level for field, level, _weight in words(got[4].explanation)}
    assert levels["NIK"] == "NIK one digit different" and got[4].probability >= 0.99
    with translation.override("id"):
        assert ("NIK", "NIK beda satu digit") in {(f, level) for f, level, _w in words(got[4].explanation)}
    assert len(got[7].problems) == 2 and "5" in got[7].problems[0] and "16" in got[7].problems[0]  # NIK, name
    assert job.counts["exact"] == 1 and job.counts["probable"] == 2 and job.counts["review"] == 1

    exported = client.get(f"/aid/lists/{job.pk}/checked.csv")
    table = list(csv.DictReader(io.StringIO(b"".join(exported.streaming_content).decode())))
    assert list(table[0])[:6] == ["row", "nik", "name", "match_status", "matched_nik", "match_probability"]
    assert [(t["row"], t["match_status"], t["matched_nik"]) for t in table[:3]] == [
        ("2", "exact", people[0].nik), ("3", "probable", people[1].nik), ("4", "probable", people[2].nik)
    ]  # fmt: skip
    xlsx = client.get(f"/aid/lists/{job.pk}/checked.xlsx")
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"


@pytest.mark.django_db
def test_a_list_without_a_name_column_is_refused_on_the_spot(client, register, programs, agency):
    client.force_login(agency)
    response = upload_list(client, programs["PKH"], [{"NIK": "3510011708850001", "ALAMAT": "X"}])
    assert response.status_code == 422
    assert "NAMA" in response.content.decode() and not RecipientList.objects.exists()


@pytest.mark.django_db
def test_columns_named_otherwise_are_mapped_on_the_form_and_remembered(client, register, programs, agency):
    person = Resident.objects.order_by("id").first()
    rows = [{"NOMOR_KTP": person.nik, "PENERIMA": person.name}]
    client.force_login(agency)
    upload_list(client, programs["BPNT"], rows, column_nik="nomor ktp", column_name="Penerima")
    assert Recipient.objects.get().status == "exact"
    assert Program.objects.get(code="BPNT").column_mapping == {"nik": "NOMOR_KTP", "name": "PENERIMA"}
    upload_list(client, programs["BPNT"], rows, period="2020-06")  # no names given: remembered
    assert RecipientList.objects.filter(period="2020-06", status="done").exists()


@pytest.mark.django_db
def test_a_reviewers_decision_is_remembered_when_the_list_comes_again(
    client, register, programs, agency, django_user_model
):
    person = Resident.objects.order_by("id")[3]
    other = family()[0]
    rows = [listed(person, NAMA_PENERIMA="ZULKARNAEN BUDIMAN SETIADI")]
    client.force_login(agency)
    upload_list(client, programs["PKH"], rows)
    row = Recipient.objects.get(status="review")
    operator = operator_of(django_user_model, row.village_id, "operator.desa")
    client.force_login(operator)
    assert "ZULKARNAEN" in client.get("/aid/review/").content.decode()
    if other.village_id == row.village_id:
        decided = client.post(f"/aid/review/{row.pk}/", {"choice": "other", "nik": other.nik})
    else:
        decided = client.post(f"/aid/review/{row.pk}/", {"choice": "none"})
    assert decided.status_code == 302
    row.refresh_from_db()
    assert row.decided and MatchDecision.objects.count() == 1
    client.force_login(agency)
    upload_list(client, programs["PKH"], rows)
    again = Recipient.objects.get(source__current=True)
    assert again.decided and again.status == row.status and again.resident_id == row.resident_id
    assert RecipientList.objects.filter(current=True).count() == 1


@pytest.mark.django_db
def test_operator_cannot_decide_a_row_of_another_village(client, register, programs, agency, django_user_model):
    person = Resident.objects.order_by("id")[3]
    client.force_login(agency)
    upload_list(client, programs["PKH"], [listed(person, NAMA_PENERIMA="ZULKARNAEN BUDIMAN SETIADI")])
    row = Recipient.objects.get(status="review")
    elsewhere = "3510151002" if row.village_id != "3510151002" else "3510012001"
    client.force_login(operator_of(django_user_model, elsewhere, "operator.lain"))
    assert "ZULKARNAEN" not in client.get("/aid/review/").content.decode()
    assert client.post(f"/aid/review/{row.pk}/", {"choice": "none"}).status_code == 404
    row.refresh_from_db()
    assert not row.decided


@pytest.mark.django_db(transaction=True)
def test_the_upload_runs_in_the_background_queue(client, register, programs, agency):
    # transaction=True: the worker commits and closes its connections as it does in production.
    person = Resident.objects.order_by("id").first()
    client.force_login(agency)
    page = client.post(
        "/aid/lists/new/", {"program": programs["PKH"].pk, "period": "2020-05", "file": list_file([listed(person)])}
    )
    job = RecipientList.objects.get()
    assert page["Location"] == f"/aid/lists/{job.pk}/" and job.status == "queued"
    progress = client.get(f"/aid/lists/{job.pk}/", HTTP_HX_REQUEST="true")
    assert progress.status_code == 200 and "HX-Refresh" not in progress
    run_queue()
    job.refresh_from_db()
    assert job.status == "done" and job.counts["exact"] == 1 and job.progress_percent == 100
    assert client.get(f"/aid/lists/{job.pk}/", HTTP_HX_REQUEST="true")["HX-Refresh"] == "true"


@pytest.mark.django_db
def test_the_latest_period_is_who_receives_aid_now_and_an_earlier_list_is_kept_for_the_record(
    client, register, programs, agency
):
    first, second, third = family(1)[0], *Resident.objects.order_by("-id")[:2]
    client.force_login(agency)
    upload_list(client, programs["BST"], [listed(first)], period="2020-04")
    upload_list(client, programs["BST"], [listed(first), listed(second)], period="2020-05")
    upload_list(client, programs["BST"], [listed(third)], period="2020-04")  # a late correction of April

    current = RecipientList.objects.get(program=programs["BST"], current=True)
    assert current.period == "2020-05"
    now = Recipient.objects.filter(source__current=True).values_list("resident", flat=True)
    assert sorted(now) == sorted([first.pk, second.pk])
    # Being on April's list and May's is not being listed twice.
    assert not Conflict.objects.filter(kind="duplicate").exists()


@pytest.mark.django_db
def test_a_neighbours_nik_is_not_taken_when_the_rows_kk_says_otherwise(client, regions, programs, agency):
    from smartkampung.population.tests.factories import make_household, make_resident

    make_household(kk_number="3510010101100001")
    make_household(kk_number="3510010101100002")
    rudi = make_resident(nik="3510011708850001", kk_number="3510010101100001", name="RUDI YULIANTO")
    neighbour = make_resident(nik="3510011708850002", kk_number="3510010101100002", name="RUDI SULISTYO")
    client.force_login(agency)

    # The list wrote Rudi with his neighbour's NIK (the last digit wrong), but his own KK and birth date.
    upload_list(client, programs["BPNT"], [listed(rudi, NIK=neighbour.nik)])

    row = Recipient.objects.get()
    assert row.resident != neighbour and row.status != "exact"
    assert (row.resident or row.candidate) == rudi
