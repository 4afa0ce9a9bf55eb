"""The data subject's request page: NIK and the request's reference in, what is held per section out (audited as a
view), and the downloads (JSON, PDF; audited as exports). POST throughout, so the NIK stays out of addresses and
the proxy's logs."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from smartkampung.accounts.selectors import may_export_subject_data
from smartkampung.core.errors import Refused
from smartkampung.privacy.downloads import file_of
from smartkampung.privacy.forms import SubjectRequestForm
from smartkampung.privacy.services import export_subject_data

# What the download button may ask for: each is audited as an export.
DOWNLOADS = ("json", "pdf")


def _require_exporter(request: HttpRequest) -> None:
    if not may_export_subject_data(request.user):
        raise PermissionDenied(_("Only the regency administrator answers a data subject's request."))


@login_required
@require_http_methods(["GET", "POST"])
def subject(request: HttpRequest) -> HttpResponse:
    _require_exporter(request)
    form = SubjectRequestForm(request.POST or None)
    found, status = None, 200
    if form.is_bound and form.is_valid():
        try:
            found = export_subject_data(user=request.user, format="page", **form.cleaned_data)
        except Refused as refusal:
            form.add_refusal(refusal)
            status = refusal.status
    elif form.is_bound:
        status = 422
    return render(request, "privacy/subject.html", {"form": form, "found": found}, status=status)


@login_required
@require_POST
def subject_download(request: HttpRequest) -> HttpResponse:
    _require_exporter(request)
    form = SubjectRequestForm(request.POST)
    chosen = request.POST.get("format", "")
    if chosen not in DOWNLOADS:
        # Not "page": that is audited as a look at the counts, and the file holds everything.
        form.is_valid()
        form.add_error(None, _("Choose JSON or PDF."))
    elif form.is_valid():
        try:
            found = export_subject_data(user=request.user, format=chosen, **form.cleaned_data)
        except Refused as refusal:
            form.add_refusal(refusal)
        else:
            return file_of(found, chosen)
    return render(request, "privacy/subject.html", {"form": form, "found": None}, status=422)
