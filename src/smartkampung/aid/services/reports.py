"""Citizens' "I received no aid" reports: made without signing in (NIK and KK number verified against the
register at once), verified by the village, and when approved the household is enrolled in the program that
takes reports, after the same conflict checks as any listed row."""

from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from smartkampung.aid import selectors
from smartkampung.aid.models import (
    AffectedResident,
    AidReport,
    Impact,
    MatchStatus,
    Program,
    Recipient,
    RecipientList,
    Sector,
    Situation,
)
from smartkampung.aid.notification_kinds import AID_REPORT
from smartkampung.aid.services.errors import AidError, AidForbidden
from smartkampung.audit import services as audit
from smartkampung.core.codes import draw_code
from smartkampung.notifications.services import notify
from smartkampung.population.identity import NOT_MATCHED, checked_identity, find_citizen
from smartkampung.population.models import ResidentStatus

# Reports whose situation is a lost livelihood put the reporter on the register of affected residents.
_AFFECTED_BY = {
    Situation.LOST_JOB: Impact.LAID_OFF,
    Situation.NO_INCOME: Impact.INCOME_LOST,
    Situation.BUSINESS_CLOSED: Impact.BUSINESS_CLOSED,
}


def submit_report(*, values: dict[str, Any]) -> AidReport:
    """A citizen reports that their household receives no aid. The NIK must belong with the KK number (one
    answer for both failures); one report per household waits at a time. The village is told."""
    nik, kk, phone, errors = checked_identity(values, phone_hint=_("Enter a phone number the village can call."))
    situation = str(values.get("situation") or "")
    if situation not in Situation.values:
        errors.append(("situation", _("Choose what happened to you.")))
    description = str(values.get("description") or "").strip()
    if len(description) > 1000:
        errors.append(("description", _("Tell it in at most 1000 characters.")))
    if errors:
        raise AidError(errors)
    resident = find_citizen(nik=nik, kk_number=kk)
    if resident is None:
        raise AidError([("nik", str(NOT_MATCHED))], status=404)
    if resident.status != ResidentStatus.LIVING:
        raise AidError(
            [("nik", _("The register does not record this person as living here. Ask your village office."))], 409
        )
    for _attempt in range(5):
        waiting = AidReport.objects.filter(household_id=resident.household_id, status=AidReport.Status.PENDING).first()
        if waiting is not None:
            raise AidError([("nik", _("A report of your household is already waiting for the village (code %(code)s).")
                            % {"code": waiting.code})], 409)  # fmt: skip
        try:
            with transaction.atomic():
                report = AidReport.objects.create(
                    code=draw_code(), resident=resident, household_id=resident.household_id,
                    village_id=resident.village_id, phone=phone, situation=situation, description=description,
                )  # fmt: skip
                audit.record(
                    action="create", object_type="aid_report", subject=resident.nik, object_ids=[str(report.pk)],
                    detail={"code": report.code, "situation": situation, "public": True},
                )  # fmt: skip
                notify(
                    kind=AID_REPORT, village_code=resident.village_id, subject_type="aid_report",
                    subject_id=report.pk,
                    # No name, NIK or phone: notifications reach people who do not work with aid (the village's
                    # Puskesmas); the report itself is read in the aid queue, under aid's own access rule.
                    summary={"code": report.code, "situation": str(Situation(situation).label),
                             "url": f"/aid/reports/#report-{report.pk}"},
                )  # fmt: skip
            return report
        except IntegrityError:
            continue  # the drawn code was taken, or the household's other report came in a moment ago
    raise RuntimeError("could not file the report")


def _decided(user, report: AidReport, reason: str) -> AidReport:
    """The report, locked and still waiting, or AidError / AidForbidden."""
    if not selectors.may_decide_report(user, report):
        raise AidForbidden(_("You may not verify reports of this village."))
    if len(reason) < 5:
        raise AidError([("reason", _("Give the reason (at least a few words)."))])
    report = AidReport.objects.select_for_update().select_related("resident", "household").get(pk=report.pk)
    if report.status != AidReport.Status.PENDING:
        raise AidError([("status", _("This report has been decided already."))], status=409)
    return report


def approve_report(*, user, report: AidReport, reason: str) -> AidReport:
    """Enrol the reporting household in the program that takes reports, when no rule forbids it (the lists'
    conflict checks, under the same lock as the lists' comparison so that neither misses the other)."""
    from smartkampung.aid.conflicts import lock_lists

    reason = (reason or "").strip()
    with transaction.atomic():
        report = _decided(user, report, reason)
        lock_lists()
        program = selectors.report_program()
        obstacles = selectors.enrolment_obstacles(report, program)
        if obstacles:
            raise AidError([("status", text) for text in obstacles], status=409)
        row = _enrol(program=program, report=report)
        report.status, report.decided_by, report.decided_at = AidReport.Status.APPROVED, user, timezone.now()
        report.decision_reason, report.program, report.enrolment = reason, program, row
        report.save(update_fields=["status", "decided_by", "decided_at", "decision_reason", "program", "enrolment"])
        _register_affected(report=report, user=user)
        audit.record(
            action="update", object_type="aid_report", subject=report.resident.nik, object_ids=[str(report.pk)],
            changes={"status": ["pending", "approved"]}, detail={"program": program.code, "reason": reason}, user=user,
        )  # fmt: skip
    return report


def reject_report(*, user, report: AidReport, reason: str) -> AidReport:
    """Not approved, with the reason the citizen reads when they follow their report."""
    reason = (reason or "").strip()
    with transaction.atomic():
        report = _decided(user, report, reason)
        report.status, report.decided_by, report.decided_at = AidReport.Status.REJECTED, user, timezone.now()
        report.decision_reason = reason
        report.save(update_fields=["status", "decided_by", "decided_at", "decision_reason"])
        audit.record(
            action="update", object_type="aid_report", subject=report.resident.nik, object_ids=[str(report.pk)],
            changes={"status": ["pending", "rejected"]}, detail={"reason": reason}, user=user,
        )  # fmt: skip
    return report


def _enrol(*, program: Program, report: AidReport) -> Recipient:
    """A row for the household in the program's list of enrolments (one list, kept current, that uploads of
    the program do not replace). Numbered under the list's row lock: two approvals never share a number."""
    now = timezone.localtime()
    enrolments, _created = RecipientList.objects.get_or_create(
        program=program, origin=RecipientList.Origin.REPORTS, current=True,
        defaults={"period": now.strftime("%Y-%m"), "original_name": _("Enrolled from citizens' reports")[:255],
                  "status": RecipientList.Status.DONE, "total_rows": 0, "started_at": now, "finished_at": now},
    )  # fmt: skip
    enrolments = RecipientList.objects.select_for_update().get(pk=enrolments.pk)
    number = (Recipient.objects.filter(source=enrolments).aggregate(n=Max("row_number"))["n"] or 0) + 1
    resident, household = report.resident, report.household
    row = Recipient.objects.create(
        source=enrolments, program=program, row_number=number, nik=resident.nik, kk_number=household.kk_number,
        name=resident.name, birth_date=resident.birth_date, address=household.address[:255],
        village_given=report.village_id, village_id=report.village_id, status=MatchStatus.EXACT, resident=resident,
        household=household, probability=1.0, explanation=[{"field": "report", "level": "report", "code": report.code}],
        fingerprint=f"report:{report.code}", decided=True,
    )  # fmt: skip
    RecipientList.objects.filter(pk=enrolments.pk).update(total_rows=number, processed_rows=number, finished_at=now)
    return row


def _register_affected(*, report: AidReport, user) -> None:
    """A report of lost work puts the reporter on the register of affected residents (back on it, when an earlier
    entry had ended); an entry that is still active keeps what the village recorded."""
    impact = _AFFECTED_BY.get(report.situation)
    if impact is None:
        return
    fields = {"household_id": report.household_id, "village_id": report.village_id, "sector": Sector.OTHER,
              "impact": impact, "since": timezone.localdate(report.created_at), "active": True,
              "source": AffectedResident.Source.REPORT, "source_name": report.code, "recorded_by": user}  # fmt: skip
    entry = AffectedResident.objects.filter(resident_id=report.resident_id).first()
    if entry is None:
        AffectedResident.objects.create(resident_id=report.resident_id, **fields)
    elif not entry.active:
        for name, value in fields.items():
            setattr(entry, name, value)
        entry.save(update_fields=[*fields, "updated_at"])
