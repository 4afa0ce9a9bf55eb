"""Citizens: their own aid check (NIK + KK number, masked, rate-limited) and a village's public list."""

import pytest

from smartkampung.aid.tests.fixtures import family, listed, upload_list
from smartkampung.conftest import inside_one_rate_window


@pytest.fixture
def listed_family(client, register, programs, agency):
    head, spouse = family()[:2]
    client.force_login(agency)
    upload_list(client, programs["PKH"], [listed(head)])
    upload_list(client, programs["PRAKERJA"], [listed(spouse)])
    client.logout()
    return head, spouse


@pytest.mark.django_db
def test_a_citizen_sees_the_programs_of_their_household_with_names_masked(client, listed_family):
    head, spouse = listed_family
    answer = client.post(
        "/api/v1/public/aid/check", {"nik": spouse.nik, "kk_number": spouse.household.kk_number},
        content_type="application/json",
    )  # fmt: skip
    assert answer.status_code == 200
    body = answer.json()
    assert {(item["program"], item["is_you"]) for item in body["listings"]} == {("PKH", False), ("PRAKERJA", True)}
    assert head.name not in answer.content.decode() and spouse.name not in answer.content.decode()
    assert body["name"].startswith(spouse.name[:2]) and "*" in body["name"]
    page = client.post("/aid/check/", {"nik": spouse.nik, "kk_number": spouse.household.kk_number})
    assert page.status_code == 200 and "PRAKERJA" in page.content.decode()


@pytest.mark.django_db
def test_a_wrong_kk_gets_the_same_answer_as_an_unknown_nik(client, listed_family):
    head, _spouse = listed_family
    wrong_kk = client.post("/aid/check/", {"nik": head.nik, "kk_number": "3510010101109999"})
    unknown = client.post("/aid/check/", {"nik": "3510011708859999", "kk_number": head.household.kk_number})
    assert wrong_kk.status_code == unknown.status_code == 404
    assert "PKH" not in wrong_kk.content.decode() and "PKH" not in unknown.content.decode()
    malformed = client.post(
        "/api/v1/public/aid/check", {"nik": "12", "kk_number": "x"}, content_type="application/json"
    )
    assert malformed.status_code == 422 and malformed.json()["detail"]


@pytest.mark.django_db
def test_checks_are_limited_per_address(client, listed_family, settings):
    head, _spouse = listed_family
    body = {"nik": head.nik, "kk_number": head.household.kk_number}
    inside_one_rate_window()
    answers = [client.post("/aid/check/", body).status_code for _ in range(settings.PUBLIC_CHECK_PER_MINUTE + 1)]
    assert answers[:-1] == [200] * settings.PUBLIC_CHECK_PER_MINUTE and answers[-1] == 429


@pytest.mark.django_db
def test_the_village_list_shows_programs_and_masked_names_only(client, listed_family):
    head, spouse = listed_family
    page = client.get(f"/aid/villages/{head.village_id}/").content.decode()
    api = client.get(f"/api/v1/public/aid/villages/{head.village_id}/recipients").json()
    assert {item["program"] for item in api} == {"PKH", "PRAKERJA"}
    for text in (page, str(api)):
        assert head.nik not in text and head.name not in text
        assert not head.household.address or head.household.address not in text
    assert client.get("/aid/villages/3509012001/").status_code == 404
