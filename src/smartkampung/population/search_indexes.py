"""A name-search index per served regency (PostgreSQL), for a deployment serving several.

The trigram index on `name_search` answers a name search of the whole register. A regency's staff search within
their regency (`accounts.selectors.Scope.q`: `village_id >= '3510' AND village_id < '3511'`), and through the one
index every match of the province is read from the table before the other regencies' are filtered out: with four
regencies of 10 M residents, a two-word search read ~3,000 rows to keep ~550 (`smartkampung bench population`,
README "Performance"). A partial index per regency, on exactly that condition, holds only its rows: the planner
takes it for such a search, as it would a partition's. Declarative partitioning by regency was not used: every
table pointing at a resident (arrivals, cases, aid, letters, moves) would need the regency in its key.

`ensure_regency_search_indexes` runs after every `migrate` (the served regencies may have changed since): it builds
the missing ones (once, some 7-15 s for 2.5 million residents; concurrently, so the register stays writable) and
drops those of regencies no longer served. One
served regency needs none: its staff's searches have no regency condition.
"""

from django.conf import settings
from django.db import connections

from smartkampung.regions.selectors import code_range

PREFIX = "resident_name_trgm_"
TABLE = "population_resident"


def ensure_regency_search_indexes(*, using: str = "default") -> dict[str, list[str]]:
    """Build the missing per-regency indexes and drop those of regencies no longer served; what was done."""
    connection = connections[using]
    done: dict[str, list[str]] = {"created": [], "dropped": []}
    if connection.vendor != "postgresql":
        return done
    served = list(settings.SMARTKAMPUNG_REGENCIES)
    wanted = {f"{PREFIX}{code}": code for code in served} if len(served) > 1 else {}
    # Outside a transaction (as `migrate` calls it) the builds let the register be written meanwhile.
    concurrently = "" if connection.in_atomic_block else "CONCURRENTLY "
    with connection.cursor() as cursor:
        # An index a concurrent build left invalid (it failed or was interrupted) counts as missing.
        cursor.execute(
            "SELECT c.relname, i.indisvalid FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid "
            "WHERE i.indrelid = %s::regclass AND c.relname LIKE %s",
            [TABLE, PREFIX.replace("_", r"\_") + "%"],
        )
        found = dict(cursor.fetchall())
        present = {name for name, valid in found.items() if valid}
        for name in sorted(set(found) - present):
            cursor.execute(f'DROP INDEX {concurrently}IF EXISTS "{name}"')
        for name in sorted(present - set(wanted)):
            cursor.execute(f'DROP INDEX {concurrently}IF EXISTS "{name}"')
            done["dropped"].append(name)
        for name in sorted(set(wanted) - present):
            low, high = code_range(wanted[name])
            # Codes are digits only (settings checks them): safe as literals, which the planner needs to match
            # the searches' condition to the index's.
            cursor.execute(
                f'CREATE INDEX {concurrently}IF NOT EXISTS "{name}" ON {TABLE} USING gin (name_search gin_trgm_ops) '
                f"WHERE village_id >= '{low}' AND village_id < '{high}'"
            )
            done["created"].append(name)
    return done
