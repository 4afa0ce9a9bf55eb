"""Arrivals and pre-registrations as the API and the pages show them (reasons in words)."""

from dataclasses import dataclass
from typing import Any

import segno

from smartkampung.checkpoints import rules, selectors
from smartkampung.checkpoints.models import Arrival, Checkpoint, Outcome, PreRegistration
from smartkampung.population.models import Resident
from smartkampung.regions.codes import code_lists
from smartkampung.regions.nik import parse_nik
from smartkampung.regions.selectors import served_village


def origin_name(code: str | None) -> str:
    if not code:
        return ""
    lists = code_lists()
    regency = lists.regencies.get(code)
    if regency is None:
        return code
    province = lists.provinces.get(regency[0], "")
    return f"{regency[1]}, {province}" if province else regency[1]


def _village_name(code: str) -> str:
    village = served_village(code)
    return village.name if village else code


def arrival_dict(a: Arrival) -> dict[str, Any]:
    return {
        "id": a.pk,
        "source": a.source,
        "checkpoint": a.checkpoint.code if a.checkpoint_id else None,
        "registered_at": a.registered_at,
        "nik": a.nik,
        "name": a.name or a.description,
        "sex": a.sex,
        "birth_date": a.birth_date,
        "origin_regency": a.origin_regency_id,
        "origin": origin_name(a.origin_regency_id),
        "phone": a.phone,
        "destination_village": a.destination_village_id,
        "destination_village_name": _village_name(a.destination_village_id),
        "destination_address": a.destination_address,
        "temperature": float(a.temperature) if a.temperature is not None else None,
        "symptoms": a.symptoms,
        "contact_with_case": a.contact_with_case,
        "isolation_place": a.isolation_place,
        "outcome": a.outcome,
        "outcome_label": str(Outcome(a.outcome).label),
        "reasons": [{"code": r[0], "text": rules.explain(r)} for r in a.reasons],
        "monitoring_until": a.monitoring_until,
        "resident": a.resident_id is not None,
        "preregistration_code": a.preregistration.code if a.preregistration_id else None,
    }


def preregistration_dict(p: PreRegistration) -> dict[str, Any]:
    return {
        "code": p.code,
        "nik": p.nik,
        "name": p.name,
        "phone": p.phone,
        "origin": origin_name(p.origin_regency_id),
        "destination_village": p.destination_village_id,
        "destination_village_name": _village_name(p.destination_village_id),
        "destination_address": p.destination_address,
        "expected_arrival": p.expected_arrival,
        "status": p.status,
    }


def qr_svg(code: str) -> str:
    """The code as an inline SVG QR image (no file, no external service)."""
    return segno.make(code, error="m").svg_inline(scale=6, dark="#0b3d2e")


@dataclass
class Lookup:
    nik: str
    valid: bool
    errors: list[str]
    resident: Resident | None
    earlier: list[Arrival]
    preregistrations: list[PreRegistration]
    nik_regency: str | None
    nik_sex: str | None
    nik_birth: Any

    @property
    def _stated_origin(self) -> str | None:
        return self.preregistrations[0].origin_regency_id if self.preregistrations else None

    def as_json(self) -> dict[str, Any]:
        r = self.resident
        return {
            "nik": self.nik,
            "valid": self.valid,
            "errors": self.errors,
            "resident": r is not None,
            "name": r.name if r else (self.preregistrations[0].name if self.preregistrations else ""),
            "sex": (r.sex if r else self.nik_sex) or None,
            "birth_date": r.birth_date if r else self.nik_birth,
            # Where the trip comes from is asked at the desk: only a pre-registration's stated origin is
            # offered, never the NIK's (home) regency.
            "origin_regency": self._stated_origin,
            "origin": origin_name(self._stated_origin),
            "home_village": r.village_id if r else None,
            "home_address": r.household.address if r else "",
            "phone": r.phone if r else (self.preregistrations[0].phone if self.preregistrations else ""),
            "earlier": [arrival_dict(a) for a in self.earlier],
            "preregistrations": [preregistration_dict(p) for p in self.preregistrations],
        }


def lookup(*, checkpoint: Checkpoint, nik: str) -> Lookup:
    """What the officer needs after typing a NIK: the registry's record (to pre-fill), earlier passes
    here, and an announced trip. The caller has checked that the user is an officer of the checkpoint."""
    parsed = parse_nik(nik.strip())
    if not parsed.valid:
        return Lookup(parsed.nik, False, [e.message for e in parsed.errors], None, [], [], None, None, None)
    resident = Resident.objects.select_related("village", "household").filter(nik=parsed.nik).first()
    return Lookup(
        parsed.nik,
        True,
        [],
        resident,
        list(selectors.earlier_arrivals(checkpoint=checkpoint, nik=parsed.nik).select_related("destination_village")),
        list(selectors.pending_preregistrations(nik=parsed.nik)),
        parsed.regency_code,
        parsed.sex,
        parsed.birth_date,
    )
