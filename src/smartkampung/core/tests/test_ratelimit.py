import threading

import pytest
from django.db import connection

from smartkampung.core.ratelimit import Limit, hit


@pytest.mark.django_db
def test_requests_past_the_limit_are_refused_until_the_window_turns():
    limits = (Limit(requests=3, seconds=60),)
    verdicts = [hit(scope="t", client="a", limits=limits, now=1_000_020).allowed for _ in range(4)]
    assert verdicts == [True, True, True, False]
    assert hit(scope="t", client="b", limits=limits, now=1_000_020).allowed
    assert hit(scope="t", client="a", limits=limits, now=1_000_080).allowed


@pytest.mark.django_db(transaction=True)
def test_concurrent_clients_cannot_slip_past_the_limit_together():
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises writers; the race is real on PostgreSQL")
    limits = (Limit(requests=10, seconds=3600),)
    barrier = threading.Barrier(8, timeout=60)
    allowed: list[bool] = []

    def worker() -> None:
        barrier.wait()
        try:
            for _ in range(5):
                allowed.append(hit(scope="race", client="same", limits=limits, now=7_200_000).allowed)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(allowed) == 40 and sum(allowed) == 10
