"""From the uploaded bytes to the card, flat: the file checked for what it is (JPEG, PNG or WebP by its first
bytes, not by its name), its size and pixel count bounded before it is decoded, turned as the phone's EXIF says,
then the card found in the photo (its edges, or its light blue print) and warped flat to one size, so that the
reader sees every card the same way however the phone held it. Every refusal is an `UnreadablePhoto` with a code
and a sentence for the person holding the phone."""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass

import cv2
import numpy as np
from django.conf import settings
from django.utils.translation import gettext as _
from PIL import Image, ImageOps

from smartkampung.core.errors import Refused

# An ID-1 card is 85.60 x 53.98 mm: the flat card is drawn at this size (about 12 px a millimetre, where the
# card's smallest print is ~2 mm high: 24 px, what the recogniser reads best).
CARD_WIDTH = 1000
CARD_HEIGHT = 630
CARD_RATIO = 85.60 / 53.98

MAX_PIXELS = 50_000_000  # a 50 MP photo is already larger than any phone's; more is a decompression bomb
MIN_PHOTO_SIDE = 200  # px: below this nothing on a card can be read
MIN_CARD_WIDTH = 320  # px: a card narrower than this in the photo prints its data ~6 px high
WORK_SIDE = 2000  # px: photos are decoded at about this size (JPEG's draft mode), enough for a card filling 1/2
FIND_SIDE = 640  # px: the card is looked for on a copy this size
WHOLE_SIDE = 1600  # px: a photo in which no card outline was found is read at most this size

# Variance of the Laplacian of the flat card (grey, 0..255). A sharp generated card scores ~1500+, a card a phone
# took while moving under ~60; the reader refuses as blurred only when the OCR failed too.
BLUR_LIMIT = 60.0

CODES_STATUS = {"not_image": 415, "too_large": 413}


class UnreadablePhoto(Refused):
    """The photo cannot be read: `code` says why for programs (not_image, empty, too_large, too_small,
    too_blurred, no_card), `message` says it in words for people. The API answers it as any refusal: 415 for
    a file that is not a photo, 413 for one too large, 422 for the rest."""

    def __init__(self, code: str, message: str):
        self.code, self.message = code, str(message)
        super().__init__([("image", self.message)], CODES_STATUS.get(code, 422), extra={"code": code})


@dataclass
class CardView:
    """The card as the reader sees it: `image` (BGR) the card warped flat to CARD_WIDTH x CARD_HEIGHT when it
    was found in the photo (`found`), else the whole photo; `width_in_photo` how many pixels wide the card was
    in the photo; `sharpness` the variance of the Laplacian of the flat card."""

    image: np.ndarray
    found: bool
    width_in_photo: float
    sharpness: float


def _kind(data: bytes) -> str | None:
    if data[:3] == b"\xff\xd8\xff":
        return "JPEG"
    if data[:8] == b"\x89PNG\r\n\x1a\n":
        return "PNG"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "WEBP"
    return None


def _mb(size: int) -> str:
    return f"{size / (1024 * 1024):.0f}"


def load_photo(data: bytes) -> np.ndarray:
    """The photo as a BGR array, upright as the phone held it, at most about WORK_SIDE px on its longer side."""
    if not data:
        raise UnreadablePhoto("empty", _("The file is empty: take the photo of the KTP again."))
    if len(data) > settings.KTP_MAX_IMAGE_BYTES:
        raise UnreadablePhoto(
            "too_large",
            _("The photo is %(size)s MB; at most %(limit)s MB is accepted. Send a smaller photo.")
            % {"size": _mb(len(data)), "limit": _mb(settings.KTP_MAX_IMAGE_BYTES)},
        )
    kind = _kind(data)
    if kind is None:
        raise UnreadablePhoto("not_image", _("This file is not a photo: send a JPEG, PNG or WebP photo of the KTP."))
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            picture = Image.open(io.BytesIO(data), formats=[kind])
            width, height = picture.size
            if width * height > MAX_PIXELS:
                raise UnreadablePhoto(
                    "too_large",
                    _("The photo has %(mp)d million pixels; at most %(limit)d million are accepted.")
                    % {"mp": width * height // 1_000_000, "limit": MAX_PIXELS // 1_000_000},
                )
            if kind == "JPEG" and max(width, height) > 2 * WORK_SIDE:
                # Decode at 1/2, 1/4 or 1/8 scale straight from the JPEG: a 12 MP photo in a third of the time.
                picture.draft(
                    "RGB", (width * WORK_SIDE // max(width, height), height * WORK_SIDE // max(width, height))
                )
            picture = ImageOps.exif_transpose(picture)
            picture = picture.convert("RGB")
    except UnreadablePhoto:
        raise
    except (OSError, ValueError, SyntaxError, Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise UnreadablePhoto(
            "not_image", _("The photo cannot be opened (the file is damaged or incomplete): take it again.")
        ) from None
    if min(picture.size) < MIN_PHOTO_SIDE:
        raise UnreadablePhoto(
            "too_small",
            _("The photo is only %(width)d x %(height)d pixels; at least %(min)d pixels on each side are needed.")
            % {"width": picture.width, "height": picture.height, "min": MIN_PHOTO_SIDE},
        )
    if max(picture.size) > WORK_SIDE * 1.25:
        picture.thumbnail((WORK_SIDE, WORK_SIDE), Image.Resampling.BILINEAR)
    rgb = np.asarray(picture)
    return cv2.cvtColor(rgb, cv2.COLOR_RGB2BGR)


# ---------------------------------------------------------------- finding the card


def _order(points: np.ndarray) -> np.ndarray:
    """Four corners as top-left, top-right, bottom-right, bottom-left."""
    points = points.reshape(4, 2).astype(np.float32)
    centre = points.mean(axis=0)
    angles = np.arctan2(points[:, 1] - centre[1], points[:, 0] - centre[0])
    points = points[np.argsort(angles)]  # clockwise in image coordinates, starting from the left-most angle
    start = int(np.argmin(points.sum(axis=1)))  # the top-left has the smallest x + y
    return np.roll(points, -start, axis=0)


def _sides(quad: np.ndarray) -> tuple[float, float]:
    top = np.linalg.norm(quad[1] - quad[0])
    bottom = np.linalg.norm(quad[2] - quad[3])
    left = np.linalg.norm(quad[3] - quad[0])
    right = np.linalg.norm(quad[2] - quad[1])
    return (top + bottom) / 2, (left + right) / 2


def _plausible(quad: np.ndarray, area: float) -> bool:
    """A card seen by a phone: a convex quadrilateral, a fair share of the photo, about the card's shape."""
    if not cv2.isContourConvex(quad.reshape(4, 1, 2).astype(np.int32)):
        return False
    if cv2.contourArea(quad.astype(np.float32)) < 0.08 * area:
        return False
    width, height = _sides(quad)
    ratio = max(width, height) / max(1.0, min(width, height))
    return 1.2 <= ratio <= 2.1


def _quad_of(contour: np.ndarray) -> np.ndarray | None:
    """The contour as four corners: its polygon when it simplifies to four, else its rotated bounding box when it
    fills it (a card with a thumb over one corner)."""
    hull = cv2.convexHull(contour)
    perimeter = cv2.arcLength(hull, True)
    for epsilon in (0.02, 0.03, 0.045):
        polygon = cv2.approxPolyDP(hull, epsilon * perimeter, True)
        if len(polygon) == 4:
            return _order(polygon)
    box = cv2.boxPoints(cv2.minAreaRect(hull))
    if cv2.contourArea(hull) >= 0.85 * cv2.contourArea(box):
        return _order(box)
    return None


def _candidates(small: np.ndarray) -> list[np.ndarray]:
    """Quadrilaterals that may be the card, on the small copy: from its outline (edges) and from its colour (the
    e-KTP's light blue)."""
    found = []
    grey = cv2.cvtColor(small, cv2.COLOR_BGR2GRAY)
    grey = cv2.GaussianBlur(grey, (5, 5), 0)
    median = float(np.median(grey))
    edges = cv2.Canny(grey, max(10.0, 0.5 * median), min(255.0, 1.2 * median + 30))
    edges = cv2.dilate(edges, np.ones((3, 3), np.uint8), iterations=2)
    edges = cv2.morphologyEx(edges, cv2.MORPH_CLOSE, np.ones((7, 7), np.uint8))
    masks = [edges]

    hsv = cv2.cvtColor(small, cv2.COLOR_BGR2HSV)
    # Light blue to cyan, fairly light, not grey: the card's background under most lights.
    blue = cv2.inRange(hsv, (88, 35, 80), (125, 255, 255))
    blue = cv2.morphologyEx(blue, cv2.MORPH_CLOSE, np.ones((15, 15), np.uint8))
    blue = cv2.morphologyEx(blue, cv2.MORPH_OPEN, np.ones((5, 5), np.uint8))
    masks.append(blue)

    for mask in masks:
        contours, _hierarchy = cv2.findContours(mask, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
        for contour in sorted(contours, key=cv2.contourArea, reverse=True)[:4]:
            quad = _quad_of(contour)
            if quad is not None:
                found.append(quad)
    return found


def find_card(photo: np.ndarray) -> np.ndarray | None:
    """The card's four corners in the photo (top-left first, clockwise, the card's long side across), or None."""
    height, width = photo.shape[:2]
    scale = FIND_SIDE / max(height, width)
    small = cv2.resize(photo, (round(width * scale), round(height * scale)), interpolation=cv2.INTER_AREA)
    area = small.shape[0] * small.shape[1]
    best, best_area = None, 0.0
    for quad in _candidates(small):
        if not _plausible(quad, area):
            continue
        # A quadrilateral touching the photo's border on two sides is the photo's frame, not the card.
        margin = 2
        touching = (
            (quad[:, 0] <= margin).any()
            + (quad[:, 1] <= margin).any()
            + (quad[:, 0] >= small.shape[1] - 1 - margin).any()
            + (quad[:, 1] >= small.shape[0] - 1 - margin).any()
        )
        if touching >= 3:
            continue
        quad_area = cv2.contourArea(quad)
        if quad_area > best_area:
            best, best_area = quad, quad_area
    if best is None:
        return None
    return best / scale


def rectify(photo: np.ndarray, quad: np.ndarray) -> np.ndarray:
    """The card warped flat to CARD_WIDTH x CARD_HEIGHT, its long side across."""
    width, height = _sides(quad)
    if height > width:  # the card stands upright in the photo: its top-left is the quad's bottom-left
        quad = np.roll(quad, 1, axis=0)
    target = np.array(
        [[0, 0], [CARD_WIDTH - 1, 0], [CARD_WIDTH - 1, CARD_HEIGHT - 1], [0, CARD_HEIGHT - 1]], np.float32
    )
    matrix = cv2.getPerspectiveTransform(quad.astype(np.float32), target)
    return cv2.warpPerspective(
        photo, matrix, (CARD_WIDTH, CARD_HEIGHT), flags=cv2.INTER_AREA, borderMode=cv2.BORDER_REPLICATE
    )


def sharpness(image: np.ndarray) -> float:
    """Variance of the Laplacian of the image's grey (higher is sharper), on a CARD_WIDTH-wide copy."""
    grey = cv2.cvtColor(image, cv2.COLOR_BGR2GRAY) if image.ndim == 3 else image
    if grey.shape[1] != CARD_WIDTH:
        scale = CARD_WIDTH / grey.shape[1]
        grey = cv2.resize(grey, (CARD_WIDTH, max(1, round(grey.shape[0] * scale))), interpolation=cv2.INTER_AREA)
    return float(cv2.Laplacian(grey, cv2.CV_64F).var())


def card_view(photo: np.ndarray) -> CardView:
    """The card found in the photo and warped flat, or the whole photo when no card outline is found (the OCR then
    decides: a photo cropped to the card has no outline to find)."""
    quad = find_card(photo)
    if quad is None:
        image = photo
        if max(photo.shape[:2]) > WHOLE_SIDE:  # the OCR needs no more: its detector looks at ~1000 px
            scale = WHOLE_SIDE / max(photo.shape[:2])
            size = (round(photo.shape[1] * scale), round(photo.shape[0] * scale))
            image = cv2.resize(photo, size, interpolation=cv2.INTER_AREA)
        return CardView(
            image=image, found=False, width_in_photo=float(max(photo.shape[:2])), sharpness=sharpness(image)
        )
    width, height = _sides(quad)
    across = max(width, height)
    if across < MIN_CARD_WIDTH:
        raise UnreadablePhoto(
            "too_small",
            _(
                "The card is only %(width)d pixels wide in the photo; at least %(min)d are needed: hold the phone "
                "closer, so that the card fills the picture."
            )
            % {"width": round(across), "min": MIN_CARD_WIDTH},
        )
    flat = rectify(photo, quad)
    return CardView(image=flat, found=True, width_in_photo=float(across), sharpness=sharpness(flat))


def turned_over(image: np.ndarray) -> np.ndarray:
    """The card turned half a circle (a photo taken upside down)."""
    return cv2.rotate(image, cv2.ROTATE_180)
