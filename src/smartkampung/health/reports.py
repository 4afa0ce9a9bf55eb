"""The Puskesmas daily report: its figures computed from the records, submission (locked; a correction
is a new version), the CSV and DHIS2 dataValueSets formats, and the push to the ministry with retries."""

import base64
import csv
import datetime as dt
import functools
import io
import json
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from smartkampung.audit import services as audit
from smartkampung.core.errors import Refused
from smartkampung.health.models import (
    CaseOutcome,
    DailyReport,
    FollowUp,
    FollowUpStatus,
    MonitoringCase,
    Puskesmas,
    ReportPush,
)
from smartkampung.health.selectors import sees_all_reports

# (key, label): computed from the records, in the order the report shows them.
COMPUTED = [
    ("under_monitoring", gettext_lazy("people under monitoring at the end of the day")),
    ("new_cases", gettext_lazy("new cases")),
    ("symptomatic", gettext_lazy("with symptoms at the follow-up")),
    ("followed_up", gettext_lazy("seen")),
    ("not_reached", gettext_lazy("not reachable or refused")),
    ("missed", gettext_lazy("under monitoring but not followed up")),
    ("completed", gettext_lazy("completed isolation")),
    ("referred", gettext_lazy("referred to hospital")),
    ("positive", gettext_lazy("confirmed positive")),
    ("left_or_died", gettext_lazy("left the area or died")),
    ("beds", gettext_lazy("isolation beds watched")),
    ("beds_taken", gettext_lazy("isolation beds taken")),
]
# The few figures staff type in: what the records of this system do not hold.
ENTERED = [
    ("rapid_tests", gettext_lazy("rapid tests done")),
    ("swabs", gettext_lazy("PCR swabs taken")),
    ("positive_results", gettext_lazy("positive laboratory results received")),
]
LABELS = dict(COMPUTED + ENTERED)


class ReportError(Refused):
    """A report, or its sending, refused."""


def compute_figures(*, puskesmas: Puskesmas, day: dt.date) -> dict[str, int]:
    """The day's figures of one Puskesmas from its cases, follow-ups and houses (a few grouped queries)."""
    from smartkampung.health.cases import _is_symptomatic, _rule
    from smartkampung.isolation.models import IsolationHouse
    from smartkampung.isolation.selectors import taken_beds

    cases = MonitoringCase.objects.filter(puskesmas=puskesmas)
    open_at_end = cases.filter(start_date__lte=day).filter(Q(closed_on__isnull=True) | Q(closed_on__gt=day))
    closed = dict(cases.filter(closed_on=day).order_by().values_list("outcome").annotate(n=Count("id")))
    follow_ups = list(
        FollowUp.objects.filter(case__puskesmas=puskesmas, day=day).values("status", "temperature", "symptoms")
    )
    rule = _rule(day)
    houses = list(IsolationHouse.objects.filter(puskesmas=puskesmas, status=IsolationHouse.Status.OPEN))
    taken = taken_beds(house_ids=[h.pk for h in houses])
    under = open_at_end.count()
    return {
        "under_monitoring": under,
        "new_cases": cases.filter(start_date=day).count(),
        "symptomatic": sum(1 for f in follow_ups if _is_symptomatic(rule, f)),
        "followed_up": sum(1 for f in follow_ups if f["status"] in (FollowUpStatus.WELL, FollowUpStatus.UNWELL)),
        "not_reached": sum(
            1 for f in follow_ups if f["status"] in (FollowUpStatus.UNREACHABLE, FollowUpStatus.REFUSED)
        ),
        "missed": open_at_end.exclude(follow_ups__day=day).count(),
        "completed": closed.get(CaseOutcome.COMPLETED, 0),
        "referred": closed.get(CaseOutcome.REFERRED, 0),
        "positive": closed.get(CaseOutcome.POSITIVE, 0),
        "left_or_died": closed.get(CaseOutcome.LEFT, 0) + closed.get(CaseOutcome.DIED, 0),
        "beds": sum(h.beds_male + h.beds_female + h.beds_any for h in houses),
        "beds_taken": sum(taken.values()),
    }


def _entered(values: dict[str, Any]) -> tuple[dict[str, int], list[tuple[str, str]]]:
    entered, errors = {}, []
    for key, label in ENTERED:
        raw = str(values.get(key) or "").strip()
        if not raw:
            entered[key] = 0
        elif raw.isdigit() and int(raw) <= 100_000:
            entered[key] = int(raw)
        else:
            errors.append((key, _("%(label)s: enter a whole number from 0.") % {"label": str(label).capitalize()}))
    return entered, errors


def may_report(user, puskesmas: Puskesmas) -> bool:
    """The Puskesmas's own staff submit its report (the administrator may, to help)."""
    from smartkampung.accounts.selectors import puskesmas_of, read_scope

    return puskesmas.pk in puskesmas_of(user) or read_scope(user).everything


def submit_report(*, user, puskesmas: Puskesmas, day: dt.date, values: dict[str, Any]) -> DailyReport:
    """Submit a day's report: the figures as computed now plus those typed in, locked from then on.
    Submitting again for the same day is a correction: a new version with its reason; the old stays."""
    if not may_report(user, puskesmas):
        raise PermissionDenied(_("Only the Puskesmas's own staff submit its report."))
    today = timezone.localdate()
    if day > today:
        raise ReportError([("day", _("A report cannot be made for a day that has not come."))])
    entered, errors = _entered(values)
    reason = " ".join(str(values.get("correction_reason") or "").split())[:300]
    note = " ".join(str(values.get("note") or "").split())[:500]
    if errors:
        raise ReportError(errors)
    with transaction.atomic():
        # The Puskesmas row serialises two submissions of the same report (two nurses, a double click).
        Puskesmas.objects.select_for_update().filter(pk=puskesmas.pk).first()
        current = DailyReport.objects.filter(puskesmas=puskesmas, day=day, is_current=True).first()
        if current is not None and not reason:
            raise ReportError(
                [("correction_reason", _("This day's report was already submitted: say why you correct it."))], 409
            )
        figures = compute_figures(puskesmas=puskesmas, day=day)
        if current is not None:
            current.is_current = False
            current.save(update_fields=["is_current"])
        try:
            report = DailyReport.objects.create(
                puskesmas=puskesmas,
                day=day,
                version=current.version + 1 if current else 1,
                figures=figures,
                entered=entered,
                note=note,
                correction_reason=reason if current else "",
                submitted_by=user,
                submitted_at=timezone.now(),
            )
        except IntegrityError as exc:  # pragma: no cover - the row lock above makes this unreachable
            raise ReportError([("day", _("The report was submitted a moment ago by someone else."))], 409) from exc
        audit.record(
            action="create" if current is None else "update",
            object_type="daily_report",
            subject=f"{puskesmas.pk}:{day.isoformat()}",
            changes=(
                {
                    k: [str((current.figures | current.entered).get(k)), str(v)]
                    for k, v in (figures | entered).items()
                    if (current.figures | current.entered).get(k) != v
                }
                if current
                else {}
            ),
            detail={"report": report.pk, "version": report.version, "reason": reason},
            user=user,
        )
        if settings.DHIS2_DATAVALUESETS_URL:
            ReportPush.objects.create(report=report, target=settings.DHIS2_DATAVALUESETS_URL[:300])
    return report


# ---------------------------------------------------------------- formats


@dataclass(frozen=True)
class Mapping:
    data_set: str
    category_option_combo: str
    data_elements: dict[str, str]
    org_units: dict[str, str]


@functools.cache
def _mapping_from(path: str) -> Mapping:
    raw = json.loads(Path(path).read_text(encoding="utf-8"))
    return Mapping(
        data_set=raw["dataSet"],
        category_option_combo=raw.get("categoryOptionCombo", ""),
        data_elements={k: v for k, v in raw.get("dataElements", {}).items() if v},
        org_units=raw.get("orgUnits", {}),
    )


def mapping() -> Mapping:
    """Our figures to the ministry's DHIS2 codes, from DHIS2_MAPPING_FILE (an example ships in the package)."""
    return _mapping_from(str(settings.DHIS2_MAPPING_FILE))


def data_value_set(report: DailyReport) -> dict[str, Any]:
    """The report as the DHIS2 Web API's dataValueSets JSON. Sending it twice replaces the same values."""
    codes = mapping()
    org_unit = codes.org_units.get(report.puskesmas.name)
    if not org_unit:
        raise ReportError(
            [("puskesmas", _("No DHIS2 org unit is configured for %(name)s.") % {"name": report.puskesmas.name})]
        )
    values = report.figures | report.entered
    data_values = []
    for key, element in codes.data_elements.items():
        if key not in values:
            continue
        value = {"dataElement": element, "value": str(values[key])}
        if codes.category_option_combo:
            value["categoryOptionCombo"] = codes.category_option_combo
        if key == "under_monitoring" and report.version > 1:
            value["comment"] = f"v{report.version}: {report.correction_reason}"[:360]
        data_values.append(value)
    return {
        "dataSet": codes.data_set,
        "period": report.day.strftime("%Y%m%d"),
        "orgUnit": org_unit,
        "completeDate": timezone.localtime(report.submitted_at).date().isoformat(),
        "dataValues": data_values,
    }


CSV_COLUMNS = ["day", "puskesmas", "version", "submitted_at", "submitted_by", *LABELS.keys(), "note"]


def reports_csv(reports) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    for r in reports:
        values = r.figures | r.entered
        writer.writerow(
            [
                r.day.isoformat(),
                r.puskesmas.name,
                r.version,
                timezone.localtime(r.submitted_at).isoformat(timespec="seconds"),
                r.submitted_by.get_username(),
                *(values.get(k, "") for k in LABELS),
                # A spreadsheet must not run a note as a formula.
                ("'" + r.note) if r.note[:1] in ("=", "+", "-", "@") else r.note,
            ]
        )
    return out.getvalue()


# ---------------------------------------------------------------- pushing to the ministry


class PushError(Exception):
    pass


def _send(push: ReportPush) -> dict[str, Any]:
    body = json.dumps(data_value_set(push.report)).encode()
    url = push.target + ("&" if "?" in push.target else "?") + "importStrategy=CREATE_AND_UPDATE"
    if not url.startswith(("https://", "http://")):
        raise PushError("DHIS2_DATAVALUESETS_URL must be an http(s) URL")
    request = urllib.request.Request(  # noqa: S310 - the scheme is checked above
        url, data=body, method="POST", headers={"Content-Type": "application/json"}
    )
    if settings.DHIS2_TOKEN:
        request.add_header("Authorization", f"ApiToken {settings.DHIS2_TOKEN}")
    elif settings.DHIS2_USERNAME:
        pair = f"{settings.DHIS2_USERNAME}:{settings.DHIS2_PASSWORD}".encode()
        request.add_header("Authorization", "Basic " + base64.b64encode(pair).decode())
    try:
        with urllib.request.urlopen(request, timeout=settings.DHIS2_TIMEOUT_SECONDS) as response:  # noqa: S310
            answer = json.loads(response.read() or b"{}")
    except urllib.error.HTTPError as exc:
        raise PushError(f"HTTP {exc.code}") from exc
    except (urllib.error.URLError, TimeoutError, OSError, ValueError) as exc:
        raise PushError(str(exc)[:200] or exc.__class__.__name__) from exc
    # DHIS2 answers 200 with an import summary; version 2.38+ wraps it in "response".
    summary = answer.get("response", answer) if isinstance(answer, dict) else {}
    if str(summary.get("status", "")).upper() == "ERROR":
        raise PushError(f"DHIS2 refused the import: {json.dumps(summary.get('conflicts', []))[:200]}")
    return {k: summary[k] for k in ("status", "importCount") if k in summary}


def push_due_reports(*, now: dt.datetime | None = None, limit: int = 20) -> int:
    """Send the pushes that are due; a failure is tried again later (1, 2, 4 … minutes, at most an hour
    apart) until DHIS2_PUSH_MAX_ATTEMPTS. An older version whose correction came meanwhile is not sent."""
    now = now or timezone.now()
    sent = 0
    for push_id in ReportPush.objects.filter(status=ReportPush.Status.PENDING, next_attempt_at__lte=now).values_list(
        "pk", flat=True
    )[:limit]:
        with transaction.atomic():
            push = (
                ReportPush.objects.select_for_update(skip_locked=True)
                .select_related("report__puskesmas")
                .filter(pk=push_id, status=ReportPush.Status.PENDING)
                .first()
            )
            if push is None:
                continue  # another worker has it
            if not push.report.is_current:
                push.status, push.last_error = ReportPush.Status.FAILED, "superseded by a correction"
                push.save(update_fields=["status", "last_error"])
                continue
            push.attempts += 1
            try:
                push.response = _send(push)
            except (PushError, ReportError) as exc:
                push.last_error = str(exc)[:300]
                if push.attempts >= settings.DHIS2_PUSH_MAX_ATTEMPTS or isinstance(exc, ReportError):
                    push.status = ReportPush.Status.FAILED
                else:
                    push.next_attempt_at = now + dt.timedelta(minutes=min(60, 2 ** (push.attempts - 1)))
            else:
                push.status, push.sent_at, push.last_error = ReportPush.Status.SENT, timezone.now(), ""
                sent += 1
            push.save(update_fields=["attempts", "status", "sent_at", "last_error", "next_attempt_at", "response"])
    return sent


def resend_report(*, user, report: DailyReport) -> ReportPush:
    """Queue the current version again (after a failure, or when the ministry asks): safe, values replace."""
    if not may_report(user, report.puskesmas) and not sees_all_reports(user):
        raise PermissionDenied(_("Only the Puskesmas or the health agency sends its reports."))
    if not settings.DHIS2_DATAVALUESETS_URL:
        raise ReportError([("push", _("No DHIS2 endpoint is configured (DHIS2_DATAVALUESETS_URL)."))], 409)
    if not report.is_current:
        raise ReportError([("push", _("A newer version of this report exists: send that one."))], 409)
    with transaction.atomic():
        push = ReportPush.objects.create(report=report, target=settings.DHIS2_DATAVALUESETS_URL[:300])
        audit.record(
            action="create",
            object_type="report_push",
            subject=f"{report.puskesmas_id}:{report.day.isoformat()}",
            detail={"report": report.pk, "version": report.version},
            user=user,
        )
    return push
