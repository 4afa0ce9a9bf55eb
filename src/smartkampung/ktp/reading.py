"""What a KTP scan answers: one shape for the API, the desk and the pre-registration page.

A reading carries every field of `vocab.FIELDS` (None for what could not be read), a confidence per field
(0..1) and the checks made on it, each a dict {"code", "field", "ok", "text"} whose text is already in words
(translated at the moment the check was made). The official region codes of a matched village and kecamatan
ride along as extras.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from smartkampung.ktp.vocab import FIELDS

__all__ = ["EXTRAS", "Reading", "check"]

# Keys a reading may carry besides FIELDS (the official codes of the matched regions).
EXTRAS: tuple[str, ...] = ("village_code", "district_code")


def check(code: str, field_name: str | None, ok: bool, text: str) -> dict[str, Any]:
    """One check in the API's shape; `text` is in words, already translated."""
    return {"code": code, "field": field_name, "ok": ok, "text": text}


@dataclass
class Reading:
    """A settled KTP reading: the card's fields, how sure each is, and what was checked."""

    fields: dict[str, str | None] = field(default_factory=dict)
    confidence: dict[str, float] = field(default_factory=dict)
    checks: list[dict[str, Any]] = field(default_factory=list)
    village_code: str | None = None
    district_code: str | None = None

    def __post_init__(self) -> None:
        # Every field is always present, so a consumer never has to guess whether a key is missing or empty.
        for name in FIELDS:
            self.fields.setdefault(name, None)
            self.confidence.setdefault(name, 0.0)

    def get(self, name: str) -> str | None:
        return self.fields.get(name)

    @property
    def nik(self) -> str | None:
        return self.fields.get("nik")

    def add_check(self, code: str, field_name: str | None, ok: bool, text: str) -> None:
        self.checks.append(check(code, field_name, ok, text))

    def as_json(self) -> dict[str, Any]:
        """The API's answer: the fields in card order, then the extras, the confidence and the checks."""
        out: dict[str, Any] = {name: self.fields.get(name) for name in FIELDS}
        out["village_code"] = self.village_code
        out["district_code"] = self.district_code
        out["confidence"] = {name: round(float(self.confidence.get(name, 0.0)), 3) for name in FIELDS}
        out["checks"] = [dict(c) for c in self.checks]
        return out
