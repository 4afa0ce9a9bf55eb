import pytest

from smartkampung.notifications import live
from smartkampung.notifications.tests.factories import PEOPLE, make_person


@pytest.fixture
def people(regions, django_user_model):
    return {name: make_person(django_user_model, name) for name in PEOPLE}


@pytest.fixture(autouse=True)
def no_listener_in_the_test_process(monkeypatch):
    # In-process tests work inside a transaction that is never committed, so NOTIFY never arrives;
    # they hand the hub its messages themselves. (A listener thread would also keep the test
    # database open past the session.) The real listener is tested with real servers.
    monkeypatch.setattr(live.hub, "_threads_started", True)
