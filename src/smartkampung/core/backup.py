"""Back up and restore a deployment (README "Backing up and restoring"): `smartkampung backup --out DIR` and
`smartkampung restore DIR`.

A backup is one folder, the service user's alone (0700, files 0600):

    database.pgdump | database.sqlite3   pg_dump's custom format, or a copy by SQLite's online backup API
    files/media/…                        the uploads (MEDIA_ROOT: import files, aid lists, …)
    files/ktp-images/…                   KTP photos kept by KTP_KEEP_IMAGES (KTP_IMAGE_DIR), when there are any
    files/secret_key                     the generated secret key (DATA_DIR/secret_key), when SECRET_KEY is not set
    files/trusted-roots/…                BSrE's root certificates named in LETTERS_TRUSTED_ROOTS
    README.txt                           what the folder holds and how to restore it
    manifest.json                        versions, applied migrations, every table's row count, every file's sha256
    SHA256SUMS                           `sha256sum -c SHA256SUMS` checks every other file, the manifest too

The letters' certificate authorities and the officials' signing keys are rows of the database
(letters_certificateauthority, letters_signingkey: private keys encrypted with passphrases that are never stored),
so they are in the database's file; the passphrases are not, anywhere.

The database comes first and alone decides the row counts: PostgreSQL's are counted inside the snapshot pg_dump
dumps (`--snapshot`), SQLite's in the copy itself. Files are copied after it: an upload that arrives meanwhile is in
the backup without its row (harmless); one the retention job removes meanwhile is missing though its row is there.
Letter attachments and PDFs and tourism photos are rows (binary columns), not files: they are in the database.

A restore changes nothing until everything is checked: every checksum, the manifest, the database engine, migrations
this code knows, an empty database, empty file folders (`force` lets files be overwritten, never a database).
"""

import datetime as dt
import hashlib
import importlib.metadata
import json
import os
import re
import shutil
import sqlite3
import subprocess
from collections.abc import Callable, Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.core.management.base import CommandError
from django.db import DatabaseError, connections, transaction
from django.db.migrations.loader import MigrationLoader
from django.utils import timezone

FORMAT_VERSION = 1
MANIFEST, SUMS, README = "manifest.json", "SHA256SUMS", "README.txt"
DATABASE_FILES = {"postgresql": "database.pgdump", "sqlite": "database.sqlite3"}
MEDIA, KTP, SECRET_KEY, ROOTS = "files/media", "files/ktp-images", "files/secret_key", "files/trusted-roots"
SIGNING_KEYS_NOTE = (
    "The letters' certificate authorities and the officials' signing keys are rows of the database "
    "(tables letters_certificateauthority and letters_signingkey), their private keys encrypted with passphrases "
    "that are never stored: they are in the database file of this backup. Keep the passphrases apart from it."
)
NOT_IN_BACKUP_NOTE = (
    "Not in this backup: the deployment's environment file (DATABASE_URL, SECRET_KEY when set there, "
    "NOTIFY_WEBHOOK_SECRET, BSRE_GATEWAY_PASSWORD, METRICS_TOKEN, …), the signing passphrases, the code."
)
CHUNK = 1024 * 1024
HEX64 = re.compile(r"[0-9a-f]{64}")

Say = Callable[[str], None]


class BackupRefused(Exception):
    """A backup or a restore refused in words (the commands print it and exit non-zero)."""


@contextmanager
def in_words(failed: str) -> Iterator[None]:
    """For the commands: a refusal, a database error or a file error becomes a CommandError (one sentence and exit
    code 1, never a stack trace); `failed` begins the sentence of the unforeseen ones."""
    try:
        yield
    except BackupRefused as error:
        raise CommandError(str(error)) from None
    except (DatabaseError, sqlite3.Error) as error:
        raise CommandError(f"{failed}: the database answered: {error}".strip()) from None
    except OSError as error:
        raise CommandError(f"{failed}: {error}.") from None


@dataclass
class Restored:
    """What a restore did: the row counts that differ from the manifest (none: identical) and notes to print."""

    tables: int = 0
    rows: int = 0
    files: int = 0
    differences: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


# ---------------------------------------------------------------- small pieces


def _private_dir(path: Path) -> None:
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    path.chmod(0o700)  # mkdir's mode passes through the umask: set it as meant


def _copy(source: Path, target: Path) -> tuple[int, str]:
    """Copy one file (0600; folders it makes 0700, folders already there left as they are: a restored BSrE root may
    go back into a shared folder such as /etc/ssl); returns its size and sha256."""
    if not target.parent.is_dir():
        _private_dir(target.parent)
    digest, size = hashlib.sha256(), 0
    with open(source, "rb") as src, open(target, "wb") as dst:
        os.fchmod(dst.fileno(), 0o600)
        while chunk := src.read(CHUNK):
            digest.update(chunk)
            dst.write(chunk)
            size += len(chunk)
    return size, digest.hexdigest()


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _files_under(folder: Path) -> Iterator[Path]:
    """Regular files under a folder, in a stable order (symbolic links are not followed)."""
    for top, dirs, names in os.walk(folder):
        dirs.sort()
        for name in sorted(names):
            path = Path(top) / name
            if path.is_file() and not path.is_symlink():
                yield path


def _is_empty_dir(path: Path) -> bool:
    return not path.exists() or (path.is_dir() and not any(path.iterdir()))


def _inside(path: Path, folder: Path) -> bool:
    return path.resolve().is_relative_to(folder.resolve())


def _sums_line(digest: str, name: str) -> str:
    """One line of sha256sum's output: a name with a backslash or a newline is escaped as GNU coreutils does."""
    if "\\" in name or "\n" in name:
        return f"\\{digest}  {name.replace(chr(92), chr(92) * 2).replace(chr(10), chr(92) + 'n')}\n"
    return f"{digest}  {name}\n"


def _parse_sums_line(line: str) -> tuple[str, str] | None:
    escaped = line.startswith("\\")
    if escaped:
        line = line[1:]
    digest, sep, name = line[:64], line[64:66], line[66:]
    if not HEX64.fullmatch(digest) or sep not in ("  ", " *") or not name:
        return None
    if escaped:
        name = re.sub(r"\\(\\|n)", lambda m: "\n" if m.group(1) == "n" else "\\", name)
    return digest, name


def _safe_relative(name: str) -> bool:
    path = Path(name)
    return bool(name) and not path.is_absolute() and ".." not in path.parts and "\x00" not in name


def _version() -> str:
    try:
        return importlib.metadata.version("smartkampung")
    except importlib.metadata.PackageNotFoundError:
        return ""


def _git_commit() -> str:
    repo = Path(settings.BASE_DIR).parent.parent
    if not (repo / ".git").exists() or not shutil.which("git"):
        return ""
    try:
        done = subprocess.run(  # noqa: S603 - fixed arguments
            ["git", "-C", str(repo), "rev-parse", "HEAD"],  # noqa: S607 - git from PATH
            capture_output=True,
            text=True,
            timeout=10,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return ""
    return done.stdout.strip() if done.returncode == 0 else ""


def _latest_migrations(rows) -> dict[str, str]:
    """app -> the name of its latest applied migration, from (app, name) rows ordered by id."""
    latest: dict[str, str] = {}
    for app, name in rows:
        latest[app] = name
    return dict(sorted(latest.items()))


# ---------------------------------------------------------------- databases


def _vendor() -> str:
    vendor = connections["default"].vendor
    if vendor not in DATABASE_FILES:
        raise BackupRefused(f"Backups know SQLite and PostgreSQL; this database is {vendor}.")
    return vendor


def _sqlite_path() -> Path | None:
    """The configured SQLite file (None for an in-memory database)."""
    name = str(connections["default"].settings_dict["NAME"])
    if name.startswith(":memory:") or "mode=memory" in name:
        return None
    return Path(name.removeprefix("file:").split("?", 1)[0])


def _sqlite_counts(conn: sqlite3.Connection) -> dict[str, int]:
    tables = [
        row[0]
        for row in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' "
            "ORDER BY name"
        )
    ]
    return {
        table: conn.execute(f'SELECT COUNT(*) FROM "{table.replace(chr(34), chr(34) * 2)}"').fetchone()[0]
        for table in tables
    }


def _sqlite_migrations(conn: sqlite3.Connection) -> dict[str, str]:
    try:
        return _latest_migrations(conn.execute("SELECT app, name FROM django_migrations ORDER BY id"))
    except sqlite3.OperationalError:  # no such table: an empty database
        return {}


def _django_counts(connection) -> dict[str, int]:
    with connection.cursor() as cursor:
        tables = [
            table
            for table in sorted(connection.introspection.table_names(cursor, include_views=False))
            if not table.startswith("sqlite_")  # SQLite's own (statistics), as in _sqlite_counts
        ]
        counts = {}
        for table in tables:
            cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")
            counts[table] = cursor.fetchone()[0]
    return counts


def _regexp(pattern, value) -> bool:
    return value is not None and re.search(pattern, str(value)) is not None


def _backup_sqlite(target: Path) -> tuple[dict[str, int], dict[str, str], dict]:
    """Copy the database with SQLite's online backup API: one step, so the copy is the database at one moment
    although the server writes meanwhile (WAL: it is not held up). Counts come from the copy itself."""
    connection = connections["default"]
    connection.ensure_connection()
    with closing(sqlite3.connect(target)) as copy:
        os.chmod(target, 0o600)
        connection.connection.backup(copy)
        # One file, no -wal beside it: the copy stands alone.
        copy.execute("PRAGMA journal_mode=DELETE")
        counts, migrations = _sqlite_counts(copy), _sqlite_migrations(copy)
        # The check evaluates CHECK constraints, some with Django's REGEXP (which Django's connections define).
        copy.create_function("REGEXP", 2, _regexp, deterministic=True)
        problems = copy.execute("PRAGMA quick_check").fetchone()[0]
    if problems != "ok":
        raise BackupRefused(f"SQLite's check of the copy failed ({problems}): the database itself may be damaged.")
    return counts, migrations, {"sqlite_version": sqlite3.sqlite_version}


def _pg_env(db: dict) -> tuple[list[str], dict[str, str]]:
    """pg_dump's and pg_restore's connection arguments, and their environment: the password only in PGPASSWORD,
    never on the command line (other users see command lines)."""
    args = ["--no-password"]
    if db.get("HOST"):
        args += ["--host", str(db["HOST"])]
    if db.get("PORT"):
        args += ["--port", str(db["PORT"])]
    if db.get("USER"):
        args += ["--username", str(db["USER"])]
    env = {key: value for key, value in os.environ.items() if not key.startswith("PG")}
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = str(db["PASSWORD"])
    options = db.get("OPTIONS") or {}
    for option, variable in (("sslmode", "PGSSLMODE"), ("sslrootcert", "PGSSLROOTCERT")):
        if options.get(option):
            env[variable] = str(options[option])
    return args, env


def _run_tool(setting: str, arguments: list[str], env: dict[str, str]) -> subprocess.CompletedProcess:
    program = getattr(settings, setting)
    try:
        return subprocess.run(  # noqa: S603 - the configured tool, arguments as a list
            [program, *arguments], env=env, capture_output=True, text=True, check=False
        )
    except FileNotFoundError:
        raise BackupRefused(
            f"{program} was not found ({setting}): install PostgreSQL's client programs of the server's major version "
            f"(Debian: apt-get install postgresql-client-15) or set {setting} to the program's path."
        ) from None
    except PermissionError:
        raise BackupRefused(f"{program} ({setting}) may not be run by this user.") from None


def _tool_version(setting: str, env: dict[str, str]) -> str:
    done = _run_tool(setting, ["--version"], env)
    return done.stdout.strip() if done.returncode == 0 else ""


def _last_lines(text: str, n: int = 8) -> str:
    return "\n".join(text.strip().splitlines()[-n:])


def _backup_postgresql(target: Path) -> tuple[dict[str, int], dict[str, str], dict]:
    """pg_dump's custom format of the snapshot this transaction exports: the row counts and migrations of the
    manifest are read in the very snapshot that is dumped, whatever the server writes meanwhile."""
    connection = connections["default"]
    db = connection.settings_dict
    args, env = _pg_env(db)
    version = _tool_version("BACKUP_PG_DUMP", env)
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            cursor.execute("SELECT pg_export_snapshot(), current_setting('server_version')")
            snapshot, server_version = cursor.fetchone()
            cursor.execute("SELECT app, name FROM django_migrations ORDER BY id")
            migrations = _latest_migrations(cursor.fetchall())
        counts = _django_counts(connection)
        done = _run_tool(
            "BACKUP_PG_DUMP",
            [*args, "--format=custom", f"--snapshot={snapshot}", f"--file={target}", f"--dbname={db['NAME']}"],
            env,
        )
    if done.returncode != 0:
        raise BackupRefused(f"pg_dump failed (exit {done.returncode}):\n{_last_lines(done.stderr)}")
    os.chmod(target, 0o600)
    return counts, migrations, {"pg_dump": version, "server_version": server_version}


# ---------------------------------------------------------------- backup


def _backup_readme(manifest: dict) -> str:
    database, version = manifest["database"]["file"], manifest["smartkampung_version"] or "?"
    return f"""smartkampung backup, made {manifest["created_at"]} (smartkampung {version})

{database}: the database ({manifest["database"]["vendor"]}).
files/: uploads (media), kept KTP photos (ktp-images), the generated secret key, BSrE's root certificates.
manifest.json: versions, applied migrations, every table's row count, every file's size and sha256.
SHA256SUMS: check the folder with `sha256sum -c SHA256SUMS` (run inside it).

{SIGNING_KEYS_NOTE}
{NOT_IN_BACKUP_NOTE}

Restore into an empty database with the same smartkampung version (or a newer one, then `smartkampung migrate`):
    smartkampung restore <this folder>
README.md, "Backing up and restoring", has the whole procedure.
"""


def _copy_files(out: Path, say: Say) -> tuple[list[dict], dict]:
    """Copy the uploads, kept KTP photos, the generated secret key and BSrE's roots; returns the file entries and
    what the manifest says about each source."""
    entries: list[dict] = []
    sources: dict = {}

    def add(source: Path, name: str) -> None:
        size, digest = _copy(source, out / name)
        entries.append({"path": name, "size": size, "sha256": digest})

    for key, folder, prefix in (
        ("media", Path(settings.MEDIA_ROOT), MEDIA),
        ("ktp_images", Path(settings.KTP_IMAGE_DIR), KTP),
    ):
        before = len(entries)
        if folder.is_dir():
            for path in _files_under(folder):
                add(path, f"{prefix}/{path.relative_to(folder).as_posix()}")
        sources[key] = {"source": str(folder), "path": prefix, "files": len(entries) - before}
        found = f"{len(entries) - before} files from" if folder.is_dir() else "none, there is no"
        say(f"{key.replace('_', ' ')}: {found} {folder}")
    key_file = Path(settings.DATA_DIR) / "secret_key"
    if key_file.is_file():
        add(key_file, SECRET_KEY)
        sources["secret_key"] = {"source": str(key_file), "path": SECRET_KEY}
        say(f"secret key: {key_file}")
    else:
        sources["secret_key"] = {"source": "environment (SECRET_KEY)", "path": None}
        say("secret key: set in the environment (SECRET_KEY), not in the backup: keep it with the environment file")
    roots = []
    for number, configured in enumerate(settings.LETTERS_TRUSTED_ROOTS, start=1):
        path = Path(configured.strip())
        if not path.is_file():
            raise BackupRefused(f"{path} (LETTERS_TRUSTED_ROOTS) is not a file: correct the setting, then back up.")
        name = f"{ROOTS}/{number}-{path.name}"
        add(path, name)
        roots.append({"source": str(path), "path": name})
    sources["trusted_roots"] = roots
    if roots:
        say(f"trusted roots: {len(roots)} files")
    return entries, sources


def backup(out: Path, *, say: Say = lambda line: None) -> dict:
    """Write a backup into `out` (new, or an empty folder); returns the manifest. On failure, what was written is
    removed again: a half-made backup never looks like one."""
    out = Path(out).absolute()
    if out.exists() and not out.is_dir():
        raise BackupRefused(f"{out} is a file: a backup goes into a new or empty folder.")
    if out.is_dir() and any(out.iterdir()):
        raise BackupRefused(f"{out} is not empty: a backup goes into a new or empty folder, never over another.")
    for folder in (Path(settings.MEDIA_ROOT), Path(settings.KTP_IMAGE_DIR)):
        if folder.exists() and _inside(out, folder):
            raise BackupRefused(f"{out} is inside {folder}, which is backed up: choose a folder outside it.")
    vendor = _vendor()
    existed = out.exists()
    try:
        _private_dir(out)
    except OSError as error:
        raise BackupRefused(f"{out} cannot be created: {error.strerror}.") from None
    try:
        return _write_backup(out, vendor, say)
    except BaseException:
        if existed:
            for child in out.iterdir():
                shutil.rmtree(child) if child.is_dir() and not child.is_symlink() else child.unlink()
        else:
            shutil.rmtree(out, ignore_errors=True)
        raise


def _write_backup(out: Path, vendor: str, say: Say) -> dict:
    database = DATABASE_FILES[vendor]
    say(f"database ({vendor}) → {out / database}")
    if vendor == "sqlite":
        counts, migrations, tool = _backup_sqlite(out / database)
    else:
        counts, migrations, tool = _backup_postgresql(out / database)
    files = [{"path": database, "size": (out / database).stat().st_size, "sha256": _sha256(out / database)}]
    say(f"database: {len(counts)} tables, {sum(counts.values())} rows, {files[0]['size']} bytes")
    copied, sources = _copy_files(out, say)
    manifest = {
        "format": "smartkampung-backup",
        "format_version": FORMAT_VERSION,
        "created_at": timezone.now().isoformat(),
        "smartkampung_version": _version(),
        "git_commit": _git_commit(),
        "regency": settings.SMARTKAMPUNG_REGENCY,
        # Every regency the deployment serves (the first is the home regency, above): a province's backup holds all.
        "regencies": list(settings.SMARTKAMPUNG_REGENCIES),
        "database": {"vendor": vendor, "file": database, **tool},
        "migrations": migrations,
        "tables": counts,
        "sources": sources,
        "signing_keys": SIGNING_KEYS_NOTE,
        "not_in_backup": NOT_IN_BACKUP_NOTE,
        "files": [],
    }
    readme = out / README
    readme.write_text(_backup_readme(manifest))
    readme.chmod(0o600)
    manifest["files"] = [*files, {"path": README, "size": readme.stat().st_size, "sha256": _sha256(readme)}, *copied]
    path = out / MANIFEST
    path.write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n")
    path.chmod(0o600)
    lines = [_sums_line(entry["sha256"], entry["path"]) for entry in manifest["files"]]
    lines.append(_sums_line(_sha256(path), MANIFEST))
    sums = out / SUMS
    sums.write_text("".join(lines))
    sums.chmod(0o600)
    say(f"manifest: {len(manifest['files'])} files besides it; checksums in {sums}")
    return manifest


# ---------------------------------------------------------------- restore: checks


def verify(folder: Path) -> dict:
    """Every checksum of SHA256SUMS right, every file of the manifest in it: the manifest, or a refusal."""
    folder = Path(folder)
    if not folder.is_dir():
        raise BackupRefused(f"There is no backup folder {folder}.")
    sums = folder / SUMS
    if not sums.is_file():
        raise BackupRefused(f"{folder} has no {SUMS}: it is not a complete smartkampung backup.")
    try:
        text = sums.read_text()
    except (OSError, UnicodeDecodeError) as error:
        raise BackupRefused(f"{sums} cannot be read ({error}).") from None
    listed: dict[str, str] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        parsed = _parse_sums_line(line)
        if parsed is None or not _safe_relative(parsed[1]):
            raise BackupRefused(f"{SUMS}, line {number}, is not a sha256sum line of a file in the folder.")
        listed[parsed[1]] = parsed[0]
    if MANIFEST not in listed:
        raise BackupRefused(f"{SUMS} does not list {MANIFEST}: it is not a smartkampung backup.")
    missing, changed = [], []
    for name, digest in listed.items():
        path = folder / name
        if not path.is_file():
            missing.append(name)
        elif _sha256(path) != digest:
            changed.append(name)
    if missing or changed:
        problems = [f"missing: {name}" for name in missing[:10]] + [f"changed: {name}" for name in changed[:10]]
        more = len(missing) + len(changed) - len(problems)
        raise BackupRefused(
            f"The backup {folder} is damaged, nothing was restored ({len(missing)} files missing, {len(changed)} "
            f"changed since it was made):\n  " + "\n  ".join(problems) + (f"\n  … and {more} more" if more else "")
        )
    manifest = _read_manifest(folder / MANIFEST)
    for entry in manifest["files"]:
        if listed.get(entry["path"]) != entry["sha256"]:
            raise BackupRefused(f"{MANIFEST} and {SUMS} disagree about {entry['path']}: nothing was restored.")
    return manifest


def _read_manifest(path: Path) -> dict:
    try:
        manifest = json.loads(path.read_text())
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise BackupRefused(f"{path} cannot be read as JSON ({error}).") from None
    if not isinstance(manifest, dict) or manifest.get("format") != "smartkampung-backup":
        raise BackupRefused(f"{path} is not the manifest of a smartkampung backup.")
    if manifest.get("format_version") != FORMAT_VERSION:
        raise BackupRefused(
            f"{path} is of backup format {manifest.get('format_version')!r}; this version reads format "
            f"{FORMAT_VERSION}: restore with the smartkampung version that made it."
        )
    shapes = {"database": dict, "migrations": dict, "tables": dict, "sources": dict, "files": list}
    wrong = [key for key, kind in shapes.items() if not isinstance(manifest.get(key), kind)]
    files_ok = all(
        isinstance(entry, dict)
        and isinstance(entry.get("path"), str)
        and _safe_relative(entry["path"])
        and isinstance(entry.get("sha256"), str)
        for entry in manifest.get("files") or []
    )
    counts_ok = all(isinstance(count, int) for count in (manifest.get("tables") or {}).values())
    vendor = manifest["database"].get("vendor") if not wrong else None
    # The database's file is the one this format names for its engine, and is checksummed like every other file.
    database_ok = vendor in DATABASE_FILES and manifest["database"].get("file") == DATABASE_FILES[vendor]
    database_ok = database_ok and any(entry.get("path") == DATABASE_FILES[vendor] for entry in manifest["files"])
    if wrong or not files_ok or not counts_ok or not database_ok:
        raise BackupRefused(f"{path} is incomplete or damaged ({', '.join(wrong) or 'files, tables or database'}).")
    return manifest


def _configured_roots() -> set[Path]:
    return {Path(str(configured).strip()).absolute() for configured in settings.LETTERS_TRUSTED_ROOTS}


def _check_roots(manifest: dict) -> None:
    """BSrE's roots go back only to paths this deployment names in LETTERS_TRUSTED_ROOTS: the manifest's word alone
    (a checksum proves no author) never chooses a place on this machine to write to."""
    listed = {entry["path"] for entry in manifest["files"]}
    roots = manifest["sources"].get("trusted_roots") or []
    if not isinstance(roots, list):
        raise BackupRefused(f"{MANIFEST} is incomplete or damaged (trusted roots).")
    configured = _configured_roots()
    for entry in roots:
        name = entry.get("path") if isinstance(entry, dict) else None
        source = entry.get("source") if isinstance(entry, dict) else None
        if not (isinstance(name, str) and name.startswith(ROOTS + "/") and name in listed and isinstance(source, str)):
            raise BackupRefused(f"{MANIFEST} is incomplete or damaged (trusted roots).")
        if Path(source).absolute() not in configured:
            raise BackupRefused(
                f"The backup holds a trusted root for {source}, which LETTERS_TRUSTED_ROOTS does not name here: "
                "set LETTERS_TRUSTED_ROOTS as it was when the backup was made, then restore again. Nothing was "
                "restored."
            )


def _check_migrations_known(manifest: dict) -> list[str]:
    """Refuse a backup made by a newer version (migrations this code does not have); returns the notes about
    migrations this code has that the backup has not (`smartkampung migrate` after the restore)."""
    loader = MigrationLoader(None, ignore_no_migrations=True)
    unknown = [f"{app}.{name}" for app, name in manifest["migrations"].items() if (app, name) not in loader.graph.nodes]
    if unknown:
        raise BackupRefused(
            "The backup was made by a newer smartkampung (its migrations "
            + ", ".join(unknown[:5])
            + " are unknown here): install the version that made it "
            f"({manifest.get('smartkampung_version') or '?'}, commit {manifest.get('git_commit') or '?'}), "
            "restore, then upgrade."
        )
    newer = []
    for app, name in manifest["migrations"].items():
        later = [node for node in loader.graph.leaf_nodes(app) if node != (app, name)]
        if later:
            newer.append(app)
    if newer:
        return [f"This version has migrations the backup has not ({', '.join(newer)}): run `smartkampung migrate`."]
    return []


def _database_counts(vendor: str) -> dict[str, int]:
    """Row count of every table of the configured database ({} when it has none, or its file does not exist)."""
    path = _sqlite_path() if vendor == "sqlite" else None
    if path is None:
        return _django_counts(connections["default"])
    if not path.exists():
        return {}
    with closing(sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)) as conn:
        return _sqlite_counts(conn)


def _check_database_empty(vendor: str) -> None:
    db = connections["default"].settings_dict
    counts = _database_counts(vendor)
    full = [table for table, count in counts.items() if count]
    if vendor == "sqlite":
        path = _sqlite_path() or db["NAME"]
        if full:
            raise BackupRefused(
                f"The database {path} is not empty ({len(full)} tables hold rows, e.g. {', '.join(full[:3])}): "
                f"a restore goes only into an empty database, --force or not. Stop smartkampung, move the file "
                f"away (mv {path} {path}.old, with its -wal and -shm files), and restore again."
            )
        if _sqlite_path() is None:
            raise BackupRefused("The configured SQLite database is in memory: restore into a file.")
        return
    if counts:
        state = f"{len(full)} of its {len(counts)} tables hold rows" if full else f"it has {len(counts)} empty tables"
        raise BackupRefused(
            f"The database {db['NAME']} is not empty ({state}): pg_restore needs a database without tables, "
            f"--force or not. Stop smartkampung and make an empty one, as the postgres user:\n"
            f"  dropdb {db['NAME']}   (or keep it: ALTER DATABASE {db['NAME']} RENAME TO {db['NAME']}_old)\n"
            f"  createdb --owner {db.get('USER') or 'smartkampung'} {db['NAME']}\n"
            "then restore again."
        )


@dataclass
class _Target:
    name: str  # the file in the backup
    to: Path  # where it goes


def _targets(manifest: dict) -> list[_Target]:
    """Where each file of the backup goes on this machine (the database's file aside), leaving out those already
    there as they are in the backup (BSrE's roots, usually: they are restored to the paths the backup names)."""
    configured = _configured_roots()
    roots = {
        entry["path"]: Path(entry["source"]).absolute()
        for entry in manifest["sources"].get("trusted_roots") or []
        if Path(entry["source"]).absolute() in configured  # _check_roots refused any other
    }
    targets = []
    for entry in manifest["files"]:
        name = entry["path"]
        if name.startswith(MEDIA + "/"):
            to = Path(settings.MEDIA_ROOT) / name.removeprefix(MEDIA + "/")
        elif name.startswith(KTP + "/"):
            to = Path(settings.KTP_IMAGE_DIR) / name.removeprefix(KTP + "/")
        elif name == SECRET_KEY:
            to = Path(settings.DATA_DIR) / "secret_key"
        elif name in roots:
            to = roots[name]
        else:
            continue
        if not (to.is_file() and _sha256(to) == entry["sha256"]):
            targets.append(_Target(name, to))
    return targets


def _check_files_free(folder: Path, manifest: dict, force: bool) -> None:
    busy = []
    for key, setting in (("media", "MEDIA_ROOT"), ("ktp_images", "KTP_IMAGE_DIR")):
        target = Path(getattr(settings, setting))
        if not _is_empty_dir(target) and (manifest["sources"].get(key) or {}).get("files", 1):
            busy.append(f"{target} ({setting}) is not empty")
    for target in _targets(manifest):
        if target.name.startswith(ROOTS + "/") and target.to.exists():
            busy.append(f"{target.to} (LETTERS_TRUSTED_ROOTS) differs from the backup's")
    # Every place a file goes can be written: a restore never stops half-way for want of a permission.
    for place in {target.to.parent for target in _targets(manifest)} | {Path(settings.MEDIA_ROOT)}:
        existing = place
        while not existing.exists():
            existing = existing.parent
        if not os.access(existing, os.W_OK | os.X_OK):
            raise BackupRefused(f"{existing} may not be written by this user: nothing was restored.")
    if busy and not force:
        raise BackupRefused(
            "Restoring would overwrite files, nothing was restored:\n  "
            + "\n  ".join(busy)
            + "\nEmpty or move them, or restore with --force to overwrite the files of the same name."
        )


# ---------------------------------------------------------------- restore


def _restore_sqlite(source: Path) -> None:
    path = _sqlite_path()
    connections.close_all()
    if not path.exists():
        # A journal left without its database would be played into the new file.
        for stale in (path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
            stale.unlink(missing_ok=True)
    _private_dir(path.parent)
    with closing(sqlite3.connect(f"{source.as_uri()}?mode=ro", uri=True)) as src, closing(sqlite3.connect(path)) as dst:
        os.chmod(path, 0o600)
        dst.execute("PRAGMA journal_mode=DELETE")  # the page size may follow the backup's only outside WAL
        src.backup(dst)
        dst.execute("PRAGMA journal_mode=WAL")
    for name in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        if name.exists():
            name.chmod(0o600)


def _restore_postgresql(source: Path) -> None:
    db = connections["default"].settings_dict
    connections.close_all()
    args, env = _pg_env(db)
    done = _run_tool(
        "BACKUP_PG_RESTORE",
        # Everything belongs to the role that restores (the deployment's own), whoever owned it before.
        [
            *args,
            "--no-owner",
            "--no-privileges",
            "--exit-on-error",
            "--single-transaction",
            f"--dbname={db['NAME']}",
            str(source),
        ],
        env,
    )
    if done.returncode != 0:
        raise BackupRefused(
            f"pg_restore failed (exit {done.returncode}); it ran in one transaction, so the database is as it "
            f"was:\n{_last_lines(done.stderr)}"
        )


def restore(folder: Path, *, force: bool = False, say: Say = lambda line: None) -> Restored:
    """Check everything, then restore the database and the files, then compare every table's row count with the
    manifest (`Restored.differences` empty: identical)."""
    folder = Path(folder).absolute()
    manifest = verify(folder)
    say(f"checksums: {len(manifest['files']) + 1} files verified")
    vendor = _vendor()
    if manifest["database"]["vendor"] != vendor:
        raise BackupRefused(
            f"The backup holds a {manifest['database']['vendor']} database and this deployment's is {vendor}: "
            "restore into the same kind (DATABASE_URL)."
        )
    _check_roots(manifest)
    result = Restored(notes=_check_migrations_known(manifest))
    _check_database_empty(vendor)
    _check_files_free(folder, manifest, force)

    source = folder / manifest["database"]["file"]
    say(f"database ({vendor}) ← {source}")
    (_restore_sqlite if vendor == "sqlite" else _restore_postgresql)(source)

    targets = _targets(manifest)
    for target in targets:
        _copy(folder / target.name, target.to)
    for setting in ("MEDIA_ROOT", "KTP_IMAGE_DIR"):
        if Path(getattr(settings, setting)).is_dir():
            _private_dir(Path(getattr(settings, setting)))
    result.files = len(targets)
    say(f"files: {result.files} restored, {len(manifest['files']) - 2 - result.files} already in place")
    key_file = Path(settings.DATA_DIR) / "secret_key"
    if (manifest["sources"].get("secret_key") or {}).get("path") is None:
        result.notes.append("The backup has no secret key (it was SECRET_KEY in the environment): set the same one.")
    elif os.environ.get("SECRET_KEY") and os.environ["SECRET_KEY"] != key_file.read_text().strip():
        result.notes.append(
            f"SECRET_KEY in the environment differs from the restored key ({key_file}): remove it from the "
            "environment, or tourism check-in codes and sessions will not match."
        )

    counts = _database_counts(vendor)
    expected = manifest["tables"]
    for table in sorted(set(expected) | set(counts)):
        if table not in counts:
            result.differences.append(f"{table}: missing (the backup had {expected[table]} rows)")
        elif table not in expected:
            result.differences.append(f"{table}: {counts[table]} rows, not in the backup")
        elif counts[table] != expected[table]:
            result.differences.append(f"{table}: {counts[table]} rows, the backup had {expected[table]}")
    result.tables, result.rows = len(counts), sum(counts.values())
    return result


def describe(manifest: dict) -> str:
    """One line about a backup: when, which version, how much."""
    try:
        created = f"{timezone.localtime(dt.datetime.fromisoformat(str(manifest.get('created_at')))):%Y-%m-%d %H:%M %Z}"
    except ValueError:
        created = "an unknown time"
    rows = sum(manifest["tables"].values())
    return (
        f"backup of {created} (smartkampung {manifest.get('smartkampung_version') or '?'}"
        f"{', ' + manifest['git_commit'][:12] if manifest.get('git_commit') else ''}): "
        f"{len(manifest['tables'])} tables, {rows} rows, {len(manifest['files'])} files"
    )
