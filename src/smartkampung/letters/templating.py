"""A letter type's template: plain paragraphs with placeholders such as {{ resident.name }}, filled from what the
register says of the resident, their household, their village and its officials. Deliberately not Django's
template language: an administrator edits these, and a placeholder can only ever print one known value."""

import re

from django.utils.translation import gettext as _

PLACEHOLDER = re.compile(r"\{\{\s*([a-z_]+\.[a-z_]+)\s*\}\}")
# Every placeholder a template may use, with the example the editor's preview shows.
EXAMPLES = {
    "resident.name": "SITI AMINAH",
    "resident.nik": "3510154506850003",
    "resident.birth_place": "BANYUWANGI",
    "resident.birth_date": "05-06-1985",
    "resident.sex": "Perempuan",
    "resident.religion": "Islam",
    "resident.marital_status": "Kawin",
    "resident.occupation": "Buruh Tani",
    "resident.address": "Dusun Krajan RT 002 RW 001",
    "household.kk_number": "3510150101100003",
    "household.head_name": "AHMAD FAUZI",
    "household.members": "4",
    "village.name": "Bakungan",
    "village.kind": "Desa",
    "village.code": "3510151002",
    "district.name": "Glagah",
    "regency.name": "Banyuwangi",
    "letter.purpose": "berobat ke rumah sakit",
    "letter.validity_days": "90",
    "official.head_name": "H. SUGIONO",
    "official.secretary_name": "RINA WULANDARI",
    "official.camat_name": "Drs. BAMBANG S.",
}


def template_problems(text: str) -> list[str]:
    """Unknown placeholders and stray braces, in words (empty when the template is usable)."""
    problems = []
    for name in sorted({m.group(1) for m in PLACEHOLDER.finditer(text)} - set(EXAMPLES)):
        problems.append(_("Unknown placeholder {{ %(name)s }}.") % {"name": name})
    if "{{" in PLACEHOLDER.sub("", text) or "}}" in PLACEHOLDER.sub("", text):
        problems.append(_("A placeholder is not closed: write it as {{ resident.name }}."))
    return problems


def fill(text: str, values: dict[str, str]) -> str:
    return PLACEHOLDER.sub(lambda m: str(values.get(m.group(1), "")), text)


def paragraphs(text: str, values: dict[str, str]) -> list[str]:
    """The filled template's paragraphs (separated by empty lines; single line breaks join)."""
    filled = fill(text.replace("\r\n", "\n"), values)
    return [" ".join(part.split()) for part in re.split(r"\n\s*\n", filled) if part.strip()]
