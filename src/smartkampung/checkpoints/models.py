"""Border checkpoints (pos pantau) and what happens at them."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from smartkampung.regions.models import Village


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
