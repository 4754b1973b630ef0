"""The base of every JSON request body of the API, and the refusals every route declares."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from ninja import Schema
from ninja.schema import DjangoGetter
from pydantic import (
    ConfigDict,
    ModelWrapValidatorHandler,
    ValidationInfo,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

from pingyi.rules.text import NUL

# The error type a NUL gives (beside pydantic's own, e.g. string_too_long): pingyi.api words it.
NUL_ERROR = "nul_character"


def _holds_nul(value: Any) -> bool:
    if isinstance(value, str):
        return NUL in value
    if isinstance(value, dict):
        if all(type(k) is str and type(v) is str for k, v in value.items()):
            # text to text (a ballot's marks): two joins, not a call per string
            return NUL in "".join(value) or NUL in "".join(value.values())
        return any(_holds_nul(k) or _holds_nul(v) for k, v in value.items())
    if isinstance(value, list | tuple | set):
        return any(_holds_nul(v) for v in value)
    return False


# In the OpenAPI schema, every string says it holds no NUL (clients and fuzzers read it).
NO_NUL = r"^[^\x00]*$"


def _declare_no_nul(schema: dict[str, Any]) -> None:
    if schema.get("type") == "string" and "pattern" not in schema and "enum" not in schema:
        schema["pattern"] = NO_NUL
    for key in ("properties", "$defs"):
        for inner in (schema.get(key) or {}).values():
            _declare_no_nul(inner)
    if isinstance(schema.get("propertyNames"), dict):
        schema["propertyNames"].setdefault("type", "string")  # a mapping's keys are text
    for key in ("items", "additionalProperties", "propertyNames"):
        if isinstance(schema.get(key), dict):
            _declare_no_nul(schema[key])
    for inner in schema.get("anyOf", []):
        _declare_no_nul(inner)


def _schema_extra(schema: dict[str, Any], cls: type) -> None:
    _declare_no_nul(schema)


class StrictIn(Schema):
    """A body read exactly as its schema says: ``true`` is not the count 1 and ``"1"`` is not
    a number (pydantic would otherwise coerce them, and accept what the schema refuses).

    No text in it holds a NUL, in any field, list or mapping key (R23): PostgreSQL would
    answer one with an error. Every string declares its maximum length (tests/web).
    """

    model_config = ConfigDict(strict=True, json_schema_extra=_schema_extra)

    @model_validator(mode="wrap")
    @classmethod
    def _run_root_validator(
        cls, values: Any, handler: ModelWrapValidatorHandler[Any], info: ValidationInfo
    ) -> Any:
        """ninja's Schema wraps whatever it validates in a DjangoGetter, to read model
        instances and resolve_* methods; a request body is a mapping and no input declares a
        resolver, so a mapping is validated as it is (the getter cost the ballot's 66 marks
        a lookup each). Anything else goes the Schema's way."""
        if isinstance(values, dict):
            return handler(values)
        return handler(DjangoGetter(values, cls, info.context))

    @field_validator("*", mode="after")
    @classmethod
    def _refuse_nul(cls, value: Any) -> Any:
        if _holds_nul(value):
            raise PydanticCustomError(NUL_ERROR, "holds a NUL character")
        return value


class Error(Schema):
    """Every refusal's body: one sentence in the caller's language."""

    detail: str


class StatusOut(Schema):
    """What a step answers: the record's code and its status now."""

    code: str
    status: str


# A route's refusals, each with an Error body: 400 a request it cannot read, 401 not signed in,
# 403 a role that may not, 404 not found (or not the user's), 409 refused by the rules.
REFUSALS = (400, 401, 403, 404, 409)
# A route the rules never refuse (it reads, or its step has no rule to break).
READ_REFUSALS = (400, 401, 403, 404)


def answers(ok: Any, status: int = 200, *, refusals: Iterable[int] = REFUSALS) -> dict[int, Any]:
    """A route's ``response=``: ``ok`` under ``status`` and each of ``refusals`` as an Error."""
    return {status: ok, **dict.fromkeys(refusals, Error)}
