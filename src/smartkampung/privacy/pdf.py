"""The PDF of a data subject's export: every section with its records, field by field, in the PDF core fonts
(Latin-1, as the letters are drawn: nothing needs a system font). Plain text to read and to print, not signed."""

from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from fpdf import FPDF
from fpdf.enums import XPos, YPos

from smartkampung.core.pdftext import latin1
from smartkampung.privacy.services import SubjectData

LINE = 4.6
INDENT = 5


class _Export(FPDF):
    def footer(self):
        self.set_y(-12)
        self.set_font("Helvetica", "", 7)
        self.cell(0, 6, latin1(_("Page %(n)s of %(total)s") % {"n": self.page_no(), "total": "{nb}"}))


def _line(pdf: FPDF, text: str, *, indent: int = 0, size: float = 9, style: str = "") -> None:
    pdf.set_font("Helvetica", style, size)
    pdf.set_x(pdf.l_margin + indent * INDENT)
    pdf.multi_cell(0, LINE, latin1(text), new_x=XPos.LMARGIN, new_y=YPos.NEXT)


def _value(pdf: FPDF, name: str, value: Any, indent: int) -> None:
    label = name.replace("_", " ")
    if isinstance(value, dict):
        _line(pdf, f"{label}:", indent=indent, style="B" if indent == 1 else "")
        for key, item in value.items():
            _value(pdf, str(key), item, indent + 1)
    elif isinstance(value, list) and any(isinstance(item, dict | list) for item in value):
        _line(pdf, f"{label} ({len(value)}):", indent=indent)
        for number, item in enumerate(value, 1):
            _value(pdf, f"{number}", item, indent + 1)
    else:
        shown = ", ".join(str(item) for item in value) if isinstance(value, list) else value
        if isinstance(shown, bool):
            shown = _("yes") if shown else _("no")
        elif shown in ("", None):
            shown = "-"
        _line(pdf, f"{label}: {shown}", indent=indent)


def subject_pdf(found: SubjectData) -> bytes:
    pdf = _Export(format="A4")
    pdf.set_title(latin1(_("Personal data held about NIK %(nik)s") % {"nik": found.nik}))
    pdf.set_auto_page_break(True, margin=16)
    pdf.alias_nb_pages()
    pdf.add_page()
    _line(pdf, _("Personal data held about NIK %(nik)s") % {"nik": found.nik}, size=13, style="B")
    pdf.ln(1)
    generated = timezone.localtime(found.generated_at).strftime("%d-%m-%Y %H:%M")
    for label, value in (
        (_("Request reference"), found.reference),
        (_("Prepared at"), generated),
        (_("Summary"), found.as_dict()["summary"]),
    ):
        _line(pdf, f"{label}: {value}")
    for section in found.sections:
        pdf.ln(2)
        _line(pdf, f"{section.label} ({section.count})", size=11, style="B")
        if not section.records:
            _line(pdf, _("Nothing held."), indent=1)
        for number, record in enumerate(section.records, 1):
            _value(pdf, f"{number}", record, 1)
    return bytes(pdf.output())
