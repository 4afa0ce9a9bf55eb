"""Probable matches: the rows that neither a decision nor their NIK placed, linked to the register with
Splink (probabilistic record linkage, Fellegi-Sunter) on its embedded DuckDB backend.

The model compares name (exact with term-frequency adjustment, so "SITI AMINAH" agreeing counts for less than
a rare name; then Jaro-Winkler levels, word order ignored), the NIK's digits (one digit wrong, two swapped,
same kecamatan code), birth date, KK and village. Its m probabilities (how often a true match falls in each
level) are set from how published lists go wrong; its u probabilities (how often two different people do)
from the register's size and make-up. Both are written out below, so the weights a reviewer sees can be
traced to a number here. The backend is a setting (AID_LINKAGE_BACKEND): the same settings run on Spark.

The register is prepared once for all lists matched against it (with its name frequencies); for each list
Splink gets only the residents that share a blocking key with one of its rows (about half the register for a
list of 100,000), which gives the same pairs and scores at a third of the cost.
"""

import json
import math

import polars as pl
from django.conf import settings

from smartkampung.aid.match_results import RESULT_SCHEMA, status_only
from smartkampung.aid.models import MatchStatus

# m: share of true matches in each level; u: share of pairs of different people (a regency's register).
M_U = {
    "name": ([0.70, 0.05, 0.15, 0.03, 0.05, 0.02], [0.001, 0.0001, 0.005, 0.002, 0.05, 0.9419]),
    # The NIK holds the kecamatan, birth date and sex, and serials are small (0001, 0002 …): a NIK one digit
    # away is often a real neighbour's, born a day or a month apart. So "one digit different" is weighed at the
    # tens of thousands, not millions, and the birth date and name must carry the rest.
    "nik": ([0.01, 0.55, 0.10, 0.20, 0.10, 0.04], [1e-7, 2e-5, 5e-6, 2e-6, 0.04, 0.959973]),
    "birth_date": ([0.90, 0.05, 0.03, 0.02], [4e-5, 5e-4, 0.03, 0.96946]),
    "kk": ([0.85, 0.15], [2.5e-6, 0.9999975]),
    "village": ([0.85, 0.08, 0.07], [0.0046, 0.04, 0.9554]),
}


# One typo (a digit changed, two swapped), as damerau_levenshtein(a, b) = 1. Between strings of one length (NIKs,
# dates) that means at most two positions differ, which hamming counts cheaply: the edit distance, the costliest
# part of comparing a pair, is then worked out only for the few pairs that close.
_ONE_EDIT = (
    "(CASE WHEN length({a}) = length({b}) THEN hamming({a}, {b}) <= 2 ELSE true END)"
    " AND damerau_levenshtein({a}, {b}) = 1"
)


def _comparisons():
    import splink.comparison_level_library as cll
    import splink.comparison_library as cl

    def custom(name, null_column, levels):
        m, u = M_U[name]
        built = [cll.NullLevel(null_column)]
        for index, level in enumerate(levels):
            built.append(
                level.configure(m_probability=m[index], u_probability=u[index], label_for_charts=f"{name}:{index}")
            )
        return cl.CustomComparison(output_column_name=name, comparison_levels=built)

    one_edit, same_serial = _ONE_EDIT.format(a="nik_l", b="nik_r"), "substr(nik_l, 13, 4) = substr(nik_r, 13, 4)"
    return [
        custom("name", "name_norm", [
            cll.ExactMatchLevel("name_norm", term_frequency_adjustments=True),
            cll.ExactMatchLevel("name_sorted"),
            cll.JaroWinklerLevel("name_norm", 0.92),
            cll.JaroWinklerLevel("name_sorted", 0.92),
            cll.JaroWinklerLevel("name_norm", 0.80),
            cll.ElseLevel(),
        ]),
        custom("nik", "nik", [
            cll.ExactMatchLevel("nik"),
            cll.CustomLevel(f"hamming(nik_l, nik_r) = 1 AND {same_serial}"),
            cll.CustomLevel(f"{one_edit} AND {same_serial}"),
            cll.CustomLevel(one_edit),
            cll.CustomLevel("substr(nik_l, 1, 6) = substr(nik_r, 1, 6)"),
            cll.ElseLevel(),
        ]),
        custom("birth_date", "birth_date", [
            cll.ExactMatchLevel("birth_date"),
            cll.CustomLevel(_ONE_EDIT.format(a="CAST(birth_date_l AS VARCHAR)", b="CAST(birth_date_r AS VARCHAR)")),
            cll.CustomLevel("abs(date_diff('day', birth_date_l, birth_date_r)) <= 366"),
            cll.ElseLevel(),
        ]),
        custom("kk", "kk", [cll.ExactMatchLevel("kk"), cll.ElseLevel()]),
        custom("village", "village", [
            cll.ExactMatchLevel("village"),
            cll.CustomLevel("substr(village_l, 1, 6) = substr(village_r, 1, 6)"),
            cll.ElseLevel(),
        ]),
    ]  # fmt: skip


# Pairs are only scored where the two agree on one of these (every column of a key equal on both sides). The
# parts of values they compare are columns of their own (_PREPARE), worked out once per row, not once per pair.
_BLOCKING_KEYS = [
    ("nik_head",),  # a wrong digit in the serial
    ("nik_tail",),  # a wrong digit in the region part
    ("birth_date",),
    ("kk",),
    ("village", "name_start"),
    ("name_sorted", "kecamatan"),  # no NIK, no birth date
]


def _blocking():
    from splink import block_on

    return [block_on(*key) for key in _BLOCKING_KEYS]


_PREPARE = """
CREATE TABLE {out} AS
WITH cleaned AS (
  SELECT unique_id, nullif(nik, '') AS nik, nullif(kk, '') AS kk, nullif(name_norm, '') AS name_norm,
         array_to_string(list_sort(string_split(name_norm, ' ')), ' ') AS name_sorted,
         birth_date, nullif(village, '') AS village
  FROM {src}
)
SELECT *, substr(nik, 1, 12) AS nik_head, substr(nik, 7, 10) AS nik_tail, substr(name_norm, 1, 3) AS name_start,
       substr(village, 1, 6) AS kecamatan
FROM cleaned
"""
# The register's name frequencies, for the exact-name level: "SITI AMINAH" agreeing says less than a rare name.
# Counted once for the register (not per list: a list's own names do not make a name common).
_NAME_FREQUENCIES = """
CREATE TABLE registry_tf AS
SELECT name_norm, count(*)::DOUBLE / (SELECT count(name_norm) FROM registry) AS tf_name_norm
FROM registry WHERE name_norm IS NOT NULL GROUP BY name_norm
"""


def _candidates_sql() -> str:
    """The residents that agree with some listed row on a blocking key: all Splink's blocking could pair, so
    handing it these instead of the whole register gives the same pairs from a fraction of the rows."""
    agrees = " OR ".join(
        f"{key[0]} IN (SELECT {key[0]} FROM recipients)"
        if len(key) == 1
        else f"EXISTS (SELECT 1 FROM recipients c WHERE {' AND '.join(f'c.{column} = r.{column}' for column in key)})"
        for key in _BLOCKING_KEYS
    )
    return f"CREATE TABLE candidates AS SELECT * FROM registry r WHERE {agrees}"


def link(residue: pl.DataFrame, registry: pl.DataFrame) -> pl.DataFrame:
    """The best register candidate of each residue row, as match_results.RESULT_SCHEMA rows: probable at or above
    AID_PROBABLE_THRESHOLD (and clearly ahead of the runner-up), review at or above AID_REVIEW_THRESHOLD,
    otherwise none."""

    if not residue.height or not registry.height:
        return status_only(residue["row"], MatchStatus.NONE.value)
    best = _predict(residue, registry)
    probable, review = settings.AID_PROBABLE_THRESHOLD, settings.AID_REVIEW_THRESHOLD
    # Two candidates nearly as likely (twins, a wrong digit that fits two people) are for a person to choose.
    # Taken without a person only when clearly ahead of the runner-up (8 times likelier) and when the row has
    # more than a name and a village to go by (a NIK, a KK or a birth date).
    clear = (pl.col("margin").is_null() | (pl.col("margin") >= 3)) & pl.col("identified")
    identified = (pl.col("nik") != "") | (pl.col("kk_number") != "") | pl.col("birth_date").is_not_null()
    scored = residue.select("row", identified=identified).join(best, on="row", how="left")
    return scored.select(
        "row",
        status=pl.when((pl.col("probability") >= probable) & clear)
        .then(pl.lit(MatchStatus.PROBABLE.value))
        .when(pl.col("probability") >= review)
        .then(pl.lit(MatchStatus.REVIEW.value))
        .otherwise(pl.lit(MatchStatus.NONE.value)),
        resident_id=pl.when((pl.col("probability") >= probable) & clear).then("resident_id"),
        candidate_id=pl.when(~((pl.col("probability") >= probable) & clear) & (pl.col("probability") >= review)).then(
            "resident_id"
        ),
        probability=pl.when(pl.col("probability") >= review).then("probability"),
        explanation=pl.when(pl.col("probability") >= review).then("explanation").otherwise(pl.lit("[]")),
    ).cast(RESULT_SCHEMA)


_CACHED: dict = {}


def _registry_connection(registry: pl.DataFrame):
    """A DuckDB connection with the register prepared for linkage, kept for the next list matched against the
    same register frame (lists imported together, the benchmark): preparing 1.74 M rows takes seconds."""
    import duckdb

    if _CACHED.get("frame") is registry:
        return _CACHED["con"]
    release()
    con = duckdb.connect()
    con.execute("SET threads = 2")
    con.execute("SET preserve_insertion_order = false")
    con.register("registry_in", registry.select(
        unique_id="resident_id", nik="nik", kk="kk_number", name_norm="name_key", birth_date="birth_date",
        village="village",
    ).to_arrow())  # fmt: skip
    con.execute(_PREPARE.format(out="registry", src="registry_in"))
    con.unregister("registry_in")
    con.execute(_NAME_FREQUENCIES)
    _CACHED.update(frame=registry, con=con)
    return con


def release() -> None:
    """Let go of the prepared register (after an import that read the register for itself)."""
    con = _CACHED.pop("con", None)
    _CACHED.pop("frame", None)
    if con is not None:
        con.close()


def _predict(residue: pl.DataFrame, registry: pl.DataFrame) -> pl.DataFrame:
    from splink import DuckDBAPI, Linker, SettingsCreator

    con = _registry_connection(registry)
    for table in ("recipients", "candidates"):
        con.execute(f"DROP TABLE IF EXISTS {table}")
    con.register("residue_in", residue.select(
        unique_id="row", nik="nik", kk="kk_number", name_norm="name_key", birth_date="birth_date",
        village=pl.col("village").fill_null(""),
    ).to_arrow())  # fmt: skip
    con.execute(_PREPARE.format(out="recipients", src="residue_in"))
    con.unregister("residue_in")
    con.execute(_candidates_sql())
    try:
        api = DuckDBAPI(connection=con)
        tables = [api.register("candidates", dataset_display_name="registry"),
                  api.register("recipients", dataset_display_name="recipients")]  # fmt: skip
        model = SettingsCreator(
            link_type="link_only",
            comparisons=_comparisons(),
            blocking_rules_to_generate_predictions=_blocking(),
            # Nearly every listed person is on the register: one true pair among the register's size.
            probability_two_random_records_match=min(0.5, 0.9 / registry.height),
            retain_intermediate_calculation_columns=True,
            retain_matching_columns=True,  # without it Splink 5 leaves out the gamma (level) columns
            unique_id_column_name="unique_id",
        )
        # log_level=None: Splink would otherwise install its own handler at INFO (our LOGGING governs it).
        linker = Linker(tables, model, log_level=None)
        linker.table_management.register_term_frequency_lookup(api.register("registry_tf"), "name_norm")
        predictions = linker.inference.predict(threshold_match_probability=settings.AID_REVIEW_THRESHOLD / 10)
        names = list(M_U)
        weights = ", ".join(
            f"gamma_{n}, mw_{n}" + (f", coalesce(mw_tf_adj_{n}, 0) AS tf_{n}" if n == "name" else f", 0 AS tf_{n}")
            for n in names
        )
        # Read to the end (fetch_arrow_table): DuckDB 2 fails the next query on a half-read result.
        table = con.sql(f"""
            WITH p AS (
              SELECT CASE WHEN source_dataset_l = 'recipients' THEN unique_id_l ELSE unique_id_r END AS row,
                     CASE WHEN source_dataset_l = 'recipients' THEN unique_id_r ELSE unique_id_l END AS resident_id,
                     match_probability AS probability, match_weight, {weights}
              FROM {predictions.physical_name}
            ), ranked AS (
              SELECT *, row_number() OVER w AS rank, match_weight - lead(match_weight) OVER w AS margin
              FROM p WINDOW w AS (PARTITION BY row ORDER BY match_weight DESC)
            )
            SELECT * EXCLUDE (rank) FROM ranked WHERE rank = 1
        """).to_arrow_table()  # noqa: S608 - our own table and column names
        predictions.drop_table_from_database_and_remove_from_cache()
    finally:
        # Splink's working tables of this list (blocked pairs, term frequencies) go; the register stays.
        for (name,) in con.execute(
            "SELECT table_name FROM duckdb_tables() WHERE table_name LIKE '__splink%'"
        ).fetchall():
            con.execute(f'DROP TABLE IF EXISTS "{name}"')
        for table_name in ("recipients", "candidates"):
            con.execute(f"DROP TABLE IF EXISTS {table_name}")
    best = pl.from_arrow(table)
    if not best.height:
        return pl.DataFrame(schema={"row": pl.Int64, "resident_id": pl.Int64, "probability": pl.Float64,
                                    "margin": pl.Float64, "explanation": pl.String})  # fmt: skip
    columns = [f"{kind}_{name}" for name in names for kind in ("gamma", "mw", "tf")]
    explanations = [_explain(row, names) for row in best.select(columns).iter_rows(named=True)]
    return best.select(
        pl.col("row").cast(pl.Int64), pl.col("resident_id").cast(pl.Int64), "probability", "margin"
    ).with_columns(explanation=pl.Series(explanations, dtype=pl.String))


def _explain(row: dict, names: list[str]) -> str:
    """Each field's level (an index into aid.explain's words, best first) and its weight: the Bayes factor
    (×40: forty times likelier for the same person than for two people); a missing value weighs nothing."""
    parts = []
    for name in names:
        gamma = row[f"gamma_{name}"]
        if gamma is None or gamma < 0:
            parts.append({"field": name, "level": "missing", "weight": 1.0})
            continue
        weight = 2 ** ((row[f"mw_{name}"] or 0) + (row[f"tf_{name}"] or 0))
        parts.append({"field": name, "level": len(M_U[name][0]) - 1 - gamma, "weight": _round(weight)})
    return json.dumps(parts)


def _round(weight: float) -> float:
    if weight <= 0:
        return 0.0
    digits = 3 - int(math.floor(math.log10(abs(weight)))) - 1
    return round(weight, max(digits, -12))
