"""API input and output of the isolation module."""

import datetime as dt

from ninja import Field

from smartkampung.core.schemas import Schema


class PlaceOut(Schema):
    id: int
    name: str
    village: str | None
    village_name: str | None
    central: bool
    address: str
    latitude: float
    longitude: float
    separated: bool
    free_male: int
    free_female: int
    free_any: int
    facilities: list[str]
    contact_phone: str
    distance_km: float | None


class ReservationIn(Schema):
    nik: str
    kk_number: str = Field(description="The family card number: the second factor")
    phone: str
    expected_arrival: str = Field(description="YYYY-MM-DD or DD-MM-YYYY")


class ReservationOut(Schema):
    code: str
    house: str
    address: str
    expected_arrival: dt.date
    hold_until: dt.datetime


class IsolationErrorOut(Schema):
    detail: str


class OwnReservationIn(Schema):
    code: str = Field(..., max_length=40, description="The code received when reserving", examples=["K7M2QX9P"])
    nik: str = Field(..., max_length=40, examples=["3510151708850001"])
    kk_number: str = Field(..., max_length=40, description="The family card number: the second factor")


class OwnReservationOut(Schema):
    code: str
    status: str = Field(description="held, checked_in, checked_out, lapsed or cancelled")
    status_label: str
    may_cancel: bool
    house: str
    address: str
    village_name: str | None
    expected_arrival: dt.date
    hold_until: dt.datetime
    contact_name: str
    contact_phone: str
    latitude: float
    longitude: float
    map_url: str = Field(description="The house on OpenStreetMap")
    detail: str = Field("", description="What just happened, in words (when cancelling)")
