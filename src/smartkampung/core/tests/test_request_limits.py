"""A request past Django's body limits is answered in words, by the API as JSON and by the pages as a page:
never a 500, never a bare "Bad Request"."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile


@pytest.fixture
def small_bodies(settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000


@pytest.mark.django_db
def test_the_api_answers_a_body_too_large_in_words(admin_api, small_bodies):
    json_body = admin_api.post(
        "/api/v1/aid/affected", '{"nik": "' + "1" * 2000 + '"}', content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="en",
    )  # fmt: skip
    form_body = admin_api.post(
        "/api/v1/imports", {"file": SimpleUploadedFile("a.csv", b"NIK\n"), "village_code": "x" * 2000},
        HTTP_ACCEPT_LANGUAGE="en",
    )  # fmt: skip

    for answer in (json_body, form_body):
        assert answer.status_code == 413 and answer.json() == {"detail": "The request is too large."}


@pytest.mark.django_db
def test_the_api_answers_too_many_files_in_words(admin_api, settings):
    settings.DATA_UPLOAD_MAX_NUMBER_FILES = 2
    files = {f"file{i}": SimpleUploadedFile(f"{i}.csv", b"NIK\n") for i in range(3)}

    answer = admin_api.post("/api/v1/imports", files, HTTP_ACCEPT_LANGUAGE="en")

    assert answer.status_code == 400 and "too many fields or files" in answer.json()["detail"]


@pytest.mark.django_db
def test_a_page_answers_a_body_too_large_in_words(admin_api, small_bodies):
    answer = admin_api.post(
        "/population/imports/new/", {"file": SimpleUploadedFile("a.csv", b"NIK\n"), "village": "x" * 2000},
        HTTP_ACCEPT_LANGUAGE="en",
    )  # fmt: skip

    assert answer.status_code == 400 and "too large, or have had too many fields or files" in answer.content.decode()
