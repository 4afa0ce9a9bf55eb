"""Spreadsheets in and out: what an upload may weigh, what a workbook may unpack to and hold, and exports that a
spreadsheet program never runs as formulas."""

import csv
import datetime as dt
import io
import re
import struct
import zipfile
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from openpyxl import load_workbook

from smartkampung.core import spreadsheets
from smartkampung.core.spreadsheets import SpreadsheetError
from smartkampung.core.tests.workbooks import (
    LAUGHS,
    SHEET,
    billion_laughs,
    with_part,
    workbook,
    xlsx_from_rows,
    zip_bomb,
)

HEADER = ["NIK", "NAMA"]
ROW = ["3510011708850001", "BUDI"]


@pytest.fixture(autouse=True)
def in_english():
    with translation.override("en"):
        yield


def stored(tmp_path, data: bytes, name: str = "upload.xlsx"):
    path = tmp_path / name
    path.write_bytes(data)
    return path


# ---------------------------------------------------------------- reading


def test_an_ordinary_workbook_passes_the_checks_and_reads_row_by_row(tmp_path):
    path = stored(tmp_path, workbook([HEADER, ROW, ["3510011708850002", "SITI"]]))

    facts = spreadsheets.check_xlsx(path)
    with open(path, "rb") as handle:
        header, rows, declared, book = spreadsheets.read_xlsx(handle)
        assert (header, list(rows), declared) == (HEADER, [ROW, ["3510011708850002", "SITI"]], 3)
        book.close()
    assert facts.rows == {"xl/worksheets/sheet1.xml": 3}


def test_a_zip_bomb_is_refused_before_it_is_unpacked(tmp_path):
    data = zip_bomb(HEADER, ROW, megabytes=20)
    assert len(data) < 100_000  # 20 MB of sheet in a few dozen kilobytes

    with pytest.raises(SpreadsheetError, match="packed far more tightly"):
        spreadsheets.check_xlsx(stored(tmp_path, data))


def test_a_workbook_unpacking_beyond_the_limit_is_refused(tmp_path, settings):
    settings.SPREADSHEET_MAX_UNCOMPRESSED_BYTES = 20_000
    rows = [HEADER, *([f"35100117088500{i:02d}", "NAMA"] for i in range(500))]

    with pytest.raises(SpreadsheetError, match="unpacks to"):
        spreadsheets.check_xlsx(stored(tmp_path, workbook(rows)))


def test_a_text_table_too_large_to_hold_in_memory_is_refused_before_parsing(tmp_path, settings):
    # openpyxl reads a workbook's shared strings whole before its first row: a small, ordinarily packed file
    # of many distinct texts would cost the server far more memory than its size says.
    settings.SPREADSHEET_MAX_SHARED_STRINGS_BYTES = 20_000
    texts = (f"<si><t>NAMA {i} {i * 7919 % 10007}</t></si>".encode() for i in range(2_000))
    strings = [b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">', *texts, b"</sst>"]
    data = with_part(workbook([HEADER, ROW]), "xl/sharedStrings.xml", strings)
    spreadsheets.check_xlsx(stored(tmp_path, workbook([HEADER, ROW])))  # the same without the table passes

    with pytest.raises(SpreadsheetError, match="text table is too large"):
        spreadsheets.check_xlsx(stored(tmp_path, data))


@pytest.mark.parametrize(
    "doctype",
    [LAUGHS, "<!DOCTYPE worksheet>", '<!DOCTYPE worksheet SYSTEM "http://example.org/x.dtd">'],
    ids=["billion-laughs", "bare-doctype", "external-dtd"],
)
def test_a_document_type_declaration_in_a_sheet_is_refused_in_words(tmp_path, doctype):
    data = xlsx_from_rows([HEADER, ROW], doctype=doctype)

    with pytest.raises(SpreadsheetError, match="document type declaration"):
        spreadsheets.check_xlsx(stored(tmp_path, data))


def test_entities_in_any_part_of_the_workbook_are_refused(tmp_path):
    book = workbook([HEADER, ROW])
    workbook_xml = (
        '<?xml version="1.0"?>' + LAUGHS.replace("worksheet", "workbook") + "<workbook "
        'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"/>'
    ).encode()

    with pytest.raises(SpreadsheetError, match="document type declaration"):
        spreadsheets.check_xlsx(stored(tmp_path, with_part(book, "xl/workbook.xml", [workbook_xml])))


def test_openpyxl_itself_refuses_entities_when_a_check_is_skipped(tmp_path):
    # defusedxml is installed, so openpyxl parses with it: the reader turns its refusal into words too.
    import openpyxl

    assert openpyxl.DEFUSEDXML
    laughs = stored(tmp_path, billion_laughs(HEADER, ROW))
    with open(laughs, "rb") as handle, pytest.raises(SpreadsheetError, match="cannot be opened|damaged"):
        _header, rows, _declared, _book = spreadsheets.read_xlsx(handle)
        list(rows)


def test_too_many_rows_are_refused_before_parsing_and_stopped_while_parsing(tmp_path, settings):
    settings.SPREADSHEET_MAX_ROWS = 3
    rows = [HEADER, *([f"35100117088500{i:02d}", "NAMA"] for i in range(5))]
    with pytest.raises(SpreadsheetError, match="more than 3 rows"):
        spreadsheets.check_xlsx(stored(tmp_path, workbook(rows)))
    # A sheet that declares no size (as hand-written ones may) is stopped at the limit while it is read.
    undeclared = stored(tmp_path, xlsx_from_rows(rows), name="undeclared.xlsx")
    with open(undeclared, "rb") as handle:
        header, read, declared, book = spreadsheets.read_xlsx(handle)
        assert declared is None
        with pytest.raises(SpreadsheetError, match="more than 3 rows"):
            list(read)
        book.close()


def test_rows_are_counted_across_chunks_and_with_a_namespace_prefix():
    class Part(io.BytesIO):
        def read(self, n=-1):  # a few bytes at a time: every tag is cut somewhere
            return super().read(min(n, 7) if n and n > 0 else 7)

    plain = b"<sheetData>" + b'<row r="1"><c/></row>' * 40 + b"<row/><rowBreaks/></sheetData>"
    prefixed = b"<x:sheetData>" + b'<x:row r="1"></x:row>' * 40 + b"</x:sheetData>"

    assert spreadsheets._count_rows(Part(plain), 1000) == 41
    assert spreadsheets._count_rows(Part(prefixed), 1000) == 40


def test_a_damaged_workbook_is_refused_in_words(tmp_path):
    with pytest.raises(SpreadsheetError, match="cannot be opened"):
        spreadsheets.check_xlsx(stored(tmp_path, b"PK\x03\x04 not really a zip"))
    broken = with_part(workbook([HEADER, ROW]), "xl/worksheets/sheet1.xml", [b"<worksheet><sheetData><row"])
    path = stored(tmp_path, broken, "broken.xlsx")
    with open(path, "rb") as handle, pytest.raises(SpreadsheetError, match="cannot be opened|damaged"):
        _header, rows, _declared, _book = spreadsheets.read_xlsx(handle)
        list(rows)


def _sheet_data_at(data: bytes) -> tuple[int, int]:
    """Where the sheet's packed bytes start in the zip, and how many there are."""
    info = zipfile.ZipFile(io.BytesIO(data)).getinfo(SHEET)
    name_length, extra_length = struct.unpack("<HH", data[info.header_offset + 26 : info.header_offset + 30])
    return info.header_offset + 30 + name_length + extra_length, info.compress_size


def test_a_broken_or_encrypted_part_is_refused_in_words(tmp_path):
    data = bytearray(workbook([HEADER, *([ROW[0], f"NAMA {i}"] for i in range(300))]))
    start, length = _sheet_data_at(bytes(data))
    broken = bytearray(data)
    broken[start + length // 3 : start + length // 3 + 64] = b"\xff" * 64
    # The central directory's "encrypted" flag on the sheet: zipfile wants a password for it.
    encrypted = bytearray(data)
    for at in _central_entries(bytes(data), SHEET):
        encrypted[at + 8] |= 0x1

    for damaged in (broken, encrypted):
        with pytest.raises(SpreadsheetError, match="damaged|cannot be opened"):
            spreadsheets.check_xlsx(stored(tmp_path, bytes(damaged)))


def _central_entries(data: bytes, name: str) -> list[int]:
    found, at = [], data.find(b"PK\x01\x02")
    while at >= 0:
        name_length = struct.unpack("<H", data[at + 28 : at + 30])[0]
        if data[at + 46 : at + 46 + name_length] == name.encode():
            found.append(at)
        at = data.find(b"PK\x01\x02", at + 4)
    return found


# ---------------------------------------------------------------- uploads


def test_an_upload_over_the_limit_is_refused_in_words(tmp_path, settings):
    settings.SMARTKAMPUNG_IMPORT_MAX_BYTES = 1000

    with pytest.raises(SpreadsheetError, match="too large"):
        spreadsheets.save_upload(SimpleUploadedFile("big.csv", b"x" * 1001), tmp_path / "copy")
    kept = spreadsheets.save_upload(SimpleUploadedFile("ok.csv", b"x" * 1000), tmp_path / "ok")
    assert kept.stat().st_size == 1000


def test_the_upload_handler_keeps_no_more_than_the_limit_but_tells_the_size_sent(settings):
    settings.SMARTKAMPUNG_IMPORT_MAX_BYTES = 1000
    handler = spreadsheets.CappedUploadHandler()
    handler.new_file("file", "big.csv", "text/csv", 5000)
    for start in range(0, 5000, 500):
        handler.receive_data_chunk(b"x" * 500, start)
    upload = handler.file_complete(5000)

    assert upload.size == 5000 and len(upload.read()) == 1001
    with pytest.raises(SpreadsheetError, match="too large"):
        spreadsheets.check_upload(upload)


def test_the_upload_handler_keeps_no_more_than_the_limit_of_all_the_files_of_a_request(settings):
    settings.SMARTKAMPUNG_IMPORT_MAX_BYTES = 1000
    handler = spreadsheets.CappedUploadHandler()
    handler.new_file("junk", "junk.bin", "application/octet-stream", 1500)
    handler.receive_data_chunk(b"j" * 800, 0)
    junk = handler.file_complete(800)
    handler.new_file("file", "list.csv", "text/csv", 1500)
    handler.receive_data_chunk(b"x" * 900, 0)
    upload = handler.file_complete(900)

    # Each file alone is within the limit, but the second could not be kept whole: it is refused, not cut short.
    assert (junk.size, junk.truncated) == (800, False)
    assert upload.size == 900 and upload.truncated and len(upload.read()) == 201
    with pytest.raises(SpreadsheetError, match="too large"):
        spreadsheets.check_upload(upload)


# ---------------------------------------------------------------- writing

DANGEROUS = [
    '=HYPERLINK("http://x","klik")', "+1", "-2+3", "@SUM(A1:A2)", "\t=1+1", "\r=1+1",
    # Spreadsheets skip leading spaces, and take the full-width sign and a line feed as well.
    "  =1+1", "\n=1+1", "\uff1d1+1",
]  # fmt: skip


def test_csv_cells_that_a_spreadsheet_would_run_get_a_leading_apostrophe():
    text = spreadsheets.csv_text([["name", "n"], *([value, 7] for value in DANGEROUS), ["BUDI", -5]])

    rows = list(csv.reader(io.StringIO(text)))
    assert [row[0] for row in rows[1:-1]] == ["'" + value for value in DANGEROUS]
    assert rows[-1] == ["BUDI", "-5"]  # ordinary text and numbers are left alone


def test_xlsx_cells_are_text_never_formulas_and_numbers_and_dates_keep_their_type():
    data = spreadsheets.xlsx_bytes(
        [
            ["name", "n", "day"],
            *([value, 7, dt.date(2020, 5, 1)] for value in DANGEROUS),
            ["BUDI\x01", Decimal(3), None],
        ],
        "sheet",
    )

    sheet = load_workbook(io.BytesIO(data)).active
    cells = [row[0] for row in sheet.iter_rows(min_row=2)]
    # (XML reads a carriage return back as a line feed.)
    assert [c.value for c in cells[:-1]] == [value.replace("\r", "\n") for value in DANGEROUS]
    assert {c.data_type for c in cells} == {"s"} and all(c.quotePrefix for c in cells[:-1])
    assert not any(c.data_type == "f" for row in sheet.iter_rows() for c in row)
    assert cells[-1].value == "BUDI"  # a control character Excel cannot hold is dropped, not a crash
    assert sheet["B2"].value == 7 and sheet["B2"].data_type == "n"
    assert sheet["C2"].value == dt.datetime(2020, 5, 1)
    assert sheet[f"B{len(DANGEROUS) + 2}"].value == 3


def test_workbooks_are_parsed_with_defusedxml_even_though_lxml_is_installed():
    # lxml comes with pyHanko; openpyxl would prefer it to defusedxml (settings turn that off).
    import lxml  # noqa: F401
    import openpyxl

    assert openpyxl.LXML is False and openpyxl.DEFUSEDXML is True


def test_every_spreadsheet_written_or_read_by_the_product_goes_through_this_module():
    """A new export or import must use core.spreadsheets, not write its own CSV or workbook: only the demo and
    synthetic data writers and the database's COPY buffers (none of them served to users) are exempt."""
    root = Path(spreadsheets.__file__).parent.parent
    exempt = {"core/spreadsheets.py", "population/demo/writers.py", "aid/synthetic.py", "population/bulk.py"}
    own = re.compile(r"csv\.(writer|DictWriter)\(|Workbook\(|load_workbook\(|\.write_csv\(")

    offenders = [
        str(path.relative_to(root))
        for path in root.rglob("*.py")
        if "tests" not in path.parts and str(path.relative_to(root)) not in exempt and own.search(path.read_text())
    ]

    assert offenders == []
