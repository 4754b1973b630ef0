"""The JSON API against its own OpenAPI schema (schemathesis, through the WSGI application).

Schemathesis generates requests for every operation of /api/openapi.json, valid and invalid
(and probes with methods a route does not have), and runs its default checks on each answer:
never a 5xx, a status code and content type the schema declares, a body that matches the
declared schema, invalid input refused, authentication enforced. Each operation runs twice: as
the public (staff routes answer 401, or 403 for a POST without a CSRF token) and as Alice,
signed in with a CSRF token. The database has an open campaign with tokens and a closed one
with results; now and then a generated request gets a real campaign code, token or group, so
that the success paths are exercised too.
"""

from __future__ import annotations

import json
import os
from collections import defaultdict
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import schemathesis
from django.core.cache import cache
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, connection
from django.middleware.csrf import CSRF_ALLOWED_CHARS, CSRF_SECRET_LENGTH
from django.test import Client, override_settings
from django.utils.crypto import get_random_string
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance
from schemathesis.specs.openapi.schemas import OpenApiSchema

from pingyi.accounts.actors import Actor
from pingyi.api import api
from pingyi.campaigns.models import Campaign
from pingyi.campaigns.services import campaign_close
from pingyi.voting.services import IssuedBatch, ballot_submit, token_issue
from tests.cast import STAFF, make_campaign
from tests.web.conftest import Cast, client_for

pytestmark = pytest.mark.django_db
MARKS = {"L1": "满意", "V1": "不满意"}
# The same examples on every run (CI must not fail by chance); PINGYI_FUZZ=1 explores anew.
EXAMPLES = settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=not os.environ.get("PINGYI_FUZZ"),
)


def application(environ: dict[str, Any], start_response: Callable[..., Any]) -> list[bytes]:
    """Django's WSGI application, less the closing of the connection after each request,
    which would end the test's transaction (Django's test client leaves it out too)."""
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
# Loaded when the module is collected: /api/openapi.json needs no database.
schema = schemathesis.openapi.from_wsgi("/api/openapi.json", application)
# The boundary values of every parameter (schemathesis' coverage phase, some 100 of the 130
# requests an operation makes) are sent on PostgreSQL, the stricter of the two databases (it
# refuses a NUL in text); the SQLite run sends the 30 examples an operation. Input checks do
# not depend on the database, and tests/web/test_hostile_input.py sends its hostile values on
# both.
if connection.vendor != "postgresql":
    schema.config.phases.coverage.enabled = False
# What the fixtures of the running test put within the generated requests' reach.
_session: list[str] = []
_tokens: list[str] = []
_campaign_codes: list[str] = []


@schema.auth(refresh_interval=None)
class StaffSession:
    """Alice's session and a CSRF token for the staff routes; nothing in the public run."""

    def get(self, case: schemathesis.Case, context: Any) -> str | None:
        return _session[0] if _session else None

    def set(self, case: schemathesis.Case, data: str, context: Any) -> None:
        secret = get_random_string(CSRF_SECRET_LENGTH, allowed_chars=CSRF_ALLOWED_CHARS)
        case.cookies = {**(case.cookies or {}), "sessionid": data, "csrftoken": secret}
        case.headers = {**(case.headers or {}), "X-CSRFToken": secret}


@pytest.fixture(autouse=True)
def _fast_hashing() -> Iterator[None]:
    """The cast's passwords with a fast hasher: the real one costs half a second each."""
    with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
        yield


@pytest.fixture(params=["public", "alice"])
def session(request: pytest.FixtureRequest, cast: Cast) -> Iterator[str]:
    if request.param == "alice":
        _session.append(client_for(cast.alice).cookies["sessionid"].value)
    yield str(request.param)
    _session.clear()


def _closed_campaign() -> Campaign:
    """Alice's office's campaign of last year, closed with enough ballots to show results."""
    campaign = make_campaign(year=2025)
    group = campaign.groups.get(code="service_recipients")
    for code in token_issue(
        campaign=campaign, group=group, count=8, actor=Actor.operator(STAFF)
    ).codes:
        ballot_submit(code=code, marks=MARKS)
    return campaign_close(campaign=campaign, actor=Actor.operator(STAFF))


@pytest.fixture
def real_values(cast: Cast, issued: IssuedBatch) -> Iterator[None]:
    cache.clear()
    _tokens[:] = issued.codes
    _campaign_codes[:] = [cast.campaign.code, _closed_campaign().code]
    with override_settings(PINGYI_TOKEN_FAILURES=10**9, PINGYI_BALLOT_POSTS=10**9):
        yield
    _tokens.clear()
    _campaign_codes.clear()


def _with_real_values(case: schemathesis.Case) -> bool:
    """Now and then (by the generated values' lengths) a real campaign code, token or group;
    schemathesis re-checks a changed case against the schema before judging the answer.
    True when a real token goes with generated marks: the schema admits them, the campaign's
    units do not (400, the token not used), which schemathesis' check of schema-valid data
    would call a refusal of valid input."""
    if case.method.upper() != case.operation.method.upper():
        return False  # a probe with a method the route does not have: 405 whatever it holds
    parameters = case.path_parameters or {}
    size = len(str(parameters.get("code", "")))
    if "code" in parameters and size % 2 == 0:
        case.path_parameters = {**parameters, "code": _campaign_codes[size // 2 % 2]}
    body = case.body
    if not isinstance(body, dict):
        return False
    generated_marks = False
    if isinstance(body.get("token"), str) and len(body["token"]) % 3 == 0 and _tokens:
        generated_marks = len(body["token"]) % 2 == 1 and "marks" in body
        marks = body.get("marks") if generated_marks else MARKS
        case.body = {**body, "token": _tokens.pop(), "marks": marks}
        if "marks" not in body:  # the ballot form's body has a token only
            del case.body["marks"]
    if isinstance(body.get("group"), str) and len(body["group"]) % 2 == 0:
        case.body = {**body, "group": "服务对象"}
    return generated_marks


# slow: some 130 requests an operation and session on PostgreSQL (the coverage phase's boundary
# values and the 30 examples), 3-4 s each, 192 of them; the examples alone on SQLite. `make
# test` runs them on both databases, test-fast not.
@pytest.mark.slow
@schema.parametrize()
@EXAMPLES
def test_the_api_keeps_its_schema(case: schemathesis.Case, session: str, real_values: None) -> None:
    if _with_real_values(case):
        response = case.call_and_validate(excluded_checks=[positive_data_acceptance])
        assert response.status_code in {201, 400}  # stored, or refused by the rules
    else:
        case.call_and_validate()


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


def _declared(document: dict[str, Any], method: str, path: str) -> set[int]:
    responses = document["paths"][path][method.lower()]["responses"]
    return {int(status) for status in responses}


@pytest.mark.parametrize("as_alice", [False, True], ids=["public", "alice"])
def test_a_nul_in_a_campaign_code_is_not_found(cast: Cast, as_alice: bool) -> None:
    """Schemathesis puts no NUL in a path, and PostgreSQL refuses one in a query: this was a
    500 on PostgreSQL for every route with a campaign code. Such an address is not found,
    before any role is checked (pingyi.web.guard)."""
    client = client_for(cast.alice) if as_alice else Client()
    body = json.dumps({"group": "服务对象", "count": 1})
    got, want = {}, {}
    document = api.get_openapi_schema()
    for operation in schema.get_all_operations():
        method, path = operation.ok().method.upper(), operation.ok().path
        if "{code}" not in path:
            continue
        values = defaultdict(lambda: "1", code=f"{cast.campaign.code}%00", receipt="2345623456")
        url = path.format_map(values)
        response = client.generic(method, url, body, content_type="application/json")
        assert response.status_code in _declared(document, method, path)
        if not path.startswith("/api/campaigns/"):  # the other apps' codes: refused, never a 500
            assert response.status_code in {400, 401, 403, 404}, path
            continue
        got[f"{method} {path}"] = response.status_code
        want[f"{method} {path}"] = 404
    assert got == want
    cast.campaign.refresh_from_db()
    assert cast.campaign.status == "open"


def test_every_schema_of_the_api_has_a_name_of_its_own() -> None:
    """The OpenAPI document names each body and answer by its class name; two classes of one
    name (a stages AnswerIn beside the notices' one) made the document describe one route's
    body with the other's fields. One class per name, or the same class imported."""
    import sys

    from ninja import Schema

    from pingyi.api import api

    api.get_openapi_schema()  # every router registered, every module imported
    by_name: dict[str, set[type]] = {}
    for name, module in list(sys.modules.items()):
        if not name.startswith("pingyi"):
            continue
        for value in vars(module).values():
            ours = isinstance(value, type) and value.__module__.startswith("pingyi")
            if ours and issubclass(value, Schema):
                by_name.setdefault(value.__name__, set()).add(value)
    clashes = {n: sorted(c.__module__ for c in cs) for n, cs in by_name.items() if len(cs) > 1}
    assert clashes == {}
