"""API of village letters: for staff (/letters) the official's queue, the village's requests, a request taken at
the office, signing and sending back, the PDF; for citizens (/public) the offered letters, asking for one,
following it by its code with NIK and KK number, downloading it, and verifying a letter by its code or as a file.
The same selectors and services as the pages, so the same jurisdiction and the same refusals (core.errors).

The public operations that take files count the client and weigh the body (Content-Length) before django-ninja
parses their form (`counted_first`, wrapped around the operation's run): a client over its limit gets 429, and a
body larger than a letter or a letter's documents can be 413, without the upload being read."""

import functools

from django.conf import settings
from django.db.models import F
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _
from ninja import File, Form, Router, Status
from ninja.decorators import decorate_view
from ninja.files import UploadedFile

from smartkampung.audit import services as audit
from smartkampung.core.errors import Refused
from smartkampung.core.paging import window
from smartkampung.letters import schemas, selectors, services, verify
from smartkampung.letters.content import official_title
from smartkampung.letters.forms import uploads_from
from smartkampung.letters.models import LetterRequest, LetterStep, LetterType
from smartkampung.letters.schemas import ErrorOut
from smartkampung.letters.views_public import (
    REQUEST_LIMITS,
    STATUS_LIMITS,
    VERIFY_LIMITS,
    body_length,
    limited,
    own_steps,
    request_body_limit,
    request_too_large_words,
    verify_body_limit,
)

ERRORS = {403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}
PDF_DOC = {"responses": {200: {"description": "The letter as a PDF", "content": {"application/pdf": {}}}}}


class TooMany(Refused):
    """Over a per-client limit (429); the handler sets Retry-After."""

    status_default = 429

    def __init__(self, retry_after: str):
        super().__init__([("", _("Too many requests from this address. Try again later."))])
        self.retry_after = retry_after


def _counted(request: HttpRequest, scope: str, limits) -> None:
    if retry_after := limited(request, scope, limits):
        raise TooMany(retry_after)


def _answer(refusal: Refused) -> JsonResponse:
    """A refusal answered before django-ninja runs the operation, in the shape of the API's other refusals."""
    response = JsonResponse(refusal.as_dict(), status=refusal.status)
    if getattr(refusal, "retry_after", None):
        response["Retry-After"] = str(refusal.retry_after)
    return response


def counted_first(scope: str, limits, most_bytes, too_large_words):
    """Wraps an operation's run (decorate_view): the client is counted against `limits` of `scope`, and a body
    longer than `most_bytes()` refused (413, `too_large_words()`), before its form or files are parsed."""

    def decorator(run):
        @functools.wraps(run)
        def counted(request: HttpRequest, *args, **kwargs):
            if retry_after := limited(request, scope, limits):
                return _answer(TooMany(retry_after))
            if body_length(request) > most_bytes():
                return _answer(Refused([("file", too_large_words())], status=413))
            return run(request, *args, **kwargs)

        return counted

    return decorator


def _verify_too_large_words() -> str:
    return verify.too_large().headline


def _not_found() -> Refused:
    return Refused([("code", _("No letter with this code here."))], status=404)


def _pdf(data: bytes, name: str, *, attachment: bool) -> HttpResponse:
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'{"attachment" if attachment else "inline"}; filename="{name}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


# ---------------------------------------------------------------- staff

router = Router(tags=["letters"])


def letter_dict(letter: LetterRequest, waiting_for: str = "") -> dict:
    facts = letter.facts or {}
    return {
        "code": letter.code,
        "letter_type": letter.letter_type.code,
        "letter_type_name": letter.letter_type.name,
        "village": letter.village_id,
        "status": letter.status,
        "channel": letter.channel,
        "nik": facts.get("resident.nik", ""),
        "name": facts.get("resident.name", ""),
        "purpose": letter.purpose,
        "phone": letter.phone,
        "requested_at": letter.requested_at,
        "finished_at": letter.finished_at,
        "number": letter.number,
        "valid_until": letter.valid_until,
        "rejection_reason": letter.rejection_reason,
        "current_step": letter.current_step,
        "waiting_for": waiting_for,
    }


def _waiting_for(letters: list[LetterRequest]) -> dict[int, str]:
    steps = LetterStep.objects.filter(request__in=[x.pk for x in letters], order=F("request__current_step"))
    return dict(steps.values_list("request_id", "position"))


def _listed(letters: list[LetterRequest]) -> list[dict]:
    if letters:
        audit.record(action="view", object_type="letter_request", subject="api", object_ids=[x.code for x in letters])
    waiting = _waiting_for(letters)
    return [letter_dict(x, waiting.get(x.pk, "")) for x in letters]


def detail_dict(letter: LetterRequest) -> dict:
    steps = list(letter.steps.order_by("order"))
    waiting = next((s.position for s in steps if s.order == letter.current_step), "")
    return {
        **letter_dict(letter, waiting),
        "steps": [
            {
                "order": s.order,
                "position": s.position,
                "title": s.signer_title or official_title(s.position, letter.village),
                "action": s.action,
                "status": s.status,
                "reached_at": s.ready_at,
                "signed_at": s.signed_at,
                "signer_name": s.signer_name,
                "last_error": s.last_error,
                "last_error_at": s.last_error_at,
            }
            for s in steps
        ],
        "attachments": [
            {"requirement": a.requirement, "file_name": a.file_name, "content_type": a.content_type, "size": a.size}
            for a in letter.attachments.defer("data")
        ],
        "revisions": letter.revisions.count(),
    }


def _visible(request: HttpRequest, code: str) -> LetterRequest:
    letter = selectors.letters_visible_to(request.user).filter(code=selectors.typed_code(code)).first()
    if letter is None:
        raise _not_found()
    return letter


def _viewed_detail(letter: LetterRequest) -> dict:
    audit.record(
        action="view",
        object_type="letter_request",
        subject=letter.code,
        object_ids=[letter.facts.get("resident.nik", "")],
        detail={"what": "api"},
    )
    return detail_dict(letter)


@router.get("/queue", response=list[schemas.LetterOut], summary="The caller's queue: letters waiting for them")
def queue(request: HttpRequest, offset: int = 0, limit: int = 100):
    return _listed(list(selectors.queue_of(request.user)[window(offset, limit, most=200)]))


@router.get(
    "/requests",
    response=list[schemas.LetterOut],
    summary="Letter requests of the caller's villages, newest first (status: in_progress, signed, rejected)",
)
def requests(request: HttpRequest, status: str = "", offset: int = 0, limit: int = 100):
    found = selectors.letters_visible_to(request.user)
    if status:
        found = found.filter(status=status)
    return _listed(list(found.order_by("-requested_at", "-pk")[window(offset, limit, most=200)]))


@router.get("/requests/{code}", response={200: schemas.LetterDetailOut, 404: ErrorOut}, summary="One request")
def request_detail(request: HttpRequest, code: str):
    return Status(200, _viewed_detail(_visible(request, code)))


@router.post(
    "/requests",
    response={201: schemas.LetterDetailOut, **ERRORS},
    summary="Take a request at the village office (multipart: fields, and each document as attachment_<code>)",
)
def office_request(
    request: HttpRequest,
    letter_type: Form[str],
    nik: Form[str],
    purpose: Form[str] = "",
    phone: Form[str] = "",
):
    letter = services.request_letter_at_office(
        user=request.user,
        letter_type=letter_type,
        nik=nik,
        purpose=purpose,
        phone=phone,
        files=uploads_from(request.FILES),
    )
    return Status(201, detail_dict(_visible(request, letter.code)))


@router.post(
    "/requests/{code}/sign",
    response={200: schemas.LetterDetailOut, 502: ErrorOut, **ERRORS},
    summary="Sign the letter whose turn is the caller's (PAdES, with the caller's key and its passphrase)",
)
def sign(request: HttpRequest, code: str, payload: schemas.LetterSignIn):
    letter = _visible(request, code)
    services.sign_letter(user=request.user, code=letter.code, passphrase=payload.passphrase)
    return Status(200, detail_dict(_visible(request, code)))


@router.post(
    "/requests/{code}/reject",
    response={200: schemas.LetterDetailOut, **ERRORS},
    summary="Send the request back with a reason (told to the resident)",
)
def reject(request: HttpRequest, code: str, payload: schemas.LetterRejectIn):
    letter = _visible(request, code)
    services.reject_letter(user=request.user, code=letter.code, reason=payload.reason)
    return Status(200, detail_dict(_visible(request, code)))


@router.get(
    "/requests/{code}/pdf",
    response={404: ErrorOut},
    summary="The letter's latest PDF (signed as far as its chain has come)",
    openapi_extra=PDF_DOC,
)
def letter_pdf(request: HttpRequest, code: str):
    letter = _visible(request, code)
    latest = selectors.latest_revision(letter)
    if latest is None:
        raise _not_found()
    audit.record(
        action="view",
        object_type="letter_request",
        subject=letter.code,
        object_ids=[letter.facts.get("resident.nik", "")],
        detail={"what": "pdf"},
    )
    return _pdf(bytes(latest.pdf), f"surat-{letter.code}.pdf", attachment=False)


# ---------------------------------------------------------------- citizens

public_router = Router(tags=["public"])
PUBLIC_ERRORS = {404: ErrorOut, 409: ErrorOut, 422: ErrorOut, 429: ErrorOut}
UPLOAD_ERRORS = {**PUBLIC_ERRORS, 413: ErrorOut}


def type_dict(letter_type: LetterType) -> dict:
    return {
        "code": letter_type.code,
        "name": letter_type.name,
        "title": letter_type.title,
        "needs_purpose": letter_type.needs_purpose,
        "validity_days": letter_type.validity_days,
        "attachments": [{"code": a["code"], "label": a["label"]} for a in letter_type.attachments],
        "chain": [s.position for s in letter_type.steps.all()],
    }


@public_router.get(
    "/letter-types", response=list[schemas.LetterTypeOut], summary="The letters a resident may ask for", auth=None
)
def letter_types(request: HttpRequest):
    return [type_dict(t) for t in selectors.letter_types(offered_only=True)]


@public_router.post(
    "/letter-requests",
    response={201: schemas.LetterRequestedOut, **UPLOAD_ERRORS},
    summary="Ask for a letter (multipart: NIK + KK number, phone, purpose, each document as attachment_<code>)",
    auth=None,
)
@decorate_view(counted_first("letter-request", REQUEST_LIMITS, request_body_limit, request_too_large_words))
def online_request(
    request: HttpRequest,
    letter_type: Form[str],
    nik: Form[str],
    kk_number: Form[str],
    phone: Form[str],
    purpose: Form[str] = "",
):
    values = {"letter_type": letter_type, "nik": nik, "kk_number": kk_number, "phone": phone, "purpose": purpose}
    letter = services.request_letter_online(values=values, files=uploads_from(request.FILES))
    return Status(
        201,
        {
            "code": letter.code,
            "letter_type": letter.letter_type.code,
            "status": letter.status,
            "requested_at": letter.requested_at,
        },
    )


def own_dict(letter: LetterRequest) -> dict:
    return {
        "code": letter.code,
        "letter_type": letter.letter_type.code,
        "letter_type_name": letter.letter_type.name,
        "village": letter.village.name.title(),
        "status": letter.status,
        "status_label": str(LetterRequest.Status(letter.status).label),
        "requested_at": letter.requested_at,
        "finished_at": letter.finished_at,
        "number": letter.number,
        "valid_until": letter.valid_until,
        "rejection_reason": letter.rejection_reason,
        "steps": [
            {
                "order": s["order"],
                "position": step.position,
                "title": s["position"],
                "action": step.action,
                "status": s["status"],
                "reached_at": s["reached_at"],
                "signed_at": s["signed_at"],
            }
            for s, step in zip(own_steps(letter), letter.steps.order_by("order"), strict=True)
        ],
        "may_download": letter.status == LetterRequest.Status.SIGNED,
    }


@public_router.post(
    "/letter-requests/lookup",
    response={200: schemas.OwnLetterOut, **PUBLIC_ERRORS},
    summary="Where my request stands (code + NIK + KK number; one answer for unknown and wrong)",
    auth=None,
)
def lookup(request: HttpRequest, payload: schemas.OwnLetterIn):
    _counted(request, "letter-status", STATUS_LIMITS)
    return Status(200, own_dict(selectors.own_letter(payload.dict())))


@public_router.post(
    "/letter-requests/download",
    response={**PUBLIC_ERRORS},
    summary="My finished letter as a PDF (code + NIK + KK number)",
    auth=None,
    openapi_extra=PDF_DOC,
)
def download(request: HttpRequest, payload: schemas.OwnLetterIn):
    _counted(request, "letter-status", STATUS_LIMITS)
    letter = selectors.own_letter(payload.dict())
    if letter.status != LetterRequest.Status.SIGNED:
        raise Refused([("code", _("The letter is not signed yet; it can be downloaded once it is."))], status=409)
    audit.record(
        action="export",
        object_type="letter_request",
        subject=letter.code,
        object_ids=[letter.facts.get("resident.nik", "")],
        detail={"by": "resident"},
    )
    return _pdf(bytes(selectors.latest_revision(letter).pdf), f"surat-{letter.code}.pdf", attachment=True)


@public_router.get(
    "/letters/{code}/verification",
    response={200: schemas.LetterVerificationOut, 404: ErrorOut, 429: ErrorOut},
    summary="What a letter says of itself and whether each signature is valid (personal data masked)",
    auth=None,
)
def verification(request: HttpRequest, code: str):
    _counted(request, "letter-verify", VERIFY_LIMITS)
    letter = selectors.letter_by_code(code)
    if letter is None:
        raise Refused([("code", _("No letter of this village service has this code."))], status=404)
    rows = verify.signature_rows(letter)
    return Status(200, {"letter": verify.public_facts(letter), "signatures": [verify.signature_dict(r) for r in rows]})


@public_router.post(
    "/letters/verify",
    response={200: schemas.LetterVerdictOut, 413: ErrorOut, 422: ErrorOut, 429: ErrorOut},
    summary="Is this PDF an authentic, unmodified letter of this deployment? (multipart: file)",
    auth=None,
)
@decorate_view(counted_first("letter-verify", VERIFY_LIMITS, verify_body_limit, _verify_too_large_words))
def verify_file(request: HttpRequest, file: File[UploadedFile]):
    if file.size > settings.LETTERS_VERIFY_MAX_BYTES:
        return Status(200, verify.too_large().as_dict())
    return Status(200, verify.verify_upload(file.read()).as_dict())
