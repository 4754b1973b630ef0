"""R17 for the ledger and the history: every route of `rectification:` as every role.

Alice supervises (staff of the office), Bob reads (viewer of the office), Olga owns unit
L7, Mike is a member of L7, Charlie runs another office, Dave has no role. The plan, item
and evidence in the paths are L7's. A route missing from MATRIX fails the suite.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from pingyi import evidence
from pingyi.rectification.services import item_progress
from tests.chinese import FIXTURE_WORDS, ZH, english_of
from tests.grading.conftest import make_round
from tests.rectification.conftest import PDF, Ledger, as_

pytestmark = pytest.mark.django_db


@pytest.fixture
def ledger(shared_ledger: Ledger) -> Ledger:
    """Built once for the module's tests, each test's writes rolled back (tests/once.py)."""
    return shared_ledger


ROLES = ("public", "supervisor", "viewer", "owner", "member", "other_org", "no_role")
LOGIN = 302
PLAN, ITEM, FILE, SERIES = "{plan}", "{item}", "{file}", "{series}"
SUPERVISE = {"public": LOGIN, "supervisor": 302, "viewer": 403, "owner": 403, "member": 403}
SUPERVISE |= {"*": 404}
EDIT = {**SUPERVISE, "owner": 302}
READ = {"public": LOGIN, "supervisor": 200, "viewer": 200, "owner": 200, "member": 200}
READ |= {"*": 404}
OFFICE = {"public": LOGIN, "supervisor": 200, "viewer": 200, "*": 404}
API_SUPERVISE = {"public": 401, "supervisor": 409, "viewer": 403, "owner": 403, "member": 403}
API_SUPERVISE |= {"*": 404}
API_EDIT = {**API_SUPERVISE, "owner": 409}

MATRIX: dict[str, tuple[str, str, dict[str, int]]] = {
    "rectification:home": ("GET", "/staff/ledger/", {"public": LOGIN, "*": 200}),
    "rectification:export": ("GET", "/staff/ledger/ledger.xlsx", {"public": LOGIN, "*": 200}),
    "rectification:import": (
        "POST",
        "/staff/ledger/import",
        {"public": LOGIN, "supervisor": 400, "other_org": 400, "*": 403},
    ),
    "rectification:plan": ("GET", f"/staff/ledger/plans/{PLAN}/", READ),
    "rectification:item-new": ("POST", f"/staff/ledger/plans/{PLAN}/items", EDIT),
    "rectification:leaders": ("POST", f"/staff/ledger/plans/{PLAN}/leaders", SUPERVISE),
    "rectification:people": ("POST", f"/staff/ledger/plans/{PLAN}/people", SUPERVISE),
    "rectification:accept": ("POST", f"/staff/ledger/plans/{PLAN}/accept", SUPERVISE),
    "rectification:survey": ("POST", f"/staff/ledger/plans/{PLAN}/survey", SUPERVISE),
    "rectification:lookback": ("POST", f"/staff/ledger/plans/{PLAN}/lookback", SUPERVISE),
    # drafts from the fed-back opinions: none here, and the item is confirmed (refused, 302)
    "rectification:prefill": ("POST", f"/staff/ledger/plans/{PLAN}/prefill", EDIT),
    "rectification:draft": ("POST", f"/staff/ledger/items/{ITEM}/draft", EDIT),
    "rectification:discard": ("POST", f"/staff/ledger/items/{ITEM}/discard", EDIT),
    "rectification:progress": ("POST", f"/staff/ledger/items/{ITEM}/progress", EDIT),
    "rectification:close-out": ("POST", f"/staff/ledger/items/{ITEM}/close-out", SUPERVISE),
    "rectification:evidence": ("GET", f"/staff/ledger/evidence/{FILE}", READ),
    "rectification:history": ("GET", f"/staff/history/{SERIES}/L7/", OFFICE),
    "rectification:letter": ("GET", f"/staff/history/{SERIES}/V4/letter-2026.pdf", OFFICE),
    # a grading round of the office (organizations imported): its look-back and history
    "rectification:lookback-grading": ("GET", "/staff/ledger/lookback/{round}/", OFFICE),
    "rectification:org-history": ("GET", "/staff/history/grading/office/V1/", OFFICE),
    # the API: the period runs on and there is no opinion to draft from, the item is
    # confirmed — the rules refuse (409) whom the roles admit
    "api:rectification_accept": ("POST", f"/api/plans/{PLAN}/acceptance", API_SUPERVISE),
    "api:rectification_prefill": ("POST", f"/api/plans/{PLAN}/prefill", API_EDIT),
    "api:rectification_draft": ("PUT", f"/api/ledger-items/{ITEM}/draft", API_EDIT),
}
BODIES: dict[str, dict[str, Any]] = {
    "api:rectification_accept": {
        "verdict": "passed", "note": "整改到位",
        "members": [{"name": "张三", "body": "人大", "role": "组长"},
                    {"name": "李四", "body": "政协", "role": "委员"}],
    },
    "api:rectification_draft": {"description": "问题", "deadline": "2026-12-31"},
}  # fmt: skip


def _routes(patterns: list[Any], namespace: str | None = None) -> Iterator[str]:
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _routes(pattern.url_patterns, pattern.namespace or namespace)
        elif isinstance(pattern, URLPattern):
            yield f"{namespace}:{pattern.name}" if namespace else str(pattern.name)


def test_every_route_of_the_ledger_is_in_the_matrix() -> None:
    routes = {
        r
        for r in _routes(get_resolver().url_patterns)
        if r.startswith("rectification:") or r.startswith("api:rectification_")
    }
    assert routes == set(MATRIX)


@pytest.mark.parametrize("name", sorted(MATRIX))
def test_each_role_gets_what_the_matrix_says(name: str, ledger: Ledger, tmp_path: Path) -> None:
    method, path, expected = MATRIX[name]
    note = item_progress(
        item=ledger.item, text="附件", files=[evidence.Upload("a.pdf", PDF)], actor=as_("olga")
    )
    assert ledger.plan.series_id is not None
    round_code = make_round(tmp_path).code if "grading" in path or "{round}" in path else ""
    url = path.format(
        round=round_code,
        plan=ledger.plan.pk,
        item=ledger.item.pk,
        file=note.evidence.get().pk,
        series=ledger.plan.series_id,
    )
    users = {
        "public": None, "supervisor": ledger.alice, "viewer": ledger.bob, "owner": ledger.olga,
        "member": ledger.mike, "other_org": ledger.charlie, "no_role": ledger.dave,
    }  # fmt: skip
    got = {}
    english: dict[str, list[str]] = {}
    for role in ROLES:
        client = Client()
        if users[role] is not None:
            client.force_login(users[role])
        with transaction.atomic():
            if method == "GET":
                response = client.get(url, headers=ZH)
            elif url.startswith("/api/"):
                body = json.dumps(BODIES.get(name, {}))
                response = client.generic(
                    method, url, body, content_type="application/json", headers=ZH
                )
            else:
                response = client.post(url, {})
            transaction.set_rollback(True)
        got[role] = response.status_code
        english[role] = english_of(response, FIXTURE_WORDS)
    assert got == {role: expected.get(role, expected.get("*")) for role in ROLES}
    assert {r: e for r, e in english.items() if e} == {}  # shown in Chinese
