"""People and places of the checkpoint tests: Pos Pantau Ketapang and its officer, a resident of
Bakungan (Kec. Glagah), the operator of Bakungan and the health agency."""

import datetime as dt
import json

import pytest
from django.utils import timezone

from smartkampung.accounts.models import Role
from smartkampung.accounts.services import assign_role
from smartkampung.checkpoints.services import seed_demo_checkpoints
from smartkampung.population import services as population

BAKUNGAN, SARONGAN = "3510151002", "3510012001"
RESIDENT_NIK, RESIDENT_KK = "3510151708850001", "3510150101100001"
# A man from Kota Denpasar (Bali, 5171), born 17-08-1990; a woman from Kab. Jember (3509), born 02-03-1988.
BALI_NIK, JEMBER_NIK = "5171011708900003", "3509014203880004"
BANYUWANGI, JEMBER, DENPASAR = "3510", "3509", "5171"  # regency codes


@pytest.fixture
def posts(regions):
    return {c.code: c for c in seed_demo_checkpoints()}


@pytest.fixture
def officer(posts, django_user_model):
    user = django_user_model.objects.create_user("petugas.ketapang")
    assign_role(user=user, role=Role.CHECKPOINT_OFFICER, checkpoint_id=posts["ketapang"].pk)
    return user


@pytest.fixture
def officer_client(client, officer):
    client.force_login(officer)
    return client


@pytest.fixture
def operator(regions, django_user_model):
    user = django_user_model.objects.create_user("operator.bakungan")
    assign_role(user=user, role=Role.VILLAGE_OPERATOR, village_code=BAKUNGAN)
    return user


@pytest.fixture
def health(regions, django_user_model):
    user = django_user_model.objects.create_user("dinkes")
    assign_role(user=user, role=Role.HEALTH_AGENCY)
    return user


@pytest.fixture
def resident(regions):
    return make_resident()


def make_resident():
    """Warsidi of Bakungan (NIK RESIDENT_NIK, KK RESIDENT_KK): a returning resident with a phone."""
    population.create_household(
        user=None, values={"kk_number": RESIDENT_KK, "village_code": BAKUNGAN, "address": "JL. KOPI 7"}
    )
    return population.create_resident(
        user=None,
        values={
            "nik": RESIDENT_NIK,
            "kk_number": RESIDENT_KK,
            "name": "Warsidi",
            "birth_date": "1985-08-17",
            "sex": "male",
            "phone": "081234567890",
        },
    )


def arrival(**overrides) -> dict:
    """A complete, clean registration from the Ketapang desk (a traveller from Jember)."""
    values = {
        "checkpoint": "ketapang",
        "nik": JEMBER_NIK,
        "name": "Siti Aminah",
        "phone": "0812 3456 7891",
        "origin_regency": JEMBER,  # asked at the desk, never taken from the NIK
        "destination_village": BAKUNGAN,
        "destination_address": "Jl. Kopi 9, RT 1 RW 2",
        "host_name": "Warsidi",
        "purpose": "keluarga",
        "travel_mode": "car",
        "vehicle_plate": "p 1234 ab",
        "temperature": "36.6",
        "symptoms": [],
        "isolation_place": "home",
    }
    values.update(overrides)
    return values


def announce(client, **overrides):
    """A citizen announces a trip over the public API (JEMBER_NIK to Bakungan in two days, unless overridden)."""
    body = {
        "nik": JEMBER_NIK,
        "name": "Siti Aminah",
        "phone": "081234567891",
        "destination_village": BAKUNGAN,
        "destination_address": "Jl. Kopi 9",
        "expected_arrival": (timezone.localdate() + dt.timedelta(days=2)).isoformat(),
    } | overrides
    return client.post("/api/v1/public/preregistrations", json.dumps(body), content_type="application/json")
