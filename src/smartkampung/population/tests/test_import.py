"""Importing registry files: good, bad and malformed, through the same service the upload page uses."""

import io
from pathlib import Path

import pytest
from django.core.management import call_command
from openpyxl import Workbook

from smartkampung.population import services
from smartkampung.population.importer import ImportFileError
from smartkampung.population.models import Household, ImportJob, ImportRowIssue, Resident
from smartkampung.population.tests.factories import BAKUNGAN, SARONGAN, family_rows, siak_csv, siak_row
from smartkampung.regions.models import Village

pytestmark = pytest.mark.usefixtures("regions")


def write(tmp_path: Path, name: str, content: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(content)
    return path


def import_bytes(tmp_path, admin, content: bytes, name: str = "penduduk.csv", **kwargs) -> ImportJob:
    return services.import_file_now(user=admin, path=write(tmp_path, name, content), original_name=name, **kwargs)


def test_good_csv_creates_households_and_residents(tmp_path, admin):
    job = import_bytes(tmp_path, admin, siak_csv(family_rows()))

    assert job.status == ImportJob.Status.DONE
    assert (job.total_rows, job.processed_rows, job.created_count, job.rejected_count) == (3, 3, 3, 0)
    household = Household.objects.get(kk_number="3510010101100001")
    assert (household.village_id, household.address, household.rt, household.rw) == (
        SARONGAN,
        "DUSUN KRAJAN",
        "001",
        "002",
    )
    budi = Resident.objects.get(nik="3510011708850001")
    assert budi.household == household and budi.village_id == SARONGAN
    assert (budi.name, budi.name_search, budi.sex, budi.religion) == ("BUDI SANTOSO", "BUDISANTOSO", "male", "islam")
    assert (budi.family_relation, budi.education, budi.phone) == ("head", "senior", "+6281234567890")
    assert str(budi.birth_date) == "1985-08-17" and budi.nik_mismatch == ""
    assert Resident.objects.get(nik="3510015708870002").sex == "female"


def test_reimporting_the_same_file_changes_nothing(tmp_path, admin):
    import_bytes(tmp_path, admin, siak_csv(family_rows()))
    before = list(Resident.objects.order_by("nik").values_list("nik", "updated_at"))

    again = import_bytes(tmp_path, admin, siak_csv(family_rows()), name="lagi.csv")

    assert (again.created_count, again.updated_count, again.unchanged_count) == (0, 0, 3)
    assert list(Resident.objects.order_by("nik").values_list("nik", "updated_at")) == before
    assert Household.objects.count() == 1


def test_a_changed_row_updates_only_that_resident(tmp_path, admin):
    import_bytes(tmp_path, admin, siak_csv(family_rows()))
    rows = family_rows()
    rows[2]["NAMA_LGKP"] = "AHMAD FAUZI RAHMAN"
    rows[2]["NO_HP"] = "0812-9999-0000"

    job = import_bytes(tmp_path, admin, siak_csv(rows), name="baru.csv")

    assert (job.created_count, job.updated_count, job.unchanged_count) == (0, 1, 2)
    child = Resident.objects.get(nik="3510010203100003")
    assert (child.name, child.name_search, child.phone) == ("AHMAD FAUZI RAHMAN", "AHMADFAUZIRAHMAN", "+6281299990000")


def test_bad_rows_are_rejected_with_every_reason_and_good_rows_land(tmp_path, admin):
    rows = [
        siak_row(),
        siak_row(
            NIK="35100199998500",
            NO_KK="1234",
            TGL_LHR="31-02-1985",
            JENIS_KLMIN="X",
            NO_HP="12",
            KODE_DESA="9999999999",
        ),
        siak_row(NIK="3510015708870002", NAMA_LGKP="SITI AMINAH", TGL_LHR="17-08-1987", JENIS_KLMIN="PEREMPUAN"),
    ]
    job = import_bytes(tmp_path, admin, siak_csv(rows))

    assert (job.created_count, job.rejected_count) == (2, 1)
    issue = ImportRowIssue.objects.get(job=job)
    assert (issue.row_number, issue.kind, issue.nik) == (3, "rejected", "35100199998500")
    text = " ".join(issue.errors)
    for fragment in ("NIK", "KK", "31-02-1985", "“X”", "“12”", "9999999999"):
        assert fragment in text
    assert len(issue.errors) >= 6
    # Nothing of the bad row was written, not even its household.
    assert not Household.objects.filter(kk_number="1234").exists()
    assert Resident.objects.count() == 2


def test_nik_disagreeing_with_birth_date_or_sex_is_imported_but_flagged(tmp_path, admin):
    rows = [siak_row(TGL_LHR="18-08-1985", JENIS_KLMIN="PEREMPUAN")]
    job = import_bytes(tmp_path, admin, siak_csv(rows))

    resident = Resident.objects.get(nik="3510011708850001")
    assert "17-08-1985" in resident.nik_mismatch
    assert (job.created_count, job.flagged_count) == (1, 1)
    assert ImportRowIssue.objects.get(job=job).kind == "flagged"


def test_the_same_nik_twice_in_a_file_keeps_the_first_row(tmp_path, admin):
    rows = [siak_row(), siak_row(NAMA_LGKP="ORANG LAIN")]
    job = import_bytes(tmp_path, admin, siak_csv(rows))

    assert (job.created_count, job.rejected_count) == (1, 1)
    assert Resident.objects.get().name == "BUDI SANTOSO"
    assert (
        "row 2" in ImportRowIssue.objects.get(job=job).errors[0]
        or "baris 2" in ImportRowIssue.objects.get(job=job).errors[0]
    )


def test_siak_numeric_codes_semicolons_and_windows_encoding_are_understood(tmp_path, admin):
    rows = [
        siak_row(
            JENIS_KLMIN="1",
            AGAMA="1",
            STATUS_KAWIN="2",
            STAT_HBKEL="1",
            PDDK_AKH="5",
            NAMA_LGKP="MA’RUF",
            TMPT_LHR="GENTENG",
        )
    ]
    content = siak_csv(rows, delimiter=";").decode().encode("cp1252")
    job = import_bytes(tmp_path, admin, content)

    assert job.created_count == 1, list(job.row_issues.values_list("errors", flat=True))
    resident = Resident.objects.get()
    assert (resident.sex, resident.marital_status, resident.family_relation, resident.education) == (
        "male",
        "married",
        "head",
        "senior",
    )
    assert resident.name == "MA’RUF" and resident.name_search == "MARUF"


def test_village_chosen_on_the_form_fills_rows_without_a_village_column(tmp_path, admin):
    header = [h for h in siak_csv([siak_row()]).decode().splitlines()[0].split(",") if h != "KODE_DESA"]
    job = import_bytes(
        tmp_path, admin, siak_csv([siak_row()], header=header), default_village=Village.objects.get(code=BAKUNGAN)
    )

    assert job.created_count == 1
    assert Resident.objects.get().village_id == BAKUNGAN


def test_separate_region_number_columns_make_the_village_code(tmp_path, admin):
    header = ["NIK", "NO_KK", "NAMA_LGKP", "TGL_LHR", "JENIS_KLMIN", "NO_PROP", "NO_KAB", "NO_KEC", "NO_KEL"]
    row = {**siak_row(), "NO_PROP": "35", "NO_KAB": "10", "NO_KEC": "1", "NO_KEL": "2001"}
    job = import_bytes(tmp_path, admin, siak_csv([row], header=header))

    assert job.created_count == 1
    assert Resident.objects.get().village_id == SARONGAN


def test_xlsx_with_real_date_cells_imports(tmp_path, admin):
    import datetime as dt

    workbook = Workbook()
    sheet = workbook.active
    rows = family_rows()
    sheet.append(list(rows[0]))
    for row in rows:
        cells = list(row.values())
        cells[4] = dt.datetime.strptime(row["TGL_LHR"], "%d-%m-%Y")
        cells[0] = int(row["NIK"])  # spreadsheets turn long numbers into numbers
        sheet.append(cells)
    buffer = io.BytesIO()
    workbook.save(buffer)

    job = import_bytes(tmp_path, admin, buffer.getvalue(), name="penduduk.xlsx")

    assert job.format == "xlsx"
    assert (job.created_count, job.rejected_count) == (3, 0), list(job.row_issues.values_list("errors", flat=True))


@pytest.mark.parametrize(
    ("name", "content", "fragment"),
    [
        ("kosong.csv", b"", "empty"),
        ("spasi.csv", b"\n\n  \n", "empty"),
        ("salah.csv", b"NAMA,ALAMAT\nBUDI,KRAJAN\n", "NIK"),
        ("gambar.csv", b"\x89PNG\r\n\x1a\n\x00\x00\x00IHDR", "binary"),
        ("lama.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, ".xls"),
        ("rusak.xlsx", b"PK\x03\x04 not really a zip", "Excel"),
        ("palsu.xlsx", b"NIK,NO_KK\n", "Excel"),
    ],
)
def test_malformed_file_gets_one_clear_error_and_no_job(tmp_path, admin, name, content, fragment):
    with pytest.raises(ImportFileError) as caught, __import__("django").utils.translation.override("en"):
        import_bytes(tmp_path, admin, content, name=name)

    assert fragment.lower() in str(caught.value).lower()
    assert ImportJob.objects.count() == 0


def test_wrong_columns_error_names_what_is_missing(tmp_path, admin):
    with pytest.raises(ImportFileError) as caught:
        import_bytes(tmp_path, admin, b"NIK,NAMA_LGKP\n3510011708850001,BUDI\n")

    for column in ("NO_KK", "TGL_LHR", "JENIS_KLMIN", "KODE_DESA"):
        assert column in str(caught.value)


@pytest.mark.django_db(transaction=True)
def test_upload_runs_in_the_background_queue(tmp_path, admin):
    # transaction=True: the worker commits and closes its connections as it would in production.
    path = write(tmp_path, "antre.csv", siak_csv(family_rows()))
    job = services.start_import(user=admin, path=path, original_name="antre.csv")
    assert job.status == ImportJob.Status.QUEUED and Resident.objects.count() == 0

    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)

    job.refresh_from_db()
    assert (job.status, job.created_count, job.progress_percent) == (ImportJob.Status.DONE, 3, 100)
    assert Resident.objects.count() == 3


def test_rows_past_a_batch_boundary_all_land(tmp_path, admin, monkeypatch):
    from smartkampung.population import importer, imports

    monkeypatch.setattr(importer, "BATCH_SIZE", 2)
    monkeypatch.setattr(imports, "BATCH_SIZE", 2)
    rows = [siak_row(NIK=f"35100117088500{i:02d}", NAMA_LGKP=f"WARGA {i}") for i in range(1, 8)]
    job = import_bytes(tmp_path, admin, siak_csv(rows))

    assert (job.processed_rows, job.created_count) == (7, 7)


def test_xlsx_stored_without_its_extension_still_imports(tmp_path, admin):
    workbook = Workbook()
    sheet = workbook.active
    rows = family_rows()
    sheet.append(list(rows[0]))
    for row in rows:
        sheet.append(list(row.values()))
    buffer = io.BytesIO()
    workbook.save(buffer)

    job = services.import_file_now(
        user=admin, path=write(tmp_path, "upload", buffer.getvalue()), original_name="data penduduk"
    )

    assert (job.format, job.created_count) == ("xlsx", 3)
