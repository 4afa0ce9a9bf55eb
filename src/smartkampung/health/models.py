"""Health: the entry rules the health agency sets (what refers a traveller, how long isolation lasts),
isolation cases, their daily follow-ups, the Puskesmas daily report and its sending to the ministry,
and the daily tallies the dashboards chart. The Puskesmas and the villages each serves are reference
places in `regions`; checkpoints build on this module, never the other way round."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from smartkampung.regions.models import District, Puskesmas, Regency, Village


class Symptom(models.TextChoices):
    FEVER = "fever", _("fever")
    COUGH = "cough", _("cough")
    SORE_THROAT = "sore_throat", _("sore throat")
    BREATHLESS = "breathless", _("shortness of breath")
    SMELL_TASTE = "smell_taste", _("loss of smell or taste")
    TIREDNESS = "tiredness", _("tiredness")
    DIARRHOEA = "diarrhoea", _("diarrhoea")
    HEADACHE = "headache", _("headache")


# Built before any health officer has written a rule: the 2020 practice (37.5 °C, 14 days).
DEFAULT_REFERRAL_SYMPTOMS = [Symptom.FEVER, Symptom.COUGH, Symptom.BREATHLESS, Symptom.SMELL_TASTE]


class IsolationPlace(models.TextChoices):
    HOME = "home", _("at home")
    HOUSE = "house", _("a village isolation house")
    CENTRAL = "central", _("the regency's central facility")


def home_regency() -> str:
    """The deployment's home regency (the first served): where a rule made without one applies."""
    return settings.SMARTKAMPUNG_REGENCY


class EntryRule(models.Model):
    """The entry rules of a regency's checkpoints in force from `effective_from` until the regency's next rule:
    a change is a new rule, never an edit, so every registration keeps the rule that decided it. Each regency's
    health agency sets its own."""

    regency = models.ForeignKey(
        Regency, on_delete=models.PROTECT, related_name="+", verbose_name=_("regency"), default=home_regency
    )
    effective_from = models.DateTimeField(_("in force from"))
    banned_origins = models.JSONField(_("banned origins"), default=list, blank=True)
    high_risk_origins = models.JSONField(_("high-risk origins"), default=list, blank=True)
    temperature_threshold = models.DecimalField(
        _("temperature threshold (°C)"), max_digits=3, decimal_places=1, default=37.5
    )
    referral_symptoms = models.JSONField(_("symptoms that refer to the Puskesmas"), default=list, blank=True)
    isolation_days = models.PositiveSmallIntegerField(_("isolation length (days)"), default=14)
    note = models.CharField(_("reason for the change"), max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("made at"), auto_now_add=True)

    class Meta:
        ordering = ["-effective_from", "-id"]
        get_latest_by = "effective_from"
        verbose_name = _("entry rule")
        verbose_name_plural = _("entry rules")
        db_table = "checkpoints_entryrule"  # moved from the checkpoints app; the table kept its name
        constraints = [
            models.CheckConstraint(
                condition=models.Q(isolation_days__gte=1, isolation_days__lte=60), name="entryrule_isolation_days"
            ),
            models.CheckConstraint(
                condition=models.Q(temperature_threshold__gte=35, temperature_threshold__lte=42),
                name="entryrule_temperature",
            ),
        ]

    def __str__(self) -> str:
        return f"{_('entry rule')} {self.regency_id} {self.effective_from:%Y-%m-%d %H:%M}"


class CaseSource(models.TextChoices):
    ARRIVAL = "arrival", _("checkpoint arrival")
    FOUND = "found", _("found wandering")
    MANUAL = "manual", _("opened by hand")


class CaseOutcome(models.TextChoices):
    COMPLETED = "completed", _("completed isolation")
    REFERRED = "referred", _("referred to hospital")
    POSITIVE = "positive", _("confirmed positive")
    LEFT = "left", _("left the area")
    DIED = "died", _("died")


class MonitoringCase(models.Model):
    """A person under isolation and daily monitoring by a Puskesmas, from `start_date` to `planned_end`
    (the rule's length; symptoms push it back). Open until closed with an outcome."""

    source = models.CharField(_("opened from"), max_length=8, choices=CaseSource.choices)
    arrival = models.OneToOneField(
        "checkpoints.Arrival", on_delete=models.PROTECT, null=True, blank=True, related_name="case"
    )
    resident = models.ForeignKey(
        "population.Resident", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    nik = models.CharField(_("NIK"), max_length=16, blank=True, db_index=True)
    name = models.CharField(_("name"), max_length=150)
    sex = models.CharField(_("sex"), max_length=6, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    village = models.ForeignKey(Village, on_delete=models.PROTECT, related_name="+", verbose_name=_("village"))
    # Copied from the village at opening so the kecamatan's figures never need a join.
    district = models.ForeignKey(District, on_delete=models.PROTECT, related_name="+", verbose_name=_("kecamatan"))
    puskesmas = models.ForeignKey(
        Puskesmas, on_delete=models.PROTECT, related_name="cases", verbose_name=_("Puskesmas")
    )
    address = models.CharField(_("where isolating"), max_length=200, blank=True)
    place = models.CharField(
        _("isolates at"), max_length=8, choices=IsolationPlace.choices, default=IsolationPlace.HOME
    )
    house = models.ForeignKey(
        "isolation.IsolationHouse",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="cases",
        verbose_name=_("isolation house"),
    )
    start_date = models.DateField(_("start"))
    planned_end = models.DateField(_("planned end"))
    # The day of the latest follow-up and whether it found symptoms: today's work list and the
    # overdue highlight read these instead of scanning every follow-up.
    last_seen = models.DateField(_("last follow-up"), null=True, blank=True)
    symptomatic = models.BooleanField(_("symptoms at the last follow-up"), default=False)
    outcome = models.CharField(_("outcome"), max_length=10, choices=CaseOutcome.choices, blank=True)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("opened at"), auto_now_add=True)
    # Set when the retention job removed who it was (health/retention.py); what the reports count stays.
    anonymised_at = models.DateTimeField(_("anonymised at"), null=True, blank=True)

    class Meta:
        ordering = ["-start_date", "-id"]
        verbose_name = _("isolation case")
        verbose_name_plural = _("isolation cases")
        indexes = [
            models.Index(
                fields=["puskesmas", "last_seen"], condition=models.Q(outcome=""), name="case_open_by_puskesmas"
            ),
            models.Index(fields=["village", "-start_date"], name="case_village_recent"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(planned_end__gte=models.F("start_date")), name="case_end_after_start"
            ),
            models.CheckConstraint(
                condition=models.Q(outcome="", closed_on__isnull=True)
                | (~models.Q(outcome="") & models.Q(closed_on__isnull=False)),
                name="case_closed_with_outcome",
            ),
            models.CheckConstraint(
                condition=models.Q(outcome__in=["", "completed", "referred", "positive", "left", "died"]),
                name="case_outcome",
            ),
            models.CheckConstraint(condition=models.Q(place__in=["home", "house", "central"]), name="case_place"),
            # One open case per person and village: a second arrival of someone already monitored joins that
            # case (health.services checks the whole regency). Not per regency: a village operator who opens a
            # case for a NIK monitored in another jurisdiction must not learn that it is (issue 13).
            models.UniqueConstraint(
                fields=["nik", "village"],
                condition=models.Q(outcome="") & ~models.Q(nik=""),
                name="case_one_open_per_nik_village",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.start_date:%d-%m-%Y})"

    @property
    def is_open(self) -> bool:
        return not self.outcome


class FollowUpStatus(models.TextChoices):
    WELL = "well", _("seen, well")
    UNWELL = "unwell", _("seen, unwell")
    UNREACHABLE = "unreachable", _("not reachable")
    REFUSED = "refused", _("refused")


class FollowUp(models.Model):
    """One day's check of a case by the Puskesmas. One per case and day: a second entry for the same
    day corrects the first (audited)."""

    case = models.ForeignKey(MonitoringCase, on_delete=models.CASCADE, related_name="follow_ups")
    day = models.DateField(_("day"))
    status = models.CharField(_("result"), max_length=12, choices=FollowUpStatus.choices)
    temperature = models.DecimalField(_("temperature (°C)"), max_digits=3, decimal_places=1, null=True, blank=True)
    symptoms = models.JSONField(_("symptoms"), default=list, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(_("recorded at"), auto_now=True)

    class Meta:
        ordering = ["-day"]
        verbose_name = _("follow-up")
        verbose_name_plural = _("follow-ups")
        constraints = [
            models.UniqueConstraint(fields=["case", "day"], name="followup_one_per_day"),
            models.CheckConstraint(
                condition=models.Q(status__in=["well", "unwell", "unreachable", "refused"]), name="followup_status"
            ),
            models.CheckConstraint(
                condition=models.Q(temperature__isnull=True) | models.Q(temperature__gte=30, temperature__lte=45),
                name="followup_temperature",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case_id} {self.day}"


class DailyReport(models.Model):
    """A Puskesmas's report for one day: the figures computed from the records at submission plus the
    few typed in. Locked once submitted; a correction is a new version and the old stays."""

    puskesmas = models.ForeignKey(Puskesmas, on_delete=models.PROTECT, related_name="reports")
    day = models.DateField(_("day"))
    version = models.PositiveSmallIntegerField(_("version"), default=1)
    is_current = models.BooleanField(_("current version"), default=True)
    figures = models.JSONField(_("computed figures"), default=dict)
    entered = models.JSONField(_("figures typed in"), default=dict, blank=True)
    note = models.CharField(_("note"), max_length=500, blank=True)
    correction_reason = models.CharField(_("reason for the correction"), max_length=300, blank=True)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    submitted_at = models.DateTimeField(_("submitted at"))

    class Meta:
        ordering = ["-day", "puskesmas", "-version"]
        verbose_name = _("daily report")
        verbose_name_plural = _("daily reports")
        constraints = [
            models.UniqueConstraint(fields=["puskesmas", "day", "version"], name="report_version_once"),
            models.UniqueConstraint(
                fields=["puskesmas", "day"], condition=models.Q(is_current=True), name="report_one_current"
            ),
            models.CheckConstraint(
                condition=models.Q(version=1) | ~models.Q(correction_reason=""), name="report_correction_has_reason"
            ),
        ]
        indexes = [models.Index(fields=["day", "puskesmas"], condition=models.Q(is_current=True), name="report_day")]

    def __str__(self) -> str:
        return f"{self.puskesmas} {self.day} v{self.version}"


class ReportPush(models.Model):
    """Sending one report version to the ministry's DHIS2, with retries. Sending again is safe: DHIS2
    replaces the values of the same data element, period and org unit."""

    class Status(models.TextChoices):
        PENDING = "pending", _("waiting to be sent")
        SENT = "sent", _("sent")
        FAILED = "failed", _("failed")

    report = models.ForeignKey(DailyReport, on_delete=models.CASCADE, related_name="pushes")
    target = models.CharField(_("to"), max_length=300)
    status = models.CharField(_("status"), max_length=8, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), default=timezone.now)
    last_error = models.CharField(_("last error"), max_length=300, blank=True)
    response = models.JSONField(_("answer"), default=dict, blank=True)
    created_at = models.DateTimeField(_("queued at"), default=timezone.now)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("report push")
        verbose_name_plural = _("report pushes")
        indexes = [
            models.Index(fields=["next_attempt_at"], condition=models.Q(status="pending"), name="push_pending_due")
        ]
        constraints = [
            models.CheckConstraint(condition=models.Q(status__in=["pending", "sent", "failed"]), name="push_status"),
        ]

    def __str__(self) -> str:
        return f"{self.report} → {self.target} ({self.status})"


class DailyTally(models.Model):
    """One kecamatan's isolation figures at the end of one day (today's row is refreshed through the day):
    the dashboards chart these rows instead of counting cases, so they stay fast at any size."""

    day = models.DateField(_("day"))
    district = models.ForeignKey(District, on_delete=models.PROTECT, related_name="+", verbose_name=_("kecamatan"))
    under_monitoring = models.PositiveIntegerField(_("under monitoring"), default=0)
    new_cases = models.PositiveIntegerField(_("new cases"), default=0)
    completed = models.PositiveIntegerField(_("completed"), default=0)
    closed_other = models.PositiveIntegerField(_("closed otherwise"), default=0)
    arrivals = models.PositiveIntegerField(_("arrivals"), default=0)
    beds = models.PositiveIntegerField(_("isolation beds"), default=0)
    beds_taken = models.PositiveIntegerField(_("beds taken"), default=0)
    computed_at = models.DateTimeField(_("computed at"), default=timezone.now)

    class Meta:
        ordering = ["day", "district"]
        verbose_name = _("daily tally")
        verbose_name_plural = _("daily tallies")
        constraints = [models.UniqueConstraint(fields=["day", "district"], name="tally_once_per_day")]

    def __str__(self) -> str:
        return f"{self.district_id} {self.day}"
