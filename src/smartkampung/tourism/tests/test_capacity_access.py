"""Who gets which answer from the capacity part: checking in and out and a listed place's occupancy are open to
everyone, signed in or not; the door display, counting at the door and the current check-in code belong to the
place's managers (MANAGERS): other signed-in actors do not find the place (404), an anonymous visitor is sent to
sign in (pages) or gets 401 (API)."""

import json

import pytest
from django.urls import reverse

from smartkampung.conftest import built_once
from smartkampung.tourism.models import Visit
from smartkampung.tourism.tests import world
from smartkampung.tourism.tests.test_capacity_fixtures import certify, scanned

COVERED = {
    "pages": ["tourism:door", "tourism:door_count", "tourism:checkin", "tourism:checkout"],
    "api": [
        "POST /api/v1/public/tourism/checkins",
        "POST /api/v1/public/tourism/checkouts",
        "GET /api/v1/public/tourism/places/{place_id}/occupancy",
        "POST /api/v1/tourism/places/{place_id}/door",
        "GET /api/v1/tourism/places/{place_id}/code",
    ],
}


def build() -> dict:
    built = world.build()
    certify(built["places"]["home"])  # HOME_PLACE takes check-ins; AWAY_PLACE is not certified
    return built


@pytest.fixture(scope="module")
def the_world(django_db_blocker):
    with built_once(django_db_blocker, build) as built:
        yield built


@pytest.fixture
def home(the_world):
    return the_world["places"]["home"]


@pytest.mark.parametrize("actor", world.ACTORS)
def test_only_managers_open_the_door_display(db, the_world, home, actor):
    answer = world.client_for(the_world, actor).get(reverse("tourism:door", kwargs={"place_id": home.pk}))

    if actor in world.MANAGERS:
        assert answer.status_code == 200
        assert scanned(home) in answer.content.decode()
    elif actor == "anonymous":
        assert answer.status_code == 302 and "/login" in answer["Location"]
    else:
        assert answer.status_code == 404


@pytest.mark.parametrize("actor", world.ACTORS)
def test_only_managers_count_at_the_door(db, the_world, home, actor):
    url = reverse("tourism:door_count", kwargs={"place_id": home.pk})

    answer = world.client_for(the_world, actor).post(url, {"direction": "in", "party": "2"})

    if actor in world.MANAGERS:
        assert answer.status_code == 302 and answer["Location"].endswith(f"/tourism/places/{home.pk}/door/")
        assert Visit.objects.filter(place=home, channel="door").count() == 1
        return
    if actor == "anonymous":
        assert answer.status_code == 302 and "/login" in answer["Location"]
    else:
        assert answer.status_code == 404
    assert not Visit.objects.exists()


@pytest.mark.parametrize("actor", world.ACTORS)
def test_only_managers_count_at_the_door_through_the_api(db, the_world, home, actor):
    body = json.dumps({"direction": "in", "party": 1})

    answer = world.client_for(the_world, actor).post(
        f"/api/v1/tourism/places/{home.pk}/door", body, content_type="application/json"
    )

    expected = 200 if actor in world.MANAGERS else 401 if actor == "anonymous" else 404
    assert answer.status_code == expected
    assert Visit.objects.exists() is (expected == 200)


@pytest.mark.parametrize("actor", world.ACTORS)
def test_only_managers_read_the_current_code(db, the_world, home, actor):
    answer = world.client_for(the_world, actor).get(f"/api/v1/tourism/places/{home.pk}/code")

    expected = 200 if actor in world.MANAGERS else 401 if actor == "anonymous" else 404
    assert answer.status_code == expected
    if expected == 200:
        assert answer.json()["code"] == scanned(home)
    else:
        assert "code" not in answer.json()


@pytest.mark.parametrize("actor", world.ACTORS)
def test_everyone_checks_in_and_out_on_the_pages(db, the_world, home, actor):
    client = world.client_for(the_world, actor)
    url = reverse("tourism:checkin", kwargs={"place_id": home.pk, "code": scanned(home)})

    assert client.get(url).status_code == 200
    answer = client.post(url, {"party": "1"})
    assert answer.status_code == 302
    token = Visit.objects.get(place=home).token
    assert answer["Location"] == reverse("tourism:checkout", kwargs={"token": token})
    assert client.get(answer["Location"]).status_code == 200
    assert client.post(answer["Location"]).status_code == 200
    assert Visit.objects.get(place=home).checked_out_at is not None


@pytest.mark.parametrize("actor", world.ACTORS)
def test_everyone_checks_in_and_out_and_reads_occupancy_through_the_public_api(db, the_world, home, actor):
    client = world.client_for(the_world, actor)
    body = json.dumps({"place_id": home.pk, "code": scanned(home), "party": 2})

    checked_in = client.post("/api/v1/public/tourism/checkins", body, content_type="application/json")
    occupancy = client.get(f"/api/v1/public/tourism/places/{home.pk}/occupancy")
    out = client.post(
        "/api/v1/public/tourism/checkouts", json.dumps({"token": checked_in.json()["token"]}), "application/json"
    )

    assert (checked_in.status_code, occupancy.status_code, out.status_code) == (201, 200, 200)
    assert occupancy.json()["occupancy"] == 2


@pytest.mark.parametrize("actor", world.ACTORS)
def test_nobody_checks_in_at_or_reads_the_occupancy_of_a_place_not_listed(db, the_world, actor):
    client = world.client_for(the_world, actor)
    away = the_world["places"]["away"]
    body = json.dumps({"place_id": away.pk, "code": scanned(away), "party": 1})

    assert client.post("/api/v1/public/tourism/checkins", body, content_type="application/json").status_code == 409
    assert client.get(f"/api/v1/public/tourism/places/{away.pk}/occupancy").status_code == 404
    assert not Visit.objects.exists()
