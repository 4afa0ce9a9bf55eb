"""Splink on Spark (AID_LINKAGE_BACKEND=spark) links a list to the register as Splink on DuckDB does: the same
rows linked to the same residents with the same status, the same levels seen, the same probabilities (to
rounding). The lists are the demonstration's dirty ones plus rows made to land in every comparison level, so
that each level's Spark SQL is checked against its DuckDB SQL, not only the easy ones.

Spark runs in local mode, one session for the module (its JVM takes seconds to start), under the test's own
temporary folder and on ports the system picks, so the SQLite and PostgreSQL runs of CI never clash.
"""

import datetime as dt
import json
import sys

import polars as pl
import pytest
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.db import connection
from django.utils import translation

from smartkampung.aid import linkage, linkage_spark
from smartkampung.aid.crosscheck import cross_check
from smartkampung.aid.importer import name_key_expr
from smartkampung.aid.linkage_backend import BackendUnavailable
from smartkampung.aid.matching import registry_frame
from smartkampung.aid.models import RecipientList
from smartkampung.aid.services import import_list_now
from smartkampung.aid.synthetic import make_lists
from smartkampung.aid.tests.fixtures import list_file, listed, two_regencies
from smartkampung.population.models import Resident

# Absolute: both backends add the same logarithms (perhaps in another order), so only rounding may differ.
TOLERANCE = 1e-9


@pytest.fixture(scope="module")
def spark(tmp_path_factory):
    problem = linkage_spark.missing()
    if problem:
        pytest.skip(problem)
    # The linkage reads the register from a frame, whatever database it came from; the PostgreSQL run would
    # start a second JVM beside SQLite's on CI's two cores to check the same thing again.
    if connection.vendor == "postgresql":
        pytest.skip("Spark's linkage does not depend on the database: checked in the SQLite run only.")
    session = linkage_spark.start_local(
        tmp_path_factory.mktemp("spark"), threads=2, memory="1g", shuffle_partitions=2,
        # For a run of seconds on tiny data: the JVM's first compiler only (its optimising one would take the
        # cores for code run a few times; 11 s instead of 26 s for the first list here), and no adaptive query
        # planning (its extra planning rounds cost more than they save on a few hundred rows).
        java_options="-XX:TieredStopAtLevel=1", conf={"spark.sql.adaptive.enabled": "false"},
    )  # fmt: skip
    yield session
    linkage.release()
    linkage_spark.stop()


def _swap(text: str, at: int) -> str:
    return text[:at] + text[at + 1] + text[at] + text[at + 2 :]


def _digit(text: str, at: int) -> str:
    return text[:at] + str((int(text[at]) + 3) % 10) + text[at + 1 :]


def _year_digit(born: dt.date) -> dt.date:
    """The same day a year later (earlier in a year ending in 9): one digit different."""
    year = born.year + 1 if born.year % 10 != 9 else born.year - 1
    return born.replace(year=year, day=min(born.day, 28) if born.month == 2 else born.day)


def _rows(registry: pl.DataFrame) -> pl.DataFrame:
    """The import's row frame (row, nik, kk_number, name_key, birth_date, village, …) for the demonstration's
    lists of this register, and after them rows written to fall in each level of each comparison."""
    lists = pl.concat(list(make_lists(registry, seed=5).values()))
    people = registry.filter(pl.col("birth_date").is_not_null() & pl.col("name").str.contains(" "))
    people = people.sort("resident_id").head(44).rows(named=True)
    made = []
    for i, p in enumerate(people):
        nik, born, name = p["nik"], p["birth_date"], p["name"]
        words = name.split()
        variant = [
            {"NIK": _digit(nik, 9)},  # nik 1: one digit wrong, the serial kept
            {"NIK": _swap(nik, 8)},  # nik 2: two digits swapped, the serial kept
            {"NIK": _digit(nik, 14)},  # nik 3: one digit wrong in the serial
            {"NIK": nik[:6] + "999999" + nik[12:]},  # nik 4: the same kecamatan only
            {"NIK": "", "NAMA": " ".join(reversed(words))},  # name 1: the words in another order
            {"NIK": "", "NAMA": name[:-1] + ("A" if name[-1] != "A" else "E")},  # name 2: very similar
            {"NIK": "", "NAMA": " ".join([*words[1:], words[0][:-1] + "X"])},  # name 3: as 2, in another order
            {"NIK": "", "NAMA": " ".join([*words[:-1], words[-1][:2] + "XX"])},  # name 4: similar
            {"NIK": "", "TGL_LAHIR": _year_digit(born).strftime("%d-%m-%Y")},  # birth 1: one digit different
            {"NIK": "", "TGL_LAHIR": (born + dt.timedelta(days=200)).strftime("%d-%m-%Y")},  # birth 2: within a year
            {"NIK": "", "NO_KK": "", "KODE_DESA": p["village"][:6] + "9999"},  # village 1: the same kecamatan
        ][i % 11]
        row = {
            "NIK": nik, "NO_KK": p["kk_number"], "NAMA": name, "TGL_LAHIR": born.strftime("%d-%m-%Y"), "ALAMAT": "",
            "KODE_DESA": p["village"], "_truth": p["resident_id"],
        }  # fmt: skip
        made.append(row | variant)
    nobody = {"NIK": "", "NO_KK": "", "NAMA": "ORANG LUAR DAERAH", "TGL_LAHIR": "01-01-1960", "ALAMAT": "",
              "KODE_DESA": people[0]["village"], "_truth": None}  # fmt: skip
    written = pl.concat([lists, pl.DataFrame([*made, nobody], schema=lists.schema)])
    return written.with_row_index("row", offset=2).select(
        pl.col("row").cast(pl.Int64),
        nik="NIK",
        kk_number="NO_KK",
        name="NAMA",
        name_key=name_key_expr(pl.col("NAMA")),
        birth_date=pl.col("TGL_LAHIR").str.to_date("%d-%m-%Y", strict=False),
        village=pl.col("KODE_DESA"),
        fingerprint=pl.col("row").cast(pl.String),
        readable=pl.lit(True),
    )


def _same(duck: pl.DataFrame, spark: pl.DataFrame) -> None:
    """The two results agree row for row: status, link, candidate; probabilities to TOLERANCE; explanations with
    the same levels and weights."""
    assert duck.height == spark.height
    both = duck.join(spark, on="row", suffix="_spark")
    assert both.height == duck.height
    for column in ("status", "resident_id", "candidate_id"):
        differ = both.filter(pl.col(column).ne_missing(pl.col(f"{column}_spark")))
        assert not differ.height, f"{column} differs:\n{differ}"
    probabilities = both.filter(pl.col("probability").is_not_null())
    assert probabilities["probability_spark"].is_not_null().all()
    assert (probabilities["probability"] - probabilities["probability_spark"]).abs().max() < TOLERANCE
    for ours, theirs in zip(both["explanation"], both["explanation_spark"], strict=True):
        ours, theirs = json.loads(ours), json.loads(theirs)
        assert [{k: v for k, v in p.items() if k != "weight"} for p in ours] == [
            {k: v for k, v in p.items() if k != "weight"} for p in theirs
        ]
        assert [p.get("weight", 0) for p in ours] == pytest.approx([p.get("weight", 0) for p in theirs], rel=1e-6)


def _levels(result: pl.DataFrame) -> set[tuple[str, object]]:
    return {(p["field"], p["level"]) for text in result["explanation"] for p in json.loads(text)}


@pytest.mark.django_db
def test_spark_links_every_row_as_duckdb_does(spark, register, settings):
    registry = registry_frame()
    rows = _rows(registry)
    duck = linkage.link(rows, registry, backend="duckdb")
    settings.AID_LINKAGE_BACKEND = "spark"  # as a deployment chooses it
    on_spark = linkage.link(rows, registry)
    _same(duck, on_spark)
    # Every level of every comparison was reached by some row's best pair, so each was compared on both.
    levels = _levels(duck)
    for field, (m, _u) in linkage.M_U.items():
        for level in range(len(m) - 1):  # the last ("different") level need not win a best pair
            assert (field, level) in levels, f"no row reached {field} level {level}"
    assert set(duck["status"]) >= {"probable", "review", "none"}


@pytest.mark.django_db
def test_the_cross_check_between_regencies_finds_the_same_pairs_on_spark(spark, register, programs, tmp_path):
    two_regencies(tmp_path)
    duck = cross_check(backend="duckdb")
    on_spark = cross_check(backend="spark")
    assert on_spark.rows_by_regency == duck.rows_by_regency and on_spark.unplaced == duck.unplaced
    assert set(duck.pairs["found_by"]) == {"nik", "probable"}
    columns = ["first", "second", "found_by", "explanation"]
    assert on_spark.pairs.select(columns).rows() == duck.pairs.select(columns).rows()
    assert (duck.pairs["probability"] - on_spark.pairs["probability"]).abs().max() < TOLERANCE


@pytest.mark.django_db
def test_an_unknown_backend_is_refused_in_words(settings, register, programs, tmp_path, caplog):
    settings.AID_LINKAGE_BACKEND = "hadoop"
    with pytest.raises(BackendUnavailable, match="'hadoop' is not a linkage backend: use one of duckdb, spark"):
        linkage.open_engine()
    with pytest.raises(SystemCheckError, match="not a linkage backend"):
        call_command("check")
    # A list whose rows need the model fails, and the log says why in words (no traceback).
    person = Resident.objects.select_related("household").order_by("id").first()
    path = tmp_path / "PKH-2020-05.csv"
    path.write_bytes(list_file([listed(person, NIK="")]).getvalue())
    with translation.override("en"):
        job = import_list_now(user=None, program=programs["PKH"], period="2020-05", path=path)
    assert job.status == RecipientList.Status.FAILED and f"tell the administrator (list {job.pk})" in job.error
    failure = next(r for r in caplog.records if r.name == "smartkampung.aid.services.lists")
    assert "AID_LINKAGE_BACKEND='hadoop' is not a linkage backend" in failure.getMessage() and not failure.exc_info


def test_spark_without_pyspark_or_java_is_refused_in_words(settings, monkeypatch, tmp_path):
    settings.AID_LINKAGE_BACKEND = "spark"
    with monkeypatch.context() as without_pyspark:
        without_pyspark.setitem(sys.modules, "pyspark", None)  # as if not installed
        with pytest.raises(BackendUnavailable, match=r"needs pyspark.*pip install -e '\.\[spark\]'"):
            linkage_spark.start_local(tmp_path)
        with pytest.raises(SystemCheckError, match="needs pyspark"):
            call_command("check")
    monkeypatch.delenv("JAVA_HOME", raising=False)
    monkeypatch.setenv("PATH", str(tmp_path))  # no java on it
    problem = linkage_spark.missing()
    if problem and "pyspark" in problem:  # a machine without the extra: said above already
        return
    assert problem is not None and "needs Java" in problem and "scripts/spark-deps.sh" in problem
    with pytest.raises(BackendUnavailable, match="needs Java"):
        linkage_spark.start_local(tmp_path)
    with pytest.raises(SystemCheckError, match="needs Java"):
        call_command("check")
