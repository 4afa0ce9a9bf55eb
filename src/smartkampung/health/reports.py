"""The Puskesmas daily report: its figures computed from the records, who submits it, and its CSV and DHIS2
dataValueSets formats. Submitting, correcting and pushing to the ministry are writes: `health.services`."""

import datetime as dt
import functools
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from smartkampung.core import spreadsheets
from smartkampung.core.errors import Refused
from smartkampung.health.models import CaseOutcome, DailyReport, FollowUp, FollowUpStatus, MonitoringCase
from smartkampung.regions.models import Puskesmas

# (key, label): computed from the records, in the order the report shows them.
COMPUTED = [
    ("under_monitoring", gettext_lazy("people under monitoring at the end of the day")),
    ("new_cases", gettext_lazy("new cases")),
    ("symptomatic", gettext_lazy("with symptoms at the follow-up")),
    ("followed_up", gettext_lazy("seen")),
    ("not_reached", gettext_lazy("not reachable or refused")),
    ("missed", gettext_lazy("under monitoring but not followed up")),
    ("completed", gettext_lazy("completed isolation")),
    ("referred", gettext_lazy("referred to hospital")),
    ("positive", gettext_lazy("confirmed positive")),
    ("left_or_died", gettext_lazy("left the area or died")),
    ("beds", gettext_lazy("isolation beds watched")),
    ("beds_taken", gettext_lazy("isolation beds taken")),
]
# The few figures staff type in: what the records of this system do not hold.
ENTERED = [
    ("rapid_tests", gettext_lazy("rapid tests done")),
    ("swabs", gettext_lazy("PCR swabs taken")),
    ("positive_results", gettext_lazy("positive laboratory results received")),
]
LABELS = dict(COMPUTED + ENTERED)


class ReportError(Refused):
    """A report, or its sending, refused."""


def compute_figures(*, puskesmas: Puskesmas, day: dt.date) -> dict[str, int]:
    """The day's figures of one Puskesmas from its cases, follow-ups and houses (a few grouped queries)."""
    from smartkampung.health.selectors import is_symptomatic, rule_on
    from smartkampung.isolation.models import IsolationHouse
    from smartkampung.isolation.selectors import taken_beds

    cases = MonitoringCase.objects.filter(puskesmas=puskesmas)
    open_at_end = cases.filter(start_date__lte=day).filter(Q(closed_on__isnull=True) | Q(closed_on__gt=day))
    closed = dict(cases.filter(closed_on=day).order_by().values_list("outcome").annotate(n=Count("id")))
    follow_ups = list(
        FollowUp.objects.filter(case__puskesmas=puskesmas, day=day).values("status", "temperature", "symptoms")
    )
    rule = rule_on(puskesmas.district_id[:4], day)
    houses = list(IsolationHouse.objects.filter(puskesmas=puskesmas, status=IsolationHouse.Status.OPEN))
    taken = taken_beds(house_ids=[h.pk for h in houses])
    under = open_at_end.count()
    return {
        "under_monitoring": under,
        "new_cases": cases.filter(start_date=day).count(),
        "symptomatic": sum(1 for f in follow_ups if is_symptomatic(rule, f)),
        "followed_up": sum(1 for f in follow_ups if f["status"] in (FollowUpStatus.WELL, FollowUpStatus.UNWELL)),
        "not_reached": sum(
            1 for f in follow_ups if f["status"] in (FollowUpStatus.UNREACHABLE, FollowUpStatus.REFUSED)
        ),
        "missed": open_at_end.exclude(follow_ups__day=day).count(),
        "completed": closed.get(CaseOutcome.COMPLETED, 0),
        "referred": closed.get(CaseOutcome.REFERRED, 0),
        "positive": closed.get(CaseOutcome.POSITIVE, 0),
        "left_or_died": closed.get(CaseOutcome.LEFT, 0) + closed.get(CaseOutcome.DIED, 0),
        "beds": sum(h.beds_male + h.beds_female + h.beds_any for h in houses),
        "beds_taken": sum(taken.values()),
    }


def entered_values(values: dict[str, Any]) -> tuple[dict[str, int], list[tuple[str, str]]]:
    """The typed-in figures as whole numbers, with the problems in words."""
    entered, errors = {}, []
    for key, label in ENTERED:
        raw = str(values.get(key) or "").strip()
        if not raw:
            entered[key] = 0
        elif raw.isdigit() and int(raw) <= 100_000:
            entered[key] = int(raw)
        else:
            errors.append((key, _("%(label)s: enter a whole number from 0.") % {"label": str(label).capitalize()}))
    return entered, errors


def may_report(user, puskesmas: Puskesmas) -> bool:
    """The Puskesmas's own staff submit its report (the administrator may, to help)."""
    from smartkampung.accounts.selectors import may_submit_report_of

    return may_submit_report_of(user, puskesmas.pk)


# ---------------------------------------------------------------- formats


@dataclass(frozen=True)
class Mapping:
    data_set: str
    category_option_combo: str
    data_elements: dict[str, str]
    org_units: dict[str, str]


@functools.cache
def _mapping_from(path: str) -> Mapping:
    raw = json.loads(Path(path).read_text(encoding="utf-8"))
    return Mapping(
        data_set=raw["dataSet"],
        category_option_combo=raw.get("categoryOptionCombo", ""),
        data_elements={k: v for k, v in raw.get("dataElements", {}).items() if v},
        org_units=raw.get("orgUnits", {}),
    )


def mapping() -> Mapping:
    """Our figures to the ministry's DHIS2 codes, from DHIS2_MAPPING_FILE (an example ships in the package)."""
    return _mapping_from(str(settings.DHIS2_MAPPING_FILE))


def data_value_set(report: DailyReport) -> dict[str, Any]:
    """The report as the DHIS2 Web API's dataValueSets JSON. Sending it twice replaces the same values."""
    codes = mapping()
    org_unit = codes.org_units.get(report.puskesmas.name)
    if not org_unit:
        raise ReportError(
            [("puskesmas", _("No DHIS2 org unit is configured for %(name)s.") % {"name": report.puskesmas.name})]
        )
    values = report.figures | report.entered
    data_values = []
    for key, element in codes.data_elements.items():
        if key not in values:
            continue
        value = {"dataElement": element, "value": str(values[key])}
        if codes.category_option_combo:
            value["categoryOptionCombo"] = codes.category_option_combo
        if key == "under_monitoring" and report.version > 1:
            value["comment"] = f"v{report.version}: {report.correction_reason}"[:360]
        data_values.append(value)
    return {
        "dataSet": codes.data_set,
        "period": report.day.strftime("%Y%m%d"),
        "orgUnit": org_unit,
        "completeDate": timezone.localtime(report.submitted_at).date().isoformat(),
        "dataValues": data_values,
    }


CSV_COLUMNS = ["day", "puskesmas", "version", "submitted_at", "submitted_by", *LABELS.keys(), "note"]


def reports_csv(reports) -> str:
    """The reports as CSV; every cell through core.spreadsheets, so none reaches a spreadsheet as a formula."""

    def rows():
        yield CSV_COLUMNS
        for r in reports:
            values = r.figures | r.entered
            yield [
                r.day.isoformat(),
                r.puskesmas.name,
                r.version,
                timezone.localtime(r.submitted_at).isoformat(timespec="seconds"),
                r.submitted_by.get_username(),
                *(values.get(k, "") for k in LABELS),
                r.note,
            ]

    return spreadsheets.csv_text(rows())
