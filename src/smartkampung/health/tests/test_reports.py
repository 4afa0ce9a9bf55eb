"""The Puskesmas daily report: computed from the records, submitted and locked, corrected as a new
version, exported as CSV and DHIS2 dataValueSets, and pushed to a DHIS2 endpoint (here a real local
HTTP server that checks the payload's shape) with retries; re-sending replaces, never adds."""

import datetime as dt
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.utils import timezone

from smartkampung.audit.models import AuditEntry
from smartkampung.checkpoints.tests.fixtures import *  # noqa: F403
from smartkampung.checkpoints.tests.fixtures import BAKUNGAN
from smartkampung.health import reports, services
from smartkampung.health.models import DailyReport, ReportPush
from smartkampung.health.tests.fixtures import *  # noqa: F403
from smartkampung.health.tests.fixtures import open_case
from smartkampung.regions.selectors import puskesmas_serving


def submit(client, puskesmas_id: int, day: dt.date | None = None, **values):
    day = day or timezone.localdate()
    return client.post(
        f"/api/v1/health/puskesmas/{puskesmas_id}/reports/{day.isoformat()}",
        json.dumps(values),
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="en",
    )


def followed(client, case_id: int, **values):
    body = {"status": "well", "temperature": "36.5"} | values
    response = client.post(
        f"/api/v1/health/cases/{case_id}/follow-ups", json.dumps(body), content_type="application/json"
    )
    assert response.status_code == 201, response.content


@pytest.fixture
def paspan():
    return puskesmas_serving(BAKUNGAN)


@pytest.mark.django_db
def test_the_days_figures_come_from_the_records(client, nurse, operator, paspan):
    seen = open_case(operator, days_ago=3, name="A")
    sick = open_case(operator, days_ago=1, name="B")
    open_case(operator, days_ago=0, name="C")  # new today, not seen yet
    done = open_case(operator, days_ago=14, name="D")
    client.force_login(nurse)
    followed(client, seen.pk)
    followed(client, sick.pk, status="unwell", temperature="38.0")
    client.post(
        f"/api/v1/health/cases/{done.pk}/close", json.dumps({"outcome": "completed"}), content_type="application/json"
    )
    figures = reports.compute_figures(puskesmas=paspan, day=timezone.localdate())
    assert figures | {"beds": 0, "beds_taken": 0} == {
        "under_monitoring": 3, "new_cases": 1, "symptomatic": 1, "followed_up": 2, "not_reached": 0, "missed": 1,
        "completed": 1, "referred": 0, "positive": 0, "left_or_died": 0, "beds": 0, "beds_taken": 0,
    }  # fmt: skip
    yesterday = reports.compute_figures(puskesmas=paspan, day=timezone.localdate() - dt.timedelta(days=1))
    assert (yesterday["under_monitoring"], yesterday["new_cases"], yesterday["missed"]) == (3, 1, 3)


@pytest.mark.django_db
def test_a_submitted_report_is_locked_and_a_correction_is_a_new_version(client, nurse, operator, paspan):
    open_case(operator)
    client.force_login(nurse)
    first = submit(client, paspan.pk, rapid_tests=12, swabs=3)
    assert first.status_code == 201, first.content
    assert first.json()["figures"]["under_monitoring"] == 1 and first.json()["entered"]["rapid_tests"] == 12
    again = submit(client, paspan.pk, rapid_tests=13)
    assert again.status_code == 409 and "say why" in again.json()["detail"]
    corrected = submit(client, paspan.pk, rapid_tests=13, swabs=3, correction_reason="salah ketik tes cepat")
    assert corrected.status_code == 201 and corrected.json()["version"] == 2
    versions = DailyReport.objects.filter(puskesmas=paspan).order_by("version")
    assert [(r.version, r.is_current, r.entered["rapid_tests"]) for r in versions] == [(1, False, 12), (2, True, 13)]
    change = AuditEntry.objects.get(object_type="daily_report", action="update")
    assert change.changes["rapid_tests"] == ["12", "13"]


@pytest.mark.django_db
def test_a_report_cannot_be_made_for_tomorrow_or_with_nonsense(client, nurse, paspan):
    client.force_login(nurse)
    assert submit(client, paspan.pk, timezone.localdate() + dt.timedelta(days=1)).status_code == 422
    assert submit(client, paspan.pk, rapid_tests=-3).status_code == 422
    page = client.post("/health/reports/", {"puskesmas": paspan.pk, "rapid_tests": "dua"}, HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 422 and "enter a whole number" in page.content.decode()
    assert not DailyReport.objects.exists()


@pytest.mark.django_db
def test_only_the_puskesmas_itself_submits_its_report(client, nurse_elsewhere, babinsa, paspan):
    client.force_login(nurse_elsewhere)
    assert submit(client, paspan.pk).status_code == 404
    client.force_login(babinsa)
    assert submit(client, paspan.pk).status_code == 403
    assert not DailyReport.objects.exists()


@pytest.mark.django_db
def test_the_health_agency_sees_which_puskesmas_have_not_reported(client, nurse, health, paspan):
    client.force_login(nurse)
    submit(client, paspan.pk)
    client.force_login(health)
    status = client.get("/api/v1/health/reports").json()
    assert len(status) == 45
    assert [s["puskesmas"] for s in status if s["reported"]] == [paspan.name]
    page = client.get("/health/reports/overview/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "44 Puskesmas have not reported" in page


@pytest.mark.django_db
def test_reports_export_as_csv_and_dhis2_data_value_sets(client, nurse, operator, paspan):
    open_case(operator)
    client.force_login(nurse)
    report_id = submit(client, paspan.pk, rapid_tests=5, note="=HYPERLINK()").json()["id"]
    csv_text = client.get("/health/reports/export.csv").content.decode()
    header, row = csv_text.splitlines()[:2]
    assert header.startswith("day,puskesmas,version") and paspan.name in row and ",'=HYPERLINK()" in row
    body = client.get(f"/api/v1/health/reports/{report_id}/dhis2").json()
    codes = reports.mapping()
    assert body["dataSet"] == codes.data_set and body["orgUnit"] == codes.org_units[paspan.name]
    assert body["period"] == timezone.localdate().strftime("%Y%m%d")
    assert body["completeDate"] == timezone.localdate().isoformat()
    values = {v["dataElement"]: v["value"] for v in body["dataValues"]}
    assert values[codes.data_elements["under_monitoring"]] == "1"
    assert values[codes.data_elements["rapid_tests"]] == "5"
    assert all(v["categoryOptionCombo"] == codes.category_option_combo for v in body["dataValues"])


class FakeDhis2(BaseHTTPRequestHandler):
    """A DHIS2 stand-in: refuses the first `fail_first` posts with 503, checks the dataValueSets shape,
    and keeps values by (dataElement, period, orgUnit, categoryOptionCombo) as DHIS2 does."""

    store: dict
    posts: list
    fail_first = 0

    def do_POST(self):  # noqa: N802 - http.server's naming
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        self.posts.append((self.path, self.headers.get("Authorization"), body))
        if len(self.posts) <= self.fail_first:
            return self._answer(503, {"status": "ERROR", "message": "maintenance"})
        required = {"dataSet", "period", "orgUnit", "completeDate", "dataValues"}
        shape_ok = (
            required <= body.keys()
            and len(body["period"]) == 8
            and body["period"].isdigit()
            and all({"dataElement", "categoryOptionCombo", "value"} <= v.keys() for v in body["dataValues"])
        )
        if not shape_ok:
            return self._answer(409, {"status": "ERROR", "conflicts": [{"value": "bad shape"}]})
        imported = updated = 0
        for v in body["dataValues"]:
            key = (v["dataElement"], body["period"], body["orgUnit"], v["categoryOptionCombo"])
            updated, imported = (updated + 1, imported) if key in self.store else (updated, imported + 1)
            self.store[key] = v["value"]
        self._answer(200, {"status": "OK", "importCount": {"imported": imported, "updated": updated}})

    def _answer(self, code: int, body: dict):
        raw = json.dumps(body).encode()
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(raw)))
        self.end_headers()
        self.wfile.write(raw)

    def log_message(self, *args):
        pass


@pytest.fixture
def dhis2(settings):
    handler = type("Handler", (FakeDhis2,), {"store": {}, "posts": [], "fail_first": 0})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    settings.DHIS2_DATAVALUESETS_URL = f"http://127.0.0.1:{server.server_port}/api/dataValueSets"
    settings.DHIS2_TOKEN = "d2pat_rahasia"
    yield handler
    server.shutdown()
    server.server_close()


@pytest.mark.django_db
def test_a_submitted_report_is_pushed_with_retries_and_resending_replaces(client, nurse, operator, paspan, dhis2):
    dhis2.fail_first = 1
    open_case(operator)
    client.force_login(nurse)
    report_id = submit(client, paspan.pk, rapid_tests=7).json()["id"]
    push = ReportPush.objects.get()
    assert services.push_due_reports() == 0  # the endpoint is down: tried again later
    push.refresh_from_db()
    assert (push.status, push.attempts, push.last_error) == ("pending", 1, "HTTP 503")
    assert push.next_attempt_at > timezone.now()
    assert services.push_due_reports(now=push.next_attempt_at) == 1
    push.refresh_from_db()
    assert push.status == "sent" and push.response["importCount"]["imported"] == 15
    path, authorization, body = dhis2.posts[-1]
    assert path == "/api/dataValueSets?importStrategy=CREATE_AND_UPDATE"
    assert authorization == "ApiToken d2pat_rahasia"
    stored = dict(dhis2.store)

    response = client.post(f"/health/reports/{report_id}/push/")
    assert response.status_code == 302
    assert services.push_due_reports() == 1
    assert dhis2.store == stored  # the same values replaced, nothing added
    assert ReportPush.objects.latest("pk").response["importCount"] == {"imported": 0, "updated": 15}


@pytest.mark.django_db
def test_a_correction_supersedes_an_unsent_push_and_pushing_gives_up_in_the_end(client, nurse, paspan, dhis2, settings):
    dhis2.fail_first = 100
    settings.DHIS2_PUSH_MAX_ATTEMPTS = 2
    client.force_login(nurse)
    submit(client, paspan.pk)
    submit(client, paspan.pk, correction_reason="angka tes belum masuk")
    later = timezone.now() + dt.timedelta(hours=2)
    services.push_due_reports(now=later)
    services.push_due_reports(now=later + dt.timedelta(hours=2))
    first, second = ReportPush.objects.order_by("pk")
    assert (first.status, first.last_error) == ("failed", "superseded by a correction")
    assert (second.status, second.attempts) == ("failed", 2)
    assert len(dhis2.posts) == 2
