"""Web pages of the population registry. Personal data is read only through `selectors` and written
only through `services`, as the API does."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from smartkampung.accounts.selectors import read_scope
from smartkampung.audit import selectors as audit_selectors
from smartkampung.audit import services as audit
from smartkampung.core.http import is_htmx
from smartkampung.core.paging import Pager, page_number
from smartkampung.population import selectors, services
from smartkampung.population.forms import (
    HouseholdForm,
    ImportForm,
    ResidentForm,
    ResidentSearchForm,
    add_registry_errors,
)
from smartkampung.population.importer import ImportFileError
from smartkampung.population.models import ImportJob, ImportRowIssue
from smartkampung.population.siak import COLUMNS, REQUIRED_COLUMNS
from smartkampung.population.validation import name_label
from smartkampung.regions.models import Village

PAGE_SIZE = 25
ISSUES_PAGE_SIZE = 50
JOBS_PAGE_SIZE = 25

# Import columns that are not a field of a model, by their meaning.
_COLUMN_LABELS = {
    "village_code": gettext_lazy("village code (10 digits)"),
    "province_no": gettext_lazy("province number"),
    "regency_no": gettext_lazy("regency number"),
    "district_no": gettext_lazy("kecamatan number"),
    "village_no": gettext_lazy("village number"),
}


def _page_number(request: HttpRequest) -> int:
    return page_number(request.GET.get("page"))


# ---------------------------------------------------------------- residents


@login_required
@require_GET
def resident_list(request: HttpRequest) -> HttpResponse:
    form = ResidentSearchForm(request.GET or None, scope=read_scope(request.user))
    filters = form.filters()
    number = page_number(filters["page"], per_page=PAGE_SIZE)
    page = selectors.find_residents(
        user=request.user,
        query=str(filters["q"]),
        village_code=str(filters["village"]),
        district_code=str(filters["district"]),
        status=str(filters["status"]),
        offset=(number - 1) * PAGE_SIZE,
        limit=PAGE_SIZE,
    )
    pager = Pager(
        page=number,
        per_page=PAGE_SIZE,
        count=page.count,
        capped=page.capped,
        params={k: str(v) for k, v in filters.items()},
    )
    residents = page.items
    if residents:
        audit.record(
            action="search",
            object_type="resident",
            object_ids=[r.nik for r in residents],
            detail={k: v for k, v in filters.items() if v and k != "page"} | {"count": page.count},
        )
    filtered = any(filters[k] for k in ("q", "district", "village", "status"))
    context = {"form": form, "residents": residents, "pager": pager, "filtered": filtered}
    template = "population/_resident_results.html" if is_htmx(request) else "population/resident_list.html"
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


def _require_register(request: HttpRequest) -> None:
    if not selectors.may_register(request.user):
        raise PermissionDenied(_("You may not change the register."))


def _require_change(request: HttpRequest, village_code: str) -> None:
    if not selectors.may_change(request.user, village_code):
        raise PermissionDenied(_("You may not change the register of this village."))


def _resident_or_404(request: HttpRequest, nik: str):
    resident = selectors.resident_by_nik(user=request.user, nik=nik)
    if resident is None:
        raise Http404(_("No resident with this NIK is registered."))
    return resident


@login_required
@require_GET
def resident_detail(request: HttpRequest, nik: str) -> HttpResponse:
    resident = selectors.open_resident(user=request.user, nik=nik)
    if resident is None:
        raise Http404(_("No resident with this NIK is registered."))
    may_change = selectors.may_change(request.user, resident.village_id)
    history = audit_selectors.history_of(user=request.user, object_type="resident", key=resident.nik, visible=True)
    return render(
        request,
        "population/resident_detail.html",
        {"resident": resident, "may_change": may_change, "history": history},
    )


@login_required
@require_http_methods(["GET", "POST"])
def resident_create(request: HttpRequest) -> HttpResponse:
    _require_register(request)
    initial = {}
    kk = request.GET.get("kk", "")
    if kk.isdigit() and len(kk) <= 16:
        initial["kk_number"] = kk
    form = ResidentForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            resident = services.create_resident(user=request.user, values=form.values())
        except services.RegistryError as exc:
            add_registry_errors(form, exc.errors)
        else:
            messages.success(request, _("%(name)s is registered.") % {"name": resident.name})
            return redirect("population:resident_detail", nik=resident.nik)
    return render(request, "population/resident_form.html", {"form": form, "resident": None})


@login_required
@require_http_methods(["GET", "POST"])
def resident_edit(request: HttpRequest, nik: str) -> HttpResponse:
    resident = _resident_or_404(request, nik)
    _require_change(request, resident.village_id)
    form = ResidentForm(request.POST or None, with_nik=False, initial=ResidentForm.initial_for(resident))
    if request.method == "POST" and form.is_valid():
        try:
            resident = services.update_resident(user=request.user, resident=resident, values=form.values())
        except services.RegistryError as exc:
            add_registry_errors(form, exc.errors)
        else:
            messages.success(request, _("The changes are saved."))
            return redirect("population:resident_detail", nik=resident.nik)
    return render(request, "population/resident_form.html", {"form": form, "resident": resident})


# ---------------------------------------------------------------- households


def _household_or_404(request: HttpRequest, kk: str):
    household = selectors.household_by_kk(user=request.user, kk_number=kk)
    if household is None:
        raise Http404(_("No household with this KK number is registered."))
    return household


@login_required
@require_GET
def household_detail(request: HttpRequest, kk: str) -> HttpResponse:
    household, members = selectors.open_household(user=request.user, kk_number=kk, with_members=True)
    if household is None:
        raise Http404(_("No household with this KK number is registered."))
    may_change = selectors.may_change(request.user, household.village_id)
    return render(
        request,
        "population/household_detail.html",
        {"household": household, "members": members, "may_change": may_change},
    )


@login_required
@require_http_methods(["GET", "POST"])
def household_create(request: HttpRequest) -> HttpResponse:
    _require_register(request)
    form = HouseholdForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            household = services.create_household(user=request.user, values=form.values())
        except services.RegistryError as exc:
            add_registry_errors(form, exc.errors)
        else:
            messages.success(request, _("The household is registered. Now add its members."))
            return redirect("population:household_detail", kk=household.kk_number)
    return render(request, "population/household_form.html", {"form": form, "household": None})


@login_required
@require_http_methods(["GET", "POST"])
def household_edit(request: HttpRequest, kk: str) -> HttpResponse:
    household = _household_or_404(request, kk)
    _require_change(request, household.village_id)
    form = HouseholdForm(request.POST or None, with_kk=False, initial=HouseholdForm.initial_for(household))
    if request.method == "POST" and form.is_valid():
        try:
            household = services.update_household(user=request.user, household=household, values=form.values())
        except services.RegistryError as exc:
            add_registry_errors(form, exc.errors)
        else:
            messages.success(request, _("The changes are saved."))
            return redirect("population:household_detail", kk=household.kk_number)
    return render(request, "population/household_form.html", {"form": form, "household": household})


# ---------------------------------------------------------------- imports


@login_required
@require_GET
def import_list(request: HttpRequest) -> HttpResponse:
    qs = selectors.import_jobs_visible_to(request.user).select_related("created_by", "default_village")
    count, capped = selectors.capped_count(qs)
    pager = Pager(page=_page_number(request), per_page=JOBS_PAGE_SIZE, count=count, capped=capped, params={})
    jobs = list(qs[pager.offset : pager.offset + JOBS_PAGE_SIZE])
    return render(
        request,
        "population/import_list.html",
        {
            "jobs": jobs,
            "pager": pager,
            "may_import": selectors.may_import(request.user),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def import_create(request: HttpRequest) -> HttpResponse:
    if not selectors.may_import(request.user):
        raise PermissionDenied(_("You may not import registry files."))
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        code = form.cleaned_data.get("village")
        village = Village.objects.filter(code=code).first() if code else None
        try:
            job = services.start_import_upload(user=request.user, upload=upload, default_village=village)
        except ImportFileError as exc:
            form.add_error("file", str(exc))
        else:
            messages.success(request, _("The file is uploaded; the import runs in the background."))
            return redirect("population:import_detail", pk=job.pk)
    columns = [
        {
            "field": field,
            "label": _COLUMN_LABELS.get(field) or name_label(field),
            "names": names,
            "required": field in REQUIRED_COLUMNS,
        }
        for field, names in COLUMNS.items()
    ]
    return render(request, "population/import_form.html", {"form": form, "columns": columns})


def _job_or_404(request: HttpRequest, pk: int) -> ImportJob:
    jobs = selectors.import_jobs_visible_to(request.user).select_related("created_by", "default_village")
    job = jobs.filter(pk=pk).first()
    if job is None:
        raise Http404(_("No such import."))
    return job


@login_required
@require_GET
def import_detail(request: HttpRequest, pk: int) -> HttpResponse:
    job = _job_or_404(request, pk)
    kind = request.GET.get("kind", "")
    if kind not in ImportRowIssue.Kind.values:
        kind = ""
    issues = job.row_issues.all()
    if kind:
        issues = issues.filter(kind=kind)
    count, capped = selectors.capped_count(issues)
    pager = Pager(
        page=_page_number(request), per_page=ISSUES_PAGE_SIZE, count=count, capped=capped, params={"kind": kind}
    )
    rows = list(issues[pager.offset : pager.offset + ISSUES_PAGE_SIZE]) if job.is_finished else []
    if rows:
        audit.record(action="view", object_type="import", subject=str(job.pk), object_ids=[r.nik for r in rows])
    return render(
        request,
        "population/import_detail.html",
        {
            "job": job,
            "issues": rows,
            "pager": pager,
            "kind": kind,
            "kinds": ImportRowIssue.Kind.choices,
            "stored_problems": job.row_issues.count() if job.is_finished else 0,
        },
    )


@login_required
@require_GET
def import_progress(request: HttpRequest, pk: int) -> HttpResponse:
    """The progress part of an import's page, which htmx polls every 2 s while the job runs."""
    job = _job_or_404(request, pk)
    response = render(request, "population/_import_progress.html", {"job": job})
    if job.is_finished and is_htmx(request):
        # The row report is on the whole page: show it now that the job is done.
        response["HX-Refresh"] = "true"
    return response
