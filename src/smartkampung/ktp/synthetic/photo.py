"""A phone photo of the flat card: on a table, a cloth, a desk or a screen, tilted in 3-D and turned, lit
unevenly, blurred, noisy, and saved as a JPEG. Fast (~0.1 s for 1600x1200) and deterministic in the rng."""

from __future__ import annotations

import math
import random
from functools import cache

import cv2
import numpy as np
from PIL import Image, ImageDraw

from smartkampung.ktp.synthetic.card import CARD_SIZE

PHOTO_SIZES = ((1600, 1200), (1280, 960))
DIFFICULTIES = ("easy", "hard")

# fill: card width / photo width; tilt: out-of-plane degrees; turn: in-plane degrees; blur: gaussian sigma;
# noise: its standard deviation; light: strength of the uneven light; shadow: how dark a cast shadow gets;
# glare: the chance of a bright reflection.
_SETTINGS = {
    "easy": {"fill": (0.5, 0.8), "tilt": 6, "turn": 5, "blur": (0.2, 0.9), "noise": (1.5, 4), "quality": (70, 90),
             "light": 0.15, "shadow": 0.0, "glare": 0.0},
    "hard": {"fill": (0.45, 0.8), "tilt": 24, "turn": 22, "blur": (0.9, 2.0), "noise": (4, 9), "quality": (35, 50),
             "light": 0.35, "shadow": 0.5, "glare": 0.3},
}  # fmt: skip

_SURFACES = ("wood", "cloth", "desk", "screen")
_SURFACE_ODDS = (0.35, 0.25, 0.25, 0.15)
_NOISE_TILE = 2048


@cache
def _noise_tile() -> np.ndarray:
    """One fixed field of unit gaussian noise; each photo takes a crop of it (drawing fresh noise for 2 million
    pixels costs more than the rest of the photo)."""
    return np.random.default_rng(16).standard_normal((_NOISE_TILE, _NOISE_TILE), dtype=np.float32)


def _with_corners(card: Image.Image) -> np.ndarray:
    """The card as BGRA with the rounded corners of a real card."""
    mask = Image.new("L", CARD_SIZE, 0)
    ImageDraw.Draw(mask).rounded_rectangle((0, 0, CARD_SIZE[0] - 1, CARD_SIZE[1] - 1), radius=38, fill=255)
    bgra = cv2.cvtColor(np.asarray(card.convert("RGB")), cv2.COLOR_RGB2BGRA)
    bgra[:, :, 3] = np.asarray(mask)
    return bgra


def _smooth_field(np_rng: np.random.Generator, w: int, h: int, cells: tuple[int, int] = (6, 8)) -> np.ndarray:
    """Low-frequency variation around 0 (unit scale), full size: a few random cells blown up smoothly."""
    return cv2.resize(np_rng.standard_normal(cells).astype(np.float32), (w, h), interpolation=cv2.INTER_CUBIC)


def _background(np_rng: np.random.Generator, kind: str, w: int, h: int) -> np.ndarray:
    """A float32 BGR surface of the given kind."""
    img = np.empty((h, w, 3), np.float32)
    if kind == "wood":
        base = np.array([40, 80, 130], np.float32) * np_rng.uniform(0.7, 1.3)
        along_width = np_rng.random() < 0.6  # the grain runs along the width or the height
        across = h if along_width else w
        rough = cv2.resize(np_rng.standard_normal((across // 8 + 2, 1)).astype(np.float32), (1, across))[:, 0]
        grain = 1 + 0.12 * np.sin(np.arange(across, dtype=np.float32) / np_rng.uniform(4, 12) + rough * 3)
        img[:] = base * (grain[:, None, None] if along_width else grain[None, :, None])
    elif kind == "cloth":
        period = int(np_rng.integers(4, 9))
        tile = np.indices((2 * period, 2 * period)).sum(axis=0) // period % 2
        weave = np.tile(tile.astype(np.float32), (h // (2 * period) + 1, w // (2 * period) + 1))[:h, :w]
        img[:] = np_rng.uniform(50, 200, 3).astype(np.float32)
        img *= (0.92 + 0.08 * weave)[..., None]
    elif kind == "desk":
        img[:] = np_rng.uniform(150, 235) * np_rng.uniform(0.92, 1.05, 3).astype(np.float32)
    else:  # the black around a card shown full-screen on a phone or monitor
        img[:] = np_rng.uniform(8, 30)
    img *= (1 + 0.05 * _smooth_field(np_rng, w, h))[..., None]
    return img


def _corners(np_rng: np.random.Generator, w: int, h: int, s: dict) -> np.ndarray:
    """Where the card's four corners land in the photo: a 3-D tilt seen through a phone's lens, turned,
    scaled so the card fills the wanted share of the width, and kept inside the frame."""
    cw, ch = CARD_SIZE
    pts = np.array([[-cw / 2, -ch / 2, 0], [cw / 2, -ch / 2, 0], [cw / 2, ch / 2, 0], [-cw / 2, ch / 2, 0]])
    ax, ay = np.radians(np_rng.uniform(-s["tilt"], s["tilt"], 2))
    az = np.radians(np_rng.uniform(-s["turn"], s["turn"]))
    rx = np.array([[1, 0, 0], [0, math.cos(ax), -math.sin(ax)], [0, math.sin(ax), math.cos(ax)]])
    ry = np.array([[math.cos(ay), 0, math.sin(ay)], [0, 1, 0], [-math.sin(ay), 0, math.cos(ay)]])
    rz = np.array([[math.cos(az), -math.sin(az), 0], [math.sin(az), math.cos(az), 0], [0, 0, 1]])
    p = pts @ (rz @ ry @ rx).T
    focal, distance = 1.3 * cw, 1.6 * cw  # a phone's wide lens held close: real perspective, not just a skew
    projected = p[:, :2] * focal / (p[:, 2:3] + distance)
    projected -= projected.mean(axis=0)
    span = projected.max(axis=0) - projected.min(axis=0)
    scale = np_rng.uniform(*s["fill"]) * w / (span[0] / max(0.9, math.cos(az)))
    scale = min(scale, 0.94 * w / span[0], 0.94 * h / span[1])
    projected *= scale
    lo, hi = projected.min(axis=0), projected.max(axis=0)
    room = np.array([w, h]) - (hi - lo)
    offset = np.array([np_rng.uniform(0.15, 0.85), np_rng.uniform(0.15, 0.85)]) * room - lo
    return (projected + offset).astype(np.float32)


def _light(np_rng: np.random.Generator, kind: str, w: int, h: int, s: dict) -> np.ndarray:
    """The light falling on the scene, as a full-size float32 factor: a gradient across the frame, a vignette,
    and (hard) the soft-edged shadow of the phone or a hand."""
    sw, sh = 64, 48
    yy, xx = np.mgrid[0:sh, 0:sw].astype(np.float32)
    xx, yy = xx / sw - 0.5, yy / sh - 0.5
    angle = np_rng.uniform(0, 2 * math.pi)
    # From full light on one side to darker on the other (a phone's auto-exposure keeps the card from
    # washing out, so the light rarely rises above 1: the exposure below decides the overall brightness).
    ramp = (xx * math.cos(angle) + yy * math.sin(angle)) / math.hypot(0.5, 0.5)
    light = 1 - s["light"] * np_rng.uniform(0.3, 1) * (0.5 + 0.5 * ramp)
    light *= 1 - np_rng.uniform(0.1, 0.35) * (xx**2 + yy**2)
    if s["shadow"] and kind != "screen" and np_rng.random() < 0.6:
        a = np_rng.uniform(0, 2 * math.pi)
        edge = (xx - np_rng.uniform(-0.3, 0.3)) * math.cos(a) + yy * math.sin(a)
        light *= 1 - s["shadow"] * np_rng.uniform(0.4, 1) / (1 + np.exp(-edge * np_rng.uniform(10, 40)))
    light *= np_rng.uniform(0.92, 1.08) / float(light.max())
    return cv2.resize(light, (w, h), interpolation=cv2.INTER_CUBIC)


def _glare(np_rng: np.random.Generator, w: int, h: int) -> np.ndarray:
    """A bright reflection of a lamp or the sky on the laminate: a soft ellipse, added."""
    sw, sh = 80, 60
    yy, xx = np.mgrid[0:sh, 0:sw].astype(np.float32)
    cx, cy = np_rng.uniform(0.2, 0.8) * sw, np_rng.uniform(0.2, 0.8) * sh
    rx, ry = np_rng.uniform(0.06, 0.18) * sw, np_rng.uniform(0.04, 0.12) * sh
    blob = np.exp(-(((xx - cx) / rx) ** 2 + ((yy - cy) / ry) ** 2)) * np_rng.uniform(30, 70)
    return cv2.resize(blob, (w, h), interpolation=cv2.INTER_CUBIC)


def photograph(card: Image.Image, *, rng: random.Random, difficulty: str = "easy") -> bytes:
    """A phone photo (JPEG) of the flat card: on a surface, tilted and turned, unevenly lit, blurred, noisy.

    easy: mild tilt (a few degrees), the card filling 50-80 % of the width, JPEG quality 70-90;
    hard: tilt and turn up to ~24 degrees, cast shadows, glare, stronger blur and noise, JPEG quality 35-50."""
    return photograph_with_corners(card, rng=rng, difficulty=difficulty)[0]


def photograph_with_corners(card: Image.Image, *, rng: random.Random, difficulty: str = "easy"):
    """(JPEG bytes, the card's corners in the photo as a 4x2 float32 array: top-left, top-right,
    bottom-right, bottom-left), for tests of finding and rectifying the card."""
    if difficulty not in _SETTINGS:
        raise ValueError(f"difficulty must be one of {', '.join(DIFFICULTIES)}, not {difficulty!r}.")
    s = _SETTINGS[difficulty]
    np_rng = np.random.default_rng(rng.getrandbits(64))
    w, h = PHOTO_SIZES[int(np_rng.integers(len(PHOTO_SIZES)))]
    kind = str(np_rng.choice(_SURFACES, p=_SURFACE_ODDS))
    # The surface at half size, blown up: it is out of focus anyway, and it is the largest cost otherwise.
    img = cv2.resize(_background(np_rng, kind, w // 2, h // 2), (w, h), interpolation=cv2.INTER_LINEAR)

    corners = _corners(np_rng, w, h, s)
    cw, ch = CARD_SIZE
    source = np.array([[0, 0], [cw, 0], [cw, ch], [0, ch]], np.float32)
    matrix = cv2.getPerspectiveTransform(source, corners)
    warped = cv2.warpPerspective(_with_corners(card), matrix, (w, h), flags=cv2.INTER_LINEAR, borderValue=0)
    alpha = warped[:, :, 3].astype(np.float32) * (1 / 255)
    if kind != "screen":
        # A soft shadow under the card (a card on a screen casts none), worked out at a quarter size.
        small = cv2.resize(alpha, (w // 4, h // 4), interpolation=cv2.INTER_AREA)
        dx, dy = np_rng.integers(-3, 4, 2)
        small = cv2.warpAffine(
            cv2.GaussianBlur(small, (0, 0), 2.5), np.float32([[1, 0, dx], [0, 1, dy]]), small.shape[::-1]
        )
        img *= (1 - 0.35 * cv2.resize(small, (w, h)))[..., None]
    card_part = warped[:, :, :3].astype(np.float32)
    img = cv2.add(img, cv2.multiply(cv2.subtract(card_part, img), cv2.merge([alpha, alpha, alpha])))

    light = _light(np_rng, kind, w, h, s)
    tint = np_rng.uniform(1 - s["light"] / 4, 1 + s["light"] / 8, 3).astype(np.float32)
    if kind == "screen":
        # The screen's pixel grid against the camera's: a faint moiré over everything, as
        # sin(u + v) = sin u cos v + cos u sin v, two outer products instead of a full-size sine.
        a, k = np_rng.uniform(0, math.pi), 2 * math.pi / np_rng.uniform(3, 7)
        u = np.arange(w, dtype=np.float32) * np.float32(k * math.cos(a))
        v = np.arange(h, dtype=np.float32) * np.float32(k * math.sin(a))
        wave = np.outer(np.cos(v), np.sin(u)) + np.outer(np.sin(v), np.cos(u))
        light = light * (1 + np.float32(np_rng.uniform(0.02, 0.06)) * wave)
    img = cv2.multiply(img, cv2.merge([light * tint[0], light * tint[1], light * tint[2]]))
    if s["glare"] and np_rng.random() < s["glare"]:
        glare = _glare(np_rng, w, h)
        img = cv2.add(img, cv2.merge([glare, glare, glare]))

    img = cv2.GaussianBlur(img, (0, 0), np_rng.uniform(*s["blur"]))
    if difficulty == "hard" and np_rng.random() < 0.3:  # a shaking hand
        length = int(np_rng.integers(4, 9))
        kernel = np.zeros((length, length), np.float32)
        kernel[length // 2, :] = 1
        turn = cv2.getRotationMatrix2D(((length - 1) / 2, (length - 1) / 2), np_rng.uniform(0, 180), 1)
        kernel = cv2.warpAffine(kernel, turn, (length, length))
        img = cv2.filter2D(img, -1, kernel / max(float(kernel.sum()), 1e-6))

    y0, x0 = np_rng.integers(0, _NOISE_TILE - h), np_rng.integers(0, _NOISE_TILE - w)
    noise = _noise_tile()[y0 : y0 + h, x0 : x0 + w] * np.float32(np_rng.uniform(*s["noise"]))
    img = cv2.add(img, cv2.merge([noise, noise, noise]))
    out = np.clip(img, 0, 255).astype(np.uint8)
    quality = int(np_rng.integers(s["quality"][0], s["quality"][1] + 1))
    ok, jpeg = cv2.imencode(".jpg", out, [cv2.IMWRITE_JPEG_QUALITY, quality])
    if not ok:  # pragma: no cover - OpenCV always encodes a uint8 BGR image
        raise RuntimeError("JPEG encoding failed")
    return jpeg.tobytes(), corners
