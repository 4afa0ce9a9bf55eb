"""Officials' signing keys: the deployment's authority made and replaced, a certificate issued from it, a BSrE
certificate brought as a PKCS#12 file, the BSrE gateway by NIK; every bad input refused in words with nothing
stored, and only officials who sign letters hold a key."""

import datetime as dt

import pytest
from cryptography import x509
from cryptography.hazmat.primitives.serialization import BestAvailableEncryption, pkcs12
from django.utils import translation

from smartkampung.accounts.models import RoleAssignment
from smartkampung.audit.models import AuditEntry
from smartkampung.core.errors import Refused
from smartkampung.letters import keys, pki, services, signing, validation
from smartkampung.letters.models import CertificateAuthority, SigningKey
from smartkampung.letters.selectors import latest_revision, trust_roots
from smartkampung.letters.tests.officials import BAKUNGAN, office_request, official, resident
from smartkampung.letters.tests.pki_fixtures import bsre_pkcs12, bsre_root

pytestmark = pytest.mark.usefixtures("regions")

CA_PASSPHRASE = "otoritas kabupaten 2026"
PASSPHRASE = "tandatangan kades 1"


@pytest.fixture(autouse=True)
def in_english():
    # The refusals are checked in their English source words (the product speaks Indonesian by default).
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def bsre_trusted(settings, tmp_path):
    """This deployment trusts BSrE's root (the test stand-in for it), as a real one sets LETTERS_TRUSTED_ROOTS."""
    root = tmp_path / "bsre-root.pem"
    root.write_bytes(bsre_root().cert_pem)
    settings.LETTERS_TRUSTED_ROOTS = [str(root)]


@pytest.fixture
def authority(db):
    return keys.make_certificate_authority(name="Smartkampung Banyuwangi Root CA", passphrase=CA_PASSPHRASE)


@pytest.fixture
def head(db):
    return official("village_head", key=False)


def expired_pkcs12(password: str) -> bytes:
    root = bsre_root()
    cert_pem, key_pem = pki.issue_official(
        root_cert_pem=root.cert_pem,
        root_key_pem=root.key_pem,
        root_passphrase=root.passphrase,
        name="Kepala Desa Lama",
        position="Kepala Desa",
        organization="Pemerintah Desa",
        passphrase=password,
        years=0,  # valid until the moment it was made (five minutes back): expired
    )
    return pkcs12.serialize_key_and_certificates(
        name=b"old",
        key=pki.load_private_key(key_pem, password),
        cert=x509.load_pem_x509_certificate(cert_pem),
        cas=None,
        encryption_algorithm=BestAvailableEncryption(password.encode()),
    )


def refusal(call) -> Refused:
    with pytest.raises(Refused) as caught:
        call()
    return caught.value


# ---------------------------------------------------------------- the authority


def test_a_new_authority_is_the_active_one_with_its_fingerprint_and_an_audit_entry(authority):
    facts = pki.certificate_facts(authority.certificate_pem.encode())

    assert authority.active and authority.fingerprint == facts.fingerprint_sha256
    assert facts.is_ca and facts.subject_name == "Smartkampung Banyuwangi Root CA"
    assert b"ENCRYPTED PRIVATE KEY" in authority.key_pem.encode()
    pki.check_passphrase(authority.key_pem.encode(), CA_PASSPHRASE)
    assert AuditEntry.objects.filter(object_type="certificate_authority", object_ids=[str(authority.pk)]).exists()


def test_a_second_authority_replaces_the_first_which_stays_trusted_for_its_letters(authority):
    second = keys.make_certificate_authority(name="Smartkampung Banyuwangi Root CA 2", passphrase=CA_PASSPHRASE)

    authority.refresh_from_db()
    assert second.active and not authority.active
    assert keys.active_authority() == second
    assert {authority.certificate_pem.encode(), second.certificate_pem.encode()} <= set(trust_roots())


def test_an_authority_with_a_short_passphrase_or_no_name_is_refused_and_nothing_is_stored(db):
    error = refusal(lambda: keys.make_certificate_authority(name="  ", passphrase="short"))

    assert error.status == 422 and {field for field, _words in error.errors} == {"name", "passphrase"}
    assert "at least 8 characters" in error.detail
    assert not CertificateAuthority.objects.exists()


# ---------------------------------------------------------------- a certificate of the deployment


def test_an_official_gets_a_certificate_of_the_active_authority_locked_with_their_passphrase(authority, head):
    key = keys.issue_signing_key(user=head, ca_passphrase=CA_PASSPHRASE, passphrase=PASSPHRASE)

    facts = pki.certificate_facts(key.certificate_pem.encode())
    assert key.kind == SigningKey.Kind.LOCAL and key.active and keys.active_key(head) == key
    assert facts.subject_name == "Sugiono" == key.subject_name
    assert facts.position == "Lurah Bakungan"  # Bakungan is a kelurahan: its head is a lurah
    assert facts.issuer_name == authority.name and facts.fingerprint_sha256 == key.fingerprint
    assert key.not_after == facts.not_after
    pki.check_passphrase(key.key_pem.encode(), PASSPHRASE)
    with pytest.raises(signing.WrongPassphrase):
        pki.check_passphrase(key.key_pem.encode(), CA_PASSPHRASE)
    entry = AuditEntry.objects.get(object_type="signing_key", object_ids=[str(key.pk)])
    assert entry.detail["official"] == head.username and entry.detail["kind"] == "local"


def test_a_camat_is_named_camat_of_the_kecamatan_in_the_certificate(authority):
    camat = official("camat", key=False)

    key = keys.issue_signing_key(user=camat, ca_passphrase=CA_PASSPHRASE, passphrase=PASSPHRASE)

    assert pki.certificate_facts(key.certificate_pem.encode()).position == "Camat Glagah"


def test_a_new_certificate_retires_the_officials_earlier_key(authority, head):
    first = keys.issue_signing_key(user=head, ca_passphrase=CA_PASSPHRASE, passphrase=PASSPHRASE)
    second = keys.issue_signing_key(
        user=head, ca_passphrase=CA_PASSPHRASE, passphrase="another passphrase", position_title="Plt. Lurah"
    )

    first.refresh_from_db()
    assert not first.active and second.active and keys.active_key(head) == second
    assert SigningKey.objects.filter(user=head).count() == 2
    assert pki.certificate_facts(second.certificate_pem.encode()).position == "Plt. Lurah"


def test_a_wrong_authority_passphrase_is_refused_in_words_and_stores_no_key(authority, head):
    error = refusal(lambda: keys.issue_signing_key(user=head, ca_passphrase="not the one", passphrase=PASSPHRASE))

    assert error.status == 422 and error.errors == [
        ("ca_passphrase", "The passphrase of the certificate authority is wrong.")
    ]
    assert not SigningKey.objects.exists()


def test_a_weak_passphrase_for_the_official_is_refused_before_anything_is_made(authority, head):
    error = refusal(lambda: keys.issue_signing_key(user=head, ca_passphrase=CA_PASSPHRASE, passphrase="1234"))

    assert error.status == 422 and [field for field, _words in error.errors] == ["passphrase"]
    assert not SigningKey.objects.exists()


def test_without_an_authority_a_certificate_cannot_be_issued(head):
    error = refusal(lambda: keys.issue_signing_key(user=head, ca_passphrase=CA_PASSPHRASE, passphrase=PASSPHRASE))

    assert error.status == 409 and "signing_ca" in error.detail


def test_only_officials_who_sign_letters_hold_a_key(authority, admin, django_user_model, settings):
    settings.BSRE_GATEWAY_URL = "http://127.0.0.1:9"
    babinsa = django_user_model.objects.create_user("babinsa.bakungan")
    RoleAssignment.objects.create(user=babinsa, role="village_oversight", village_id=BAKUNGAN, pillar="babinsa")

    for user in (admin, babinsa):
        for call in (
            lambda user=user: keys.issue_signing_key(user=user, ca_passphrase=CA_PASSPHRASE, passphrase=PASSPHRASE),
            lambda user=user: keys.import_pkcs12_key(user=user, data=bsre_pkcs12(), password="bsre passphrase"),
            lambda user=user: keys.use_gateway_key(user=user, nik="3510151708850001"),
        ):
            assert refusal(call).status == 403
    assert not SigningKey.objects.exists()
    assert keys.active_key(admin) is None


def test_a_key_of_the_deployment_signs_a_letter_that_validates_even_after_the_authority_is_replaced(authority):
    resident()
    people = {p: official(p, key=False) for p in ("village_operator", "village_secretary", "village_head")}
    for user in people.values():
        keys.issue_signing_key(user=user, ca_passphrase=CA_PASSPHRASE, passphrase=PASSPHRASE)
    letter = office_request(people["village_operator"])
    keys.make_certificate_authority(name="Smartkampung Banyuwangi Root CA 2", passphrase=CA_PASSPHRASE)

    for position in ("village_operator", "village_secretary", "village_head"):
        letter = services.sign_letter(user=people[position], code=letter.code, passphrase=PASSPHRASE)

    assert letter.status == "signed"
    check = validation.check_pdf(bytes(latest_revision(letter).pdf), trust_roots=trust_roots())
    assert len(check.signatures) == 3
    assert all(s.intact and s.valid and s.trusted for s in check.signatures), [s.words for s in check.signatures]


# ---------------------------------------------------------------- a BSrE certificate file


def test_a_bsre_pkcs12_file_is_kept_as_it_is_locked_by_its_own_password(head):
    data = bsre_pkcs12("bsre passphrase")

    key = keys.import_pkcs12_key(user=head, data=data, password="bsre passphrase")

    assert key.kind == SigningKey.Kind.PKCS12 and bytes(key.pkcs12) == data and key.key_pem == ""
    facts = pki.certificate_facts(key.certificate_pem.encode())
    assert key.subject_name == facts.subject_name and facts.issuer_name.startswith("Balai Sertifikasi Elektronik")
    assert keys.active_key(head) == key
    assert AuditEntry.objects.filter(object_type="signing_key", object_ids=[str(key.pk)], actor=head).exists()


def test_an_imported_certificate_signs_a_letter_with_the_files_password(authority, head):
    resident()
    operator, secretary = official("village_operator", key=False), official("village_secretary", key=False)
    for user in (operator, secretary):
        keys.issue_signing_key(user=user, ca_passphrase=CA_PASSPHRASE, passphrase=PASSPHRASE)
    keys.import_pkcs12_key(user=head, data=bsre_pkcs12("bsre passphrase"), password="bsre passphrase")
    letter = office_request(operator)
    for user in (operator, secretary):
        letter = services.sign_letter(user=user, code=letter.code, passphrase=PASSPHRASE)

    letter = services.sign_letter(user=head, code=letter.code, passphrase="bsre passphrase")

    assert letter.status == "signed"
    check = validation.check_pdf(bytes(latest_revision(letter).pdf), trust_roots=[bsre_root().cert_pem])
    assert check.signatures[-1].valid and check.signatures[-1].trusted


@pytest.mark.parametrize(
    ("data", "password", "field", "words"),
    [
        (lambda: bsre_pkcs12("bsre passphrase"), "wrong password", "password", "does not open"),
        (lambda: bsre_pkcs12("bsre passphrase"), "", "password", "Enter the password"),
        (lambda: b"-----BEGIN CERTIFICATE-----\nnot really\n", "x", "file", "not a PKCS#12"),
        (lambda: b"\x30\x82" + b"\x00" * 200_000, "x", "file", "larger than 100 KB"),
        (lambda: b"", "x", "file", "Choose your certificate file"),
        (lambda: expired_pkcs12("old password"), "old password", "file", "expired on"),
    ],
    ids=["wrong password", "no password", "not pkcs12", "too large", "empty", "expired"],
)
def test_a_certificate_file_that_cannot_be_used_is_refused_in_words(head, data, password, field, words):
    error = refusal(lambda: keys.import_pkcs12_key(user=head, data=data(), password=password))

    assert error.status == 422 and error.errors[0][0] == field and words in error.detail, error.detail
    assert not SigningKey.objects.exists()


# ---------------------------------------------------------------- the BSrE gateway


def test_the_gateway_is_used_by_nik_when_the_server_has_one(head, settings):
    settings.BSRE_GATEWAY_URL = "http://127.0.0.1:9"
    keys.import_pkcs12_key(user=head, data=bsre_pkcs12("bsre passphrase"), password="bsre passphrase")

    key = keys.use_gateway_key(user=head, nik=" 3510151708850001 ")

    assert key.kind == SigningKey.Kind.GATEWAY and key.gateway_nik == "3510151708850001"
    assert keys.active_key(head) == key and SigningKey.objects.filter(user=head, active=False).count() == 1


def test_a_wrong_nik_for_the_gateway_is_refused_with_the_nik_checks_words(head, settings):
    settings.BSRE_GATEWAY_URL = "http://127.0.0.1:9"

    error = refusal(lambda: keys.use_gateway_key(user=head, nik="3599991708850001"))

    assert error.errors[0][0] == "nik" and "3599" in error.detail
    assert not SigningKey.objects.exists()


def test_without_a_gateway_on_the_server_it_cannot_be_chosen(head, settings):
    settings.BSRE_GATEWAY_URL = ""

    error = refusal(lambda: keys.use_gateway_key(user=head, nik="3510151708850001"))

    assert error.status == 409 and "not set up" in error.detail


def test_an_expired_authority_issues_nothing(authority, head):
    CertificateAuthority.objects.filter(pk=authority.pk).update(not_after=dt.datetime(2020, 1, 1, tzinfo=dt.UTC))

    error = refusal(lambda: keys.issue_signing_key(user=head, ca_passphrase=CA_PASSPHRASE, passphrase=PASSPHRASE))

    assert error.status == 409 and "expired" in error.detail
