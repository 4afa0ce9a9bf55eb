"""Photos uploaded to tourism (a place's, an inspector's finding's, a tourist's report's), checked one way.

A photo is taken only when its first bytes say JPEG, PNG or WebP (never its name or what the browser claims), it
fits the size limit, its pixel count is one a phone makes (a few KB of PNG can claim 12000 x 12000 pixels, which
every tourist's phone would then try to decode), and it decodes whole: a JPEG cut short by a weak connection is
refused, so it is taken again rather than kept half grey."""

from __future__ import annotations

import io

from django.conf import settings
from django.utils.translation import gettext as _

# A 50 MP phone camera makes ~8160 x 6120: 40 million pixels, or 10,000 px on a side, is more than any photo needs.
MAX_PIXELS = 40_000_000
MAX_SIDE = 10_000


def max_bytes() -> int:
    """The largest photo taken (TOURISM_PHOTO_MAX_BYTES, 2 MB by default)."""
    return settings.TOURISM_PHOTO_MAX_BYTES


def too_large() -> str:
    """The words for a photo over the limit."""
    return _("The photo is larger than %(mb)s MB. Take a smaller photo.") % {"mb": f"{max_bytes() / 2**20:g}"}


def sniff_photo(data: bytes) -> str | None:
    """The photo's real type by its first bytes, or None."""
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    return None


def check_photo(data: bytes) -> tuple[str | None, str]:
    """(content type, problem in words, "" when none) of an uploaded photo."""
    from PIL import Image

    if not data:
        return None, _("The photo is empty.")
    if len(data) > max_bytes():
        return None, too_large()
    content_type = sniff_photo(data)
    if content_type is None:
        return None, _("The file is not a JPEG, PNG or WebP photo.")
    try:
        with Image.open(io.BytesIO(data)) as image:
            width, height = image.size
            if width * height > MAX_PIXELS or max(width, height) > MAX_SIDE:
                return None, _("The photo has too many pixels (%(width)s × %(height)s). Take a smaller photo.") % {
                    "width": width,
                    "height": height,
                }
            image.load()  # decodes every pixel: a file cut short fails here (LOAD_TRUNCATED_IMAGES stays off)
    except Exception:  # any decoder error means the same to the user: the file is damaged or incomplete
        return None, _("The photo is damaged or was not uploaded whole. Take it again.")
    return content_type, ""
