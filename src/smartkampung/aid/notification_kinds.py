"""The notifications the aid module writes, registered with `notifications.kinds` at start-up."""

from django.utils.translation import gettext_lazy as _

from smartkampung.notifications import kinds

AID_CONFLICT = kinds.register(
    "aid_conflict", _("aid conflicts found"), summary=[("conflicts", _("Aid conflicts found"))], module=__name__
)
# No name, NIK or phone in its summary: it reaches people who do not work with aid (the village's Puskesmas).
AID_REPORT = kinds.register(
    "aid_report",
    _("citizen reports receiving no aid"),
    summary=[("situation", _("Situation")), ("code", _("Code"))],
    module=__name__,
)
