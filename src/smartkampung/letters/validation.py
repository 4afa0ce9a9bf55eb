"""Is this PDF an authentic, unmodified letter? Checks every signature of an uploaded or stored file.

pyHanko validates each signature against the deployment's trust roots (no network: revocation soft-fail, nothing
fetched) and runs its difference analysis over the revisions after each signature: a certified letter to which
form filling and signatures were added is fine, anything else (new page content, new annotations, edited objects)
is flagged. Nothing in here raises on a bad upload: garbage, a truncated or encrypted file all come back as
`readable=False` with words.

The difference analysis is what costs: its time grows faster than the objects each update adds (a 0.8 MB file of
14 updates of 800 objects took some 10 s). An upload from anyone is therefore first measured by `inspect_pdf`
(its revisions and the objects written in them, read from the cross-reference sections alone, a few
milliseconds) and `check_pdf` is told how much structure it may analyse (`max_objects`) or to skip the difference
analysis (`diff=False`); streams are decoded under tighter limits than pyHanko's defaults. Counting is not enough
against a file built to be slow to *parse* (pyHanko's parser is pure Python: a direct array of a million numbers
in the catalogue takes seconds to read before anything is counted), so an upload is read in a child process with
a deadline (`within`): past it the child is killed and the upload answered in words.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import pickle  # noqa: S403 - only between this process and its own forked child
import select
import signal
import time
from dataclasses import dataclass, field
from io import BytesIO

from asn1crypto import x509 as asn1_x509
from django.utils.translation import gettext
from pyhanko.keys import load_certs_from_pemder_data
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.decode_limits import (
    DEFAULT_PURPOSE_LIMITS,
    DecodeLimits,
    DecodePurpose,
    DocumentDecodeBudget,
    StreamDecodeLimits,
)
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import async_validate_pdf_signature
from pyhanko.sign.validation.settings import KeyUsageConstraints
from pyhanko.sign.validation.status import SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext

from smartkampung.letters.pdf import CODE_INFO_KEY, KEYWORD_PREFIX
from smartkampung.letters.signing import run_sync

__all__ = ["PdfCheck", "PdfShape", "SignatureCheck", "TooSlow", "check_pdf", "embedded_code", "inspect_pdf", "within"]

logger = logging.getLogger(__name__)

MAX_SIGNATURES = 20
MAX_REVISIONS = 2 * MAX_SIGNATURES + 2
# The objects written over all revisions of a file (cross-reference entries) beyond which no difference analysis
# is run: a letter of this service has some 20 in its first revision and fewer than 10 a signature.
MAX_OBJECTS = 2000
MIB = 1024 * 1024
# What the streams of an uploaded file may decode to: a letter's fonts, logo and QR code are well under these.
DECODE_LIMITS = DecodeLimits(
    per_stream=StreamDecodeLimits(max_ratio=1100, ratio_floor=MIB, max_output_size=32 * MIB),
    per_purpose={
        **DEFAULT_PURPOSE_LIMITS,
        DecodePurpose.OBJECT_STREAM: StreamDecodeLimits(max_ratio=100, ratio_floor=MIB, max_output_size=4 * MIB),
        DecodePurpose.XREF_STREAM: StreamDecodeLimits(max_ratio=100, ratio_floor=MIB, max_output_size=4 * MIB),
    },
    document_budget=DocumentDecodeBudget(base_allowance=64 * MIB, max_ratio=20),
)
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

    too_complex: bool = False  # readable, but more structure than may be analysed: nothing was validated

    @property
    def authentic(self) -> bool:
        return (
            self.readable
            and bool(self.signatures)
            and self.untouched_since_last_signature
            and all(signature.good for signature in self.signatures)
        )


@dataclass(frozen=True)
class PdfShape:
    """How much there is to check in a file, measured without validating anything: its revisions (the first
    plus one per incremental update) and the objects written over all of them (cross-reference entries)."""

    readable: bool
    problem: str = ""
    revisions: int = 0
    objects: int = 0
    code: str | None = None


def _unreadable(words: str) -> PdfCheck:
    return PdfCheck(readable=False, problem=words)


def _reader(data: bytes) -> PdfFileReader | str:
    if not data:
        return gettext("The file is empty.")
    if b"%PDF-" not in data[:1024]:
        return gettext("This file is not a PDF.")
    try:
        reader = PdfFileReader(BytesIO(data), strict=False, decode_limits=DECODE_LIMITS)
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


def _size(reader: PdfFileReader) -> tuple[int, int]:
    """(revisions, objects written over all of them), from the cross-reference sections already parsed."""
    xrefs = reader.xrefs
    revisions = xrefs.total_revisions
    objects = 0
    for revision in range(revisions):
        data = xrefs.get_xref_data(revision)
        objects += len(data.explicit_refs_in_revision)
        if data.hybrid is not None:
            objects += len(data.hybrid.xref_data.explicit_refs_in_revision)
    return revisions, objects


def inspect_pdf(data: bytes) -> PdfShape:
    """The file's size in revisions and objects and the letter code of its first revision, without validating a
    signature (a few milliseconds whatever the file): what an upload's check may cost is decided from it."""
    reader = _reader(data)
    if isinstance(reader, str):
        return PdfShape(readable=False, problem=reader)
    try:
        revisions, objects = _size(reader)
    except Exception as exc:  # noqa: BLE001
        logger.info("cross-references unreadable: %r", exc)
        return PdfShape(readable=False, problem=gettext("This PDF is damaged or incomplete and cannot be read."))
    return PdfShape(readable=True, revisions=revisions, objects=objects, code=_code_from(reader))


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


async def _check_one(embedded, context: ValidationContext, *, diff: bool = True) -> SignatureCheck:
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
            embedded, signer_validation_context=context, key_usage_settings=KEY_USAGE, skip_diff=not diff
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


async def _check_all(signatures, context: ValidationContext, *, diff: bool = True) -> list[SignatureCheck]:
    return [await _check_one(embedded, context, diff=diff) for embedded in signatures]


def _roots(trust_roots: list[bytes]) -> list[asn1_x509.Certificate]:
    roots = []
    for root in trust_roots:
        try:
            roots.extend(load_certs_from_pemder_data(root))
        except ValueError:
            logger.warning("a trust root is not a certificate; ignored")
    return roots


def check_pdf(data: bytes, *, trust_roots: list[bytes], diff: bool = True, max_objects: int | None = None) -> PdfCheck:
    """Every signature of `data` checked against `trust_roots` (PEM or DER certificates).

    `diff=False` skips the difference analysis (each signature's bytes and certificate are still checked, and a
    signature counts as unchanged since only if it covers the whole file). A file with more than `max_objects`
    objects written over its revisions is not validated at all: it comes back `too_complex`."""
    reader = _reader(data)
    if isinstance(reader, str):
        return _unreadable(reader)
    if max_objects is not None:
        try:
            objects = _size(reader)[1]
        except Exception:  # noqa: BLE001
            return _unreadable(gettext("This PDF is damaged or incomplete and cannot be read."))
        if objects > max_objects:
            return PdfCheck(
                readable=True,
                problem=gettext("This PDF is far more complex than a letter, so its signatures were not checked."),
                code=_code_from(reader),
                too_complex=True,
            )
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
    checks = run_sync(_check_all(signatures, context, diff=diff))
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


# ---------------------------------------------------------------- a deadline for untrusted files


class TooSlow(Exception):
    """The file took longer to read than it was given."""


def within(seconds: float, function, /, *args, **kwargs):
    """`function(*args, **kwargs)` computed in a forked child process that is killed once `seconds` have passed
    (TooSlow). The child touches nothing of the parent's (no database, no files) and leaves with os._exit; the
    result comes back pickled through a pipe, so it must be plain data (PdfShape, PdfCheck). Where the platform
    cannot fork, the function runs here, without a deadline."""
    if not hasattr(os, "fork"):
        return function(*args, **kwargs)
    if seconds <= 0:
        raise TooSlow
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child
        status = 0
        try:
            os.close(read_end)
            try:
                payload = pickle.dumps((True, function(*args, **kwargs)))
            except Exception as exc:  # noqa: BLE001 - told to the parent, which decides
                payload = pickle.dumps((False, repr(exc)))
            with os.fdopen(write_end, "wb") as out:
                out.write(payload)
        except BaseException:  # noqa: BLE001
            status = 1
        finally:
            os._exit(status)
    os.close(write_end)
    chunks, finished = [], False
    deadline = time.monotonic() + seconds
    try:
        while True:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([read_end], [], [], left)[0]:
                raise TooSlow
            chunk = os.read(read_end, 1 << 16)
            if not chunk:
                finished = True
                break
            chunks.append(chunk)
    finally:
        os.close(read_end)
        if not finished:
            os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
    try:
        ok, value = pickle.loads(b"".join(chunks))  # noqa: S301 - written by our own child just now
    except Exception as exc:  # noqa: BLE001 - the child died without answering (killed, out of memory)
        raise TooSlow from exc
    if not ok:
        raise RuntimeError(value)
    return value
