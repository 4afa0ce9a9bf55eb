"""A registry upload, by the page or the API, is refused in words (never a 500, never a job) when it is too big,
unpacks like a zip bomb, carries a DTD or entities, or has more rows than allowed."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from smartkampung.core.tests.workbooks import LAUGHS, billion_laughs, workbook, xlsx_from_rows, zip_bomb
from smartkampung.population.models import ImportJob

HEADER = ["NIK", "NO_KK", "NAMA_LGKP", "TGL_LHR", "JENIS_KLMIN", "KODE_DESA"]
ROW = ["3510011708850001", "3510010101100001", "BUDI SANTOSO", "17-08-1985", "LAKI-LAKI", "3510012001"]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def rows(n: int) -> list[list[str]]:
    return [[f"35100117088500{i:02d}", *ROW[1:]] for i in range(n)]


def csv_bytes(table: list[list[str]]) -> bytes:
    return "".join(",".join(row) + "\n" for row in table).encode()


def by_page(client, content: bytes, name: str) -> str:
    file = SimpleUploadedFile(name, content, content_type=XLSX if name.endswith("xlsx") else "text/csv")
    response = client.post(reverse("population:import_create"), {"file": file}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code in (200, 422)  # the form again, with the reason
    return response.content.decode()


def by_api(client, content: bytes, name: str) -> str:
    response = client.post("/api/v1/imports", {"file": SimpleUploadedFile(name, content)}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 422, response.content
    return response.json()["detail"]


@pytest.fixture
def refused(admin_api, regions):
    """Upload through the page and the API; both must refuse with `words`, and no job may be queued."""

    def check(content: bytes, name: str, words: str) -> None:
        assert words in by_page(admin_api, content, name)
        assert words in by_api(admin_api, content, name)
        assert not ImportJob.objects.exists()

    return check


@pytest.mark.django_db
def test_a_zip_bomb_is_refused_at_upload(refused):
    # Tens of kilobytes that unpack to 20 MB of sheet: once accepted, the worker would have parsed all of it.
    refused(zip_bomb(HEADER, ROW), "penduduk.xlsx", "packed far more tightly than a spreadsheet")


@pytest.mark.django_db
def test_a_workbook_with_entities_is_refused_at_upload(refused):
    refused(billion_laughs(HEADER, ROW), "penduduk.xlsx", "document type declaration")


@pytest.mark.django_db
def test_a_workbook_naming_an_outside_dtd_is_refused_at_upload(refused):
    doctype = '<!DOCTYPE worksheet SYSTEM "http://attacker.example/x.dtd">'
    refused(xlsx_from_rows([HEADER, ROW], doctype=doctype), "penduduk.xlsx", "document type declaration")
    refused(xlsx_from_rows([HEADER, ROW], doctype=LAUGHS[:-2] + "]>"), "penduduk.xlsx", "document type declaration")


@pytest.mark.django_db
def test_a_file_over_the_row_limit_is_refused_at_upload(refused, settings):
    settings.SPREADSHEET_MAX_ROWS = 3
    refused(csv_bytes([HEADER, *rows(4)]), "penduduk.csv", "more than 3 rows")
    refused(workbook([HEADER, *rows(4)]), "penduduk.xlsx", "more than 3 rows")


@pytest.mark.django_db
def test_a_file_over_the_size_limit_is_refused_and_not_kept(refused, settings):
    settings.SMARTKAMPUNG_IMPORT_MAX_BYTES = 2048
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 1024  # past this the upload goes through the capped disk handler
    refused(csv_bytes([HEADER, *rows(100)]), "penduduk.csv", "too large")


@pytest.mark.django_db
def test_a_file_within_the_limits_is_still_taken(admin_api, regions, settings):
    settings.SPREADSHEET_MAX_ROWS = 3
    answer = admin_api.post("/api/v1/imports", {"file": SimpleUploadedFile("p.xlsx", workbook([HEADER, *rows(3)]))})
    assert answer.status_code == 202 and ImportJob.objects.get().total_rows == 3
