"""Violations: a tourist reports, the agency investigates and decides, and a suspension or revocation takes the
place off the listing at once (selectors.certified_q, which the listing filters on when it is read)."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from smartkampung.audit.models import AuditEntry
from smartkampung.core.errors import Refused
from smartkampung.notifications.models import Notification
from smartkampung.notifications.selectors import notifications_visible_to
from smartkampung.tourism.models import Certificate, Place, Violation
from smartkampung.tourism.selectors import certified_q
from smartkampung.tourism.services import violations as services
from smartkampung.tourism.tests import factories as f
from smartkampung.tourism.tests.factories_violations import certified_place, image_bytes

REPORTS = "/api/v1/public/tourism/violations"


@pytest.fixture(autouse=True)
def english(settings):
    """These tests read the answers' words in English (the product speaks Indonesian by default)."""
    settings.LANGUAGE_CODE = "en"


@pytest.fixture
def listed(db):
    owner = f.owner()
    return certified_place(owner=owner)


@pytest.fixture
def agency(db):
    return f.agency()


def is_listed(place: Place) -> bool:
    return Place.objects.filter(certified_q(), pk=place.pk).exists()


def report(place: Place, **values) -> Violation:
    return services.report_violation(place_id=place.pk, what=values.pop("what", "Staff without masks."), **values)


# ---------------------------------------------------------------- reporting


def test_a_tourists_report_on_the_page_makes_a_violation_a_notification_for_the_agency_and_an_audit_entry(
    client, listed
):
    place, _certificate = listed
    answer = client.post(
        reverse("tourism:violation_report"),
        {
            "place_id": place.pk,
            "what": "The waiters wear no masks and the hand-washing tap is dry.",
            "seen_at": "03-12-2026 19:30",
            "contact": "0812 1111 2222",
        },
    )
    assert answer.status_code == 201
    violation = Violation.objects.get(place=place)
    assert violation.code in answer.content.decode()
    assert len(violation.code) == 10 and not set(violation.code) & set("01IO")
    assert violation.reporter_contact == "+6281211112222"
    assert timezone.localtime(violation.seen_at).strftime("%d-%m-%Y %H:%M") == "03-12-2026 19:30"
    assert violation.reported_by is None
    notification = Notification.objects.get(kind="tviol_reported", subject_id=violation.pk)
    assert notification.village_id == place.village_id
    assert "6281211112222" not in str(notification.summary)  # the village's staff see it too
    operator = f.user("operator.bakungan", "village_operator", village=f.HOME)
    assert notifications_visible_to(operator).filter(pk=notification.pk).exists()
    # The tourism agency sees reports from every village (the kind is seen regency-wide by it); another village's
    # operator and the social agency do not.
    assert notifications_visible_to(f.agency()).filter(pk=notification.pk).exists()
    elsewhere = f.user("operator.sarongan", "village_operator", village=f.AWAY)
    assert not notifications_visible_to(elsewhere).filter(pk=notification.pk).exists()
    assert not notifications_visible_to(f.user("dinsos", "social_agency")).filter(pk=notification.pk).exists()
    assert AuditEntry.objects.filter(object_type="tourism_violation", subject=violation.code, action="create").exists()


def test_a_report_through_the_api_takes_a_photo_and_is_followed_by_its_code(client, listed):
    place, _certificate = listed
    photo = ("kedai.webp", image_bytes("WEBP"), "image/webp")
    from django.core.files.uploadedfile import SimpleUploadedFile

    answer = client.post(
        REPORTS,
        {
            "place_id": place.pk,
            "what": "Far more visitors than allowed.",
            "seen_at": "2026-12-03T10:00",
            "photo": SimpleUploadedFile(*photo),
        },
    )
    assert answer.status_code == 201, answer.content
    code = answer.json()["code"]
    assert Violation.objects.get(code=code).photo_type == "image/webp"
    followed = client.get(f"{REPORTS}/{code.lower()}")
    assert followed.json() == {**followed.json(), "status": "open", "outcome": ""}
    assert "contact" not in str(followed.json())


def test_an_officers_report_carries_their_name_and_is_not_counted(client, listed, settings):
    settings.TOURISM_REPORTS_PER_HOUR = 1
    place, _certificate = listed
    officer = f.user("camat.glagah", "district_staff", district=f.HOME_DISTRICT)
    client.force_login(officer)
    for _ in range(3):
        assert client.post(REPORTS, {"place_id": place.pk, "what": "Crowded."}).status_code == 201
    assert set(Violation.objects.values_list("reported_by", flat=True)) == {officer.pk}


def test_more_reports_than_the_limit_from_one_address_are_refused_in_words(client, listed, settings):
    settings.TOURISM_REPORTS_PER_HOUR = 2
    place, _certificate = listed
    for _ in range(2):
        assert client.post(REPORTS, {"place_id": place.pk, "what": "Crowded."}).status_code == 201
    refused = client.post(REPORTS, {"place_id": place.pk, "what": "Crowded."})
    assert refused.status_code == 429
    assert "Too many reports from this address" in refused.json()["detail"]
    assert int(refused["Retry-After"]) > 0
    page = client.post(reverse("tourism:violation_report"), {"place_id": place.pk, "what": "Crowded."})
    assert page.status_code == 429 and "Too many reports from this address" in page.content.decode()
    assert Violation.objects.count() == 2


@pytest.mark.parametrize(
    ("values", "field", "words"),
    [
        ({"what": "   "}, "what", "Say what happened"),
        ({"what": "x" * 2001}, "what", "at most 2000 characters"),
        ({"seen_at": "31-12-2099 10:00"}, "seen_at", "cannot be in the future"),
        ({"seen_at": "yesterday"}, "seen_at", "DD-MM-YYYY HH:MM"),
        ({"what": "Crowded\x00"}, "what", "control characters"),
        ({"contact": "call me"}, "contact", "phone number"),
        ({"contact": "me@"}, "contact", "e-mail"),
    ],
)
def test_bad_input_is_refused_in_words_and_writes_nothing(client, listed, values, field, words):
    place, _certificate = listed
    answer = client.post(REPORTS, {"place_id": place.pk, "what": "Crowded.", **values})
    assert answer.status_code == 422
    errors = {e["field"]: e["message"] for e in answer.json()["errors"]}
    assert words in errors[field]
    assert not Violation.objects.exists() and not Notification.objects.filter(kind="tviol_reported").exists()


def test_a_file_that_is_not_a_photo_or_too_large_is_refused_and_writes_nothing(client, listed, settings):
    from django.core.files.uploadedfile import SimpleUploadedFile

    place, _certificate = listed
    fake = SimpleUploadedFile("photo.jpg", b"\xff\xd8\xff" + b"not really a jpeg", content_type="image/jpeg")
    answer = client.post(REPORTS, {"place_id": place.pk, "what": "Crowded.", "photo": fake})
    assert answer.status_code == 422 and "damaged" in answer.json()["detail"]
    gif = SimpleUploadedFile("photo.gif", image_bytes("GIF"), content_type="image/gif")
    answer = client.post(reverse("tourism:violation_report"), {"place_id": place.pk, "what": "Crowded.", "photo": gif})
    assert answer.status_code == 422 and "JPEG, PNG or WebP" in answer.content.decode()
    settings.TOURISM_PHOTO_MAX_BYTES = 200
    big = SimpleUploadedFile("big.png", image_bytes("PNG", (200, 200)), content_type="image/png")
    answer = client.post(REPORTS, {"place_id": place.pk, "what": "Crowded.", "photo": big})
    assert answer.status_code in (413, 422) and "MB" in answer.json()["detail"]
    assert not Violation.objects.exists()


def test_a_place_that_is_not_listed_cannot_be_reported(client, db):
    unlisted = f.place(name="Warung Tanpa Sertifikat")
    answer = client.post(REPORTS, {"place_id": unlisted.pk, "what": "Crowded."})
    assert answer.status_code == 422 and "certified places" in answer.json()["detail"]
    assert client.get(reverse("tourism:violation_report_place", kwargs={"place_id": unlisted.pk})).status_code == 404


def test_the_report_page_finds_places_by_name(client, db):
    certified_place(name="Kedai Kopi Osing")
    certified_place(name="Homestay Kemiren")
    page = client.get(reverse("tourism:violation_report"), {"q": "kemiren"}).content.decode()
    assert "Homestay Kemiren" in page and "Kedai Kopi Osing" not in page


# ---------------------------------------------------------------- the agency's decision


def test_upholding_with_revocation_takes_the_place_off_the_listing_at_once_and_tells_the_owner(listed, agency):
    place, certificate = listed
    violation = report(place)
    services.start_investigation(violation=violation, by=agency)
    assert is_listed(place)
    services.uphold_violation(
        violation=violation, outcome="Seen twice without masks.", action=services.Action.REVOKE, by=agency
    )
    certificate.refresh_from_db()
    violation.refresh_from_db()
    assert certificate.status == Certificate.Status.REVOKED and certificate.status_changed_at is not None
    # The reason is public (the QR page): the outcome, never the report code (the reporter's key to their report).
    assert "Seen twice without masks." in certificate.status_reason and violation.code not in certificate.status_reason
    assert (violation.status, violation.handled_by, violation.closed_at is not None) == ("upheld", agency, True)
    assert not is_listed(place)
    told = Notification.objects.get(kind="tviol_revoked", subject_id=certificate.pk)
    assert told.summary["citizen_phone"] == place.contact_phone and "DICABUT" in told.summary["citizen_message"]
    changes = AuditEntry.objects.filter(object_type__in=["tourism_violation", "tourism_certificate"], action="update")
    assert {e.object_type for e in changes} == {"tourism_violation", "tourism_certificate"}
    assert all(e.actor == agency for e in changes)


def test_a_revoked_certificate_is_never_reinstated(client, listed, agency):
    place, certificate = listed
    services.revoke_certificate(certificate=certificate, reason="Repeated crowding.", by=agency)
    with pytest.raises(Refused) as refused:
        services.reinstate_certificate(certificate=certificate, reason="Please.", by=agency)
    assert refused.value.status == 409 and "revocation is final" in refused.value.detail
    client.force_login(agency)
    answer = client.post(
        f"/api/v1/tourism/certificates/{certificate.pk}/status",
        {"status": "valid", "reason": "Please."},
        content_type="application/json",
    )
    assert answer.status_code == 409 and "new inspection" in answer.json()["detail"]
    certificate.refresh_from_db()
    assert certificate.status == "revoked" and not is_listed(place)


def test_a_suspension_takes_the_place_off_and_reinstating_it_puts_it_back(client, listed, agency):
    place, certificate = listed
    client.force_login(agency)
    url = reverse("tourism:violation_certificate_status", kwargs={"certificate_id": certificate.pk})
    assert client.post(url, {"status": "suspended", "reason": ""}).status_code == 422  # a reason is required
    assert client.post(url, {"status": "suspended", "reason": "No hand-washing place."}).status_code == 302
    assert not is_listed(place)
    answer = client.post(
        f"/api/v1/tourism/certificates/{certificate.pk}/status",
        {"status": "valid", "reason": "Hand-washing place built, checked on site."},
        content_type="application/json",
    )
    assert answer.status_code == 200 and answer.json()["status"] == "valid"
    assert is_listed(place)
    kinds = list(Notification.objects.filter(subject_id=certificate.pk).values_list("kind", flat=True))
    assert sorted(kinds) == ["tviol_reinstated", "tviol_suspended"]


def test_upholding_with_suspension_when_no_certificate_is_in_force_changes_nothing(listed, agency):
    place, certificate = listed
    violation = report(place)
    services.revoke_certificate(certificate=certificate, reason="Earlier case.", by=agency)
    with pytest.raises(Refused) as refused:
        services.uphold_violation(violation=violation, outcome="Confirmed.", action="suspend", by=agency)
    assert "no certificate in force" in refused.value.detail
    violation.refresh_from_db()
    assert violation.status == "open"


def test_a_dismissed_report_shows_its_outcome_to_the_reporter_but_not_on_the_owners_page(client, listed, agency):
    place, _certificate = listed
    violation = report(place, contact="pelapor@example.com")
    services.dismiss_violation(violation=violation, outcome="On a visit everything was in order.", by=agency)
    status = client.get(reverse("tourism:violation_status"), {"code": violation.code}).content.decode()
    assert "On a visit everything was in order." in status and "pelapor@example.com" not in status
    client.force_login(place.owner)
    page = client.get(reverse("tourism:place_violations", kwargs={"place_id": place.pk})).content.decode()
    assert violation.code not in page and "No violation has been upheld" in page


def test_a_decided_report_is_not_decided_again(listed, agency):
    place, _certificate = listed
    violation = report(place)
    services.dismiss_violation(violation=violation, outcome="Unfounded.", by=agency)
    with pytest.raises(Refused) as refused:
        services.uphold_violation(violation=violation, outcome="Again.", action="revoke", by=agency)
    assert refused.value.status == 409 and "already decided" in refused.value.detail
    assert is_listed(place)


def test_only_the_agency_may_decide_even_when_calling_the_service(listed):
    place, certificate = listed
    violation = report(place)
    with pytest.raises(Refused) as refused:
        services.uphold_violation(violation=violation, outcome="x", action="revoke", by=place.owner)
    assert refused.value.status == 403
    certificate.refresh_from_db()
    assert certificate.status == "valid"


def test_the_agencys_list_puts_open_reports_first_and_filters_by_kecamatan(client, agency, db):
    home, _ = certified_place(name="Kedai Bakungan")
    away, _ = certified_place(name="Warung Sarongan", village=f.AWAY)
    old_open = report(home)
    dismissed = report(away)
    services.dismiss_violation(violation=dismissed, outcome="Unfounded.", by=agency)
    Violation.objects.filter(pk=old_open.pk).update(created_at=timezone.now() - dt.timedelta(days=3))
    client.force_login(agency)
    codes = [v["code"] for v in client.get("/api/v1/tourism/violations").json()["items"]]
    assert codes == [old_open.code, dismissed.code]
    page = client.get(reverse("tourism:violation_list"), {"kecamatan": f.AWAY_DISTRICT}).content.decode()
    assert dismissed.code in page and old_open.code not in page


def test_the_agency_decides_on_the_report_page(client, listed, agency):
    place, certificate = listed
    violation = report(place, photo=services.Upload("p.png", image_bytes("PNG")))
    client.force_login(agency)
    url = reverse("tourism:violation_detail", kwargs={"violation_id": violation.pk})
    assert client.post(url, {"op": "investigate"}).status_code == 302
    again = client.post(url, {"op": "investigate"})
    assert again.status_code == 409 and "already under investigation" in again.content.decode()
    photo = client.get(reverse("tourism:violation_photo", kwargs={"violation_id": violation.pk}))
    assert photo["Content-Type"] == "image/png" and photo["X-Content-Type-Options"] == "nosniff"
    answer = client.post(url, {"op": "decide", "decision": "upheld", "outcome": "Confirmed.", "action": "suspend"})
    assert answer.status_code == 302
    certificate.refresh_from_db()
    assert certificate.status == "suspended" and not is_listed(place)


def test_the_report_page_refuses_control_characters_in_words(client, listed):
    place, _certificate = listed
    answer = client.post(reverse("tourism:violation_report"), {"place_id": place.pk, "what": "Crowded\x00"})
    assert answer.status_code == 422 and "control characters" in answer.content.decode()
    assert not Violation.objects.exists()


def test_the_certificate_page_of_a_revoked_certificate_says_it_is_final_and_offers_no_change(client, listed, agency):
    place, certificate = listed
    violation = report(place)
    services.uphold_violation(violation=violation, outcome="Confirmed twice.", action="revoke", by=agency)
    client.force_login(agency)
    page = client.get(reverse("tourism:violation_certificate_status", kwargs={"certificate_id": certificate.pk}))
    text = page.content.decode()
    assert "a revocation is final" in text and 'id="certificate-status-form"' not in text
    answer = client.post(
        reverse("tourism:violation_certificate_status", kwargs={"certificate_id": certificate.pk}),
        {"status": "valid", "reason": "Please."},
    )
    assert answer.status_code == 409 and "a revocation is final" in answer.content.decode()
    detail = client.get(reverse("tourism:violation_detail", kwargs={"violation_id": violation.pk})).content.decode()
    assert "Confirmed twice." in detail and 'id="decision-form"' not in detail


def test_the_decision_through_the_api_takes_a_multi_line_outcome_and_refuses_an_unknown_decision(
    client, listed, agency
):
    place, certificate = listed
    violation = report(place)
    client.force_login(agency)
    url = f"/api/v1/tourism/violations/{violation.pk}/decision"
    wrong = client.post(url, {"decision": "maybe", "outcome": "x"}, content_type="application/json")
    assert wrong.status_code == 422 and "upheld or dismissed" in wrong.json()["detail"]
    answer = client.post(
        url,
        {"decision": "upheld", "outcome": "Visited on Sunday.\nStaff without masks.", "action": "revoke"},
        content_type="application/json",
    )
    assert answer.status_code == 200 and answer.json()["status"] == "upheld"
    certificate.refresh_from_db()
    assert certificate.status == "revoked" and not is_listed(place)
