"""Linking a recipient list to the register.

Four passes, cheapest first, each taking only what the one before left:
1. remembered: a row a reviewer already decided (by its fingerprint) keeps that decision;
2. exact: a valid NIK on the register whose name agrees (a NIK whose name does not goes to review, with
   that resident as the candidate); a row whose birth date or KK contradicts the NIK's owner goes on to 3;
3. probable: the rest go to the probabilistic model (`aid.linkage`, Splink) against the whole register;
   a best candidate above AID_PROBABLE_THRESHOLD is a match, one above AID_REVIEW_THRESHOLD is for review;
4. none: nobody close enough, or a row too empty to match (invalid).
Everything is columnar (polars; DuckDB for string similarity): a list of 600,000 rows is one pass each.
"""

import io
import json

import polars as pl
from django.conf import settings
from django.db import connection

from smartkampung.aid.importer import name_key_expr
from smartkampung.aid.match_results import RESULT_SCHEMA, status_only
from smartkampung.aid.models import MatchStatus
from smartkampung.regions.selectors import code_range

REGISTRY_COLUMNS = ["resident_id", "nik", "kk_number", "name", "birth_date", "sex", "village", "household_id", "status"]


def registry_frame(*, regency: str | None = None) -> pl.DataFrame:
    """Every resident (of `regency` only, when given) with what matching compares, as one frame (COPY on
    PostgreSQL: no Python object per value, about 3 s for 1.74 M residents)."""
    select = (
        "SELECT r.id, r.nik, h.kk_number, r.name, r.birth_date, r.sex, r.village_id, r.household_id, r.status "
        "FROM population_resident r JOIN population_household h ON h.id = r.household_id"
    )
    if regency is not None:
        if not regency.isdigit():  # written into the statement (COPY takes no parameters): digits only
            raise ValueError(f"not a regency code: {regency!r}")
        low, high = code_range(regency)
        select += f" WHERE r.village_id >= '{low}' AND r.village_id < '{high}'"
    schema = dict.fromkeys(REGISTRY_COLUMNS, pl.String)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            buffer = io.BytesIO()
            with cursor.cursor.copy(f"COPY ({select}) TO STDOUT (FORMAT csv)") as copy:
                for data in copy:
                    buffer.write(data)
            buffer.seek(0)
            frame = (
                pl.read_csv(buffer, has_header=False, new_columns=REGISTRY_COLUMNS, schema=schema)
                if buffer.getbuffer().nbytes
                else pl.DataFrame(schema=schema)
            )
        else:
            cursor.execute(select)
            rows = [tuple(None if v is None else str(v) for v in row) for row in cursor.fetchall()]
            frame = pl.DataFrame(rows, schema=schema, orient="row")
    return frame.with_columns(
        pl.col("resident_id").cast(pl.Int64),
        pl.col("household_id").cast(pl.Int64),
        pl.col("birth_date").str.to_date("%Y-%m-%d", strict=False),
        name_key=name_key_expr(pl.col("name")),
    )


def sorted_words(column: pl.Expr) -> pl.Expr:
    """A name with its words in alphabetical order: "RIZKI MUHAMMAD" compares equal to "MUHAMMAD RIZKI"."""
    return column.str.split(" ").list.sort().list.join(" ")


def name_similarity(left: pl.Series, right: pl.Series) -> pl.Series:
    """Jaro-Winkler similarity (0–1) of two columns of name keys, word order ignored (DuckDB's function)."""
    import duckdb

    pairs = pl.DataFrame({"a": left, "b": right}).select(sorted_words(pl.col("a")), sorted_words(pl.col("b")))
    con = duckdb.connect()
    try:
        con.register("pairs", pairs.to_arrow())
        # Read to the end (fetch_arrow_table): DuckDB 2 fails the next query on a half-read result.
        result = con.sql("SELECT coalesce(jaro_winkler_similarity(a, b), 0) AS s FROM pairs").to_arrow_table()
    finally:
        con.close()
    return pl.from_arrow(result.column("s")).alias("similarity")


# One row of the result per input row: the columns the recipient table stores.
def _explain_exact(given: str, registered: str, similarity: float) -> str:
    if given is None:  # polars may call with an empty row
        return "[]"
    differs = {"field": "name", "level": "differs", "given": given, "registered": registered}
    return json.dumps([{"field": "nik", "level": "found"}, differs | {"pct": round(100 * (similarity or 0))}])


def match_rows(rows: pl.DataFrame, registry: pl.DataFrame, *, decisions: dict[str, int | None]) -> pl.DataFrame:
    """rows: row, nik, kk_number, name_key, birth_date, village, fingerprint, readable. Returns RESULT_SCHEMA."""
    from smartkampung.aid import linkage

    results = []
    decided = rows.filter(pl.col("fingerprint").is_in(list(decisions)))
    if decided.height:
        ids = [decisions[f] for f in decided["fingerprint"]]
        results.append(
            pl.DataFrame(
                {
                    "row": decided["row"],
                    "status": [MatchStatus.PROBABLE if i else MatchStatus.NONE for i in ids],
                    "resident_id": ids,
                    "candidate_id": [None] * decided.height,
                    "probability": [1.0 if i else None for i in ids],
                    "explanation": [json.dumps([{"field": "decision", "level": "decided"}])] * decided.height,
                },
                schema=RESULT_SCHEMA,
            )
        )
    rest = rows.filter(~pl.col("fingerprint").is_in(list(decisions)))
    invalid = rest.filter(~pl.col("readable"))
    if invalid.height:
        results.append(status_only(invalid["row"], MatchStatus.INVALID.value))
    rest = rest.filter(pl.col("readable"))

    by_nik = rest.filter(pl.col("nik") != "").join(
        registry.select(
            "nik", "resident_id", registry_name="name_key", registry_birth="birth_date", registry_kk="kk_number"
        ),
        on="nik",
        how="inner",
    )
    # A NIK one digit off can be a neighbour's real one (same kecamatan and birth date, the next serial), with a
    # name close enough. Where the row's own birth date or KK says it is someone else, the model weighs the NIK
    # with the rest (and finds the person the row was written for) instead of taking it on the NIK alone.
    contradicted = (
        pl.col("birth_date").is_not_null()
        & pl.col("registry_birth").is_not_null()
        & (pl.col("birth_date") != pl.col("registry_birth"))
    ) | (
        (pl.col("kk_number") != "")
        & pl.col("registry_kk").is_not_null()
        & (pl.col("kk_number") != pl.col("registry_kk"))
    )
    by_nik = by_nik.filter(~contradicted)
    if by_nik.height:
        same_name = json.dumps([{"field": "nik", "level": "found"}, {"field": "name", "level": "same"}])
        scored = by_nik.with_columns(name_similarity(by_nik["name_key"], by_nik["registry_name"]))
        agree = pl.col("similarity") >= settings.AID_NAME_AGREEMENT
        results.append(
            scored.select(
                "row",
                status=pl.when(agree).then(pl.lit(MatchStatus.EXACT.value)).otherwise(pl.lit(MatchStatus.REVIEW.value)),
                resident_id=pl.when(agree).then("resident_id"),
                candidate_id=pl.when(~agree).then("resident_id"),
                probability=pl.when(agree).then(pl.lit(1.0)),
                explanation=pl.when(pl.col("name_key") == pl.col("registry_name"))
                .then(pl.lit(same_name))
                .otherwise(
                    pl.struct("name_key", "registry_name", "similarity").map_elements(
                        lambda r: _explain_exact(r["name_key"], r["registry_name"], r["similarity"]),
                        return_dtype=pl.String,
                    )
                ),
            ).cast(RESULT_SCHEMA)
        )
    residue = rest.join(by_nik.select("row"), on="row", how="anti")
    if residue.height:
        results.append(linkage.link(residue, registry))
    if not results:
        return pl.DataFrame(schema=RESULT_SCHEMA)
    return pl.concat(results, how="vertical").sort("row")
