"""The JSON API under /api/v1: one NinjaAPI, one router per app."""

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, ValidationError

from smartkampung.accounts.api_auth import STAFF_AUTH
from smartkampung.aid.api import router as aid_router
from smartkampung.aid.public_api import router as aid_public_router
from smartkampung.checkpoints.api import public_router as checkpoints_public_router
from smartkampung.checkpoints.api import router as checkpoints_router
from smartkampung.health.api import router as health_router
from smartkampung.isolation.api import public_router as isolation_public_router
from smartkampung.isolation.api import router as isolation_router
from smartkampung.notifications.api import router as notifications_router
from smartkampung.population.api import router as population_router
from smartkampung.population.public_api import router as public_router
from smartkampung.regions.api import nik_router
from smartkampung.regions.api import router as regions_router

api = NinjaAPI(
    title="smartkampung API",
    version="1",
    description="Population registry and village services of the regency. Staff endpoints need a signed-in "
    "session (cookie + CSRF token) or an API token (header Authorization: Bearer sk_...), and answer within "
    "the jurisdiction of the user behind it; reference data, NIK validation and /public are open.",
    urls_namespace="api-v1",
)
api.add_router("/regions", regions_router)
api.add_router("/nik", nik_router)
api.add_router("/public", public_router)
api.add_router("/public", checkpoints_public_router)
api.add_router("/public", isolation_public_router)
api.add_router("/public", aid_public_router)
api.add_router("/", population_router, auth=STAFF_AUTH)
api.add_router("/", checkpoints_router, auth=STAFF_AUTH)
api.add_router("/notifications", notifications_router, auth=STAFF_AUTH)
api.add_router("/isolation", isolation_router, auth=STAFF_AUTH)
api.add_router("/health", health_router, auth=STAFF_AUTH)
api.add_router("/aid", aid_router, auth=STAFF_AUTH)


@api.exception_handler(ValidationError)
def validation_errors(request, exc: ValidationError):
    return api.create_response(request, {"detail": _("The request is not valid."), "errors": exc.errors}, status=422)


@api.exception_handler(PermissionDenied)
def forbidden(request, exc: PermissionDenied):
    return api.create_response(request, {"detail": str(exc) or _("You may not do this.")}, status=403)


@api.exception_handler(AuthenticationError)
def not_signed_in(request, exc):
    return api.create_response(request, {"detail": _("Sign in first.")}, status=401)
