"""The tourists' side of tourism: only active places with a certificate valid today are listed (a suspension,
revocation or expiry takes a place off at once), the filters by kind, kecamatan and room, the live occupancy,
the public API's answers (shape, no personal data, bad input in words), and the agency's dashboard counts."""

import datetime as dt
import json

import pytest
from django.urls import reverse
from django.utils import timezone

from smartkampung.tourism.models import Certificate, Place, Violation
from smartkampung.tourism.tests import factories as f
from smartkampung.tourism.tests.factories_public import (
    certify,
    inspection_due,
    set_certificate,
    violation,
    visit,
)

pytestmark = pytest.mark.usefixtures("regions")
LIST, ONE = "/api/v1/public/tourism/places", "/api/v1/public/tourism/places/{}"


@pytest.fixture(autouse=True)
def english(settings):
    """These tests read the pages' words in English (the product speaks Indonesian by default)."""
    settings.LANGUAGE_CODE = "en"


def listed(name="Kedai Kopi Osing", **fields) -> Place:
    """A place with a certificate valid today: publicly listed."""
    place = f.place(name=name, **fields)
    certify(place)
    return place


def listed_ids(client, query: str = "") -> list[int]:
    answer = client.get(f"{LIST}?{query}")
    assert answer.status_code == 200, answer.content
    return [item["id"] for item in answer.json()["items"]]


def page_ids(client, query: str = "") -> list[int]:
    html = client.get(f"{reverse('tourism:explore')}?{query}").content.decode()
    return sorted(int(part.split('"')[0]) for part in html.split('data-place="')[1:])


# ---------------------------------------------------------------- who is listed


def test_only_active_places_with_a_certificate_valid_today_are_listed(client):
    shown = listed("Kawah Ijen", kind="destination")
    applied = f.place(name="Baru Daftar", status=Place.Status.APPLIED)
    certify(applied)
    f.place(name="Tanpa Sertifikat")
    expired = f.place(name="Kedaluwarsa")
    certify(expired, valid_until=timezone.localdate() - dt.timedelta(days=1))
    suspended = f.place(name="Ditangguhkan")
    certify(suspended, status=Certificate.Status.SUSPENDED)
    revoked = f.place(name="Dicabut")
    certify(revoked, status=Certificate.Status.REVOKED)
    closed = f.place(name="Tutup", status=Place.Status.CLOSED)
    certify(closed)

    assert listed_ids(client) == [shown.pk]
    assert page_ids(client) == [shown.pk]


def test_a_certificate_valid_until_today_still_lists_the_place(client):
    place = f.place()
    certify(place, valid_until=timezone.localdate())
    assert listed_ids(client) == [place.pk]


@pytest.mark.parametrize("status", [Certificate.Status.SUSPENDED, Certificate.Status.REVOKED])
def test_a_suspended_or_revoked_place_disappears_at_once_from_every_public_answer(client, status):
    place = f.place()
    certificate = certify(place)
    urls = [
        reverse("tourism:explore_place", kwargs={"place_id": place.pk}),
        reverse("tourism:explore_occupancy", kwargs={"place_id": place.pk}),
        ONE.format(place.pk),
    ]
    assert all(client.get(url).status_code == 200 for url in urls)

    set_certificate(certificate, status)

    assert [client.get(url).status_code for url in urls] == [404, 404, 404]
    assert listed_ids(client) == [] and page_ids(client) == []


def test_a_place_whose_certificate_expired_yesterday_is_not_found(client):
    place = f.place()
    certify(place, valid_until=timezone.localdate() - dt.timedelta(days=1))
    assert client.get(reverse("tourism:explore_place", kwargs={"place_id": place.pk})).status_code == 404
    assert client.get(ONE.format(place.pk)).json()["detail"] == "No place open to tourists here."


# ---------------------------------------------------------------- filters


def test_the_listing_filters_by_kind(client):
    cafe = listed("Kopi", kind="cafe")
    hotel = listed("Hotel Ketapang", kind="hotel")
    assert listed_ids(client, "kind=hotel") == [hotel.pk]
    assert page_ids(client, "kind=cafe") == [cafe.pk]


def test_the_listing_filters_by_kecamatan(client):
    home = listed("Di Glagah", village=f.HOME)
    away = listed("Di Pesanggaran", village=f.AWAY)
    assert listed_ids(client, f"district={f.AWAY_DISTRICT}") == [away.pk]
    assert page_ids(client, f"district={f.HOME_DISTRICT}") == [home.pk]


def test_has_room_leaves_out_full_places_and_counts_only_visits_that_still_count(client):
    full = listed("Penuh", capacity=5)
    visit(full, party=3)
    visit(full, party=2)
    roomy = listed("Lega", capacity=5)
    visit(roomy, party=4)
    visit(roomy, party=5, checked_out=True)  # left already
    visit(roomy, party=5, minutes_left=-5)  # their stay has passed: no longer counted

    assert listed_ids(client, "has_room=true") == [roomy.pk]
    assert page_ids(client, "room=1") == [roomy.pk]
    assert sorted(listed_ids(client, "has_room=false")) == sorted([full.pk, roomy.pk])


def test_the_listing_searches_by_name_and_pages(client):
    for n in range(3):
        listed(f"Pantai {n}")
    listed("Kopi Lego")
    first = client.get(f"{LIST}?q=pantai&per_page=2").json()
    assert [i["name"] for i in first["items"]] == ["Pantai 0", "Pantai 1"] and first["has_next"] is True
    second = client.get(f"{LIST}?q=pantai&per_page=2&page=2").json()
    assert second["page"] == 2 and [i["name"] for i in second["items"]] == ["Pantai 2"]
    assert second["has_next"] is False


def test_the_listing_page_ignores_values_its_form_never_offers(client):
    place = listed()
    assert page_ids(client, "kind=castle&district=abc&room=maybe&page=-3") == [place.pk]


# ---------------------------------------------------------------- occupancy and the place page


def test_a_card_shows_the_people_inside_of_the_capacity(client):
    place = listed(capacity=40)
    visit(place, party=12)
    html = client.get(reverse("tourism:explore")).content.decode()
    assert "12 / 40 inside" in html and 'value="12"' in html and "certified" in html


def test_the_place_page_shows_the_certificate_and_polls_its_occupancy(client):
    place = listed(capacity=2)
    certificate = place.certificates.get()
    visit(place, party=2)
    html = client.get(reverse("tourism:explore_place", kwargs={"place_id": place.pk})).content.decode()
    assert certificate.number in html and 'data-state="valid"' in html
    assert 'hx-trigger="every 15s"' in html
    assert f'hx-get="{reverse("tourism:explore_occupancy", kwargs={"place_id": place.pk})}"' in html
    assert "2 / 2 inside" in html and "full" in html


def test_the_occupancy_fragment_follows_the_visits(client):
    place = listed(capacity=3)
    url = reverse("tourism:explore_occupancy", kwargs={"place_id": place.pk})
    assert "0 / 3 inside" in client.get(url).content.decode()
    last = visit(place, party=3)
    answer = client.get(url)
    assert "3 / 3 inside" in answer.content.decode() and ">full<" in answer.content.decode()
    assert answer["Cache-Control"] == "no-store"
    last.checked_out_at = timezone.now()
    last.save()
    assert "0 / 3 inside" in client.get(url).content.decode()


def test_a_page_left_open_learns_from_its_poll_that_the_place_was_revoked_and_stops_polling(client):
    place = f.place()
    certificate = certify(place)
    url = reverse("tourism:explore_occupancy", kwargs={"place_id": place.pk})
    assert "hx-trigger" in client.get(url, headers={"HX-Request": "true"}).content.decode()

    set_certificate(certificate, Certificate.Status.REVOKED)

    answer = client.get(url, headers={"HX-Request": "true"})
    assert answer.status_code == 200 and "no longer on the public listing" in answer.content.decode()
    assert "hx-trigger" not in answer.content.decode()
    assert client.get(url).status_code == 404


def test_the_pages_speak_bahasa_indonesia_first_and_english_when_asked(client, settings):
    settings.LANGUAGE_CODE = "id"
    place = listed()
    visit(place, party=2)
    for url in (reverse("tourism:explore"), reverse("tourism:explore_place", kwargs={"place_id": place.pk})):
        assert '<html lang="id">' in client.get(url).content.decode()
        english = client.get(url, headers={"Accept-Language": "en"}).content.decode()
        assert '<html lang="en">' in english and "2 / 20 inside" in english


def test_the_map_reads_the_same_filters_from_the_public_api_and_leaflet_from_our_static_files(client):
    listed()
    html = client.get(f"{reverse('tourism:explore')}?kind=hotel&room=1").content.decode()
    config = json.loads(html.split('id="map-config" type="application/json">')[1].split("</script>")[0])
    assert (
        config["places"].startswith(LIST) and "kind=hotel" in config["places"] and "has_room=true" in config["places"]
    )
    assert config["js"].endswith("leaflet.js") and not config["js"].startswith("http")
    assert client.get(config["places"]).status_code == 200


# ---------------------------------------------------------------- the API's answers


def test_the_api_answers_a_listed_place_with_public_facts_only(client, settings):
    owner = f.owner("pemilik.rahasia")
    place = listed(owner=owner, capacity=10, kind="homestay")
    Place.objects.filter(pk=place.pk).update(contact_email="sri@example.org", description="Rumah Osing.")
    visit(place, party=4)
    item = client.get(LIST).json()["items"][0]
    assert set(item) == {
        "id", "name", "kind", "kind_label", "village", "village_name", "district", "district_name",
        "latitude", "longitude", "capacity", "occupancy", "has_room", "certificate",
    }  # fmt: skip
    assert item["occupancy"] == 4 and item["has_room"] is True and item["district"] == f.HOME_DISTRICT
    assert item["certificate"]["state"] == "valid" and item["certificate"]["conditional"] is False

    detail = client.get(ONE.format(place.pk))
    assert detail.json()["description"] == "Rumah Osing." and detail.json()["certificate"]["number"]
    for answer in (client.get(LIST), detail, client.get(reverse("tourism:explore_place", args=[place.pk]))):
        text = answer.content.decode()
        for secret in ("Bu Sri", "+6281234567890", "6281234567890", "sri@example.org", "pemilik.rahasia"):
            assert secret not in text


def test_a_place_certified_with_conditions_says_so(client):
    place = f.place()
    certify(place, conditional=True)
    assert client.get(ONE.format(place.pk)).json()["certificate"]["conditional"] is True
    assert "certified with conditions" in client.get(reverse("tourism:explore")).content.decode()


@pytest.mark.parametrize(
    ("query", "field", "words"),
    [
        ("district=abc", "district", "A kecamatan code is 6 digits"),
        ("has_room=maybe", "has_room", "Say true or false"),
        ("kind=castle", "kind", "Unknown kind of place"),
        ("page=abc", "page", "Give a whole number"),
        ("per_page=-1", "per_page", "Give a whole number"),
    ],
)
def test_bad_query_parameters_are_refused_in_words(client, query, field, words):
    answer = client.get(f"{LIST}?{query}")
    assert answer.status_code == 422
    body = answer.json()
    assert [e["field"] for e in body["errors"]] == [field] and words in body["detail"]


def test_a_page_past_the_end_is_empty_not_an_error(client):
    listed()
    answer = client.get(f"{LIST}?page=99999999999")
    assert answer.status_code == 200 and answer.json()["items"] == [] and answer.json()["has_next"] is False


def test_the_listing_with_room_is_one_query_whatever_the_number_of_places(client, django_assert_num_queries):
    for n in range(25):
        visit(listed(f"Tempat {n:02}", capacity=3), party=1 + n % 3)
    with django_assert_num_queries(1):
        assert len(listed_ids(client, "has_room=true")) == 17


# ---------------------------------------------------------------- the agency's dashboard


def dashboard(client):
    client.force_login(f.agency())
    answer = client.get(reverse("tourism:dashboard"))
    assert answer.status_code == 200
    return answer.context


def test_the_dashboard_counts_places_by_status_and_kecamatan(client):
    today = timezone.localdate()
    listed("A", village=f.HOME)
    listed("B", village=f.AWAY)
    certify(f.place(name="C", village=f.HOME), conditional=True)
    certify(f.place(name="D", village=f.HOME), status=Certificate.Status.SUSPENDED)
    certify(f.place(name="E", village=f.AWAY), status=Certificate.Status.REVOKED)
    certify(f.place(name="F", village=f.AWAY), valid_until=today - dt.timedelta(days=2))
    f.place(name="G", status=Place.Status.APPLIED)
    f.place(name="H", status=Place.Status.CLOSED, village=f.AWAY)
    f.place(name="I")

    context = dashboard(client)
    by_district = {row["code"]: row["counts"] for row in context["rows"]}
    assert by_district[f.HOME_DISTRICT] == {
        "applied": 1, "uncertified": 1, "certified": 1, "conditional": 1,
        "suspended": 1, "revoked": 0, "expired": 0, "closed": 0,
    }  # fmt: skip
    assert by_district[f.AWAY_DISTRICT] == {
        "applied": 0, "uncertified": 0, "certified": 1, "conditional": 0,
        "suspended": 0, "revoked": 1, "expired": 1, "closed": 1,
    }  # fmt: skip
    assert context["total"] == 9 and context["listed"] == 3


def test_the_dashboard_lists_inspections_due_this_week_and_certificates_expiring_unscheduled(client):
    today = timezone.localdate()
    end_of_week = today + dt.timedelta(days=6 - today.weekday())
    overdue = inspection_due(f.place(name="Terlambat"), due_on=today - dt.timedelta(days=3))
    this_week = inspection_due(f.place(name="Minggu Ini"), due_on=end_of_week)
    inspection_due(f.place(name="Minggu Depan"), due_on=end_of_week + dt.timedelta(days=1))
    soon = certify(f.place(name="Segera Habis"), valid_until=today + dt.timedelta(days=10))
    scheduled = f.place(name="Sudah Dijadwalkan")
    certify(scheduled, valid_until=today + dt.timedelta(days=10))
    inspection_due(scheduled, due_on=today + dt.timedelta(days=20))
    listed("Masih Lama")

    context = dashboard(client)
    assert [item["inspection"] for item in context["due"]["items"]] == [overdue, this_week]
    assert context["due"]["items"][0]["overdue"] is True and context["due"]["count"] == 2
    assert [item["certificate"] for item in context["expiring"]["items"]] == [soon]
    assert context["expiring"]["count"] == 1


def test_the_dashboard_counts_violations_open_or_under_investigation(client):
    place = listed()
    violation(place)
    violation(place, status=Violation.Status.INVESTIGATING)
    violation(place, status=Violation.Status.DISMISSED)
    violation(place, status=Violation.Status.UPHELD)
    context = dashboard(client)
    assert context["violations"]["count"] == 2
    assert {item["violation"].status for item in context["violations"]["items"]} == {"open", "investigating"}


def test_the_dashboard_shows_occupancy_across_the_listed_places_and_the_fullest(client):
    half = listed("Setengah", capacity=10)
    visit(half, party=5)
    full = listed("Penuh", capacity=4)
    visit(full, party=4)
    listed("Kosong", capacity=6)
    unlisted = f.place(name="Tak Terdaftar", capacity=100)
    visit(unlisted, party=50)

    occupancy = dashboard(client)["occupancy"]
    assert (occupancy["people"], occupancy["capacity"], occupancy["places"]) == (9, 20, 3)
    assert [p.pk for p in occupancy["fullest"]] == [full.pk, half.pk]


def test_each_regencys_agency_sees_its_own_places_on_the_dashboard(client, settings):
    from smartkampung.accounts.tests.factories import give_role
    from smartkampung.regions.services import load_regions

    settings.SMARTKAMPUNG_REGENCIES = ("3510", "3509")
    load_regions(regency_code="3509")
    keting = listed("Homestay Keting", village="3509012002", capacity=8)
    visit(keting, party=3)
    inspection_due(keting, due_on=timezone.localdate())
    violation(keting)
    listed("Kedai Bakungan", village=f.HOME, capacity=4)

    banyuwangi = dashboard(client)
    jember_agency = f.user("dispar.jember")
    give_role(jember_agency, "tourism_agency", regency="3509")
    client.force_login(jember_agency)
    jember = client.get(reverse("tourism:dashboard")).context

    assert (banyuwangi["total"], banyuwangi["due"]["count"], banyuwangi["violations"]["count"]) == (1, 0, 0)
    assert banyuwangi["occupancy"]["capacity"] == 4 and "Keting" not in str(banyuwangi["rows"])
    assert (jember["total"], jember["due"]["count"], jember["violations"]["count"]) == (1, 1, 1)
    assert (jember["occupancy"]["people"], jember["occupancy"]["capacity"]) == (3, 8)


def test_another_regencys_certificate_is_not_there_for_the_agency(client, settings):
    from smartkampung.regions.services import load_regions

    settings.SMARTKAMPUNG_REGENCIES = ("3510", "3509")
    load_regions(regency_code="3509")
    certificate = certify(f.place(name="Homestay Keting", village="3509012002"))
    client.force_login(f.agency())  # Banyuwangi's

    page = client.get(reverse("tourism:violation_certificate_status", kwargs={"certificate_id": certificate.pk}))
    api = client.post(
        f"/api/v1/tourism/certificates/{certificate.pk}/status",
        {"status": "suspended", "reason": "Uji"},
        content_type="application/json",
    )

    assert page.status_code == 404 and "Keting" not in page.content.decode()
    assert api.status_code == 404
    certificate.refresh_from_db()
    assert certificate.status == Certificate.Status.VALID


def test_the_dashboard_links_each_inspection_due_to_the_inspectors_form(client):
    inspection = inspection_due(f.place(name="Dicek"), due_on=timezone.localdate())
    expected = reverse("tourism:inspection", args=[inspection.pk])
    client.force_login(f.agency())
    answer = client.get(reverse("tourism:dashboard"))
    assert answer.context["due"]["items"][0]["url"] == expected
    assert f'href="{expected}"' in answer.content.decode()
