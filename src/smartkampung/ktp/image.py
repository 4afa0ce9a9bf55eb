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
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        # Pillow's own guard, at its own limit (~89 million pixels), already at opening.
        raise UnreadablePhoto(
            "too_large",
            _("The photo has more than %(limit)d million pixels, more than any phone takes.")
            % {"limit": MAX_PIXELS // 1_000_000},
        ) from None
    except (OSError, ValueError, SyntaxError):
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


def _plausible(quad: np.ndarray, area: float, min_share: float = 0.08) -> bool:
    """A card seen by a phone: a convex quadrilateral, a fair share of the photo, about the card's shape."""
    if not cv2.isContourConvex(quad.reshape(4, 1, 2).astype(np.int32)):
        return False
    if cv2.contourArea(quad.astype(np.float32)) < min_share * area:
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


def _gradient(small: np.ndarray) -> np.ndarray:
    """How sharply the photo changes at each pixel (0..1), in brightness or colour: a card's outline is an edge
    in one or the other even when the surface is as light as the card."""
    lab = cv2.GaussianBlur(cv2.cvtColor(small, cv2.COLOR_BGR2LAB), (5, 5), 0).astype(np.float32)
    magnitude = np.zeros(small.shape[:2], np.float32)
    for channel, weight in ((0, 1.0), (1, 2.0), (2, 2.0)):
        gx = cv2.Sobel(lab[:, :, channel], cv2.CV_32F, 1, 0, ksize=3)
        gy = cv2.Sobel(lab[:, :, channel], cv2.CV_32F, 0, 1, ksize=3)
        magnitude = np.maximum(magnitude, weight * cv2.magnitude(gx, gy))
    top = float(np.percentile(magnitude, 99)) or 1.0
    return np.clip(magnitude / top, 0, 1)


def _candidates(small: np.ndarray, gradient: np.ndarray) -> list[np.ndarray]:
    """Quadrilaterals that may be the card, on the small copy: from its outline (edges, at two strengths) and from
    its colour (the e-KTP's light blue, and whatever is bluer than the surface)."""
    masks = []
    for level in (0.25, 0.12):
        edges = (gradient > level).astype(np.uint8) * 255
        edges = cv2.morphologyEx(edges, cv2.MORPH_CLOSE, np.ones((5, 5), np.uint8))
        masks.append(edges)

    hsv = cv2.cvtColor(small, cv2.COLOR_BGR2HSV)
    # Light blue to cyan, fairly light, not grey: the card's background under most lights.
    blue = cv2.inRange(hsv, (88, 35, 80), (125, 255, 255))
    masks.append(blue)
    # Bluer than most of the photo (Lab's b below the surface's), and not dark.
    lab = cv2.cvtColor(cv2.GaussianBlur(small, (5, 5), 0), cv2.COLOR_BGR2LAB)
    _level, bluer = cv2.threshold(255 - lab[:, :, 2], 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    bluer[lab[:, :, 0] < 90] = 0
    masks.append(bluer)
    _level, lighter = cv2.threshold(lab[:, :, 0], 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    masks.append(lighter)

    found = []
    for index, mask in enumerate(masks):
        if index >= 2:
            mask = cv2.morphologyEx(mask, cv2.MORPH_CLOSE, np.ones((15, 15), np.uint8))
            mask = cv2.morphologyEx(mask, cv2.MORPH_OPEN, np.ones((5, 5), np.uint8))
        contours, _hierarchy = cv2.findContours(mask, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
        for contour in sorted(contours, key=cv2.contourArea, reverse=True)[:4]:
            quad = _quad_of(contour)
            if quad is not None:
                found.append(quad)
    return found


def _side_points(start: np.ndarray, end: np.ndarray, shape: tuple[int, int], count: int = 40) -> np.ndarray:
    """Points along the middle 80 % of a side (the corners are rounded), inside the image."""
    t = np.linspace(0.1, 0.9, count)[:, None]
    points = (start[None, :] * (1 - t) + end[None, :] * t).round().astype(int)
    points[:, 0] = points[:, 0].clip(0, shape[1] - 1)
    points[:, 1] = points[:, 1].clip(0, shape[0] - 1)
    return points


def _support(quad: np.ndarray, lab: np.ndarray) -> float:
    """How much the quadrilateral's sides look like a card's outline: per side, the share of its points where the
    photo's colour differs across the side (a few pixels inside against a few outside); the two weakest sides
    count. A side through the card's middle, or through a patterned surface, differs little across."""
    shares = []
    for a, b in zip(quad, np.roll(quad, -1, axis=0), strict=True):
        direction = (b - a) / max(1e-6, float(np.linalg.norm(b - a)))
        inward = np.array([-direction[1], direction[0]], np.float32)  # the corners run clockwise
        inside = _side_points(a + 5 * inward, b + 5 * inward, lab.shape[:2])
        outside = _side_points(a - 5 * inward, b - 5 * inward, lab.shape[:2])
        difference = np.linalg.norm(
            lab[inside[:, 1], inside[:, 0]].astype(np.float32) - lab[outside[:, 1], outside[:, 0]].astype(np.float32),
            axis=1,
        )
        shares.append(float((difference > 12).mean()))
    shares.sort()
    return 0.5 * shares[0] + 0.5 * shares[1]


def _snap(quad: np.ndarray, gradient: np.ndarray, reach: int = 6) -> np.ndarray:
    """The quadrilateral with each side moved (along its normal, up to `reach` px) onto the strongest edge near
    it, and the corners where the moved sides meet: the outline from masks lies a few pixels off."""
    lines = []
    for a, b in zip(quad, np.roll(quad, -1, axis=0), strict=True):
        direction = (b - a) / max(1e-6, float(np.linalg.norm(b - a)))
        normal = np.array([-direction[1], direction[0]], np.float32)
        best, best_value = 0.0, -1.0
        for offset in range(-reach, reach + 1):
            points = _side_points(a + offset * normal, b + offset * normal, gradient.shape)
            value = float(gradient[points[:, 1], points[:, 0]].mean())
            if value > best_value:
                best, best_value = float(offset), value
        lines.append((a + best * normal, direction))
    corners = []
    for (p1, d1), (p2, d2) in zip(np.roll(np.array(lines, dtype=object), 1, axis=0), lines, strict=True):
        # Where side i-1 meets side i: p1 + s d1 = p2 + t d2.
        matrix = np.array([[d1[0], -d2[0]], [d1[1], -d2[1]]], np.float64)
        if abs(np.linalg.det(matrix)) < 1e-6:
            return quad
        s_t = np.linalg.solve(matrix, np.asarray(p2, np.float64) - np.asarray(p1, np.float64))
        corners.append(np.asarray(p1, np.float64) + s_t[0] * np.asarray(d1, np.float64))
    snapped = np.array(corners, np.float32)
    # Side i starts at corner i: the corner where side i-1 meets side i.
    return snapped if np.abs(snapped - quad).max() <= 3 * reach else quad


def find_card(photo: np.ndarray, *, min_share: float = 0.08) -> np.ndarray | None:
    """The card's four corners in the photo (top-left first, clockwise), or None. The card must cover
    `min_share` of the photo at least: smaller outlines are mostly something else (the photo printed on the
    card); the reader looks for a smaller card only to say it is too small."""
    height, width = photo.shape[:2]
    scale = FIND_SIDE / max(height, width)
    small = cv2.resize(photo, (round(width * scale), round(height * scale)), interpolation=cv2.INTER_AREA)
    area = small.shape[0] * small.shape[1]
    gradient = _gradient(small)
    lab = cv2.cvtColor(cv2.GaussianBlur(small, (5, 5), 0), cv2.COLOR_BGR2LAB)
    best, best_score = None, 0.0
    margin = 8
    for quad in _candidates(small, gradient):
        if not _plausible(quad, area, min_share):
            continue
        quad_area = cv2.contourArea(quad)
        # A quadrilateral along two of the photo's borders, or filling it, is the photo's frame, not the card (a
        # card filling the photo has no outline to find: it is then read whole).
        touching = (
            (quad[:, 0] <= margin).any()
            + (quad[:, 1] <= margin).any()
            + (quad[:, 0] >= small.shape[1] - 1 - margin).any()
            + (quad[:, 1] >= small.shape[0] - 1 - margin).any()
        )
        if touching >= 2 or quad_area > 0.85 * area:
            continue
        support = _support(quad, lab)
        if support < 0.5:
            continue
        # The outline that follows edges best, the larger of two that follow them alike (the card, not the photo
        # printed on it), unless it runs along the photo's border.
        score = support + 0.2 * quad_area / area - 0.25 * touching
        if score > best_score:
            best, best_score = quad, score
    if best is None:
        return None
    return _snap(best, gradient) / scale


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


def whole_view(photo: np.ndarray) -> CardView:
    """The whole photo as the reader's view (no card outline found, or the one found read as no KTP)."""
    image = photo
    if max(photo.shape[:2]) > WHOLE_SIDE:  # the OCR needs no more: its detector looks at ~1000 px
        scale = WHOLE_SIDE / max(photo.shape[:2])
        size = (round(photo.shape[1] * scale), round(photo.shape[0] * scale))
        image = cv2.resize(photo, size, interpolation=cv2.INTER_AREA)
    return CardView(image=image, found=False, width_in_photo=float(max(photo.shape[:2])), sharpness=sharpness(image))


def card_view(photo: np.ndarray) -> CardView:
    """The card found in the photo and warped flat, or the whole photo when no card outline is found (the OCR then
    decides: a photo cropped to the card has no outline to find)."""
    quad = find_card(photo)
    if quad is None:
        return whole_view(photo)
    width, height = _sides(quad)
    across = max(width, height)
    flat = rectify(photo, quad)
    return CardView(image=flat, found=True, width_in_photo=float(across), sharpness=sharpness(flat))


def too_small(photo: np.ndarray, view: CardView) -> UnreadablePhoto | None:
    """The refusal for a card too small in the photo to read (when it was not read), or None."""
    width = view.width_in_photo if view.found else None
    if width is None:
        quad = find_card(photo, min_share=0.01)
        width = max(_sides(quad)) if quad is not None else None
    if width is None or width >= MIN_CARD_WIDTH:
        return None
    return UnreadablePhoto(
        "too_small",
        _(
            "The card is only %(width)d pixels wide in the photo; at least %(min)d are needed: hold the phone "
            "closer, so that the card fills the picture."
        )
        % {"width": round(width), "min": MIN_CARD_WIDTH},
    )


def turned_over(image: np.ndarray) -> np.ndarray:
    """The card turned half a circle (a photo taken upside down)."""
    return cv2.rotate(image, cv2.ROTATE_180)
