"""Schemas of the places API. Inputs take numbers as numbers or text: the service reads them and refuses what
is not a number in words of its own (a 422 naming the field), the same words the pages show."""

import datetime as dt

from pydantic import Field

from smartkampung.core.schemas import Schema
from smartkampung.population.schemas import ErrorOut

# One error shape for the whole API (population.schemas.ErrorOut): the OpenAPI document names each schema once.
ErrorsOut = ErrorOut


class TourismPlaceOut(Schema):
    id: int
    kind: str
    kind_label: str
    name: str
    description: str
    status: str
    status_label: str
    owner_name: str
    owner_username: str | None
    contact_phone: str
    contact_email: str
    village: str
    village_name: str
    district: str
    district_name: str
    address: str
    latitude: float
    longitude: float
    opening_hours: str
    capacity: int
    usual_stay_minutes: int
    photos: list[str] = Field(description="Addresses of the place's photos")
    created_at: dt.datetime
    updated_at: dt.datetime


class TourismPlacePage(Schema):
    count: int
    items: list[TourismPlaceOut]


class TourismPlaceIn(Schema):
    kind: str = Field(description="destination, hotel, homestay, cafe, restaurant or warung")
    name: str
    description: str = ""
    owner_name: str = ""
    contact_phone: str = Field("", description="An Indonesian number; kept as +62…")
    contact_email: str = ""
    village: str = Field(description="10-digit code of a village of the regency")
    address: str
    latitude: float | str
    longitude: float | str
    opening_hours: str = ""
    capacity: int | str = Field(description="Most visitors inside at once, 1 to 100000")
    usual_stay_minutes: int | str = Field(120, description="10 to 20160 minutes")
    owner_username: str = Field(
        "", description="Tourism agency only: make the owner an account with this username (one-time password)"
    )


class TourismPlaceCreated(Schema):
    place: TourismPlaceOut
    owner_username: str = ""
    one_time_password: str = Field("", description="Shown in this answer only, when an owner account was made")


class TourismPlacePatch(Schema):
    kind: str | None = None
    name: str | None = None
    description: str | None = None
    owner_name: str | None = None
    contact_phone: str | None = None
    contact_email: str | None = None
    village: str | None = None
    address: str | None = None
    latitude: float | str | None = None
    longitude: float | str | None = None
    opening_hours: str | None = None
    capacity: int | str | None = None
    usual_stay_minutes: int | str | None = None
