"""The registry's JSON API, spoken to over HTTP through the test client."""

import json

import pytest

from smartkampung.population.models import ImportJob, Resident
from smartkampung.population.tests.factories import (
    SARONGAN,
    family_rows,
    make_household,
    make_resident,
    siak_csv,
)

pytestmark = pytest.mark.usefixtures("regions")


def post(client, url, data):
    return client.post(url, json.dumps(data), content_type="application/json")


def patch(client, url, data):
    return client.patch(url, json.dumps(data), content_type="application/json")


@pytest.fixture
def family(admin):
    make_household(user=admin)
    budi = make_resident(user=admin, phone="0812 3456 7890")
    siti = make_resident(user=admin, nik="3510015708870002", name="Siti  Aminah", birth_date="1987-08-17", sex="female")
    return budi, siti


def test_openapi_document_lists_the_registry_endpoints(client):
    response = client.get("/api/v1/openapi.json")

    assert response.status_code == 200
    paths = response.json()["paths"]
    for path in (
        "/api/v1/residents",
        "/api/v1/residents/{nik}",
        "/api/v1/households",
        "/api/v1/imports",
        "/api/v1/nik/{nik}",
        "/api/v1/regions/villages",
    ):
        assert path in paths
    assert client.get("/api/v1/docs").status_code == 200


def test_registry_endpoints_need_a_signed_in_user(client, family):
    for url in (
        "/api/v1/residents",
        "/api/v1/residents/3510011708850001",
        "/api/v1/households",
        "/api/v1/households/3510010101100001",
    ):
        response = client.get(url)
        assert response.status_code == 401, url
        assert "3510011708850001" not in response.content.decode()


def test_signed_in_user_without_a_role_sees_nothing(client, family, django_user_model):
    client.force_login(django_user_model.objects.create_user("tamu", password="Rahasia-Tamu-2026"))

    assert client.get("/api/v1/residents").json()["count"] == 0
    assert client.get("/api/v1/residents/3510011708850001").status_code == 404


def test_search_by_partial_name_ignores_case_and_spacing(admin_api, family):
    for query in ("siti", "SITI   AMINAH", "sit amin", "aminah siti", "ti ami"):
        body = admin_api.get("/api/v1/residents", {"q": query}).json()
        assert [item["nik"] for item in body["items"]] == ["3510015708870002"], query
    assert admin_api.get("/api/v1/residents", {"q": "santoso"}).json()["items"][0]["name"] == "BUDI SANTOSO"


def test_search_by_nik_and_by_its_first_digits(admin_api, family):
    assert admin_api.get("/api/v1/residents", {"q": "3510015708870002"}).json()["count"] == 1
    assert admin_api.get("/api/v1/residents", {"q": "351001"}).json()["count"] == 2
    assert admin_api.get("/api/v1/residents", {"q": "351002"}).json()["count"] == 0


def test_search_filters_by_village_and_pages(admin_api, family):
    body = admin_api.get("/api/v1/residents", {"village": SARONGAN, "limit": 1}).json()
    assert (body["count"], len(body["items"]), body["items"][0]["name"]) == (2, 1, "BUDI SANTOSO")
    second = admin_api.get("/api/v1/residents", {"village": SARONGAN, "limit": 1, "offset": 1}).json()
    assert second["items"][0]["name"] == "SITI AMINAH"
    assert admin_api.get("/api/v1/residents", {"village": "3510151002"}).json()["count"] == 0


def test_resident_detail_carries_household_and_village(admin_api, family):
    body = admin_api.get("/api/v1/residents/3510011708850001").json()

    assert body["kk_number"] == "3510010101100001"
    assert body["village"] == {
        "code": SARONGAN,
        "name": "Sarongan",
        "district_code": "351001",
        "district": "Pesanggaran",
    }
    assert (body["rt"], body["rw"], body["phone"]) == ("001", "002", "+6281234567890")


def test_create_resident_normalises_and_flags_a_nik_mismatch(admin_api, family):
    response = post(
        admin_api,
        "/api/v1/residents",
        {
            "nik": "3510010203100003",
            "kk_number": "3510010101100001",
            "name": "ahmad  fauzi",
            "birth_date": "2010-03-03",
            "sex": "male",
            "family_relation": "child",
        },
    )

    assert response.status_code == 201, response.content
    body = response.json()
    assert body["name"] == "AHMAD FAUZI" and "02-03-2010" in body["nik_mismatch"]


def test_create_resident_with_bad_data_gets_every_error_in_words(admin_api, family):
    response = post(
        admin_api,
        "/api/v1/residents",
        {
            "nik": "12345",
            "kk_number": "3510010101100001",
            "name": "X",
            "birth_date": "2010-03-02",
            "sex": "male",
            "phone": "not a phone",
        },
    )

    assert response.status_code == 422
    body = response.json()
    fields = {error["field"] for error in body["errors"]}
    assert "NIK" in fields and len(body["errors"]) >= 2
    assert Resident.objects.count() == 2


def test_the_same_nik_cannot_be_registered_twice(admin_api, family):
    response = post(
        admin_api,
        "/api/v1/residents",
        {
            "nik": "3510011708850001",
            "kk_number": "3510010101100001",
            "name": "Budi Lain",
            "birth_date": "1985-08-17",
            "sex": "male",
        },
    )
    assert response.status_code == 422
    assert Resident.objects.filter(nik="3510011708850001").get().name == "BUDI SANTOSO"


def test_resident_needs_a_registered_household(admin_api, family):
    response = post(
        admin_api,
        "/api/v1/residents",
        {
            "nik": "3510010203100003",
            "kk_number": "3510010101109999",
            "name": "Ahmad",
            "birth_date": "2010-03-02",
            "sex": "male",
        },
    )
    assert response.status_code == 422
    assert "3510010101109999" in response.json()["errors"][0]["message"]


def test_malformed_json_and_wrong_types_are_422_not_500(admin_api, family):
    assert admin_api.post("/api/v1/residents", "{not json", content_type="application/json").status_code in (400, 422)
    response = post(admin_api, "/api/v1/residents", {"nik": 5, "birth_date": "kemarin", "sex": "x"})
    assert response.status_code == 422


def test_patch_changes_only_given_fields(admin_api, family):
    response = patch(admin_api, "/api/v1/residents/3510011708850001", {"status": "moved", "phone": ""})

    assert response.status_code == 200, response.content
    budi = Resident.objects.get(nik="3510011708850001")
    assert (budi.status, budi.phone, budi.name) == ("moved", "", "BUDI SANTOSO")


def test_patch_cannot_change_a_nik_or_reach_an_unknown_one(admin_api, family):
    assert patch(admin_api, "/api/v1/residents/3510011708850009", {"status": "moved"}).status_code == 404
    response = patch(admin_api, "/api/v1/residents/3510011708850001", {"birth_date": "2090-01-01"})
    assert response.status_code == 422


def test_household_endpoints(admin_api, family):
    created = post(
        admin_api,
        "/api/v1/households",
        {
            "kk_number": "3510151505150002",
            "village_code": "3510151002",
            "address": "Jl. Bakungan 3",
            "rt": "4",
            "rw": "1",
        },
    )
    assert created.status_code == 201, created.content
    assert created.json()["village"]["name"] == "Bakungan"
    duplicate = post(admin_api, "/api/v1/households", {"kk_number": "3510151505150002", "village_code": SARONGAN})
    assert duplicate.status_code == 422
    members = admin_api.get("/api/v1/households/3510010101100001/members").json()
    assert {m["nik"] for m in members} == {"3510011708850001", "3510015708870002"}
    moved = patch(admin_api, "/api/v1/households/3510010101100001", {"village_code": "3510151002"})
    assert moved.status_code == 200
    assert set(Resident.objects.values_list("village_id", flat=True)) == {"3510151002"}
    assert post(admin_api, "/api/v1/households", {"kk_number": "1", "village_code": "123"}).status_code == 422


def test_import_endpoint_queues_a_job_and_reports_rows(admin_api):
    upload = __import__("django.core.files.uploadedfile", fromlist=["SimpleUploadedFile"]).SimpleUploadedFile(
        "penduduk.csv", siak_csv(family_rows()), content_type="text/csv"
    )
    response = admin_api.post("/api/v1/imports", {"file": upload})

    assert response.status_code == 202, response.content
    job = ImportJob.objects.get(pk=response.json()["id"])
    assert job.status == "queued"
    from smartkampung.population.services import run_import

    run_import(job_id=job.pk)
    body = admin_api.get(f"/api/v1/imports/{job.pk}").json()
    assert (body["status"], body["created_count"], body["progress_percent"]) == ("done", 3, 100)
    assert admin_api.get(f"/api/v1/imports/{job.pk}/issues").json() == []


def test_import_endpoint_rejects_a_malformed_file_with_one_message(admin_api):
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = admin_api.post("/api/v1/imports", {"file": SimpleUploadedFile("x.csv", b"A,B\n1,2\n")})
    assert response.status_code == 422
    assert "NIK" in response.json()["detail"]
    assert ImportJob.objects.count() == 0


def test_nik_validation_is_public_and_reports_all_errors(client):
    good = client.get("/api/v1/nik/3510015708850002").json()
    assert good["valid"] and (good["sex"], good["birth_date"], good["district"]) == (
        "female",
        "1985-08-17",
        "Pesanggaran",
    )
    bad = client.get("/api/v1/nik/9999997213000000").json()
    assert not bad["valid"] and len(bad["errors"]) >= 3
    batch = post(client, "/api/v1/nik/validate", {"niks": ["3510015708850002", "abc"]}).json()
    assert [item["valid"] for item in batch] == [True, False]


def test_region_endpoints_give_banyuwangi(client):
    villages = client.get("/api/v1/regions/villages").json()
    assert len(villages) == 217
    assert sum(v["kind"] == "kelurahan" for v in villages) == 28
    assert len(client.get("/api/v1/regions/districts").json()) == 25
    assert len(client.get("/api/v1/regions/provinces").json()) == 38
    assert client.get("/api/v1/regions/villages/0000000000").status_code == 404
