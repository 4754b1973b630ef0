"""R17 for nominations: every route of `nominations:` and every `api:nominations_…`
operation, called as every role, answers what this checked-in matrix says; every page
answered 200 reads in Chinese.

The round in the paths is Erin's office's, nominating, with one nominee on the town's draft
list (Uma's unit). Cora is the level above the town; Victor nominates for a city department
and must not find the town's list; Charlie runs another organization and finds nothing. The
public pages show another round of the office whose nominees are on notice.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.db import transaction
from django.urls import URLPattern, URLResolver, get_resolver

from pingyi.accounts.actors import Actor
from pingyi.nominations import services as s
from pingyi.nominations.models import Nominee, Opinion
from tests.chinese import FIXTURE_WORDS, ZH, english_of
from tests.nominations.conftest import START, SYSTEM, Cast, person
from tests.once import ModuleRows
from tests.web.conftest import client_with, signed_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def cast(shared_cast: Cast) -> Cast:
    """Built once for the module's tests, each test's writes rolled back (tests/once.py)."""
    return shared_cast


ROLES = ("public", "admin", "staff", "viewer", "unit", "level_above", "other_unit", "other_org",
         "no_role")  # fmt: skip
LOGIN = 302
JSON = "application/json"
S = "/staff/nominations/{code}/"
U = S + "u/town/"
HIDDEN = {"other_org": 404, "no_role": 404}
OFFICE_ONLY = {"viewer": 403, "unit": 403, "level_above": 403, "other_unit": 403, **HIDDEN}
# what only the town's own members do to its list
TOWN_ONLY = {"admin": 403, "staff": 403, "viewer": 403, "level_above": 403, "other_unit": 404,
             **HIDDEN}  # fmt: skip
NOMINEE = {"name": "王五", "workplace": "某镇卫生院", "post": "医生", "rank": "staff",
           "grassroots": True}  # fmt: skip

MATRIX: dict[str, tuple[str, str, Any, dict[str, int]]] = {
    "nominations:home": ("GET", "/staff/nominations/", None, {"public": LOGIN, "*": 200}),
    "nominations:round-new": (
        "GET", "/staff/nominations/new", None,
        {"public": LOGIN, "admin": 200, "staff": 200, "other_org": 200, "*": 403},
    ),
    "nominations:round": ("GET", S, None, {"public": LOGIN, **HIDDEN, "*": 200}),
    "nominations:unit-new": ("POST", S + "units", {}, {"public": LOGIN, **OFFICE_ONLY, "*": 302}),
    "nominations:member-new": (
        "POST", S + "members", {}, {"public": LOGIN, **OFFICE_ONLY, "*": 302},
    ),
    "nominations:deadlines": (
        "POST", S + "deadlines", {}, {"public": LOGIN, **OFFICE_ONLY, "*": 302},
    ),
    # nothing is approved: the office is told so on its page (302); the others are refused
    "nominations:publish": ("POST", S + "notice", {}, {"public": LOGIN, **OFFICE_ONLY, "*": 302}),
    "nominations:close": ("POST", S + "close", {}, {"public": LOGIN, **OFFICE_ONLY, "*": 302}),
    "nominations:xlsx": (
        "GET", S + "nominees.xlsx", None,
        {"public": LOGIN, "unit": 403, "level_above": 403, "other_unit": 403, **HIDDEN,
         "*": 200},
    ),
    "nominations:slate": (
        "GET", U, None, {"public": LOGIN, "other_unit": 404, **HIDDEN, "*": 200},
    ),
    "nominations:nominee-add": (
        "POST", U + "nominees", NOMINEE, {"public": LOGIN, **TOWN_ONLY, "*": 302},
    ),
    "nominations:nominee-remove": (
        "POST", U + "nominees/{pk}/remove", {}, {"public": LOGIN, **TOWN_ONLY, "*": 302},
    ),
    "nominations:step": ("POST", U + "submit", {}, {"public": LOGIN, **TOWN_ONLY, "*": 302}),
    "nominations:template": (
        "GET", U + "template.xlsx", None, {"public": LOGIN, **TOWN_ONLY, "*": 200},
    ),
    # no file chosen: the unit is told so on its page (302); the others are refused
    "nominations:import": ("POST", U + "import", {}, {"public": LOGIN, **TOWN_ONLY, "*": 302}),
    "nominations:answer": (
        "POST", S + "opinions/{opinion}/answer", {"answer": "经核实，事迹属实"},
        {"public": LOGIN, **OFFICE_ONLY, "*": 302},
    ),
    "nominations:notice-index": ("GET", "/nominations/", None, {"*": 200}),
    "nominations:track": ("GET", "/nominations/track", None, {"*": 200}),
    "nominations:notice": ("GET", "/nominations/{published}/", None, {"*": 200}),
    "api:nominations_rounds_list": (
        "GET", "/api/nominations/rounds", None, {"public": 401, "*": 200},
    ),
    "api:nominations_rounds_detail": (
        "GET", "/api/nominations/rounds/{code}", None, {"public": 401, **HIDDEN, "*": 200},
    ),
    "api:nominations_nominees_add": (
        "POST", "/api/nominations/rounds/{code}/units/town/nominees", NOMINEE,
        {"public": 401, **TOWN_ONLY, "*": 200},
    ),
    "api:nominations_slates_step": (
        "POST", "/api/nominations/rounds/{code}/units/town/steps", {"step": "submit"},
        {"public": 401, **TOWN_ONLY, "*": 200},
    ),
    "api:nominations_notice_publish": (
        "POST", "/api/nominations/rounds/{code}/notice", {},
        {"public": 401, **OFFICE_ONLY, "*": 409},
    ),
    "api:nominations_notice": ("GET", "/api/nominations/notice/{published}", None, {"*": 200}),
    "api:nominations_opinions_list": (
        "GET", "/api/nominations/rounds/{code}/opinions", None,
        {"public": 401, "unit": 403, "level_above": 403, "other_unit": 403, **HIDDEN, "*": 200},
    ),
    "api:nominations_opinions_answer": (
        "POST", "/api/nominations/rounds/{code}/opinions/{opinion}/answer",
        {"answer": "经核实，事迹属实"}, {"public": 401, **OFFICE_ONLY, "*": 200},
    ),
}  # fmt: skip


def _routes(patterns: list[Any], namespace: str | None = None) -> Iterator[str]:
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _routes(pattern.url_patterns, pattern.namespace or namespace)
        elif isinstance(pattern, URLPattern):
            yield f"{namespace}:{pattern.name}" if namespace else str(pattern.name)


def test_every_route_of_nominations_is_in_the_matrix() -> None:
    routes = {
        route
        for route in _routes(get_resolver().url_patterns)
        if route.startswith(("nominations:", "api:nominations_"))
    }
    assert routes == set(MATRIX)


@pytest.fixture
def nominee(cast: Cast) -> Nominee:
    found = s.nominee_add(unit=cast.town, spec=person("张三"), actor=cast.actor("uma"))
    published = s.round_create(
        organization=cast.office, project=cast.round.project, code="myd-2025",
        name="2025年人民满意的公务员推荐", started_on=START, quota=3, actor=SYSTEM,
    )  # fmt: skip
    unit = s.unit_add(round_=published, code="u", name="某单位", quota=1, actor=SYSTEM)
    clerk = Actor.operator("clerk")  # another person than the one approving (separation)
    s.nominee_add(unit=unit, spec=person("公示人"), actor=clerk)
    slate = s.slate_submit(unit=unit, actor=clerk)
    s.slate_approve(slate=slate, actor=SYSTEM)
    s.notice_publish(round_=published, actor=SYSTEM)
    # an opinion to answer on the round in the paths (filed there by hand: it is nominating)
    Opinion.objects.create(round=cast.round, nominee=found, text="事迹有出入", filed_on=START)
    return found


def _users(cast: Cast) -> dict[str, User | None]:
    return {
        "public": None, "admin": cast.erin, "staff": cast.alice, "viewer": cast.bob,
        "unit": cast.uma, "level_above": cast.cora, "other_unit": cast.victor,
        "other_org": cast.charlie, "no_role": cast.dave,
    }  # fmt: skip


@pytest.fixture(scope="module")
def sessions(module_db: ModuleRows, _cast_built: Cast) -> dict[str, str | None]:
    """Each role signed in once for the module's tests (tests/web/conftest.py: signed_in)."""
    return module_db.build(lambda: signed_in(_users(_cast_built)))


@pytest.mark.parametrize("name", sorted(MATRIX))
def test_each_role_gets_what_the_matrix_says(
    cast: Cast, nominee: Nominee, sessions: dict[str, str | None], name: str
) -> None:
    method, path, body, expected = MATRIX[name]
    opinion = Opinion.objects.get(round=cast.round)
    url = path.format(code=cast.round.code, pk=nominee.pk, published="myd-2025", opinion=opinion.pk)
    got = {}
    english: dict[str, list[str]] = {}
    words = FIXTURE_WORDS | {"uma", "cora", "victor", "town", "county", "dept"}
    for role in ROLES:
        client = client_with(sessions[role])
        with transaction.atomic():  # every role meets the same state
            if method == "GET":
                response = client.get(url, headers=ZH)
            elif url.startswith("/api/"):
                response = client.post(url, json.dumps(body or {}), content_type=JSON)
            else:
                response = client.post(url, body or {}, headers=ZH)
            transaction.set_rollback(True)
        got[role] = response.status_code
        english[role] = english_of(response, words)
    want = {role: expected.get(role, expected.get("*")) for role in ROLES}
    assert got == want
    assert {r: e for r, e in english.items() if e} == {}  # shown in Chinese
