"""fastcheck must agree with check_record on every row it decides itself.

Thousands of generated SIAK rows plus deliberately odd ones (female days, leap days,
29-02-1900, padding, lower case, numeric SIAK codes, bad codes, empty cells) go through
both; every row fastcheck accepts must be one check_record accepts, unflagged, with
exactly the same clean values. The rest is check_record's anyway.
"""

import datetime as dt
import random

import polars as pl
import pytest

from smartkampung.population.demo import CSV_COLUMNS, REFERENCE_DATE, generate_households, siak_row
from smartkampung.population.fastcheck import CLEAN_SCHEMA, check_frame
from smartkampung.population.importer import map_columns, row_values
from smartkampung.population.validation import check_record
from smartkampung.regions.models import Village

pytestmark = pytest.mark.usefixtures("regions")

TODAY = dt.date(2026, 3, 1)

# (column, replacement) pairs; "{}" stands for the cell's current value.
MUTATIONS = [
    ("NIK", " {} "),
    ("NIK", "{}x"),
    ("NIK", "3510014102000001"),  # 01-02-2000, a woman
    ("NIK", "3510016902000001"),  # 29-02-2000, a woman
    ("NIK", "3510012902000001"),  # 29-02-2000, a man
    ("NIK", "3510012902010001"),  # 29-02-2001: no such day
    ("NIK", "3510017202850001"),  # day 72
    ("NIK", "3510013213850001"),  # month 13
    ("NIK", "3510010101850000"),  # serial 0000
    ("NIK", "9999990101850001"),  # unknown kecamatan
    ("NIK", "3510010103260001"),  # 01-03-2026 = today
    ("NIK", "3510010203260001"),  # 02-03-2026: 1926
    ("NO_KK", "3510010101100000"),
    ("NO_KK", "351001010110001"),
    ("TGL_LHR", "29-02-1900"),
    ("TGL_LHR", "29-02-2000"),
    ("TGL_LHR", "1985-08-17"),
    ("TGL_LHR", "17/08/1985"),
    ("TGL_LHR", "17.08.1985"),
    ("TGL_LHR", "17-08/1985"),
    ("TGL_LHR", "31-04-1985"),
    ("TGL_LHR", "01-01-1870"),
    ("TGL_LHR", ""),
    ("JENIS_KLMIN", "1"),
    ("JENIS_KLMIN", "2"),
    ("JENIS_KLMIN", "perempuan"),
    ("JENIS_KLMIN", "L"),
    ("JENIS_KLMIN", "X"),
    ("JENIS_KLMIN", ""),
    ("AGAMA", "7"),
    ("AGAMA", "katolik"),
    ("AGAMA", "Kristen Protestan"),
    ("AGAMA", "JEDI"),
    ("AGAMA", ""),
    ("STATUS_KAWIN", "kawin tercatat"),
    ("STAT_HBKEL", "SUAMI"),
    ("PDDK_AKH", "S1"),
    ("PDDK_AKH", "d.3"),
    ("STATUS", ""),
    ("STATUS", "MENINGGAL"),
    ("STATUS", "2"),
    ("STATUS", "HILANG"),
    ("PHK", "y"),
    ("PHK", "1"),
    ("PHK", ""),
    ("PHK", "MAYBE"),
    ("PEKERJA_PARIWISATA", "tidak"),
    ("NAMA_LGKP", "{}".lower()),
    ("NAMA_LGKP", "  budi   santoso "),
    ("NAMA_LGKP", "O'NEIL-SMITH, JR."),
    ("NAMA_LGKP", "..."),
    ("NAMA_LGKP", ""),
    ("NAMA_LGKP", "MA’RUF"),
    ("NAMA_LGKP", "A" * 151),
    ("TMPT_LHR", "genteng"),
    ("ALAMAT", "dusun krajan"),
    ("ALAMAT", "JL.\tMERDEKA"),
    ("NO_RT", "1"),
    ("NO_RT", "01"),
    ("NO_RT", ""),
    ("NO_RT", "1234"),
    ("NO_RW", "0"),
    ("NO_RW", "A1"),
    ("KODE_DESA", "35.10.01.2001"),
    ("KODE_DESA", "3510012999"),
    ("KODE_DESA", ""),
    ("NO_HP", "081234567890"),
    ("NO_HP", ""),
]


def _rows(count: int) -> list[list[str]]:
    rows = []
    for household in generate_households(residents=count, seed=7, serial_base=300, regency_code="3510"):
        rows.extend(siak_row(household, resident) for resident in household.members)
    rng = random.Random(11)
    header = list(CSV_COLUMNS)
    mutated = []
    for index, (column, value) in enumerate(MUTATIONS * 8):
        row = list(rng.choice(rows))
        position = header.index(column)
        row[position] = value.replace("{}", row[position])
        # Some mutations twice in one row, some on top of another.
        if index % 3 == 0:
            other_column, other_value = rng.choice(MUTATIONS)
            other = header.index(other_column)
            row[other] = other_value.replace("{}", row[other])
        mutated.append(row)
    # A NIK twice: the first accepted row keeps it.
    mutated.extend([list(rows[0]), list(rows[0])])
    return rows + mutated


def _expected(values: dict, villages: set[str]) -> dict | None:
    """What the import makes of a row through check_record, or None where it rejects or flags it."""
    record = check_record(values, today=TODAY)
    village = record.village_code
    if not record.ok or record.mismatch or village not in villages:
        return None
    clean = {"nik": record.nik, "kk_number": record.kk_number, "village_id": village}
    clean.update(record.household)
    clean.update(record.resident)
    clean["nik_mismatch"] = ""
    return clean


def test_fast_rows_are_exactly_what_check_record_makes_of_them():
    assert REFERENCE_DATE <= TODAY
    rows = _rows(3000)
    header = list(CSV_COLUMNS)
    columns = map_columns(header, has_default_village=False)
    villages = set(Village.objects.values_list("code", flat=True))
    frame = pl.DataFrame(
        {
            "row": pl.Series(range(2, len(rows) + 2), dtype=pl.Int64),
            **{field: pl.Series([row[index] for row in rows], dtype=pl.String) for field, index in columns.items()},
        }
    )

    clean, slow = check_frame(frame, columns=columns, today=TODAY, villages=villages, default_village=None)

    assert clean.schema == pl.Schema(CLEAN_SCHEMA)
    assert clean.height + len(slow) == len(rows)
    assert clean.height > 0.8 * 3000  # the plain rows really do take the fast way
    seen: set[str] = set()
    fast = {row["row"]: row for row in clean.iter_rows(named=True)}
    for number, cells in enumerate(rows, start=2):
        expected = _expected(row_values(columns, cells), villages)
        if number not in fast:
            continue
        assert expected is not None, (number, cells)
        got = {name: value for name, value in fast[number].items() if name != "row" and value is not None}
        assert got == expected, (number, cells)
        assert got["nik"] not in seen
        seen.add(got["nik"])
    # The odd rows: each mutation decided somewhere, and the duplicate NIK left to check_record.
    assert {len(rows) + 1, len(rows)} <= set(slow.to_list())
