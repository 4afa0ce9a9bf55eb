"""The export as a file to download, the same from the page and the API."""

from django.http import HttpResponse

from smartkampung.privacy.pdf import subject_pdf
from smartkampung.privacy.services import SubjectData


def file_of(found: SubjectData, chosen: str) -> HttpResponse:
    """The export as a download: JSON or PDF (shared with the API)."""
    if chosen == "pdf":
        response = HttpResponse(subject_pdf(found), content_type="application/pdf")
    else:
        response = HttpResponse(found.as_json(), content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="subject-data-{found.nik}.{chosen}"'
    response["Cache-Control"] = "no-store"
    return response
