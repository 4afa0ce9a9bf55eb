"""Village letters (surat keterangan): their types with templates and approval chains, the requests that move
through those chains, every signed revision of each letter's PDF, the officials' signing keys and the
deployment's certificate authority."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from smartkampung.population.models import Resident
from smartkampung.regions.models import Village

# The numbering pattern most Indonesian village offices follow: classification code / sequence / village code /
# month in Roman numerals / year (e.g. 400.12/007/3510151002/XII/2026).
DEFAULT_NUMBER_PATTERN = "{classification}/{sequence:03}/{village_code}/{month_roman}/{year}"
MAX_CHAIN = 6


class Position(models.TextChoices):
    """Who acts at a step of a chain. The values are the roles (accounts.Role) that hold these offices."""

    OPERATOR = "village_operator", _("village operator")
    SECRETARY = "village_secretary", _("village secretary")
    HEAD = "village_head", _("village head")
    CAMAT = "camat", _("camat")


class Action(models.TextChoices):
    """What a step's signature means (printed above its box)."""

    VERIFY = "verify", _("verified")
    INITIAL = "initial", _("initialled")
    SIGN = "sign", _("signed")
    ACKNOWLEDGE = "acknowledge", _("acknowledged")


class LetterType(models.Model):
    """A kind of letter a village issues (SKTM, domicile, business, ...): its template, the attachments a
    request must carry, how long the letter is valid, how it is numbered and (in `steps`) who signs it."""

    code = models.SlugField(_("code"), max_length=30, unique=True)
    name = models.CharField(_("name"), max_length=120)
    title = models.CharField(_("printed title"), max_length=120)
    classification_code = models.CharField(_("classification code"), max_length=20)
    body_template = models.TextField(
        _("template"),
        help_text=_(
            "Paragraphs separated by an empty line; placeholders such as {{ resident.name }} are filled "
            "from the register."
        ),
    )
    closing_template = models.TextField(_("closing"), blank=True)
    attachments = models.JSONField(
        _("required attachments"), default=list, blank=True, help_text=_('A list of {"code": ..., "label": ...}.')
    )
    validity_days = models.PositiveSmallIntegerField(_("valid for (days)"), default=90)
    number_pattern = models.CharField(_("number pattern"), max_length=120, default=DEFAULT_NUMBER_PATTERN)
    needs_purpose = models.BooleanField(_("asks for the purpose"), default=True)
    active = models.BooleanField(_("offered"), default=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("letter type")
        verbose_name_plural = _("letter types")
        constraints = [
            models.CheckConstraint(condition=Q(validity_days__gte=1), name="lettertype_validity_positive"),
        ]

    def __str__(self) -> str:
        return self.name


class ChainStep(models.Model):
    """One step of a letter type's approval chain: the official holding `position` (of the letter's village,
    or the camat of its kecamatan) signs, in `order`."""

    letter_type = models.ForeignKey(LetterType, on_delete=models.CASCADE, related_name="steps")
    order = models.PositiveSmallIntegerField(_("order"))
    position = models.CharField(_("position"), max_length=20, choices=Position.choices)
    action = models.CharField(_("meaning"), max_length=12, choices=Action.choices)

    class Meta:
        ordering = ["letter_type", "order"]
        verbose_name = _("approval step")
        verbose_name_plural = _("approval steps")
        constraints = [
            models.UniqueConstraint(fields=["letter_type", "order"], name="chainstep_unique_order"),
            models.UniqueConstraint(fields=["letter_type", "position"], name="chainstep_one_step_per_position"),
            models.CheckConstraint(condition=Q(order__gte=1, order__lte=MAX_CHAIN), name="chainstep_order_range"),
            models.CheckConstraint(condition=Q(position__in=[p.value for p in Position]), name="chainstep_position"),
            models.CheckConstraint(condition=Q(action__in=[a.value for a in Action]), name="chainstep_action"),
        ]

    def __str__(self) -> str:
        return f"{self.letter_type} {self.order}: {self.get_position_display()}"


class NumberingRule(models.Model):
    """A village's own numbering pattern, for one letter type or (type empty) for all of them."""

    village = models.ForeignKey(Village, on_delete=models.CASCADE, related_name="+", verbose_name=_("village"))
    letter_type = models.ForeignKey(
        LetterType, on_delete=models.CASCADE, null=True, blank=True, related_name="+", verbose_name=_("letter type")
    )
    pattern = models.CharField(_("number pattern"), max_length=120)

    class Meta:
        verbose_name = _("numbering rule")
        verbose_name_plural = _("numbering rules")
        constraints = [
            models.UniqueConstraint(
                fields=["village", "letter_type"], condition=Q(letter_type__isnull=False), name="numberingrule_unique"
            ),
            models.UniqueConstraint(
                fields=["village"], condition=Q(letter_type__isnull=True), name="numberingrule_unique_village"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.village_id} {self.letter_type or '*'}: {self.pattern}"


class NumberCounter(models.Model):
    """The last sequence number given to a village's letters of one type (or, under the village's one pattern for
    all its letters, of every type: `letter_type` empty) in one year. It is locked (SELECT ... FOR UPDATE) while
    a letter is finally signed, so numbers have no gaps and no duplicates."""

    village = models.ForeignKey(Village, on_delete=models.CASCADE, related_name="+")
    letter_type = models.ForeignKey(LetterType, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["village", "letter_type", "year"],
                condition=Q(letter_type__isnull=False),
                name="numbercounter_unique",
            ),
            models.UniqueConstraint(
                fields=["village", "year"], condition=Q(letter_type__isnull=True), name="numbercounter_unique_village"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.village_id} {self.letter_type_id or '*'} {self.year}: {self.last}"


class LetterRequest(models.Model):
    """A resident's request for a letter, from the village office or online, and the letter it becomes. The
    clock runs from `requested_at` to `finished_at` (the final signature)."""

    class Status(models.TextChoices):
        IN_PROGRESS = "in_progress", _("in progress")
        SIGNED = "signed", _("signed")
        REJECTED = "rejected", _("rejected")
        CANCELLED = "cancelled", _("cancelled")

    class Channel(models.TextChoices):
        OFFICE = "office", _("at the village office")
        ONLINE = "online", _("online")

    code = models.CharField(_("code"), max_length=12, unique=True)
    letter_type = models.ForeignKey(LetterType, on_delete=models.PROTECT, related_name="+", verbose_name=_("letter"))
    village = models.ForeignKey(Village, on_delete=models.PROTECT, related_name="+", verbose_name=_("village"))
    resident = models.ForeignKey(Resident, on_delete=models.PROTECT, related_name="+", verbose_name=_("resident"))
    # What the letter states of the resident, as the register had it when the request was made.
    facts = models.JSONField(_("facts"), default=dict)
    purpose = models.CharField(_("purpose"), max_length=300, blank=True)
    phone = models.CharField(_("phone"), max_length=16, blank=True)
    channel = models.CharField(_("channel"), max_length=8, choices=Channel.choices)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.IN_PROGRESS)
    current_step = models.PositiveSmallIntegerField(_("at step"), null=True, blank=True)
    requested_at = models.DateTimeField(_("requested at"), default=timezone.now)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    number = models.CharField(_("number"), max_length=120, blank=True)
    year = models.PositiveSmallIntegerField(null=True, blank=True)
    sequence = models.PositiveIntegerField(null=True, blank=True)
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    rejection_reason = models.CharField(_("reason for rejection"), max_length=500, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-requested_at"]
        verbose_name = _("letter request")
        verbose_name_plural = _("letter requests")
        indexes = [models.Index(fields=["village", "status", "current_step"]), models.Index(fields=["finished_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["in_progress", "signed", "rejected", "cancelled"]), name="letterrequest_status"
            ),
            models.CheckConstraint(condition=Q(channel__in=["office", "online"]), name="letterrequest_channel"),
            # A number only for a letter finally signed, and every signed letter has one.
            models.CheckConstraint(
                condition=Q(status="signed", sequence__isnull=False, year__isnull=False, finished_at__isnull=False)
                | (~Q(status="signed") & Q(sequence__isnull=True, number="")),
                name="letterrequest_number_iff_signed",
            ),
            models.CheckConstraint(
                condition=Q(status="in_progress", current_step__isnull=False)
                | (~Q(status="in_progress") & Q(current_step__isnull=True)),
                name="letterrequest_step_iff_in_progress",
            ),
            models.UniqueConstraint(
                fields=["village", "letter_type", "year", "sequence"],
                condition=Q(sequence__isnull=False),
                name="letterrequest_unique_number",
            ),
            # Whatever the patterns say: one number, one letter of the village.
            models.UniqueConstraint(
                fields=["village", "number"], condition=~Q(number=""), name="letterrequest_unique_number_text"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.letter_type} {self.code}"


class LetterStep(models.Model):
    """A request's copy of one chain step: who signed it and when, or the last error that kept it waiting.
    `ready_at` is when the letter reached this step (the official's own clock)."""

    class Status(models.TextChoices):
        PENDING = "pending", _("not yet reached")
        WAITING = "waiting", _("waiting")
        SIGNED = "signed", _("signed")
        REJECTED = "rejected", _("rejected")

    request = models.ForeignKey(LetterRequest, on_delete=models.CASCADE, related_name="steps")
    order = models.PositiveSmallIntegerField(_("order"))
    position = models.CharField(_("position"), max_length=20, choices=Position.choices)
    action = models.CharField(_("meaning"), max_length=12, choices=Action.choices)
    status = models.CharField(_("status"), max_length=8, choices=Status.choices, default=Status.PENDING)
    ready_at = models.DateTimeField(_("reached at"), null=True, blank=True)
    signer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("signed by"),
    )
    signer_name = models.CharField(_("name"), max_length=150, blank=True)
    signer_title = models.CharField(_("title"), max_length=150, blank=True)
    signed_at = models.DateTimeField(_("signed at"), null=True, blank=True)
    last_error = models.CharField(_("last error"), max_length=500, blank=True)
    last_error_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["request", "order"]
        constraints = [
            models.UniqueConstraint(fields=["request", "order"], name="letterstep_unique_order"),
            models.CheckConstraint(
                condition=Q(status__in=["pending", "waiting", "signed", "rejected"]), name="letterstep_status"
            ),
            models.CheckConstraint(
                condition=~Q(status="signed") | Q(signed_at__isnull=False, signer__isnull=False),
                name="letterstep_signed_has_signer",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.request_id} {self.order}: {self.position}"

    @property
    def field_name(self) -> str:
        """The PDF signature field of this step (made, empty, before the first signature)."""
        return f"step{self.order}_{self.position}"


class LetterAttachment(models.Model):
    """A document a request carries (a photo or scan of a KK, a statement from the RT, ...)."""

    request = models.ForeignKey(LetterRequest, on_delete=models.CASCADE, related_name="attachments")
    requirement = models.CharField(_("required document"), max_length=30)
    file_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("type"), max_length=40)
    size = models.PositiveIntegerField(_("size"))
    sha256 = models.CharField(max_length=64)
    data = models.BinaryField()
    uploaded_at = models.DateTimeField(_("uploaded at"), default=timezone.now)

    class Meta:
        ordering = ["request", "requirement"]
        constraints = [
            models.UniqueConstraint(fields=["request", "requirement"], name="letterattachment_one_per_requirement"),
        ]

    def __str__(self) -> str:
        return self.file_name


class LetterRevision(models.Model):
    """One version of a letter's PDF: 0 as rendered (with every signature field, empty), then one per
    signature, each an incremental update of the one before. None is ever changed or deleted, so a failed
    signature leaves the earlier file as it was."""

    request = models.ForeignKey(LetterRequest, on_delete=models.CASCADE, related_name="revisions")
    number = models.PositiveSmallIntegerField()
    step_order = models.PositiveSmallIntegerField(null=True, blank=True)
    pdf = models.BinaryField()
    sha256 = models.CharField(max_length=64, db_index=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["request", "number"]
        constraints = [models.UniqueConstraint(fields=["request", "number"], name="letterrevision_unique_number")]

    def __str__(self) -> str:
        return f"{self.request_id} r{self.number}"


class CertificateAuthority(models.Model):
    """The deployment's own root certificate for its officials' keys (made by `smartkampung signing_ca`; its
    private key is encrypted with a passphrase the command asks for and never stores)."""

    name = models.CharField(_("name"), max_length=150)
    certificate_pem = models.TextField()
    key_pem = models.TextField()
    fingerprint = models.CharField(max_length=64, unique=True)
    not_after = models.DateTimeField()
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("certificate authority")
        verbose_name_plural = _("certificate authorities")
        constraints = [
            models.UniqueConstraint(
                fields=["active"], condition=Q(active=True), name="certificateauthority_one_active"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class SigningKey(models.Model):
    """An official's means to sign: a key certified by the deployment's authority (stored encrypted with the
    official's passphrase), a certificate from the national authority (BSrE) imported as PKCS#12 (stored as
    the file, locked by its password), or BSrE's remote signing gateway (by the official's NIK; the key never
    leaves BSrE). The passphrase is asked at each signature and never stored."""

    class Kind(models.TextChoices):
        LOCAL = "local", _("certificate of this deployment")
        PKCS12 = "pkcs12", _("BSrE certificate (PKCS#12 file)")
        GATEWAY = "gateway", _("BSrE signing gateway")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="signing_keys")
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices)
    certificate_pem = models.TextField(blank=True)
    key_pem = models.TextField(blank=True)
    pkcs12 = models.BinaryField(null=True, blank=True)
    gateway_nik = models.CharField(_("NIK at BSrE"), max_length=16, blank=True)
    subject_name = models.CharField(_("name in the certificate"), max_length=200, blank=True)
    fingerprint = models.CharField(max_length=64, blank=True)
    not_after = models.DateTimeField(_("valid until"), null=True, blank=True)
    active = models.BooleanField(_("in use"), default=True)
    created_at = models.DateTimeField(_("added at"), default=timezone.now)

    class Meta:
        ordering = ["user", "-created_at"]
        verbose_name = _("signing key")
        verbose_name_plural = _("signing keys")
        constraints = [
            models.UniqueConstraint(fields=["user"], condition=Q(active=True), name="signingkey_one_active_per_user"),
            models.CheckConstraint(condition=Q(kind__in=["local", "pkcs12", "gateway"]), name="signingkey_kind"),
            models.CheckConstraint(
                condition=Q(kind="local", key_pem__gt="", certificate_pem__gt="")
                | Q(kind="pkcs12", pkcs12__isnull=False)
                | Q(kind="gateway", gateway_nik__regex=r"^[0-9]{16}$"),
                name="signingkey_material_fits_kind",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.subject_name or self.gateway_nik}"
