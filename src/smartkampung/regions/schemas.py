"""API output of the region reference data and NIK validation."""

import datetime as dt

from ninja import Field

from smartkampung.core.schemas import Schema


class ProvinceOut(Schema):
    code: str
    name: str


class RegencyOut(Schema):
    code: str
    name: str
    province_code: str = Field(..., alias="province_id")


class DistrictOut(Schema):
    code: str
    name: str
    regency_code: str = Field(..., alias="regency_id")
    latitude: float | None
    longitude: float | None


class VillageOut(Schema):
    code: str
    name: str
    kind: str
    district_code: str = Field(..., alias="district_id")
    latitude: float | None
    longitude: float | None


class NikErrorOut(Schema):
    code: str
    message: str


class NikOut(Schema):
    nik: str
    valid: bool
    errors: list[NikErrorOut]
    province_code: str | None
    regency_code: str | None
    district_code: str | None
    province: str | None
    regency: str | None
    district: str | None
    birth_date: dt.date | None
    sex: str | None


class NikBatchIn(Schema):
    niks: list[str] = Field(..., max_length=1000)
