"""Review probes (security/robustness). Tests marked xfail(strict=True) demonstrate a defect and flip once fixed;
the others guard properties that held under attack."""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import warnings

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from smartkampung.tourism import codes
from smartkampung.tourism.models import Certificate, Inspection, Place, PlacePhoto, Visit
from smartkampung.tourism.services import capacity
from smartkampung.tourism.services import certification as certification
from smartkampung.tourism.services import places as place_services
from smartkampung.tourism.tests import factories as f
from smartkampung.tourism.tests import factories_public as fp
from smartkampung.tourism.tests import world as w

pytestmark = pytest.mark.usefixtures("regions")


@pytest.fixture(autouse=True)
def english(settings):
    settings.LANGUAGE_CODE = "en"


@pytest.fixture
def world(db):
    return w.build()


def _png(size: tuple[int, int]) -> bytes:
    out = io.BytesIO()
    Image.new("1", size).save(out, "PNG", optimize=True)
    return out.getvalue()


def _photo(place: Place) -> PlacePhoto:
    data = _png((4, 4))
    return PlacePhoto.objects.create(place=place, content_type="image/png", size=len(data), sha256="x", data=data)


# ---------------------------------------------------------------- other owners' and other areas' data


@pytest.mark.parametrize(
    "name,method",
    [
        ("tourism:place_detail", "get"),
        ("tourism:place_edit", "get"),
        ("tourism:place_edit", "post"),
        ("tourism:place_close", "post"),
        ("tourism:photo_add", "post"),
        ("tourism:door", "get"),
        ("tourism:door_count", "post"),
        ("tourism:place_violations", "get"),
    ],
)
def test_an_owner_gets_nothing_of_another_owners_place(world, name, method):
    away = world["places"]["away"]
    client = w.client_for(world, "owner_in")
    answer = getattr(client, method)(reverse(name, kwargs={"place_id": away.pk}), {"direction": "in", "party": "1"})
    assert answer.status_code in (403, 404)
    away.refresh_from_db()
    assert away.status == Place.Status.ACTIVE
    assert not Visit.objects.filter(place=away).exists()


def test_an_owner_gets_no_code_or_door_of_another_place_through_the_api(world):
    away = world["places"]["away"]
    client = w.client_for(world, "owner_in")
    assert client.get(f"/api/v1/tourism/places/{away.pk}/code").status_code == 404
    answer = client.post(
        f"/api/v1/tourism/places/{away.pk}/door", {"direction": "in", "party": 1}, content_type="application/json"
    )
    assert answer.status_code == 404
    assert client.get(f"/api/v1/tourism/places/{away.pk}").status_code == 404
    answer = client.patch(f"/api/v1/tourism/places/{away.pk}", {"name": "X"}, content_type="application/json")
    assert answer.status_code == 404


def test_another_areas_staff_read_no_owner_contacts(world):
    home = world["places"]["home"]
    for actor in ("operator_out", "camat_out", "health_agency"):
        client = w.client_for(world, actor)
        page = client.get(reverse("tourism:place_detail", kwargs={"place_id": home.pk}))
        assert page.status_code in (403, 404), actor
        assert client.get(f"/api/v1/tourism/places/{home.pk}").status_code in (403, 404), actor


def test_a_photo_of_another_owners_unlisted_place_is_not_served(world):
    photo = _photo(world["places"]["away"])  # active, but no certificate: not listed
    for actor in ("owner_in", "anonymous", "operator_in", "camat_in"):
        answer = w.client_for(world, actor).get(reverse("tourism:photo", kwargs={"photo_id": photo.pk}))
        assert answer.status_code == 404, actor


def test_a_listed_places_photo_is_served_with_its_type_and_nosniff(world):
    place = world["places"]["away"]
    fp.certify(place)
    photo = _photo(place)
    answer = Client().get(reverse("tourism:photo", kwargs={"photo_id": photo.pk}))
    assert answer.status_code == 200
    assert answer["Content-Type"] == "image/png"
    assert answer["X-Content-Type-Options"] == "nosniff"


def test_public_pages_and_api_leak_no_owner_contacts(world):
    place = world["places"]["home"]
    place.contact_email = "sri.secret@example.com"
    place.owner_name = "Ibu Rahasia"
    place.save()
    fp.certify(place)
    anon = Client()
    bodies = [
        anon.get(reverse("tourism:explore")).content,
        anon.get(reverse("tourism:explore_place", kwargs={"place_id": place.pk})).content,
        anon.get(reverse("tourism:explore_occupancy", kwargs={"place_id": place.pk})).content,
        anon.get("/api/v1/public/tourism/places").content,
        anon.get(f"/api/v1/public/tourism/places/{place.pk}").content,
        anon.get(reverse("tourism:violation_report_place", kwargs={"place_id": place.pk})).content,
        anon.get(reverse("tourism:verify", kwargs={"code": place.certificates.get().code})).content,
    ]
    for body in bodies:
        text = body.decode()
        assert "sri.secret" not in text
        assert "Rahasia" not in text
        assert "81234567890" not in text


@pytest.mark.parametrize("status", [Place.Status.APPLIED, Place.Status.CLOSED])
def test_unlisted_places_are_404_on_every_public_page(world, status):
    place = world["places"]["home"]
    fp.certify(place)
    Place.objects.filter(pk=place.pk).update(status=status)
    anon = Client()
    assert anon.get(reverse("tourism:explore_place", kwargs={"place_id": place.pk})).status_code == 404
    assert anon.get(reverse("tourism:explore_occupancy", kwargs={"place_id": place.pk})).status_code == 404
    assert anon.get(f"/api/v1/public/tourism/places/{place.pk}").status_code == 404
    assert anon.get(f"/api/v1/public/tourism/places/{place.pk}/occupancy").status_code == 404
    assert anon.get(reverse("tourism:checkin", kwargs={"place_id": place.pk, "code": "A" * 24})).status_code == 404


def test_the_checkin_api_does_not_tell_which_unlisted_place_ids_exist(world):
    applied = world["places"]["home"]
    Place.objects.filter(pk=applied.pk).update(status=Place.Status.APPLIED)
    anon = Client()
    body = {"code": "A" * 24, "party": 1}
    known = anon.post(
        "/api/v1/public/tourism/checkins", {**body, "place_id": applied.pk}, content_type="application/json"
    )
    unknown = anon.post(
        "/api/v1/public/tourism/checkins", {**body, "place_id": 999999}, content_type="application/json"
    )
    assert known.status_code == unknown.status_code


# ---------------------------------------------------------------- capacity


@pytest.fixture
def listed(world):
    place = world["places"]["home"]
    fp.certify(place)
    return place


@pytest.mark.parametrize("party", ["0", "-1", "1000", "abc", "", "1e3", " "])
def test_odd_party_sizes_are_refused_in_words(listed, party):
    code = codes.current_code(listed)
    answer = Client().post(reverse("tourism:checkin", kwargs={"place_id": listed.pk, "code": code}), {"party": party})
    assert answer.status_code == 422
    assert not Visit.objects.exists()


@pytest.mark.parametrize("party", [0, -1, 1000, "abc", None, 2**70])
def test_odd_party_sizes_through_the_api_never_500(listed, party):
    code = codes.current_code(listed)
    answer = Client().post(
        "/api/v1/public/tourism/checkins",
        {"place_id": listed.pk, "code": code, "party": party},
        content_type="application/json",
    )
    assert answer.status_code in (400, 422)
    assert not Visit.objects.exists()


def test_a_code_of_another_place_an_old_code_and_a_future_code_are_refused(world, listed):
    other = world["places"]["away"]
    fp.certify(other)
    window = codes.window_at()
    for code in (
        codes.code_for(other, window=window),
        codes.code_for(listed, window=window - 2),
        codes.code_for(listed, window=window + 1),
        codes.code_for(listed, window=window).lower() + "x",
        "A" * 24,
        "=" * 24,
        "é" * 24,
    ):
        answer = Client().post(
            "/api/v1/public/tourism/checkins",
            {"place_id": listed.pk, "code": code, "party": 1},
            content_type="application/json",
        )
        assert answer.status_code == 422, code
    assert not Visit.objects.exists()


def test_checking_out_needs_the_visits_own_token(listed):
    done = capacity.check_in_visitor(place=listed, code=codes.current_code(listed), party=2)
    anon = Client()
    for token in ("", "x", done.visit.token[:-1], done.visit.token + "x" * 30):
        answer = anon.post("/api/v1/public/tourism/checkouts", {"token": token}, content_type="application/json")
        assert answer.status_code in (404, 422), token
    done.visit.refresh_from_db()
    assert done.visit.checked_out_at is None


def test_the_door_count_never_goes_below_zero(world, listed):
    client = w.client_for(world, "owner_in")
    answer = client.post(
        f"/api/v1/tourism/places/{listed.pk}/door", {"direction": "out", "party": 1}, content_type="application/json"
    )
    assert answer.status_code == 409
    fp_visit = fp.visit(listed, party=3)
    fp_visit.channel = Visit.Channel.SCAN
    fp_visit.save()
    answer = client.post(
        f"/api/v1/tourism/places/{listed.pk}/door", {"direction": "out", "party": 1}, content_type="application/json"
    )
    assert answer.status_code == 409  # a scanned visitor is not counted out at the door


def test_x_forwarded_for_does_not_bypass_the_checkin_limit(settings, listed):
    settings.TOURISM_CHECKINS_PER_HOUR = 2
    code = codes.current_code(listed)
    answers = [
        Client(HTTP_X_FORWARDED_FOR=f"10.0.0.{i}")
        .post(
            "/api/v1/public/tourism/checkins",
            {"place_id": listed.pk, "code": code, "party": 1},
            content_type="application/json",
        )
        .status_code
        for i in range(4)
    ]
    assert answers.count(429) == 2


# ---------------------------------------------------------------- files


def _decide_rejected_ready(place, officer):
    inspection = certification.schedule_inspection(
        place=place,
        purpose="initial",
        due_on=timezone.localdate() + dt.timedelta(days=1),
        inspector=officer,
        by=officer,
    )
    for item in certification.checklist_of(inspection):
        certification.record_finding(inspection=inspection, item=item, result="met", by=officer)
    return inspection


def test_a_decompression_bomb_is_refused():
    bomb = _png((20000, 20000))
    assert len(bomb) < 200_000
    _type, problem = place_services.check_photo(place_services.Upload(name="bomb.png", data=bomb))
    assert problem


def test_a_large_pixel_count_photo_is_refused():
    bomb = _png((12000, 12000))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        _type, problem = place_services.check_photo(place_services.Upload(name="big.png", data=bomb))
    assert problem


@pytest.mark.parametrize(
    "data",
    [
        b"<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>",
        b"\xff\xd8\xff<html><script>alert(1)</script></html>",
        b"GIF89a" + b"\x00" * 20,
        b"\x89PNG\r\n\x1a\n" + b"\x00" * 30,
    ],
)
def test_non_images_and_polyglots_are_refused(data):
    _type, problem = place_services.check_photo(place_services.Upload(name="x.jpg", data=data))
    assert problem


# ---------------------------------------------------------------- certificates


def test_a_non_agency_user_decides_nothing(world):
    place = world["places"]["home"]
    inspection = fp.inspection_due(place, due_on=timezone.localdate())
    for actor in ("owner_in", "operator_in", "camat_in", "health_agency", "anonymous"):
        client = w.client_for(world, actor)
        answer = client.post(
            reverse("tourism:inspection_decide", kwargs={"inspection_id": inspection.pk}),
            {"decision": "rejected", "reasons": "x"},
        )
        assert answer.status_code in (302, 403, 404), actor
        inspection.refresh_from_db()
        assert inspection.status == Inspection.Status.SCHEDULED


def test_a_revoked_certificate_never_comes_back(world):
    from smartkampung.tourism.services import violations as vs

    place = world["places"]["home"]
    certificate = fp.certify(place)
    agency = world["users"]["tourism_agency"]
    vs.revoke_certificate(certificate=certificate, reason="Broke the rules", by=agency)
    from smartkampung.core.errors import Refused

    with pytest.raises(Refused):
        vs.reinstate_certificate(certificate=certificate, reason="sorry", by=agency)
    certificate.refresh_from_db()
    assert certificate.status == Certificate.Status.REVOKED


def test_deciding_an_inspection_does_not_reopen_a_closed_place(world):
    place = world["places"]["home"]
    Place.objects.filter(pk=place.pk).update(status=Place.Status.APPLIED)
    agency = world["users"]["tourism_agency"]
    inspection = _decide_rejected_ready(place, agency)
    place_services.close_place(place=place, by=world["users"]["owner_in"])
    from smartkampung.core.errors import Refused

    with contextlib.suppress(Refused):  # refusing is a fine fix too
        certification.decide_inspection(inspection=inspection, decision="rejected", reasons="Closed", by=agency)
    place.refresh_from_db()
    assert place.status == Place.Status.CLOSED


# ---------------------------------------------------------------- bad input everywhere: never a 500

ODD = [
    "",
    " ",
    "x" * 5000,
    "31-02-2026",
    "2026-02-31",
    "9" * 40,
    "-1",
    "0",
    "NaN",
    "Infinity",
    "1e308",
    "\u202egnp.exe",
    "😀" * 300,
    "a\x00b",
    "a\x07b",
    "<script>alert(1)</script>",
    "' OR 1=1 --",
    "None",
    "[]",
]
FIELDS = [
    "kind",
    "name",
    "description",
    "owner_name",
    "contact_phone",
    "contact_email",
    "village",
    "address",
    "latitude",
    "longitude",
    "opening_hours",
    "capacity",
    "usual_stay_minutes",
    "owner_username",
    "username",
    "password",
    "password2",
    "full_name",
    "phone",
    "place",
    "purpose",
    "due_on",
    "mine",
    "result",
    "note",
    "decision",
    "conditions",
    "deadline",
    "reasons",
    "passphrase",
    "text",
    "text_en",
    "weight",
    "mandatory",
    "active",
    "dimension",
    "code",
    "place_id",
    "what",
    "seen_at",
    "contact",
    "outcome",
    "action",
    "status",
    "reason",
    "op",
    "direction",
    "party",
    "q",
    "page",
    "token",
    "item1-text",
    "item1-weight",
]


def _posts(world):
    home = world["places"]["home"]
    inspection = fp.inspection_due(home, due_on=timezone.localdate())
    from smartkampung.tourism.models import ChecklistItem

    item = ChecklistItem.objects.filter(kind=home.kind, active=True).first()
    certificate = fp.certify(world["places"]["away"])
    violation = fp.violation(world["places"]["away"])
    return [
        reverse("tourism:apply"),
        reverse("tourism:place_new"),
        reverse("tourism:place_edit", kwargs={"place_id": home.pk}),
        reverse("tourism:place_close", kwargs={"place_id": home.pk}),
        reverse("tourism:photo_add", kwargs={"place_id": home.pk}),
        reverse("tourism:door_count", kwargs={"place_id": home.pk}),
        reverse("tourism:checkin", kwargs={"place_id": home.pk, "code": codes.current_code(home)}),
        reverse("tourism:checklist_add"),
        reverse("tourism:checklist_item", kwargs={"item_id": item.pk}),
        reverse("tourism:inspection_schedule"),
        reverse("tourism:finding", kwargs={"inspection_id": inspection.pk, "item_id": item.pk}),
        reverse("tourism:inspection_decide", kwargs={"inspection_id": inspection.pk}),
        reverse("tourism:verify_upload"),
        reverse("tourism:violation_report"),
        reverse("tourism:violation_detail", kwargs={"violation_id": violation.pk}),
        reverse("tourism:violation_certificate_status", kwargs={"certificate_id": certificate.pk}),
    ]


@pytest.mark.parametrize("actor", ["tourism_agency", "owner_in", "anonymous"])
def test_odd_values_in_every_form_never_give_a_500(world, actor):
    client = w.client_for(world, actor)
    client.raise_request_exception = False
    failures = []
    for url in _posts(world):
        for value in ODD:
            answer = client.post(url, dict.fromkeys(FIELDS, value))
            if answer.status_code >= 500:
                failures.append((url, repr(value)[:30], answer.status_code))
    assert not failures


@pytest.mark.parametrize(
    "url",
    [
        "/tourism/explore/?page=99999999999999999999&kind=x&district=%00&q=" + "a" * 500,
        "/tourism/explore/?room=1&page=-5",
        "/tourism/?page=abc&q=%00&district=999999999999999999999&status=x",
        "/tourism/violations/?page=abc&place=99999999999999999999999&kecamatan=%00&status=x",
        "/tourism/report/?q=%00",
        "/tourism/report/status/?code=" + "x" * 5000,
        "/tourism/verify/" + "x" * 3000 + "/",
        "/tourism/inspections/?page=abc",
        "/tourism/checklists/?kind=%00",
        "/tourism/places/99999999999999999999999/",
        "/tourism/in/99999999999999999999999/AAAA/",
        "/tourism/out/" + "x" * 5000 + "/",
        "/tourism/photos/99999999999999999999999/",
        "/api/v1/public/tourism/places?per_page=-1&page=0&lat=abc",
        "/api/v1/public/tourism/places?per_page=999999999999999999999&page=99999999999999999999",
        "/api/v1/public/tourism/places/99999999999999999999999",
        "/api/v1/tourism/places?limit=-1&page=99999999999999999999",
    ],
)
@pytest.mark.parametrize("actor", ["tourism_agency", "anonymous"])
def test_odd_queries_never_give_a_500(world, url, actor):
    client = w.client_for(world, actor)
    client.raise_request_exception = False
    assert client.get(url).status_code < 500


def test_huge_ids_in_json_bodies_never_give_a_500(world, listed):
    client = w.client_for(world, "tourism_agency")
    client.raise_request_exception = False
    for body in (
        {"place_id": 2**70, "code": "A" * 24, "party": 1},
        {"place_id": -1, "code": "A" * 24, "party": 1},
        {"place_id": "1", "code": ["x"], "party": 1},
        [],
        "x",
    ):
        answer = client.post("/api/v1/public/tourism/checkins", body, content_type="application/json")
        assert answer.status_code < 500, body


# ---------------------------------------------------------------- half-done writes


def test_a_bad_photo_at_sign_up_leaves_no_account(db):
    from django.contrib.auth import get_user_model

    from smartkampung.core.errors import Refused

    with pytest.raises(Refused):
        place_services.sign_up_and_apply(
            account={
                "username": "bu.x",
                "full_name": "Bu X",
                "password": "kopi-osing-2021",
                "password2": "kopi-osing-2021",
                "phone": "081234567890",
            },
            place={
                "kind": "cafe",
                "name": "K",
                "village": f.HOME,
                "address": "Jl",
                "latitude": "-8.2",
                "longitude": "114.37",
                "capacity": "10",
                "usual_stay_minutes": "60",
            },
            photos=[place_services.Upload(name="a.jpg", data=b"\xff\xd8\xffnot a jpeg")],
        )
    assert not get_user_model().objects.filter(username="bu.x").exists()
    assert not Place.objects.exists()


# ---------------------------------------------------------------- CSRF and redirects


def test_state_changing_pages_need_the_csrf_token(world, listed):
    client = w.client_for(world, "tourism_agency")
    client.handler.enforce_csrf_checks = True
    anon = Client(enforce_csrf_checks=True)
    home = listed
    for c, url, data in (
        (client, reverse("tourism:place_close", kwargs={"place_id": home.pk}), {}),
        (client, reverse("tourism:door_count", kwargs={"place_id": home.pk}), {"direction": "in", "party": "1"}),
        (client, reverse("tourism:photo_add", kwargs={"place_id": home.pk}), {}),
        (client, reverse("tourism:place_new"), {}),
        (anon, reverse("tourism:apply"), {}),
        (
            anon,
            reverse("tourism:checkin", kwargs={"place_id": home.pk, "code": codes.current_code(home)}),
            {"party": "1"},
        ),
        (anon, reverse("tourism:violation_report"), {}),
    ):
        assert c.post(url, data, HTTP_HX_REQUEST="true").status_code == 403, url
    home.refresh_from_db()
    assert home.status == Place.Status.ACTIVE
    assert not Visit.objects.exists()


def test_signing_in_from_tourism_pages_does_not_redirect_off_site(world):
    answer = Client().get(reverse("tourism:place_new") + "?next=https://evil.example/")
    assert answer.status_code == 302
    assert "evil.example" not in answer["Location"].split("?")[0]


# ---------------------------------------------------------------- the public place page


def test_the_public_place_page_shows_its_photos(world, listed):
    photo = _photo(listed)
    page = Client().get(reverse("tourism:explore_place", kwargs={"place_id": listed.pk}))
    assert reverse("tourism:photo", kwargs={"photo_id": photo.pk}) in page.content.decode()


# ---------------------------------------------------------------- what an owner is told


def test_the_owner_reads_the_reasons_of_a_rejection(world):
    place = world["places"]["home"]
    Place.objects.filter(pk=place.pk).update(status=Place.Status.APPLIED)
    agency = world["users"]["tourism_agency"]
    inspection = _decide_rejected_ready(place, agency)
    certification.decide_inspection(
        inspection=inspection, decision="rejected", reasons="Tidak ada wastafel-XYZ", by=agency
    )
    owner = w.client_for(world, "owner_in")
    pages = [
        owner.get(reverse("tourism:place_detail", kwargs={"place_id": place.pk})).content.decode(),
        owner.get(reverse("tourism:home")).content.decode(),
    ]
    assert any("wastafel-XYZ" in page for page in pages)


def test_area_staff_read_but_never_manage(world):
    home = world["places"]["home"]
    for actor in ("operator_in", "camat_in"):
        client = w.client_for(world, actor)
        assert client.get(reverse("tourism:place_detail", kwargs={"place_id": home.pk})).status_code == 200
        assert client.post(reverse("tourism:place_close", kwargs={"place_id": home.pk})).status_code == 403
        assert client.get(reverse("tourism:door", kwargs={"place_id": home.pk})).status_code == 404
        assert client.get(f"/api/v1/tourism/places/{home.pk}/code").status_code == 404
    home.refresh_from_db()
    assert home.status == Place.Status.ACTIVE


# ---------------------------------------------------------------- the signed certificate with odd words in it


@pytest.mark.parametrize(
    "name",
    ["Warung 😀 Bu Sri", "\u202eKedai\u202c <b>&amp;</b>", "Kafe " + "ꦧꦤꦾꦸꦮꦔꦶ", "W" * 120, "Kopi (Osing) \\ ) ( %PDF"],
)
def test_a_certificate_of_a_place_with_odd_words_is_signed_or_refused_in_words(db, name):
    from smartkampung.core.errors import Refused
    from smartkampung.tourism.tests.test_certification_support import PASSPHRASE, inspector, record_all

    officer = inspector()
    place = f.place(name=name, kind="cafe", status=Place.Status.APPLIED, owner=f.owner())
    inspection = certification.schedule_inspection(
        place=place,
        purpose="initial",
        due_on=timezone.localdate() + dt.timedelta(days=1),
        inspector=officer,
        by=officer,
    )
    record_all(inspection, officer)
    try:
        certification.decide_inspection(inspection=inspection, decision="certified", passphrase=PASSPHRASE, by=officer)
    except Refused:
        assert not Certificate.objects.exists()
    else:
        assert Certificate.objects.get().pdf.startswith(b"%PDF")


def test_a_conditional_certificate_is_followed_up_by_its_deadline(db):
    from smartkampung.tourism.tests.test_certification_support import PASSPHRASE, inspector, record_all

    officer = inspector()
    place = f.place(kind="cafe", status=Place.Status.APPLIED, owner=f.owner())
    inspection = certification.schedule_inspection(
        place=place,
        purpose="initial",
        due_on=timezone.localdate() + dt.timedelta(days=1),
        inspector=officer,
        by=officer,
    )
    record_all(inspection, officer)
    deadline = timezone.localdate() + dt.timedelta(days=30)
    certification.decide_inspection(
        inspection=inspection,
        decision="conditional",
        conditions="Pasang wastafel.",
        deadline=deadline,
        passphrase=PASSPHRASE,
        by=officer,
    )
    followed_up = Inspection.objects.filter(
        place=place, status=Inspection.Status.SCHEDULED, due_on__lte=deadline + dt.timedelta(days=7)
    ).exists()
    certificate = Certificate.objects.get(place=place)
    lapses = certificate.state_on(deadline + dt.timedelta(days=60)) != "valid"
    assert followed_up or lapses


def test_an_owner_cannot_turn_a_certified_warung_into_a_certified_hotel(world):
    place = world["places"]["away"]  # a warung
    fp.certify(place)
    owner = w.client_for(world, "owner_out")
    owner.patch(f"/api/v1/tourism/places/{place.pk}", {"kind": "hotel"}, content_type="application/json")
    listed = Client().get("/api/v1/public/tourism/places?kind=hotel").json()
    assert place.pk not in [row["id"] for row in listed["items"]]


def test_the_api_with_a_session_cookie_needs_the_csrf_token(world, listed):
    client = Client(enforce_csrf_checks=True)
    client.force_login(world["users"]["owner_in"])
    answer = client.patch(f"/api/v1/tourism/places/{listed.pk}", {"name": "Hijacked"}, content_type="application/json")
    assert answer.status_code in (401, 403)
    answer = client.post(
        f"/api/v1/tourism/places/{listed.pk}/door", {"direction": "in", "party": 5}, content_type="application/json"
    )
    assert answer.status_code in (401, 403)
    listed.refresh_from_db()
    assert listed.name != "Hijacked"
    assert not Visit.objects.exists()


def test_checking_out_by_page_needs_the_csrf_token(listed):
    done = capacity.check_in_visitor(place=listed, code=codes.current_code(listed), party=2)
    answer = Client(enforce_csrf_checks=True).post(reverse("tourism:checkout", kwargs={"token": done.visit.token}))
    assert answer.status_code == 403
    done.visit.refresh_from_db()
    assert done.visit.checked_out_at is None


def test_a_truncated_jpeg_is_refused():
    out = io.BytesIO()
    Image.new("RGB", (400, 400), (1, 2, 3)).save(out, "JPEG")
    data = out.getvalue()
    _type, problem = place_services.check_photo(place_services.Upload(name="half.jpg", data=data[: len(data) // 3]))
    assert problem


def test_a_jpeg_polyglot_is_served_as_a_jpeg_with_nosniff(world, listed):
    out = io.BytesIO()
    Image.new("RGB", (8, 8)).save(out, "JPEG")
    data = out.getvalue() + b"<html><script>alert(1)</script></html>"
    place_services.add_photos(
        place=listed, by=world["users"]["owner_in"], uploads=[place_services.Upload(name="x.html", data=data)]
    )
    photo = PlacePhoto.objects.get(place=listed)
    answer = Client().get(reverse("tourism:photo", kwargs={"photo_id": photo.pk}))
    assert answer["Content-Type"] == "image/jpeg"
    assert answer["X-Content-Type-Options"] == "nosniff"
