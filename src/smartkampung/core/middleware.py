"""Control characters refused at the door, for whatever input reaches a view without a form or an API schema
(query strings, form posts read field by field): PostgreSQL cannot store or even compare NUL, so such input
would otherwise end in a server error. Forms and API schemas check every field themselves, with messages at the
field, and also refuse line breaks where text is one line (`core.validators`)."""

from django.http import HttpResponse, JsonResponse
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
        sources = [request.GET]
        # The API reads its own bodies and forms (core.schemas), and answers a body too large in its own words.
        if request.method == "POST" and request.content_type in FORM_TYPES and not request.path.startswith("/api/"):
            # Read as CsrfViewMiddleware reads it anyway (uploads go through the same upload handlers); JSON bodies
            # are the API's, whose schemas check every field.
            sources.append(request.POST)
        for source in sources:
            for field, values in source.lists():
                for value in [field, *values]:
                    message = control_character_message(value, multiline=True)
                    if message:
                        return _refused(request, field[:100], message)
        return self.get_response(request)
