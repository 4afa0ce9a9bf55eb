"""The notifications the letters module writes, registered with `notifications.kinds` at start-up."""

from django.utils.translation import gettext_lazy as _

from smartkampung.notifications import kinds

_LETTER = (
    ("letter", _("Letter")),
    ("name", _("Name")),
    ("code", _("Code")),
    ("waiting_for", _("Waiting for")),
    ("outcome", _("Outcome")),
)

# A resident asked for a letter (online or at the office): the first official of the chain has it in their queue.
REQUESTED = kinds.register("letter_request", _("letter requested"), summary=_LETTER, module=__name__)
# The letter moved on to the next official of its chain.
WAITING = kinds.register("letter_waiting", _("letter waiting for a signature"), summary=_LETTER, module=__name__)
# Finally signed (the resident may download it) or rejected with a reason (told to the resident).
FINISHED = kinds.register("letter_signed", _("letter signed"), summary=_LETTER, module=__name__)
REJECTED = kinds.register("letter_rejected", _("letter rejected"), summary=_LETTER, module=__name__)
