"""A QR code read from a photo, on the server: for the checkpoint desk's phones whose browser has no
BarcodeDetector. The traveller's pre-registration QR holds its code alone (checkpoints.present.qr_svg of a
core.codes code), so the answer names the code when the text is one."""

from __future__ import annotations

import re
from dataclasses import dataclass

import cv2
import zxingcpp
from django.utils.translation import gettext as _

from smartkampung.core.codes import ALPHABET
from smartkampung.ktp.image import UnreadablePhoto, load_photo

__all__ = ["QrReading", "read_qr"]

# A pre-registration code as core.codes.draw_code makes it (8 characters of its alphabet; read aloud, so a
# person's spaces and lower case are forgiven).
CODE = re.compile(rf"[{ALPHABET}]{{8}}")


@dataclass(frozen=True)
class QrReading:
    """The QR code's text, and the pre-registration code it carries (None when the text is not one)."""

    text: str
    code: str | None

    def as_json(self) -> dict:
        return {"text": self.text, "code": self.code}


def preregistration_code(text: str) -> str | None:
    """The pre-registration code `text` is, or None."""
    candidate = re.sub(r"\s+", "", text).upper()
    return candidate if CODE.fullmatch(candidate) else None


def read_qr(data: bytes) -> QrReading:
    """The first QR code found in a photo (JPEG, PNG or WebP bytes). Raises UnreadablePhoto: the photo's own
    refusals (not an image, too large, too small), or `no_qr` when no QR code could be read in it."""
    photo = load_photo(data)  # the same checks as a KTP photo: type by content, size, pixel bomb, EXIF turn
    grey = cv2.cvtColor(photo, cv2.COLOR_BGR2GRAY)
    found = [b for b in zxingcpp.read_barcodes(grey, formats=zxingcpp.BarcodeFormat.QRCode) if b.valid and b.text]
    if not found:
        raise UnreadablePhoto(
            "no_qr",
            _("No QR code could be read in this photo: hold the code flat and sharp, filling most of the picture."),
        )
    text = found[0].text
    return QrReading(text=text, code=preregistration_code(text))
