"""Health facilities: the Puskesmas and the villages each one serves."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from smartkampung.regions.models import District, Village


class Puskesmas(models.Model):
    """A community health centre. It watches the people under monitoring in the villages it serves."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    district = models.ForeignKey(District, on_delete=models.PROTECT, related_name="+", verbose_name=_("kecamatan"))
    address = models.CharField(_("address"), max_length=200, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    latitude = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("Puskesmas")
        verbose_name_plural = _("Puskesmas")

    def __str__(self) -> str:
        return self.name


class ServiceArea(models.Model):
    """A village served by a Puskesmas: each village by exactly one (the health office decides)."""

    village = models.OneToOneField(
        Village, on_delete=models.PROTECT, related_name="service_area", verbose_name=_("village")
    )
    puskesmas = models.ForeignKey(
        Puskesmas, on_delete=models.PROTECT, related_name="areas", verbose_name=_("Puskesmas")
    )

    class Meta:
        ordering = ["puskesmas", "village"]
        verbose_name = _("service area")
        verbose_name_plural = _("service areas")

    def __str__(self) -> str:
        return f"{self.puskesmas} — {self.village}"
