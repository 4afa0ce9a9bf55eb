"""Input and output of the staff aid API (/api/v1/aid). The citizens' endpoints keep theirs in public_api.py."""

import datetime as dt
from decimal import Decimal

from ninja import Field

from smartkampung.core.schemas import Schema
from smartkampung.population.schemas import ErrorOut, FieldError  # noqa: F401 - one error shape for the API


class ListOut(Schema):
    id: int
    program: str
    period: str
    origin: str = Field(..., description="file, or reports (the households enrolled from citizens' reports)")
    regency: str | None = Field(..., description="whose list it is (an upload's regency; none for the enrolments)")
    status: str
    current: bool
    total_rows: int | None
    processed_rows: int
    counts: dict
    error: str
    file_name: str
    created_at: dt.datetime
    finished_at: dt.datetime | None


class MatchReason(Schema):
    field: str
    seen: str
    weight: float | None = None


class RowOut(Schema):
    id: int
    list_id: int
    program: str
    row: int
    nik: str = Field(..., description="As the list gave it")
    name: str = Field(..., description="As the list gave it")
    match_status: str = Field(..., description="exact, probable, review, none or invalid")
    matched_nik: str | None
    candidate_nik: str | None
    match_probability: float | None
    explanation: list[MatchReason]
    problems: list[str]
    village: str | None
    decided: bool
    withdrawn: bool


class DecisionIn(Schema):
    choice: str = Field(..., description="candidate, other (give nik) or none")
    nik: str = Field("", description="The right person's NIK, for choice=other")


class ConflictChoice(Schema):
    resolution: str
    row: int | None = Field(
        ...,
        description="For a person listed twice: the row (first_row_id or second_row_id) "
        "this choice withdraws; send it as `row`",
    )
    label: str = Field(..., description="What it does, naming the rows and programs")
    withdraws: list[int] = Field(..., description="The ids of the rows it takes off the lists")
    recommended: bool


class ConflictOut(Schema):
    id: int
    kind: str
    kind_label: str
    status: str
    village: str
    village_name: str
    district_name: str
    resident_nik: str | None
    resident_name: str | None
    first_program: str
    second_program: str | None
    first_row: int | None
    second_row: int | None
    first_row_id: int | None
    second_row_id: int | None
    detected_at: dt.datetime
    resolution: str
    decision: str = Field(..., description="What the resolution did, in words (resolved conflicts)")
    reason: str
    resolutions: list[str] = Field(..., description="What may be chosen to resolve it")
    choices: list[ConflictChoice] = Field(..., description="Each way to resolve it now, in words (open conflicts)")


class ResolveIn(Schema):
    resolution: str
    reason: str
    row: int | None = Field(None, description="Listed twice, resolution withdraw: the id of the row withdrawn")


class AidReportOut(Schema):
    id: int
    code: str
    status: str
    nik: str
    name: str
    kk_number: str
    phone: str
    village: str
    situation: str
    description: str
    reported_at: dt.datetime
    decided_at: dt.datetime | None
    decided_by: str | None
    reason: str
    program: str | None
    obstacles: list[str] = Field(..., description="Why the household cannot be enrolled now (pending reports)")


class ReportDecisionIn(Schema):
    decision: str = Field(..., description="approve or reject")
    reason: str


class AffectedIn(Schema):
    nik: str
    sector: str
    impact: str
    since: str = Field(..., description="DD-MM-YYYY or YYYY-MM-DD")
    income_lost: str | int | None = None
    employer: str = ""
    note: str = ""


class PointsOut(Schema):
    factor: str
    label: str
    value: str
    points: float


class RankedOut(Schema):
    id: int
    rank: int
    score: float
    nik: str
    name: str
    village: str
    sector: str
    impact: str
    since: dt.date
    income_lost: Decimal | None
    employer: str
    source: str
    reasons: list[PointsOut]
