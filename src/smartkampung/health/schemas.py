"""API input and output of isolation monitoring and the daily report."""

import datetime as dt

from ninja import Field

from smartkampung.core.schemas import Schema


class HealthErrorOut(Schema):
    detail: str
    errors: list[dict] = []


class CaseIn(Schema):
    nik: str = Field("", description="16-digit NIK; empty for someone without one (then `name` is required)")
    name: str = ""
    phone: str = ""
    village: str = Field(..., description="10-digit code of the village where the person isolates")
    address: str = ""
    place: str = Field("home", description="home, house or central")
    house: int | None = Field(None, description="isolation house id, when not at home")
    start_date: dt.date | None = None
    days: int | None = Field(None, description="isolation length; empty: the entry rule's")
    note: str = ""


class CaseOut(Schema):
    id: int
    source: str
    nik: str
    name: str
    phone: str
    village: str
    village_name: str
    puskesmas: str
    place: str
    house: str | None
    start_date: dt.date
    planned_end: dt.date
    last_seen: dt.date | None
    symptomatic: bool
    overdue: bool
    outcome: str
    closed_on: dt.date | None


class FollowUpIn(Schema):
    status: str = Field(..., description="well, unwell, unreachable or refused")
    temperature: str = ""
    symptoms: list[str] = []
    day: dt.date | None = Field(None, description="default today; up to 14 days back")
    note: str = ""


class FollowUpOut(Schema):
    day: dt.date
    status: str
    temperature: float | None
    symptoms: list[str]
    case_planned_end: dt.date
    case_symptomatic: bool


class CloseIn(Schema):
    outcome: str = Field(..., description="completed, referred, positive, left or died")
    closed_on: dt.date | None = None
    note: str = ""


class WorkListOut(Schema):
    puskesmas: str
    day: dt.date
    missed: list[CaseOut]
    to_see: list[CaseOut]
    ending: list[CaseOut]
    seen: list[CaseOut]


class DailyReportIn(Schema):
    rapid_tests: int = Field(0, ge=0, le=100_000)
    swabs: int = Field(0, ge=0, le=100_000)
    positive_results: int = Field(0, ge=0, le=100_000)
    note: str = ""
    correction_reason: str = Field("", description="required when the day's report was already submitted")


class DailyReportOut(Schema):
    id: int
    puskesmas: str
    day: dt.date
    version: int
    figures: dict[str, int]
    entered: dict[str, int]
    submitted_at: dt.datetime
    correction_reason: str


class ReportStatusOut(Schema):
    puskesmas_id: int
    puskesmas: str
    reported: bool
    version: int | None
    submitted_at: dt.datetime | None
