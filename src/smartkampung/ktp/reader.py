"""The one KTP reader behind every page and the API: photo bytes in, a settled Reading out.

load_photo (what the file is, how large, upright) -> card_view (the card found and flattened) -> recognise (the
OCR, one process-wide model) -> parse_lines (the card's fields as printed) -> checks.settle (what they mean:
the NIK's structure, the printed birth date and sex against its digits, official names). A photo from which no
KTP could be read is refused with the reason that fits best (blurred, too small, no card)."""

from __future__ import annotations

import logging

from django.utils.translation import gettext as _

from smartkampung.ktp import engine
from smartkampung.ktp.image import (
    BLUR_LIMIT,
    CardView,
    UnreadablePhoto,
    card_view,
    load_photo,
    too_small,
    turned_over,
    whole_view,
)
from smartkampung.ktp.parse import parse_lines
from smartkampung.ktp.reading import Reading

log = logging.getLogger(__name__)

__all__ = ["UnreadablePhoto", "read_card", "read_raw"]

# A card's lines the reader must find to call it a KTP: the NIK (its label or its number) or the name's row
# together with another labelled row.
KEY_FIELDS = ("name", "birth", "sex", "address", "religion", "marital_status", "occupation")
# Rows whose value says which row it is (parse._content_slot).
ANCHOR_FIELDS = ("birth", "sex", "rt_rw", "religion", "marital_status", "nationality", "valid_until")
# The flat card's columns, as fractions of its width: the photo's on the right, the labels' on the left.
PHOTO_LEFT = 0.745
LABELS_RIGHT = 0.235


def _looks_like_ktp(raw: dict[str, tuple[str, float]]) -> bool:
    nik = raw.get("nik", ("", 0.0))[0]
    if len(nik) >= 14:
        return True
    return "name" in raw and sum(field in raw for field in KEY_FIELDS) >= 3


def _has_nik(raw: dict[str, tuple[str, float]]) -> bool:
    return len(raw.get("nik", ("", 0.0))[0]) >= 14


def _quality(raw: dict[str, tuple[str, float]]) -> float:
    """How much of a card was read: to choose between the card as it lay and turned over."""
    nik = raw.get("nik", ("", 0.0))
    return (len(nik[0]) == 16) * 5 + sum(confidence for _text, confidence in raw.values())


def _columns(boxes: list, width: float) -> tuple[list, list]:
    """The flat card's boxes that carry values (the header, the NIK, the values' column), and the labels' boxes.
    The photo's column (place and date of issue, signature) is not read at all: the reading needs none of it,
    and each box read costs time."""
    values, labels = [], []
    for box in boxes:
        left, right = box[:, 0].min(), box[:, 0].max()
        if left > PHOTO_LEFT * width:
            continue
        (labels if right < LABELS_RIGHT * width else values).append(box)
    return values, labels


def _settled_layout(raw: dict[str, tuple[str, float]]) -> bool:
    """Whether the values alone placed the rows: the NIK, the name and three rows that say what they are."""
    return len(raw.get("nik", ("",))[0]) == 16 and "name" in raw and sum(f in raw for f in ANCHOR_FIELDS) >= 3


def _read_view(image, *, found: bool) -> dict[str, tuple[str, float]]:
    if not found:
        return parse_lines(engine.recognise(image), width=None)
    width = image.shape[1]
    values, labels = _columns(engine.detect(image), width)
    lines = engine.read_boxes(image, values)
    raw = parse_lines(lines, width=width)
    if not _settled_layout(raw):
        # The values did not place themselves: read the labels too.
        lines += engine.read_boxes(image, labels)
        raw = parse_lines(lines, width=width)
    return raw


def read_raw(data: bytes) -> tuple[dict[str, tuple[str, float]], CardView]:
    """The card's fields as printed and the view they were read from; refuses a photo with no readable KTP."""
    try:
        return _read_raw(data)
    finally:
        engine.release_memory()


def _read_raw(data: bytes) -> tuple[dict[str, tuple[str, float]], CardView]:
    photo = load_photo(data)
    view = first = card_view(photo)
    raw = _read_view(view.image, found=view.found)
    if view.found and not _has_nik(raw):
        # Every KTP prints its NIK large: without it, the phone may have held the card upside down (read it
        # turned over), or the outline found was not the card's (read the whole photo). The best reading wins.
        for other in (CardView(turned_over(view.image), True, view.width_in_photo, view.sharpness), whole_view(photo)):
            again = _read_view(other.image, found=other.found)
            if _quality(again) > _quality(raw):
                raw, view = again, other
            if _has_nik(raw):
                break
    if not _looks_like_ktp(raw):
        small = too_small(photo, first)
        if small is not None:
            raise small
        # Blurred, rather than no card at all, when there is something to be blurred: a card's outline or text.
        if first.sharpness < BLUR_LIMIT and (first.found or raw):
            raise UnreadablePhoto(
                "too_blurred",
                _("The photo is too blurred to read: hold the phone still, a little closer, in good light."),
            )
        raise UnreadablePhoto(
            "no_card",
            _("No KTP could be read in this photo: photograph the front of the card, flat, filling the picture."),
        )
    return raw, view


def read_card(data: bytes) -> Reading:
    """The reading of a KTP photo (JPEG, PNG or WebP bytes): fields, confidence and checks. Raises
    UnreadablePhoto (with a code and a sentence) when no KTP can be read from it."""
    from smartkampung.ktp.checks import settle

    raw, _view = read_raw(data)
    return settle(raw)
