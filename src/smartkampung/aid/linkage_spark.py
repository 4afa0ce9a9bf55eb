"""Splink on Spark (AID_LINKAGE_BACKEND=spark): aid.linkage's model, run by Splink's SparkAPI in Spark's local
mode, for registers and lists larger than one DuckDB process is comfortable with.

Optional: pyspark is the `spark` extra (`pip install -e '.[spark]'`; the tested version is pinned in
requirements-dev.lock) and Spark needs Java 17 or newer (`scripts/spark-deps.sh` installs Debian's). Without
either, asking for this backend is refused in words (linkage_backend.BackendUnavailable), never an ImportError.

One Spark session serves the process: the JVM takes seconds to start, so it is started on first use and kept.
A process that started a session of its own before (a cluster's, through spark-submit) has that one used as it
is; it must then carry Splink's jar (splink.backends.spark.similarity_jar_location) in spark.jars.
"""

import importlib.util
import logging
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

import polars as pl

from smartkampung.aid.linkage_backend import BackendUnavailable

# What to install, said once for every refusal.
INSTALL = (
    "install the spark extra (pip install -e '.[spark]', or the pyspark version pinned in requirements-dev.lock) "
    "and Java 17 or newer (scripts/spark-deps.sh installs Debian's openjdk-17-jre-headless)"
)
# The similarity functions Splink's comparisons call on Spark, from the jar Splink ships.
_JAR_FUNCTIONS = ("jaro_winkler", "damerau_levenshtein")

_SESSION: dict[str, Any] = {}


def java() -> str | None:
    """The java command Spark will start (JAVA_HOME's, else the PATH's), or None."""
    home = os.environ.get("JAVA_HOME")
    if home and (Path(home) / "bin" / "java").is_file():
        return str(Path(home) / "bin" / "java")
    return shutil.which("java")


def missing() -> str | None:
    """Why the Spark backend cannot run on this machine, in words; None when it can (pyspark and java are there)."""
    if importlib.util.find_spec("pyspark") is None:
        return f"AID_LINKAGE_BACKEND=spark needs pyspark, which is not installed: {INSTALL}."
    if java() is None:
        return f"AID_LINKAGE_BACKEND=spark needs Java, and no java command was found (JAVA_HOME or PATH): {INSTALL}."
    return None


def start_local(
    work_dir: Path | None = None,
    *,
    threads: int | None = None,
    memory: str = "4g",
    shuffle_partitions: int | None = None,
    java_options: str = "",
    conf: dict[str, str] | None = None,
) -> Any:
    """Start Spark in local mode (one JVM on this machine, `threads` worker threads, all cores by default) and
    keep it for this process. Everything it writes stays under `work_dir` (a new temporary folder by default)
    and it listens on 127.0.0.1 only, on ports the system picks, with no web UI: two processes on one machine
    (the SQLite and PostgreSQL test runs side by side) never share a folder or a port. `java_options` go to the
    JVM, `conf` to Spark (settings for a short run, such as the tests')."""
    problem = missing()
    if problem:
        raise BackendUnavailable(problem)
    from pyspark.sql import SparkSession
    from splink.backends.spark import similarity_jar_location

    work = Path(work_dir) if work_dir is not None else Path(tempfile.mkdtemp(prefix="smartkampung-spark-"))
    threads = threads or os.cpu_count() or 2
    (work / "tmp").mkdir(parents=True, exist_ok=True)
    builder = (
        SparkSession.builder.master(f"local[{threads}]")
        .appName("smartkampung-aid-linkage")
        .config("spark.jars", similarity_jar_location())
        .config("spark.driver.host", "127.0.0.1")
        .config("spark.driver.bindAddress", "127.0.0.1")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.driver.memory", memory)
        .config("spark.local.dir", str(work / "local"))
        .config("spark.sql.warehouse.dir", str(work / "warehouse"))
        .config("spark.driver.extraJavaOptions", f"-Djava.io.tmpdir={work / 'tmp'} {java_options}".strip())
        # Spark's default of 200 shuffle partitions is for a cluster; on a few local threads each is overhead.
        .config("spark.sql.shuffle.partitions", str(shuffle_partitions or 2 * threads))
    )
    for key, value in (conf or {}).items():
        builder = builder.config(key, value)
    try:
        spark = builder.getOrCreate()
    except Exception as exc:  # the JVM did not start (a Java too old, no memory): say so, with Spark's words
        raise BackendUnavailable(f"Spark did not start ({exc}). The Spark backend needs: {INSTALL}.") from exc
    spark.sparkContext.setLogLevel("ERROR")  # its warnings would bury the command's own output
    # py4j says at INFO every connection it closes, down to the interpreter's exit (when the streams are gone).
    logging.getLogger("py4j").setLevel(logging.WARNING)
    _SESSION.update(spark=spark, work=work)
    return spark


def session() -> Any:
    """The process's Spark session: the one started here, else one the process already has, else a new local one."""
    spark = _SESSION.get("spark")
    if spark is not None and spark.sparkContext._jsc is not None:
        return spark
    problem = missing()
    if problem:
        raise BackendUnavailable(problem)
    from pyspark.sql import SparkSession

    spark = SparkSession.getActiveSession()
    if spark is not None:
        _SESSION.update(spark=spark, work=None)
        return spark
    return start_local()


def stop() -> None:
    """Stop the session this module started (the tests' end; a server keeps it until it exits). Let go of the
    register prepared on it first (aid.linkage.release)."""
    spark, work = _SESSION.pop("spark", None), _SESSION.pop("work", None)
    if spark is not None and work is not None:
        spark.stop()


class SparkEngine:
    """linkage.Engine on the process's Spark session: tables are temporary views, those read more than once are
    persisted (memory, then disk) and let go when dropped."""

    dialect = "spark"

    def __init__(self) -> None:
        self.spark = session()
        self._persisted: dict[str, Any] = {}

    def load(self, name: str, frame: pl.DataFrame) -> None:
        self.spark.createDataFrame(frame.to_arrow()).createOrReplaceTempView(name)

    def create(self, name: str, query: str) -> None:
        from pyspark import StorageLevel

        table = self.spark.sql(query).persist(StorageLevel.MEMORY_AND_DISK)
        table.count()  # worked out now, while the views it reads are there
        table.createOrReplaceTempView(name)
        self._persisted[name] = table

    def fetch(self, query: str) -> pl.DataFrame:
        return pl.from_arrow(self.spark.sql(query).toArrow())

    def drop(self, name: str) -> None:
        table = self._persisted.pop(name, None)
        if table is not None:
            table.unpersist()
        self.spark.catalog.dropTempView(name)

    def api(self) -> Any:
        from splink import SparkAPI

        # "persist" keeps Splink's intermediate tables in this JVM's memory (spilling to spark.local.dir), where its
        # default writes each to parquet in a checkpoint folder and reads it back: one machine has no cluster
        # storage to keep them in.
        api = SparkAPI(spark_session=self.spark, break_lineage_method="persist")
        absent = [name for name in _JAR_FUNCTIONS if not self.spark.catalog.functionExists(name)]
        if absent:
            raise BackendUnavailable(
                f"The Spark session lacks Splink's similarity functions ({', '.join(absent)}): start it with Splink's "
                "jar in spark.jars (splink.backends.spark.similarity_jar_location())."
            )
        return api

    def forget_splink_tables(self) -> None:
        # Dropping a view also lets go of what Splink persisted for it.
        for table in self.spark.catalog.listTables():
            if table.isTemporary and table.name.startswith("__splink"):
                self.spark.catalog.dropTempView(table.name)

    def close(self) -> None:
        self.forget_splink_tables()
        for name in list(self._persisted):
            self.drop(name)
