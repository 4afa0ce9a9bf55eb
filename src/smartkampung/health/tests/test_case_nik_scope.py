"""Opening a case by NIK reads the register only within the user's scope (issue 13, security 2): a village
operator who types a NIK from another kecamatan learns nothing about that person, whether they are in the
register, and whether they are monitored there. The case takes what was typed."""

import json
import re

import pytest

from smartkampung.checkpoints.tests.fixtures import *  # noqa: F403
from smartkampung.checkpoints.tests.fixtures import BAKUNGAN, SARONGAN
from smartkampung.health.models import MonitoringCase
from smartkampung.health.tests.fixtures import *  # noqa: F403
from smartkampung.health.tests.fixtures import open_case
from smartkampung.population.tests.factories import make_household, make_resident

# Three men born 17-08-1985 in Kec. Pesanggaran (Sarongan): one in the register and monitored there, one in
# the register only, one nowhere.
MONITORED_ELSEWHERE, REGISTERED_ELSEWHERE, UNKNOWN = "3510011708850001", "3510011708850003", "3510011708850005"
OUTSIDE_NAME, OUTSIDE_PHONE = "Budi Santoso", "081399887766"
OUTSIDE_WORDS = ("BUDI", "Budi", "SANTOSO", "Santoso", "081399887766", "+6281399887766", "Sarongan", "SARONGAN")


@pytest.fixture
def elsewhere(regions, health):
    make_household(village_code=SARONGAN)
    for nik in (MONITORED_ELSEWHERE, REGISTERED_ELSEWHERE):
        make_resident(nik=nik, name=OUTSIDE_NAME, phone=OUTSIDE_PHONE)
    open_case(health, name=OUTSIDE_NAME, village=SARONGAN, nik=MONITORED_ELSEWHERE, phone=OUTSIDE_PHONE)


def _api_open(client, nik: str, **extra):
    return client.post(
        "/api/v1/health/cases",
        json.dumps({"nik": nik, "village": BAKUNGAN, "address": "Jl. Kopi 7"} | extra),
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="en",
    )


def _without_identity(body: dict, nik: str) -> dict:
    assert body.pop("nik") == nik
    body.pop("id")
    return body


@pytest.mark.django_db
@pytest.mark.parametrize("typed", [{}, {"name": "Pendatang"}, {"name": "Pendatang", "phone": "0812 1111 2222"}])
def test_the_api_answers_the_same_for_an_outside_nik_as_for_an_unknown_one(client, operator, elsewhere, typed):
    client.force_login(operator)
    answers = {}
    for nik in (MONITORED_ELSEWHERE, REGISTERED_ELSEWHERE, UNKNOWN):
        response = _api_open(client, nik, **typed)
        assert response.status_code == 201, response.content
        assert not any(word in response.content.decode() for word in OUTSIDE_WORDS)
        answers[nik] = _without_identity(response.json(), nik)
    assert answers[MONITORED_ELSEWHERE] == answers[REGISTERED_ELSEWHERE] == answers[UNKNOWN]
    # The case took what was typed, and is not linked to the outside record.
    for case in MonitoringCase.objects.filter(village_id=BAKUNGAN):
        assert (case.name.upper(), case.resident_id) == (typed.get("name", "").upper(), None)
        assert case.phone.endswith("81211112222") if "phone" in typed else case.phone == ""
    # The monitoring elsewhere goes on untouched; the health agency now sees both cases of that NIK.
    assert MonitoringCase.objects.filter(nik=MONITORED_ELSEWHERE, outcome="").count() == 2


def _page_open(client, nik: str):
    return client.post(
        "/health/cases/new/",
        {"nik": nik, "village": BAKUNGAN, "place": "home", "address": "Jl. Kopi 7"},
        HTTP_ACCEPT_LANGUAGE="en",
    )


@pytest.mark.django_db
def test_the_page_answers_the_same_for_an_outside_nik_as_for_an_unknown_one(client, operator, elsewhere):
    client.force_login(operator)
    pages = {}
    for nik in (MONITORED_ELSEWHERE, REGISTERED_ELSEWHERE, UNKNOWN):
        response = _page_open(client, nik)
        assert response.status_code == 302, response.content[:800]
        assert re.fullmatch(r"/health/cases/\d+/", response["Location"])
        detail = client.get(response["Location"], HTTP_ACCEPT_LANGUAGE="en")
        assert detail.status_code == 200
        body = detail.content.decode()
        assert not any(word in body for word in OUTSIDE_WORDS), [w for w in OUTSIDE_WORDS if w in body]
        pages[nik] = re.sub(r"csrfmiddlewaretoken\" value=\"[^\"]+|/health/cases/\d+/|\b\d{16}\b", "", body)
    assert pages[MONITORED_ELSEWHERE] == pages[REGISTERED_ELSEWHERE] == pages[UNKNOWN]


@pytest.mark.django_db
def test_a_case_the_user_can_see_is_still_not_opened_twice(client, operator, elsewhere):
    """The refusal stays where it tells nothing new: the operator's own village's open case."""
    client.force_login(operator)
    assert _api_open(client, UNKNOWN, name="Pendatang").status_code == 201
    again = _api_open(client, UNKNOWN, name="Pendatang")
    assert again.status_code == 409
    assert "already under monitoring" in again.json()["detail"]
    assert MonitoringCase.objects.filter(nik=UNKNOWN).count() == 1


@pytest.mark.django_db
def test_the_register_still_fills_a_case_within_the_users_scope(client, health, elsewhere):
    """The health agency reads the whole regency's register: the name comes from it."""
    client.force_login(health)
    response = _api_open(client, REGISTERED_ELSEWHERE)
    assert response.status_code == 201, response.content
    assert response.json()["name"].upper() == "BUDI SANTOSO"


@pytest.mark.django_db
def test_a_newcomer_found_with_an_outside_nik_reads_like_an_unknown_one(client, operator, elsewhere):
    """The other door an operator opens a case by: reporting a newcomer found in the village."""
    from smartkampung.checkpoints.models import Arrival

    client.force_login(operator)
    pages = {}
    for nik in (MONITORED_ELSEWHERE, REGISTERED_ELSEWHERE, UNKNOWN):
        response = client.post(
            "/checkpoints/found/new/",
            {"nik": nik, "description": "Laki-laki", "found_at": "Pos ronda RT 2", "destination_village": BAKUNGAN},
            HTTP_ACCEPT_LANGUAGE="en",
        )
        assert response.status_code == 302, response.content[:800]
        arrival = Arrival.objects.get(nik=nik)
        assert arrival.resident_id is None
        assert MonitoringCase.objects.filter(nik=nik, village_id=BAKUNGAN, outcome="").count() == 1
        body = client.get(response["Location"], HTTP_ACCEPT_LANGUAGE="en").content.decode()
        assert not any(word in body for word in OUTSIDE_WORDS)
        pages[nik] = re.sub(r"csrfmiddlewaretoken\" value=\"[^\"]+|/\d+/|\b\d{16}\b|\d\d:\d\d", "", body)
    assert pages[MONITORED_ELSEWHERE] == pages[REGISTERED_ELSEWHERE] == pages[UNKNOWN]
