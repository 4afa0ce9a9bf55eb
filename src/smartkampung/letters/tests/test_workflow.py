"""A letter's way through its chain: requested at the office, signed by each official in turn, numbered only when
finally signed; rejected with a reason; refused to officials whose turn it is not; a failed signature leaves it
waiting with the earlier file."""

import datetime as dt
import json

import pytest
from django.utils import timezone

from smartkampung.audit.models import AuditEntry
from smartkampung.core.errors import Refused
from smartkampung.letters import services, validation
from smartkampung.letters.models import LetterRequest, LetterRevision, LetterStep, NumberingRule
from smartkampung.letters.selectors import queue_of, trust_roots
from smartkampung.letters.tests.officials import (
    BAKUNGAN,
    PASSPHRASE,
    SARONGAN,
    chain,
    office_request,
    official,
    resident,
    sign_through,
)
from smartkampung.notifications.models import Notification

pytestmark = pytest.mark.usefixtures("regions")


@pytest.fixture
def people(db):
    resident()
    return chain()


def test_an_office_request_is_prefilled_from_the_register_and_waits_for_the_first_official(people):
    letter = office_request(people["village_operator"])

    assert letter.status == "in_progress" and letter.current_step == 1
    assert letter.facts["resident.name"] == "WARSIDI" and letter.facts["village.name"] == "Bakungan"
    assert [s.position for s in letter.steps.all()] == ["village_operator", "village_secretary", "village_head"]
    assert list(queue_of(people["village_operator"])) == [letter]
    assert list(queue_of(people["village_head"])) == []
    assert letter.revisions.count() == 1 and letter.attachments.count() == 3
    # Taken at the office, the request is in the operator's hands already: no notification for the village.
    assert not Notification.objects.filter(subject_type="letter_request").exists()


def test_three_officials_sign_in_turn_and_only_the_final_signature_gives_a_number(people):
    letter = office_request(people["village_operator"])

    letter = sign_through(letter, people, upto=2)
    assert letter.number == "" and letter.current_step == 3
    assert list(queue_of(people["village_head"])) == [letter]

    letter = sign_through(letter, people)
    year = timezone.localtime().year
    assert letter.status == "signed" and letter.sequence == 1
    assert letter.number.startswith("400.12/001/3510151002/") and letter.number.endswith(f"/{year}")
    assert letter.revisions.count() == 4
    check = validation.check_pdf(bytes(letter.revisions.order_by("-number").first().pdf), trust_roots=trust_roots())
    assert [s.valid and s.intact and s.trusted and s.modification_ok for s in check.signatures] == [True] * 3
    assert AuditEntry.objects.filter(object_type="letter_signature", subject=letter.code).count() == 3
    # Moving from one official to the next tells nobody (each finds it in their queue); the end is told.
    assert list(Notification.objects.filter(subject_type="letter_request").values_list("kind", flat=True)) == [
        "letter_signed"
    ]


def test_a_chain_of_four_reaches_the_camat(db):
    resident()
    people = chain(camat=True)
    letter = office_request(people["village_operator"], letter_type="skck")

    letter = sign_through(letter, people, upto=3)
    assert list(queue_of(people["camat"])) == [letter] and letter.number == ""
    letter = sign_through(letter, people)

    assert letter.status == "signed"
    check = validation.check_pdf(bytes(letter.revisions.order_by("-number").first().pdf), trust_roots=trust_roots())
    assert len(check.signatures) == 4 and all(s.valid and s.modification_ok for s in check.signatures)


def test_an_official_whose_turn_it_is_not_is_refused(people):
    letter = office_request(people["village_operator"])

    with pytest.raises(Refused) as refused:
        services.sign_letter(user=people["village_head"], code=letter.code, passphrase=PASSPHRASE)

    assert refused.value.status == 403
    assert LetterRevision.objects.filter(request=letter).count() == 1


def test_another_villages_head_cannot_sign(people):
    letter = sign_through(office_request(people["village_operator"]), people, upto=2)
    stranger = official("village_head", village=SARONGAN)

    with pytest.raises(Refused) as refused:
        services.sign_letter(user=stranger, code=letter.code, passphrase=PASSPHRASE)

    assert refused.value.status == 403


def test_a_wrong_passphrase_leaves_the_letter_waiting_with_its_earlier_file_and_the_error_in_words(people):
    letter = sign_through(office_request(people["village_operator"]), people, upto=2)
    before = bytes(letter.revisions.order_by("-number").first().pdf)

    with pytest.raises(Refused) as refused:
        services.sign_letter(user=people["village_head"], code=letter.code, passphrase="not-the-passphrase")

    assert refused.value.status == 422 and refused.value.errors[0][0] == "passphrase"
    letter.refresh_from_db()
    assert letter.status == "in_progress" and letter.current_step == 3 and letter.number == ""
    assert bytes(letter.revisions.order_by("-number").first().pdf) == before
    step = letter.steps.get(order=3)
    assert step.status == "waiting" and step.last_error
    # The number was given back: the next letter signed takes 001.
    assert sign_through(letter, people).sequence == 1


def test_an_official_without_a_key_is_told_to_add_one(db):
    resident()
    people = chain()
    people["village_secretary"] = official("village_secretary", username="sekdes.nokey", key=False)
    letter = sign_through(office_request(people["village_operator"]), people, upto=1)

    with pytest.raises(Refused) as refused:
        services.sign_letter(user=people["village_secretary"], code=letter.code, passphrase=PASSPHRASE)

    assert refused.value.status == 409 and letter.steps.get(order=2).status == "waiting"


def test_a_rejection_ends_the_request_with_its_reason_and_tells_the_village(people):
    letter = sign_through(office_request(people["village_operator"]), people, upto=1)

    with pytest.raises(Refused):
        services.reject_letter(user=people["village_secretary"], code=letter.code, reason="")
    letter = services.reject_letter(user=people["village_secretary"], code=letter.code, reason="Foto KK tidak terbaca")

    assert letter.status == "rejected" and letter.current_step is None and letter.number == ""
    assert letter.steps.get(order=2).status == "rejected"
    rejected = Notification.objects.get(kind="letter_rejected", subject_id=letter.pk)
    assert rejected.summary["outcome"] == "Foto KK tidak terbaca"
    # The village's notifications reach its Puskesmas and the health agency too: never whose letter it is.
    assert "WARSIDI" not in str(rejected.summary) and "3510151708850001" not in str(rejected.summary)
    with pytest.raises(Refused) as refused:
        services.sign_letter(user=people["village_head"], code=letter.code, passphrase=PASSPHRASE)
    assert refused.value.status == 409


def test_a_nik_of_another_village_answers_as_an_unknown_one_at_the_office(people):
    resident(village=SARONGAN, nik="3510011708850009", kk="3510010101100009")

    with pytest.raises(Refused) as refused:
        office_request(people["village_operator"], nik="3510011708850009")

    assert refused.value.status == 404
    assert not LetterRequest.objects.exists()


def test_numbers_follow_the_villages_own_pattern_and_restart_each_year(people):
    NumberingRule.objects.create(village_id=BAKUNGAN, pattern="470/{sequence:04}/{district_code}/{year}")
    first = sign_through(office_request(people["village_operator"]), people)
    second = sign_through(office_request(people["village_operator"]), people)
    year = timezone.localtime().year

    assert (first.number, second.number) == (f"470/0001/351015/{year}", f"470/0002/351015/{year}")

    next_year = timezone.now() + dt.timedelta(days=366)
    letter = office_request(people["village_operator"])
    for step in letter.steps.order_by("order"):
        services.sign_letter(user=people[step.position], code=letter.code, passphrase=PASSPHRASE, now=next_year)
    letter.refresh_from_db()
    assert letter.sequence == 1 and letter.year == year + 1


def test_the_clock_runs_from_request_to_final_signature(people):
    letter = office_request(people["village_operator"])
    letter = sign_through(letter, people)

    assert letter.finished_at >= letter.requested_at
    waits = LetterStep.objects.filter(request=letter).values_list("ready_at", "signed_at")
    assert all(ready <= signed for ready, signed in waits)


def test_the_resident_is_told_on_their_phone_when_the_letter_is_signed_or_sent_back(people):
    from smartkampung.notifications.channels import webhook_body
    from smartkampung.notifications.models import Delivery
    from smartkampung.notifications.selectors import item

    signed = sign_through(office_request(people["village_operator"]), people)
    LetterRequest.objects.filter(pk=signed.pk).update(phone="+6281234567890")
    sent_back = office_request(people["village_operator"])
    LetterRequest.objects.filter(pk=sent_back.pk).update(phone="+6281234567891")
    services.reject_letter(user=people["village_operator"], code=sent_back.code, reason="Foto KTP buram")
    signed = sign_through(office_request(people["village_operator"]), people)  # no phone: nothing for the gateway

    bodies = {}
    for notification in Notification.objects.filter(subject_type="letter_request"):
        body = webhook_body(Delivery(pk=1), item(notification.pk), sent_at=timezone.now())
        bodies[notification.kind, notification.subject_id] = json.loads(body)
    told = [b["citizen"] for b in bodies.values() if "citizen" in b]
    assert [t["phone"] for t in told] == ["+6281234567891"]
    assert "Foto KTP buram" in told[0]["message"] and sent_back.code in told[0]["message"]
    # Only the resident's own number goes out, and only with these kinds: never the NIK.
    assert all("3510151708850001" not in json.dumps(b) for b in bodies.values())
