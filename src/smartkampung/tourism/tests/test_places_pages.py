"""The places pages through HTTP: an owner signs up and applies from a phone (rate-limited per address), the agency
registers a place for its owner and sees the one-time password once, the start page shows each reader what is
theirs, a manager edits and closes a place, and photos are served with their type only to those who may see them."""

from __future__ import annotations

import io
import os

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from PIL import Image

from smartkampung.accounts.models import Role
from smartkampung.audit.models import AuditEntry
from smartkampung.tourism.models import Certificate, Decision, Inspection, Place, PlacePhoto
from smartkampung.tourism.tests import factories as f

pytestmark = pytest.mark.usefixtures("regions")


@pytest.fixture(autouse=True)
def english(settings):
    settings.LANGUAGE_CODE = "en"


def image(kind: str = "JPEG") -> bytes:
    out = io.BytesIO()
    Image.frombytes("RGB", (8, 8), os.urandom(8 * 8 * 3)).save(out, kind)
    return out.getvalue()


def application(**changes) -> dict:
    form = {
        "full_name": "Sri Wahyuni",
        "phone": "0812-3456-7890",
        "username": "bu.sri",
        "password": "kopi-osing-2021",
        "password2": "kopi-osing-2021",
        "kind": "cafe",
        "name": "Kedai Kopi Sri",
        "description": "",
        "village": f.HOME,
        "address": "Jl. Kopi 2",
        "latitude": "-8.2050",
        "longitude": "114.3700",
        "opening_hours": "08.00-22.00",
        "capacity": "30",
        "usual_stay_minutes": "90",
    }
    return {**form, **changes}


def certify(place: Place) -> Certificate:
    inspection = Inspection.objects.create(
        place=place, status="done", due_on="2026-01-01", decision=Decision.CERTIFIED, finished_at="2026-01-02T00:00Z"
    )
    return Certificate.objects.create(
        place=place, inspection=inspection, number=f"T/{place.pk}", code=f"c{place.pk}", valid_until="2099-12-31"
    )


def test_an_owner_applies_from_the_public_form_and_is_signed_in(db):
    client = Client()
    assert client.get(reverse("tourism:apply")).status_code == 200
    photo = SimpleUploadedFile("depan.jpg", image(), content_type="image/jpeg")
    answer = client.post(reverse("tourism:apply"), {**application(), "photos": [photo]})
    assert answer.status_code == 201
    assert b"Application received" in answer.content
    place = Place.objects.get(name="Kedai Kopi Sri")
    assert place.owner.username == "bu.sri" and place.status == "applied" and place.photos.count() == 1
    # Signed in as the new owner: their start page lists the place with its next step.
    home = client.get(reverse("tourism:home"))
    assert home.status_code == 200 and b"Kedai Kopi Sri" in home.content and b"inspects your place" in home.content


def test_a_wrong_password_confirmation_is_shown_by_the_field_and_nothing_is_written(db):
    answer = Client().post(reverse("tourism:apply"), application(password2="another-one-2021"))
    assert answer.status_code == 422
    assert b'data-error-for="password2"' in answer.content and b"The two passwords differ" in answer.content
    assert not get_user_model().objects.filter(username="bu.sri").exists()


def test_a_file_that_is_not_a_photo_is_refused_and_leaves_no_account(db):
    fake = SimpleUploadedFile("foto.jpg", b"MZ\x90\x00 an executable", content_type="image/jpeg")
    answer = Client().post(reverse("tourism:apply"), {**application(), "photos": [fake]})
    assert answer.status_code == 422 and b'data-error-for="photos"' in answer.content
    assert not get_user_model().objects.filter(username="bu.sri").exists() and not Place.objects.exists()


def test_coordinates_outside_the_regency_are_refused_in_words(db):
    answer = Client().post(reverse("tourism:apply"), application(latitude="-6.2", longitude="106.8"))
    assert answer.status_code == 422 and b"The location is outside Kabupaten Banyuwangi" in answer.content


def test_a_duplicate_username_is_refused(db):
    f.user("bu.sri")
    answer = Client().post(reverse("tourism:apply"), application())
    assert answer.status_code == 422 and b"This username is taken" in answer.content


def test_applications_are_limited_per_address(db, settings):
    settings.TOURISM_APPLICATIONS_PER_DAY = 2
    for n in range(2):
        answer = Client().post(reverse("tourism:apply"), application(username=f"owner{n}", name=f"Warung {n}"))
        assert answer.status_code == 201
    answer = Client().post(reverse("tourism:apply"), application(username="owner3"))
    assert answer.status_code == 429 and answer["Retry-After"]
    assert not get_user_model().objects.filter(username="owner3").exists()


def test_a_body_larger_than_three_photos_is_refused_before_it_is_read(db, settings):
    settings.TOURISM_PHOTO_MAX_BYTES = 1000
    big = SimpleUploadedFile("big.jpg", b"\xff\xd8\xff" + b"\x00" * 400_000, content_type="image/jpeg")
    answer = Client().post(reverse("tourism:apply"), {**application(), "photos": [big]})
    assert answer.status_code == 413 and not Place.objects.exists()


def test_a_signed_in_owner_applies_for_another_place(db):
    owner = f.owner()
    f.place(owner=owner)
    client = Client()
    client.force_login(owner)
    assert client.get(reverse("tourism:apply")).status_code == 302
    form = client.get(reverse("tourism:place_new"))
    assert b'value="+6281234567890"' in form.content  # the contact of their earlier place
    fields = {
        k: v for k, v in application().items() if k not in {"username", "password", "password2", "full_name", "phone"}
    }
    answer = client.post(
        reverse("tourism:place_new"), {**fields, "owner_name": "Bu Sri", "contact_phone": "081234567890"}
    )
    place = Place.objects.get(name="Kedai Kopi Sri")
    assert answer.status_code == 302 and answer["Location"] == reverse("tourism:place_detail", args=[place.pk])
    assert place.owner == owner


def test_the_agency_registers_a_place_and_sees_the_owners_password_once(db):
    client = Client()
    client.force_login(f.agency())
    fields = {
        k: v for k, v in application().items() if k not in {"username", "password", "password2", "full_name", "phone"}
    }
    answer = client.post(
        reverse("tourism:place_new"),
        {**fields, "owner_name": "Pak Made", "contact_phone": "081234567891", "owner_username": "pak.made"},
    )
    assert answer.status_code == 201 and answer["Cache-Control"] == "no-store"
    password = answer.context["password"]
    assert password and password.encode() in answer.content
    assert get_user_model().objects.get(username="pak.made").check_password(password)
    place = Place.objects.get(name="Kedai Kopi Sri")
    assert place.status == "applied" and place.owner.username == "pak.made"
    assert password.encode() not in client.get(reverse("tourism:place_detail", args=[place.pk])).content


def test_the_agency_searches_and_filters_the_places(db):
    client = Client()
    client.force_login(f.agency())
    f.place(name="Hotel Ketapang", kind="hotel")
    f.place(name="Warung Sarongan", kind="warung", village=f.AWAY, latitude="-8.55")
    page = client.get(reverse("tourism:home"), {"kind": "warung"})
    assert b"Warung Sarongan" in page.content and b"Hotel Ketapang" not in page.content
    page = client.get(reverse("tourism:home"), {"district": f.HOME_DISTRICT, "q": "ketap"})
    assert b"Hotel Ketapang" in page.content and b"Warung Sarongan" not in page.content
    # A made-up filter is ignored, never an error page.
    assert client.get(reverse("tourism:home"), {"status": "nonsense", "page": "x"}).status_code == 200


def test_the_agency_list_is_paged(db):
    client = Client()
    client.force_login(f.agency())
    for n in range(30):
        f.place(name=f"Warung {n:02}")
    first = client.get(reverse("tourism:home"))
    assert b"Warung 00" in first.content and b"Warung 29" not in first.content and b'rel="next"' in first.content
    second = client.get(reverse("tourism:home"), {"page": "2"})
    assert b"Warung 29" in second.content


def test_area_staff_see_the_places_of_their_area_read_only(db):
    camat = f.user("camat.glagah", Role.DISTRICT_STAFF, district=f.HOME_DISTRICT)
    home = f.place(name="Kedai Glagah")
    f.place(name="Warung Sarongan", village=f.AWAY, latitude="-8.55")
    client = Client()
    client.force_login(camat)
    page = client.get(reverse("tourism:home"))
    assert b"Kedai Glagah" in page.content and b"Warung Sarongan" not in page.content
    detail = client.get(reverse("tourism:place_detail", args=[home.pk]))
    assert (
        detail.status_code == 200 and b"+6281234567890" in detail.content and b'id="edit-place"' not in detail.content
    )
    assert client.get(reverse("tourism:place_edit", args=[home.pk])).status_code == 403
    assert AuditEntry.objects.filter(object_type="tourism_place", action="view", actor=camat).exists()


def test_a_manager_edits_a_place_and_the_change_is_audited(db):
    owner = f.owner()
    place = f.place(owner=owner, capacity=20)
    client = Client()
    client.force_login(owner)
    form = client.get(reverse("tourism:place_edit", args=[place.pk])).context["form"]
    values = {name: form.initial.get(name, "") for name in form.fields}
    answer = client.post(reverse("tourism:place_edit", args=[place.pk]), {**values, "capacity": "25"})
    assert answer.status_code == 302
    place.refresh_from_db()
    assert place.capacity == 25
    entry = AuditEntry.objects.get(object_type="tourism_place", action="update")
    assert entry.changes == {"capacity": [20, 25]}
    bad = client.post(reverse("tourism:place_edit", args=[place.pk]), {**values, "capacity": "0"})
    assert bad.status_code == 422 and b'data-error-for="capacity"' in bad.content


def test_an_owner_adds_removes_photos_and_closes_their_place(db):
    owner = f.owner()
    place = f.place(owner=owner)
    client = Client()
    client.force_login(owner)
    photo = SimpleUploadedFile("a.png", image("PNG"), content_type="image/png")
    client.post(reverse("tourism:photo_add", args=[place.pk]), {"photos": [photo]})
    added = place.photos.get()
    assert added.content_type == "image/png"
    client.post(reverse("tourism:photo_delete", args=[added.pk]))
    assert not place.photos.exists()
    client.post(reverse("tourism:place_close", args=[place.pk]))
    place.refresh_from_db()
    assert place.status == "closed"


def test_a_photo_is_public_only_while_its_place_is_listed(db):
    owner = f.owner()
    place = f.place(owner=owner, status="active")
    photo = PlacePhoto.objects.create(place=place, content_type="image/png", size=10, sha256="x", data=image("PNG"))
    url = reverse("tourism:photo", args=[photo.pk])
    assert Client().get(url).status_code == 404  # not certified: not listed
    signed_in = Client()
    signed_in.force_login(owner)
    answer = signed_in.get(url)
    assert answer.status_code == 200 and answer["Content-Type"] == "image/png"
    assert answer["X-Content-Type-Options"] == "nosniff" and "private" in answer["Cache-Control"]
    certify(place)
    detail = signed_in.get(reverse("tourism:place_detail", args=[place.pk]))
    assert reverse("tourism:explore_place", args=[place.pk]).encode() in detail.content  # its public page
    answer = Client().get(url)
    assert answer.status_code == 200 and answer.content == bytes(photo.data)
    Place.objects.filter(pk=place.pk).update(status="closed")
    assert Client().get(url).status_code == 404


def test_the_application_form_groups_villages_by_kecamatan_and_offers_the_location_button(db):
    page = Client().get(reverse("tourism:apply")).content.decode()
    assert '<optgroup label="GLAGAH">' in page.upper() or '<optgroup label="Glagah">' in page
    assert f'value="{f.HOME}"' in page and "tourism/places_locate" in page and 'id="use-my-location"' in page


def test_the_agency_start_page_links_the_parts_that_are_installed(db):
    client = Client()
    client.force_login(f.agency())
    page = client.get(reverse("tourism:home"))
    assert reverse("tourism:place_new").encode() in page.content
    assert b'id="agency-links"' in page.content and reverse("tourism:dashboard").encode() in page.content
