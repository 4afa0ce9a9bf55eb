"""Fixtures of the browser tests (marker `browser`): a live server per test over the test database, one Chromium
per pytest-xdist worker, and a screenshot of every open page when a test fails (the failure says where).

The server (harness.LiveServer) runs in this process and reads what the test committed (`live_db`: pytest-django's
`transactional_db`, flushed after the test). A test writes its data first, then opens its pages (the first starts
the server), and afterwards looks only through the pages. Chromium is Debian's (`SMARTKAMPUNG_CHROMIUM`, default
/usr/bin/chromium; scripts/browser-deps.sh installs it), never one downloaded by Playwright. Screenshots go to
`SMARTKAMPUNG_BROWSER_SHOTS`, by default <data dir>/browser-shots; with SMARTKAMPUNG_BROWSER_SHOTS_ALL=1 every page
the tests measure is kept there too (in all/), to be looked at.
"""

import contextlib
import os
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.db.backends.signals import connection_created

from smartkampung.browser.tests.harness import CHROMIUM, BrowserThread, LiveServer, Remote
from smartkampung.browser.tests.world import PASSWORD
from smartkampung.conftest import load_reference_data
from smartkampung.notifications import live
from smartkampung.regions.models import Village

# The marks of every browser test. Django warns that it serves the static files (WhiteNoise's file responses)
# through a thread under ASGI: true, and the same under `smartkampung run`; not what these tests look at.
BROWSER = [
    pytest.mark.browser,
    pytest.mark.filterwarnings("ignore:StreamingHttpResponse must consume synchronous iterators"),
]
PHONE, DESKTOP = {"width": 360, "height": 780}, {"width": 1366, "height": 900}
# How wide the page is (its scrolling width: a page wider than the window scrolls sideways), and what sticks out
# of the window (the first few elements, for the failure message).
MEASURE = """() => ({
    width: Math.max(document.documentElement.scrollWidth, document.body.scrollWidth),
    sticking_out: [...document.querySelectorAll('body *')]
        .filter(e => e.getBoundingClientRect().right > window.innerWidth + 0.5)
        .slice(0, 5)
        .map(e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') + [...e.classList].map(c => '.' + c).join('') +
             ' (right edge ' + Math.round(e.getBoundingClientRect().right) + ' px)'),
})"""


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix, tmp_path_factory):
    """On SQLite, a test database in a file (WAL, writers queue on the lock for up to 30 s), as the embedded set-up
    runs, instead of pytest-django's shared in-memory one: there every connection shares one cache with table locks,
    and a page writing its audit entry while the server's dispatcher writes a notification failed at once ("database
    table is locked"), a failure production never has. The browser tests run in a pytest of their own
    (scripts/test.sh), so the rest of the suite keeps the faster in-memory database."""
    database = settings.DATABASES["default"]
    if database["ENGINE"] == "django.db.backends.sqlite3":
        database.setdefault("TEST", {})["NAME"] = str(tmp_path_factory.mktemp("browser-db") / "test.sqlite3")


@pytest.fixture(scope="session")
def chromium():
    """Chromium and Playwright for the worker's whole session, in a thread of their own."""
    if not os.access(CHROMIUM, os.X_OK):
        pytest.fail(
            f"The browser tests need Chromium at {CHROMIUM}: run scripts/browser-deps.sh (as root), or set "
            "SMARTKAMPUNG_CHROMIUM to a Chromium or Chrome binary, or leave these tests out with -m 'not browser'.",
            pytrace=False,
        )
    browser = BrowserThread()
    try:
        yield browser
    finally:
        browser.close()


@pytest.fixture
def live_db(transactional_db):
    """The database the live server reads: what the test writes is committed (and flushed after the test, with
    the reference data, which is loaded here again)."""
    if not Village.objects.exists():
        load_reference_data()


@pytest.fixture
def asgi_server(live_db, monkeypatch):
    """The live server, started by the test's first page (after the test has written its data: on SQLite the
    test's writes and the server's must not overlap) and stopped after the test."""
    # The embedded set-up's in-process dispatch (SQLite): a committed registration wakes the dispatcher. Only
    # during this test: in other tests nobody dispatches behind their back.
    monkeypatch.setenv(live.IN_PROCESS_ENV, "1")
    # The process-wide threads of production (the dispatcher that a commit would start, the hub's listener) never
    # stop: the server brings its own, which stop with it.
    monkeypatch.setattr(live, "_dispatcher_started", True)
    monkeypatch.setattr(live.hub, "_threads_started", True)
    # On SQLite the test database lives in memory, shared by every connection of the process with table-level
    # locks: a page read while the dispatcher writes a notification would fail at once ("database table is
    # locked"), which a file database in WAL mode (the embedded set-up) never does. Readers of the shared cache
    # read without those locks, as they read beside a writer in production.
    connection_created.connect(_read_beside_writers)
    server = LiveServer()
    try:
        yield server
    finally:
        server.stop()
        connection_created.disconnect(_read_beside_writers)


def _read_beside_writers(sender, connection, **kwargs) -> None:
    if connection.vendor == "sqlite" and connection.is_in_memory_db():
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA read_uncommitted = 1")


class Browser:
    """The test's browser: contexts (each its own cookies: one person) at a width, signed in through the real form."""

    def __init__(self, chromium: BrowserThread, server: LiveServer):
        self.chromium = chromium
        self.server = server
        self.pages: list[tuple[str, Remote]] = []
        self._contexts: list[Remote] = []

    def url(self, path: str) -> str:
        self.server.start()
        return self.server.url + path

    def page(self, *, viewport: dict = PHONE, label: str = "anonymous") -> Remote:
        self.server.start()
        context = self.chromium.remote(
            self.chromium.call(lambda: self.chromium.browser.new_context(viewport=viewport, locale="id-ID"))
        )
        context.set_default_timeout(20_000)  # generous: CI runs two suites side by side on two cores
        self._contexts.append(context)
        page = context.new_page()
        self.pages.append((f"{label}-{len(self.pages) + 1}", page))
        return page

    def signed_in(self, username: str, *, viewport: dict = PHONE, password: str = PASSWORD) -> Remote:
        """A new context signed in through /accounts/login/, on the page the sign-in leads to (the start page)."""
        page = self.page(viewport=viewport, label=username)
        page.goto(self.url("/accounts/login/"))
        page.fill("#id_username", username)
        page.fill("#id_password", password)
        page.locator("form:has(#id_password) [type=submit]").click()
        page.wait_for_load_state()
        if "/accounts/login/" in page.url:
            raise AssertionError(f"{username} could not sign in (still on {page.url})")
        return page

    def too_wide(self, page: Remote) -> str | None:
        """None when the page fits its window; else how wide it is and what sticks out."""
        measured, window = page.evaluate(MEASURE), page.viewport_size["width"]
        if measured["width"] <= window:
            return None
        path = page.url.removeprefix(self.server.url)
        return f"{path} is {measured['width']} px wide at {window} px: {measured['sticking_out']}"

    def keep(self, page: Remote, name: str) -> None:
        """With SMARTKAMPUNG_BROWSER_SHOTS_ALL=1, a screenshot of the whole page into the screenshots folder, for a
        person to look at (the issue's "look right to a person")."""
        if os.environ.get("SMARTKAMPUNG_BROWSER_SHOTS_ALL") == "1":
            folder = shots_folder() / "all"
            folder.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(folder / f"{re.sub(r'[^A-Za-z0-9_.-]+', '_', name)}.png"), full_page=True)

    def expect(self, target: Remote) -> Remote:
        """Playwright's `expect` (assertions that wait) for a page or locator of this browser."""
        from playwright.sync_api import expect

        return self.chromium.remote(self.chromium.call(lambda: expect(target._target)))

    def screenshots(self, folder: Path, name: str) -> list[Path]:
        folder.mkdir(parents=True, exist_ok=True)
        taken = []
        for label, page in self.pages:
            path = folder / f"{name}--{label}.png"
            try:
                page.screenshot(path=str(path), full_page=True)
            except Exception:  # noqa: S112 - a closed page has nothing to show
                continue
            taken.append(path)
        return taken

    def close(self) -> None:
        for context in self._contexts:
            with contextlib.suppress(Exception):  # gone with the browser already
                context.close()


@pytest.fixture
def browser(chromium, asgi_server):
    """The test's browser (see Browser); its contexts close after the test, before the server stops."""
    opened = Browser(chromium, asgi_server)
    try:
        yield opened
    finally:
        opened.close()


def shots_folder() -> Path:
    return Path(os.environ.get("SMARTKAMPUNG_BROWSER_SHOTS") or settings.DATA_DIR / "browser-shots")


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    opened = getattr(item, "funcargs", {}).get("browser")
    if report.when == "call" and report.failed and isinstance(opened, Browser):
        name = re.sub(r"[^A-Za-z0-9_.-]+", "_", item.nodeid.split("::", 1)[-1])[:120]
        taken = opened.screenshots(shots_folder(), name)
        lines = [f"screenshot: {path}" for path in taken] or ["(no page was open)"]
        report.sections.append(("browser screenshots", "\n".join(lines)))
    return report
