"""The KTP scan as a service: a photo read by the one reader (ktp.reader), compared with the register where the
scanner may compare it, written in the audit log, and kept only where the deployment asks for it.

Every read is audited, the failed ones too: who (or which address, for the public page), when, through which
channel, which NIK was read. The photo itself is never written to disk unless KTP_KEEP_IMAGES, and never for the
public page: then to KTP_IMAGE_DIR, readable by the service's user only, named by the audit entry's id."""

from __future__ import annotations

import logging
import os
import threading
import uuid
from contextlib import contextmanager, suppress
from pathlib import Path

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from smartkampung.accounts.selectors import ktp_comparison_scope, ktp_comparison_throttled
from smartkampung.audit import services as audit
from smartkampung.audit.context import current
from smartkampung.core import ratelimit
from smartkampung.core.ratelimit import Limit
from smartkampung.ktp import qr, reader, selectors
from smartkampung.ktp.checks import compare_with_register
from smartkampung.ktp.image import UnreadablePhoto
from smartkampung.ktp.reading import Reading, check

log = logging.getLogger(__name__)

__all__ = [
    "API",
    "CHANNELS",
    "DESK",
    "PUBLIC",
    "ReaderBusy",
    "UnreadablePhoto",
    "ensure_may_read_ktp",
    "read_ktp",
    "read_qr_photo",
    "reader_gate",
]

# Where a read comes from: a staff page (the checkpoint desk), the staff API (a session or another system's
# token), the traveller's public pre-registration page.
DESK, API, PUBLIC = "desk", "api", "public"
CHANNELS = frozenset({DESK, API, PUBLIC})

# Refusals of files that are no photo at all: nothing to keep of them even where photos are kept.
NOT_PHOTOS = frozenset({"empty", "not_image", "too_large"})

SUFFIXES = ((b"\xff\xd8\xff", ".jpg"), (b"\x89PNG\r\n\x1a\n", ".png"), (b"RIFF", ".webp"))

# A read waits for its turn at the reader at most settings.KTP_READ_WAIT_SECONDS, then is told the reader is busy:
# a burst of photos then costs bounded threads and memory, and nobody waits for minutes.
BUSY_RETRY_SECONDS = 10


class ReaderBusy(UnreadablePhoto):
    """Every turn at the reader is taken for longer than a read may wait (503 with Retry-After)."""

    def __init__(self):
        super().__init__("busy", _("The KTP reader is busy with other photos: try again in a few seconds."))
        self.status = 503
        self.retry_after = BUSY_RETRY_SECONDS


_gate: threading.BoundedSemaphore | None = None
_gate_lock = threading.Lock()


def reader_gate() -> threading.BoundedSemaphore:
    """The turns at the reader (settings.KTP_READS_AT_ONCE), for the whole read: decoding a photo, not only the
    OCR, is what costs memory (a 50-megapixel PNG of a few kilobytes decodes to ~400 MB), so only this many
    photos are ever open at once in a process, whatever the number of requests."""
    global _gate  # noqa: PLW0603 - one gate per process, as one OCR engine
    if _gate is None:
        with _gate_lock:
            if _gate is None:
                _gate = threading.BoundedSemaphore(max(1, settings.KTP_READS_AT_ONCE))
    return _gate


@contextmanager
def _turn_at_the_reader():
    gate = reader_gate()
    if not gate.acquire(timeout=settings.KTP_READ_WAIT_SECONDS):
        raise ReaderBusy()
    try:
        yield
    finally:
        gate.release()


def _lookup_limits() -> tuple[Limit, ...]:
    # The checkpoint desk's per-officer look-up throttle (checkpoints.services.look_up_nik counts under the same
    # scope and settings): a scan compared with the register is a look-up of the NIK it read.
    return (Limit(settings.CHECKPOINT_LOOKUP_PER_MINUTE, 60), Limit(settings.CHECKPOINT_LOOKUP_PER_DAY, 86400))


def _compare(reading: Reading, *, user) -> bool:
    """Add the register comparison to `reading` when its NIK is on the register within the user's scope; True
    when it was compared.

    A throttled officer's scan counts as a look-up of the NIK read whether or not the register holds it, as the
    desk's typed look-up does, and past the limit the answer is the same for both: else the answer would tell,
    without limit, whether a NIK is on the register."""
    if not reading.nik or ktp_comparison_scope(user).nothing:
        return False
    if ktp_comparison_throttled(user):
        verdict = ratelimit.hit(scope="checkpoint-lookup", client=f"user:{user.pk}", limits=_lookup_limits())
        if not verdict.allowed:
            reading.checks.append(
                check(
                    "register_not_compared",
                    "nik",
                    False,
                    _(
                        "Not compared with the register: too many NIK look-ups from your account. Try again in "
                        "%(minutes)s min."
                    )
                    % {"minutes": max(1, -(-verdict.retry_after // 60))},
                )  # fmt: skip
            )
            return False
    resident = selectors.resident_for_comparison(user=user, nik=reading.nik)
    if resident is None:
        return False
    reading.checks.extend(compare_with_register(reading, resident))
    return True


def _suffix(data: bytes) -> str:
    return next((suffix for magic, suffix in SUFFIXES if data.startswith(magic)), "")


def _stage(data: bytes) -> Path | None:
    """Write the photo, private to the service's user, under a name never used before (renamed to its audit
    entry's id once that exists); None, and the error logged, when it cannot be written: the read is answered
    and audited all the same, as not kept."""
    folder = Path(settings.KTP_IMAGE_DIR)
    path = folder / f".{uuid.uuid4().hex}.part"
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "wb") as out:
            out.write(data)
    except OSError:
        log.exception("KTP photo could not be kept in %s", folder)
        with suppress(OSError):
            path.unlink(missing_ok=True)
        return None
    return path


def _record(*, user, channel: str, client_ip: str | None, data: bytes, nik: str | None, **detail) -> None:
    """The read's audit entry, and the photo kept beside it when the deployment keeps photos."""
    keep = settings.KTP_KEEP_IMAGES and channel != PUBLIC and detail.get("code") not in NOT_PHOTOS
    staged = _stage(data) if keep else None
    detail = {"channel": channel, **detail, "kept": staged is not None}
    if client_ip and current.get() is None:  # outside a request (a command): the address is said here
        detail["client_ip"] = client_ip
    try:
        entry = audit.record(
            action="view",
            object_type="ktp_scan",
            subject=nik or "",
            object_ids=[nik] if nik else [],
            detail=detail,
            user=user if getattr(user, "is_authenticated", False) else None,
        )
        if staged is not None:
            staged.rename(staged.with_name(f"{entry.pk}{_suffix(data)}"))
            staged = None
    finally:
        if staged is not None:  # the audit entry failed: no photo without its entry
            staged.unlink(missing_ok=True)


def ensure_may_read_ktp(user) -> None:
    """PermissionDenied, in words, unless the user may read KTP photos and QR codes at the staff endpoints."""
    if not selectors.may_read_ktp(user):
        raise PermissionDenied(_("Reading KTP photos is for checkpoint officers and the staff who register residents."))


def read_ktp(*, user, data: bytes, channel: str, client_ip: str | None = None) -> Reading:
    """Read a KTP photo (JPEG, PNG or WebP bytes) into a Reading.

    Staff channels (`desk`, `api`) are for those who may read KTPs (accounts.selectors.may_read_ktp; others
    PermissionDenied); their reading carries the register comparison when the NIK read is on the register within
    their scope. The `public` channel (the traveller's pre-registration page, rate-limited by its caller) never
    compares and never keeps the photo. Raises UnreadablePhoto (a Refused: 413, 415 or 422 with its code and words)
    when no KTP can be read; the failed read is audited too."""
    if channel not in CHANNELS:
        raise ValueError(f"unknown channel {channel!r}")
    if channel != PUBLIC and not selectors.may_read_ktp(user):
        raise PermissionDenied(_("Reading KTP photos is for checkpoint officers and the staff who register residents."))
    try:
        with _turn_at_the_reader():
            reading = reader.read_card(data)
    except UnreadablePhoto as refusal:
        _record(user=user, channel=channel, client_ip=client_ip, data=data, nik=None, read=False, code=refusal.code)
        raise
    except Exception:
        # A photo the reader fails on is a bug to fix, logged with its trace; its sender is told in words.
        log.exception("KTP reader failed on a %d-byte photo", len(data))
        _record(user=user, channel=channel, client_ip=client_ip, data=data, nik=None, read=False, code="error")
        raise UnreadablePhoto(
            "error", _("This photo could not be read: take it again, or type the card's data.")
        ) from None
    compared = channel != PUBLIC and _compare(reading, user=user)
    _record(user=user, channel=channel, client_ip=client_ip, data=data, nik=reading.nik, read=True, compared=compared)
    return reading


def read_qr_photo(*, user, data: bytes) -> qr.QrReading:
    """The QR code in a photo (ktp.qr.read_qr), for those who may read KTPs, in its turn at the reader (the photo
    is decoded as a KTP photo is). Not audited: a pre-registration code is no personal data."""
    ensure_may_read_ktp(user)
    with _turn_at_the_reader():
        return qr.read_qr(data)
