"""Reading a program's recipient list (CSV or XLSX, as the ministries, the province and the villages publish
them) into plain rows: each with what it says and what is wrong with it. Matching happens afterwards."""

import datetime as dt
import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.utils.translation import gettext as _

from smartkampung.population.importer import ImportFileError, header_key, open_table
from smartkampung.population.normalize import clean_name
from smartkampung.population.validation import parse_date

# Our field -> the column names seen in published lists (compared as header_key: upper case, _ for spaces).
COLUMNS: dict[str, tuple[str, ...]] = {
    "nik": ("NIK", "NO_NIK", "NIK_KTP", "NIK_PENERIMA", "NIK_KPM", "NIK_PENGURUS", "NOMOR_INDUK_KEPENDUDUKAN"),
    "kk_number": ("NO_KK", "KK", "NKK", "NOMOR_KK", "NO_KARTU_KELUARGA", "KK_PENERIMA"),
    "name": ("NAMA", "NAMA_LENGKAP", "NAMA_PENERIMA", "NAMA_KPM", "NAMA_LGKP", "NAMA_PENGURUS", "NAMA_KK"),
    "birth_date": ("TGL_LAHIR", "TANGGAL_LAHIR", "TGL_LHR", "TANGGAL_LHR"),
    "address": ("ALAMAT", "ALAMAT_LENGKAP", "ALAMAT_KPM", "ALAMAT_RUMAH"),
    "village": ("KODE_DESA", "KD_DESA", "KODE_WILAYAH", "KODE_KEL", "DESA", "KELURAHAN", "DESA_KELURAHAN", "NAMA_DESA"),
}
FIELDS = tuple(COLUMNS)
REQUIRED = ("name",)
_ALIASES = {alias: name for name, aliases in COLUMNS.items() for alias in aliases}
_DIGITS = re.compile(r"\D+")


def column_mapper(remembered: dict[str, str] | None = None):
    """A header -> columns function: the names an officer gave (or the program remembers) first, then the
    names seen in published lists. A list must name at least its recipients and a NIK or KK column."""
    chosen = {name: header_key(column) for name, column in (remembered or {}).items() if column and name in COLUMNS}

    def mapper(header: list[Any]) -> dict[str, int]:
        keys = [header_key(cell) for cell in header]
        columns: dict[str, int] = {}
        for name, key in chosen.items():
            if key in keys:
                columns[name] = keys.index(key)
        for index, key in enumerate(keys):
            name = _ALIASES.get(key)
            if name and name not in columns and index not in columns.values():
                columns[name] = index
        missing = [COLUMNS[name][0] for name in REQUIRED if name not in columns]
        if "nik" not in columns and "kk_number" not in columns:
            missing.append(_("NIK or NO_KK"))
        if missing:
            raise ImportFileError(
                _("The list has no column for: %(missing)s.") % {"missing": ", ".join(missing)}
                + " "
                + _("The first row must name the columns; name them on the form if the file calls them otherwise.")
            )
        return columns

    return mapper


@dataclass
class Row:
    """One row of a list as read, with its problems (a missing or malformed NIK is a problem, not a stop)."""

    number: int
    nik: str = ""
    kk_number: str = ""
    name: str = ""
    birth_date: dt.date | None = None
    address: str = ""
    village: str = ""
    problems: list[str] = field(default_factory=list)

    @property
    def readable(self) -> bool:
        # A name alone is not enough to find anyone; with a village the model may still place it.
        return bool(self.name) and bool(self.nik or self.kk_number or self.birth_date or self.village)

    def fingerprint(self) -> str:
        """The row's identity for remembered decisions: what it says, not where it stands in the file."""
        text = "|".join((self.nik, self.kk_number, name_key(self.name), str(self.birth_date or "")))
        return hashlib.sha1(text.encode(), usedforsecurity=False).hexdigest()


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _number(value: Any, label: str, problems: list[str]) -> str:
    """A 16-digit number as given: spreadsheet numbers, spaces, dots and a leading apostrophe are forgiven."""
    text = _text(value).lstrip("'")
    if not text:
        return ""
    if re.fullmatch(r"\d+(\.\d+)?[eE]\+?\d+", text):
        problems.append(_("%(label)s was stored as a rounded number by the spreadsheet") % {"label": label})
        return ""
    digits = _DIGITS.sub("", text)
    if len(digits) != 16:
        problems.append(_("%(label)s has %(n)d digits, not 16") % {"label": label, "n": len(digits)})
        return ""
    return digits


def read_row(number: int, values: dict[str, Any]) -> Row:
    problems: list[str] = []
    row = Row(number=number, problems=problems)
    row.nik = _number(values.get("nik"), "NIK", problems)
    row.kk_number = _number(values.get("kk_number"), "KK", problems)
    row.name = clean_name(_text(values.get("name")))[:150]
    if not row.name:
        problems.append(_("no name"))
    raw_birth = values.get("birth_date")
    if _text(raw_birth):
        row.birth_date = parse_date(raw_birth)
        if row.birth_date is None:
            problems.append(_("the birth date cannot be read"))
    row.address = _text(values.get("address"))[:255]
    row.village = _text(values.get("village"))[:60]
    if not _text(values.get("nik")):
        problems.append(_("no NIK"))
    return row


def read_list(path: Path, fmt: str, *, mapping: dict[str, str] | None = None):
    """(columns used, total rows, the rows as Row): raises ImportFileError for a file that cannot be read."""
    table = open_table(path, fmt, mapper=column_mapper(mapping))
    header = table.header
    used = {name: _text(header[index]) for name, index in table.columns.items()}

    def rows():
        for number, cells in table.rows:
            width = len(cells)
            yield read_row(number, {name: cells[i] for name, i in table.columns.items() if i < width})

    return used, table.total, rows()


# ---------------------------------------------------------------- names

# Spellings of one name that lists use interchangeably; matched as one.
_VARIANTS = {
    "MUHAMMAD": ("MOCH", "MOCHAMAD", "MOCHAMMAD", "MOHAMAD", "MOHAMMAD", "MOHAMMED", "MUHAMAD", "MUHAMMED",
                 "MUCHAMMAD", "MUCHAMAD", "MOH", "MUH", "MHD", "MOHD", "MOCHD", "M"),
    "ABDUL": ("ABD", "ABDOEL"),
    "SITI": ("SITTI",),
    "NUR": ("NOER", "NOOR"),
    "AHMAD": ("ACHMAD", "ACHMAT", "AHMAT"),
}  # fmt: skip
# Titles and honorifics are not part of the name on the KTP.
_TITLES = ("H", "HJ", "HAJI", "HAJJAH", "DRS", "DRA", "DR", "IR", "SH", "SE", "SPD", "SAG", "AMD", "ST", "SKM", "BPK",
           "BAPAK", "IBU", "SDR", "SDRI", "ALM", "ALMH", "KH", "NY", "TN")  # fmt: skip
# The same steps as regular expressions, for Python (one name) and polars (a whole column) alike.
NAME_STEPS: list[tuple[str, str]] = [
    (r",.*$", ""),  # degrees follow a comma: "ABD RAHMAN, S.PD"
    (r"'", ""),
    (r"[^A-Z]+", " "),
    (r"\b(?:" + "|".join(_TITLES) + r")\b", " "),
    *[(r"\b(?:" + "|".join(variants) + r")\b", name) for name, variants in _VARIANTS.items()],
    (r" +", " "),
]
_COMPILED = [(re.compile(pattern), replacement) for pattern, replacement in NAME_STEPS]


def name_key(name: str) -> str:
    """A name as matching compares it: upper-case words, titles dropped, common spellings made one
    ("Moch. Rizki" and "MUHAMAD RIZKI" give "MUHAMMAD RIZKI")."""
    text = name.upper()
    for pattern, replacement in _COMPILED:
        text = pattern.sub(replacement, text)
    return text.strip()


def name_key_expr(column):
    """name_key for a polars string column."""
    expr = column.str.to_uppercase()
    for pattern, replacement in NAME_STEPS:
        expr = expr.str.replace_all(pattern, replacement)
    return expr.str.strip_chars()
