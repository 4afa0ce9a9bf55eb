"""The one refusal: a service refuses a write by raising `Refused` (or an app's subclass of it); pages show its
messages next to their fields, and the API answers it with one handler (smartkampung/api.py) in one shape:
{"detail": the messages as sentences, "errors": [{"field", "message"}], …extra}."""

from collections.abc import Iterable

SENTENCE_ENDS = (".", "!", "?", "…", ":")


def sentences(messages: Iterable[str]) -> str:
    """Messages joined as sentences: each ends with its own full stop (one is added when it has none), one
    space between them ("Tidak sah. Pilih desa.", never "Tidak sah.; Pilih desa")."""
    parts = []
    for message in messages:
        text = str(message).strip()
        if text:
            parts.append(text if text.endswith(SENTENCE_ENDS) else f"{text}.")
    return " ".join(parts)


class Refused(Exception):
    """A write refused: (field, message) pairs in the user's language; `status` is the HTTP answer
    (422 bad input, 403 not allowed, 404 not found, 409 conflict); `extra` goes into the API's answer as is
    (for example the earlier record a conflict is about)."""

    status_default = 422

    def __init__(self, errors: list[tuple[str, str]], status: int | None = None, *, extra: dict | None = None):
        self.errors = [("" if field is None else str(field), str(message)) for field, message in errors]
        self.status, self.extra = status or self.status_default, extra or {}
        super().__init__(self.detail)

    @property
    def detail(self) -> str:
        return sentences(dict.fromkeys(message for _field, message in self.errors))  # each message once

    def as_dict(self) -> dict:
        """The API's answer."""
        return {
            "detail": self.detail,
            "errors": [{"field": field, "message": message} for field, message in self.errors],
            **self.extra,
        }
