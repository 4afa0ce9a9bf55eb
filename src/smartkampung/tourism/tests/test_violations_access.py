"""Who gets which answer from the violations part: reporting a violation and following a report are open to
everyone; the reports, their photos, the decisions and a certificate's status are the tourism agency's (and the
administrator's) alone (others 403, an anonymous visitor the sign-in page or 401); a place's upheld violations
are read by those who read the place's records (tourism_read_q: owner, area staff, agency), others get 404."""

import pytest
from django.urls import reverse

from smartkampung.conftest import built_once
from smartkampung.tourism.models import Violation
from smartkampung.tourism.tests import world
from smartkampung.tourism.tests.factories_violations import certificate, image_bytes, violation

COVERED = {
    "pages": [
        "tourism:violation_report",
        "tourism:violation_report_place",
        "tourism:violation_status",
        "tourism:violation_list",
        "tourism:violation_detail",
        "tourism:violation_photo",
        "tourism:violation_certificate_status",
        "tourism:place_violations",
    ],
    "api": [
        "POST /api/v1/public/tourism/violations",
        "GET /api/v1/public/tourism/violations/{code}",
        "GET /api/v1/tourism/violations",
        "GET /api/v1/tourism/violations/{violation_id}",
        "POST /api/v1/tourism/violations/{violation_id}/investigation",
        "POST /api/v1/tourism/violations/{violation_id}/decision",
        "POST /api/v1/tourism/certificates/{certificate_id}/status",
    ],
}


def build() -> dict:
    built = world.build()
    home = built["places"]["home"]
    built["certificate"] = certificate(home)  # HOME_PLACE is listed, so it can be reported
    report = violation(home)
    Violation.objects.filter(pk=report.pk).update(photo=image_bytes(), photo_type="image/jpeg")
    built["violation"] = report
    built["upheld"] = violation(home, status=Violation.Status.UPHELD)
    return built


@pytest.fixture(scope="module")
def the_world(django_db_blocker):
    with built_once(django_db_blocker, build) as built:
        yield built


def expect_agency_only(actor: str, answer, *, api: bool = False) -> None:
    if actor in world.AGENCY:
        assert answer.status_code in (200, 201), answer.content[:300]
    elif actor == "anonymous":
        if api:
            assert answer.status_code == 401
        else:
            assert answer.status_code == 302 and answer["Location"].startswith(reverse("accounts:login"))
    else:
        assert answer.status_code == 403


# ---------------------------------------------------------------- open to everyone


@pytest.mark.parametrize("actor", world.ACTORS)
def test_everyone_opens_the_report_pages_and_the_status_page(db, the_world, actor):
    client = world.client_for(the_world, actor)
    home = the_world["places"]["home"].pk
    assert client.get(reverse("tourism:violation_report")).status_code == 200
    assert client.get(reverse("tourism:violation_report_place", kwargs={"place_id": home})).status_code == 200
    status_page = reverse("tourism:violation_status")
    assert client.get(status_page).status_code == 200
    assert client.get(status_page, {"code": the_world["violation"].code}).status_code == 200


@pytest.mark.parametrize("actor", world.ACTORS)
def test_nobody_reports_a_place_that_is_not_listed(db, the_world, actor):
    away = the_world["places"]["away"].pk  # not certified
    answer = world.client_for(the_world, actor).get(
        reverse("tourism:violation_report_place", kwargs={"place_id": away})
    )
    assert answer.status_code == 404


@pytest.mark.parametrize("actor", world.ACTORS)
def test_everyone_reports_through_the_public_api_and_follows_the_report(db, the_world, actor):
    client = world.client_for(the_world, actor)
    answer = client.post(
        "/api/v1/public/tourism/violations",
        {"place_id": the_world["places"]["home"].pk, "what": "Nobody wears a mask at the counter."},
    )
    assert answer.status_code == 201, answer.content
    code = answer.json()["code"]
    followed = client.get(f"/api/v1/public/tourism/violations/{code}")
    assert followed.status_code == 200 and followed.json()["status"] == "open"


# ---------------------------------------------------------------- the agency's


@pytest.mark.parametrize("actor", world.ACTORS)
def test_only_the_agency_opens_the_reports_their_photos_and_the_certificate_status_page(db, the_world, actor):
    client = world.client_for(the_world, actor)
    report, cert = the_world["violation"], the_world["certificate"]
    for url in (
        reverse("tourism:violation_list"),
        reverse("tourism:violation_detail", kwargs={"violation_id": report.pk}),
        reverse("tourism:violation_photo", kwargs={"violation_id": report.pk}),
        reverse("tourism:violation_certificate_status", kwargs={"certificate_id": cert.pk}),
    ):
        expect_agency_only(actor, client.get(url))


@pytest.mark.parametrize("actor", world.ACTORS)
def test_only_the_agency_reads_the_reports_through_the_api(db, the_world, actor):
    client = world.client_for(the_world, actor)
    expect_agency_only(actor, client.get("/api/v1/tourism/violations"), api=True)
    answer = client.get(f"/api/v1/tourism/violations/{the_world['violation'].pk}")
    expect_agency_only(actor, answer, api=True)
    if actor in world.AGENCY:
        assert answer.json()["reporter_contact"] == "+6281211112222"


@pytest.mark.parametrize("actor", world.ACTORS)
def test_only_the_agency_investigates_and_decides(db, the_world, actor):
    client = world.client_for(the_world, actor)
    report = the_world["violation"]
    base = f"/api/v1/tourism/violations/{report.pk}"
    expect_agency_only(actor, client.post(f"{base}/investigation"), api=True)
    decision = {"decision": "dismissed", "outcome": "Nothing found on a visit."}
    expect_agency_only(actor, client.post(f"{base}/decision", decision, content_type="application/json"), api=True)
    report.refresh_from_db()
    assert (report.status == Violation.Status.DISMISSED) == (actor in world.AGENCY)


@pytest.mark.parametrize("actor", world.ACTORS)
def test_only_the_agency_changes_a_certificate_status(db, the_world, actor):
    cert = the_world["certificate"]
    answer = world.client_for(the_world, actor).post(
        f"/api/v1/tourism/certificates/{cert.pk}/status",
        {"status": "suspended", "reason": "Crowding on Sunday."},
        content_type="application/json",
    )
    expect_agency_only(actor, answer, api=True)
    cert.refresh_from_db()
    assert (cert.status == "suspended") == (actor in world.AGENCY)


# ---------------------------------------------------------------- the place's readers


@pytest.mark.parametrize("actor", world.ACTORS)
def test_the_places_readers_see_its_upheld_violations_without_the_reporters_contact(db, the_world, actor):
    answer = world.client_for(the_world, actor).get(
        reverse("tourism:place_violations", kwargs={"place_id": the_world["places"]["home"].pk})
    )
    if actor in world.READERS:
        assert answer.status_code == 200
        page = answer.content.decode()
        assert the_world["upheld"].code in page
        assert the_world["violation"].code not in page  # still open: not on the owner's record
        assert "6281211112222" not in page
    elif actor == "anonymous":
        assert answer.status_code == 302 and answer["Location"].startswith(reverse("accounts:login"))
    else:
        assert answer.status_code == 404
