"""A letter rendered to an A4 PDF, ready for a chain of signatures.

fpdf2 draws the page (core fonts only, so nothing needs a system library); pyHanko then adds, in the same file and
before any signature, every form field the chain will need: one empty signature field per signer and two read-only
text fields (`letter_number`, `letter_date`) that the final signer fills in the revision of the final signature.
A field added after a signature would break that signature; filling a field is what a certification signature
with the "form filling" permission allows.

Coordinates: fpdf2 measures from the top left in points, PDF from the bottom left; `_Placed` keeps PDF's.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from io import BytesIO

import segno
from fpdf import FPDF
from fpdf.enums import XPos, YPos
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.generic import pdf_name, pdf_string
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.pdf_utils.writer import BasePdfFileWriter, copy_into_new_writer
from pyhanko.sign.fields import SigFieldSpec, append_signature_field
from pyhanko.sign.signers.constants import ESIC_EXTENSION_1

from smartkampung.core.pdftext import latin1

__all__ = [
    "CODE_INFO_KEY",
    "DATE_FIELD",
    "NUMBER_FIELD",
    "FieldProblem",
    "LetterContent",
    "SignatureSlot",
    "field_box",
    "fill_fields",
    "find_field",
    "latin1",
    "render_letter",
]

NUMBER_FIELD = "letter_number"
DATE_FIELD = "letter_date"
TEXT_FIELDS = (NUMBER_FIELD, DATE_FIELD)
# The verification code, in the document information dictionary of the first revision.
CODE_INFO_KEY = "/SmartkampungCode"
KEYWORD_PREFIX = "smartkampung-code:"

PAGE_W, PAGE_H = 595.28, 841.89  # A4 in points
LEFT, RIGHT, TOP, BOTTOM = 62.0, 57.0, 40.0, 48.0
CONTENT_W = PAGE_W - LEFT - RIGHT
BODY_FONT, BODY_SIZE, BODY_LINE = "Times", 11.5, 15.0
FIELD_FONT_SIZE = BODY_SIZE
FIELD_FONT = "/TiRo"  # Times-Roman, as the body text
QR_SIZE = 66.0
MAX_SLOTS = 7

# Other signers (verification, initials, …): small boxes, three to a row, above the main signer.
SMALL_GAP = 14.0
SMALL_W = (CONTENT_W - 2 * SMALL_GAP) / 3
SMALL_BOX_H = 46.0
SMALL_ROW_H = 22.0 + SMALL_BOX_H + 16.0
# The main signer (the chain's last): at the right, under the place and date.
MAIN_W = 215.0
MAIN_BOX_H = 64.0
MAIN_H = 18.0 + 15.0 + 15.0 + 4.0 + MAIN_BOX_H + 4.0 + 15.0


class FieldProblem(ValueError):
    """A form field that is missing, of the wrong kind, or already filled."""


@dataclass(frozen=True)
class SignatureSlot:
    """One signer's place on the letter: the empty signature field and the words printed around it."""

    field_name: str
    action: str  # printed above the box: "Diverifikasi oleh", "Paraf", "Kepala Desa Sukamaju", …
    position: str
    name: str


@dataclass(frozen=True)
class LetterContent:
    """Everything printed on a letter. `facts` are the aligned "Nama : …" lines."""

    regency: str
    district: str
    village: str
    village_kind: str  # "Desa" or "Kelurahan"
    office_address: str
    title: str
    body_paragraphs: list[str]
    facts: list[tuple[str, str]]
    closing: str
    place: str
    verify_url: str
    code: str
    slots: list[SignatureSlot] = field(default_factory=list)


@dataclass(frozen=True)
class _Placed:
    """A field's widget: page index and rectangle in PDF user space (origin at the bottom left)."""

    name: str
    page: int
    x: float
    y: float
    w: float
    h: float

    @property
    def box(self) -> tuple[int, int, int, int]:
        return (round(self.x), round(self.y), round(self.x + self.w), round(self.y + self.h))


class _Letter(FPDF):
    def footer(self):
        self.set_y(PAGE_H - 30)
        self.set_font("Helvetica", "", 7)
        self.set_text_color(110)
        self.cell(0, 10, f"Halaman {self.page_no()}/{{nb}}", align="R")
        self.set_text_color(0)


def _check_slots(slots: list[SignatureSlot]) -> None:
    if not slots:
        raise ValueError("A letter needs at least one signature slot.")
    if len(slots) > MAX_SLOTS:
        raise ValueError(f"A letter has at most {MAX_SLOTS} signature slots.")
    names = [slot.field_name for slot in slots]
    for name in names:
        if not re.fullmatch(r"[A-Za-z0-9_\-]{1,60}", name):
            raise ValueError(f"Signature field name {name!r}: letters, digits, '_' and '-' only.")
    if len(set(names) | set(TEXT_FIELDS)) != len(names) + len(TEXT_FIELDS):
        raise ValueError("Signature field names must be unique and differ from the text fields.")


def _to_pdf(page: int, x: float, top: float, w: float, h: float, name: str) -> _Placed:
    return _Placed(name=name, page=page, x=x, y=PAGE_H - top - h, w=w, h=h)


def _letterhead(pdf: FPDF, content: LetterContent) -> None:
    pdf.set_y(TOP)
    pdf.set_font("Helvetica", "B", 12)
    for line in (f"PEMERINTAH KABUPATEN {content.regency}", f"KECAMATAN {content.district}"):
        pdf.cell(CONTENT_W, 15, latin1(line).upper(), align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font("Helvetica", "B", 15)
    village = f"{content.village_kind} {content.village}".strip()
    pdf.cell(CONTENT_W, 19, latin1(village).upper(), align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    if content.office_address.strip():
        pdf.set_font("Helvetica", "", 9)
        pdf.multi_cell(CONTENT_W, 11, latin1(content.office_address), align="C", new_x=XPos.LMARGIN)
    y = pdf.get_y() + 4
    pdf.set_line_width(1.6)
    pdf.line(LEFT, y, PAGE_W - RIGHT, y)
    pdf.set_line_width(0.5)
    pdf.line(LEFT, y + 3, PAGE_W - RIGHT, y + 3)
    pdf.set_y(y + 16)


def _title_and_number(pdf: FPDF, content: LetterContent) -> _Placed:
    pdf.set_font("Helvetica", "BU", 12.5)
    pdf.cell(CONTENT_W, 16, latin1(content.title).upper(), align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font(BODY_FONT, "", BODY_SIZE)
    label = "Nomor:"
    label_w = pdf.get_string_width(label) + 2
    field_w = 200.0
    x = LEFT + (CONTENT_W - label_w - 3 - field_w) / 2
    top = pdf.get_y() + 1
    pdf.set_xy(x, top)
    pdf.cell(label_w, 15, label, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    number = _to_pdf(pdf.page - 1, x + label_w + 3, top, field_w, 15, NUMBER_FIELD)
    pdf.ln(12)
    return number


def _paragraph(pdf: FPDF, text: str) -> None:
    pdf.set_font(BODY_FONT, "", BODY_SIZE)
    for part in re.split(r"\n\s*\n", text.strip()):
        if part.strip():
            pdf.multi_cell(CONTENT_W, BODY_LINE, latin1(part.strip()), align="J", new_x=XPos.LMARGIN)
            pdf.ln(6)


def _facts(pdf: FPDF, facts: list[tuple[str, str]]) -> None:
    if not facts:
        return
    pdf.set_font(BODY_FONT, "", BODY_SIZE)
    indent = 28.0
    labels = [latin1(label) for label, _ in facts]
    label_w = min(max(pdf.get_string_width(label) for label in labels) + 8, 190.0)
    colon_w = 10.0
    value_w = CONTENT_W - indent - label_w - colon_w
    for label, (_, value) in zip(labels, facts, strict=True):
        value = latin1(value) or "-"
        lines = len(pdf.multi_cell(value_w, BODY_LINE, value, dry_run=True, output="LINES"))
        label_lines = len(pdf.multi_cell(label_w, BODY_LINE, label, dry_run=True, output="LINES"))
        height = BODY_LINE * max(lines, label_lines)
        if pdf.get_y() + height > pdf.page_break_trigger:
            pdf.add_page()
        top = pdf.get_y()
        pdf.set_xy(LEFT + indent, top)
        pdf.multi_cell(label_w, BODY_LINE, label, align="L", new_x=XPos.RIGHT, new_y=YPos.TOP)
        pdf.set_xy(LEFT + indent + label_w, top)
        pdf.cell(colon_w, BODY_LINE, ":")
        pdf.multi_cell(value_w, BODY_LINE, value, align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.set_y(top + height)
    pdf.ln(6)


def _fit(pdf: FPDF, text: str, width: float) -> str:
    text = latin1(text)
    if pdf.get_string_width(text) <= width:
        return text
    while text and pdf.get_string_width(text + "...") > width:
        text = text[:-1]
    return text.rstrip() + "..."


def _signature_area_height(slots: list[SignatureSlot]) -> float:
    others = len(slots) - 1
    rows = (others + 2) // 3
    return rows * (SMALL_ROW_H + 8) + MAIN_H


def _small_slot(pdf: FPDF, slot: SignatureSlot, x: float, top: float) -> _Placed:
    pdf.set_font("Helvetica", "", 8.5)
    pdf.set_xy(x, top)
    pdf.cell(SMALL_W, 10, _fit(pdf, slot.action, SMALL_W))
    pdf.set_xy(x, top + 10)
    pdf.cell(SMALL_W, 10, _fit(pdf, slot.position, SMALL_W))
    box_top = top + 22
    pdf.set_font("Helvetica", "B", 8.5)
    pdf.set_xy(x, box_top + SMALL_BOX_H + 3)
    pdf.cell(SMALL_W, 11, _fit(pdf, slot.name, SMALL_W))
    return _to_pdf(pdf.page - 1, x, box_top, SMALL_W, SMALL_BOX_H, slot.field_name)


def _main_slot(pdf: FPDF, content: LetterContent, slot: SignatureSlot, top: float) -> tuple[_Placed, _Placed]:
    x = PAGE_W - RIGHT - MAIN_W
    pdf.set_font(BODY_FONT, "", BODY_SIZE)
    place = latin1(content.place).strip() + ","
    place_w = min(pdf.get_string_width(place) + pdf.c_margin + 4, MAIN_W - 100)
    pdf.set_xy(x, top)
    pdf.cell(place_w, 15, _fit(pdf, place, place_w))
    date = _to_pdf(pdf.page - 1, x + place_w, top, MAIN_W - place_w, 15, DATE_FIELD)
    y = top + 18
    pdf.set_xy(x, y)
    pdf.cell(MAIN_W, 15, _fit(pdf, slot.action, MAIN_W))
    y += 15
    if slot.position.strip() and slot.position.strip() != slot.action.strip():
        pdf.set_xy(x, y)
        pdf.cell(MAIN_W, 15, _fit(pdf, slot.position, MAIN_W))
    y += 15 + 4
    box = _to_pdf(pdf.page - 1, x, y, MAIN_W, MAIN_BOX_H, slot.field_name)
    pdf.set_font(BODY_FONT, "BU", BODY_SIZE)
    pdf.set_xy(x, y + MAIN_BOX_H + 4)
    pdf.cell(MAIN_W, 15, _fit(pdf, slot.name, MAIN_W))
    return date, box


def draw_qr(pdf: FPDF, url: str, *, x: float, top: float, size: float) -> None:
    """A QR code of `url`, `size` points square at (x, top), drawn as filled rectangles (one per run of dark
    modules in a row): vector, sharp at any zoom, no image to embed."""
    qr = segno.make(url, error="m")
    unit = size / qr.symbol_size(border=0)[0]
    pdf.set_fill_color(0)
    for row_ix, row in enumerate(qr.matrix_iter(border=0)):
        start = None
        for col_ix, dark in enumerate([*row, 0]):
            if dark and start is None:
                start = col_ix
            elif not dark and start is not None:
                pdf.rect(x + start * unit, top + row_ix * unit, (col_ix - start) * unit, unit, style="F")
                start = None


def _qr_footer(pdf: FPDF, content: LetterContent) -> None:
    top = PAGE_H - BOTTOM - QR_SIZE
    draw_qr(pdf, content.verify_url, x=LEFT, top=top, size=QR_SIZE)
    text_x = LEFT + QR_SIZE + 10
    text_w = CONTENT_W - QR_SIZE - 10
    pdf.set_xy(text_x, top + 6)
    pdf.set_font("Helvetica", "", 7.5)
    pdf.multi_cell(text_w, 9.5, latin1(f"Verifikasi keaslian surat: {content.verify_url}"), align="L", new_x=XPos.LEFT)
    pdf.set_x(text_x)
    pdf.set_font("Helvetica", "B", 7.5)
    pdf.multi_cell(text_w, 9.5, latin1(f"Kode verifikasi: {content.code}"), align="L", new_x=XPos.LEFT)
    pdf.set_x(text_x)
    pdf.set_font("Helvetica", "", 7)
    pdf.multi_cell(
        text_w,
        9,
        "Surat ini ditandatangani secara elektronik dengan sertifikat elektronik; "
        "setiap perubahan sesudah penandatanganan dapat diketahui.",
        align="L",
        new_x=XPos.LEFT,
    )


def _draw(content: LetterContent) -> tuple[bytes, list[_Placed], list[_Placed]]:
    pdf = _Letter(orientation="P", unit="pt", format="A4")
    pdf.set_margins(LEFT, TOP, RIGHT)
    pdf.set_auto_page_break(True, margin=BOTTOM)
    pdf.set_creator("smartkampung")
    pdf.set_title(latin1(content.title))
    pdf.add_page()
    _letterhead(pdf, content)
    number = _title_and_number(pdf, content)
    for paragraph in content.body_paragraphs:
        _paragraph(pdf, paragraph)
    _facts(pdf, content.facts)
    _paragraph(pdf, content.closing)

    # The signature area and the QR code stay together on the last page.
    needed = _signature_area_height(content.slots) + 10
    footer_top = PAGE_H - BOTTOM - QR_SIZE - 10
    if pdf.get_y() + needed > footer_top:
        pdf.add_page()
    pdf.set_auto_page_break(False)
    top = pdf.get_y() + 6
    sig_fields: list[_Placed] = []
    others, main = content.slots[:-1], content.slots[-1]
    for ix, slot in enumerate(others):
        row, col = divmod(ix, 3)
        sig_fields.append(_small_slot(pdf, slot, LEFT + col * (SMALL_W + SMALL_GAP), top + row * (SMALL_ROW_H + 8)))
    top += ((len(others) + 2) // 3) * (SMALL_ROW_H + 8)
    date, main_box = _main_slot(pdf, content, main, top)
    sig_fields.append(main_box)
    _qr_footer(pdf, content)
    return bytes(pdf.output()), sig_fields, [number, date]


def _field_font(writer: BasePdfFileWriter) -> generic.IndirectObject:
    return writer.add_object(
        generic.DictionaryObject(
            {
                pdf_name("/Type"): pdf_name("/Font"),
                pdf_name("/Subtype"): pdf_name("/Type1"),
                pdf_name("/BaseFont"): pdf_name("/Times-Roman"),
                pdf_name("/Encoding"): pdf_name("/WinAnsiEncoding"),
            }
        )
    )


def _add_text_field(writer: BasePdfFileWriter, placed: _Placed) -> generic.IndirectObject:
    page_ref = writer.find_page_for_modification(placed.page)[0]
    x1, y1, x2, y2 = placed.x, placed.y, placed.x + placed.w, placed.y + placed.h
    text_field = generic.DictionaryObject(
        {
            pdf_name("/Type"): pdf_name("/Annot"),
            pdf_name("/Subtype"): pdf_name("/Widget"),
            pdf_name("/FT"): pdf_name("/Tx"),
            pdf_name("/T"): pdf_string(placed.name),
            pdf_name("/Ff"): generic.NumberObject(1),  # read-only: only the signing software fills it
            pdf_name("/F"): generic.NumberObject(4),  # print
            pdf_name("/Rect"): generic.ArrayObject(generic.FloatObject(round(v, 2)) for v in (x1, y1, x2, y2)),
            pdf_name("/P"): page_ref,
            pdf_name("/DA"): pdf_string(f"{FIELD_FONT} {FIELD_FONT_SIZE:g} Tf 0 g"),
        }
    )
    ref = writer.add_object(text_field)
    writer.register_annotation(page_ref, ref)
    return ref


def render_letter(content: LetterContent) -> bytes:
    """The letter as an A4 PDF with every form field of its signature chain, not yet signed."""
    _check_slots(content.slots)
    drawn, sig_fields, text_fields = _draw(content)
    code = latin1(content.code)
    info = generic.DictionaryObject(
        {
            pdf_name("/Title"): pdf_string(latin1(content.title)),
            pdf_name("/Subject"): pdf_string(f"{latin1(content.title)} - {code}"),
            pdf_name("/Keywords"): pdf_string(KEYWORD_PREFIX + code),
            pdf_name("/Creator"): pdf_string("smartkampung"),
            pdf_name(CODE_INFO_KEY): pdf_string(code),
        }
    )
    writer = copy_into_new_writer(PdfFileReader(BytesIO(drawn)), writer_kwargs={"info": info})
    writer.ensure_output_version((1, 7))
    writer.register_extension(ESIC_EXTENSION_1)
    for placed in sig_fields:
        append_signature_field(
            writer,
            SigFieldSpec(placed.name, on_page=placed.page, box=placed.box, empty_field_appearance=True),
        )
    form = writer.root["/AcroForm"]
    for placed in text_fields:
        form["/Fields"].append(_add_text_field(writer, placed))
    form[pdf_name("/DR")] = generic.DictionaryObject(
        {pdf_name("/Font"): generic.DictionaryObject({pdf_name(FIELD_FONT): _field_font(writer)})}
    )
    form[pdf_name("/DA")] = pdf_string(f"{FIELD_FONT} 0 Tf 0 g")
    form[pdf_name("/SigFlags")] = generic.NumberObject(3)
    out = BytesIO()
    writer.write(out)
    return out.getvalue()


def _walk_fields(fields, prefix: str = "", inherited_type=None, depth: int = 0):
    if depth > 8 or not isinstance(fields, generic.ArrayObject):
        return
    for ref in fields:
        if not isinstance(ref, generic.IndirectObject):
            continue
        form_field = ref.get_object()
        if not isinstance(form_field, generic.DictionaryObject) or "/T" not in form_field:
            continue
        name = f"{prefix}.{form_field['/T']}" if prefix else str(form_field["/T"])
        kind = form_field.get("/FT", inherited_type)
        yield name, kind, ref
        if "/Kids" in form_field:
            yield from _walk_fields(form_field["/Kids"], name, kind, depth + 1)


def find_field(handler, name: str, field_type: str | None = None) -> tuple[str, generic.IndirectObject]:
    """(field type, reference) of the field called `name`; FieldProblem when absent or of another type."""
    try:
        fields = handler.root["/AcroForm"]["/Fields"]
    except KeyError:
        fields = None
    for found, kind, ref in _walk_fields(fields):
        if found == name:
            if field_type is not None and kind != field_type:
                raise FieldProblem(f"The form field {name!r} is not of type {field_type}.")
            return kind, ref
    raise FieldProblem(f"The document has no form field named {name!r}.")


def _pdf_literal(text: str) -> bytes:
    raw = latin1(text).encode("latin-1")
    return b"(" + raw.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)") + b")"


def fill_fields(writer: BasePdfFileWriter, values: Mapping[str, str]) -> None:
    """Fill empty read-only text fields (`letter_number`, `letter_date`) with their values and appearances, inside
    `writer` (an IncrementalPdfFileWriter): the update is a form filling, allowed after certification."""
    if not values:
        return
    try:
        font_ref = writer.root["/AcroForm"]["/DR"].raw_get("/Font").get_object().raw_get(FIELD_FONT)
    except (KeyError, AttributeError):
        font_ref = _field_font(writer)
    for name, value in values.items():
        _, field_ref = find_field(writer, name, "/Tx")
        text_field = field_ref.get_object()
        if text_field.get("/V"):
            raise FieldProblem(f"The field {name!r} is already filled.")
        x1, y1, x2, y2 = (float(v) for v in text_field["/Rect"])
        w, h = abs(x2 - x1), abs(y2 - y1)
        baseline = max(h / 2 - 0.3 * FIELD_FONT_SIZE, 1)  # where fpdf2 puts a cell's baseline
        stream = generic.StreamObject(
            {
                pdf_name("/Type"): pdf_name("/XObject"),
                pdf_name("/Subtype"): pdf_name("/Form"),
                pdf_name("/BBox"): generic.ArrayObject(generic.FloatObject(round(v, 2)) for v in (0, 0, w, h)),
                pdf_name("/Resources"): generic.DictionaryObject(
                    {pdf_name("/Font"): generic.DictionaryObject({pdf_name(FIELD_FONT): font_ref})}
                ),
            },
            stream_data=b"/Tx BMC q BT %s %g Tf 0 g 1 %.2f Td %s Tj ET Q EMC"
            % (FIELD_FONT.encode(), FIELD_FONT_SIZE, baseline, _pdf_literal(value)),
        )
        text_field[pdf_name("/V")] = pdf_string(latin1(value))
        text_field[pdf_name("/AP")] = generic.DictionaryObject({pdf_name("/N"): writer.add_object(stream)})
        writer.update_container(text_field)


def field_box(pdf: bytes, field_name: str) -> tuple[int, float, float, float, float]:
    """Where a field's widget sits: (page index from 0, x, y, width, height), PDF points from the bottom left."""
    reader = PdfFileReader(BytesIO(pdf), strict=False)
    _, field_ref = find_field(reader, field_name)
    widget = field_ref.get_object()
    if "/Rect" not in widget and "/Kids" in widget:
        widget = widget["/Kids"][0].get_object()
    x1, y1, x2, y2 = (float(v) for v in widget["/Rect"])
    page_ix = 0
    page_ref = widget.raw_get("/P") if "/P" in widget else None
    if isinstance(page_ref, generic.IndirectObject):
        for ix in range(int(reader.root["/Pages"]["/Count"])):
            if reader.find_page_for_modification(ix)[0].reference == page_ref.reference:
                page_ix = ix
                break
    return page_ix, min(x1, x2), min(y1, y2), abs(x2 - x1), abs(y2 - y1)
