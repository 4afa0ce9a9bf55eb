"""Content-Security-Policy: scripts and styles come only from our static files, so an injected <script> or
onclick= cannot run. Every page says so in its header, and no template or page carries inline code the policy
would block (which would break the page instead)."""

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from smartkampung.accounts.models import Role
from smartkampung.accounts.tests.factories import give_role
from smartkampung.population.tests.factories import make_household, make_resident
from smartkampung.settings import tile_source

APPS = Path(__file__).resolve().parents[2]
# Not pages: streams, exports, POST-only actions, the language switch, sign-out.
NOT_PAGES = {
    "core:healthz",
    "notifications:notification_stream",
    "audit:audit_export",
    "health:reports_csv",
    "accounts:logout",
    "set_language",
}


class InlineCode(HTMLParser):
    """Collects what a policy without 'unsafe-inline' blocks: inline scripts, event handler attributes,
    javascript: URLs, style attributes and <style> elements, htmx's hx-on (evaluated code)."""

    def __init__(self):
        super().__init__()
        self.found: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "script" and not attributes.get("src") and attributes.get("type") != "application/json":
            self.found.append(f"inline <script> {attributes}")
        if tag == "style":
            self.found.append("<style> element")
        for name, value in attrs:
            if name.startswith("on") or name.startswith("hx-on"):
                self.found.append(f"<{tag} {name}=…>")
            if name == "style":
                self.found.append(f"<{tag} style={value!r}>")
            if value and re.match(r"\s*javascript:", value, re.I):
                self.found.append(f"<{tag} {name}={value!r}>")


def inline_code(html: str) -> list[str]:
    parser = InlineCode()
    parser.feed(html)
    return parser.found


def test_the_checker_finds_what_the_policy_blocks():
    page = (
        '<script>alert(1)</script><script src="/static/a.js"></script><script type="application/json">{}</script>'
        '<a href="javascript:go()">x</a><button onclick="go()">y</button><p style="color:red"></p>'
        '<form hx-on::after-swap="go()"></form><style>p{}</style>'
    )

    assert len(inline_code(page)) == 6


def test_no_template_carries_inline_code():
    found = {}
    for template in sorted(APPS.glob("*/templates/**/*.html")):
        # Template tags inside attribute values are harmless to the parser; strip comments and tags' braces.
        text = re.sub(r"\{#.*?#\}", "", template.read_text())
        if problems := inline_code(text):
            found[str(template.relative_to(APPS))] = problems

    assert found == {}


def test_the_policy_allows_our_own_scripts_styles_and_the_map_tiles_only(client, db):
    policy = client.get(reverse("accounts:login")).headers["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";"))

    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'"
    assert directives["default-src"] == "'self'"
    assert directives["object-src"] == "'none'"
    assert directives["frame-ancestors"] == "'none'"
    assert directives["form-action"] == "'self'"
    assert directives["base-uri"] == "'self'"
    assert "https://tile.openstreetmap.org" in directives["img-src"].split()


def test_the_map_tile_source_is_its_scheme_and_host():
    assert tile_source("https://{s}.tile.example.org/{z}/{x}/{y}.png") == "https://*.tile.example.org"
    assert tile_source("http://localhost:8080/tiles/{z}/{x}/{y}.png") == "http://localhost:8080"
    assert tile_source("") == ""
    assert tile_source("https://evil.example; script-src *") == ""
    assert tile_source("javascript:alert(1)//x") == ""


def pages(resolver=None, namespace=""):
    """Every named page of the URL conf that needs no argument, but the Django admin and the API."""
    for pattern in (resolver or get_resolver()).url_patterns:
        if isinstance(pattern, URLResolver):
            if str(pattern.pattern).startswith(("django-admin", "api/")):
                continue
            inner = f"{namespace}:{pattern.namespace}" if namespace and pattern.namespace else pattern.namespace
            yield from pages(pattern, inner or namespace)
        elif isinstance(pattern, URLPattern) and pattern.name and not pattern.pattern.regex.groups:
            yield f"{namespace}:{pattern.name}" if namespace else pattern.name


@pytest.fixture
def regency_admin(regions, django_user_model):
    user = django_user_model.objects.create_user("admin.pemkab", password="Rahasia-Pemkab-2026")
    give_role(user, Role.REGENCY_ADMIN)
    make_household(user=user)
    make_resident(user=user)
    return user


def test_every_page_has_the_policy_and_no_inline_code(client, regency_admin):
    names = sorted(set(pages()) - NOT_PAGES)
    seen, found = [], {}
    for signed_in in (False, True):
        if signed_in:
            client.force_login(regency_admin)
        for name in names:
            response = client.get(reverse(name))
            assert "Content-Security-Policy" in response.headers, name
            if response.status_code == 200 and response["Content-Type"].startswith("text/html"):
                seen.append(name)
                if problems := inline_code(response.content.decode()):
                    found[name] = problems
    for name, kwargs in (
        ("population:resident_detail", {"nik": "3510011708850001"}),
        ("population:household_detail", {"kk": "3510010101100001"}),
    ):
        response = client.get(reverse(name, kwargs=kwargs))
        assert response.status_code == 200, name
        seen.append(name)
        found.update({name: problems} if (problems := inline_code(response.content.decode())) else {})

    assert found == {}
    # The walk reached the pages that carried inline code before (a walk that found nothing would prove nothing).
    assert {"isolation:house_list", "dashboards:dashboard", "aid:affected", "checkpoints:home"} <= set(seen)
