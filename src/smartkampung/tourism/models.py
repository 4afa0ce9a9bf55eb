"""Tourism: the places that receive visitors (destinations, hotels, homestays, cafés, restaurants, warungs), their
health-protocol certification (a checklist per kind in the four CHSE dimensions, inspections with findings, a
signed certificate that expires, is suspended or revoked), the violations reported against them, and the visits
that count their occupancy (no visitor's name or number: a visit is a random token and a party size)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from smartkampung.regions.models import Village

CERTIFICATE_DAYS = 365  # CHSE certificates are valid one year; a place is re-inspected before that


class PlaceKind(models.TextChoices):
    DESTINATION = "destination", _("tourist destination")
    HOTEL = "hotel", _("hotel")
    HOMESTAY = "homestay", _("homestay")
    CAFE = "cafe", _("café")
    RESTAURANT = "restaurant", _("restaurant")
    WARUNG = "warung", _("warung rakyat")


class Dimension(models.TextChoices):
    """The four dimensions of the national CHSE standard."""

    CLEANLINESS = "cleanliness", _("cleanliness")
    HEALTH = "health", _("health")
    SAFETY = "safety", _("safety")
    ENVIRONMENT = "environment", _("environment")


class Place(models.Model):
    """A place that receives visitors, registered by its owner online (an application) or by the tourism agency
    on the owner's behalf. `owner` is the account that manages it (its door, its application); `capacity` is the
    most visitors allowed inside at once; a visit not checked out stops counting after `usual_stay_minutes`."""

    class Status(models.TextChoices):
        APPLIED = "applied", _("applied, waiting for inspection")
        ACTIVE = "active", _("registered")
        CLOSED = "closed", _("closed")

    kind = models.CharField(_("kind"), max_length=12, choices=PlaceKind.choices)
    name = models.CharField(_("name"), max_length=120)
    description = models.TextField(_("description"), blank=True, max_length=2000)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="tourism_places",
        verbose_name=_("owner's account"),
    )
    owner_name = models.CharField(_("owner or manager"), max_length=100)
    contact_phone = models.CharField(_("contact phone"), max_length=20)
    contact_email = models.EmailField(_("contact e-mail"), blank=True)
    village = models.ForeignKey(Village, on_delete=models.PROTECT, related_name="+", verbose_name=_("village"))
    address = models.CharField(_("address"), max_length=200)
    latitude = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6)
    longitude = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6)
    opening_hours = models.CharField(_("opening hours"), max_length=200, blank=True)
    capacity = models.PositiveIntegerField(_("maximum visitors at once"))
    usual_stay_minutes = models.PositiveIntegerField(_("usual stay (minutes)"), default=120)
    status = models.CharField(_("status"), max_length=8, choices=Status.choices, default=Status.APPLIED)
    # A secret per place that signs its rotating check-in codes; a new one makes every earlier code worthless.
    code_secret = models.CharField(max_length=64)
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("registered at"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated at"), default=timezone.now)

    class Meta:
        ordering = ["name", "pk"]
        verbose_name = _("tourism place")
        verbose_name_plural = _("tourism places")
        indexes = [models.Index(fields=["status", "kind"]), models.Index(fields=["village", "status"])]
        constraints = [
            models.CheckConstraint(condition=Q(capacity__gte=1, capacity__lte=100_000), name="place_capacity_range"),
            models.CheckConstraint(
                condition=Q(usual_stay_minutes__gte=10, usual_stay_minutes__lte=24 * 60 * 14),
                name="place_usual_stay_range",
            ),
            models.CheckConstraint(condition=Q(kind__in=PlaceKind.values), name="place_kind_known"),
            models.CheckConstraint(condition=Q(status__in=["applied", "active", "closed"]), name="place_status_known"),
            models.CheckConstraint(
                condition=Q(latitude__gte=-90, latitude__lte=90, longitude__gte=-180, longitude__lte=180),
                name="place_coordinates_range",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class PlacePhoto(models.Model):
    """A photo of a place for its public page (JPEG, PNG or WebP, checked by its bytes)."""

    place = models.ForeignKey(Place, on_delete=models.CASCADE, related_name="photos")
    content_type = models.CharField(max_length=20)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    data = models.BinaryField()
    caption = models.CharField(_("caption"), max_length=120, blank=True)
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["place", "pk"]

    def __str__(self) -> str:
        return f"{self.place_id}/{self.pk}"


class ChecklistItem(models.Model):
    """One requirement of the health-protocol checklist for a kind of place, in one CHSE dimension. The
    checklist is data: the agency adds, reorders and retires items (a retired item stays on the inspections that
    used it). A mandatory item failed means no certificate whatever the score."""

    kind = models.CharField(_("kind of place"), max_length=12, choices=PlaceKind.choices)
    dimension = models.CharField(_("dimension"), max_length=12, choices=Dimension.choices)
    code = models.SlugField(_("code"), max_length=40)
    text = models.CharField(_("requirement"), max_length=300)
    text_en = models.CharField(_("requirement (English)"), max_length=300, blank=True)
    weight = models.PositiveSmallIntegerField(_("weight"), default=1)
    mandatory = models.BooleanField(_("mandatory"), default=False)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    active = models.BooleanField(_("in use"), default=True)

    class Meta:
        ordering = ["kind", "order", "pk"]
        verbose_name = _("checklist item")
        verbose_name_plural = _("checklist items")
        constraints = [
            models.UniqueConstraint(fields=["kind", "code"], name="checklistitem_unique_code"),
            models.CheckConstraint(condition=Q(weight__gte=1, weight__lte=10), name="checklistitem_weight_range"),
            models.CheckConstraint(condition=Q(dimension__in=Dimension.values), name="checklistitem_dimension"),
        ]

    def __str__(self) -> str:
        return f"{self.kind}:{self.code}"


class Decision(models.TextChoices):
    CERTIFIED = "certified", _("certified")
    CONDITIONAL = "conditional", _("certified with conditions")
    REJECTED = "rejected", _("rejected")


class Inspection(models.Model):
    """A visit by an inspector of the tourism agency: the first one after an application, a re-evaluation before
    the certificate expires, or an investigation of a violation. Findings are recorded item by item; the score
    (weighted share of items met) and the decision close it."""

    class Purpose(models.TextChoices):
        INITIAL = "initial", _("first inspection")
        REEVALUATION = "reevaluation", _("re-evaluation")
        INVESTIGATION = "investigation", _("investigation of a violation")

    class Status(models.TextChoices):
        SCHEDULED = "scheduled", _("scheduled")
        DONE = "done", _("done")
        CANCELLED = "cancelled", _("cancelled")

    place = models.ForeignKey(Place, on_delete=models.CASCADE, related_name="inspections")
    purpose = models.CharField(_("purpose"), max_length=14, choices=Purpose.choices, default=Purpose.INITIAL)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.SCHEDULED)
    due_on = models.DateField(_("due on"))
    inspector = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    score = models.DecimalField(_("score"), max_digits=5, decimal_places=2, null=True, blank=True)
    decision = models.CharField(_("decision"), max_length=12, choices=Decision.choices, blank=True)
    conditions = models.TextField(_("conditions"), blank=True)
    conditions_deadline = models.DateField(_("conditions to be met by"), null=True, blank=True)
    reasons = models.TextField(_("reasons"), blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        ordering = ["due_on", "pk"]
        indexes = [models.Index(fields=["status", "due_on"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="done", decision__in=Decision.values, finished_at__isnull=False)
                | (~Q(status="done") & Q(decision="")),
                name="inspection_decided_when_done",
            ),
            models.CheckConstraint(
                condition=~Q(decision="conditional") | Q(conditions_deadline__isnull=False),
                name="inspection_conditions_have_deadline",
            ),
            # One open inspection per place at a time: a second would split the findings.
            models.UniqueConstraint(
                fields=["place"], condition=Q(status="scheduled"), name="inspection_one_open_per_place"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.place_id} {self.purpose} {self.due_on}"


class Finding(models.Model):
    """An inspector's finding on one checklist item: met, not met or not applicable, with a note and a photo."""

    class Result(models.TextChoices):
        MET = "met", _("met")
        NOT_MET = "not_met", _("not met")
        NOT_APPLICABLE = "na", _("not applicable")

    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="findings")
    item = models.ForeignKey(ChecklistItem, on_delete=models.PROTECT, related_name="+")
    result = models.CharField(_("result"), max_length=8, choices=Result.choices)
    note = models.CharField(_("note"), max_length=500, blank=True)
    photo = models.BinaryField(null=True, blank=True)
    photo_type = models.CharField(max_length=20, blank=True)
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["inspection", "item__order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["inspection", "item"], name="finding_one_per_item"),
            models.CheckConstraint(condition=Q(result__in=["met", "not_met", "na"]), name="finding_result_known"),
        ]

    def __str__(self) -> str:
        return f"{self.inspection_id}:{self.item_id}={self.result}"


class Certificate(models.Model):
    """A place's health-protocol certificate: issued by a passed inspection, signed as a PDF (the letters'
    PAdES signing) with a QR code to /tourism/verify/<code>. Valid until `valid_until` unless suspended or
    revoked; an expired one is simply past its date."""

    class Status(models.TextChoices):
        VALID = "valid", _("valid")
        SUSPENDED = "suspended", _("suspended")
        REVOKED = "revoked", _("revoked")

    place = models.ForeignKey(Place, on_delete=models.PROTECT, related_name="certificates")
    inspection = models.OneToOneField(Inspection, on_delete=models.PROTECT, related_name="certificate")
    number = models.CharField(_("number"), max_length=60, unique=True)
    code = models.CharField(_("verification code"), max_length=16, unique=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.VALID)
    conditional = models.BooleanField(_("with conditions"), default=False)
    issued_at = models.DateTimeField(_("issued at"), default=timezone.now)
    valid_until = models.DateField(_("valid until"))
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    pdf = models.BinaryField(null=True, blank=True)
    sha256 = models.CharField(max_length=64, blank=True, db_index=True)
    status_reason = models.TextField(_("reason"), blank=True)
    status_changed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-issued_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["valid", "suspended", "revoked"]), name="certificate_status_known"
            ),
            # At most one certificate of a place is in force (valid or suspended) at a time.
            models.UniqueConstraint(
                fields=["place"], condition=Q(status__in=["valid", "suspended"]), name="certificate_one_in_force"
            ),
        ]

    def __str__(self) -> str:
        return self.number

    def state_on(self, day) -> str:
        """valid, expired, suspended or revoked on `day` (a date)."""
        if self.status != self.Status.VALID:
            return self.status
        return "valid" if day <= self.valid_until else "expired"


class Violation(models.Model):
    """A report that a place breaks the health protocol, by a tourist (public, rate-limited) or an officer; the
    agency investigates and upholds it (which may suspend or revoke the certificate) or dismisses it."""

    class Status(models.TextChoices):
        OPEN = "open", _("open")
        INVESTIGATING = "investigating", _("under investigation")
        UPHELD = "upheld", _("upheld")
        DISMISSED = "dismissed", _("dismissed")

    place = models.ForeignKey(Place, on_delete=models.CASCADE, related_name="violations")
    what = models.TextField(_("what happened"), max_length=2000)
    seen_at = models.DateTimeField(_("seen at"), null=True, blank=True)
    photo = models.BinaryField(null=True, blank=True)
    photo_type = models.CharField(max_length=20, blank=True)
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    reporter_contact = models.CharField(_("reporter's phone or e-mail (optional)"), max_length=120, blank=True)
    code = models.CharField(max_length=12, unique=True)
    status = models.CharField(_("status"), max_length=14, choices=Status.choices, default=Status.OPEN)
    outcome = models.TextField(_("outcome"), blank=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "pk"]
        indexes = [models.Index(fields=["status", "created_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["open", "investigating", "upheld", "dismissed"]), name="violation_status_known"
            ),
        ]

    def __str__(self) -> str:
        return self.code


class Visit(models.Model):
    """One party inside a place: checked in by scanning the place's rotating code (or counted by its staff at the
    door), out when they leave, or no longer counted after the place's usual stay (`counts_until`). No name, no
    phone: the visitor holds `token` (to check out) and nothing ties it to them. Deleted after
    RETENTION_DAYS["tourism_visits"] days (14 by default; tourism/retention.py)."""

    class Channel(models.TextChoices):
        SCAN = "scan", _("scanned the code")
        DOOR = "door", _("counted at the door")

    place = models.ForeignKey(Place, on_delete=models.CASCADE, related_name="visits")
    token = models.CharField(max_length=43, unique=True)
    party = models.PositiveSmallIntegerField(_("people"), default=1)
    channel = models.CharField(max_length=5, choices=Channel.choices)
    checked_in_at = models.DateTimeField(default=timezone.now)
    counts_until = models.DateTimeField()
    checked_out_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-checked_in_at", "pk"]
        indexes = [
            # Occupancy: the open visits of a place that still count.
            models.Index(
                fields=["place", "counts_until"], condition=Q(checked_out_at__isnull=True), name="visit_open_idx"
            ),
            models.Index(fields=["checked_in_at"], name="visit_age_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(party__gte=1, party__lte=50), name="visit_party_range"),
            models.CheckConstraint(condition=Q(counts_until__gt=models.F("checked_in_at")), name="visit_counts_later"),
        ]

    def __str__(self) -> str:
        return f"{self.place_id}+{self.party}"
