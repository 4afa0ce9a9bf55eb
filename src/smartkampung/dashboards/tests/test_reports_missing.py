"""The health agency's dashboard, "Puskesmas without a daily report", counts its own regency's Puskesmas: in a
deployment serving Banyuwangi and Jember, Jember's agency is not told that Banyuwangi's 45 have not reported."""

import pytest

from smartkampung.accounts.models import Role
from smartkampung.accounts.tests.factories import give_role
from smartkampung.regions.models import Puskesmas
from smartkampung.regions.services import load_regions

BANYUWANGI, JEMBER = "3510", "3509"
pytestmark = pytest.mark.django_db


@pytest.fixture
def province(settings, regions):
    settings.SMARTKAMPUNG_REGENCIES = (BANYUWANGI, JEMBER)
    load_regions(regency_code=JEMBER)
    Puskesmas.objects.create(name="Puskesmas Jombang", district_id="350901")


def missing_today(client, django_user_model, username: str, role: str, regency: str | None = None):
    user = django_user_model.objects.create_user(username)
    give_role(user, role, regency=regency)
    client.force_login(user)
    page = client.get("/dashboard/", HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 200
    iso = page.context["isolation"]
    return iso["missing_today"], iso["missing_scope"]


def test_each_health_agency_counts_its_own_regencys_puskesmas(client, django_user_model, province):
    banyuwangi_puskesmas = Puskesmas.objects.filter(active=True, district__regency_id=BANYUWANGI).count()

    jember = missing_today(client, django_user_model, "dinkes.jember", Role.HEALTH_AGENCY, JEMBER)
    banyuwangi = missing_today(client, django_user_model, "dinkes.bwi", Role.HEALTH_AGENCY, BANYUWANGI)
    province_wide = missing_today(client, django_user_model, "pemprov", Role.PROVINCE_ADMIN)

    assert banyuwangi_puskesmas == 45
    assert jember == (1, "Kabupaten Jember")
    assert banyuwangi == (45, "Kabupaten Banyuwangi")
    assert province_wide == (46, "Kabupaten Banyuwangi, Kabupaten Jember")
