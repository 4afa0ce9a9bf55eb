"""`smartkampung run`, a real server: a client on 127.0.0.1 that writes its own X-Forwarded-For gets no other
address for it (uvicorn's own proxy handling trusts any local client by default)."""

import http.client
import json
import os
import re
import sqlite3
import subprocess
import sys
import time
from urllib.parse import urlencode

import pytest

from smartkampung.notifications.tests.servers import free_port

pytestmark = pytest.mark.skipif(
    os.environ.get("DATABASE_URL", "").startswith("postgres"),
    reason="the server runs on a SQLite database of its own; once per CI run is enough",
)


def smartkampung(env, *args, **kwargs):
    return subprocess.Popen([sys.executable, "-m", "smartkampung", *args], env=env, **kwargs)  # noqa: S603


def request(port, method, path, *, body=b"", headers=None):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    conn.request(method, path, body=body, headers=headers or {})
    response = conn.getresponse()
    return response.status, response.getheaders(), response.read().decode()


@pytest.fixture
def server(tmp_path):
    env = {key: value for key, value in os.environ.items() if key not in ("DATABASE_URL", "TRUSTED_PROXY_COUNT")} | {
        "SMARTKAMPUNG_DATA_DIR": str(tmp_path),
        "LOG_LEVEL": "WARNING",
        "SMARTKAMPUNG_ACCESS_LOG": "0",
        "PUBLIC_CHECK_PER_MINUTE": "3",
        "LOGIN_FAILURE_LIMIT": "3",
        "DJANGO_SUPERUSER_PASSWORD": "Benar-Sekali-2026",
    }
    assert smartkampung(env, "migrate", "-v0").wait(120) == 0
    created = smartkampung(env, "createsuperuser", "--noinput", "--username", "pemkab", "--email", "p@example.org")
    assert created.wait(60) == 0
    port = free_port()
    log = (tmp_path / "server.log").open("w")
    process = smartkampung(env, "run", "--no-worker", "--port", str(port), stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                if request(port, "GET", "/healthz")[0] == 200:
                    break
            except OSError:
                if time.monotonic() > deadline:
                    raise AssertionError((tmp_path / "server.log").read_text()) from None
                time.sleep(0.2)
        yield port, tmp_path / "smartkampung.sqlite3"
    finally:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(5)


def sign_in(port, password, forwarded):
    status, headers, page = request(port, "GET", "/accounts/login/")
    cookie = next(
        value.split(";")[0] for name, value in headers if name.lower() == "set-cookie" and "csrftoken" in value
    )
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    body = urlencode({"username": "pemkab", "password": password, "csrfmiddlewaretoken": token})
    return request(
        port,
        "POST",
        "/accounts/login/",
        body=body.encode(),
        headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": cookie,
            "X-Forwarded-For": forwarded,
        },
    )[0]


def test_a_local_client_cannot_choose_its_address_with_a_forwarded_header(server):
    port, database = server
    checks = [
        request(
            port,
            "POST",
            "/api/v1/public/check-my-data",
            body=json.dumps({"nik": "3510011708850001", "kk_number": "3510010101100001"}).encode(),
            headers={"Content-Type": "application/json", "X-Forwarded-For": f"203.0.113.{n}"},
        )[0]
        for n in range(4)
    ]
    assert checks[3] == 429, checks

    for n in range(3):
        sign_in(port, "salah", f"198.51.100.{n}")
    assert sign_in(port, "Benar-Sekali-2026", "198.51.100.50") == 429

    with sqlite3.connect(database) as db:
        addresses = {row[0] for row in db.execute("SELECT ip_address FROM axes_accessattempt")}
    assert addresses == {"127.0.0.1"}
