"""The staff pages of letters: the official's queue, a request taken at the office desk (with its documents
checked before anything is written), a letter's page with its steps, documents and PDF, signing and sending back
from it, the administrator's letter types with their live preview, and an official's signing key."""

import pytest
from django.test import Client

from smartkampung.audit.models import AuditEntry
from smartkampung.letters.models import ChainStep, LetterAttachment, LetterRequest, LetterType
from smartkampung.letters.tests.factories import (
    NIK,
    PASSPHRASE,
    SARONGAN,
    broken_png,
    chain,
    exe_named_jpg,
    files_for,
    office_request,
    official,
    resident,
    staff,
)

pytestmark = pytest.mark.usefixtures("regions")


@pytest.fixture
def people(db):
    resident()
    return chain()


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def office_form(**changes) -> dict:
    return {"letter_type": "sktm", "nik": NIK, "purpose": "berobat ke rumah sakit", "phone": "", **changes}


def rows() -> tuple[int, int]:
    return LetterRequest.objects.count(), LetterAttachment.objects.count()


# ---------------------------------------------------------------- the queue


def test_an_official_sees_their_queue_oldest_first_with_the_waiting_time(people):
    first = office_request(people["village_operator"])
    second = office_request(people["village_operator"])

    page = signed_in(people["village_operator"]).get("/letters/")

    assert page.status_code == 200
    text = page.content.decode()
    assert text.index(first.code) < text.index(second.code)
    assert 'id="queue" data-count="2"' in text and "WARSIDI" in text
    assert 'id="new-request"' in text  # the operator takes requests at the desk
    head_page = signed_in(people["village_head"]).get("/letters/").content.decode()
    assert 'id="queue" data-count="0"' in head_page and 'id="new-request"' not in head_page
    assert first.code in head_page  # but reads the village's requests below


def test_the_requests_list_filters_by_status_and_audits_what_it_shows(people):
    letter = office_request(people["village_operator"])
    client = signed_in(people["village_head"])

    assert letter.code in client.get("/letters/?status=in_progress").content.decode()
    assert letter.code not in client.get("/letters/?status=signed").content.decode()
    assert client.get("/letters/?status=nonsense&page=1e20").status_code == 200
    viewed = AuditEntry.objects.filter(action="view", object_type="letter_request", subject="list")
    assert any(letter.code in entry.object_ids for entry in viewed)


def test_someone_without_a_part_in_letters_is_refused_and_a_visitor_is_sent_to_sign_in(people):
    checkpoint = staff("pos.glagah", "district_staff", district="351001")  # another kecamatan's staff read theirs
    assert signed_in(checkpoint).get("/letters/").status_code == 200
    assert Client().get("/letters/").status_code == 302
    nobody = staff("pantau", "village_oversight", village=SARONGAN)
    assert signed_in(nobody).get("/letters/").status_code == 403


# ---------------------------------------------------------------- a request at the office


def test_an_office_request_ends_in_the_first_officials_queue(people):
    client = signed_in(people["village_operator"])

    answer = client.post("/letters/new/", {**office_form(), **files_for()})

    letter = LetterRequest.objects.get()
    assert answer.status_code == 302 and answer["Location"] == f"/letters/{letter.code}/"
    assert letter.channel == "office" and letter.attachments.count() == 3
    queue = client.get("/letters/").content.decode()
    assert letter.code in queue and 'data-count="1"' in queue


def test_the_office_form_shows_the_documents_of_the_chosen_letter_and_the_residents_name(people):
    client = signed_in(people["village_operator"])

    inputs = client.get("/letters/new/?letter_type=domisili", headers={"HX-Request": "true"}).content.decode()
    assert 'name="attachment_ktp"' in inputs and 'name="attachment_kk"' in inputs and "attachment_rt" not in inputs
    found = client.get(f"/letters/new/resident/?nik={NIK}").content.decode()
    assert "WARSIDI" in found
    assert "WARSIDI" not in client.get("/letters/new/resident/?nik=3510151708850099").content.decode()
    elsewhere = signed_in(official("village_operator", village=SARONGAN, key=False))
    assert "WARSIDI" not in elsewhere.get(f"/letters/new/resident/?nik={NIK}").content.decode()


def test_a_missing_document_is_named_and_nothing_is_written(people):
    client = signed_in(people["village_operator"])
    before = rows()

    answer = client.post("/letters/new/", {**office_form(), **files_for(kk=None)})

    assert answer.status_code == 422
    assert 'data-error-for="attachment_kk"' in answer.content.decode()
    assert rows() == before


def test_an_oversized_document_is_refused_in_words(people, settings):
    settings.LETTERS_ATTACHMENT_MAX_BYTES = 50
    before = rows()

    answer = signed_in(people["village_operator"]).post("/letters/new/", {**office_form(), **files_for()})

    assert answer.status_code == 422
    text = answer.content.decode()
    assert 'data-error-for="attachment_ktp"' in text and "MB" in text
    assert rows() == before


@pytest.mark.parametrize(
    ("data", "words"),
    [(exe_named_jpg(), "JPEG"), (broken_png(), "ktp.png")],
    ids=["a program renamed .jpg", "a broken PNG"],
)
def test_a_file_that_is_not_what_its_name_says_is_refused(people, data, words):
    before = rows()

    answer = signed_in(people["village_operator"]).post(
        "/letters/new/", {**office_form(), **files_for(ktp=("ktp.png" if words == "ktp.png" else "ktp.jpg", data))}
    )

    assert answer.status_code == 422
    text = answer.content.decode()
    assert 'data-error-for="attachment_ktp"' in text and words in text
    assert rows() == before


def test_a_nik_of_another_village_answers_as_an_unknown_one(people):
    resident(village=SARONGAN, nik="3510011708850001", kk="3510010101100001")
    answer = signed_in(people["village_operator"]).post(
        "/letters/new/", {**office_form(nik="3510011708850001"), **files_for()}
    )
    assert answer.status_code == 404 and 'data-error-for="nik"' in answer.content.decode()
    assert not LetterRequest.objects.exists()


def test_only_the_desk_takes_requests(people):
    assert signed_in(people["village_head"]).get("/letters/new/").status_code == 403


# ---------------------------------------------------------------- a letter's page


def test_a_letters_page_shows_its_steps_documents_and_pdf_and_is_audited(people):
    letter = office_request(people["village_operator"])
    client = signed_in(people["village_head"])

    page = client.get(f"/letters/{letter.code}/")

    assert page.status_code == 200
    text = page.content.decode()
    assert "WARSIDI" in text and 'data-status="waiting"' in text and f"/letters/{letter.code}/attachments/kk/" in text
    assert 'id="sign-form"' not in text  # the operator's turn, not the head's
    assert AuditEntry.objects.filter(action="view", object_type="letter_request", subject=letter.code).exists()
    document = client.get(f"/letters/{letter.code}/attachments/kk/")
    assert document.status_code == 200 and document["Content-Type"] == "image/png"
    assert document["Content-Disposition"].startswith("attachment;") and document["X-Content-Type-Options"] == "nosniff"
    pdf = client.get(f"/letters/{letter.code}/pdf")
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    assert pdf["Content-Disposition"].startswith("inline;")
    assert client.get(f"/letters/{letter.code}/attachments/nothing/").status_code == 404


def test_a_letter_of_another_village_is_not_found(people):
    letter = office_request(people["village_operator"])
    other = signed_in(official("village_head", village=SARONGAN, key=False))
    assert other.get(f"/letters/{letter.code}/").status_code == 404
    assert other.get(f"/letters/{letter.code}/pdf").status_code == 404
    assert other.get(f"/letters/{letter.code}/attachments/kk/").status_code == 404
    assert other.post(f"/letters/{letter.code}/sign/", {"passphrase": PASSPHRASE}).status_code == 404


def test_signing_when_it_is_not_your_turn_is_forbidden(people):
    letter = office_request(people["village_operator"])
    answer = signed_in(people["village_head"]).post(f"/letters/{letter.code}/sign/", {"passphrase": PASSPHRASE})
    assert answer.status_code == 403
    assert LetterRequest.objects.get(pk=letter.pk).current_step == 1


def test_three_officials_sign_from_their_pages_and_the_letter_gets_its_number(people):
    letter = office_request(people["village_operator"])
    for position in ("village_operator", "village_secretary", "village_head"):
        client = signed_in(people[position])
        page = client.get(f"/letters/{letter.code}/").content.decode()
        assert 'id="sign-form"' in page and 'type="password"' in page and 'autocomplete="off"' in page
        assert client.post(f"/letters/{letter.code}/sign/", {"passphrase": PASSPHRASE}).status_code == 302

    letter.refresh_from_db()
    assert letter.status == "signed" and letter.number.startswith("400.12/001/3510151002/")
    assert letter.number in signed_in(people["village_head"]).get(f"/letters/{letter.code}/").content.decode()


def test_a_wrong_passphrase_is_told_and_the_letter_keeps_waiting(people):
    letter = office_request(people["village_operator"])

    answer = signed_in(people["village_operator"]).post(f"/letters/{letter.code}/sign/", {"passphrase": "salah-1234"})

    assert answer.status_code == 422
    text = answer.content.decode()
    assert 'id="sign-errors"' in text and "data-last-error" in text
    letter.refresh_from_db()
    assert letter.status == "in_progress" and letter.current_step == 1 and letter.revisions.count() == 1


def test_an_official_sends_a_request_back_with_a_reason(people):
    letter = office_request(people["village_operator"])
    client = signed_in(people["village_operator"])

    short = client.post(f"/letters/{letter.code}/reject/", {"reason": "no"})
    assert short.status_code == 422 and 'data-error-for="reason"' in short.content.decode()

    answer = client.post(f"/letters/{letter.code}/reject/", {"reason": "Foto KK tidak terbaca, kirim ulang."})
    assert answer.status_code == 302
    letter.refresh_from_db()
    assert letter.status == "rejected" and letter.rejection_reason == "Foto KK tidak terbaca, kirim ulang."


# ---------------------------------------------------------------- letter types


def test_only_the_administrator_edits_letter_types(people, admin):
    assert signed_in(people["village_head"]).get("/letters/types/").status_code == 403
    assert signed_in(people["village_head"]).get("/letters/types/sktm/").status_code == 403
    client = signed_in(admin)
    assert "Surat Keterangan Tidak Mampu" in client.get("/letters/types/").content.decode()
    page = client.get("/letters/types/sktm/").content.decode()
    assert "resident.name" in page and "sequence" in page and "SITI AMINAH" in page  # placeholders and preview
    assert client.get("/letters/types/nothing/").status_code == 404


def type_form(**changes) -> dict:
    letter_type = LetterType.objects.get(code="sktm")
    values = {
        "name": letter_type.name,
        "title": letter_type.title,
        "classification_code": letter_type.classification_code,
        "body_template": letter_type.body_template,
        "closing_template": letter_type.closing_template,
        "attachments": "ktp: KTP\nkk: Kartu Keluarga",
        "validity_days": "60",
        "number_pattern": "{classification}/{sequence:03}/{village_code}/{month_roman}/{year}",
        "needs_purpose": "on",
        "active": "on",
        "position_1": "village_secretary",
        "action_1": "initial",
        "position_2": "village_head",
        "action_2": "sign",
        "position_3": "camat",
        "action_3": "acknowledge",
    }
    return {**values, **changes}


def test_the_administrator_changes_a_types_chain_documents_and_validity(admin):
    answer = signed_in(admin).post("/letters/types/sktm/", type_form())

    assert answer.status_code == 302
    letter_type = LetterType.objects.get(code="sktm")
    assert letter_type.validity_days == 60 and [a["code"] for a in letter_type.attachments] == ["ktp", "kk"]
    chain_now = list(ChainStep.objects.filter(letter_type=letter_type).values_list("position", "action"))
    assert chain_now == [("village_secretary", "initial"), ("village_head", "sign"), ("camat", "acknowledge")]


def test_a_bad_template_or_chain_is_told_next_to_its_field_and_nothing_changes(admin):
    client = signed_in(admin)
    answer = client.post(
        "/letters/types/sktm/",
        type_form(
            body_template="Nama {{ resident.shoe_size }}", position_2="village_secretary", number_pattern="{year}"
        ),
    )
    assert answer.status_code == 422
    text = answer.content.decode()
    assert 'data-error-for="body_template"' in text and "resident.shoe_size" in text
    assert 'data-error-for="number_pattern"' in text
    assert LetterType.objects.get(code="sktm").validity_days == 90


def test_the_live_preview_fills_the_template_with_example_data(admin):
    client = signed_in(admin)

    preview = client.post(
        "/letters/types/sktm/preview/",
        type_form(body_template="Yang bernama {{ resident.name }} dari {{ village.name }}."),
        headers={"HX-Request": "true"},
    )

    text = preview.content.decode()
    assert preview.status_code == 200 and 'id="type-preview"' in text
    assert "Yang bernama SITI AMINAH dari Bakungan." in text and "/001/" not in text and "/007/" in text
    broken = client.post("/letters/types/sktm/preview/", type_form(body_template="{{ resident.nope }}"))
    assert "resident.nope" in broken.content.decode()


def test_the_preview_pdf_renders_the_unsaved_template(admin):
    answer = signed_in(admin).post("/letters/types/sktm/preview.pdf", type_form())
    assert answer.status_code == 200 and answer["Content-Type"] == "application/pdf"
    assert answer.content.startswith(b"%PDF")


# ---------------------------------------------------------------- signing keys


def test_an_official_sees_their_key_and_others_have_no_key_page(people):
    page = signed_in(people["village_head"]).get("/letters/signing-key/").content.decode()
    assert 'data-kind="local"' in page and "Sugiono" in page
    keyless = official("village_secretary", village=SARONGAN, key=False)
    assert 'id="no-key"' in signed_in(keyless).get("/letters/signing-key/").content.decode()
    nobody = staff("pantau", "village_oversight", village=SARONGAN)
    assert signed_in(nobody).get("/letters/signing-key/").status_code == 403


def test_a_bsre_certificate_file_with_a_wrong_password_is_refused_in_words(people):
    from smartkampung.letters.tests.pki_fixtures import bsre_pkcs12

    client = signed_in(people["village_head"])
    upload = __import__("io").BytesIO(bsre_pkcs12("benar-sekali"))
    upload.name = "sertifikat.p12"

    answer = client.post("/letters/signing-key/", {"kind": "pkcs12", "file": upload, "password": "salah-sekali"})

    assert answer.status_code in (400, 422)
    assert 'class="errorbox"' in answer.content.decode()
    assert people["village_head"].signing_keys.get(active=True).kind == "local"


def test_the_gateway_is_offered_only_when_it_is_set_up(people, settings):
    settings.BSRE_GATEWAY_URL = ""
    assert 'id="gateway-form"' not in signed_in(people["village_head"]).get("/letters/signing-key/").content.decode()
    settings.BSRE_GATEWAY_URL = "http://127.0.0.1:9"
    client = signed_in(people["village_head"])
    assert 'id="gateway-form"' in client.get("/letters/signing-key/").content.decode()
    answer = client.post("/letters/signing-key/", {"kind": "gateway", "nik": "3510151708850001"})
    assert answer.status_code == 302
    assert people["village_head"].signing_keys.get(active=True).kind == "gateway"


def test_a_position_twice_in_a_chain_is_told_next_to_the_chain(admin):
    answer = signed_in(admin).post("/letters/types/sktm/", type_form(position_2="village_secretary"))
    assert answer.status_code == 422 and 'data-error-for="chain"' in answer.content.decode()
    assert ChainStep.objects.filter(letter_type__code="sktm").count() == 3


def test_a_letter_of_four_signers_reaches_the_camats_queue_and_the_camat_signs_it(people):
    camat = official("camat")
    letter = office_request(people["village_operator"], letter_type="usaha")
    for position in ("village_operator", "village_secretary", "village_head"):
        answer = signed_in(people[position]).post(f"/letters/{letter.code}/sign/", {"passphrase": PASSPHRASE})
        assert answer.status_code == 302

    client = signed_in(camat)
    assert letter.code in client.get("/letters/").content.decode()
    assert client.post(f"/letters/{letter.code}/sign/", {"passphrase": PASSPHRASE}).status_code == 302
    letter.refresh_from_db()
    assert letter.status == "signed" and letter.revisions.count() == 5


def test_a_gateway_that_is_down_is_told_in_words_and_the_letter_keeps_waiting(people, settings):
    import socket

    from smartkampung.letters.models import SigningKey

    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    settings.BSRE_GATEWAY_URL = f"http://127.0.0.1:{port}"
    settings.BSRE_GATEWAY_TIMEOUT_SECONDS = 2
    operator = people["village_operator"]
    SigningKey.objects.filter(user=operator).update(active=False)
    SigningKey.objects.create(user=operator, kind="gateway", gateway_nik="3510151708850001")
    letter = office_request(operator)

    answer = signed_in(operator).post(f"/letters/{letter.code}/sign/", {"passphrase": "rahasia-bsre"})

    assert answer.status_code == 503
    assert 'id="sign-errors"' in answer.content.decode() and "data-last-error" in answer.content.decode()
    letter.refresh_from_db()
    assert letter.status == "in_progress" and letter.current_step == 1 and letter.revisions.count() == 1
    assert letter.steps.get(order=1).last_error
