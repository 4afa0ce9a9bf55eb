"""Every operation of the API that takes a JSON body, posted to as the regency administrator: a body that is not a
JSON object, an unknown field, or text with control characters is a 422 in words, never a 500, and nothing is
created (today `null` posted as an entry rule makes a rule that turns symptom referral off)."""

import json
import re

import pytest
from django.apps import apps

from smartkampung.api import api
from smartkampung.core.validators import CONTROL_MESSAGE, ONE_LINE_MESSAGE

pytestmark = pytest.mark.usefixtures("regions")
MULTILINE = ("note", "reason", "details", "description", "correction_reason", "outcome", "conditions", "reasons")
NOT_OBJECTS = ["null", "[]", '"x"', "1", "true", '[{"nik": "3510011708850001"}]']


def json_operations() -> list[tuple[str, str, dict]]:
    schema = api.get_openapi_schema()
    found = []
    for path, methods in schema["paths"].items():
        for method, operation in methods.items():
            body = operation.get("requestBody", {}).get("content", {}).get("application/json")
            if method in ("post", "put", "patch") and body:
                found.append((method, path, _resolve(schema, body["schema"])))
    return found


def _resolve(schema: dict, node: dict) -> dict:
    while "$ref" in node:
        node = schema["components"]["schemas"][node["$ref"].rsplit("/", 1)[-1]]
    return node


def _takes_text(node: dict) -> bool:
    """A free string (not a date or a choice, which refuse anything else anyway)."""
    options = [node, *node.get("anyOf", [])]
    return any(option.get("type") == "string" and not {"format", "enum"} & set(option) for option in options)


OPERATIONS = json_operations()


def url(path: str) -> str:
    # Path parameters get a harmless value: the body is validated with them, before the handler runs.
    return "/api/v1" + re.sub(r"\{[^}]+\}", "1", path.removeprefix("/api/v1"))


def rows() -> dict[str, int]:
    return {model._meta.label: model.objects.count() for model in apps.get_models()}


def send(client, method: str, path: str, body: str):
    return getattr(client, method)(url(path), body, content_type="application/json", HTTP_ACCEPT_LANGUAGE="en")


def test_there_are_operations_to_try():
    assert len(OPERATIONS) >= 15
    assert ("post", "/api/v1/entry-rules") in {(method, path) for method, path, _body in OPERATIONS}


@pytest.mark.parametrize(("method", "path", "body_schema"), OPERATIONS, ids=[f"{m} {p}" for m, p, _b in OPERATIONS])
def test_a_body_that_is_not_an_object_is_refused_in_words(admin_api, method, path, body_schema):
    before = rows()
    for body in NOT_OBJECTS:
        response = send(admin_api, method, path, body)

        assert response.status_code == 422, (body, response.content[:300])
        answer = response.json()
        assert "Send a JSON object here." in [e["message"] for e in answer["errors"]], (body, answer)
        assert answer["detail"].startswith("The request is not valid.")
    assert rows() == before


@pytest.mark.parametrize(("method", "path", "body_schema"), OPERATIONS, ids=[f"{m} {p}" for m, p, _b in OPERATIONS])
def test_unknown_fields_and_control_characters_are_refused_in_every_text_field(admin_api, method, path, body_schema):
    before = rows()
    response = send(admin_api, method, path, json.dumps({"a": "\u0000"}))
    assert response.status_code == 422
    assert any("Unknown field" in e["message"] for e in response.json()["errors"])

    texts = [name for name, node in body_schema.get("properties", {}).items() if _takes_text(node)]
    for name in texts:
        multiline = name in MULTILINE
        for text in ("NUL\u0000", "bell\u0007", *([] if multiline else ["one\nline", "a\ttab"])):
            response = send(admin_api, method, path, json.dumps({name: text}))

            assert response.status_code == 422, (name, text, response.content[:300])
            said = {e["message"] for e in response.json()["errors"] if e["field"] == name}
            assert said & {str(CONTROL_MESSAGE), str(ONE_LINE_MESSAGE)}, (name, text, response.json())
    assert rows() == before


def test_a_null_entry_rule_does_not_turn_symptom_referral_off(admin_api):
    from smartkampung.checkpoints.models import EntryRule

    response = admin_api.post("/api/v1/entry-rules", "null", content_type="application/json")

    assert response.status_code == 422
    assert not EntryRule.objects.exists()


def test_multi_line_text_keeps_its_line_breaks(admin_api):
    body = {"referral_symptoms": ["fever"], "note": "Aturan baru.\r\n\tBerlaku segera."}

    response = admin_api.post("/api/v1/entry-rules", json.dumps(body), content_type="application/json")

    assert response.status_code == 201
    assert response.json()["note"] == "Aturan baru.\r\n\tBerlaku segera."
