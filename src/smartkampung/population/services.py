"""Writes to the population registry. Each function owns its transaction."""

import logging
import shutil
import tempfile
from pathlib import Path
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.files import File
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from smartkampung.accounts.selectors import write_scope
from smartkampung.audit import services as audit
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
from smartkampung.population.validation import HOUSEHOLD_FIELDS, CheckedRecord, check_record
from smartkampung.regions.models import Village

logger = logging.getLogger(__name__)


class RegistryForbidden(PermissionDenied):
    """The user may not write there (outside their jurisdiction, or a read-only role)."""


def _require_write(user, village_code: str) -> None:
    if user is None:  # the command line and the system itself
        return
    if not write_scope(user).covers(village_code):
        raise RegistryForbidden(_("You may not change the register of this village."))


class RegistryError(Exception):
    """A write was refused; `errors` are (field label, message) pairs in the user's language."""

    def __init__(self, errors: list[tuple[str, str]]):
        super().__init__("; ".join(f"{label}: {message}" for label, message in errors))
        self.errors = errors


def _served_villages() -> set[str]:
    from django.conf import settings

    return set(
        Village.objects.filter(district__regency_id=settings.SMARTKAMPUNG_REGENCY).values_list("code", flat=True)
    )


# ---------------------------------------------------------------- single records


@transaction.atomic
def create_household(*, user, values: dict[str, Any]) -> Household:
    record = check_record({"kk_number": values.get("kk_number"), **_household_part(values)}, partial=True)
    if "kk_number" not in values:
        record.errors.append((_("KK number"), _("This field is required.")))
    village_code = _check_village(record, values.get("village_code"))
    if village_code:
        _require_write(user, village_code)
    if record.errors:
        raise RegistryError(record.errors)
    if Household.objects.filter(kk_number=record.kk_number).exists():
        raise RegistryError([(_("KK number"), _("A household with this KK number is already registered."))])
    try:
        with transaction.atomic():
            household = Household.objects.create(
                kk_number=record.kk_number, village_id=village_code, **record.household
            )
    except IntegrityError as exc:  # a concurrent create of the same KK
        raise RegistryError([(_("KK number"), _("A household with this KK number is already registered."))]) from exc
    audit.record(
        action="create",
        object_type="household",
        subject=household.kk_number,
        user=user,
        changes=audit.diff({}, {"village": village_code, **record.household}),
    )
    return household


@transaction.atomic
def update_household(*, user, household: Household, values: dict[str, Any]) -> Household:
    household = Household.objects.select_for_update().get(pk=household.pk)
    _require_write(user, household.village_id)
    record = check_record(_household_part(values), partial=True)
    village_code = _check_village(record, values.get("village_code")) if values.get("village_code") else None
    if village_code:
        _require_write(user, village_code)
    if record.errors:
        raise RegistryError(record.errors)
    changed = [name for name, value in record.household.items() if getattr(household, name) != value]
    changes = {name: [getattr(household, name), record.household[name]] for name in changed}
    for name in changed:
        setattr(household, name, record.household[name])
    if village_code and village_code != household.village_id:
        changes["village"] = [household.village_id, village_code]
        household.village_id = village_code
        changed.append("village")
        # Residents carry their household's village; keep them in step in the same transaction.
        household.members.update(village_id=village_code, updated_at=timezone.now())
    if changed:
        household.save(update_fields=[*changed, "updated_at"])
        audit.record(action="update", object_type="household", subject=household.kk_number, user=user, changes=changes)
    return household


@transaction.atomic
def create_resident(*, user, values: dict[str, Any]) -> Resident:
    record = check_record(values)
    household = _household_for(record, user)
    if household is not None:
        _require_write(user, household.village_id)
    if record.errors:
        raise RegistryError(record.errors)
    if Resident.objects.filter(nik=record.nik).exists():
        raise RegistryError(
            [
                (
                    "NIK",
                    _(
                        "This NIK is already registered (perhaps in another village): "
                        "a person is moved, not registered twice."
                    ),
                )
            ]
        )
    try:
        with transaction.atomic():
            resident = Resident.objects.create(
                nik=record.nik,
                household=household,
                village_id=household.village_id,
                nik_mismatch=record.mismatch,
                **record.resident,
            )
        audit.record(
            action="create",
            object_type="resident",
            subject=resident.nik,
            user=user,
            changes=audit.diff({}, {"household": household.kk_number, **record.resident}),
        )
        return resident
    except IntegrityError as exc:  # a concurrent create of the same NIK
        raise RegistryError(
            [
                (
                    "NIK",
                    _(
                        "This NIK is already registered (perhaps in another village): "
                        "a person is moved, not registered twice."
                    ),
                )
            ]
        ) from exc


@transaction.atomic
def update_resident(*, user, resident: Resident, values: dict[str, Any]) -> Resident:
    resident = Resident.objects.select_for_update().get(pk=resident.pk)
    _require_write(user, resident.village_id)
    if "nik" in values and values["nik"] != resident.nik:
        raise RegistryError(
            [
                (
                    "NIK",
                    _(
                        "The NIK of a registered resident cannot be changed; register the person "
                        "under the correct NIK and mark this record as moved away."
                    ),
                )
            ]
        )
    values = {k: v for k, v in values.items() if k != "nik"}
    record = check_record(values, partial=True)
    household = _household_for(record, user) if "kk_number" in values else resident.household
    if household is not None:
        _require_write(user, household.village_id)
    if record.errors:
        raise RegistryError(record.errors)
    wanted = {**record.resident, "household_id": household.pk, "village_id": household.village_id}
    from smartkampung.population.validation import nik_mismatch
    from smartkampung.regions.nik import parse_nik

    wanted["nik_mismatch"] = nik_mismatch(
        parse_nik(resident.nik), wanted.get("birth_date", resident.birth_date), wanted.get("sex", resident.sex)
    )
    changed = [name for name, value in wanted.items() if getattr(resident, name) != value]
    changes = {name: [getattr(resident, name), wanted[name]] for name in changed}
    for name in changed:
        setattr(resident, name, wanted[name])
    if changed:
        resident.save(update_fields=[*changed, "updated_at"])
        audit.record(action="update", object_type="resident", subject=resident.nik, user=user, changes=changes)
    return resident


def _household_part(values: dict[str, Any]) -> dict[str, Any]:
    return {name: values[name] for name in HOUSEHOLD_FIELDS if name in values}


def _check_village(record: CheckedRecord, code: Any) -> str | None:
    code = str(code or "").strip()
    if not code:
        record.errors.append((_("village"), _("This field is required.")))
        return None
    if code not in _served_villages():
        record.errors.append((_("village"), _("“%(code)s” is not a village of this regency.") % {"code": code}))
        return None
    return code


def _household_for(record: CheckedRecord, user) -> Household | None:
    """The household of the record's KK number among those the user may write to. One answer
    for "no such KK" and "a KK of another village", so the reply tells nothing of other villages."""
    if not record.kk_number or any(label == _("KK number") for label, _m in record.errors):
        return None
    households = Household.objects.all()
    if user is not None:
        scope = write_scope(user)
        households = households.none() if scope.nothing else households.filter(scope.q("village"))
    household = households.filter(kk_number=record.kk_number).first()
    if household is None:
        record.errors.append(
            (
                _("KK number"),
                _("No household with KK number %(kk)s is registered in your area; register the household first.")
                % {"kk": record.kk_number},
            )
        )
    return household


# ---------------------------------------------------------------- file import


def start_import(
    *, user, path: Path, original_name: str, default_village: Village | None = None, enqueue: bool = True
) -> ImportJob:
    """Check an uploaded file's shape at once (so a wrong file gets its error on the spot), keep a copy
    and queue the import. Raises ImportFileError for a file that cannot be imported at all."""
    from smartkampung.population.tasks import import_registry_file

    if user is not None and write_scope(user).nothing:
        raise RegistryForbidden(_("You may not import registry files."))
    if user is not None and default_village is not None:
        _require_write(user, default_village.code)
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
    except Exception as exc:
        logger.exception("import %s failed", job.pk)
        _finish(
            job,
            status=ImportJob.Status.FAILED,
            error=_(
                "The import stopped because of an internal error "
                "(%(error)s). Rows already imported are kept; "
                "upload the file again to finish."
            )
            % {"error": exc},
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
        self.served = _served_villages()
        # The rows an uploader may write: an operator's own village, everything for the administrator.
        scope = write_scope(job.created_by) if job.created_by_id else None
        self.villages = self.served if scope is None else {code for code in self.served if scope.covers(code)}
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
            _commit_batch(job, batch, issues, processed)
            batch, issues = [], []
    _commit_batch(job, batch, issues, processed, final=True)


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
        _commit_frame(job, part, part_issues, end, final=end == len(numbers), now=now)


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
        _audit_import(job, outcome.created_keys, outcome.changes)
        # Session memory for the index builds only (reset at commit); the default spills the sorts to disk.
        cursor.execute("SET LOCAL maintenance_work_mem = '256MB'")
        for sql in restore:
            cursor.execute(sql)
    return True


def _commit_frame(job, part, issues, processed: int, *, final: bool, now) -> None:
    try:
        with transaction.atomic():
            outcome = write_frame(part, now=now)
            _record(job, outcome.created, outcome.updated, outcome.unchanged, issues, processed, final)
            _audit_import(job, outcome.created_keys, outcome.changes)
        return
    except (IntegrityError, DatabaseError):
        logger.warning("import %s: chunk failed as a whole, retrying in batches", job.pk, exc_info=True)
    # A concurrent writer (or a row the database refuses): the row-wise path finds which row.
    batch = [(row.pop("row"), _write_from_clean(row)) for row in part.iter_rows(named=True)]
    _commit_batch(job, batch, issues, processed, final)


def _write_from_clean(row: dict[str, Any]) -> ResidentWrite:
    household = {"village_id": row["village_id"]}
    household.update({name: row[name] for name in HOUSEHOLD_FIELDS if row[name] is not None})
    resident = {name: row[name] for name in RESIDENT_COLUMNS if row[name] is not None}
    return ResidentWrite(nik=row["nik"], kk_number=row["kk_number"], household=household, resident=resident)


def _commit_batch(job, batch, issues, processed, final: bool = False) -> None:
    now = timezone.now()
    try:
        with transaction.atomic():
            outcome = write_batch([w for _n, w in batch], now=now)
            _record(job, len(outcome.created), len(outcome.updated), len(outcome.unchanged), issues, processed, final)
            _audit_import(job, outcome.created, outcome.updated)
        return
    except (IntegrityError, DatabaseError):
        logger.warning("import %s: batch failed as a whole, retrying row by row", job.pk, exc_info=True)
    # One bad row (or a concurrent writer) spoiled the batch: write row by row so the others land.
    total = BatchOutcome()
    with transaction.atomic():
        for number, write in batch:
            try:
                with transaction.atomic():
                    outcome = write_batch([write], now=now)
            except (IntegrityError, DatabaseError) as exc:
                issues.append(
                    ImportRowIssue(
                        job=job,
                        row_number=number,
                        kind=ImportRowIssue.Kind.REJECTED,
                        nik=write.nik,
                        errors=[_("The row could not be saved: %(error)s") % {"error": str(exc).splitlines()[0]}],
                    )
                )
                continue
            total.created += outcome.created
            total.updated.update(outcome.updated)
            total.unchanged += outcome.unchanged
        _record(job, len(total.created), len(total.updated), len(total.unchanged), issues, processed, final)
        _audit_import(job, total.created, total.updated)


def _audit_import(job: ImportJob, created: list[str], changes: dict) -> None:
    """The import's writes in the audit log, in the batch's transaction: one entry naming the residents a
    batch added, and one per resident it changed (with the old and new values)."""
    detail = {"import": job.pk, "file": job.original_name}
    if created:
        audit.record(
            action="import", object_type="resident", object_ids=list(created), detail=detail, user=job.created_by
        )
    audit.record_changes(
        object_type="resident",
        changes={nik: {f: [old, new] for f, (old, new) in diff.items()} for nik, diff in changes.items()},
        detail=detail,
        user=job.created_by,
    )


def _record(job, created: int, updated: int, unchanged: int, issues, processed: int, final: bool) -> None:
    from django.db.models import F

    ImportRowIssue.objects.bulk_create(sorted(issues, key=lambda i: i.row_number))
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
    with open(destination, "wb") as out:
        if hasattr(upload, "chunks"):
            for chunk in upload.chunks():
                out.write(chunk)
        else:
            shutil.copyfileobj(upload, out)
    return destination
