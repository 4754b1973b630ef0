"""R17 for the notice: every route of `notices:` and every `api:notices_*` operation, called
as every role; the outcome matches this checked-in matrix. A route missing here fails.

The notice in the paths is on notice now (objections open) and belongs to Alice's office;
Charlie runs another office and finds nothing of it (404); Dave has no role anywhere. The
public pages answer everyone alike.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from pingyi.accounts.models import Membership, Organization, Role
from pingyi.notices.models import Notice
from pingyi.notices.services import notice_publish, objection_file
from tests.chinese import FIXTURE_WORDS, ZH, english_of
from tests.notices.conftest import AS_STAFF, closed_campaign

pytestmark = pytest.mark.django_db

ROLES = ("public", "admin", "staff", "viewer", "other_org", "no_role")
LOGIN = 302
N, P, C = "{code}", "{pk}", "{campaign}"
RUN_POST = {"public": LOGIN, "admin": 302, "staff": 302, "viewer": 403, "*": 404}
READ_GET = {"public": LOGIN, "admin": 200, "staff": 200, "viewer": 200, "*": 404}
API_READ = {"public": 401, "admin": 200, "staff": 200, "viewer": 200, "*": 404}

MATRIX: dict[str, tuple[str, str, Any, dict[str, int]]] = {
    "notices:index": ("GET", "/notice/", None, {"*": 200}),
    "notices:track": ("GET", "/notice/track", None, {"*": 200}),
    "notices:notice": ("GET", f"/notice/{N}/", None, {"*": 200}),
    "notices:objection": (
        "POST",
        f"/notice/{N}/objection",
        {"unit": "L7", "text": "有误"},
        {"*": 201},
    ),
    "notices:receipts": ("GET", f"/notice/{N}/receipts.txt", None, {"*": 200}),
    "notices:pdf": ("GET", f"/notice/{N}/notice.pdf", None, {"*": 200}),  # 公示, not final yet
    "notices:home": ("GET", "/staff/notices/", None, {"public": LOGIN, "*": 200}),
    "notices:publish": ("POST", f"/staff/notices/publish/{C}", {}, RUN_POST),
    "notices:publish-grading": ("POST", "/staff/notices/publish-grading/{round}", {}, RUN_POST),
    "notices:staff-notice": ("GET", f"/staff/notices/{N}/", None, READ_GET),
    "notices:finalize": ("POST", f"/staff/notices/{N}/finalize", {}, RUN_POST),
    "notices:review": ("POST", f"/staff/notices/{N}/review", {}, RUN_POST),
    "notices:xlsx": ("GET", f"/staff/notices/{N}/results.xlsx", None, READ_GET),
    "notices:staff-objection": ("GET", f"/staff/notices/{N}/objections/{P}/", None, READ_GET),
    "notices:assign": ("POST", f"/staff/notices/{N}/objections/{P}/assign", {}, RUN_POST),
    "notices:note": ("POST", f"/staff/notices/{N}/objections/{P}/note", {}, RUN_POST),
    "notices:answer": ("POST", f"/staff/notices/{N}/objections/{P}/answer", {}, RUN_POST),
    "api:notices_read": ("GET", f"/api/notices/{N}", None, {"*": 200}),
    "api:notices_objection_file": (
        "POST",
        f"/api/notices/{N}/objections",
        {"unit": "L7", "text": "有误"},
        {"*": 201},
    ),
    "api:notices_objection_track": ("POST", "/api/objections/track", {"code": "x"}, {"*": 404}),
    "api:notices_publish": (
        "POST",
        f"/api/notices/publish/{C}",
        {},
        {"public": 401, "admin": 201, "staff": 201, "viewer": 403, "*": 404},
    ),
    "api:notices_publish_grading": (
        "POST",
        "/api/notices/publish-grading/{round}",
        {},
        {"public": 401, "admin": 201, "staff": 201, "viewer": 403, "*": 404},
    ),
    "api:notices_finalize": (
        "POST",
        f"/api/notices/{N}/finalize",
        {},
        {"public": 401, "admin": 409, "staff": 409, "viewer": 403, "*": 404},
    ),
    "api:notices_objections": ("GET", f"/api/notices/{N}/objections", None, API_READ),
    "api:notices_objection_answer": (
        "POST",
        f"/api/notices/{N}/objections/{P}/answer",
        {"answer": "已核实"},
        {"public": 401, "admin": 200, "staff": 200, "viewer": 403, "*": 404},
    ),
    "api:notices_review": (
        "POST",
        f"/api/notices/{N}/reviews",
        {"unit": "L6", "reason": "复核", "approved_by": "组长", "flags": []},
        {"public": 401, "admin": 201, "staff": 201, "viewer": 403, "*": 404},
    ),
}


def _routes(patterns: list[Any], namespace: str | None = None) -> Iterator[str]:
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _routes(pattern.url_patterns, pattern.namespace or namespace)
        elif isinstance(pattern, URLPattern):
            yield f"{namespace}:{pattern.name}" if namespace else str(pattern.name)


def test_every_route_of_the_notice_is_in_the_matrix() -> None:
    routes = {
        r
        for r in _routes(get_resolver().url_patterns)
        if r.startswith("notices:") or r.startswith("api:notices_")
    }
    assert routes == set(MATRIX)


def _setup(folder: Path) -> tuple[Notice, int, str, dict[str, User | None]]:
    notice = notice_publish(campaign=closed_campaign(folder), actor=AS_STAFF)  # on notice now
    objection = objection_file(notice=notice, entry_code="L7", text="有误").objection
    ready = closed_campaign(folder, year=2027)
    office = notice.organization
    elsewhere = closed_campaign(folder, organization="other-office").series.organization
    users: dict[str, User | None] = {"public": None}
    for name, role, organization in (
        ("admin", Role.ADMIN, office),
        ("staff", Role.STAFF, office),
        ("viewer", Role.VIEWER, office),
        ("other_org", Role.ADMIN, elsewhere),
    ):
        users[name] = User.objects.create_user(name)
        Membership.objects.create(user=users[name], organization=organization, role=role)
    users["no_role"] = User.objects.create_user("no_role")
    assert isinstance(elsewhere, Organization)
    return notice, objection.pk, ready.code, users


@pytest.mark.parametrize("name", sorted(MATRIX))
def test_each_role_gets_what_the_matrix_says(name: str, tmp_path: Path) -> None:
    method, path, body, expected = MATRIX[name]
    notice, pk, campaign, users = _setup(tmp_path)
    round_code = ""
    if "{round}" in path:  # a grading round of Alice's office, at its decision step
        from tests.notices.conftest import decided_grading

        round_code = decided_grading(tmp_path).code
    url = path.format(code=notice.code, pk=pk, campaign=campaign, round=round_code)
    got = {}
    english: dict[str, list[str]] = {}
    for role in ROLES:
        client = Client()
        if users[role] is not None:
            client.force_login(users[role])
        with transaction.atomic():  # every role meets the same state
            if method == "GET":
                response = client.get(url, headers=ZH)
            elif url.startswith("/api/"):
                response = client.post(url, json.dumps(body), content_type="application/json")
            else:
                response = client.post(url, body)
            transaction.set_rollback(True)
        got[role] = response.status_code
        english[role] = english_of(response, FIXTURE_WORDS)
    assert got == {role: expected.get(role, expected.get("*")) for role in ROLES}
    assert {r: e for r, e in english.items() if e} == {}  # shown in Chinese
