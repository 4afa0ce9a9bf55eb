"""An official whose certificate is held by BSrE signs through its gateway (a real local HTTP server stands in for
it); a gateway that is down, slow, refusing or answering nonsense leaves the letter unsigned, with words, quickly."""

from __future__ import annotations

import hashlib
import time

import pytest
from django.utils import translation

from smartkampung.letters.pdf import DATE_FIELD, NUMBER_FIELD, render_letter
from smartkampung.letters.signing import (
    GatewayRefused,
    GatewayUnavailable,
    SigningFailed,
    WrongPassphrase,
    sign_step,
)
from smartkampung.letters.tests import pki_fixtures as fx
from smartkampung.letters.tests.gateway_standin import GatewayStandIn
from smartkampung.letters.validation import check_pdf

TIMEOUT = 0.5  # what a failing gateway is given before the client gives up
ANSWERING = 20.0  # what a working one is given: signing takes it a while on a busy CI machine


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture(scope="module")
def bsre():
    with GatewayStandIn(slow_seconds=TIMEOUT + 2) as standin:
        yield standin


@pytest.fixture
def gateway(bsre):
    bsre.mode = "ok"
    bsre.requests.clear()
    yield bsre
    bsre.mode = "ok"


@pytest.fixture(scope="module")
def certified() -> bytes:
    """A letter the operator has verified (and certified) with the deployment's key."""
    return fx.sign_as(render_letter(fx.sktm()), "operator", first=True)


def through_gateway(pdf: bytes, gateway: GatewayStandIn, role: str, *, api_version="v1", last=False, **changes):
    arguments = {
        "key": gateway.key(api_version, timeout=TIMEOUT if gateway.mode != "ok" else ANSWERING),
        "passphrase": gateway.passphrase,
        "field_name": fx.field_of(role),
        "certify": False,
        "signer_name": "Kepala Desa BSrE 0001",
        "position": "Kepala Desa",
        "reason": "Persetujuan surat",
        "location": "Sukamaju",
        "fill": {NUMBER_FIELD: fx.NUMBER, DATE_FIELD: fx.DATE} if last else None,
    }
    arguments.update(changes)
    return sign_step(pdf, **arguments)


def trusted_roots(gateway: GatewayStandIn) -> list[bytes]:
    return [fx.deployment_root().cert_pem, gateway.root_pem]


def test_the_secretary_signs_through_v1_and_the_head_through_v2_and_the_letter_is_authentic(gateway, certified):
    pdf = through_gateway(certified, gateway, "secretary", api_version="v1")
    pdf = through_gateway(pdf, gateway, "head", api_version="v2", last=True)
    check = check_pdf(pdf, trust_roots=trusted_roots(gateway))
    assert check.authentic, check.problem
    assert [s.signer_name for s in check.signatures] == [
        fx.official("operator").name,
        "Kepala Desa BSrE 0001",
        "Kepala Desa BSrE 0001",
    ]
    assert [r["path"] for r in gateway.requests] == ["/api/sign/pdf", "/api/v2/sign/pdf"]
    assert all(r["authorised"] and r["nik"] == gateway.nik for r in gateway.requests)


def test_the_gateway_is_told_the_page_and_rectangle_of_the_signature_field(gateway, certified):
    through_gateway(certified, gateway, "head", api_version="v2")
    (request,) = gateway.requests
    page, box = request["page"], request["box"]
    assert page == 1
    x, y, width, height = box
    assert width > 150 and height > 40 and x > 250


def test_a_final_signature_through_the_gateway_fills_the_number_first(gateway, certified):
    pdf = through_gateway(certified, gateway, "secretary", api_version="v2", last=True)
    assert fx.NUMBER.encode() in pdf
    assert check_pdf(pdf, trust_roots=trusted_roots(gateway)).authentic


@pytest.mark.parametrize("api_version", ["v1", "v2"])
def test_a_wrong_passphrase_is_refused_in_words(gateway, certified, api_version):
    with pytest.raises(WrongPassphrase) as refused:
        through_gateway(certified, gateway, "head", api_version=api_version, passphrase="not it")
    assert "passphrase is wrong" in refused.value.words
    assert "Passphrase anda salah" in refused.value.words


def test_credentials_the_gateway_does_not_accept_are_reported_for_the_administrator(gateway, certified):
    with pytest.raises(GatewayRefused) as refused:
        through_gateway(certified, gateway, "head", key=gateway.key(timeout=TIMEOUT, password="old secret"))
    assert "credentials" in refused.value.words


def test_an_unknown_nik_is_refused_with_the_gateways_words(gateway, certified):
    with pytest.raises(GatewayRefused) as refused:
        through_gateway(certified, gateway, "head", key=gateway.key(timeout=TIMEOUT, nik="3510999999999999"))
    assert "NIK tidak terdaftar" in refused.value.words


@pytest.mark.parametrize(
    ("mode", "failure", "words"),
    [
        ("down", GatewayUnavailable, "did not answer"),
        ("slow", GatewayUnavailable, "did not answer"),
        ("error", GatewayUnavailable, "did not answer"),
        ("garbage", SigningFailed, "did not send back a correctly signed letter"),
        ("unsigned", SigningFailed, "did not send back a correctly signed letter"),
    ],
)
def test_a_failing_gateway_leaves_the_letter_unsigned_with_words_and_quickly(gateway, certified, mode, failure, words):
    gateway.mode = mode
    before = hashlib.sha256(certified).hexdigest()
    started = time.monotonic()
    with pytest.raises(failure) as failed:
        through_gateway(certified, gateway, "head", api_version="v1")
    assert time.monotonic() - started < TIMEOUT + 1.5
    assert type(failed.value) is failure
    assert words in failed.value.words
    assert "not signed" in failed.value.words
    assert hashlib.sha256(certified).hexdigest() == before
    assert gateway.requests, "the gateway was asked"


def test_a_gateway_nobody_listens_on_is_unavailable(certified):
    with GatewayStandIn() as gone:
        key = gone.key(timeout=TIMEOUT)
    started = time.monotonic()
    with pytest.raises(GatewayUnavailable):
        through_gateway(certified, gone, "head", key=key)
    assert time.monotonic() - started < TIMEOUT + 1.5


def test_a_place_the_letter_does_not_have_is_refused_before_asking_the_gateway(gateway, certified):
    with pytest.raises(SigningFailed) as refused:
        through_gateway(certified, gateway, "head", field_name="sig_nobody")
    assert "no place" in refused.value.words
    assert gateway.requests == []
