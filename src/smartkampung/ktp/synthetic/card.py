"""The flat e-KTP: 1011x638 px (85.6x54 mm at ~300 dpi), light blue with a fine pattern, the header, the
label and value columns, a drawn silhouette (never a face), the place and day of issue and a signature.

The font is Pillow's own (Aileron, a Helvetica-like sans embedded in Pillow, drawn at any size; bold is drawn
with a 1 px stroke): close to the Arial an e-KTP prints, needing no system font, and the same on every machine,
so a seed gives the same card everywhere (with the pinned Pillow).
"""

from __future__ import annotations

import datetime as dt
import math
import random
from functools import cache
from typing import Any

import numpy as np
from PIL import Image, ImageDraw, ImageFont

from smartkampung.ktp.vocab import MARITAL_STATUSES, RELIGIONS, SEXES
from smartkampung.population.models import Sex

CARD_SIZE = (1011, 638)


def card_fields(person: dict[str, Any]) -> list[tuple[str, str]]:
    """(label, printed value) in the card's order, as an e-KTP prints them."""
    birth = dt.date.fromisoformat(person["birth_date"])
    religion = RELIGIONS[person["religion"]][0] if person.get("religion") else "-"
    marital = MARITAL_STATUSES[person["marital_status"]][0] if person.get("marital_status") else "-"
    return [
        ("Nama", person["name"]),
        ("Tempat/Tgl Lahir", f"{person['birth_place']}, {birth:%d-%m-%Y}"),
        ("Jenis Kelamin", SEXES[person["sex"]][0]),
        ("Alamat", person["address"]),
        ("RT/RW", person["rt_rw"]),
        ("Kel/Desa", person["village"].upper()),
        ("Kecamatan", person["district"].upper()),
        ("Agama", religion),
        ("Status Perkawinan", marital),
        ("Pekerjaan", person["occupation"]),
        ("Kewarganegaraan", person["nationality"]),
        ("Berlaku Hingga", person.get("valid_until", "SEUMUR HIDUP")),
    ]


@cache
def _font(style: str, size: int) -> tuple[ImageFont.FreeTypeFont | ImageFont.ImageFont, int]:
    """(font, stroke width) for a style: "regular", or "bold" (the header, the NIK: a 1 px stroke)."""
    return ImageFont.load_default(size=size), 0 if style == "regular" else 1


_INK = (24, 24, 32)


# Arial, which a card prints, has a space of 0.28 em; Pillow's font a narrower one (0.22 em), which would
# run words together that are apart on a real card ("I NYOMAN").
_SPACE_EM = 0.28


def _text(draw: ImageDraw.ImageDraw, xy, text: str, style: str, size: int, *, max_width: int = 0, anchor="la"):
    """Draw text word by word with Arial's spacing, shrunk until it fits max_width (as a card squeezes a long
    address); anchor "la" (left) or "ma" (centred) on the top line."""
    wanted = size
    while True:
        font, stroke = _font(style, size)
        words = text.split(" ")
        widths = [draw.textlength(word, font=font) for word in words]
        space = _SPACE_EM * size
        total = sum(widths) + space * (len(words) - 1)
        if not max_width or total <= max_width or size <= 12:
            break
        size -= 1
    x = xy[0] - total / 2 if anchor[0] == "m" else xy[0]
    y = xy[1] + (wanted - size) * 0.75  # a squeezed value keeps the line's baseline
    for word, width in zip(words, widths, strict=True):
        draw.text((x, y), word, font=font, fill=_INK, anchor="l" + anchor[1], stroke_width=stroke, stroke_fill=_INK)
        x += width + space


@cache
def _card_base() -> Image.Image:
    """The blank card: light blue, lighter below, with a fine guilloche and a faint emblem of rings."""
    w, h = CARD_SIZE
    y, x = np.mgrid[0:h, 0:w].astype(np.float32)
    t = y / h
    top, bottom = np.array([158, 205, 234], np.float32), np.array([214, 236, 248], np.float32)
    img = top * (1 - t[..., None]) + bottom * t[..., None]
    # Guilloche: crossing sine waves, darker where they are near zero (thin lines).
    waves = np.abs(np.sin(x / 23 + 3 * np.sin(y / 41))) * np.abs(np.sin(y / 17 + 2.5 * np.sin(x / 57)))
    lines = np.clip(1 - waves * 8, 0, 1)
    img -= lines[..., None] * np.array([14, 8, 2], np.float32)
    # Faint rings around the centre (where a real card has the Garuda and the map).
    r = np.hypot(x - w * 0.45, y - h * 0.55)
    rings = (np.abs(np.sin(r / 6)) < 0.15) & (r < 230)
    img[rings] -= np.array([10, 6, 0], np.float32)
    # A pale band across the top behind the header.
    img[: int(h * 0.14)] = img[: int(h * 0.14)] * 0.8 + 255 * 0.2
    card = Image.fromarray(np.clip(img, 0, 255).astype(np.uint8), "RGB")
    return card


def _silhouette(box: tuple[int, int, int, int], rng: random.Random, female: bool) -> Image.Image:
    """A drawn head and shoulders (never a real face) on the red or blue background of a KTP photo."""
    w, h = box[2] - box[0], box[3] - box[1]
    background = (196, 40, 40) if rng.random() < 0.5 else (40, 90, 190)
    photo = Image.new("RGB", (w, h), background)
    draw = ImageDraw.Draw(photo)
    cx = w / 2
    shade = rng.randint(40, 90)
    skin = (170 + rng.randint(-25, 20), 130 + rng.randint(-25, 15), 100 + rng.randint(-20, 10))
    draw.ellipse((cx - w * 0.5, h * 0.7, cx + w * 0.5, h * 1.5), fill=(shade, shade, shade + 10))
    draw.rectangle((cx - w * 0.1, h * 0.5, cx + w * 0.1, h * 0.74), fill=skin)
    draw.ellipse((cx - w * 0.2, h * 0.18, cx + w * 0.2, h * 0.6), fill=skin)
    if female and rng.random() < 0.7:  # a headscarf
        scarf = rng.choice(((230, 230, 235), (40, 40, 45), (120, 60, 90), (60, 90, 70)))
        draw.ellipse((cx - w * 0.27, h * 0.12, cx + w * 0.27, h * 0.82), fill=scarf)
        draw.ellipse((cx - w * 0.16, h * 0.24, cx + w * 0.16, h * 0.58), fill=skin)
    else:
        draw.chord((cx - w * 0.21, h * 0.14, cx + w * 0.21, h * 0.5), 180, 360, fill=(20, 20, 22))
    return photo


def _signature(draw: ImageDraw.ImageDraw, box: tuple[int, int, int, int], rng: random.Random):
    """A scribble: a pen stroke of loops of varying height travelling right, sometimes underlined."""
    x0, y0, x1, y1 = box
    height, mid = y1 - y0, (y0 + y1) / 2
    loops = rng.randint(2, 6)
    amplitudes = [rng.uniform(0.15, 0.5) for _ in range(loops + 1)]
    slant, phase = rng.uniform(-0.25, 0.1), rng.uniform(0, math.pi)
    points = []
    for i in range(160):
        t = i / 159
        k = min(int(t * loops), loops - 1)
        amp = amplitudes[k] + (amplitudes[k + 1] - amplitudes[k]) * (t * loops - k)
        y = mid + height * (amp * math.sin(2 * math.pi * loops * t + phase) + slant * (t - 0.5))
        x = x0 + (x1 - x0) * t + (x1 - x0) * 0.05 * math.cos(2 * math.pi * loops * t + phase)
        points.append((x, y))
    ink = (30, 30, rng.randint(60, 120))
    draw.line(points, fill=ink, width=rng.choice((2, 2, 3)), joint="curve")
    if rng.random() < 0.5:  # the underline many signatures end with
        draw.line((x0 + (x1 - x0) * rng.uniform(0, 0.4), y1 - 4, x1, y1 - rng.uniform(4, 16)), fill=ink, width=2)


def draw_card(person: dict[str, Any]) -> Image.Image:
    """The flat e-KTP (RGB, 1011x638) of a person from make_person or person_from_resident."""
    card = _card_base().copy()
    draw = ImageDraw.Draw(card)
    w, _h = CARD_SIZE
    # The card's own little randomness (photo colour, signature) follows the NIK: same person, same card.
    rng = random.Random(person["nik"])
    _text(draw, (w // 2, 16), f"PROVINSI {person['province'].upper()}", "bold", 31, anchor="ma", max_width=900)
    _text(draw, (w // 2, 52), person["regency"].upper(), "bold", 31, anchor="ma", max_width=900)

    # Cards are printed one by one: the text block sits a few pixels differently on each, and the value
    # column starts a little further right on some printers.
    dx, dy = rng.randint(-5, 5), rng.randint(-4, 4)
    label_x, colon_x, value_x = 30 + dx, 238 + dx, 254 + dx + rng.randint(0, 6)
    _text(draw, (label_x, 100 + dy), "NIK", "bold", 36)
    _text(draw, (colon_x - 70, 100 + dy), ":", "bold", 36)
    _text(draw, (colon_x - 42, 97 + dy), person["nik"], "bold", 40, max_width=540)

    y, step, size = 156 + dy, 35, 23
    value_room = 760 - value_x
    for label, value in card_fields(person):
        lx = label_x + 28 if label in ("RT/RW", "Kel/Desa", "Kecamatan") else label_x
        _text(draw, (lx, y), label, "regular", size)
        _text(draw, (colon_x, y), ":", "regular", size)
        if label == "Jenis Kelamin":
            _text(draw, (value_x, y), value, "regular", size)
            _text(draw, (500, y), "Gol. Darah", "regular", size)
            _text(draw, (630, y), f": {person.get('blood_type', '-')}", "regular", size)
        else:
            _text(draw, (value_x, y), value, "regular", size, max_width=value_room)
        y += step + rng.choice((0, 0, 0, 1))

    photo = (775, 118, 970, 378)
    card.paste(_silhouette(photo, rng, person["sex"] == Sex.FEMALE), photo[:2])
    cx = (photo[0] + photo[2]) // 2
    _text(draw, (cx, 392), person.get("issue_place", ""), "regular", 21, anchor="ma", max_width=220)
    _text(draw, (cx, 420), person.get("issue_date", ""), "regular", 21, anchor="ma")
    _signature(draw, (cx - 80, 462, cx + 80, 530), rng)
    return card
