"""The letters API: staff see and act on their own villages' letters only (404 for others, 403 when it is not
their turn), every refusal in the one shape {"detail", "errors": [{"field", "message"}]}; citizens ask, follow,
download and verify without signing in."""

import io

import pytest
from django.test import Client

from smartkampung.letters.models import LetterRequest
from smartkampung.letters.tests.factories import (
    KK,
    NIK,
    PASSPHRASE,
    SARONGAN,
    broken_png,
    chain,
    files_for,
    office_request,
    official,
    online_form,
    resident,
    sign_through,
)
from smartkampung.population.identity import NOT_MATCHED

pytestmark = pytest.mark.usefixtures("regions")
STAFF, PUBLIC = "/api/v1/letters", "/api/v1/public"


@pytest.fixture
def people(db):
    resident()
    return chain()


def as_user(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def one_shape(answer, status: int) -> dict:
    assert answer.status_code == status, answer.content
    body = answer.json()
    assert isinstance(body["detail"], str) and body["detail"]
    assert all(set(error) == {"field", "message"} for error in body.get("errors", []))
    return body


def fields_of(body: dict) -> set[str]:
    return {error["field"] for error in body["errors"]}


# ---------------------------------------------------------------- staff


def test_staff_need_to_sign_in(db):
    assert Client().get(f"{STAFF}/queue").status_code == 401


def test_the_queue_and_the_requests_are_the_callers_own(people):
    letter = office_request(people["village_operator"])

    queue = as_user(people["village_operator"]).get(f"{STAFF}/queue").json()
    assert [x["code"] for x in queue] == [letter.code] and queue[0]["waiting_for"] == "village_operator"
    assert as_user(people["village_head"]).get(f"{STAFF}/queue").json() == []
    listed = as_user(people["village_head"]).get(f"{STAFF}/requests?status=in_progress").json()
    assert [x["code"] for x in listed] == [letter.code] and listed[0]["nik"] == NIK
    other = as_user(official("village_head", village=SARONGAN, key=False))
    assert other.get(f"{STAFF}/requests").json() == []
    one_shape(other.get(f"{STAFF}/requests/{letter.code}"), 404)
    one_shape(other.get(f"{STAFF}/requests/{letter.code}/pdf"), 404)
    detail = as_user(people["village_head"]).get(f"{STAFF}/requests/{letter.code}").json()
    assert [s["status"] for s in detail["steps"]] == ["waiting", "pending", "pending"]
    assert {a["requirement"] for a in detail["attachments"]} == {"ktp", "kk", "rt"} and detail["revisions"] == 1


def test_an_office_request_by_api_is_multipart_with_a_file_per_document(people):
    client = as_user(people["village_operator"])
    fields = {"letter_type": "sktm", "nik": NIK, "purpose": "berobat ke rumah sakit"}

    missing = one_shape(client.post(f"{STAFF}/requests", {**fields, **files_for(rt=None)}), 422)
    assert fields_of(missing) == {"attachment_rt"}
    broken = one_shape(client.post(f"{STAFF}/requests", {**fields, **files_for(kk=("kk.png", broken_png()))}), 422)
    assert fields_of(broken) == {"attachment_kk"}
    assert not LetterRequest.objects.exists()

    made = client.post(f"{STAFF}/requests", {**fields, **files_for()})

    assert made.status_code == 201 and made.json()["status"] == "in_progress"
    assert made.json()["name"] == "WARSIDI" and made.json()["channel"] == "office"


def test_signing_by_api_in_turn_and_refusals_in_one_shape(people):
    letter = office_request(people["village_operator"])
    url = f"{STAFF}/requests/{letter.code}"

    one_shape(as_user(people["village_head"]).post(f"{url}/sign", {"passphrase": PASSPHRASE}, "application/json"), 403)
    wrong = one_shape(
        as_user(people["village_operator"]).post(f"{url}/sign", {"passphrase": "salah-12345"}, "application/json"),
        422,
    )
    assert fields_of(wrong) == {"passphrase"}
    one_shape(as_user(people["village_operator"]).post(f"{url}/sign", {"pass": "x"}, "application/json"), 422)

    for position in ("village_operator", "village_secretary", "village_head"):
        answer = as_user(people[position]).post(f"{url}/sign", {"passphrase": PASSPHRASE}, "application/json")
        assert answer.status_code == 200, answer.content
    body = answer.json()
    assert body["status"] == "signed" and body["number"].startswith("400.12/001/")
    assert [s["status"] for s in body["steps"]] == ["signed"] * 3 and body["revisions"] == 4
    pdf = as_user(people["village_head"]).get(f"{url}/pdf")
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    one_shape(as_user(people["village_head"]).post(f"{url}/sign", {"passphrase": PASSPHRASE}, "application/json"), 409)


def test_rejecting_by_api_needs_a_reason(people):
    letter = office_request(people["village_operator"])
    client = as_user(people["village_operator"])
    url = f"{STAFF}/requests/{letter.code}/reject"

    assert fields_of(one_shape(client.post(url, {"reason": "x"}, "application/json"), 422)) == {"reason"}
    answer = client.post(url, {"reason": "Foto KK tidak terbaca."}, "application/json")
    assert answer.status_code == 200 and answer.json()["status"] == "rejected"


# ---------------------------------------------------------------- citizens


def test_the_offered_letters_name_their_documents(db):
    types = {t["code"]: t for t in Client().get(f"{PUBLIC}/letter-types").json()}
    assert {a["code"] for a in types["sktm"]["attachments"]} == {"ktp", "kk", "rt"}
    assert types["usaha"]["chain"][-1] == "camat"


def test_a_resident_asks_follows_and_downloads_by_api(people):
    client = Client()
    made = client.post(f"{PUBLIC}/letter-requests", {**online_form(), **files_for()})
    assert made.status_code == 201
    code = made.json()["code"]
    own = {"code": code, "nik": NIK, "kk_number": KK}

    status = client.post(f"{PUBLIC}/letter-requests/lookup", own, "application/json").json()
    assert status["status"] == "in_progress" and status["steps"][0]["status"] == "waiting"
    assert not status["may_download"]
    one_shape(client.post(f"{PUBLIC}/letter-requests/download", own, "application/json"), 409)

    sign_through(LetterRequest.objects.get(code=code), people)
    answer = client.post(f"{PUBLIC}/letter-requests/download", own, "application/json")
    assert answer.status_code == 200 and answer["Content-Disposition"] == f'attachment; filename="surat-{code}.pdf"'


def test_one_answer_for_a_wrong_kk_and_an_unknown_nik(people):
    client = Client()
    wrong = one_shape(
        client.post(f"{PUBLIC}/letter-requests", {**online_form(kk="3510150101109999"), **files_for()}), 404
    )
    unknown = one_shape(
        client.post(f"{PUBLIC}/letter-requests", {**online_form(nik="3510151708859999"), **files_for()}), 404
    )
    assert wrong["detail"] == unknown["detail"] and str(NOT_MATCHED) in wrong["detail"]
    letter = office_request(people["village_operator"])
    lookup = f"{PUBLIC}/letter-requests/lookup"
    bad_kk = one_shape(
        client.post(lookup, {"code": letter.code, "nik": NIK, "kk_number": "3510150101109999"}, "application/json"), 404
    )
    no_code = one_shape(
        client.post(lookup, {"code": "ZZZZZZZZZZ", "nik": NIK, "kk_number": KK}, "application/json"), 404
    )
    assert bad_kk["detail"] == no_code["detail"]


def test_the_public_verification_masks_the_resident(people):
    letter = sign_through(office_request(people["village_operator"]), people)

    body = Client().get(f"{PUBLIC}/letters/{letter.code}/verification").json()

    assert body["letter"]["resident_name"] == "W******" and body["letter"]["resident_nik"] == "351015******0001"
    assert [s["valid"] for s in body["signatures"]] == [True, True, True]
    one_shape(Client().get(f"{PUBLIC}/letters/NOSUCHCODE/verification"), 404)


def test_verifying_a_file_by_api(people):
    letter = sign_through(office_request(people["village_operator"]), people)
    final = io.BytesIO(bytes(letter.revisions.order_by("-number").first().pdf))
    final.name = "surat.pdf"

    verdict = Client().post(f"{PUBLIC}/letters/verify", {"file": final}).json()
    assert verdict["verdict"] == "authentic" and verdict["authentic"] and verdict["letter"]["number"] == letter.number

    not_pdf = io.BytesIO(b"GIF89a not a letter")
    not_pdf.name = "surat.pdf"
    answer = Client().post(f"{PUBLIC}/letters/verify", {"file": not_pdf}).json()
    assert answer["verdict"] == "unreadable" and not answer["authentic"] and answer["headline"]
    one_shape(Client().post(f"{PUBLIC}/letters/verify", {}), 422)
