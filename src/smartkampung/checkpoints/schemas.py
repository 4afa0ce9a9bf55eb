"""API input and output of the checkpoint module."""

import datetime as dt

from ninja import Field

from smartkampung.core.schemas import Schema


class ArrivalIn(Schema):
    checkpoint: str = Field(description="The checkpoint's code, e.g. ketapang")
    nik: str
    name: str = ""
    sex: str = Field("", description="male or female; read from the NIK when empty")
    birth_date: str = Field("", description="YYYY-MM-DD or DD-MM-YYYY; read from the NIK when empty")
    origin_regency: str = Field(
        "", description="4-digit regency/city code of where the trip started; required, never taken from the NIK"
    )
    origin_address: str = ""
    phone: str
    destination_village: str = Field(description="10-digit village code of the served regency")
    destination_address: str
    host_name: str = ""
    purpose: str = ""
    travel_mode: str = ""
    vehicle_plate: str = ""
    temperature: str = Field(description="Body temperature in °C, e.g. 36.8")
    symptoms: list[str] = []
    contact_with_case: bool = False
    isolation_place: str = "home"
    preregistration_code: str = ""
    repeat_confirmed: bool = Field(False, description="Register although the NIK passed here a short while ago")


class Reason(Schema):
    code: str
    text: str


class ArrivalOut(Schema):
    id: int
    source: str
    checkpoint: str | None
    registered_at: dt.datetime
    nik: str
    name: str
    sex: str
    birth_date: dt.date | None
    origin_regency: str | None
    origin: str
    phone: str
    destination_village: str
    destination_village_name: str
    destination_address: str
    temperature: float | None
    symptoms: list[str]
    contact_with_case: bool
    isolation_place: str
    outcome: str
    outcome_label: str
    reasons: list[Reason]
    monitoring_until: dt.date | None
    resident: bool
    preregistration_code: str | None


class ArrivalPage(Schema):
    count: int
    items: list[ArrivalOut]


class RepeatOut(Schema):
    detail: str
    earlier: ArrivalOut


class ArrivalFieldError(Schema):
    field: str
    message: str


class ErrorsOut(Schema):
    detail: str
    errors: list[ArrivalFieldError] = []


class PreRegistrationIn(Schema):
    nik: str
    name: str
    phone: str
    origin_regency: str = Field("", description="4-digit regency/city code the trip starts from, if known")
    destination_village: str
    destination_address: str
    expected_arrival: str = Field(description="YYYY-MM-DD or DD-MM-YYYY")


class PreRegistrationReceipt(Schema):
    code: str
    expected_arrival: dt.date
    destination_village_name: str
    qr_svg: str = Field(description="The code as a QR image (SVG) to show at the checkpoint")


class PreRegistrationOut(Schema):
    code: str
    nik: str
    name: str
    phone: str
    origin: str
    destination_village: str
    destination_village_name: str
    destination_address: str
    expected_arrival: dt.date
    status: str


class LookupOut(Schema):
    nik: str
    valid: bool
    errors: list[str]
    resident: bool
    name: str
    sex: str | None
    birth_date: dt.date | None
    origin_regency: str | None = Field(description="Where a pre-registration says the trip starts (else null: ask)")
    origin: str
    home_village: str | None
    home_address: str
    phone: str
    earlier: list[ArrivalOut]
    preregistrations: list[PreRegistrationOut]


class EntryRuleIn(Schema):
    # The regency whose checkpoints the rule is for (default: the one whose rules the caller sets).
    regency: str | None = None
    banned_origins: list[str] = []
    high_risk_origins: list[str] = []
    temperature_threshold: float = 37.5
    referral_symptoms: list[str] = []
    isolation_days: int = 14
    effective_from: dt.datetime | None = None
    note: str = ""


class EntryRuleOut(Schema):
    id: int
    regency_id: str
    effective_from: dt.datetime
    banned_origins: list[str]
    high_risk_origins: list[str]
    temperature_threshold: float
    referral_symptoms: list[str]
    isolation_days: int
    note: str
    created_at: dt.datetime
