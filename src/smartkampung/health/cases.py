"""Writes of isolation cases and their daily follow-ups. Each owns its transaction and its audit entry;
symptoms found at a follow-up extend the case and tell the village (through the notification outbox)."""

import datetime as dt
import logging
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from smartkampung.audit import services as audit
from smartkampung.checkpoints.models import MONITORED, Arrival, EntryRule, IsolationPlace
from smartkampung.checkpoints.rules import DEFAULT_REFERRAL_SYMPTOMS
from smartkampung.checkpoints.selectors import rule_in_force
from smartkampung.checkpoints.validation import Checked
from smartkampung.core.errors import Refused
from smartkampung.health import selectors
from smartkampung.health.models import CaseOutcome, CaseSource, FollowUp, FollowUpStatus, MonitoringCase
from smartkampung.health.validation import check_case, check_closing, check_follow_up
from smartkampung.notifications.models import Notification
from smartkampung.notifications.services import notify
from smartkampung.population.models import Resident

logger = logging.getLogger(__name__)


class CaseError(Refused):
    """A case or follow-up refused."""


def _raise_if_invalid(checked: Checked) -> None:
    if not checked.ok:
        raise CaseError(checked.errors)


def _rule(day: dt.date) -> EntryRule:
    """The rule in force on that day; before any rule was written, the built-in practice of 2020."""
    at = timezone.make_aware(dt.datetime.combine(day, dt.time(23, 59)))
    return rule_in_force(at) or EntryRule(referral_symptoms=list(DEFAULT_REFERRAL_SYMPTOMS))


def _place_of(arrival: Arrival) -> tuple[str, int | None]:
    from smartkampung.isolation.models import HOLDING, Reservation

    held = (
        Reservation.objects.filter(nik=arrival.nik, status__in=list(HOLDING)).values_list("house_id", flat=True).first()
        if arrival.nik
        else None
    )
    if held:
        return IsolationPlace.HOUSE, held
    return arrival.isolation_place, None


def _where(village_code: str):
    served = selectors.puskesmas_for_village(village_code)
    if served is None:
        raise CaseError([("village", _("No Puskesmas serves this village yet: ask the health office to assign one."))])
    return served


def open_case_for_arrival(*, arrival: Arrival, user) -> MonitoringCase | None:
    """Open the case of an arrival the rules put under monitoring, in the caller's transaction. Someone
    already under monitoring keeps their open case (None is returned)."""
    if arrival.outcome not in MONITORED or arrival.monitoring_until is None:
        return None
    if arrival.nik and MonitoringCase.objects.filter(nik=arrival.nik, outcome="").exists():
        return None
    served = selectors.puskesmas_for_village(arrival.destination_village_id)
    if served is None:
        # An arrival must never fail for want of a Puskesmas assignment; the log names the village.
        logger.error("no Puskesmas serves %s: arrival %s has no case", arrival.destination_village_id, arrival.pk)
        return None
    district_id, puskesmas_id = served
    place, house = _place_of(arrival)
    try:
        with transaction.atomic():
            case = MonitoringCase.objects.create(
                source=CaseSource.FOUND if arrival.source == Arrival.Source.FOUND else CaseSource.ARRIVAL,
                arrival=arrival,
                resident_id=arrival.resident_id,
                nik=arrival.nik,
                name=arrival.name or arrival.description[:150],
                sex=arrival.sex,
                phone=arrival.phone,
                village_id=arrival.destination_village_id,
                district_id=district_id,
                puskesmas_id=puskesmas_id,
                address=arrival.destination_address or arrival.found_at,
                place=place,
                house_id=house,
                start_date=timezone.localdate(arrival.registered_at),
                planned_end=arrival.monitoring_until,
                created_by=user,
            )
    except IntegrityError:
        return None  # opened a moment ago by a second registration of the same person
    audit.record(
        action="create",
        object_type="isolation_case",
        subject=case.nik or str(case.pk),
        object_ids=[case.nik] if case.nik else [],
        detail={"case": case.pk, "arrival": arrival.pk, "source": case.source},
        user=user,
    )
    return case


def open_case(*, user, values: dict[str, Any]) -> MonitoringCase:
    """Open a case by hand (a contact traced, a resident sent home by a hospital): the village's operator,
    its Puskesmas or the health agency."""
    today = timezone.localdate()
    checked = check_case(values, today=today)
    _raise_if_invalid(checked)
    data = checked.values
    if not selectors.may_open_case(user, data["village"]):
        raise PermissionDenied(_("Only the village's operator, its Puskesmas or the health agency opens cases here."))
    resident = (
        Resident.objects.filter(nik=data["nik"]).only("pk", "name", "sex", "phone").first() if data["nik"] else None
    )
    house = None
    if data["house"] is not None:
        from smartkampung.isolation.models import IsolationHouse

        house = IsolationHouse.objects.filter(pk=data["house"]).first()
        if house is None or (data["place"] == IsolationPlace.CENTRAL) != house.is_central:
            raise CaseError([("house", _("Choose an isolation house of the kind chosen above."))])
    district_id, puskesmas_id = _where(data["village"])
    days = data["days"] or _rule(data["start_date"]).isolation_days
    try:
        with transaction.atomic():
            case = MonitoringCase.objects.create(
                source=CaseSource.MANUAL,
                resident=resident,
                nik=data["nik"],
                name=data["name"] or (resident.name if resident else ""),
                sex=(resident.sex if resident else data.get("nik_sex")) or "",
                phone=data["phone"] or (resident.phone if resident else ""),
                village_id=data["village"],
                district_id=district_id,
                puskesmas_id=puskesmas_id,
                address=data["address"],
                place=data["place"],
                house=house,
                start_date=data["start_date"],
                planned_end=data["start_date"] + dt.timedelta(days=days),
                note=data["note"],
                created_by=user,
            )
            audit.record(
                action="create",
                object_type="isolation_case",
                subject=case.nik or str(case.pk),
                object_ids=[case.nik] if case.nik else [],
                detail={"case": case.pk, "source": case.source},
                user=user,
            )
    except IntegrityError as exc:
        raise CaseError([("nik", _("This person is already under monitoring: open their case instead."))], 409) from exc
    return case


def _require_worker(user, case: MonitoringCase) -> None:
    if not selectors.may_work_case(user, case):
        raise PermissionDenied(_("Only the case's Puskesmas records its follow-ups."))


def _is_symptomatic(rule: EntryRule, data: dict[str, Any]) -> bool:
    temperature: Decimal | None = data["temperature"]
    return (
        data["status"] == FollowUpStatus.UNWELL
        or (temperature is not None and temperature >= rule.temperature_threshold)
        or any(s in rule.referral_symptoms for s in data["symptoms"])
    )


def record_follow_up(*, user, case: MonitoringCase, values: dict[str, Any]) -> FollowUp:
    """Today's (or a recent day's) check of a case. A second entry for the same day corrects the first.
    Symptoms under the rules extend the case to that day plus the rule's length and tell the village."""
    checked = check_follow_up(values, today=timezone.localdate())
    _raise_if_invalid(checked)
    data = checked.values
    with transaction.atomic():
        case = MonitoringCase.objects.select_for_update().get(pk=case.pk)
        _require_worker(user, case)
        if not case.is_open:
            raise CaseError([("status", _("This case is closed."))], 409)
        if data["day"] < case.start_date:
            raise CaseError([("day", _("The case had not started on that day."))])
        earlier = FollowUp.objects.filter(case=case, day=data["day"]).first()
        fields = {k: data[k] for k in ("status", "temperature", "symptoms", "note")}
        follow_up, created = FollowUp.objects.update_or_create(
            case=case, day=data["day"], defaults={**fields, "recorded_by": user}
        )
        rule = _rule(data["day"])
        symptomatic = _is_symptomatic(rule, data)
        changed = []
        if case.last_seen is None or data["day"] >= case.last_seen:
            case.last_seen, case.symptomatic = data["day"], symptomatic
            changed += ["last_seen", "symptomatic"]
        extended_to = data["day"] + dt.timedelta(days=rule.isolation_days)
        old_end = case.planned_end
        if symptomatic and extended_to > case.planned_end:
            case.planned_end = extended_to
            changed.append("planned_end")
        if changed:
            case.save(update_fields=changed)
        audit.record(
            action="create" if created else "update",
            object_type="follow_up",
            subject=case.nik or str(case.pk),
            object_ids=[case.nik] if case.nik else [],
            changes=(
                {}
                if created
                else {k: [str(getattr(earlier, k)), str(v)] for k, v in fields.items() if getattr(earlier, k) != v}
            )
            | ({"planned_end": [str(old_end), str(case.planned_end)]} if "planned_end" in changed else {}),
            detail={"case": case.pk, "day": data["day"].isoformat(), "status": data["status"]},
            user=user,
        )
        if symptomatic and (earlier is None or not earlier_symptomatic(rule, earlier)):
            notify(
                kind=Notification.Kind.SYMPTOMS,
                village_code=case.village_id,
                subject_type="isolation_case",
                subject_id=case.pk,
                summary={
                    "name": case.name,
                    "nik": case.nik,
                    "phone": case.phone,
                    "destination_address": case.address,
                    "monitoring_until": case.planned_end.isoformat(),
                    "url": f"/health/cases/{case.pk}/",
                },
                actor=user,
            )
    return follow_up


def earlier_symptomatic(rule: EntryRule, follow_up: FollowUp) -> bool:
    return _is_symptomatic(
        rule, {"status": follow_up.status, "temperature": follow_up.temperature, "symptoms": follow_up.symptoms}
    )


def close_case(*, user, case: MonitoringCase, values: dict[str, Any]) -> MonitoringCase:
    """End a case: isolation completed, referred to hospital, confirmed positive, left the area, or died.
    Completing before the planned end is refused: the person is still within their isolation."""
    checked = check_closing(values, today=timezone.localdate())
    _raise_if_invalid(checked)
    data = checked.values
    with transaction.atomic():
        case = MonitoringCase.objects.select_for_update().get(pk=case.pk)
        _require_worker(user, case)
        if not case.is_open:
            raise CaseError([("outcome", _("This case is already closed."))], 409)
        if data["closed_on"] < case.start_date:
            raise CaseError([("closed_on", _("A case cannot close before it started."))])
        if data["outcome"] == CaseOutcome.COMPLETED and data["closed_on"] < case.planned_end:
            raise CaseError(
                [
                    (
                        "outcome",
                        _("Isolation runs until %(day)s: it cannot be completed earlier.")
                        % {"day": case.planned_end.strftime("%d-%m-%Y")},
                    )
                ],
                409,
            )
        case.outcome, case.closed_on = data["outcome"], data["closed_on"]
        if data["note"]:
            case.note = data["note"]
        case.save(update_fields=["outcome", "closed_on", "note"])
        audit.record(
            action="update",
            object_type="isolation_case",
            subject=case.nik or str(case.pk),
            object_ids=[case.nik] if case.nik else [],
            changes={"outcome": ["", case.outcome]},
            detail={"case": case.pk, "closed_on": case.closed_on.isoformat()},
            user=user,
        )
    return case
