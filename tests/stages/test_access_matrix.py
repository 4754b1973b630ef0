"""R17 for the stages: every route of `stages:` as every role, each page read in Chinese.

Alice runs the office (staff), Bob reads (viewer), Olga owns unit L1, Mike is a member of
L1, Charlie runs another office, Dave has no role. L1 has submitted pledges with a file and a
filed self-inspection report; L2's pledges are approved (with a file) and public. A route
missing from MATRIX fails the suite.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from typing import Any

import pytest
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from pingyi import evidence
from pingyi.accounts.actors import Actor
from pingyi.inputs.opinion_files import PaperOpinion, PaperOpinions
from pingyi.stages.models import Opinion
from pingyi.stages.opinion_services import (
    feedback_save,
    opinion_answer,
    opinion_sort,
    opinions_close,
    opinions_import,
    rectification_report_file,
)
from pingyi.stages.services import brief_save, inspection_file, pledge_approve, pledge_save
from tests.chinese import FIXTURE_WORDS, ZH, english_of
from tests.stages.conftest import PDF, Cast

pytestmark = pytest.mark.django_db


@pytest.fixture
def cast(shared_cast: Cast) -> Cast:
    """Built once for the module's tests, each test's writes rolled back (tests/once.py)."""
    return shared_cast


ROLES = ("public", "supervisor", "viewer", "owner", "member", "other_org", "no_role")
LOGIN = 302
C = "/staff/c/{code}/stages"
U = "/staff/c/{code}/stages/u/L1"
OP = "/staff/c/{code}/opinions"
OFFICE_READ = {"public": LOGIN, "supervisor": 200, "viewer": 200, "*": 404}
OFFICE_ACT = {"public": LOGIN, "supervisor": 302, "viewer": 403, "*": 404}
UNIT_READ = {"public": LOGIN, "supervisor": 200, "viewer": 200, "owner": 200, "member": 200}
UNIT_READ |= {"*": 404}
OWNER_ACT = {"public": LOGIN, "owner": 302, "supervisor": 403, "viewer": 403, "member": 403}
OWNER_ACT |= {"*": 404}
DECIDE = {"public": LOGIN, "supervisor": 302, "viewer": 403, "owner": 403, "member": 403}
DECIDE |= {"*": 404}

API = "/api/campaigns/{code}/units/L1"
API_DECIDE = {"public": 401, "supervisor": 200, "viewer": 403, "owner": 403, "member": 403}
API_DECIDE |= {"*": 404}
API_OWNER = {"public": 401, "owner": 200, "supervisor": 403, "viewer": 403, "member": 403}
API_OWNER |= {"*": 404}

MATRIX: dict[str, tuple[str, str, dict[str, int]]] = {
    "stages:public": ("GET", "/c/{code}/", {"*": 200}),
    "stages:public-file": ("GET", "/c/{code}/pledges/L2/file", {"*": 200}),
    "stages:board": ("GET", f"{C}/", OFFICE_READ),
    "stages:brief": ("POST", f"{C}/brief", OFFICE_ACT),
    "stages:owner": ("POST", f"{C}/owner", OFFICE_ACT),
    "stages:my-units": ("GET", "/staff/units/", {"public": LOGIN, "*": 200}),
    "stages:unit": ("GET", f"{U}/", UNIT_READ),
    "stages:pledge": ("POST", f"{U}/pledge", OWNER_ACT),
    "stages:pledge-approve": ("POST", f"{U}/pledge/approve", DECIDE),
    "stages:pledge-return": ("POST", f"{U}/pledge/return", DECIDE),
    "stages:inspection": ("POST", f"{U}/self-inspection", OWNER_ACT),
    "stages:inspection-receive": ("POST", f"{U}/self-inspection/receive", DECIDE),
    "stages:file": ("GET", f"{U}/file/pledge", UNIT_READ),
    # 征求意见 and 集中整改: L1 is fed back with one opinion, which Olga has answered; L2 not
    "stages:opinions": ("GET", f"{OP}/", OFFICE_READ),
    "stages:opinion-codes": ("POST", f"{OP}/codes", OFFICE_ACT),
    "stages:opinion-import": ("POST", f"{OP}/import", OFFICE_ACT),
    "stages:opinion-template": ("GET", f"{OP}/template", OFFICE_READ),
    "stages:opinion-export": ("GET", f"{OP}/export", OFFICE_READ),
    "stages:opinion-close": ("POST", f"{OP}/close", OFFICE_ACT),
    "stages:opinion-unit": ("GET", f"{OP}/u/L1/", OFFICE_READ),
    "stages:opinion-sort": ("POST", f"{OP}/u/L1/{{pk}}/sort", DECIDE),
    "stages:opinion-fold": ("POST", f"{OP}/u/L1/fold", DECIDE | {"supervisor": 404}),
    "stages:feedback": ("POST", f"{OP}/u/L1/feedback", DECIDE),
    "stages:opinion-answer": ("POST", f"{U}/opinions/{{pk}}/answer", OWNER_ACT),
    "stages:rectification-report": ("POST", f"{U}/rectification", OWNER_ACT),
    "stages:rectification-receive": ("POST", f"{U}/rectification/receive", DECIDE),
    # 集中整改's satisfaction survey: the office starts it and records its results
    "stages:survey-start": ("POST", f"{C}/survey", OFFICE_ACT),
    "stages:survey-record": ("POST", f"{C}/survey/record", OFFICE_ACT),
    # the API: the same services, JSON in and out
    "api:stages_public": ("GET", "/api/public/campaigns/{code}", {"*": 200}),
    "api:stages_board": (
        "GET",
        "/api/campaigns/{code}/stage-board",
        {"public": 401, "supervisor": 200, "viewer": 200, "*": 404},
    ),
    # L1's pledges are submitted: its owner may not change them now (409), others may not at all
    "api:stages_pledge_save": ("PUT", f"{API}/pledge", {**API_OWNER, "owner": 409}),
    "api:stages_pledge_approve": ("POST", f"{API}/pledge/approve", API_DECIDE),
    "api:stages_pledge_return": ("POST", f"{API}/pledge/return", API_DECIDE),
    "api:stages_report_file": ("PUT", f"{API}/self-inspection", API_OWNER),
    "api:stages_report_receive": ("POST", f"{API}/self-inspection/receive", API_DECIDE),
    "api:stages_opinion_form_send": ("POST", "/api/opinion-forms", {"*": 409}),
    "api:stages_opinions_list": (
        "GET",
        "/api/campaigns/{code}/opinions",
        {"public": 401, "supervisor": 200, "viewer": 200, "*": 404},
    ),
    "api:stages_unit_opinions": (
        "GET",
        f"{API}/opinions",
        {**API_OWNER, **UNIT_READ, "public": 401},
    ),
    "api:stages_opinions_close": (
        "POST",
        "/api/campaigns/{code}/opinions/close",
        {"public": 401, "supervisor": 200, "viewer": 403, "*": 404},
    ),
    # L1 was fed back: the office may not sort or fold its opinions any more (409)
    "api:stages_opinion_sort": (
        "POST",
        f"{API}/opinions/{{pk}}/sort",
        {**API_DECIDE, "supervisor": 409},
    ),
    "api:stages_opinions_fold": ("POST", f"{API}/opinions/fold", {**API_DECIDE, "supervisor": 409}),
    "api:stages_feedback": ("PUT", f"{API}/feedback", {**API_DECIDE, "supervisor": 409}),
    "api:stages_opinion_answer": ("PUT", f"{API}/opinions/{{pk}}/answer", API_OWNER),
    "api:stages_rectification_report_file": ("PUT", f"{API}/rectification-report", API_OWNER),
    "api:stages_rectification_report_receive": (
        "POST",
        f"{API}/rectification-report/receive",
        API_DECIDE,
    ),
    "api:stages_survey_get": (
        "GET",
        "/api/campaigns/{code}/rectification-survey",
        {"public": 401, "supervisor": 200, "viewer": 200, "*": 404},
    ),
    "api:stages_survey_start": (
        "POST",
        "/api/campaigns/{code}/rectification-survey",
        {"public": 401, "supervisor": 201, "viewer": 403, "*": 404},
    ),
    # no survey was started: nothing to record (409)
    "api:stages_survey_record": (
        "POST",
        "/api/campaigns/{code}/rectification-survey/record",
        {"public": 401, "supervisor": 409, "viewer": 403, "*": 404},
    ),
}
BODIES: dict[str, dict[str, Any]] = {
    "api:stages_opinion_form_send": {"token": "ABCD-EFGH-JKMN-PQRS", "opinions": {"L1": "意见"}},
    "api:stages_opinion_sort": {"category": "law"},
    "api:stages_opinions_fold": {"into": "{pk}", "opinions": []},
    "api:stages_feedback": {"summary": "汇总"},
    "api:stages_opinion_answer": {"measures": "增设窗口"},
    "api:stages_rectification_report_file": {"text": "整改报告"},
    "api:stages_pledge_save": {"text": "限时办结"},
    "api:stages_pledge_return": {"comment": "请补充时限"},
    "api:stages_report_file": {"text": "自查情况"},
    "api:stages_survey_start": {"scope": "reported"},
}


def _routes(patterns: list[Any], namespace: str | None = None) -> Iterator[str]:
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _routes(pattern.url_patterns, pattern.namespace or namespace)
        elif isinstance(pattern, URLPattern):
            yield f"{namespace}:{pattern.name}" if namespace else str(pattern.name)


def test_every_route_of_the_stages_is_in_the_matrix() -> None:
    routes = {
        r for r in _routes(get_resolver().url_patterns) if r.startswith(("stages:", "api:stages_"))
    }
    assert routes == set(MATRIX)


def filled(cast: Cast) -> None:
    """L1 waits for the office (pledges submitted, report filed); L2's pledges are public."""
    olga, paul, alice = Actor.of(cast.olga), Actor.of(cast.paul), Actor.of(cast.alice)
    brief_save(campaign=cast.campaign, plan="全市千人评议机关活动实施方案", actor=alice,
               criteria="比依法行政：看执政为民的意识牢不牢", public=True)  # fmt: skip
    pledge_save(unit=cast.l1, text="限时办结", actor=olga, submit=True,
                upload=evidence.Upload("承诺.pdf", PDF))  # fmt: skip
    inspection_file(unit=cast.l1, text="自查情况", actor=olga, today=dt.date(2026, 3, 2))
    pledge = pledge_save(unit=cast.l2, text="一次告知", actor=paul, submit=True,
                         upload=evidence.Upload("承诺.pdf", PDF))  # fmt: skip
    pledge_approve(pledge=pledge, actor=alice)
    opinions_import(campaign=cast.campaign, actor=alice, paper=PaperOpinions("p.xlsx", [
        PaperOpinion(2, "P1", "L1", "", "窗口排队太久"),
        PaperOpinion(3, "P2", "L2", "", "宣传不到位"),
    ]))  # fmt: skip
    kept = Opinion.objects.get(form_no="P1")
    opinion_sort(opinion=kept, category="efficiency", actor=alice)
    opinions_close(campaign=cast.campaign, actor=alice)
    feedback_save(unit=cast.l1, summary="汇总", send=True, actor=alice)
    opinion_answer(opinion=kept, measures="增设窗口", actor=olga)
    rectification_report_file(unit=cast.l1, text="整改报告", actor=olga)


@pytest.mark.parametrize("name", sorted(MATRIX))
def test_each_role_gets_what_the_matrix_says(name: str, cast: Cast) -> None:
    filled(cast)
    method, path, expected = MATRIX[name]
    pk = str(Opinion.objects.get(form_no="P1").pk)
    url = path.format(code=cast.campaign.code, pk=pk)
    users = {
        "public": None, "supervisor": cast.alice, "viewer": cast.bob, "owner": cast.olga,
        "member": cast.mike, "other_org": cast.charlie, "no_role": cast.dave,
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
                body = json.dumps(BODIES.get(name, {})).replace("{pk}", pk)
                response = client.generic(method, url, body, content_type="application/json")
            else:
                response = client.post(url, {})
            transaction.set_rollback(True)
        got[role] = response.status_code
        english[role] = english_of(response, FIXTURE_WORDS | {"paul", "mike"})
    assert got == {role: expected.get(role, expected.get("*")) for role in ROLES}
    assert {r: e for r, e in english.items() if e} == {}  # shown in Chinese
