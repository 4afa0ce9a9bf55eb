"""The deployment's own certificate authority for officials, and the certificate files officials bring.

Pure functions over bytes: no database, no files. Private keys leave these functions only as PEM encrypted with
a passphrase (PKCS#8, `BestAvailableEncryption`); the passphrase itself is never kept.

RSA 2048 with SHA-256 throughout: what Adobe Reader, poppler and BSrE's own certificates use.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import secrets
from dataclasses import dataclass

from asn1crypto import pkcs12 as asn1_pkcs12
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID, ObjectIdentifier
from django.utils.translation import gettext

__all__ = [
    "MIN_PASSPHRASE_LENGTH",
    "GatewayRefused",
    "GatewayUnavailable",
    "SigningFailed",
    "WrongPassphrase",
    "BadCertificateFile",
    "CertFacts",
    "certificate_facts",
    "check_passphrase",
    "issue_official",
    "load_certificate",
    "load_pkcs12",
    "load_private_key",
    "make_root",
    "open_pkcs12",
    "passphrase_problems",
    "pkcs12_private_key",
]

MIN_PASSPHRASE_LENGTH = 8
MAX_PASSPHRASE_LENGTH = 1024
KEY_SIZE = 2048
# Microsoft's "document signing" purpose; Adobe lists it among the purposes it accepts for signing.
DOCUMENT_SIGNING_MS = ObjectIdentifier("1.3.6.1.4.1.311.10.3.12")


# Errors a signature can end with; signing.py re-exports them, with the key sources, as one interface.


class SigningFailed(Exception):
    """A signature that was not made. `words` tell the official why; `detail` is for the log."""

    def default_words(self) -> str:
        return gettext("The letter could not be signed. It is still waiting for your signature; please try again.")

    def __init__(self, words: str | None = None, *, detail: str = ""):
        self.words = words or self.default_words()
        self.detail = detail
        super().__init__(str(self.words) + (f" ({detail})" if detail else ""))


class WrongPassphrase(SigningFailed):
    def default_words(self) -> str:
        return gettext("The passphrase is wrong. The letter was not signed.")


class GatewayUnavailable(SigningFailed):
    def default_words(self) -> str:
        return gettext(
            "The signing gateway did not answer. The letter was not signed and is still waiting for your "
            "signature; try again in a few minutes."
        )


class GatewayRefused(SigningFailed):
    def default_words(self) -> str:
        return gettext("The signing gateway refused to sign the letter.")


class BadCertificateFile(ValueError):
    """A certificate file that cannot be used, with the reason in words for the person who uploaded it."""

    def __init__(self, words: str):
        super().__init__(words)
        self.words = words


@dataclass(frozen=True)
class CertFacts:
    """What a person needs to know about a certificate, read from the certificate itself."""

    subject_name: str
    issuer_name: str
    serial: str
    not_before: dt.datetime
    not_after: dt.datetime
    fingerprint_sha256: str
    position: str = ""
    organization: str = ""
    email: str = ""
    is_ca: bool = False


def passphrase_problems(passphrase: str) -> list[str]:
    """What is wrong with a new passphrase, in words; empty when it may be used."""
    problems = []
    if len(passphrase) < MIN_PASSPHRASE_LENGTH:
        problems.append(
            gettext("The passphrase must have at least %(count)d characters.") % {"count": MIN_PASSPHRASE_LENGTH}
        )
    elif len(passphrase) > MAX_PASSPHRASE_LENGTH:
        problems.append(
            gettext("The passphrase may have at most %(count)d characters.") % {"count": MAX_PASSPHRASE_LENGTH}
        )
    elif not passphrase.strip():
        problems.append(gettext("The passphrase must not be only spaces."))
    return problems


# A stored key is a standard encrypted PKCS#8 PEM whose password is not the passphrase itself but scrypt of it
# (memory-hard, some 60 ms a try): PKCS#8's own PBKDF2 (2048 rounds in OpenSSL) alone would leave a database dump
# open to fast offline guessing of 8-character passphrases. The scrypt parameters and salt go in a header line.
SCRYPT_HEADER = b"Smartkampung-KDF: scrypt"
SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**14, 8, 1


def _scrypt_password(passphrase: str, *, salt: bytes, n: int, r: int, p: int) -> bytes:
    derived = Scrypt(salt=salt, length=32, n=n, r=r, p=p).derive(passphrase.encode("utf-8"))
    return derived.hex().encode()


def _encrypted_pem(key: rsa.RSAPrivateKey, passphrase: str) -> bytes:
    if not passphrase:
        raise BadCertificateFile(gettext("A private key must be protected by a passphrase."))
    salt = os.urandom(16)
    password = _scrypt_password(passphrase, salt=salt, n=SCRYPT_N, r=SCRYPT_R, p=SCRYPT_P)
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.BestAvailableEncryption(password),
    )
    header = b"%s n=%d r=%d p=%d salt=%s\n" % (SCRYPT_HEADER, SCRYPT_N, SCRYPT_R, SCRYPT_P, salt.hex().encode())
    return header + pem


def _key_password(key_pem: bytes, passphrase: str) -> tuple[bytes, bytes]:
    """(the PEM itself, the password that opens it) for a stored key, with or without the scrypt header."""
    if not key_pem.startswith(SCRYPT_HEADER):
        return key_pem, passphrase.encode("utf-8")  # an older or imported key: the passphrase opens it directly
    line, _newline, pem = key_pem.partition(b"\n")
    try:
        fields = dict(part.split(b"=", 1) for part in line[len(SCRYPT_HEADER) :].split())
        n, r, p, salt = int(fields[b"n"]), int(fields[b"r"]), int(fields[b"p"]), bytes.fromhex(fields[b"salt"].decode())
    except (KeyError, ValueError) as exc:
        raise BadCertificateFile(gettext("The stored private key cannot be read.")) from exc
    if not (2**10 <= n <= 2**20 and 1 <= r <= 16 and 1 <= p <= 4):
        raise BadCertificateFile(gettext("The stored private key cannot be read."))
    return pem, _scrypt_password(passphrase, salt=salt, n=n, r=r, p=p)


def load_private_key(key_pem: bytes, passphrase: str, *, checked: bool = True):
    """The private key in `key_pem`, decrypted with `passphrase`.

    `checked=False` skips OpenSSL's RSA consistency check (about 50 ms for RSA 2048): for keys this module made or
    already checked on import. Raises WrongPassphrase for a wrong passphrase, BadCertificateFile for a key that is
    not a usable encrypted key.
    """
    key_pem, password = _key_password(key_pem, passphrase)
    try:
        key = serialization.load_pem_private_key(key_pem, password, unsafe_skip_rsa_key_validation=not checked)
    except TypeError as exc:  # the key is not encrypted, or is and no passphrase was given
        raise BadCertificateFile(gettext("The stored private key is not protected by a passphrase.")) from exc
    except ValueError as exc:
        if b"ENCRYPTED PRIVATE KEY" in key_pem[:64] or b"Proc-Type: 4,ENCRYPTED" in key_pem[:128]:
            raise WrongPassphrase() from exc
        raise BadCertificateFile(gettext("The stored private key cannot be read.")) from exc
    if not isinstance(key, rsa.RSAPrivateKey):
        raise BadCertificateFile(gettext("Only RSA keys are supported."))
    return key


def check_passphrase(key_pem: bytes, passphrase: str) -> None:
    """Raise WrongPassphrase unless `passphrase` opens the encrypted `key_pem`."""
    load_private_key(key_pem, passphrase, checked=False)


def _name(common_name: str, organization: str, title: str = "") -> x509.Name:
    attributes = [x509.NameAttribute(NameOID.COUNTRY_NAME, "ID")]
    if organization:
        attributes.append(x509.NameAttribute(NameOID.ORGANIZATION_NAME, organization[:64]))
    if title:
        attributes.append(x509.NameAttribute(NameOID.TITLE, title[:64]))
    attributes.append(x509.NameAttribute(NameOID.COMMON_NAME, common_name[:64]))
    return x509.Name(attributes)


def _now() -> dt.datetime:
    # Five minutes back, so that a certificate made now is already valid on a clock a little behind.
    return dt.datetime.now(dt.UTC).replace(microsecond=0) - dt.timedelta(minutes=5)


def make_root(*, common_name: str, organization: str, passphrase: str, years: int = 10) -> tuple[bytes, bytes]:
    """A new root certificate authority: (certificate PEM, private key PEM encrypted with `passphrase`)."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=KEY_SIZE)
    name = _name(common_name, organization)
    start = _now()
    public = key.public_key()
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(public)
        .serial_number(x509.random_serial_number())
        .not_valid_before(start)
        .not_valid_after(start + dt.timedelta(days=365 * years))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=False,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(public), critical=False)
        .sign(key, hashes.SHA256())
    )
    return cert.public_bytes(serialization.Encoding.PEM), _encrypted_pem(key, passphrase)


def issue_official(
    *,
    root_cert_pem: bytes,
    root_key_pem: bytes,
    root_passphrase: str,
    name: str,
    position: str,
    organization: str,
    email: str = "",
    passphrase: str,
    years: int = 2,
) -> tuple[bytes, bytes]:
    """A signing certificate for an official, issued by the root: (certificate PEM, key PEM encrypted with the
    official's `passphrase`). Raises WrongPassphrase when `root_passphrase` does not open the root key."""
    root_cert = x509.load_pem_x509_certificate(root_cert_pem)
    root_key = load_private_key(root_key_pem, root_passphrase, checked=False)
    if root_key.public_key().public_numbers() != root_cert.public_key().public_numbers():
        raise BadCertificateFile(gettext("The root key does not belong to the root certificate."))
    key = rsa.generate_private_key(public_exponent=65537, key_size=KEY_SIZE)
    public = key.public_key()
    start = _now()
    end = min(start + dt.timedelta(days=365 * years), root_cert.not_valid_after_utc)
    builder = (
        x509.CertificateBuilder()
        .subject_name(_name(name, organization, position))
        .issuer_name(root_cert.subject)
        .public_key(public)
        .serial_number(int.from_bytes(secrets.token_bytes(16), "big") >> 1 or 1)
        .not_valid_before(start)
        .not_valid_after(end)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=True,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=False,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(
            x509.ExtendedKeyUsage([ExtendedKeyUsageOID.EMAIL_PROTECTION, DOCUMENT_SIGNING_MS]), critical=False
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(public), critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(root_cert.public_key()), critical=False)
    )
    if email:
        builder = builder.add_extension(x509.SubjectAlternativeName([x509.RFC822Name(email)]), critical=False)
    cert = builder.sign(root_key, hashes.SHA256())
    return cert.public_bytes(serialization.Encoding.PEM), _encrypted_pem(key, passphrase)


def load_certificate(cert_pem_or_der: bytes) -> x509.Certificate:
    """A certificate from PEM or DER; BadCertificateFile otherwise."""
    try:
        if cert_pem_or_der.lstrip().startswith(b"-----BEGIN"):
            return x509.load_pem_x509_certificate(cert_pem_or_der)
        return x509.load_der_x509_certificate(cert_pem_or_der)
    except ValueError as exc:
        raise BadCertificateFile(gettext("This is not a certificate.")) from exc


def _attribute(name: x509.Name, oid: ObjectIdentifier) -> str:
    values = name.get_attributes_for_oid(oid)
    return str(values[0].value) if values else ""


def certificate_facts(cert_pem_or_der: bytes) -> CertFacts:
    """Subject, issuer, serial, validity and fingerprint of a certificate (PEM or DER)."""
    cert = load_certificate(cert_pem_or_der)
    try:
        constraints = cert.extensions.get_extension_for_class(x509.BasicConstraints).value
        is_ca = constraints.ca
    except x509.ExtensionNotFound:
        is_ca = False
    try:
        san = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
        emails = san.get_values_for_type(x509.RFC822Name)
    except x509.ExtensionNotFound:
        emails = []
    email = emails[0] if emails else _attribute(cert.subject, NameOID.EMAIL_ADDRESS)
    return CertFacts(
        subject_name=_attribute(cert.subject, NameOID.COMMON_NAME) or cert.subject.rfc4514_string(),
        issuer_name=_attribute(cert.issuer, NameOID.COMMON_NAME) or cert.issuer.rfc4514_string(),
        serial=format(cert.serial_number, "x"),
        not_before=cert.not_valid_before_utc,
        not_after=cert.not_valid_after_utc,
        fingerprint_sha256=hashlib.sha256(cert.public_bytes(serialization.Encoding.DER)).hexdigest(),
        position=_attribute(cert.subject, NameOID.TITLE),
        organization=_attribute(cert.subject, NameOID.ORGANIZATION_NAME),
        email=email,
        is_ca=is_ca,
    )


def _looks_like_pkcs12(data: bytes) -> bool:
    try:
        pfx = asn1_pkcs12.Pfx.load(data, strict=True)
        return pfx["version"].native == "v3" and pfx["auth_safe"]["content_type"].native in {"data", "signed_data"}
    except (ValueError, TypeError, KeyError):
        return False


def open_pkcs12(data: bytes, password: str) -> tuple[rsa.RSAPrivateKey, x509.Certificate, list[x509.Certificate]]:
    """The key, certificate and other certificates of a PKCS#12 file; the errors of `load_pkcs12`."""
    if not _looks_like_pkcs12(data):
        raise BadCertificateFile(gettext("This is not a PKCS#12 certificate file (.p12 or .pfx)."))
    try:
        key, cert, others = pkcs12.load_key_and_certificates(data, password.encode("utf-8") if password else None)
    except ValueError as exc:
        raise WrongPassphrase() from exc
    if key is None or cert is None:
        raise BadCertificateFile(gettext("The certificate file must hold both a certificate and its private key."))
    if not isinstance(key, rsa.RSAPrivateKey):
        raise BadCertificateFile(gettext("Only RSA keys are supported."))
    if key.public_key().public_numbers() != cert.public_key().public_numbers():
        raise BadCertificateFile(gettext("The private key does not belong to the certificate."))
    return key, cert, list(others)


def pkcs12_private_key(data: bytes, password: str) -> rsa.RSAPrivateKey | None:
    """The private key of a PKCS#12 file, quickly: decrypted from its shrouded key bag without OpenSSL's RSA
    consistency check and without the certificates (whose decryption costs as much again). None when the file is
    laid out otherwise or the password does not open the key; use `open_pkcs12` then, which says why. The caller
    must check the key against the certificate it expects."""
    try:
        for content in asn1_pkcs12.Pfx.load(data).authenticated_safe:
            if content["content_type"].native != "data":
                continue
            for bag in asn1_pkcs12.SafeContents.load(content["content"].native):
                if bag["bag_id"].native == "pkcs8_shrouded_key_bag":
                    key = serialization.load_der_private_key(
                        bag["bag_value"].untag().dump(),
                        password.encode("utf-8"),
                        unsafe_skip_rsa_key_validation=True,
                    )
                    return key if isinstance(key, rsa.RSAPrivateKey) else None
    except (ValueError, TypeError, KeyError):
        return None
    return None


def load_pkcs12(data: bytes, password: str) -> tuple[bytes, bytes, list[bytes]]:
    """Open a PKCS#12 file (.p12/.pfx, e.g. a BSrE certificate): (certificate PEM, key PEM encrypted with the same
    password, [other certificates' PEM]). WrongPassphrase for a wrong password, BadCertificateFile for a file that
    is not PKCS#12 or lacks the key or the certificate. The result can be kept and used as a `signing.LocalKey`."""
    key, cert, others = open_pkcs12(data, password)
    chain = [other.public_bytes(serialization.Encoding.PEM) for other in others]
    return cert.public_bytes(serialization.Encoding.PEM), _encrypted_pem(key, password), chain
