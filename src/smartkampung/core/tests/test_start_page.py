"""Each role starts where its work is. Core knows no roles: the apps register their start pages
(core.start), and the home page sends each person to the first that fits them; an account no page fits
(no role yet) is told so, and whom to ask, instead of landing on an empty register."""

import pytest
from django.urls import reverse

from smartkampung.accounts.models import Role
from smartkampung.accounts.tests.factories import give_role
from smartkampung.core.start import start_page_for

BAKUNGAN, GLAGAH = "3510151002", "351015"

STARTS = [
    (Role.CHECKPOINT_OFFICER, {}, "checkpoints:home"),
    (Role.PUSKESMAS_STAFF, {"village": BAKUNGAN}, "health:today"),
    (Role.VILLAGE_OPERATOR, {"village": BAKUNGAN}, "dashboards:dashboard"),
    (Role.VILLAGE_OVERSIGHT, {"village": BAKUNGAN}, "dashboards:dashboard"),
    (Role.DISTRICT_STAFF, {"district": GLAGAH}, "dashboards:dashboard"),
    (Role.HEALTH_AGENCY, {}, "dashboards:dashboard"),
    (Role.REGENCY_ADMIN, {}, "dashboards:dashboard"),
    (Role.TOURISM_AGENCY, {}, "dashboards:dashboard"),
    (Role.SOCIAL_AGENCY, {}, "aid:home"),
]


def _user(django_user_model, role, place):
    user = django_user_model.objects.create_user(f"start.{role or 'none'}")
    if role:
        give_role(user, role, **place)
    return user


@pytest.mark.parametrize(("role", "place", "start"), STARTS)
def test_the_home_page_sends_each_role_to_the_start_page_its_app_registered(
    client, regions, django_user_model, role, place, start
):
    client.force_login(_user(django_user_model, role, place))

    response = client.get("/")

    assert response.status_code == 302
    assert response["Location"] == reverse(start)
    assert client.get(response["Location"], follow=True).status_code == 200


def test_an_account_without_a_role_is_told_to_ask_for_one_instead_of_landing_on_an_empty_register(
    client, regions, django_user_model
):
    client.force_login(_user(django_user_model, None, {}))

    response = client.get("/")

    assert response.status_code == 200
    assert b'id="no-role"' in response.content
    # Nothing to offer: no menu at all, only signing out and the language.
    assert b"data-menu" not in response.content
    assert reverse("accounts:logout").encode() in response.content


def test_every_app_with_a_start_page_registered_it(db, django_user_model):
    from smartkampung.core import start

    assert [p.url_name for p in sorted(start._pages.values(), key=lambda p: p.rank)] == [
        "checkpoints:home",
        "health:today",
        "letters:home",
        "dashboards:dashboard",
        "aid:home",
        "population:resident_list",
        "tourism:home",
    ]
    assert start_page_for(django_user_model.objects.create_user("nobody")) is None
