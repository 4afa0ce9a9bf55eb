from typing import Any

from smartkampung.core.schemas import Schema


class SubjectRequestIn(Schema):
    """Whose data and why: the NIK and the reference of the person's request letter (both checked in words by the
    service, so a missing or malformed one is answered like a wrong one)."""

    nik: str = ""
    reference: str = ""


class SubjectSectionOut(Schema):
    code: str
    label: str
    count: int
    records: list[dict[str, Any]]


class SubjectDataOut(Schema):
    nik: str
    reference: str
    controller: str
    generated_at: str
    held: bool
    summary: str
    sections: list[SubjectSectionOut]
