"""The notifications the health module writes, registered with `notifications.kinds` at start-up."""

from django.utils.translation import gettext_lazy as _

from smartkampung.notifications import kinds

SYMPTOMS = kinds.register(
    "symptoms",
    _("symptoms during isolation"),
    summary=(
        ("name", _("Name")),
        ("nik", _("NIK")),
        ("phone", _("Phone")),
        ("destination_address", _("Destination address")),
    ),
    module=__name__,
)
