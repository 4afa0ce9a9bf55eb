"""Writes of the health module: isolation cases and their daily follow-ups, and the Puskesmas daily report
with its push to the ministry (DHIS2). Each owns its transaction and its audit entry; symptoms found at a
follow-up extend the case and tell the village (through the notification outbox). Views and API handlers
call these; nothing else in health writes."""

import base64
import datetime as dt
import json
import logging
import urllib.error
import urllib.request
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from smartkampung.accounts.selectors import health_read_scope
from smartkampung.audit import services as audit
from smartkampung.audit.models import AuditEntry
from smartkampung.core.db import fetch_one
from smartkampung.core.errors import Refused
from smartkampung.health import reports, selectors
from smartkampung.health.models import (
    CaseOutcome,
    CaseSource,
    DailyReport,
    EntryRule,
    FollowUp,
    IsolationPlace,
    MonitoringCase,
    ReportPush,
)
from smartkampung.health.notification_kinds import SYMPTOMS
from smartkampung.health.reports import ReportError
from smartkampung.health.validation import Checked, check_case, check_closing, check_follow_up
from smartkampung.notifications.services import notify
from smartkampung.population.models import Resident
from smartkampung.regions.models import Puskesmas
from smartkampung.regions.selectors import area_of

__all__ = [
    "CaseError",
    "ReportError",
    "close_case",
    "open_case",
    "open_case_for_arrival",
    "push_due_reports",
    "record_follow_up",
    "resend_report",
    "submit_report",
]

logger = logging.getLogger(__name__)


class CaseError(Refused):
    """A case or follow-up refused."""


def _raise_if_invalid(checked: Checked) -> None:
    if not checked.ok:
        raise CaseError(checked.errors)


def _place_of(arrival) -> tuple[str, int | None]:
    from smartkampung.isolation.models import HOLDING, Reservation

    held = (
        Reservation.objects.filter(nik=arrival.nik, status__in=list(HOLDING)).values_list("house_id", flat=True).first()
        if arrival.nik
        else None
    )
    if held:
        return IsolationPlace.HOUSE, held
    return arrival.isolation_place, None


def _open_case_and_bed(nik: str) -> tuple[bool, int | None]:
    """Whether the NIK has an open case, and the isolation house of a reservation it holds (or None)."""
    from smartkampung.isolation.models import HOLDING, Reservation

    row = fetch_one(
        f"SELECT EXISTS (SELECT 1 FROM {MonitoringCase._meta.db_table} WHERE nik = %s AND outcome = ''),"
        f" (SELECT house_id FROM {Reservation._meta.db_table} WHERE nik = %s"
        f" AND status IN ({', '.join(['%s'] * len(HOLDING))}) LIMIT 1)",
        [nik, nik, *HOLDING],
    )
    return bool(row[0]), row[1]


def _where(village_code: str):
    served = selectors.puskesmas_for_village(village_code)
    if served is None:
        raise CaseError([("village", _("No Puskesmas serves this village yet: ask the health office to assign one."))])
    return served


def open_case_for_arrival(
    *, arrival, user, found: bool, audit_entries: list[AuditEntry] | None = None
) -> MonitoringCase | None:
    """Open the case of an arrival the rules put under monitoring (a checkpoints.Arrival: the checkpoint
    module calls this, health never imports it), in the caller's transaction. `found`: found wandering in
    a village rather than registered at a checkpoint. Someone already under monitoring keeps their open
    case (None is returned). With `audit_entries` the case's audit entry is added there, for the caller to
    write with its own (one round trip), instead of written here."""
    if arrival.monitoring_until is None:
        return None
    # A checkpoint's arrival joins the person's open case wherever it is (the officer sees no cases); a
    # newcomer found by a village operator only one the operator can see, so that what happens tells them
    # nothing about monitoring elsewhere (the health agency sees both cases).
    held = None
    if found:
        open_cases = selectors.cases_visible_to(user)
        if arrival.nik and open_cases.filter(nik=arrival.nik, outcome="").exists():
            return None
    elif arrival.nik:
        # Every monitored traveller at a desk: the open case and the bed held, in one statement by hand.
        already, held = _open_case_and_bed(arrival.nik)
        if already:
            return None
    area = area_of(arrival.destination_village_id)
    served = area if area and area[1] is not None else None
    if served is None:
        # An arrival must never fail for want of a Puskesmas assignment; the log names the village.
        logger.error("no Puskesmas serves %s: arrival %s has no case", arrival.destination_village_id, arrival.pk)
        return None
    district_id, puskesmas_id = served
    if held:
        place, house = IsolationPlace.HOUSE, held
    else:
        place, house = _place_of(arrival) if found else (arrival.isolation_place, None)
    try:
        with transaction.atomic():
            case = MonitoringCase.objects.create(
                source=CaseSource.FOUND if found else CaseSource.ARRIVAL,
                arrival=arrival,
                resident_id=arrival.resident_id,
                nik=arrival.nik,
                name=arrival.name or arrival.description[:150],
                sex=arrival.sex,
                phone=arrival.phone,
                village_id=arrival.destination_village_id,
                district_id=district_id,
                puskesmas_id=puskesmas_id,
                address=arrival.destination_address or arrival.found_at,
                place=place,
                house_id=house,
                start_date=timezone.localdate(arrival.registered_at),
                planned_end=arrival.monitoring_until,
                created_by=user,
            )
    except IntegrityError:
        return None  # opened a moment ago by a second registration of the same person
    written = audit.entry(
        action="create",
        object_type="isolation_case",
        subject=case.nik or str(case.pk),
        object_ids=[case.nik] if case.nik else [],
        detail={"case": case.pk, "arrival": arrival.pk, "source": case.source},
        user=user,
    )
    if audit_entries is None:
        written.save(force_insert=True)
    else:
        audit_entries.append(written)
    return case


def open_case(*, user, values: dict[str, Any]) -> MonitoringCase:
    """Open a case by hand (a contact traced, a resident sent home by a hospital): the village's operator,
    its Puskesmas or the health agency."""
    today = timezone.localdate()
    checked = check_case(values, today=today)
    _raise_if_invalid(checked)
    data = checked.values
    if not selectors.may_open_case(user, data["village"]):
        raise PermissionDenied(_("Only the village's operator, its Puskesmas or the health agency opens cases here."))
    # The register is read only where the user may read it: a NIK from elsewhere is treated as unknown
    # (the case takes what was typed), and so is one monitored elsewhere (a case of theirs opens here too;
    # the health agency sees both). Nothing in the answer tells whether the NIK exists outside.
    resident = (
        Resident.objects.filter(health_read_scope(user).q("village"), nik=data["nik"])
        .only("pk", "name", "sex", "phone")
        .first()
        if data["nik"]
        else None
    )
    if data["nik"] and selectors.cases_visible_to(user).filter(nik=data["nik"], outcome="").exists():
        raise CaseError([("nik", _("This person is already under monitoring: open their case instead."))], 409)
    house = None
    if data["house"] is not None:
        from smartkampung.isolation.models import IsolationHouse

        house = IsolationHouse.objects.filter(pk=data["house"]).first()
        if house is None or (data["place"] == IsolationPlace.CENTRAL) != house.is_central:
            raise CaseError([("house", _("Choose an isolation house of the kind chosen above."))])
    district_id, puskesmas_id = _where(data["village"])
    days = data["days"] or selectors.rule_on(data["village"][:4], data["start_date"]).isolation_days
    try:
        with transaction.atomic():
            case = MonitoringCase.objects.create(
                source=CaseSource.MANUAL,
                resident=resident,
                nik=data["nik"],
                name=data["name"] or (resident.name if resident else ""),
                sex=(resident.sex if resident else data.get("nik_sex")) or "",
                phone=data["phone"] or (resident.phone if resident else ""),
                village_id=data["village"],
                district_id=district_id,
                puskesmas_id=puskesmas_id,
                address=data["address"],
                place=data["place"],
                house=house,
                start_date=data["start_date"],
                planned_end=data["start_date"] + dt.timedelta(days=days),
                note=data["note"],
                created_by=user,
            )
            audit.record(
                action="create",
                object_type="isolation_case",
                subject=case.nik or str(case.pk),
                object_ids=[case.nik] if case.nik else [],
                detail={"case": case.pk, "source": case.source} | _open_elsewhere(case),
                user=user,
            )
    except IntegrityError as exc:
        raise CaseError([("nik", _("This person is already under monitoring: open their case instead."))], 409) from exc
    return case


def _open_elsewhere(case: MonitoringCase) -> dict[str, Any]:
    """For the audit log (the administrator's eyes only): other open cases of the same NIK."""
    if not case.nik:
        return {}
    others = list(
        MonitoringCase.objects.filter(nik=case.nik, outcome="").exclude(pk=case.pk).values_list("pk", flat=True)
    )
    return {"open_elsewhere": others} if others else {}


def _require_worker(user, case: MonitoringCase) -> None:
    if not selectors.may_work_case(user, case):
        raise PermissionDenied(_("Only the case's Puskesmas records its follow-ups."))


def _lock_open_case(user, case: MonitoringCase, *, field: str, closed: str) -> MonitoringCase:
    """The case, locked for this transaction, if the user works it and it is still open (else `closed`, 409)."""
    case = MonitoringCase.objects.select_for_update().get(pk=case.pk)
    _require_worker(user, case)
    if not case.is_open:
        raise CaseError([(field, closed)], 409)
    return case


def record_follow_up(*, user, case: MonitoringCase, values: dict[str, Any]) -> FollowUp:
    """Today's (or a recent day's) check of a case. A second entry for the same day corrects the first.
    Symptoms under the rules extend the case to that day plus the rule's length and tell the village."""
    checked = check_follow_up(values, today=timezone.localdate())
    _raise_if_invalid(checked)
    data = checked.values
    with transaction.atomic():
        case = _lock_open_case(user, case, field="status", closed=_("This case is closed."))
        if data["day"] < case.start_date:
            raise CaseError([("day", _("The case had not started on that day."))])
        earlier = FollowUp.objects.filter(case=case, day=data["day"]).first()
        fields = {k: data[k] for k in ("status", "temperature", "symptoms", "note")}
        follow_up, created = FollowUp.objects.update_or_create(
            case=case, day=data["day"], defaults={**fields, "recorded_by": user}
        )
        rule = selectors.rule_on(case.village_id[:4], data["day"])
        symptomatic = selectors.is_symptomatic(rule, data)
        changed = []
        if case.last_seen is None or data["day"] >= case.last_seen:
            case.last_seen, case.symptomatic = data["day"], symptomatic
            changed += ["last_seen", "symptomatic"]
        extended_to = data["day"] + dt.timedelta(days=rule.isolation_days)
        old_end = case.planned_end
        if symptomatic and extended_to > case.planned_end:
            case.planned_end = extended_to
            changed.append("planned_end")
        if changed:
            case.save(update_fields=changed)
        audit.record(
            action="create" if created else "update",
            object_type="follow_up",
            subject=case.nik or str(case.pk),
            object_ids=[case.nik] if case.nik else [],
            changes=(
                {}
                if created
                else {k: [str(getattr(earlier, k)), str(v)] for k, v in fields.items() if getattr(earlier, k) != v}
            )
            | ({"planned_end": [str(old_end), str(case.planned_end)]} if "planned_end" in changed else {}),
            detail={"case": case.pk, "day": data["day"].isoformat(), "status": data["status"]},
            user=user,
        )
        if symptomatic and (earlier is None or not earlier_symptomatic(rule, earlier)):
            notify(
                kind=SYMPTOMS,
                village_code=case.village_id,
                subject_type="isolation_case",
                subject_id=case.pk,
                summary={
                    "name": case.name,
                    "nik": case.nik,
                    "phone": case.phone,
                    "destination_address": case.address,
                    "monitoring_until": case.planned_end.isoformat(),
                    "url": f"/health/cases/{case.pk}/",
                },
                actor=user,
            )
    return follow_up


def earlier_symptomatic(rule: EntryRule, follow_up: FollowUp) -> bool:
    return selectors.is_symptomatic(
        rule, {"status": follow_up.status, "temperature": follow_up.temperature, "symptoms": follow_up.symptoms}
    )


def close_case(*, user, case: MonitoringCase, values: dict[str, Any]) -> MonitoringCase:
    """End a case: isolation completed, referred to hospital, confirmed positive, left the area, or died.
    Completing before the planned end is refused: the person is still within their isolation."""
    checked = check_closing(values, today=timezone.localdate())
    _raise_if_invalid(checked)
    data = checked.values
    with transaction.atomic():
        case = _lock_open_case(user, case, field="outcome", closed=_("This case is already closed."))
        if data["closed_on"] < case.start_date:
            raise CaseError([("closed_on", _("A case cannot close before it started."))])
        if data["outcome"] == CaseOutcome.COMPLETED and data["closed_on"] < case.planned_end:
            raise CaseError(
                [
                    (
                        "outcome",
                        _("Isolation runs until %(day)s: it cannot be completed earlier.")
                        % {"day": case.planned_end.strftime("%d-%m-%Y")},
                    )
                ],
                409,
            )
        case.outcome, case.closed_on = data["outcome"], data["closed_on"]
        if data["note"]:
            case.note = data["note"]
        case.save(update_fields=["outcome", "closed_on", "note"])
        audit.record(
            action="update",
            object_type="isolation_case",
            subject=case.nik or str(case.pk),
            object_ids=[case.nik] if case.nik else [],
            changes={"outcome": ["", case.outcome]},
            detail={"case": case.pk, "closed_on": case.closed_on.isoformat()},
            user=user,
        )
    return case


# ---------------------------------------------------------------- daily reports


def submit_report(*, user, puskesmas: Puskesmas, day: dt.date, values: dict[str, Any]) -> DailyReport:
    """Submit a day's report: the figures as computed now plus those typed in, locked from then on.
    Submitting again for the same day is a correction: a new version with its reason; the old stays."""
    if not reports.may_report(user, puskesmas):
        raise PermissionDenied(_("Only the Puskesmas's own staff submit its report."))
    today = timezone.localdate()
    if day > today:
        raise ReportError([("day", _("A report cannot be made for a day that has not come."))])
    entered, errors = reports.entered_values(values)
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
        figures = reports.compute_figures(puskesmas=puskesmas, day=day)
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


# ---------------------------------------------------------------- pushing to the ministry


class PushError(Exception):
    pass


def _send(push: ReportPush) -> dict[str, Any]:
    body = json.dumps(reports.data_value_set(push.report)).encode()
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
    if not reports.may_report(user, report.puskesmas) and not selectors.may_work_for(user, report.puskesmas_id):
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
