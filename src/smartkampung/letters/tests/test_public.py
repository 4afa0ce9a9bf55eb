"""The citizens' pages of letters: asking for a letter from a phone (NIK with the KK number as second factor, one
answer for unknown and wrong, documents checked before anything is written), following it with the code, NIK and
KK number and downloading it once signed, and verifying a letter by its code or by uploading the file."""

import pytest
from django.test import Client

from smartkampung.letters.models import LetterAttachment, LetterRequest
from smartkampung.letters.tests.factories import (
    KK,
    NIK,
    chain,
    exe_named_jpg,
    files_for,
    office_request,
    online_form,
    resident,
    sign_through,
)
from smartkampung.population.identity import NOT_MATCHED

pytestmark = pytest.mark.usefixtures("regions")


@pytest.fixture
def people(db):
    resident()
    return chain()


def ask(client: Client, letter_type: str = "sktm", files: dict | None = None, **changes):
    return client.post(
        "/letters/request/", {**online_form(letter_type, **changes), **(files or files_for(letter_type))}
    )


def own(code: str, *, nik: str = NIK, kk: str = KK) -> dict:
    return {"code": code, "nik": nik, "kk_number": kk}


# ---------------------------------------------------------------- asking


def test_the_request_page_lists_the_offered_letters_with_their_documents(db):
    page = Client().get("/letters/request/").content.decode()
    assert "Surat Keterangan Tidak Mampu" in page and "Surat pengantar RT/RW" in page
    form = Client().get("/letters/request/?letter_type=sktm").content.decode()
    assert 'name="attachment_rt"' in form and 'enctype="multipart/form-data"' in form
    inputs = Client().get("/letters/request/?letter_type=kelahiran", headers={"HX-Request": "true"}).content.decode()
    assert 'name="attachment_bidan"' in inputs and "<html" not in inputs


def test_a_resident_asks_from_a_phone_and_the_request_waits_in_the_first_officials_queue(people):
    answer = ask(Client())

    assert answer.status_code == 201
    letter = LetterRequest.objects.get()
    text = answer.content.decode()
    assert f'data-code="{letter.code}"' in text and f"/letters/status/?code={letter.code}" in text
    assert letter.channel == "online" and letter.phone == "+6281234567890" and letter.attachments.count() == 3
    operator = Client()
    operator.force_login(people["village_operator"])
    assert letter.code in operator.get("/letters/").content.decode()


def test_a_wrong_kk_number_gets_the_same_answer_as_an_unknown_nik_and_nothing_is_written(people):
    wrong = ask(Client(), kk="3510150101109999")
    unknown = ask(Client(), nik="3510151708859999")

    assert wrong.status_code == unknown.status_code == 404
    assert str(NOT_MATCHED) in wrong.content.decode() and str(NOT_MATCHED) in unknown.content.decode()
    assert not LetterRequest.objects.exists() and not LetterAttachment.objects.exists()


def test_a_program_sent_as_a_photo_is_refused_and_nothing_is_written(people):
    answer = ask(Client(), files=files_for(kk=("kk.jpg", exe_named_jpg())))
    assert answer.status_code == 422
    assert 'data-error-for="attachment_kk"' in answer.content.decode()
    assert not LetterRequest.objects.exists() and not LetterAttachment.objects.exists()


def test_bad_numbers_are_told_next_to_their_fields(people):
    answer = ask(Client(), nik="123", kk="12", phone="12")
    text = answer.content.decode()
    assert answer.status_code == 422
    assert 'data-error-for="nik"' in text and 'data-error-for="kk_number"' in text and 'data-error-for="phone"' in text


# ---------------------------------------------------------------- following and downloading


def test_the_status_needs_the_code_with_the_nik_and_the_kk_number(people):
    letter = office_request(people["village_operator"])
    client = Client()

    assert client.post("/letters/status/", {"code": letter.code}).status_code == 422
    wrong_kk = client.post("/letters/status/", own(letter.code, kk="3510150101109999"))
    unknown = client.post("/letters/status/", own("ZZZZZZZZZZ"))
    assert wrong_kk.status_code == unknown.status_code == 404
    assert "WARSIDI" not in wrong_kk.content.decode()
    found = client.post("/letters/status/", own(letter.code.lower()))
    text = found.content.decode()
    assert found.status_code == 200 and 'id="own-letter" data-status="in_progress"' in text
    assert "Operator Desa Bakungan" in text or "Operator Kelurahan Bakungan" in text
    assert "Dewi" not in text  # the officials' titles, never their names


def test_a_rejected_request_shows_its_reason(people):
    from smartkampung.letters import services

    letter = office_request(people["village_operator"])
    services.reject_letter(user=people["village_operator"], code=letter.code, reason="Foto KTP buram, kirim ulang.")

    text = Client().post("/letters/status/", own(letter.code)).content.decode()
    assert 'id="own-rejection"' in text and "Foto KTP buram, kirim ulang." in text


def test_the_letter_is_downloaded_only_when_signed_and_only_with_nik_and_kk(people):
    letter = office_request(people["village_operator"])
    client = Client()

    assert client.post("/letters/status/download/", own(letter.code)).status_code == 409
    sign_through(letter, people)
    assert client.post("/letters/status/download/", own(letter.code, kk="3510150101109999")).status_code == 404
    page = client.post("/letters/status/", own(letter.code)).content.decode()
    assert 'id="download-form"' in page

    answer = client.post("/letters/status/download/", own(letter.code))

    assert answer.status_code == 200 and answer["Content-Type"] == "application/pdf"
    assert answer["Content-Disposition"] == f'attachment; filename="surat-{letter.code}.pdf"'
    assert answer.content == bytes(letter.revisions.order_by("-number").first().pdf)


def test_guessing_codes_is_stopped_after_a_few_tries(people, settings):
    client = Client()
    answers = [client.post("/letters/status/", own("ZZZZZZZZZZ")).status_code for _ in range(8)]
    assert answers[0] == 404 and answers[-1] == 429


# ---------------------------------------------------------------- verification


def test_the_verification_page_shows_a_signed_letter_with_the_resident_masked(people):
    letter = sign_through(office_request(people["village_operator"]), people)

    page = Client().get(f"/verify/{letter.code}")

    text = page.content.decode()
    assert page.status_code == 200 and letter.number in text
    assert "WARSIDI" not in text and NIK not in text
    assert 'id="masked-name">W******<' in text and "351015******0001" in text
    assert text.count('data-state="valid"') == 3
    assert "Sugiono" in text  # the officials sign by name


def test_a_letter_still_being_signed_says_so(people):
    letter = sign_through(office_request(people["village_operator"]), people, upto=1)
    text = Client().get(f"/verify/{letter.code}").content.decode()
    assert 'id="verification" data-status="in_progress"' in text
    assert 'data-state="valid"' in text and 'data-state="waiting"' in text and 'data-state="pending"' in text


def test_an_unknown_code_is_a_page_in_words(db):
    answer = Client().get("/verify/NOSUCHCODE")
    assert answer.status_code == 404 and 'id="verification-unknown"' in answer.content.decode()


def upload(data: bytes, name: str = "surat.pdf"):
    import io

    handle = io.BytesIO(data)
    handle.name = name
    return Client().post("/verify/", {"file": handle})


def test_an_upload_that_is_not_a_pdf_is_told_in_words(db):
    answer = upload(b"MZ this is a program", "surat.pdf")
    assert answer.status_code == 200 and 'data-verdict="unreadable"' in answer.content.decode()
    broken = upload(b"%PDF-1.7\n this is not really a pdf")
    assert broken.status_code == 200 and 'data-verdict="unreadable"' in broken.content.decode()


def test_an_upload_larger_than_the_limit_is_not_read(db, settings):
    settings.LETTERS_VERIFY_MAX_BYTES = 100
    answer = upload(b"%PDF-1.7\n" + b"0" * 200)
    assert 'data-verdict="too_large"' in answer.content.decode()


def test_the_final_letter_is_authentic_an_earlier_version_is_not_and_an_edited_copy_is_detected(people):
    letter = sign_through(office_request(people["village_operator"]), people)
    revisions = list(letter.revisions.order_by("number"))
    final = bytes(revisions[-1].pdf)

    authentic = upload(final).content.decode()
    assert 'data-verdict="authentic"' in authentic and letter.number in authentic and "WARSIDI" not in authentic

    assert 'data-verdict="earlier"' in upload(bytes(revisions[1].pdf)).content.decode()

    edited = bytearray(final)
    at = final.index(b"WARSIDI") if b"WARSIDI" in final else len(final) // 3
    edited[at] = ord("X") if edited[at] != ord("X") else ord("Y")
    answer = upload(bytes(edited)).content.decode()
    assert 'data-verdict="modified"' in answer or 'data-verdict="unreadable"' in answer
    assert 'class="verdict bad"' in answer


def test_a_validly_signed_pdf_of_someone_else_is_not_a_letter_of_this_deployment(db):
    from smartkampung.letters.tests.pki_fixtures import signed_letter

    answer = upload(signed_letter(code="ZZ99-ZZ99-ZZ99")).content.decode()

    assert 'data-verdict="foreign"' in answer and 'class="verdict bad"' in answer


def test_too_many_online_requests_from_one_address_are_refused_for_a_while(people, settings):
    from smartkampung.letters.views_public import REQUEST_LIMITS

    client = Client()
    answers = [ask(client, kk="3510150101109999").status_code for _ in range(REQUEST_LIMITS[0].requests + 1)]

    assert set(answers[:-1]) == {404} and answers[-1] == 429
    assert int(ask(client)["Retry-After"]) > 0
    assert not LetterRequest.objects.exists()


def test_odd_input_gets_an_answer_in_words_never_a_server_error(people):
    client = Client()
    answers = [
        client.post("/letters/request/", {"letter_type": "nothing", "nik": "x" * 500}),
        client.get("/letters/request/?letter_type=%00%ff"),
        client.post("/letters/status/", {"code": "\x00", "nik": "", "kk_number": ""}),
        client.post("/letters/status/download/", {}),
        client.get("/verify/" + "A" * 3000),
        client.post("/verify/", {}),
        client.post("/api/v1/public/letter-requests", {"letter_type": "sktm"}),
        client.post("/api/v1/public/letter-requests/lookup", "[]", "application/json"),
        client.get("/api/v1/public/letters/%20/verification"),
    ]
    assert all(answer.status_code < 500 for answer in answers), [a.status_code for a in answers]
