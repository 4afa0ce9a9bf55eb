import pytest
from django.urls import reverse


@pytest.fixture
def clerk(db, django_user_model):
    return django_user_model.objects.create_user("operator.desa", password="Benar-Sekali-2026")


def sign_in(client, password: str, username: str = "operator.desa"):
    return client.post(reverse("accounts:login"), {"username": username, "password": password}, REMOTE_ADDR="10.1.2.3")


def test_the_right_password_signs_in(client, clerk):
    assert sign_in(client, "Benar-Sekali-2026").status_code == 302


def test_five_wrong_passwords_pause_sign_in_even_with_the_right_one(client, clerk):
    for _ in range(5):
        assert sign_in(client, "salah").status_code in (200, 429)
    locked = sign_in(client, "Benar-Sekali-2026")

    assert locked.status_code == 429
    assert "15" in locked.content.decode()
    assert "_auth_user_id" not in client.session


def test_a_lockout_is_per_account_and_address(client, clerk, django_user_model):
    django_user_model.objects.create_user("operator.lain", password="Benar-Juga-2026")
    for _ in range(5):
        sign_in(client, "salah")

    assert sign_in(client, "Benar-Juga-2026", username="operator.lain").status_code == 302
