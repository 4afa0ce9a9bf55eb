"""Visitors check in by the place's code and out by their token, through the API and the phone pages: refused
with words when the place is full, the party too large, the code old or forged, or the place not certified; a
visit that is never checked out stops counting exactly when the place's usual stay has passed; visits are
deleted after 14 days; and nothing in a visit or its answers is personal."""

import datetime as dt
import json

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from smartkampung.audit.models import AuditEntry
from smartkampung.core import periodic
from smartkampung.tourism import codes
from smartkampung.tourism.models import Place, Visit
from smartkampung.tourism.selectors import occupancy_of
from smartkampung.tourism.services import capacity
from smartkampung.tourism.tests import factories as f
from smartkampung.tourism.tests.test_capacity_fixtures import certify, listed_place, scanned, windows_ago

pytestmark = pytest.mark.usefixtures("regions")

CHECKINS, CHECKOUTS = "/api/v1/public/tourism/checkins", "/api/v1/public/tourism/checkouts"


@pytest.fixture(autouse=True)
def english(settings):
    """These tests read the answers' words in English (the product speaks Indonesian by default)."""
    settings.LANGUAGE_CODE = "en"


def check_in(client, place, *, party=1, code=None):
    body = {"place_id": place.pk, "code": scanned(place) if code is None else code, "party": party}
    return client.post(CHECKINS, json.dumps(body), content_type="application/json")


def occupancy_answer(client, place):
    return client.get(f"/api/v1/public/tourism/places/{place.pk}/occupancy")


# ---------------------------------------------------------------- the API


def test_a_visitor_checks_in_and_gets_a_token_and_the_occupancy(client):
    place = listed_place(capacity=40, usual_stay_minutes=90)

    answer = check_in(client, place, party=3)

    assert answer.status_code == 201
    body = answer.json()
    assert set(body) == {"token", "place_id", "counts_until", "occupancy", "capacity"}
    assert (body["place_id"], body["occupancy"], body["capacity"]) == (place.pk, 3, 40)
    visit = Visit.objects.get()
    assert (visit.token, visit.party, visit.channel) == (body["token"], 3, "scan")
    assert len(visit.token) == 43
    assert visit.counts_until - visit.checked_in_at == dt.timedelta(minutes=90)
    assert occupancy_answer(client, place).json() == {"occupancy": 3, "capacity": 40, "has_room": True}


def test_a_visit_holds_nothing_personal_and_the_answer_neither(client):
    place = listed_place()

    body = check_in(client, place, party=2).json()

    fields = {field.name for field in Visit._meta.get_fields()}
    assert fields == {"id", "place", "token", "party", "channel", "checked_in_at", "counts_until", "checked_out_at"}
    assert not ({"name", "phone", "nik", "ip", "address", "user"} & set(body))
    assert not AuditEntry.objects.filter(object_type="tourism_visit").exists()


def test_a_check_in_beyond_capacity_is_refused_with_words(client):
    place = listed_place(name="Pantai Boom", capacity=4)
    assert check_in(client, place, party=3).status_code == 201

    answer = check_in(client, place, party=2)

    assert answer.status_code == 409
    body = answer.json()
    assert body["code"] == "full"
    assert body["detail"] == "Pantai Boom is full right now (3 of 4 inside). Please wait or come back later."
    assert (body["occupancy"], body["capacity"]) == (3, 4)
    assert check_in(client, place, party=1).status_code == 201  # one more still fits exactly
    assert occupancy_of(place) == 4
    assert occupancy_answer(client, place).json()["has_room"] is False


@pytest.mark.parametrize("party", [0, 11, -1])
def test_a_party_outside_1_to_10_is_refused(client, party):
    answer = check_in(client, listed_place(), party=party)

    assert answer.status_code == 422
    assert answer.json()["errors"][0]["field"] == "party"
    assert "between 1 and 10" in answer.json()["detail"]
    assert not Visit.objects.exists()


def test_an_expired_code_is_refused_with_words(client):
    place = listed_place()

    answer = check_in(client, place, code=scanned(place, now=windows_ago(2)))

    assert answer.status_code == 422
    assert answer.json()["code"] == "expired"
    assert answer.json()["detail"] == "This code has expired: scan the code shown at the entrance now."
    assert not Visit.objects.exists()


def test_the_previous_windows_code_still_checks_in(client):
    place = listed_place()

    assert check_in(client, place, code=scanned(place, now=windows_ago(1))).status_code == 201


def test_a_forged_code_is_refused_and_nothing_is_written_or_audited(client):
    place = listed_place()

    answer = check_in(client, place, code="ABCDEFGHIJKLMNOPQRSTUVWX")

    assert answer.status_code == 422
    assert answer.json()["code"] == "invalid"
    assert "not a valid check-in code" in answer.json()["detail"]
    assert not Visit.objects.exists()
    assert not AuditEntry.objects.exists()


def test_another_places_code_is_refused(client):
    here, there = listed_place(name="Here"), listed_place(name="There")

    assert check_in(client, here, code=scanned(there)).status_code == 422


def test_an_unknown_place_is_not_found(client):
    answer = client.post(CHECKINS, json.dumps({"place_id": 999999, "code": "X", "party": 1}), "application/json")

    assert answer.status_code == 404


@pytest.mark.parametrize("how", ["applied", "closed", "uncertified", "expired certificate"])
def test_a_place_not_active_and_certified_takes_no_check_ins(client, how):
    status = how if how in ("applied", "closed") else Place.Status.ACTIVE
    place = f.place(name="Warung Bu Ti", status=status)
    if how != "uncertified":
        certify(place, valid_until=timezone.localdate() - dt.timedelta(days=1 if how == "expired certificate" else -9))

    answer = check_in(client, place)

    assert answer.status_code == 409
    assert answer.json()["code"] == "not_certified"
    assert "Warung Bu Ti does not take check-ins now" in answer.json()["detail"]
    assert not Visit.objects.exists()
    assert occupancy_answer(client, place).status_code == 404  # not listed: the public does not see it


def test_check_ins_from_one_address_are_limited(client, settings):
    settings.TOURISM_CHECKINS_PER_HOUR = 3
    place = listed_place(capacity=100)

    statuses = [check_in(client, place).status_code for _ in range(4)]
    other = check_in(Client(REMOTE_ADDR="10.9.9.9"), place)

    assert statuses == [201, 201, 201, 429]
    assert other.status_code == 201
    assert Visit.objects.count() == 4


def test_a_forged_forwarded_for_header_does_not_get_round_the_limit(settings):
    settings.TOURISM_CHECKINS_PER_HOUR = 2
    place = listed_place(capacity=100)
    statuses = [
        check_in(Client(REMOTE_ADDR="10.7.7.7", HTTP_X_FORWARDED_FOR=f"192.0.2.{n}"), place).status_code
        for n in range(3)
    ]

    assert statuses == [201, 201, 429]


def test_forged_codes_count_against_the_limit_too(client, settings):
    settings.TOURISM_CHECKINS_PER_HOUR = 2
    place = listed_place()

    statuses = [check_in(client, place, code="A" * 24).status_code for _ in range(2)]

    assert statuses == [422, 422]
    assert check_in(client, place).status_code == 429


def test_checking_out_frees_the_place_and_twice_is_harmless(client):
    place = listed_place(capacity=2)
    token = check_in(client, place, party=2).json()["token"]
    assert check_in(client, place).status_code == 409

    first = client.post(CHECKOUTS, json.dumps({"token": token}), content_type="application/json")
    again = client.post(CHECKOUTS, json.dumps({"token": token}), content_type="application/json")

    assert first.status_code == again.status_code == 200
    assert first.json()["place_id"] == place.pk
    assert first.json()["checked_out_at"] == again.json()["checked_out_at"]
    assert occupancy_of(place) == 0
    assert check_in(client, place, party=2).status_code == 201


def test_an_unknown_token_is_not_found(client):
    answer = client.post(CHECKOUTS, json.dumps({"token": "nope"}), content_type="application/json")

    assert answer.status_code == 404
    assert "not known" in answer.json()["detail"]


# ---------------------------------------------------------------- stale check-ins and retention


def test_a_visit_never_checked_out_stops_counting_exactly_when_its_stay_ends():
    place = listed_place(capacity=1, usual_stay_minutes=30)
    start = timezone.now()
    done = capacity.check_in_visitor(place=place, code=scanned(place, now=start), party=1, now=start)
    end = done.visit.counts_until

    assert end == start + dt.timedelta(minutes=30)
    assert occupancy_of(place, now=end - dt.timedelta(microseconds=1)) == 1
    assert occupancy_of(place, now=end) == 0
    with pytest.raises(capacity.Refused):
        capacity.check_in_visitor(place=place, code=scanned(place, now=end), party=1, now=end - dt.timedelta(seconds=1))
    assert capacity.check_in_visitor(place=place, code=scanned(place, now=end), party=1, now=end).occupancy == 1


def test_visits_older_than_14_days_are_deleted_by_the_job_and_the_command():
    place = listed_place(capacity=50)
    now = timezone.now()
    old, kept = (
        capacity.check_in_visitor(place=place, code=scanned(place, now=then), party=1, now=then)
        for then in (now - dt.timedelta(days=15), now - dt.timedelta(days=13))
    )
    assert old.visit.pk and kept.visit.pk

    assert capacity.purge_old_visits(now=now) == 1
    assert list(Visit.objects.values_list("pk", flat=True)) == [kept.visit.pk]
    Visit.objects.filter(pk=kept.visit.pk).update(checked_in_at=now - dt.timedelta(days=20))
    call_command("purge_visits", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert not Visit.objects.exists()


def test_the_purge_runs_hourly_in_the_retention_job():
    assert (3600, "smartkampung.core.retention:run_job") in periodic.JOBS


# ---------------------------------------------------------------- the visitor's pages


def checkin_url(place, code=None):
    return f"/tourism/in/{place.pk}/{scanned(place) if code is None else code}/"


def test_the_check_in_page_shows_the_place_and_occupancy_and_a_party_input(client):
    place = listed_place(name="Kawah Ijen", capacity=40)
    check_in(Client(REMOTE_ADDR="10.1.1.1"), place, party=5)

    page = client.get(checkin_url(place))

    assert page.status_code == 200
    text = page.content.decode()
    assert "Kawah Ijen" in text and "5 of 40 inside now" in text
    assert 'name="party"' in text and 'max="10"' in text and 'value="1"' in text


def test_checking_in_on_the_page_keeps_the_token_in_a_cookie_and_offers_check_out(client):
    place = listed_place(name="Kawah Ijen")

    answer = client.post(checkin_url(place), {"party": "2"})

    visit = Visit.objects.get()
    assert answer.status_code == 302 and answer["Location"] == f"/tourism/out/{visit.token}/"
    cookie = answer.cookies["tourism_visit"]
    assert cookie.value == visit.token and cookie["path"] == f"/tourism/in/{place.pk}/" and cookie["httponly"]
    status = client.get(answer["Location"])
    assert "You are checked in at Kawah Ijen (2 people)." in status.content.decode()
    again = client.get(checkin_url(place))  # scanning again shows the check-in instead of a new form
    assert "You are checked in at Kawah Ijen." in again.content.decode()
    assert 'id="checkin-form"' not in again.content.decode()

    out = client.post(f"/tourism/out/{visit.token}/")

    assert out.status_code == 200
    assert "You have checked out of Kawah Ijen." in out.content.decode()
    assert out.cookies["tourism_visit"].value == ""  # forgotten
    assert occupancy_of(place) == 0


def test_the_page_refuses_a_full_place_with_words(client):
    place = listed_place(name="Pantai Boom", capacity=40)
    check_in(Client(REMOTE_ADDR="10.1.1.2"), place, party=10)
    for n in range(3):
        check_in(Client(REMOTE_ADDR=f"10.1.1.{n + 3}"), place, party=10)

    page = client.post(checkin_url(place), {"party": "1"})

    assert page.status_code == 409
    assert "Pantai Boom is full right now (40 of 40 inside). Please wait or come back later." in page.content.decode()
    assert occupancy_of(place) == 40


def test_the_page_of_an_old_code_says_it_expired_and_offers_no_form(client):
    place = listed_place()

    page = client.get(checkin_url(place, scanned(place, now=windows_ago(3))))

    assert page.status_code == 422
    assert "This code has expired: scan the code shown at the entrance now." in page.content.decode()
    assert 'id="checkin-form"' not in page.content.decode()


def test_the_page_refuses_a_party_too_large(client):
    page = client.post(checkin_url(listed_place()), {"party": "12"})

    assert page.status_code == 422
    assert "between 1 and 10" in page.content.decode()
    assert not Visit.objects.exists()


def test_the_page_of_an_uncertified_place_says_so(client):
    place = f.place(name="Warung Bu Ti")

    page = client.get(checkin_url(place))

    assert page.status_code == 409
    assert "Warung Bu Ti does not take check-ins now" in page.content.decode()


def test_a_place_not_listed_is_not_found_with_a_made_up_code(client):
    place = f.place(name="Rahasia", status=Place.Status.APPLIED)

    page = client.get(checkin_url(place, "A" * 24))

    assert page.status_code == 404
    assert "Rahasia" not in page.content.decode()


def test_an_unknown_checkout_page_is_not_found(client):
    assert client.get("/tourism/out/unknown/").status_code == 404


def test_a_visit_past_its_stay_says_it_ended(client):
    place = listed_place()
    token = check_in(client, place).json()["token"]
    Visit.objects.filter(token=token).update(
        checked_in_at=timezone.now() - dt.timedelta(hours=5), counts_until=timezone.now() - dt.timedelta(hours=3)
    )

    page = client.get(f"/tourism/out/{token}/")

    assert "has ended: it no longer counts" in page.content.decode()


def test_the_code_path_is_the_qr_url():
    place = listed_place()

    assert codes.checkin_path(place, "ABC") == f"/tourism/in/{place.pk}/ABC/"
