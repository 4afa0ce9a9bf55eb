"""Batch writes of households and residents, shared by the file import and the demo writer.

Existing rows are read first and compared in Python, so that the caller learns exactly
which residents were added, which changed (field by field, old and new) and which were
already as the file says; only the first two are written. New rows go in through COPY on
PostgreSQL and executemany on SQLite.

detach_indexes serves the bulk loads into empty tables (the fresh import and the demo
writer): it drops the secondary indexes and foreign keys and returns the SQL restoring them.
"""

import datetime as dt
import io
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db import connection

from smartkampung.population.models import Household, Resident
from smartkampung.population.validation import HOUSEHOLD_FIELDS, STORED_RESIDENT_FIELDS

if TYPE_CHECKING:
    import polars as pl

HOUSEHOLD_DATA = ("village_id", *HOUSEHOLD_FIELDS)
RESIDENT_DATA = ("household_id", "village_id", *STORED_RESIDENT_FIELDS)
_RESIDENT_DEFAULTS: dict[str, Any] = dict.fromkeys(RESIDENT_DATA, "")
_RESIDENT_DEFAULTS.update(status="living", lost_job=False, informal_income_loss=False, tourism_worker=False)


@dataclass
class ResidentWrite:
    """What a batch wants one resident (and its household) to be."""

    nik: str
    kk_number: str
    household: dict[str, Any]  # village_id and whichever household fields the source gave
    resident: dict[str, Any]  # whichever resident fields the source gave (village/household ids are added)


@dataclass
class BatchOutcome:
    created: list[str] = field(default_factory=list)
    updated: dict[str, dict[str, tuple[Any, Any]]] = field(default_factory=dict)  # nik -> field -> (old, new)
    unchanged: list[str] = field(default_factory=list)
    households_created: int = 0
    households_updated: int = 0
    household_keys: list[str] = field(default_factory=list)  # KK numbers of the households added
    household_changes: dict[str, dict[str, list[Any]]] = field(default_factory=dict)  # kk -> field -> [old, new]
    # Residents not in the batch who followed their household to its new village: nik -> {village_id: [old, new]}
    followed: dict[str, dict[str, list[Any]]] = field(default_factory=dict)


def _same(old: Any, new: Any) -> bool:
    if isinstance(new, dt.date) or isinstance(old, dt.date):
        return str(old) == str(new)
    if isinstance(new, bool):
        return bool(old) == new
    return old == new


def _insert(table: str, columns: list[str], rows: list[tuple]) -> None:
    if not rows:
        return
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            marks = ", ".join(["%s"] * len(columns))
            cursor.executemany(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})", rows)


def _select(table: str, key: str, columns: tuple[str, ...], keys: list[str]) -> dict[str, dict[str, Any]]:
    """Rows of `table` whose `key` is in `keys`, as dicts keyed by that key."""
    if not keys:
        return {}
    names = (key, *columns)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # One array parameter: thousands of IN placeholders cost more to build than to run.
            cursor.execute(f"SELECT {', '.join(names)} FROM {table} WHERE {key} = ANY(%s)", [keys])  # noqa: S608
        else:
            marks = ", ".join(["%s"] * len(keys))
            cursor.execute(f"SELECT {', '.join(names)} FROM {table} WHERE {key} IN ({marks})", keys)  # noqa: S608
        return {row[0]: dict(zip(names, row, strict=True)) for row in cursor.fetchall()}


def _update(table: str, key: str, columns: tuple[str, ...], rows: list[tuple]) -> None:
    """rows: (*values for columns, key value)."""
    if not rows:
        return
    assignments = ", ".join(f"{column} = %s" for column in columns)
    with connection.cursor() as cursor:
        cursor.executemany(f"UPDATE {table} SET {assignments} WHERE {key} = %s", rows)  # noqa: S608 - our names


def write_batch(writes: list[ResidentWrite], *, now: dt.datetime) -> BatchOutcome:
    """Bring households and residents in line with `writes`. Call inside a transaction."""
    outcome = BatchOutcome()
    household_ids = _write_households(writes, now=now, outcome=outcome)

    existing = _select(Resident._meta.db_table, "nik", ("id", *RESIDENT_DATA), [w.nik for w in writes])
    inserts: list[tuple] = []
    updates: dict[tuple[str, ...], list[tuple]] = {}
    insert_columns = ["nik", *RESIDENT_DATA, "created_at", "updated_at"]
    for write in writes:
        wanted = dict(write.resident)
        wanted["household_id"] = household_ids[write.kk_number]
        wanted["village_id"] = write.household["village_id"]
        old = existing.get(write.nik)
        if old is None:
            full = {**_RESIDENT_DEFAULTS, **wanted}
            inserts.append((write.nik, *(full[c] for c in RESIDENT_DATA), now, now))
            outcome.created.append(write.nik)
            continue
        changes = {name: (old[name], value) for name, value in wanted.items() if not _same(old[name], value)}
        if not changes:
            outcome.unchanged.append(write.nik)
            continue
        outcome.updated[write.nik] = changes
        columns = tuple(sorted(changes))
        updates.setdefault(columns, []).append((*(changes[c][1] for c in columns), now, old["id"]))
    _insert(Resident._meta.db_table, insert_columns, inserts)
    for columns, rows in updates.items():
        _update(Resident._meta.db_table, "id", (*columns, "updated_at"), rows)
    outcome.followed = follow_households(outcome.household_changes, now=now)
    return outcome


def follow_households(household_changes: dict[str, dict[str, list[Any]]], *, now: dt.datetime) -> dict:
    """Residents carry their household's village: those of a household whose village changed follow it.
    Returns what changed for each of them (nik -> {"village_id": [old, new]}), for the audit log."""
    followed: dict[str, dict[str, list[Any]]] = {}
    for kk, changes in household_changes.items():
        if "village_id" not in changes:
            continue
        village = changes["village_id"][1]
        members = Resident.objects.filter(household__kk_number=kk).exclude(village_id=village)
        for nik, old in members.values_list("nik", "village_id"):
            followed[nik] = {"village_id": [old, village]}
        members.update(village_id=village, updated_at=now)
    return followed


def _write_households(writes: list[ResidentWrite], *, now: dt.datetime, outcome: BatchOutcome) -> dict[str, int]:
    wanted: dict[str, dict[str, Any]] = {}
    for write in writes:
        wanted.setdefault(write.kk_number, {}).update(write.household)
    existing = _select(Household._meta.db_table, "kk_number", ("id", *HOUSEHOLD_DATA), list(wanted))
    ids = {kk: row["id"] for kk, row in existing.items()}
    inserts = []
    updates: dict[tuple[str, ...], list[tuple]] = {}
    for kk, values in wanted.items():
        old = existing.get(kk)
        if old is None:
            full = {"address": "", "rt": "", "rw": "", "postal_code": "", **values}
            inserts.append((kk, *(full[c] for c in HOUSEHOLD_DATA), now, now))
            continue
        changed = tuple(sorted(name for name, value in values.items() if not _same(old[name], value)))
        if changed:
            updates.setdefault(changed, []).append((*(values[c] for c in changed), now, old["id"]))
            outcome.household_changes[kk] = {name: [old[name], values[name]] for name in changed}
    _insert(Household._meta.db_table, ["kk_number", *HOUSEHOLD_DATA, "created_at", "updated_at"], inserts)
    outcome.household_keys = [row[0] for row in inserts]
    for columns, rows in updates.items():
        _update(Household._meta.db_table, "id", (*columns, "updated_at"), rows)
    outcome.households_created = len(inserts)
    outcome.households_updated = sum(len(rows) for rows in updates.values())
    if inserts:
        created = _select(Household._meta.db_table, "kk_number", ("id",), [row[0] for row in inserts])
        ids.update({kk: row["id"] for kk, row in created.items()})
    return ids


# ---------------------------------------------------------------- column-wise writes

_BOOL_COLUMNS = ("lost_job", "informal_income_loss", "tourism_worker")


def _typed(frame: "pl.DataFrame") -> "pl.DataFrame":
    """Existing rows read as text, in the clean frame's types, so that == compares like _same."""
    import polars as pl

    casts = []
    for name in frame.columns:
        if name in ("id", "household_id"):
            casts.append(pl.col(name).cast(pl.Int64))
        elif name == "birth_date":
            casts.append(pl.col(name).str.slice(0, 10).str.to_date("%Y-%m-%d", strict=False))
        elif name in _BOOL_COLUMNS:
            casts.append(pl.col(name).is_in(["t", "1", "true", "True"]))
    return frame.with_columns(casts) if casts else frame


def _existing(table: str, key: str, columns: tuple[str, ...], keys: list[str]) -> "pl.DataFrame":
    """Rows of `table` whose `key` is in `keys`, as a frame (typed by _typed)."""
    import polars as pl

    names = [key, *columns]
    schema = dict.fromkeys(names, pl.String)
    if not keys:
        return _typed(pl.DataFrame(schema=schema))
    select = f"SELECT {', '.join(names)} FROM {table} WHERE {key} = ANY(%s)"  # noqa: S608 - our names
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # COPY out as CSV and parse with polars: no Python object per value.
            buffer = io.BytesIO()
            with cursor.cursor.copy(f"COPY ({select}) TO STDOUT (FORMAT csv)", [keys]) as copy:
                for data in copy:
                    buffer.write(data)
            if not buffer.tell():
                return _typed(pl.DataFrame(schema=schema))
            buffer.seek(0)
            frame = pl.read_csv(buffer, has_header=False, new_columns=names, infer_schema=False)
            return _typed(frame)
        rows: list[tuple] = []
        for start in range(0, len(keys), 10_000):
            part = keys[start : start + 10_000]
            marks = ", ".join(["%s"] * len(part))
            cursor.execute(
                f"SELECT {', '.join(names)} FROM {table} WHERE {key} IN ({marks})",  # noqa: S608 - our names
                part,
            )
            rows.extend(tuple(None if v is None else str(v) for v in row) for row in cursor.fetchall())
    return _typed(pl.DataFrame(rows, schema=schema, orient="row"))


def new_ids(table: str, count: int) -> list[int]:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # Taken from the table's own sequence: safe beside concurrent inserts.
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)", [table, count]
            )
            return [row[0] for row in cursor.fetchall()]
        # SQLite has one writer at a time, and this transaction is it from its first write on.
        cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {table}")  # noqa: S608 - our name
        start = cursor.fetchone()[0] + 1
        return list(range(start, start + count))


def insert_frame(table: str, frame: "pl.DataFrame") -> None:
    if not frame.height:
        return
    columns = ", ".join(frame.columns)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            buffer = io.BytesIO()
            frame.write_csv(buffer, include_header=False, null_value="\\N")
            with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN (FORMAT csv, NULL '\\N')") as copy:
                copy.write(buffer.getbuffer())
        else:
            marks = ", ".join(["%s"] * frame.width)
            cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES ({marks})", frame.rows())  # noqa: S608


def _apply_changes(
    table: str, joined: "pl.DataFrame", columns: tuple[str, ...], *, now: dt.datetime, key: str
) -> dict[str, dict[str, list[Any]]]:
    """UPDATE the rows of `joined` (wanted values, old ones suffixed _old, and the old id) that differ.

    A wanted null means the file did not give the field: it is left as it is.
    """
    import polars as pl

    differs = {name: pl.col(name).is_not_null() & pl.col(name).ne_missing(pl.col(f"{name}_old")) for name in columns}
    changed = joined.with_columns(**{f"_{n}": e for n, e in differs.items()}).filter(
        pl.any_horizontal([pl.col(f"_{n}") for n in columns])
    )
    if not changed.height:
        return {}
    updates: dict[tuple[str, ...], list[tuple]] = {}
    diffs: dict[str, dict[str, list[Any]]] = {}
    for row in changed.iter_rows(named=True):
        names = tuple(n for n in columns if row[f"_{n}"])
        updates.setdefault(names, []).append((*(row[n] for n in names), now, row["id"]))
        diffs[row[key]] = {n: [row[f"{n}_old"], row[n]] for n in names}
    for names, rows in updates.items():
        _update(table, "id", (*names, "updated_at"), rows)
    return diffs


@dataclass
class FrameOutcome:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    created_keys: list[str] = field(default_factory=list)
    changes: dict[str, dict[str, list[Any]]] = field(default_factory=dict)  # nik -> field -> [old, new]
    household_keys: list[str] = field(default_factory=list)
    household_changes: dict[str, dict[str, list[Any]]] = field(default_factory=dict)  # kk -> field -> [old, new]
    followed: dict[str, dict[str, list[Any]]] = field(default_factory=dict)  # as BatchOutcome.followed


def write_frame(frame: "pl.DataFrame", *, now: dt.datetime, fresh: bool = False) -> FrameOutcome:
    """write_batch for a clean frame (fastcheck.CLEAN_SCHEMA, rows in file order). Call inside a transaction.

    With `fresh` the caller knows both tables are empty (and holds them locked), so
    nothing is read back before writing.
    """
    import polars as pl

    outcome = FrameOutcome()
    if not frame.height:
        return outcome
    household_table, resident_table = Household._meta.db_table, Resident._meta.db_table
    stamp = now.isoformat() if connection.vendor == "postgresql" else connection.ops.adapt_datetimefield_value(now)

    # A household takes, field by field, the last value its members' rows give (as write_batch's dict.update).
    households = frame.group_by("kk_number", maintain_order=True).agg(
        [pl.col(name).drop_nulls().last() for name in HOUSEHOLD_DATA]
    )
    if fresh:
        old = _existing(household_table, "kk_number", ("id", *HOUSEHOLD_DATA), [])
    else:
        old = _existing(household_table, "kk_number", ("id", *HOUSEHOLD_DATA), households["kk_number"].to_list())
    joined = households.join(old, on="kk_number", how="left", suffix="_old")
    new = joined.filter(pl.col("id").is_null())
    ids = pl.Series("id", new_ids(household_table, new.height) if new.height else [], dtype=pl.Int64)
    new = new.with_columns(ids).select(
        "id",
        "kk_number",
        pl.col("village_id"),
        *(pl.col(name).fill_null("") for name in HOUSEHOLD_DATA[1:]),
        created_at=pl.lit(stamp),
        updated_at=pl.lit(stamp),
    )
    insert_frame(household_table, new)
    outcome.household_keys = new["kk_number"].to_list()
    outcome.household_changes = _apply_changes(
        household_table, joined.filter(pl.col("id").is_not_null()), HOUSEHOLD_DATA, now=now, key="kk_number"
    )
    household_ids = pl.concat(
        [joined.filter(pl.col("id").is_not_null()).select("kk_number", "id"), new.select("kk_number", "id")]
    ).rename({"id": "household_id"})

    wanted = frame.join(household_ids, on="kk_number", how="left").select("nik", *RESIDENT_DATA)
    if fresh:
        old = _existing(resident_table, "nik", ("id", *RESIDENT_DATA), [])
    else:
        old = _existing(resident_table, "nik", ("id", *RESIDENT_DATA), wanted["nik"].to_list())
    joined = wanted.join(old, on="nik", how="left", suffix="_old")
    new = joined.filter(pl.col("id").is_null()).select(
        "nik",
        *(pl.col(name).fill_null(pl.lit(_RESIDENT_DEFAULTS[name])) for name in RESIDENT_DATA),
        created_at=pl.lit(stamp),
        updated_at=pl.lit(stamp),
    )
    insert_frame(resident_table, new)
    existing = joined.filter(pl.col("id").is_not_null())
    outcome.created = new.height
    outcome.created_keys = new["nik"].to_list()
    outcome.changes = _apply_changes(resident_table, existing, RESIDENT_DATA, now=now, key="nik")
    outcome.updated = len(outcome.changes)
    outcome.unchanged = existing.height - outcome.updated
    if not fresh:
        outcome.followed = follow_households(outcome.household_changes, now=now)
    return outcome


def detach_indexes(connection: Any, cursor: Any, tables: list[str]) -> list[str]:
    """Drop the secondary indexes (and on PostgreSQL the foreign keys) of the tables, as a bulk
    load wants; returns the SQL restoring them. Call inside a transaction holding the tables."""
    if connection.vendor == "postgresql":
        # ALTER TABLE refuses while deferred checks of the caller's transaction are
        # pending (e.g. regions loaded just before): run them now, as loaddata does.
        connection.check_constraints()
        return _detach_postgres(cursor, tables)
    return _detach_sqlite(cursor, tables)


def _detach_postgres(cursor: Any, tables: list[str]) -> list[str]:
    """Drop the foreign keys and secondary indexes of the tables; returns the SQL restoring them.

    Primary keys and unique constraints stay: other tables' foreign keys hang on the
    former, and the latter reject a duplicate NIK or KK number during the load itself.
    """
    cursor.execute(
        "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) FROM pg_constraint "
        "WHERE contype = 'f' AND conrelid = ANY(%s::regclass[]) ORDER BY conrelid::regclass::text, conname",
        [tables],
    )
    foreign_keys = cursor.fetchall()
    cursor.execute(
        "SELECT indexrelid::regclass::text, pg_get_indexdef(indexrelid) FROM pg_index "
        "WHERE indrelid = ANY(%s::regclass[]) "
        "AND NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conindid = indexrelid AND conrelid = indrelid) "
        "ORDER BY indexrelid::regclass::text",
        [tables],
    )
    indexes = cursor.fetchall()
    for table, name, _definition in foreign_keys:
        cursor.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
    for name, _definition in indexes:
        cursor.execute(f"DROP INDEX {name}")
    return [definition for _name, definition in indexes] + [
        f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}' for table, name, definition in foreign_keys
    ]


def _detach_sqlite(cursor: Any, tables: list[str]) -> list[str]:
    """Drop the secondary indexes of the tables; returns the SQL recreating them.

    The automatic indexes behind UNIQUE (no SQL of their own) stay. Foreign keys cannot
    be dropped in SQLite, but their check is a primary-key look-up, cheap enough.
    """
    placeholders = ", ".join(["%s"] * len(tables))
    cursor.execute(
        f"SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL "
        f"AND tbl_name IN ({placeholders}) ORDER BY name",
        tables,
    )
    indexes = cursor.fetchall()
    for name, _sql in indexes:
        cursor.execute(f'DROP INDEX "{name}"')
    return [sql for _name, sql in indexes]
