"""Public reference data: regions by Kemendagri code, and NIK validation (no personal data)."""

from django.conf import settings
from django.http import HttpRequest
from ninja import Router, Status

from smartkampung.regions import schemas
from smartkampung.regions.models import District, Province, Regency, Village
from smartkampung.regions.nik import parse_nik

router = Router(tags=["regions"])
nik_router = Router(tags=["nik"])


@router.get("/provinces", response=list[schemas.ProvinceOut], summary="All provinces")
def provinces(request: HttpRequest):
    return Province.objects.all()


@router.get("/regencies", response=list[schemas.RegencyOut], summary="Regencies, optionally of one province")
def regencies(request: HttpRequest, province: str = ""):
    qs = Regency.objects.all()
    return qs.filter(province_id=province) if province else qs


@router.get("/districts", response=list[schemas.DistrictOut], summary="Kecamatan of a regency")
def districts(request: HttpRequest, regency: str = ""):
    """Defaults to the regencies this deployment serves."""
    if regency:
        return District.objects.filter(regency_id=regency)
    return District.objects.filter(regency_id__in=settings.SMARTKAMPUNG_REGENCIES)


@router.get("/villages", response=list[schemas.VillageOut], summary="Villages (desa/kelurahan) of the regency")
def villages(request: HttpRequest, district: str = "", kind: str = ""):
    qs = Village.objects.filter(district__regency_id__in=settings.SMARTKAMPUNG_REGENCIES)
    if district:
        qs = qs.filter(district_id=district)
    if kind:
        qs = qs.filter(kind=kind)
    return qs


@router.get("/villages/{code}", response={200: schemas.VillageOut, 404: dict}, summary="A village")
def village(request: HttpRequest, code: str):
    found = Village.objects.filter(code=code).first()
    return Status(200, found) if found else Status(404, {"detail": "Not found."})


def _nik_out(value: str) -> dict:
    result = parse_nik(value)
    return {
        **result.as_json(),
        "errors": [{"code": e.code, "message": e.message} for e in result.errors],
        "birth_date": result.birth_date,
    }


@nik_router.post("/validate", response=list[schemas.NikOut], summary="Validate many NIKs")
def validate_niks(request: HttpRequest, payload: schemas.NikBatchIn):
    return [_nik_out(value) for value in payload.niks]


@nik_router.get("/{nik}", response=schemas.NikOut, summary="Validate and decode a NIK")
def validate_nik(request: HttpRequest, nik: str):
    """Structure only: says nothing about whether the person is in the register."""
    return _nik_out(nik)
