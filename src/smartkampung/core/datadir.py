"""The data directory (embedded database, uploads, generated secret key) is readable only by the service's user.

New files are made private by the settings (FILE_UPLOAD_PERMISSIONS, the directory's own mode); `make_private`
tightens what an older version, a restore or a hand-made copy left open, and `open_paths` finds what is still open
(the system check `core.W001`).
"""

import os
import stat
from pathlib import Path

from django.conf import settings

# Group and others: no read, write or entry.
OPEN_TO_OTHERS = 0o077


def _sqlite_files() -> list[Path]:
    db = settings.DATABASES["default"]
    if not db["ENGINE"].endswith("sqlite3") or str(db["NAME"]).startswith((":memory:", "file:")):
        return []
    name = Path(db["NAME"])
    return [name, name.with_name(name.name + "-wal"), name.with_name(name.name + "-shm")]


def _ours(path: Path) -> bool:
    """A folder we may close: owned by this user and not a shared one such as /tmp (sticky bit)."""
    info = path.stat()
    return info.st_uid == os.getuid() and not info.st_mode & stat.S_ISVTX


def private_paths() -> list[Path]:
    """The data directory, the uploads folder and the embedded database's files that exist."""
    paths = [
        Path(settings.DATA_DIR),
        Path(settings.MEDIA_ROOT),
        *_sqlite_files(),
        Path(settings.DATA_DIR) / "secret_key",
    ]
    return [path for path in paths if path.exists()]


def open_paths() -> list[Path]:
    """Those of `private_paths` that the group or others may read, write or enter."""
    return [path for path in private_paths() if path.stat().st_mode & OPEN_TO_OTHERS]


def make_private() -> list[Path]:
    """Close the data directory, everything under the uploads folder and the database files to all but this
    user (folders 0700, files 0600 at most); returns the paths that changed."""
    changed = []

    def close(path: Path) -> None:
        mode = stat.S_IMODE(path.lstat().st_mode)
        if path.is_symlink() or not mode & OPEN_TO_OTHERS:
            return
        path.chmod(mode & ~OPEN_TO_OTHERS)
        changed.append(path)

    media = Path(settings.MEDIA_ROOT)
    for path in private_paths():
        if path.is_dir() and not _ours(path):
            continue
        close(path)
    if media.is_dir() and _ours(media):
        for folder, dirs, files in os.walk(media):
            for name in dirs + files:
                close(Path(folder) / name)
    return changed
