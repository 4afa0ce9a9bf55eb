"""The places services: an owner signs up and applies, the agency registers a place for its owner, a manager edits
it and its photos, an owner closes it. Bad input is refused in words, field by field, and leaves nothing written."""

from __future__ import annotations

import io
import os

import pytest
from django.contrib.auth import get_user_model
from PIL import Image

from smartkampung.audit.models import AuditEntry
from smartkampung.core.errors import Refused
from smartkampung.tourism.models import Place, PlacePhoto
from smartkampung.tourism.services import places as services
from smartkampung.tourism.tests import factories as f

pytestmark = pytest.mark.usefixtures("regions")


@pytest.fixture(autouse=True)
def english(settings):
    settings.LANGUAGE_CODE = "en"


def image(kind: str = "JPEG", size: tuple[int, int] = (8, 8)) -> bytes:
    """A real photo's bytes (noise, so a large one does not compress to nothing)."""
    out = io.BytesIO()
    Image.frombytes("RGB", size, os.urandom(size[0] * size[1] * 3)).save(out, kind)
    return out.getvalue()


def place_values(**changes) -> dict:
    values = {
        "kind": "homestay",
        "name": "Homestay Ijen Asri",
        "description": "Dekat Kawah Ijen.",
        "village": f.HOME,
        "address": "Jl. Ijen 5",
        "latitude": "-8.2050",
        "longitude": "114.3700",
        "opening_hours": "24 jam",
        "capacity": "12",
        "usual_stay_minutes": "720",
    }
    return {**values, **changes}


def account_values(**changes) -> dict:
    values = {
        "username": "bu.sri",
        "password": "kopi-osing-2021",
        "password2": "kopi-osing-2021",
        "full_name": "Sri Wahyuni",
        "phone": "0812 3456 7890",
    }
    return {**values, **changes}


def errors_of(exc: pytest.ExceptionInfo) -> dict[str, str]:
    """Each field's messages, as one text."""
    found: dict[str, str] = {}
    for field, message in exc.value.errors:
        found[field] = f"{found.get(field, '')} {message}".strip()
    return found


def test_an_owner_signs_up_and_applies_with_photos(db):
    user, place = services.sign_up_and_apply(
        account=account_values(),
        place=place_values(),
        photos=[services.Upload("a.jpg", image()), services.Upload("b.webp", image("WEBP"))],
    )
    assert user.check_password("kopi-osing-2021") and not user.roles.exists()
    assert place.owner == user and place.status == Place.Status.APPLIED
    assert place.owner_name == "Sri Wahyuni" and place.contact_phone == "+6281234567890"
    assert len(place.code_secret) == 64
    assert sorted(place.photos.values_list("content_type", flat=True)) == ["image/jpeg", "image/webp"]
    assert AuditEntry.objects.filter(object_type="tourism_place", action="create", subject=str(place.pk)).exists()
    assert AuditEntry.objects.filter(object_type="account", action="create", subject="bu.sri").exists()


@pytest.mark.parametrize(
    ("account", "place", "field", "words"),
    [
        ({"password2": "kopi-osing-2022"}, {}, "password2", "The two passwords differ"),
        ({"password": "12345", "password2": "12345"}, {}, "password", "too short"),
        ({"phone": "12"}, {}, "phone", "not a valid Indonesian phone number"),
        ({"username": "bad name!"}, {}, "username", "Enter a valid username"),
        ({}, {"latitude": "51.5", "longitude": "-0.12"}, "latitude", "The location is outside Kabupaten Banyuwangi"),
        ({}, {"latitude": "utara"}, "latitude", "Enter the latitude as a number"),
        ({}, {"capacity": "0"}, "capacity", "from 1 to 100000 visitors"),
        ({}, {"capacity": "100001"}, "capacity", "from 1 to 100000 visitors"),
        ({}, {"usual_stay_minutes": "5"}, "usual_stay_minutes", "from 10 to 20160 minutes"),
        ({}, {"village": "3201010001"}, "village", "Choose a village of the regency"),
        ({}, {"kind": "casino"}, "kind", "Choose a kind of place"),
    ],
)
def test_bad_input_is_refused_by_field_and_nothing_is_written(db, account, place, field, words):
    with pytest.raises(Refused) as refused:
        services.sign_up_and_apply(account=account_values(**account), place=place_values(**place), photos=[])
    assert words in errors_of(refused)[field]
    assert not get_user_model().objects.filter(username="bu.sri").exists()
    assert not Place.objects.exists()


def test_a_taken_username_is_refused_whatever_its_case(db):
    f.user("Bu.Sri")
    with pytest.raises(Refused) as refused:
        services.sign_up_and_apply(account=account_values(), place=place_values(), photos=[])
    assert "This username is taken" in errors_of(refused)["username"]


@pytest.mark.parametrize(
    ("upload", "words"),
    [
        (services.Upload("notes.jpg", b"%PDF-1.4 not a photo"), "is not a JPEG, PNG or WebP photo"),
        (services.Upload("broken.jpg", b"\xff\xd8\xff" + b"\x00" * 50), "is damaged"),
        (services.Upload("empty.png", b""), "is empty"),
    ],
)
def test_a_bad_photo_leaves_no_account_and_no_place(db, upload, words):
    with pytest.raises(Refused) as refused:
        services.sign_up_and_apply(account=account_values(), place=place_values(), photos=[upload])
    assert words in errors_of(refused)["photos"]
    assert not get_user_model().objects.filter(username="bu.sri").exists()
    assert not Place.objects.exists() and not PlacePhoto.objects.exists()


def test_a_photo_over_the_limit_is_refused(db, settings):
    settings.TOURISM_PHOTO_MAX_BYTES = 1000
    big = image("PNG", (300, 300))
    assert len(big) > 1000
    with pytest.raises(Refused) as refused:
        services.sign_up_and_apply(
            account=account_values(), place=place_values(), photos=[services.Upload("x.png", big)]
        )
    assert "larger than" in errors_of(refused)["photos"]


def test_more_than_three_photos_at_application_are_refused(db):
    photos = [services.Upload(f"{n}.jpg", image()) for n in range(4)]
    with pytest.raises(Refused) as refused:
        services.sign_up_and_apply(account=account_values(), place=place_values(), photos=photos)
    assert "At most 3 photos" in errors_of(refused)["photos"]


def test_a_signed_in_owner_applies_for_another_place(db):
    owner = f.owner()
    place = services.apply_for_place(
        by=owner, values=place_values(owner_name="Bu Sri", contact_phone="+62 812-3456-7890"), photos=[]
    )
    assert place.owner == owner and place.registered_by == owner and place.status == "applied"


def test_the_agency_registers_a_place_with_an_account_for_its_owner(db):
    agency = f.agency()
    place, owner, password = services.register_place(
        by=agency,
        values=place_values(owner_name="Pak Made", contact_phone="081234567891"),
        photos=[],
        owner_username="pak.made",
    )
    assert place.status == Place.Status.APPLIED and place.registered_by == agency
    assert owner.username == "pak.made" and owner.check_password(password) and place.owner == owner
    entry = AuditEntry.objects.get(object_type="account", subject="pak.made")
    assert entry.actor == agency and password not in str(entry.changes) + str(entry.detail)


def test_the_agency_registers_a_place_without_an_account(db):
    place, owner, password = services.register_place(
        by=f.agency(), values=place_values(owner_name="Pak Made", contact_phone="081234567891"), photos=[]
    )
    assert place.owner is None and owner is None and password == ""


def test_only_the_agency_registers_for_others(db):
    with pytest.raises(Refused) as refused:
        services.register_place(by=f.owner(), values=place_values(), photos=[])
    assert refused.value.status == 403


def test_an_edit_is_audited_with_old_and_new_values(db):
    place = f.place(capacity=20)
    agency = f.agency()
    services.update_place(place=place, by=agency, changes={"capacity": "35", "name": "Kedai Kopi Osing Baru"})
    place.refresh_from_db()
    assert place.capacity == 35 and place.name == "Kedai Kopi Osing Baru"
    entry = AuditEntry.objects.get(object_type="tourism_place", action="update", subject=str(place.pk))
    assert entry.changes == {"capacity": [20, 35], "name": ["Kedai Kopi Osing", "Kedai Kopi Osing Baru"]}
    assert entry.actor == agency


def test_an_edit_with_a_bad_value_changes_nothing(db):
    place = f.place(capacity=20)
    with pytest.raises(Refused):
        services.update_place(place=place, by=f.agency(), changes={"capacity": "20", "longitude": "200"})
    place.refresh_from_db()
    assert str(place.longitude) == "114.370000"
    assert not AuditEntry.objects.filter(object_type="tourism_place", action="update").exists()


def test_status_and_the_code_secret_are_not_edited(db):
    with pytest.raises(Refused) as refused:
        services.update_place(place=f.place(), by=f.agency(), changes={"status": "active"})
    assert "cannot be changed" in errors_of(refused)["status"]


def test_photos_are_added_up_to_six_and_removed(db):
    place = f.place()
    owner = f.owner()
    services.add_photos(place=place, by=owner, uploads=[services.Upload(f"{n}.png", image("PNG")) for n in range(6)])
    with pytest.raises(Refused) as refused:
        services.add_photos(place=place, by=owner, uploads=[services.Upload("7.png", image("PNG"))])
    assert "At most 6 photos" in errors_of(refused)["photos"]
    services.delete_photo(photo=place.photos.first(), by=owner)
    assert place.photos.count() == 5


def test_an_owner_closes_their_place_once(db):
    owner = f.owner()
    place = f.place(owner=owner)
    services.close_place(place=place, by=owner)
    place.refresh_from_db()
    assert place.status == Place.Status.CLOSED
    with pytest.raises(Refused) as refused:
        services.close_place(place=place, by=owner)
    assert refused.value.status == 409


def test_a_place_stays_in_its_regency_whoever_edits_it(db, settings):
    """Banyuwangi's tourism agency may not move a place into Jember (Jember's agency would then manage it)."""
    from smartkampung.core.errors import Refused
    from smartkampung.regions.models import District, Province, Regency, Village
    from smartkampung.tourism.services.places import update_place
    from smartkampung.tourism.tests.factories import HOME, agency, place

    settings.SMARTKAMPUNG_REGENCIES = ("3510", "3509")
    province, _ = Province.objects.get_or_create(code="35", defaults={"name": "JAWA TIMUR"})
    regency, _ = Regency.objects.get_or_create(code="3509", defaults={"province": province, "name": "KAB. JEMBER"})
    district, _ = District.objects.get_or_create(code="350901", defaults={"regency": regency, "name": "JOMBANG"})
    Village.objects.get_or_create(code="3509012002", defaults={"district": district, "name": "KETING", "kind": "desa"})
    kedai = place()
    with pytest.raises(Refused) as refused:
        update_place(place=kedai, by=agency(), changes={"village": "3509012002"})
    assert refused.value.errors[0][0] == "village"
    kedai.refresh_from_db()
    assert kedai.village_id == HOME
