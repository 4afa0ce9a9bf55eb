"""A citizen looks up and cancels their own bed reservation by its code with NIK and KK number (the second factor
of reserving, counted against the same rate limits); the village is told, with the arrival day and a link."""

import datetime as dt
import json
import re
from decimal import Decimal

import pytest
from django.test import Client
from django.utils import timezone

from smartkampung.accounts.services import assign_role
from smartkampung.audit.models import AuditEntry
from smartkampung.core.ratelimit import Limit
from smartkampung.isolation import api
from smartkampung.isolation.models import IsolationHouse, Reservation
from smartkampung.isolation.tests.fixtures import BAKUNGAN, KK, house, reserve, residents
from smartkampung.notifications.models import Notification
from smartkampung.notifications.services import dispatch_batch
from smartkampung.population.tests.factories import SARONGAN

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("regions")]


WRONG_KK = "3510150101109999"


def citizen(n: int) -> Client:
    """A phone of its own (its own address, so its own rate-limit counters)."""
    return Client(REMOTE_ADDR=f"10.20.0.{n}", HTTP_ACCEPT_LANGUAGE="en")


def own(client: Client, action: str, code: str, nik: str, kk: str = KK):
    return client.post(
        f"/api/v1/public/isolation-reservations/{action}",
        json.dumps({"code": code, "nik": nik, "kk_number": kk}),
        content_type="application/json",
    )


def contact_house(beds: int = 1) -> IsolationHouse:
    return house(beds=beds, contact_name="Bu Sri", contact_phone="+6281234500011")


def free_beds(client: Client, house_id: int) -> int:
    listed = client.get("/api/v1/public/isolation-houses?limit=500").json()
    return sum(h["free_any"] + h["free_male"] + h["free_female"] for h in listed if h["id"] == house_id)


# ---------------------------------------------------------------- look-up


def test_the_citizen_looks_up_the_reservation_with_the_house_contact_and_a_map_link():
    nik = residents(1)[0]
    place = contact_house()
    code = reserve(citizen(1), place.pk, nik, days=3).json()["code"]

    found = own(citizen(2), "lookup", code.lower(), nik)

    assert found.status_code == 200, found.content
    body = found.json()
    assert body["status"] == "held" and body["may_cancel"] is True
    assert body["house"] == "Rumah Isolasi Uji" and body["contact_phone"] == "+6281234500011"
    assert body["expected_arrival"] == (timezone.localdate() + dt.timedelta(days=3)).isoformat()
    assert body["map_url"] == (
        "https://www.openstreetmap.org/?mlat=-8.221000&mlon=114.344000#map=17/-8.221000/114.344000"
    )


def test_a_wrong_kk_someone_elses_nik_and_an_unknown_code_get_one_answer():
    first, second = residents(2)
    place = contact_house(beds=2)
    code = reserve(citizen(1), place.pk, first).json()["code"]
    reserve(citizen(1), place.pk, second)

    answers = [
        own(citizen(2), "lookup", code, first, kk=WRONG_KK),  # the KK number is wrong
        own(citizen(3), "lookup", code, second),  # a family member's NIK with the right KK number
        own(citizen(4), "lookup", "ZZZZ2222", first),  # no such code
        own(citizen(5), "cancel", code, second),
        own(citizen(6), "cancel", "ZZZZ2222", first),
    ]

    assert {a.status_code for a in answers} == {404}
    assert len({json.dumps(a.json(), sort_keys=True) for a in answers}) == 1
    assert Reservation.objects.filter(status="held").count() == 2


def test_numbers_in_the_wrong_form_are_told_and_never_a_500():
    nik = residents(1)[0]
    code = reserve(citizen(1), contact_house().pk, nik).json()["code"]

    short = own(citizen(2), "lookup", code, nik[:10])
    empty = own(citizen(3), "cancel", "  ", nik)
    not_json = citizen(4).post("/api/v1/public/isolation-reservations/cancel", "[1]", content_type="application/json")
    missing = citizen(5).post(
        "/api/v1/public/isolation-reservations/lookup", json.dumps({"code": code}), content_type="application/json"
    )

    assert short.status_code == 422 and short.json()["errors"][0]["field"] == "nik"
    assert empty.status_code == 422 and empty.json()["errors"][0]["field"] == "code"
    assert not_json.status_code in (400, 422) and missing.status_code == 422
    nothing = citizen(6).post("/isolation/reservation/cancel/", {})
    assert nothing.status_code == 422 and 'id="reservation-errors"' in nothing.content.decode()
    assert Reservation.objects.get().status == "held"


def test_look_up_and_cancel_count_against_the_limits_of_reserving(monkeypatch):
    # Five a day rather than a minute: the test never straddles the limit's window.
    monkeypatch.setattr(api, "RESERVE_LIMITS", (Limit(5, 86400),))
    nik = residents(1)[0]
    place = contact_house()
    phone = citizen(1)
    code = reserve(phone, place.pk, nik).json()["code"]
    for _ in range(3):
        assert own(phone, "lookup", code, nik, kk=WRONG_KK).status_code == 404
    assert own(phone, "lookup", code, nik).status_code == 200  # the limit's last request

    refused = [own(phone, "lookup", code, nik), own(phone, "cancel", code, nik), reserve(phone, place.pk, nik)]
    page = phone.post("/isolation/reservation/cancel/", {"code": code, "nik": nik, "kk_number": KK})

    assert [r.status_code for r in refused] == [429, 429, 429]
    assert all(int(r["Retry-After"]) > 0 for r in refused)
    assert page.status_code == 429 and int(page["Retry-After"]) > 0
    assert Reservation.objects.get().status == "held"


# ---------------------------------------------------------------- cancel


def test_cancelling_frees_the_bed_tells_the_village_and_is_harmless_twice():
    first, second = residents(2)
    place = contact_house(beds=1)
    code = reserve(citizen(1), place.pk, first).json()["code"]
    assert free_beds(citizen(1), place.pk) == 0

    done = own(citizen(2), "cancel", code, first)
    again = own(citizen(3), "cancel", code, first)

    assert done.status_code == again.status_code == 200
    assert done.json()["status"] == again.json()["status"] == "cancelled"
    assert done.json()["detail"] == "Your reservation is cancelled. The bed is free for someone else."
    assert again.json()["detail"] == "This reservation was cancelled already."
    assert done.json()["may_cancel"] is False
    assert free_beds(citizen(1), place.pk) == 1
    # One audit entry and one notification, however often it is asked.
    changes = AuditEntry.objects.filter(object_type="reservation", action="update")
    assert [c.changes for c in changes] == [{"status": ["held", "cancelled"]}]
    assert changes.get().detail["public"] is True and changes.get().object_ids == [first]
    told = Notification.objects.filter(kind="bed_cancelled")
    assert told.count() == 1 and told.get().village_id == BAKUNGAN and told.get().summary["code"] == code
    # The person may reserve again (the one-bed-per-person rule counts only what they hold), others too.
    assert reserve(citizen(4), place.pk, second).status_code == 201
    assert reserve(citizen(5), contact_house(beds=1).pk, first).status_code == 201


def test_a_guest_checked_in_or_a_lapsed_hold_cannot_be_cancelled_in_clear_words(django_user_model):
    first, second, third = residents(3)
    place = contact_house(beds=3)
    codes = [reserve(citizen(1), place.pk, nik).json()["code"] for nik in (first, second, third)]
    operator = django_user_model.objects.create_user("operator.bakungan")
    assign_role(user=operator, role="village_operator", village_code=BAKUNGAN)
    staff = Client()
    staff.force_login(operator)
    assert staff.post(f"/api/v1/isolation/reservations/{codes[0]}/check-in").status_code == 200
    Reservation.objects.filter(code=codes[1]).update(hold_until=timezone.now() - dt.timedelta(minutes=1))
    assert staff.post(f"/api/v1/isolation/reservations/{codes[2]}/check-in").status_code == 200
    assert staff.post(f"/api/v1/isolation/reservations/{codes[2]}/check-out").status_code == 200

    checked_in = own(citizen(2), "cancel", codes[0], first)
    lapsed = own(citizen(3), "cancel", codes[1], second)
    over = own(citizen(4), "cancel", codes[2], third)

    assert checked_in.status_code == lapsed.status_code == over.status_code == 409
    assert "checked in at the house already" in checked_in.json()["detail"]
    assert "lapsed" in lapsed.json()["detail"] and "stay is over" in over.json()["detail"]
    assert own(citizen(5), "lookup", codes[1], second).json()["status"] == "lapsed"
    assert list(Reservation.objects.order_by("code").values_list("code", "status")) == sorted(
        zip(codes, ["checked_in", "held", "checked_out"], strict=True)
    )


# ---------------------------------------------------------------- the pages


def test_the_confirmation_shows_the_code_the_contact_a_map_link_and_how_to_cancel():
    nik = residents(1)[0]
    place = contact_house()
    day = (timezone.localdate() + dt.timedelta(days=2)).strftime("%d-%m-%Y")
    form = {"nik": nik, "kk_number": KK, "phone": "081234567890", "expected_arrival": day}

    done = citizen(1).post(f"/isolation/{place.pk}/reserve/", form)

    page = done.content.decode()
    code = Reservation.objects.get().code
    assert done.status_code == 201
    assert f'id="reservation-code" data-code="{code}">{code}<' in page
    assert 'href="tel:+6281234500011"' in page and day in page
    assert 'id="house-map-link"' in page and "https://www.openstreetmap.org/?mlat=-8.221000&amp;mlon=114.344000" in page
    assert f'href="/isolation/reservation/cancel/?code={code}"' in page


def test_the_citizen_cancels_on_the_web_with_the_csrf_token():
    nik = residents(1)[0]
    place = contact_house()
    code = reserve(citizen(1), place.pk, nik).json()["code"]
    phone = Client(enforce_csrf_checks=True, REMOTE_ADDR="10.20.1.1")

    form_page = phone.get(f"/isolation/reservation/cancel/?code={code}")
    token = phone.cookies["csrftoken"].value
    forged = phone.post("/isolation/reservation/cancel/", {"code": code, "nik": nik, "kk_number": KK})
    signed = {"code": code, "nik": nik, "csrfmiddlewaretoken": token}
    wrong = phone.post("/isolation/reservation/cancel/", {**signed, "kk_number": WRONG_KK})
    done = phone.post("/isolation/reservation/cancel/", {**signed, "kk_number": KK})

    assert form_page.status_code == 200 and f'value="{code}"' in form_page.content.decode()
    assert 'id="reservation-cancel-form"' in form_page.content.decode()
    assert forged.status_code == 403
    assert wrong.status_code == 404 and 'id="reservation-errors"' in wrong.content.decode()
    assert done.status_code == 200
    assert 'id="reservation-status" data-status="cancelled"' in done.content.decode()
    assert 'id="reservation-message"' in done.content.decode()
    assert Reservation.objects.get().status == "cancelled"


def test_the_look_up_page_shows_the_reservation_and_offers_to_cancel_it():
    nik = residents(1)[0]
    code = reserve(citizen(1), contact_house().pk, nik).json()["code"]
    phone = citizen(2)

    typed = f" {code[:4]}-{code[4:].lower()} "  # as people type it
    found = phone.post("/isolation/reservation/", {"code": typed, "nik": nik, "kk_number": KK})
    page = found.content.decode()
    cancel_form = page.split('id="reservation-cancel-form"')[1].split("</form>")[0]
    fields = dict(re.findall(r'name="(code|nik|kk_number)" value="([^"]*)"', cancel_form))
    done = phone.post("/isolation/reservation/cancel/", fields)

    assert found.status_code == 200 and 'data-status="held"' in page and 'href="tel:+6281234500011"' in page
    assert fields == {"code": code, "nik": nik, "kk_number": KK}
    # The answer carries the NIK and KK in its form: no browser or proxy may keep it.
    assert "no-store" in found["Cache-Control"] and "no-store" in done["Cache-Control"]
    assert done.status_code == 200 and Reservation.objects.get().status == "cancelled"
    again = phone.post("/isolation/reservation/", fields).content.decode()
    assert 'data-status="cancelled"' in again and 'id="reservation-cancel-form"' not in again


def test_reserving_a_second_bed_links_to_the_cancel_page():
    nik = residents(1)[0]
    reserve(citizen(1), contact_house().pk, nik)
    day = (timezone.localdate() + dt.timedelta(days=1)).strftime("%d-%m-%Y")
    form = {"nik": nik, "kk_number": KK, "phone": "081234567890", "expected_arrival": day}

    refused = citizen(2).post(f"/isolation/{contact_house().pk}/reserve/", form)

    assert refused.status_code == 409
    assert '<a href="/isolation/reservation/cancel/" id="cancel-first-link">' in refused.content.decode()
    assert citizen(3).get("/isolation/reservation/cancel/").status_code == 200


# ---------------------------------------------------------------- what the village is told


def test_the_village_is_told_the_arrival_day_and_links_to_the_house_it_may_see(django_user_model):
    nik = residents(1)[0]
    place = contact_house()
    arrival = timezone.localdate() + dt.timedelta(days=4)
    code = reserve(citizen(1), place.pk, nik, days=4).json()["code"]
    own(citizen(2), "cancel", code, nik)
    dispatch_batch()
    here = django_user_model.objects.create_user("operator.bakungan")
    assign_role(user=here, role="village_operator", village_code=BAKUNGAN)
    elsewhere = django_user_model.objects.create_user("operator.sarongan")
    assign_role(user=elsewhere, role="village_operator", village_code=SARONGAN)
    staff = Client(HTTP_ACCEPT_LANGUAGE="en")
    staff.force_login(here)

    page = staff.get("/notifications/").content.decode()
    house_page = f"/isolation/houses/{place.pk}/"

    for kind, link in (("reservation", f"{house_page}#reservation-{code}"), ("bed_cancelled", house_page)):
        item = Notification.objects.get(kind=kind)
        shown = page.split(f'id="notification-{item.pk}"')[1].split("</li>")[0]
        assert f"<dt>Expected arrival</dt><dd>{arrival:%d-%m-%Y}</dd>" in shown
        assert f'href="{link}"' in shown
    assert staff.get(house_page).status_code == 200
    staff.force_login(elsewhere)
    assert staff.get(house_page).status_code == 404


def test_the_house_page_marks_each_guest_for_the_notification_link(django_user_model):
    nik = residents(1)[0]
    place = contact_house()
    code = reserve(citizen(1), place.pk, nik).json()["code"]
    operator = django_user_model.objects.create_user("operator.bakungan")
    assign_role(user=operator, role="village_operator", village_code=BAKUNGAN)
    staff = Client()
    staff.force_login(operator)

    assert f'id="reservation-{code}"' in staff.get(f"/isolation/houses/{place.pk}/").content.decode()


def test_a_house_without_a_village_tells_no_village():
    nik = residents(1)[0]
    central = IsolationHouse.objects.create(
        name="RS Darurat", is_central=True, address="Jl. A", latitude=Decimal("-8.2"), longitude=Decimal("114.3"),
        beds_any=5,
    )  # fmt: skip
    code = reserve(citizen(1), central.pk, nik).json()["code"]

    assert own(citizen(2), "cancel", code, nik).json()["status"] == "cancelled"
    assert not Notification.objects.exists()
