"""/api/v1/subject-data: a data subject's request by API (the regency administrator; anyone else 404). The
request's reference (the number of the person's request letter) is required and kept in the audit entry.

POST with the NIK in the body, not GET with it in the address: an address is written to the proxy's and the server's
access logs, and a GET may be set off by another site in the administrator's browser (a POST signed in by session
must carry the CSRF token)."""

from django.http import HttpRequest
from ninja import Router

from smartkampung.privacy import schemas
from smartkampung.privacy.downloads import file_of
from smartkampung.privacy.services import export_subject_data

router = Router(tags=["personal data"])

NOT_FOUND_DOC = {"description": "Not found: only the regency administrator answers a data subject's request"}
PDF_DOC = {
    "responses": {
        200: {"description": "Everything held about the NIK, as a PDF", "content": {"application/pdf": {}}},
        404: NOT_FOUND_DOC,
    }
}


@router.post(
    "",
    response={200: schemas.SubjectDataOut},
    summary="Everything held about one NIK (audited export)",
    openapi_extra={"responses": {404: NOT_FOUND_DOC}},
)
def subject_data(request: HttpRequest, body: schemas.SubjectRequestIn):
    return export_subject_data(user=request.user, nik=body.nik, reference=body.reference, format="json").as_dict()


@router.post("/pdf", summary="Everything held about one NIK, as a PDF (audited export)", openapi_extra=PDF_DOC)
def subject_data_pdf(request: HttpRequest, body: schemas.SubjectRequestIn):
    found = export_subject_data(user=request.user, nik=body.nik, reference=body.reference, format="pdf")
    return file_of(found, "pdf")
