"""R17 for the grading pages: every route called as every role; the outcome matches this
checked-in matrix, and a route of the namespace missing from it fails the suite.

The round is at its assessment step. The paths name 二村党支部 (V1) and the committee
甲镇党委: Carol works for that committee, Olga is V1, Erin assesses V1, Dan works for the
other committee (乙街道党工委), Charlie runs another tenant, Dave has no role at all.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.db import transaction
from django.urls import URLPattern, URLResolver, get_resolver

from pingyi.accounts.actors import Actor
from pingyi.accounts.models import Membership, Organization, Role
from pingyi.grading.models import Committee, GradingRound
from pingyi.grading.services import role_assign
from pingyi.grading.votes import grade_vote_create
from pingyi.rules import grading as rules
from tests.chinese import FIXTURE_WORDS, ZH, english_of
from tests.grading.conftest import DEPT, advance_to, make_round, office, op, org
from tests.once import ModuleRows, copy_of
from tests.web.conftest import client_with, signed_in

pytestmark = pytest.mark.django_db

ROLES = (
    "public",
    "admin",
    "staff",
    "viewer",
    "committee",
    "org",
    "assessor",
    "other_committee",
    "other_tenant",
    "no_role",
)
LOGIN = 302
R = "/staff/grading/{code}/"
ORG = R + "o/V1/"
COMMITTEE = R + "k/{k}/"
LIST = R + "p/{code}-vote-1/"  # the grade vote of 甲镇党委
DEPARTMENT = {"admin": 200, "staff": 200, "viewer": 200}
OUTSIDERS = {"public": LOGIN, "other_tenant": 404, "no_role": 404}
RUNS = {"admin": 302, "staff": 302}

# name: (method, path, body, {role: status}); "*" is every role not named.
MATRIX: dict[str, tuple[str, str, Any, dict[str, int]]] = {
    "home": ("GET", "/staff/grading/", None, {"public": LOGIN, "*": 200}),
    "round-new": (
        "GET",
        "/staff/grading/new",
        None,
        {"public": LOGIN, "admin": 200, "staff": 200, "other_tenant": 200, "*": 403},
    ),
    "round": ("GET", R, None, {**OUTSIDERS, "*": 200}),
    "advance": ("POST", R + "advance", {}, {**OUTSIDERS, **RUNS, "*": 403}),
    "import": ("POST", R + "import", {}, {**OUTSIDERS, **RUNS, "*": 403}),
    "assessments": ("POST", R + "assessments", {}, {**OUTSIDERS, **RUNS, "*": 403}),
    "orgs-template": (
        "GET",
        R + "orgs-template.xlsx",
        None,
        {**OUTSIDERS, "admin": 200, "staff": 200, "*": 403},
    ),
    "scores-template": (
        "GET",
        R + "scores-template.xlsx",
        None,
        {**OUTSIDERS, "admin": 200, "staff": 200, "*": 403},
    ),
    "role-new": ("POST", R + "roles", {}, {**OUTSIDERS, **RUNS, "*": 403}),
    "survey-new": ("POST", R + "surveys", {}, {**OUTSIDERS, **RUNS, "*": 403}),
    "schedule": ("POST", R + "schedule", {}, {**OUTSIDERS, **RUNS, "*": 403}),
    "schedule-done": ("POST", R + "schedule/done", {}, {**OUTSIDERS, **RUNS, "*": 403}),
    "review": ("GET", R + "review", None, {**OUTSIDERS, **DEPARTMENT, "*": 403}),
    "vote-new": ("POST", R + "votes", {}, {**OUTSIDERS, **RUNS, "*": 403}),
    "tolerance": ("POST", R + "tolerance", {}, {**OUTSIDERS, **RUNS, "*": 403}),
    # the list of 甲镇党委's vote: the department, that committee and its assessors see it
    "participants": (
        "GET",
        LIST,
        None,
        {**OUTSIDERS, **DEPARTMENT, "committee": 200, "assessor": 200, "*": 404},
    ),
    # an empty list is refused (302 back with the reason) to whoever may draw it up
    "participants-draft": (
        "POST",
        LIST + "draft",
        {},
        {**OUTSIDERS, **RUNS, "viewer": 403, "committee": 302, "assessor": 403, "*": 404},
    ),
    # only the assessment group approves (none drawn up yet: 302 with the reason)
    "participants-approve": (
        "POST",
        LIST + "approve",
        {},
        {
            **OUTSIDERS,
            "admin": 403,
            "staff": 403,
            "viewer": 403,
            "committee": 403,
            "assessor": 302,
            "*": 404,
        },
    ),
    "participants-codes": (
        "POST",
        LIST + "codes",
        {},
        {**OUTSIDERS, **RUNS, "viewer": 403, "committee": 403, "assessor": 403, "*": 404},
    ),
    # in setup nobody is graded yet: the department, and a committee for its own
    # organizations (seed 003: it files its 汇总表 and 一览表), is sent back with the reason
    "reports": (
        "GET",
        R + "reports.xlsx",
        None,
        {
            **OUTSIDERS,
            "admin": 302,
            "staff": 302,
            "viewer": 302,
            "committee": 302,
            "other_committee": 302,
            "*": 403,
        },
    ),
    "org": ("GET", ORG, None, {**OUTSIDERS, "other_committee": 404, "*": 200}),
    # An empty form: the page comes back with its errors (400) to those who may submit.
    "self": (
        "POST",
        ORG + "self",
        {},
        {
            **OUTSIDERS,
            "admin": 400,
            "staff": 400,
            "committee": 400,
            "org": 400,
            "other_committee": 404,
            "*": 403,
        },
    ),
    "assess": (
        "GET",
        ORG + "assess",
        None,
        {**OUTSIDERS, "other_committee": 404, "assessor": 200, "*": 403},
    ),
    "talk": (
        "POST",
        ORG + "talk",
        {},
        {**OUTSIDERS, "other_committee": 404, "assessor": 302, "*": 403},
    ),
    "rate": ("POST", ORG + "rate", {}, {**OUTSIDERS, **RUNS, "other_committee": 404, "*": 403}),
    "rate-decide": (
        "POST",
        ORG + "rate/decide",
        {},
        {**OUTSIDERS, **RUNS, "other_committee": 404, "*": 403},
    ),
    # the service decides (grading.access): another committee does not see V1 (404)
    "review-record": (
        "POST",
        ORG + "review",
        {},
        {**OUTSIDERS, **RUNS, "other_committee": 404, "*": 403},
    ),
    "members": (
        "POST",
        ORG + "members",
        {},
        {**OUTSIDERS, **RUNS, "committee": 302, "other_committee": 404, "*": 403},
    ),
    "committee": (
        "GET",
        COMMITTEE,
        None,
        {**OUTSIDERS, **DEPARTMENT, "committee": 200, "*": 404},
    ),
    **{
        name: (
            "POST",
            COMMITTEE + suffix,
            {"org": "V1"},
            {**OUTSIDERS, "admin": 403, "staff": 403, "viewer": 403, "committee": 302, "*": 404},
        )
        for name, suffix in (
            ("change", "change"),
            ("justify", "justify"),
            ("explain", "explain"),
            ("follow-up", "follow-up"),
            ("file", "file"),
            ("departure", "departure"),
            ("summary", "summary"),
            ("violation", "violation"),
        )
    },
    # the 公示牌: the round's to the department, a committee's to it and the department
    "board": ("GET", R + "board.pdf", None, {**OUTSIDERS, **DEPARTMENT, "*": 403}),
    "committee-board": (
        "GET",
        COMMITTEE + "board.pdf",
        None,
        {**OUTSIDERS, **DEPARTMENT, "committee": 200, "*": 404},
    ),
    # no summary filed, no reference recorded: nothing to download
    "summary-file": ("GET", COMMITTEE + "summary/file", None, {"public": LOGIN, "*": 404}),
    "reference-file": ("GET", ORG + "reference/1/file", None, {"public": LOGIN, "*": 404}),
    # V1 is not graded 好: refused with the reason (302) to the department and its committee
    "benefit": (
        "POST",
        ORG + "benefit",
        {},
        {**OUTSIDERS, **RUNS, "committee": 302, "other_committee": 404, "*": 403},
    ),
    # an empty reference is refused (302) to the department's staff, committee and assessor
    "reference": (
        "POST",
        ORG + "reference",
        {},
        {
            **OUTSIDERS,
            **RUNS,
            "committee": 302,
            "assessor": 302,
            "other_committee": 404,
            "*": 403,
        },
    ),
}

# The grade vote's API (grading.api): 401 for the public, 409 where the rules refuse.
A = "/api/grading/{code}/"
API_OUT = {"public": 401, "other_tenant": 404, "no_role": 404}
API_RUNS = {"admin": 409, "staff": 409}
MATRIX |= {
    "api:grading_vote_create": ("POST", A + "votes", {}, {**API_OUT, **API_RUNS, "*": 403}),
    "api:grading_tolerance_set": (
        "PUT",
        A + "tolerance",
        {"low": "x", "high": "3/2"},
        {**API_OUT, **API_RUNS, "*": 403},
    ),
    "api:grading_members_set": (
        "PUT",
        A + "orgs/V1/members",
        {"members": 0},
        {**API_OUT, **API_RUNS, "committee": 409, "other_committee": 404, "*": 403},
    ),
    "api:grading_list_get": (
        "GET",
        A + "lists/{code}-vote-1",
        None,
        {**API_OUT, **DEPARTMENT, "committee": 200, "assessor": 200, "*": 404},
    ),
    "api:grading_list_draft": (
        "PUT",
        A + "lists/{code}-vote-1",
        {"members": 1, "supervisor": ""},
        {**API_OUT, **API_RUNS, "viewer": 403, "committee": 409, "assessor": 403, "*": 404},
    ),
    "api:grading_list_approve": (
        "POST",
        A + "lists/{code}-vote-1/approve",
        {},
        {
            **API_OUT,
            "admin": 403,
            "staff": 403,
            "viewer": 403,
            "committee": 403,
            "assessor": 409,
            "*": 404,
        },
    ),
    "api:grading_list_codes": (
        "POST",
        A + "lists/{code}-vote-1/codes",
        {},
        {**API_OUT, **API_RUNS, "viewer": 403, "committee": 403, "assessor": 403, "*": 404},
    ),
    "api:grading_vote_get": (
        "GET",
        A + "orgs/V1/vote",
        None,
        {**API_OUT, **DEPARTMENT, "committee": 200, "assessor": 200, "*": 404},
    ),
    "api:grading_departure": (
        "PUT",
        A + "orgs/V1/departure",
        {"reason": "理由"},
        {**API_OUT, "committee": 409, "other_committee": 404, "*": 403},
    ),
    "api:grading_summary_file": (
        "PUT",
        A + "committees/{k}/summary",
        {"text": " "},
        {**API_OUT, "admin": 403, "staff": 403, "viewer": 403, "committee": 409, "*": 404},
    ),
    "api:grading_violation_record": (
        "PUT",
        A + "orgs/V1/violation",
        {"cause": "x", "reason": "r"},
        {**API_OUT, "committee": 409, "other_committee": 404, "*": 403},
    ),
    "api:grading_benefit_record": (
        "PUT",
        A + "orgs/V1/benefit",
        {"secretary": True},
        {**API_OUT, **API_RUNS, "committee": 409, "other_committee": 404, "*": 403},
    ),
    "api:grading_benefits": ("GET", A + "benefits", None, {**API_OUT, "*": 200}),
    "api:grading_reference_add": (
        "POST",
        A + "orgs/V1/references",
        {"kind": "x", "text": ""},
        {
            **API_OUT,
            **API_RUNS,
            "committee": 409,
            "assessor": 409,
            "other_committee": 404,
            "*": 403,
        },
    ),
    "api:grading_references": (
        "GET",
        A + "orgs/V1/references",
        None,
        {**API_OUT, **DEPARTMENT, "committee": 200, "assessor": 200, "*": 404},
    ),
}


@dataclass
class GradingCast:
    round: GradingRound
    committee: Committee
    users: dict[str, User | None]
    sessions: dict[str, str | None]  # each role signed in once (signed_in)


def build_cast(folder: Path) -> GradingCast:
    grading_round = advance_to(make_round(folder), rules.ASSESSMENT)
    users: dict[str, User | None] = {"public": None}
    for role in ROLES[1:]:
        users[role] = User.objects.create_user(role)
    for role in ("admin", "staff", "viewer"):
        Membership.objects.create(user=users[role], organization=office(), role=role)
    elsewhere = Organization.objects.create(code="elsewhere", name="另一个组织部")
    Membership.objects.create(user=users["other_tenant"], organization=elsewhere, role=Role.ADMIN)
    first = Committee.objects.get(round=grading_round, name="甲镇党委")
    second = Committee.objects.get(round=grading_round, name="乙街道党工委")
    role_assign(
        grading_round=grading_round,
        username="committee",
        kind="committee",
        committee=first,
        actor=op(DEPT),
    )
    role_assign(
        grading_round=grading_round,
        username="other_committee",
        kind="committee",
        committee=second,
        actor=op(DEPT),
    )
    role_assign(
        grading_round=grading_round,
        username="org",
        kind="org",
        org=org(grading_round, "V1"),
        actor=op(DEPT),
    )
    role_assign(
        grading_round=grading_round,
        username="assessor",
        kind="assessor",
        org=org(grading_round, "V1"),
        actor=op(DEPT),
    )
    grade_vote_create(grading_round=grading_round, committee=first, actor=Actor.operator())
    return GradingCast(grading_round, first, users, signed_in(users))


@pytest.fixture(scope="module")
def built(module_db: ModuleRows, tmp_path_factory: pytest.TempPathFactory) -> GradingCast:
    folder = tmp_path_factory.mktemp("grading-cast")
    return module_db.build(lambda: build_cast(folder))


@pytest.fixture
def cast(db: None, built: GradingCast) -> GradingCast:
    return copy_of(built)


def _routes(patterns: list[Any], namespace: str | None = None) -> set[str]:
    found: set[str] = set()
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            found |= _routes(pattern.url_patterns, pattern.namespace or namespace)
        elif isinstance(pattern, URLPattern) and namespace == "grading":
            found.add(str(pattern.name))
        elif (
            isinstance(pattern, URLPattern)
            and namespace == "api"
            and str(pattern.name).startswith("grading_")
        ):
            found.add(f"api:{pattern.name}")
    return found


def test_every_grading_route_is_in_the_matrix() -> None:
    assert _routes(get_resolver().url_patterns) == set(MATRIX)


@pytest.mark.parametrize("name", sorted(MATRIX))
def test_each_role_gets_what_the_matrix_says(cast: GradingCast, name: str) -> None:
    method, path, body, expected = MATRIX[name]
    url = path.format(code=cast.round.code, k=cast.committee.pk)
    got = {}
    english: dict[str, list[str]] = {}
    for role in ROLES:
        client = client_with(cast.sessions[role])
        with transaction.atomic():  # every role meets the same state
            if method == "GET":
                response = client.get(url, headers=ZH)
            elif url.startswith("/api/"):
                data = json.dumps(body or {})
                response = client.generic(method, url, data, content_type="application/json")
            else:
                response = client.post(url, body or {})
            transaction.set_rollback(True)
        got[role] = response.status_code
        english[role] = english_of(response, FIXTURE_WORDS)
    want = {role: expected.get(role, expected.get("*")) for role in ROLES}
    assert got == want
    assert {r: e for r, e in english.items() if e} == {}  # shown in Chinese
