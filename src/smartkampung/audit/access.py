"""What the audit log needs from the access layer above it: the roles of whoever acts, who may read the
whole log, and the words for roles and record fields. The apps that know (accounts, population) hand
these over at start-up from their AppConfig.ready, so audit imports no domain app. Until they have,
nobody reads the log and an entry records no roles: it fails closed."""

from collections.abc import Callable, Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class Directory:
    roles_of: Callable[[object], Iterable[str]]
    reads_whole_log: Callable[[object], bool]
    role_labels: Callable[[], dict[str, str]]


_directory: Directory | None = None
_field_labellers: list[Callable[[str], str | None]] = []


def use_directory(directory: Directory) -> None:
    """Called once by the access layer (accounts) at start-up."""
    global _directory
    _directory = directory


def add_field_labeller(labeller: Callable[[str], str | None]) -> None:
    """A function giving a changed field's name in the user's language, or None when it does not know it."""
    if labeller not in _field_labellers:
        _field_labellers.append(labeller)


def roles_of(user) -> str:
    """The user's role codes, comma-separated, as an entry keeps them."""
    if user is None or _directory is None:
        return ""
    return ",".join(sorted(str(role) for role in _directory.roles_of(user)))


def reads_whole_log(user) -> bool:
    return _directory is not None and user is not None and bool(_directory.reads_whole_log(user))


def role_label(code: str) -> str:
    labels = _directory.role_labels() if _directory else {}
    return str(labels.get(code, code))


def field_label(name: str) -> str:
    for labeller in _field_labellers:
        label = labeller(name)
        if label:
            return label
    return name
