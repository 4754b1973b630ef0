"""R17: every route called as every role; the outcome matches this checked-in matrix.

A route that is not in MATRIX fails the suite until someone decides who may call it. The
campaign in the paths belongs to Alice's office; Charlie runs another organization and must
find nothing there (404), Dave has no role anywhere.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.db import transaction
from django.urls import URLPattern, URLResolver, get_resolver

from pingyi.accounts.models import Membership, Role
from tests.chinese import FIXTURE_WORDS, ZH, english_of
from tests.once import ModuleRows
from tests.web.conftest import Cast, client_with, signed_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def cast(shared_cast: Cast) -> Cast:
    """Built once for the module's tests, each test's writes rolled back (tests/once.py)."""
    return shared_cast


ROLES = ("public", "admin", "staff", "viewer", "other_org", "no_role")
C = "{code}"
LOGIN = 302  # redirected to the login page
JSON = "application/json"

# name: (method, path, body, {role: status}); "*" is every role not named.
MATRIX: dict[str, tuple[str, str, Any, dict[str, int]]] = {
    "home": ("GET", "/", None, {"*": 200}),
    "healthz": ("GET", "/healthz", None, {"*": 200}),
    # no `pingyi worker` runs beside this test: 503 naming it, the same for every role
    "readyz": ("GET", "/readyz", None, {"*": 503}),
    "vote": ("GET", "/v/", None, {"*": 200}),
    "vote-review": ("POST", "/v/review", {"code": "nope"}, {"*": 409}),
    "vote-submit": ("POST", "/v/submit", {"code": "nope"}, {"*": 409}),
    "vote-done": ("GET", "/v/done", None, {"*": 302}),  # no receipt cookie: the code page
    "receipt": ("GET", "/receipt/", None, {"*": 200}),
    # the opinion form (征求意见表): anyone with a code; an unknown one is refused alike
    "opinion-start": ("GET", "/o/", None, {"*": 200}),
    "opinion-send": ("POST", "/o/send", None, {"*": 409}),
    "opinion-done": ("GET", "/o/done", None, {"*": 200}),
    "login": ("GET", "/accounts/login/", None, {"public": 200, "*": 302}),
    "logout": ("POST", "/accounts/logout/", {}, {"*": 302}),
    "set_language": ("POST", "/i18n/setlang/", {"language": "en"}, {"*": 302}),
    "staff-home": ("GET", "/staff/", None, {"public": LOGIN, "*": 200}),
    "campaign-new": (
        "GET",
        "/staff/new",
        None,
        {"public": LOGIN, "admin": 200, "staff": 200, "other_org": 200, "*": 403},
    ),
    "campaign": (
        "GET",
        f"/staff/c/{C}/",
        None,
        {"public": LOGIN, "other_org": 404, "no_role": 404, "*": 200},
    ),
    "campaign-transition": (
        "POST",
        f"/staff/c/{C}/transition",
        {"to": "nowhere"},
        {"public": LOGIN, "admin": 400, "staff": 400, "viewer": 403, "*": 404},
    ),
    "campaign-tokens": (
        "POST",
        f"/staff/c/{C}/tokens",
        {},
        {"public": LOGIN, "admin": 302, "staff": 302, "viewer": 403, "*": 404},
    ),
    "campaign-veto": (
        "POST",
        f"/staff/c/{C}/veto",
        {},
        {"public": LOGIN, "admin": 302, "staff": 302, "viewer": 403, "*": 404},
    ),
    "campaign-unit-new": (
        "POST",
        f"/staff/c/{C}/units",
        {},
        {"public": LOGIN, "admin": 302, "staff": 302, "viewer": 403, "*": 404},
    ),
    "campaign-unit-edit": (
        "POST",
        f"/staff/c/{C}/units/edit",
        {},
        {"public": LOGIN, "admin": 302, "staff": 302, "viewer": 403, "*": 404},
    ),
    "campaign-unit-remove": (
        "POST",
        f"/staff/c/{C}/units/remove",
        {},
        {"public": LOGIN, "admin": 400, "staff": 400, "viewer": 403, "*": 404},
    ),
    "units-template": (
        "GET",
        "/staff/units-template.xlsx",
        None,
        {"public": LOGIN, "admin": 200, "staff": 200, "other_org": 200, "*": 403},
    ),
    "campaign-stages": (
        "POST",
        f"/staff/c/{C}/stages",
        {},
        {"public": LOGIN, "admin": 302, "staff": 302, "viewer": 403, "*": 404},
    ),
    "campaign-paper": (
        "POST",
        f"/staff/c/{C}/paper",
        {},
        {"public": LOGIN, "admin": 400, "staff": 400, "viewer": 403, "*": 404},
    ),
    "campaign-template": (
        "GET",
        f"/staff/c/{C}/template.xlsx",
        None,
        {"public": LOGIN, "admin": 200, "staff": 200, "viewer": 403, "*": 404},
    ),
    "campaign-form": (
        "GET",
        f"/staff/c/{C}/form.pdf",
        None,
        {"public": LOGIN, "other_org": 404, "no_role": 404, "*": 200},
    ),
    # open campaign: results are refused (R12) — back to the campaign page with a message
    "campaign-results": (
        "GET",
        f"/staff/c/{C}/results",
        None,
        {"public": LOGIN, "other_org": 404, "no_role": 404, "*": 302},
    ),
    "campaign-results-download": (
        "GET",
        f"/staff/c/{C}/results.xlsx",
        None,
        {"public": LOGIN, "other_org": 404, "no_role": 404, "*": 302},
    ),
    # open campaign: the page says results are applied once it is closed; applying is refused
    "campaign-consequences": (
        "GET",
        f"/staff/c/{C}/consequences",
        None,
        {"public": LOGIN, "other_org": 404, "no_role": 404, "*": 200},
    ),
    "campaign-consequences-apply": (
        "POST",
        f"/staff/c/{C}/consequences/apply",
        {},
        {"public": LOGIN, "admin": 302, "staff": 302, "viewer": 403, "*": 404},
    ),
    "campaign-consequence-done": (
        "POST",
        f"/staff/c/{C}/consequences/1/done",
        {},
        {"public": LOGIN, "viewer": 403, "*": 404},
    ),
    "campaign-consequence-report": (
        "GET",
        f"/staff/c/{C}/consequences/1/report",
        None,
        {"public": LOGIN, "*": 404},
    ),
    "campaign-consequences-workbook": (
        "GET",
        f"/staff/c/{C}/consequences.xlsx",
        None,
        {"public": LOGIN, "other_org": 404, "no_role": 404, "*": 200},
    ),
    "api:api-root": ("GET", "/api/", None, {"*": 404}),
    "api:openapi-json": ("GET", "/api/openapi.json", None, {"*": 200}),
    "api:ballots_create": ("POST", "/api/ballots", {"token": "nope", "marks": {}}, {"*": 409}),
    "api:ballot_form": ("POST", "/api/ballot-form", {"token": "nope"}, {"*": 409}),
    "api:receipt_get": ("GET", f"/api/campaigns/{C}/receipts/2345623456", None, {"*": 200}),
    "api:campaigns_list": ("GET", "/api/campaigns", None, {"public": 401, "*": 200}),
    "api:campaigns_get": (
        "GET",
        f"/api/campaigns/{C}",
        None,
        {"public": 401, "other_org": 404, "no_role": 404, "*": 200},
    ),
    "api:campaigns_open": (
        "POST",
        f"/api/campaigns/{C}/open",
        None,
        {"public": 401, "admin": 409, "staff": 409, "viewer": 403, "*": 404},
    ),
    "api:campaigns_close": (
        "POST",
        f"/api/campaigns/{C}/close",
        {"never": "sent"},
        {"public": 401, "admin": 200, "staff": 200, "viewer": 403, "*": 404},
    ),
    "api:campaigns_collection": (
        "GET",
        f"/api/campaigns/{C}/collection",
        None,
        {"public": 401, "other_org": 404, "no_role": 404, "*": 200},
    ),
    "api:campaigns_results": (
        "GET",
        f"/api/campaigns/{C}/results",
        None,
        {"public": 401, "other_org": 404, "no_role": 404, "*": 409},
    ),
    "api:campaigns_tokens": (
        "POST",
        f"/api/campaigns/{C}/tokens",
        {"group": "服务对象", "count": 1},
        {"public": 401, "admin": 201, "staff": 201, "viewer": 403, "*": 404},
    ),
    # the year-end appraisal (seed 001 八.6, 五(二)); the campaign is open
    "campaign-yearend": (
        "GET",
        f"/staff/c/{C}/yearend",
        None,
        {"public": LOGIN, "other_org": 404, "no_role": 404, "*": 200},
    ),
    "campaign-area-new": (
        "POST",
        f"/staff/c/{C}/yearend/areas",
        {"code": "east", "name": "东片区"},
        {"public": LOGIN, "admin": 302, "staff": 302, "viewer": 403, "*": 404},
    ),
    "campaign-area-remove": (
        "POST",
        f"/staff/c/{C}/yearend/areas/remove",
        {"code": "east"},
        {"public": LOGIN, "admin": 302, "staff": 302, "viewer": 403, "*": 404},
    ),
    "campaign-kind-new": (
        "POST",
        f"/staff/c/{C}/yearend/kinds",
        {"seed": "1"},
        {"public": LOGIN, "admin": 302, "staff": 302, "viewer": 403, "*": 404},
    ),
    "campaign-supervision": (
        "POST",
        f"/staff/c/{C}/yearend/supervision",
        {},  # nothing filled in: the page again with the reason
        {"public": LOGIN, "admin": 400, "staff": 400, "viewer": 403, "*": 404},
    ),
    "api:yearend_get": (
        "GET",
        f"/api/campaigns/{C}/yearend",
        None,
        {"public": 401, "other_org": 404, "no_role": 404, "*": 200},
    ),
    "api:yearend_area_add": (
        "POST",
        f"/api/campaigns/{C}/areas",
        {"code": "east", "name": "东片区"},
        {"public": 401, "admin": 201, "staff": 201, "viewer": 403, "*": 404},
    ),
    "api:yearend_area_remove": (
        "DELETE",
        f"/api/campaigns/{C}/areas/east",
        None,
        {"public": 401, "admin": 409, "staff": 409, "viewer": 403, "*": 404},
    ),
    # open: the kinds are frozen (R13)
    "api:yearend_kind_add": (
        "POST",
        f"/api/campaigns/{C}/kinds",
        {"group": "服务对象", "code": "ent", "name": "企业负责人代表"},
        {"public": 401, "admin": 409, "staff": 409, "viewer": 403, "*": 404},
    ),
    "api:yearend_kinds_seed": (
        "POST",
        f"/api/campaigns/{C}/kinds/seed",
        None,
        {"public": 401, "admin": 409, "staff": 409, "viewer": 403, "*": 404},
    ),
    "api:yearend_supervision": (
        "PUT",
        f"/api/campaigns/{C}/supervision",
        {
            "supervisors": ["王明=市评议办"],
            "notary_office": "市公证处",
            "notary_reference": "（2026）证字第1号",
            "supervised_on": "2026-12-20",
        },
        {"public": 401, "admin": 200, "staff": 200, "viewer": 403, "*": 404},
    ),
    # a multipart upload; sent as JSON here it lacks its file: refused before any lookup
    "api:yearend_paper": (
        "POST",
        f"/api/campaigns/{C}/paper",
        None,
        {"public": 401, "*": 400},
    ),
    "admin:*": ("GET", "/admin/", None, {"*": 302}),
}


def _routes(patterns: list[Any], namespace: str | None = None) -> Iterator[str]:
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            if pattern.namespace == "admin":
                yield "admin:*"
                continue
            yield from _routes(pattern.url_patterns, pattern.namespace or namespace)
        elif isinstance(pattern, URLPattern):
            yield f"{namespace}:{pattern.name}" if namespace else str(pattern.name)


# These apps keep their own matrix beside their tests (tests/<app>/test_access_matrix.py),
# each with its own cast, and check there that every route of their namespace is in it.
OWN_MATRIX = (
    "grading",
    "notices",
    "rectification",
    "registry",
    "disclosure",
    "jobs",
    "accounts",
    "people",
    "stages",
    "nominations",
)


def _own(route: str) -> bool:
    """A route of an app with its own matrix: its namespace, or an API operation named
    ``<app>_…`` (all API routes share the "api" namespace)."""
    namespace, _, name = route.partition(":")
    return namespace in OWN_MATRIX or (namespace == "api" and name.split("_")[0] in OWN_MATRIX)


def test_every_route_is_in_the_matrix() -> None:
    routes = {r for r in _routes(get_resolver().url_patterns) if not _own(r)}
    assert routes == set(MATRIX)


def _users(cast: Cast) -> dict[str, User | None]:
    erin = User.objects.create_user("erin")
    Membership.objects.create(
        user=erin, organization=cast.campaign.series.organization, role=Role.ADMIN
    )
    return {
        "public": None,
        "admin": erin,
        "staff": cast.alice,
        "viewer": cast.bob,
        "other_org": cast.charlie,
        "no_role": cast.dave,
    }


@pytest.fixture(scope="module")
def sessions(module_db: ModuleRows, _cast_built: Cast) -> dict[str, str | None]:
    """Each role signed in once for the module's tests (tests/web/conftest.py: signed_in)."""
    return module_db.build(lambda: signed_in(_users(_cast_built)))


@pytest.mark.parametrize("name", sorted(MATRIX))
def test_each_role_gets_what_the_matrix_says(
    cast: Cast, sessions: dict[str, str | None], name: str
) -> None:
    method, path, body, expected = MATRIX[name]
    got = {}
    english: dict[str, list[str]] = {}
    for role in ROLES:
        client = client_with(sessions[role])
        url = path.format(code=cast.campaign.code)
        with transaction.atomic():  # every role meets the same state
            if method == "GET":
                response = client.get(url, headers=ZH)
            elif url.startswith("/api/"):
                data = json.dumps(body or {})
                response = client.generic(method, url, data, content_type=JSON)
            else:
                response = client.post(url, body or {})
            transaction.set_rollback(True)
        got[role] = response.status_code
        english[role] = english_of(response, FIXTURE_WORDS)
    want = {role: expected.get(role, expected.get("*")) for role in ROLES}
    assert got == want
    assert {r: e for r, e in english.items() if e} == {}  # shown in Chinese
