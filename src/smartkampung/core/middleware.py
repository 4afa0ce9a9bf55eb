"""Control characters refused at the door, for whatever input reaches a view without a form or an API schema
(query strings, form posts read field by field): PostgreSQL cannot store or even compare NUL, so such input
would otherwise end in a server error. Forms and API schemas check every field themselves, with messages at the
field, and also refuse line breaks where text is one line (`core.validators`).

And htmx requests whose session has ended are sent to the sign-in page whole (`HtmxSignInAgain`)."""

from urllib.parse import urlencode, urlsplit

from django.conf import settings
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.http import HttpResponse, JsonResponse
from django.shortcuts import resolve_url
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from smartkampung.core.errors import sentences
from smartkampung.core.validators import control_character_message

FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


def _refused(request, field: str, message: str) -> HttpResponse:
    if request.path.startswith("/api/"):
        body = {"detail": sentences([_("The request is not valid."), message]), "errors": [
            {"field": field, "message": message}
        ]}  # fmt: skip
        return JsonResponse(body, status=422)
    return HttpResponse(message, status=400, content_type="text/plain; charset=utf-8")


class RefuseControlCharacters:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        message = control_character_message(request.path_info, multiline=False)
        if message:
            return _refused(request, "path", message)
        return self._first_refusal(request, request.GET) or self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        # The API reads its own bodies and forms (core.schemas), and answers a body too large in its own words. A
        # public upload page counts the client and the body's size before anything reads it
        # (`counts_before_reading`): its forms check their own fields (core.forms.TextChecked).
        if getattr(view_func, "counts_before_reading", False) or request.path.startswith("/api/"):
            return None
        if request.method == "POST" and request.content_type in FORM_TYPES:
            # Read as CsrfViewMiddleware reads it anyway (uploads go through the same upload handlers); JSON bodies
            # are the API's, whose schemas check every field.
            return self._first_refusal(request, request.POST)
        return None

    @staticmethod
    def _first_refusal(request, source):
        for field, values in source.lists():
            for value in [field, *values]:
                message = control_character_message(value, multiline=True)
                if message:
                    return _refused(request, field[:100], message)
        return None


class HtmxSignInAgain:
    """Once a session has ended, htmx would follow the redirect to the sign-in page by itself and swap that page
    into the fragment it asked for (the dashboard's tiles, a follow-up card). Tell it instead to load the sign-in
    page whole (HX-Redirect), coming back afterwards to the page the person was on, not to the fragment."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.headers.get("HX-Request") != "true" or response.status_code != 302:
            return response
        login = resolve_url(settings.LOGIN_URL)
        if urlsplit(response["Location"]).path != login:
            return response
        current = request.headers.get("HX-Current-URL", "")
        page = urlsplit(current)
        back = page.path + (f"?{page.query}" if page.query else "")
        allowed = url_has_allowed_host_and_scheme(current, {request.get_host()}, require_https=request.is_secure())
        if not (back.startswith("/") and allowed):
            back = "/"
        signed_out = HttpResponse(status=200)
        signed_out["HX-Redirect"] = f"{login}?{urlencode({REDIRECT_FIELD_NAME: back})}"
        return signed_out
