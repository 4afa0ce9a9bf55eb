"""Cross-checking a province's aid lists between regencies: one person listed in the current lists of two
regencies, found by NIK and by probable match through the linkage model (aid.linkage), on either backend.

The regency of a row is that of its village (the linked resident's, else the one the list gave), the first four
digits of the Kemendagri code; a row no village places is its list's regency's (an upload is matched against its
own regency's register only, so another regency's resident on it stays unplaced: exactly whom this must find). A
row with neither is left out and counted. Within one regency the conflicts of aid.conflicts already find a person
listed twice; this compares only rows of different regencies.

What a row says is taken from the register where the row is linked to a resident (the register's NIK, name,
birth date and KK: a row linked despite a wrong digit is compared with its right NIK), else as the list wrote it.
How common a name is, and how likely two rows are one person before they are compared, come from the register,
as when a list is matched to it: the lists' own rows would make a name listed twice look common.
"""

from dataclasses import dataclass, field

import polars as pl
from django.conf import settings

from smartkampung.aid import linkage
from smartkampung.aid.importer import name_key_expr
from smartkampung.aid.linkage_backend import backend_or_setting
from smartkampung.aid.matching import registry_frame
from smartkampung.aid.models import MatchStatus, Recipient

# The village says nothing here: two rows of different regencies never share one, whether or not they are the
# same person. The other fields are weighed as when a list is matched to the register.
FIELDS = ("name", "nik", "birth_date", "kk")
FOUND_BY_NIK, PROBABLE, REVIEW = "nik", "probable", "review"

_READ = {
    "id": pl.Int64, "village": pl.String, "list_regency": pl.String, "program": pl.String, "period": pl.String,
    "row_number": pl.Int64,
    "nik_given": pl.String, "kk_given": pl.String, "name_given": pl.String, "birth_given": pl.Date,
    "nik_registered": pl.String, "name_registered": pl.String, "birth_registered": pl.Date,
    "kk_registered": pl.String,
}  # fmt: skip
# One side of a pair, as the report shows it.
SIDE = ("regency", "program", "period", "row_number", "nik", "name", "village")
_PAIR_SCHEMA = {
    "first": pl.Int64, "second": pl.Int64, "found_by": pl.String, "probability": pl.Float64,
    "explanation": pl.String,
}  # fmt: skip


@dataclass
class CrossCheck:
    """What the cross-check found: rows compared per regency, rows no village placed, and the pairs (one row of
    each regency; `first` and `second` are Recipient ids, their sides in the `first_…` and `second_…` columns)."""

    backend: str
    rows_by_regency: dict[str, int] = field(default_factory=dict)
    unplaced: int = 0
    pairs: pl.DataFrame = field(default_factory=lambda: pl.DataFrame())

    def count(self, found_by: str) -> int:
        return self.pairs.filter(pl.col("found_by") == found_by).height if self.pairs.height else 0


def listed_rows() -> pl.DataFrame:
    """The rows of every current list that can be compared (not withdrawn, readable), one per Recipient, with the
    values compared (INPUT_COLUMNS: the register's where the row is linked) and the row's regency (its village's,
    else its list's; None when neither says)."""
    columns = (
        "id", "village_id", "source__regency_id", "program__code", "source__period", "row_number", "nik", "kk_number",
        "name", "birth_date",
        "resident__nik", "resident__name", "resident__birth_date", "household__kk_number",
    )  # fmt: skip
    current = Recipient.objects.filter(source__current=True, withdrawn=False).exclude(status=MatchStatus.INVALID)
    rows = current.order_by("id").values_list(*columns)
    frame = pl.DataFrame(list(rows.iterator(chunk_size=20_000)), schema=_READ, orient="row")

    def given(column: str) -> pl.Expr:
        return pl.when(pl.col(column) != "").then(pl.col(column))

    return frame.select(
        "id", "program", "period", "row_number", "village",
        regency=pl.coalesce(pl.col("village").str.slice(0, 4), "list_regency"),
        nik=pl.coalesce("nik_registered", given("nik_given")),
        kk_number=pl.coalesce("kk_registered", given("kk_given")),
        name=pl.coalesce("name_registered", "name_given"),
        birth_date=pl.coalesce("birth_registered", "birth_given"),
    ).with_columns(name_key=name_key_expr(pl.col("name")))  # fmt: skip


def cross_check(*, backend: str | None = None) -> CrossCheck:
    """Every pair of rows of two regencies that is one person: the same NIK, or (otherwise) the model's
    probability at least AID_REVIEW_THRESHOLD ("probable" from AID_PROBABLE_THRESHOLD, else "review")."""
    backend = backend_or_setting(backend)
    rows = listed_rows()
    placed = rows.filter(pl.col("regency").is_not_null())
    result = CrossCheck(
        backend=backend,
        rows_by_regency=dict(sorted(placed.group_by("regency").len().iter_rows())),
        unplaced=rows.height - placed.height,
    )
    pairs = [_same_nik(placed)]
    if len(result.rows_by_regency) > 1:
        pairs.append(_probable(placed, registry_frame().select("name_key"), backend))
    found = pl.concat(pairs, how="vertical")
    sides = placed.select(*SIDE, id="id")
    found = found.join(sides.rename(lambda c: f"first_{c}" if c != "id" else "first"), on="first").join(
        sides.rename(lambda c: f"second_{c}" if c != "id" else "second"), on="second"
    )
    # By NIK first, then the likeliest.
    by_nik, likeliest = pl.col("found_by") != FOUND_BY_NIK, pl.col("probability").fill_null(1.0)
    result.pairs = found.sort(by_nik, likeliest, "first", "second", descending=[False, True, False, False])
    return result


def _same_nik(rows: pl.DataFrame) -> pl.DataFrame:
    """One pair per NIK and two regencies that list it: the first row of each (more rows of one regency are that
    regency's own duplicates)."""
    first = (
        rows.filter(pl.col("nik").is_not_null())
        .sort("id")
        .group_by("nik", "regency", maintain_order=True)
        .agg(pl.col("id").first())
    )
    pairs = first.join(first, on="nik", suffix="_other").filter(pl.col("regency") < pl.col("regency_other"))
    return pairs.select(
        first=pl.min_horizontal("id", "id_other"),
        second=pl.max_horizontal("id", "id_other"),
        found_by=pl.lit(FOUND_BY_NIK),
        probability=pl.lit(None, pl.Float64),
        explanation=pl.lit('[{"field": "nik", "level": 0}]'),
    ).cast(_PAIR_SCHEMA)


def _probable(rows: pl.DataFrame, register_names: pl.DataFrame, backend: str) -> pl.DataFrame:
    """The pairs of rows of different regencies that the linkage model scores at AID_REVIEW_THRESHOLD or more,
    leaving out those of one NIK (found by NIK already). `register_names`: the register's name_key column."""
    from splink import Linker

    engine = linkage.open_engine(backend)
    try:
        engine.load("crosscheck_in", rows.select(unique_id="id", source_dataset="regency", **linkage.INPUT_COLUMNS))
        engine.create("crosscheck_rows", linkage.prepare_sql(engine.dialect, "crosscheck_in", carry="source_dataset"))
        engine.drop("crosscheck_in")
        api = engine.api()
        # One table whose source_dataset is the regency: Splink's link_only pairs rows of different source
        # datasets only. The prior is the list-to-register one (a row is one of the register's people): two
        # random rows of different regencies are one person about as often as a row and a random resident.
        population = max(rows.height, register_names.height)
        model = linkage.model_settings(engine.dialect, prior=min(0.5, 0.9 / population), fields=FIELDS)
        linker = Linker([api.register("crosscheck_rows")], model, log_level=None)
        if register_names.height:
            engine.load("register_names", register_names.select(name_norm="name_key"))
            engine.create("register_tf", linkage.name_frequencies_sql("register_names"))
            engine.drop("register_names")
            linker.table_management.register_term_frequency_lookup(api.register("register_tf"), "name_norm")
        predictions = linker.inference.predict(threshold_match_probability=settings.AID_REVIEW_THRESHOLD)
        weights = ", ".join(
            f"gamma_{n}, mw_{n}" + (f", coalesce(mw_tf_adj_{n}, 0) AS tf_{n}" if n == "name" else f", 0 AS tf_{n}")
            for n in FIELDS
        )
        scored = engine.fetch(
            f"SELECT unique_id_l AS a, unique_id_r AS b, match_probability AS probability, {weights} "  # noqa: S608
            f"FROM {predictions.physical_name} WHERE nik_l IS NULL OR nik_r IS NULL OR nik_l <> nik_r"
        )
    finally:
        engine.close()
    if not scored.height:
        return pl.DataFrame(schema=_PAIR_SCHEMA)
    return scored.select(
        first=pl.min_horizontal("a", "b").cast(pl.Int64),
        second=pl.max_horizontal("a", "b").cast(pl.Int64),
        found_by=pl.when(pl.col("probability") >= settings.AID_PROBABLE_THRESHOLD)
        .then(pl.lit(PROBABLE))
        .otherwise(pl.lit(REVIEW)),
        probability=pl.col("probability").cast(pl.Float64),
        explanation=linkage.explanations(scored, list(FIELDS)),
    ).cast(_PAIR_SCHEMA)
