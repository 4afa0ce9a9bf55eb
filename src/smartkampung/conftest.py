"""Fixtures shared by every app's tests."""

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import pytest
from django.db import transaction

from smartkampung.regions.models import Village
from smartkampung.regions.services import load_puskesmas, load_regions


def load_reference_data() -> None:
    load_regions(regency_code="3510")
    load_puskesmas(regency_code="3510")
    # The default letter types come with a data migration; a transactional test's flush removes them.
    from smartkampung.letters.defaults import load_letter_types
    from smartkampung.letters.models import ChainStep, LetterType

    load_letter_types(LetterType, ChainStep)
    # The default tourism checklists come with a data migration too.
    from smartkampung.tourism.checklist import load_checklists
    from smartkampung.tourism.models import ChecklistItem

    load_checklists(ChecklistItem)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    # The reference data is the same for every test: load it once per test database.
    with django_db_blocker.unblock():
        load_reference_data()


def inside_one_rate_window(*, seconds_needed: float = 20) -> None:
    """Wait, where needed, for a fresh minute: the rate limits count in fixed windows of a minute
    (core.ratelimit), and a test that sends a limit's worth of requests and expects the next one refused must not
    straddle two windows (a slow CI run at hh:mm:58 did, and its last request was let through)."""
    if time.time() % 60 > 60 - seconds_needed:
        time.sleep(60.2 - time.time() % 60)


@contextmanager
def built_once(django_db_blocker, build: Callable[[], dict]) -> Iterator[dict]:
    """Rows that many tests of a module read, written once instead of once per test.

    They are written inside a transaction left open for the module's tests: each test's own
    transaction (pytest-django's `db`) nests in it as a savepoint and is rolled back after the test,
    so every test starts from exactly these rows, and the module's transaction is rolled back after
    its last test. Use it in a module-scoped fixture; the tests still ask for `db`.
    """
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        # As in Django's TestCase: durable blocks written by the code under test stay allowed inside.
        outer._from_testcase = True
        outer.__enter__()
        try:
            if not Village.objects.exists():  # a transactional test before us flushed them
                load_reference_data()
            built = build()
        except BaseException:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)
            raise
    try:
        yield built
    finally:
        with django_db_blocker.unblock():
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


@pytest.fixture
def regions(db):
    """The Kemendagri regions with Banyuwangi's villages and Puskesmas (reloaded if a transactional
    test flushed them)."""
    if not Village.objects.exists():
        load_reference_data()


@pytest.fixture
def admin(db, django_user_model):
    return django_user_model.objects.create_superuser("pemkab", "pemkab@example.org", "Rahasia-Pemkab-2026")


@pytest.fixture
def admin_api(client, admin):
    client.force_login(admin)
    return client


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    # Production hashing is deliberately slow; tests sign in hundreds of times.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def uploads_in_a_temporary_folder(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def fresh_reference_cache():
    # Each test has a database of its own making (rolled back after it): nothing read by an earlier test
    # may answer for it.
    from smartkampung.core import refcache
    from smartkampung.regions.selectors import clear_cache

    refcache.clear_all()
    clear_cache()
    yield
    refcache.clear_all()
    clear_cache()
