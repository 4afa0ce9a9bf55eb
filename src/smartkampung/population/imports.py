"""File imports of the population registry: a registry file (CSV, XLSX) applied to the register in
batches, idempotently, within the uploader's jurisdiction. Reading the file is `importer`'s work, the
batch writes `bulk`'s; hand edits of single records are in `services`."""

import logging
import tempfile
from pathlib import Path
from typing import Any

from django.core.files import File
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from smartkampung.accounts.selectors import write_scope
from smartkampung.audit import services as audit
from smartkampung.population.access import RegistryForbidden, require_write, served_villages
from smartkampung.population.bulk import BatchOutcome, ResidentWrite, write_batch, write_frame
from smartkampung.population.fastcheck import CLEAN_SCHEMA, RESIDENT_COLUMNS, check_frame
from smartkampung.population.importer import (
    BATCH_SIZE,
    ImportFileError,
    detect_format,
    open_table,
    read_frame,
    row_values,
)
from smartkampung.population.models import Household, ImportJob, ImportRowIssue, Resident
from smartkampung.population.validation import HOUSEHOLD_FIELDS, check_record
from smartkampung.regions.models import Village

logger = logging.getLogger(__name__)


def start_import(
    *, user, path: Path, original_name: str, default_village: Village | None = None, enqueue: bool = True
) -> ImportJob:
    """Check an uploaded file's shape at once (so a wrong file gets its error on the spot), keep a copy
    and queue the import. Raises ImportFileError for a file that cannot be imported at all."""
    from smartkampung.population.tasks import import_registry_file

    if user is not None and write_scope(user).nothing:
        raise RegistryForbidden(_("You may not import registry files."))
    if user is not None and default_village is not None:
        require_write(user, default_village.code)
    fmt = detect_format(path, original_name)
    table = open_table(path, fmt, has_default_village=default_village is not None)
    _close(table)
    with transaction.atomic():
        job = ImportJob(
            created_by=user,
            original_name=original_name[:255],
            format=fmt,
            default_village=default_village,
            total_rows=table.total,
        )
        with open(path, "rb") as fh:
            job.file.save(Path(original_name).name or f"import.{fmt}", File(fh), save=False)
        job.save()
        if enqueue:
            # The task row is written in this same transaction: a job is never left without its task.
            import_registry_file.enqueue(job.pk)
    return job


def _close(table) -> None:
    close = getattr(table.rows, "close", None)
    if close:
        close()


def run_import(*, job_id: int) -> ImportJob:
    """Import a queued job's file. Safe to run again on the same job or the same file."""
    job = ImportJob.objects.get(pk=job_id)
    if connection.vendor == "sqlite":
        # SQLite's default 2 MB page cache thrashes once the indexes of a large register no
        # longer fit: inserts slow down a hundredfold. This connection may use 256 MB.
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA cache_size = -262144")
    ImportJob.objects.filter(pk=job.pk).update(
        status=ImportJob.Status.RUNNING,
        started_at=timezone.now(),
        processed_rows=0,
        created_count=0,
        updated_count=0,
        unchanged_count=0,
        rejected_count=0,
        flagged_count=0,
        error="",
    )
    ImportRowIssue.objects.filter(job=job).delete()
    try:
        table = open_table(Path(job.file.path), job.format, has_default_village=job.default_village_id is not None)
        _import_rows(job, table)
    except ImportFileError as exc:
        _finish(job, status=ImportJob.Status.FAILED, error=str(exc))
    except Exception:
        logger.exception("import %s failed", job.pk)
        _finish(
            job,
            status=ImportJob.Status.FAILED,
            error=_(
                "The import stopped because of an internal error. Rows already imported are kept; "
                "upload the file again to finish."
            ),
        )
        raise
    else:
        _finish(job, status=ImportJob.Status.DONE)
    job.refresh_from_db()
    return job


def _finish(job: ImportJob, *, status: str, error: str = "") -> None:
    ImportJob.objects.filter(pk=job.pk).update(status=status, error=error, finished_at=timezone.now())


class _ImportRun:
    def __init__(self, job: ImportJob):
        self.job = job
        self.served = served_villages()
        # The rows an uploader may write: an operator's own village, everything for the administrator.
        scope = write_scope(job.created_by) if job.created_by_id else None
        self.villages = self.served if scope is None else {code for code in self.served if scope.covers(code)}
        # An uploader short of the whole regency may not touch a NIK or KK registered outside their villages.
        self.restricted = scope is not None and not scope.everything
        self.seen: dict[str, int] = {}
        self.default_village = job.default_village_id
        # One "today" for the whole file: asking the clock per row costs more than the row's checks.
        self.today = timezone.localdate()

    def check(self, number: int, values: dict[str, Any]) -> tuple[ResidentWrite | None, ImportRowIssue | None]:
        record = check_record(values, today=self.today)
        village = record.village_code or self.default_village
        if not village:
            record.errors.append((_("village"), _("No village code in this row.")))
        elif village not in self.served:
            record.errors.append((_("village"), _("“%(code)s” is not a village of this regency.") % {"code": village}))
        elif village not in self.villages:
            record.errors.append(
                (_("village"), _("Village %(code)s is outside your jurisdiction.") % {"code": village})
            )
        if record.ok:
            first = self.seen.get(record.nik)
            if first is not None:
                record.errors.append(("NIK", _("This NIK is already in row %(row)d of this file.") % {"row": first}))
            else:
                self.seen[record.nik] = number
        if not record.ok:
            return None, ImportRowIssue(
                job=self.job,
                row_number=number,
                kind=ImportRowIssue.Kind.REJECTED,
                nik=str(values.get("nik") or "")[:40],
                errors=record.error_texts(),
            )
        record.resident["nik_mismatch"] = record.mismatch
        write = ResidentWrite(
            nik=record.nik,
            kk_number=record.kk_number,
            household={"village_id": village, **record.household},
            resident=record.resident,
        )
        issue = None
        if record.mismatch:
            issue = ImportRowIssue(
                job=self.job,
                row_number=number,
                kind=ImportRowIssue.Kind.FLAGGED,
                nik=record.nik,
                errors=[_("The NIK disagrees with the %(what)s.") % {"what": record.mismatch}],
            )
        return write, issue


def _import_rows(job: ImportJob, table) -> None:
    run = _ImportRun(job)
    read = read_frame(table)
    if read is not None:
        _close(table)
        _import_frame(job, run, *read, columns=table.columns)
        return
    batch: list[tuple[int, ResidentWrite]] = []
    issues: list[ImportRowIssue] = []
    processed = 0
    for number, cells in table.rows:
        write, issue = run.check(number, row_values(table.columns, cells))
        processed += 1
        if issue is not None:
            issues.append(issue)
        if write is not None:
            batch.append((number, write))
        if processed % BATCH_SIZE == 0:
            _commit_batch(job, batch, issues, processed, run=run)
            batch, issues = [], []
    _commit_batch(job, batch, issues, processed, final=True, run=run)


# Rows per transaction on the column-wise path: large enough that per-statement costs
# vanish, small enough that progress moves and a crash loses little.
FRAME_CHUNK = 100_000
# From this many rows, a file loaded into an empty registry goes in as pg_restore does.
FRESH_MIN_ROWS = 50_000


def _import_frame(job: ImportJob, run: "_ImportRun", frame, special: dict[int, list[str]], *, columns) -> None:
    """The import of a file read column-wise: fastcheck for the plain rows, check_record for the rest."""
    import polars as pl

    clean, slow = check_frame(
        frame, columns=columns, today=run.today, villages=run.villages, default_village=run.default_village
    )
    if special:
        clean = clean.filter(~pl.col("row").is_in(list(special)))
    slow_numbers = sorted(set(slow.to_list()) | set(special))
    issues: list[ImportRowIssue] = []
    checked: list[dict[str, Any]] = []
    if slow_numbers:
        rows = frame.filter(pl.col("row").is_in(slow_numbers)).sort("row")
        names = [name for name in rows.columns if name != "row"]
        for row in rows.iter_rows():
            number = row[0]
            if number in special:
                values = row_values(columns, special[number])
            else:
                values = dict(zip(names, row[1:], strict=True))
            write, issue = run.check(number, values)
            if issue is not None:
                issues.append(issue)
            if write is not None:
                checked.append(
                    {"row": number, "nik": write.nik, "kk_number": write.kk_number, **write.household, **write.resident}
                )
    if checked:
        clean = pl.concat([clean, pl.DataFrame(checked, schema=CLEAN_SCHEMA)]).sort("row")
    numbers = frame["row"]
    if _fresh_import(job, clean, numbers, issues):
        return
    now = timezone.now()
    for start in range(0, max(len(numbers), 1), FRAME_CHUNK):
        end = min(start + FRAME_CHUNK, len(numbers))
        last_row = numbers[end - 1] if end else 0
        first_row = numbers[start] if end else 0
        part = clean.filter(pl.col("row").is_between(first_row, last_row))
        part_issues = [i for i in issues if first_row <= i.row_number <= last_row]
        _commit_frame(job, part, part_issues, end, final=end == len(numbers), now=now, run=run)


def _fresh_import(job: ImportJob, clean, numbers, issues: list[ImportRowIssue]) -> bool:
    """Load into an empty registry on PostgreSQL as pg_restore does; False where that does not apply.

    The secondary indexes and foreign keys are dropped, the rows copied in and the
    indexes rebuilt (validating the foreign keys set-wise) in one transaction: building an
    index once is several times faster than growing it row by row, and nothing half-done
    is ever visible. The progress counter therefore moves only at the commit.
    """
    from smartkampung.population.bulk import detach_indexes

    if connection.vendor != "postgresql" or clean.height < FRESH_MIN_ROWS:
        return False
    household_table, resident_table = Household._meta.db_table, Resident._meta.db_table
    with transaction.atomic(), connection.cursor() as cursor:
        # Readers go on until the indexes are dropped; another writer waits.
        cursor.execute(f"LOCK TABLE {household_table}, {resident_table} IN EXCLUSIVE MODE")
        cursor.execute(
            f"SELECT EXISTS (SELECT 1 FROM {household_table}) OR EXISTS (SELECT 1 FROM {resident_table})"  # noqa: S608
        )
        if cursor.fetchone()[0]:
            return False
        restore = detach_indexes(connection, cursor, [household_table, resident_table])
        outcome = write_frame(clean, now=timezone.now(), fresh=True)
        _record(job, outcome.created, outcome.updated, outcome.unchanged, issues, len(numbers), final=True)
        _audit_import(job, outcome, created=outcome.created_keys, changes=outcome.changes)
        # Session memory for the index builds only (reset at commit); the default spills the sorts to disk.
        cursor.execute("SET LOCAL maintenance_work_mem = '256MB'")
        for sql in restore:
            cursor.execute(sql)
    return True


def _commit_frame(job, part, issues, processed: int, *, final: bool, now, run: "_ImportRun") -> None:
    try:
        with transaction.atomic():
            kept, refused = _frame_within_jurisdiction(run, part)
            outcome = write_frame(kept, now=now)
            _record(job, outcome.created, outcome.updated, outcome.unchanged, _merge(issues, refused), processed, final)
            _audit_import(job, outcome, created=outcome.created_keys, changes=outcome.changes)
        return
    except (IntegrityError, DatabaseError):
        logger.warning("import %s: chunk failed as a whole, retrying in batches", job.pk, exc_info=True)
    # A concurrent writer (or a row the database refuses): the row-wise path finds which row.
    batch = [(row.pop("row"), _write_from_clean(row)) for row in part.iter_rows(named=True)]
    _commit_batch(job, batch, issues, processed, final, run=run)


def _write_from_clean(row: dict[str, Any]) -> ResidentWrite:
    household = {"village_id": row["village_id"]}
    household.update({name: row[name] for name in HOUSEHOLD_FIELDS if row[name] is not None})
    resident = {name: row[name] for name in RESIDENT_COLUMNS if row[name] is not None}
    return ResidentWrite(nik=row["nik"], kk_number=row["kk_number"], household=household, resident=resident)


def _commit_batch(job, batch, issues, processed, final: bool = False, *, run: "_ImportRun") -> None:
    now = timezone.now()
    try:
        with transaction.atomic():
            kept, refused = _within_jurisdiction(run, batch)
            outcome = write_batch([w for _n, w in kept], now=now)
            counts = len(outcome.created), len(outcome.updated), len(outcome.unchanged)
            _record(job, *counts, _merge(issues, refused), processed, final)
            _audit_import(job, outcome, created=outcome.created, changes=_as_lists(outcome.updated))
        return
    except (IntegrityError, DatabaseError):
        logger.warning("import %s: batch failed as a whole, retrying row by row", job.pk, exc_info=True)
    # One bad row (or a concurrent writer) spoiled the batch: write row by row so the others land.
    total = BatchOutcome()
    with transaction.atomic():
        kept, refused = _within_jurisdiction(run, batch)
        issues = _merge(issues, refused)
        for number, write in kept:
            try:
                with transaction.atomic():
                    outcome = write_batch([write], now=now)
            except (IntegrityError, DatabaseError):
                logger.warning("import %s: row %s refused by the database", job.pk, number, exc_info=True)
                issues = [i for i in issues if i.row_number != number]  # a flag of the row gives way
                issues.append(
                    ImportRowIssue(
                        job=job,
                        row_number=number,
                        kind=ImportRowIssue.Kind.REJECTED,
                        nik=write.nik,
                        errors=[
                            _(
                                "The row could not be saved: its NIK or KK number was registered by someone else "
                                "while the file was being imported. Nothing of it was changed; upload the file "
                                "again to retry it."
                            )
                        ],
                    )
                )
                continue
            total.created += outcome.created
            total.updated.update(outcome.updated)
            total.unchanged += outcome.unchanged
            total.household_keys += outcome.household_keys
            total.household_changes.update(outcome.household_changes)
            total.followed.update(outcome.followed)
        _record(job, len(total.created), len(total.updated), len(total.unchanged), issues, processed, final)
        _audit_import(job, total, created=total.created, changes=_as_lists(total.updated))


def _merge(issues: list[ImportRowIssue], refused: list[ImportRowIssue]) -> list[ImportRowIssue]:
    """The batch's issues with the refusals: a refused row's earlier flag gives way to its refusal."""
    if not refused:
        return issues
    numbers = {i.row_number for i in refused}
    return [i for i in issues if i.row_number not in numbers] + refused


def _as_lists(changes: dict[str, dict[str, tuple[Any, Any]]]) -> dict[str, dict[str, list[Any]]]:
    return {nik: {f: [old, new] for f, (old, new) in diff.items()} for nik, diff in changes.items()}


# ---------------------------------------------------------------- jurisdiction

# Keys per query when looking for records outside the uploader's jurisdiction.
_LOOKUP_CHUNK = 5000


def _outside_nik_text() -> str:
    return _(
        "This NIK is registered in a village outside your jurisdiction. Nothing of that record was changed; "
        "to bring the person to your village, request a move (pindah datang)."
    )


def _outside_kk_text() -> str:
    return _(
        "This KK number is registered in a village outside your jurisdiction. Nothing of that household was "
        "changed; to bring the household to your village, request a move (pindah datang)."
    )


def _keys_outside(model, key: str, keys: list[str], villages: set[str]) -> set[str]:
    """The keys (NIK or KK numbers) among `keys` that are registered in a village not in `villages`."""
    found: set[str] = set()
    unique = sorted(set(keys))
    for start in range(0, len(unique), _LOOKUP_CHUNK):
        part = unique[start : start + _LOOKUP_CHUNK]
        found.update(
            model.objects.filter(**{f"{key}__in": part})
            .exclude(village_id__in=sorted(villages))
            .values_list(key, flat=True)
        )
    return found


def _refusals(run: "_ImportRun", rows: list[tuple[int, str, str]]) -> tuple[set[int], list[ImportRowIssue]]:
    """Rows (number, NIK, KK) whose NIK or KK is registered outside the uploader's write scope: they are
    refused whole, so an import never changes (nor reveals) a record of another jurisdiction."""
    if not run.restricted or not rows:
        return set(), []
    niks = _keys_outside(Resident, "nik", [nik for _n, nik, _kk in rows], run.villages)
    kks = _keys_outside(Household, "kk_number", [kk for _n, _nik, kk in rows], run.villages)
    refused: set[int] = set()
    issues = []
    for number, nik, kk in rows:
        errors = ([_outside_nik_text()] if nik in niks else []) + ([_outside_kk_text()] if kk in kks else [])
        if errors:
            refused.add(number)
            issues.append(
                ImportRowIssue(
                    job=run.job, row_number=number, kind=ImportRowIssue.Kind.REJECTED, nik=nik, errors=errors
                )
            )
    return refused, issues


def _within_jurisdiction(run: "_ImportRun", batch: list[tuple[int, ResidentWrite]]):
    refused, issues = _refusals(run, [(number, w.nik, w.kk_number) for number, w in batch])
    return [(number, w) for number, w in batch if number not in refused], issues


def _frame_within_jurisdiction(run: "_ImportRun", part):
    import polars as pl

    if not run.restricted or not part.height:
        return part, []
    refused, issues = _refusals(run, list(part.select("row", "nik", "kk_number").iter_rows()))
    if not refused:
        return part, []
    # A row refused here may have flagged the NIK's check earlier: the refusal is what counts.
    return part.filter(~pl.col("row").is_in(sorted(refused))), issues


# ---------------------------------------------------------------- bookkeeping


def _audit_import(job: ImportJob, outcome, *, created: list[str], changes: dict) -> None:
    """The import's writes in the audit log, in the batch's transaction: one entry naming the residents (and
    one the households) a batch added, and one per resident or household it changed, with the old and new
    values; residents who followed their household to another village are changed residents too."""
    detail = {"import": job.pk, "file": job.original_name}
    if created:
        audit.record(
            action="import", object_type="resident", object_ids=list(created), detail=detail, user=job.created_by
        )
    if outcome.household_keys:
        audit.record(
            action="import",
            object_type="household",
            object_ids=list(outcome.household_keys),
            detail=detail,
            user=job.created_by,
        )
    audit.record_changes(object_type="household", changes=outcome.household_changes, detail=detail, user=job.created_by)
    audit.record_changes(object_type="resident", changes=changes, detail=detail, user=job.created_by)
    followed = {nik: diff for nik, diff in outcome.followed.items() if nik not in changes}
    audit.record_changes(
        object_type="resident", changes=followed, detail={**detail, "followed_household": True}, user=job.created_by
    )


def _record(job, created: int, updated: int, unchanged: int, issues, processed: int, final: bool) -> None:
    """Count the batch's outcome on the job and keep its problems, the first IMPORT_MAX_STORED_PROBLEMS of the
    whole file only: a file of 100,000 bad rows is counted, not stored 100,000 times."""
    from django.conf import settings
    from django.db.models import F

    if issues:
        room = settings.IMPORT_MAX_STORED_PROBLEMS - ImportRowIssue.objects.filter(job=job).count()
        if room > 0:
            ImportRowIssue.objects.bulk_create(sorted(issues, key=lambda i: i.row_number)[:room])
    rejected = sum(1 for i in issues if i.kind == ImportRowIssue.Kind.REJECTED)
    changes = {
        "processed_rows": processed,
        "created_count": F("created_count") + created,
        "updated_count": F("updated_count") + updated,
        "unchanged_count": F("unchanged_count") + unchanged,
        "rejected_count": F("rejected_count") + rejected,
        "flagged_count": F("flagged_count") + (len(issues) - rejected),
    }
    if final:
        changes["total_rows"] = processed
    ImportJob.objects.filter(pk=job.pk).update(**changes)


def import_file_now(
    *, user, path: Path, original_name: str | None = None, default_village: Village | None = None
) -> ImportJob:
    """Queue-free import for the command line and benchmarks: the same checks and writes, run here."""
    job = start_import(
        user=user, path=path, original_name=original_name or path.name, default_village=default_village, enqueue=False
    )
    return run_import(job_id=job.pk)


def start_import_upload(*, user, upload, default_village: Village | None = None) -> ImportJob:
    """start_import for a file uploaded through the web or the API."""
    with tempfile.TemporaryDirectory() as tmp:
        path = copy_upload(upload, Path(tmp) / "upload")
        return start_import(
            user=user, path=path, original_name=upload.name or "import", default_village=default_village
        )


def copy_upload(upload, destination: Path) -> Path:
    """The upload kept on disk; ImportFileError (in words) when it is over the upload limit."""
    from smartkampung.core import spreadsheets

    try:
        return spreadsheets.save_upload(upload, destination)
    except spreadsheets.SpreadsheetError as exc:
        raise ImportFileError(str(exc)) from exc
