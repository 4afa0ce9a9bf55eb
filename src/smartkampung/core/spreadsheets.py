"""Spreadsheets in and out, safely, for every app: uploads kept within a size, CSV and XLSX files checked before
they are parsed (no zip bombs, no DTDs or entities, a bounded number of rows), and exports that no spreadsheet
program runs as formulas.

Reading: `check_upload` (size of an upload), `check_file` (size, and for XLSX the zip and its XML), `read_xlsx`
(the first sheet's rows, streamed and capped), `row_cap` (the limit for a file's rows). Every refusal is a
`SpreadsheetError` whose message is in words, for the page or the API to show as it is.

Writing: `csv_lines` / `csv_text` (CSV with formula-like cells neutralised by a leading apostrophe) and
`xlsx_bytes` (every text cell written as text, never as a formula). Numbers and dates stay numbers and dates.
"""

import datetime as dt
import io
import re
import zipfile
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.files.uploadhandler import TemporaryFileUploadHandler
from django.utils import formats, timezone
from django.utils.translation import gettext as _

MIB = 1024 * 1024
# Members larger than this must not have been squeezed more than MAX_RATIO times: real worksheets compress about
# ten times; a zip bomb a thousand.
RATIO_FROM_BYTES = 1 * MIB
MAX_RATIO = 100
MAX_MEMBERS = 10_000
_XML_SUFFIXES = (".xml", ".rels", ".vml")
_CHUNK = 1 * MIB


# What reading a damaged or hostile zip raises (a broken deflate stream is a zlib.error, an encrypted part a
# RuntimeError, an unknown compression a NotImplementedError, defusedxml's refusals ValueErrors).
_DAMAGED = (
    zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, OSError, EOFError, ValueError, RuntimeError,
    NotImplementedError,
)  # fmt: skip


class SpreadsheetError(Exception):
    """A file refused as a whole; the message says why, in words."""


# ---------------------------------------------------------------- uploads


def upload_limit() -> int:
    return settings.SMARTKAMPUNG_IMPORT_MAX_BYTES


def _amount(size: int) -> str:
    if size >= MIB:
        return f"{formats.number_format(size / MIB, decimal_pos=0, force_grouping=True)} MB"
    return f"{formats.number_format(max(1, round(size / 1024)), force_grouping=True)} KB"


def too_big_message(size: int, limit: int) -> str:
    return _("The file is too large (%(size)s); at most %(limit)s can be uploaded.") % {
        "size": _amount(size),
        "limit": _amount(limit),
    }


def check_upload(upload) -> None:
    """Refuse an uploaded file over the limit (its size as sent, whatever the handler kept of it), or one the
    handler could not keep whole."""
    size, limit = getattr(upload, "size", None) or 0, upload_limit()
    if size > limit or getattr(upload, "truncated", False):
        raise SpreadsheetError(too_big_message(max(size, limit + 1), limit))


def save_upload(upload, destination: Path) -> Path:
    """Copy an uploaded file to `destination`, refusing one over the limit (before and while copying)."""
    check_upload(upload)
    limit, written = upload_limit(), 0
    with open(destination, "wb") as out:
        chunks = upload.chunks() if hasattr(upload, "chunks") else iter(lambda: upload.read(_CHUNK), b"")
        for chunk in chunks:
            written += len(chunk)
            if written > limit:
                raise SpreadsheetError(too_big_message(written, limit))
            out.write(chunk)
    return destination


class CappedUploadHandler(TemporaryFileUploadHandler):
    """Django's temporary-file handler that stops keeping uploads past the limit: the disk holds at most the limit
    (plus one byte) of a request's files, however many it sends, while each file's `size` still says how much was
    sent and `truncated` marks one not kept whole, so that `check_upload` refuses it in words."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._budget = upload_limit() + 1  # for the whole request

    def new_file(self, *args, **kwargs):
        super().new_file(*args, **kwargs)
        self._kept = 0

    def receive_data_chunk(self, raw_data, start):
        room = min(self._budget, upload_limit() + 1 - self._kept)
        part = raw_data[: max(0, room)]
        if part:
            self.file.write(part)
            self._kept += len(part)
            self._budget -= len(part)
        return None

    def file_complete(self, file_size):
        upload = super().file_complete(file_size)
        upload.truncated = self._kept < file_size
        return upload


# ---------------------------------------------------------------- reading


def row_cap() -> int:
    return settings.SPREADSHEET_MAX_ROWS


def too_many_rows_message(limit: int) -> str:
    return _("The file has more than %(n)s rows; split it into smaller files.") % {
        "n": formats.number_format(limit, force_grouping=True)
    }


@dataclass
class XlsxFacts:
    """What the check found out about a workbook before it is opened."""

    uncompressed: int
    rows: dict[str, int]  # worksheet part -> rows counted in it


def check_file(path: Path, fmt: str) -> XlsxFacts | None:
    """Check a stored file before it is parsed: a CSV needs nothing more here; an XLSX is checked by
    `check_xlsx`. Raises SpreadsheetError."""
    return check_xlsx(path) if fmt == "xlsx" else None


_ROW_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]{0,20}:)?row[\s/>]")
_TAIL = 64


class _RootReached(Exception):
    pass


class _StopAtRoot:
    """A parser target that stops at the first element: the prolog (where a DTD would be) has been read."""

    def start(self, tag, attrib):
        raise _RootReached

    def close(self):
        return None


def check_xlsx(path: Path) -> XlsxFacts:
    """Refuse a workbook that is not a zip, would unpack beyond the limits, is squeezed like a zip bomb, holds a
    DTD or an entity in any XML part, or has a worksheet with more rows than allowed. The sizes are those of
    the zip's directory, which is also what bounds the reading later (zipfile never unpacks more than that)."""
    total_cap = settings.SPREADSHEET_MAX_UNCOMPRESSED_BYTES
    try:
        archive = zipfile.ZipFile(path)
    except _DAMAGED as exc:
        raise SpreadsheetError(_("The file cannot be opened as an Excel workbook (.xlsx).")) from exc
    with archive:
        members = archive.infolist()
        if len(members) > MAX_MEMBERS:
            raise SpreadsheetError(_("The workbook has too many parts to be a spreadsheet."))
        total = sum(m.file_size for m in members)
        if total > total_cap:
            raise SpreadsheetError(
                _("The workbook unpacks to %(size)s; at most %(limit)s can be read. Save it as CSV or split it.")
                % {"size": _amount(total), "limit": _amount(total_cap)}
            )
        for member in members:
            if member.file_size > RATIO_FROM_BYTES and member.file_size > MAX_RATIO * max(1, member.compress_size):
                raise SpreadsheetError(
                    _("The workbook is packed far more tightly than a spreadsheet can be; it is refused.")
                )
            # openpyxl holds the whole text table in memory (several times its size) before the first row.
            strings_cap = min(total_cap // 8, settings.SPREADSHEET_MAX_SHARED_STRINGS_BYTES)
            if member.filename.endswith("sharedStrings.xml") and member.file_size > strings_cap:
                raise SpreadsheetError(
                    _("The workbook's text table is too large to be read; save it as CSV or split it.")
                )
        rows: dict[str, int] = {}
        limit = row_cap()
        try:
            for member in members:
                if not member.filename.lower().endswith(_XML_SUFFIXES) or member.is_dir():
                    continue
                is_sheet = member.filename.startswith("xl/worksheets/") and member.filename.count("/") == 2
                with archive.open(member) as part:
                    _check_prolog(part)
                if is_sheet:
                    with archive.open(member) as part:
                        rows[member.filename] = _count_rows(part, limit + 1)
                    if rows[member.filename] > limit + 1:  # the header row is not counted
                        raise SpreadsheetError(too_many_rows_message(limit))
        except _DAMAGED as exc:
            raise SpreadsheetError(_("The workbook is damaged and cannot be read.")) from exc
    return XlsxFacts(uncompressed=total, rows=rows)


def _check_prolog(part) -> None:
    """Read an XML part up to its first element with entities and DTDs forbidden (defusedxml)."""
    from defusedxml import DefusedXmlException
    from defusedxml.ElementTree import DefusedXMLParser, ParseError

    parser = DefusedXMLParser(target=_StopAtRoot(), forbid_dtd=True, forbid_entities=True, forbid_external=True)
    try:
        for chunk in iter(lambda: part.read(64 * 1024), b""):
            parser.feed(chunk)
        parser.close()
    except _RootReached:
        return
    except DefusedXmlException as exc:
        raise SpreadsheetError(
            _(
                "The workbook contains a document type declaration or entities, which spreadsheets do not need; "
                "it is refused. Save it again from your spreadsheet program."
            )  # fmt: skip
        ) from exc
    except (ParseError, SyntaxError) as exc:
        raise SpreadsheetError(_("The workbook is damaged and cannot be read.")) from exc


def _count_rows(part, stop_after: int) -> int:
    """Rows (<row> elements) in a worksheet's XML, counted without parsing it; stops once past `stop_after`."""
    count, tail = 0, b""
    for chunk in iter(lambda: part.read(_CHUNK), b""):
        buffer = tail + chunk
        # Matches wholly inside the tail were counted with the previous chunk.
        count += _rows_in(buffer) - _rows_in(tail)
        if count > stop_after:
            return count
        tail = buffer[-_TAIL:]
    return count


def _rows_in(data: bytes) -> int:
    if b":row" in data:  # a namespace prefix (<x:row>): the slower, exact way
        return len(_ROW_TAG.findall(data))
    return sum(data.count(b"<row" + end) for end in (b" ", b">", b"/", b"\t", b"\n", b"\r"))


def read_xlsx(handle) -> tuple[list[Any] | None, Iterator[list[Any]], int | None, Any]:
    """(header, rows after it, rows declared by the sheet, workbook) of a workbook's first sheet, read streaming.
    The rows stop with a SpreadsheetError past the row limit or at damaged XML; close the workbook after."""
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(handle, read_only=True, data_only=True)
    except (*_DAMAGED, KeyError, TypeError, SyntaxError) as exc:
        raise SpreadsheetError(_("The file cannot be opened as an Excel workbook (.xlsx).")) from exc
    sheet = workbook.worksheets[0] if workbook.worksheets else None
    if sheet is None:
        workbook.close()
        raise SpreadsheetError(_("The workbook has no sheet."))
    limit = row_cap()
    iterator = sheet.iter_rows(values_only=True)

    def rows() -> Iterator[list[Any]]:
        read = 0
        try:
            for cells in iterator:
                read += 1
                if read > limit:
                    raise SpreadsheetError(too_many_rows_message(limit))
                yield list(cells)
        except SpreadsheetError:
            raise
        except (*_DAMAGED, KeyError, TypeError, SyntaxError) as exc:
            # ParseError is a SyntaxError; defusedxml's refusals are ValueErrors.
            raise SpreadsheetError(_("The workbook is damaged and cannot be read.")) from exc

    try:
        header = next(iterator, None)
    except (*_DAMAGED, KeyError, TypeError, SyntaxError) as exc:
        workbook.close()
        raise SpreadsheetError(_("The workbook is damaged and cannot be read.")) from exc
    declared = sheet.max_row if isinstance(sheet.max_row, int) else None
    if declared is not None and declared - 1 > limit:
        workbook.close()
        raise SpreadsheetError(too_many_rows_message(limit))
    return (list(header) if header is not None else None), rows(), declared, workbook


# ---------------------------------------------------------------- writing

# A cell starting with one of these is a formula (or becomes one) in Excel, LibreOffice and Google Sheets.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n", "\uff1d", "\uff0b", "\uff0d", "\uff20")


def _formula_like(text: str) -> bool:
    # Spreadsheets skip leading spaces (and full-width forms) before deciding a cell is a formula.
    return text.startswith(FORMULA_STARTS) or text.lstrip(" \u00a0\u3000").startswith(FORMULA_STARTS)


def neutral(value: Any) -> Any:
    """A cell for a CSV file: text that a spreadsheet would run as a formula gets a leading apostrophe (shown
    as text, not run). Numbers (a negative one is not a formula), dates and empty cells are left as they are;
    anything else is written as its text, neutralised the same way."""
    if value is None or isinstance(value, bool | int | float | Decimal | dt.date | dt.time):
        return value
    text = value if isinstance(value, str) else str(value)
    return "'" + text if _formula_like(text) else text


class _Echo:
    def write(self, value):
        return value


def csv_lines(rows: Iterable[Iterable[Any]]) -> Iterator[str]:
    """Rows as CSV lines (for a streamed download), every cell through `neutral`."""
    import csv

    writer = csv.writer(_Echo())
    for row in rows:
        yield writer.writerow([neutral(value) for value in row])


def csv_text(rows: Iterable[Iterable[Any]]) -> str:
    return "".join(csv_lines(rows))


def _xlsx_value(sheet, value: Any) -> Any:
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    if value is None or isinstance(value, bool | int | float | Decimal | dt.date | dt.time):
        if isinstance(value, dt.datetime) and value.tzinfo is not None:
            value = timezone.localtime(value).replace(tzinfo=None)
        return value
    text = ILLEGAL_CHARACTERS_RE.sub("", str(value))
    cell = WriteOnlyCell(sheet, value=text)
    cell.data_type = "s"  # a string starting with "=" was taken for a formula: it is text
    cell.number_format = "@"
    if _formula_like(text):
        cell.quotePrefix = True
    return cell


def xlsx_bytes(rows: Iterable[Iterable[Any]], sheet_name: str) -> bytes:
    """Rows as a one-sheet workbook. Text is written as text (type "s", number format "@", and a quote prefix
    where it looks like a formula), so no cell is a live formula; numbers, dates and booleans keep their type."""
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet(sheet_name[:31] or "sheet")
    for row in rows:
        sheet.append([_xlsx_value(sheet, value) for value in row])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
