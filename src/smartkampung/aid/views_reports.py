"""Pages of citizens' "I received no aid" reports: the citizen's form and the page that follows it (no sign-in),
and the village's verification queue."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from smartkampung.aid import selectors, services
from smartkampung.aid.conflicts import rules_now
from smartkampung.aid.forms import ReportDecisionForm, ReportForm
from smartkampung.aid.models import AidReport
from smartkampung.aid.public_api import CHECK_LIMITS, REPORT_LIMITS, report_out
from smartkampung.aid.views import filtered_page, require_aid
from smartkampung.audit import services as audit
from smartkampung.core.ratelimit import allow


def _limited(request: HttpRequest, scope: str, limits) -> HttpResponse | None:
    response = HttpResponse()
    if allow(request, response, scope=scope, limits=limits):
        return None
    answer = render(request, "aid/report_limited.html", status=429)
    answer["Retry-After"] = response["Retry-After"]
    return answer


@require_http_methods(["GET", "POST"])
def report(request: HttpRequest) -> HttpResponse:
    """A citizen reports that their household receives no aid."""
    form = ReportForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        if limited := _limited(request, "aid-report", REPORT_LIMITS):
            return limited
        try:
            filed = services.submit_report(values=form.cleaned_data)
        except services.AidError as exc:
            for field, message in exc.errors:
                form.add_error(field if field in form.fields else None, message)
            status = exc.status
        else:
            note = _("Your report is filed. Keep its code to follow it: %(code)s") % {"code": filed.code}
            messages.success(request, note)
            return redirect("aid:report_status", code=filed.code)
    elif request.method == "POST":
        status = 422
    return render(request, "aid/report.html", {"form": form}, status=status)


@require_GET
def report_lookup(request: HttpRequest) -> HttpResponse:
    """The code typed on the report page's "follow my report" form."""
    code = selectors.typed_code(request.GET.get("code", ""))[:10]
    if not code.isalnum():
        messages.error(request, _("Type the code you received when you reported."))
        return redirect("aid:report")
    return redirect("aid:report_status", code=code)


@require_GET
def report_status(request: HttpRequest, code: str) -> HttpResponse:
    if limited := _limited(request, "aid-report-status", CHECK_LIMITS):
        return limited
    found = selectors.report_by_code(code)
    if found is None:
        return render(request, "aid/report_status.html", {"code": code[:12], "report": None}, status=404)
    return render(request, "aid/report_status.html", {"code": found.code, "report": report_out(found)})


@login_required
@require_GET
def report_queue(request: HttpRequest) -> HttpResponse:
    require_aid(request)
    rows, context = filtered_page(
        request, selectors.reports_visible_to(request.user), statuses=AidReport.Status, default="pending",
        order=("created_at", "id"),
    )  # fmt: skip
    listings = selectors.household_listings([r.household_id for r in rows])
    program, rules = selectors.report_program(), rules_now()
    for row in rows:
        row.listings = listings[row.household_id]
        row.may_decide = row.status == AidReport.Status.PENDING and selectors.may_decide_report(request.user, row)
        row.obstacles = selectors.enrolment_obstacles(row, program, rules) if row.may_decide else []
    if rows:
        audit.record(action="view", object_type="aid_report", object_ids=[str(r.pk) for r in rows])
    return render(request, "aid/reports.html", {**context, "rows": rows, "program": program})


@login_required
@require_POST
def decide_report(request: HttpRequest, pk: int) -> HttpResponse:
    require_aid(request)
    found = selectors.reports_visible_to(request.user).filter(pk=pk).first()
    if found is None:
        raise Http404
    form = ReportDecisionForm(request.POST)
    back = f"{reverse('aid:reports')}#report-{pk}"
    if not form.is_valid():
        messages.error(request, _("Choose approve or not, and give the reason."))
        return redirect(back)
    decide = services.approve_report if form.cleaned_data["decision"] == "approve" else services.reject_report
    try:
        decide(user=request.user, report=found, reason=form.cleaned_data["reason"])
    except services.AidForbidden as exc:
        raise PermissionDenied(str(exc)) from exc
    except services.AidError as exc:
        messages.error(request, str(exc))
        return redirect(back)
    messages.success(request, _("Report %(code)s is decided.") % {"code": found.code})
    return redirect("aid:reports")
