"""The KTP scan's API shapes: the reading (ktp.reading.Reading.as_json, the same everywhere), the QR code's text,
and the refusals (the API's one error shape with the reader's `code`)."""

from __future__ import annotations

from pydantic import Field

from smartkampung.core.schemas import Schema
from smartkampung.population.schemas import FieldError


class KtpCheckOut(Schema):
    code: str = Field(description="What was checked, e.g. nik_structure, birth_date_digit_corrected, register_name")
    field: str | None = Field(description="The field the check is about, if one")
    ok: bool
    text: str = Field(description="The check in words, in the reader's language")


class KtpReadingOut(Schema):
    nik: str | None = None
    name: str | None = None
    birth_place: str | None = None
    birth_date: str | None = Field(None, description="YYYY-MM-DD")
    sex: str | None = Field(None, description="male or female")
    address: str | None = None
    rt_rw: str | None = Field(None, description='e.g. "001/004"')
    village: str | None = Field(None, description="The official village name when matched, else the text read")
    district: str | None = Field(None, description="The official kecamatan name when matched, else the text read")
    religion: str | None = Field(None, description="The register's code, e.g. islam")
    marital_status: str | None = Field(None, description="The register's code, e.g. married")
    occupation: str | None = Field(None, description="The official word, e.g. WIRASWASTA")
    nationality: str | None = Field(None, description="WNI or WNA")
    village_code: str | None = Field(None, description="The official code of the matched village")
    district_code: str | None = Field(None, description="The official code of the matched kecamatan")
    confidence: dict[str, float] = Field(description="How sure each field is, 0..1")
    checks: list[KtpCheckOut] = Field(
        description="What was checked: the NIK's structure, the printed birth date and sex against its digits, "
        "official names, and (for staff whose scope covers the NIK) whether the card agrees with the register"
    )


class KtpQrOut(Schema):
    text: str = Field(description="The QR code's text")
    code: str | None = Field(description="The pre-registration code, when the text is one")


class KtpErrorOut(Schema):
    detail: str
    errors: list[FieldError] = []
    code: str | None = Field(
        None,
        description="Why the photo could not be read: empty, not_image, too_large, too_small, too_blurred, "
        "no_card, error (no_qr for a QR code); bad_form for a body that is no readable form; busy (503, with "
        "Retry-After) when the reader had no turn free in time",
    )
