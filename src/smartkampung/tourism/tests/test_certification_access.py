"""Who may use certification: every actor of tests/world.py asks for every page and API operation, about
HOME_PLACE. Inspections, findings, decisions and checklists are the agency's (403 for any other signed-in role,
the sign-in page for anonymous); a certificate's PDF is for those who read the place (404 for the others: its
existence is not told); the verification page and its API are everyone's."""

from __future__ import annotations

import datetime as dt
import hashlib

import pytest
from django.urls import reverse
from django.utils import timezone

from smartkampung.tourism.models import Certificate, ChecklistItem, Inspection
from smartkampung.tourism.services import certification as service
from smartkampung.tourism.tests import world as w

pytestmark = pytest.mark.usefixtures("regions")

COVERED = {
    "pages": [
        "tourism:checklists",
        "tourism:checklist_add",
        "tourism:checklist_item",
        "tourism:inspections",
        "tourism:inspection_schedule",
        "tourism:inspection",
        "tourism:finding",
        "tourism:inspection_decide",
        "tourism:certificate_pdf",
        "tourism:verify",
        "tourism:verify_upload",
    ],
    "api": [
        "GET /api/v1/tourism/inspections",
        "POST /api/v1/tourism/inspections",
        "PUT /api/v1/tourism/inspections/{inspection_id}/findings/{item_id}",
        "POST /api/v1/tourism/inspections/{inspection_id}/decision",
        "GET /api/v1/tourism/checklists/{kind}",
        "GET /api/v1/public/tourism/certificates/{code}",
    ],
}

PDF = b"%PDF-1.7\n% a stand-in for a signed certificate (signing is proven in test_certification.py)\n"


@pytest.fixture
def world(db):
    built = w.build()
    home = built["places"]["home"]
    agency = built["users"]["tourism_agency"]
    built["inspection"] = service.schedule_inspection(
        place=home, purpose="initial", due_on=timezone.localdate() + dt.timedelta(days=5), by=agency
    )
    built["item"] = service.checklist_of(built["inspection"]).first()
    # A finished certificate written directly: the access rules are about who reads it, not how it was signed.
    done = Inspection.objects.create(
        place=home,
        purpose="initial",
        status="done",
        decision="certified",
        due_on=timezone.localdate(),
        finished_at=timezone.now(),
    )
    built["certificate"] = Certificate.objects.create(
        place=home,
        inspection=done,
        number="PAR/0001/2026",
        code="ABCDEFGHJK",
        valid_until=timezone.localdate() + dt.timedelta(days=365),
        pdf=PDF,
        sha256=hashlib.sha256(PDF).hexdigest(),
    )
    return built


def agency_only(actor: str, *, ok: int) -> int:
    if actor == "anonymous":
        return 302
    return ok if actor in w.AGENCY else 403


def api_agency_only(actor: str, *, ok: int) -> int:
    if actor == "anonymous":
        return 401
    return ok if actor in w.AGENCY else 403


@pytest.mark.parametrize("actor", w.ACTORS)
def test_checklist_pages(world, actor):
    client = w.client_for(world, actor)
    item = ChecklistItem.objects.get(kind="homestay", code="linen-washed")
    assert client.get(reverse("tourism:checklists")).status_code == agency_only(actor, ok=200)
    # An empty form: the agency is told what is missing (422), nobody else gets that far.
    assert client.post(reverse("tourism:checklist_add"), {}).status_code == agency_only(actor, ok=422)
    answer = client.post(reverse("tourism:checklist_item", kwargs={"item_id": item.pk}), {})
    assert answer.status_code == agency_only(actor, ok=422)


@pytest.mark.parametrize("actor", w.ACTORS)
def test_inspection_pages(world, actor):
    client = w.client_for(world, actor)
    inspection, item = world["inspection"], world["item"]
    assert client.get(reverse("tourism:inspections")).status_code == agency_only(actor, ok=200)
    assert client.post(reverse("tourism:inspection_schedule"), {}).status_code == agency_only(actor, ok=422)
    page = client.get(reverse("tourism:inspection", kwargs={"inspection_id": inspection.pk}))
    assert page.status_code == agency_only(actor, ok=200)
    url = reverse("tourism:finding", kwargs={"inspection_id": inspection.pk, "item_id": item.pk})
    assert client.post(url, {"result": "met"}).status_code == agency_only(actor, ok=302)
    assert inspection.findings.exists() == (actor in w.AGENCY)
    decided = client.post(reverse("tourism:inspection_decide", kwargs={"inspection_id": inspection.pk}), {})
    assert decided.status_code == agency_only(actor, ok=422)


@pytest.mark.parametrize("actor", w.ACTORS)
def test_certificate_pdf_is_for_readers_of_the_place(world, actor):
    client = w.client_for(world, actor)
    answer = client.get(reverse("tourism:certificate_pdf", kwargs={"certificate_id": world["certificate"].pk}))
    expected = 302 if actor == "anonymous" else 200 if actor in w.READERS else 404
    assert answer.status_code == expected
    if expected == 200:
        assert answer.content == PDF


@pytest.mark.parametrize("actor", w.ACTORS)
def test_verification_is_everyones(world, actor):
    client = w.client_for(world, actor)
    page = client.get(reverse("tourism:verify", kwargs={"code": world["certificate"].code}))
    assert page.status_code == 200 and 'data-state="valid"' in page.text
    assert client.get(reverse("tourism:verify_upload")).status_code == 200
    api = client.get(f"/api/v1/public/tourism/certificates/{world['certificate'].code}")
    assert api.status_code == 200 and api.json()["state"] == "valid"


@pytest.mark.parametrize("actor", w.ACTORS)
def test_certification_api(world, actor):
    client = w.client_for(world, actor)
    inspection, item = world["inspection"], world["item"]
    assert client.get("/api/v1/tourism/inspections").status_code == api_agency_only(actor, ok=200)
    made = client.post(
        "/api/v1/tourism/inspections",
        {"place_id": world["places"]["away"].pk, "due_on": (timezone.localdate() + dt.timedelta(days=3)).isoformat()},
        content_type="application/json",
    )
    assert made.status_code == api_agency_only(actor, ok=201)
    finding = client.put(
        f"/api/v1/tourism/inspections/{inspection.pk}/findings/{item.pk}",
        {"result": "met"},
        content_type="application/json",
    )
    assert finding.status_code == api_agency_only(actor, ok=200)
    # Findings are missing: the agency hears which, the others never get that far.
    decision = client.post(
        f"/api/v1/tourism/inspections/{inspection.pk}/decision",
        {"decision": "certified", "passphrase": "x"},
        content_type="application/json",
    )
    assert decision.status_code == api_agency_only(actor, ok=422)
    assert client.get("/api/v1/tourism/checklists/homestay").status_code == api_agency_only(actor, ok=200)
