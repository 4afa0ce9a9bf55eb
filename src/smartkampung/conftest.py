"""Fixtures shared by every app's tests."""

import pytest

from smartkampung.health.services import load_puskesmas
from smartkampung.regions.models import Village
from smartkampung.regions.services import load_regions


def load_reference_data() -> None:
    load_regions(regency_code="3510")
    load_puskesmas(regency_code="3510")


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    # The reference data is the same for every test: load it once per test database.
    with django_db_blocker.unblock():
        load_reference_data()


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
