"""A resolution and a comparison of the lists at once, on a real database: the comparison reads the conflicts on
record and writes back their status, resolution and rows (`aid.conflicts.sync_conflicts`, under the lists' lock);
a resolution committed in between would be overwritten (the decision lost, the conflict open again). So a
resolution waits for a comparison under way, as comparisons wait for each other."""

import threading
import time

import pytest
from django.db import connection, transaction
from django.test import Client

from smartkampung.aid.conflicts import lock_lists
from smartkampung.aid.models import Conflict
from smartkampung.aid.tests.fixtures import make_double_listing, operator_of

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.postgres_only,
    pytest.mark.usefixtures("regions"),
]

HOME = "3510012001"  # Sarongan


@pytest.fixture(autouse=True)
def on_postgres():
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises writers; the race is real on PostgreSQL")


def test_a_resolution_waits_for_a_comparison_of_the_lists_under_way(django_user_model):
    conflict = make_double_listing(HOME)
    operator = operator_of(django_user_model, HOME, "operator.race")
    comparing, released, resolved = threading.Event(), {}, {}

    def compare() -> None:  # the lists' lock held as sync_conflicts holds it, for a moment
        try:
            with transaction.atomic():
                lock_lists()
                comparing.set()
                time.sleep(1.0)
                released["at"] = time.monotonic()
        finally:
            connection.close()

    def resolve() -> None:
        client = Client(raise_request_exception=False)
        client.force_login(operator)
        try:
            answer = client.post(
                f"/aid/conflicts/{conflict.pk}/resolve/",
                {"choice": f"withdraw-{conflict.second_id}", "reason": "tercantum dua kali"},
            )
            resolved.update(status=answer.status_code, at=time.monotonic())
        finally:
            connection.close()

    comparer = threading.Thread(target=compare)
    comparer.start()
    comparing.wait(5)
    resolver = threading.Thread(target=resolve)
    resolver.start()
    comparer.join()
    resolver.join()

    assert resolved["status"] == 302
    assert resolved["at"] >= released["at"]
    assert Conflict.objects.get(pk=conflict.pk).status == Conflict.Status.RESOLVED
