"""Batch writes of households and residents, shared by the file import.

Existing rows are read first and compared in Python, so that the caller learns exactly
which residents were added, which changed (field by field, old and new) and which were
already as the file says; only the first two are written. New rows go in through COPY on
PostgreSQL and executemany on SQLite.
"""

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db import connection

from smartkampung.population.models import Household, Resident

HOUSEHOLD_DATA = ("village_id", "address", "rt", "rw", "postal_code")
RESIDENT_DATA = (
    "household_id",
    "village_id",
    "name",
    "name_search",
    "birth_place",
    "birth_date",
    "sex",
    "religion",
    "marital_status",
    "family_relation",
    "education",
    "occupation",
    "mother_name",
    "father_name",
    "phone",
    "status",
    "lost_job",
    "informal_income_loss",
    "tourism_worker",
    "nik_mismatch",
)
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
    return outcome


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
    _insert(Household._meta.db_table, ["kk_number", *HOUSEHOLD_DATA, "created_at", "updated_at"], inserts)
    for columns, rows in updates.items():
        _update(Household._meta.db_table, "id", (*columns, "updated_at"), rows)
    outcome.households_created = len(inserts)
    outcome.households_updated = sum(len(rows) for rows in updates.values())
    if inserts:
        created = _select(Household._meta.db_table, "kk_number", ("id",), [row[0] for row in inserts])
        ids.update({kk: row["id"] for kk, row in created.items()})
    return ids
