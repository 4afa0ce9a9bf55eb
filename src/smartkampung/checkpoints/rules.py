"""What the entry rules decide for a traveller. Pure functions: the same inputs and rule give the
same outcome, so a decision can be explained and re-checked later."""

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from smartkampung.checkpoints.models import Outcome
from smartkampung.health.models import EntryRule, Symptom


@dataclass(frozen=True)
class Traveller:
    """What the decision needs to know about one traveller."""

    origin_regency: str = ""  # 4-digit Kemendagri code of where they come from ("" when unknown)
    is_resident: bool = False  # registered in the served regency: they are coming home
    temperature: Decimal | None = None
    symptoms: tuple[str, ...] = ()
    contact_with_case: bool = False
    found_wandering: bool = False


@dataclass(frozen=True)
class Decision:
    outcome: str
    # Each reason as (code, parameters), turned into words by `explain` in the reader's language.
    reasons: list[list] = field(default_factory=list)
    monitoring_days: int = 0

    def monitoring_until(self, day: dt.date) -> dt.date | None:
        return day + dt.timedelta(days=self.monitoring_days) if self.monitoring_days else None


def _matches(origin_regency: str, codes: list[str]) -> str:
    """The listed code (a province's 2 digits or a regency's 4) that covers the origin, or ""."""
    for code in codes:
        if origin_regency and origin_regency.startswith(code):
            return code
    return ""


def decide(rule: EntryRule, traveller: Traveller) -> Decision:
    """Refused (a banned origin, unless coming home) > referred (temperature or symptoms) > ODR
    (high-risk origin, contact with a case, or a resident coming home from a banned origin) > allowed."""
    reasons: list[list] = []
    days = rule.isolation_days
    if traveller.found_wandering:
        return Decision(Outcome.TO_ISOLATION, [["found_wandering", {}]], days)
    banned = _matches(traveller.origin_regency, rule.banned_origins)
    if banned and not traveller.is_resident:
        return Decision(Outcome.REFUSED, [["banned_origin", {"code": banned}]], 0)
    if traveller.temperature is not None and traveller.temperature >= rule.temperature_threshold:
        reasons.append(
            ["temperature", {"value": str(traveller.temperature), "threshold": str(rule.temperature_threshold)}]
        )
    referring = [s for s in traveller.symptoms if s in rule.referral_symptoms]
    if referring:
        reasons.append(["symptoms", {"symptoms": referring}])
    if reasons:
        return Decision(Outcome.REFERRED, reasons, days)
    if banned:
        reasons.append(["resident_from_banned", {"code": banned}])
    high_risk = _matches(traveller.origin_regency, rule.high_risk_origins)
    if high_risk:
        reasons.append(["high_risk_origin", {"code": high_risk}])
    if traveller.contact_with_case:
        reasons.append(["contact", {}])
    if reasons:
        return Decision(Outcome.ODR, reasons, days)
    return Decision(Outcome.ALLOWED, [["clear", {}]], 0)


def region_name(code: str) -> str:
    """A province (2 digits) or regency (4 digits) by its name."""
    from smartkampung.regions.codes import code_lists

    lists = code_lists()
    if len(code) == 2:
        return lists.provinces.get(code, code)
    regency = lists.regencies.get(code)
    return regency[1] if regency else code


def explain(reason: list) -> str:
    """One reason in words, in the active language."""
    code, params = reason[0], reason[1] if len(reason) > 1 else {}
    if code == "banned_origin":
        return _("Comes from %(place)s, where entry is banned.") % {"place": region_name(params["code"])}
    if code == "resident_from_banned":
        return _("A resident coming home from %(place)s (a banned area): may enter, under monitoring.") % {
            "place": region_name(params["code"])
        }
    if code == "high_risk_origin":
        return _("Comes from %(place)s, a high-risk area.") % {"place": region_name(params["code"])}
    if code == "temperature":
        return _("Temperature %(value)s °C, at or above the limit of %(threshold)s °C.") % params
    if code == "symptoms":
        labels = [str(Symptom(s).label) for s in params["symptoms"] if s in Symptom.values]
        return ngettext("Symptom: %(list)s.", "Symptoms: %(list)s.", len(labels)) % {"list": ", ".join(labels)}
    if code == "contact":
        return _("Had contact with a confirmed case.")
    if code == "found_wandering":
        return _("Found in the village without having passed a checkpoint.")
    return _("No risk found under the rules in force.")
