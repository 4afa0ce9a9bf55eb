"""API of isolation monitoring (/api/v1/health): cases, follow-ups, the Puskesmas's work list, and the
daily report with its DHIS2 form. The same selectors and services as the pages."""

import datetime as dt

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Router, Status

from smartkampung.audit import services as audit
from smartkampung.core.paging import window
from smartkampung.health import reports, schemas, selectors, services
from smartkampung.health.models import MonitoringCase

router = Router(tags=["health"])
ERRORS = dict.fromkeys((403, 404, 409, 422), schemas.HealthErrorOut)


def case_dict(c: MonitoringCase, today: dt.date) -> dict:
    return {
        "id": c.pk,
        "source": c.source,
        "nik": c.nik,
        "name": c.name,
        "phone": c.phone,
        "village": c.village_id,
        "village_name": c.village.name,
        "puskesmas": c.puskesmas.name,
        "place": c.place,
        "house": c.house.name if c.house_id else None,
        "start_date": c.start_date,
        "planned_end": c.planned_end,
        "last_seen": c.last_seen,
        "symptomatic": c.symptomatic,
        "overdue": bool(getattr(c, "overdue", False)),
        "outcome": c.outcome,
        "closed_on": c.closed_on,
    }


@router.get("/cases", response=list[schemas.CaseOut], summary="Cases in the caller's area (filter: open, overdue)")
def list_cases(request: HttpRequest, show: str = "open", village: str = "", limit: int = 100, offset: int = 0):
    today = timezone.localdate()
    cases = selectors.with_flags(selectors.cases_visible_to(request.user), today)
    cases = selectors.shown_cases(cases, show, today)
    if village:
        cases = cases.filter(village_id=village)
    found = list(cases.order_by("-overdue", "pk")[window(offset, limit)])
    if found:
        audit.record(
            action="view", object_type="isolation_case", subject="api", object_ids=[c.nik for c in found if c.nik]
        )
    return [case_dict(c, today) for c in found]


@router.post("/cases", response={201: schemas.CaseOut, **ERRORS}, summary="Open a case by hand")
def open_case(request: HttpRequest, payload: schemas.CaseIn):
    values = payload.dict()
    values["start_date"] = values["start_date"].isoformat() if values["start_date"] else ""
    values["days"] = str(values["days"] or "")
    values["house"] = str(values["house"] or "")
    case = services.open_case(user=request.user, values=values)
    return Status(201, case_dict(case, timezone.localdate()))


def _visible(request: HttpRequest, case_id: int) -> MonitoringCase | None:
    return selectors.cases_visible_to(request.user).filter(pk=case_id).first()


@router.get("/cases/{case_id}", response={200: schemas.CaseOut, 404: schemas.HealthErrorOut})
def get_case(request: HttpRequest, case_id: int):
    today = timezone.localdate()
    case = selectors.with_flags(selectors.cases_visible_to(request.user), today).filter(pk=case_id).first()
    if case is None:
        return Status(404, {"detail": _("No such case here.")})
    audit.record(action="view", object_type="isolation_case", subject=str(case.pk), object_ids=[case.nik])
    return case_dict(case, today)


@router.post("/cases/{case_id}/follow-ups", response={201: schemas.FollowUpOut, **ERRORS})
def add_follow_up(request: HttpRequest, case_id: int, payload: schemas.FollowUpIn):
    case = _visible(request, case_id)
    if case is None:
        return Status(404, {"detail": _("No such case here.")})
    values = payload.dict()
    values["day"] = values["day"].isoformat() if values["day"] else ""
    follow_up = services.record_follow_up(user=request.user, case=case, values=values)
    case.refresh_from_db(fields=["planned_end", "symptomatic"])
    return Status(
        201,
        {
            "day": follow_up.day,
            "status": follow_up.status,
            "temperature": float(follow_up.temperature) if follow_up.temperature is not None else None,
            "symptoms": follow_up.symptoms,
            "case_planned_end": case.planned_end,
            "case_symptomatic": case.symptomatic,
        },
    )


@router.post("/cases/{case_id}/close", response={200: schemas.CaseOut, **ERRORS})
def close_case(request: HttpRequest, case_id: int, payload: schemas.CloseIn):
    case = _visible(request, case_id)
    if case is None:
        return Status(404, {"detail": _("No such case here.")})
    values = payload.dict()
    values["closed_on"] = values["closed_on"].isoformat() if values["closed_on"] else ""
    case = services.close_case(user=request.user, case=case, values=values)
    return case_dict(case, timezone.localdate())


def _puskesmas(request: HttpRequest, puskesmas_id: int | None):
    options = list(selectors.puskesmas_worked_by(request.user))
    if not options:
        raise PermissionDenied(_("This is for Puskesmas staff and the health agency."))
    if puskesmas_id is None:
        return options[0]
    return next((p for p in options if p.pk == puskesmas_id), None)


@router.get("/worklist", response={200: schemas.WorkListOut, **ERRORS}, summary="A Puskesmas's follow-ups for today")
def work_list(request: HttpRequest, puskesmas: int | None = None):
    chosen = _puskesmas(request, puskesmas)
    if chosen is None:
        return Status(404, {"detail": _("No such Puskesmas here.")})
    today = timezone.localdate()
    work = selectors.work_list(puskesmas_ids=[chosen.pk], today=today)
    everyone = work.missed + work.to_see + work.seen
    if everyone:
        audit.record(
            action="view", object_type="isolation_case", subject=f"worklist:{chosen.pk}", object_ids=[
                c.nik for c in everyone if c.nik
            ]
        )  # fmt: skip
    return {
        "puskesmas": chosen.name,
        "day": today,
        **{name: [case_dict(c, today) for c in getattr(work, name)] for name in ("missed", "to_see", "ending", "seen")},
    }


def report_dict(r) -> dict:
    return {
        "id": r.pk,
        "puskesmas": r.puskesmas.name,
        "day": r.day,
        "version": r.version,
        "figures": r.figures,
        "entered": r.entered,
        "submitted_at": r.submitted_at,
        "correction_reason": r.correction_reason,
    }


@router.post("/puskesmas/{puskesmas_id}/reports/{day}", response={201: schemas.DailyReportOut, **ERRORS},
             summary="Submit a Puskesmas's report of a day (again: a correction, with its reason)")  # fmt: skip
def submit_report(request: HttpRequest, puskesmas_id: int, day: dt.date, payload: schemas.DailyReportIn):
    chosen = _puskesmas(request, puskesmas_id)
    if chosen is None:
        return Status(404, {"detail": _("No such Puskesmas here.")})
    report = services.submit_report(user=request.user, puskesmas=chosen, day=day, values=payload.dict())
    return Status(201, report_dict(report))


@router.get("/reports", response={200: list[schemas.ReportStatusOut], 403: schemas.HealthErrorOut},
            summary="The health agency's view of a day: which Puskesmas have reported")  # fmt: skip
def health_report_status(request: HttpRequest, day: dt.date | None = None):
    if not selectors.sees_all_reports(request.user):
        return Status(403, {"detail": _("This is for the health agency.")})
    return [
        {
            "puskesmas_id": p.pk,
            "puskesmas": p.name,
            "reported": r is not None,
            "version": r.version if r else None,
            "submitted_at": r.submitted_at if r else None,
        }
        for p, r in selectors.report_status(user=request.user, day=day or timezone.localdate())
    ]


@router.get("/reports/{report_id}/dhis2",
            response={200: dict, 404: schemas.HealthErrorOut, 409: schemas.HealthErrorOut},
            summary="A submitted report as DHIS2 dataValueSets JSON")  # fmt: skip
def report_dhis2(request: HttpRequest, report_id: int):
    found = selectors.reports_visible_to(request.user).filter(pk=report_id).first()
    if found is None:
        return Status(404, {"detail": _("No such report here.")})
    return reports.data_value_set(found)
