"""R21/R23: a NUL or an over-long value in any address, form or API body is a 4xx that says
what is wrong, in the UI language — never a 500, never a traceback in the log (issue 12, item
11). Every route of the URL conf and every operation of the API's schema is tried."""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import quote

import pytest
from django import forms
from django.apps import apps
from django.db import models
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from pingyi.api import api
from pingyi.campaigns.models import Campaign
from pingyi.rules.text import TEXT_LIMIT, TextRefused
from tests.once import ModuleRows
from tests.web.conftest import Cast, client_for, client_with, signed_in

pytestmark = pytest.mark.django_db
ZH = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}
NUL = "\x00"
LONG = 20_001  # one more than the longest text any body takes (a report, 20,000)
PARAMETER = re.compile(r"<(?:(?P<kind>\w+):)?(?P<name>\w+)>")


@pytest.fixture
def cast(shared_cast: Cast) -> Cast:
    """Built once for the module's tests, each test's writes rolled back (tests/once.py)."""
    return shared_cast


@pytest.fixture(scope="module")
def alice(module_db: ModuleRows, _cast_built: Cast) -> str:
    """Alice's session, signed in once for the module's tests (signed_in)."""
    session = module_db.build(lambda: signed_in({"alice": _cast_built.alice}))["alice"]
    assert session is not None
    return session


def routes(patterns: list[Any] | None = None, prefix: str = "") -> Iterator[str]:
    """Every route of the URL conf (the API's included), as its pattern: /staff/c/<slug:code>/."""
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            if pattern.namespace != "admin":  # Django's own: its converters refuse a NUL
                yield from routes(pattern.url_patterns, route)
        elif isinstance(pattern, URLPattern) and "<" in route:
            yield "/" + route


ROUTES = sorted(set(routes()))


def filled(route: str, cast: Cast, odd: str | None = None, value: str = "") -> str:
    """The route with real values in its parameters, and ``value`` in the one named ``odd``."""

    def part(found: re.Match[str]) -> str:
        if found.group("name") == odd:
            return quote(value, safe="")
        kind = found.group("kind")
        if kind in ("int", None) and found.group("name") in ("pk", "series", "year", "number"):
            return "1"
        return {"int": "1", "uuid": "00000000-0000-0000-0000-000000000001"}.get(
            kind or "", cast.campaign.code
        )

    return PARAMETER.sub(part, route)


def parameters(route: str) -> list[str]:
    return [m.group("name") for m in PARAMETER.finditer(route)]


def errors_logged(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR or r.exc_info]


def zh_message(response: Any) -> str:
    if response["Content-Type"].startswith("application/json"):
        return str(response.json()["detail"])
    return response.content.decode()


@pytest.mark.parametrize("route", ROUTES)
def test_a_nul_in_any_part_of_an_address_is_not_found_saying_why_in_the_ui_language(
    cast: Cast, alice: str, route: str, caplog: pytest.LogCaptureFixture
) -> None:
    for session in (None, alice):
        client = client_with(session)
        for name in parameters(route):
            url = filled(route, cast, odd=name, value="U1\x00")
            for method in (client.get, client.post):
                response = method(url, **ZH)
                assert response.status_code == 404, (url, method)  # no page has such an address
                assert "地址含有空字符" in zh_message(response), url
                if url.startswith("/api/"):
                    assert response.json()["code"] == "not_found"
    assert errors_logged(caplog) == []


@pytest.mark.parametrize("route", ROUTES)
def test_an_over_long_part_of_an_address_is_never_a_server_error(
    cast: Cast, alice: str, route: str, caplog: pytest.LogCaptureFixture
) -> None:
    client = client_with(alice)
    for name in parameters(route):
        url = filled(route, cast, odd=name, value="9" * LONG)
        for method in (client.get, client.post):
            response = method(url, **ZH)
            # a 404 mostly; a receipt nobody holds is "not counted", a format none has goes back
            assert response.status_code < 500, (url, method, response.status_code)
    assert errors_logged(caplog) == []


def test_a_nul_in_a_query_or_a_form_field_is_refused_saying_which(cast: Cast) -> None:
    client = client_for(cast.alice)
    response = client.get("/staff/?q=a\x00b", **ZH)
    assert response.status_code == 400
    assert "查询参数“q”含有空字符" in response.content.decode()
    url = f"/staff/c/{cast.campaign.code}/units"
    response = client.post(
        url, {"code": "U9", "name": "新单位\x00", "category": "地方管理部门"}, **ZH
    )
    assert response.status_code == 400
    assert "表单字段“name”含有空字符" in response.content.decode()
    assert not cast.campaign.units.filter(code="U9").exists()


def test_the_public_receipt_check_refuses_a_nul_with_a_page_in_the_layout() -> None:
    response = Client().post("/receipt/", {"campaign": "x", "receipt": "2345\x00"}, **ZH)
    assert response.status_code == 400
    page = response.content.decode()
    assert "请求被拒绝" in page and 'class="bar"' in page  # the site's layout


# --------------------------------------------------------------------------- the JSON API


def body_schemas() -> Iterator[tuple[str, str, dict[str, Any]]]:
    """(method, path, schema of the JSON body) of every API operation that takes one."""
    spec = api.get_openapi_schema()
    components = spec["components"]["schemas"]
    for path, operations in spec["paths"].items():
        for method, operation in operations.items():
            content = operation.get("requestBody", {}).get("content", {})
            if "application/json" in content:
                ref = content["application/json"]["schema"]["$ref"].rsplit("/", 1)[1]
                yield method, path, components[ref]


def strings(schema: dict[str, Any], at: str = "") -> Iterator[tuple[str, dict[str, Any]]]:
    """Every string a body may hold, with where (dotted) and its schema."""
    options = schema.get("anyOf", [schema])
    for option in options:
        kind = option.get("type")
        if kind == "string" and any(o.get("type") == "number" for o in options):
            continue  # a decimal written as text: refused unless it is a number
        if kind == "string":
            yield at, option
        elif kind == "object":
            for name, field in option.get("properties", {}).items():
                yield from strings(field, f"{at}.{name}".lstrip("."))
            extra = option.get("additionalProperties")
            if isinstance(extra, dict):
                yield from strings(extra, f"{at}.*")
            names = option.get("propertyNames")
            if isinstance(names, dict):
                yield from strings(names, f"{at}.<key>")
        elif kind == "array":
            yield from strings(option["items"], f"{at}[]")


BODIES = sorted(body_schemas(), key=lambda b: (b[1], b[0]))
TEXT_BODIES = [b for b in BODIES if any(strings(b[2]))]


def test_every_string_of_every_api_body_declares_its_maximum_length_and_no_nul() -> None:
    unbounded = [
        f"{method.upper()} {path} {at}"
        for method, path, schema in BODIES
        for at, string in strings(schema)
        if "enum" not in string and ("maxLength" not in string or "pattern" not in string)
    ]
    assert unbounded == [], unbounded


def example(schema: dict[str, Any]) -> Any:
    """A body of the right shape: what the validation reaches before any lookup."""
    option = next((o for o in schema.get("anyOf", [schema]) if o.get("type") != "null"), schema)
    kind = option.get("type")
    if kind == "object":
        return {name: example(field) for name, field in option.get("properties", {}).items()}
    if kind == "array":
        return [example(option["items"])]
    return {"string": "x", "integer": 1, "number": 1, "boolean": True}.get(kind or "")


def poisoned(schema: dict[str, Any], field: str, value: str) -> dict[str, Any]:
    body = example(schema)
    if field.endswith(".*"):  # a mapping's values (the ballot's marks)
        body[field[:-2]] = {"U1": value}
    elif field.endswith(".<key>"):
        body[field[: -len(".<key>")]] = {value: "x"}
    elif field.endswith("[]"):
        body[field[:-2]] = [value]
    else:
        body[field] = value
    return body


def api_url(path: str, cast: Cast) -> str:
    return re.sub(r"\{\w+\}", lambda m: "1" if m.group(0) == "{pk}" else cast.campaign.code, path)


@pytest.mark.parametrize(
    ("method", "path", "schema"), TEXT_BODIES, ids=[f"{m} {p}" for m, p, _ in TEXT_BODIES]
)
def test_every_api_body_refuses_a_nul_or_an_over_long_string_in_the_ui_language(
    cast: Cast,
    alice: str,
    method: str,
    path: str,
    schema: dict[str, Any],
    caplog: pytest.LogCaptureFixture,
) -> None:
    client = client_with(alice)
    fields = [at for at, _s in strings(schema)]
    for field in fields:
        for value, words in (("a\x00b", "含有空字符"), ("长" * LONG, "过长")):
            body = json.dumps(poisoned(schema, field, value))
            response = client.generic(
                method.upper(), api_url(path, cast), body, content_type="application/json", **ZH
            )
            assert response.status_code == 400, (path, field, response.content[:300])
            detail = response.json()["detail"]
            name = re.split(r"[.\[]", field)[0]
            assert words in detail and f"“{name}" in detail, (path, field, detail)
            assert response.json()["code"] == "invalid"
    assert errors_logged(caplog) == []


def test_an_objection_through_the_api_with_a_nul_is_refused_naming_the_field(cast: Cast) -> None:
    body = json.dumps({"unit": "U1", "text": "评议结果有误\x00"})
    response = Client().post(
        "/api/notices/some-notice/objections", body, content_type="application/json", **ZH
    )
    assert response.status_code == 400
    assert response.json()["detail"] == "字段“text”含有空字符（\\0），请删除后重试"


# --------------------------------------------------------------------------- forms and rows


def form_classes() -> Iterator[type[forms.BaseForm]]:
    seen: set[type[forms.BaseForm]] = set()
    todo: list[type[forms.BaseForm]] = [forms.Form, forms.ModelForm]
    while todo:
        for sub in todo.pop().__subclasses__():
            if sub not in seen:
                seen.add(sub)
                todo.append(sub)
                if sub.__module__.startswith("pingyi."):
                    yield sub


def test_every_text_field_of_every_form_declares_its_maximum_length() -> None:
    get_resolver().url_patterns  # noqa: B018 — imports every view, and with it every form
    unbounded = [
        f"{form.__module__}.{form.__name__}.{name}"
        for form in form_classes()
        for name, field in form.base_fields.items()
        if isinstance(field, forms.CharField)
        and not isinstance(field, forms.EmailField | forms.URLField)
        and field.max_length is None
    ]
    assert unbounded == [], unbounded


def test_a_text_that_would_reach_a_row_with_a_nul_or_beyond_its_limit_is_refused(
    cast: Cast,
) -> None:
    campaign = Campaign.objects.get(pk=cast.campaign.pk)
    campaign.name = "评议\x00"
    with pytest.raises(TextRefused, match="holds a NUL"):
        campaign.save()
    campaign.name = "评" * 201
    with pytest.raises(TextRefused, match="201 characters long; at most 200"):
        campaign.save()
    assert Campaign.objects.get(pk=campaign.pk).name == cast.campaign.name


def test_every_text_column_of_pingyi_is_checked_before_it_is_saved() -> None:
    """A TextField without a limit still gets one (TEXT_LIMIT); none is left unchecked."""
    texts = [
        f
        for model in apps.get_models()
        if model.__module__.startswith("pingyi.")
        for f in model._meta.concrete_fields
        if isinstance(f, models.TextField)
    ]
    assert texts and all((f.max_length or TEXT_LIMIT) <= TEXT_LIMIT for f in texts)
