"""The notifications the tourism module writes (certification, re-evaluation), registered at start-up.

Each tells the place's owner on their phone (`tells_citizen`: the webhook gateway carries the contact phone and
the message); the village's list shows the place and the date, never the owner's name or phone. The tourism agency
sees them in every village (`seen_regency_wide_by`)."""

from django.utils.translation import gettext_lazy as _

from smartkampung.accounts.selectors import tourism_agency
from smartkampung.notifications import kinds

_PLACE = (
    ("place", _("Place")),
    ("certificate", _("Certificate")),
    ("due_on", _("Due on")),
    ("outcome", _("Outcome")),
)

# The agency decided an inspection: certified (with or without conditions) or rejected.
DECIDED = kinds.register(
    "tour_decided",
    _("tourism inspection decided"),
    summary=_PLACE,
    outcomes=(
        ("certified", _("certified")),
        ("conditional", _("certified with conditions")),
        ("rejected", _("rejected")),
    ),
    module=__name__,
    seen_regency_wide_by=tourism_agency,
    tells_citizen=True,
)
# Reminders, each sent once: an inspection due within 14 days, a certificate expiring within 30.
INSPECTION_DUE = kinds.register(
    "tour_insp_due",
    _("tourism inspection due"),
    summary=_PLACE,
    module=__name__,
    seen_regency_wide_by=tourism_agency,
    tells_citizen=True,
)
CERTIFICATE_EXPIRING = kinds.register(
    "tour_cert_expiry",
    _("tourism certificate expiring"),
    summary=_PLACE,
    module=__name__,
    seen_regency_wide_by=tourism_agency,
    tells_citizen=True,
)
