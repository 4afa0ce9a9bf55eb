"""The one check of typed text: no control characters (PostgreSQL cannot even store NUL). Multi-line text (notes,
reasons) may hold line breaks and tabs; everything else is one line. Used by every form text field
(`core.forms.TextChecked`), every API schema (`core.schemas.Schema`) and, for whatever reaches a view
another way, by `core.middleware.RefuseControlCharacters`."""

import re

from django.core.exceptions import ValidationError
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _

# Every C0 and C1 control character and DEL; line breaks and tabs are allowed in multi-line text only.
_ANY_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f]")
_CONTROL_BUT_LINES = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")

ONE_LINE_MESSAGE = _("Write this on one line, without tabs or control characters.")
CONTROL_MESSAGE = _("Remove the control characters (such as NUL) from this text.")


def has_control_characters(value: str, *, multiline: bool = False) -> bool:
    return (_CONTROL_BUT_LINES if multiline else _ANY_CONTROL).search(value) is not None


def control_character_message(value: str, *, multiline: bool = False) -> str | None:
    """What is wrong with `value` in words, or None when it is clean (or not text)."""
    if not isinstance(value, str) or not has_control_characters(value, multiline=multiline):
        return None
    if not multiline and not has_control_characters(value, multiline=True):
        return str(ONE_LINE_MESSAGE)
    return str(CONTROL_MESSAGE)


def strings_in(value):
    """Every string inside a parsed JSON value (dict values, list items), keys left out."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from strings_in(item)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from strings_in(item)


@deconstructible
class NoControlCharacters:
    """A Django validator: refuses control characters (line breaks and tabs too, unless `multiline`)."""

    def __init__(self, multiline: bool = False):
        self.multiline = multiline

    def __call__(self, value) -> None:
        if isinstance(value, str):
            message = control_character_message(value, multiline=self.multiline)
            if message:
                raise ValidationError(message, code="control_characters")

    def __eq__(self, other) -> bool:
        return isinstance(other, NoControlCharacters) and other.multiline == self.multiline
