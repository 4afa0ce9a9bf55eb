"""A data subject's request (UU 27/2022): everything held about one NIK, gathered from every app's registered
sources (core.subject_data), and the audit entry that says who asked for it, why (the request letter's reference)
and what it held. The page and the API call these; the PDF is drawn in privacy.pdf."""

import json
import re
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from smartkampung.accounts.selectors import may_export_subject_data
from smartkampung.audit import services as audit
from smartkampung.core import subject_data
from smartkampung.core.errors import Refused

NIK = re.compile(r"[0-9]{16}")
REFERENCE_MAX = 100
FORMATS = ("page", "json", "pdf")


@dataclass(frozen=True)
class Section:
    code: str
    label: str
    records: list[dict[str, Any]]

    @property
    def count(self) -> int:
        return len(self.records)


@dataclass(frozen=True)
class SubjectData:
    nik: str
    reference: str
    generated_at: Any
    sections: list[Section]

    @property
    def held(self) -> bool:
        return any(section.count for section in self.sections)

    @property
    def counts(self) -> dict[str, int]:
        return {section.code: section.count for section in self.sections}

    def as_dict(self) -> dict[str, Any]:
        return {
            "nik": self.nik,
            "reference": self.reference,
            "controller": settings.SITE_NAME,
            "generated_at": subject_data.plain(self.generated_at),
            "held": self.held,
            "summary": _("Data is held about this NIK.") if self.held else _("Nothing is held about this NIK."),
            "sections": [
                {"code": s.code, "label": s.label, "count": s.count, "records": s.records} for s in self.sections
            ],
        }

    def as_json(self) -> bytes:
        return json.dumps(self.as_dict(), cls=DjangoJSONEncoder, ensure_ascii=False, indent=2).encode()


def checked_nik(nik: str) -> str:
    nik = (nik or "").strip()
    if not NIK.fullmatch(nik):
        raise Refused([("nik", _("A NIK has 16 digits."))])
    return nik


def checked_reference(reference: str) -> str:
    reference = " ".join((reference or "").split())
    if not reference:
        raise Refused([("reference", _("Give the reference of the request (the number of the request letter)."))])
    if len(reference) > REFERENCE_MAX:
        raise Refused([("reference", _("The reference is at most %(max)d characters long.") % {"max": REFERENCE_MAX})])
    return reference


def export_subject_data(*, user, nik: str, reference: str, format: str) -> SubjectData:
    """Everything held about `nik`, audited as one entry: "view" for the page's overview, "export" for a file (JSON
    or PDF). Refused (404, as if there were no such thing) for anyone but who may export (accounts.selectors)."""
    if not may_export_subject_data(user):
        raise Refused([("", _("Not found."))], status=404)
    nik, reference = checked_nik(nik), checked_reference(reference)
    if not may_export_subject_data(user, nik, home_village=subject_data.home_village(nik)):
        # Another regency's person (where they are registered now): as if there were no such thing.
        raise Refused([("nik", _("Not found."))], status=404)
    if format not in FORMATS:
        raise Refused([("format", _("Choose JSON or PDF."))])
    with transaction.atomic():
        sections = [
            Section(code=source.code, label=str(source.label), records=source.function(nik))
            for source in subject_data.sources()
        ]
        found = SubjectData(nik=nik, reference=reference, generated_at=timezone.now(), sections=sections)
        audit.record(
            user=user,
            action="view" if format == "page" else "export",
            object_type="subject_data",
            subject=nik,
            detail={"reference": reference, "format": format, "sections": found.counts, "held": found.held},
        )
    return found
