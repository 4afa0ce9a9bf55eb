"""`smartkampung bench aid`: recipient lists at a regency's scale, imported, matched and checked.

Fills a scratch database to `--residents` (the population benchmark's import), writes the 2020 programs'
lists from the register as published lists go wrong (aid.synthetic: ≥ 600,000 rows at 1.74 M residents, with
the truth kept aside), then imports every list through the import service (read, exact NIK pass, Splink on
the residue, rows stored, conflicts compared and raised) and measures:
- import_and_match_s: all lists, end to end, the register read once;
- exact_matched, probable_matched, review: rows by outcome;
- precision and recall of the row-to-resident links against the generator's truth (wrong_links: how many);
- conflicts_found and conflicts_expected: the conflicts in the lists by the system's links, and those the
  truth holds (every expected one must be found: conflicts_missed = 0); conflicts_missed_among_linked: those
  missed although every row involved was linked (a row waiting in review is seen once decided);
  conflicts_extra_from_wrong_links: found conflicts the truth lacks that involve a wrongly linked row;
- peak_rss_mb: the process's peak memory.
`--backend duckdb|spark` (default AID_LINKAGE_BACKEND) chooses where Splink runs; the result names it
(`linkage_backend`). On Spark the session is started before the clock (`spark_start_s`: a server starts it once,
on its first list), in local mode on all cores; peak_rss_mb is then this Python process's, without the JVM's.
Earlier aid data in the database is removed first. Run it against a scratch PostgreSQL database.
"""

import resource
import tempfile
import time
from pathlib import Path

import polars as pl
from django.conf import settings
from django.core.management.base import CommandError
from django.db import connection
from django.db.models import Count
from django.test import override_settings

from smartkampung.aid.conflicts import find_conflicts, rules_now
from smartkampung.aid.demo import seed_programs
from smartkampung.aid.linkage_backend import BackendUnavailable, backend_or_setting
from smartkampung.aid.matching import registry_frame
from smartkampung.aid.models import AidReport, Conflict, MatchDecision, Program, Recipient, RecipientList
from smartkampung.aid.notification_kinds import AID_CONFLICT
from smartkampung.aid.services import import_list_now
from smartkampung.aid.synthetic import make_lists, write_csv
from smartkampung.bench.population import _bench_user, _fill, _log
from smartkampung.notifications.models import Notification

PERIOD = "2020-05"


def _clear() -> None:
    """Earlier runs' aid data out (TRUNCATE: deleting 700,000 rows through the ORM takes minutes)."""
    tables = [m._meta.db_table for m in (Conflict, Recipient, MatchDecision, RecipientList)]
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            # CASCADE: whatever else points at the listed rows (a citizen's report naming an enrolment) goes too;
            # this is a scratch database.
            cursor.execute(f"TRUNCATE {', '.join(tables)} CASCADE")
    else:
        for model in (AidReport, Conflict, Recipient, MatchDecision, RecipientList):
            model.objects.all()._raw_delete(model.objects.db)
    Notification.objects.filter(kind=AID_CONFLICT).delete()


def _expected_conflicts(lists: dict[str, pl.DataFrame], registry: pl.DataFrame, programs: dict[str, int]) -> set[str]:
    """The conflicts the truth holds: the rows' true residents run through the same rules."""
    people = registry.select(
        pl.col("resident_id").alias("resident"), pl.col("household_id").alias("household"), "village", "status"
    )
    frames = []
    for code, frame in lists.items():
        frames.append(
            frame.select(pl.col("_truth").alias("resident")).with_columns(program=pl.lit(programs[code], pl.Int64))
        )
    listed = pl.concat(frames).join(people, on="resident").with_row_index("id", offset=1)
    listed = listed.with_columns(pl.col("id").cast(pl.Int64))
    return set(
        find_conflicts(listed.select("id", "program", "resident", "household", "village", "status"), rules_now())
    )


def _links(lists: dict[str, pl.DataFrame]) -> pl.DataFrame:
    """Every stored row of the current lists (code, row_number, id, resident_id) with its true resident."""
    got = pl.DataFrame(
        list(
            Recipient.objects.filter(source__current=True).values_list(
                "program__code", "row_number", "id", "resident_id"
            )
        ),
        schema={"code": pl.String, "row_number": pl.Int64, "id": pl.Int64, "resident_id": pl.Int64},
        orient="row",
    )
    truth = pl.concat(
        [
            frame.select(
                code=pl.lit(code), row_number=pl.int_range(2, frame.height + 2, dtype=pl.Int64), _truth="_truth"
            )
            for code, frame in lists.items()
        ]
    )
    return got.join(truth, on=["code", "row_number"])


def _start(backend: str | None, result: dict) -> None:
    """Check the backend can run (in words, before minutes of filling), and start Spark's session outside the
    clock."""
    try:
        result["linkage_backend"] = backend_or_setting(backend)
        if result["linkage_backend"] == "spark":
            from smartkampung.aid import linkage_spark

            started = time.perf_counter()
            linkage_spark.session()
            result["spark_start_s"] = round(time.perf_counter() - started, 1)
    except BackendUnavailable as exc:
        raise CommandError(str(exc)) from exc


def run(*, residents: int, seed: int, backend: str | None = None) -> dict:
    result: dict = {"benchmark": "aid"}
    _start(backend, result)
    user = _bench_user()
    _fill(user, residents, seed, result)
    seed_programs()
    _clear()
    programs = dict(Program.objects.values_list("code", "pk"))
    _log("writing the lists ...")
    registry = registry_frame()
    lists = make_lists(registry, seed=seed)
    result["residents"] = registry.height
    result["recipient_rows"] = sum(frame.height for frame in lists.values())
    with tempfile.TemporaryDirectory() as tmp:
        paths = {}
        for code, frame in lists.items():
            paths[code] = Path(tmp) / f"{code}-{PERIOD}.csv"
            write_csv(frame, paths[code])
        del registry
        _log(f"importing {result['recipient_rows']:,} rows in {len(paths)} lists ...")
        started = time.perf_counter()
        registry = registry_frame()
        result["register_read_s"] = round(time.perf_counter() - started, 1)
        for code, path in paths.items():
            begun = time.perf_counter()
            with override_settings(AID_LINKAGE_BACKEND=result["linkage_backend"]):
                job = import_list_now(
                    user=user, program=Program.objects.get(code=code), period=PERIOD, path=path, registry=registry,
                    regency=settings.SMARTKAMPUNG_REGENCY,
                )  # fmt: skip
            _log(f"  {code}: {job.total_rows:,} rows in {time.perf_counter() - begun:.1f} s {job.counts}")
        result["import_and_match_s"] = round(time.perf_counter() - started, 1)
    counts = dict.fromkeys(("exact", "probable", "review", "none", "invalid"), 0)
    counts |= dict(Recipient.objects.order_by().values_list("status").annotate(n=Count("id")))
    result.update(
        exact_matched=counts["exact"], probable_matched=counts["probable"], review=counts["review"],
        not_matched=counts["none"], invalid=counts["invalid"],
    )  # fmt: skip
    links = _links(lists)
    linked = links.filter(pl.col("resident_id").is_not_null())
    wrong = linked.filter(pl.col("resident_id") != pl.col("_truth"))
    result["precision"] = round(1 - wrong.height / linked.height, 4) if linked.height else None
    result["recall"] = round((linked.height - wrong.height) / result["recipient_rows"], 4)
    result["wrong_links"] = wrong.height
    expected = _expected_conflicts(lists, registry, programs)
    # The truth's conflicts among the rows the system linked (rightly or not): a conflict with a row in review
    # or unmatched shows once a reviewer decides, so a miss here is one the comparison itself let through.
    linked_rows = {
        code: frame.with_columns(row_number=pl.int_range(2, frame.height + 2)).join(
            linked.filter(pl.col("code") == code).select("row_number"), on="row_number", how="semi"
        )
        for code, frame in lists.items()
    }
    expected_linked = _expected_conflicts(linked_rows, registry, programs)
    found = {
        key: {first, second}
        for key, first, second in Conflict.objects.filter(status=Conflict.Status.OPEN).values_list(
            "key", "first_id", "second_id"
        )
    }
    wrong_ids = set(wrong["id"])
    extra = [key for key in found if key not in expected]
    result.update(
        conflicts_found=len(found), conflicts_expected=len(expected), conflicts_missed=len(expected - set(found)),
        conflicts_missed_among_linked=len(expected_linked - set(found)), conflicts_extra=len(extra),
        conflicts_extra_from_wrong_links=sum(1 for key in extra if found[key] & wrong_ids),
    )  # fmt: skip
    result["citizen_check_p99_ms"] = _citizen_check(registry, samples=2000, seed=seed)
    result["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
    return result


def _citizen_check(registry: pl.DataFrame, *, samples: int, seed: int) -> float:
    """The citizens' check (selector and masking, as the page and the API run it) for random residents."""
    import random

    from smartkampung.aid.selectors import aid_listings_for
    from smartkampung.bench.population import _percentile
    from smartkampung.population.public_api import mask_name

    people = registry.select("nik", "kk_number").sample(n=min(samples, registry.height), seed=seed).rows()
    random.Random(seed).shuffle(people)  # noqa: S311
    times = []
    for nik, kk in people:
        started = time.perf_counter()
        resident, listed = aid_listings_for(nik=nik, kk_number=kk)
        [mask_name(member.name) for _program, _period, member, _you in listed]
        times.append((time.perf_counter() - started) * 1000)
    return round(_percentile(times, 99), 2)
