"""Where each app says what it holds about one person (a data subject's request, UU 27/2022 art. 7 and 32).

An app registers its sources in `<app>/subject_data.py` (found by core's AppConfig.ready, as Django's admin finds
admin.py): `register(code, label, function)`, the function taking a NIK (16 digits, already checked) and returning
the records it holds about that person as JSON-able data (a list of dicts, one per record; nothing of anyone else).
The privacy app asks every source and exports the answers; core names no app, so every layer may register.
"""

import datetime as dt
import decimal
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Source:
    code: str
    label: Any  # a lazy translation: the section's title in the user's language
    function: Callable[[str], list[dict[str, Any]]]
    order: int


_sources: dict[str, Source] = {}
# Where a person lives now, by NIK (the register answers; a NIK's first digits say only where it was issued).
_homes: list[Callable[[str], str | None]] = []


def register(code: str, label, function: Callable[[str], list[dict[str, Any]]], *, order: int = 100) -> None:
    """Add a section (once per code: autodiscovery may import a module twice in tests). `order` places the
    section in the export (the register first, the audit log's record last)."""
    _sources.setdefault(code, Source(code=code, label=label, function=function, order=order))


def register_home(function: Callable[[str], str | None]) -> None:
    """Add a way to find the village a NIK's person lives in now (the register's; once per function)."""
    if function not in _homes:
        _homes.append(function)


def home_village(nik: str) -> str | None:
    """The village code of the person's home as the register has it; None for someone not registered."""
    for function in _homes:
        village = function(nik)
        if village:
            return village
    return None


def sources() -> list[Source]:
    return sorted(_sources.values(), key=lambda source: (source.order, source.code))


def plain(value: Any) -> Any:
    """A value as JSON has it: dates and times in ISO 8601, decimals and ids as text, lists and dicts through."""
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, list | tuple):
        return [plain(item) for item in value]
    if isinstance(value, dict):
        return {str(key): plain(item) for key, item in value.items()}
    return value


def named(instance) -> dict[str, Any] | None:
    """A place or program a record points at, as {"code", "name"} (None when it points at none)."""
    if instance is None:
        return None
    return {"code": plain(getattr(instance, "code", instance.pk)), "name": str(getattr(instance, "name", instance))}


def fields(instance, names: Iterable[str]) -> dict[str, Any]:
    """{name: value} of a model instance's fields; a field with choices also gives its words (`<name>_display`)."""
    out: dict[str, Any] = {}
    for name in names:
        out[name] = plain(getattr(instance, name))
        display = getattr(instance, f"get_{name}_display", None)
        if display is not None and out[name] not in ("", None):
            out[f"{name}_display"] = str(display())
    return out
