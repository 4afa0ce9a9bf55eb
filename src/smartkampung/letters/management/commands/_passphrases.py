"""Passphrases for the key commands: asked twice at the terminal (never echoed), or read from a file for scripts.
(A leading underscore: Django does not take this for a command.)"""

import getpass
from pathlib import Path

from django.core.management.base import CommandError


def read(path: str, what: str) -> str:
    """The passphrase in the file's first line (its line ending is not part of it)."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as error:
        raise CommandError(f"Cannot read the {what} from {path}: {error.strerror}.") from error
    passphrase = text.splitlines()[0] if text else ""
    if not passphrase:
        raise CommandError(f"{path} holds no {what}.")
    return passphrase


def ask(what: str, *, twice: bool) -> str:
    """Ask at the terminal; a new passphrase is asked twice, so a typing slip does not lock a key away."""
    try:
        first = getpass.getpass(f"{what[:1].upper()}{what[1:]}: ")
        if twice and getpass.getpass(f"The {what} again: ") != first:
            raise CommandError(f"The two {what}s differ; nothing was made.")
    except (EOFError, KeyboardInterrupt) as error:
        raise CommandError(f"No {what} given; nothing was made.") from error
    return first


def get(path: str, what: str, *, twice: bool = False) -> str:
    return read(path, what) if path else ask(what, twice=twice)
