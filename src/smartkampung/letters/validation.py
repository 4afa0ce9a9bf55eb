"""Is this PDF an authentic, unmodified letter? Checks every signature of an uploaded or stored file.

pyHanko validates each signature against the deployment's trust roots (no network: revocation soft-fail, nothing
fetched) and runs its difference analysis over the revisions after each signature: a certified letter to which
form filling and signatures were added is fine, anything else (new page content, new annotations, edited objects)
is flagged. Nothing in here raises on a bad upload: garbage, a truncated or encrypted file all come back as
`readable=False` with words.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, field
from io import BytesIO

from asn1crypto import x509 as asn1_x509
from django.utils.translation import gettext
from pyhanko.keys import load_certs_from_pemder_data
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import async_validate_pdf_signature
from pyhanko.sign.validation.settings import KeyUsageConstraints
from pyhanko.sign.validation.status import SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext

from smartkampung.letters.pdf import CODE_INFO_KEY, KEYWORD_PREFIX
from smartkampung.letters.signing import run_sync

__all__ = ["PdfCheck", "SignatureCheck", "check_pdf", "embedded_code"]

logger = logging.getLogger(__name__)

MAX_SIGNATURES = 20
MAX_REVISIONS = 2 * MAX_SIGNATURES + 2
KEY_USAGE = KeyUsageConstraints(key_usage={"non_repudiation", "digital_signature"}, match_all_key_usages=False)


@dataclass(frozen=True)
class SignatureCheck:
    """One signature of a file, judged. `words` say in one sentence what is right or wrong with it."""

    field_name: str
    signer_name: str
    signed_at: dt.datetime | None
    intact: bool  # the signed bytes are unchanged
    valid: bool  # the cryptographic signature matches the signer's certificate
    trusted: bool  # the certificate leads to one of our trust roots and is usable now
    modification_ok: bool  # what was added after it is only form filling and signing
    covers_whole_file: bool
    words: str
    certifying: bool = False
    signer_position: str = ""
    certificate_fingerprint: str = ""  # SHA-256 of the signer's certificate, hex

    @property
    def good(self) -> bool:
        return self.intact and self.valid and self.trusted and self.modification_ok


@dataclass(frozen=True)
class PdfCheck:
    """A whole file, judged. `authentic` is the one answer for "is this an unmodified signed letter of ours"."""

    readable: bool
    problem: str
    signatures: list[SignatureCheck] = field(default_factory=list)
    untouched_since_last_signature: bool = False
    code: str | None = None

    @property
    def authentic(self) -> bool:
        return (
            self.readable
            and bool(self.signatures)
            and self.untouched_since_last_signature
            and all(signature.good for signature in self.signatures)
        )


def _unreadable(words: str) -> PdfCheck:
    return PdfCheck(readable=False, problem=words)


def _reader(data: bytes) -> PdfFileReader | str:
    if not data:
        return gettext("The file is empty.")
    if b"%PDF-" not in data[:1024]:
        return gettext("This file is not a PDF.")
    try:
        reader = PdfFileReader(BytesIO(data), strict=False)
        if reader.encrypted:
            return gettext("This PDF is encrypted; a letter of this service never is.")
        reader.root  # noqa: B018 - forces the catalog to be read
        return reader
    except Exception as exc:  # noqa: BLE001 - any parser failure means the same thing to the uploader
        logger.info("unreadable PDF upload: %r", exc)
        return gettext("This PDF is damaged or incomplete and cannot be read.")


def _first_revision_info(reader: PdfFileReader) -> generic.DictionaryObject | None:
    try:
        trailer = reader.get_historical_resolver(0).trailer_view
        info = trailer["/Info"]
        return info if isinstance(info, generic.DictionaryObject) else None
    except Exception:  # noqa: BLE001
        return None


def _code_from(reader: PdfFileReader) -> str | None:
    info = _first_revision_info(reader)
    if info is None:
        return None
    try:
        code = info.get(CODE_INFO_KEY)
        if code:
            return str(code)
        keywords = str(info.get("/Keywords", ""))
    except Exception:  # noqa: BLE001
        return None
    if keywords.startswith(KEYWORD_PREFIX):
        return keywords[len(KEYWORD_PREFIX) :].split()[0] if keywords[len(KEYWORD_PREFIX) :].strip() else None
    return None


def embedded_code(data: bytes) -> str | None:
    """The verification code render_letter stored in the letter's first revision (the one every signature
    covers), or None for a file that is not one of our letters."""
    reader = _reader(data)
    if isinstance(reader, str):
        return None
    return _code_from(reader)


def _subject(cert, attribute: str) -> str:
    try:
        return str(cert.subject.native.get(attribute, "") or "")
    except Exception:  # noqa: BLE001
        return ""


def _words(name: str, intact: bool, valid: bool, trusted: bool, modification_ok: bool) -> str:
    if not intact:
        return gettext("The signature of %(name)s no longer matches the document: it was changed after signing.") % {
            "name": name
        }
    if not valid:
        return gettext("The signature of %(name)s does not match the signer's certificate.") % {"name": name}
    if not trusted:
        return gettext(
            "The certificate of %(name)s was not issued by an authority this service trusts, or is no longer valid."
        ) % {"name": name}
    if not modification_ok:
        return gettext(
            "After %(name)s signed, the document was changed in a way that is not allowed "
            "(more than filling in the letter's fields and adding signatures)."
        ) % {"name": name}
    return gettext("Signed by %(name)s: the signature is valid.") % {"name": name}


async def _check_one(embedded, context: ValidationContext) -> SignatureCheck:
    field_name = str(embedded.field_name or "")
    try:
        cert = embedded.signer_cert
        name = _subject(cert, "common_name") or field_name
        position = _subject(cert, "title")
        fingerprint = cert.sha256.hex()
    except Exception:  # noqa: BLE001
        cert, name, position, fingerprint = None, field_name, "", ""
    try:
        signed_at = embedded.self_reported_timestamp
    except Exception:  # noqa: BLE001
        signed_at = None
    try:
        certifying = embedded.docmdp_level is not None
    except Exception:  # noqa: BLE001
        certifying = False
    try:
        status = await async_validate_pdf_signature(
            embedded, signer_validation_context=context, key_usage_settings=KEY_USAGE
        )
    except Exception as exc:  # noqa: BLE001 - a malformed signature is a bad signature, not a crash
        logger.info("signature %s could not be validated: %r", field_name, exc)
        return SignatureCheck(
            field_name=field_name,
            signer_name=name,
            signed_at=signed_at,
            intact=False,
            valid=False,
            trusted=False,
            modification_ok=False,
            covers_whole_file=False,
            words=gettext("The signature of %(name)s is malformed and cannot be checked.") % {"name": name},
            certifying=certifying,
            signer_position=position,
            certificate_fingerprint=fingerprint,
        )
    whole = status.coverage == SignatureCoverageLevel.ENTIRE_FILE
    modification_ok = whole if status.docmdp_ok is None else bool(status.docmdp_ok)
    intact, valid = bool(status.intact), bool(status.valid)
    trusted = bool(status.trusted)
    if signed_at is None:
        signed_at = status.signer_reported_dt
    return SignatureCheck(
        field_name=field_name,
        signer_name=name,
        signed_at=signed_at,
        intact=intact,
        valid=valid,
        trusted=trusted,
        modification_ok=modification_ok,
        covers_whole_file=whole,
        words=_words(name, intact, valid, trusted, modification_ok),
        certifying=certifying,
        signer_position=position,
        certificate_fingerprint=fingerprint,
    )


async def _check_all(signatures, context: ValidationContext) -> list[SignatureCheck]:
    return [await _check_one(embedded, context) for embedded in signatures]


def _roots(trust_roots: list[bytes]) -> list[asn1_x509.Certificate]:
    roots = []
    for root in trust_roots:
        try:
            roots.extend(load_certs_from_pemder_data(root))
        except ValueError:
            logger.warning("a trust root is not a certificate; ignored")
    return roots


def check_pdf(data: bytes, *, trust_roots: list[bytes]) -> PdfCheck:
    """Every signature of `data` checked against `trust_roots` (PEM or DER certificates)."""
    reader = _reader(data)
    if isinstance(reader, str):
        return _unreadable(reader)
    try:
        signatures = list(reader.embedded_regular_signatures)
    except Exception as exc:  # noqa: BLE001
        logger.info("signatures unreadable: %r", exc)
        return _unreadable(gettext("The signatures of this PDF cannot be read."))
    code = _code_from(reader)
    try:
        revisions = reader.xrefs.total_revisions
    except Exception:  # noqa: BLE001
        revisions = MAX_REVISIONS + 1
    if revisions > MAX_REVISIONS:  # each revision is compared with the next: bound the work an upload can cause
        return PdfCheck(readable=True, problem=gettext("This PDF was changed too many times to be checked."), code=code)
    if not signatures:
        return PdfCheck(
            readable=True,
            problem=gettext("This PDF carries no electronic signature."),
            code=code,
        )
    if len(signatures) > MAX_SIGNATURES:
        return PdfCheck(readable=True, problem=gettext("This PDF carries too many signatures to check."), code=code)
    context = ValidationContext(trust_roots=_roots(trust_roots), allow_fetching=False, revocation_mode="soft-fail")
    checks = run_sync(_check_all(signatures, context))
    last = checks[-1]
    untouched = last.covers_whole_file and last.intact
    problem = ""
    for check in checks:
        if not check.good:
            problem = check.words
            break
    if not problem and not untouched:
        problem = gettext("The file was changed after its last signature.")
    return PdfCheck(
        readable=True, problem=problem, signatures=checks, untouched_since_last_signature=untouched, code=code
    )
