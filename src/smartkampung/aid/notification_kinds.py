"""The notifications the aid module writes, registered with `notifications.kinds` at start-up."""

from django.utils.translation import gettext_lazy as _

from smartkampung.accounts.selectors import aid_read_scope
from smartkampung.aid.models import ConflictKind
from smartkampung.notifications import kinds

# An alarm (red), not a task: someone is listed where they must not be. It names them masked (as the village's
# public list does), with their programs, and links to the conflict: it also reaches the village's Puskesmas and
# the health agency, who do not read aid listings; the full names are on the conflict page. "outcome" is the
# conflict's kind when the batch has one kind.
AID_CONFLICT = kinds.register(
    "aid_conflict",
    _("aid alarm"),
    summary=[("conflicts", _("Aid conflicts found")), ("who", _("Listed"))],
    outcomes=ConflictKind.choices,
    alarm=True,
    module=__name__,
    opened_within=aid_read_scope,  # the Puskesmas and the health agency are told, but may not open aid records
)
# No name, NIK or phone in its summary: it reaches people who do not work with aid (the village's Puskesmas).
AID_REPORT = kinds.register(
    "aid_report",
    _("citizen reports receiving no aid"),
    summary=[("situation", _("Situation")), ("code", _("Code"))],
    module=__name__,
    opened_within=aid_read_scope,
)
