"""A place's rotating check-in code: what its QR code at the entrance holds, in the URL /tourism/in/<place>/<code>/.

The code is the time window it was made in (4 bytes) and an HMAC-SHA256 of (place, window) keyed with the place's
own `code_secret` and the deployment's SECRET_KEY (11 bytes of it: 88 bits), written in base32 (24 letters and
digits, no padding). Windows last TOURISM_CODE_ROTATION_SECONDS (300 by default); a code is accepted in its own
window and the next one, so a visitor who scanned it just before it changed still gets in, while a photo of an
older code is refused. Carrying the window in the code lets us tell "expired" (a real code of an older window)
from "not valid" (a forged or mistyped code, or another place's) without trying every past window."""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import hashlib
import hmac
from dataclasses import dataclass

from django.conf import settings
from django.utils import timezone

from smartkampung.tourism.models import Place

WINDOW_BYTES = 4
MAC_BYTES = 11  # 88 bits: guessing a valid code is out of reach even without the rate limit
CODE_LENGTH = 24  # base32 of 15 bytes, no padding
MAX_CODE_LENGTH = 64  # longer input is not even decoded


def rotation_seconds() -> int:
    """How long one code is shown (TOURISM_CODE_ROTATION_SECONDS, 300 by default, at least 30)."""
    return max(30, int(settings.TOURISM_CODE_ROTATION_SECONDS))


def window_at(now: dt.datetime | None = None) -> int:
    """The number of the time window `now` falls in."""
    return int((now or timezone.now()).timestamp()) // rotation_seconds()


def window_ends(window: int) -> dt.datetime:
    """When `window` ends (the next code takes over)."""
    return dt.datetime.fromtimestamp((window + 1) * rotation_seconds(), tz=dt.UTC)


def _mac(place: Place, window: int) -> bytes:
    # Both secrets: a leaked database (code_secret) alone does not let anyone make codes, nor does SECRET_KEY alone
    # make another place's; a new code_secret makes every earlier code of the place worthless.
    key = hashlib.sha256(f"{settings.SECRET_KEY}\x00{place.code_secret}".encode()).digest()
    message = f"tourism-checkin\x00{place.pk}\x00{window}".encode()
    return hmac.new(key, message, hashlib.sha256).digest()[:MAC_BYTES]


def code_for(place: Place, *, window: int) -> str:
    """The code of `place` in `window`."""
    raw = window.to_bytes(WINDOW_BYTES, "big") + _mac(place, window)
    return base64.b32encode(raw).decode("ascii")


def current_code(place: Place, *, now: dt.datetime | None = None) -> str:
    """The code the entrance shows now."""
    return code_for(place, window=window_at(now))


def checkin_path(place: Place, code: str) -> str:
    """The path the QR code points to (the site's address is added by whoever draws it)."""
    return f"/tourism/in/{place.pk}/{code}/"


@dataclass(frozen=True)
class Verdict:
    """What a code says: `ok`, or why not: "expired" (a real code, too old) or "invalid" (not this place's code)."""

    ok: bool
    reason: str = ""


def check(place: Place, code: str, *, now: dt.datetime | None = None) -> Verdict:
    """Whether `code` lets a visitor check in at `place` now: made for this place, in this window or the one before."""
    text = (code or "").strip().upper()
    if len(text) != CODE_LENGTH:
        return Verdict(False, "invalid")
    try:
        raw = base64.b32decode(text)
    except (binascii.Error, ValueError):
        return Verdict(False, "invalid")
    window = int.from_bytes(raw[:WINDOW_BYTES], "big")
    if not hmac.compare_digest(raw[WINDOW_BYTES:], _mac(place, window)):
        return Verdict(False, "invalid")
    current = window_at(now)
    if window > current:  # made for a time still to come: only a forger (or a broken clock) has one
        return Verdict(False, "invalid")
    if window < current - 1:
        return Verdict(False, "expired")
    return Verdict(True)
