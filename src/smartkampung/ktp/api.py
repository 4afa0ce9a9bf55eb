"""API of the KTP scan: /api/v1/ktp/read and /ktp/qr for staff (a session or an API token), and
/api/v1/public/ktp/read for the traveller's pre-registration page (rate-limited per address, never compared with
the register, the photo never kept).

A read takes about a second of OCR: the handlers are async and run the read in the request's own thread
(sync_to_async, thread-sensitive: under Django's ASGI handler each request has its own, so one scan never stalls
the event loop nor another request; the database work stays on the request's connection). Before django-ninja
parses the form (`photo_upload`, wrapped around the operation's run) a public client is counted and a body larger
than a photo is refused (413) unread, and the upload is kept in memory only (`PhotoUploadHandler`), never spooled
to a temporary file."""

from __future__ import annotations

import functools
import io

from asgiref.sync import sync_to_async
from django.conf import settings
from django.core.files.uploadedfile import InMemoryUploadedFile
from django.core.files.uploadhandler import FileUploadHandler
from django.http import HttpRequest, JsonResponse
from django.http.multipartparser import MultiPartParserError
from django.utils.translation import gettext as _
from ninja import File, Router
from ninja.decorators import decorate_view
from ninja.files import UploadedFile

from smartkampung.core.errors import Refused
from smartkampung.core.http import client_address
from smartkampung.core.ratelimit import Limit, hit
from smartkampung.ktp import schemas, services
from smartkampung.ktp.schemas import KtpErrorOut

router = Router(tags=["ktp"])
public_router = Router(tags=["public"])

# What a multipart body may carry beyond its photo: the framing and a field or two.
BODY_SLACK = 64 * 1024
PHOTO_ANSWERS = {400: KtpErrorOut, 413: KtpErrorOut, 415: KtpErrorOut, 422: KtpErrorOut, 503: KtpErrorOut}
STAFF_ANSWERS = {**PHOTO_ANSWERS, 403: KtpErrorOut}


class TooMany(Refused):
    """Over the public page's per-address limit (429); the API's handler sets Retry-After."""

    status_default = 429

    def __init__(self, retry_after: int):
        super().__init__([("", _("Too many KTP photos from this address. Try again later."))])
        self.retry_after = retry_after


def public_limits() -> tuple[Limit, ...]:
    return (Limit(settings.KTP_PUBLIC_READS_PER_HOUR, 3600),)


class PhotoUploadHandler(FileUploadHandler):
    """Keeps an uploaded photo in memory only, and of it at most the limit plus one byte (so that a larger one is
    still refused in words by its size): never a temporary file, so nothing of the photo reaches the disk."""

    def handle_raw_input(self, input_data, META, content_length, boundary, encoding=None):
        self.room = settings.KTP_MAX_IMAGE_BYTES + 1  # for the whole request, however many files it sends

    def new_file(self, *args, **kwargs):
        super().new_file(*args, **kwargs)
        self.buffer = io.BytesIO()

    def receive_data_chunk(self, raw_data, start):
        part = raw_data[: max(0, self.room)]
        self.buffer.write(part)
        self.room -= len(part)
        return None

    def file_complete(self, file_size):
        self.buffer.seek(0)
        return InMemoryUploadedFile(
            file=self.buffer,
            field_name=self.field_name,
            name=self.file_name,
            content_type=self.content_type,
            size=file_size,
            charset=self.charset,
            content_type_extra=self.content_type_extra,
        )


def _body_length(request: HttpRequest) -> int:
    try:
        return max(0, int(request.META.get("CONTENT_LENGTH") or 0))
    except ValueError:
        return 0


def _answer(refusal: Refused) -> JsonResponse:
    """A refusal answered before django-ninja runs the operation, in the shape of the API's other refusals."""
    response = JsonResponse(refusal.as_dict(), status=refusal.status)
    if getattr(refusal, "retry_after", None):
        response["Retry-After"] = str(refusal.retry_after)
    return response


def _too_large() -> Refused:
    return Refused(
        [("image", _("The photo is too large: at most %(mb)s MB is accepted. Send a smaller photo.")
          % {"mb": f"{settings.KTP_MAX_IMAGE_BYTES / 1024 / 1024:g}"})],
        status=413,
        extra={"code": "too_large"},
    )  # fmt: skip


def _unreadable_form(request: HttpRequest) -> Refused | None:
    """Parse the form now, so that a broken multipart body is answered in words, in the API's shape, rather than
    with Django's HTML page for a bad request."""
    if not request.content_type.startswith("multipart/"):
        return None  # no form at all: the operation says what to send
    try:
        request.FILES  # noqa: B018 - parses the body, with the handler above
    except MultiPartParserError:
        return Refused(
            [("image", _("The form could not be read: send the photo as the field 'image' of multipart/form-data."))],
            status=400,
            extra={"code": "bad_form"},
        )
    return None


def photo_upload(*, public: bool = False):
    """Wraps an operation's (async) run (decorate_view): a public client is counted against its hourly limit, a
    body longer than a photo refused (413), and the photo kept in memory only, before the form is parsed."""

    def decorator(run):
        @functools.wraps(run)
        async def guarded(request: HttpRequest, *args, **kwargs):
            if public:
                verdict = await sync_to_async(hit)(
                    scope="ktp-public-read", client=client_address(request) or "unknown", limits=public_limits()
                )
                if not verdict.allowed:
                    return _answer(TooMany(verdict.retry_after))
            if _body_length(request) > settings.KTP_MAX_IMAGE_BYTES + BODY_SLACK:
                return _answer(_too_large())
            if not hasattr(request, "_files"):  # nothing has parsed the form yet (nothing does before the API)
                request.upload_handlers = [PhotoUploadHandler(request)]
                refusal = _unreadable_form(request)
                if refusal is not None:
                    return _answer(refusal)
            return await run(request, *args, **kwargs)

        return guarded

    return decorator


def _photo(image: UploadedFile | None) -> bytes:
    """The uploaded photo's bytes (400 when none was sent)."""
    if image is None:
        raise Refused(
            [("image", _("Send the photo of the KTP as the form field 'image' (multipart/form-data)."))],
            status=400,
            extra={"code": "no_file"},
        )
    try:
        return image.read()
    finally:
        image.close()


# ---------------------------------------------------------------- staff


@router.post(
    "/read",
    response={200: schemas.KtpReadingOut, **STAFF_ANSWERS},
    summary="Read a KTP photo (multipart: image, JPEG/PNG/WebP): its fields, how sure each is, what was checked",
)
@decorate_view(photo_upload())
async def read(request: HttpRequest, image: File[UploadedFile] = None):
    """For checkpoint officers and the staff who register residents. When the NIK read is on the register within
    the caller's scope, `checks` says whether the card's name and birth date agree with it. Answers 415 for a file
    that is not a photo, 413 for one too large, 422 with `code` too_small, too_blurred or no_card."""
    await sync_to_async(services.ensure_may_read_ktp)(request.auth)  # 403 before anything of the upload is read
    data = _photo(image)
    channel = services.API if getattr(request, "api_key", None) else services.DESK
    reading = await sync_to_async(services.read_ktp)(
        user=request.auth, data=data, channel=channel, client_ip=client_address(request)
    )
    return reading.as_json()


@router.post(
    "/qr",
    response={200: schemas.KtpQrOut, **STAFF_ANSWERS},
    summary="Read a QR code from a photo (multipart: image): its text, and the pre-registration code it carries",
)
@decorate_view(photo_upload())
async def read_qr_code(request: HttpRequest, image: File[UploadedFile] = None):
    """The desk's fallback where the phone's browser cannot read QR codes itself; 422 (code no_qr) when the photo
    holds none."""
    await sync_to_async(services.ensure_may_read_ktp)(request.auth)
    data = _photo(image)
    return (await sync_to_async(services.read_qr_photo)(user=request.auth, data=data)).as_json()


# ---------------------------------------------------------------- public


@public_router.post(
    "/ktp/read",
    response={200: schemas.KtpReadingOut, **PHOTO_ANSWERS, 429: KtpErrorOut},
    summary="Read a KTP photo to fill the pre-registration form (rate-limited per address; the photo is not kept)",
    auth=None,
)
@decorate_view(photo_upload(public=True))
async def public_read(request: HttpRequest, image: File[UploadedFile] = None):
    """The same reader as the staff's, never compared with the register. Beyond KTP_PUBLIC_READS_PER_HOUR photos
    an hour from one address, 429 with Retry-After."""
    data = _photo(image)
    reading = await sync_to_async(services.read_ktp)(
        user=None, data=data, channel=services.PUBLIC, client_ip=client_address(request)
    )
    return reading.as_json()
