"""Certificates and keys for tests, made once per process (an RSA key takes ~0.1 s to generate).

`deployment_root()` is the deployment's own certificate authority; `official(role)` an official with a certificate
from it; `bsre_root()` / `bsre_official()` a separate authority standing in for BSrE (used for PKCS#12 imports and
by the gateway stand-in). Every key is encrypted with its passphrase, as in production.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

from cryptography import x509
from cryptography.hazmat.primitives.serialization import BestAvailableEncryption, pkcs12

from smartkampung.letters import pki
from smartkampung.letters.pdf import DATE_FIELD, NUMBER_FIELD, LetterContent, SignatureSlot, render_letter
from smartkampung.letters.signing import LocalKey, sign_step

ROOT_PASSPHRASE = "root passphrase for tests"
BSRE_ROOT_PASSPHRASE = "bsre root passphrase"

OFFICIALS = {
    "operator": ("Siti Aminah", "Operator Desa", "Diverifikasi oleh"),
    "secretary": ("Bambang Sutrisno, S.E.", "Sekretaris Desa", "Paraf"),
    "head": ("H. Ahmad Fauzi", "Kepala Desa Sukamaju", "Kepala Desa Sukamaju"),
    "camat": ("Drs. Joko Susanto, M.Si.", "Camat Glagah", "Mengetahui, Camat Glagah"),
}


@dataclass(frozen=True)
class Root:
    cert_pem: bytes
    key_pem: bytes
    passphrase: str


@dataclass(frozen=True)
class Official:
    role: str
    name: str
    position: str
    action: str
    passphrase: str
    key: LocalKey


@functools.cache
def deployment_root() -> Root:
    cert, key = pki.make_root(
        common_name="SmartKampung Banyuwangi Root CA (tests)",
        organization="Pemerintah Kabupaten Banyuwangi",
        passphrase=ROOT_PASSPHRASE,
    )
    return Root(cert, key, ROOT_PASSPHRASE)


@functools.cache
def official(role: str) -> Official:
    name, position, action = OFFICIALS[role]
    root = deployment_root()
    passphrase = f"passphrase of the {role}"
    cert, key = pki.issue_official(
        root_cert_pem=root.cert_pem,
        root_key_pem=root.key_pem,
        root_passphrase=root.passphrase,
        name=name,
        position=position,
        organization="Pemerintah Desa Sukamaju",
        email=f"{role}@sukamaju.desa.id",
        passphrase=passphrase,
    )
    return Official(role, name, position, action, passphrase, LocalKey(cert, key, (root.cert_pem,)))


@functools.cache
def bsre_root() -> Root:
    cert, key = pki.make_root(
        common_name="Balai Sertifikasi Elektronik Stand-in CA (tests)",
        organization="Badan Siber dan Sandi Negara (stand-in)",
        passphrase=BSRE_ROOT_PASSPHRASE,
    )
    return Root(cert, key, BSRE_ROOT_PASSPHRASE)


@functools.cache
def bsre_official(
    nik: str = "3510010101800001",
    passphrase: str = "bsre passphrase",  # noqa: S107 - a test passphrase
) -> tuple[bytes, bytes, str]:
    """(certificate PEM, key PEM encrypted with `passphrase`, passphrase) of an official certified by the BSrE
    stand-in."""
    root = bsre_root()
    cert, key = pki.issue_official(
        root_cert_pem=root.cert_pem,
        root_key_pem=root.key_pem,
        root_passphrase=root.passphrase,
        name=f"Kepala Desa BSrE {nik[-4:]}",
        position="Kepala Desa",
        organization="Pemerintah Desa Sukamaju",
        passphrase=passphrase,
    )
    return cert, key, passphrase


@functools.cache
def bsre_pkcs12(password: str = "bsre passphrase") -> bytes:  # noqa: S107 - a test password
    """A .p12 as BSrE hands it out: key, certificate and the issuing CA, protected by `password`."""
    cert_pem, key_pem, _ = bsre_official(passphrase=password)
    key = pki.load_private_key(key_pem, password)
    return pkcs12.serialize_key_and_certificates(
        name=b"bsre",
        key=key,
        cert=x509.load_pem_x509_certificate(cert_pem),
        cas=[x509.load_pem_x509_certificate(bsre_root().cert_pem)],
        encryption_algorithm=BestAvailableEncryption(password.encode()),
    )


# Letters: a demonstration SKTM and a helper that runs its signature chain.

CHAIN = ("operator", "secretary", "head")
CHAIN_WITH_CAMAT = ("operator", "secretary", "head", "camat")
NUMBER = "474/012/429.502.05/XII/2026"
DATE = "3 Desember 2026"
INTRO = (
    "Yang bertanda tangan di bawah ini Kepala Desa Sukamaju, Kecamatan Glagah, Kabupaten Banyuwangi, "
    "menerangkan dengan sebenarnya bahwa:"
)


def field_of(role: str) -> str:
    return f"sig_{role}"


def sktm(roles: tuple[str, ...] = CHAIN, *, paragraphs: int = 1, code: str = "AB12-CD34-EF56") -> LetterContent:
    slots = []
    for role in roles:
        name, position, action = OFFICIALS[role]
        slots.append(SignatureSlot(field_of(role), action, position, name))
    return LetterContent(
        regency="Banyuwangi",
        district="Glagah",
        village="Sukamaju",
        village_kind="Desa",
        office_address="Jl. Raya Sukamaju No. 1, Glagah, Banyuwangi 68432 – Telp. (0333) 123456",
        title="Surat Keterangan Tidak Mampu",
        body_paragraphs=[INTRO] * paragraphs,
        facts=[
            ("Nama", "Ni Luh Putu Ayu Ṣaraswati"),
            ("NIK", "3510015203800001"),
            ("Tempat/Tgl. Lahir", "Banyuwangi, 12-03-1980"),
            ("Jenis Kelamin", "Perempuan"),
            ("Pekerjaan", "Buruh Tani"),
            ("Alamat", "Dusun Krajan RT 001 RW 002, Desa Sukamaju, Kecamatan Glagah, Kabupaten Banyuwangi"),
        ],
        closing=(
            "Orang tersebut di atas benar warga kami yang tergolong keluarga tidak mampu. Surat keterangan ini "
            "dibuat untuk keperluan keringanan biaya pelayanan kesehatan.\n\n"
            "Demikian surat keterangan ini dibuat untuk dipergunakan sebagaimana mestinya."
        ),
        place="Sukamaju",
        verify_url=f"https://smartkampung.example.id/verify/{code}",
        code=code,
        slots=slots,
    )


def sign_as(pdf: bytes, role: str, *, first: bool = False, last: bool = False, **changes) -> bytes:
    """`pdf` signed by the official of `role`; the first signature certifies, the last fills number and date."""
    who = official(role)
    arguments = {
        "key": who.key,
        "passphrase": who.passphrase,
        "field_name": field_of(role),
        "certify": first,
        "signer_name": who.name,
        "position": who.position,
        "reason": "Persetujuan surat",
        "location": "Sukamaju",
        "fill": {NUMBER_FIELD: NUMBER, DATE_FIELD: DATE} if last else None,
    }
    arguments.update(changes)
    return sign_step(pdf, **arguments)


def signed_letter(roles: tuple[str, ...] = CHAIN, **content_changes) -> bytes:
    """A letter rendered and signed by every official of `roles`, in order."""
    pdf = render_letter(sktm(roles, **content_changes))
    for ix, role in enumerate(roles):
        pdf = sign_as(pdf, role, first=ix == 0, last=ix == len(roles) - 1)
    return pdf
