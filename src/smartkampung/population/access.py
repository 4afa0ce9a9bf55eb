"""What every writer of the registry shares: the refusals and the check of the user's write scope.

Record edits (`services`), file imports (`imports`) and moves between villages (`moves`) all
refuse through these, so the rule of who may write where is applied in one way.
"""

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from smartkampung.accounts.selectors import write_scope
from smartkampung.core.errors import Refused
from smartkampung.regions.models import Village


class RegistryForbidden(PermissionDenied):
    """The user may not write there (outside their jurisdiction, or a read-only role)."""


class RegistryError(Refused):
    """A write was refused; `errors` are (field label, message) pairs in the user's language."""


def require_write(user, village_code: str) -> None:
    if user is None:  # the command line and the system itself
        return
    if not write_scope(user).covers(village_code):
        raise RegistryForbidden(_("You may not change the register of this village."))


def served_villages() -> set[str]:
    return set(
        Village.objects.filter(district__regency_id__in=settings.SMARTKAMPUNG_REGENCIES).values_list("code", flat=True)
    )
