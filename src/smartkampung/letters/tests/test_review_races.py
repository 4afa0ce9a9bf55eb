"""A reviewer's races on PostgreSQL: the official whose turn it is signs in one tab and sends the request back in
another at the same moment; the final signature fails in one request while another letter is finished at once.
Whatever wins, nothing is half-written: no revision without its step, no number without its letter."""

import json
import threading

import pytest
from django.db import connection
from django.test import Client

from smartkampung.letters.models import LetterRequest, LetterRevision, LetterStep, NumberCounter
from smartkampung.letters.tests.officials import PASSPHRASE, chain, office_request, resident, sign_through

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.postgres_only,
    pytest.mark.usefixtures("regions"),
]

STAFF = "/api/v1/letters"


@pytest.fixture(autouse=True)
def on_postgres():
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises writers; the race is real on PostgreSQL")


@pytest.fixture
def people():
    from smartkampung.letters.defaults import load_letter_types
    from smartkampung.letters.models import ChainStep, LetterType

    load_letter_types(LetterType, ChainStep)  # a transactional test before this one may have flushed the migrated types
    resident()
    return chain()


def at_once(calls: list[tuple[object, str, dict]]) -> list[int]:
    """POST each (user, path, body) at the same moment, each from its own signed-in client."""
    barrier = threading.Barrier(len(calls), timeout=60)
    statuses: dict[int, int] = {}

    def one(i: int, user, path: str, body: dict) -> None:
        client = Client(REMOTE_ADDR=f"10.41.0.{i + 1}")
        client.force_login(user)
        client.raise_request_exception = False
        barrier.wait()
        try:
            statuses[i] = client.post(path, json.dumps(body), content_type="application/json").status_code
        finally:
            connection.close()

    threads = [threading.Thread(target=one, args=(i, *call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return [statuses.get(i, 0) for i in range(len(calls))]


def test_signing_and_sending_back_at_once_leaves_one_outcome_whole(people):
    operator = people["village_operator"]
    for _round in range(3):
        letter = office_request(operator)
        statuses = at_once(
            [
                (operator, f"{STAFF}/requests/{letter.code}/sign", {"passphrase": PASSPHRASE}),
                (operator, f"{STAFF}/requests/{letter.code}/reject", {"reason": "KK tidak terbaca jelas"}),
            ]
        )
        assert sorted(statuses) in ([200, 409], [200, 403]), statuses
        letter.refresh_from_db()
        first = LetterStep.objects.get(request=letter, order=1)
        revisions = LetterRevision.objects.filter(request=letter).count()
        if letter.status == LetterRequest.Status.REJECTED:
            assert first.status == "rejected" and revisions == 1 and first.signer_id is None
        else:
            assert letter.status == LetterRequest.Status.IN_PROGRESS and letter.current_step == 2
            assert first.status == "signed" and revisions == 2 and letter.rejection_reason == ""


def test_a_failed_final_signature_beside_a_good_one_leaves_no_gap_in_the_numbers(people):
    head = people["village_head"]
    letters = [sign_through(office_request(people["village_operator"]), people, upto=2) for _ in range(4)]
    calls = [
        (head, f"{STAFF}/requests/{x.code}/sign", {"passphrase": PASSPHRASE if i % 2 == 0 else "salah-sandi-99"})
        for i, x in enumerate(letters)
    ]
    statuses = at_once(calls)
    assert statuses == [200, 422, 200, 422]
    signed = LetterRequest.objects.filter(status="signed").order_by("sequence")
    assert [x.sequence for x in signed] == [1, 2]
    assert NumberCounter.objects.get().last == 2
    for failed in (letters[1], letters[3]):
        failed.refresh_from_db()
        assert failed.status == "in_progress" and failed.number == "" and failed.revisions.count() == 3
