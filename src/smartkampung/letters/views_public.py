"""Citizens' pages of the letters module (no sign-in): asking for a letter from a phone, following it by its code
with NIK and KK number (and downloading it once signed), and the public verification of a letter by its code or
by an uploaded PDF. Each is rate-limited per client; an unknown NIK and a wrong KK number get the same answer.

The two that take files (asking for a letter, checking a letter file) count the client's request and weigh its
body (Content-Length) before the form is read: a client over its limit, or sending far more than a letter's
documents or a letter can be, is answered without its upload being parsed or stored. CSRF's check reads the form,
so it runs after these two (csrf_exempt outside, csrf_protect inside)."""

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_http_methods

from smartkampung.audit import services as audit
from smartkampung.core.errors import Refused
from smartkampung.core.http import is_htmx
from smartkampung.core.ratelimit import Limit, allow
from smartkampung.letters import selectors, services, verify
from smartkampung.letters.content import official_title
from smartkampung.letters.forms import (
    OnlineRequestForm,
    OwnLetterForm,
    VerifyUploadForm,
    attachment_context,
    uploads_from,
)
from smartkampung.letters.models import LetterRequest
from smartkampung.letters.views import add_errors
from smartkampung.population.public_api import CHECK_LIMITS

REQUEST_LIMITS = (Limit(settings.LETTERS_REQUESTS_PER_HOUR, 3600),)
# Following a request: as the registry check (codes, NIKs and KK numbers must not be guessed by trying many).
STATUS_LIMITS = CHECK_LIMITS
# Verification costs a signature validation each: generous for people, not for a flood.
VERIFY_LIMITS = (Limit(30, 60), Limit(600, 86400))
TOO_MANY = gettext_lazy("Too many requests from this address. Try again later.")
# What a multipart body may carry beyond its files: the framing and the form's fields.
BODY_SLACK = 64 * 1024


def body_length(request: HttpRequest) -> int:
    """The body's length as the client announced it (Content-Length; 0 when absent or not a number, as Django
    reads it then: no body)."""
    try:
        return max(0, int(request.META.get("CONTENT_LENGTH") or 0))
    except ValueError:
        return 0


def verify_body_limit() -> int:
    """The largest body a letter check may send: the file's limit and the framing."""
    return settings.LETTERS_VERIFY_MAX_BYTES + BODY_SLACK


def request_body_limit(types=None) -> int:
    """The largest body asking for a letter may send: a document at the attachment limit for each document the
    most demanding offered letter takes, and the framing and fields."""
    types = selectors.letter_types(offered_only=True) if types is None else types
    documents = max([len(t.attachments or []) for t in types] or [0])
    return settings.LETTERS_ATTACHMENT_MAX_BYTES * max(1, documents) + BODY_SLACK


def request_too_large_words() -> str:
    return _("The documents are too large: each may be at most %(mb)s MB.") % {
        "mb": f"{settings.LETTERS_ATTACHMENT_MAX_BYTES / 1024 / 1024:g}"
    }


def limited(request: HttpRequest, scope: str, limits) -> str:
    """The Retry-After when this client is over a limit of `scope`, else "" (the request is counted)."""
    counted = HttpResponse()
    if allow(request, counted, scope=scope, limits=limits):
        return ""
    return counted["Retry-After"]


def _too_many(request: HttpRequest, template: str, context: dict, retry_after: str) -> HttpResponse:
    answer = render(request, template, {**context, "too_many": str(TOO_MANY), "max_mb": _verify_mb()}, status=429)
    answer["Retry-After"] = retry_after
    return answer


# ---------------------------------------------------------------- asking for a letter


@csrf_exempt  # checked in _request_letter, once the client is counted and the body weighed
@require_http_methods(["GET", "POST"])
def request_letter(request: HttpRequest) -> HttpResponse:
    """A resident asks for a letter: the offered letters with the documents each needs, then the form."""
    types = list(selectors.letter_types(offered_only=True))
    if request.method == "POST":
        # Before anything reads the form: a client over its limit, or a body larger than the documents can be.
        form = OnlineRequestForm(letter_types=types)
        context = {"form": form, "types": types, "file_errors": {}, **attachment_context(None)}
        if retry_after := limited(request, "letter-request", REQUEST_LIMITS):
            return _too_many(request, "letters/request.html", context, retry_after)
        if body_length(request) > request_body_limit(types):
            # The page's one alert above the form (the body was not read, so there is no form to mark).
            context["too_many"] = request_too_large_words()
            return render(request, "letters/request.html", context, status=413)
    return _request_letter(request, types)


request_letter.counts_before_reading = True  # as verify_upload, below


@csrf_protect
def _request_letter(request: HttpRequest, types: list) -> HttpResponse:
    source = request.POST if request.method == "POST" else request.GET
    chosen = next((t for t in types if t.code == source.get("letter_type", "")), None)
    if request.method == "GET" and is_htmx(request):
        return render(request, "letters/_attachment_inputs.html", attachment_context(chosen))
    form = OnlineRequestForm(request.POST or None, letter_types=types, initial={"letter_type": chosen and chosen.code})
    status, file_errors = 200, {}
    context = {"form": form, "types": types, "file_errors": file_errors}
    if request.method == "POST":
        if form.is_valid():
            try:
                letter = services.request_letter_online(values=form.cleaned_data, files=uploads_from(request.FILES))
            except Refused as exc:
                add_errors(form, exc, files=file_errors)
                status = exc.status
            else:
                return render(request, "letters/requested.html", {"letter": letter}, status=201)
        else:
            status = 422
    return render(
        request, "letters/request.html", {**context, **attachment_context(chosen, file_errors)}, status=status
    )


# ---------------------------------------------------------------- following it


def own_steps(letter: LetterRequest) -> list[dict]:
    """The steps as the resident sees them: the officials' titles and times, never their names or accounts."""
    return [
        {
            "order": step.order,
            "position": official_title(step.position, letter.village),
            "action": str(step.get_action_display()),
            "status": step.status,
            "status_label": str(step.get_status_display()),
            "reached_at": step.ready_at,
            "signed_at": step.signed_at,
        }
        for step in letter.steps.order_by("order")
    ]


@never_cache  # the answer carries the NIK and KK number (for the download button): never kept by a cache
@require_http_methods(["GET", "POST"])
def status(request: HttpRequest) -> HttpResponse:
    form = OwnLetterForm(request.POST or None, initial={"code": selectors.typed_code(request.GET.get("code"))[:12]})
    found, steps, answer = None, [], 200
    if request.method == "POST":
        if retry_after := limited(request, "letter-status", STATUS_LIMITS):
            return _too_many(request, "letters/status.html", {"form": form}, retry_after)
        if form.is_valid():
            try:
                found = selectors.own_letter(form.cleaned_data)
            except Refused as exc:
                add_errors(form, exc)
                answer = exc.status
            else:
                steps = own_steps(found)
        else:
            answer = 422
    return render(request, "letters/status.html", {"form": form, "found": found, "steps": steps}, status=answer)


@never_cache
@require_http_methods(["POST"])
def download(request: HttpRequest) -> HttpResponse:
    """The finished letter, to the resident who gives its code with their NIK and KK number."""
    form = OwnLetterForm(request.POST)
    if retry_after := limited(request, "letter-status", STATUS_LIMITS):
        return _too_many(request, "letters/status.html", {"form": form}, retry_after)
    found, answer = None, 422
    if form.is_valid():
        try:
            found = selectors.own_letter(form.cleaned_data)
        except Refused as exc:
            add_errors(form, exc)
            answer = exc.status
        else:
            if found.status == LetterRequest.Status.SIGNED:
                latest = selectors.latest_revision(found)
                audit.record(
                    action="export",
                    object_type="letter_request",
                    subject=found.code,
                    object_ids=[found.facts.get("resident.nik", "")],
                    detail={"by": "resident"},
                )
                response = HttpResponse(bytes(latest.pdf), content_type="application/pdf")
                response["Content-Disposition"] = f'attachment; filename="surat-{found.code}.pdf"'
                response["X-Content-Type-Options"] = "nosniff"
                return response
            form.add_error(None, _("The letter is not signed yet; it can be downloaded once it is."))
            answer = 409
    steps = own_steps(found) if found is not None else []
    return render(request, "letters/status.html", {"form": form, "found": found, "steps": steps}, status=answer)


# ---------------------------------------------------------------- verification


def _verify_mb() -> str:
    return f"{settings.LETTERS_VERIFY_MAX_BYTES / 1024 / 1024:g}"


@require_http_methods(["GET"])
def verify_letter(request: HttpRequest, code: str) -> HttpResponse:
    """What a letter says of itself (the QR code on it leads here), its signers and whether each signature is
    valid; the resident's name and NIK masked."""
    if retry_after := limited(request, "letter-verify", VERIFY_LIMITS):
        return _too_many(request, "letters/verify.html", {"form": VerifyUploadForm()}, retry_after)
    letter = selectors.letter_by_code(code)
    if letter is None:
        context = {"code": selectors.typed_code(code)[:20], "form": VerifyUploadForm(), "max_mb": _verify_mb()}
        return render(request, "letters/verify_unknown.html", context, status=404)
    return render(
        request,
        "letters/verify.html",
        {
            "letter": letter,
            "facts": verify.public_facts(letter),
            "rows": verify.signature_rows(letter),
            "form": VerifyUploadForm(),
            "max_mb": _verify_mb(),
        },
    )


@csrf_exempt  # checked in _verify_upload, once the client is counted and the body weighed
@require_http_methods(["GET", "POST"])
def verify_upload(request: HttpRequest) -> HttpResponse:
    """Anyone uploads a PDF and learns whether it is an authentic, unmodified letter of this deployment."""
    if request.method == "POST":
        # Before anything reads the upload: a client over its limit, or a body larger than a letter can be.
        if retry_after := limited(request, "letter-verify", VERIFY_LIMITS):
            return _too_many(request, "letters/verify_upload.html", {"form": VerifyUploadForm()}, retry_after)
        if body_length(request) > verify_body_limit():
            context = {"form": VerifyUploadForm(), "verdict": verify.too_large(), "max_mb": _verify_mb()}
            return render(request, "letters/verify_upload.html", context, status=413)
    return _verify_upload(request)


# RefuseControlCharacters leaves their bodies alone until the client is counted; their forms check their own fields.
verify_upload.counts_before_reading = True


@csrf_protect
def _verify_upload(request: HttpRequest) -> HttpResponse:
    form = VerifyUploadForm(request.POST or None, request.FILES or None)
    verdict, answer = None, 200
    if request.method == "POST":
        if form.is_valid():
            upload = form.cleaned_data["file"]
            # Never read more than the limit: a larger file is answered by its size alone.
            verdict = verify.too_large() if upload.size > settings.LETTERS_VERIFY_MAX_BYTES else None
            verdict = verdict or verify.verify_upload(upload.read())
        else:
            answer = 422
    return render(
        request,
        "letters/verify_upload.html",
        {
            "form": form,
            "verdict": verdict,
            "facts": verify.public_facts(verdict.letter) if verdict and verdict.letter else None,
            "max_mb": _verify_mb(),
        },
        status=answer,
    )
