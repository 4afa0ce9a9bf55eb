"""Pages of isolation monitoring: the Puskesmas's work list for today, cases with their follow-ups (the
three pillars and the camat read them), opening and closing cases, and the daily report."""

import datetime as dt

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from smartkampung.audit import services as audit
from smartkampung.core.http import is_htmx
from smartkampung.health import reports, selectors, services
from smartkampung.health.models import CaseOutcome, DailyReport, FollowUpStatus, IsolationPlace, MonitoringCase, Symptom
from smartkampung.population.forms import village_choices
from smartkampung.population.validation import no_such_day, parse_date

CASES_PER_PAGE = 50


def _shown_day(raw: str) -> str:
    """A typed day as its field shows it again: DD-MM-YYYY when it reads as a date, else as typed."""
    day = parse_date(raw) if raw else None
    return day.strftime("%d-%m-%Y") if day else raw


def _seen(request: HttpRequest, cases, subject: str) -> None:
    """Reading people's isolation records is itself recorded (UU 27/2022)."""
    niks = [c.nik for c in cases if c.nik]
    if cases:
        audit.record(action="view", object_type="isolation_case", subject=subject, object_ids=niks)


def _chosen_puskesmas(request: HttpRequest):
    """The Puskesmas whose work the page shows: the user's own (one of them), or any for the health agency."""
    options = list(selectors.puskesmas_worked_by(request.user))
    if not options:
        raise PermissionDenied(_("This page is for Puskesmas staff and the health agency."))
    wanted = request.GET.get("puskesmas") or request.POST.get("puskesmas") or ""
    chosen = next((p for p in options if str(p.pk) == wanted), options[0])
    return chosen, options


@login_required
@require_GET
def today(request: HttpRequest) -> HttpResponse:
    puskesmas, options = _chosen_puskesmas(request)
    work = selectors.work_list(puskesmas_ids=[puskesmas.pk], today=timezone.localdate())
    _seen(request, work.missed + work.to_see + work.seen, f"worklist:{puskesmas.pk}")
    return render(
        request,
        "health/today.html",
        {
            "puskesmas": puskesmas,
            "options": options,
            "work": work,
            "statuses": FollowUpStatus.choices,
            "symptom_choices": Symptom.choices,
            "today": work.day,
        },
    )


@login_required
@require_GET
def case_list(request: HttpRequest) -> HttpResponse:
    today_ = timezone.localdate()
    cases = selectors.with_flags(selectors.cases_visible_to(request.user), today_)
    show = request.GET.get("show", "open")
    cases = selectors.shown_cases(cases, show, today_)
    village = request.GET.get("village", "")
    if village:
        cases = cases.filter(village_id=village)
    page = Paginator(cases.order_by("-overdue", "village__name", "name", "pk"), CASES_PER_PAGE).get_page(
        request.GET.get("page")
    )
    _seen(request, page.object_list, "case_list")
    return render(
        request,
        "health/case_list.html",
        {
            "page": page,
            "show": show,
            "village": village,
            "query": urlencode({"show": show, "village": village}) + "&",
            "villages": village_choices(selectors.case_scope(request.user)),
            "may_open": selectors.may_open_any_case(request.user),
            "today": today_,
        },
    )


def _case_or_404(request: HttpRequest, pk: int) -> MonitoringCase:
    case = selectors.cases_visible_to(request.user).filter(pk=pk).first()
    if case is None:
        raise Http404(_("No such case here."))
    return case


def _case_page(request: HttpRequest, case: MonitoringCase, *, errors=None, values=None, status: int = 200):
    today_ = timezone.localdate()
    follow_ups = list(case.follow_ups.select_related("recorded_by").order_by("-day"))
    for f in follow_ups:
        f.symptom_labels = ", ".join(str(Symptom(s).label) for s in f.symptoms if s in Symptom.values)
    _seen(request, [case], str(case.pk))
    return render(
        request,
        "health/case_detail.html",
        {
            "case": case,
            "follow_ups": follow_ups,
            "missed": selectors.missed_days(case, today=today_),
            "may_work": selectors.may_work_case(request.user, case),
            "statuses": FollowUpStatus.choices,
            "symptom_choices": Symptom.choices,
            "outcomes": CaseOutcome.choices,
            "today": today_,
            "errors": errors or [],
            "values": values or {},
        },
        status=status,
    )


@login_required
@require_GET
def case_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _case_page(request, _case_or_404(request, pk))


def _work_item(request: HttpRequest, case_id: int, *, back: str, errors=None, values=None, saved=False):
    """One case of today's list, as htmx swaps it in place after a save (the nurse stays where she was)."""
    cases = selectors.with_flags(selectors.cases_visible_to(request.user), timezone.localdate())
    case = cases.select_related("village", "house").get(pk=case_id)
    return render(
        request,
        "health/_work_item.html",
        {
            "c": case,
            "next": back,
            "statuses": FollowUpStatus.choices,
            "symptom_choices": Symptom.choices,
            "errors": errors or [],
            "values": values,
            "saved": saved,
            "tone": "overdue" if case.overdue and not case.seen_today else "",  # as today's list sorts it
        },
    )


@login_required
@require_POST
def follow_up(request: HttpRequest, pk: int) -> HttpResponse:
    """Save a follow-up and stay at it: from today's list, htmx swaps the case's card (without htmx, the
    redirect comes back to the card's anchor); from the case page, back to its follow-ups."""
    case = _case_or_404(request, pk)
    values = {k: request.POST.get(k, "") for k in ("status", "temperature", "day", "note")}
    values["symptoms"] = request.POST.getlist("symptoms")
    back = request.POST.get("next", "").split("#")[0]
    from_today = back.startswith("/health/today/")
    try:
        services.record_follow_up(user=request.user, case=case, values=values)
    except services.CaseError as exc:
        errors = [m for _f, m in exc.errors]
        if from_today and is_htmx(request):  # htmx swaps no 4xx answer: the card with its errors, as a 200
            return _work_item(request, case.pk, back=back, errors=errors, values=values)
        values["day"] = _shown_day(values["day"])
        return _case_page(request, case, errors=errors, values=values, status=exc.status)
    if from_today and is_htmx(request):
        return _work_item(request, case.pk, back=back, saved=True)
    messages.success(request, _("Follow-up of %(name)s recorded.") % {"name": case.name})
    if from_today:
        return redirect(f"{back}#case-{case.pk}")
    return redirect(reverse("health:case_detail", kwargs={"pk": case.pk}) + "#follow-ups")


@login_required
@require_POST
def close(request: HttpRequest, pk: int) -> HttpResponse:
    case = _case_or_404(request, pk)
    values = {k: request.POST.get(k, "") for k in ("outcome", "closed_on", "note")}
    try:
        services.close_case(user=request.user, case=case, values=values)
    except services.CaseError as exc:
        values["closed_on"] = _shown_day(values["closed_on"])
        return _case_page(request, case, errors=[m for _f, m in exc.errors], values=values, status=exc.status)
    messages.success(request, _("The case of %(name)s is closed.") % {"name": case.name})
    return redirect("health:case_detail", pk=case.pk)


CASE_FIELDS = ("nik", "name", "phone", "village", "address", "place", "house", "start_date", "days", "note")


@login_required
@require_http_methods(["GET", "POST"])
def case_new(request: HttpRequest) -> HttpResponse:
    if not selectors.may_open_any_case(request.user):
        raise PermissionDenied(_("Only a village operator, a Puskesmas or the health agency opens cases."))
    errors, values, status = [], {"place": IsolationPlace.HOME}, 200
    if request.method == "POST":
        values = {k: request.POST.get(k, "") for k in CASE_FIELDS}
        try:
            case = services.open_case(user=request.user, values=values)
        except services.CaseError as exc:
            errors, status = [m for _f, m in exc.errors], exc.status
            values["start_date"] = _shown_day(values["start_date"])
        else:
            messages.success(request, _("Case opened: %(name)s.") % {"name": case.name})
            return redirect("health:case_detail", pk=case.pk)
    from smartkampung.isolation.selectors import houses_visible_to

    return render(
        request,
        "health/case_new.html",
        {
            "errors": errors,
            "values": values,
            "villages": village_choices(selectors.case_scope(request.user)),
            "places": IsolationPlace.choices,
            "houses": houses_visible_to(request.user).order_by("-is_central", "name")[:400],
            "today": timezone.localdate(),
        },
        status=status,
    )


# ---------------------------------------------------------------- daily reports


def _day(request: HttpRequest) -> tuple[dt.date, str]:
    """The report day asked for (DD-MM-YYYY as typed, or the ISO day of a link), and why not, if it cannot be:
    then today."""
    raw = (request.GET.get("day") or request.POST.get("day") or "").strip()
    today_ = timezone.localdate()
    day = parse_date(raw) if raw else today_
    if day is None:
        return today_, no_such_day(raw) or _("Write the date as DD-MM-YYYY, e.g. 17-08-1985.")
    if day > today_:
        return today_, _("%(day)s is in the future: there is no report for it yet.") % {"day": day.strftime("%d-%m-%Y")}
    return day, ""


@login_required
@require_http_methods(["GET", "POST"])
def report(request: HttpRequest) -> HttpResponse:
    """A Puskesmas's report of a day: the figures as they stand, the fields to type, submit; its versions."""
    puskesmas, options = _chosen_puskesmas(request)
    day, day_error = _day(request)
    errors, values, status = [], {}, 200
    if request.method == "POST" and day_error:
        errors, status = [day_error], 422  # never filed under another day than the one meant
    elif request.method == "POST":
        values = {k: request.POST.get(k, "") for k, _l in reports.ENTERED} | {
            "note": request.POST.get("note", ""),
            "correction_reason": request.POST.get("correction_reason", ""),
        }
        try:
            services.submit_report(user=request.user, puskesmas=puskesmas, day=day, values=values)
        except reports.ReportError as exc:
            errors, status = [m for _f, m in exc.errors], exc.status
        else:
            messages.success(request, _("Report of %(day)s submitted.") % {"day": day.strftime("%d-%m-%Y")})
            return redirect(f"{request.path}?puskesmas={puskesmas.pk}&day={day.isoformat()}")
    versions = selectors.report_versions(puskesmas=puskesmas, day=day)
    figures = reports.compute_figures(puskesmas=puskesmas, day=day)
    current = next((v for v in versions if v.is_current), None)
    if current is not None and request.method == "GET":
        values = {k: str(v) for k, v in current.entered.items()}  # a correction starts from what was sent
    return render(
        request,
        "health/report.html",
        {
            "puskesmas": puskesmas,
            "options": options,
            "day": day,
            "day_error": "" if errors else day_error,
            "computed": [(k, label, figures[k]) for k, label in reports.COMPUTED],
            "entered": [(k, label, values.get(k, "")) for k, label in reports.ENTERED],
            "versions": versions,
            "current": current,
            "submitted": (
                [(label, (current.figures | current.entered).get(k, "")) for k, label in reports.LABELS.items()]
                if current
                else []
            ),
            "may_submit": reports.may_report(request.user, puskesmas),
            "errors": errors,
            "values": values,
            "labels": reports.LABELS,
            "push_configured": bool(settings.DHIS2_DATAVALUESETS_URL),
        },
        status=status,
    )


@login_required
@require_GET
def report_overview(request: HttpRequest) -> HttpResponse:
    """The health agency's view of a day: which Puskesmas have reported and which not yet."""
    if not selectors.sees_all_reports(request.user):
        raise PermissionDenied(_("This page is for the health agency."))
    day, day_error = _day(request)
    rows = selectors.report_status(user=request.user, day=day)
    return render(
        request,
        "health/report_overview.html",
        {"day": day, "day_error": day_error, "rows": rows, "missing": sum(1 for _p, r in rows if r is None)},
    )


def _report_or_404(request: HttpRequest, pk: int) -> DailyReport:
    found = selectors.reports_visible_to(request.user).filter(pk=pk).first()
    if found is None:
        raise Http404(_("No such report here."))
    return found


@login_required
@require_GET
def report_dhis2(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        body = reports.data_value_set(_report_or_404(request, pk))
    except reports.ReportError as exc:
        return JsonResponse({"detail": exc.errors[0][1]}, status=409)
    response = JsonResponse(body, json_dumps_params={"ensure_ascii": False, "indent": 1})
    response["Content-Disposition"] = f'attachment; filename="dataValueSet-{body["orgUnit"]}-{body["period"]}.json"'
    return response


@login_required
@require_GET
def reports_csv(request: HttpRequest) -> HttpResponse:
    """The current version of every report of a day (the health agency: all; a Puskesmas: its own)."""
    day, _error = _day(request)
    rows = (
        selectors.reports_visible_to(request.user)
        .filter(day=day, is_current=True)
        .select_related("puskesmas", "submitted_by")
        .order_by("puskesmas__name")
    )
    response = HttpResponse(reports.reports_csv(rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="laporan-harian-{day.isoformat()}.csv"'
    return response


@login_required
@require_POST
def report_push(request: HttpRequest, pk: int) -> HttpResponse:
    found = _report_or_404(request, pk)
    try:
        services.resend_report(user=request.user, report=found)
    except reports.ReportError as exc:
        messages.error(request, " ".join(m for _f, m in exc.errors))
    else:
        messages.success(request, _("The report is queued for sending to DHIS2."))
    return redirect(f"/health/reports/?puskesmas={found.puskesmas_id}&day={found.day.isoformat()}")
