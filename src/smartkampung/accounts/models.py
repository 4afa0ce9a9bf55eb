"""Staff accounts, and the roles that bind each to a jurisdiction."""

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

from smartkampung.regions.models import District, Puskesmas, Regency, Village


class User(AbstractUser):
    """A member of staff who signs in (village operator, camat, agency staff, administrator)."""

    class Meta(AbstractUser.Meta):
        swappable = "AUTH_USER_MODEL"


class Role(models.TextChoices):
    # Sees and does what a regency administrator does, in every regency the deployment serves (no place).
    PROVINCE_ADMIN = "province_admin", _("province administrator")
    REGENCY_ADMIN = "regency_admin", _("regency administrator")
    HEALTH_AGENCY = "health_agency", _("health agency staff (Dinas Kesehatan)")
    SOCIAL_AGENCY = "social_agency", _("social affairs agency staff (Dinas Sosial)")
    TOURISM_AGENCY = "tourism_agency", _("tourism agency staff (Dinas Pariwisata)")
    DISTRICT_STAFF = "district_staff", _("camat / kecamatan staff")
    VILLAGE_OPERATOR = "village_operator", _("village operator")
    VILLAGE_OVERSIGHT = "village_oversight", _("village oversight (three pillars)")
    CHECKPOINT_OFFICER = "checkpoint_officer", _("checkpoint officer")
    PUSKESMAS_STAFF = "puskesmas_staff", _("Puskesmas staff")
    # The officials who sign letters (letters module): of a village, and the camat of a kecamatan.
    VILLAGE_HEAD = "village_head", _("village head (kepala desa / lurah)")
    VILLAGE_SECRETARY = "village_secretary", _("village secretary (sekretaris desa)")
    CAMAT = "camat", _("camat (signs letters)")


DISTRICT_ROLES = frozenset({Role.DISTRICT_STAFF, Role.CAMAT})
VILLAGE_ROLES = frozenset({Role.VILLAGE_OPERATOR, Role.VILLAGE_OVERSIGHT, Role.VILLAGE_HEAD, Role.VILLAGE_SECRETARY})
PUSKESMAS_ROLES = frozenset({Role.PUSKESMAS_STAFF})
CHECKPOINT_ROLES = frozenset({Role.CHECKPOINT_OFFICER})


# The roles bound to one regency (a person serving several holds one assignment per regency).
REGENCY_ROLES = frozenset({Role.REGENCY_ADMIN, Role.HEALTH_AGENCY, Role.SOCIAL_AGENCY, Role.TOURISM_AGENCY})


JURISDICTIONS = ("regency", "district", "village", "puskesmas", "checkpoint")
REGENCY_BOUND = ("regency_admin", "health_agency", "social_agency", "tourism_agency")
DISTRICT_BOUND = ("district_staff", "camat")
VILLAGE_BOUND = ("village_operator", "village_oversight", "village_head", "village_secretary")
PLACE_BOUND = (*DISTRICT_BOUND, *VILLAGE_BOUND, "puskesmas_staff", "checkpoint_officer")


def _only(field: str) -> dict[str, bool]:
    """`field` set and every other jurisdiction empty (as keyword arguments of a Q)."""
    return {f"{other}__isnull": other != field for other in JURISDICTIONS}


class Pillar(models.TextChoices):
    VILLAGE_GOVERNMENT = "village_government", _("village government")
    BABINSA = "babinsa", _("Babinsa (army)")
    BHABINKAMTIBMAS = "bhabinkamtibmas", _("Bhabinkamtibmas (police)")


class RoleAssignment(models.Model):
    """One role a user holds, bound to its jurisdiction: a regency (the regency administrator and the agencies),
    a kecamatan, a village, a Puskesmas (and so the villages it serves), a checkpoint, or nothing (the province
    administrator: every regency served). A person may hold several."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="roles")
    role = models.CharField(_("role"), max_length=24, choices=Role.choices)
    regency = models.ForeignKey(
        Regency, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("regency")
    )
    district = models.ForeignKey(
        District, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("kecamatan")
    )
    village = models.ForeignKey(
        Village, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("village")
    )
    puskesmas = models.ForeignKey(
        Puskesmas, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("Puskesmas")
    )
    checkpoint = models.ForeignKey(
        # By name, not by import: the checkpoints module sits above accounts (only the table refers to it).
        "checkpoints.Checkpoint",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("checkpoint"),
    )
    pillar = models.CharField(_("pillar"), max_length=20, choices=Pillar.choices, blank=True)
    created_at = models.DateTimeField(_("assigned at"), auto_now_add=True)

    class Meta:
        ordering = ["user", "role"]
        verbose_name = _("role assignment")
        verbose_name_plural = _("role assignments")
        constraints = [
            models.CheckConstraint(condition=models.Q(role__in=[r.value for r in Role]), name="roleassignment_role"),
            # The jurisdiction must match the role: a regency for the regency-wide roles, a kecamatan for
            # district staff, a village for village roles, a Puskesmas for its staff, a checkpoint for its
            # officers, nothing for the province administrator.
            models.CheckConstraint(
                condition=(
                    models.Q(role__in=[*REGENCY_BOUND], **_only("regency"))
                    | models.Q(role__in=[*DISTRICT_BOUND], **_only("district"))
                    | models.Q(role__in=[*VILLAGE_BOUND], **_only("village"))
                    | models.Q(role="puskesmas_staff", **_only("puskesmas"))
                    | models.Q(role="checkpoint_officer", **_only("checkpoint"))
                    | (
                        ~models.Q(role__in=[*REGENCY_BOUND, *PLACE_BOUND])
                        & models.Q(**{f"{field}__isnull": True for field in JURISDICTIONS})
                    )
                ),
                name="roleassignment_jurisdiction_fits_role",
            ),
            models.CheckConstraint(
                condition=models.Q(pillar="") | models.Q(role="village_oversight"), name="roleassignment_pillar"
            ),
            # One assignment per role and place (partial constraints: NULLs are distinct in SQL).
            models.UniqueConstraint(
                fields=["user", "role"],
                condition=models.Q(**{f"{field}__isnull": True for field in JURISDICTIONS}),
                name="roleassignment_unique_unplaced",
            ),
            models.UniqueConstraint(
                fields=["user", "role", "regency"],
                condition=models.Q(regency__isnull=False),
                name="roleassignment_unique_regency",
            ),
            models.UniqueConstraint(
                fields=["user", "role", "district"],
                condition=models.Q(district__isnull=False),
                name="roleassignment_unique_district",
            ),
            models.UniqueConstraint(
                fields=["user", "role", "village"],
                condition=models.Q(village__isnull=False),
                name="roleassignment_unique_village",
            ),
            models.UniqueConstraint(
                fields=["user", "role", "puskesmas"],
                condition=models.Q(puskesmas__isnull=False),
                name="roleassignment_unique_puskesmas",
            ),
            models.UniqueConstraint(
                fields=["user", "role", "checkpoint"],
                condition=models.Q(checkpoint__isnull=False),
                name="roleassignment_unique_checkpoint",
            ),
        ]

    def __str__(self) -> str:
        place = self.village or self.district or self.puskesmas or self.checkpoint or self.regency
        return f"{self.get_role_display()}{f' — {place}' if place else ''}"


class ApiToken(models.Model):
    """A key for another government system to call the API as `user` (with that user's roles and
    jurisdiction). Only a hash is stored; the key is shown once, when it is made."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=100)
    prefix = models.CharField(_("key begins with"), max_length=12, db_index=True)
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"
