"""Isolation houses (rumah isolasi) and the beds reserved in them."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from smartkampung.population.models import Sex
from smartkampung.regions.models import Puskesmas, Village


class IsolationHouse(models.Model):
    """A place where returning residents isolate: a house in a village, or the regency's central facility
    (no village). Beds are counted separately for men and women where the house separates them."""

    class Status(models.TextChoices):
        OPEN = "open", _("open")
        CLOSED = "closed", _("closed")

    name = models.CharField(_("name"), max_length=120)
    village = models.ForeignKey(
        Village, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("village")
    )
    is_central = models.BooleanField(_("regency's central facility"), default=False)
    address = models.CharField(_("address"), max_length=200)
    latitude = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6)
    longitude = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6)
    beds_male = models.PositiveSmallIntegerField(_("beds for men"), default=0)
    beds_female = models.PositiveSmallIntegerField(_("beds for women"), default=0)
    beds_any = models.PositiveSmallIntegerField(_("beds for anyone"), default=0)
    facilities = models.JSONField(_("facilities"), default=list, blank=True)
    contact_name = models.CharField(_("contact person"), max_length=100, blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=20, blank=True)
    puskesmas = models.ForeignKey(
        Puskesmas, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("Puskesmas")
    )
    status = models.CharField(_("status"), max_length=8, choices=Status.choices, default=Status.OPEN)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("isolation house")
        verbose_name_plural = _("isolation houses")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(beds_male__gt=0) | models.Q(beds_female__gt=0) | models.Q(beds_any__gt=0),
                name="isolationhouse_has_beds",
            ),
            # Separated beds or shared beds, not both: a reservation must know which beds it takes.
            models.CheckConstraint(
                condition=models.Q(beds_any=0) | models.Q(beds_male=0, beds_female=0),
                name="isolationhouse_one_kind_of_beds",
            ),
            models.CheckConstraint(
                condition=models.Q(is_central=True, village__isnull=True)
                | models.Q(is_central=False, village__isnull=False),
                name="isolationhouse_central_or_village",
            ),
            models.CheckConstraint(condition=models.Q(status__in=["open", "closed"]), name="isolationhouse_status"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def separated(self) -> bool:
        return self.beds_any == 0

    def pool_for(self, sex: str) -> str:
        """Which beds a guest of this sex takes: "male", "female", or "any"."""
        return sex if self.separated else "any"

    def capacity(self, pool: str) -> int:
        return {"male": self.beds_male, "female": self.beds_female, "any": self.beds_any}[pool]


HOLDING = ("held", "checked_in")


class Reservation(models.Model):
    """A bed held for a returning resident until `hold_until`; then checked in, or lapsed (the bed is free
    again the moment the hold ends, whether or not the status has been updated yet)."""

    class Status(models.TextChoices):
        HELD = "held", _("reserved")
        CHECKED_IN = "checked_in", _("checked in")
        CHECKED_OUT = "checked_out", _("checked out")
        LAPSED = "lapsed", _("lapsed")
        CANCELLED = "cancelled", _("cancelled")

    code = models.CharField(_("code"), max_length=10, unique=True)
    house = models.ForeignKey(IsolationHouse, on_delete=models.PROTECT, related_name="reservations")
    resident = models.ForeignKey("population.Resident", on_delete=models.PROTECT, related_name="+")
    nik = models.CharField(_("NIK"), max_length=16)
    sex = models.CharField(_("sex"), max_length=6, choices=Sex.choices)
    pool = models.CharField(_("beds"), max_length=6)
    phone = models.CharField(_("phone"), max_length=20)
    expected_arrival = models.DateField(_("expected arrival"))
    hold_until = models.DateTimeField(_("held until"))
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.HELD)
    created_at = models.DateTimeField(_("reserved at"), auto_now_add=True)
    # When the guest left: a stay ends then, not at the hold (retention counts from the later of the two).
    checked_out_at = models.DateTimeField(_("checked out at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("reservation")
        verbose_name_plural = _("reservations")
        indexes = [models.Index(fields=["house", "status", "hold_until"], name="reservation_house_active")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=["held", "checked_in", "checked_out", "lapsed", "cancelled"]),
                name="reservation_status",
            ),
            models.CheckConstraint(condition=models.Q(pool__in=["male", "female", "any"]), name="reservation_pool"),
            # One bed per person at a time, whatever the house.
            models.UniqueConstraint(
                fields=["nik"], condition=models.Q(status__in=list(HOLDING)), name="reservation_one_per_person"
            ),
        ]

    def __str__(self) -> str:
        return self.code
