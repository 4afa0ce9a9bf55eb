"""Staff pages of the letters module: the official's queue and the village's requests, a request taken at the
office desk, a letter with its steps, attachments and PDF (signed or sent back by the official whose turn it is),
the administrator's letter types with a live preview, and an official's own signing key. The citizens' pages
(asking, following, verifying) are in views_public.py."""

import datetime as dt

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import F
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from smartkampung.accounts.selectors import (
    holds_signing_key,
    letters_desk_scope,
    letters_read_scope,
    may_manage_letter_types,
    may_sign_as,
    signs_letters,
)
from smartkampung.audit import services as audit
from smartkampung.core.errors import Refused
from smartkampung.core.http import is_htmx
from smartkampung.core.paging import Pager, page_number
from smartkampung.letters import keys, numbering, pdf, selectors, services, templating, verify
from smartkampung.letters.content import letter_content, official_title, verify_url
from smartkampung.letters.forms import (
    GatewayForm,
    LetterTypeForm,
    OfficeRequestForm,
    Pkcs12Form,
    RejectForm,
    SignForm,
    attachment_context,
    uploads_from,
)
from smartkampung.letters.models import LetterAttachment, LetterRequest, LetterStep, LetterType, SigningKey
from smartkampung.regions.models import Village

PER_PAGE = 20
QUEUE_SHOWN = 100


def add_errors(
    form, exc: Refused, *, fallback: str | None = None, files: dict | None = None, rename: dict | None = None
) -> None:
    """A service's refusal shown next to the fields it names: a form's own fields (or the one `rename` puts a
    service's field on), the attachment inputs (which are not form fields: they depend on the chosen letter) in
    `files` by requirement, the rest above the form."""
    for field, message in exc.errors:
        field = (rename or {}).get(field, field)
        if field in form.fields:
            form.add_error(field, message)
        elif files is not None and field.startswith("attachment_"):
            files.setdefault(field.removeprefix("attachment_"), []).append(message)
        elif fallback and fallback in form.fields:
            form.add_error(fallback, message)
        else:
            form.add_error(None, message)


def _page_status(exc: Refused) -> int:
    """A page's answer to a refusal: the service's status, except that a failure elsewhere (a gateway down, 502)
    is still a page the official reads and retries from."""
    return exc.status if exc.status < 500 else 503


def _require_letters(request: HttpRequest) -> None:
    if not signs_letters(request.user) and letters_read_scope(request.user).nothing:
        raise PermissionDenied(_("Letters are for the village offices, the camat and the regency administrator."))


# ---------------------------------------------------------------- the queue and the village's requests


def _waiting_steps(letters: list[LetterRequest]) -> dict[int, LetterStep]:
    steps = LetterStep.objects.filter(request__in=[x.pk for x in letters], order=F("request__current_step"))
    return {s.request_id: s for s in steps}


@login_required
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """The official's queue (oldest first, with how long each letter has waited), and for those who read a
    village's letters its recent requests, filtered by status and paged."""
    _require_letters(request)
    user, now = request.user, timezone.now()
    queue = list(selectors.queue_of(user)[:QUEUE_SHOWN]) if signs_letters(user) else []
    waiting = _waiting_steps(queue)
    for letter in queue:
        step = waiting.get(letter.pk)
        letter.waiting_step = step
        letter.waited = now - letter.requested_at
        letter.with_me_since = step.ready_at if step else None
        letter.over_an_hour = letter.waited > dt.timedelta(hours=1)
    status = request.GET.get("status", "")
    status = status if status in LetterRequest.Status.values else ""
    rows, pager = [], None
    if not letters_read_scope(user).nothing:
        found = selectors.letters_visible_to(user)
        if status:
            found = found.filter(status=status)
        count = found.count()
        pager = Pager(
            page=page_number(request.GET.get("page"), per_page=PER_PAGE),
            per_page=PER_PAGE,
            count=count,
            capped=False,
            params={"status": status},
        )
        rows = list(found.order_by("-requested_at", "-pk")[pager.offset : pager.offset + PER_PAGE])
    shown = [x.code for x in queue] + [x.code for x in rows]
    if shown:
        audit.record(action="view", object_type="letter_request", subject="list", object_ids=sorted(set(shown)))
    return render(
        request,
        "letters/home.html",
        {
            "queue": queue,
            "rows": rows,
            "pager": pager,
            "status": status,
            "statuses": LetterRequest.Status.choices,
            "takes_requests": not letters_desk_scope(user).nothing,
            "signs": signs_letters(user),
            "may_manage_types": may_manage_letter_types(user),
        },
    )


# ---------------------------------------------------------------- a request at the office


def _offered() -> list[LetterType]:
    return list(selectors.letter_types(offered_only=True))


def _chosen(types: list[LetterType], code: str) -> LetterType | None:
    return next((t for t in types if t.code == code), None)


@login_required
@require_http_methods(["GET", "POST"])
def new_request(request: HttpRequest) -> HttpResponse:
    """The operator (or secretary) takes a request at the desk: the letter, the resident's NIK, the purpose and
    the documents the letter needs; the register fills the rest."""
    if letters_desk_scope(request.user).nothing:
        raise PermissionDenied(_("Only a village's operator or secretary takes letter requests."))
    types = _offered()
    source = request.POST if request.method == "POST" else request.GET
    chosen = _chosen(types, source.get("letter_type", ""))
    if request.method == "GET" and is_htmx(request):
        return render(request, "letters/_attachment_inputs.html", attachment_context(chosen))
    form = OfficeRequestForm(request.POST or None, letter_types=types, initial={"letter_type": chosen and chosen.code})
    status, file_errors = 200, {}
    if request.method == "POST":
        if form.is_valid():
            try:
                letter = services.request_letter_at_office(
                    user=request.user,
                    letter_type=form.cleaned_data["letter_type"],
                    nik=form.cleaned_data["nik"],
                    purpose=form.cleaned_data["purpose"],
                    phone=form.cleaned_data["phone"],
                    files=uploads_from(request.FILES),
                )
            except Refused as exc:
                add_errors(form, exc, files=file_errors)
                status = exc.status
            else:
                messages.success(
                    request, _("The request %(code)s is made and waits for its first official.") % {"code": letter.code}
                )
                return redirect("letters:letter_detail", code=letter.code)
        else:
            status = 422
    return render(
        request,
        "letters/new.html",
        {"form": form, "types": types, "file_errors": file_errors, **attachment_context(chosen, file_errors)},
        status=status,
    )


@login_required
@require_GET
def resident_preview(request: HttpRequest) -> HttpResponse:
    """While the NIK is typed at the desk: the resident's name and household, from the register (only residents
    of the desk's own villages; any other NIK answers as an unknown one)."""
    if letters_desk_scope(request.user).nothing:
        raise PermissionDenied(_("Only a village's operator or secretary takes letter requests."))
    nik = "".join(request.GET.get("nik", "").split())[:40]
    resident = verify.desk_resident(request.user, nik) if len(nik) == 16 else None
    if resident is not None:
        audit.record(action="search", object_type="resident", subject="letter desk", object_ids=[resident.nik])
    return render(request, "letters/_resident_preview.html", {"resident": resident, "typed": len(nik) == 16})


# ---------------------------------------------------------------- one letter


def visible_letter(request: HttpRequest, code: str) -> LetterRequest:
    letter = selectors.letters_visible_to(request.user).filter(code=selectors.typed_code(code)).first()
    if letter is None:
        raise Http404(_("No letter with this code here."))
    return letter


def _detail_context(request: HttpRequest, letter: LetterRequest) -> dict:
    steps = list(letter.steps.order_by("order"))
    current = next((s for s in steps if s.order == letter.current_step), None)
    may_act = (
        letter.status == LetterRequest.Status.IN_PROGRESS
        and current is not None
        and may_sign_as(request.user, position=current.position, village_code=letter.village_id)
    )
    key = SigningKey.objects.filter(user=request.user, active=True).first() if may_act else None
    for step in steps:
        step.title = step.signer_title or official_title(step.position, letter.village)
    latest = selectors.latest_revision(letter)
    labels = {item["code"]: item["label"] for item in letter.letter_type.attachments}
    attachments = list(letter.attachments.defer("data"))
    for item in attachments:
        item.label = labels.get(item.requirement, item.requirement)
    return {
        "letter": letter,
        "steps": steps,
        "current": current,
        "attachments": attachments,
        "latest": latest,
        "may_act": may_act,
        "key": key,
        "gateway_key": key is not None and key.kind == SigningKey.Kind.GATEWAY,
        "sign_form": SignForm(),
        "reject_form": RejectForm(),
        "verify_url": verify_url(letter.code),
    }


def _audit_view(letter: LetterRequest, what: str) -> None:
    audit.record(
        action="view",
        object_type="letter_request",
        subject=letter.code,
        object_ids=[letter.facts.get("resident.nik", "") or str(letter.resident_id)],
        detail={"what": what},
    )


@login_required
@require_GET
def letter_detail(request: HttpRequest, code: str) -> HttpResponse:
    letter = visible_letter(request, code)
    _audit_view(letter, "detail")
    return render(request, "letters/letter_detail.html", _detail_context(request, letter))


@login_required
@require_POST
def sign(request: HttpRequest, code: str) -> HttpResponse:
    letter = visible_letter(request, code)
    passphrase = request.POST.get("passphrase", "")[:1024]
    try:
        services.sign_letter(user=request.user, code=letter.code, passphrase=passphrase)
    except Refused as exc:
        if exc.status == 403:
            raise PermissionDenied(exc.detail) from exc
        letter = visible_letter(request, code)
        context = _detail_context(request, letter)
        context["sign_errors"] = [message for _field, message in exc.errors]
        return render(request, "letters/letter_detail.html", context, status=_page_status(exc))
    letter = visible_letter(request, code)
    if letter.status != LetterRequest.Status.SIGNED:
        messages.success(request, _("Signed. The letter goes on to the next official."))
    else:
        messages.success(request, _("Signed. The letter is finished: number %(number)s.") % {"number": letter.number})
        return redirect("letters:letter_detail", code=letter.code)
    return redirect("letters:home")  # on to the next letter of the queue


@login_required
@require_POST
def reject(request: HttpRequest, code: str) -> HttpResponse:
    letter = visible_letter(request, code)
    form = RejectForm(request.POST)
    error = None
    if form.is_valid():
        try:
            services.reject_letter(user=request.user, code=letter.code, reason=form.cleaned_data["reason"])
        except Refused as exc:
            if exc.status == 403:
                raise PermissionDenied(exc.detail) from exc
            error = exc
        else:
            messages.success(request, _("The request is sent back; the resident is told the reason."))
            return redirect("letters:letter_detail", code=letter.code)
    context = _detail_context(request, visible_letter(request, code))
    context["reject_form"] = form
    if error is not None:
        add_errors(form, error, fallback="reason")
    return render(request, "letters/letter_detail.html", context, status=_page_status(error) if error else 422)


def _safe_name(name: str) -> str:
    kept = "".join(c if c.isalnum() or c in "._-" else "_" for c in name)[:80].strip("._")
    return kept or "lampiran"


@never_cache
@login_required
@require_GET
def attachment(request: HttpRequest, code: str, requirement: str) -> HttpResponse:
    letter = visible_letter(request, code)
    found = LetterAttachment.objects.filter(request=letter, requirement=requirement[:30]).first()
    if found is None:
        raise Http404(_("This request carries no such document."))
    _audit_view(letter, f"attachment {found.requirement}")
    response = HttpResponse(bytes(found.data), content_type=found.content_type)
    response["Content-Disposition"] = f'attachment; filename="{letter.code}-{_safe_name(found.file_name)}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


@never_cache
@login_required
@require_GET
def letter_pdf(request: HttpRequest, code: str) -> HttpResponse:
    """The latest revision of the letter (signed as far as the chain has come), shown in the browser."""
    letter = visible_letter(request, code)
    latest = selectors.latest_revision(letter)
    if latest is None:
        raise Http404(_("This letter has no PDF yet."))
    _audit_view(letter, "pdf")
    response = HttpResponse(bytes(latest.pdf), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="surat-{letter.code}.pdf"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


# ---------------------------------------------------------------- letter types (the administrator's)


def _require_types(request: HttpRequest) -> None:
    if not may_manage_letter_types(request.user):
        raise PermissionDenied(_("Only the regency administrator edits letter types."))


def _type_or_404(code: str) -> LetterType:
    found = selectors.letter_types(offered_only=False).filter(code=code[:30]).first()
    if found is None:
        raise Http404(_("No letter type with this code."))
    return found


@login_required
@require_GET
def type_list(request: HttpRequest) -> HttpResponse:
    _require_types(request)
    types = list(selectors.letter_types(offered_only=False).order_by("name"))
    return render(request, "letters/type_list.html", {"types": types})


@login_required
@require_http_methods(["GET", "POST"])
def type_edit(request: HttpRequest, code: str) -> HttpResponse:
    _require_types(request)
    letter_type = _type_or_404(code)
    form = LetterTypeForm(request.POST or None, initial=LetterTypeForm.initial_of(letter_type))
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.update_letter_type(user=request.user, letter_type=letter_type, values=form.values())
            except Refused as exc:
                add_errors(form, exc, rename={"chain": "position_1"})
                status = exc.status
            else:
                messages.success(request, _("The letter type is saved. Letters requested from now on use it."))
                return redirect("letters:type_edit", code=letter_type.code)
        else:
            status = 422
    return render(
        request,
        "letters/type_edit.html",
        {
            "letter_type": letter_type,
            "form": form,
            "placeholders": sorted(templating.EXAMPLES.items()),
            "number_placeholders": sorted(numbering.PLACEHOLDERS.items()),
            "preview": _preview(request.POST if request.method == "POST" else form.initial),
            "has_pdf": True,
        },
        status=status,
    )


def _example_values(validity) -> dict[str, str]:
    return {**templating.EXAMPLES, "letter.validity_days": str(validity or templating.EXAMPLES["letter.validity_days"])}


def _preview(data) -> dict:
    """The template filled with the example values, what is wrong with it, and an example number."""
    body, closing = str(data.get("body_template") or ""), str(data.get("closing_template") or "")
    pattern = str(data.get("number_pattern") or "")
    values = _example_values(data.get("validity_days"))
    problems = templating.template_problems(body) + templating.template_problems(closing)
    pattern_problems = numbering.pattern_problems(pattern)
    number = ""
    if not pattern_problems:
        example = LetterType(code="contoh", classification_code=str(data.get("classification_code") or "400.12")[:20])
        number = numbering.format_number(
            pattern, letter_type=example, village_code=templating.EXAMPLES["village.code"], sequence=7,
            day=dt.date(2026, 12, 3),
        )  # fmt: skip
    return {
        "title": str(data.get("title") or ""),
        "body": templating.paragraphs(body, values),
        "closing": templating.paragraphs(closing, values),
        "problems": problems + pattern_problems,
        "number": number,
    }


@login_required
@require_POST
def type_preview(request: HttpRequest, code: str) -> HttpResponse:
    """The live preview (htmx, as the administrator types): the filled template as HTML."""
    _require_types(request)
    letter_type = _type_or_404(code)
    return render(
        request, "letters/_type_preview.html", {"preview": _preview(request.POST), "letter_type": letter_type}
    )


@login_required
@require_POST
def type_preview_pdf(request: HttpRequest, code: str) -> HttpResponse:
    """The letter as the PDF engine renders it, from the form as typed (not saved) and the example values."""
    _require_types(request)
    letter_type = _type_or_404(code)
    form = LetterTypeForm(request.POST)
    form.is_valid()
    data = form.cleaned_data
    problems = templating.template_problems(str(data.get("body_template") or "")) + templating.template_problems(
        str(data.get("closing_template") or "")
    )
    if problems or not data.get("title"):
        return render(
            request,
            "letters/_type_preview.html",
            {"preview": _preview(request.POST), "letter_type": letter_type},
            status=422,
        )
    draft = LetterType(
        code=letter_type.code,
        title=data["title"],
        classification_code=data.get("classification_code") or letter_type.classification_code,
        body_template=data.get("body_template") or "",
        closing_template=data.get("closing_template") or "",
        validity_days=data.get("validity_days") or letter_type.validity_days,
    )
    village = (
        Village.objects.select_related("district__regency").filter(code=templating.EXAMPLES["village.code"]).first()
        or Village.objects.select_related("district__regency").first()
    )
    if village is None:  # no regions loaded: nothing to print a letterhead from
        raise Http404(_("No village is loaded to print an example letter."))
    chain = data.get("chain") or [(s.position, s.action) for s in letter_type.steps.order_by("order")]
    steps = [LetterStep(order=i, position=p, action=a) for i, (p, a) in enumerate(chain, 1)]
    facts = {**_example_values(draft.validity_days)}
    content = letter_content(letter_type=draft, village=village, facts=facts, code="CONTOH0000", steps=steps)
    response = HttpResponse(pdf.render_letter(content), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="contoh-{letter_type.code}.pdf"'
    return response


# ---------------------------------------------------------------- an official's signing key


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def signing_key(request: HttpRequest) -> HttpResponse:
    """The official's means to sign: the key in use, a BSrE certificate file to import, or BSrE's gateway."""
    if not holds_signing_key(request.user):
        raise PermissionDenied(_("Only officials who sign letters or certificates have a signing key."))
    pkcs12_form, gateway_form, status = Pkcs12Form(), GatewayForm(), 200
    gateway = bool(settings.BSRE_GATEWAY_URL)
    if request.method == "POST":
        kind = request.POST.get("kind", "")
        try:
            if kind == "pkcs12":
                pkcs12_form = Pkcs12Form(request.POST, request.FILES)
                if not pkcs12_form.is_valid():
                    status = 422
                else:
                    upload = pkcs12_form.cleaned_data["file"]
                    if upload.size > 1024 * 1024:
                        raise Refused([("file", _("A certificate file is a few kilobytes; this one is too large."))])
                    keys.import_pkcs12_key(
                        user=request.user, data=upload.read(), password=pkcs12_form.cleaned_data["password"]
                    )
            elif kind == "gateway" and gateway:
                gateway_form = GatewayForm(request.POST)
                if not gateway_form.is_valid():
                    status = 422
                else:
                    keys.use_gateway_key(user=request.user, nik="".join(gateway_form.cleaned_data["nik"].split()))
            else:
                raise Refused([("", _("Choose a certificate file or the BSrE gateway."))])
        except Refused as exc:
            add_errors(gateway_form if kind == "gateway" else pkcs12_form, exc)
            status = exc.status
        if status == 200:
            messages.success(request, _("Your signing key is set. The passphrase is asked at every signature."))
            return redirect("letters:signing_key")
    return render(
        request,
        "letters/signing_key.html",
        {
            "key": keys.active_key(request.user),
            "pkcs12_form": pkcs12_form,
            "gateway_form": gateway_form,
            "gateway": gateway,
            "now": timezone.now(),
        },
        status=status,
    )
