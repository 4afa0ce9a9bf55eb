"""The notifications of violations and revocations, registered at start-up.

A report goes to the place's village (so its kecamatan sees it too) for the tourism agency to act on; the link to
the report opens only for the agency (`opened_within`). A suspension, revocation or reinstatement also tells the
owner on their phone through the citizen channel (`tells_citizen`: summary citizen_phone / citizen_message)."""

from django.utils.translation import gettext_lazy as _

from smartkampung.accounts.selectors import Scope, tourism_agency, tourism_read_q
from smartkampung.notifications import kinds


def agency_scope(user) -> Scope:
    """The violation pages are the agency's: the link opens for it (in its regency), for nobody else."""
    return tourism_agency(user)


def readers_scope(user) -> Scope:
    """A certificate's change links to the place's upheld violations, which its readers open (the page checks
    tourism_read_q per place; here every village for those who read any place at all)."""
    from smartkampung.tourism.models import Place

    return Scope(everything=True) if Place.objects.filter(tourism_read_q(user)).exists() else Scope()


_REPORT = (("place", _("Place")), ("code", _("Report code")))
_CERTIFICATE = (("place", _("Place")), ("certificate", _("Certificate")), ("reason", _("Reason")))

REPORTED = kinds.register(
    "tviol_reported",
    _("health-protocol violation reported"),
    summary=_REPORT,
    module=__name__,
    seen_regency_wide_by=tourism_agency,
    opened_within=agency_scope,
)
SUSPENDED = kinds.register(
    "tviol_suspended",
    _("tourism certificate suspended"),
    summary=_CERTIFICATE,
    module=__name__,
    seen_regency_wide_by=tourism_agency,
    tells_citizen=True,
    opened_within=readers_scope,
)
REVOKED = kinds.register(
    "tviol_revoked",
    _("tourism certificate revoked"),
    summary=_CERTIFICATE,
    alarm=True,
    module=__name__,
    seen_regency_wide_by=tourism_agency,
    tells_citizen=True,
    opened_within=readers_scope,
)
REINSTATED = kinds.register(
    "tviol_reinstated",
    _("tourism certificate reinstated"),
    summary=_CERTIFICATE,
    module=__name__,
    seen_regency_wide_by=tourism_agency,
    tells_citizen=True,
    opened_within=readers_scope,
)
