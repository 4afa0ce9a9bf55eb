"""The JSON API under /api/v1: one NinjaAPI, one router per app."""

from django.core.exceptions import (
    PermissionDenied,
    RequestDataTooBig,
    TooManyFieldsSent,
    TooManyFilesSent,
)
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, ValidationError

from smartkampung.accounts.api_auth import STAFF_AUTH
from smartkampung.aid.api import router as aid_router
from smartkampung.aid.public_api import router as aid_public_router
from smartkampung.checkpoints.api import public_router as checkpoints_public_router
from smartkampung.checkpoints.api import router as checkpoints_router
from smartkampung.core.errors import Refused, sentences
from smartkampung.core.schemas import CheckedParser
from smartkampung.health.api import router as health_router
from smartkampung.isolation.api import public_router as isolation_public_router
from smartkampung.isolation.api import router as isolation_router
from smartkampung.ktp.api import public_router as ktp_public_router
from smartkampung.ktp.api import router as ktp_router
from smartkampung.letters.api import public_router as letters_public_router
from smartkampung.letters.api import router as letters_router
from smartkampung.notifications.api import router as notifications_router
from smartkampung.population.api import router as population_router
from smartkampung.population.public_api import router as public_router
from smartkampung.population.schemas import ErrorOut
from smartkampung.privacy.api import router as privacy_router
from smartkampung.regions.api import nik_router
from smartkampung.regions.api import router as regions_router
from smartkampung.tourism.api import public_router as tourism_public_router
from smartkampung.tourism.api import router as tourism_router

api = NinjaAPI(
    title="smartkampung API",
    version="1",
    description="Population registry and village services of the regency. Staff endpoints need a signed-in "
    "session (cookie + CSRF token) or an API token (header Authorization: Bearer sk_...), and answer within "
    "the jurisdiction of the user behind it; reference data, NIK validation and /public are open.",
    urls_namespace="api-v1",
    parser=CheckedParser(),
)
api.add_router("/regions", regions_router)
api.add_router("/nik", nik_router)
api.add_router("/public", public_router)
api.add_router("/public", checkpoints_public_router)
api.add_router("/public", isolation_public_router)
api.add_router("/public", aid_public_router)
api.add_router("/public", letters_public_router)
api.add_router("/public", ktp_public_router)
api.add_router("/public/tourism", tourism_public_router)
api.add_router("/", population_router, auth=STAFF_AUTH)
api.add_router("/", checkpoints_router, auth=STAFF_AUTH)
api.add_router("/notifications", notifications_router, auth=STAFF_AUTH)
api.add_router("/isolation", isolation_router, auth=STAFF_AUTH)
api.add_router("/health", health_router, auth=STAFF_AUTH)
api.add_router("/aid", aid_router, auth=STAFF_AUTH)
api.add_router("/letters", letters_router, auth=STAFF_AUTH)
api.add_router("/ktp", ktp_router, auth=STAFF_AUTH)
api.add_router("/tourism", tourism_router, auth=STAFF_AUTH)
api.add_router("/subject-data", privacy_router, auth=STAFF_AUTH)


# The framework's own answers, documented on every operation that can give them (so the documented bodies are the
# real ones: core/tests/test_openapi.py). One error shape: ErrorOut, its `errors` as FieldError (field, message).
COMMON_ANSWERS = {422: ErrorOut}
SIGNED_IN_ANSWERS = {401: ErrorOut}
# Where the request has a body that is not JSON (or not one at all) the framework answers 400.
BODY_ANSWERS = {400: ErrorOut}


def document_common_answers() -> None:
    for bound_router in api._get_bound_routers():
        for path_view in bound_router.path_operations.values():
            for operation in path_view.operations:
                answers = {**COMMON_ANSWERS}
                if operation.auth_callbacks:
                    answers |= SIGNED_IN_ANSWERS
                if any(model.__ninja_param_source__ in ("body", "form", "file") for model in operation.models):
                    answers |= BODY_ANSWERS
                for status, schema in answers.items():
                    if status not in operation.response_models:
                        operation.response_models[status] = operation._create_response_model(schema)


document_common_answers()


def field_errors(errors) -> list[dict]:
    """Pydantic's errors as FieldError: the field's dotted path (without where it came from, nor the name of the
    handler's body argument) and the message."""
    found = []
    for error in errors:
        location = [str(part) for part in error.get("loc", ())]
        path = location[2:] if location[:1] == ["body"] else location[1:]
        message = _("This field is required.") if error.get("type") == "missing" else error.get("msg", "")
        found.append({"field": ".".join(path), "message": message})
    return found


@api.exception_handler(ValidationError)
def validation_errors(request, exc: ValidationError):
    errors = field_errors(exc.errors)
    said = [f"{e['field']}: {e['message']}" if e["field"] else e["message"] for e in errors[:3]]
    body = {"detail": sentences([_("The request is not valid."), *said]), "errors": errors}
    return api.create_response(request, body, status=422)


@api.exception_handler(Refused)
def refused(request, exc: Refused):
    """Every service's refusal, whatever the app, in one shape (core.errors): no handler catches its own."""
    response = api.create_response(request, exc.as_dict(), status=exc.status)
    if getattr(exc, "retry_after", None):  # a refusal for now only (429)
        response["Retry-After"] = str(exc.retry_after)
    return response


@api.exception_handler(PermissionDenied)
def forbidden(request, exc: PermissionDenied):
    return api.create_response(request, {"detail": str(exc) or _("You may not do this.")}, status=403)


@api.exception_handler(AuthenticationError)
def not_signed_in(request, exc):
    return api.create_response(request, {"detail": _("Sign in first.")}, status=401)


@api.exception_handler(RequestDataTooBig)
def too_big(request, exc):
    """A body past DATA_UPLOAD_MAX_MEMORY_SIZE (files have their own limit, core.spreadsheets)."""
    return api.create_response(request, {"detail": _("The request is too large.")}, status=413)


@api.exception_handler(TooManyFieldsSent)
@api.exception_handler(TooManyFilesSent)
def too_many_parts(request, exc):
    return api.create_response(request, {"detail": _("The request has too many fields or files.")}, status=400)
