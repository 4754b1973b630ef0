"""The JSON API against its own OpenAPI schema (schemathesis, through the WSGI application).

Schemathesis generates requests for every operation of /api/openapi.json, valid and invalid,
and checks each answer: never a 5xx, a status code the schema declares, the declared content
type, and a body that matches the declared schema. It runs twice: as the public (staff routes
answer 401) and as Alice, signed in with a CSRF token, so that the staff routes do their work.
The database has an open campaign with valid tokens, and a hook puts one of them into some of
the generated ballots, so that the success paths are exercised too.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.core.cache import cache
from django.core.handlers.wsgi import WSGIHandler
from django.middleware.csrf import CSRF_ALLOWED_CHARS, CSRF_SECRET_LENGTH
from django.test import override_settings
from django.utils.crypto import get_random_string
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.schemas import OpenApiSchema

from pingyi.voting.services import IssuedBatch
from tests.web.conftest import Cast, client_for

pytestmark = pytest.mark.django_db
EXAMPLES = settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=list(HealthCheck),
)


@pytest.fixture(params=["public", "alice"])
def who(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def headers(cast: Cast, who: str) -> dict[str, str]:
    """Alice's session cookie and a CSRF token, as her browser would send them."""
    if who == "public":
        return {}
    session = client_for(cast.alice).cookies["sessionid"].value
    secret = get_random_string(CSRF_SECRET_LENGTH, allowed_chars=CSRF_ALLOWED_CHARS)
    return {"Cookie": f"sessionid={session}; csrftoken={secret}", "X-CSRFToken": secret}


@pytest.fixture
def api_schema(cast: Cast, issued: IssuedBatch, headers: dict[str, str]) -> Iterator[Any]:
    cache.clear()
    with override_settings(PINGYI_TOKEN_FAILURES=10**9, PINGYI_BALLOT_POSTS=10**9):
        schema = schemathesis.openapi.from_wsgi("/api/openapi.json", WSGIHandler())
        tokens = iter(issued.codes)

        @schema.hook
        def map_body(context: Any, body: Any) -> Any:
            """Now and then a real token, so that ballots can succeed."""
            if isinstance(body, dict) and isinstance(body.get("token"), str):
                token = next(tokens, None)
                if token is not None and len(body["token"]) % 3 == 0:
                    body = {**body, "token": token}
            return body

        yield schema


schema = schemathesis.pytest.from_fixture("api_schema")


@schema.parametrize()
@EXAMPLES
def test_the_api_keeps_its_schema(case: schemathesis.Case, headers: dict[str, str]) -> None:
    case.call_and_validate(headers=headers)


def test_every_operation_is_tested(cast: Cast) -> None:
    """A new route is covered without a new test: the schema lists all that api.py has."""
    loaded = schemathesis.openapi.from_wsgi("/api/openapi.json", WSGIHandler())
    assert isinstance(loaded, OpenApiSchema)
    operations = {f"{op.ok().method.upper()} {op.ok().path}" for op in loaded.get_all_operations()}
    assert len(operations) == 11
