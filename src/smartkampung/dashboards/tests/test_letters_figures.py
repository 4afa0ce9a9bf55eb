"""The letters on the dashboards: how many were finished within an hour of the request and the median time, per
village and per official, within the villages whose letters the viewer reads; and each official's queue."""

import datetime as dt
import itertools
import re

import pytest
from django.utils import timezone

from smartkampung.accounts.models import Role
from smartkampung.accounts.tests.factories import give_role
from smartkampung.letters.models import LetterRequest, LetterStep, LetterType, Position
from smartkampung.population.tests.factories import make_household, make_resident

BAKUNGAN, SARONGAN = "3510151002", "3510012001"
GLAGAH = "351015"  # Bakungan's kecamatan (Sarongan's is Pesanggaran, 351001)
DASHBOARD, FRAGMENT, TILES = "/dashboard/", "/dashboard/letters/", "/dashboard/tiles/"
_codes = itertools.count(1)


def minutes(n: float) -> dt.timedelta:
    return dt.timedelta(minutes=n)


def user_with(django_user_model, username: str, role: str, *, district=None, village=None):
    user = django_user_model.objects.create_user(username)
    give_role(user, role, district=district, village=village)
    return user


def signed_letter(resident, village: str, *, finished_at: dt.datetime, steps: list[tuple]) -> LetterRequest:
    """A letter finally signed at `finished_at`; `steps` are (position, signer, name, minutes at the step), in
    order, the last ending at `finished_at` (the request was made when the first step began)."""
    requested_at = finished_at - minutes(sum(step[3] for step in steps))
    letter = LetterRequest.objects.create(
        code=f"T{next(_codes):07d}",
        letter_type=LetterType.objects.get(code="sktm"),
        village_id=village,
        resident=resident,
        channel=LetterRequest.Channel.OFFICE,
        status=LetterRequest.Status.SIGNED,
        requested_at=requested_at,
        finished_at=finished_at,
        number=f"400.12/{next(_codes):03d}",
        year=finished_at.year,
        sequence=next(_codes),
        current_step=None,
    )
    ready = requested_at
    for order, (position, signer, name, spent) in enumerate(steps, start=1):
        LetterStep.objects.create(
            request=letter,
            order=order,
            position=position,
            action="sign",
            status=LetterStep.Status.SIGNED,
            ready_at=ready,
            signer=signer,
            signer_name=name,
            signer_title=position,
            signed_at=ready + minutes(spent),
        )
        ready += minutes(spent)
    return letter


def waiting_letter(resident, village: str, *, position: str) -> LetterRequest:
    """A letter in progress, waiting at its first step for the official holding `position`."""
    letter = LetterRequest.objects.create(
        code=f"T{next(_codes):07d}",
        letter_type=LetterType.objects.get(code="sktm"),
        village_id=village,
        resident=resident,
        channel=LetterRequest.Channel.ONLINE,
        status=LetterRequest.Status.IN_PROGRESS,
        current_step=1,
    )
    LetterStep.objects.create(
        request=letter,
        order=1,
        position=position,
        action="sign",
        status=LetterStep.Status.WAITING,
        ready_at=letter.requested_at,
    )
    return letter


@pytest.fixture
def people(regions, django_user_model):
    return {
        "operator": user_with(django_user_model, "operator.bakungan", Role.VILLAGE_OPERATOR, village=BAKUNGAN),
        "head": user_with(django_user_model, "lurah.bakungan", Role.VILLAGE_HEAD, village=BAKUNGAN),
        "secretary": user_with(django_user_model, "sekdes.bakungan", Role.VILLAGE_SECRETARY, village=BAKUNGAN),
        "oversight": user_with(django_user_model, "babinsa.bakungan", Role.VILLAGE_OVERSIGHT, village=BAKUNGAN),
        "sarongan_head": user_with(django_user_model, "kades.sarongan", Role.VILLAGE_HEAD, village=SARONGAN),
        "camat": user_with(django_user_model, "camat.glagah", Role.CAMAT, district=GLAGAH),
    }


@pytest.fixture
def letters(people):
    """Bakungan: three letters in the last 30 days (30 minutes today; 45 and 90 minutes three days ago: two within
    the hour, median 45) and one 40 days ago; the operator verifies each, the lurah signs. Sarongan: two letters
    (20 and 200 minutes: median 110) signed by its kepala desa. One letter of Bakungan waits for the lurah."""
    now = timezone.now()
    make_household(kk_number="3510150101100001", village_code=BAKUNGAN)
    warsidi = make_resident(nik="3510151708850001", kk_number="3510150101100001", name="Warsidi")
    make_household()  # of Sarongan
    budi = make_resident()
    operator, head = people["operator"], people["head"]

    def bakungan(finished_at, verify, sign):
        return signed_letter(
            warsidi,
            BAKUNGAN,
            finished_at=finished_at,
            steps=[
                (Position.OPERATOR, operator, "Operator Bakungan", verify),
                (Position.HEAD, head, "Lurah Bakungan", sign),
            ],
        )

    bakungan(now, 10, 20)  # 30 minutes, today
    bakungan(now - dt.timedelta(days=3), 5, 40)  # 45 minutes
    bakungan(now - dt.timedelta(days=3), 15, 75)  # 90 minutes
    bakungan(now - dt.timedelta(days=40), 5, 5)  # before the period
    for spent in (20, 200):
        signed_letter(
            budi,
            SARONGAN,
            finished_at=now - dt.timedelta(days=2),
            steps=[(Position.HEAD, people["sarongan_head"], "Kepala Desa Sarongan", spent)],
        )
    waiting_letter(warsidi, BAKUNGAN, position=Position.HEAD)


# ---------------------------------------------------------------- reading the page's hooks


def overall_of(html: str) -> dict[str, str]:
    """{"finished": "3", "within_hour": "2", "median": "45.0"} from the letters section's tiles."""
    section = re.search(r'<ul class="kpis" id="letters-overall">(.*?)</ul>', html, flags=re.S)
    assert section, "no letters figures on the page"
    return dict(re.findall(r'data-letters="(\w+)">.*?<strong data-value="([\d.]*)"', section[1], flags=re.S))


def rows_of(html: str, kind: str) -> dict[str, tuple[int, int, str]]:
    """{village code or official id: (finished, within the hour, median minutes)} of a table."""
    found = re.findall(
        rf'<tr data-{kind}="(\w+)" data-finished="(\d+)" data-within-hour="(\d+)" data-median="([\d.]*)"', html
    )
    return {key: (int(finished), int(within), median) for key, finished, within, median in found}


def queue_of(html: str) -> int | None:
    found = re.search(r'<section id="letters-queue" class="letters-queue \w+" data-queue="(\d+)"', html)
    return None if found is None else int(found[1])


def page_of(client, user, url: str = DASHBOARD) -> str:
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == 200, response.content
    return response.content.decode()


# ---------------------------------------------------------------- the figures, in the viewer's villages


def test_a_village_operator_sees_how_many_of_their_villages_letters_were_finished_within_the_hour(
    client, people, letters
):
    html = page_of(client, people["operator"])
    assert overall_of(html) == {"finished": "3", "within_hour": "2", "median": "45.0"}
    assert 'data-percent="67"' in html  # 2 of 3
    assert 'id="letters-per-village"' not in html  # their one village is the whole
    assert rows_of(html, "official") == {
        str(people["operator"].pk): (3, 3, "10.0"),  # 10, 5 and 15 minutes at the verification
        str(people["head"].pk): (3, 2, "40.0"),  # 20, 40 and 75 minutes at the signature
    }
    assert "Lurah Bakungan" in html and "Kepala Desa Sarongan" not in html


def test_the_camat_sees_the_villages_of_the_kecamatan_and_no_other(client, people, letters):
    html = page_of(client, people["camat"])
    assert overall_of(html) == {"finished": "3", "within_hour": "2", "median": "45.0"}
    assert rows_of(html, "village") == {BAKUNGAN: (3, 2, "45.0")}
    assert '<th scope="row">Kelurahan Bakungan</th>' in html  # one kecamatan: not said on every line
    assert str(people["sarongan_head"].pk) not in rows_of(html, "official")
    assert "Kepala Desa Sarongan" not in html


def test_the_administrator_sees_every_village_and_every_official(client, admin, people, letters):
    html = page_of(client, admin)
    assert overall_of(html) == {"finished": "5", "within_hour": "3", "median": "45.0"}  # 20, 30, 45, 90, 200
    assert rows_of(html, "village") == {BAKUNGAN: (3, 2, "45.0"), SARONGAN: (2, 1, "110.0")}
    # Across the regency each village says its kecamatan.
    assert re.search(
        r'Kelurahan Bakungan<span class="sub">Glagah</span>.*Desa Sarongan<span class="sub">Pesanggaran', html, re.S
    )
    assert rows_of(html, "official")[str(people["sarongan_head"].pk)] == (2, 1, "110.0")
    assert queue_of(html) is None  # the administrator signs nothing by being administrator


def test_another_village_sees_only_its_own_letters(client, people, letters):
    html = page_of(client, people["sarongan_head"])
    assert overall_of(html) == {"finished": "2", "within_hour": "1", "median": "110.0"}
    assert set(rows_of(html, "official")) == {str(people["sarongan_head"].pk)}
    assert "Lurah Bakungan" not in html


def test_the_period_counts_the_letters_finished_in_it(client, people, letters):
    client.force_login(people["operator"])
    today = client.get(FRAGMENT, {"period": "today"})
    assert today.status_code == 200 and today["Cache-Control"] == "no-store"
    html = today.content.decode()
    assert html.lstrip().startswith('<section id="letters-finished"') and "<html" not in html
    assert overall_of(html) == {"finished": "1", "within_hour": "1", "median": "30.0"}
    assert overall_of(page_of(client, people["operator"], DASHBOARD + "?letters=7d"))["finished"] == "3"
    assert 'data-period="7d" aria-current="page"' in page_of(client, people["operator"], DASHBOARD + "?letters=7d")
    # An unknown period is the default one: the last 30 days (the letter of 40 days ago is not in it).
    assert overall_of(client.get(FRAGMENT, {"period": "1y"}).content.decode())["finished"] == "3"


def test_a_period_without_letters_says_so_with_a_dash_for_the_median(client, people, regions):
    html = page_of(client, people["camat"])
    assert overall_of(html) == {"finished": "0", "within_hour": "0", "median": ""}
    assert rows_of(html, "village") == {} and rows_of(html, "official") == {}
    assert re.search(r'data-letters="median">[^<]*<strong data-value="">—</strong>', html)


def test_who_reads_no_letters_sees_no_letters_figures(client, people, letters):
    html = page_of(client, people["oversight"])  # the three pillars read the register, not the letters
    assert 'id="letters-finished"' not in html and queue_of(html) is None
    assert client.get(FRAGMENT).status_code == 403


# ---------------------------------------------------------------- the official's queue


def test_each_official_sees_the_count_of_their_own_queue_linking_to_it(client, people, letters):
    html = page_of(client, people["head"])
    assert queue_of(html) == 1
    queue = re.search(r'<section id="letters-queue".*?</section>', html, flags=re.S)[0]
    assert 'href="/letters/"' in queue and "<strong>1</strong>" in queue
    assert queue_of(page_of(client, people["head"], TILES)) == 1  # refreshed with the tiles
    assert queue_of(page_of(client, people["secretary"])) == 0  # nothing waits at the secretary's step
    assert queue_of(page_of(client, people["sarongan_head"])) == 0  # another village's head
    assert queue_of(page_of(client, people["camat"])) == 0


def test_the_queue_count_follows_the_letter_to_the_next_official(client, people, letters):
    assert queue_of(page_of(client, people["head"], TILES)) == 1
    # The lurah signs; the letter goes on to the camat.
    letter = LetterRequest.objects.get(status=LetterRequest.Status.IN_PROGRESS)
    letter.steps.update(status=LetterStep.Status.SIGNED, signer=people["head"], signed_at=timezone.now())
    LetterStep.objects.create(
        request=letter,
        order=2,
        position=Position.CAMAT,
        action="acknowledge",
        status=LetterStep.Status.WAITING,
        ready_at=timezone.now(),
    )
    letter.current_step = 2
    letter.save(update_fields=["current_step"])
    assert queue_of(page_of(client, people["head"], TILES)) == 0
    assert queue_of(page_of(client, people["camat"], TILES)) == 1


@pytest.mark.parametrize("who", ["head", "secretary", "camat"])
def test_the_new_officials_reach_the_dashboard(client, people, who):
    client.force_login(people[who])
    assert client.get(DASHBOARD).status_code == 200
