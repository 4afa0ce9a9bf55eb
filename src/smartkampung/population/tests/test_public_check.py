"""The citizens' "check my data": masked answers, no enumeration, a limit per address."""

import json

import pytest

from smartkampung.population.public_api import mask_name
from smartkampung.population.tests.factories import make_household, make_resident

pytestmark = pytest.mark.usefixtures("regions")
URL = "/api/v1/public/check-my-data"
NIK, KK = "3510011708850001", "3510010101100001"


@pytest.fixture
def budi(db):
    make_household()
    return make_resident()


def check(client, nik=NIK, kk=KK, ip="198.51.100.1"):
    return client.post(URL, json.dumps({"nik": nik, "kk_number": kk}), content_type="application/json", REMOTE_ADDR=ip)


def test_the_right_nik_and_kk_give_a_masked_answer(client, budi):
    response = check(client)
    assert response.status_code == 200
    assert response.json() == {
        "name": "BU** SA*****",
        "village": "Sarongan",
        "district": "Pesanggaran",
        "status": "tinggal di sini",
    }
    assert "BUDI" not in response.content.decode() and NIK not in response.content.decode()


def test_unknown_nik_and_wrong_kk_answer_exactly_alike(client, budi):
    unknown = check(client, nik="3510011708850002")
    wrong_kk = check(client, kk="3510010101100002")
    assert unknown.status_code == wrong_kk.status_code == 404
    assert unknown.content == wrong_kk.content


def test_a_malformed_number_is_told_as_such_without_touching_the_register(client, budi):
    response = check(client, nik="12345")
    assert response.status_code == 422 and "16" in response.json()["detail"]


def test_the_limit_per_address_refuses_with_retry_after_and_spares_other_addresses(client, budi, settings):
    for _ in range(5):
        assert check(client).status_code == 200
    refused = check(client)
    assert refused.status_code == 429 and 0 < int(refused["Retry-After"]) <= 60
    assert check(client, ip="198.51.100.2").status_code == 200


def test_masking_keeps_two_letters_of_each_word():
    assert mask_name("SITI  AMINAH") == "SI** AM****"
    assert mask_name("A B") == "A B"
