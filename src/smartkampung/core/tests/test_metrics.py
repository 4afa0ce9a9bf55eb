"""/metrics: only for the deployment's token (otherwise it does not exist), in the Prometheus text format, with the
latency of each route and the figures read from the database at the scrape; several web processes add up."""

import os
import subprocess
import sys

import pytest
from django.urls import reverse
from prometheus_client.parser import text_string_to_metric_families

from smartkampung.core.tests.test_readyz import fail_a_task
from smartkampung.notifications.tests.factories import arrival
from smartkampung.population.models import ImportJob

pytestmark = pytest.mark.django_db

TOKEN = "s3cret-scraper-token-0123456789"


@pytest.fixture
def token(settings):
    settings.METRICS_TOKEN = TOKEN
    return TOKEN


def scrape(client, token: str = TOKEN):
    return client.get(reverse("core:metrics"), HTTP_AUTHORIZATION=f"Bearer {token}")


def samples(answer) -> dict[tuple[str, frozenset], float]:
    """{(sample name, its labels): value} of a text-format answer."""
    return {
        (sample.name, frozenset(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(answer.content.decode())
        for sample in family.samples
    }


def value(answer, name: str, **labels) -> float | None:
    return samples(answer).get((name, frozenset(labels.items())))


def test_without_a_token_configured_metrics_do_not_exist(client, settings):
    settings.METRICS_TOKEN = ""

    assert client.get(reverse("core:metrics")).status_code == 404
    assert client.get(reverse("core:metrics"), HTTP_AUTHORIZATION="Bearer ").status_code == 404


def test_without_the_token_or_with_another_metrics_do_not_exist(client, token):
    assert client.get(reverse("core:metrics")).status_code == 404
    assert scrape(client, "wrong-token").status_code == 404
    assert client.get(reverse("core:metrics"), HTTP_AUTHORIZATION=TOKEN).status_code == 404  # no "Bearer"
    assert scrape(client, TOKEN + "x").status_code == 404


def test_with_the_token_the_answer_is_the_prometheus_text_format(client, token):
    answer = scrape(client)

    assert answer.status_code == 200
    assert answer["Content-Type"].startswith("text/plain; version=")
    names = {family.name for family in text_string_to_metric_families(answer.content.decode())}
    assert names >= {
        "smartkampung_http_request_duration_seconds",
        "smartkampung_notification_lag_seconds",
        "smartkampung_outbox_undelivered",
        "smartkampung_deliveries",
        "smartkampung_tasks",
        "smartkampung_task_oldest_queued_age_seconds",
        "smartkampung_import_jobs",
        "smartkampung_dhis2_push_failures",
        "smartkampung_dhis2_pushes_retrying",
        "smartkampung_logins_locked_out",
        "smartkampung_worker_heartbeat_age_seconds",
        "smartkampung_metrics_errors",
    }
    assert value(answer, "smartkampung_metrics_errors") == 0


def test_a_request_just_made_is_counted_under_its_route_method_and_status_class(client, token):
    count = "smartkampung_http_request_duration_seconds_count"
    before = value(scrape(client), count, route="healthz", method="GET", status="2xx") or 0

    client.get(reverse("core:healthz"))
    client.get("/no-such-page/at/all")

    after = scrape(client)
    assert value(after, count, route="healthz", method="GET", status="2xx") == before + 1
    assert value(after, count, route="<unmatched>", method="GET", status="4xx") >= 1
    assert b"no-such-page" not in after.content  # a path matching no pattern adds no series


def test_the_figures_from_the_database(client, token, regions, django_user_model):
    for subject_id in (1, 2, 3):
        arrival(subject_id=subject_id)
    fail_a_task()
    ImportJob.objects.create(original_name="penduduk.csv", format="csv", status=ImportJob.Status.FAILED)
    django_user_model.objects.create_user("operator.desa", password="Benar-Sekali-2026")
    for _ in range(5):
        client.post(
            reverse("accounts:login"), {"username": "operator.desa", "password": "salah"}, REMOTE_ADDR="10.1.2.3"
        )

    answer = scrape(client)

    assert value(answer, "smartkampung_outbox_undelivered") == 3
    assert 0 <= value(answer, "smartkampung_notification_lag_seconds") < 5
    assert value(answer, "smartkampung_tasks", status="failed") == 1
    assert value(answer, "smartkampung_tasks", status="queued") == 0
    assert value(answer, "smartkampung_import_jobs", kind="register", status="failed") == 1
    assert value(answer, "smartkampung_import_jobs", kind="aid_list", status="failed") == 0
    assert value(answer, "smartkampung_logins_locked_out") == 1
    assert value(answer, "smartkampung_metrics_errors") == 0


def test_several_web_processes_add_up_in_multiprocess_mode(tmp_path):
    # Two processes serve a request each, a third answers the scrape: all three share PROMETHEUS_MULTIPROC_DIR.
    serve = (
        "import django; django.setup()\n"
        "from django.test import Client\n"
        "assert Client().get('/healthz').status_code == 200\n"
    )
    scrape_it = (
        "import django; django.setup()\n"
        "from django.test import Client\n"
        f"answer = Client().get('/metrics', HTTP_AUTHORIZATION='Bearer {TOKEN}')\n"
        "assert answer.status_code == 200, answer.status_code\n"
        "print(answer.content.decode())\n"
    )
    directory = tmp_path / "prometheus"
    directory.mkdir()
    env = os.environ | {
        "PROMETHEUS_MULTIPROC_DIR": str(directory),
        "METRICS_TOKEN": TOKEN,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",  # /healthz only asks SELECT 1
        "LOG_LEVEL": "CRITICAL",  # the empty database's gauges fail, in the log
    }
    env.setdefault("DJANGO_SETTINGS_MODULE", "smartkampung.settings")
    for _ in range(2):
        subprocess.run([sys.executable, "-c", serve], env=env, check=True, timeout=120)  # noqa: S603 - our own script
    done = subprocess.run(  # noqa: S603 - our own script
        [sys.executable, "-c", scrape_it], env=env, capture_output=True, text=True, timeout=120
    )

    assert done.returncode == 0, done.stderr
    assert len(list(directory.glob("histogram_*.db"))) >= 2  # one file per process
    counts = {
        (sample.labels["route"], sample.labels["status"]): sample.value
        for family in text_string_to_metric_families(done.stdout)
        for sample in family.samples
        if sample.name == "smartkampung_http_request_duration_seconds_count"
    }
    assert counts[("healthz", "2xx")] == 2
