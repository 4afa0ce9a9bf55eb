"""The health pages on a phone: dates typed as everywhere else (DD-MM-YYYY in a text field with the numeric
keypad, 8 digits without dashes too), symptom boxes each paired with its label, and a saved follow-up that
keeps the nurse at the case she was working on."""

import datetime as dt
import re
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from django.utils import timezone

from smartkampung.checkpoints.tests.fixtures import *  # noqa: F403
from smartkampung.checkpoints.tests.fixtures import BAKUNGAN
from smartkampung.health.models import DailyReport, FollowUp, MonitoringCase
from smartkampung.health.tests.fixtures import *  # noqa: F403
from smartkampung.health.tests.fixtures import open_case
from smartkampung.regions.selectors import puskesmas_serving

pytestmark = pytest.mark.django_db


def _ddmmyyyy(day: dt.date, sep: str = "-") -> str:
    return day.strftime(f"%d{sep}%m{sep}%Y")


def _date_inputs(html: str) -> list[str]:
    return re.findall(r'<input[^>]*name="(?:day|start_date|closed_on)"[^>]*>', html)


def _assert_typed_dates(html: str) -> None:
    inputs = _date_inputs(html)
    assert inputs and 'type="date"' not in html
    for tag in inputs:
        if 'type="hidden"' in tag:
            continue
        assert 'type="text"' in tag and 'inputmode="numeric"' in tag and 'placeholder="DD-MM-YYYY"' in tag, tag


# ---------------------------------------------------------------- one date input


def test_every_health_page_asks_dates_as_the_rest_of_the_product(client, nurse, operator, health):
    case = open_case(operator, days_ago=2)
    today = _ddmmyyyy(timezone.localdate())
    client.force_login(nurse)
    detail = client.get(f"/health/cases/{case.pk}/").content.decode()
    _assert_typed_dates(detail)
    assert (
        f'name="day" inputmode="numeric" maxlength="10" autocomplete="off" placeholder="DD-MM-YYYY" value="{today}"'
        in detail
    )
    report = client.get("/health/reports/").content.decode()
    _assert_typed_dates(report)
    assert f'value="{today}"' in report
    client.force_login(operator)
    _assert_typed_dates(client.get("/health/cases/new/").content.decode())
    client.force_login(health)
    _assert_typed_dates(client.get("/health/reports/overview/").content.decode())


def test_a_case_opened_with_eight_digits_starts_on_that_day(client, operator):
    start = timezone.localdate() - dt.timedelta(days=3)
    client.force_login(operator)
    response = client.post(
        "/health/cases/new/",
        {"name": "Sutrisno", "village": BAKUNGAN, "place": "home", "start_date": _ddmmyyyy(start, "")},
    )
    assert response.status_code == 302, response.content.decode()[:500]
    assert MonitoringCase.objects.get().start_date == start


@pytest.mark.parametrize(
    "typed, words",
    [
        ("31022020", "is not a day of the calendar"),
        ("kemarin", "Write the date as DD-MM-YYYY"),
        (_ddmmyyyy(timezone.localdate() + dt.timedelta(days=1), ""), "between 14 days ago and today"),
    ],
)
def test_a_bad_start_day_is_refused_in_words_and_nothing_is_opened(client, operator, typed, words):
    client.force_login(operator)
    response = client.post(
        "/health/cases/new/",
        {"name": "Sutrisno", "village": BAKUNGAN, "place": "home", "start_date": typed},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    html = response.content.decode()
    assert response.status_code == 422 and words in html and not MonitoringCase.objects.exists()


def test_a_refused_form_shows_the_typed_day_again_as_dd_mm_yyyy(client, operator):
    start = timezone.localdate() - dt.timedelta(days=1)
    client.force_login(operator)
    response = client.post(
        "/health/cases/new/", {"name": "", "village": "", "place": "home", "start_date": _ddmmyyyy(start, "")}
    )
    assert response.status_code == 422
    assert _date_inputs(response.content.decode()) == [
        '<input id="start_date" type="text" name="start_date" inputmode="numeric" maxlength="10" autocomplete="off"'
        f' placeholder="DD-MM-YYYY" value="{_ddmmyyyy(start)}">'
    ]


def test_a_follow_up_day_and_a_closing_day_are_read_as_typed(client, nurse, operator):
    case = open_case(operator, days_ago=14)
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    client.force_login(nurse)
    response = client.post(
        f"/health/cases/{case.pk}/follow-up/",
        {"status": "well", "temperature": "36,6", "day": _ddmmyyyy(yesterday, "")},
    )
    assert response.status_code == 302 and FollowUp.objects.get().day == yesterday
    refused = client.post(f"/health/cases/{case.pk}/close/", {"outcome": "completed", "closed_on": "30022026"})
    assert refused.status_code == 422 and 'value="30022026"' in refused.content.decode()
    response = client.post(
        f"/health/cases/{case.pk}/close/", {"outcome": "completed", "closed_on": _ddmmyyyy(timezone.localdate())}
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert (case.outcome, case.closed_on) == ("completed", timezone.localdate())


def test_a_report_day_is_typed_as_dd_mm_yyyy_and_a_bad_one_is_said(client, nurse):
    paspan = puskesmas_serving(BAKUNGAN)
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    client.force_login(nurse)
    page = client.get(f"/health/reports/?puskesmas={paspan.pk}&day={_ddmmyyyy(yesterday, '')}")
    assert page.status_code == 200 and page.context["day"] == yesterday
    for typed in ("31022020", _ddmmyyyy(timezone.localdate() + dt.timedelta(days=3))):
        page = client.get(f"/health/reports/?puskesmas={paspan.pk}&day={typed}", HTTP_ACCEPT_LANGUAGE="en")
        html = page.content.decode()
        assert page.status_code == 200 and page.context["day"] == timezone.localdate()
        assert 'id="day-error"' in html and 'aria-invalid="true"' in html
    # A submission for a day that cannot be is refused, never filed under today.
    response = client.post(f"/health/reports/?puskesmas={paspan.pk}", {"puskesmas": paspan.pk, "day": "31022020"})
    assert response.status_code == 422 and not DailyReport.objects.exists()


# ---------------------------------------------------------------- symptom boxes


def test_each_symptom_box_is_wrapped_by_its_own_label_in_a_spaced_grid(client, nurse, operator):
    case = open_case(operator)
    client.force_login(nurse)
    for url in ("/health/today/", f"/health/cases/{case.pk}/"):
        html = client.get(url).content.decode()
        assert "health/health.css" in html
        grid = re.search(r'<div class="checks">(.*?)</div>', html, re.S)
        assert grid, url
        boxes = re.findall(r'<input type="checkbox" name="symptoms"', html)
        paired = re.findall(
            r'<label><input type="checkbox" name="symptoms" value="\w+"> <span>[^<]+</span></label>', grid.group(1)
        )
        assert boxes and len(paired) == len(boxes), url
    css = Path(finders.find("health/health.css")).read_text(encoding="utf-8")
    rule = re.search(r"div\.checks label \{([^}]*)\}", css).group(1)
    assert "min-height: 2.75rem" in rule and "display: flex" in rule  # 44 px: a thumb's height
    assert re.search(r"div\.checks \{[^}]*display: grid;[^}]*gap: \.5rem", css)


# ---------------------------------------------------------------- saving keeps the nurse in place


def test_todays_cards_save_in_place_with_htmx(client, nurse, operator):
    case = open_case(operator, days_ago=1, name="Kasus Kemarin")
    client.force_login(nurse)
    html = client.get("/health/today/").content.decode()
    assert f'<article id="case-{case.pk}"' in html
    assert f'hx-post="/health/cases/{case.pk}/follow-up/" hx-target="#case-{case.pk}" hx-swap="outerHTML"' in html


def test_a_follow_up_saved_with_htmx_answers_the_card_alone(client, nurse, operator):
    case = open_case(operator, days_ago=1)
    client.force_login(nurse)
    response = client.post(
        f"/health/cases/{case.pk}/follow-up/",
        {"status": "well", "temperature": "36,7", "next": "/health/today/"},
        HTTP_HX_REQUEST="true",
    )
    html = response.content.decode()
    assert response.status_code == 200 and "<html" not in html
    assert html.startswith(f'<article id="case-{case.pk}" class="card work saved">') and "data-saved" in html
    assert FollowUp.objects.get(case=case).day == timezone.localdate()
    assert 'name="next" value="/health/today/"' in html  # the card can be saved again


def test_a_refused_follow_up_with_htmx_answers_the_card_with_its_errors(client, nurse, operator):
    case = open_case(operator, days_ago=1)
    client.force_login(nurse)
    response = client.post(
        f"/health/cases/{case.pk}/follow-up/",
        {"status": "well", "temperature": "panas", "symptoms": ["cough"], "next": "/health/today/"},
        HTTP_HX_REQUEST="true",
    )
    html = response.content.decode()
    # htmx swaps no 4xx answer: the card with its errors comes as a 200.
    assert response.status_code == 200 and html.startswith(f'<article id="case-{case.pk}"')
    assert 'class="errorbox"' in html and "data-saved" not in html
    assert 'value="cough" checked' in html and 'value="panas"' in html
    assert not FollowUp.objects.exists()


def test_without_htmx_saving_from_today_comes_back_to_the_card(client, nurse, operator):
    case = open_case(operator, days_ago=1)
    client.force_login(nurse)
    paspan = puskesmas_serving(BAKUNGAN)
    response = client.post(
        f"/health/cases/{case.pk}/follow-up/",
        {"status": "well", "temperature": "36,7", "next": f"/health/today/?puskesmas={paspan.pk}"},
    )
    assert response.status_code == 302
    assert response["Location"] == f"/health/today/?puskesmas={paspan.pk}#case-{case.pk}"


def test_saving_on_the_case_page_comes_back_to_its_follow_ups(client, nurse, operator):
    case = open_case(operator, days_ago=1)
    client.force_login(nurse)
    response = client.post(f"/health/cases/{case.pk}/follow-up/", {"status": "well", "temperature": "36,7"})
    assert response.status_code == 302 and response["Location"] == f"/health/cases/{case.pk}/#follow-ups"
    page = client.get(response["Location"]).content.decode()
    assert 'id="follow-ups"' in page


def test_next_leads_nowhere_but_todays_list(client, nurse, operator):
    case = open_case(operator, days_ago=1)
    client.force_login(nurse)
    response = client.post(
        f"/health/cases/{case.pk}/follow-up/",
        {"status": "well", "next": "https://example.org/health/today/"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 302 and response["Location"] == f"/health/cases/{case.pk}/#follow-ups"
