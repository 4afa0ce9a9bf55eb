"""The door display of a place: its managers see the current QR code (refreshed by htmx before it changes) and
the occupancy, and count people in and out at the door; the same through the staff API, and the current code for
a display device. Counting in never passes capacity; counting out closes the oldest door visits."""

import json

import pytest
from django.test import Client

from smartkampung.audit.models import AuditEntry
from smartkampung.tourism import codes
from smartkampung.tourism.models import Visit
from smartkampung.tourism.selectors import occupancy_of
from smartkampung.tourism.tests import factories as f
from smartkampung.tourism.tests.test_capacity_fixtures import listed_place, scanned

pytestmark = pytest.mark.usefixtures("regions")


@pytest.fixture(autouse=True)
def english(settings):
    settings.LANGUAGE_CODE = "en"


@pytest.fixture
def owner_client(db):
    owner = f.owner()
    client = Client()
    client.force_login(owner)
    return owner, client


def door_api(client, place, direction, party=1):
    body = json.dumps({"direction": direction, "party": party})
    return client.post(f"/api/v1/tourism/places/{place.pk}/door", body, content_type="application/json")


def test_the_door_page_shows_the_current_qr_code_and_the_occupancy(owner_client):
    owner, client = owner_client
    place = listed_place(owner=owner, capacity=40)
    door_api(client, place, "in", 7)

    page = client.get(f"/tourism/places/{place.pk}/door/")

    text = page.content.decode()
    assert page.status_code == 200
    assert "<svg" in text and f"http://testserver/tourism/in/{place.pk}/{scanned(place)}/" in text
    assert "7 of 40 inside" in text
    assert 'hx-trigger="every 30s"' in text  # well before the 300 s window ends
    assert "+1 in" in text and "−1 out" in text


def test_the_panel_alone_is_answered_to_htmx_and_polls_faster_when_codes_rotate_faster(owner_client, settings):
    settings.TOURISM_CODE_ROTATION_SECONDS = 60
    owner, client = owner_client
    place = listed_place(owner=owner)

    panel = client.get(f"/tourism/places/{place.pk}/door/", headers={"HX-Request": "true"})

    text = panel.content.decode()
    assert text.lstrip().startswith('<div id="door-panel"') or 'id="door-panel"' in text[:400]
    assert "<html" not in text and 'hx-trigger="every 6s"' in text


def test_counting_in_and_out_at_the_door_on_the_page(owner_client):
    owner, client = owner_client
    place = listed_place(owner=owner, capacity=10)
    url = f"/tourism/places/{place.pk}/door/count/"

    client.post(url, {"direction": "in", "party": "3"})
    answer = client.post(url, {"direction": "in", "party": "1"}, headers={"HX-Request": "true"})
    assert "4 of 10 inside" in answer.content.decode() and "1 in." in answer.content.decode()
    client.post(url, {"direction": "out", "party": "2"})

    assert occupancy_of(place) == 2
    assert Visit.objects.filter(channel="door").count() == 2
    first, second = Visit.objects.filter(channel="door").order_by("checked_in_at", "pk")
    # The oldest door visit (3 people) was made smaller by 2: one person of it and the later one still inside.
    assert (first.party, first.checked_out_at, second.checked_out_at) == (1, None, None)
    entries = AuditEntry.objects.filter(object_type="tourism_visit")
    assert entries.count() == 3 and {e.actor_id for e in entries} == {owner.pk}


def test_the_door_refuses_more_than_capacity_with_words(owner_client):
    owner, client = owner_client
    place = listed_place(owner=owner, name="Homestay Osing", capacity=5)
    assert door_api(client, place, "in", 5).status_code == 200

    answer = door_api(client, place, "in", 1)
    page = client.post(f"/tourism/places/{place.pk}/door/count/", {"direction": "in"}, headers={"HX-Request": "true"})

    assert answer.status_code == 409 and answer.json()["code"] == "full"
    assert "Homestay Osing is full right now (5 of 5 inside)" in answer.json()["detail"]
    assert "Homestay Osing is full right now" in page.content.decode()
    assert occupancy_of(place) == 5


def test_scanned_and_door_visits_share_the_capacity(owner_client):
    owner, client = owner_client
    place = listed_place(owner=owner, capacity=3)
    body = json.dumps({"place_id": place.pk, "code": scanned(place), "party": 2})
    assert Client().post("/api/v1/public/tourism/checkins", body, content_type="application/json").status_code == 201

    assert door_api(client, place, "in", 2).status_code == 409
    assert door_api(client, place, "in", 1).json() == {"direction": "in", "people": 1, "occupancy": 3, "capacity": 3}


def test_counting_out_more_than_counted_in_at_the_door_is_refused(owner_client):
    owner, client = owner_client
    place = listed_place(owner=owner)
    door_api(client, place, "in", 2)

    answer = door_api(client, place, "out", 3)

    assert answer.status_code == 409
    assert answer.json()["detail"] == "Only 2 people counted in at the door are inside."
    assert occupancy_of(place) == 2
    assert door_api(client, place, "out", 2).json()["occupancy"] == 0


@pytest.mark.parametrize("body", [{"direction": "sideways", "party": 1}, {"direction": "in", "party": 0},
                                  {"direction": "in", "party": 51}, {"direction": "in", "party": "many"}])  # fmt: skip
def test_bad_door_counts_are_refused_in_words(owner_client, body):
    owner, client = owner_client
    place = listed_place(owner=owner)

    answer = client.post(f"/api/v1/tourism/places/{place.pk}/door", json.dumps(body), content_type="application/json")

    assert answer.status_code == 422
    assert answer.json()["detail"]
    assert not Visit.objects.exists()


def test_the_door_counts_even_without_a_certificate(owner_client):
    """Staff count what happens at their door; only scanning needs a listed place."""
    owner, client = owner_client
    place = f.place(owner=owner)

    assert door_api(client, place, "in").status_code == 200


def test_the_code_api_gives_the_current_code_and_its_url(owner_client):
    owner, client = owner_client
    place = listed_place(owner=owner)

    body = client.get(f"/api/v1/tourism/places/{place.pk}/code").json()

    assert body["code"] == scanned(place)
    assert body["url"] == f"http://testserver/tourism/in/{place.pk}/{body['code']}/"
    assert body["rotation_seconds"] == codes.rotation_seconds() == 300
    assert codes.check(place, body["code"]).ok


def test_another_owners_place_is_not_found(owner_client):
    _owner, client = owner_client
    place = listed_place(owner=f.owner("pemilik.lain"))

    assert client.get(f"/tourism/places/{place.pk}/door/").status_code == 404
    assert door_api(client, place, "in").status_code == 404
    assert client.get(f"/api/v1/tourism/places/{place.pk}/code").status_code == 404
    assert not Visit.objects.exists()


def test_the_capacity_pages_carry_no_inline_code(owner_client):
    """The site's policy blocks inline scripts and styles: the QR code is an SVG of attributes only."""
    from smartkampung.core.tests.test_csp import inline_code

    owner, client = owner_client
    place = listed_place(owner=owner)
    checkin = client.post(f"/tourism/in/{place.pk}/{scanned(place)}/", {"party": "1"})
    pages = [
        f"/tourism/places/{place.pk}/door/",
        f"/tourism/in/{place.pk}/{scanned(place)}/",
        checkin["Location"],
    ]

    for url in pages:
        page = client.get(url)
        assert page.status_code == 200, url
        assert inline_code(page.content.decode()) == [], url
