"""A letter is rendered with every field of its chain, signed step by step with PAdES signatures, and the result
validates in pyHanko and in poppler's pdfsig; any later change is detected."""

from __future__ import annotations

import asyncio
import datetime as dt
import hashlib
import re
import shutil
import subprocess
import tempfile
from io import BytesIO
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives.serialization import BestAvailableEncryption, pkcs12
from django.utils import translation
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader

from smartkampung.letters import pki
from smartkampung.letters.pdf import (
    DATE_FIELD,
    NUMBER_FIELD,
    SignatureSlot,
    field_box,
    latin1,
    render_letter,
)
from smartkampung.letters.signing import LocalKey, Pkcs12Key, SigningFailed, WrongPassphrase
from smartkampung.letters.tests import pki_fixtures as fx
from smartkampung.letters.validation import check_pdf, embedded_code

PDFSIG = shutil.which("pdfsig")
CERTUTIL = shutil.which("certutil")


def roots() -> list[bytes]:
    return [fx.deployment_root().cert_pem]


def pdfsig(pdf: bytes, trusted_root: bytes | None = None) -> list[dict[str, str]]:
    """poppler's report on each signature of `pdf` (field name, "validation", "certificate"). With certutil, our
    root is put in a temporary NSS database so that poppler can also judge the certificates."""
    if PDFSIG is None:
        pytest.skip("poppler's pdfsig is not installed (Debian: apt-get install poppler-utils; .ci/run installs it)")
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "letter.pdf"
        path.write_bytes(pdf)
        command = [PDFSIG]
        if CERTUTIL and trusted_root:
            nss = Path(tmp) / "nss"
            nss.mkdir()
            (Path(tmp) / "root.pem").write_bytes(trusted_root)
            subprocess.run(  # noqa: S603 - our own arguments
                [CERTUTIL, "-N", "-d", f"sql:{nss}", "--empty-password"], check=True, capture_output=True
            )
            subprocess.run(  # noqa: S603
                [CERTUTIL, "-A", "-d", f"sql:{nss}", "-n", "root", "-t", "CT,C,C", "-i", str(Path(tmp) / "root.pem")],
                check=True,
                capture_output=True,
            )
            command += ["-nssdir", f"sql:{nss}"]
        result = subprocess.run([*command, str(path)], capture_output=True, text=True, timeout=60)  # noqa: S603
    signatures = []
    for block in re.split(r"^Signature #\d+:\s*$", result.stdout, flags=re.M)[1:]:
        facts = dict(re.findall(r"^[ \t]*- ([^:\n]+): (.*)$", block, flags=re.M))
        signatures.append(
            {
                "field": facts.get("Signature Field Name", ""),
                "validation": facts.get("Signature Validation", ""),
                "certificate": facts.get("Certificate Validation", ""),
                "whole": "Total document signed" in block,
            }
        )
    return signatures


def assert_pdfsig_accepts(pdf: bytes, count: int) -> None:
    report = pdfsig(pdf, fx.deployment_root().cert_pem)
    assert len(report) == count
    for signature in report:
        assert signature["validation"] == "Signature is Valid.", signature
        if CERTUTIL:
            assert signature["certificate"] == "Certificate is Trusted.", signature
        else:  # without certutil poppler cannot be told about our root; it must still find the signatures valid
            assert signature["certificate"] in {"Certificate is Trusted.", "Certificate issuer isn't Trusted."}
    assert report[-1]["whole"]


def form_field(pdf: bytes, name: str) -> generic.DictionaryObject:
    reader = PdfFileReader(BytesIO(pdf))
    for ref in reader.root["/AcroForm"]["/Fields"]:
        if ref.get_object()["/T"] == name:
            return ref.get_object()
    raise AssertionError(f"no field {name}")


def page_count(pdf: bytes) -> int:
    return int(PdfFileReader(BytesIO(pdf)).root["/Pages"]["/Count"])


@pytest.fixture(autouse=True)
def english():
    """The words are checked in English, the language of the code (Indonesian is the site's default)."""
    with translation.override("en"):
        yield


@pytest.fixture(scope="module")
def letter() -> bytes:
    return render_letter(fx.sktm())


@pytest.fixture(scope="module")
def signed() -> bytes:
    return fx.signed_letter()


# Rendering


def test_a_rendered_letter_has_an_empty_signature_field_per_signer_and_read_only_number_and_date(letter):
    for role in fx.CHAIN:
        signature = form_field(letter, fx.field_of(role))
        assert signature["/FT"] == "/Sig"
        assert "/V" not in signature
    for name in (NUMBER_FIELD, DATE_FIELD):
        text = form_field(letter, name)
        assert text["/FT"] == "/Tx"
        assert int(text["/Ff"]) & 1, "read-only"
        assert "/V" not in text
    assert page_count(letter) == 1


def test_the_main_signer_sits_at_the_right_below_the_others(letter):
    _, head_x, head_y, head_w, _ = field_box(letter, "sig_head")
    _, operator_x, operator_y, operator_w, _ = field_box(letter, "sig_operator")
    assert head_x > operator_x
    assert head_w > operator_w
    assert head_y < operator_y


def test_a_letter_carries_its_verification_code(letter):
    assert embedded_code(letter) == "AB12-CD34-EF56"
    assert PdfFileReader(BytesIO(letter)).trailer_view["/Info"]["/Keywords"] == "smartkampung-code:AB12-CD34-EF56"


def test_a_chain_of_four_with_the_camat_fits_on_one_page():
    letter = render_letter(fx.sktm(fx.CHAIN_WITH_CAMAT))
    assert page_count(letter) == 1
    boxes = [field_box(letter, fx.field_of(role)) for role in fx.CHAIN_WITH_CAMAT]
    for page, x, y, width, height in boxes:
        assert page == 0
        assert x > 0 and x + width < 595.3 and y > 0 and y + height < 841.9


@pytest.mark.parametrize("signers", [1, 2, 5, 7])
def test_any_number_of_signers_up_to_seven_is_laid_out_on_the_page_above_the_qr_code(signers):
    content = fx.sktm()
    slots = [SignatureSlot(f"sig_{ix}", "Paraf", "Kepala Seksi", f"Pejabat {ix}") for ix in range(signers)]
    letter = render_letter(type(content)(**{**content.__dict__, "slots": slots}))
    boxes = [field_box(letter, slot.field_name) for slot in slots]
    last_page = page_count(letter) - 1
    for page, x, y, width, height in boxes:
        assert page == last_page
        assert x > 0 and x + width < 595.3 and y + height < 841.9
        assert y > 48 + 66, "above the QR code and the verification words"
    for ix, (_, x, y, width, height) in enumerate(boxes):
        for _, x2, y2, width2, height2 in boxes[ix + 1 :]:
            assert x + width <= x2 or x2 + width2 <= x or y + height <= y2 or y2 + height2 <= y, "no overlap"


def test_a_long_letter_flows_onto_a_second_page_with_all_signatures_on_the_last():
    letter = render_letter(fx.sktm(paragraphs=14))
    assert page_count(letter) == 2
    assert {field_box(letter, fx.field_of(role))[0] for role in fx.CHAIN} == {1}
    assert field_box(letter, DATE_FIELD)[0] == 1
    assert field_box(letter, NUMBER_FIELD)[0] == 0


def test_text_outside_latin1_is_printed_as_near_as_the_core_fonts_allow():
    assert latin1("Ṣaraswati “Ayu” – 李 😀 café") == 'Saraswati "Ayu" - ? ? café'
    content = fx.sktm()
    odd = type(content)(**{**content.__dict__, "title": "Surat ✓ Keterangan 李", "place": "Désa Ŝukamaju"})
    assert render_letter(odd).startswith(b"%PDF-")


def test_signature_fields_must_have_distinct_plain_names():
    content = fx.sktm()
    twice = [*content.slots, SignatureSlot("sig_head", "Again", "Again", "Again")]
    with pytest.raises(ValueError):
        render_letter(type(content)(**{**content.__dict__, "slots": twice}))
    with pytest.raises(ValueError):
        render_letter(type(content)(**{**content.__dict__, "slots": [SignatureSlot("a.b", "x", "y", "z")]}))


# Signing and validating


def test_three_officials_sign_and_every_signature_is_intact_valid_trusted_and_allowed(signed):
    check = check_pdf(signed, trust_roots=roots())
    assert check.authentic, check.problem
    assert [s.field_name for s in check.signatures] == ["sig_operator", "sig_secretary", "sig_head"]
    assert [s.signer_name for s in check.signatures] == [fx.official(role).name for role in fx.CHAIN]
    assert [s.certifying for s in check.signatures] == [True, False, False]
    assert all(s.intact and s.valid and s.trusted and s.modification_ok for s in check.signatures)
    assert check.untouched_since_last_signature
    assert check.code == "AB12-CD34-EF56"


def test_poppler_finds_every_signature_of_the_three_valid(signed):
    assert_pdfsig_accepts(signed, 3)


def test_the_final_signature_fills_and_covers_the_number_and_the_date(signed):
    assert form_field(signed, NUMBER_FIELD)["/V"] == fx.NUMBER
    assert form_field(signed, DATE_FIELD)["/V"] == fx.DATE
    reader = PdfFileReader(BytesIO(signed))
    *_, final = reader.embedded_regular_signatures
    before_final = reader.get_historical_resolver(final.signed_revision - 1)
    number_before = next(
        ref.get_object() for ref in before_final.root["/AcroForm"]["/Fields"] if ref.get_object()["/T"] == NUMBER_FIELD
    )
    assert "/V" not in number_before, "the number appears only in the final signature's revision"


def test_a_chain_of_four_with_the_camat_validates_in_pyhanko_and_poppler():
    letter = fx.signed_letter(fx.CHAIN_WITH_CAMAT)
    check = check_pdf(letter, trust_roots=roots())
    assert check.authentic, check.problem
    assert len(check.signatures) == 4
    assert_pdfsig_accepts(letter, 4)


def test_a_two_page_letter_signs_and_validates():
    letter = fx.signed_letter(paragraphs=14)
    assert page_count(letter) == 2
    assert check_pdf(letter, trust_roots=roots()).authentic


def test_the_signing_time_is_the_one_given(letter):
    when = dt.datetime(2026, 12, 3, 1, 30, tzinfo=dt.UTC)
    pdf = fx.sign_as(letter, "operator", first=True, when=when)
    assert check_pdf(pdf, trust_roots=roots()).signatures[0].signed_at == when


def test_one_byte_changed_after_signing_is_detected_by_pyhanko_and_poppler(signed):
    title = b"(Surat Keterangan Tidak Mampu)"  # the document title, in the first revision's /Info
    tampered = signed.replace(title, b"(Surat Keterangan Tidak Mampo)", 1)
    assert len(tampered) == len(signed) and tampered != signed
    check = check_pdf(tampered, trust_roots=roots())
    assert not check.authentic
    assert not any(s.intact for s in check.signatures)
    assert "changed" in check.problem
    assert all(s["validation"] != "Signature is Valid." for s in pdfsig(tampered))


def test_text_added_in_a_later_update_is_flagged_even_though_the_bytes_signed_are_intact(signed):
    writer = IncrementalPdfFileWriter(BytesIO(signed))
    stamp = writer.add_object(generic.StreamObject(stream_data=b"BT /F1 28 Tf 120 420 Td (LUNAS) Tj ET"))
    writer.add_stream_to_page(0, stamp)
    out = BytesIO()
    writer.write(out)
    check = check_pdf(out.getvalue(), trust_roots=roots())
    assert all(s.intact and s.valid for s in check.signatures)
    assert not any(s.modification_ok for s in check.signatures)
    assert not check.untouched_since_last_signature
    assert not check.authentic
    assert "not allowed" in check.problem


def test_a_number_changed_after_the_final_signature_makes_the_letter_unauthentic(signed):
    writer = IncrementalPdfFileWriter(BytesIO(signed))
    for ref in writer.root["/AcroForm"]["/Fields"]:
        if ref.get_object()["/T"] == NUMBER_FIELD:
            ref.get_object()["/V"] = generic.pdf_string("474/999/429.502.05/XII/2026")
            writer.update_container(ref.get_object())
    out = BytesIO()
    writer.write(out)
    check = check_pdf(out.getvalue(), trust_roots=roots())
    assert not check.untouched_since_last_signature
    assert not check.authentic


def test_a_wrong_passphrase_signs_nothing_and_leaves_the_file_as_it_was(letter):
    before = hashlib.sha256(letter).hexdigest()
    with pytest.raises(WrongPassphrase) as refused:
        fx.sign_as(letter, "operator", first=True, passphrase="not the passphrase")
    assert "passphrase" in str(refused.value.words).lower()
    assert hashlib.sha256(letter).hexdigest() == before
    assert "/V" not in form_field(letter, "sig_operator")


def test_only_the_first_signature_may_certify(letter):
    first = fx.sign_as(letter, "operator", first=True)
    with pytest.raises(SigningFailed) as refused:
        fx.sign_as(first, "secretary", first=True)
    assert "first" in str(refused.value.words)


def test_a_place_already_signed_or_missing_cannot_be_signed(letter):
    first = fx.sign_as(letter, "operator", first=True)
    with pytest.raises(SigningFailed) as again:
        fx.sign_as(first, "operator")
    assert "already signed" in str(again.value.words)
    with pytest.raises(SigningFailed) as missing:
        fx.sign_as(first, "secretary", field_name="sig_nobody")
    assert "no place" in str(missing.value.words)


def test_a_file_that_is_not_a_pdf_cannot_be_signed():
    with pytest.raises(SigningFailed) as refused:
        fx.sign_as(b"this is not a pdf", "operator", first=True)
    assert refused.value.words


def test_a_key_that_is_not_the_certificates_is_refused(letter):
    operator, secretary = fx.official("operator"), fx.official("secretary")
    mixed = LocalKey(operator.key.certificate_pem, secretary.key.key_pem, operator.key.chain_pems)
    with pytest.raises(SigningFailed):
        fx.sign_as(letter, "operator", first=True, key=mixed, passphrase=secretary.passphrase)


def test_a_stored_key_that_cannot_be_read_is_named_as_the_problem(letter):
    operator = fx.official("operator")
    broken = LocalKey(operator.key.certificate_pem, b"-----BEGIN PRIVATE KEY-----\nbroken\n", ())
    with pytest.raises(SigningFailed) as refused:
        fx.sign_as(letter, "operator", first=True, key=broken)
    assert "private key" in refused.value.words
    assert not isinstance(refused.value, WrongPassphrase)


# Keys


def test_a_bsre_pkcs12_signs_as_it_is_or_imported_as_a_local_key(letter):
    p12 = fx.bsre_pkcs12()
    bsre_roots = [*roots(), fx.bsre_root().cert_pem]
    as_is = fx.sign_as(letter, "operator", first=True, key=Pkcs12Key(p12), passphrase="bsre passphrase")
    cert, key, chain = pki.load_pkcs12(p12, "bsre passphrase")
    imported = fx.sign_as(
        as_is, "secretary", key=LocalKey(cert, key, tuple(chain)), passphrase="bsre passphrase", last=True
    )
    check = check_pdf(imported, trust_roots=bsre_roots)
    assert check.authentic, check.problem
    assert check.signatures[0].signer_name == "Kepala Desa BSrE 0001"
    with pytest.raises(WrongPassphrase):
        fx.sign_as(letter, "operator", first=True, key=Pkcs12Key(p12), passphrase="wrong")


def test_a_pkcs12_with_its_certificate_given_at_import_signs_with_only_its_key_decrypted(letter):
    p12 = fx.bsre_pkcs12()
    cert, _, chain = pki.load_pkcs12(p12, "bsre passphrase")
    key = Pkcs12Key(p12, certificate_pem=cert, chain_pems=tuple(chain))
    pdf = fx.sign_as(letter, "operator", first=True, key=key, passphrase="bsre passphrase")
    assert check_pdf(pdf, trust_roots=[fx.bsre_root().cert_pem]).authentic
    with pytest.raises(WrongPassphrase):
        fx.sign_as(letter, "operator", first=True, key=key, passphrase="wrong")
    someone_else = Pkcs12Key(p12, certificate_pem=fx.official("head").key.certificate_pem)
    with pytest.raises(SigningFailed) as mismatch:
        fx.sign_as(letter, "operator", first=True, key=someone_else, passphrase="bsre passphrase")
    assert "does not belong" in mismatch.value.words


def test_importing_a_pkcs12_refuses_a_wrong_password_garbage_and_a_file_without_a_key():
    with pytest.raises(WrongPassphrase):
        pki.load_pkcs12(fx.bsre_pkcs12(), "wrong password")
    with pytest.raises(pki.BadCertificateFile) as garbage:
        pki.load_pkcs12(b"PK\x03\x04 a zip, not a certificate", "whatever")
    assert "PKCS#12" in garbage.value.words
    cert_only = pkcs12.serialize_key_and_certificates(
        name=b"x",
        key=None,
        cert=x509.load_pem_x509_certificate(fx.bsre_official()[0]),
        cas=None,
        encryption_algorithm=BestAvailableEncryption(b"password1"),
    )
    with pytest.raises(pki.BadCertificateFile) as keyless:
        pki.load_pkcs12(cert_only, "password1")
    assert "private key" in keyless.value.words


def test_an_imported_key_is_kept_encrypted_with_the_same_password():
    _, key, chain = pki.load_pkcs12(fx.bsre_pkcs12(), "bsre passphrase")
    assert key.startswith(pki.SCRYPT_HEADER) and b"-----BEGIN ENCRYPTED PRIVATE KEY-----" in key
    pki.check_passphrase(key, "bsre passphrase")
    with pytest.raises(WrongPassphrase):
        pki.check_passphrase(key, "another one")
    assert [pki.certificate_facts(pem).subject_name for pem in chain] == [
        "Balai Sertifikasi Elektronik Stand-in CA (tests)"
    ]


def test_the_deployment_root_is_a_ca_and_an_officials_certificate_names_the_official():
    root = pki.certificate_facts(fx.deployment_root().cert_pem)
    assert root.is_ca
    assert root.subject_name == root.issuer_name == "SmartKampung Banyuwangi Root CA (tests)"
    facts = pki.certificate_facts(fx.official("head").key.certificate_pem)
    assert (facts.subject_name, facts.position, facts.organization) == (
        "H. Ahmad Fauzi",
        "Kepala Desa Sukamaju",
        "Pemerintah Desa Sukamaju",
    )
    assert facts.email == "head@sukamaju.desa.id"
    assert facts.issuer_name == root.subject_name
    assert not facts.is_ca
    assert facts.not_before.tzinfo is not None
    assert dt.timedelta(days=700) < facts.not_after - facts.not_before < dt.timedelta(days=740)
    assert re.fullmatch(r"[0-9a-f]{64}", facts.fingerprint_sha256)
    cert = x509.load_pem_x509_certificate(fx.official("head").key.certificate_pem)
    usage = cert.extensions.get_extension_for_class(x509.KeyUsage).value
    assert usage.digital_signature and usage.content_commitment and not usage.key_cert_sign
    assert fx.official("head").key.key_pem.startswith(pki.SCRYPT_HEADER)


def test_issuing_needs_the_roots_passphrase():
    root = fx.deployment_root()
    with pytest.raises(WrongPassphrase):
        pki.issue_official(
            root_cert_pem=root.cert_pem,
            root_key_pem=root.key_pem,
            root_passphrase="guess",
            name="Someone",
            position="Kepala Desa",
            organization="Desa",
            passphrase="long enough",
        )


def test_a_passphrase_needs_eight_characters():
    assert pki.passphrase_problems("short") != []
    assert pki.passphrase_problems("        ") != []
    assert pki.passphrase_problems("long enough") == []


def test_signing_and_checking_also_work_when_called_from_inside_an_event_loop(letter):
    async def in_an_async_view():
        pdf = fx.sign_as(letter, "operator", first=True)
        return check_pdf(pdf, trust_roots=roots())

    assert asyncio.run(in_an_async_view()).authentic
