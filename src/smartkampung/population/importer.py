"""Reading registry files (CSV, XLSX) into the register, in batches, idempotently.

A row is the unit of truth: it is either written whole (resident and household together)
or rejected with every reason. Batches commit together with the job's progress, so an
interrupted import leaves whole rows and an honest counter, and running it again is safe:
unchanged rows are recognised and not written.
"""

import csv
import io
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import polars as pl

from django.utils.translation import gettext as _

from smartkampung.core import spreadsheets
from smartkampung.population.siak import COLUMNS, REQUIRED_COLUMNS

BATCH_SIZE = 5000
_PREVIEW_BYTES = 1 << 20


class ImportFileError(Exception):
    """The file as a whole cannot be imported; the message says why, in words."""


@dataclass
class Table:
    header: list[str]
    columns: dict[str, int]  # our field name -> column index
    rows: Iterator[tuple[int, list[Any]]]  # (row number in the file, cells)
    total: int | None
    # For a CSV file, what read_frame needs to read it again column-wise.
    path: Path | None = None
    delimiter: str = ","
    encoding: str = ""


def header_key(name: Any) -> str:
    text = str(name or "").strip().upper().lstrip("\ufeff")
    for ch in " .-/":
        text = text.replace(ch, "_")
    while "__" in text:
        text = text.replace("__", "_")
    return text.strip("_")


_ALIASES = {alias: field for field, names in COLUMNS.items() for alias in names}


def map_columns(header: list[Any], *, has_default_village: bool) -> dict[str, int]:
    columns: dict[str, int] = {}
    for index, name in enumerate(header):
        field = _ALIASES.get(header_key(name))
        if field and field not in columns:
            columns[field] = index
    missing = [COLUMNS[f][0] for f in REQUIRED_COLUMNS if f not in columns]
    has_village = "village_code" in columns or all(
        f in columns for f in ("province_no", "regency_no", "district_no", "village_no")
    )
    if not has_village and not has_default_village:
        missing.append(_("KODE_DESA (or NO_PROP, NO_KAB, NO_KEC, NO_KEL, or choose the village on the form)"))
    if missing:
        raise ImportFileError(
            _(
                "The file is missing required columns: %(missing)s. The first row must hold the column names "
                "(e.g. NIK, NO_KK, NAMA_LGKP, TGL_LHR, JENIS_KLMIN)."
            )
            % {"missing": ", ".join(missing)}
        )
    return columns


def detect_format(path: Path, original_name: str) -> str:
    with open(path, "rb") as fh:
        head = fh.read(8)
    if head.startswith(b"PK"):
        return "xlsx"
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        raise ImportFileError(_("This is an old Excel (.xls) file. Save it as .xlsx or CSV and upload it again."))
    if original_name.lower().endswith((".xlsx", ".xlsm")):
        raise ImportFileError(_("The file is named .xlsx but is not an Excel workbook."))
    return "csv"


Mapper = Callable[[list[Any]], dict[str, int]]


def open_table(path: Path, fmt: str, *, has_default_village: bool = False, mapper: Mapper | None = None) -> Table:
    """Open an import file and check its header; raises ImportFileError for a file that cannot be read.
    `mapper` turns the header into our field -> column index (the registry's SIAK columns by default)."""
    if path.stat().st_size == 0:
        raise ImportFileError(_("The file is empty."))
    try:
        spreadsheets.check_file(path, fmt)
    except spreadsheets.SpreadsheetError as exc:
        raise ImportFileError(str(exc)) from exc
    if mapper is None:

        def mapper(header: list[Any]) -> dict[str, int]:
            return map_columns(header, has_default_village=has_default_village)

    return _open_xlsx(path, mapper) if fmt == "xlsx" else _open_csv(path, mapper)


def _open_csv(path: Path, mapper: Mapper) -> Table:
    with open(path, "rb") as fh:
        preview = fh.read(_PREVIEW_BYTES)
    if b"\x00" in preview:
        raise ImportFileError(_("This is not a CSV or Excel file (it holds binary data)."))
    try:
        preview.decode("utf-8")
        encoding = "utf-8-sig"
    except UnicodeDecodeError as exc:
        # A multi-byte character cut at the preview's end is still UTF-8.
        encoding = "utf-8-sig" if exc.start >= len(preview) - 4 else "cp1252"
    first_line = preview.decode(encoding, errors="replace").splitlines()[0] if preview.strip() else ""
    if not first_line.strip():
        raise ImportFileError(_("The file is empty."))
    delimiter = max([",", ";", "\t", "|"], key=first_line.count)
    handle = open(path, encoding=encoding, errors="replace", newline="")  # noqa: SIM115 - closed by the generator
    reader = csv.reader(handle, delimiter=delimiter)
    try:
        header = next(reader)
    except (StopIteration, csv.Error) as exc:
        handle.close()
        raise ImportFileError(_("The file is empty.")) from exc
    try:
        columns = mapper(header)
    except ImportFileError:
        handle.close()
        raise
    with open(path, "rb") as fh:
        total = sum(chunk.count(b"\n") for chunk in iter(lambda: fh.read(1 << 20), b"")) - 1
        fh.seek(-1, io.SEEK_END)
        if fh.read(1) != b"\n":
            total += 1
    if total > spreadsheets.row_cap():
        handle.close()
        raise ImportFileError(spreadsheets.too_many_rows_message(spreadsheets.row_cap()))

    def rows() -> Iterator[tuple[int, list[Any]]]:
        with handle:
            number = 1
            try:
                for number, cells in enumerate(reader, start=2):  # noqa: B007 - read after the loop on error
                    if any(cells):
                        yield number, cells
            except csv.Error as exc:
                raise ImportFileError(
                    _("Row %(row)d cannot be read as CSV (a quote or a line break out of place).") % {"row": number + 1}
                ) from exc

    return Table(
        header=header,
        columns=columns,
        rows=rows(),
        total=max(total, 0),
        path=path,
        delimiter=delimiter,
        encoding=encoding,
    )


def _open_xlsx(path: Path, mapper: Mapper) -> Table:
    # A file object, not the path: openpyxl judges a path by its extension, and stored
    # uploads need not keep theirs. The file was checked (spreadsheets.check_file) before.
    handle = open(path, "rb")  # noqa: SIM115 - closed with the workbook
    try:
        header, iterator, declared, workbook = spreadsheets.read_xlsx(handle)
    except spreadsheets.SpreadsheetError as exc:
        handle.close()
        raise ImportFileError(str(exc)) from exc

    def close_all() -> None:
        workbook.close()
        handle.close()

    if header is None or not any(cell not in (None, "") for cell in header):
        close_all()
        raise ImportFileError(_("The file is empty."))
    try:
        columns = mapper(list(header))
    except ImportFileError:
        close_all()
        raise
    total = (declared - 1) if declared else None

    def rows() -> Iterator[tuple[int, list[Any]]]:
        try:
            for number, cells in enumerate(iterator, start=2):
                if any(cell not in (None, "") for cell in cells):
                    yield number, cells
        except spreadsheets.SpreadsheetError as exc:
            raise ImportFileError(str(exc)) from exc
        finally:
            close_all()

    return Table(header=list(header), columns=columns, rows=rows(), total=total)


def row_values(columns: dict[str, int], cells: list[Any]) -> dict[str, Any]:
    width = len(cells)
    return {field: cells[index] for field, index in columns.items() if index < width}


def read_frame(table: Table) -> "tuple[pl.DataFrame, dict[int, list[str]]] | None":
    """A CSV table read column-wise by polars, or None where only the row reader is exact.

    The frame has the row number (as the row reader counts it) and one string column per
    mapped field, blank rows left out. The second part holds, by row number, the cells of
    rows that polars cannot be trusted with (fewer cells than the header: polars pads them
    with nulls, indistinguishable from empty cells), read by the csv module.
    polars is used only for strict UTF-8 files in which every line is one record (no line
    break inside a quoted cell), so that line i of the file is row i.
    """
    import polars as pl

    if table.path is None or table.encoding != "utf-8-sig" or table.total is None:
        return None
    data = table.path.read_bytes()
    if data.count(b"\r") != data.count(b"\r\n"):
        return None  # a lone carriage return ends a line for the csv module only
    width = len(table.header)
    names = [f"c{i}" for i in range(width)]
    try:
        frame = pl.read_csv(
            data,
            has_header=True,
            new_columns=names,
            separator=table.delimiter,
            infer_schema=False,
            encoding="utf8",
            raise_if_empty=False,
        )
    except (pl.exceptions.PolarsError, UnicodeDecodeError):
        return None
    if frame.width != width or frame.height != table.total:
        return None
    # Every line again as one string: a line with fewer cells than the header is spotted
    # by counting its separators (a line with a quote is re-read whole by the csv module).
    try:
        lines = pl.read_csv(
            data,
            has_header=True,
            new_columns=["line"],
            separator="\x00",
            quote_char=None,
            infer_schema=False,
            encoding="utf8",
        )["line"].fill_null("")
    except pl.exceptions.PolarsError:
        return None
    if len(lines) != frame.height:
        return None
    last = frame[names[-1]].is_null()
    short = lines.str.count_matches(table.delimiter, literal=True) < width - 1
    suspect = last & (lines.str.contains('"', literal=True) | short)
    frame = frame.with_columns(row=pl.int_range(2, frame.height + 2, dtype=pl.Int64))
    special: dict[int, list[str]] = {}
    if suspect.any():
        for index in suspect.arg_true().to_list():
            line = lines[index]
            cells = next(csv.reader([line], delimiter=table.delimiter), [])
            special[index + 2] = cells
    # Blank rows (every cell empty) are skipped by the row reader too.
    frame = frame.filter(pl.any_horizontal([pl.col(n).fill_null("") != "" for n in names]))
    special = {number: cells for number, cells in special.items() if any(cells)}
    picked = {field: pl.col(names[index]).fill_null("") for field, index in table.columns.items()}
    return frame.select(pl.col("row"), **picked), special
