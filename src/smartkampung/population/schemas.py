"""API input and output of the population registry."""

import datetime as dt
from typing import Literal

from ninja import Field

from smartkampung.core.schemas import Schema

SexValue = Literal["male", "female"]
StatusValue = Literal["living", "moved", "deceased"]
Religion = Literal["islam", "protestant", "catholic", "hindu", "buddhist", "confucian", "belief", ""]
Marital = Literal["single", "married", "divorced", "widowed", ""]
Relation = Literal[
    "head",
    "spouse",
    "child",
    "child_in_law",
    "grandchild",
    "parent",
    "parent_in_law",
    "other_family",
    "household_help",
    "other",
    "",
]
Education = Literal[
    "none",
    "primary_incomplete",
    "primary",
    "junior",
    "senior",
    "diploma_1_2",
    "diploma_3",
    "bachelor",
    "master",
    "doctorate",
    "",
]


class VillageRef(Schema):
    code: str
    name: str
    district_code: str = Field(..., alias="district.code")
    district: str = Field(..., alias="district.name")


class HouseholdIn(Schema):
    kk_number: str = Field(..., max_length=40, examples=["3510012005100001"])
    village_code: str = Field(..., max_length=20, examples=["3510012001"])
    address: str = Field("", max_length=255)
    rt: str = Field("", max_length=10)
    rw: str = Field("", max_length=10)
    postal_code: str = Field("", max_length=10)


class HouseholdPatch(Schema):
    village_code: str | None = Field(None, max_length=20)
    address: str | None = Field(None, max_length=255)
    rt: str | None = Field(None, max_length=10)
    rw: str | None = Field(None, max_length=10)
    postal_code: str | None = Field(None, max_length=10)


class HouseholdOut(Schema):
    kk_number: str
    village: VillageRef
    address: str
    rt: str
    rw: str
    postal_code: str
    updated_at: dt.datetime


class ResidentBase(Schema):
    name: str = Field(..., max_length=200)
    birth_place: str = Field("", max_length=200)
    birth_date: dt.date
    sex: SexValue
    religion: Religion = ""
    marital_status: Marital = ""
    family_relation: Relation = ""
    education: Education = ""
    occupation: str = Field("", max_length=200)
    mother_name: str = Field("", max_length=200)
    father_name: str = Field("", max_length=200)
    phone: str = Field("", max_length=40)
    status: StatusValue = "living"
    lost_job: bool = False
    informal_income_loss: bool = False
    tourism_worker: bool = False


class ResidentIn(ResidentBase):
    nik: str = Field(..., max_length=40, examples=["3510011708850001"])
    kk_number: str = Field(..., max_length=40, examples=["3510012005100001"])


class ResidentPatch(Schema):
    kk_number: str | None = Field(None, max_length=40)
    name: str | None = Field(None, max_length=200)
    birth_place: str | None = Field(None, max_length=200)
    birth_date: dt.date | None = None
    sex: SexValue | None = None
    religion: Religion | None = None
    marital_status: Marital | None = None
    family_relation: Relation | None = None
    education: Education | None = None
    occupation: str | None = Field(None, max_length=200)
    mother_name: str | None = Field(None, max_length=200)
    father_name: str | None = Field(None, max_length=200)
    phone: str | None = Field(None, max_length=40)
    status: StatusValue | None = None
    lost_job: bool | None = None
    informal_income_loss: bool | None = None
    tourism_worker: bool | None = None


class ResidentListItem(Schema):
    nik: str
    name: str
    sex: str
    birth_date: dt.date
    status: str
    village_code: str = Field(..., alias="village.code")
    village: str = Field(..., alias="village.name")
    district: str = Field(..., alias="village.district.name")


class ResidentOut(ResidentBase):
    nik: str
    kk_number: str = Field(..., alias="household.kk_number")
    village: VillageRef
    address: str = Field(..., alias="household.address")
    rt: str = Field(..., alias="household.rt")
    rw: str = Field(..., alias="household.rw")
    nik_mismatch: str
    created_at: dt.datetime
    updated_at: dt.datetime


class ResidentPage(Schema):
    count: int
    count_capped: bool
    limit: int
    offset: int
    items: list[ResidentListItem]


class FieldError(Schema):
    field: str
    message: str


class ErrorOut(Schema):
    detail: str
    errors: list[FieldError] = []


class ImportJobOut(Schema):
    id: int
    original_name: str
    format: str
    status: str
    total_rows: int | None
    processed_rows: int
    progress_percent: int
    created_count: int
    updated_count: int
    unchanged_count: int
    rejected_count: int
    flagged_count: int
    error: str
    created_at: dt.datetime
    finished_at: dt.datetime | None


class ImportRowIssueOut(Schema):
    row_number: int
    kind: str
    nik: str
    errors: list[str]


class MoveIn(Schema):
    """A resident (nik, into the household to_kk_number of yours) or a whole household (kk_number, into
    to_village, one of yours)."""

    nik: str = Field("", max_length=40, examples=["3510011708850001"])
    to_kk_number: str = Field("", max_length=40)
    kk_number: str = Field("", max_length=40)
    to_village: str = Field("", max_length=20)
    reason: str = Field(..., max_length=255, examples=["Ikut suami"])


class MoveDecisionIn(Schema):
    reason: str = Field("", max_length=255)


class MoveOut(Schema):
    """A move as the caller may see it: nik, name, kk_number and to_kk_number are masked where the register
    does not let the caller read the person (the destination until the release)."""

    id: int
    kind: Literal["resident", "household"]
    status: Literal["requested", "released", "refused", "cancelled"]
    nik: str
    name: str
    kk_number: str
    members: int | None  # None: hidden from the destination until the release
    to_kk_number: str
    from_village_code: str | None  # likewise
    from_village: str | None
    to_village_code: str
    to_village: str
    reason: str
    requested_at: dt.datetime
    decided_at: dt.datetime | None
    decision_note: str
    may_decide: bool
    may_cancel: bool


class MovePage(Schema):
    count: int
    count_capped: bool
    limit: int
    offset: int
    items: list[MoveOut]
