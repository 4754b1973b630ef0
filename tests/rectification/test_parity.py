"""One use case, every door (issue 11): who may change a rectification plan is decided by
rectification.access inside the service, so the page, the API and the command line refuse the
same person and let the same person through.

Before, the plan's role was checked by the view and the API, and the service trusted its
caller (item_close_out alone asked who approved, and answered with a rule, not a refusal).
The CLI is the machine's operator (the system actor): it is admitted, as the office is.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from contextlib import suppress

import pytest
from django.test import Client
from django.utils import timezone

from pingyi import cli
from pingyi.accounts.actors import PUBLIC, AccessDenied, Actor
from pingyi.audit.models import AuditEntry
from pingyi.rectification import services as s
from pingyi.rectification.models import Plan
from pingyi.rectification.prefill import item_discard, item_draft_save, plan_prefill
from pingyi.rules.errors import RuleError
from pingyi.rules.ledger import PanelMember
from tests.rectification.conftest import Ledger, as_

pytestmark = pytest.mark.django_db


@pytest.fixture
def ledger(shared_ledger: Ledger) -> Ledger:
    """Built once for the module's tests, each test's writes rolled back (tests/once.py)."""
    return shared_ledger


DOORS = ["service", "page", "api", "cli"]
PANEL_TEXT = "张三，人大，组长\n李四，政协，委员"
PANEL_JSON = [
    {"name": "张三", "body": "npc", "role": "组长"},
    {"name": "李四", "body": "cppcc", "role": "委员"},
]


@pytest.fixture(autouse=True)
def _english(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PINGYI_LANGUAGE", "en")


def _client(user: object) -> Client:
    client = Client()
    client.force_login(user)  # type: ignore[arg-type]
    return client


def _due(ledger: Ledger) -> Plan:
    """The plan's rectification period is over: the acceptance may be recorded today."""
    Plan.objects.filter(pk=ledger.plan.pk).update(period_ends=timezone.localdate())
    ledger.plan.refresh_from_db()
    return ledger.plan


def _verdict(plan: Plan) -> str:
    return Plan.objects.get(pk=plan.pk).verdict


@pytest.mark.parametrize("door", DOORS)
def test_the_acceptance_is_the_office_s_and_refused_to_the_unit_s_owner_alike(
    ledger: Ledger, door: str
) -> None:
    plan = _due(ledger)

    def through(who: str) -> None:
        user = {"alice": ledger.alice, "olga": ledger.olga, "bob": ledger.bob}[who]
        with suppress(AccessDenied, SystemExit):
            if door == "service":
                panel = [PanelMember("张三", "npc", "组长"), PanelMember("李四", "cppcc", "委员")]
                s.plan_accept(plan=plan, verdict="passed", note="整改到位", members=panel,
                              actor=as_(who))  # fmt: skip
            elif door == "page":
                form = {"verdict": "passed", "note": "整改到位", "panel": PANEL_TEXT}
                answer = _client(user).post(f"/staff/ledger/plans/{plan.pk}/accept", form)
                assert answer.status_code == (302 if who == "alice" else 403)
            elif door == "api":
                body = {"verdict": "passed", "note": "整改到位", "members": PANEL_JSON}
                answer = _client(user).post(
                    f"/api/plans/{plan.pk}/acceptance",
                    json.dumps(body),
                    content_type="application/json",
                )
                assert answer.status_code == (200 if who == "alice" else 403)
            elif who == "alice":  # the command line has no person to refuse: its operator
                cli.main(["ledger", "accept", str(plan.pk), "--verdict", "passed",
                          "--note", "整改到位", "--member", "张三,人大,组长",
                          "--member", "李四,政协,委员"])  # fmt: skip

    through("olga")
    through("bob")
    assert _verdict(plan) == ""
    assert not AuditEntry.objects.filter(action="rectification.plan.accepted").exists()
    through("alice")
    assert _verdict(plan) == "passed"
    entry = AuditEntry.objects.get(action="rectification.plan.accepted")
    assert entry.actor.startswith("cli:") if door == "cli" else entry.actor == "alice"


@pytest.mark.parametrize("door", ["service", "page"])
def test_progress_is_the_owner_s_and_refused_to_a_member_and_a_viewer_alike(
    ledger: Ledger, door: str
) -> None:
    item = ledger.item

    def through(who: str) -> None:
        user = {"olga": ledger.olga, "mike": ledger.mike, "bob": ledger.bob}[who]
        with suppress(AccessDenied):
            if door == "service":
                s.item_progress(item=item, text="已开工", status="in_progress", actor=as_(who))
            else:
                url = f"/staff/ledger/items/{item.pk}/progress"
                answer = _client(user).post(url, {"text": "已开工", "status": "in_progress"})
                assert answer.status_code == (302 if who == "olga" else 403)

    through("mike")
    through("bob")
    assert not item.notes.exists()
    through("olga")
    assert list(item.notes.values_list("author", "status_after")) == [("olga", "in_progress")]


@pytest.mark.parametrize("door", DOORS)
def test_drafts_are_prefilled_for_the_office_and_refused_to_a_viewer_alike(
    ledger: Ledger, door: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """Nothing was fed back to L7: whoever is let through hears so; the viewer is refused
    before the question is asked."""
    plan = ledger.plan

    def through(who: str) -> int | None:
        user = {"alice": ledger.alice, "bob": ledger.bob}[who]
        if door == "service":
            with pytest.raises(AccessDenied if who == "bob" else RuleError):
                plan_prefill(plan=plan, actor=as_(who))
            return None
        if door == "page":
            url = f"/staff/ledger/plans/{plan.pk}/prefill"
            return _client(user).post(url).status_code
        if door == "api":
            url = f"/api/plans/{plan.pk}/prefill"
            return _client(user).post(url).status_code
        if who == "alice":
            with pytest.raises(SystemExit) as stopped:  # let through, then told: nothing
                cli.main(["ledger", "prefill", str(plan.pk)])
            assert stopped.value.code == 1
            assert "may not" not in capsys.readouterr().err
        return None

    refused, admitted = through("bob"), through("alice")
    if door == "page":
        assert (refused, admitted) == (403, 302)
    elif door == "api":
        assert (refused, admitted) == (403, 409)


# ------------------------------------------------- the service's own check, called directly


def _refusals(ledger: Ledger) -> dict[str, Callable[[], object]]:
    """Each use case, called by someone it does not belong to (no door in between)."""
    plan, item = ledger.plan, ledger.item
    olga, mike, bob, charlie = (as_(n) for n in ("olga", "mike", "bob", "charlie"))
    day = dt.date(2026, 9, 1)
    return {
        "item_add": lambda: s.item_add(
            plan=plan,
            description="问题",
            measures="措施",
            target="目标",
            owner="王科长",
            deadline=day,
            actor=bob,
        ),
        "item_update": lambda: s.item_update(item=item, owner="李科长", actor=mike),
        "item_progress": lambda: s.item_progress(item=item, text="x", actor=charlie),
        "item_close_out": lambda: s.item_close_out(item=item, actor=olga),
        "unit_access_grant": lambda: s.unit_access_grant(
            plan=plan, username="dave", role="owner", actor=olga
        ),
        "plan_leaders_set": lambda: s.plan_leaders_set(
            plan=plan, sponsor_leader="王", liaison="李", actor=bob
        ),
        "plan_accept": lambda: s.plan_accept(plan=plan, verdict="passed", note="", actor=olga),
        "plan_reopen": lambda: s.plan_reopen(plan=plan, reason="回头看", actor=olga),
        "plan_survey_start": lambda: s.plan_survey_start(plan=plan, year=2027, actor=bob),
        "plan_for_lookback": lambda: s.plan_for_lookback(
            notice=ledger.notice,
            unit_code="X",
            unit_name="某单位",
            grade="较差",
            actor=olga,
            now=timezone.now(),
        ),
        "plan_prefill": lambda: plan_prefill(plan=plan, actor=mike),
        "item_draft_save": lambda: item_draft_save(
            item=item,
            description="x",
            measures="",
            target="",
            owner="",
            deadline=day,
            actor=mike,
        ),
        "item_discard": lambda: item_discard(item=item, actor=bob),
        "public": lambda: s.item_progress(item=item, text="x", actor=PUBLIC),
    }


USE_CASES = [
    "item_add", "item_update", "item_progress", "item_close_out", "unit_access_grant",
    "plan_leaders_set", "plan_accept", "plan_reopen", "plan_survey_start", "plan_for_lookback",
    "plan_prefill", "item_draft_save", "item_discard", "public",
]  # fmt: skip


@pytest.mark.parametrize("use_case", USE_CASES)
def test_every_service_refuses_an_actor_it_does_not_belong_to(
    ledger: Ledger, use_case: str
) -> None:
    refusals = _refusals(ledger)
    assert sorted(refusals) == sorted(USE_CASES)
    before = AuditEntry.objects.count()
    with pytest.raises(AccessDenied):
        refusals[use_case]()
    assert AuditEntry.objects.count() == before


def test_the_system_actor_may_do_anything(ledger: Ledger) -> None:
    note = s.item_progress(item=ledger.item, text="已开工", actor=Actor.operator("cli:root"))
    assert note.author == "cli:root"
