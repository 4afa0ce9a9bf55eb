from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from smartkampung.audit import selectors
from smartkampung.audit import services as audit
from smartkampung.audit.models import Action
from smartkampung.core import spreadsheets
from smartkampung.core.forms import TextChecked
from smartkampung.core.paging import page_number, page_window

PAGE_SIZE = 50
EXPORT_LIMIT = 100_000


class AuditSearchForm(TextChecked, forms.Form):
    actor = forms.CharField(label=_("username"), required=False, max_length=150)
    action = forms.ChoiceField(label=_("action"), required=False, choices=[("", _("any"))] + Action.choices)
    record = forms.CharField(label=_("NIK, KK number or import"), required=False, max_length=40)
    since = forms.DateField(label=_("from"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    until = forms.DateField(label=_("to"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def filters(self) -> dict:
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        return {k: data.get(k) or ("" if k not in ("since", "until") else None) for k in self.fields}


def _searched(request: HttpRequest):
    if not selectors.may_read_audit(request.user):
        raise PermissionDenied(_("Only the regency administrator reads the audit log."))
    form = AuditSearchForm(request.GET or None)
    filters = form.filters()
    return form, filters, selectors.search_audit(user=request.user, **filters)


@login_required
@require_GET
def audit_list(request: HttpRequest) -> HttpResponse:
    form, filters, qs = _searched(request)
    page = page_number(request.GET.get("page"), per_page=PAGE_SIZE)
    # One more than a page: whether there is a next one.
    found = page_window(page, PAGE_SIZE)
    entries = list(qs[found.start : found.stop + 1])
    params = request.GET.copy()
    params.pop("page", None)
    return render(
        request,
        "audit/audit_list.html",
        {
            "form": form,
            "entries": entries[:PAGE_SIZE],
            "page": page,
            "has_next": len(entries) > PAGE_SIZE,
            "query": params.urlencode(),
        },
    )


@login_required
@require_GET
def audit_export(request: HttpRequest) -> StreamingHttpResponse:
    form, filters, qs = _searched(request)
    # The export is itself a reading of personal data: it goes in the log before the file leaves.
    audit.record(action="export", object_type="audit", detail={k: str(v) for k, v in filters.items() if v})
    header = [
        "time_wib",
        "username",
        "roles",
        "action",
        "record_type",
        "record",
        "records",
        "changes",
        "detail",
        "address",
        "path",
    ]

    def rows():
        yield header
        for entry in qs[:EXPORT_LIMIT].iterator(chunk_size=2000):
            yield [
                timezone.localtime(entry.at).isoformat(),
                entry.actor_username,
                entry.roles,
                entry.action,
                entry.object_type,
                entry.subject,
                " ".join(map(str, entry.object_ids)),
                entry.changes,
                entry.detail,
                entry.ip or "",
                entry.path,
            ]

    # Names, subjects and paths come from users: no cell may reach a spreadsheet as a formula.
    response = StreamingHttpResponse(spreadsheets.csv_lines(rows()), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="audit-{timezone.localdate():%Y%m%d}.csv"'
    return response
