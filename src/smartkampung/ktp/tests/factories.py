"""Test data of the KTP scan: a resident on the register and the photo of their (synthetic) card, staff who may or
may not read cards, files that are not photos, photographed QR codes. Photos are drawn once per test process (the
same seed gives the same bytes): the OCR, not the drawing, is what a test pays for."""

from __future__ import annotations

import functools
import io
import random

import numpy as np
import segno
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image, ImageDraw, ImageFilter

from smartkampung.accounts.models import Role
from smartkampung.accounts.services import create_api_token
from smartkampung.accounts.tests.factories import give_role
from smartkampung.ktp import synthetic
from smartkampung.population.models import Resident
from smartkampung.population.tests.factories import make_household, make_resident

BAKUNGAN, GLAGAH = "3510151002", "351015"  # a kelurahan of Kec. Glagah
SARONGAN = "3510012001"  # a desa of Kec. Pesanggaran
# A woman born on 12 March 1990 in Kec. Glagah (day + 40 in her NIK).
CARD_NIK, CARD_KK, CARD_NAME, CARD_BIRTH = "3510155203900002", "3510150101200002", "SITI RAHAYU", "1990-03-12"


def register_card_holder() -> Resident:
    """The resident whose card the tests photograph, on the register in Bakungan."""
    make_household(kk_number=CARD_KK, village_code=BAKUNGAN, address="JL. KOPI 9", rt="3", rw="1")
    make_resident(
        nik=CARD_NIK,
        kk_number=CARD_KK,
        name=CARD_NAME,
        birth_date=CARD_BIRTH,
        sex="female",
        birth_place="Banyuwangi",
        religion="islam",
        marital_status="married",
        occupation="WIRASWASTA",
    )
    return Resident.objects.select_related("household", "village__district__regency").get(nik=CARD_NIK)


@functools.cache
def _card_of(person_items: tuple, seed: int) -> bytes:
    jpeg, _truth = synthetic.sample(random.Random(seed), difficulty="easy", person=dict(person_items))
    return jpeg


def card_photo(resident: Resident, *, seed: int = 16) -> bytes:
    """An easy phone photo (JPEG) of the resident's KTP, as the generator draws it."""
    person = synthetic.person_from_resident(resident)
    return _card_of(tuple(sorted(person.items())), seed)


def upload(data: bytes, name: str = "ktp.jpg", content_type: str = "image/jpeg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type)


def staff(django_user_model, role: str | None, *, username: str, village: str | None = None, district=None):
    """A signed-in-able account with one role (checkpoint officers at Pos Pantau Ketapang); no role for None."""
    user = django_user_model.objects.create_user(username)
    if role is not None:
        give_role(user, role, district=district, village=village)
    return user


def officer(django_user_model, username: str = "petugas.ketapang"):
    return staff(django_user_model, Role.CHECKPOINT_OFFICER, username=username)


def token_of(user) -> str:
    _token, key = create_api_token(user=user, name="Aplikasi pos pantau")
    return key


def png(width: int = 640, height: int = 480, *, colour=(200, 200, 190)) -> bytes:
    """A PNG photo of nothing in particular: a table top with a little texture, no card on it."""
    rng = np.random.default_rng(3)
    noise = rng.integers(-12, 12, size=(height, width, 1), dtype=np.int16)
    pixels = np.clip(np.array(colour, dtype=np.int16) + noise, 0, 255).astype(np.uint8)
    out = io.BytesIO()
    Image.fromarray(pixels).save(out, format="PNG")
    return out.getvalue()


def not_a_photo() -> bytes:
    return b"%PDF-1.4\n% not a photo at all\n" + b"0" * 2000


def qr_photo(text: str, *, fmt: str = "PNG") -> bytes:
    """The QR code of `text` as the pre-registration page shows it, photographed: on a white page on a table, a
    little turned and soft."""
    out = io.BytesIO()
    segno.make(text, error="m").save(out, kind="png", scale=8, border=4)
    code = Image.open(io.BytesIO(out.getvalue())).convert("RGB")
    table = Image.new("RGB", (900, 700), (120, 96, 70))
    ImageDraw.Draw(table).rectangle((150, 80, 750, 640), fill=(245, 245, 240))
    table.paste(code, (450 - code.width // 2, 360 - code.height // 2))
    photo = table.rotate(8, resample=Image.Resampling.BICUBIC, fillcolor=(120, 96, 70)).filter(
        ImageFilter.GaussianBlur(0.8)
    )
    saved = io.BytesIO()
    photo.save(saved, format=fmt, **({"quality": 85} if fmt == "JPEG" else {}))
    return saved.getvalue()
