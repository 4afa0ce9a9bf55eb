"""Staff API of social aid (/api/v1/aid): the lists and their rows, the review decision, conflicts, citizens'
reports and the priority ranking. The same selectors and services as the pages, so the same jurisdiction."""

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import File, Form, Router, Status
from ninja.files import UploadedFile

from smartkampung.aid import explain, resolutions, schemas, selectors, services
from smartkampung.aid.conflicts import rules_now
from smartkampung.aid.models import AidReport, Conflict, Program, Recipient, RecipientList, Sector
from smartkampung.aid.priority import rank
from smartkampung.audit import services as audit
from smartkampung.core.paging import window

router = Router(tags=["aid"])
ERRORS = {403: schemas.ErrorOut, 404: schemas.ErrorOut, 409: schemas.ErrorOut, 422: schemas.ErrorOut}


def _not_found() -> Status:
    return Status(404, {"detail": _("Not found, or not in your area.")})


def _require_aid(request: HttpRequest) -> None:
    from smartkampung.aid.views import require_aid

    require_aid(request)


def _viewed(records, *, status: str, village: str, order: tuple[str, ...], window: slice, object_type: str) -> list:
    """A window of a staff list filtered by status and village; the reading is audited."""
    if status:
        records = records.filter(status=status)
    if village:
        records = records.filter(village_id=village)
    page = list(records.order_by(*order)[window])
    if page:
        audit.record(action="view", object_type=object_type, subject="api", object_ids=[str(x.pk) for x in page])
    return page


def list_dict(job: RecipientList) -> dict:
    return {
        "id": job.pk, "program": job.program.code, "period": job.period, "origin": job.origin,
        "regency": job.regency_id, "status": job.status, "current": job.current, "total_rows": job.total_rows,
        "processed_rows": job.processed_rows,
        "counts": job.counts, "error": job.error, "file_name": job.original_name, "created_at": job.created_at,
        "finished_at": job.finished_at,
    }  # fmt: skip


def row_dict(r: Recipient) -> dict:
    return {
        "id": r.pk, "list_id": r.source_id, "program": r.program.code, "row": r.row_number, "nik": r.nik,
        "name": r.name, "match_status": r.status, "matched_nik": r.resident.nik if r.resident_id else None,
        "candidate_nik": r.candidate.nik if r.candidate_id else None, "match_probability": r.probability,
        "explanation": [{"field": f, "seen": seen, "weight": w} for f, seen, w in explain.words(r.explanation)],
        "problems": r.problems or [], "village": r.village_id, "decided": r.decided, "withdrawn": r.withdrawn,
    }  # fmt: skip


@router.get("/lists", response=list[schemas.ListOut], summary="Recipient lists (uploads and enrolments)")
def lists(request: HttpRequest, program: str = "", current: bool | None = None, offset: int = 0, limit: int = 100):
    _require_aid(request)
    found = selectors.lists_visible_to(request.user)
    if program:
        found = found.filter(program__code=program)
    if current is not None:
        found = found.filter(current=current)
    return [list_dict(job) for job in found[window(offset, limit)]]


@router.post(
    "/lists", response={202: schemas.ListOut, **ERRORS},
    summary="Upload a program's list (CSV or XLSX); it is read and matched in the background",
)  # fmt: skip
def upload_list(
    request: HttpRequest, file: File[UploadedFile], program: Form[str], period: Form[str], regency: Form[str] = ""
):
    """Poll GET /aid/lists/{id} for progress; columns are recognised or remembered for the program. `regency`:
    whose list it is (needed only by a user who imports for several regencies); it is matched against that
    regency's register only, and replaces only that regency's list in force."""
    chosen = Program.objects.filter(code=program, active=True).first()
    if chosen is None:
        raise services.AidError([("program", _("No active program has this code."))])
    job = services.start_list_upload(user=request.user, program=chosen, period=period, upload=file, regency=regency)
    return Status(202, list_dict(job))


@router.get("/lists/{list_id}", response={200: schemas.ListOut, 404: schemas.ErrorOut}, summary="A list")
def get_list(request: HttpRequest, list_id: int):
    _require_aid(request)
    job = selectors.lists_visible_to(request.user).filter(pk=list_id).first()
    return Status(200, list_dict(job)) if job else _not_found()


def _rows(request: HttpRequest, rows, offset: int, limit: int) -> list[dict]:
    found = list(rows.select_related("resident", "candidate")[window(offset, limit)])
    if found:
        audit.record(action="view", object_type="aid_recipient", subject="api", object_ids=[str(r.pk) for r in found])
    return [row_dict(r) for r in found]


@router.get(
    "/lists/{list_id}/rows", response={200: list[schemas.RowOut], 404: schemas.ErrorOut},
    summary="A list's rows in the caller's area, with their match and its reasons",
)  # fmt: skip
def list_rows(request: HttpRequest, list_id: int, match_status: str = "", offset: int = 0, limit: int = 100):
    _require_aid(request)
    job = selectors.lists_visible_to(request.user).filter(pk=list_id).first()
    if job is None:
        return _not_found()
    rows = selectors.recipients_visible_to(request.user).filter(source=job).order_by("row_number")
    if match_status:
        rows = rows.filter(status=match_status)
    return Status(200, _rows(request, rows, offset, limit))


@router.get("/review", response=list[schemas.RowOut], summary="Rows to review in the caller's area")
def review(request: HttpRequest, village: str = "", offset: int = 0, limit: int = 100):
    _require_aid(request)
    queue = selectors.review_queue(request.user)
    if village:
        queue = queue.filter(village_id=village)
    return _rows(request, queue, offset, limit)


@router.post(
    "/rows/{row_id}/decision", response={200: schemas.RowOut, **ERRORS},
    summary="Who a row means: the candidate, another resident (by NIK), or nobody (remembered for re-imports)",
)  # fmt: skip
def decide(request: HttpRequest, row_id: int, payload: schemas.DecisionIn):
    _require_aid(request)
    row = selectors.recipients_visible_to(request.user).filter(pk=row_id).select_related("candidate").first()
    if row is None:
        return _not_found()
    if payload.choice == "candidate":
        if row.candidate is None:
            raise services.AidError([("choice", _("This row has no candidate."))])
        resident = row.candidate
    elif payload.choice == "other":
        resident = selectors.residents_for_review(request.user).filter(nik=payload.nik.strip()).first()
        if resident is None:
            raise services.AidError([("nik", _("No resident with that NIK in a village you work for."))])
    elif payload.choice == "none":
        resident = None
    else:
        raise services.AidError([("choice", _("Choose candidate, other or none."))])
    row = services.decide_match(user=request.user, recipient=row, resident=resident)
    return Status(200, row_dict(Recipient.objects.select_related("program", "resident", "candidate").get(pk=row.pk)))


def conflict_dict(c: Conflict) -> dict:
    is_open, resolved = c.status == Conflict.Status.OPEN, c.status == Conflict.Status.RESOLVED
    return {
        "id": c.pk, "kind": c.kind, "kind_label": c.get_kind_display(), "status": c.status, "village": c.village_id,
        "village_name": c.village.name, "district_name": c.village.district.name,
        "resident_nik": c.resident.nik if c.resident_id else None,
        "resident_name": c.resident.name if c.resident_id else None, "first_program": c.first_program.code,
        "second_program": c.second_program.code if c.second_program_id else None,
        "first_row": c.first.row_number if c.first_id else None,
        "second_row": c.second.row_number if c.second_id else None, "first_row_id": c.first_id,
        "second_row_id": c.second_id, "detected_at": c.detected_at, "resolution": c.resolution,
        "decision": resolutions.decision_words(c) if resolved else "", "reason": c.reason,
        "resolutions": selectors.resolutions_for(c),
        "choices": [
            {"resolution": x.resolution, "row": x.row, "label": x.label, "withdraws": list(x.withdraws),
             "recommended": x.recommended}
            for x in (resolutions.choices_for(c) if is_open else [])
        ],
    }  # fmt: skip


@router.get("/conflicts", response=list[schemas.ConflictOut], summary="Conflicts in the caller's area")
def conflicts(request: HttpRequest, status: str = "open", village: str = "", offset: int = 0, limit: int = 100):
    _require_aid(request)
    page = _viewed(selectors.conflicts_visible_to(request.user), status=status, village=village,
                   order=("-detected_at", "-id"), window=window(offset, limit), object_type="aid_conflict")  # fmt: skip
    return [conflict_dict(c) for c in page]


@router.post("/conflicts/{conflict_id}/resolve", response={200: schemas.ConflictOut, **ERRORS},
             summary="Resolve a conflict: which program keeps the recipient, withdraw or keep both; why")  # fmt: skip
def resolve(request: HttpRequest, conflict_id: int, payload: schemas.ResolveIn):
    _require_aid(request)
    conflict = selectors.conflicts_visible_to(request.user).filter(pk=conflict_id).first()
    if conflict is None:
        return _not_found()
    conflict = services.resolve_conflict(
        user=request.user, conflict=conflict, resolution=payload.resolution, reason=payload.reason, row=payload.row
    )
    return Status(200, conflict_dict(selectors.conflicts_visible_to(request.user).get(pk=conflict.pk)))


def report_dict(r: AidReport, obstacles: list[str]) -> dict:
    return {
        "id": r.pk, "code": r.code, "status": r.status, "nik": r.resident.nik, "name": r.resident.name,
        "kk_number": r.household.kk_number, "phone": r.phone, "village": r.village_id, "situation": r.situation,
        "description": r.description, "reported_at": r.created_at, "decided_at": r.decided_at,
        "decided_by": r.decided_by.get_username() if r.decided_by_id else None, "reason": r.decision_reason,
        "program": r.program.code if r.program_id else None, "obstacles": obstacles,
    }  # fmt: skip


@router.get("/reports", response=list[schemas.AidReportOut], summary='Citizens\' "I received no aid" reports')
def reports(request: HttpRequest, status: str = "pending", village: str = "", offset: int = 0, limit: int = 100):
    _require_aid(request)
    page = _viewed(
        selectors.reports_visible_to(request.user), status=status, village=village, order=("created_at", "id"),
        window=window(offset, limit, most=100), object_type="aid_report",
    )  # fmt: skip
    program, rules = selectors.report_program(), rules_now()
    return [
        report_dict(r, selectors.enrolment_obstacles(r, program, rules) if r.status == "pending" else []) for r in page
    ]


@router.post("/reports/{report_id}/decision", response={200: schemas.AidReportOut, **ERRORS},
             summary="Approve (enrol the household unless a rule forbids it) or reject a report; why")  # fmt: skip
def decide_report(request: HttpRequest, report_id: int, payload: schemas.ReportDecisionIn):
    _require_aid(request)
    report = selectors.reports_visible_to(request.user).filter(pk=report_id).first()
    if report is None:
        return _not_found()
    if payload.decision not in ("approve", "reject"):
        raise services.AidError([("decision", _("Choose approve or reject."))])
    decide_it = services.approve_report if payload.decision == "approve" else services.reject_report
    decide_it(user=request.user, report=report, reason=payload.reason)
    return Status(200, report_dict(selectors.reports_visible_to(request.user).get(pk=report_id), []))


def ranked_dict(item) -> dict:
    p = item.person
    return {
        "id": p.pk, "rank": item.rank, "score": item.score, "nik": p.resident.nik, "name": p.resident.name,
        "village": p.village_id, "sector": p.sector, "impact": p.impact, "since": p.since,
        "income_lost": p.income_lost, "employer": p.employer, "source": p.source,
        "reasons": [{"factor": code, "label": label, "value": value, "points": points}
                    for code, label, value, points in item.reasons],
    }  # fmt: skip


@router.get("/affected", response=list[schemas.RankedOut],
            summary="Affected residents in the caller's area, ranked, each score with its reasons")  # fmt: skip
def affected(request: HttpRequest, village: str = "", sector: str = "", offset: int = 0, limit: int = 100):
    _require_aid(request)
    people = selectors.affected_visible_to(request.user).filter(active=True)
    if village:
        people = people.filter(village_id=village)
    if sector in Sector.values:
        people = people.filter(sector=sector)
    page = rank(list(people))[window(offset, limit)]
    if page:
        audit.record(action="view", object_type="aid_affected", subject="api",
                     object_ids=[str(r.person.pk) for r in page])  # fmt: skip
    return [ranked_dict(item) for item in page]


@router.post("/affected", response={201: schemas.RankedOut, **ERRORS},
             summary="Enter (or correct) an affected resident of the caller's villages")  # fmt: skip
def record_affected(request: HttpRequest, payload: schemas.AffectedIn):
    _require_aid(request)
    values = payload.dict()
    entry = services.record_affected(user=request.user, nik=values.pop("nik"), values=values)
    return Status(201, ranked_dict(rank([selectors.affected_visible_to(request.user).get(pk=entry.pk)])[0]))
