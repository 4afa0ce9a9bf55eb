"""Certification, end to end: the default checklists, scheduling, findings item by item from the phone form,
the score, the mandatory rule, the decision that issues a signed certificate (validated with pyHanko), its public
verification (valid, expired, revoked), a failed signature that records nothing, and reminders sent once."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import re
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from smartkampung.audit.models import AuditEntry
from smartkampung.core.errors import Refused
from smartkampung.letters.selectors import trust_roots
from smartkampung.letters.validation import check_pdf
from smartkampung.notifications.models import Notification
from smartkampung.tourism.checklist import KINDS, load_checklists
from smartkampung.tourism.models import Certificate, ChecklistItem, Finding, Inspection, Place
from smartkampung.tourism.services import certification as service
from smartkampung.tourism.tests import factories as f
from smartkampung.tourism.tests.test_certification_support import PASSPHRASE, inspector, photo, record_all

pytestmark = pytest.mark.usefixtures("regions")


@pytest.fixture(autouse=True)
def english(settings):
    settings.LANGUAGE_CODE = "en"


@pytest.fixture
def officer(db):
    return inspector()


@pytest.fixture
def cafe(db):
    return f.place(name="Kedai Kopi Osing", kind="cafe", status=Place.Status.APPLIED, owner=f.owner())


@pytest.fixture
def inspection(cafe, officer):
    return service.schedule_inspection(
        place=cafe, purpose="initial", due_on=timezone.localdate() + dt.timedelta(days=3), inspector=officer, by=officer
    )


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def decide(client, inspection, **fields):
    return client.post(reverse("tourism:inspection_decide", kwargs={"inspection_id": inspection.pk}), fields)


# ---------------------------------------------------------------- checklists


def test_every_kind_has_a_default_checklist_in_the_four_dimensions_with_mandatory_items(db):
    for kind in KINDS:
        items = ChecklistItem.objects.filter(kind=kind, active=True)
        assert 10 <= items.count() <= 17, kind
        assert set(items.values_list("dimension", flat=True)) == {"cleanliness", "health", "safety", "environment"}
        assert items.filter(mandatory=True).exists()
        assert all(1 <= w <= 5 for w in items.values_list("weight", flat=True))
        assert not items.filter(text_en="").exists()
    assert ChecklistItem.objects.get(kind="hotel", code="fire-extinguisher").mandatory


def test_loading_the_checklists_again_changes_nothing_and_keeps_a_retired_item_retired(db, officer):
    before = ChecklistItem.objects.count()
    item = ChecklistItem.objects.get(kind="warung", code="lpg-safe")
    service.retire_checklist_item(item=item, by=officer)
    load_checklists(ChecklistItem)
    load_checklists(ChecklistItem)
    assert ChecklistItem.objects.count() == before
    assert not ChecklistItem.objects.get(pk=item.pk).active


def test_the_agency_adds_changes_and_retires_items_on_the_checklist_page(db, officer):
    client = signed_in(officer)
    page = client.get(reverse("tourism:checklists") + "?kind=warung")
    assert page.status_code == 200 and "lpg-safe" in page.text
    added = client.post(
        reverse("tourism:checklist_add"),
        {"kind": "warung", "dimension": "health", "code": "price-list", "text": "Daftar harga dipasang.", "weight": 2},
    )
    assert added.status_code == 302
    item = ChecklistItem.objects.get(kind="warung", code="price-list")
    assert (item.weight, item.mandatory, item.active) == (2, False, True)
    prefix = f"item{item.pk}"
    changed = client.post(
        reverse("tourism:checklist_item", kwargs={"item_id": item.pk}),
        {f"{prefix}-text": "Daftar harga dipasang jelas.", f"{prefix}-weight": 4, f"{prefix}-mandatory": "on"},
    )
    assert changed.status_code == 302
    item.refresh_from_db()
    assert (item.text, item.weight, item.mandatory, item.active) == ("Daftar harga dipasang jelas.", 4, True, False)
    assert AuditEntry.objects.filter(object_type="tourism_checklist", subject="warung:price-list").count() == 2
    twice = client.post(
        reverse("tourism:checklist_add"),
        {"kind": "warung", "dimension": "health", "code": "price-list", "text": "Lagi.", "weight": 2},
    )
    assert twice.status_code == 422 and "already has an item with this code" in twice.text
    heavy = client.post(
        reverse("tourism:checklist_item", kwargs={"item_id": item.pk}),
        {f"{prefix}-text": "x", f"{prefix}-weight": 9, f"{prefix}-active": "on"},
    )
    assert heavy.status_code == 422
    assert ChecklistItem.objects.get(pk=item.pk).weight == 4


def test_with_several_regencies_only_the_province_administrator_changes_the_checklists(db, officer, settings):
    """The checklists hold in every regency served: one regency's agency must not change Jember's certification."""
    from smartkampung.accounts.models import Role
    from smartkampung.accounts.tests.factories import give_role

    settings.SMARTKAMPUNG_REGENCIES = ("3510", "3509")
    item = ChecklistItem.objects.get(kind="warung", code="lpg-safe")
    prefix = f"item{item.pk}"
    banyuwangi = signed_in(officer)
    province_admin = f.user("pemprov")
    give_role(province_admin, Role.PROVINCE_ADMIN)
    province = signed_in(province_admin)
    new_item = {"kind": "warung", "dimension": "health", "code": "price-list", "text": "Daftar harga.", "weight": 2}

    page = banyuwangi.get(reverse("tourism:checklists") + "?kind=warung")
    added = banyuwangi.post(reverse("tourism:checklist_add"), new_item)
    retired = banyuwangi.post(
        reverse("tourism:checklist_item", kwargs={"item_id": item.pk}), {f"{prefix}-text": "x", f"{prefix}-weight": 1}
    )

    assert page.status_code == 200 and "lpg-safe" in page.text
    assert 'action="/tourism/checklists' not in page.text  # no form: read only
    assert added.status_code == retired.status_code == 403
    assert not ChecklistItem.objects.filter(code="price-list").exists() and ChecklistItem.objects.get(pk=item.pk).active
    assert province.post(reverse("tourism:checklist_add"), new_item).status_code == 302


# ---------------------------------------------------------------- scheduling


def test_one_open_inspection_per_place_and_a_second_is_refused_in_words(inspection, cafe, officer):
    with pytest.raises(Refused) as refused:
        service.schedule_inspection(
            place=cafe, purpose="initial", due_on=timezone.localdate() + dt.timedelta(days=9), by=officer
        )
    assert refused.value.status == 409
    assert "already has an inspection scheduled" in refused.value.detail
    assert Inspection.objects.filter(place=cafe).count() == 1


def test_only_the_agency_schedules(cafe):
    with pytest.raises(PermissionDenied):
        service.schedule_inspection(place=cafe, purpose="initial", due_on=timezone.localdate(), by=f.owner("lain"))


def test_the_list_shows_due_this_week_first_and_places_that_need_scheduling(inspection, officer):
    waiting = f.place(name="Homestay Tanpa Jadwal", kind="homestay", status=Place.Status.APPLIED)
    page = signed_in(officer).get(reverse("tourism:inspections"))
    this_week = page.text.split('id="this-week"')[1].split("</section>")[0]
    needs = page.text.split('id="needs-scheduling"')[1].split("</section>")[0]
    assert "Kedai Kopi Osing" in this_week
    assert waiting.name in needs and "Kedai Kopi Osing" not in needs
    scheduled = signed_in(officer).post(
        reverse("tourism:inspection_schedule"),
        {
            "place": waiting.pk,
            "purpose": "initial",
            "due_on": (timezone.localdate() + dt.timedelta(days=20)).isoformat(),
        },
    )
    assert scheduled.status_code == 302
    assert Inspection.objects.filter(place=waiting, status="scheduled").exists()


# ---------------------------------------------------------------- findings


def finding_url(inspection, item):
    return reverse("tourism:finding", kwargs={"inspection_id": inspection.pk, "item_id": item.pk})


def test_the_phone_form_lists_every_item_with_a_camera_input_and_saves_each_on_its_own(inspection, officer):
    client = signed_in(officer)
    page = client.get(reverse("tourism:inspection", kwargs={"inspection_id": inspection.pk}))
    items = list(service.checklist_of(inspection))
    assert page.status_code == 200
    assert page.text.count('capture="environment"') == len(items)
    assert "tourism/inspect.js" in page.text
    first, second = items[0], items[1]
    saved = client.post(
        finding_url(inspection, first),
        {"result": "met", "note": "sabun ada", "photo": _upload(photo())},
        headers={"HX-Request": "true"},
    )
    assert saved.status_code == 200 and "saved" in saved.text and f'id="item-{first.pk}"' in saved.text
    finding = Finding.objects.get(inspection=inspection, item=first)
    assert (finding.result, finding.note, finding.photo_type, bytes(finding.photo)) == (
        "met",
        "sabun ada",
        "image/png",
        photo(),
    )
    client.post(finding_url(inspection, second), {"result": "na"}, headers={"HX-Request": "true"})
    assert Finding.objects.filter(inspection=inspection).count() == 2
    # Saved again without a photo: the result changes, the photo stays.
    client.post(finding_url(inspection, first), {"result": "not_met"}, headers={"HX-Request": "true"})
    finding.refresh_from_db()
    assert finding.result == "not_met" and finding.photo_type == "image/png"


def _upload(data: bytes, name: str = "foto.png"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, data)


@pytest.mark.parametrize(
    ("data", "words"),
    [
        (b"GIF89a not a photo we take", "not a JPEG, PNG or WebP"),
        (b"\x89PNG\r\n\x1a\n" + b"broken", "damaged"),
        (b"\xff\xd8\xff" + b"0" * (2 * 1024 * 1024 + 1), "larger than 2 MB"),
    ],
)
def test_a_bad_photo_leaves_the_finding_as_it_was_with_the_error_in_words(inspection, officer, data, words):
    client = signed_in(officer)
    item = service.checklist_of(inspection).first()
    client.post(finding_url(inspection, item), {"result": "met"}, headers={"HX-Request": "true"})
    refused = client.post(
        finding_url(inspection, item), {"result": "not_met", "photo": _upload(data)}, headers={"HX-Request": "true"}
    )
    assert refused.status_code == 422 and words in refused.text
    finding = Finding.objects.get(inspection=inspection, item=item)
    assert finding.result == "met" and not finding.photo_type
    other = service.checklist_of(inspection)[1]
    client.post(finding_url(inspection, other), {"result": "met", "photo": _upload(data)})
    assert not Finding.objects.filter(inspection=inspection, item=other).exists()


def test_a_webp_photo_is_taken(inspection, officer):
    item = service.checklist_of(inspection).first()
    found = service.record_finding(inspection=inspection, item=item, result="met", photo=photo("WEBP"), by=officer)
    assert found.photo_type == "image/webp"


def test_an_item_of_another_kind_is_not_on_this_inspection(inspection, officer):
    hotel_only = ChecklistItem.objects.get(kind="hotel", code="isolation-room")
    with pytest.raises(Refused) as refused:
        service.record_finding(inspection=inspection, item=hotel_only, result="met", by=officer)
    assert refused.value.status == 404


# ---------------------------------------------------------------- score and the mandatory rule


def test_the_score_is_the_weighted_share_of_items_met_leaving_out_not_applicable(inspection, officer):
    items = list(service.checklist_of(inspection))
    met, not_met, na = items[:3], items[3:5], items[5:7]
    for item in met:
        service.record_finding(inspection=inspection, item=item, result="met", by=officer)
    for item in not_met:
        service.record_finding(inspection=inspection, item=item, result="not_met", by=officer)
    for item in na:
        service.record_finding(inspection=inspection, item=item, result="na", by=officer)
    weight_met = sum(i.weight for i in met)
    expected = Decimal(100 * weight_met) / Decimal(weight_met + sum(i.weight for i in not_met))
    assert service.score_of(inspection) == expected.quantize(Decimal("0.01"))
    assert [i.pk for i in service.missing_items(inspection)] == [i.pk for i in items[7:]]


def test_no_score_while_everything_is_not_applicable(inspection, officer):
    item = service.checklist_of(inspection).first()
    service.record_finding(inspection=inspection, item=item, result="na", by=officer)
    assert service.score_of(inspection) is None


def test_deciding_needs_a_finding_for_every_item_and_names_the_missing(inspection, officer):
    last = service.checklist_of(inspection).last()
    for item in service.checklist_of(inspection).exclude(pk=last.pk):
        service.record_finding(inspection=inspection, item=item, result="met", by=officer)
    answer = decide(signed_in(officer), inspection, decision="certified", passphrase=PASSPHRASE)
    assert answer.status_code == 422 and f"Missing: {last.code}" in answer.text
    assert Inspection.objects.get(pk=inspection.pk).status == "scheduled"


def test_a_mandatory_item_not_met_allows_only_conditions_with_a_deadline_or_rejection(inspection, officer):
    record_all(inspection, officer, results={"handwashing-station": "not_met"})
    client = signed_in(officer)
    plain = decide(client, inspection, decision="certified", passphrase=PASSPHRASE)
    assert plain.status_code == 422 and "mandatory item is not met (handwashing-station)" in plain.text
    no_deadline = decide(
        client, inspection, decision="conditional", conditions="Pasang wastafel.", passphrase=PASSPHRASE
    )
    assert no_deadline.status_code == 422 and "Enter the date by which the conditions must be met" in no_deadline.text
    assert not Certificate.objects.exists()
    deadline = timezone.localdate() + dt.timedelta(days=30)
    done = decide(
        client,
        inspection,
        decision="conditional",
        conditions="Pasang wastafel di pintu masuk.",
        deadline=deadline.isoformat(),
        passphrase=PASSPHRASE,
    )
    assert done.status_code == 302
    certificate = Certificate.objects.get(place=inspection.place)
    assert certificate.conditional
    decided = Inspection.objects.get(pk=inspection.pk)
    assert (decided.decision, decided.conditions_deadline) == ("conditional", deadline)


def test_a_rejection_needs_reasons_and_issues_nothing(inspection, officer):
    record_all(inspection, officer, default="not_met")
    client = signed_in(officer)
    assert decide(client, inspection, decision="rejected").status_code == 422
    assert decide(client, inspection, decision="rejected", reasons="Tidak ada tempat cuci tangan.").status_code == 302
    decided = Inspection.objects.get(pk=inspection.pk)
    assert (decided.status, decided.decision, decided.score) == ("done", "rejected", Decimal("0.00"))
    assert Place.objects.get(pk=inspection.place_id).status == "active"
    assert not Certificate.objects.exists()
    assert not Inspection.objects.filter(status="scheduled").exists()


# ---------------------------------------------------------------- the certificate


def test_a_certified_decision_issues_a_signed_certificate_whose_qr_page_says_valid(inspection, officer):
    record_all(inspection, officer)
    answer = decide(signed_in(officer), inspection, decision="certified", passphrase=PASSPHRASE)
    assert answer.status_code == 302
    certificate = Certificate.objects.get(place=inspection.place)
    today = timezone.localdate()
    assert re.fullmatch(rf"PAR/\d{{4}}/{today.year}", certificate.number)
    assert re.fullmatch(f"[{service.CODE_ALPHABET}]{{10}}", certificate.code)
    assert certificate.valid_until == today + dt.timedelta(days=365)
    pdf = bytes(certificate.pdf)
    assert certificate.sha256 == hashlib.sha256(pdf).hexdigest()
    check = check_pdf(pdf, trust_roots=trust_roots())
    assert check.authentic, check
    assert Inspection.objects.get(pk=inspection.pk).score == Decimal("100.00")
    assert Place.objects.get(pk=inspection.place_id).status == "active"
    again = Inspection.objects.get(place=inspection.place, status="scheduled")
    assert (again.purpose, again.due_on) == ("reevaluation", certificate.valid_until - dt.timedelta(days=30))

    page = Client().get(reverse("tourism:verify", kwargs={"code": certificate.code}))
    assert page.status_code == 200 and 'data-state="valid"' in page.text and "VALID" in page.text
    assert "Kedai Kopi Osing" in page.text and certificate.number in page.text
    assert "Bu Sri" not in page.text and "+6281234567890" not in page.text
    api = Client().get(f"/api/v1/public/tourism/certificates/{certificate.code}")
    assert api.status_code == 200 and api.json()["state"] == "valid"
    download = signed_in(inspection.place.owner).get(
        reverse("tourism:certificate_pdf", kwargs={"certificate_id": certificate.pk})
    )
    assert download.status_code == 200 and download.content == pdf
    assert Notification.objects.filter(kind="tour_decided", subject_id=inspection.pk).exists()


def test_a_changed_byte_breaks_the_signature(inspection, officer):
    record_all(inspection, officer)
    decide(signed_in(officer), inspection, decision="certified", passphrase=PASSPHRASE)
    pdf = bytearray(Certificate.objects.get().pdf)
    at = pdf.index(b"Kedai") if b"Kedai" in pdf else len(pdf) // 3
    pdf[at] ^= 1
    assert not check_pdf(bytes(pdf), trust_roots=trust_roots()).authentic


def test_the_verification_page_says_expired_once_the_day_has_passed(inspection, officer):
    record_all(inspection, officer)
    decide(signed_in(officer), inspection, decision="certified", passphrase=PASSPHRASE)
    certificate = Certificate.objects.get()
    Certificate.objects.filter(pk=certificate.pk).update(valid_until=timezone.localdate() - dt.timedelta(days=1))
    page = Client().get(reverse("tourism:verify", kwargs={"code": certificate.code}))
    assert 'data-state="expired"' in page.text and "EXPIRED" in page.text


def test_the_verification_page_says_revoked_with_the_reason(inspection, officer):
    record_all(inspection, officer)
    decide(signed_in(officer), inspection, decision="certified", passphrase=PASSPHRASE)
    certificate = Certificate.objects.get()
    Certificate.objects.filter(pk=certificate.pk).update(status="revoked", status_reason="Melanggar batas pengunjung.")
    page = Client().get(reverse("tourism:verify", kwargs={"code": certificate.code.lower()}))
    assert 'data-state="revoked"' in page.text and "REVOKED" in page.text and "Melanggar batas pengunjung." in page.text
    api = Client().get(f"/api/v1/public/tourism/certificates/{certificate.code}").json()
    assert (api["state"], api["reason"]) == ("revoked", "Melanggar batas pengunjung.")


def test_an_unknown_code_is_a_404_in_words(db):
    page = Client().get(reverse("tourism:verify", kwargs={"code": "ZZZZZZZZZZ"}))
    assert page.status_code == 404 and "No certificate of this service has the code" in page.text
    api = Client().get("/api/v1/public/tourism/certificates/ZZZZZZZZZZ")
    assert api.status_code == 404 and "No certificate" in api.json()["detail"]


def test_an_uploaded_file_is_recognised_only_when_it_is_the_exact_file(inspection, officer):
    record_all(inspection, officer)
    decide(signed_in(officer), inspection, decision="certified", passphrase=PASSPHRASE)
    pdf = bytes(Certificate.objects.get().pdf)
    exact = Client().post(reverse("tourism:verify_upload"), {"file": _upload(pdf, "sertifikat.pdf")})
    assert exact.status_code == 200 and 'data-state="valid"' in exact.text
    changed = Client().post(reverse("tourism:verify_upload"), {"file": _upload(pdf + b"\n", "sertifikat.pdf")})
    assert changed.status_code == 422 and "not a certificate issued by this service" in changed.text


def test_a_new_certificate_supersedes_the_one_in_force(inspection, officer):
    record_all(inspection, officer)
    decide(signed_in(officer), inspection, decision="certified", passphrase=PASSPHRASE)
    first = Certificate.objects.get()
    reevaluation = Inspection.objects.get(status="scheduled")
    record_all(reevaluation, officer)
    decide(signed_in(officer), reevaluation, decision="certified", passphrase=PASSPHRASE)
    first.refresh_from_db()
    second = Certificate.objects.exclude(pk=first.pk).get()
    assert (first.status, first.status_reason) == ("revoked", f"superseded by {second.number}")
    assert second.status == "valid" and second.number != first.number


def test_a_wrong_passphrase_records_nothing_and_says_why(inspection, officer):
    record_all(inspection, officer)
    answer = decide(signed_in(officer), inspection, decision="certified", passphrase="not the passphrase")
    assert answer.status_code == 422 and "The passphrase is wrong" in answer.text
    assert Inspection.objects.get(pk=inspection.pk).status == "scheduled"
    assert Inspection.objects.filter(place=inspection.place).count() == 1
    assert not Certificate.objects.exists()
    assert Place.objects.get(pk=inspection.place_id).status == "applied"
    assert not Notification.objects.filter(kind="tour_decided").exists()


def test_without_a_signing_key_the_decision_is_refused_in_words(inspection):
    keyless = inspector("tanpa.kunci", key=False)
    record_all(inspection, keyless)
    answer = decide(signed_in(keyless), inspection, decision="certified", passphrase=PASSPHRASE)
    assert answer.status_code == 422 and "You have no signing key" in answer.text
    assert Inspection.objects.get(pk=inspection.pk).status == "scheduled"


# ---------------------------------------------------------------- reminders


def test_owners_are_reminded_once_of_an_inspection_due_and_a_certificate_expiring(inspection, officer):
    today = timezone.localdate()
    assert service.send_reminders(today=today) == 1
    assert service.send_reminders(today=today) == 0
    reminder = Notification.objects.get(kind="tour_insp_due")
    assert reminder.summary["citizen_phone"] == "+6281234567890"
    assert "Kedai Kopi Osing" in reminder.summary["citizen_message"]
    record_all(inspection, officer)
    decide(signed_in(officer), inspection, decision="certified", passphrase=PASSPHRASE)
    certificate = Certificate.objects.get()
    later = certificate.valid_until - dt.timedelta(days=20)
    # 20 days before expiry: the re-evaluation (due 30 days before) is past due, the certificate expiring.
    assert service.send_reminders(today=later) == 1
    assert service.send_reminders(today=later) == 0
    assert Notification.objects.filter(kind="tour_cert_expiry", subject_id=certificate.pk).count() == 1
    reevaluation = Inspection.objects.get(status="scheduled")
    assert service.send_reminders(today=reevaluation.due_on - dt.timedelta(days=10)) == 1
    assert service.send_reminders(today=reevaluation.due_on - dt.timedelta(days=5)) == 0


# ---------------------------------------------------------------- the API


def test_the_api_schedules_records_findings_and_decides(cafe, officer):
    client = signed_in(officer)
    due = (timezone.localdate() + dt.timedelta(days=2)).isoformat()
    made = client.post(
        "/api/v1/tourism/inspections", {"place_id": cafe.pk, "due_on": due}, content_type="application/json"
    )
    assert made.status_code == 201, made.json()
    inspection_id = made.json()["id"]
    again = client.post(
        "/api/v1/tourism/inspections", {"place_id": cafe.pk, "due_on": due}, content_type="application/json"
    )
    assert again.status_code == 409
    listed = client.get("/api/v1/tourism/inspections").json()
    assert [(i["id"], i["due_this_week"]) for i in listed["items"]] == [(inspection_id, True)]
    checklist = client.get("/api/v1/tourism/checklists/cafe").json()
    assert {i["code"] for i in checklist} >= {"handwashing-station", "food-handling"}
    for ix, item in enumerate(checklist):
        url = f"/api/v1/tourism/inspections/{inspection_id}/findings/{item['id']}"
        if ix == 0:
            from django.test.client import encode_multipart

            body = encode_multipart(
                "BoUnDaRy", {"result": "met", "note": "ok", "photo": _upload(photo("JPEG"), "a.jpg")}
            )
            answer = client.put(url, body, content_type="multipart/form-data; boundary=BoUnDaRy")
        elif ix == 1:
            answer = client.put(
                url,
                {"result": "met", "photo_base64": base64.b64encode(photo()).decode()},
                content_type="application/json",
            )
        else:
            answer = client.put(url, {"result": "met"}, content_type="application/json")
        assert answer.status_code == 200, answer.json()
    assert Finding.objects.get(inspection_id=inspection_id, item_id=checklist[0]["id"]).photo_type == "image/jpeg"
    assert Finding.objects.get(inspection_id=inspection_id, item_id=checklist[1]["id"]).photo_type == "image/png"
    bad = client.put(
        f"/api/v1/tourism/inspections/{inspection_id}/findings/{checklist[0]['id']}",
        {"result": "maybe"},
        content_type="application/json",
    )
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "result"
    wrong = client.post(
        f"/api/v1/tourism/inspections/{inspection_id}/decision",
        {"decision": "certified", "passphrase": "salah"},
        content_type="application/json",
    )
    assert wrong.status_code == 422 and not Certificate.objects.exists()
    decided = client.post(
        f"/api/v1/tourism/inspections/{inspection_id}/decision",
        {"decision": "certified", "passphrase": PASSPHRASE},
        content_type="application/json",
    )
    assert decided.status_code == 200, decided.json()
    body = decided.json()
    assert body["status"] == "done" and body["score"] == 100.0
    assert body["certificate"]["verify_url"].endswith(f"/tourism/verify/{body['certificate']['code']}/")


def test_a_rejected_reevaluation_revokes_the_certificate_in_force(inspection, officer):
    record_all(inspection, officer)
    decide(signed_in(officer), inspection, decision="certified", passphrase=PASSPHRASE)
    certificate = Certificate.objects.get()
    reevaluation = Inspection.objects.get(status="scheduled")
    record_all(reevaluation, officer, default="not_met")
    decide(signed_in(officer), reevaluation, decision="rejected", reasons="Protokol tidak dijalankan.")
    certificate.refresh_from_db()
    assert certificate.status == "revoked" and "Protokol tidak dijalankan." in certificate.status_reason
    page = Client().get(reverse("tourism:verify", kwargs={"code": certificate.code}))
    assert 'data-state="revoked"' in page.text
