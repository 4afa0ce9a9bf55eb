"""Helpers of the certification tests (no tests here): an agency officer holding a signing key of the test
authority (made the way letters/tests/officials.py makes officials' keys: `smartkampung signing_certificate`
refuses accounts that sign no village letter), findings recorded for a whole checklist, and small photos."""

from __future__ import annotations

import functools
import io

from PIL import Image

from smartkampung.letters import pki
from smartkampung.letters.models import SigningKey
from smartkampung.letters.tests.officials import PASSPHRASE, authority, official_key
from smartkampung.tourism.services import certification as service
from smartkampung.tourism.tests import factories as f

SIGNER_NAME = "Dra. Ayu Lestari"
SIGNER_POSITION = "Kepala Dinas Kebudayaan dan Pariwisata"

__all__ = ["PASSPHRASE", "inspector", "photo", "record_all"]


def give_signing_key(user) -> SigningKey:
    authority()
    cert, key_pem = official_key(SIGNER_NAME, SIGNER_POSITION)
    facts = pki.certificate_facts(cert)
    return SigningKey.objects.create(
        user=user,
        kind=SigningKey.Kind.LOCAL,
        certificate_pem=cert.decode(),
        key_pem=key_pem.decode(),
        subject_name=facts.subject_name,
        fingerprint=facts.fingerprint_sha256,
        not_after=facts.not_after,
    )


def inspector(username: str = "inspektur.pariwisata", *, key: bool = True):
    """An officer of the tourism agency, with a signing key unless `key=False`."""
    user = f.agency(username)
    if key:
        give_signing_key(user)
    return user


def record_all(inspection, by, *, results: dict[str, str] | None = None, default: str = "met") -> None:
    """A finding for every item of the inspection's checklist: `results` by item code, else `default`."""
    for item in service.checklist_of(inspection):
        service.record_finding(
            inspection=inspection, item=item, result=(results or {}).get(item.code, default), note="", by=by
        )


@functools.cache
def photo(kind: str = "PNG", size: tuple[int, int] = (16, 16)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (30, 120, 200)).save(out, format=kind)
    return out.getvalue()
