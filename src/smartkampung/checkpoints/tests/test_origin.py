"""Where a traveller comes from is asked at the desk every time, never taken from the home address: a
resident of Banyuwangi coming home from Bali comes from Bali, and the entry rules judge Bali. Only what a
pre-registration states (the traveller said it) may fill the field in."""

import json
import re

from smartkampung.checkpoints.models import Arrival, PreRegistration
from smartkampung.checkpoints.services import create_entry_rule
from smartkampung.checkpoints.tests.fixtures import (
    BAKUNGAN,
    BANYUWANGI,
    DENPASAR,
    JEMBER,
    JEMBER_NIK,
    RESIDENT_NIK,
    announce,
    arrival,
)
from smartkampung.notifications.models import Notification


def _origin_select(html: str) -> str:
    found = re.search(r'<select name="origin_regency".*?</select>', html, re.S)
    assert found, "the desk has no origin field"
    return found.group(0)


def _chosen(select: str) -> list[str]:
    return re.findall(r'<option value="(\d+)" selected>', select)


def _desk_form(**overrides) -> dict:
    values = {k: v for k, v in arrival(**overrides).items() if k not in {"checkpoint", "symptoms"}}
    return {k: v for k, v in values.items() if v is not None}


def test_looking_up_a_resident_at_the_desk_leaves_where_they_come_from_to_ask(officer_client, resident):
    html = officer_client.get(f"/checkpoints/ketapang/lookup/?nik={RESIDENT_NIK}", HTTP_HX_REQUEST="true").content
    html = html.decode()
    assert 'value="WARSIDI"' in html and f'value="{BAKUNGAN}" selected' in html  # the register still fills the rest
    select = _origin_select(html)
    assert _chosen(select) == [] and 'value="" selected' in select
    assert f'<option value="{BANYUWANGI}">' in select  # offered, not chosen
    assert "required" in select


def test_registering_without_an_origin_is_refused_on_that_field_and_nothing_is_saved(officer_client, resident):
    response = officer_client.post(
        "/checkpoints/ketapang/",
        _desk_form(nik=RESIDENT_NIK, name="Warsidi", origin_regency=""),
        HTTP_HX_REQUEST="true",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    html = response.content.decode()
    assert response.status_code == 200 and 'id="form-errors"' in html  # htmx swaps only a 2xx answer
    field = html[html.index('name="origin_regency"') - 600 : html.index('name="origin_regency"')]
    assert "Choose the regency or city the traveller comes from." in html and "errorlist" in field
    assert not Arrival.objects.exists() and not Notification.objects.exists()


def test_a_resident_coming_home_from_bali_is_judged_as_coming_from_bali(officer_client, resident, health):
    create_entry_rule(user=health, values={"banned_origins": "51", "note": "Bali ditutup"})
    response = officer_client.post(
        "/checkpoints/ketapang/",
        _desk_form(nik=RESIDENT_NIK, name="Warsidi", origin_regency=DENPASAR),
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200, response.content.decode()[:500]
    saved = Arrival.objects.get()
    assert saved.origin_regency_id == DENPASAR and saved.resident_id is not None
    # Coming home from a banned area: let in, under monitoring (a resident of Banyuwangi would be "allowed").
    assert saved.outcome == "odr" and saved.reasons[0][0] == "resident_from_banned"
    assert "outcome-odr" in response.content.decode()


def test_the_api_refuses_an_arrival_without_an_origin_instead_of_reading_the_nik(officer_client, resident):
    body = arrival(nik=RESIDENT_NIK, name="Warsidi")
    del body["origin_regency"]
    response = officer_client.post("/api/v1/arrivals", json.dumps(body), content_type="application/json")
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == ["origin_regency"]
    assert not Arrival.objects.exists()


def test_the_api_look_up_offers_no_origin_for_a_resident(officer_client, resident):
    body = officer_client.get(f"/api/v1/arrivals/lookup?checkpoint=ketapang&nik={RESIDENT_NIK}").json()
    assert body["resident"] is True and body["home_village"] == BAKUNGAN
    assert body["origin_regency"] is None and body["origin"] == ""


def test_a_pre_registrations_stated_origin_fills_the_desk_in(client, regions, officer_client):
    code = announce(client, origin_regency=DENPASAR).json()["code"]
    html = officer_client.get(f"/checkpoints/ketapang/lookup/?code={code}", HTTP_HX_REQUEST="true").content.decode()
    assert _chosen(_origin_select(html)) == [DENPASAR]
    looked_up = officer_client.get(f"/api/v1/arrivals/lookup?checkpoint=ketapang&nik={JEMBER_NIK}").json()
    assert looked_up["origin_regency"] == DENPASAR


def test_a_pre_registration_without_an_origin_does_not_take_the_niks_regency(client, regions, officer_client):
    code = announce(client).json()["code"]
    assert PreRegistration.objects.get(code=code).origin_regency_id is None
    html = officer_client.get(f"/checkpoints/ketapang/lookup/?code={code}", HTTP_HX_REQUEST="true").content.decode()
    select = _origin_select(html)
    assert _chosen(select) == [] and f'<option value="{JEMBER}">' in select


def test_a_newcomer_found_in_the_village_gets_no_origin_from_the_nik(client, operator, resident):
    client.force_login(operator)
    response = client.post(
        "/checkpoints/found/new/",
        {"nik": RESIDENT_NIK, "found_at": "Pasar", "destination_village": BAKUNGAN},
    )
    assert response.status_code == 302, response.content.decode()[:500]
    assert Arrival.objects.get().origin_regency_id is None
