"""The notifications the checkpoint module writes, registered with `notifications.kinds` at start-up."""

from django.utils.translation import gettext_lazy as _

from smartkampung.checkpoints.models import Outcome
from smartkampung.notifications import kinds

_TRAVELLER = (
    ("name", _("Name")),
    ("nik", _("NIK")),
    ("phone", _("Phone")),
    ("origin", _("Coming from")),
    ("checkpoint", _("Checkpoint")),
    ("destination_address", _("Destination address")),
)

ARRIVAL = kinds.register(
    "arrival", _("arrival"), summary=_TRAVELLER, outcomes=Outcome.choices, escalates=True, module=__name__
)
REFUSAL = kinds.register(
    "refusal",
    _("refused entry"),
    summary=_TRAVELLER,
    outcomes=Outcome.choices,
    escalates=True,
    alarm=True,
    module=__name__,
)
WANDERING = kinds.register(
    "wandering",
    _("newcomer found in the village"),
    summary=_TRAVELLER,
    outcomes=Outcome.choices,
    escalates=True,
    module=__name__,
)
PREREGISTRATION = kinds.register(
    "preregistration",
    _("pre-registration"),
    summary=(
        ("expected_day", _("Expected arrival")),  # DD-MM-YYYY (summary["expected_arrival"] is the ISO day)
        ("name", _("Name")),
        ("nik", _("NIK")),
        ("phone", _("Phone")),
        ("origin", _("Coming from")),
        ("destination_address", _("Destination address")),
        ("code", _("Code")),
    ),
    module=__name__,
)
