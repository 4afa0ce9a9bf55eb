"""Who gets which answer from the places part, for every actor of tests/world.py, about HOME_PLACE (owned by
owner_in, in HOME): readers (the agency, the administrator, its owner, HOME's operator and camat) read it; managers
(the agency, the administrator, its owner) change it; the other signed-in actors get 404 (its existence is not
revealed), area readers who do not manage get 403 for the changes; an anonymous visitor is sent to sign in (pages)
or gets 401 (API). The start page is for whoever has tourism in scope; the application form is public."""

import json

import pytest
from django.urls import reverse

from smartkampung.conftest import built_once
from smartkampung.tourism.models import Place, PlacePhoto
from smartkampung.tourism.tests import world

COVERED = {
    "pages": [
        "tourism:home",
        "tourism:apply",
        "tourism:place_new",
        "tourism:place_detail",
        "tourism:place_edit",
        "tourism:place_close",
        "tourism:photo_add",
        "tourism:photo",
        "tourism:photo_delete",
    ],
    "api": [
        "GET /api/v1/tourism/places",
        "GET /api/v1/tourism/places/{place_id}",
        "POST /api/v1/tourism/places",
        "PATCH /api/v1/tourism/places/{place_id}",
    ],
}
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010802000000907753de0000000c4944415408d763f8cfc0000003010100"
    "c9fe92ef0000000049454e44ae426082"
)
SIGNED_IN = [actor for actor in world.ACTORS if actor != "anonymous"]
# Who has tourism in scope at all: the readers of HOME_PLACE, AWAY_PLACE's owner and its area's staff.
SEES_TOURISM = world.READERS | {"owner_out", "operator_out", "camat_out"}


def build() -> dict:
    built = world.build()
    built["photo"] = PlacePhoto.objects.create(
        place=built["places"]["home"], content_type="image/png", size=len(PNG), sha256="-", data=PNG
    )
    return built


@pytest.fixture(scope="module")
def the_world(django_db_blocker):
    with built_once(django_db_blocker, build) as built:
        yield built


def expected(actor: str, *, managers_only: bool) -> int:
    """The answer about HOME_PLACE: 200 to those allowed, 403 to its readers who may not, else 404."""
    allowed = world.MANAGERS if managers_only else world.READERS
    if actor in allowed:
        return 200
    return 403 if actor in world.READERS else 404


def signed_in_to_login(answer) -> bool:
    return answer.status_code == 302 and answer["Location"].startswith(reverse("accounts:login"))


@pytest.mark.parametrize("actor", world.ACTORS)
def test_the_start_page(db, the_world, actor):
    answer = world.client_for(the_world, actor).get(reverse("tourism:home"))
    if actor == "anonymous":
        assert signed_in_to_login(answer)
    else:
        assert answer.status_code == (200 if actor in SEES_TOURISM else 403)


@pytest.mark.parametrize("actor", world.ACTORS)
def test_the_application_form_is_public_and_sends_the_signed_in_to_places_new(db, the_world, actor):
    answer = world.client_for(the_world, actor).get(reverse("tourism:apply"))
    if actor == "anonymous":
        assert answer.status_code == 200
    else:
        assert answer.status_code == 302 and answer["Location"] == reverse("tourism:place_new")


@pytest.mark.parametrize("actor", world.ACTORS)
def test_places_new_is_for_everyone_signed_in(db, the_world, actor):
    answer = world.client_for(the_world, actor).get(reverse("tourism:place_new"))
    if actor == "anonymous":
        assert signed_in_to_login(answer)
    else:
        assert answer.status_code == 200
        assert ("owner_username" in answer.context["form"].fields) == (actor in world.AGENCY)


@pytest.mark.parametrize("actor", world.ACTORS)
def test_the_place_page_and_its_edit_form(db, the_world, actor):
    client = world.client_for(the_world, actor)
    place_id = the_world["places"]["home"].pk
    detail = client.get(reverse("tourism:place_detail", args=[place_id]))
    edit = client.get(reverse("tourism:place_edit", args=[place_id]))
    if actor == "anonymous":
        assert signed_in_to_login(detail) and signed_in_to_login(edit)
    else:
        assert detail.status_code == expected(actor, managers_only=False)
        assert edit.status_code == expected(actor, managers_only=True)


@pytest.mark.parametrize("actor", world.ACTORS)
def test_closing_adding_and_removing_photos(db, the_world, actor):
    client = world.client_for(the_world, actor)
    place = the_world["places"]["home"]
    photo = the_world["photo"]
    answers = [
        client.post(reverse("tourism:photo_add", args=[place.pk]), {"photos": []}),
        client.post(reverse("tourism:photo_delete", args=[photo.pk])),
        client.post(reverse("tourism:place_close", args=[place.pk])),
    ]
    place.refresh_from_db()
    if actor == "anonymous":
        assert all(signed_in_to_login(answer) for answer in answers)
    elif actor in world.MANAGERS:
        assert all(answer.status_code == 302 for answer in answers)
        assert place.status == Place.Status.CLOSED and not PlacePhoto.objects.filter(pk=photo.pk).exists()
    else:
        assert [answer.status_code for answer in answers] == [expected(actor, managers_only=True)] * 3
        assert place.status == Place.Status.ACTIVE and PlacePhoto.objects.filter(pk=photo.pk).exists()


@pytest.mark.parametrize("actor", world.ACTORS)
def test_a_photo_of_a_place_not_listed_is_for_its_readers_only(db, the_world, actor):
    answer = world.client_for(the_world, actor).get(reverse("tourism:photo", args=[the_world["photo"].pk]))
    assert answer.status_code == (200 if actor in world.READERS else 404)


@pytest.mark.parametrize("actor", world.ACTORS)
def test_the_api(db, the_world, actor):
    client = world.client_for(the_world, actor)
    place_id = the_world["places"]["home"].pk
    listed = client.get("/api/v1/tourism/places")
    one = client.get(f"/api/v1/tourism/places/{place_id}")
    patched = client.patch(
        f"/api/v1/tourism/places/{place_id}", json.dumps({"capacity": 21}), content_type="application/json"
    )
    body = {
        "kind": "cafe", "name": f"Kafe {actor}", "owner_name": "Bu Ani", "contact_phone": "081234567892",
        "village": "3510151002", "address": "Jl. 1", "latitude": -8.2, "longitude": 114.37, "capacity": 10,
    }  # fmt: skip
    created = client.post("/api/v1/tourism/places", json.dumps(body), content_type="application/json")
    if actor == "anonymous":
        assert [a.status_code for a in (listed, one, patched, created)] == [401] * 4
        return
    names = {item["name"] for item in listed.json()["items"]}
    assert listed.status_code == 200 and ("Homestay Bakungan" in names) == (actor in world.READERS)
    assert one.status_code == expected(actor, managers_only=False)
    assert patched.status_code == expected(actor, managers_only=True)
    assert created.status_code == 201 and Place.objects.filter(name=f"Kafe {actor}", status="applied").exists()
