"""Letters finally signed at the same moment, against PostgreSQL with real concurrent requests: every letter gets
its own number, with no gap and no duplicate; one step signed twice at once is signed once."""

import json
import threading

import pytest
from django.db import connection
from django.test import Client

from smartkampung.letters.models import LetterRequest, LetterRevision
from smartkampung.letters.tests.officials import PASSPHRASE, chain, office_request, resident, sign_through

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.postgres_only,
    pytest.mark.usefixtures("regions"),
]


@pytest.fixture(autouse=True)
def on_postgres():
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises writers; the race is real on PostgreSQL")


def at_once(user, paths: list[str]) -> list[int]:
    """POST the passphrase to every path at the same moment, each from its own signed-in client."""
    barrier = threading.Barrier(len(paths), timeout=60)
    statuses: dict[int, int] = {}

    def one(i: int, path: str) -> None:
        client = Client(REMOTE_ADDR=f"10.40.0.{i + 1}")
        client.force_login(user)
        body = json.dumps({"passphrase": PASSPHRASE})
        barrier.wait()
        try:
            statuses[i] = client.post(path, body, content_type="application/json").status_code
        finally:
            connection.close()

    threads = [threading.Thread(target=one, args=(i, p)) for i, p in enumerate(paths)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return [statuses.get(i, 0) for i in range(len(paths))]


def test_letters_signed_at_once_get_consecutive_numbers_without_gaps_or_duplicates():
    resident()
    people = chain()
    letters = [sign_through(office_request(people["village_operator"]), people, upto=2) for _ in range(6)]

    statuses = at_once(people["village_head"], [f"/api/v1/letters/requests/{x.code}/sign" for x in letters])

    assert statuses == [200] * 6
    signed = LetterRequest.objects.filter(status="signed")
    assert sorted(signed.values_list("sequence", flat=True)) == [1, 2, 3, 4, 5, 6]
    assert len(set(signed.values_list("number", flat=True))) == 6


def test_one_step_signed_twice_at_once_is_signed_once():
    resident()
    people = chain()
    letter = office_request(people["village_operator"])

    statuses = at_once(people["village_operator"], [f"/api/v1/letters/requests/{letter.code}/sign"] * 4)

    assert sorted(statuses) == [200, 409, 409, 409]
    assert LetterRevision.objects.filter(request=letter).count() == 2
    assert LetterRequest.objects.get(pk=letter.pk).current_step == 2
