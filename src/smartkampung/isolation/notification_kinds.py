"""The notifications the isolation module writes, registered with `notifications.kinds` at start-up."""

from django.utils.translation import gettext_lazy as _

from smartkampung.notifications import kinds

RESERVATION = kinds.register(
    "reservation",
    _("isolation bed reserved"),
    summary=(
        ("name", _("Name")),
        ("nik", _("NIK")),
        ("phone", _("Phone")),
        ("destination_address", _("Destination address")),
        ("code", _("Code")),
    ),
    module=__name__,
)
