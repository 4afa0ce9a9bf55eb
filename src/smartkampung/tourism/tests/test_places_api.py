"""The places API: readers list and read the places in their scope (paged, filtered), the agency registers a place
for its owner (optionally with an account), an owner applies for another place, managers change a place; bad input
gets a 422 naming the field, and nothing is written."""

from __future__ import annotations

import json

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from smartkampung.accounts.models import Role
from smartkampung.audit.models import AuditEntry
from smartkampung.tourism.models import Place
from smartkampung.tourism.tests import factories as f

pytestmark = pytest.mark.usefixtures("regions")
PLACES = "/api/v1/tourism/places"


@pytest.fixture(autouse=True)
def english(settings):
    settings.LANGUAGE_CODE = "en"


def client_of(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def body(**changes) -> dict:
    values = {
        "kind": "restaurant",
        "name": "Rumah Makan Pesisir",
        "owner_name": "Pak Made",
        "contact_phone": "081234567891",
        "village": f.HOME,
        "address": "Jl. Pantai 3",
        "latitude": -8.205,
        "longitude": 114.37,
        "capacity": 60,
        "usual_stay_minutes": 90,
    }
    return {**values, **changes}


def post(client: Client, url: str, data: dict, method: str = "post"):
    return getattr(client, method)(url, json.dumps(data), content_type="application/json")


def test_the_agency_lists_every_place_paged_and_filtered(db):
    f.place(name="Hotel Ketapang", kind="hotel")
    f.place(name="Warung Sarongan", kind="warung", village=f.AWAY, latitude="-8.55")
    client = client_of(f.agency())
    answer = client.get(PLACES).json()
    assert answer["count"] == 2 and [p["name"] for p in answer["items"]] == ["Hotel Ketapang", "Warung Sarongan"]
    assert client.get(PLACES, {"kind": "warung"}).json()["count"] == 1
    assert client.get(PLACES, {"district": f.AWAY_DISTRICT}).json()["items"][0]["name"] == "Warung Sarongan"
    page = client.get(PLACES, {"limit": 1, "offset": 1}).json()
    assert page["count"] == 2 and [p["name"] for p in page["items"]] == ["Warung Sarongan"]
    assert client.get(PLACES, {"offset": 10**20}).status_code in (200, 422)  # never a 500


def test_area_staff_list_only_their_area(db):
    f.place(name="Hotel Ketapang")
    f.place(name="Warung Sarongan", village=f.AWAY, latitude="-8.55")
    operator = f.user("op.sarongan", Role.VILLAGE_OPERATOR, village=f.AWAY)
    assert [p["name"] for p in client_of(operator).get(PLACES).json()["items"]] == ["Warung Sarongan"]


def test_one_place_with_its_owner_and_photos(db):
    owner = f.owner()
    place = f.place(owner=owner)
    answer = client_of(owner).get(f"{PLACES}/{place.pk}")
    assert answer.status_code == 200
    assert answer.json()["owner_username"] == owner.username and answer.json()["contact_phone"] == "+6281234567890"
    stranger = f.owner("pemilik.lain")
    assert client_of(stranger).get(f"{PLACES}/{place.pk}").status_code == 404


def test_the_agency_registers_a_place_with_an_owner_account(db):
    answer = post(client_of(f.agency()), PLACES, body(owner_username="pak.made"))
    assert answer.status_code == 201
    created = answer.json()
    assert created["place"]["status"] == "applied" and created["place"]["contact_phone"] == "+6281234567891"
    assert get_user_model().objects.get(username="pak.made").check_password(created["one_time_password"])


def test_an_owner_applies_for_another_place_but_makes_no_accounts(db):
    owner = f.owner()
    answer = post(client_of(owner), PLACES, body())
    assert answer.status_code == 201 and answer.json()["place"]["owner_username"] == owner.username
    assert Place.objects.get(name="Rumah Makan Pesisir").owner == owner
    assert post(client_of(owner), PLACES, body(name="Lain", owner_username="x.y")).status_code == 403
    assert not Place.objects.filter(name="Lain").exists()


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"latitude": 40.7, "longitude": -74.0}, "latitude"),
        ({"latitude": "north"}, "latitude"),
        ({"capacity": 0}, "capacity"),
        ({"usual_stay_minutes": 30000}, "usual_stay_minutes"),
        ({"contact_phone": "hello"}, "contact_phone"),
        ({"kind": "casino"}, "kind"),
        ({"village": "9999999999"}, "village"),
    ],
)
def test_bad_input_gets_a_422_naming_the_field_and_writes_nothing(db, changes, field):
    answer = post(client_of(f.agency()), PLACES, body(**changes))
    assert answer.status_code == 422
    assert field in [error["field"] for error in answer.json()["errors"]] and answer.json()["detail"]
    assert not Place.objects.exists()


def test_an_unknown_field_is_refused(db):
    answer = post(client_of(f.agency()), PLACES, body(status="active"))
    assert answer.status_code == 422 and not Place.objects.exists()


def test_a_manager_patches_only_what_is_sent_and_it_is_audited(db):
    owner = f.owner()
    place = f.place(owner=owner, capacity=20)
    answer = post(client_of(owner), f"{PLACES}/{place.pk}", {"capacity": 40}, method="patch")
    assert answer.status_code == 200 and answer.json()["capacity"] == 40 and answer.json()["name"] == place.name
    assert AuditEntry.objects.get(object_type="tourism_place", action="update").changes == {"capacity": [20, 40]}
    bad = post(client_of(owner), f"{PLACES}/{place.pk}", {"longitude": 150}, method="patch")
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "longitude"


def test_area_staff_may_not_patch(db):
    place = f.place()
    camat = f.user("camat.glagah", Role.DISTRICT_STAFF, district=f.HOME_DISTRICT)
    assert post(client_of(camat), f"{PLACES}/{place.pk}", {"capacity": 40}, method="patch").status_code == 403
