"""The photo as it arrives: what is not a photo, what is too small, too large or too blurred, and where there is
no card, is refused in words; a JPEG, PNG or WebP of a card is read. (The API's status codes ride on the same
refusal: 415 for a file that is not a photo, 413 for one too large, 422 for the rest.)"""

import io
import random

import cv2
import numpy as np
import pytest
from django.utils import translation
from PIL import Image

from smartkampung.ktp import image, synthetic
from smartkampung.ktp.image import UnreadablePhoto
from smartkampung.ktp.reader import read_card
from smartkampung.ktp.tests.conftest import encoded


def refusal(data: bytes) -> UnreadablePhoto:
    with translation.override("en"), pytest.raises(UnreadablePhoto) as caught:
        read_card(data)
    return caught.value


def test_a_pdf_named_like_a_photo_is_not_a_photo():
    error = refusal(b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n")
    assert error.code == "not_image"
    assert error.status == 415
    assert "JPEG, PNG or WebP" in error.message


def test_a_text_file_is_not_a_photo():
    assert refusal(b"NIK: 3510150408771868\nNama: BUDI\n").code == "not_image"


def test_an_empty_file_is_refused_as_empty():
    error = refusal(b"")
    assert error.code == "empty"
    assert "empty" in error.message


def test_a_damaged_jpeg_is_refused_in_words(card_photo):
    data, _truth = card_photo(1)
    error = refusal(data[: len(data) // 3])
    assert error.code == "not_image"
    assert "damaged" in error.message


def test_a_file_over_the_limit_is_refused_before_it_is_decoded(settings):
    data = b"\xff\xd8\xff" + bytes(settings.KTP_MAX_IMAGE_BYTES)
    error = refusal(data)
    assert error.code == "too_large"
    assert error.status == 413
    assert "at most 8 MB" in error.message


def test_a_decompression_bomb_is_refused_by_its_pixel_count():
    bomb = encoded(Image.new("1", (12_000, 12_000)), "PNG")  # a few kB of file, 144 million pixels
    assert len(bomb) < 100_000
    error = refusal(bomb)
    assert error.code == "too_large"
    assert "million pixels" in error.message


def test_a_tiny_photo_is_too_small_and_says_its_size():
    error = refusal(encoded(Image.new("RGB", (160, 120), (120, 160, 200)), "PNG"))
    assert error.code == "too_small"
    assert "160 x 120" in error.message


def test_a_card_far_away_in_the_photo_is_too_small_and_says_how_wide_it_was():
    card = synthetic.draw_card(synthetic.make_person(random.Random(3))).resize((150, 95))
    photo = Image.new("RGB", (1200, 900), (40, 32, 28))
    photo.paste(card, (520, 400))
    error = refusal(encoded(photo, quality=90))
    assert error.code == "too_small"
    assert "pixels wide" in error.message
    assert "closer" in error.message


@pytest.mark.parametrize("kind", ["solid", "noise"])
def test_a_photo_without_a_card_says_no_ktp_was_found(ocr, kind):
    rng = np.random.default_rng(5)
    if kind == "solid":
        pixels = np.full((600, 800, 3), (90, 120, 150), np.uint8)
    else:
        pixels = rng.integers(0, 256, (600, 800, 3), dtype=np.uint8)
    error = refusal(encoded(Image.fromarray(pixels), "PNG"))
    assert error.code == "no_card"
    assert "No KTP" in error.message


def test_a_card_too_blurred_to_read_asks_to_hold_the_phone_still(ocr, card_photo):
    data, _truth = card_photo(2)
    photo = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_COLOR)
    blurred = cv2.GaussianBlur(photo, (0, 0), 7)
    error = refusal(cv2.imencode(".jpg", blurred)[1].tobytes())
    assert error.code == "too_blurred"
    assert "hold the phone still" in error.message


@pytest.mark.parametrize("kind", ["PNG", "WEBP"])
def test_a_png_or_webp_photo_is_read_like_a_jpeg(ocr, card_photo, kind):
    data, truth = card_photo(4)
    photo = Image.open(io.BytesIO(data))
    reading = read_card(encoded(photo, kind, **({"quality": 90} if kind == "WEBP" else {})))
    assert reading.nik == truth["nik"]


def test_a_photo_taken_sideways_is_turned_upright_by_its_exif(ocr, card_photo):
    data, truth = card_photo(6)
    photo = Image.open(io.BytesIO(data))
    sideways = photo.transpose(Image.Transpose.ROTATE_90)
    exif = Image.Exif()
    exif[0x0112] = 6  # Orientation: the viewer turns it 90 degrees clockwise, back to how it was taken
    upright_data = encoded(sideways, exif=exif, quality=90)
    assert image.load_photo(upright_data).shape[:2] == (photo.height, photo.width)
    assert read_card(upright_data).nik == truth["nik"]


def test_the_card_is_found_and_flattened_to_one_size(card_photo):
    data, _truth = card_photo(7, "hard")
    view = image.card_view(image.load_photo(data))
    assert view.found
    assert view.image.shape[:2] == (image.CARD_HEIGHT, image.CARD_WIDTH)
