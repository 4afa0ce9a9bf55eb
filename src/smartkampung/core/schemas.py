"""The base of every API schema. As input (a body or the query of a request) it takes a JSON object with known
keys only, and text without control characters (`core.validators`); as output it is django-ninja's Schema."""

from typing import Any, ClassVar

from django.utils.translation import gettext
from ninja import Schema as NinjaSchema
from ninja.errors import ValidationError
from ninja.parser import Parser
from ninja.schema import DjangoGetter
from pydantic import ValidationInfo, field_validator, model_validator
from pydantic_core import PydanticCustomError

from smartkampung.core.validators import control_character_message, strings_in

# Fields that hold free text over several lines (as their forms' text areas do).
MULTILINE_FIELDS = frozenset({"note", "reason", "details", "description", "correction_reason"})


def _is_input(info: ValidationInfo) -> bool:
    # django-ninja validates a request's input with {"request": …} and its answers with a response status too.
    context = info.context
    return isinstance(context, dict) and "request" in context and "response_status" not in context


class Schema(NinjaSchema):
    multiline_fields: ClassVar[frozenset[str]] = MULTILINE_FIELDS

    @model_validator(mode="before")
    @classmethod
    def _an_object_with_known_keys(cls, data: Any, info: ValidationInfo) -> Any:
        if not _is_input(info):
            return data
        # django-ninja's own validator may have wrapped the input already (for reading attributes of objects).
        raw = data._obj if isinstance(data, DjangoGetter) else data
        if isinstance(raw, NinjaSchema):
            return data
        if not isinstance(raw, dict):
            raise PydanticCustomError("object_expected", gettext("Send a JSON object here."))
        known = set()
        for name, field in cls.model_fields.items():
            known |= {name, field.alias, field.validation_alias if isinstance(field.validation_alias, str) else None}
        unknown = sorted(str(key) for key in raw if key not in known)
        if unknown:
            raise PydanticCustomError(
                "unknown_fields",
                gettext("Unknown field(s): {fields}."),
                {"fields": ", ".join(repr(key[:40]) for key in unknown[:10])},
            )
        return data

    @field_validator("*", mode="after")
    @classmethod
    def _no_control_characters(cls, value: Any, info: ValidationInfo) -> Any:
        if _is_input(info):
            multiline = info.field_name in cls.multiline_fields
            for text in strings_in(value):
                message = control_character_message(text, multiline=multiline)
                if message:
                    raise PydanticCustomError("control_characters", message)
        return value


class CheckedParser(Parser):
    """django-ninja's parser of query strings and form fields (those not read into a Schema, such as an upload's
    `Form[str]`), refusing control characters as the schemas do."""

    def parse_querydict(self, data, list_fields, request):
        for key, values in data.lists():
            for value in values:
                if not isinstance(value, str):  # request.FILES goes through here too
                    continue
                message = control_character_message(value, multiline=True)
                if message:
                    raise ValidationError([{"loc": ("form", key), "msg": message, "type": "control_characters"}])
        return super().parse_querydict(data, list_fields, request)
