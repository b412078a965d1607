"""The OpenAPI document is what the server does: one definition per name, every list in one
shape, and every input through the schema that refuses what the database cannot store."""

from __future__ import annotations

import enum
import types
import typing
from collections.abc import Iterator
from typing import Any

from django.test import Client
from ninja.operation import Operation
from pydantic import BaseModel

from rapport.api.api import api
from rapport.api.schemas.base import Input
from tests.api.conftest import ApiClient
from tests.conftest import World

ALLOWED_LOOSE_PARAMS = (int, bool, enum.Enum)


def _operations() -> Iterator[tuple[str, Operation]]:
    for prefix, router in api._routers:
        for path, view in router.path_operations.items():
            for operation in view.operations:
                yield f"{prefix}{path}", operation


def _named_types(annotation: Any, seen: dict[str, set[type]]) -> None:
    """Every model and enum an annotation uses, by the name the document gives it."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        if annotation in seen.get(annotation.__name__, set()):
            return
        if annotation.__module__.startswith("rapport."):
            seen.setdefault(annotation.__name__, set()).add(annotation)
        for field in annotation.model_fields.values():
            _named_types(field.annotation, seen)
    elif isinstance(annotation, type) and issubclass(annotation, enum.Enum):
        seen.setdefault(annotation.__name__, set()).add(annotation)
    else:
        for arg in typing.get_args(annotation):
            _named_types(arg, seen)


def test_no_two_schemas_share_a_name() -> None:
    seen: dict[str, set[type]] = {}
    for _, operation in _operations():
        for model in operation.models:
            _named_types(model, seen)
        for response in operation.response_models.values():
            _named_types(response, seen)
    shared = {
        name: sorted(f"{t.__module__}.{t.__qualname__}" for t in types_)
        for name, types_ in seen.items()
        if len(types_) > 1
    }
    assert shared == {}
    components = Client().get("/api/v1/openapi.json").json()["components"]["schemas"]
    assert {"CaseNoteIn", "ReferralNoteIn", "CaseCallIn", "OutreachCallIn"} <= set(components)
    assert {"SiteOut", "SiteRef"} <= set(components)


def _body_models(operation: Operation) -> Iterator[tuple[str, Any]]:
    for model in operation.models:
        for name, field in model.model_fields.items():
            yield name, field.annotation


def _is_loose_param_allowed(annotation: Any) -> bool:
    if isinstance(annotation, type):
        return issubclass(annotation, (Input, *ALLOWED_LOOSE_PARAMS))
    args = [a for a in typing.get_args(annotation) if a is not type(None)]
    origin = typing.get_origin(annotation)
    if origin in {typing.Union, types.UnionType} or origin is typing.Annotated:
        return all(_is_loose_param_allowed(a) for a in args[:1] or args)
    return False


def test_every_input_passes_through_the_storable_schema() -> None:
    loose = [
        f"{operation.view_func.__module__}.{operation.view_func.__name__}({name})"
        for _, operation in _operations()
        for name, annotation in _body_models(operation)
        if not _is_loose_param_allowed(annotation)
    ]
    assert loose == []


def test_every_string_an_operation_reads_has_a_max_length_or_a_pattern() -> None:
    """Free text is bounded by its column (or LONG_TEXT); an unbounded string would reach the
    database to be refused there."""
    schema = Client().get("/api/v1/openapi.json").json()
    components = schema["components"]["schemas"]
    unbounded: list[str] = []

    def visit(where: str, node: Any) -> None:
        if not isinstance(node, dict):
            return
        if "$ref" in node:
            name = node["$ref"].rsplit("/", 1)[1]
            if name not in visited:
                visited.add(name)
                visit(name, components[name])
            return
        if node.get("type") == "string" and not (
            {"maxLength", "enum", "format", "pattern", "const"} & set(node)
        ):
            unbounded.append(where)
        for key, value in node.items():
            if key == "properties":
                for prop, sub in value.items():
                    visit(f"{where}.{prop}", sub)
            elif isinstance(value, dict):
                visit(where, value)
            elif isinstance(value, list):
                for item in value:
                    visit(where, item)

    visited: set[str] = set()
    for path, methods in schema["paths"].items():
        for method, operation in methods.items():
            for parameter in operation.get("parameters", []):
                visit(f"{method} {path} {parameter['name']}", parameter["schema"])
            for content in operation.get("requestBody", {}).get("content", {}).values():
                visit(f"{method} {path} body", content["schema"])
    # The CSV of an audience import is bounded by the request size alone; an amount sent as a
    # decimal string by max_digits; a social post's text by RAPPORT_SOCIAL_MAX_TEXT, which the
    # action checks so that any longer post is a 413 (tests/api/test_social_posts.py).
    assert unbounded == [
        "MakeGoodIn.amount",
        "LimitIn.amount",
        "ImportIn.csv",
        "PostIn.text",
    ], unbounded


def test_every_list_is_a_page_of_items_and_next(world: World, api_as: Any) -> None:
    schema = Client().get("/api/v1/openapi.json").json()
    components = schema["components"]["schemas"]
    lists = []
    # A searchable list also says why each item matched its `q`.
    searchable = {"/api/v1/cases", "/api/v1/customers"}
    for path, methods in schema["paths"].items():
        get = methods.get("get")
        if get is None:
            continue
        body = get["responses"]["200"].get("content", {}).get("application/json", {})
        shape = body.get("schema", {})
        assert shape.get("type") != "array", f"{path} answers a bare array"
        ref = shape.get("$ref", "")
        if ref.endswith("Page"):
            component = components[ref.rsplit("/", 1)[1]]
            extra = {"matches"} if path in searchable else set()
            assert set(component["properties"]) == {"items", "next", *extra}, path
            lists.append(path)
    assert len(lists) == 25, lists
    # And the server answers in that shape, on every one of them.
    supervisor: ApiClient = api_as(world.supervisor)
    for path in lists:
        url = path.removeprefix("/api/v1").format(
            customer_id=world.customer.pk,
            case_id=world.case.pk,
            incident_id=_incident(supervisor),
        )
        body = supervisor.get(url).json()
        extra = {"matches"} if path in searchable else set()
        assert set(body) == {"items", "next", *extra} and isinstance(body["items"], list), path


def _incident(api: ApiClient) -> int:
    found = api.get("/outreach/incidents").json()["items"]
    if found:
        return int(found[0]["id"])
    return int(api.post("/outreach/incidents", {"title": "Storm"}).json()["id"])


def test_every_integer_in_a_path_is_bounded_to_64_bits() -> None:
    """An id past 2**63 - 1 overflows SQLite's driver: paths take `Id`, documented with a
    maximum, so such an id is a 422 and never reaches the database."""
    schema = Client().get("/api/v1/openapi.json").json()
    unbounded = [
        f"{method.upper()} {path} {parameter['name']}"
        for path, methods in schema["paths"].items()
        for method, operation in methods.items()
        for parameter in operation.get("parameters", [])
        if parameter["in"] == "path"
        and parameter["schema"].get("type") == "integer"
        and parameter["schema"].get("maximum") != 2**63 - 1
    ]
    assert unbounded == []
