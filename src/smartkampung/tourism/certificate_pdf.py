"""A place's health-protocol certificate as an A4 PDF, signed by the agency official who decided, with the
letters' PAdES signing (letters/signing.py: the same keys, the same visible stamp, the same refusals).

fpdf2 draws the page in the core fonts (letters.pdf.latin1 keeps the text printable); pyHanko adds the one empty
signature field before anything is signed, and the number and date are printed on the page itself (they are
known before signing, unlike a letter's). The QR code leads to the public verification page."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from io import BytesIO

from django.utils import timezone
from django.utils.translation import gettext as _
from fpdf import FPDF
from fpdf.enums import XPos, YPos
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.generic import pdf_name, pdf_string
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.pdf_utils.writer import copy_into_new_writer
from pyhanko.sign.fields import SigFieldSpec, append_signature_field
from pyhanko.sign.signers.constants import ESIC_EXTENSION_1

from smartkampung.core.errors import Refused
from smartkampung.letters import keys, pki
from smartkampung.letters.pdf import CODE_INFO_KEY, KEYWORD_PREFIX, draw_qr, latin1
from smartkampung.letters.signing import SigningKey, sign_step

SIGNATURE_FIELD = "sig_agency"
PAGE_W, PAGE_H = 595.28, 841.89  # A4 in points
LEFT, RIGHT, TOP = 62.0, 57.0, 48.0
CONTENT_W = PAGE_W - LEFT - RIGHT
QR_SIZE = 80.0
SIG_W, SIG_H = 215.0, 64.0
MONTHS = (
    "Januari",
    "Februari",
    "Maret",
    "April",
    "Mei",
    "Juni",
    "Juli",
    "Agustus",
    "September",
    "Oktober",
    "November",
    "Desember",
)
DIMENSIONS = (
    "Kebersihan (Cleanliness), Kesehatan (Health), Keselamatan (Safety) dan Kelestarian Lingkungan (Environment)"
)


def tanggal(day: dt.date) -> str:
    """A date as Indonesian documents print it: 3 Desember 2026."""
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


@dataclass(frozen=True)
class CertificateContent:
    """What the certificate says (in Bahasa Indonesia, the language of the regency's documents)."""

    regency: str
    number: str
    code: str
    place_name: str
    kind: str
    address: str
    village: str
    district: str
    score: str
    issued_on: dt.date
    valid_until: dt.date
    verify_url: str
    signer_name: str
    signer_position: str
    conditions: str = ""
    conditions_deadline: dt.date | None = None


def _line(pdf: FPDF, text: str, *, size: float, style: str = "", height: float | None = None) -> None:
    pdf.set_font("Helvetica", style, size)
    pdf.multi_cell(CONTENT_W, height or size * 1.35, latin1(text), align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)


def _facts(pdf: FPDF, rows: list[tuple[str, str]]) -> None:
    label_w, colon_w = 130.0, 10.0
    for label, value in rows:
        top = pdf.get_y()
        pdf.set_font("Times", "", 12)
        pdf.set_xy(LEFT + 30, top)
        pdf.cell(label_w, 16, latin1(label))
        pdf.cell(colon_w, 16, ":")
        pdf.set_font("Times", "B", 12)
        pdf.multi_cell(CONTENT_W - 30 - label_w - colon_w, 16, latin1(value) or "-", new_x=XPos.LMARGIN)
        pdf.set_y(max(pdf.get_y(), top + 16))


def _draw(content: CertificateContent) -> tuple[bytes, tuple[int, int, int, int]]:
    pdf = FPDF(orientation="P", unit="pt", format="A4")
    pdf.set_margins(LEFT, TOP, RIGHT)
    pdf.set_auto_page_break(False)
    pdf.set_creator("smartkampung")
    pdf.set_title(latin1(f"Sertifikat {content.number}"))
    pdf.add_page()
    pdf.set_line_width(2)
    pdf.rect(28, 28, PAGE_W - 56, PAGE_H - 56)
    pdf.set_line_width(0.6)
    pdf.rect(34, 34, PAGE_W - 68, PAGE_H - 68)
    pdf.set_y(TOP + 10)
    _line(pdf, f"PEMERINTAH KABUPATEN {content.regency}".upper(), size=13, style="B")
    _line(pdf, "DINAS KEBUDAYAAN DAN PARIWISATA", size=15, style="B")
    pdf.ln(18)
    _line(pdf, "SERTIFIKAT", size=26, style="B")
    _line(pdf, "PENERAPAN PROTOKOL KESEHATAN (CHSE)", size=14, style="B")
    _line(pdf, f"Nomor: {content.number}", size=11)
    pdf.ln(14)
    _line(pdf, "diberikan kepada", size=12)
    pdf.ln(4)
    _line(pdf, content.place_name, size=20, style="B")
    pdf.ln(10)
    _facts(
        pdf,
        [
            ("Jenis usaha", content.kind),
            ("Alamat", content.address),
            ("Desa/Kelurahan", content.village),
            ("Kecamatan", content.district),
            ("Nilai penilaian", content.score),
        ],
    )
    pdf.ln(10)
    pdf.set_font("Times", "", 12)
    pdf.multi_cell(
        CONTENT_W,
        16,
        latin1(
            "telah memenuhi persyaratan penerapan protokol kesehatan berbasis "
            f"{DIMENSIONS} berdasarkan hasil penilaian petugas."
        ),
        align="J",
        new_x=XPos.LMARGIN,
        new_y=YPos.NEXT,
    )
    if content.conditions:
        pdf.ln(6)
        deadline = tanggal(content.conditions_deadline) if content.conditions_deadline else "-"
        pdf.set_font("Times", "B", 12)
        pdf.multi_cell(CONTENT_W, 16, latin1(f"Dengan syarat (dipenuhi paling lambat {deadline}):"), new_x=XPos.LMARGIN)
        pdf.set_font("Times", "", 11.5)
        pdf.multi_cell(CONTENT_W, 15, latin1(content.conditions[:600], keep_newlines=True), new_x=XPos.LMARGIN)
    pdf.ln(8)
    pdf.set_font("Times", "B", 12)
    pdf.multi_cell(CONTENT_W, 16, latin1(f"Berlaku sampai dengan {tanggal(content.valid_until)}"), new_x=XPos.LMARGIN)

    # The signature block at the right, the QR code at the left, both above the bottom border.
    sig_x = PAGE_W - RIGHT - SIG_W
    top = max(pdf.get_y() + 14, PAGE_H - 250)
    pdf.set_font("Times", "", 12)
    pdf.set_xy(sig_x, top)
    pdf.cell(SIG_W, 15, latin1(f"Banyuwangi, {tanggal(content.issued_on)}"))
    pdf.set_xy(sig_x, top + 16)
    pdf.multi_cell(SIG_W, 15, latin1(content.signer_position), new_x=XPos.LMARGIN)
    box_top = top + 50
    pdf.set_font("Times", "BU", 12)
    pdf.set_xy(sig_x, box_top + SIG_H + 4)
    pdf.cell(SIG_W, 15, latin1(content.signer_name))
    draw_qr(pdf, content.verify_url, x=LEFT, top=top, size=QR_SIZE)
    pdf.set_xy(LEFT, top + QR_SIZE + 6)
    pdf.set_font("Helvetica", "", 7.5)
    pdf.multi_cell(SIG_W, 9.5, latin1(f"Periksa keaslian: {content.verify_url}"), align="L", new_x=XPos.LMARGIN)
    pdf.set_x(LEFT)
    pdf.set_font("Helvetica", "B", 8)
    pdf.multi_cell(SIG_W, 10, latin1(f"Kode verifikasi: {content.code}"), new_x=XPos.LMARGIN)
    # PDF measures from the bottom left.
    box = (round(sig_x), round(PAGE_H - box_top - SIG_H), round(sig_x + SIG_W), round(PAGE_H - box_top))
    return bytes(pdf.output()), box


def render_certificate(content: CertificateContent) -> bytes:
    """The certificate as an A4 PDF with its one empty signature field, not yet signed."""
    drawn, box = _draw(content)
    code = latin1(content.code)
    info = generic.DictionaryObject(
        {
            pdf_name("/Title"): pdf_string(latin1(f"Sertifikat CHSE {content.number}")),
            pdf_name("/Keywords"): pdf_string(KEYWORD_PREFIX + code),
            pdf_name("/Creator"): pdf_string("smartkampung"),
            pdf_name(CODE_INFO_KEY): pdf_string(code),
        }
    )
    writer = copy_into_new_writer(PdfFileReader(BytesIO(drawn)), writer_kwargs={"info": info})
    writer.ensure_output_version((1, 7))
    writer.register_extension(ESIC_EXTENSION_1)
    append_signature_field(writer, SigFieldSpec(SIGNATURE_FIELD, on_page=0, box=box, empty_field_appearance=True))
    out = BytesIO()
    writer.write(out)
    return out.getvalue()


def signed_certificate(content: CertificateContent, *, key: SigningKey, passphrase: str) -> bytes:
    """The certificate rendered and signed (a certifying PAdES signature: nothing may change afterwards but
    form filling, and there is none). Raises letters.signing.SigningFailed (WrongPassphrase, …) with words."""
    return sign_step(
        render_certificate(content),
        key=key,
        passphrase=passphrase,
        field_name=SIGNATURE_FIELD,
        certify=True,
        signer_name=content.signer_name,
        position=content.signer_position,
        reason=f"Sertifikat CHSE {content.number}",
        location=f"Kabupaten {content.regency}",
    )


def signing_key_of(user) -> tuple[SigningKey, str, str]:
    """The key `user` signs certificates with (the one they sign letters with: letters.keys), the name and the
    position their certificate shows. Refused in words when they have none or it has expired."""
    key = keys.active_key(user)
    if key is None:
        raise Refused(
            [("passphrase", _("You have no signing key. Ask the administrator to issue you one before deciding."))],
            status=409,
        )
    if key.not_after and key.not_after <= timezone.now():
        raise Refused([("passphrase", _("Your signing certificate has expired. Ask for a new one."))], status=409)
    material = keys.key_material(key)
    facts = pki.certificate_facts(key.certificate_pem.encode()) if key.certificate_pem else None
    name = (facts.subject_name if facts else "") or user.get_full_name() or user.get_username()
    position = (facts.position if facts else "") or f"Dinas Kebudayaan dan Pariwisata Kabupaten {keys.regency_name()}"
    return material, name, position
