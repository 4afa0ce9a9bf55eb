"""Anyone may upload a PDF to learn whether it is an authentic, unmodified letter: every upload gets an answer in
words, never an error, and a copy is matched to its letter by the code stored in its first revision."""

from __future__ import annotations

from io import BytesIO

import pytest
from django.utils import translation
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.pdf_utils.writer import PdfFileWriter, copy_into_new_writer

from smartkampung.letters.pdf import render_letter
from smartkampung.letters.tests import pki_fixtures as fx
from smartkampung.letters.validation import check_pdf, embedded_code


def roots() -> list[bytes]:
    return [fx.deployment_root().cert_pem]


@pytest.fixture(autouse=True)
def english():
    """The words are checked in English, the language of the code (Indonesian is the site's default)."""
    with translation.override("en"):
        yield


@pytest.fixture(scope="module")
def signed() -> bytes:
    return fx.signed_letter()


@pytest.mark.parametrize(
    ("upload", "words"),
    [
        (b"", "empty"),
        (b"GIF89a not a letter", "not a PDF"),
        (b"%PDF-1.7\n" + b"\x00" * 300, "damaged"),
    ],
)
def test_an_upload_that_is_not_a_readable_pdf_gets_words_not_an_error(upload, words):
    check = check_pdf(upload, trust_roots=roots())
    assert not check.readable
    assert words in check.problem
    assert not check.authentic
    assert embedded_code(upload) is None


def test_a_truncated_letter_is_unreadable(signed):
    check = check_pdf(signed[: len(signed) // 2], trust_roots=roots())
    assert not check.readable
    assert "damaged or incomplete" in check.problem


def test_an_encrypted_pdf_is_refused_in_words():
    writer = copy_into_new_writer(PdfFileReader(BytesIO(render_letter(fx.sktm()))))
    writer.encrypt("owner secret", "")
    out = BytesIO()
    writer.write(out)
    check = check_pdf(out.getvalue(), trust_roots=roots())
    assert not check.readable
    assert "encrypted" in check.problem


def test_an_unsigned_letter_is_readable_but_not_authentic():
    letter = render_letter(fx.sktm())
    check = check_pdf(letter, trust_roots=roots())
    assert check.readable
    assert check.signatures == []
    assert "no electronic signature" in check.problem
    assert not check.authentic
    assert check.code == "AB12-CD34-EF56"


def test_a_letter_signed_with_certificates_we_do_not_trust_is_valid_but_not_trusted(signed):
    check = check_pdf(signed, trust_roots=[fx.bsre_root().cert_pem])
    assert all(s.intact and s.valid for s in check.signatures)
    assert not any(s.trusted for s in check.signatures)
    assert not check.authentic
    assert "not issued by an authority this service trusts" in check.problem


def test_an_authentic_letter_says_so_signature_by_signature(signed):
    check = check_pdf(signed, trust_roots=roots())
    assert check.authentic
    assert check.problem == ""
    assert [s.words for s in check.signatures] == [
        f"Signed by {fx.official(role).name}: the signature is valid." for role in fx.CHAIN
    ]
    assert all(s.signed_at is not None and s.signed_at.tzinfo is not None for s in check.signatures)
    assert [s.signer_position for s in check.signatures] == [fx.official(role).position for role in fx.CHAIN]


def test_bytes_appended_after_the_last_signature_are_noticed(signed):
    check = check_pdf(signed + b"\n% appended\n", trust_roots=roots())
    assert not check.untouched_since_last_signature
    assert not check.authentic


def test_the_code_is_read_from_the_first_revision_even_if_a_later_update_rewrites_it(signed):
    assert embedded_code(signed) == "AB12-CD34-EF56"
    writer = IncrementalPdfFileWriter(BytesIO(signed))
    info = generic.DictionaryObject({generic.pdf_name("/SmartkampungCode"): generic.pdf_string("ZZZZ-ZZZZ-ZZZZ")})
    writer.set_info(info)
    out = BytesIO()
    writer.write(out)
    assert PdfFileReader(BytesIO(out.getvalue())).trailer_view["/Info"]["/SmartkampungCode"] == "ZZZZ-ZZZZ-ZZZZ"
    assert embedded_code(out.getvalue()) == "AB12-CD34-EF56"


def test_a_pdf_made_elsewhere_has_no_code():
    writer = PdfFileWriter()
    writer.insert_page(
        generic.DictionaryObject(
            {
                generic.pdf_name("/Type"): generic.pdf_name("/Page"),
                generic.pdf_name("/MediaBox"): generic.ArrayObject(map(generic.NumberObject, (0, 0, 595, 842))),
            }
        )
    )
    out = BytesIO()
    writer.write(out)
    assert embedded_code(out.getvalue()) is None
    assert check_pdf(out.getvalue(), trust_roots=roots()).code is None


def test_a_file_updated_more_often_than_any_letter_is_not_analysed(signed):
    pdf = signed
    for _ in range(45):
        writer = IncrementalPdfFileWriter(BytesIO(pdf))
        writer.update_root()
        out = BytesIO()
        writer.write(out)
        pdf = out.getvalue()
    check = check_pdf(pdf, trust_roots=roots())
    assert check.readable
    assert "too many times" in check.problem
    assert not check.authentic
