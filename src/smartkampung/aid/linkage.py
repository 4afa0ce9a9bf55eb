"""Probable matches: the rows that neither a decision nor their NIK placed, linked to the register with
Splink (probabilistic record linkage, Fellegi-Sunter) on its embedded DuckDB backend, or on Spark.

The model compares name (exact with term-frequency adjustment, so "SITI AMINAH" agreeing counts for less than
a rare name; then Jaro-Winkler levels, word order ignored), the NIK's digits (one digit wrong, two swapped,
same kecamatan code), birth date, KK and village. Its m probabilities (how often a true match falls in each
level) are set from how published lists go wrong; its u probabilities (how often two different people do)
from the register's size and make-up. Both are written out below, so the weights a reviewer sees can be
traced to a number here.

The backend is a setting (AID_LINKAGE_BACKEND): `duckdb` (embedded, one machine) or `spark` (Spark's local mode,
aid/linkage_spark.py; the `spark` extra and Java). Both run this module's model: one set of levels and
probabilities, written once; only the SQL of the few levels Splink has no dialect-aware level for is written per
backend (DIALECT_SQL), and each says the same thing in its backend's words.

The register is prepared once for all lists matched against it (with its name frequencies); for each list
Splink gets only the residents that share a blocking key with one of its rows (about half the register for a
list of 100,000), which gives the same pairs and scores at a third of the cost.
"""

import json
import math
from typing import Any, Protocol

import polars as pl
from django.conf import settings

from smartkampung.aid.linkage_backend import backend_or_setting
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


# The comparisons Splink's own levels do not cover, in each backend's SQL: the same test in both, so that a pair
# falls in the same level whichever backend scores it ({a} and {b} are the two sides' columns).
DIALECT_SQL: dict[str, dict[str, str]] = {
    "duckdb": {
        # One typo (a digit changed, two swapped), as damerau_levenshtein(a, b) = 1. Between strings of one length
        # (NIKs, dates) that means at most two positions differ, which hamming counts cheaply: the edit distance,
        # the costliest part of comparing a pair, is then worked out only for the few pairs that close.
        "one_edit": "(CASE WHEN length({a}) = length({b}) THEN hamming({a}, {b}) <= 2 ELSE true END)"
        " AND damerau_levenshtein({a}, {b}) = 1",
        "one_digit": "hamming({a}, {b}) = 1",
        "as_text": "CAST({a} AS VARCHAR)",
        "within_a_year": "abs(date_diff('day', {a}, {b})) <= 366",
        "sorted_words": "array_to_string(list_sort(string_split({a}, ' ')), ' ')",
    },
    "spark": {
        # Spark has no damerau_levenshtein of its own: this is the JVM function from the jar Splink ships
        # (scala-udf-similarity, registered by SparkAPI). For distance 1 its variant and DuckDB's agree.
        "one_edit": "damerau_levenshtein({a}, {b}) = 1",
        # Nor hamming: between strings of one length a single edit is a single substitution, so "one position
        # differs" is Levenshtein distance 1 (Spark's built-in) with the lengths equal.
        "one_digit": "(length({a}) = length({b}) AND levenshtein({a}, {b}) = 1)",
        "as_text": "CAST({a} AS STRING)",
        "within_a_year": "abs(datediff({a}, {b})) <= 366",
        "sorted_words": "array_join(array_sort(split({a}, ' ')), ' ')",
    },
}


def _sql(dialect: str, part: str, a: str, b: str = "") -> str:
    return DIALECT_SQL[dialect][part].format(a=a, b=b)


def comparisons(dialect: str, *, fields: tuple[str, ...] = tuple(M_U)) -> list:
    """Splink's comparisons of `fields` with M_U's probabilities, in `dialect`'s SQL (duckdb or spark)."""
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

    one_edit, same_serial = _sql(dialect, "one_edit", "nik_l", "nik_r"), "substr(nik_l, 13, 4) = substr(nik_r, 13, 4)"
    birth_l, birth_r = _sql(dialect, "as_text", "birth_date_l"), _sql(dialect, "as_text", "birth_date_r")
    # JaroWinklerLevel writes each backend's function itself (DuckDB's jaro_winkler_similarity, the jar's
    # jaro_winkler on Spark).
    built = {
        "name": lambda: custom("name", "name_norm", [
            cll.ExactMatchLevel("name_norm", term_frequency_adjustments=True),
            cll.ExactMatchLevel("name_sorted"),
            cll.JaroWinklerLevel("name_norm", 0.92),
            cll.JaroWinklerLevel("name_sorted", 0.92),
            cll.JaroWinklerLevel("name_norm", 0.80),
            cll.ElseLevel(),
        ]),
        "nik": lambda: custom("nik", "nik", [
            cll.ExactMatchLevel("nik"),
            cll.CustomLevel(f"{_sql(dialect, 'one_digit', 'nik_l', 'nik_r')} AND {same_serial}"),
            cll.CustomLevel(f"{one_edit} AND {same_serial}"),
            cll.CustomLevel(one_edit),
            cll.CustomLevel("substr(nik_l, 1, 6) = substr(nik_r, 1, 6)"),
            cll.ElseLevel(),
        ]),
        "birth_date": lambda: custom("birth_date", "birth_date", [
            cll.ExactMatchLevel("birth_date"),
            cll.CustomLevel(_sql(dialect, "one_edit", birth_l, birth_r)),
            cll.CustomLevel(_sql(dialect, "within_a_year", "birth_date_l", "birth_date_r")),
            cll.ElseLevel(),
        ]),
        "kk": lambda: custom("kk", "kk", [cll.ExactMatchLevel("kk"), cll.ElseLevel()]),
        "village": lambda: custom("village", "village", [
            cll.ExactMatchLevel("village"),
            cll.CustomLevel("substr(village_l, 1, 6) = substr(village_r, 1, 6)"),
            cll.ElseLevel(),
        ]),
    }  # fmt: skip
    return [built[name]() for name in fields]


# Pairs are only scored where the two agree on one of these (every column of a key equal on both sides). The
# parts of values they compare are columns of their own (prepare_sql), worked out once per row, not once per pair.
BLOCKING_KEYS = [
    ("nik_head",),  # a wrong digit in the serial
    ("nik_tail",),  # a wrong digit in the region part
    ("birth_date",),
    ("kk",),
    ("village", "name_start"),
    ("name_sorted", "kecamatan"),  # no NIK, no birth date
]


def model_settings(dialect: str, *, prior: float, fields: tuple[str, ...] = tuple(M_U)):
    """The model as Splink takes it (link_only: pairs only across the input tables), the same on every backend."""
    from splink import SettingsCreator, block_on

    return SettingsCreator(
        link_type="link_only",
        comparisons=comparisons(dialect, fields=fields),
        blocking_rules_to_generate_predictions=[block_on(*key) for key in BLOCKING_KEYS],
        probability_two_random_records_match=prior,
        retain_intermediate_calculation_columns=True,
        retain_matching_columns=True,  # without it Splink 5 leaves out the gamma (level) columns
        unique_id_column_name="unique_id",
    )


# The columns Splink compares, from what a list row or a resident holds (name_key: the name as matching reads it).
INPUT_COLUMNS = {
    "nik": "nik", "kk": "kk_number", "name_norm": "name_key", "birth_date": "birth_date", "village": "village",
}  # fmt: skip


def prepare_sql(dialect: str, src: str, *, carry: str = "") -> str:
    """A SELECT of `src` (unique_id and INPUT_COLUMNS, plus the columns named in `carry`) ready for Splink:
    empty text as NULL (missing, not a value that agrees), the name's words sorted, and the blocking keys' parts."""
    extra = f", {carry}" if carry else ""
    return f"""
WITH cleaned AS (
  SELECT unique_id, nullif(nik, '') AS nik, nullif(kk, '') AS kk, nullif(name_norm, '') AS name_norm,
         {_sql(dialect, "sorted_words", "nullif(name_norm, '')")} AS name_sorted,
         birth_date, nullif(village, '') AS village{extra}
  FROM {src}
)
SELECT *, substr(nik, 1, 12) AS nik_head, substr(nik, 7, 10) AS nik_tail, substr(name_norm, 1, 3) AS name_start,
       substr(village, 1, 6) AS kecamatan
FROM cleaned
"""


def name_frequencies_sql(src: str) -> str:
    """The register's name frequencies (`src` has name_norm), for the exact-name level: "SITI AMINAH" agreeing
    says less than a rare name. Counted once for the register (not per list: a list's own names, or a person
    listed twice, do not make a name common)."""
    return f"""
SELECT name_norm, CAST(count(*) AS DOUBLE) / nullif((SELECT count(name_norm) FROM {src}), 0) AS tf_name_norm
FROM {src} WHERE name_norm IS NOT NULL GROUP BY name_norm
"""


def _candidates_sql() -> str:
    """The residents that agree with some listed row on a blocking key: all Splink's blocking could pair, so
    handing it these instead of the whole register gives the same pairs from a fraction of the rows."""
    agrees = " OR ".join(
        f"{key[0]} IN (SELECT {key[0]} FROM recipients)"
        if len(key) == 1
        else f"EXISTS (SELECT 1 FROM recipients c WHERE {' AND '.join(f'c.{column} = r.{column}' for column in key)})"
        for key in BLOCKING_KEYS
    )
    return f"SELECT * FROM registry r WHERE {agrees}"


class Engine(Protocol):
    """Where Splink runs: tables made from polars frames and queries, read back as polars frames."""

    dialect: str

    def load(self, name: str, frame: pl.DataFrame) -> None:
        """`frame` as a table (or view) called `name`."""

    def create(self, name: str, query: str) -> None:
        """A table `name` holding the result of `query`, worked out now (read by several queries after it)."""

    def fetch(self, query: str) -> pl.DataFrame:
        """The result of `query`, read to the end."""

    def drop(self, name: str) -> None:
        """The table or view `name` gone, if there is one."""

    def api(self) -> Any:
        """A new Splink DatabaseAPI on this engine."""

    def forget_splink_tables(self) -> None:
        """Splink's working tables gone (blocked pairs, predictions), ours kept."""

    def close(self) -> None:
        """Everything this engine holds let go."""


class DuckDBEngine:
    """An in-memory DuckDB database of its own (two threads: it shares the machine with the web server)."""

    dialect = "duckdb"

    def __init__(self) -> None:
        import duckdb

        self.con = duckdb.connect()
        self.con.execute("SET threads = 2")
        self.con.execute("SET preserve_insertion_order = false")
        self._frames: set[str] = set()

    def load(self, name: str, frame: pl.DataFrame) -> None:
        self.con.register(name, frame.to_arrow())  # a view on the frame's memory, no copy
        self._frames.add(name)

    def create(self, name: str, query: str) -> None:
        self.con.execute(f"CREATE TABLE {name} AS {query}")

    def fetch(self, query: str) -> pl.DataFrame:
        # Read to the end (fetch_arrow_table): DuckDB 2 fails the next query on a half-read result.
        return pl.from_arrow(self.con.sql(query).to_arrow_table())

    def drop(self, name: str) -> None:
        if name in self._frames:
            self.con.unregister(name)
            self._frames.discard(name)
        else:
            self.con.execute(f'DROP TABLE IF EXISTS "{name}"')

    def api(self) -> Any:
        from splink import DuckDBAPI

        return DuckDBAPI(connection=self.con)

    def forget_splink_tables(self) -> None:
        for (name,) in self.con.execute(
            "SELECT table_name FROM duckdb_tables() WHERE table_name LIKE '__splink%'"
        ).fetchall():
            self.con.execute(f'DROP TABLE IF EXISTS "{name}"')

    def close(self) -> None:
        self.con.close()


def open_engine(backend: str | None = None) -> Engine:
    """A fresh engine of the backend asked for (else AID_LINKAGE_BACKEND)."""
    if backend_or_setting(backend) == "spark":
        from smartkampung.aid.linkage_spark import SparkEngine

        return SparkEngine()
    return DuckDBEngine()


def link(residue: pl.DataFrame, registry: pl.DataFrame, *, backend: str | None = None) -> pl.DataFrame:
    """The best register candidate of each residue row, as match_results.RESULT_SCHEMA rows: probable at or above
    AID_PROBABLE_THRESHOLD (and clearly ahead of the runner-up), review at or above AID_REVIEW_THRESHOLD,
    otherwise none. `backend`: duckdb or spark, by default AID_LINKAGE_BACKEND."""

    if not residue.height or not registry.height:
        return status_only(residue["row"], MatchStatus.NONE.value)
    best = _predict(residue, registry, backend_or_setting(backend))
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


# backend -> (the register frame, its engine with the register prepared)
_CACHED: dict[str, tuple[pl.DataFrame, Engine]] = {}


def _registry_engine(registry: pl.DataFrame, backend: str) -> Engine:
    """An engine with the register prepared for linkage, kept for the next list matched against the same register
    frame (lists imported together, the benchmark): preparing 1.74 M rows takes seconds."""
    cached = _CACHED.get(backend)
    if cached is not None and cached[0] is registry:
        return cached[1]
    release()
    engine = open_engine(backend)
    engine.load("registry_in", registry.select(unique_id="resident_id", **INPUT_COLUMNS))
    engine.create("registry", prepare_sql(engine.dialect, "registry_in"))
    engine.drop("registry_in")
    engine.create("registry_tf", name_frequencies_sql("registry"))
    _CACHED[backend] = (registry, engine)
    return engine


def release() -> None:
    """Let go of the prepared register (after an import that read the register for itself)."""
    for _frame, engine in _CACHED.values():
        engine.close()
    _CACHED.clear()


def _best_sql(predictions: str, names: list[str]) -> str:
    """Each list row's best candidate among Splink's predictions, with how far ahead of the runner-up it is (in
    match weight) and each field's level and weights. Plain SQL that DuckDB and Spark read alike; ties go to the
    lower resident id, so that both backends pick the same one."""
    weights = ", ".join(
        f"gamma_{n}, mw_{n}" + (f", coalesce(mw_tf_adj_{n}, 0) AS tf_{n}" if n == "name" else f", 0 AS tf_{n}")
        for n in names
    )
    columns = ", ".join(f"{kind}_{name}" for name in names for kind in ("gamma", "mw", "tf"))
    return f"""
        WITH p AS (
          SELECT CASE WHEN source_dataset_l = 'recipients' THEN unique_id_l ELSE unique_id_r END AS list_row,
                 CASE WHEN source_dataset_l = 'recipients' THEN unique_id_r ELSE unique_id_l END AS resident_id,
                 match_probability AS probability, match_weight, {weights}
          FROM {predictions}
        ), ranked AS (
          SELECT p.*, row_number() OVER w AS place, match_weight - lead(match_weight) OVER w AS margin
          FROM p WINDOW w AS (PARTITION BY list_row ORDER BY match_weight DESC, resident_id)
        )
        SELECT list_row, resident_id, probability, margin, {columns} FROM ranked WHERE place = 1
    """  # noqa: S608 - our own table and column names


def _predict(residue: pl.DataFrame, registry: pl.DataFrame, backend: str) -> pl.DataFrame:
    from splink import Linker

    engine = _registry_engine(registry, backend)
    for table in ("recipients", "candidates"):
        engine.drop(table)
    engine.load("residue_in", residue.select(
        unique_id="row", **(INPUT_COLUMNS | {"village": pl.col("village").fill_null("")}),
    ))  # fmt: skip
    engine.create("recipients", prepare_sql(engine.dialect, "residue_in"))
    engine.drop("residue_in")
    engine.create("candidates", _candidates_sql())
    names = list(M_U)
    try:
        api = engine.api()
        tables = [api.register("candidates", dataset_display_name="registry"),
                  api.register("recipients", dataset_display_name="recipients")]  # fmt: skip
        # Nearly every listed person is on the register: one true pair among the register's size.
        model = model_settings(engine.dialect, prior=min(0.5, 0.9 / registry.height))
        # log_level=None: Splink would otherwise install its own handler at INFO (our LOGGING governs it).
        linker = Linker(tables, model, log_level=None)
        linker.table_management.register_term_frequency_lookup(api.register("registry_tf"), "name_norm")
        predictions = linker.inference.predict(threshold_match_probability=settings.AID_REVIEW_THRESHOLD / 10)
        best = engine.fetch(_best_sql(predictions.physical_name, names))
        predictions.drop_table_from_database_and_remove_from_cache()
    finally:
        # Splink's working tables of this list (blocked pairs, term frequencies) go; the register stays.
        engine.forget_splink_tables()
        for table in ("recipients", "candidates"):
            engine.drop(table)
    if not best.height:
        return pl.DataFrame(schema={"row": pl.Int64, "resident_id": pl.Int64, "probability": pl.Float64,
                                    "margin": pl.Float64, "explanation": pl.String})  # fmt: skip
    return best.select(
        pl.col("list_row").cast(pl.Int64).alias("row"),
        pl.col("resident_id").cast(pl.Int64),
        pl.col("probability").cast(pl.Float64),
        pl.col("margin").cast(pl.Float64),
        explanation=explanations(best, names),
    )


def explanations(scored: pl.DataFrame, names: list[str]) -> pl.Series:
    """Each scored pair's explanation (JSON, as Recipient.explanation stores it) from its gamma_, mw_ and tf_
    columns."""
    columns = [f"{kind}_{name}" for name in names for kind in ("gamma", "mw", "tf")]
    return pl.Series(
        "explanation", [_explain(row, names) for row in scored.select(columns).iter_rows(named=True)], pl.String
    )


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
