"""Fixtures of the KTP tests: the OCR model loaded once per test process, and photos of generated cards."""

import io
import random

import pytest
from PIL import Image

from smartkampung.ktp import engine, synthetic


@pytest.fixture(scope="session")
def ocr():
    """The process's OCR engine, loaded once for every test that reads a photo (~1 s)."""
    return engine.get_engine()


@pytest.fixture(scope="session")
def card_photo():
    """(JPEG bytes, truth) of a generated card photographed at a difficulty, the same for the same seed."""

    def make(seed: int, difficulty: str = "easy") -> tuple[bytes, dict]:
        return synthetic.sample(random.Random(seed), difficulty=difficulty)

    return make


def encoded(picture: Image.Image, kind: str = "JPEG", **options) -> bytes:
    """A Pillow image as the bytes of a file of that kind."""
    out = io.BytesIO()
    picture.save(out, format=kind, **options)
    return out.getvalue()
