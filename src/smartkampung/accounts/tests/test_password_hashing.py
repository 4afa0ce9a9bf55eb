"""Passwords are hashed with Argon2 (argon2-cffi); an account whose stored hash is older (PBKDF2) is rehashed with
Argon2 the next time it signs in through the sign-in form, and a wrong password changes nothing.

The other tests hash with MD5 (conftest: hundreds of sign-ins); these use the project's own hashers."""

import pytest
from django.contrib.auth.hashers import make_password
from django.urls import reverse

from smartkampung import settings as project

PASSWORD = "Benar-Sekali-2026"


@pytest.fixture(autouse=True)
def production_hashers(settings):
    settings.PASSWORD_HASHERS = project.PASSWORD_HASHERS


@pytest.fixture
def clerk_with_old_hash(db, django_user_model):
    user = django_user_model.objects.create_user("operator.lama")
    user.password = make_password(PASSWORD, hasher="pbkdf2_sha256")
    user.save(update_fields=["password"])
    return user


def sign_in(client, password: str):
    return client.post(
        reverse("accounts:login"), {"username": "operator.lama", "password": password}, REMOTE_ADDR="10.1.2.3"
    )


def test_the_project_lists_argon2_first():
    assert project.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"


def test_an_old_pbkdf2_hash_becomes_argon2_at_the_next_sign_in(client, clerk_with_old_hash):
    assert clerk_with_old_hash.password.startswith("pbkdf2_sha256$")

    assert sign_in(client, PASSWORD).status_code == 302
    assert "_auth_user_id" in client.session

    clerk_with_old_hash.refresh_from_db()
    assert clerk_with_old_hash.password.startswith("argon2$")
    assert clerk_with_old_hash.check_password(PASSWORD)


def test_a_wrong_password_signs_nobody_in_and_upgrades_nothing(client, clerk_with_old_hash):
    before = clerk_with_old_hash.password

    assert sign_in(client, "Salah-Sekali-2026").status_code == 200
    assert "_auth_user_id" not in client.session

    clerk_with_old_hash.refresh_from_db()
    assert clerk_with_old_hash.password == before


def test_a_new_password_is_hashed_with_argon2(db, django_user_model):
    user = django_user_model.objects.create_user("operator.baru", password=PASSWORD)
    assert user.password.startswith("argon2$")

    user.set_password("Ganti-Lagi-2026")
    user.save(update_fields=["password"])
    user.refresh_from_db()
    assert user.password.startswith("argon2$") and user.check_password("Ganti-Lagi-2026")
