"""The KTP scan attacked: what a staff user outside a resident's scope, a public caller or a bad file can get out
of it. Nobody learns more of the register than their scope allows (not even whether a NIK is on it), every file
is answered in words, never with a 500, the reader's queue is bounded, and a misread digit never yields another
valid NIK with a confidence the desk would not highlight."""

from __future__ import annotations

import io
import random
import struct
import threading
import zlib

import pytest
from django.utils import translation
from PIL import Image

from smartkampung.accounts.models import Role
from smartkampung.audit.models import AuditEntry
from smartkampung.conftest import inside_one_rate_window
from smartkampung.ktp import services
from smartkampung.ktp.checks import settle
from smartkampung.ktp.synthetic import make_person
from smartkampung.ktp.tests.factories import (
    CARD_KK,
    CARD_NIK,
    SARONGAN,
    card_photo,
    officer,
    png,
    register_card_holder,
    staff,
    upload,
)
from smartkampung.population.models import Household, Resident

pytestmark = pytest.mark.usefixtures("regions")


@pytest.fixture(autouse=True)
def english(settings):
    """These tests read the answers' words in English (the product speaks Indonesian by default)."""
    settings.LANGUAGE_CODE = "en"


READ, QR, PUBLIC_READ = "/api/v1/ktp/read", "/api/v1/ktp/qr", "/api/v1/public/ktp/read"
LOW = 0.85  # the desk highlights a field read with less confidence than this (checkpoints' ktp-scan.js)


@pytest.fixture
def photo_of_the_holder(db, regions):
    """The card of a resident of Bakungan, and a way to take them off the register again."""
    holder = register_card_holder()
    return card_photo(holder)


def off_the_register() -> None:
    Resident.objects.filter(nik=CARD_NIK).delete()
    Household.objects.filter(kk_number=CARD_KK).delete()


def register_answer(body: dict) -> list:
    """What an answer says about the register: its register checks, in order."""
    return [(c["code"], c["ok"], c["text"]) for c in body["checks"] if c["code"].startswith("register_")]


def read(client, data: bytes, url: str = READ, **extra):
    return client.post(url, {"image": upload(data)}, **extra)


# ---------------------------------------------------------------- the register is no oracle


def test_past_the_desk_throttle_an_officer_cannot_tell_whether_a_card_holder_is_on_the_register(
    client, django_user_model, photo_of_the_holder, settings
):
    settings.CHECKPOINT_LOOKUP_PER_MINUTE = 0
    client.force_login(officer(django_user_model))

    on_register = read(client, photo_of_the_holder).json()
    off_the_register()
    not_on_register = read(client, photo_of_the_holder).json()

    assert on_register["nik"] == not_on_register["nik"] == CARD_NIK
    assert register_answer(on_register) == register_answer(not_on_register)
    assert [code for code, _ok, _text in register_answer(not_on_register)] == ["register_not_compared"]


def test_every_nik_an_officer_scans_counts_against_the_desk_throttle_found_on_the_register_or_not(
    client, django_user_model, photo_of_the_holder, settings
):
    # As the desk's typed look-up counts every NIK looked up: else unknown NIKs could be probed without limit.
    settings.CHECKPOINT_LOOKUP_PER_MINUTE = 1
    inside_one_rate_window()  # both reads in one minute's window (each takes seconds)
    client.force_login(officer(django_user_model))
    off_the_register()

    first = read(client, photo_of_the_holder).json()
    register_card_holder()
    second = read(client, photo_of_the_holder).json()

    assert register_answer(first) == []
    assert [code for code, _ok, _text in register_answer(second)] == ["register_not_compared"]


def test_an_operator_of_another_kecamatan_cannot_tell_whether_a_card_holder_is_on_the_register(
    client, django_user_model, photo_of_the_holder
):
    client.force_login(staff(django_user_model, Role.VILLAGE_OPERATOR, username="op.sarongan", village=SARONGAN))

    on_register = read(client, photo_of_the_holder).json()
    off_the_register()
    not_on_register = read(client, photo_of_the_holder).json()

    assert on_register == not_on_register
    assert register_answer(on_register) == []
    details = [e.detail for e in AuditEntry.objects.filter(object_type="ktp_scan").order_by("pk")]
    assert details[0] == details[1] == {"channel": "desk", "read": True, "compared": False, "kept": False}


# ---------------------------------------------------------------- files: in words, never a 500


def _png_declaring(width: int, height: int) -> bytes:
    """A few hundred bytes of PNG that declare width x height pixels (a decompression bomb)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\0" * 4000))
        + chunk(b"IEND", b"")
    )


def _saved(image: Image.Image, fmt: str, **options) -> bytes:
    out = io.BytesIO()
    image.save(out, format=fmt, **options)
    return out.getvalue()


def _jpeg() -> bytes:
    return _saved(Image.open(io.BytesIO(png())).convert("RGB"), "JPEG")


BAD_FILES = {
    "a PNG declaring 50000 x 50000 pixels": (_png_declaring(50_000, 50_000), {413, 415}),
    "a PNG declaring 9000 x 9000 pixels": (_png_declaring(9000, 9000), {413}),
    "a truncated JPEG": (_jpeg()[:600], {415}),
    "an SVG named .jpg": (b"<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>", {415}),
    "an HTML page": (b"<!doctype html><html><body>KTP</body></html>", {415}),
    "a PDF": (b"%PDF-1.4\n%\xe2\xe3\n1 0 obj\n<<>>\nendobj\n", {415}),
    "a zip": (b"PK\x03\x04" + b"\0" * 200, {415}),
    "a GIF": (_saved(Image.new("RGB", (300, 300)), "GIF"), {415}),
    "the magic bytes of a JPEG alone": (b"\xff\xd8\xff", {415}),
    "an empty file": (b"", {422}),
}


@pytest.mark.parametrize("what", BAD_FILES)
def test_a_bad_file_is_refused_in_words_and_audited(client, django_user_model, db, what):
    data, statuses = BAD_FILES[what]
    client.force_login(officer(django_user_model))

    answer = read(client, data)

    assert answer.status_code in statuses, answer.content
    assert answer.json()["detail"] and answer.json()["code"]
    assert AuditEntry.objects.get(object_type="ktp_scan").detail["read"] is False


ODD_PHOTOS = {
    "CMYK JPEG": lambda table: _saved(table.convert("CMYK"), "JPEG"),
    "16-bit grey PNG": lambda table: _saved(table.convert("I").point(lambda v: v * 256).convert("I;16"), "PNG"),
    "palette PNG with transparency": lambda table: _saved(table.convert("P"), "PNG", transparency=0),
    "grey PNG with alpha": lambda table: _saved(table.convert("LA"), "PNG"),
    "1-bit PNG": lambda table: _saved(table.convert("1"), "PNG"),
    "animated WebP": lambda table: _saved(table, "WEBP", save_all=True, append_images=[table.rotate(90)]),
    "JPEG turned by its EXIF": lambda table: _saved(table, "JPEG", exif=_turned()),
}


def _turned() -> bytes:
    exif = Image.Exif()
    exif[0x0112] = 6  # the phone was held on its side
    return exif.tobytes()


@pytest.mark.parametrize("kind", ODD_PHOTOS)
def test_photos_in_odd_modes_are_read_not_crashed_on(client, django_user_model, db, kind):
    table = Image.open(io.BytesIO(png(320, 240))).convert("RGB")
    client.force_login(officer(django_user_model))

    answer = read(client, ODD_PHOTOS[kind](table))

    assert answer.status_code == 422 and answer.json()["code"] in {"no_card", "too_blurred", "too_small"}, (
        answer.content
    )


@pytest.mark.parametrize(
    ("content_type", "body"),
    [
        ("multipart/form-data", b"--x\r\nnot a form"),
        ("multipart/form-data; boundary=", b"garbage"),
        ("multipart/form-data; boundary=abc", b"--abc\r\nContent-Disposition: form-data; name=image\r\n"),
    ],
)
def test_a_broken_form_is_answered_in_words_as_json(client, django_user_model, db, content_type, body):
    client.force_login(officer(django_user_model))

    with translation.override("en"):
        answer = client.generic("POST", READ, body, content_type=content_type)

    assert answer.status_code == 400
    assert answer["Content-Type"].startswith("application/json"), answer.content[:200]
    assert answer.json()["detail"]


def test_a_photo_is_never_spooled_to_a_temporary_file(client, django_user_model, db, settings, tmp_path):
    # Even a photo over FILE_UPLOAD_MAX_MEMORY_SIZE: the upload handler keeps it in memory, so nothing is on disk.
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 1000
    settings.FILE_UPLOAD_TEMP_DIR = str(tmp_path)
    client.force_login(officer(django_user_model))

    answer = read(client, b"%PDF" + b"0" * 50_000)

    assert answer.status_code == 415
    assert list(tmp_path.iterdir()) == []


# ---------------------------------------------------------------- the reader's queue is bounded


def test_a_read_that_waits_too_long_for_the_reader_is_refused_as_busy_and_audited(
    client, django_user_model, db, settings
):
    settings.KTP_READ_WAIT_SECONDS = 0.2
    client.force_login(officer(django_user_model))
    gate = services.reader_gate()
    held = [gate.acquire(timeout=5) for _ in range(max(1, settings.KTP_READS_AT_ONCE))]
    try:
        with translation.override("en"):
            answer = read(client, png())
            qr = read(client, png(), url=QR)
    finally:
        for _ in held:
            gate.release()

    assert (answer.status_code, answer.json()["code"]) == (503, "busy")
    assert "busy" in answer.json()["detail"] and int(answer["Retry-After"]) > 0
    assert (qr.status_code, qr.json()["code"]) == (503, "busy")
    assert AuditEntry.objects.get(object_type="ktp_scan").detail == {
        "channel": "desk",
        "read": False,
        "code": "busy",
        "kept": False,
    }


def test_the_gate_lets_only_so_many_reads_through_at_once(settings):
    gate = services.reader_gate()
    held = [gate.acquire(timeout=1) for _ in range(max(1, settings.KTP_READS_AT_ONCE))]
    results: list[bool] = []
    try:
        other = threading.Thread(target=lambda: results.append(gate.acquire(timeout=0.1)))
        other.start()
        other.join()
    finally:
        for _ in held:
            gate.release()
    assert all(held) and results == [False]


# ---------------------------------------------------------------- a misread digit never passes silently

SEX_WORDS = {"male": "LAKI-LAKI", "female": "PEREMPUAN"}


def _raw_card(person: dict, nik: str, *, nik_score: float, printed_score: float) -> dict:
    year, month, day = person["birth_date"].split("-")
    return {
        "nik": (nik, nik_score),
        "name": (person["name"], 0.95),
        "birth": (f"{person['birth_place']}, {day}-{month}-{year}", printed_score),
        "sex": (SEX_WORDS[person["sex"]], printed_score),
        "address": (person["address"], 0.9),
        "rt_rw": (person["rt_rw"], 0.9),
        "village": (person["village"].upper(), 0.9),
        "district": (person["district"].upper(), 0.9),
    }


def _silent(reading) -> bool:
    """Would the desk fill the NIK without asking the officer to compare it with the card?"""
    failed = any(not c["ok"] and c["field"] == "nik" for c in reading.checks)
    return reading.confidence["nik"] >= LOW and not failed


@pytest.mark.parametrize(("nik_score", "printed_score"), [(0.97, 0.95), (0.93, 0.97), (0.99, 0.9)])
def test_a_single_misread_digit_of_the_kecamatan_or_the_date_never_gives_another_nik_silently(nik_score, printed_score):
    rng = random.Random(16)
    silent = []
    for _ in range(12):
        person = make_person(rng)
        truth = person["nik"]
        for position in range(12):
            for digit in "0123456789":
                misread = truth[:position] + digit + truth[position + 1 :]
                if misread == truth:
                    continue
                reading = settle(_raw_card(person, misread, nik_score=nik_score, printed_score=printed_score))
                if reading.fields["nik"] not in (None, truth) and _silent(reading):
                    silent.append((truth, misread, reading.fields["nik"], reading.confidence["nik"]))
    assert silent == []


def test_a_nik_read_unsurely_is_not_made_sure_by_checks_its_serial_escapes():
    # The serial (last 4 digits) is printed nowhere else: only the OCR vouches for it.
    person = make_person(random.Random(3))
    unsure = settle(_raw_card(person, person["nik"], nik_score=0.9, printed_score=0.97))
    sure = settle(_raw_card(person, person["nik"], nik_score=0.98, printed_score=0.97))

    assert unsure.fields["nik"] == sure.fields["nik"] == person["nik"]
    assert unsure.confidence["nik"] < LOW <= sure.confidence["nik"]


def test_a_photo_that_cannot_be_kept_is_still_answered_and_audited_as_not_kept(
    client, django_user_model, db, settings, tmp_path
):
    settings.KTP_KEEP_IMAGES = True
    settings.KTP_IMAGE_DIR = tmp_path / "a-file-not-a-folder"
    settings.KTP_IMAGE_DIR.write_text("")
    client.force_login(officer(django_user_model))

    answer = read(client, png())

    assert (answer.status_code, answer.json()["code"]) == (422, "no_card")
    assert AuditEntry.objects.get(object_type="ktp_scan").detail["kept"] is False
