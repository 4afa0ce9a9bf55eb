"""Pages of social aid: lists and their upload (the agency), the review queue and the conflicts (villages,
kecamatan and agency, each their own), and the checked list as a file."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from smartkampung.accounts.selectors import aid_read_scope
from smartkampung.aid import exports, resolutions, selectors, services
from smartkampung.aid.forms import DecisionForm, ListUploadForm, ResolveForm
from smartkampung.aid.models import Conflict, MatchStatus, Program, RecipientList
from smartkampung.aid.public_api import CheckRefused, check
from smartkampung.audit import services as audit
from smartkampung.core.http import is_htmx
from smartkampung.population.forms import village_choices
from smartkampung.population.public_api import mask_name
from smartkampung.regions.selectors import served_village


def require_aid(request: HttpRequest) -> None:
    if not selectors.sees_aid(request.user):
        raise PermissionDenied(_("Social aid is for the social affairs agency, the kecamatan and the villages."))


@login_required
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    require_aid(request)
    lists = list(selectors.lists_visible_to(request.user)[:30])
    return render(
        request,
        "aid/home.html",
        {
            "lists": lists,
            "programs": Program.objects.filter(active=True),
            "open_conflicts": selectors.open_conflict_count(request.user),
            "to_review": selectors.review_queue(request.user).count(),
            "reports_waiting": selectors.reports_visible_to(request.user).filter(status="pending").count(),
            "affected": selectors.affected_visible_to(request.user).filter(active=True).count(),
            "may_import": selectors.may_import(request.user),
            # Each regency has its own list in force: the list says whose it is where there are several.
            "several_regencies": len(settings.SMARTKAMPUNG_REGENCIES) > 1,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def upload(request: HttpRequest) -> HttpResponse:
    if not selectors.may_import(request.user):
        raise PermissionDenied(_("Only the social affairs agency imports recipient lists."))
    form = ListUploadForm(
        request.POST or None, request.FILES or None, regencies=selectors.import_regencies(request.user)
    )
    if request.method == "POST" and form.is_valid():
        try:
            job = services.start_list_upload(
                user=request.user, program=form.cleaned_data["program"], period=form.cleaned_data["period"],
                upload=form.cleaned_data["file"], mapping=form.mapping(), regency=form.cleaned_data.get("regency", ""),
            )  # fmt: skip
        except services.AidError as exc:
            for field, message in exc.errors:
                form.add_error(field if field in form.fields else None, message)
        else:
            messages.success(request, _("The list is uploaded; it is read and matched in the background."))
            return redirect("aid:list_detail", pk=job.pk)
    return render(request, "aid/upload.html", {"form": form}, status=422 if form.errors else 200)


def _list_or_404(request: HttpRequest, pk: int) -> RecipientList:
    return get_object_or_404(selectors.lists_visible_to(request.user), pk=pk)


@login_required
@require_GET
def list_detail(request: HttpRequest, pk: int) -> HttpResponse:
    require_aid(request)
    job = _list_or_404(request, pk)
    template = "aid/_list_progress.html" if is_htmx(request) else "aid/list_detail.html"
    response = render(request, template, {"job": job, "statuses": MatchStatus.choices})
    if job.is_finished and is_htmx(request):
        response["HX-Refresh"] = "true"
    return response


@login_required
@require_GET
def list_export(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    require_aid(request)
    if fmt not in ("csv", "xlsx"):
        raise Http404
    job = _list_or_404(request, pk)
    rows = selectors.recipients_visible_to(request.user).filter(source=job)
    audit.record(action="export", object_type="aid_list", subject=f"{job.program.code} {job.period}",
                 object_ids=[str(job.pk)], detail={"format": fmt})  # fmt: skip
    return file_response(exports.rows_of(rows), f"{job.program.code}-{job.period}-checked", fmt, sheet="checked")


def file_response(lines, name: str, fmt: str, *, sheet: str) -> HttpResponse:
    """Rows as a CSV download (streamed) or an XLSX workbook."""
    if fmt == "xlsx":
        response = HttpResponse(
            exports.xlsx_bytes(lines, sheet),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    else:
        response = StreamingHttpResponse(exports.csv_lines(lines), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response


@login_required
@require_GET
def review(request: HttpRequest) -> HttpResponse:
    require_aid(request)
    village = request.GET.get("village", "")
    queue = selectors.review_queue(request.user)
    if village:
        queue = queue.filter(village_id=village)
    page = Paginator(queue, 20).get_page(request.GET.get("page"))
    rows = list(page.object_list)
    for row in rows:
        row.may_decide = selectors.may_decide(request.user, row)
    if rows:
        audit.record(action="view", object_type="aid_review", object_ids=[str(r.pk) for r in rows])
    return render(
        request,
        "aid/review.html",
        {"page": page, "rows": rows, "village": village, "villages": village_choices(aid_read_scope(request.user)),
         "query": urlencode({"village": village}) + "&"},
    )  # fmt: skip


@login_required
@require_POST
def decide(request: HttpRequest, pk: int) -> HttpResponse:
    require_aid(request)
    recipient = selectors.recipients_visible_to(request.user).filter(pk=pk).select_related("candidate").first()
    if recipient is None:
        raise Http404
    form = DecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(" ".join(e) for e in form.errors.values()))
        return redirect(f"{_review_url()}#row-{pk}")
    choice = form.cleaned_data["choice"]
    if choice == "candidate":
        resident = recipient.candidate
    elif choice == "other":
        resident = selectors.residents_for_review(request.user).filter(nik=form.cleaned_data["nik"]).first()
        if resident is None:
            messages.error(request, _("No resident with that NIK in a village you work for."))
            return redirect(f"{_review_url()}#row-{pk}")
    else:
        resident = None
    try:
        services.decide_match(user=request.user, recipient=recipient, resident=resident)
    except services.AidForbidden as exc:
        raise PermissionDenied(str(exc)) from exc
    except services.AidError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Decided: %(name)s.") % {"name": recipient.name})
    return redirect(_review_url())


def _review_url() -> str:
    return reverse("aid:review")


@login_required
@require_GET
def conflict_list(request: HttpRequest) -> HttpResponse:
    require_aid(request)
    rows, context = filtered_page(
        request, selectors.conflicts_visible_to(request.user), statuses=Conflict.Status, default="open",
        order=("-detected_at", "-id"),
    )  # fmt: skip
    for row in rows:
        _present(request, row)
    if rows:
        audit.record(action="view", object_type="aid_conflict", object_ids=[str(c.pk) for c in rows])
    return render(request, "aid/conflicts.html", {**context, "rows": rows})


def _present(request: HttpRequest, conflict: Conflict) -> Conflict:
    """What the conflict's card shows: its rows side by side, how each NIK compares with the register, the
    choices (naming rows and programs) for who may resolve it, the decision in words once resolved."""
    conflict.may_resolve = selectors.may_resolve(request.user, conflict)
    conflict.choices = resolutions.choices_for(conflict) if conflict.status == Conflict.Status.OPEN else []
    conflict.decision = resolutions.decision_words(conflict) if conflict.status == Conflict.Status.RESOLVED else ""
    conflict.rows = [
        (row, program, resolutions.nik_check(row))
        for row, program in ((conflict.first, conflict.first_program),
                             (conflict.second, conflict.second_program or conflict.first_program))
        if row is not None
    ]  # fmt: skip
    return conflict


def _conflict_or_404(request: HttpRequest, pk: int) -> Conflict:
    return get_object_or_404(selectors.conflicts_visible_to(request.user), pk=pk)


@login_required
@require_GET
def conflict_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One conflict (where the alarm links when it names one), with its resolution."""
    require_aid(request)
    conflict = _present(request, _conflict_or_404(request, pk))
    audit.record(action="view", object_type="aid_conflict", object_ids=[str(conflict.pk)])
    return render(request, "aid/conflict.html", {"c": conflict})


def filtered_page(request: HttpRequest, records, *, statuses, default: str, order: tuple[str, ...]):
    """A staff list filtered by ?status= and ?village=, a page of it, and what its template needs."""
    status, village = request.GET.get("status", default), request.GET.get("village", "")
    if status in statuses.values:
        records = records.filter(status=status)
    if village:
        records = records.filter(village_id=village)
    page = Paginator(records.order_by(*order), 20).get_page(request.GET.get("page"))
    context = {
        "page": page, "status": status, "village": village, "statuses": statuses.choices,
        "villages": village_choices(aid_read_scope(request.user)),
        "query": urlencode({"status": status, "village": village}) + "&",
    }  # fmt: skip
    return list(page.object_list), context


@login_required
@require_POST
def resolve(request: HttpRequest, pk: int) -> HttpResponse:
    """Settle a conflict with one of its buttons; a refused choice comes back on the conflict's page, in words,
    with the reason as typed (422, or 409 when someone else resolved it first)."""
    require_aid(request)
    conflict = _conflict_or_404(request, pk)
    form = ResolveForm(request.POST)
    try:
        if not form.is_valid():
            raise services.AidError(
                [(field, message) for field, errors in form.errors.items() for message in errors], status=422
            )
        done = services.resolve_conflict(
            user=request.user, conflict=conflict, resolution=form.cleaned_data["resolution"],
            reason=form.cleaned_data["reason"], row=form.cleaned_data["row"],
        )  # fmt: skip
    except services.AidForbidden as exc:
        raise PermissionDenied(str(exc)) from exc
    except services.AidError as exc:
        conflict = _present(request, _conflict_or_404(request, pk))
        context = {"c": conflict, "errors": [message for _field, message in exc.errors],
                   "reason": request.POST.get("reason", "")[:1000]}  # fmt: skip
        return render(request, "aid/conflict.html", context, status=exc.status)
    done = _conflict_or_404(request, pk)
    messages.success(request, _("The conflict is resolved: %(decision)s.") % {
        "decision": resolutions.decision_words(done)})  # fmt: skip
    return redirect(selectors.conflicts_url(done.village_id))


# ---------------------------------------------------------------- citizens


@require_http_methods(["GET", "POST"])
def citizen_check(request: HttpRequest) -> HttpResponse:
    """A citizen checks which programs list them or their household (NIK + KK number, masked answer)."""
    values, result, error, status = {}, None, "", 200
    if request.method == "POST":
        values = {"nik": request.POST.get("nik", "")[:40], "kk_number": request.POST.get("kk_number", "")[:40]}
        response = HttpResponse()
        try:
            result = check(request, response, **values)
        except CheckRefused as refused:
            error, status = refused.detail, refused.status
    answer = render(request, "aid/check.html", {"values": values, "result": result, "error": error}, status=status)
    if status == 429:
        answer["Retry-After"] = response["Retry-After"]
    return answer


@require_GET
def village_list(request: HttpRequest, code: str) -> HttpResponse:
    """The public list of a village's recipients now: program and masked name, nothing else."""
    village = served_village(code)
    if village is None:
        raise Http404
    page = Paginator(selectors.public_village_recipients(code), 100).get_page(request.GET.get("page"))
    rows = [(r.program, mask_name(r.resident.name)) for r in page.object_list]
    return render(request, "aid/village_list.html", {"village": village, "page": page, "rows": rows, "query": ""})
