"""The desk's fallback QR reader: a photographed pre-registration code is read on the server and named as the
code it is; any other QR code gives its text; a photo without one is answered in words."""

import pytest
from django.utils import translation

from smartkampung.accounts.models import Role
from smartkampung.ktp.tests.factories import not_a_photo, officer, png, qr_photo, staff, upload

QR = "/api/v1/ktp/qr"


@pytest.fixture(autouse=True)
def english(settings):
    """These tests read the answers' words in English (the product speaks Indonesian by default)."""
    settings.LANGUAGE_CODE = "en"


@pytest.fixture
def desk(client, django_user_model, regions):
    client.force_login(officer(django_user_model))
    return client


def test_a_photographed_preregistration_code_is_read_as_the_code(desk):
    answer = desk.post(QR, {"image": upload(qr_photo("K7QX9MZB"), "qr.png", "image/png")})

    assert answer.status_code == 200, answer.content
    assert answer.json() == {"text": "K7QX9MZB", "code": "K7QX9MZB"}


def test_another_qr_code_gives_its_text_and_no_code(desk):
    answer = desk.post(QR, {"image": upload(qr_photo("https://example.org/x?y=1", fmt="JPEG"))})

    assert answer.json() == {"text": "https://example.org/x?y=1", "code": None}


def test_a_photo_without_a_qr_code_is_answered_in_words(desk):
    with translation.override("en"):
        answer = desk.post(QR, {"image": upload(png(), "foto.png", "image/png")})

    assert answer.status_code == 422
    assert answer.json()["code"] == "no_qr" and "No QR code could be read" in answer.json()["detail"]


def test_a_file_that_is_not_a_photo_is_refused(desk):
    assert desk.post(QR, {"image": upload(not_a_photo(), "x.pdf", "application/pdf")}).status_code == 415


def test_the_qr_reader_is_for_those_who_read_cards(client, django_user_model, regions):
    assert client.post(QR, {"image": upload(qr_photo("K7QX9MZB"))}).status_code == 401
    client.force_login(staff(django_user_model, Role.TOURISM_AGENCY, username="dispar"))
    assert client.post(QR, {"image": upload(qr_photo("K7QX9MZB"))}).status_code == 403
