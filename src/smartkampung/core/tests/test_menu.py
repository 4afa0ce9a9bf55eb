"""The menu offers each role what it may use, and nothing else: every link in it opens (no refusal, no
missing page), and a role sees no link to a page that would refuse it or show it nothing of its own."""

from html.parser import HTMLParser

import pytest
from django.urls import reverse

from smartkampung.accounts.models import Role
from smartkampung.accounts.tests.factories import give_role
from smartkampung.checkpoints.services import seed_demo_checkpoints

BAKUNGAN, GLAGAH = "3510151002", "351015"

VILLAGE = ["dashboards:dashboard", "notifications:notification_list", "population:resident_list"]
HEALTH_RECORDS = ["health:case_list", "isolation:staff_house_list"]

MENUS = [
    (Role.CHECKPOINT_OFFICER, {}, ["checkpoints:home", "checkpoints:arrival_list"]),
    (
        Role.PUSKESMAS_STAFF,
        {"village": BAKUNGAN},
        [*VILLAGE, "checkpoints:arrival_list", "health:today", *HEALTH_RECORDS, "health:report"],
    ),
    (
        Role.VILLAGE_OPERATOR,
        {"village": BAKUNGAN},
        [*VILLAGE, "population:import_list", "checkpoints:arrival_list", *HEALTH_RECORDS, "aid:home", "letters:home"],
    ),
    (
        Role.VILLAGE_OVERSIGHT,
        {"village": BAKUNGAN},
        [*VILLAGE, "checkpoints:arrival_list", *HEALTH_RECORDS, "aid:home"],
    ),
    (
        Role.DISTRICT_STAFF,
        {"district": GLAGAH},
        [*VILLAGE, "checkpoints:arrival_list", *HEALTH_RECORDS, "aid:home", "letters:home"],
    ),
    # The officials who sign letters start at their queue; they read their village's (kecamatan's) register.
    (
        Role.VILLAGE_HEAD,
        {"village": BAKUNGAN},
        [*VILLAGE, "checkpoints:arrival_list", *HEALTH_RECORDS, "aid:home", "letters:home"],
    ),
    (
        Role.CAMAT,
        {"district": GLAGAH},
        [*VILLAGE, "checkpoints:arrival_list", *HEALTH_RECORDS, "aid:home", "letters:home"],
    ),
    (
        Role.HEALTH_AGENCY,
        {},
        [
            "dashboards:dashboard",
            "notifications:notification_list",
            "checkpoints:arrival_list",
            "checkpoints:rules",
            "health:today",
            *HEALTH_RECORDS,
            "health:report_overview",
        ],
    ),
    (
        Role.REGENCY_ADMIN,
        {},
        [
            *VILLAGE,
            "population:import_list",
            "checkpoints:home",
            "checkpoints:arrival_list",
            "health:today",
            *HEALTH_RECORDS,
            "health:report_overview",
            "aid:home",
            "letters:home",
            "tourism:home",
            "accounts:user_list",
            "audit:audit_list",
            "privacy:subject",
        ],
    ),
    # The tourism agency's dashboard is the regency's visitor figures (counts only); its places and the tourism
    # notifications of every village: nothing else of anyone's. (Area staff see Tourism once a place is in their area.)
    (Role.TOURISM_AGENCY, {}, ["dashboards:dashboard", "notifications:notification_list", "tourism:home"]),
    (Role.SOCIAL_AGENCY, {}, ["aid:home"]),
]


class _MenuLinks(HTMLParser):
    """The hrefs inside <nav id="site-nav">."""

    def __init__(self):
        super().__init__()
        self.depth, self.hrefs = 0, []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "nav" and attrs.get("id") == "site-nav":
            self.depth = 1
        elif self.depth and tag == "nav":
            self.depth += 1
        elif self.depth and tag == "a":
            self.hrefs.append(attrs["href"])

    def handle_endtag(self, tag):
        if self.depth and tag == "nav":
            self.depth -= 1


def menu_of(html: str) -> list[str]:
    parser = _MenuLinks()
    parser.feed(html)
    return parser.hrefs


@pytest.fixture
def checkpoints(regions):
    # The menu's "Checkpoint" depends on there being an active checkpoint (the administrator may work any).
    return seed_demo_checkpoints()


@pytest.mark.parametrize(("role", "place", "menu"), MENUS, ids=[str(r[0].value) for r in MENUS])
def test_each_role_starts_on_a_page_that_opens_and_every_link_in_its_menu_opens_too(
    client, checkpoints, django_user_model, role, place, menu
):
    user = django_user_model.objects.create_user(f"menu.{role.value}")
    give_role(user, role, **place)
    client.force_login(user)

    start = client.get("/", follow=True)
    assert start.status_code == 200
    offered = menu_of(start.content.decode())

    assert sorted(offered) == sorted(reverse(name) for name in menu)
    for href in offered:
        response = client.get(href, follow=True)
        assert response.status_code == 200, href
        assert reverse("accounts:login") not in response.request["PATH_INFO"], href


def test_the_menu_folds_behind_a_button_on_a_phone_and_marks_the_page_the_user_is_on(
    client, regions, django_user_model
):
    user = django_user_model.objects.create_user("menu.structure")
    give_role(user, Role.VILLAGE_OPERATOR, village=BAKUNGAN)
    client.force_login(user)

    html = client.get(reverse("population:resident_list")).content.decode()

    # A <details> whose <summary> is the button (works by keyboard, needs no script), holding the menu.
    assert '<details class="menu" data-menu>' in html
    assert html.index("<summary>") < html.index('id="site-nav"') < html.index("</details>")
    current = html[html.index('id="site-nav"') : html.index("</nav>")]
    assert current.count('aria-current="page"') == 1
    assert f'<a href="{reverse("population:resident_list")}" aria-current="page">' in current


def test_signed_out_pages_have_no_menu(client, db):
    html = client.get(reverse("accounts:login")).content.decode()

    assert "data-menu" not in html
    assert menu_of(html) == []
