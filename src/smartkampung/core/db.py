"""Writing several new rows in one round trip to the database."""

from collections.abc import Sequence

from django.db import connection, models
from django.db.models.sql import InsertQuery


def insert_rows(rows: Sequence[models.Model]) -> None:
    """Insert new rows (of any models, in this order) in one statement on PostgreSQL: one round trip instead of
    one per row. The rows get no primary keys back: for rows nobody reads again in the request (audit entries,
    outbox rows). Elsewhere (SQLite: no round trips to save) each row is saved on its own."""
    if connection.vendor != "postgresql":
        for row in rows:
            row.save(force_insert=True)
        return
    parts, params = [], []
    for index, row in enumerate(rows):
        meta = row._meta
        # As Model.save() chooses them: the automatic id is left to the database.
        fields = [f for f in meta.local_concrete_fields if not f.generated and f is not meta.auto_field]
        query = InsertQuery(row.__class__)
        query.insert_values(fields, [row])
        compiler = query.get_compiler(connection=connection)
        [(sql, values)] = compiler.as_sql()
        parts.append(f"w{index} AS ({sql})")
        params.extend(values)
    with connection.cursor() as cursor:
        cursor.execute(f"WITH {', '.join(parts)} SELECT 1", params)


def fetch_one(sql: str, params: Sequence) -> tuple | None:
    """One row of a hand-written query. For the few reads on a hot path (every registration at a desk) where
    building the ORM's query costs more than the database's answer; the SQL names its tables through the
    models' `_meta.db_table`."""
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()
