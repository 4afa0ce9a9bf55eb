"""Workbooks as attackers and spreadsheet programs write them, for the tests of every app's uploads: a plain one,
one that unpacks to far more than it weighs (a zip bomb), and one whose XML declares entities (billion laughs)."""

import io
import zipfile
from collections.abc import Iterable, Iterator

from openpyxl import Workbook

SHEET = "xl/worksheets/sheet1.xml"
_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
LAUGHS = (
    '<!DOCTYPE worksheet [<!ENTITY lol "lol">'
    + "".join(f'<!ENTITY lol{i} "{("&lol;" if i == 1 else f"&lol{i - 1};") * 10}">' for i in range(1, 10))
    + "]>"
)


def workbook(rows: Iterable[Iterable]) -> bytes:
    """An ordinary workbook, as openpyxl (and so, near enough, Excel) writes it."""
    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(list(row))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _cell(column: int, row: int, text: str) -> str:
    letter = chr(ord("A") + column)
    return f'<c r="{letter}{row}" t="inlineStr"><is><t>{text}</t></is></c>'


def sheet_xml(rows: Iterable[Iterable[str]], *, doctype: str = "", filler: int = 0) -> Iterator[bytes]:
    """A worksheet's XML in pieces; `filler` adds that many megabytes of one letter to the last row's cell."""
    prolog = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    yield f'{prolog}{doctype}<worksheet xmlns="{_NS}"><sheetData>'.encode()
    rows = [list(row) for row in rows]
    for number, row in enumerate(rows, start=1):
        cells = "".join(_cell(i, number, text) for i, text in enumerate(row))
        if number == len(rows) and filler:
            yield f'<row r="{number}">{cells}<c r="Z{number}" t="inlineStr"><is><t>'.encode()
            block = b"A" * (1024 * 1024)
            for _ in range(filler):
                yield block
            yield b"</t></is></c></row>"
        else:
            yield f'<row r="{number}">{cells}</row>'.encode()
    yield b"</sheetData></worksheet>"


def with_part(data: bytes, name: str, pieces: Iterable[bytes]) -> bytes:
    """The workbook `data` with its part `name` replaced by `pieces` (written streaming, tightly packed)."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as target:
        for member in source.infolist():
            if member.filename != name:
                target.writestr(member.filename, source.read(member.filename))
        with target.open(name, "w") as part:
            for piece in pieces:
                part.write(piece)
    return out.getvalue()


def xlsx_from_rows(rows: Iterable[Iterable[str]], *, doctype: str = "", filler: int = 0) -> bytes:
    """A workbook whose first sheet is `rows` (written by hand, so it may carry a DTD or a huge cell)."""
    return with_part(workbook([["x"]]), SHEET, sheet_xml(rows, doctype=doctype, filler=filler))


def zip_bomb(header: list[str], row: list[str], megabytes: int = 20) -> bytes:
    """A small workbook (tens of KB) whose sheet unpacks to `megabytes` MB: the header, then one huge row."""
    return xlsx_from_rows([header, row], filler=megabytes)


def billion_laughs(header: list[str], row: list[str]) -> bytes:
    """A workbook whose sheet declares nested entities and uses the deepest one in a cell."""
    return xlsx_from_rows([header, [*row[:-1], "&lol9;"]], doctype=LAUGHS)
