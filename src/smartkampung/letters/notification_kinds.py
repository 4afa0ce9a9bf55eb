"""The notifications the letters module writes, registered with `notifications.kinds` at start-up. A letter moving
from one official to the next writes none: each official's queue (and its count on their dashboard) is where
they find it, and the village's list stays for what the office must act on."""

from django.utils.translation import gettext_lazy as _

from smartkampung.accounts.selectors import letters_read_scope
from smartkampung.notifications import kinds

_LETTER = (
    ("letter", _("Letter")),
    ("code", _("Code")),
    ("waiting_for", _("Waiting for")),
    ("outcome", _("Outcome")),
)

# No resident's name in the summary: a village's notifications reach its Puskesmas and the health agency too, who
# have no business knowing who asked for which letter; the link opens the letter only for those who read letters.
# A resident asked for a letter online: the village office has a new request in its queue.
REQUESTED = kinds.register(
    "letter_request", _("letter requested online"), summary=_LETTER, module=__name__, opened_within=letters_read_scope
)
# Finally signed (the resident may download it) or sent back with a reason: the village sees it, and the
# resident is told on their phone through the gateway that subscribes to the webhook.
FINISHED = kinds.register(
    "letter_signed",
    _("letter signed"),
    summary=_LETTER,
    module=__name__,
    tells_citizen=True,
    opened_within=letters_read_scope,
)
REJECTED = kinds.register(
    "letter_rejected",
    _("letter sent back"),
    summary=_LETTER,
    module=__name__,
    tells_citizen=True,
    opened_within=letters_read_scope,
)
