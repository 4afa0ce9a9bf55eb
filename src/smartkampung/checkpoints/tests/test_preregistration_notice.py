"""The destination village is told of an announced trip: the card says the expected arrival day
(DD-MM-YYYY) and links to the record, a page the village's staff may open and nobody outside may."""

import datetime as dt
import json

from django.test import Client
from django.utils import timezone

from smartkampung.accounts.services import assign_role
from smartkampung.audit.models import AuditEntry
from smartkampung.checkpoints.models import PreRegistration
from smartkampung.checkpoints.tests.fixtures import BAKUNGAN, DENPASAR, JEMBER_NIK, SARONGAN, arrival
from smartkampung.notifications.models import Notification
from smartkampung.notifications.services import dispatch_batch


def announce(days: int = 3, **overrides) -> PreRegistration:
    body = {
        "nik": JEMBER_NIK,
        "name": "Siti Aminah",
        "phone": "081234567891",
        "origin_regency": DENPASAR,
        "destination_village": BAKUNGAN,
        "destination_address": "Jl. Kopi 9",
        "expected_arrival": (timezone.localdate() + dt.timedelta(days=days)).strftime("%d%m%Y"),
    } | overrides
    response = Client().post("/api/v1/public/preregistrations", json.dumps(body), content_type="application/json")
    assert response.status_code == 201, response.content
    return PreRegistration.objects.get(code=response.json()["code"])


def staff(django_user_model, username: str, village: str) -> Client:
    user = django_user_model.objects.create_user(username)
    assign_role(user=user, role="village_operator", village_code=village)
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client


def test_the_villages_card_shows_the_arrival_day_and_links_to_the_record(regions, django_user_model):
    prereg = announce(days=3)
    day = (timezone.localdate() + dt.timedelta(days=3)).strftime("%d-%m-%Y")
    dispatch_batch()
    here = staff(django_user_model, "operator.bakungan", BAKUNGAN)

    page = here.get("/notifications/").content.decode()
    notice = Notification.objects.get(kind="preregistration")
    card = page.split(f'id="notification-{notice.pk}"')[1].split("</li>")[0]
    link = f"/checkpoints/preregistrations/{prereg.pk}/"
    assert f"<dt>Expected arrival</dt><dd>{day}</dd>" in card
    assert f'href="{link}"' in card
    # The machine-readable day stays ISO for the API and the webhook.
    assert notice.summary["expected_arrival"] == prereg.expected_arrival.isoformat()


def test_the_record_opens_for_the_village_and_for_nobody_outside(regions, django_user_model, client):
    prereg = announce(days=2)
    link = f"/checkpoints/preregistrations/{prereg.pk}/"
    here = staff(django_user_model, "operator.bakungan", BAKUNGAN)

    page = here.get(link)
    html = page.content.decode()
    assert page.status_code == 200
    assert f'data-expected-arrival="{prereg.expected_arrival.isoformat()}"' in html
    assert prereg.expected_arrival.strftime("%d-%m-%Y") in html and prereg.code in html and "Denpasar" in html
    assert AuditEntry.objects.filter(object_type="preregistration", action="view", subject=JEMBER_NIK).exists()

    elsewhere = staff(django_user_model, "operator.sarongan", SARONGAN)
    assert elsewhere.get(link).status_code == 404
    assert client.get(link).status_code == 302  # signed out: to the login page
    assert here.get("/checkpoints/preregistrations/999999/").status_code == 404


def test_once_arrived_the_record_links_to_the_arrival(regions, django_user_model, officer_client):
    prereg = announce(days=0)
    response = officer_client.post(
        "/api/v1/arrivals", json.dumps(arrival(preregistration_code=prereg.code)), content_type="application/json"
    )
    assert response.status_code == 201, response.content
    here = staff(django_user_model, "operator.bakungan", BAKUNGAN)
    html = here.get(f"/checkpoints/preregistrations/{prereg.pk}/").content.decode()
    assert f'href="/checkpoints/arrivals/{response.json()["id"]}/"' in html and 'data-status="arrived"' in html
