"""R17 for disclosure: every route of `disclosure:` and every `api:disclosure_…` operation,
called as every role, answers what this checked-in matrix says.

The office (Erin admin, Alice staff, Bob a member who reads) has a drafted item, an external
item published with one feedback, and an internal item published; Charlie runs another
organization, Dave has no role. Internal items are not found by anyone outside the office.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.db import transaction
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone

from pingyi.disclosure.models import Feedback, Item, Opinion, Remark
from pingyi.disclosure.services import (
    feedback_leave,
    opinion_leave,
    remark_leave,
    supervisor_appoint,
)
from pingyi.rules import disclosure as d
from tests.chinese import FIXTURE_WORDS, ZH, english_of
from tests.disclosure.conftest import Cast, as_, draft, publish, staged
from tests.web.conftest import client_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def cast(shared_cast: Cast) -> Cast:
    """Built once for the module's tests, each test's writes rolled back (tests/once.py)."""
    return shared_cast


ROLES = ("public", "admin", "staff", "viewer", "other_org", "no_role", "supervisor")
LOGIN = 302
JSON = "application/json"
# A serving supervisor (Dan, no role) reads what members read, and nothing of the staff's.
HIDDEN = {"other_org": 404, "no_role": 404, "supervisor": 404}
RUNS = {"public": LOGIN, "viewer": 403, **HIDDEN, "*": 302}
MEMBERS = {"public": 404, "other_org": 404, "no_role": 404}

MATRIX: dict[str, tuple[str, str, Any, dict[str, int]]] = {
    "disclosure:home": ("GET", "/staff/disclosure/", None, {"public": LOGIN, "*": 200}),
    "disclosure:item-new": (
        "GET",
        "/staff/disclosure/new",
        None,
        {"public": LOGIN, "admin": 200, "staff": 200, "other_org": 200, "*": 403},
    ),
    "disclosure:item": (
        "GET",
        "/staff/disclosure/i/{draft}/",
        None,
        {"public": LOGIN, **HIDDEN, "*": 200},
    ),
    "disclosure:advance": (
        "POST",
        "/staff/disclosure/i/{draft}/advance",
        {"to": d.OFFICE_MEETING},
        RUNS,
    ),
    "disclosure:edit": ("POST", "/staff/disclosure/i/{draft}/edit", {}, RUNS),
    "disclosure:release": ("POST", "/staff/disclosure/i/{draft}/release", {}, RUNS),
    "disclosure:answer": ("POST", "/staff/disclosure/feedback/{feedback}/answer", {}, RUNS),
    "disclosure:next-phase": ("POST", "/staff/disclosure/i/{staged}/next-phase", {}, RUNS),
    "disclosure:supervisors": (
        "GET",
        "/staff/disclosure/supervisors/",
        None,
        {"public": LOGIN, "*": 200},
    ),
    "disclosure:supervisor-new": (  # an empty form: back to the page with the reason
        "POST",
        "/staff/disclosure/supervisors/new",
        {},
        {"public": LOGIN, "admin": 302, "other_org": 302, "*": 403},
    ),
    "disclosure:remark-answer": ("POST", "/staff/disclosure/remarks/{remark}/answer", {}, RUNS),
    "disclosure:supervise": (
        "GET",
        "/staff/disclosure/supervise/szfb/",
        None,
        {"public": LOGIN, "supervisor": 200, "*": 404},
    ),
    "disclosure:public-list": ("GET", "/disclosure/szfb/", None, {"*": 200}),
    "disclosure:public-item": ("GET", "/disclosure/szfb/{internal}/", None, {**MEMBERS, "*": 200}),
    "disclosure:public-version": ("GET", "/disclosure/szfb/{external}/v1", None, {"*": 200}),
    "disclosure:feedback": (  # the receipt with the tracking code, shown once
        "POST",
        "/disclosure/szfb/{internal}/feedback",
        {"text": "意见"},
        {**MEMBERS, "*": 200},
    ),
    "disclosure:track": ("GET", "/disclosure/szfb/track", None, {"*": 200}),
    "disclosure:opinion-box": (  # anyone writes; the receipt with the tracking code
        "POST",
        "/disclosure/szfb/opinions",
        {"text": "建议增加公开栏"},
        {"*": 200},
    ),
    "disclosure:opinions": (
        "GET",
        "/staff/disclosure/opinions/",
        None,
        {"public": LOGIN, "*": 200},
    ),
    "disclosure:opinion-answer": (
        "POST",
        "/staff/disclosure/opinions/{opinion}/answer",
        {},
        RUNS,
    ),
    "api:disclosure_items_list": ("GET", "/api/disclosure/items", None, {"public": 401, "*": 200}),
    "api:disclosure_items_advance": (
        "POST",
        "/api/disclosure/items/{draft}/advance",
        {"to": d.OFFICE_MEETING},
        # Alice drafted it: she may not record the next step (separation of duties).
        {"public": 401, "viewer": 403, **HIDDEN, "staff": 409, "*": 200},
    ),
    "api:disclosure_calendar": (
        "GET",
        "/api/disclosure/calendar?today=2026-04-16",
        None,
        {"public": 401, "*": 200},
    ),
    "api:disclosure_public_items": ("GET", "/api/disclosure/public/szfb", None, {"*": 200}),
    "api:disclosure_items_next_phase": (
        "POST",
        "/api/disclosure/items/{staged}/next-phase",
        {"title": "执行中", "body": "已开工。"},
        {"public": 401, "viewer": 403, **HIDDEN, "*": 200},
    ),
    "api:disclosure_supervisors_list": (
        "GET",
        "/api/disclosure/supervisors",
        None,
        {"public": 401, "*": 200},
    ),
    "api:disclosure_supervisors_appoint": (
        "POST",
        "/api/disclosure/supervisors",
        {
            "organization": "szfb",
            "name": "李监督",
            "unit": "退休干部",
            "term_start": "2026-01-01",
            "term_end": "2026-12-31",
        },
        {"public": 401, "admin": 201, "staff": 403, "viewer": 403, "*": 404},
    ),
    "api:disclosure_remarks_list": (
        "GET",
        "/api/disclosure/remarks",
        None,
        {"public": 401, "*": 200},
    ),
    "api:disclosure_remarks_leave": (
        "POST",
        "/api/disclosure/remarks",
        {"organization": "szfb", "text": "请按时更新公开栏"},
        {"public": 401, "supervisor": 201, "*": 404},
    ),
    "api:disclosure_remarks_answer": (
        "POST",
        "/api/disclosure/remarks/{remark}/answer",
        {"answer": "已更新"},
        {"public": 401, "viewer": 403, **HIDDEN, "*": 200},
    ),
    "api:disclosure_track": (
        "POST",
        "/api/disclosure/public/szfb/track",
        {"code": "{code}"},
        {"*": 200},
    ),
}


def _routes(patterns: list[Any], namespace: str | None = None) -> Iterator[str]:
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _routes(pattern.url_patterns, pattern.namespace or namespace)
        elif isinstance(pattern, URLPattern):
            yield f"{namespace}:{pattern.name}" if namespace else str(pattern.name)


def test_every_route_of_disclosure_is_in_the_matrix() -> None:
    routes = {
        route
        for route in _routes(get_resolver().url_patterns)
        if route.startswith(("disclosure:", "api:disclosure_"))
    }
    assert routes == set(MATRIX)


@dataclass
class Items:
    drafted: Item
    external: Item
    internal: Item
    feedback: Feedback
    code: str
    opinion: Opinion
    staged: Item
    remark: Remark


@pytest.fixture
def items(cast: Cast) -> Items:
    external = publish(draft(cast.office, title="对外"))
    receipt = feedback_leave(item=external, text="请补充明细")
    internal = publish(draft(cast.office, title="党内", scope=d.INTERNAL))
    opinion = opinion_leave(organization=cast.office, text="建议每季度公开党费").opinion
    drafted = draft(cast.office, title="草稿")
    phased = publish(staged(cast.office))
    dan = User.objects.create_user("dan")
    today = timezone.localdate()
    supervisor = supervisor_appoint(
        organization=cast.office, name="王秀兰", unit="市人大代表", term_start=today,
        term_end=today, user=dan, actor=as_("erin"),
    )  # fmt: skip
    remark = remark_leave(supervisor=supervisor, text="公开栏未更新", actor=as_("dan"))
    return Items(
        drafted, external, internal, receipt.feedback, receipt.code, opinion, phased, remark
    )


def _users(cast: Cast) -> dict[str, User | None]:
    return {
        "public": None,
        "admin": cast.erin,
        "staff": cast.alice,
        "viewer": cast.bob,
        "other_org": cast.charlie,
        "no_role": cast.dave,
        "supervisor": User.objects.get(username="dan"),
    }


@pytest.mark.parametrize("name", sorted(MATRIX))
def test_each_role_gets_what_the_matrix_says(cast: Cast, items: Items, name: str) -> None:
    method, path, body, expected = MATRIX[name]
    users = _users(cast)
    url = path.format(
        draft=items.drafted.pk,
        external=items.external.pk,
        internal=items.internal.pk,
        feedback=items.feedback.pk,
        opinion=items.opinion.pk,
        staged=items.staged.pk,
        remark=items.remark.pk,
    )
    if body and body.get("code") == "{code}":
        body = {"code": items.code}
    got = {}
    english: dict[str, list[str]] = {}
    for role in ROLES:
        client = client_for(users[role])
        with transaction.atomic():  # every role meets the same state
            if method == "GET":
                response = client.get(url, headers=ZH)
            elif url.startswith("/api/"):
                response = client.post(url, json.dumps(body or {}), content_type=JSON)
            else:
                response = client.post(url, body or {}, headers=ZH)
            transaction.set_rollback(True)
        got[role] = response.status_code
        english[role] = english_of(response, FIXTURE_WORDS)
    want = {role: expected.get(role, expected.get("*")) for role in ROLES}
    assert got == want
    assert {r: e for r, e in english.items() if e} == {}  # shown in Chinese
