"""Border checkpoints (pos pantau) and what happens at them."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from smartkampung.health.models import EntryRule, IsolationPlace
from smartkampung.population.models import Sex
from smartkampung.regions.models import Regency, Village


class Checkpoint(models.Model):
    """A post at an entry point of the regency where officers register arriving travellers."""

    class Kind(models.TextChoices):
        PORT = "port", _("port")
        ROAD = "road", _("road")
        RAIL = "rail", _("rail station")
        AIRPORT = "airport", _("airport")

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=120)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    village = models.ForeignKey(Village, on_delete=models.PROTECT, related_name="+", verbose_name=_("village"))
    address = models.CharField(_("address"), max_length=200, blank=True)
    latitude = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("checkpoint")
        verbose_name_plural = _("checkpoints")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=["port", "road", "rail", "airport"]), name="checkpoint_kind"
            )
        ]

    def __str__(self) -> str:
        return self.name


class Outcome(models.TextChoices):
    """What the rules decide for a traveller."""

    ALLOWED = "allowed", _("allowed")
    ODR = "odr", _("allowed as ODR, 14-day monitoring")
    REFERRED = "referred", _("referred to the Puskesmas")
    REFUSED = "refused", _("refused entry")
    TO_ISOLATION = "to_isolation", _("to isolation")


MONITORED = frozenset({Outcome.ODR, Outcome.REFERRED, Outcome.TO_ISOLATION})


class TravelMode(models.TextChoices):
    CAR = "car", _("car")
    MOTORCYCLE = "motorcycle", _("motorcycle")
    BUS = "bus", _("bus")
    TRUCK = "truck", _("truck")
    TRAIN = "train", _("train")
    PLANE = "plane", _("plane")
    ON_FOOT = "on_foot", _("on foot (ferry passenger)")
    OTHER = "other", _("other")


class Arrival(models.Model):
    """A traveller registered at a checkpoint, or a newcomer found in a village who passed none."""

    class Source(models.TextChoices):
        CHECKPOINT = "checkpoint", _("checkpoint")
        FOUND = "found", _("found wandering")

    source = models.CharField(_("source"), max_length=12, choices=Source.choices, default=Source.CHECKPOINT)
    checkpoint = models.ForeignKey(
        Checkpoint,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="arrivals",
        verbose_name=_("checkpoint"),
    )
    registered_at = models.DateTimeField(_("registered at"), db_index=True)
    registered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    nik = models.CharField(_("NIK"), max_length=16, blank=True, db_index=True)
    resident = models.ForeignKey(
        "population.Resident", on_delete=models.PROTECT, null=True, blank=True, related_name="arrivals"
    )
    name = models.CharField(_("name"), max_length=100, blank=True)
    description = models.CharField(_("description"), max_length=300, blank=True)
    sex = models.CharField(_("sex"), max_length=6, choices=Sex.choices, blank=True)
    birth_date = models.DateField(_("date of birth"), null=True, blank=True)
    origin_regency = models.ForeignKey(
        Regency, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("origin regency")
    )
    origin_address = models.CharField(_("origin address"), max_length=200, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    destination_village = models.ForeignKey(
        Village, on_delete=models.PROTECT, related_name="+", verbose_name=_("destination village")
    )
    destination_address = models.CharField(_("destination address"), max_length=200, blank=True)
    host_name = models.CharField(_("host"), max_length=100, blank=True)
    purpose = models.CharField(_("purpose"), max_length=200, blank=True)
    travel_mode = models.CharField(_("travel mode"), max_length=12, choices=TravelMode.choices, blank=True)
    vehicle_plate = models.CharField(_("vehicle plate"), max_length=12, blank=True)
    temperature = models.DecimalField(_("temperature (°C)"), max_digits=3, decimal_places=1, null=True, blank=True)
    symptoms = models.JSONField(_("symptoms"), default=list, blank=True)
    contact_with_case = models.BooleanField(_("contact with a confirmed case"), default=False)
    isolation_place = models.CharField(
        _("isolates at"), max_length=8, choices=IsolationPlace.choices, default=IsolationPlace.HOME
    )
    found_at = models.CharField(_("where found"), max_length=200, blank=True)
    outcome = models.CharField(_("outcome"), max_length=12, choices=Outcome.choices)
    reasons = models.JSONField(_("reasons"), default=list, blank=True)
    monitoring_until = models.DateField(_("monitoring until"), null=True, blank=True)
    rule = models.ForeignKey(EntryRule, on_delete=models.PROTECT, related_name="+")
    preregistration = models.OneToOneField(
        "PreRegistration", on_delete=models.PROTECT, null=True, blank=True, related_name="arrival"
    )
    # Set when the retention job removed who it was (checkpoints/retention.py); the counts stay.
    anonymised_at = models.DateTimeField(_("anonymised at"), null=True, blank=True)

    class Meta:
        ordering = ["-registered_at", "-id"]
        verbose_name = _("arrival")
        verbose_name_plural = _("arrivals")
        indexes = [
            models.Index(fields=["checkpoint", "nik", "registered_at"], name="arrival_checkpoint_nik"),
            models.Index(fields=["destination_village", "registered_at"], name="arrival_village_time"),
        ]
        constraints = [
            models.CheckConstraint(condition=models.Q(outcome__in=[o.value for o in Outcome]), name="arrival_outcome"),
            models.CheckConstraint(
                condition=models.Q(source="found") | models.Q(checkpoint__isnull=False),
                name="arrival_checkpoint_required",
            ),
            models.CheckConstraint(
                condition=~models.Q(nik="") | ~models.Q(description="") | ~models.Q(name=""),
                name="arrival_identified",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name or self.description} — {self.get_outcome_display()}"


class PreRegistration(models.Model):
    """A trip announced before it starts, by the traveller or their family, so the village knows."""

    class Status(models.TextChoices):
        PENDING = "pending", _("expected")
        ARRIVED = "arrived", _("arrived")
        CANCELLED = "cancelled", _("cancelled")

    code = models.CharField(_("code"), max_length=10, unique=True)
    nik = models.CharField(_("NIK"), max_length=16, db_index=True)
    name = models.CharField(_("name"), max_length=100)
    phone = models.CharField(_("phone"), max_length=20)
    origin_regency = models.ForeignKey(
        Regency, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("origin regency")
    )
    destination_village = models.ForeignKey(
        Village, on_delete=models.PROTECT, related_name="+", verbose_name=_("destination village")
    )
    destination_address = models.CharField(_("destination address"), max_length=200)
    expected_arrival = models.DateField(_("expected arrival"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    created_at = models.DateTimeField(_("registered at"), auto_now_add=True)
    # Set when the retention job removed who announced it (checkpoints/retention.py).
    anonymised_at = models.DateTimeField(_("anonymised at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("pre-registration")
        verbose_name_plural = _("pre-registrations")

    def __str__(self) -> str:
        return self.code
