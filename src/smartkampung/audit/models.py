"""The audit log: who did what to (or saw) which personal data, when and from where. Append-only."""

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils.translation import gettext_lazy as _


class Action(models.TextChoices):
    CREATE = "create", _("created")
    UPDATE = "update", _("changed")
    DELETE = "delete", _("deleted")
    IMPORT = "import", _("imported")
    VIEW = "view", _("viewed")
    SEARCH = "search", _("searched")
    EXPORT = "export", _("exported")


class AuditEntry(models.Model):
    """One operation on personal data. Never updated or deleted (a database trigger refuses it on PostgreSQL)."""

    at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)
    # PROTECT: an account with history is deactivated, never deleted. The name is kept as text too,
    # so the entry still says who it was if the account is renamed.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("user"),
    )
    actor_username = models.CharField(_("username"), max_length=150, blank=True)
    roles = models.CharField(_("roles"), max_length=255, blank=True)
    action = models.CharField(_("action"), max_length=8, choices=Action.choices)
    object_type = models.CharField(_("record type"), max_length=30)
    # The one record concerned (a NIK, a KK number, a job id), indexed for a record's history;
    # operations on many records list them in object_ids instead.
    subject = models.CharField(_("record"), max_length=40, blank=True, db_index=True)
    object_ids = models.JSONField(_("records"), default=list, blank=True)
    changes = models.JSONField(_("changes"), default=dict, blank=True, encoder=DjangoJSONEncoder)
    detail = models.JSONField(_("detail"), default=dict, blank=True, encoder=DjangoJSONEncoder)
    ip = models.GenericIPAddressField(_("address"), null=True, blank=True)
    path = models.CharField(_("page or endpoint"), max_length=255, blank=True)
    # The request it was written in (core.requestid): the same id is on the request's log lines.
    request_id = models.CharField(_("request id"), max_length=64, blank=True, db_index=True)
    # Set when the retention job reduced the personal fields (values in changes and detail, the address) after the
    # legal period; the entry itself is kept, and on PostgreSQL that reduction is the one change the trigger allows.
    reduced_at = models.DateTimeField(_("personal fields reduced at"), null=True, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")
        indexes = [models.Index(fields=["actor_username", "at"], name="audit_actor_at")]
        constraints = [
            models.CheckConstraint(condition=models.Q(action__in=[a.value for a in Action]), name="audit_action"),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_username} {self.action} {self.object_type} {self.subject}"
