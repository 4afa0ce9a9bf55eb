"""Pages of violations: the public report (phone first, rate-limited per client address) and its status by code;
the agency's list, report, photo, decision and certificate status; an owner's page of the violations upheld
against their place.

The report page counts the client and weighs the body (Content-Length) before the form is read, as the letters'
public pages do: a client over its limit, or sending more than a photo can be, is answered without the upload
being parsed. CSRF's check reads the form, so it runs after these two (csrf_exempt outside, csrf_protect inside)."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_GET, require_http_methods

from smartkampung.accounts.selectors import tourism_agency
from smartkampung.audit import services as audit
from smartkampung.core.errors import Refused
from smartkampung.core.paging import Pager, page_number
from smartkampung.core.ratelimit import Limit, allow
from smartkampung.regions.models import District
from smartkampung.tourism.forms_violations import (
    CertificateStatusForm,
    DecisionForm,
    ReportForm,
    StatusLookupForm,
    add_errors,
)
from smartkampung.tourism.models import Certificate, Violation
from smartkampung.tourism.selectors import agency_certificates, in_force_certificate
from smartkampung.tourism.services import violations as services

PER_PAGE = 25
SEARCH_SHOWN = 200
# What a multipart body may carry beyond its photo: the framing and the text fields.
BODY_SLACK = 64 * 1024
# Codes are not guessable (10 of 32 characters), but a flood of look-ups is refused all the same.
STATUS_LIMITS = (Limit(30, 60), Limit(600, 86400))


def too_many_words() -> str:
    """The refusal of a client over its report limit."""
    return _("Too many reports from this address. Try again later.")


def too_large_words() -> str:
    """The refusal of a body larger than a photo can be."""
    return _("The photo is too large: it may be at most %(mb)s MB.") % {"mb": f"{services.photo_max_bytes() / 2**20:g}"}


def body_length(request: HttpRequest) -> int:
    """The body's length as the client announced it (0 when absent or not a number)."""
    try:
        return max(0, int(request.META.get("CONTENT_LENGTH") or 0))
    except ValueError:
        return 0


def over_limit(request: HttpRequest, scope: str, limits) -> str:
    """The Retry-After when this client is over a limit of `scope`, else "" (the request is counted)."""
    counted = HttpResponse()
    return "" if allow(request, counted, scope=scope, limits=limits) else counted["Retry-After"]


def report_refusal(request: HttpRequest) -> tuple[int, str, str]:
    """(status, words, Retry-After) refusing a report before its body is read, or (0, "", "") to go on. Officers
    (signed in with a role) are named on their reports and not counted."""
    officer = services.is_officer(request.user)
    if not officer and (retry_after := over_limit(request, "tourism-report", services.report_limits())):
        return 429, too_many_words(), retry_after
    if body_length(request) > services.photo_max_bytes() + BODY_SLACK:
        return 413, too_large_words(), ""
    return 0, "", ""


def upload_of(files, name: str = "photo") -> services.Upload | None:
    """The uploaded photo as the services take it, or None."""
    uploaded = files.get(name)
    return services.Upload(name=uploaded.name or name, data=uploaded.read()) if uploaded else None


# ---------------------------------------------------------------- the public report


@csrf_exempt  # checked in _report, once the client is counted and the body weighed
@require_http_methods(["GET", "POST"])
@never_cache
def report(request: HttpRequest, place_id: int | None = None) -> HttpResponse:
    """Report a health-protocol violation at a certified place (chosen from the list, or preselected)."""
    if place_id is not None:
        chosen = services.reportable_places().filter(pk=place_id).first()
        if chosen is None:
            raise Http404
        places = [chosen]
    else:
        search = request.GET.get("q", "")[:60]
        places = list(services.reportable_places(search=search)[:SEARCH_SHOWN])
    if request.method == "POST":
        status, words, retry_after = report_refusal(request)
        if status:
            form = ReportForm(places=places, initial={"place_id": place_id})
            answer = render(
                request, "tourism/violations/report.html", _report_context(form, place_id, words), status=status
            )
            if retry_after:
                answer["Retry-After"] = retry_after
            return answer
    return _report(request, places, place_id)


report.counts_before_reading = True


@csrf_protect
def _report(request: HttpRequest, places: list, place_id: int | None) -> HttpResponse:
    form = ReportForm(request.POST or None, request.FILES or None, places=places, initial={"place_id": place_id})
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                violation = services.report_violation(
                    place_id=data["place_id"],
                    what=data["what"],
                    seen_at=data["seen_at"],
                    contact=data["contact"],
                    photo=upload_of(request.FILES),
                    by=request.user,
                )
            except Refused as exc:
                add_errors(form, exc)
                status = exc.status
            else:
                return render(request, "tourism/violations/reported.html", {"violation": violation}, status=201)
        else:
            status = 422
    return render(request, "tourism/violations/report.html", _report_context(form, place_id, ""), status=status)


def _report_context(form: ReportForm, place_id, refused: str) -> dict:
    return {"form": form, "preselected": place_id is not None, "refused": refused}


@require_GET
@never_cache
def report_status(request: HttpRequest) -> HttpResponse:
    """The reporter follows a report by its code: its status and, once decided, the outcome."""
    form = StatusLookupForm(request.GET or None)
    context: dict = {"form": form}
    if form.is_bound and form.is_valid():
        if retry_after := over_limit(request, "tourism-report-status", STATUS_LIMITS):
            answer = render(
                request, "tourism/violations/status.html", {**context, "refused": too_many_words()}, status=429
            )
            answer["Retry-After"] = retry_after
            return answer
        violation = services.violation_by_code(form.cleaned_data["code"])
        if violation is None:
            form.add_error("code", _("No report with this code. Check the code you received."))
            return render(request, "tourism/violations/status.html", context, status=404)
        context["found"] = services.public_status(violation)
    return render(request, "tourism/violations/status.html", context)


# ---------------------------------------------------------------- the agency's work


def _agency(request: HttpRequest) -> None:
    if tourism_agency(request.user).nothing:
        raise PermissionDenied


@login_required
@require_GET
def violation_list(request: HttpRequest) -> HttpResponse:
    """Every report, open ones first; filters by status, place and kecamatan; paged."""
    _agency(request)
    rows = services.agency_violations(request.user)
    status = request.GET.get("status", "")
    if status in Violation.Status.values:
        rows = rows.filter(status=status)
    place = request.GET.get("place", "")
    if place.isdigit():
        rows = rows.filter(place_id=int(place))
    district = request.GET.get("kecamatan", "")
    if district.isdigit():
        rows = rows.filter(place__village__district_id=district)
    pager = Pager(
        page=page_number(request.GET.get("page"), per_page=PER_PAGE),
        per_page=PER_PAGE,
        count=rows.count(),
        capped=False,
        params={"status": status, "place": place, "kecamatan": district},
    )
    context = {
        "rows": list(rows[pager.offset : pager.offset + PER_PAGE]),
        "pager": pager,
        "status": status,
        "place": place,
        "kecamatan": district,
        "statuses": Violation.Status.choices,
        "districts": District.objects.filter(regency_id__in=settings.SMARTKAMPUNG_REGENCIES).order_by("name"),
    }
    return render(request, "tourism/violations/list.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def violation_detail(request: HttpRequest, violation_id: int) -> HttpResponse:
    """One report with its photo and the reporter's contact (the agency only), and the agency's actions."""
    _agency(request)
    violation = get_object_or_404(services.agency_violations(request.user), pk=violation_id)
    decision = DecisionForm(request.POST if request.POST.get("op") == "decide" else None)
    status, refused = 200, ""
    if request.method == "POST":
        try:
            if request.POST.get("op") == "investigate":
                services.start_investigation(violation=violation, by=request.user)
                messages.success(request, _("The report is under investigation."))
                return redirect("tourism:violation_detail", violation_id=violation.pk)
            if decision.is_valid():
                data = decision.cleaned_data
                if data["decision"] == "dismissed":
                    services.dismiss_violation(violation=violation, outcome=data["outcome"], by=request.user)
                else:
                    services.uphold_violation(
                        violation=violation,
                        outcome=data["outcome"],
                        action=data["action"] or services.Action.NONE,
                        by=request.user,
                    )
                messages.success(request, _("The decision is recorded."))
                return redirect("tourism:violation_detail", violation_id=violation.pk)
            status = 422
        except Refused as exc:
            if decision.is_bound:
                add_errors(decision, exc)
            else:  # starting the investigation has no fields to mark
                refused = exc.detail
            status = exc.status
    if violation.reporter_contact and request.method == "GET":
        audit.record(
            action="view",
            object_type="tourism_violation",
            subject=violation.code,
            object_ids=[str(violation.pk)],
            detail={"reporter_contact": True},
            user=request.user,
        )
    context = {
        "violation": violation,
        "decision": decision,
        "certificate": in_force_certificate(violation.place),
        "open": violation.status in (Violation.Status.OPEN, Violation.Status.INVESTIGATING),
        "refused": refused,
    }
    return render(request, "tourism/violations/detail.html", context, status=status)


@login_required
@require_GET
def violation_photo(request: HttpRequest, violation_id: int) -> HttpResponse:
    """The report's photo, for the agency only, never cached by the browser or a proxy."""
    _agency(request)
    violation = get_object_or_404(services.agency_violations(request.user), pk=violation_id)
    if not violation.photo:
        raise Http404
    response = HttpResponse(bytes(violation.photo), content_type=violation.photo_type or "application/octet-stream")
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    response["Content-Disposition"] = f'inline; filename="{violation.code}"'
    return response


@login_required
@require_http_methods(["GET", "POST"])
def certificate_status(request: HttpRequest, certificate_id: int) -> HttpResponse:
    """The agency suspends, revokes or reinstates a certificate directly (a reason is required)."""
    _agency(request)
    certificate = get_object_or_404(agency_certificates(request.user), pk=certificate_id)
    form = CertificateStatusForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            change = {
                Certificate.Status.SUSPENDED: services.suspend_certificate,
                Certificate.Status.REVOKED: services.revoke_certificate,
                Certificate.Status.VALID: services.reinstate_certificate,
            }[form.cleaned_data["status"]]
            try:
                change(certificate=certificate, reason=form.cleaned_data["reason"], by=request.user)
            except Refused as exc:
                add_errors(form, exc)
                status = exc.status
            else:
                messages.success(request, _("The certificate's status is changed."))
                return redirect("tourism:violation_certificate_status", certificate_id=certificate.pk)
        else:
            status = 422
    return render(
        request, "tourism/violations/certificate_status.html", {"certificate": certificate, "form": form}, status=status
    )


# ---------------------------------------------------------------- the owner's page


@login_required
@require_GET
def place_violations(request: HttpRequest, place_id: int) -> HttpResponse:
    """The violations upheld against a place, for those who read its records (never the reporter's contact)."""
    found = services.upheld_violations_of(request.user, place_id)
    if found is None:
        raise Http404
    place, rows = found
    return render(request, "tourism/violations/place.html", {"place": place, "rows": rows})
