"""An officer registers travellers at the checkpoint desk: page and API."""

import json

import pytest

from smartkampung.audit.models import AuditEntry
from smartkampung.checkpoints.models import Arrival, Outcome
from smartkampung.checkpoints.services import create_entry_rule
from smartkampung.checkpoints.tests.fixtures import BAKUNGAN, BALI_NIK, JEMBER_NIK, RESIDENT_NIK, arrival
from smartkampung.health.models import EntryRule
from smartkampung.notifications.models import Notification


def desk_form(**overrides) -> dict:
    """A registration as the desk's form posts it (no checkpoint field, no empty symptom list)."""
    return {k: v for k, v in arrival(**overrides).items() if k not in {"checkpoint", "symptoms"}}


def post_api(client, body: dict):
    return client.post("/api/v1/arrivals", json.dumps(body), content_type="application/json")


def test_an_officer_registers_a_traveller_and_gets_the_outcome_at_once(officer_client):
    response = post_api(officer_client, arrival())
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["outcome"] == "allowed" and body["reasons"][0]["code"] == "clear"
    # Derived from the NIK where not typed: sex and birth date; the origin is the one the officer chose.
    assert (body["sex"], body["birth_date"], body["origin_regency"]) == ("female", "1988-03-02", "3509")
    assert body["phone"] == "+6281234567891" and body["name"] == "SITI AMINAH"
    saved = Arrival.objects.get(pk=body["id"])
    assert saved.vehicle_plate == "P 1234 AB" and saved.rule_id is not None


def test_the_destination_village_is_notified_in_the_same_transaction(officer_client):
    body = post_api(officer_client, arrival()).json()
    notice = Notification.objects.get(subject_type="arrival", subject_id=body["id"])
    assert notice.kind == "arrival" and notice.village_id == BAKUNGAN
    assert notice.summary["name"] == "SITI AMINAH" and notice.summary["outcome"] == "allowed"


def test_bad_input_is_refused_in_words_and_nothing_is_written(officer_client):
    response = post_api(
        officer_client, arrival(nik="1234", phone="12", temperature="hot", destination_village="3509011001")
    )
    assert response.status_code == 422
    fields = {e["field"] for e in response.json()["errors"]}
    assert {"nik", "phone", "temperature", "destination_village"} <= fields
    assert not Arrival.objects.exists() and not Notification.objects.exists()


def test_a_traveller_from_a_banned_origin_is_refused_and_the_village_is_told(officer_client, health):
    create_entry_rule(user=health, values={"banned_origins": "51", "note": "Bali ditutup"})
    body = post_api(officer_client, arrival(nik=BALI_NIK, name="Made Wirawan", origin_regency="5171")).json()
    assert body["outcome"] == "refused" and "Bali" in body["reasons"][0]["text"]
    assert Notification.objects.get(subject_id=body["id"]).kind == "refusal"


def test_a_resident_coming_home_from_a_banned_origin_enters_under_monitoring(officer_client, health, resident):
    create_entry_rule(user=health, values={"banned_origins": ["51"], "note": "Bali ditutup"})
    body = post_api(officer_client, arrival(nik=RESIDENT_NIK, name="Warsidi", origin_regency="5171")).json()
    assert body["outcome"] == "odr" and body["resident"] is True and body["monitoring_until"]


def test_a_fever_refers_the_traveller_to_the_puskesmas(officer_client):
    body = post_api(officer_client, arrival(temperature="38,1", symptoms=["cough"])).json()
    assert body["outcome"] == "referred"
    assert [r["code"] for r in body["reasons"]] == ["temperature", "symptoms"]


def test_the_same_nik_again_shows_the_earlier_entry_until_the_officer_confirms(officer_client):
    first = post_api(officer_client, arrival()).json()
    again = post_api(officer_client, arrival())
    assert again.status_code == 409 and again.json()["earlier"]["id"] == first["id"]
    confirmed = post_api(officer_client, arrival(repeat_confirmed=True))
    assert confirmed.status_code == 201 and Arrival.objects.count() == 2


def test_a_rule_change_applies_to_new_registrations_only_and_is_audited(officer_client, health):
    before = post_api(officer_client, arrival()).json()
    rule = create_entry_rule(user=health, values={"high_risk_origins": ["3509"], "note": "Jember zona merah"})
    after = post_api(officer_client, arrival(repeat_confirmed=True)).json()
    assert (before["outcome"], after["outcome"]) == ("allowed", "odr")
    assert Arrival.objects.get(pk=before["id"]).rule_id != rule.pk == Arrival.objects.get(pk=after["id"]).rule_id
    entry = AuditEntry.objects.get(object_type="entry_rule")
    assert entry.actor == health and entry.changes["high_risk_origins"] == ["[]", "['3509']"]


def test_only_the_health_agency_sets_rules(client, officer, operator):
    for user in (officer, operator):
        client.force_login(user)
        response = client.post(
            "/api/v1/entry-rules", json.dumps({"banned_origins": ["51"]}), content_type="application/json"
        )
        assert response.status_code == 403
    assert not EntryRule.objects.filter(banned_origins=["51"]).exists()


def test_an_officer_cannot_register_at_another_checkpoint(officer_client):
    response = post_api(officer_client, arrival(checkpoint="bajulmati"))
    assert response.status_code == 403 and not Arrival.objects.exists()


def test_the_lookup_prefills_a_resident_from_the_register_and_is_audited(officer_client, resident):
    body = officer_client.get(f"/api/v1/arrivals/lookup?checkpoint=ketapang&nik={RESIDENT_NIK}").json()
    assert body["resident"] is True and body["name"] == "WARSIDI" and body["home_village"] == BAKUNGAN
    assert body["phone"] == "+6281234567890" and body["home_address"] == "JL. KOPI 7"
    assert AuditEntry.objects.filter(object_type="arrival_lookup", subject=RESIDENT_NIK).exists()


def test_the_desk_page_registers_in_one_step_and_shows_the_outcome_without_reload(officer_client):
    page = officer_client.get("/checkpoints/", follow=True)
    assert page.status_code == 200 and "Pos Pantau Pelabuhan Ketapang" in page.content.decode()
    form = {k: v for k, v in arrival().items() if k not in {"checkpoint", "symptoms"}}
    part = officer_client.post("/checkpoints/ketapang/", {**form, "temperature": "38.0"}, HTTP_HX_REQUEST="true")
    html = part.content.decode()
    assert part.status_code == 200 and "outcome-referred" in html and "<html" not in html
    # The form is ready for the next car: empty again.
    assert 'value="SITI AMINAH"' not in html and Arrival.objects.get().outcome == Outcome.REFERRED


def test_the_desk_page_shows_errors_on_the_fields(officer_client):
    # htmx swaps no 4xx answer: the desk's part comes with a 200 so that the officer sees the errors.
    part = officer_client.post("/checkpoints/ketapang/", {"nik": JEMBER_NIK}, HTTP_HX_REQUEST="true")
    assert part.status_code == 200 and "errorbox" in part.content.decode() and not Arrival.objects.exists()
    page = officer_client.post("/checkpoints/ketapang/", {"nik": JEMBER_NIK})
    assert page.status_code == 422 and "errorbox" in page.content.decode()


def test_the_desk_shows_only_the_checks_errors_not_the_forms_generic_ones(officer_client):
    """The sex comes from the NIK when none is chosen: no "required" on it, one message on the origin."""
    response = officer_client.post("/checkpoints/ketapang/", {**desk_form(), "origin_regency": ""})
    errors = response.context["form"].errors
    assert response.status_code == 422 and list(errors) == ["origin_regency"] and len(errors["origin_regency"]) == 1


def test_the_desk_lookup_fills_the_form_for_a_resident(officer_client, resident):
    part = officer_client.get(f"/checkpoints/ketapang/lookup/?nik={RESIDENT_NIK}", HTTP_HX_REQUEST="true")
    html = part.content.decode()
    assert 'value="WARSIDI"' in html and f'value="{BAKUNGAN}" selected' in html


@pytest.mark.parametrize("who", ["operator", "health"])
def test_staff_see_arrivals_of_their_jurisdiction(client, officer_client, request, who):
    made = post_api(officer_client, arrival()).json()
    client.force_login(request.getfixturevalue(who))
    listed = client.get("/api/v1/arrivals").json()
    assert [a["id"] for a in listed["items"]] == [made["id"]]
    assert client.get(f"/checkpoints/arrivals/{made['id']}/").status_code == 200


def test_an_operator_of_another_village_sees_no_arrival(client, officer_client, django_user_model):
    from smartkampung.accounts.services import assign_role

    made = post_api(officer_client, arrival()).json()
    other = django_user_model.objects.create_user("operator.sarongan")
    assign_role(user=other, role="village_operator", village_code="3510012001")
    client.force_login(other)
    assert client.get("/api/v1/arrivals").json()["count"] == 0
    assert client.get(f"/api/v1/arrivals/{made['id']}").status_code == 404
    assert client.get(f"/checkpoints/arrivals/{made['id']}/").status_code == 404


def test_rules_are_unchanged_when_the_new_rule_is_invalid(client, health):
    client.force_login(health)
    response = client.post(
        "/api/v1/entry-rules",
        json.dumps({"banned_origins": ["99"], "temperature_threshold": 50, "isolation_days": 0}),
        content_type="application/json",
    )
    assert response.status_code == 422
    assert {e["field"] for e in response.json()["errors"]} == {
        "banned_origins",
        "temperature_threshold",
        "isolation_days",
    }
    assert not EntryRule.objects.exists()


def test_the_rules_page_names_places_and_symptoms_in_words(client, health):
    create_entry_rule(
        user=health, values={"banned_origins": "51 3578", "referral_symptoms": ["smell_taste"], "note": "x"}
    )
    client.force_login(health)
    page = client.get("/checkpoints/rules/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Bali (51)" in page and "Kota Surabaya (3578)" in page
    assert "<dd>loss of smell or taste</dd>" in page  # the label, not the stored code
