"""The OpenAPI document describes the bodies the API really sends and takes.

django-ninja files every schema under its class name and, when two classes share one, keeps whichever came last:
the other endpoints then document somebody else's body. Every name must belong to one class.
"""

import typing
from collections import defaultdict

from ninja.openapi.schema import OpenAPISchema
from pydantic import BaseModel

from smartkampung.api import api


def nested_models(annotation, found: set) -> None:
    """Every pydantic model an annotation reaches (list[X], X | None, dict[str, X], fields of X...)."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        if annotation in found:
            return
        found.add(annotation)
        for field in annotation.model_fields.values():
            nested_models(field.annotation, found)
        return
    for argument in typing.get_args(annotation):
        nested_models(argument, found)


def schema_classes() -> dict[str, set[type]]:
    """Component name -> the classes documented under it, over every operation's parameters, bodies and answers."""
    found: set[type] = set()
    for _prefix, router in api._routers:
        for path_view in router.path_operations.values():
            for operation in path_view.operations:
                # The outer models are ninja's own wrappers (never components): start from their fields.
                wrappers = [*operation.models, *operation.response_models.values()]
                for wrapper in wrappers:
                    if isinstance(wrapper, type) and issubclass(wrapper, BaseModel):
                        for field in wrapper.model_fields.values():
                            nested_models(field.annotation, found)
    names = defaultdict(set)
    for model in found:
        names[model.__name__].add(model)
    return names


def test_every_schema_name_belongs_to_one_class():
    shared = {
        name: sorted(f"{model.__module__}.{model.__qualname__}" for model in models)
        for name, models in schema_classes().items()
        if len(models) > 1
    }

    assert shared == {}


def test_the_document_never_files_two_bodies_under_one_name():
    clashes = []

    class Strict(OpenAPISchema):
        def add_schema_definitions(self, definitions: dict) -> None:
            clashes.extend(
                name for name, body in definitions.items() if name in self.schemas and self.schemas[name] != body
            )
            super().add_schema_definitions(definitions)

    document = Strict(api, "/api/v1/")

    assert clashes == []
    assert "ErrorOut" in document["components"]["schemas"]


def test_the_walk_sees_the_schemas_of_every_app():
    # A walk that found nothing would pass the test above without looking.
    names = schema_classes()

    assert {"ErrorOut", "IsolationErrorOut", "NotificationErrorOut", "HealthErrorOut", "NoAidReportOut"} <= set(names)


def test_every_api_operation_has_a_url_name_of_its_own():
    # django-ninja names each operation's URL after its function: two functions of one name (a list_places in
    # isolation and in tourism) make reverse("api-v1:list_places") answer one of them, silently.
    from collections import Counter

    from django.urls import URLPattern

    names = Counter(pattern.name for pattern in api.urls[0] if isinstance(pattern, URLPattern))
    assert not [name for name, count in names.items() if count > 1]
