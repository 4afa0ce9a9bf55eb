"""Pages of certification: the agency's checklists and inspections (the inspector's phone form, the decision),
a certificate's PDF for those who read its place, and the public verification of a certificate by its code (the
QR code) or by its file. Thin: parse, call the service, render."""

from __future__ import annotations

import datetime as dt
import hashlib

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from smartkampung.accounts.selectors import tourism_agency
from smartkampung.core.errors import Refused
from smartkampung.core.http import is_htmx
from smartkampung.core.ratelimit import Limit, allow
from smartkampung.tourism import photos
from smartkampung.tourism.forms_certification import (
    ChecklistItemForm,
    DecisionForm,
    FindingForm,
    NewChecklistItemForm,
    ScheduleForm,
    VerifyUploadForm,
    add_refusal,
)
from smartkampung.tourism.models import Certificate, ChecklistItem, Dimension, Inspection, Place, PlaceKind
from smartkampung.tourism.selectors import managed_places, may_edit_checklists, readable_places
from smartkampung.tourism.services import certification as service

VERIFY_LIMITS = (Limit(30, 60), Limit(600, 86400))
VERIFY_MAX_BYTES = 5 * 1024 * 1024
LIST_MOST = 200


def _agency(request: HttpRequest) -> None:
    if tourism_agency(request.user).nothing:
        raise PermissionDenied(_("Only the tourism agency works on inspections and checklists."))


def item_text(item: ChecklistItem) -> str:
    """The requirement in the reader's language (Indonesian unless English is asked and written)."""
    if (get_language() or "id").startswith("en") and item.text_en:
        return item.text_en
    return item.text


# ---------------------------------------------------------------- checklists


@login_required
@require_GET
def checklists(request: HttpRequest) -> HttpResponse:
    _agency(request)
    kind = request.GET.get("kind") if request.GET.get("kind") in PlaceKind.values else PlaceKind.DESTINATION
    return _checklists_page(request, kind)


def _checklists_page(request, kind, *, new_form=None, edit_forms=None, status=200) -> HttpResponse:
    items = ChecklistItem.objects.filter(kind=kind).order_by("order", "pk")
    edit_forms = edit_forms or {}
    groups = []
    for value, label in Dimension.choices:
        rows = [
            (
                item,
                edit_forms.get(item.pk)
                or ChecklistItemForm(
                    initial={
                        "text": item.text,
                        "text_en": item.text_en,
                        "weight": item.weight,
                        "mandatory": item.mandatory,
                        "active": item.active,
                    },
                    prefix=f"item{item.pk}",
                ),
            )
            for item in items
            if item.dimension == value
        ]
        groups.append((label, rows))
    context = {
        "kind": kind,
        "kinds": PlaceKind.choices,
        "groups": groups,
        "may_edit": may_edit_checklists(request.user),
        "new_form": new_form or NewChecklistItemForm(initial={"kind": kind}),
    }
    return render(request, "tourism/certification/checklists.html", context, status=status)


@login_required
@require_POST
def checklist_add(request: HttpRequest) -> HttpResponse:
    _agency(request)
    form = NewChecklistItemForm(request.POST)
    kind = request.POST.get("kind") if request.POST.get("kind") in PlaceKind.values else PlaceKind.DESTINATION
    if form.is_valid():
        try:
            service.add_checklist_item(**form.cleaned_data, by=request.user)
        except Refused as refusal:
            add_refusal(form, refusal)
        else:
            return redirect(f"{reverse('tourism:checklists')}?kind={kind}")
    return _checklists_page(request, kind, new_form=form, status=422)


@login_required
@require_POST
def checklist_item(request: HttpRequest, item_id: int) -> HttpResponse:
    _agency(request)
    item = get_object_or_404(ChecklistItem, pk=item_id)
    form = ChecklistItemForm(request.POST, prefix=f"item{item.pk}")
    if form.is_valid():
        try:
            service.change_checklist_item(item=item, **form.cleaned_data, by=request.user)
        except Refused as refusal:
            add_refusal(form, refusal)
        else:
            return redirect(f"{reverse('tourism:checklists')}?kind={item.kind}#item-{item.pk}")
    return _checklists_page(request, item.kind, edit_forms={item.pk: form}, status=422)


# ---------------------------------------------------------------- inspections


def week_end(today: dt.date) -> dt.date:
    """The last day of "this week": the coming seven days, so on a Friday next Monday's visit is due this week."""
    return today + dt.timedelta(days=6)


@login_required
@require_GET
def inspections(request: HttpRequest) -> HttpResponse:
    _agency(request)
    return _inspections_page(request)


def _inspections_page(request, *, schedule_form=None, status=200) -> HttpResponse:
    today = timezone.localdate()
    last_day = week_end(today)
    mine = managed_places(request.user)  # the agency's: its regency's places
    scheduled = Inspection.objects.filter(status=Inspection.Status.SCHEDULED, place__in=mine).select_related(
        "place__village", "inspector"
    )
    open_inspection = Inspection.objects.filter(place=OuterRef("pk"), status=Inspection.Status.SCHEDULED)
    unscheduled = (
        mine.filter(status=Place.Status.APPLIED)
        .exclude(Exists(open_inspection))
        .select_related("village")
        .order_by("created_at", "pk")
    )
    context = {
        "today": today,
        "this_week": list(scheduled.filter(due_on__lte=last_day).order_by("due_on", "pk")[:LIST_MOST]),
        "later": list(scheduled.filter(due_on__gt=last_day).order_by("due_on", "pk")[:LIST_MOST]),
        "unscheduled": list(unscheduled[:LIST_MOST]),
        "schedule_form": schedule_form,
        "purposes": Inspection.Purpose.choices,
        "default_due": today + dt.timedelta(days=7),
        "most": LIST_MOST,
    }
    return render(request, "tourism/certification/inspections.html", context, status=status)


@login_required
@require_POST
def inspection_schedule(request: HttpRequest) -> HttpResponse:
    _agency(request)
    form = ScheduleForm(request.POST)
    if form.is_valid():
        place = managed_places(request.user).filter(pk=form.cleaned_data["place"]).first()
        if place is None:
            raise Http404
        try:
            inspection = service.schedule_inspection(
                place=place,
                purpose=form.cleaned_data["purpose"],
                due_on=form.cleaned_data["due_on"],
                inspector=request.user if form.cleaned_data["mine"] else None,
                by=request.user,
            )
        except Refused as refusal:
            add_refusal(form, refusal)
        else:
            return redirect("tourism:inspection", inspection_id=inspection.pk)
    return _inspections_page(request, schedule_form=form, status=422)


def _finding_rows(inspection: Inspection, *, errors: dict | None = None) -> list:
    """[(dimension label, [row]), …]: every item asked for (the active checklist while open, the recorded
    findings once closed) with its finding."""
    findings = {f.item_id: f for f in inspection.findings.select_related("item").defer("photo")}
    if inspection.status == Inspection.Status.SCHEDULED:
        items = list(service.checklist_of(inspection))
    else:
        items = [f.item for f in findings.values()]
    groups = []
    for value, label in Dimension.choices:
        rows = [
            {
                "item": item,
                "text": item_text(item),
                "finding": findings.get(item.pk),
                "errors": (errors or {}).get(item.pk, []),
            }
            for item in items
            if item.dimension == value
        ]
        if rows:
            groups.append((label, rows))
    return groups


def _inspection_page(request, inspection, *, decision_form=None, errors=None, status=200) -> HttpResponse:
    certificate = Certificate.objects.filter(inspection=inspection).defer("pdf").first()
    context = {
        "inspection": inspection,
        "place": inspection.place,
        "groups": _finding_rows(inspection, errors=errors),
        "score": service.score_of(inspection),
        "missing": service.missing_items(inspection) if inspection.status == Inspection.Status.SCHEDULED else [],
        "failed": service.failed_mandatory(inspection),
        "decision_form": decision_form or DecisionForm(),
        "certificate": certificate,
        "results": FindingForm.base_fields["result"].choices,
    }
    return render(request, "tourism/certification/inspection.html", context, status=status)


def _inspection(request: HttpRequest, inspection_id: int) -> Inspection:
    """An inspection of a place the user manages (the agency: of its regency), else 404."""
    inspections = Inspection.objects.filter(place__in=managed_places(request.user))
    return get_object_or_404(inspections.select_related("place__village__district"), pk=inspection_id)


@login_required
@require_GET
def inspection(request: HttpRequest, inspection_id: int) -> HttpResponse:
    _agency(request)
    return _inspection_page(request, _inspection(request, inspection_id))


@login_required
@require_POST
def finding(request: HttpRequest, inspection_id: int, item_id: int) -> HttpResponse:
    """One finding, saved on its own (the phone form posts each item as it is entered)."""
    _agency(request)
    found = _inspection(request, inspection_id)
    item = get_object_or_404(ChecklistItem, pk=item_id)
    form = FindingForm(request.POST, request.FILES)
    errors: list[str] = []
    if form.is_valid():
        upload = form.cleaned_data.get("photo")
        if upload is not None and upload.size > photos.max_bytes():
            errors.append(photos.too_large())
        else:
            try:
                service.record_finding(
                    inspection=found,
                    item=item,
                    result=form.cleaned_data["result"],
                    note=form.cleaned_data["note"],
                    photo=upload.read() if upload is not None else None,
                    by=request.user,
                )
            except Refused as refusal:
                errors = [message for _field, message in refusal.errors]
    else:
        errors = [message for messages in form.errors.values() for message in messages]
    if is_htmx(request):
        rows = [row for _label, group in _finding_rows(found, errors={item.pk: errors}) for row in group]
        row = next((r for r in rows if r["item"].pk == item.pk), None)
        if row is None:
            raise Http404
        context = {"inspection": found, "row": row, "results": FindingForm.base_fields["result"].choices}
        return render(request, "tourism/certification/_finding.html", context, status=422 if errors else 200)
    if errors:
        return _inspection_page(request, found, errors={item.pk: errors}, status=422)
    return redirect(f"{reverse('tourism:inspection', kwargs={'inspection_id': found.pk})}#item-{item.pk}")


@login_required
@require_POST
def inspection_decide(request: HttpRequest, inspection_id: int) -> HttpResponse:
    _agency(request)
    found = _inspection(request, inspection_id)
    form = DecisionForm(request.POST)
    if form.is_valid():
        try:
            service.decide_inspection(inspection=found, **form.cleaned_data, by=request.user)
        except Refused as refusal:
            add_refusal(form, refusal)
        else:
            return redirect("tourism:inspection", inspection_id=found.pk)
    return _inspection_page(request, found, decision_form=form, status=422)


# ---------------------------------------------------------------- certificates


@login_required
@require_GET
def certificate_pdf(request: HttpRequest, certificate_id: int) -> HttpResponse:
    """The signed file, for those who read the place's records (404 for others: its existence is not told)."""
    certificate = get_object_or_404(
        Certificate.objects.filter(place__in=readable_places(request.user), pdf__isnull=False), pk=certificate_id
    )
    response = HttpResponse(bytes(certificate.pdf), content_type="application/pdf")
    name = certificate.number.replace("/", "-")
    response["Content-Disposition"] = f'attachment; filename="sertifikat-{name}.pdf"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _limited(request: HttpRequest) -> HttpResponse | None:
    counted = HttpResponse()
    if allow(request, counted, scope="tourism-verify", limits=VERIFY_LIMITS):
        return None
    response = render(request, "tourism/certification/verify_limited.html", status=429)
    response["Retry-After"] = counted["Retry-After"]
    return response


@require_GET
def verify(request: HttpRequest, code: str) -> HttpResponse:
    """The page a certificate's QR code opens: valid, expired, suspended or revoked, in big words."""
    if limited := _limited(request):
        return limited
    certificate = service.certificate_by_code(code)
    if certificate is None:
        return render(request, "tourism/certification/verify_unknown.html", {"code": code[:40]}, status=404)
    context = {"facts": service.certificate_facts(certificate), "upload_form": VerifyUploadForm()}
    return render(request, "tourism/certification/verify.html", context)


@require_http_methods(["GET", "POST"])
def verify_upload(request: HttpRequest) -> HttpResponse:
    """A certificate file checked as the exact file this service issued (its SHA-256)."""
    if request.method == "GET":
        return render(request, "tourism/certification/verify_upload.html", {"upload_form": VerifyUploadForm()})
    if limited := _limited(request):
        return limited
    form = VerifyUploadForm(request.POST, request.FILES)
    if form.is_valid():
        upload = form.cleaned_data["file"]
        if upload.size > VERIFY_MAX_BYTES:
            form.add_error("file", _("The file is larger than 5 MB: it is not a certificate of this service."))
        else:
            digest = hashlib.sha256(upload.read()).hexdigest()
            certificate = (
                Certificate.objects.select_related("place__village__district")
                .defer("pdf")
                .filter(sha256=digest)
                .first()
            )
            if certificate is not None:
                context = {
                    "facts": service.certificate_facts(certificate),
                    "upload_form": VerifyUploadForm(),
                    "by_file": True,
                }
                return render(request, "tourism/certification/verify.html", context)
            form.add_error(
                "file",
                _("This file is not a certificate issued by this service, or it was changed after it was signed."),
            )
    return render(request, "tourism/certification/verify_upload.html", {"upload_form": form}, status=422)
