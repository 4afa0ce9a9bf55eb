"""Aid lists and lists of affected workers, uploaded by the page or the API, are refused in words (never a 500,
never a job) when too big, packed like a zip bomb, carrying a DTD or entities, or longer than allowed; a list full
of unreadable rows keeps the first of them and counts the rest; a list that stops says why in words."""

import io
from pathlib import Path

import pytest
from django.utils import translation

from smartkampung.aid.models import AffectedResident, Recipient, RecipientList
from smartkampung.aid.services import run_list_import
from smartkampung.aid.tests.fixtures import list_file, listed, upload_list
from smartkampung.core.tests.workbooks import billion_laughs, workbook, xlsx_from_rows, zip_bomb
from smartkampung.population.models import Resident

HEADER = ["NIK", "NAMA_PENERIMA", "SEKTOR", "DAMPAK", "SEJAK"]
ROW = ["3510011708850001", "BUDI SANTOSO", "pariwisata", "PHK", "01-04-2020"]


def named(content: bytes, name: str) -> io.BytesIO:
    upload = io.BytesIO(content)
    upload.name = name
    return upload


def csv_bytes(table: list[list[str]]) -> bytes:
    return "".join(",".join(row) + "\n" for row in table).encode()


def rows(n: int) -> list[list[str]]:
    return [[f"35100117088500{i:02d}", *ROW[1:]] for i in range(n)]


@pytest.fixture
def refused(client, regions, programs, agency):
    """Upload a file as a program's list (page and API) and as a list of affected workers; all three must refuse
    it with `words`, and nothing may be queued or written."""
    client.force_login(agency)

    def check(content: bytes, name: str, words: str) -> None:
        page = client.post(
            "/aid/lists/new/", {"program": programs["PKH"].pk, "period": "2020-05", "file": named(content, name)},
            HTTP_ACCEPT_LANGUAGE="en",
        )  # fmt: skip
        assert page.status_code == 422 and words in page.content.decode()
        api = client.post(
            "/api/v1/aid/lists", {"program": "PKH", "period": "2020-05", "file": named(content, name)},
            HTTP_ACCEPT_LANGUAGE="en",
        )  # fmt: skip
        assert api.status_code == 422 and words in api.json()["errors"][0]["message"]
        affected = client.post("/aid/affected/import/", {"file": named(content, name)}, HTTP_ACCEPT_LANGUAGE="en")
        assert affected.status_code == 422 and words in affected.content.decode()
        assert not RecipientList.objects.exists() and not AffectedResident.objects.exists()

    return check


@pytest.mark.django_db
def test_a_zip_bomb_is_refused_at_upload(refused):
    refused(zip_bomb(HEADER, ROW), "daftar.xlsx", "packed far more tightly than a spreadsheet")


@pytest.mark.django_db
def test_a_workbook_with_entities_or_a_dtd_is_refused_at_upload(refused):
    refused(billion_laughs(HEADER, ROW), "daftar.xlsx", "document type declaration")
    outside = '<!DOCTYPE worksheet SYSTEM "http://attacker.example/x.dtd">'
    refused(xlsx_from_rows([HEADER, ROW], doctype=outside), "daftar.xlsx", "document type declaration")


@pytest.mark.django_db
def test_a_list_over_the_row_limit_is_refused_at_upload(refused, settings):
    settings.SPREADSHEET_MAX_ROWS = 3
    refused(csv_bytes([HEADER, *rows(4)]), "daftar.csv", "more than 3 rows")
    refused(workbook([HEADER, *rows(4)]), "daftar.xlsx", "more than 3 rows")


@pytest.mark.django_db
def test_a_list_over_the_size_limit_is_refused(refused, settings):
    settings.SMARTKAMPUNG_IMPORT_MAX_BYTES = 2048
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 1024  # past this the upload goes through the capped disk handler
    refused(csv_bytes([HEADER, *rows(100)]), "daftar.csv", "too large")


@pytest.mark.django_db
def test_a_list_of_unreadable_rows_keeps_the_first_with_their_problems_and_counts_the_rest(
    client, register, programs, agency, settings
):
    settings.AID_LIST_MAX_UNREADABLE_ROWS = 5
    person = Resident.objects.select_related("household").order_by("id").first()
    garbage = [{**listed(person), "NIK": f"12{i}", "NO_KK": "", "NAMA_PENERIMA": "", "TGL_LAHIR": "", "KODE_DESA": ""}
               for i in range(12)]  # fmt: skip
    client.force_login(agency)

    upload_list(client, programs["PKH"], [listed(person), *garbage])

    job = RecipientList.objects.get()
    assert job.status == "done", job.error
    kept = Recipient.objects.filter(source=job, status="invalid").order_by("row_number")
    assert [r.row_number for r in kept] == [3, 4, 5, 6, 7] and all(r.problems for r in kept)
    assert Recipient.objects.filter(source=job, status="exact").count() == 1
    assert (job.counts["invalid"], job.counts["invalid_not_kept"]) == (12, 7)
    page = client.get(f"/aid/lists/{job.pk}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "7 more unreadable rows were counted, not kept" in page


@pytest.mark.django_db
def test_a_list_that_stops_says_so_in_words_without_the_exception(client, register, programs, agency):
    client.force_login(agency)
    person = Resident.objects.select_related("household").order_by("id").first()
    client.post(
        "/aid/lists/new/", {"program": programs["PKH"].pk, "period": "2020-05", "file": list_file([listed(person)])}
    )
    job = RecipientList.objects.get()
    stored = Path(job.file.path)
    stored.unlink()  # the stored copy is gone by the time the worker reads it

    with translation.override("en"), pytest.raises(FileNotFoundError):
        run_list_import(list_id=job.pk)

    job.refresh_from_db()
    assert job.status == "failed" and "internal error" in job.error
    assert str(stored) not in job.error and "Errno" not in job.error and str(job.pk) in job.error
