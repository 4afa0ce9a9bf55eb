"""`smartkampung demo_tourism` on an empty database (regions and demo_logins only): the places of every kind across
Banyuwangi, certificates that verify (pyHanko) and say so on their QR page, every other step represented, live
occupancy within capacity, the owners' printed logins that work, and a second run that adds nothing."""

from __future__ import annotations

import datetime as dt
import io
import re
import time

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from smartkampung.audit.models import AuditEntry
from smartkampung.letters import keys
from smartkampung.letters.models import CertificateAuthority
from smartkampung.letters.selectors import trust_roots
from smartkampung.letters.validation import check_pdf
from smartkampung.tourism import listing
from smartkampung.tourism.demo import PLACES
from smartkampung.tourism.models import (
    Certificate,
    Finding,
    Inspection,
    Place,
    PlaceKind,
    Violation,
    Visit,
)
from smartkampung.tourism.selectors import annotate_occupancy

pytestmark = pytest.mark.usefixtures("regions")

MODELS = (Place, Certificate, Inspection, Finding, Violation, Visit, AuditEntry, CertificateAuthority)


def run(command: str) -> str:
    out = io.StringIO()
    call_command(command, stdout=out)
    return out.getvalue()


def counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in MODELS}


@pytest.fixture
def logins(db):
    run("demo_logins")


def test_the_demo_makes_places_of_every_kind_in_every_state_with_certificates_that_verify(logins):
    started = time.monotonic()
    output = run("demo_tourism")
    took = time.monotonic() - started
    assert took < 30, f"demo_tourism took {took:.1f} s"

    places = Place.objects.all()
    assert places.count() == len(PLACES) == 30
    assert set(places.values_list("kind", flat=True)) == set(PlaceKind.values)
    assert places.order_by().values("village__district").distinct().count() >= 12  # across the regency
    assert {"Kawah Ijen", "Pantai Pulau Merah", "Pantai Boom", "De Djawatan", "Agrowisata Kampung Osing"} <= set(
        places.values_list("name", flat=True)
    )
    assert places.filter(owner__username="pemilik.osing").exists()
    assert places.filter(owner__username="pemilik.blambangan").exists()
    assert places.filter(owner__isnull=True, kind="destination").count() >= 10  # registered by the agency

    today = timezone.localdate()
    valid = Certificate.objects.filter(status="valid", valid_until__gte=today)
    assert valid.count() == 24 and valid.filter(conditional=True).count() == 2
    assert Place.objects.filter(status="applied").count() == 3
    assert Inspection.objects.filter(purpose="initial", status="scheduled").count() == 2
    assert Inspection.objects.filter(decision="rejected").count() == 1
    assert Certificate.objects.filter(status="suspended").count() == 1
    assert Certificate.objects.filter(status="revoked").count() == 1
    assert Violation.objects.filter(status="open").count() == 1
    assert Violation.objects.filter(status="upheld").count() == 2
    # Every certificate was signed by the agency's login and its PDF validates against the deployment's roots.
    roots = trust_roots()
    for certificate in Certificate.objects.all():
        assert certificate.signed_by.username == "dispar"
        check = check_pdf(bytes(certificate.pdf), trust_roots=roots)
        assert check.authentic, (certificate.number, check)
    assert keys.active_key(Certificate.objects.first().signed_by).kind == "local"

    client = Client()
    for status, state in (("valid", "valid"), ("revoked", "revoked"), ("suspended", "suspended")):
        certificate = Certificate.objects.filter(status=status).first()
        page = client.get(reverse("tourism:verify", kwargs={"code": certificate.code}))
        assert page.status_code == 200 and f'data-state="{state}"' in page.text, status

    # The public listing shows the certified places; people are inside, never past capacity; one is full.
    listed = listing.listed_places()
    assert listed.count() == 24
    assert not listed.filter(name="Rumah Makan Sego Tempong Mbok Nah").exists()  # revoked
    inside = {p.name: (p.occupancy, p.capacity) for p in annotate_occupancy(Place.objects.all())}
    assert sum(people for people, _cap in inside.values()) > 0
    assert all(people <= cap for people, cap in inside.values())
    assert inside["Homestay Omah Osing Kemiren"] == (12, 12)
    assert sum(1 for people, _cap in inside.values() if people) >= 20
    assert Visit.objects.filter(channel="door").exists() and Visit.objects.filter(channel="scan").exists()
    assert client.get(reverse("tourism:explore")).status_code == 200

    # The owners' printed logins work.
    for username in ("pemilik.osing", "pemilik.blambangan"):
        password = re.search(rf"{re.escape(username)}\s+(\S+)", output).group(1)
        assert get_user_model().objects.get(username=username).check_password(password)
    assert "30 (30 new, 26 certificates signed" in output
    assert "tandatangan123" in output


def test_running_it_again_adds_nothing(logins):
    run("demo_tourism")
    before = counts()
    output = run("demo_tourism")
    assert counts() == before
    assert "30 (0 new, 0 certificates signed, 0 visits added" in output


def test_without_the_agency_login_it_says_what_to_run(db):
    with pytest.raises(CommandError, match="demo_logins"):
        run("demo_tourism")
    assert not Place.objects.exists()


def test_another_authority_in_use_is_never_replaced_and_nothing_is_written(logins):
    keys.make_certificate_authority(name="Real Root CA", passphrase="a-real-authority-passphrase")
    with pytest.raises(CommandError, match="signing_certificate"):
        run("demo_tourism")
    assert CertificateAuthority.objects.filter(active=True).get().name == "Real Root CA"
    assert not Place.objects.exists()


def test_a_later_run_brings_a_fresh_crowd_once_every_demo_visit_stopped_counting(logins):
    run("demo_tourism")
    Visit.objects.update(checked_in_at=timezone.now() - dt.timedelta(days=3), counts_until=timezone.now())
    before = counts()
    output = run("demo_tourism")
    after = counts()
    assert after["Visit"] > before["Visit"] and "0 new, 0 certificates signed" in output
    assert {k: v for k, v in after.items() if k not in ("Visit", "AuditEntry")} == {
        k: v for k, v in before.items() if k not in ("Visit", "AuditEntry")
    }
    assert all(p.occupancy <= p.capacity for p in annotate_occupancy(Place.objects.all()))
