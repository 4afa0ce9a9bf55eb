"""Each role starts where its work is. Core knows no roles: the apps register their start pages
(core.start), and the home page sends each person to the first that fits them."""

import pytest
from django.urls import reverse

from smartkampung.accounts.models import Role
from smartkampung.accounts.tests.factories import give_role
from smartkampung.core.start import start_page_for

BAKUNGAN, GLAGAH = "3510151002", "351015"

STARTS = [
    (Role.CHECKPOINT_OFFICER, {}, "checkpoints:home"),
    (Role.PUSKESMAS_STAFF, {"village": BAKUNGAN}, "health:today"),
    (Role.DISTRICT_STAFF, {"district": GLAGAH}, "dashboards:dashboard"),
    (Role.HEALTH_AGENCY, {}, "dashboards:dashboard"),
    (None, {}, "population:resident_list"),
]


@pytest.mark.parametrize(("role", "place", "start"), STARTS)
def test_the_home_page_sends_each_role_to_the_start_page_its_app_registered(
    client, regions, django_user_model, role, place, start
):
    user = django_user_model.objects.create_user(f"start.{role or 'none'}")
    if role:
        give_role(user, role, **place)
    client.force_login(user)

    assert client.get("/")["Location"] == reverse(start)


def test_every_app_with_a_start_page_registered_it(db, django_user_model):
    from smartkampung.core import start

    assert [p.url_name for p in sorted(start._pages.values(), key=lambda p: p.rank)] == [
        "checkpoints:home",
        "health:today",
        "dashboards:dashboard",
        "population:resident_list",
    ]
    assert start_page_for(django_user_model.objects.create_user("nobody")) == "population:resident_list"
