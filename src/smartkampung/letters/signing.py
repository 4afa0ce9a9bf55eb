"""One signature step of a letter's chain, whatever the key: the deployment's own (LocalKey), an imported BSrE
certificate (Pkcs12Key) or BSrE's remote signing gateway (GatewayKey).

A step is a PAdES signature (ETSI.CAdES.detached) appended as an incremental update into the letter's existing
empty signature field, with a visible block showing name, position and time (WIB). Only the first step certifies
(DocMDP: form filling and signing allowed afterwards). The final step fills `letter_number` / `letter_date` in the
same revision as its signature, so the signature covers them.

Failures raise SigningFailed (or a subclass) with `words` for the official; the input bytes are never changed and
no partly signed file is ever returned.

The exceptions live in pki.py and GatewayKey in gateway.py (so that the modules import one another in one
direction only); this module re-exports them: use `signing.WrongPassphrase`, `signing.GatewayKey`, ….
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from io import BytesIO
from zoneinfo import ZoneInfo

from asn1crypto import algos
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.padding import PKCS1v15
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey
from django.utils.translation import gettext
from pyhanko.pdf_utils.font.basic import SimpleFontEngineFactory
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.misc import PdfError
from pyhanko.pdf_utils.text import TextBoxStyle
from pyhanko.sign.fields import MDPPerm, SigSeedSubFilter
from pyhanko.sign.general import SigningError, get_pyca_cryptography_hash
from pyhanko.sign.signers import PdfSignatureMetadata, PdfSigner
from pyhanko.sign.signers.pdf_cms import PdfCMSSignedAttributes, Signer
from pyhanko.stamp import TextStampStyle
from pyhanko_certvalidator.registry import SimpleCertificateStore

from smartkampung.letters import pki
from smartkampung.letters.gateway import GatewayKey, sign_remote
from smartkampung.letters.pdf import FieldProblem, fill_fields, find_field, latin1
from smartkampung.letters.pki import GatewayRefused, GatewayUnavailable, SigningFailed, WrongPassphrase

__all__ = [
    "WIB",
    "GatewayKey",
    "GatewayRefused",
    "GatewayUnavailable",
    "LocalKey",
    "Pkcs12Key",
    "SigningFailed",
    "WrongPassphrase",
    "run_sync",
    "sign_step",
    "wib",
]

logger = logging.getLogger(__name__)

WIB = ZoneInfo("Asia/Jakarta")


@dataclass(frozen=True)
class LocalKey:
    """A certificate with its private key encrypted by the official's passphrase (pki.issue_official, or
    pki.load_pkcs12 of an imported BSrE file); `chain_pems` are the issuing certificates."""

    certificate_pem: bytes
    key_pem: bytes
    chain_pems: tuple[bytes, ...] = ()


@dataclass(frozen=True)
class Pkcs12Key:
    """An imported PKCS#12 file kept as it is; its password is the passphrase asked at signing.

    Give the certificate (and chain) read from it at import (pki.load_pkcs12) and a signature takes ~50 ms less:
    only the key is decrypted, and checked against that certificate."""

    data: bytes
    certificate_pem: bytes = b""
    chain_pems: tuple[bytes, ...] = ()


SigningKey = LocalKey | Pkcs12Key | GatewayKey

STAMP_TEXT = "Ditandatangani secara elektronik oleh\n%(signer)s\n%(position)s\n%(when)s"
STAMP_STYLE = TextStampStyle(
    stamp_text=STAMP_TEXT,
    text_box_style=TextBoxStyle(font=SimpleFontEngineFactory("Helvetica", 0.5), font_size=8, leading=10),
    border_width=1,
)


def wib(moment: dt.datetime) -> str:
    """A moment as printed on letters: 03-12-2026 19:40:12 WIB."""
    return moment.astimezone(WIB).strftime("%d-%m-%Y %H:%M:%S WIB")


class _KeySigner(Signer):
    """pyHanko's SimpleSigner reloads (and re-checks, ~50 ms) the key at every raw signature; this one keeps the
    key object, and verifies each raw signature with the certificate's public key before it is used."""

    def __init__(self, key: RSAPrivateKey, cert: asn1_x509.Certificate, others: list[asn1_x509.Certificate]):
        super().__init__(
            signing_cert=cert,
            cert_registry=SimpleCertificateStore.from_certs([cert, *others]),
            signature_mechanism=algos.SignedDigestAlgorithm({"algorithm": "sha256_rsa"}),
            embed_roots=True,
        )
        self._key = key

    async def async_sign_raw(self, data: bytes, digest_algorithm: str, dry_run: bool = False) -> bytes:
        if dry_run:
            return bytes(self._key.key_size // 8)
        digest = get_pyca_cryptography_hash(digest_algorithm)
        raw = self._key.sign(data, PKCS1v15(), digest)
        self._key.public_key().verify(raw, data, PKCS1v15(), digest)
        return raw


def _asn1(cert: x509.Certificate) -> asn1_x509.Certificate:
    return asn1_x509.Certificate.load(cert.public_bytes(serialization.Encoding.DER))


def _signer_for(key: LocalKey | Pkcs12Key, passphrase: str) -> _KeySigner:
    if isinstance(key, Pkcs12Key):
        private = pki.pkcs12_private_key(key.data, passphrase) if key.certificate_pem else None
        if private is None:
            private, cert, others = pki.open_pkcs12(key.data, passphrase)
            return _KeySigner(private, _asn1(cert), [_asn1(other) for other in others])
    else:
        private = pki.load_private_key(key.key_pem, passphrase, checked=False)
    cert = pki.load_certificate(key.certificate_pem)
    if private.public_key().public_numbers() != cert.public_key().public_numbers():
        raise SigningFailed(gettext("The stored key does not belong to the certificate."))
    others = [pki.load_certificate(pem) for pem in key.chain_pems]
    return _KeySigner(private, _asn1(cert), [_asn1(other) for other in others])


def _reserve(signer: _KeySigner) -> int:
    """Bytes for the hex-encoded CMS object: twice its DER size (certificates, signature, attributes) with room."""
    certs = sum(len(cert.dump()) for cert in signer.cert_registry)
    return 2 * (certs + 2 * signer._key.key_size // 8 + 2048)


def _check_field(writer: IncrementalPdfFileWriter, field_name: str) -> None:
    try:
        _, ref = find_field(writer, field_name, "/Sig")
    except FieldProblem as exc:
        raise SigningFailed(gettext("This letter has no place for this signature."), detail=str(exc)) from exc
    if "/V" in ref.get_object():
        raise SigningFailed(gettext("This place on the letter is already signed."), detail=field_name)


async def _sign(writer, pdf_signer: PdfSigner, when: dt.datetime, text_params: dict, reserve: int) -> bytes:
    # PdfSigner.async_sign_pdf step by step, for a signing time given by the caller (`when`).
    session = pdf_signer.init_signing_session(writer, existing_fields_only=True)
    session.system_time = when
    tbs = session.prepare_tbs_document(validation_info=None, bytes_reserved=reserve, appearance_text_params=text_params)
    prepared, output = tbs.digest_tbs_document(output=BytesIO())
    post = await tbs.perform_signature(
        document_digest=prepared.document_digest,
        pdf_cms_signed_attrs=PdfCMSSignedAttributes(signing_time=when),
    )
    await post.post_signature_processing(output)
    return output.getvalue()


def run_sync(coroutine):
    """Run a pyHanko coroutine to its end, also when called from code already inside an event loop."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(coroutine)
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


def _fill_only(pdf: bytes, fill: Mapping[str, str]) -> bytes:
    writer = IncrementalPdfFileWriter(BytesIO(pdf))
    fill_fields(writer, fill)
    out = BytesIO()
    writer.write(out)
    return out.getvalue()


def sign_step(
    pdf: bytes,
    *,
    key: SigningKey,
    passphrase: str,
    field_name: str,
    certify: bool,
    signer_name: str,
    position: str,
    reason: str,
    location: str,
    fill: Mapping[str, str] | None = None,
    when: dt.datetime | None = None,
) -> bytes:
    """`pdf` with one more signature, in its empty field `field_name`; see the module's docstring.

    For a GatewayKey the gateway makes the signature (an approval one: `certify` cannot be honoured there) after
    `fill` was applied as an update of its own. Raises WrongPassphrase, GatewayUnavailable, GatewayRefused or
    SigningFailed, always with `words`.
    """
    when = (when or dt.datetime.now(dt.UTC)).astimezone(dt.UTC).replace(microsecond=0)
    try:
        if isinstance(key, GatewayKey):
            prepared = _fill_only(pdf, fill) if fill else pdf
            return sign_remote(
                prepared,
                key=key,
                passphrase=passphrase,
                field_name=field_name,
                reason=reason,
                location=location,
            )
        signer = _signer_for(key, passphrase)
        writer = IncrementalPdfFileWriter(BytesIO(pdf))
        _check_field(writer, field_name)
        if fill:
            fill_fields(writer, fill)
        metadata = PdfSignatureMetadata(
            field_name=field_name,
            md_algorithm="sha256",
            subfilter=SigSeedSubFilter.PADES,
            certify=certify,
            docmdp_permissions=MDPPerm.FILL_FORMS,
            reason=reason or None,
            location=location or None,
            name=signer_name or None,
        )
        pdf_signer = PdfSigner(metadata, signer, stamp_style=STAMP_STYLE)
        text_params = {
            "signer": latin1(signer_name or signer.subject_name),
            "position": latin1(position),
            "when": wib(when),
        }
        signed = run_sync(_sign(writer, pdf_signer, when, text_params, _reserve(signer)))
    except SigningFailed:
        raise
    except pki.BadCertificateFile as exc:
        raise SigningFailed(exc.words, detail=str(exc)) from exc
    except InvalidSignature as exc:  # the key produced a signature its own public key rejects
        logger.error("signing key fault: %r", exc)
        raise SigningFailed(detail="raw signature does not verify") from exc
    except FieldProblem as exc:
        raise SigningFailed(gettext("The letter's form fields cannot be filled in."), detail=str(exc)) from exc
    except SigningError as exc:
        if "Certification signatures must be the first" in str(exc):
            raise SigningFailed(
                gettext("Only the first signature of a letter may certify it."), detail=str(exc)
            ) from exc
        logger.warning("signing failed: %s", exc)
        raise SigningFailed(detail=str(exc)) from exc
    except (PdfError, ValueError, TypeError, KeyError, IndexError, OSError) as exc:
        logger.warning("signing failed: %r", exc)
        raise SigningFailed(gettext("The letter's file cannot be signed: it is damaged."), detail=repr(exc)) from exc
    if not signed.startswith(pdf):  # an incremental update only: earlier signatures stay valid
        raise SigningFailed(detail="the signed file does not extend the original")
    return signed
