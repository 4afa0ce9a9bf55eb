"""Synthetic population for demonstrations, benchmarks and tests (`smartkampung demo`).

One generator feeds two writers: the database (COPY on PostgreSQL, executemany on
SQLite) and a SIAK-style CSV export that the importer reads. Everything is drawn from
one seeded random.Random against a fixed reference date, so the same residents, seed and
serial base give identical output on any day and machine.

The generator streams: it walks the villages in code order, a household at a time, and
keeps only per-kecamatan serial counters, so 1.74 million residents fit in a few MiB of
state.

This package holds the public names; the work is done in
- records: the reference date, the CSV columns and the records yielded and reported;
- vocabulary: the value aliases, weight tables, place names and name pools (pure data);
- families: weighted draws, names and the members of a family card;
- generator: villages, residents' records, NIKs and KK numbers, and generate_households;
- writers: write_to_database and write_siak_csv (with siak_row).
"""

from smartkampung.population.demo.generator import generate_households, generate_province, province_shares
from smartkampung.population.demo.records import (
    CSV_COLUMNS,
    REFERENCE_DATE,
    DemoHousehold,
    DemoResident,
    DemoSummary,
    RegionsNotLoaded,
)
from smartkampung.population.demo.writers import siak_row, write_siak_csv, write_to_database

# The SIAK vocabulary lives with the importer (siak.py) so both directions share one table;
# re-exported here because the generator's CSV is its main writer.
from smartkampung.population.siak import (
    SIAK_EDUCATION,
    SIAK_MARITAL,
    SIAK_RELATION,
    SIAK_RELIGION,
    SIAK_SEX,
    SIAK_STATUS,
)

__all__ = [
    "CSV_COLUMNS",
    "REFERENCE_DATE",
    "SIAK_EDUCATION",
    "SIAK_MARITAL",
    "SIAK_RELATION",
    "SIAK_RELIGION",
    "SIAK_SEX",
    "SIAK_STATUS",
    "DemoHousehold",
    "DemoResident",
    "DemoSummary",
    "RegionsNotLoaded",
    "generate_households",
    "generate_province",
    "province_shares",
    "siak_row",
    "write_siak_csv",
    "write_to_database",
]
