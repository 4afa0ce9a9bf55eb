"""Control characters are refused wherever text comes in (PostgreSQL cannot store NUL: it used to end in a server
error there, and SQLite stored it): every form field, every page that reads its post field by field, every
query string. Multi-line text keeps its line breaks."""

from urllib.parse import urlencode

import pytest

from smartkampung.checkpoints.models import Arrival
from smartkampung.checkpoints.tests.fixtures import *  # noqa: F403
from smartkampung.checkpoints.tests.fixtures import BAKUNGAN
from smartkampung.core.validators import CONTROL_MESSAGE, ONE_LINE_MESSAGE, control_character_message
from smartkampung.health.models import MonitoringCase

pytestmark = pytest.mark.django_db


def found(client, **values):
    body = {"nik": "", "description": "Laki-laki, baju merah", "found_at": "Pos ronda RT 2"} | values
    return client.post("/checkpoints/found/new/", body | {"destination_village": BAKUNGAN}, HTTP_ACCEPT_LANGUAGE="en")


@pytest.mark.parametrize(
    ("text", "multiline", "message"),
    [
        ("Jl. Kopi 7", False, None),
        ("Baris satu\r\n\tbaris dua", True, None),
        ("Baris satu\nbaris dua", False, ONE_LINE_MESSAGE),
        ("a\tb", False, ONE_LINE_MESSAGE),
        ("NUL\x00", True, CONTROL_MESSAGE),
        ("bel\x07", True, CONTROL_MESSAGE),
        ("del\x7f", False, CONTROL_MESSAGE),
        ("c1\x85", True, CONTROL_MESSAGE),
        ("Ñoño — ĀĪŪ 🙂", False, None),
    ],
)
def test_the_one_check(text, multiline, message):
    assert control_character_message(text, multiline=multiline) == (message and str(message))


def test_a_form_field_of_one_line_refuses_a_tab_and_a_text_area_takes_line_breaks(client, operator):
    client.force_login(operator)

    refused = found(client, found_at="Pos ronda\tRT 2")
    assert refused.status_code == 422
    assert str(ONE_LINE_MESSAGE) in refused.content.decode()
    assert not Arrival.objects.exists()

    accepted = found(client, description="Laki-laki.\r\nBaju merah.")
    assert accepted.status_code == 302
    assert Arrival.objects.get().description.startswith("Laki-laki.")


@pytest.mark.parametrize("encoding", ["multipart", "urlencoded"])
def test_a_nul_in_a_form_post_is_refused_in_words(client, operator, encoding):
    client.force_login(operator)
    body = {"nik": "", "description": "Laki-laki", "found_at": "Pos\x00ronda", "destination_village": BAKUNGAN}
    if encoding == "urlencoded":
        response = client.post(
            "/checkpoints/found/new/", urlencode(body), content_type="application/x-www-form-urlencoded"
        )
    else:
        response = client.post("/checkpoints/found/new/", body)

    assert response.status_code == 400
    assert response.content.decode() == str(CONTROL_MESSAGE)
    assert not Arrival.objects.exists()


def test_a_page_that_reads_its_post_field_by_field_is_covered_too(client, operator):
    client.force_login(operator)

    response = client.post(
        "/health/cases/new/",
        {"name": "Pendatang\x00", "village": BAKUNGAN, "place": "home", "address": "Jl. Kopi 7"},
        HTTP_ACCEPT_LANGUAGE="en",
    )

    assert response.status_code == 400
    assert not MonitoringCase.objects.exists()


@pytest.mark.parametrize(
    "url",
    ["/api/v1/residents?q=budi%00", "/api/v1/aid/lists?program=%00", "/api/v1/arrivals?nik=%01", "/audit/?q=%00"],
)
def test_a_control_character_in_a_query_string_is_refused_not_a_server_error(admin_api, url):
    response = admin_api.get(url, HTTP_ACCEPT_LANGUAGE="en")

    if url.startswith("/api/"):
        assert response.status_code == 422
        assert response.json()["errors"][0]["message"] == str(CONTROL_MESSAGE)
    else:
        assert response.status_code == 400


def test_an_api_form_field_and_a_path_are_checked_too(admin_api):
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = admin_api.post(
        "/api/v1/imports",
        {"file": SimpleUploadedFile("a.csv", b"NIK\n"), "village_code": "3510\x0012001"},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    path = admin_api.get("/api/v1/residents/3510%0011708850001", HTTP_ACCEPT_LANGUAGE="en")
    page = admin_api.get("/population/residents/3510%0011708850001/", HTTP_ACCEPT_LANGUAGE="en")

    assert upload.status_code == path.status_code == 422
    assert upload.json()["errors"] == [{"field": "village_code", "message": str(CONTROL_MESSAGE)}]
    assert path.json()["errors"][0]["message"] == str(CONTROL_MESSAGE)
    assert page.status_code == 400
