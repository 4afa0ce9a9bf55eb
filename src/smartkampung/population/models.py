"""The population registry: households (Kartu Keluarga) and residents (NIK)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from smartkampung.regions.models import Village


class Sex(models.TextChoices):
    MALE = "male", _("male")
    FEMALE = "female", _("female")


class Religion(models.TextChoices):
    ISLAM = "islam", _("Islam")
    PROTESTANT = "protestant", _("Protestant (Kristen)")
    CATHOLIC = "catholic", _("Catholic (Katolik)")
    HINDU = "hindu", _("Hindu")
    BUDDHIST = "buddhist", _("Buddhist (Buddha)")
    CONFUCIAN = "confucian", _("Confucian (Khonghucu)")
    BELIEF = "belief", _("Belief in God (Kepercayaan)")


class MaritalStatus(models.TextChoices):
    SINGLE = "single", _("not married")
    MARRIED = "married", _("married")
    DIVORCED = "divorced", _("divorced")
    WIDOWED = "widowed", _("widowed")


class FamilyRelation(models.TextChoices):
    HEAD = "head", _("head of household")
    SPOUSE = "spouse", _("spouse")
    CHILD = "child", _("child")
    CHILD_IN_LAW = "child_in_law", _("son/daughter-in-law")
    GRANDCHILD = "grandchild", _("grandchild")
    PARENT = "parent", _("parent")
    PARENT_IN_LAW = "parent_in_law", _("parent-in-law")
    OTHER_FAMILY = "other_family", _("other family")
    HOUSEHOLD_HELP = "household_help", _("household help")
    OTHER = "other", _("other")


class Education(models.TextChoices):
    NONE = "none", _("not/not yet in school")
    PRIMARY_INCOMPLETE = "primary_incomplete", _("primary school not finished")
    PRIMARY = "primary", _("primary school (SD)")
    JUNIOR = "junior", _("junior high school (SLTP)")
    SENIOR = "senior", _("senior high school (SLTA)")
    DIPLOMA_1_2 = "diploma_1_2", _("diploma I/II")
    DIPLOMA_3 = "diploma_3", _("diploma III")
    BACHELOR = "bachelor", _("diploma IV/bachelor (S1)")
    MASTER = "master", _("master (S2)")
    DOCTORATE = "doctorate", _("doctorate (S3)")


class ResidentStatus(models.TextChoices):
    LIVING = "living", _("living here")
    MOVED = "moved", _("moved away")
    DECEASED = "deceased", _("deceased")


class Household(models.Model):
    """A family as on its Kartu Keluarga: one KK number, one address, one village."""

    # Unique through Meta.constraints, not unique=True: on PostgreSQL that would add a second,
    # pattern-ops index nobody queries, paid for on every insert of a 1.7 M-row import.
    kk_number = models.CharField(_("KK number"), max_length=16)
    # No index of its own: household_village_kk leads with the village.
    village = models.ForeignKey(
        Village, on_delete=models.PROTECT, related_name="households", verbose_name=_("village"), db_index=False
    )
    address = models.CharField(_("address"), max_length=255, blank=True)
    rt = models.CharField(_("RT"), max_length=3, blank=True)
    rw = models.CharField(_("RW"), max_length=3, blank=True)
    postal_code = models.CharField(_("postal code"), max_length=5, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["kk_number"]
        verbose_name = _("household")
        verbose_name_plural = _("households")
        indexes = [models.Index(fields=["village", "kk_number"], name="household_village_kk")]
        constraints = [
            models.UniqueConstraint(fields=["kk_number"], name="household_kk_unique"),
            models.CheckConstraint(condition=models.Q(kk_number__regex=r"^[0-9]{16}$"), name="household_kk_16_digits"),
        ]

    def __str__(self) -> str:
        return self.kk_number


class Resident(models.Model):
    """A person on the register, identified by NIK, unique across the whole deployment."""

    nik = models.CharField(_("NIK"), max_length=16)  # unique: see Meta.constraints
    household = models.ForeignKey(
        Household, on_delete=models.PROTECT, related_name="members", verbose_name=_("household")
    )
    # Copied from the household so every personal record carries its village: jurisdiction
    # filters and village lists then need no join.
    village = models.ForeignKey(
        Village, on_delete=models.PROTECT, related_name="residents", verbose_name=_("village"), db_index=False
    )  # indexed by resident_village_name, which leads with it
    name = models.CharField(_("full name"), max_length=150)
    # Upper-case letters and digits only, no spaces: the key that forgiving name search
    # matches against (case, spacing and punctuation do not matter).
    name_search = models.CharField(max_length=150, editable=False)
    birth_place = models.CharField(_("place of birth"), max_length=100, blank=True)
    birth_date = models.DateField(_("date of birth"))
    sex = models.CharField(_("sex"), max_length=6, choices=Sex.choices)
    religion = models.CharField(_("religion"), max_length=12, choices=Religion.choices, blank=True)
    marital_status = models.CharField(_("marital status"), max_length=10, choices=MaritalStatus.choices, blank=True)
    family_relation = models.CharField(
        _("relation to head of household"), max_length=16, choices=FamilyRelation.choices, blank=True
    )
    education = models.CharField(_("education"), max_length=20, choices=Education.choices, blank=True)
    occupation = models.CharField(_("occupation"), max_length=100, blank=True)
    mother_name = models.CharField(_("mother's name"), max_length=150, blank=True)
    father_name = models.CharField(_("father's name"), max_length=150, blank=True)
    phone = models.CharField(_("phone"), max_length=16, blank=True, help_text=_("E.164, e.g. +6281234567890"))
    status = models.CharField(_("status"), max_length=10, choices=ResidentStatus.choices, default=ResidentStatus.LIVING)
    lost_job = models.BooleanField(_("lost job"), default=False)
    informal_income_loss = models.BooleanField(_("informal worker who lost income"), default=False)
    tourism_worker = models.BooleanField(_("tourism worker"), default=False)
    # Set when the NIK's encoded birth date or sex disagrees with the recorded ones: the
    # record is kept (the office must see it) but marked for correction.
    nik_mismatch = models.CharField(_("NIK disagrees with"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["name_search", "id"]
        verbose_name = _("resident")
        verbose_name_plural = _("residents")
        indexes = [
            models.Index(fields=["name_search", "id"], name="resident_name_search"),
            models.Index(fields=["village", "name_search", "id"], name="resident_village_name"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["nik"], name="resident_nik_unique"),
            models.CheckConstraint(condition=models.Q(nik__regex=r"^[0-9]{16}$"), name="resident_nik_16_digits"),
            models.CheckConstraint(condition=models.Q(sex__in=["male", "female"]), name="resident_sex_valid"),
            models.CheckConstraint(
                condition=models.Q(status__in=["living", "moved", "deceased"]), name="resident_status_valid"
            ),
            models.CheckConstraint(condition=~models.Q(name=""), name="resident_name_not_empty"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.nik})"


class ImportJob(models.Model):
    """One upload of a registry file (CSV or XLSX), imported in the background."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("waiting")
        RUNNING = "running", _("importing")
        DONE = "done", _("finished")
        FAILED = "failed", _("failed")

    class Format(models.TextChoices):
        CSV = "csv", "CSV"
        XLSX = "xlsx", "XLSX"

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+", verbose_name=_("uploaded by")
    )
    created_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    file = models.FileField(_("file"), upload_to="imports/%Y/%m/")
    original_name = models.CharField(_("file name"), max_length=255)
    format = models.CharField(_("format"), max_length=4, choices=Format.choices)
    default_village = models.ForeignKey(
        Village,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("village for rows without a village code"),
    )
    status = models.CharField(_("status"), max_length=8, choices=Status.choices, default=Status.QUEUED)
    total_rows = models.PositiveIntegerField(_("rows"), null=True, blank=True)
    processed_rows = models.PositiveIntegerField(_("rows processed"), default=0)
    created_count = models.PositiveIntegerField(_("residents added"), default=0)
    updated_count = models.PositiveIntegerField(_("residents updated"), default=0)
    unchanged_count = models.PositiveIntegerField(_("residents unchanged"), default=0)
    rejected_count = models.PositiveIntegerField(_("rows rejected"), default=0)
    flagged_count = models.PositiveIntegerField(_("rows flagged"), default=0)
    error = models.TextField(_("error"), blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=["queued", "running", "done", "failed"]), name="importjob_status_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.original_name

    @property
    def progress_percent(self) -> int:
        if not self.total_rows:
            return 100 if self.status == self.Status.DONE else 0
        return min(100, round(100 * self.processed_rows / self.total_rows))

    @property
    def problem_count(self) -> int:
        """Rows rejected or flagged; only the first IMPORT_MAX_STORED_PROBLEMS of them are kept as row issues."""
        return self.rejected_count + self.flagged_count

    @property
    def is_finished(self) -> bool:
        return self.status in {self.Status.DONE, self.Status.FAILED}


class ImportRowIssue(models.Model):
    """A row of an import that was rejected or flagged, with every reason, so the office can fix its file."""

    class Kind(models.TextChoices):
        REJECTED = "rejected", _("rejected")
        FLAGGED = "flagged", _("imported, flagged")

    job = models.ForeignKey(ImportJob, on_delete=models.CASCADE, related_name="row_issues")
    row_number = models.PositiveIntegerField(_("row"))
    kind = models.CharField(_("outcome"), max_length=8, choices=Kind.choices)
    nik = models.CharField(_("NIK"), max_length=40, blank=True)
    errors = models.JSONField(_("reasons"), default=list)

    class Meta:
        ordering = ["job", "row_number"]
        verbose_name = _("row issue")
        verbose_name_plural = _("row issues")
        constraints = [
            models.UniqueConstraint(fields=["job", "row_number"], name="importrowissue_unique_row"),
            models.CheckConstraint(condition=models.Q(kind__in=["rejected", "flagged"]), name="importrowissue_kind"),
        ]

    def __str__(self) -> str:
        return f"{self.job_id}:{self.row_number}"


class Move(models.Model):
    """A move between villages (pindah datang / pindah keluar): the destination village asks for a resident
    (into one of its households) or a whole household, and the village of origin, or the regency, releases or
    refuses. The register changes only on release; until then the destination sees the person masked."""

    class Status(models.TextChoices):
        REQUESTED = "requested", _("waiting for the village of origin")
        RELEASED = "released", _("released")
        REFUSED = "refused", pgettext_lazy("move status", "refused")
        CANCELLED = "cancelled", _("cancelled")

    # Exactly one of resident (with the household they join) and household (moving whole).
    resident = models.ForeignKey(
        Resident, on_delete=models.PROTECT, null=True, blank=True, related_name="moves", verbose_name=_("resident")
    )
    household = models.ForeignKey(
        Household, on_delete=models.PROTECT, null=True, blank=True, related_name="moves", verbose_name=_("household")
    )
    to_household = models.ForeignKey(
        Household,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("household moved into"),
    )
    from_village = models.ForeignKey(
        Village, on_delete=models.PROTECT, related_name="+", verbose_name=_("village of origin")
    )
    to_village = models.ForeignKey(Village, on_delete=models.PROTECT, related_name="+", verbose_name=_("destination"))
    reason = models.CharField(_("reason"), max_length=255)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.REQUESTED)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+", verbose_name=_("requested by")
    )
    requested_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_note = models.CharField(_("note on the decision"), max_length=255, blank=True)

    class Meta:
        ordering = ["-requested_at", "-id"]
        verbose_name = _("move")
        verbose_name_plural = _("moves")
        indexes = [
            models.Index(fields=["from_village", "status"], name="move_from_status"),
            models.Index(fields=["to_village", "status"], name="move_to_status"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=["requested", "released", "refused", "cancelled"]),
                name="move_status_valid",
            ),
            models.CheckConstraint(
                condition=(
                    models.Q(resident__isnull=False, to_household__isnull=False, household__isnull=True)
                    | models.Q(resident__isnull=True, to_household__isnull=True, household__isnull=False)
                ),
                name="move_one_subject",
            ),
            models.CheckConstraint(condition=~models.Q(from_village=models.F("to_village")), name="move_between_two"),
            models.CheckConstraint(condition=~models.Q(reason=""), name="move_reason_given"),
            models.CheckConstraint(
                condition=(
                    models.Q(status="requested", decided_at__isnull=True)
                    | (~models.Q(status="requested") & models.Q(decided_at__isnull=False))
                ),
                name="move_decided_when_closed",
            ),
            # One open request per person and per household: a second would be decided twice.
            models.UniqueConstraint(
                fields=["resident"], condition=models.Q(status="requested"), name="move_one_open_per_resident"
            ),
            models.UniqueConstraint(
                fields=["household"], condition=models.Q(status="requested"), name="move_one_open_per_household"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.from_village_id} -> {self.to_village_id} ({self.status})"

    @property
    def kind(self) -> str:
        return "household" if self.household_id else "resident"
