"""The JSON API against its own OpenAPI schema (schemathesis, through the WSGI application).

Schemathesis generates requests for every operation of /api/openapi.json, valid and invalid,
and checks each answer: never a 5xx, a status code the schema declares, the declared content
type, and a body that matches the declared schema. It runs twice: as the public (staff routes
answer 401) and as Alice, signed in with a CSRF token, so that the staff routes do their work.
The database has an open campaign with valid tokens, and a hook puts one of them into some of
the generated ballots, so that the success paths are exercised too.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
import schemathesis
from django.core.cache import cache
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.middleware.csrf import CSRF_ALLOWED_CHARS, CSRF_SECRET_LENGTH
from django.test import override_settings
from django.utils.crypto import get_random_string
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.schemas import OpenApiSchema

from pingyi.api import api
from pingyi.campaigns.models import Campaign
from pingyi.campaigns.services import campaign_close
from pingyi.voting.services import IssuedBatch, ballot_submit, token_issue
from tests.db.conftest import STAFF, make_campaign
from tests.web.conftest import Cast, client_for

pytestmark = pytest.mark.django_db
MARKS = {"L1": "满意", "V1": "不满意"}
EXAMPLES = settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=list(HealthCheck),
)


@pytest.fixture(params=["public", "alice"])
def who(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def session(cast: Cast, who: str) -> Iterator[None]:
    """As Alice: her session cookie and a CSRF token, as her browser would send them."""
    if who == "alice":
        _session.append(client_for(cast.alice).cookies["sessionid"].value)
    yield
    _session.clear()


@pytest.fixture(autouse=True)
def _fast_hashing() -> Iterator[None]:
    """The cast's passwords with a fast hasher: the real one costs half a second each."""
    with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
        yield


def application(environ: dict[str, Any], start_response: Callable[..., Any]) -> list[bytes]:
    """Django's WSGI application, minus the connection closing at the end of each request,
    which would end the test's transaction (Django's own test client does the same)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        response = _handler(environ, start_response)
        body = b"".join(response)
        response.close()  # type: ignore[attr-defined]
        return [body]
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


_handler = WSGIHandler()
# Loaded when the module is collected: the schema is served without the database.
schema = schemathesis.openapi.from_wsgi("/api/openapi.json", application)
_tokens: list[str] = []
_campaign_code: list[str] = []
_session: list[str] = []


@schema.auth(refresh_interval=None)
class StaffSession:
    """Alice's session for the staff routes; none for the public run (they answer 401)."""

    def get(self, case: schemathesis.Case, context: Any) -> str | None:
        return _session[0] if _session else None

    def set(self, case: schemathesis.Case, data: str, context: Any) -> None:
        secret = get_random_string(CSRF_SECRET_LENGTH, allowed_chars=CSRF_ALLOWED_CHARS)
        case.cookies = {**(case.cookies or {}), "sessionid": data, "csrftoken": secret}
        case.headers = {**(case.headers or {}), "X-CSRFToken": secret}


def _closed_campaign() -> Campaign:
    """Alice's office's campaign of last year, closed with enough ballots to show results."""
    campaign = make_campaign(year=2025)
    group = campaign.groups.get(code="service_recipients")
    for code in token_issue(campaign=campaign, group=group, count=8, actor=STAFF).codes:
        ballot_submit(code=code, marks=MARKS)
    return campaign_close(campaign=campaign, actor=STAFF)


@pytest.fixture
def real_values(cast: Cast, issued: IssuedBatch) -> Iterator[None]:
    cache.clear()
    _tokens[:] = issued.codes
    _campaign_code[:] = [cast.campaign.code, _closed_campaign().code]
    with override_settings(PINGYI_TOKEN_FAILURES=10**9, PINGYI_BALLOT_POSTS=10**9):
        yield
    _tokens.clear()
    _campaign_code.clear()


def _with_real_values(case: schemathesis.Case) -> None:
    """Now and then the real campaign's code and a real token, so that the routes succeed
    too; schemathesis re-checks a changed case against the schema before judging it."""
    if case.method.upper() != case.operation.method.upper():
        return  # a probe with a method the route does not have: 405 whatever the body
    parameters = case.path_parameters or {}
    size = len(str(parameters.get("code", "")))
    if "code" in parameters and size % 2 == 0:
        case.path_parameters = {**parameters, "code": _campaign_code[size // 2 % 2]}
    body = case.body
    if isinstance(body, dict) and isinstance(body.get("token"), str) and _tokens:
        if len(body["token"]) % 3 == 0:
            body = {**body, "token": _tokens.pop()}
            if "marks" in body and len(body["token"]) % 2 == 0:
                body["marks"] = MARKS
            case.body = body
    if isinstance(body, dict) and isinstance(body.get("group"), str):
        if len(body["group"]) % 2 == 0:
            case.body = {**body, "group": "服务对象"}


@schema.parametrize()
@EXAMPLES
def test_the_api_keeps_its_schema(
    case: schemathesis.Case, session: None, real_values: None
) -> None:
    _with_real_values(case)
    r = case.call_and_validate()
    print("STAT", case.operation.label, bool(_session), r.status_code)


def test_every_operation_is_tested() -> None:
    """A new route is covered without a new test: every operation of the schema is loaded."""
    assert isinstance(schema, OpenApiSchema)
    loaded = {f"{op.ok().method.upper()} {op.ok().path}" for op in schema.get_all_operations()}
    served = {
        f"{method.upper()} {path}"
        for path, methods in api.get_openapi_schema()["paths"].items()
        for method in methods
    }
    assert loaded == served and len(loaded) >= 10
