"""An import never reaches outside the uploader's jurisdiction (issue 13, security point 1).

A village operator of Bakungan (Kec. Glagah) uploads files naming a resident or a household of
Sarongan (Kec. Pesanggaran) with Bakungan's village code. Each such row is refused in words, and
nothing of the other village's record changes, nor can the operator then read it.
"""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from openpyxl import Workbook

from smartkampung.accounts.models import Role
from smartkampung.accounts.services import assign_role
from smartkampung.audit.models import AuditEntry
from smartkampung.population import services
from smartkampung.population.models import Household, ImportJob, Resident
from smartkampung.population.tests.factories import (
    BAKUNGAN,
    SARONGAN,
    make_household,
    make_resident,
    siak_csv,
    siak_row,
)

pytestmark = pytest.mark.usefixtures("regions")

AWAY_KK, AWAY_NIK = "3510010101100001", "3510011708850001"  # Sarongan's family
HOME_KK, HOME_NIK = "3510150101100002", "3510151708850002"  # Bakungan's family
NEW_NIK = "3510150303030003"


@pytest.fixture
def world(db):
    make_household(kk_number=AWAY_KK, village_code=SARONGAN)
    make_resident(nik=AWAY_NIK, kk_number=AWAY_KK, name="Suparmi Sarongan", phone="081111111111")
    make_household(kk_number=HOME_KK, village_code=BAKUNGAN)
    make_resident(nik=HOME_NIK, kk_number=HOME_KK, name="Warsidi Bakungan")


@pytest.fixture
def operator(client, django_user_model):
    user = django_user_model.objects.create_user("op.bakungan")
    assign_role(user=user, role=Role.VILLAGE_OPERATOR, village_code=BAKUNGAN)
    client.force_login(user)
    return client


def _xlsx(rows: list[dict[str, str]]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(list(rows[0]))
    for row in rows:
        sheet.append(list(row.values()))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def upload(client, rows: list[dict[str, str]], *, fmt: str = "csv", api: bool = False) -> ImportJob:
    """Upload as the page (or the API) does, then let the worker run the job."""
    content = siak_csv(rows) if fmt == "csv" else _xlsx(rows)
    file = SimpleUploadedFile(f"penduduk.{fmt}", content)
    if api:
        response = client.post("/api/v1/imports", {"file": file})
        assert response.status_code == 202, response.content
        job_id = response.json()["id"]
    else:
        response = client.post("/population/imports/new/", {"file": file})
        assert response.status_code == 302, response.content
        job_id = ImportJob.objects.latest("id").pk
    # Row problems are stored in the worker's language: read them in English here.
    with translation.override("en"):
        return services.run_import(job_id=job_id)


def snapshot(nik: str, kk: str) -> tuple:
    resident = Resident.objects.filter(nik=nik).values().first()
    household = Household.objects.filter(kk_number=kk).values().first()
    return resident, household


ROW_PATHS = [("csv", False), ("xlsx", False), ("csv", True)]  # column-wise, row-wise, through the API


@pytest.mark.parametrize(("fmt", "api"), ROW_PATHS)
def test_another_kecamatans_nik_with_its_own_kk_is_refused_and_nothing_moves(operator, world, fmt, api):
    before = snapshot(AWAY_NIK, AWAY_KK)

    job = upload(
        operator,
        [siak_row(NIK=AWAY_NIK, NO_KK=AWAY_KK, NAMA_LGKP="NAMA TIMPAAN", KODE_DESA=BAKUNGAN)],
        fmt=fmt,
        api=api,
    )

    assert (job.status, job.rejected_count, job.created_count, job.updated_count) == ("done", 1, 0, 0)
    issue = job.row_issues.get()
    assert issue.kind == "rejected" and "outside your jurisdiction" in " ".join(issue.errors)
    assert snapshot(AWAY_NIK, AWAY_KK) == before
    # And the record stays out of the operator's sight.
    assert operator.get(f"/population/residents/{AWAY_NIK}/").status_code == 404
    assert operator.get(f"/api/v1/residents/{AWAY_NIK}").status_code == 404
    assert operator.get(f"/api/v1/households/{AWAY_KK}").status_code == 404


@pytest.mark.parametrize(("fmt", "api"), ROW_PATHS)
def test_another_kecamatans_nik_with_the_operators_own_kk_is_refused(operator, world, fmt, api):
    before = snapshot(AWAY_NIK, AWAY_KK)
    home_before = snapshot(HOME_NIK, HOME_KK)

    job = upload(operator, [siak_row(NIK=AWAY_NIK, NO_KK=HOME_KK, KODE_DESA=BAKUNGAN)], fmt=fmt, api=api)

    assert (job.rejected_count, job.created_count, job.updated_count) == (1, 0, 0)
    assert snapshot(AWAY_NIK, AWAY_KK) == before
    assert snapshot(HOME_NIK, HOME_KK) == home_before
    assert operator.get(f"/population/residents/{AWAY_NIK}/").status_code == 404


@pytest.mark.parametrize(("fmt", "api"), ROW_PATHS)
def test_a_new_nik_in_another_villages_kk_is_refused_and_the_household_stays(operator, world, fmt, api):
    before = snapshot(AWAY_NIK, AWAY_KK)

    job = upload(operator, [siak_row(NIK=NEW_NIK, NO_KK=AWAY_KK, KODE_DESA=BAKUNGAN)], fmt=fmt, api=api)

    assert (job.rejected_count, job.created_count) == (1, 0)
    assert "KK number" in " ".join(job.row_issues.get().errors)
    assert snapshot(AWAY_NIK, AWAY_KK) == before
    assert not Resident.objects.filter(nik=NEW_NIK).exists()
    assert operator.get(f"/population/households/{AWAY_KK}/").status_code == 404


def test_the_refusal_is_shown_in_words_on_the_import_page_and_in_the_api(operator, world):
    job = upload(operator, [siak_row(NIK=AWAY_NIK, NO_KK=AWAY_KK, KODE_DESA=BAKUNGAN)])

    page = operator.get(f"/population/imports/{job.pk}/").content.decode()
    issues = operator.get(f"/api/v1/imports/{job.pk}/issues").json()

    assert "request a move (pindah datang)" in page
    assert issues[0]["errors"] and "pindah datang" in issues[0]["errors"][0]
    # The refusal tells nothing of the record: not the name, not the village it is in.
    assert "SUPARMI" not in page.upper() and SARONGAN not in page


def test_good_rows_of_the_same_file_still_land(operator, world):
    job = upload(
        operator,
        [
            siak_row(NIK=AWAY_NIK, NO_KK=AWAY_KK, KODE_DESA=BAKUNGAN),
            siak_row(NIK=NEW_NIK, NO_KK=HOME_KK, NAMA_LGKP="ANAK BAKUNGAN", TGL_LHR="03-03-2003", KODE_DESA=BAKUNGAN),
            siak_row(NIK=HOME_NIK, NO_KK=HOME_KK, NAMA_LGKP="WARSIDI BARU", TGL_LHR="17-08-1985", KODE_DESA=BAKUNGAN),
        ],
    )

    assert (job.created_count, job.updated_count, job.rejected_count) == (1, 1, 1)
    assert Resident.objects.get(nik=NEW_NIK).village_id == BAKUNGAN
    assert Resident.objects.get(nik=HOME_NIK).name == "WARSIDI BARU"


def test_a_row_flagged_for_its_nik_and_refused_for_its_jurisdiction_is_reported_once(operator, world):
    # The NIK says born 17-08-1985; the row says otherwise: flagged, then refused as outside.
    job = upload(operator, [siak_row(NIK=AWAY_NIK, NO_KK=HOME_KK, TGL_LHR="01-01-1990", KODE_DESA=BAKUNGAN)])

    assert (job.rejected_count, job.flagged_count) == (1, 0)
    assert job.row_issues.get().kind == "rejected"


def test_the_regency_administrator_may_move_a_household_by_import_and_it_is_audited(client, admin, world):
    client.force_login(admin)
    sarongan_neighbour = "3510014101900004"
    make_resident(
        nik=sarongan_neighbour, kk_number=AWAY_KK, name="Istri Sarongan", birth_date="1990-01-01", sex="female"
    )

    job = upload(client, [siak_row(NIK=AWAY_NIK, NO_KK=AWAY_KK, KODE_DESA=BAKUNGAN)])

    assert job.rejected_count == 0 and job.updated_count == 1
    assert Household.objects.get(kk_number=AWAY_KK).village_id == BAKUNGAN
    # The member not in the file follows the household, so no resident is left in a village their KK is not.
    assert Resident.objects.get(nik=sarongan_neighbour).village_id == BAKUNGAN
    household_entry = AuditEntry.objects.get(object_type="household", subject=AWAY_KK, action="update")
    assert household_entry.changes["village_id"] == [SARONGAN, BAKUNGAN]
    assert household_entry.detail["import"] == job.pk
    follower = AuditEntry.objects.get(object_type="resident", subject=sarongan_neighbour, action="update")
    assert follower.changes == {"village_id": [SARONGAN, BAKUNGAN]}


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_every_household_change_by_import_is_audited_with_old_and_new_values(client, admin, world, fmt):
    client.force_login(admin)

    job = upload(client, [siak_row(NIK=HOME_NIK, NO_KK=HOME_KK, ALAMAT="JL. BARU 1", KODE_DESA=BAKUNGAN)], fmt=fmt)

    assert job.rejected_count == 0
    entry = AuditEntry.objects.get(object_type="household", subject=HOME_KK, action="update")
    assert entry.changes["address"] == ["DUSUN KRAJAN", "JL. BARU 1"]


def test_a_household_added_by_import_is_in_the_audit_log(client, admin, world):
    client.force_login(admin)

    upload(client, [siak_row(NIK=NEW_NIK, NO_KK="3510150909090009", TGL_LHR="03-03-2003", KODE_DESA=BAKUNGAN)])

    entry = AuditEntry.objects.get(object_type="household", action="import")
    assert entry.object_ids == ["3510150909090009"]


# ---------------------------------------------------------------- the hand-edit doors


def test_an_operator_cannot_register_a_nik_of_another_village_by_hand(operator, world):
    body = {"nik": AWAY_NIK, "kk_number": HOME_KK, "name": "Timpa", "birth_date": "1985-08-17", "sex": "male"}
    before = snapshot(AWAY_NIK, AWAY_KK)

    response = operator.post("/api/v1/residents", body, content_type="application/json")

    assert response.status_code == 422 and "SUPARMI" not in response.content.decode().upper()
    assert snapshot(AWAY_NIK, AWAY_KK) == before


def test_an_operator_cannot_put_their_resident_into_another_villages_kk(operator, world):
    response = operator.patch(f"/api/v1/residents/{HOME_NIK}", {"kk_number": AWAY_KK}, content_type="application/json")

    assert response.status_code == 422
    assert Resident.objects.get(nik=HOME_NIK).household.kk_number == HOME_KK


def test_an_operator_cannot_move_their_household_to_another_village(operator, world):
    response = operator.patch(
        f"/api/v1/households/{HOME_KK}", {"village_code": SARONGAN}, content_type="application/json"
    )

    assert response.status_code in (403, 422)
    assert Household.objects.get(kk_number=HOME_KK).village_id == BAKUNGAN


def test_a_household_moved_by_hand_is_audited_for_it_and_for_each_member(client, admin, world):
    client.force_login(admin)

    response = client.patch(
        f"/api/v1/households/{AWAY_KK}", {"village_code": BAKUNGAN}, content_type="application/json"
    )

    assert response.status_code == 200
    entry = AuditEntry.objects.get(object_type="household", subject=AWAY_KK, action="update")
    assert entry.changes["village"] == [SARONGAN, BAKUNGAN]
    member = AuditEntry.objects.get(object_type="resident", subject=AWAY_NIK, action="update")
    assert member.changes == {"village_id": [SARONGAN, BAKUNGAN]}
