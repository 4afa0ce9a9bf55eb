"""Who gets which answer from the public part of tourism: the tourists' listing, place page, occupancy fragment
and public API are open to everyone, signed in or not; the agency's dashboard is the agency's (and the
administrator's) alone: the others get 403, an anonymous visitor the sign-in page."""

import pytest
from django.urls import reverse

from smartkampung.conftest import built_once
from smartkampung.tourism.tests import world
from smartkampung.tourism.tests.factories_public import certify

COVERED = {
    "pages": ["tourism:explore", "tourism:explore_place", "tourism:explore_occupancy", "tourism:dashboard"],
    "api": ["GET /api/v1/public/tourism/places", "GET /api/v1/public/tourism/places/{place_id}"],
}


def build() -> dict:
    built = world.build()
    certify(built["places"]["home"])  # HOME_PLACE is publicly listed; AWAY_PLACE is not certified
    return built


@pytest.fixture(scope="module")
def the_world(django_db_blocker):
    with built_once(django_db_blocker, build) as built:
        yield built


def public_urls(place_id: int) -> list[str]:
    return [
        reverse("tourism:explore"),
        reverse("tourism:explore_place", kwargs={"place_id": place_id}),
        reverse("tourism:explore_occupancy", kwargs={"place_id": place_id}),
        "/api/v1/public/tourism/places?has_room=true",
        f"/api/v1/public/tourism/places/{place_id}",
    ]


@pytest.mark.parametrize("actor", world.ACTORS)
def test_every_actor_sees_the_public_pages_and_api_of_a_listed_place(db, the_world, actor):
    client = world.client_for(the_world, actor)
    for url in public_urls(the_world["places"]["home"].pk):
        assert client.get(url).status_code == 200, url


@pytest.mark.parametrize("actor", world.ACTORS)
def test_nobody_finds_a_place_that_is_not_listed_through_the_public_pages(db, the_world, actor):
    client = world.client_for(the_world, actor)
    explore, place_page, occupancy, _listing, api_place = public_urls(the_world["places"]["away"].pk)
    for url in (place_page, occupancy, api_place):
        assert client.get(url).status_code == 404, url


@pytest.mark.parametrize("actor", world.ACTORS)
def test_only_the_agency_opens_the_dashboard(db, the_world, actor):
    answer = world.client_for(the_world, actor).get(reverse("tourism:dashboard"))
    if actor in world.AGENCY:
        assert answer.status_code == 200
    elif actor == "anonymous":
        assert answer.status_code == 302 and answer["Location"].startswith(reverse("accounts:login"))
    else:
        assert answer.status_code == 403
