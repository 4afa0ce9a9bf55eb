"""The notifications the isolation module writes, registered with `notifications.kinds` at start-up."""

from django.utils.translation import gettext_lazy as _

from smartkampung.notifications import kinds

_GUEST = (
    # DD-MM-YYYY, as people read it (the key the pre-registration uses too); the summary keeps
    # `expected_arrival` (YYYY-MM-DD) for programs.
    ("expected_day", _("Expected arrival")),
    ("name", _("Name")),
    ("nik", _("NIK")),
    ("phone", _("Phone")),
    ("destination_address", _("Destination address")),
    ("code", _("Code")),
)

RESERVATION = kinds.register("reservation", _("isolation bed reserved"), summary=_GUEST, module=__name__)
# The citizen cancelled their reservation (by its code with NIK and KK number): the bed is free again.
CANCELLATION = kinds.register(
    "bed_cancelled", _("isolation bed reservation cancelled"), summary=_GUEST, module=__name__
)
