"""A data subject's request (privacy) names the KTP photos a deployment kept of the person: which read kept each, its
file's name, size and checksum; never the photo's bytes, and nothing where the deployment keeps none."""

import hashlib
import json

import pytest
from django.test import Client

from smartkampung.accounts.models import Role
from smartkampung.ktp.tests.factories import (
    CARD_NIK,
    card_photo,
    officer,
    register_card_holder,
    staff,
    token_of,
    upload,
)

pytestmark = pytest.mark.usefixtures("regions")

REFERENCE = "474/16/429.501/2026"


def photos_section(client: Client) -> dict:
    answer = client.post(
        "/api/v1/subject-data", {"nik": CARD_NIK, "reference": REFERENCE}, content_type="application/json"
    )
    assert answer.status_code == 200, answer.content[:300]
    return next(section for section in answer.json()["sections"] if section["code"] == "ktp_photos")


@pytest.mark.django_db
@pytest.mark.parametrize("keep", [True, False])
def test_the_export_names_each_kept_photo_of_the_persons_ktp(client, django_user_model, settings, tmp_path, keep):
    settings.KTP_KEEP_IMAGES = keep
    settings.KTP_IMAGE_DIR = tmp_path / "ktp-images"
    holder = register_card_holder()
    photo = card_photo(holder)
    desk = officer(django_user_model)
    read = client.post("/api/v1/ktp/read", {"image": upload(photo)}, HTTP_AUTHORIZATION=f"Bearer {token_of(desk)}")
    assert read.status_code == 200 and read.json()["nik"] == CARD_NIK
    admin = staff(django_user_model, Role.REGENCY_ADMIN, username="pemkab.admin")
    exporter = Client()
    exporter.force_login(admin)

    section = photos_section(exporter)

    if not keep:
        assert section["count"] == 0
        return
    [record] = section["records"]
    assert record["sha256"] == hashlib.sha256(photo).hexdigest() and record["size"] == len(photo)
    assert record["file_name"] == f"{record['entry']}.jpg"
    assert len(json.dumps(section)) < 1000  # names and checksums only, never the photo
