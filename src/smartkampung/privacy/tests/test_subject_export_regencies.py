"""A data subject's request in a deployment serving several regencies: the administrator of the regency the person is
registered in answers it, whichever regency issued their NIK; another regency's administrator finds nothing (404,
audited nowhere), the province administrator finds them."""

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from smartkampung.accounts.models import Role
from smartkampung.accounts.services import assign_role, create_api_token
from smartkampung.audit.models import AuditEntry
from smartkampung.population.tests.factories import make_household, make_resident
from smartkampung.regions.models import District, Province, Regency, Village

pytestmark = pytest.mark.django_db

BANYUWANGI, JEMBER = "3510", "3509"
PADOMASAN = "3509012002"
# Issued in Banyuwangi (3510…), registered in Jember's Padomasan now.
MOVED_AWAY = "3510151708850007"
REFERENCE = "474/15/429.501/2026"


@pytest.fixture(autouse=True)
def two_regencies(settings):
    settings.SMARTKAMPUNG_REGENCIES = (BANYUWANGI, JEMBER)
    province, _ = Province.objects.get_or_create(code="35", defaults={"name": "JAWA TIMUR"})
    regency, _ = Regency.objects.get_or_create(code=JEMBER, defaults={"province": province, "name": "KAB. JEMBER"})
    district, _ = District.objects.get_or_create(code="350901", defaults={"regency": regency, "name": "JOMBANG"})
    Village.objects.get_or_create(code=PADOMASAN, defaults={"district": district, "name": "PADOMASAN", "kind": "desa"})
    make_household(kk_number="3509010101100007", village_code=PADOMASAN)
    make_resident(nik=MOVED_AWAY, kk_number="3509010101100007", name="Siti Aminah", sex="female")


def administrator(name: str, **place) -> str:
    """An administrator's API key."""
    user = get_user_model().objects.create_user(name)
    assign_role(user=user, **place)
    return create_api_token(user=user, name="request")[1]


def export(key: str):
    return Client().post(
        "/api/v1/subject-data",
        {"nik": MOVED_AWAY, "reference": REFERENCE},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {key}",
    )


def test_the_regency_the_person_lives_in_answers_not_the_one_that_issued_the_nik():
    banyuwangi = administrator("admin.bwi", role=Role.REGENCY_ADMIN, regency_code=BANYUWANGI)
    jember = administrator("admin.jember", role=Role.REGENCY_ADMIN, regency_code=JEMBER)
    province = administrator("admin.pemprov", role=Role.PROVINCE_ADMIN)

    refused = export(banyuwangi)
    assert refused.status_code == 404 and "AMINAH" not in refused.content.decode().upper()
    assert not AuditEntry.objects.filter(object_type="subject_data", actor_username="admin.bwi").exists()
    for allowed in (jember, province):
        answer = export(allowed)
        assert answer.status_code == 200, answer.content
        assert "AMINAH" in answer.content.decode().upper()


def test_someone_in_no_register_is_the_province_administrators_alone():
    # A traveller's NIK issued in Banyuwangi: their records may lie in any regency's modules.
    unregistered = "3510014404800007"
    banyuwangi = administrator("admin.bwi", role=Role.REGENCY_ADMIN, regency_code=BANYUWANGI)
    province = administrator("admin.pemprov", role=Role.PROVINCE_ADMIN)
    ask = {"nik": unregistered, "reference": REFERENCE}
    refused = Client().post("/api/v1/subject-data", ask, content_type="application/json",
                            HTTP_AUTHORIZATION=f"Bearer {banyuwangi}")  # fmt: skip
    answered = Client().post("/api/v1/subject-data", ask, content_type="application/json",
                             HTTP_AUTHORIZATION=f"Bearer {province}")  # fmt: skip
    assert (refused.status_code, answered.status_code) == (404, 200)
