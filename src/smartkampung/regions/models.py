"""Kemendagri administrative regions. Primary keys are the official codes, as strings."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Province(models.Model):
    """A province (2-digit code, e.g. 35 Jawa Timur)."""

    code = models.CharField(_("code"), max_length=2, primary_key=True)
    name = models.CharField(_("name"), max_length=100)

    class Meta:
        ordering = ["code"]
        verbose_name = _("province")
        verbose_name_plural = _("provinces")
        constraints = [
            models.CheckConstraint(condition=models.Q(code__regex=r"^[0-9]{2}$"), name="province_code_2_digits"),
        ]

    def __str__(self) -> str:
        return self.name


class Regency(models.Model):
    """A kabupaten or kota (4-digit code, e.g. 3510 Kabupaten Banyuwangi)."""

    code = models.CharField(_("code"), max_length=4, primary_key=True)
    province = models.ForeignKey(Province, on_delete=models.PROTECT, related_name="regencies")
    name = models.CharField(_("name"), max_length=100)

    class Meta:
        ordering = ["code"]
        verbose_name = _("regency")
        verbose_name_plural = _("regencies")
        constraints = [
            models.CheckConstraint(condition=models.Q(code__regex=r"^[0-9]{4}$"), name="regency_code_4_digits"),
        ]

    def __str__(self) -> str:
        return self.name


class District(models.Model):
    """A kecamatan (6-digit code, e.g. 351001 Pesanggaran)."""

    code = models.CharField(_("code"), max_length=6, primary_key=True)
    regency = models.ForeignKey(Regency, on_delete=models.PROTECT, related_name="districts")
    name = models.CharField(_("name"), max_length=100)
    latitude = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6, null=True, blank=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("district (kecamatan)")
        verbose_name_plural = _("districts (kecamatan)")
        constraints = [
            models.CheckConstraint(condition=models.Q(code__regex=r"^[0-9]{6}$"), name="district_code_6_digits"),
        ]

    def __str__(self) -> str:
        return self.name


class Village(models.Model):
    """A desa or kelurahan (10-digit code; the 7th digit is 2 for desa, 1 for kelurahan)."""

    class Kind(models.TextChoices):
        DESA = "desa", _("desa")
        KELURAHAN = "kelurahan", _("kelurahan")

    code = models.CharField(_("code"), max_length=10, primary_key=True)
    district = models.ForeignKey(District, on_delete=models.PROTECT, related_name="villages")
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    # Centroid of the village boundary polygon, not the village office (see data/README.md).
    latitude = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6, null=True, blank=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("village")
        verbose_name_plural = _("villages")
        constraints = [
            models.CheckConstraint(condition=models.Q(code__regex=r"^[0-9]{10}$"), name="village_code_10_digits"),
            models.CheckConstraint(condition=models.Q(kind__in=["desa", "kelurahan"]), name="village_kind_valid"),
        ]

    def __str__(self) -> str:
        return self.name


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
        db_table = "health_puskesmas"  # moved from the health app; the table kept its name

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
        db_table = "health_servicearea"

    def __str__(self) -> str:
        return f"{self.puskesmas} — {self.village}"
