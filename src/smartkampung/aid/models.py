"""Social aid (bansos): programs and the rules that keep them apart, the recipient lists they publish, each
row's link to the register, the reviewers' decisions, and the conflicts found between lists."""

from django.conf import settings
from django.db import models
from django.db.models.functions import Greatest, Least
from django.utils.translation import gettext_lazy as _

from smartkampung.population.models import Household, Resident
from smartkampung.regions.models import Regency, Village


class Level(models.TextChoices):
    CENTRAL = "central", _("central government")
    PROVINCE = "province", _("province")
    REGENCY = "regency", _("regency")
    VILLAGE = "village", _("village (Dana Desa)")


class Unit(models.TextChoices):
    PERSON = "person", _("person")
    HOUSEHOLD = "household", _("household")


class Program(models.Model):
    """An aid program (PKH, BPNT, BST, BLT Dana Desa, …) with what it pays and to whom. Its lists are
    imported per period; `column_mapping` remembers how its files name their columns."""

    code = models.CharField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=150)
    level = models.CharField(_("level"), max_length=8, choices=Level.choices)
    funding_source = models.CharField(_("funding source"), max_length=100, blank=True)
    unit = models.CharField(_("given to"), max_length=9, choices=Unit.choices, default=Unit.HOUSEHOLD)
    amount = models.DecimalField(_("amount (Rp)"), max_digits=12, decimal_places=0, null=True, blank=True)
    amount_note = models.CharField(_("paid"), max_length=60, blank=True, help_text=_("e.g. per month"))
    period_start = models.DateField(_("runs from"), null=True, blank=True)
    period_end = models.DateField(_("runs until"), null=True, blank=True)
    # The regency's own program that approved "I received nothing" reports enrol households in.
    takes_reports = models.BooleanField(_("enrols approved reports"), default=False)
    column_mapping = models.JSONField(_("column names of its files"), default=dict, blank=True)
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["level", "code"]
        verbose_name = _("aid program")
        verbose_name_plural = _("aid programs")
        constraints = [
            models.CheckConstraint(condition=models.Q(code__regex=r"^[A-Z0-9-]{2,20}$"), name="aidprogram_code_form"),
            models.CheckConstraint(
                condition=models.Q(level__in=["central", "province", "regency", "village"]), name="aidprogram_level"
            ),
            models.CheckConstraint(condition=models.Q(unit__in=["person", "household"]), name="aidprogram_unit"),
            models.UniqueConstraint(
                fields=["takes_reports"], condition=models.Q(takes_reports=True), name="aidprogram_one_report_program"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} — {self.name}"


class ExclusionRule(models.Model):
    """Two programs a person (or a whole household) must not receive together. Symmetric: one row for
    the pair, whichever way round it was entered."""

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="+", verbose_name=_("program"))
    excludes = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="+", verbose_name=_("excludes"))
    scope = models.CharField(_("who may not get both"), max_length=9, choices=Unit.choices, default=Unit.HOUSEHOLD)
    note = models.CharField(_("basis"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("exclusion rule")
        verbose_name_plural = _("exclusion rules")
        constraints = [
            models.CheckConstraint(condition=~models.Q(program=models.F("excludes")), name="aidrule_two_programs"),
            models.UniqueConstraint(Least("program", "excludes"), Greatest("program", "excludes"), name="aidrule_pair"),
            models.CheckConstraint(condition=models.Q(scope__in=["person", "household"]), name="aidrule_scope"),
        ]

    def __str__(self) -> str:
        return f"{self.program_id} ✕ {self.excludes_id}"


class RecipientList(models.Model):
    """One upload of a program's recipient list for a period and a regency, read and matched in the background
    against that regency's register. A program's current list in a regency is the newest finished upload of its
    latest period there (who receives it now); earlier ones stay for the record, and another regency's upload
    never replaces it. The program that takes citizens' reports also has one list of the households enrolled
    from approved reports (in no regency: its rows are in their villages), which uploads do not replace."""

    class Origin(models.TextChoices):
        FILE = "file", _("uploaded file")
        REPORTS = "reports", _("enrolled from citizens' reports")

    class Status(models.TextChoices):
        QUEUED = "queued", _("waiting")
        READING = "reading", _("reading the file")
        MATCHING = "matching", _("matching to the register")
        CHECKING = "checking", _("looking for conflicts")
        DONE = "done", _("finished")
        FAILED = "failed", _("failed")

    program = models.ForeignKey(Program, on_delete=models.PROTECT, related_name="lists", verbose_name=_("program"))
    period = models.CharField(_("period"), max_length=7, help_text=_("year and month, e.g. 2020-05"))
    origin = models.CharField(_("origin"), max_length=7, choices=Origin.choices, default=Origin.FILE)
    regency = models.ForeignKey(
        Regency, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("regency"),
        help_text=_("whose list it is: matched against this regency's register only"),
    )  # fmt: skip
    file = models.FileField(_("file"), upload_to="aid/%Y/%m/", blank=True)
    original_name = models.CharField(_("file name"), max_length=255)
    column_mapping = models.JSONField(_("columns used"), default=dict, blank=True)
    status = models.CharField(_("status"), max_length=8, choices=Status.choices, default=Status.QUEUED)
    current = models.BooleanField(_("current list"), default=False)
    total_rows = models.PositiveIntegerField(_("rows"), null=True, blank=True)
    processed_rows = models.PositiveIntegerField(_("rows processed"), default=0)
    counts = models.JSONField(_("rows by match"), default=dict, blank=True)
    error = models.TextField(_("error"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+", verbose_name=_("uploaded by")
    )
    created_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("recipient list")
        verbose_name_plural = _("recipient lists")
        constraints = [
            models.CheckConstraint(condition=models.Q(period__regex=r"^[0-9]{4}-[0-9]{2}$"), name="aidlist_period"),
            # One list in force per program and regency (uploads), and one list of enrolments per program.
            models.UniqueConstraint(
                fields=["program", "regency"],
                condition=models.Q(current=True, origin="file"),
                name="aidlist_one_current_upload",
            ),
            models.UniqueConstraint(
                fields=["program"],
                condition=models.Q(current=True, origin="reports"),
                name="aidlist_one_current_enrolment",
            ),
            # An upload belongs to a regency; the enrolments' list to none.
            models.CheckConstraint(
                condition=models.Q(origin="file", regency__isnull=False)
                | models.Q(origin="reports", regency__isnull=True),
                name="aidlist_regency_of_uploads",
            ),
            models.CheckConstraint(condition=models.Q(origin__in=["file", "reports"]), name="aidlist_origin"),
            models.CheckConstraint(
                condition=models.Q(status__in=["queued", "reading", "matching", "checking", "done", "failed"]),
                name="aidlist_status",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.program_id} {self.period} ({self.original_name})"

    @property
    def is_finished(self) -> bool:
        return self.status in {self.Status.DONE, self.Status.FAILED}

    @property
    def progress_percent(self) -> int:
        if self.status == self.Status.DONE:
            return 100
        if not self.total_rows:
            return 0
        return min(99, round(100 * self.processed_rows / self.total_rows))


class MatchStatus(models.TextChoices):
    EXACT = "exact", _("exact (NIK)")
    PROBABLE = "probable", _("probable")
    REVIEW = "review", _("to review")
    NONE = "none", _("not in the register")
    INVALID = "invalid", _("unreadable row")


class Recipient(models.Model):
    """One row of a recipient list as it was given, and who in the register it is."""

    # No single-column indexes on source, resident, household: the constraint and indexes in Meta start with
    # them, and every index costs time on each of the hundreds of thousands of rows an import writes.
    source = models.ForeignKey(
        RecipientList, on_delete=models.CASCADE, related_name="recipients", verbose_name=_("recipient list"),
        db_index=False,
    )  # fmt: skip
    program = models.ForeignKey(Program, on_delete=models.PROTECT, related_name="+", db_index=False)
    row_number = models.PositiveIntegerField(_("row"))
    nik = models.CharField(_("NIK given"), max_length=40, blank=True)
    kk_number = models.CharField(_("KK given"), max_length=40, blank=True)
    name = models.CharField(_("name given"), max_length=150, blank=True)
    birth_date = models.DateField(_("birth date given"), null=True, blank=True)
    address = models.CharField(_("address given"), max_length=255, blank=True)
    village_given = models.CharField(_("village given"), max_length=60, blank=True)
    # Where the row belongs for who may see it: the matched resident's village, else the one given.
    village = models.ForeignKey(Village, on_delete=models.PROTECT, null=True, related_name="+", db_index=False)
    status = models.CharField(_("match"), max_length=8, choices=MatchStatus.choices)
    resident = models.ForeignKey(
        Resident, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("resident"),
        db_index=False,
    )  # fmt: skip
    household = models.ForeignKey(
        Household, on_delete=models.PROTECT, null=True, blank=True, related_name="+", db_index=False
    )
    # For a row to review: the register's best candidate, and how likely the model thinks it is.
    candidate = models.ForeignKey(Resident, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    probability = models.FloatField(_("match probability"), null=True, blank=True)
    explanation = models.JSONField(_("why"), default=list, blank=True)
    problems = models.JSONField(_("problems in the row"), default=list, blank=True)
    # The row's identity across re-imports of the program, so a reviewer's decision is remembered.
    fingerprint = models.CharField(max_length=40)
    decided = models.BooleanField(_("decided by a reviewer"), default=False)
    withdrawn = models.BooleanField(_("withdrawn"), default=False)
    withdrawn_reason = models.CharField(_("why withdrawn"), max_length=300, blank=True)

    class Meta:
        ordering = ["source", "row_number"]
        verbose_name = _("recipient")
        verbose_name_plural = _("recipients")
        indexes = [
            models.Index(fields=["resident", "program"], name="aidrecipient_resident"),
            models.Index(fields=["household", "program"], name="aidrecipient_household"),
            models.Index(fields=["village", "status"], name="aidrecipient_village_status"),
            models.Index(fields=["program", "fingerprint"], name="aidrecipient_fingerprint"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["source", "row_number"], name="aidrecipient_row"),
            models.CheckConstraint(
                condition=models.Q(status__in=["exact", "probable", "review", "none", "invalid"]),
                name="aidrecipient_status",
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=["exact", "probable"], resident__isnull=False)
                | (~models.Q(status__in=["exact", "probable"]) & models.Q(resident__isnull=True)),
                name="aidrecipient_linked_when_matched",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.source_id}:{self.row_number}"


class MatchDecision(models.Model):
    """A reviewer's answer for a row of a program's list in a regency (this resident, or nobody), kept by the row's
    fingerprint so that the regency's re-imported list comes back already decided; another regency's reviewers
    decide their own lists' rows (the same row in Jember's list does not change how Banyuwangi's is matched)."""

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="+")
    regency = models.ForeignKey(Regency, on_delete=models.PROTECT, related_name="+", verbose_name=_("regency"))
    fingerprint = models.CharField(max_length=40)
    resident = models.ForeignKey(Resident, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(_("decided at"), auto_now=True)

    class Meta:
        verbose_name = _("match decision")
        verbose_name_plural = _("match decisions")
        constraints = [
            models.UniqueConstraint(fields=["program", "regency", "fingerprint"], name="aiddecision_unique_in_regency")
        ]

    def __str__(self) -> str:
        return f"{self.program_id}:{self.fingerprint} → {self.resident_id}"


class ConflictKind(models.TextChoices):
    EXCLUSIVE = "exclusive", _("in two programs that exclude each other")
    HOUSEHOLD = "household", _("household split over programs that exclude each other")
    DUPLICATE = "duplicate", _("listed twice in one program")
    DECEASED = "deceased", _("recipient has died")
    MOVED = "moved", _("recipient has moved away")


class Conflict(models.Model):
    """Something in the current lists that must not be: found by comparing every list with the register,
    raised as an alarm in its village, resolved by a person with a reason. `key` names the situation
    (who, which programs), so a re-imported list that still has it does not raise it again."""

    class Status(models.TextChoices):
        OPEN = "open", _("open")
        RESOLVED = "resolved", _("resolved")
        GONE = "gone", _("no longer in the lists")

    class Resolution(models.TextChoices):
        # Two programs: the first program's listing stays, the second program's is withdrawn (and the other way).
        KEEP_FIRST = "keep_first", _("kept in the first program, withdrawn from the second")
        KEEP_SECOND = "keep_second", _("kept in the second program, withdrawn from the first")
        # One listing given up: the row of a recipient who died or moved, or one of the two rows of a person
        # listed twice (`given_up` says which, by what the row says).
        WITHDRAW = "withdraw", _("a listing withdrawn")
        # Two listings that may both stay (not the same person, or the rule does not apply).
        KEEP_BOTH = "keep_both", _("not a conflict: both kept")
        # One listing that stays although the register says the person died or moved (the register is wrong).
        KEEP_LISTED = "keep_listed", _("the register is out of date: the listing stays")

    key = models.CharField(max_length=120, unique=True)
    kind = models.CharField(_("conflict"), max_length=9, choices=ConflictKind.choices)
    village = models.ForeignKey(Village, on_delete=models.PROTECT, related_name="+", verbose_name=_("village"))
    resident = models.ForeignKey(Resident, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    household = models.ForeignKey(Household, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    first = models.ForeignKey(Recipient, on_delete=models.SET_NULL, null=True, related_name="+")
    second = models.ForeignKey(Recipient, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    first_program = models.ForeignKey(Program, on_delete=models.PROTECT, related_name="+")
    second_program = models.ForeignKey(Program, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    status = models.CharField(_("status"), max_length=8, choices=Status.choices, default=Status.OPEN)
    detected_at = models.DateTimeField(_("found at"), auto_now_add=True)
    resolution = models.CharField(_("resolution"), max_length=11, choices=Resolution.choices, blank=True)
    reason = models.TextField(_("reason"), blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    # The row a "withdraw" gave up, by its fingerprint: a person listed twice keeps the same row when the list
    # comes again in another order.
    given_up = models.CharField(max_length=40, blank=True)

    class Meta:
        ordering = ["-detected_at", "-id"]
        verbose_name = _("aid conflict")
        verbose_name_plural = _("aid conflicts")
        indexes = [models.Index(fields=["village", "status"], name="aidconflict_village_status")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=["exclusive", "household", "duplicate", "deceased", "moved"]),
                name="aidconflict_kind",
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=["open", "resolved", "gone"]), name="aidconflict_status"
            ),
            models.CheckConstraint(
                condition=~models.Q(status="resolved")
                | (~models.Q(resolution="") & models.Q(resolved_by__isnull=False)),
                name="aidconflict_resolved_with_reason",
            ),
        ]

    def __str__(self) -> str:
        return self.key


class Situation(models.TextChoices):
    LOST_JOB = "lost_job", _("I lost my job")
    NO_INCOME = "no_income", _("I work informally and earn nothing now")
    BUSINESS_CLOSED = "business_closed", _("My small business has closed")
    SICK = "sick", _("Sickness or isolation keeps me from working")
    NO_SUPPORT = "no_support", _("Elderly or disabled, nobody supports me")
    OTHER = "other", _("Something else")


class AidReport(models.Model):
    """A citizen's "I received no aid": NIK and KK number verified against the register when it is made, then
    verified by the village. Approved, it enrols the household in the program that takes reports (after the
    same conflict checks as a list row). `code` lets the citizen follow it without signing in."""

    class Status(models.TextChoices):
        PENDING = "pending", _("waiting for the village's verification")
        APPROVED = "approved", _("approved: enrolled")
        REJECTED = "rejected", _("not approved")

    code = models.CharField(_("code"), max_length=10, unique=True)
    resident = models.ForeignKey(Resident, on_delete=models.PROTECT, related_name="+", verbose_name=_("reported by"))
    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="+")
    village = models.ForeignKey(Village, on_delete=models.PROTECT, related_name="+", verbose_name=_("village"))
    phone = models.CharField(_("phone"), max_length=16)
    situation = models.CharField(_("situation"), max_length=16, choices=Situation.choices)
    description = models.TextField(_("in their words"), max_length=1000, blank=True)
    status = models.CharField(_("status"), max_length=8, choices=Status.choices, default=Status.PENDING)
    created_at = models.DateTimeField(_("reported at"), auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("decided by"),
    )  # fmt: skip
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_reason = models.TextField(_("reason"), blank=True)
    program = models.ForeignKey(
        Program, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("enrolled in")
    )
    enrolment = models.ForeignKey(Recipient, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("aid report")
        verbose_name_plural = _("aid reports")
        indexes = [models.Index(fields=["village", "status", "created_at"], name="aidreport_village_queue")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=["pending", "approved", "rejected"]), name="aidreport_status"
            ),
            models.CheckConstraint(condition=models.Q(situation__in=Situation.values), name="aidreport_situation"),
            # A household has one report waiting at a time: a second would be verified twice.
            models.UniqueConstraint(
                fields=["household"], condition=models.Q(status="pending"), name="aidreport_one_pending"
            ),
            models.CheckConstraint(
                condition=models.Q(status="pending", decided_by__isnull=True)
                | (~models.Q(status="pending") & models.Q(decided_by__isnull=False) & ~models.Q(decision_reason="")),
                name="aidreport_decided_with_reason",
            ),
        ]

    def __str__(self) -> str:
        return self.code


class Sector(models.TextChoices):
    TOURISM = "tourism", _("tourism (hotels, homestays, guides, attractions)")
    FOOD = "food", _("food and drink (cafés, restaurants, warungs)")
    TRADE = "trade", _("trade and markets")
    TRANSPORT = "transport", _("transport")
    MANUFACTURING = "manufacturing", _("factories and crafts")
    CONSTRUCTION = "construction", _("construction")
    FARMING = "farming", _("farming and fishing")
    SERVICES = "services", _("other services")
    MIGRANT = "migrant", _("migrant worker who returned")
    OTHER = "other", _("other")


class Impact(models.TextChoices):
    LAID_OFF = "laid_off", _("laid off")
    FURLOUGHED = "furloughed", _("sent home without pay")
    HOURS_CUT = "hours_cut", _("hours or pay cut")
    BUSINESS_CLOSED = "business_closed", _("own business closed")
    INCOME_LOST = "income_lost", _("informal work, income lost")


class AffectedResident(models.Model):
    """A resident whose work the pandemic hit, entered by the village, imported from an agency's list (e.g. the
    tourism agency's workers) or taken from an approved report; ranked for recovery programs."""

    class Source(models.TextChoices):
        VILLAGE = "village", _("entered by the village")
        IMPORT = "import", _("imported list")
        REPORT = "report", _("citizen's report")

    resident = models.OneToOneField(Resident, on_delete=models.PROTECT, related_name="+", verbose_name=_("resident"))
    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="+")
    village = models.ForeignKey(Village, on_delete=models.PROTECT, related_name="+", verbose_name=_("village"))
    sector = models.CharField(_("sector"), max_length=13, choices=Sector.choices)
    impact = models.CharField(_("impact"), max_length=15, choices=Impact.choices)
    since = models.DateField(_("affected since"))
    income_lost = models.DecimalField(
        _("income lost per month (Rp)"), max_digits=12, decimal_places=0, null=True, blank=True
    )
    employer = models.CharField(_("employer or workplace"), max_length=150, blank=True)
    source = models.CharField(_("source"), max_length=7, choices=Source.choices, default=Source.VILLAGE)
    source_name = models.CharField(_("from"), max_length=255, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)
    active = models.BooleanField(_("still affected"), default=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["village", "resident"]
        verbose_name = _("affected resident")
        verbose_name_plural = _("affected residents")
        indexes = [models.Index(fields=["village", "active"], name="aidaffected_village")]
        constraints = [
            models.CheckConstraint(condition=models.Q(sector__in=Sector.values), name="aidaffected_sector"),
            models.CheckConstraint(condition=models.Q(impact__in=Impact.values), name="aidaffected_impact"),
            models.CheckConstraint(
                condition=models.Q(source__in=["village", "import", "report"]), name="aidaffected_source"
            ),
            models.CheckConstraint(
                condition=models.Q(income_lost__isnull=True) | models.Q(income_lost__gte=0),
                name="aidaffected_income_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.resident_id} ({self.sector}, {self.impact})"


class PriorityWeight(models.Model):
    """How much one factor of the priority ranking counts (points per unit of the factor). The factors are
    defined in `aid/priority.py`; the weights are the regency's choice, changed by the agency and audited."""

    factor = models.CharField(_("factor"), max_length=20, unique=True)
    weight = models.DecimalField(_("points per unit"), max_digits=6, decimal_places=1)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    updated_at = models.DateTimeField(_("changed at"), auto_now=True)

    class Meta:
        ordering = ["factor"]
        verbose_name = _("priority weight")
        verbose_name_plural = _("priority weights")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(weight__gte=-100, weight__lte=100), name="aidpriority_weight_range"
            )
        ]

    def __str__(self) -> str:
        return f"{self.factor}: {self.weight}"
