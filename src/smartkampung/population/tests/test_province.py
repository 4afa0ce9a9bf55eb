"""A province on one database: one deployment serving two regencies (Banyuwangi and Jember), each with its
own villages, residents and staff, none of whom sees the other regency's residents."""

import io

import pytest
from django.core.management import call_command
from django.test import override_settings

from smartkampung.accounts.models import Role, RoleAssignment
from smartkampung.conftest import built_once
from smartkampung.population.models import Household, Resident
from smartkampung.regions.models import Village
from smartkampung.regions.selectors import served_name, served_village

BANYUWANGI, JEMBER = "3510", "3509"


@pytest.fixture(scope="module")
def built_province(django_db_blocker):
    # The province is made once for the module's tests (each rolls back its own changes).
    def build() -> dict:
        with override_settings(SMARTKAMPUNG_REGENCIES=(BANYUWANGI, JEMBER), SMARTKAMPUNG_REGENCY=BANYUWANGI):
            call_command("load_regions", stdout=io.StringIO())
            call_command("demo", residents=1200, seed=3, stdout=io.StringIO(), stderr=io.StringIO())
            out = io.StringIO()
            call_command("demo_logins", stdout=out)
        return {"logins": out.getvalue()}

    with built_once(django_db_blocker, build) as built:
        yield built


@pytest.fixture
def province(db, settings, built_province):
    settings.SMARTKAMPUNG_REGENCIES = (BANYUWANGI, JEMBER)
    settings.SMARTKAMPUNG_REGENCY = BANYUWANGI
    return built_province["logins"]


def test_the_demo_makes_a_province_of_both_regencies_with_their_real_villages(province):
    assert Village.objects.filter(district__regency_id=JEMBER).count() == 248  # Jember: 226 desa, 22 kelurahan
    by_regency = {code: Resident.objects.filter(nik__startswith=code).count() for code in (BANYUWANGI, JEMBER)}
    # Shared by the villages' numbers (217 and 248), every resident in a household of their own regency.
    assert sum(by_regency.values()) == 1200 and by_regency[JEMBER] > by_regency[BANYUWANGI] > 500
    assert not Resident.objects.filter(nik__startswith=JEMBER).exclude(household__village__code__startswith=JEMBER)
    assert Household.objects.filter(village__district__regency_id=JEMBER).exists()
    assert served_village("3509012001") is not None and served_village("3511012001") is None
    assert served_name() == "Kabupaten Banyuwangi, Kabupaten Jember"
    # Jember's own staff are among the demo logins.
    assert "operator.padomasan" in province and "camat.jombang" in province


def test_a_nik_stays_unique_across_the_regencies(province, admin_api):
    resident = Resident.objects.filter(nik__startswith=JEMBER).first()
    answer = admin_api.post(
        "/api/v1/residents",
        {
            "nik": resident.nik,
            "kk_number": "3510150101100001",
            "name": "ORANG LAIN",
            "birth_date": "1990-01-01",
            "sex": "male",
        },  # fmt: skip
        content_type="application/json",
    )
    assert answer.status_code in (409, 422), answer.content
    assert Resident.objects.filter(nik=resident.nik).count() == 1


@pytest.mark.parametrize("who", ["operator.padomasan", "camat.jombang", "operator.bakungan", "camat.glagah"])
def test_staff_of_one_regency_never_see_residents_of_the_other(province, client, who):
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.get(username=who)
    own = RoleAssignment.objects.get(user=user)
    own_regency = (own.village_id or own.district_id)[:4]
    other = JEMBER if own_regency == BANYUWANGI else BANYUWANGI
    client.force_login(user)
    listed = client.get("/api/v1/residents?limit=200").json()
    assert listed["count"] > 0 and all(item["nik"].startswith(own_regency) for item in listed["items"])
    stranger = Resident.objects.filter(nik__startswith=other).first()
    assert client.get(f"/api/v1/residents/{stranger.nik}").status_code == 404
    assert client.get(f"/api/v1/residents?q={stranger.nik}").json()["count"] == 0
    assert client.get(f"/api/v1/residents?village={stranger.household.village_id}").json()["count"] == 0
    page = client.get(f"/population/residents/?q={stranger.name}").content.decode()
    assert stranger.nik not in page
    assert own.role in (Role.VILLAGE_OPERATOR, Role.DISTRICT_STAFF)


@pytest.mark.parametrize("who", ["admin.pemkab", "admin.jember"])
def test_each_regency_administrator_reads_only_their_own_regency(province, client, who):
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.get(username=who)
    own = RoleAssignment.objects.get(user=user).regency_id
    assert not user.is_superuser  # a superuser would see every regency
    client.force_login(user)
    listed = client.get("/api/v1/residents?limit=200").json()
    assert listed["count"] == Resident.objects.filter(household__village__district__regency_id=own).count()
    assert all(item["nik"].startswith(own) for item in listed["items"])


def test_every_regency_has_its_agencies_and_one_province_administrator_reads_both(province, client):
    from django.contrib.auth import get_user_model

    users = get_user_model().objects
    for login in ("dinkes.jember", "dinsos.jember", "dispar.jember", "admin.jember", "admin.pemprov"):
        assert login in province
    assert RoleAssignment.objects.get(user__username="dinkes.jember").regency_id == JEMBER
    assert RoleAssignment.objects.get(user__username="dinkes").regency_id == BANYUWANGI
    client.force_login(users.get(username="admin.pemprov"))
    for regency in (BANYUWANGI, JEMBER):
        resident = Resident.objects.filter(nik__startswith=regency).first()
        assert client.get(f"/api/v1/residents/{resident.nik}").status_code == 200


def test_the_province_administrator_sees_each_regency_on_the_dashboard_and_a_regency_administrator_only_theirs(
    province, client
):
    from django.contrib.auth import get_user_model

    users = get_user_model().objects
    client.force_login(users.get(username="admin.pemprov"))
    page = client.get("/dashboard/").content.decode()
    assert 'id="province-overview"' in page
    assert f'data-regency="{BANYUWANGI}"' in page and f'data-regency="{JEMBER}"' in page
    client.force_login(users.get(username="admin.jember"))
    page = client.get("/dashboard/").content.decode()
    # Its figures are Jember's, and say so.
    assert 'id="province-overview"' not in page and '<span class="scope">Kabupaten Jember</span>' in page
