from django.core.exceptions import PermissionDenied

from smartkampung.core.errors import Refused


class AidForbidden(PermissionDenied):
    """The user may not do this with social-aid data."""


class AidError(Refused):
    """A social-aid write refused, with its reasons in words."""
