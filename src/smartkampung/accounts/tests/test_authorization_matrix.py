"""Who may see whom: every page and API endpoint that touches personal data, for every role,
inside and outside its jurisdiction. A new endpoint makes the completeness tests fail until
it is listed here (or, if it holds no personal data, in PUBLIC).

Two villages in two kecamatan: HOME (Bakungan, Kec. Glagah) and AWAY (Sarongan, Kec.
Pesanggaran), in Banyuwangi; FAR (Keting, Kec. Jombang) in Jember, served by the same deployment. Each request
targets HOME's family; "in" actors have HOME in their jurisdiction. FAR's resident has a case, an arrival, an
aid listing, a letter request and a tourism place, so that a list leaking another regency's records fails the
leak check of every request.
"""

import datetime as dt
import json

import pytest
from django.contrib.auth import get_user_model
from django.db import transaction
from django.test import override_settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from smartkampung.accounts.models import Role
from smartkampung.accounts.services import assign_role
from smartkampung.accounts.tests.factories import give_role
from smartkampung.accounts.tests.matrix_expectations import (
    ACTORS,
    AWAY,
    AWAY_DISTRICT,
    AWAY_KK,
    AWAY_NAME,
    AWAY_NIK,
    CONFLICT,
    FAR,
    FAR_AGENCIES,
    FAR_AS_OUT,
    FAR_DISTRICT,
    FAR_KK,
    FAR_NAME,
    FAR_NIK,
    FAR_REGENCY,
    FORBIDDEN,
    HIDDEN,
    HOME,
    HOME_DISTRICT,
    HOME_KK,
    HOME_NAME,
    HOME_NIK,
    LISTED,
    LOGIN,
    NOT_FOUND,
    SHOWN,
    expect_acknowledge,
    expect_admin_job,
    expect_aid_decision,
    expect_aid_desk,
    expect_aid_home_record,
    expect_aid_import,
    expect_aid_list,
    expect_aid_record,
    expect_aid_recorder,
    expect_arrival,
    expect_arrival_list,
    expect_audit,
    expect_case,
    expect_case_form,
    expect_case_list,
    expect_case_open,
    expect_case_work,
    expect_change,
    expect_check_in,
    expect_check_out,
    expect_checkpoint_home,
    expect_dashboard,
    expect_dashboard_tiles,
    expect_found,
    expect_house,
    expect_import,
    expect_job_list,
    expect_list,
    expect_move,
    expect_move_cancel,
    expect_move_decide,
    expect_move_request,
    expect_move_request_home,
    expect_notifications,
    expect_officer,
    expect_preregistration,
    expect_puskesmas_desk,
    expect_read,
    expect_register,
    expect_report,
    expect_report_overview,
    expect_report_submit,
    expect_rule_setter,
    expect_rules_page,
    expect_signed_in,
)
from smartkampung.accounts.tests.matrix_ktp import KTP_API, UNREADABLE, ktp_upload
from smartkampung.accounts.tests.matrix_letters import (
    LETTER_API,
    LETTER_PAGES,
    LETTER_PUBLIC_PAGES,
    build_letter_world,
    letter_upload,
)
from smartkampung.api import api
from smartkampung.checkpoints import services as checkpoint_services
from smartkampung.checkpoints.services import seed_demo_checkpoints
from smartkampung.conftest import built_once
from smartkampung.health.services import open_case, submit_report
from smartkampung.health.tallies import refresh_tallies
from smartkampung.isolation.models import IsolationHouse
from smartkampung.isolation.services import reserve_bed
from smartkampung.notifications.services import dispatch_batch, notify
from smartkampung.population import services
from smartkampung.population.models import Resident
from smartkampung.population.moves import request_move
from smartkampung.regions.models import Puskesmas, ServiceArea
from smartkampung.regions.selectors import puskesmas_serving
from smartkampung.regions.services import load_regions
from smartkampung.tourism.tests.factories import place as tourism_place
from smartkampung.tourism.tests.matrix import TOURISM_API, TOURISM_PAGES

# The number of a person's request letter, which every export of their data cites.
SUBJECT_REQUEST = "470-12-2026"
# endpoint -> (method, url template, body, expectation). Pages by URL name, API by "METHOD path".
HOUSEHOLD_BODY = {"kk_number": "3510150202200002", "village_code": HOME, "address": "JL. BARU", "rt": "1", "rw": "1"}
RESIDENT_BODY = {
    "nik": "3510150202000002",
    "kk_number": HOME_KK,
    "name": "Anak Baru",
    "birth_date": "2000-02-02",
    "sex": "male",
}
ARRIVAL_BODY = {
    "checkpoint": "ketapang",
    "origin_regency": "3509",  # asked of every traveller, never taken from the home address
    "nik": "3509014203880004",
    "name": "Siti Aminah",
    "phone": "081234567891",
    "destination_village": HOME,
    "destination_address": "JL. KOPI 9",
    "temperature": "36.5",
    "repeat_confirmed": True,
}
PAGES = {
    "population:resident_list": ("get", "/population/", None, expect_list),
    "population:resident_detail": ("get", f"/population/residents/{HOME_NIK}/", None, expect_read),
    "population:resident_edit": ("get", f"/population/residents/{HOME_NIK}/edit/", None, expect_change),
    "population:resident_create": (
        "post",
        "/population/residents/new/",
        {**RESIDENT_BODY, "birth_date": "02-02-2000"},
        expect_register,
    ),
    "population:household_detail": ("get", f"/population/households/{HOME_KK}/", None, expect_read),
    "population:household_edit": ("get", f"/population/households/{HOME_KK}/edit/", None, expect_change),
    "population:household_create": ("post", "/population/households/new/", HOUSEHOLD_BODY, expect_register),
    "population:import_list": ("get", "/population/imports/", None, expect_job_list),
    "population:import_create": ("get", "/population/imports/new/", None, expect_import),
    "population:import_detail": ("get", "/population/imports/{job}/", None, expect_admin_job),
    "population:import_progress": ("get", "/population/imports/{job}/progress/", None, expect_admin_job),
    "population:move_list": ("get", "/population/moves/", None, expect_list),
    "population:move_create": ("get", "/population/moves/new/", None, expect_move_request),
    "population:move_detail": ("get", "/population/moves/{move}/", None, expect_move),
    "population:move_release": ("post", "/population/moves/{move}/release/", {"reason": "ok"}, expect_move_decide),
    "population:move_refuse": ("post", "/population/moves/{move}/refuse/", {"reason": "tidak"}, expect_move_decide),
    "population:move_cancel": ("post", "/population/moves/{move}/cancel/", {}, expect_move_cancel),
    "audit:audit_list": ("get", "/audit/", None, expect_audit),
    "audit:audit_export": ("get", "/audit/export.csv", None, expect_audit),
    "accounts:user_list": ("get", "/accounts/users/", None, expect_audit),
    "accounts:user_create": ("get", "/accounts/users/new/", None, expect_audit),
    "accounts:user_detail": ("get", "/accounts/users/{admin_user}/", None, expect_audit),
    "accounts:user_active": ("post", "/accounts/users/{admin_user}/active/", {"active": "1"}, expect_audit),
    "accounts:role_remove": ("post", "/accounts/users/{admin_user}/roles/{admin_role}/remove/", {}, expect_audit),
    "notifications:notification_list": ("get", "/notifications/", None, expect_notifications),
    "notifications:notification_stream": ("get", "/notifications/stream", None, expect_notifications),
    "notifications:acknowledge": ("post", "/notifications/{notification}/ack/", {}, expect_acknowledge),
    "checkpoints:home": ("get", "/checkpoints/", None, expect_checkpoint_home),
    "checkpoints:register": ("get", "/checkpoints/ketapang/", None, expect_officer),
    "checkpoints:lookup": ("get", f"/checkpoints/ketapang/lookup/?nik={HOME_NIK}", None, expect_officer),
    "checkpoints:arrival_list": ("get", "/checkpoints/arrivals/", None, expect_arrival_list),
    "checkpoints:arrival_detail": ("get", "/checkpoints/arrivals/{arrival}/", None, expect_arrival),
    "checkpoints:rules": ("get", "/checkpoints/rules/", None, expect_rules_page),
    "checkpoints:found_create": ("get", "/checkpoints/found/new/", None, expect_found),
    "dashboards:dashboard": ("get", "/dashboard/", None, expect_dashboard),
    "dashboards:tiles": ("get", "/dashboard/tiles/", None, expect_dashboard_tiles),
    "isolation:staff_house_list": ("get", "/isolation/houses/", None, expect_signed_in),
    "isolation:staff_house_detail": ("get", "/isolation/houses/{house}/", None, expect_house),
    "isolation:staff_change": ("post", "/isolation/reservations/{reservation}/check-in/", {}, expect_check_in),
    "health:case_list": ("get", "/health/cases/", None, expect_case_list),
    "health:case_detail": ("get", "/health/cases/{case}/", None, expect_case),
    "health:case_new": ("get", "/health/cases/new/", None, expect_case_form),
    "health:follow_up": ("post", "/health/cases/{case}/follow-up/", {"status": "well"}, expect_case_work),
    "health:close": ("post", "/health/cases/{case}/close/", {"outcome": "referred"}, expect_case_work),
    "health:today": ("get", "/health/today/", None, expect_puskesmas_desk),
    "health:report": ("get", "/health/reports/?puskesmas={puskesmas}", None, expect_puskesmas_desk),
    "health:report_overview": ("get", "/health/reports/overview/", None, expect_report_overview),
    "health:reports_csv": ("get", "/health/reports/export.csv", None, expect_signed_in),
    "health:report_dhis2": ("get", "/health/reports/{report}/dhis2.json", None, expect_report),
    "health:report_push": ("post", "/health/reports/{report}/push/", {}, expect_report),
    "aid:home": ("get", "/aid/", None, expect_aid_desk),
    "aid:upload": ("get", "/aid/lists/new/", None, expect_aid_import),
    "aid:list_detail": ("get", "/aid/lists/{aid_list}/", None, expect_aid_desk),
    "aid:list_export": ("get", "/aid/lists/{aid_list}/checked.csv", None, expect_aid_list),
    "aid:review": ("get", "/aid/review/", None, expect_aid_list),
    "aid:decide": ("post", "/aid/review/{aid_review}/", {"choice": "none"}, expect_aid_decision),
    "aid:conflicts": ("get", "/aid/conflicts/", None, expect_aid_list),
    "checkpoints:preregistration_detail": (
        "get",
        "/checkpoints/preregistrations/{preregistration}/",
        None,
        expect_preregistration,
    ),  # fmt: skip
    "aid:conflict": ("get", "/aid/conflicts/{aid_conflict}/", None, expect_aid_record),
    "aid:reports": ("get", "/aid/reports/", None, expect_aid_list),
    "aid:affected": ("get", "/aid/affected/", None, expect_aid_list),
    "aid:affected_export": ("get", "/aid/affected/priority.csv", None, expect_aid_list),
    "aid:affected_new": ("get", "/aid/affected/new/", None, expect_aid_recorder),
    "aid:affected_import": ("get", "/aid/affected/import/", None, expect_aid_import),
    "aid:affected_end": ("post", "/aid/affected/{aid_affected}/end/", {"reason": "works again"}, expect_aid_decision),
    "aid:priorities": ("get", "/aid/priorities/", None, expect_aid_desk),
    "aid:decide_report": (
        "post",
        "/aid/reports/{aid_report}/decide/",
        {"decision": "reject", "reason": "checked by phone"},
        expect_aid_decision,
    ),
    "aid:resolve": (
        "post",
        "/aid/conflicts/{aid_conflict}/resolve/",
        {"resolution": "keep_first", "reason": "sudah PKH"},
        expect_aid_decision,
    ),  # fmt: skip
    **LETTER_PAGES,
    # A data subject's request: the regency administrator only (accounts.selectors.may_export_subject_data).
    "privacy:subject": ("post", "/privacy/subject/", {"nik": HOME_NIK, "reference": SUBJECT_REQUEST}, expect_audit),
    "privacy:subject_download": (
        "post",
        "/privacy/subject/download/",
        {"nik": HOME_NIK, "reference": SUBJECT_REQUEST, "format": "pdf"},
        expect_audit,
    ),
}
API = {
    "GET /api/v1/residents": ("get", "/api/v1/residents", None, expect_list),
    "POST /api/v1/residents": ("post", "/api/v1/residents", RESIDENT_BODY, expect_register),
    "GET /api/v1/residents/{nik}": ("get", f"/api/v1/residents/{HOME_NIK}", None, expect_read),
    "PATCH /api/v1/residents/{nik}": (
        "patch",
        f"/api/v1/residents/{HOME_NIK}",
        {"occupation": "NELAYAN"},
        expect_change,
    ),
    "GET /api/v1/households": ("get", "/api/v1/households", None, expect_list),
    "POST /api/v1/households": ("post", "/api/v1/households", HOUSEHOLD_BODY, expect_register),
    "GET /api/v1/households/{kk}": ("get", f"/api/v1/households/{HOME_KK}", None, expect_read),
    "PATCH /api/v1/households/{kk}": ("patch", f"/api/v1/households/{HOME_KK}", {"rt": "7"}, expect_change),
    "GET /api/v1/households/{kk}/members": ("get", f"/api/v1/households/{HOME_KK}/members", None, expect_read),
    "POST /api/v1/imports": ("upload", "/api/v1/imports", None, expect_import),
    "GET /api/v1/imports/{job_id}": ("get", "/api/v1/imports/{job}", None, expect_admin_job),
    "GET /api/v1/imports/{job_id}/issues": ("get", "/api/v1/imports/{job}/issues", None, expect_admin_job),
    "GET /api/v1/moves": ("get", "/api/v1/moves", None, expect_list),
    "POST /api/v1/moves": (
        "post",
        "/api/v1/moves",
        {"kk_number": HOME_KK, "to_village": AWAY, "reason": "Pindah kerja"},
        expect_move_request_home,
    ),
    "GET /api/v1/moves/{move_id}": ("get", "/api/v1/moves/{move}", None, expect_move),
    "POST /api/v1/moves/{move_id}/release": (
        "post",
        "/api/v1/moves/{move}/release",
        {"reason": "ok"},
        expect_move_decide,
    ),
    "POST /api/v1/moves/{move_id}/refuse": (
        "post",
        "/api/v1/moves/{move}/refuse",
        {"reason": "tidak"},
        expect_move_decide,
    ),
    "POST /api/v1/moves/{move_id}/cancel": ("post", "/api/v1/moves/{move}/cancel", {}, expect_move_cancel),
    "GET /api/v1/notifications": ("get", "/api/v1/notifications", None, expect_notifications),
    "POST /api/v1/notifications/{notification_id}/ack": (
        "post",
        "/api/v1/notifications/{notification}/ack",
        {},
        expect_acknowledge,
    ),
    "GET /api/v1/notifications/stream": ("get", "/api/v1/notifications/stream", None, expect_notifications),
    "POST /api/v1/arrivals": ("post", "/api/v1/arrivals", ARRIVAL_BODY, expect_officer),
    "GET /api/v1/arrivals": ("get", "/api/v1/arrivals", None, expect_arrival_list),
    "GET /api/v1/arrivals/lookup": (
        "get",
        f"/api/v1/arrivals/lookup?checkpoint=ketapang&nik={HOME_NIK}",
        None,
        expect_officer,
    ),
    "GET /api/v1/arrivals/{arrival_id}": ("get", "/api/v1/arrivals/{arrival}", None, expect_arrival),
    "GET /api/v1/preregistrations": ("get", f"/api/v1/preregistrations?nik={HOME_NIK}", None, expect_officer),
    "GET /api/v1/entry-rules": ("get", "/api/v1/entry-rules", None, expect_signed_in),
    "GET /api/v1/isolation/houses": ("get", "/api/v1/isolation/houses", None, expect_signed_in),
    "GET /api/v1/isolation/houses/{house_id}/guests": (
        "get",
        "/api/v1/isolation/houses/{house}/guests",
        None,
        expect_house,
    ),
    "POST /api/v1/isolation/reservations/{code}/check-in": (
        "post",
        "/api/v1/isolation/reservations/{reservation}/check-in",
        {},
        expect_check_in,
    ),
    "POST /api/v1/isolation/reservations/{code}/check-out": (
        "post",
        "/api/v1/isolation/reservations/{reservation}/check-out",
        {},
        expect_check_out,
    ),
    "GET /api/v1/health/cases": ("get", "/api/v1/health/cases", None, expect_case_list),
    "POST /api/v1/health/cases": (
        "post",
        "/api/v1/health/cases",
        {"name": "Orang Baru", "village": HOME},
        expect_case_open,
    ),
    "GET /api/v1/health/cases/{case_id}": ("get", "/api/v1/health/cases/{case}", None, expect_case),
    "POST /api/v1/health/cases/{case_id}/follow-ups": (
        "post",
        "/api/v1/health/cases/{case}/follow-ups",
        {"status": "well"},
        expect_case_work,
    ),
    "POST /api/v1/health/cases/{case_id}/close": (
        "post",
        "/api/v1/health/cases/{case}/close",
        {"outcome": "referred"},
        expect_case_work,
    ),
    "GET /api/v1/health/worklist": ("get", "/api/v1/health/worklist", None, expect_puskesmas_desk),
    "POST /api/v1/health/puskesmas/{puskesmas_id}/reports/{day}": (
        "post",
        "/api/v1/health/puskesmas/{puskesmas}/reports/{today}",
        {"correction_reason": "x"},
        expect_report_submit,
    ),
    "GET /api/v1/health/reports": ("get", "/api/v1/health/reports", None, expect_report_overview),
    "GET /api/v1/health/reports/{report_id}/dhis2": (
        "get",
        "/api/v1/health/reports/{report}/dhis2",
        None,
        expect_report,
    ),
    "GET /api/v1/aid/lists": ("get", "/api/v1/aid/lists", None, expect_aid_desk),
    "POST /api/v1/aid/lists": (
        "upload",
        "/api/v1/aid/lists",
        {"program": "PKH", "period": "2020-06", "regency": HOME[:4]},  # the province administrator says whose
        expect_aid_import,
    ),
    "GET /api/v1/aid/lists/{list_id}": ("get", "/api/v1/aid/lists/{aid_list}", None, expect_aid_desk),
    "GET /api/v1/aid/lists/{list_id}/rows": ("get", "/api/v1/aid/lists/{aid_list}/rows", None, expect_aid_list),
    "GET /api/v1/aid/review": ("get", "/api/v1/aid/review", None, expect_aid_list),
    "POST /api/v1/aid/rows/{row_id}/decision": (
        "post",
        "/api/v1/aid/rows/{aid_review}/decision",
        {"choice": "none"},
        expect_aid_decision,
    ),
    "GET /api/v1/aid/conflicts": ("get", "/api/v1/aid/conflicts", None, expect_aid_list),
    "POST /api/v1/aid/conflicts/{conflict_id}/resolve": (
        "post",
        "/api/v1/aid/conflicts/{aid_conflict}/resolve",
        {"resolution": "keep_both", "reason": "checked"},
        expect_aid_decision,
    ),
    "GET /api/v1/aid/reports": ("get", "/api/v1/aid/reports", None, expect_aid_list),
    "POST /api/v1/aid/reports/{report_id}/decision": (
        "post",
        "/api/v1/aid/reports/{aid_report}/decision",
        {"decision": "reject", "reason": "checked by phone"},
        expect_aid_decision,
    ),
    "GET /api/v1/aid/affected": ("get", "/api/v1/aid/affected", None, expect_aid_list),
    "POST /api/v1/aid/affected": (
        "post",
        "/api/v1/aid/affected",
        {"nik": HOME_NIK, "sector": "trade", "impact": "hours_cut", "since": "01-05-2020"},
        expect_aid_home_record,
    ),
    "POST /api/v1/entry-rules": (
        "post",
        "/api/v1/entry-rules",
        {"isolation_days": 14, "note": "x"},
        expect_rule_setter,
    ),
    **LETTER_API,
    **KTP_API,
    "POST /api/v1/subject-data": (
        "post",
        "/api/v1/subject-data",
        {"nik": HOME_NIK, "reference": SUBJECT_REQUEST},
        expect_admin_job,
    ),
    "POST /api/v1/subject-data/pdf": (
        "post",
        "/api/v1/subject-data/pdf",
        {"nik": HOME_NIK, "reference": SUBJECT_REQUEST},
        expect_admin_job,
    ),
}
# No personal data behind these (reference data, structure checks, sign-in, the API's own documents).
PUBLIC_PAGES = {
    "core:home",
    "core:healthz",
    # No personal data; /metrics needs METRICS_TOKEN, tested in core/tests/test_metrics.py.
    "core:readyz",
    "core:metrics",
    "accounts:login",
    "accounts:logout",
    "set_language",
    # A citizen announces their own trip (tested in checkpoints/tests): it shows nothing of anyone else.
    "checkpoints:preregister",
    # Public isolation houses (no personal data listed) and a citizen's own reservation: reserve, look up and
    # cancel by code with NIK + KK number (one answer for every mismatch, rate-limited; tested in
    # isolation/tests/test_cancel.py).
    "isolation:house_list",
    "isolation:reserve",
    "isolation:reservation",
    "isolation:cancel",
    # A citizen's own aid check (NIK + KK number, masked, rate-limited) and a village's public list of
    # recipients (program and masked name only); tested in aid/tests/test_citizens.py.
    "aid:check",
    "aid:village_list",
    # "I received no aid": the citizen's own report (NIK + KK number, one answer for both failures) and its
    # status by code (masked name only, rate-limited); tested in aid/tests/test_reports.py.
    "aid:report",
    "aid:report_lookup",
    "aid:report_status",
    *LETTER_PUBLIC_PAGES,
}
# /api/v1/public/: citizens' endpoints (second factor, masked answers, rate limits), tested in
# population/tests/test_public_check.py.
PUBLIC_API_PREFIXES = ("/api/v1/regions/", "/api/v1/nik/", "/api/v1/public/")


def _page_names(resolver: URLResolver, namespace: str = "") -> set[str]:
    names = set()
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            ns = pattern.namespace or ""
            if ns in {"admin", "api-v1"}:
                continue  # Django's admin is for superusers only; the API is checked below
            names |= _page_names(pattern, f"{namespace}{ns}:" if ns else namespace)
        elif isinstance(pattern, URLPattern) and pattern.name:
            names.add(f"{namespace}{pattern.name}")
    return names


def test_every_page_is_in_the_matrix_or_public():
    unlisted = _page_names(get_resolver()) - set(PAGES) - PUBLIC_PAGES - TOURISM_PAGES
    assert not unlisted, f"add these pages to the authorization matrix (or PUBLIC_PAGES): {sorted(unlisted)}"


def test_every_api_operation_is_in_the_matrix_or_public():
    operations = {
        f"{method.upper()} {path}"
        for path, item in api.get_openapi_schema()["paths"].items()
        for method in item
        if not path.startswith(PUBLIC_API_PREFIXES)
    }
    tourism = {operation for operation in TOURISM_API if not operation.split(" ", 1)[1].startswith(PUBLIC_API_PREFIXES)}
    unlisted = operations - set(API) - tourism
    assert not unlisted, f"add these API operations to the authorization matrix: {sorted(unlisted)}"
    assert not (set(API) | tourism) - operations, "the matrix lists operations that no longer exist"


def test_the_tourism_access_tests_cover_only_what_exists():
    assert not TOURISM_PAGES - _page_names(get_resolver()), "tourism access tests list pages that do not exist"
    operations = {
        f"{method.upper()} {path}" for path, item in api.get_openapi_schema()["paths"].items() for method in item
    }
    assert not TOURISM_API - operations, "tourism access tests list API operations that do not exist"


# The deployment serves two regencies (a province on one database): Banyuwangi, where HOME and AWAY are, and
# Jember, where FAR is.
SERVED = ("3510", FAR_REGENCY)


@pytest.fixture(autouse=True)
def two_regencies(settings):
    settings.SMARTKAMPUNG_REGENCIES = SERVED


def build_world(tmp_path) -> dict:
    with override_settings(SMARTKAMPUNG_REGENCIES=SERVED):
        load_regions(regency_code=FAR_REGENCY)
        # Jember's Puskesmas are not shipped: FAR's is made here (its case is watched by it).
        far_puskesmas = Puskesmas.objects.create(name="Puskesmas Jombang", district_id=FAR_DISTRICT)
        ServiceArea.objects.create(village_id=FAR, puskesmas=far_puskesmas)
        return _build_world(tmp_path)


def _build_world(tmp_path) -> dict:
    django_user_model = get_user_model()
    people = (
        (HOME_KK, HOME, HOME_NIK, HOME_NAME),
        (AWAY_KK, AWAY, AWAY_NIK, AWAY_NAME),
        (FAR_KK, FAR, FAR_NIK, FAR_NAME),
    )
    for kk, village, nik, name in people:
        services.create_household(user=None, values={"kk_number": kk, "village_code": village, "address": "KRAJAN"})
        services.create_resident(
            user=None, values={"nik": nik, "kk_number": kk, "name": name, "birth_date": "1985-08-17", "sex": "male"}
        )
    admin = django_user_model.objects.create_user("matrix.admin")
    admin_role = assign_role(user=admin, role=Role.REGENCY_ADMIN)
    # Jember's records are made by the province administrator (Banyuwangi's may not).
    province = django_user_model.objects.create_user("matrix.province")
    assign_role(user=province, role=Role.PROVINCE_ADMIN)
    upload = tmp_path / "home.csv"
    upload.write_text(
        f"NIK,NO_KK,NAMA_LGKP,TGL_LHR,JENIS_KLMIN,KODE_DESA\n{HOME_NIK},{HOME_KK},{HOME_NAME},"
        f"17-08-1985,LAKI-LAKI,{HOME}\n"
    )
    job = services.import_file_now(user=admin, path=upload, original_name="home.csv")
    # Each village's resident comes home through a checkpoint (HOME's through Ketapang).
    posts = {c.code: c for c in seed_demo_checkpoints()}
    arrivals = {}
    # FAR's resident comes home to Jember through Bajulmati: an arrival, a notification in the other regency.
    travels = ((HOME_NIK, HOME_NAME, HOME, "ketapang"), (AWAY_NIK, AWAY_NAME, AWAY, "bajulmati"))
    for nik, name, village, post in (*travels, (FAR_NIK, FAR_NAME, FAR, "bajulmati")):
        arrivals[village] = checkpoint_services.register_arrival(
            user=admin,
            checkpoint=posts[post],
            values={**ARRIVAL_BODY, "nik": nik, "name": name, "destination_village": village},
        ).arrival
    # A traveller (not in the register, so no HOME secrets) announces a trip to HOME.
    preregistration = checkpoint_services.preregister(
        values={
            "nik": "3509014203880004", "name": "Siti Aminah", "phone": "081234567891", "destination_village": HOME,
            "destination_address": "JL. KOPI 9",
            "expected_arrival": (timezone.localdate() + dt.timedelta(days=1)).isoformat(),
        }
    )  # fmt: skip
    # Each village's resident holds a bed in a house of their village.
    houses = {}
    for nik, kk, village in ((HOME_NIK, HOME_KK, HOME), (AWAY_NIK, AWAY_KK, AWAY)):
        houses[village] = IsolationHouse.objects.create(
            name=f"Rumah Isolasi {village}", village_id=village, address="Balai Desa", latitude=-8.2,
            longitude=114.3, beds_any=2, puskesmas=puskesmas_serving(village),
        )  # fmt: skip
        tomorrow = (timezone.localdate() + dt.timedelta(days=1)).isoformat()
        reservation = reserve_bed(
            house_id=houses[village].pk,
            values={"nik": nik, "kk_number": kk, "phone": "081234567890", "expected_arrival": tomorrow},
        )
        houses[f"{village}-code"] = reservation.code
    # A traveller arriving in HOME (not a registered resident: the health agency, which sees every
    # notification, must not meet HOME's registry data here).
    with transaction.atomic():
        notification = notify(
            kind="arrival", village_code=HOME, subject_type="arrival", subject_id=1, summary={"name": "PENDATANG"}
        )
    dispatch_batch()
    # Each village's resident is under monitoring; HOME's Puskesmas has reported today.
    cases = {
        village: open_case(user=admin, values={"nik": nik, "village": village, "address": "KRAJAN"})
        for nik, village in ((HOME_NIK, HOME), (AWAY_NIK, AWAY))
    }
    cases[FAR] = open_case(user=province, values={"nik": FAR_NIK, "village": FAR, "address": "KRAJAN"})
    report = submit_report(user=admin, puskesmas=puskesmas_serving(HOME), day=timezone.localdate(), values={})
    # AWAY's operator asks for HOME's resident (pindah datang into AWAY's household); HOME has not decided yet.
    away_operator = django_user_model.objects.create_user("matrix.away")
    assign_role(user=away_operator, role=Role.VILLAGE_OPERATOR, village_code=AWAY)
    move = request_move(user=away_operator, nik=HOME_NIK, to_kk_number=AWAY_KK, reason="Ikut keluarga")
    return {
        "job": job.pk,
        "admin_user": admin.pk,
        "admin_role": admin_role.pk,
        "notification": notification.pk,
        "arrival": arrivals[HOME].pk,
        "preregistration": preregistration.pk,
        "house": houses[HOME].pk,
        "reservation": houses[f"{HOME}-code"],
        "case": cases[HOME].pk,
        "far_case": cases[FAR].pk,
        "far_arrival": arrivals[FAR].pk,
        "report": report.pk,
        "puskesmas": report.puskesmas_id,
        "today": timezone.localdate().isoformat(),
        "move": move.pk,
    }


@pytest.fixture(scope="module")
def built_world(django_db_blocker, tmp_path_factory):
    # Some 1,700 requests read the same two villages: write them once per module (and test worker).
    def build():
        tmp_path = tmp_path_factory.mktemp("world")
        with override_settings(SMARTKAMPUNG_REGENCIES=SERVED):
            world = build_letter_world(build_aid_world(build_world(tmp_path), tmp_path))
            # The dashboards' daily tallies, as the periodic job keeps them: else each of the ~25 dashboard
            # requests computes 30 days of them itself (90 % of its time).
            refresh_tallies()
            return world

    with built_once(django_db_blocker, build) as world:
        yield world


@pytest.fixture
def world(db, built_world):
    return built_world


def login(client, django_user_model, actor: str):
    spec = ACTORS[actor]
    if spec is None:
        return client
    user = django_user_model.objects.create_user(f"u.{actor}")
    if spec:
        role, district, village, *regency = spec
        give_role(user, role, district=district, village=village, regency=regency[0] if regency else None)
    client.force_login(user)
    return client


def call(client, method: str, url: str, body):
    if method == "get":
        return client.get(url)
    if method == "letter_upload":
        return letter_upload(client, url)
    if method == "ktp_upload":
        return ktp_upload(client, url)
    if method == "upload":
        from django.core.files.uploadedfile import SimpleUploadedFile

        csv = f"NIK,NO_KK,NAMA_LGKP,TGL_LHR,JENIS_KLMIN,KODE_DESA\n{HOME_NIK},{HOME_KK},X,17-08-1985,L,{HOME}\n"
        return client.post(url, {"file": SimpleUploadedFile("x.csv", csv.encode()), **(body or {})})
    if url.startswith("/api/"):
        return getattr(client, method)(url, json.dumps(body), content_type="application/json")
    return client.post(url, body)


def visible_villages(actor: str, endpoint: str = "") -> set[str]:
    arrival_data = "arrival" in endpoint or "isolation" in endpoint
    arrival_data = arrival_data or endpoint.startswith(("dashboards", "notifications", "GET /api/v1/notif"))
    arrival_data = arrival_data or "health" in endpoint
    aid_data = endpoint.startswith(("aid:", "GET /api/v1/aid", "POST /api/v1/aid"))
    # Regency-wide roles see their own regency only; the province administrator every one served.
    if actor == "province_admin":
        return {HOME, AWAY, FAR}
    if actor == "regency_admin" or (actor == "health_agency" and arrival_data):
        return {HOME, AWAY}
    if actor == "social_agency" and aid_data:
        return {HOME, AWAY}
    if (actor == "health_far" and arrival_data) or (actor == "social_far" and aid_data):
        return {FAR}
    if actor == "checkpoint_officer" and (
        endpoint.startswith("checkpoints:") or "arrival" in endpoint or "preregistr" in endpoint
    ):
        return {HOME}  # registered at their checkpoint; the look-up pre-fills from the register
    if actor.endswith("_in"):
        return {HOME}
    if actor.endswith("_out"):
        return {AWAY}
    if actor.endswith("_far"):
        return {FAR}
    return set()


# Where AWAY's staff are a party (the move of HOME's family into AWAY), the other regency's staff are not.
MOVE_RECORD = {"population:move_detail", "population:move_release", "population:move_refuse", "population:move_cancel"}


# What holds every regency's records and has no regency of its own (another user's register import, the audit log,
# the letter types shared by every regency): the administrator of the whole deployment's, the province
# administrator's where it serves several regencies; a regency administrator meets them as a user without a role.
DEPLOYMENT_ONLY = {
    "population:import_list", "population:import_detail", "population:import_progress", "audit:audit_list",
    "audit:audit_export", "letters:type_list", "letters:type_edit", "letters:type_preview",
    "letters:type_preview_pdf", "GET /api/v1/imports/{job_id}", "GET /api/v1/imports/{job_id}/issues",
}  # fmt: skip
# Refused, whether as forbidden or as not there (another regency's agency asking for HOME's record).
OUTSIDE = "outside"
# HOME's regency's aid list, in every form: a list is its regency's, and another regency's staff find no such list
# (its counts are every aid desk's of the regency, its rows each village's).
HOME_REGENCY_RECORDS = {
    "aid:list_detail", "aid:list_export", "GET /api/v1/aid/lists/{list_id}", "GET /api/v1/aid/lists/{list_id}/rows"
}  # fmt: skip


def targets_home(url: str, body) -> bool:
    """Does the request name a record of HOME (its id in the path, its NIK, KK or village) or act for its regency
    (an aid list for it)? (A page whose query asks for a Puskesmas shows the user's own when it is not theirs: no
    record is named.)"""
    named = (HOME, HOME_NIK, HOME_KK)
    return (
        "{" in url.split("?")[0]
        or any(code in url for code in named)
        or any(str(v) in named for v in (body or {}).values())
        or (body or {}).get("regency") == HOME[:4]
    )


def expected_of(expectation, actor: str, endpoint: str, *, url: str = "", body=None) -> str:
    """The actor's expected answer. The province administrator gets what the regency administrator got when a
    deployment served one regency; in a deployment of two, the regency administrator is refused what has no
    regency (DEPLOYMENT_ONLY). Jember's agencies get what Banyuwangi's do at their desks, but HOME's records are
    not theirs: a list holds none of them, and a request naming one is refused.
    The other regency's staff get what staff of another village get, except for the move between HOME and AWAY,
    which AWAY's staff see as a party to it: for FAR's staff it does not exist, and they may not ask for it; nor
    does HOME's aid list (HOME_REGENCY_RECORDS). Whatever the answer, `check` finds no word of a village outside
    the actor's jurisdiction in it."""
    if actor == "province_admin":
        return expectation("regency_admin")
    if actor == "regency_admin" and endpoint in DEPLOYMENT_ONLY:
        return expectation("no_role")
    if actor not in FAR_AGENCIES and actor not in FAR_AS_OUT:
        return expectation(actor)
    if endpoint in HOME_REGENCY_RECORDS:
        answer = expectation(FAR_AGENCIES.get(actor) or FAR_AS_OUT[actor])
        return answer if answer in (LOGIN, FORBIDDEN) else OUTSIDE
    if actor in FAR_AGENCIES:
        answer = expectation(FAR_AGENCIES[actor])
        if answer == LISTED:
            return HIDDEN
        return OUTSIDE if answer not in (LOGIN, HIDDEN) and targets_home(url, body) else answer
    if "{move_id}" in endpoint or endpoint in MOVE_RECORD:
        return NOT_FOUND
    if endpoint == "POST /api/v1/moves":  # into AWAY: a village of somebody else's
        return FORBIDDEN
    return expectation(FAR_AS_OUT[actor])


def check(
    response, expected: str, *, actor: str, is_api: bool, submitted: dict | None = None, endpoint: str = ""
) -> None:
    # Files (PDFs, photos) are bytes: read what text they hold (a name would show in plain text there too).
    raw = b"".join(response.streaming_content) if response.streaming else response.content
    body = raw.decode(errors="replace")
    for value in (submitted or {}).values():
        body = body.replace(str(value), "")  # what the actor typed in may come back to them
    status = response.status_code
    secret = {
        HOME: (HOME_NIK, HOME_NAME, HOME_KK),
        AWAY: (AWAY_NIK, AWAY_NAME, AWAY_KK),
        FAR: (FAR_NIK, FAR_NAME, FAR_KK),
    }
    # Never a word of a village outside the actor's jurisdiction, whatever the answer.
    leaked = [
        text
        for village, texts in secret.items()
        if village not in visible_villages(actor, endpoint)
        for text in texts
        if text in body
    ]
    assert not leaked, (status, leaked)
    if expected == LOGIN:
        assert status == (401 if is_api else 302), status
        if not is_api:
            assert reverse("accounts:login") in response["Location"]
    elif expected == SHOWN:
        assert status in (200, 201, 202, 302), (status, body[:300])
    elif expected == LISTED:
        assert status == 200 and (HOME_NIK in body or HOME_KK in body), (status, body[:300])
    elif expected == HIDDEN:
        assert status in (200, 403, 404), status
    elif expected == FORBIDDEN:
        assert status == 403, (status, body[:300])
    elif expected == UNREADABLE:  # past the door, the photo refused in words (no OCR runs)
        assert status == 422 and json.loads(body)["code"] == "too_small", (status, body[:300])
    elif expected == NOT_FOUND:
        assert status == 404, (status, body[:300])
    elif expected == OUTSIDE:
        assert status in (403, 404), (status, body[:300])
    elif expected == CONFLICT:
        assert status == 409, (status, body[:300])
    elif expected == "refused":  # may register, but not in HOME: refused, and HOME stays untold
        assert status in (403, 422) or (status == 200 and not is_api), (status, body[:300])


def build_aid_world(world: dict, tmp_path) -> dict:
    """HOME's resident on PKH and BLT-DD (a conflict in HOME) and listed on BPNT under another name (to
    review); AWAY's and FAR's on PKH. Every row matches by NIK, so no probabilistic linkage runs here. FAR's
    resident also has a tourism place (named after them) in FAR."""
    from smartkampung.aid.demo import seed_programs
    from smartkampung.aid.models import Conflict, Program, Recipient
    from smartkampung.aid.services import import_list_now, record_affected, submit_report

    seed_programs()
    admin = get_user_model().objects.get(pk=world["admin_user"])
    header = "NIK,NO_KK,NAMA,KODE_DESA\n"
    lists = {  # each regency's own lists
        ("PKH", FAR[:4]): f"{FAR_NIK},{FAR_KK},{FAR_NAME},{FAR}\n",
        ("PKH", HOME[:4]): f"{HOME_NIK},{HOME_KK},{HOME_NAME},{HOME}\n{AWAY_NIK},{AWAY_KK},{AWAY_NAME},{AWAY}\n",
        ("BLT-DD", HOME[:4]): f"{HOME_NIK},{HOME_KK},{HOME_NAME},{HOME}\n",
        ("BPNT", HOME[:4]): f"{HOME_NIK},,NAMA LAIN SEKALI,{HOME}\n",
    }
    for (code, regency), rows in lists.items():
        path = tmp_path / f"{code}-{regency}.csv"
        path.write_text(header + rows)
        job = import_list_now(  # FAR's as the command line imports it: HOME's administrator imports HOME's only
            user=admin if regency == HOME[:4] else None, program=Program.objects.get(code=code), period="2020-05",
            path=path, regency=regency,
        )  # fmt: skip
    report = submit_report(
        values={"nik": HOME_NIK, "kk_number": HOME_KK, "phone": "081234567890", "situation": "lost_job"}
    )
    affected = record_affected(
        user=admin, nik=HOME_NIK, values={"sector": "tourism", "impact": "laid_off", "since": "01-04-2020"}
    )
    far_place = tourism_place(name=f"Homestay {FAR_NAME}", village=FAR, latitude="-8.30", longitude="113.60")
    far_place.owner_name = FAR_NAME
    far_place.save(update_fields=["owner_name"])
    return {
        **world,
        "far_aid_row": Recipient.objects.get(village_id=FAR).pk,
        "far_place": far_place.pk,
        "aid_affected": affected.pk,
        "aid_list": job.pk,
        "aid_review": Recipient.objects.get(status="review").pk,
        "aid_conflict": Conflict.objects.get().pk,
        "aid_report": report.pk,
    }


@pytest.mark.parametrize("actor", list(ACTORS))
@pytest.mark.parametrize("endpoint", list(PAGES))
def test_page(client, django_user_model, world, actor, endpoint):
    method, url, body, expectation = PAGES[endpoint]
    url = url.format(**world)
    response = call(login(client, django_user_model, actor), method, url, body)
    # The address the actor asked for comes back in the page (the language switcher's "next").
    check(
        response,
        expected_of(expectation, actor, endpoint, url=PAGES[endpoint][1], body=body),
        actor=actor,
        is_api=False,
        submitted={**(body or {}), "_url": url},
        endpoint=endpoint,
    )
    if endpoint == "population:import_list" and actor != "anonymous":
        # Another person's upload is not listed, even its file name.
        assert ("home.csv" in response.content.decode()) == (actor == "province_admin")


@pytest.mark.parametrize("actor", list(ACTORS))
@pytest.mark.parametrize("endpoint", list(API))
def test_api(client, django_user_model, world, actor, endpoint):
    method, url, body, expectation = API[endpoint]
    response = call(login(client, django_user_model, actor), method, url.format(**world), body)
    check(
        response,
        expected_of(expectation, actor, endpoint, url=API[endpoint][1], body=body),
        actor=actor,
        is_api=True,
        submitted=body,
        endpoint=endpoint,
    )


def test_a_camat_lists_only_the_residents_of_their_kecamatan(client, django_user_model, world):
    body = login(client, django_user_model, "camat_in").get("/api/v1/residents").json()
    assert [item["nik"] for item in body["items"]] == [HOME_NIK] and body["count"] == 1


def test_an_operator_import_rejects_rows_of_another_village(client, django_user_model, world, tmp_path):
    operator = django_user_model.objects.create_user("op.home")
    assign_role(user=operator, role=Role.VILLAGE_OPERATOR, village_code=HOME)
    path = tmp_path / "campur.csv"
    path.write_text(
        "NIK,NO_KK,NAMA_LGKP,TGL_LHR,JENIS_KLMIN,KODE_DESA\n"
        f"3510150303030003,{HOME_KK},ANAK BAKUNGAN,03-03-2003,L,{HOME}\n"
        f"3510010404040004,{AWAY_KK},ORANG SARONGAN,04-04-2004,L,{AWAY}\n"
    )
    job = services.import_file_now(user=operator, path=path, original_name="campur.csv")
    assert (job.created_count, job.rejected_count) == (1, 1)
    assert AWAY in job.row_issues.get().errors[0]
    assert Resident.objects.filter(village_id=AWAY).count() == 1


def test_the_list_filters_offer_only_places_in_the_jurisdiction(client, django_user_model, world):
    page = login(client, django_user_model, "operator_in").get("/population/").content.decode()
    assert f'value="{HOME}"' in page and f'value="{AWAY}"' not in page
    assert f'value="{HOME_DISTRICT}"' in page and f'value="{AWAY_DISTRICT}"' not in page


# ---------------------------------------------------------------- regencies: each regency-wide role in its own


def _as(client, django_user_model, username: str, role: str, regency: str | None = None):
    user = django_user_model.objects.create_user(username)
    give_role(user, role, regency=regency)
    client.force_login(user)
    return client


def _niks(client, url: str) -> set[str]:
    body = client.get(url).json()
    return {item["nik"] for item in (body["items"] if isinstance(body, dict) else body)}


def test_each_health_agency_sees_the_cases_and_arrivals_of_its_own_regency(client, django_user_model, world):
    banyuwangi = _as(client, django_user_model, "dinkes.bwi", Role.HEALTH_AGENCY)
    assert FAR_NIK not in _niks(banyuwangi, "/api/v1/health/cases") and HOME_NIK in _niks(
        banyuwangi, "/api/v1/health/cases"
    )
    assert banyuwangi.get(f"/api/v1/health/cases/{world['far_case']}").status_code == 404
    assert banyuwangi.get(f"/api/v1/arrivals/{world['far_arrival']}").status_code == 404
    jember = _as(client, django_user_model, "dinkes.jember", Role.HEALTH_AGENCY, FAR_REGENCY)
    assert _niks(jember, "/api/v1/health/cases") == {FAR_NIK}
    assert _niks(jember, "/api/v1/arrivals") == {FAR_NIK}
    assert jember.get(f"/api/v1/health/cases/{world['far_case']}").status_code == 200


def test_each_social_agency_reads_the_aid_rows_of_its_own_regency(client, django_user_model, world):
    from smartkampung.aid.models import RecipientList

    pkh = dict(RecipientList.objects.filter(program__code="PKH").values_list("regency_id", "pk"))
    home_rows, far_rows = (f"/api/v1/aid/lists/{pkh[code]}/rows" for code in (HOME[:4], FAR_REGENCY))
    banyuwangi = _as(client, django_user_model, "dinsos.bwi", Role.SOCIAL_AGENCY)
    assert _niks(banyuwangi, home_rows) == {HOME_NIK, AWAY_NIK} and banyuwangi.get(far_rows).status_code == 404
    jember = _as(client, django_user_model, "dinsos.jember", Role.SOCIAL_AGENCY, FAR_REGENCY)
    assert _niks(jember, far_rows) == {FAR_NIK} and jember.get(home_rows).status_code == 404


def test_the_province_administrator_reads_every_regency_and_a_regency_administrator_their_own(
    client, django_user_model, world
):
    province = _as(client, django_user_model, "pemprov", Role.PROVINCE_ADMIN)
    assert _niks(province, "/api/v1/residents") == {HOME_NIK, AWAY_NIK, FAR_NIK}
    assert province.get(f"/api/v1/residents/{FAR_NIK}").status_code == 200
    regency = _as(client, django_user_model, "pemkab.bwi", Role.REGENCY_ADMIN)
    assert _niks(regency, "/api/v1/residents") == {HOME_NIK, AWAY_NIK}
    assert regency.get(f"/api/v1/residents/{FAR_NIK}").status_code == 404
    assert (
        regency.post(
            "/api/v1/subject-data", {"nik": FAR_NIK, "reference": SUBJECT_REQUEST}, "application/json"
        ).status_code
        == 404
    )


def test_each_tourism_agency_reads_the_places_of_its_own_regency(client, django_user_model, world):
    banyuwangi = _as(client, django_user_model, "dispar.bwi", Role.TOURISM_AGENCY)
    assert FAR_NAME not in banyuwangi.get("/api/v1/tourism/places").content.decode()
    assert banyuwangi.get(f"/api/v1/tourism/places/{world['far_place']}").status_code == 404
    jember = _as(client, django_user_model, "dispar.jember", Role.TOURISM_AGENCY, FAR_REGENCY)
    assert FAR_NAME in jember.get(f"/api/v1/tourism/places/{world['far_place']}").content.decode()


def test_jembers_health_agency_sets_jembers_entry_rule_and_cannot_touch_banyuwangis(client, django_user_model, world):
    from smartkampung.health.selectors import rule_in_force

    jember = _as(client, django_user_model, "dinkes.jember.rules", Role.HEALTH_AGENCY, FAR_REGENCY)
    banyuwangi_rule = rule_in_force("3510")
    refused = jember.post("/api/v1/entry-rules", {"regency": "3510", "isolation_days": 3}, "application/json")
    assert refused.status_code == 403
    assert rule_in_force("3510") == banyuwangi_rule
    assert jember.post("/checkpoints/rules/?regency=3510", {"isolation_days": 3, "note": "x"}).status_code in (403, 404)
    assert rule_in_force("3510") == banyuwangi_rule
    # Also an officer at a Banyuwangi checkpoint (applying Banyuwangi's rule): a rule they write is still Jember's.
    give_role(django_user_model.objects.get(username="dinkes.jember.rules"), Role.CHECKPOINT_OFFICER)
    made = jember.post("/api/v1/entry-rules", {"isolation_days": 7, "note": "Jember"}, "application/json")
    assert made.status_code == 201 and made.json()["regency_id"] == FAR_REGENCY
    assert rule_in_force(FAR_REGENCY).isolation_days == 7 and rule_in_force("3510") == banyuwangi_rule


def test_banyuwangis_administrator_cannot_give_a_role_in_jember(client, django_user_model, world):
    from smartkampung.accounts.models import RoleAssignment

    admin = _as(client, django_user_model, "pemkab.bwi.roles", Role.REGENCY_ADMIN)
    newcomer = django_user_model.objects.create_user("calon.petugas")
    url = f"/accounts/users/{newcomer.pk}/"
    for asked in (
        {"role": Role.VILLAGE_OPERATOR, "village": FAR},
        {"role": Role.DISTRICT_STAFF, "district": FAR_DISTRICT},
        {"role": Role.HEALTH_AGENCY, "regency": FAR_REGENCY},
        {"role": Role.PROVINCE_ADMIN},
    ):
        assert admin.post(url, asked).status_code == 200  # the form again, with its error
    assert not RoleAssignment.objects.filter(user=newcomer).exists()
    assert admin.post(url, {"role": Role.VILLAGE_OPERATOR, "village": HOME}).status_code == 302
    assert admin.post(url, {"role": Role.HEALTH_AGENCY, "regency": "3510"}).status_code == 302
    assert set(RoleAssignment.objects.filter(user=newcomer).values_list("role", flat=True)) == {
        Role.VILLAGE_OPERATOR, Role.HEALTH_AGENCY
    }  # fmt: skip
    # An account holding a role in Jember is not Banyuwangi's to manage.
    jember_staff = django_user_model.objects.create_user("petugas.jember")
    give_role(jember_staff, Role.VILLAGE_OPERATOR, village=FAR)
    assert admin.get(f"/accounts/users/{jember_staff.pk}/").status_code == 404
    assert "petugas.jember" not in admin.get("/accounts/users/").content.decode()
    # Nor is the owner of a place in Jember (an account with no role), while an owner in Banyuwangi is.
    jember_owner = django_user_model.objects.create_user("pemilik.jember")
    tourism_place(name="Kopi Keting", village=FAR, owner=jember_owner)
    home_owner = django_user_model.objects.create_user("pemilik.bakungan")
    tourism_place(name="Kopi Bakungan", village=HOME, owner=home_owner)
    assert admin.get(f"/accounts/users/{jember_owner.pk}/").status_code == 404
    assert admin.post(f"/accounts/users/{jember_owner.pk}/", {"active": "off"}).status_code == 404
    assert admin.get(f"/accounts/users/{home_owner.pk}/").status_code == 200
    listed = admin.get("/accounts/users/").content.decode()
    assert "pemilik.jember" not in listed and "pemilik.bakungan" in listed
    province = _as(client, django_user_model, "pemprov.roles", Role.PROVINCE_ADMIN)
    assert (
        province.post(
            f"/accounts/users/{jember_staff.pk}/", {"role": Role.HEALTH_AGENCY, "regency": FAR_REGENCY}
        ).status_code
        == 302
    )
