"""The regency administrator manages accounts and roles in the web pages."""

import pytest

from smartkampung.accounts.models import RoleAssignment

pytestmark = pytest.mark.usefixtures("regions")


def test_the_administrator_makes_an_account_and_gives_it_a_village_role(admin_api, django_user_model):
    made = admin_api.post(
        "/accounts/users/new/",
        {"username": "operator.kemiren", "full_name": "Siti Operator", "password": "Kemiren-Osing-2026"},
    )
    user = django_user_model.objects.get(username="operator.kemiren")
    assert made.status_code == 302 and user.check_password("Kemiren-Osing-2026")
    given = admin_api.post(f"/accounts/users/{user.pk}/", {"role": "village_operator", "village": "3510152006"})
    assert given.status_code == 302
    assert list(RoleAssignment.objects.filter(user=user).values_list("role", "village_id")) == [
        ("village_operator", "3510152006")
    ]
    assert "operator.kemiren" in admin_api.get("/accounts/users/").content.decode()


def test_a_role_without_its_place_or_a_weak_password_is_refused_in_words(admin_api, django_user_model):
    weak = admin_api.post("/accounts/users/new/", {"username": "x.y", "full_name": "X", "password": "1234567890"})
    assert weak.status_code == 200 and not django_user_model.objects.filter(username="x.y").exists()
    user = django_user_model.objects.create_user("camat.baru")
    response = admin_api.post(f"/accounts/users/{user.pk}/", {"role": "district_staff"})
    assert response.status_code == 200 and not RoleAssignment.objects.filter(user=user).exists()


def test_roles_are_taken_away_and_accounts_switched_off(admin_api, django_user_model):
    from smartkampung.accounts.services import assign_role

    user = django_user_model.objects.create_user("babinsa.lama")
    role = assign_role(user=user, role="village_oversight", village_code="3510151002", pillar="babinsa")
    admin_api.post(f"/accounts/users/{user.pk}/roles/{role.pk}/remove/")
    admin_api.post(f"/accounts/users/{user.pk}/active/", {"active": "0"})
    user.refresh_from_db()
    assert not RoleAssignment.objects.filter(user=user).exists() and not user.is_active


def test_nobody_else_manages_users(client, django_user_model):
    from smartkampung.accounts.services import assign_role

    camat = django_user_model.objects.create_user("camat.glagah")
    assign_role(user=camat, role="district_staff", district_code="351015")
    client.force_login(camat)
    for url in ("/accounts/users/", "/accounts/users/new/", f"/accounts/users/{camat.pk}/"):
        assert client.get(url).status_code == 403


def test_giving_a_role_without_choosing_one_gives_nothing(admin_api, django_user_model):
    user = django_user_model.objects.create_user("belum.berperan")
    response = admin_api.post(f"/accounts/users/{user.pk}/", {})
    assert response.status_code == 200 and not RoleAssignment.objects.filter(user=user).exists()


def test_puskesmas_staff_and_checkpoint_officers_are_bound_to_their_place(admin_api, django_user_model):
    from smartkampung.checkpoints.services import seed_demo_checkpoints
    from smartkampung.regions.models import Puskesmas

    ketapang = seed_demo_checkpoints()[0]
    paspan = Puskesmas.objects.get(name="Puskesmas Paspan")
    user = django_user_model.objects.create_user("nakes.paspan")
    unbound = admin_api.post(f"/accounts/users/{user.pk}/", {"role": "puskesmas_staff"})
    assert "Pilih Puskesmas" in unbound.content.decode() or "Choose the Puskesmas" in unbound.content.decode()
    admin_api.post(f"/accounts/users/{user.pk}/", {"role": "puskesmas_staff", "puskesmas": paspan.pk})
    admin_api.post(f"/accounts/users/{user.pk}/", {"role": "checkpoint_officer", "checkpoint": ketapang.pk})
    assert set(RoleAssignment.objects.filter(user=user).values_list("role", "puskesmas_id", "checkpoint_id")) == {
        ("puskesmas_staff", paspan.pk, None),
        ("checkpoint_officer", None, ketapang.pk),
    }
    page = admin_api.get(f"/accounts/users/{user.pk}/").content.decode()
    assert "Puskesmas Paspan" in page and ketapang.name in page


@pytest.mark.parametrize(
    "role, place",
    [
        ("puskesmas_staff", {}),
        ("checkpoint_officer", {}),
        ("puskesmas_staff", {"village_id": "3510151002"}),
        ("village_operator", {"checkpoint": "ketapang"}),
        ("regency_admin", {"puskesmas": "Puskesmas Paspan"}),
    ],
)
def test_the_database_refuses_a_role_whose_place_does_not_fit(django_user_model, role, place):
    from django.db import IntegrityError, transaction

    from smartkampung.checkpoints.models import Checkpoint
    from smartkampung.checkpoints.services import seed_demo_checkpoints
    from smartkampung.regions.models import Puskesmas

    seed_demo_checkpoints()
    if "checkpoint" in place:
        place = {"checkpoint": Checkpoint.objects.get(code=place["checkpoint"])}
    if "puskesmas" in place:
        place = {"puskesmas": Puskesmas.objects.get(name=place["puskesmas"])}
    user = django_user_model.objects.create_user("salah.tempat")
    with pytest.raises(IntegrityError), transaction.atomic():
        RoleAssignment.objects.create(user=user, role=role, **place)
