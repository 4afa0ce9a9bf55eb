"""Pages of the register of affected residents and their priority ranking (with its reasons, per village, as a
file too), and of the ranking's weights."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from smartkampung.accounts.selectors import aid_read_scope
from smartkampung.aid import exports, selectors, services
from smartkampung.aid.forms import AffectedForm, AffectedImportForm, EndAffectedForm, weights_form
from smartkampung.aid.models import Sector
from smartkampung.aid.priority import FACTORS, rank, weights
from smartkampung.aid.views import file_response, require_aid
from smartkampung.audit import services as audit
from smartkampung.population.forms import village_choices


def _ranked(request: HttpRequest):
    village, sector = request.GET.get("village", ""), request.GET.get("sector", "")
    people = selectors.affected_visible_to(request.user).filter(active=True)
    if village:
        people = people.filter(village_id=village)
    if sector in Sector.values:
        people = people.filter(sector=sector)
    return village, sector, rank(list(people))


@login_required
@require_GET
def affected_list(request: HttpRequest) -> HttpResponse:
    require_aid(request)
    village, sector, ranked = _ranked(request)
    page = Paginator(ranked, 50).get_page(request.GET.get("page"))
    if page.object_list:
        audit.record(action="view", object_type="aid_affected", object_ids=[str(r.person.pk) for r in page.object_list])
    return render(
        request,
        "aid/affected.html",
        {"page": page, "village": village, "sector": sector, "sectors": Sector.choices,
         "villages": village_choices(aid_read_scope(request.user)),
         "query": urlencode({"village": village, "sector": sector}) + "&",
         "may_record": selectors.may_record_affected(request.user), "may_import": selectors.may_import(request.user)},
    )  # fmt: skip


@login_required
@require_GET
def affected_export(request: HttpRequest, fmt: str) -> HttpResponse:
    require_aid(request)
    if fmt not in ("csv", "xlsx"):
        raise Http404
    village, _sector, ranked = _ranked(request)
    audit.record(action="export", object_type="aid_affected", subject=village[:20] or "all",
                 detail={"format": fmt, "rows": len(ranked)})  # fmt: skip
    name = f"priority-{village}" if village.isdigit() and len(village) == 10 else "priority"
    return file_response(exports.ranking_rows(ranked), name, fmt, sheet="priority")


@login_required
@require_http_methods(["GET", "POST"])
def affected_new(request: HttpRequest) -> HttpResponse:
    if not selectors.may_record_affected(request.user):
        raise PermissionDenied(_("The village operator or the social affairs agency records affected residents."))
    form = AffectedForm(request.POST or None, initial={"nik": request.GET.get("nik", "")[:16]})
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            entry = services.record_affected(user=request.user, nik=data.pop("nik"), values=data)
        except services.AidForbidden as exc:
            form.add_error("nik", str(exc))
        except services.AidError as exc:
            for field, message in exc.errors:
                form.add_error(field if field in form.fields else None, message)
        else:
            messages.success(
                request, _("%(name)s is on the register of affected residents.") % {"name": entry.resident.name}
            )
            return redirect("aid:affected")
    return render(request, "aid/affected_form.html", {"form": form}, status=422 if form.errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
def affected_import(request: HttpRequest) -> HttpResponse:
    if not selectors.may_import(request.user):
        raise PermissionDenied(_("Only the social affairs agency imports lists."))
    form = AffectedImportForm(request.POST or None, request.FILES or None)
    result = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        defaults = {k: form.cleaned_data[k] for k in ("sector", "impact", "since") if form.cleaned_data.get(k)}
        try:
            result = services.import_affected_upload(user=request.user, upload=upload, defaults=defaults)
        except services.AidError as exc:
            for field, message in exc.errors:
                form.add_error(field if field in form.fields else None, message)
    return render(request, "aid/affected_import.html", {"form": form, "result": result},
                  status=422 if form.errors else 200)  # fmt: skip


@login_required
@require_POST
def affected_end(request: HttpRequest, pk: int) -> HttpResponse:
    require_aid(request)
    entry = selectors.affected_visible_to(request.user).filter(pk=pk).first()
    if entry is None:
        raise Http404
    form = EndAffectedForm(request.POST)
    try:
        if not form.is_valid():
            raise services.AidError([("reason", _("Give the reason (at least a few words)."))])
        services.end_affected(user=request.user, entry=entry, reason=form.cleaned_data["reason"])
    except services.AidForbidden as exc:
        raise PermissionDenied(str(exc)) from exc
    except services.AidError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("%(name)s is off the ranking.") % {"name": entry.resident.name})
    return redirect("aid:affected")


@login_required
@require_http_methods(["GET", "POST"])
def priorities(request: HttpRequest) -> HttpResponse:
    """The factors of the ranking and their weights: every aid reader sees them, the agency sets them."""
    require_aid(request)
    current = weights()
    may_set = selectors.may_import(request.user)
    form = weights_form(current)(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        if not may_set:
            raise PermissionDenied(_("Only the social affairs agency sets the priority weights."))
        if form.is_valid():
            try:
                services.set_priority_weights(user=request.user, chosen=form.cleaned_data)
            except services.AidError as exc:
                messages.error(request, str(exc))
            else:
                messages.success(request, _("The weights are saved; the ranking uses them now."))
                return redirect("aid:priorities")
    rows = [(f, current[f.code]) for f in FACTORS]
    return render(request, "aid/priorities.html", {"form": form, "rows": rows, "may_set": may_set},
                  status=422 if form.errors else 200)  # fmt: skip
