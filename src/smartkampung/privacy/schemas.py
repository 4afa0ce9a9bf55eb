from typing import Any

from smartkampung.core.schemas import Schema


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
