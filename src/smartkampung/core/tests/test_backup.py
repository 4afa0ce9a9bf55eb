"""Backing up and restoring (README "Backing up and restoring"; core/backup.py).

A populated deployment (real commands in their own processes, on the engine of the run) backed up, wiped and
restored has every table's row count, every audit entry and the notification numbering as before, and the next
notification gets the next delivery number. A damaged backup, a database that is not empty and an --out folder
with files in it are refused in words, and bad input never ends in a stack trace."""

import hashlib
import json
import os
import secrets
import shutil
import stat
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from smartkampung.audit.models import AuditEntry
from smartkampung.regions.models import Village

POSTGRES = os.environ.get("DATABASE_URL", "").startswith("postgres")
# Settings that would point the commands away from the temporary deployment.
OUR_SETTINGS = ("DATABASE_URL", "SECRET_KEY", "MEDIA_ROOT", "KTP_IMAGE_DIR", "LETTERS_TRUSTED_ROOTS")

# Run inside the deployment (`smartkampung shell -c`): every table's row count, a hash of every audit entry (every
# column, ordered by id), the delivery numbers and the dispatch cursor, the highest ids; one JSON line.
STATE = """
import hashlib, json
from django.db import connection
from smartkampung.notifications.models import DispatchCursor, Notification

def state():
    with connection.cursor() as cursor:
        counts = {}
        for table in sorted(connection.introspection.table_names(cursor, include_views=False)):
            cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")
            counts[table] = cursor.fetchone()[0]
        cursor.execute("SELECT * FROM audit_auditentry ORDER BY id")
        audit = hashlib.sha256(repr(cursor.fetchall()).encode()).hexdigest()
        cursor.execute("SELECT MAX(id) FROM audit_auditentry")
        last_audit = cursor.fetchone()[0]
    return {
        "counts": counts,
        "audit": audit,
        "last_audit_id": last_audit,
        "seqs": list(Notification.objects.order_by("id").values_list("id", "seq")),
        "cursor": list(DispatchCursor.objects.values_list("id", "last_seq")),
    }
"""

# Every notification numbered, as the dispatcher does; then the state.
DISPATCHED = (
    STATE
    + """
from smartkampung.notifications.services import dispatch_batch
while dispatch_batch():
    pass
print(json.dumps(state()))
"""
)

# After the restore: the state, then a new notification and a new audit entry.
RESTORED_AND_NEXT = (
    STATE
    + """
restored = state()
from django.db import transaction
from smartkampung.audit.services import record
from smartkampung.notifications.models import Notification
from smartkampung.notifications.services import dispatch_batch, notify
village = Notification.objects.values_list("village_id", flat=True).first()
with transaction.atomic():
    note = notify(kind="arrival", village_code=village, subject_type="arrival", subject_id=1, summary={})
    entry = record(action="create", object_type="backup_test", subject="after the restore")
dispatch_batch()
note.refresh_from_db()
print(json.dumps({"state": restored, "notification": note.pk, "seq": note.seq, "audit": entry.pk}))
"""
)


def smartkampung(env: dict, *args: str, check: bool = True) -> subprocess.CompletedProcess:
    done = subprocess.run(  # noqa: S603 - our own interpreter and command
        [sys.executable, "-m", "smartkampung", *args], env=env, capture_output=True, text=True, timeout=600
    )
    if check:
        assert done.returncode == 0, f"smartkampung {' '.join(args)}:\n{done.stdout}\n{done.stderr}"
    return done


def shell(env: dict, code: str) -> dict:
    return json.loads(smartkampung(env, "shell", "-v", "0", "-c", code).stdout.strip().splitlines()[-1])


def tree(folder: Path) -> dict[str, tuple[str, int]]:
    """Every file under a folder: its sha256 and mode."""
    return {
        path.relative_to(folder).as_posix(): (
            hashlib.sha256(path.read_bytes()).hexdigest(),
            stat.S_IMODE(path.stat().st_mode),
        )
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


class Deployment:
    """A deployment of its own: a data folder, an uploads folder, and a database (a SQLite file in the data folder,
    or a PostgreSQL database sk_backup_<random> beside the test run's, dropped at the end)."""

    def __init__(self, root: Path):
        self.data, self.media = root / "data", root / "media"
        self.roots = root / "etc" / "bsre-root.pem"
        self.env = {key: value for key, value in os.environ.items() if key not in OUR_SETTINGS} | {
            "SMARTKAMPUNG_DATA_DIR": str(self.data),
            "MEDIA_ROOT": str(self.media),
            "LOG_LEVEL": "WARNING",
        }
        self.server = self.name = ""
        if POSTGRES:
            url = urlsplit(os.environ["DATABASE_URL"])
            self.server = urlunsplit(url._replace(path="/postgres"))
            self.name = f"sk_backup_{secrets.token_hex(4)}"
            self.env["DATABASE_URL"] = urlunsplit(url._replace(path=f"/{self.name}"))
            self.sql(f"CREATE DATABASE {self.name}")

    def sql(self, statement: str) -> None:
        import psycopg

        with psycopg.connect(self.server, autocommit=True) as conn:
            conn.execute(statement)

    def tables(self) -> list[str]:
        """The tables of the deployment's database (none when it is empty or absent)."""
        if POSTGRES:
            import psycopg

            with psycopg.connect(self.env["DATABASE_URL"]) as conn:
                rows = conn.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'").fetchall()
            return [row[0] for row in rows]
        database = self.data / "smartkampung.sqlite3"
        if not database.exists():
            return []
        import sqlite3

        with sqlite3.connect(database) as conn:
            return [row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]

    def wipe(self) -> None:
        """The machine lost: database, uploads, data folder (its secret key with it) and BSrE's roots gone."""
        if POSTGRES:
            self.sql(f"DROP DATABASE {self.name} WITH (FORCE)")
            self.sql(f"CREATE DATABASE {self.name}")
        shutil.rmtree(self.data)
        shutil.rmtree(self.media)
        self.roots.unlink()

    def drop(self) -> None:
        if POSTGRES:
            self.sql(f"DROP DATABASE IF EXISTS {self.name} WITH (FORCE)")


@pytest.fixture
def deployment(tmp_path):
    made = Deployment(tmp_path)
    try:
        yield made
    finally:
        made.drop()


def back_up_wipe_and_restore(deployment: Deployment, tmp_path: Path) -> None:
    env = deployment.env
    for command in (
        ["migrate"],
        ["load_regions"],
        ["demo", "--residents", "150", "--seed", "1"],
        ["demo_logins"],
        ["demo_arrivals", "--count", "20"],
        ["demo_letters"],  # a certificate authority, officials' signing keys, signed letters
    ):
        smartkampung(env, *command)
    upload = deployment.media / "imports" / "2026" / "05" / "register.csv"
    upload.parent.mkdir(parents=True)
    upload.write_text("nik;nama\n3510010101900001;SITI\n")
    kept_photo = deployment.data / "ktp-images" / "17.jpg"
    kept_photo.parent.mkdir()
    kept_photo.write_bytes(b"\xff\xd8 a kept KTP photo")
    for made in (
        upload,
        kept_photo,
    ):  # as the app writes them (FILE_UPLOAD_PERMISSIONS, KTP photos), whatever the umask
        made.chmod(0o600)
    deployment.roots.parent.mkdir()
    deployment.roots.write_text("-----BEGIN CERTIFICATE-----\nBSrE\n-----END CERTIFICATE-----\n")

    before = shell(env, DISPATCHED)
    media_before, ktp_before = tree(deployment.media), tree(deployment.data / "ktp-images")
    secret_key = (deployment.data / "secret_key").read_text()
    assert before["counts"]["letters_signingkey"] > 0 and before["counts"]["letters_certificateauthority"] == 1
    assert before["counts"]["audit_auditentry"] > 50
    assert before["cursor"][0][1] == len(before["seqs"]) > 0
    assert all(seq is not None for _id, seq in before["seqs"])

    out = tmp_path / "backups" / "2026-05-17"
    with_roots = env | {"LETTERS_TRUSTED_ROOTS": str(deployment.roots)}
    smartkampung(with_roots, "backup", "--out", str(out))
    assert stat.S_IMODE(out.stat().st_mode) == 0o700
    assert {mode for _digest, mode in tree(out).values()} == {0o600}
    checked = subprocess.run(["sha256sum", "--check", "--quiet", "SHA256SUMS"], cwd=out, check=False)  # noqa: S607
    assert checked.returncode == 0
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["tables"] == before["counts"]
    assert manifest["migrations"]["notifications"].startswith("00")
    assert "letters_signingkey" in manifest["signing_keys"]

    deployment.wipe()
    assert deployment.tables() == []
    restored = smartkampung(with_roots, "restore", str(out))
    assert "every count as in the manifest" in restored.stdout

    after = shell(env, RESTORED_AND_NEXT)
    assert after["state"] == before
    assert tree(deployment.media) == media_before
    assert tree(deployment.data / "ktp-images") == ktp_before
    assert (deployment.data / "secret_key").read_text() == secret_key
    assert deployment.roots.read_text().startswith("-----BEGIN CERTIFICATE-----")
    assert stat.S_IMODE(deployment.media.stat().st_mode) == 0o700

    # The numbering continues: no id and no delivery number is given twice.
    assert after["seq"] == before["cursor"][0][1] + 1
    assert after["notification"] > max(pk for pk, _seq in before["seqs"])
    assert after["audit"] > before["last_audit_id"]


@pytest.mark.skipif(POSTGRES, reason="the SQLite run's end-to-end test")
def test_a_sqlite_deployment_backed_up_wiped_and_restored_is_the_same(deployment, tmp_path):
    back_up_wipe_and_restore(deployment, tmp_path)


@pytest.mark.postgres_only
@pytest.mark.skipif(not POSTGRES, reason="the PostgreSQL run's end-to-end test")
def test_a_postgresql_deployment_backed_up_wiped_and_restored_is_the_same(deployment, tmp_path):
    back_up_wipe_and_restore(deployment, tmp_path)


# ---------------------------------------------------------------- refusals, in this process on the test database


@pytest.fixture
def made_backup(settings, tmp_path, regions):
    """A backup of the test database with one upload; afterwards the settings point at empty file folders."""
    upload = Path(settings.MEDIA_ROOT) / "aid" / "2026" / "05" / "list.csv"
    upload.parent.mkdir(parents=True)
    upload.write_text("nik\n3510010101900001\n")
    settings.KTP_IMAGE_DIR = tmp_path / "ktp-images"
    settings.DATA_DIR = tmp_path / "data"
    settings.LETTERS_TRUSTED_ROOTS = []
    out = tmp_path / "backup"
    call_command("backup", out=str(out), stdout=open(os.devnull, "w"))  # noqa: SIM115
    settings.MEDIA_ROOT = tmp_path / "restored-media"
    return out


def state() -> tuple[int, int]:
    return Village.objects.count(), AuditEntry.objects.count()


@pytest.mark.django_db(transaction=True)
def test_a_backup_with_a_changed_file_is_refused_before_anything_is_restored(made_backup, settings):
    upload = made_backup / "files" / "media" / "aid" / "2026" / "05" / "list.csv"
    upload.write_text("nik\n3510010101900002\n")
    before = state()
    with pytest.raises(CommandError, match="damaged, nothing was restored") as refused:
        call_command("restore", str(made_backup), force=True)
    assert "changed: files/media/aid/2026/05/list.csv" in str(refused.value)
    assert state() == before
    assert not Path(settings.MEDIA_ROOT).exists()

    upload.unlink()
    with pytest.raises(CommandError, match="missing: files/media/aid/2026/05/list.csv"):
        call_command("restore", str(made_backup))
    assert state() == before


@pytest.mark.django_db(transaction=True)
def test_a_database_that_is_not_empty_is_refused_even_with_force(made_backup, settings):
    before = state()
    with pytest.raises(CommandError, match="is not empty") as refused:
        call_command("restore", str(made_backup), force=True)
    assert "--force or not" in str(refused.value)
    assert state() == before
    assert not Path(settings.MEDIA_ROOT).exists()


def rewritten(backup: Path, change) -> None:
    """The manifest changed by `change`, and SHA256SUMS written again to match: what anyone who may write the backup's
    folder can do (a checksum proves that nothing was damaged, not who wrote it)."""
    manifest = json.loads((backup / "manifest.json").read_text())
    change(manifest)
    (backup / "manifest.json").write_text(json.dumps(manifest))
    files = [*(entry["path"] for entry in manifest["files"]), "manifest.json"]
    sums = "".join(f"{hashlib.sha256((backup / name).read_bytes()).hexdigest()}  {name}\n" for name in files)
    (backup / "SHA256SUMS").write_text(sums)


@pytest.mark.django_db(transaction=True)
def test_a_manifest_never_chooses_where_on_the_machine_a_trusted_root_is_written(made_backup, settings, tmp_path):
    elsewhere = tmp_path / "site-packages" / "smartkampung-startup.pth"
    planted = made_backup / "files" / "trusted-roots" / "1-root.pem"
    planted.parent.mkdir(parents=True)
    planted.write_text("import os; os.system('echo owned')\n")

    def plant(manifest):
        digest = hashlib.sha256(planted.read_bytes()).hexdigest()
        name = "files/trusted-roots/1-root.pem"
        manifest["files"].append({"path": name, "size": planted.stat().st_size, "sha256": digest})
        manifest["sources"]["trusted_roots"] = [{"source": str(elsewhere), "path": name}]

    rewritten(made_backup, plant)
    before = state()
    with pytest.raises(CommandError, match="LETTERS_TRUSTED_ROOTS does not name here") as refused:
        call_command("restore", str(made_backup), force=True)
    assert str(elsewhere) in str(refused.value)
    assert not elsewhere.parent.exists() and state() == before
    assert not Path(settings.MEDIA_ROOT).exists()


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("database_file", ["../elsewhere.sqlite3", "/var/lib/other/db.sqlite3", "README.txt"])
def test_a_manifest_naming_another_database_file_is_refused(made_backup, settings, database_file):
    rewritten(made_backup, lambda manifest: manifest["database"].update(file=database_file))

    before = state()
    with pytest.raises(CommandError, match="is incomplete or damaged"):
        call_command("restore", str(made_backup), force=True)
    assert state() == before


def test_a_backup_into_a_folder_with_files_in_it_is_refused(tmp_path):
    out = tmp_path / "backup"
    out.mkdir()
    (out / "yesterday.txt").write_text("another backup")
    with pytest.raises(CommandError, match="is not empty: a backup goes into a new or empty folder"):
        call_command("backup", out=str(out))
    assert [path.name for path in out.iterdir()] == ["yesterday.txt"]


# ---------------------------------------------------------------- bad input: a sentence and an exit code


def test_bad_input_is_answered_in_a_sentence_never_a_stack_trace(tmp_path):
    env = {key: value for key, value in os.environ.items() if key not in OUR_SETTINGS} | {
        "SMARTKAMPUNG_DATA_DIR": str(tmp_path / "data"),
        "LOG_LEVEL": "WARNING",
    }
    corrupt = tmp_path / "corrupt"
    corrupt.mkdir()
    (corrupt / "manifest.json").write_text('{"format": "smartkampung-backup", "format_version": 1, "files": ')
    digest = hashlib.sha256((corrupt / "manifest.json").read_bytes()).hexdigest()
    (corrupt / "SHA256SUMS").write_text(f"{digest}  manifest.json\n")
    cases = [
        (env, ["restore", str(tmp_path / "nowhere")], "There is no backup folder"),
        (env, ["restore", str(corrupt)], "cannot be read as JSON"),
        (
            env | {"DATABASE_URL": "postgres://smartkampung@127.0.0.1:9/none", "BACKUP_PG_DUMP": "/nowhere/pg_dump"},
            ["backup", "--out", str(tmp_path / "out")],
            "/nowhere/pg_dump was not found (BACKUP_PG_DUMP)",
        ),
    ]
    for case_env, args, sentence in cases:
        done = smartkampung(case_env, *args, check=False)
        assert done.returncode == 1, done.stderr
        assert sentence in done.stderr
        assert "Traceback" not in done.stderr
    assert not (tmp_path / "out").exists()
