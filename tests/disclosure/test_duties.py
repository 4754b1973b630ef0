"""Separation of duties in the approval chains (issue 15 item 9), and the party branch's own
chain for what is disclosed inside the party only (seed 004 三(四)): in the services, the web
pages, the API and the command line."""

from __future__ import annotations

import json

import pytest

from pingyi import cli
from pingyi.accounts.actors import AccessDenied
from pingyi.accounts.models import Membership, Role
from pingyi.audit.models import AuditEntry
from pingyi.disclosure import access
from pingyi.disclosure import selectors as sel
from pingyi.disclosure.models import Item
from pingyi.disclosure.services import item_advance, item_edit, item_revise
from pingyi.rules import disclosure as d
from pingyi.rules.errors import RuleError
from tests.chinese import ZH
from tests.disclosure.conftest import Cast, as_, draft, publish
from tests.web.conftest import client_for

pytestmark = pytest.mark.django_db


# --------------------------------------------------------------------------- the rule


def test_the_drafter_may_not_record_the_next_step() -> None:
    steps = [(d.DRAFTED, "alice")]
    d.check_separation(current=d.DRAFTED, target=d.OFFICE_MEETING, steps=steps, actor="frank")
    with pytest.raises(RuleError) as refused:
        d.check_separation(current=d.DRAFTED, target=d.OFFICE_MEETING, steps=steps, actor="alice")
    assert refused.value.message() == (
        "alice drafted or edited this text, so another person must record the next step "
        "(studied by the office meeting)"
    )


def test_whoever_edited_the_draft_counts_as_its_drafter() -> None:
    steps = [(d.DRAFTED, "alice"), (d.DRAFTED, "frank")]
    for who in ("alice", "frank"):
        with pytest.raises(RuleError):
            d.check_separation(current=d.DRAFTED, target=d.OFFICE_MEETING, steps=steps, actor=who)
    d.check_separation(current=d.DRAFTED, target=d.OFFICE_MEETING, steps=steps, actor="erin")


def test_nobody_records_two_steps_in_a_row() -> None:
    steps = [(d.DRAFTED, "alice"), (d.OFFICE_MEETING, "erin")]
    with pytest.raises(RuleError) as refused:
        d.check_separation(current=d.OFFICE_MEETING, target=d.APPROVED, steps=steps, actor="erin")
    assert refused.value.message() == (
        "erin recorded the previous step (studied by the office meeting), so another person "
        "must record the next one (approved by the leading group)"
    )
    # The drafter may come back for a later step: only consecutive steps are kept apart.
    steps.append((d.APPROVED, "frank"))
    d.check_separation(current=d.APPROVED, target=d.PUBLISHED, steps=steps, actor="alice")


def test_the_internal_chain_is_the_branchs_and_the_others_the_offices() -> None:
    assert d.chain(d.INTERNAL) == {d.DRAFTED: d.BRANCH_DECIDED, d.BRANCH_DECIDED: d.PUBLISHED}
    assert d.chain(d.EXTERNAL) == d.chain(d.INTERNAL_THEN_EXTERNAL) == d.NEXT
    d.check_transition(d.DRAFTED, d.BRANCH_DECIDED, d.INTERNAL)
    d.check_transition(d.BRANCH_DECIDED, d.PUBLISHED, d.INTERNAL)
    for current, target, scope in (
        (d.DRAFTED, d.OFFICE_MEETING, d.INTERNAL),
        (d.DRAFTED, d.BRANCH_DECIDED, d.EXTERNAL),
        (d.DRAFTED, d.BRANCH_DECIDED, d.INTERNAL_THEN_EXTERNAL),
        (d.DRAFTED, d.PUBLISHED, d.INTERNAL),
    ):
        with pytest.raises(RuleError):
            d.check_transition(current, target, scope)


# --------------------------------------------------------------------------- the services


def test_one_administrator_passing_all_three_steps_is_refused_at_the_second(cast: Cast) -> None:
    item = draft(cast.office)  # drafted by Alice
    item_advance(item=item, target=d.OFFICE_MEETING, actor=as_("erin"))
    with pytest.raises(RuleError, match="erin recorded the previous step"):
        item_advance(item=item, target=d.APPROVED, actor=as_("erin"))
    assert Item.objects.get(pk=item.pk).status == d.OFFICE_MEETING
    # The service asks disclosure.access itself (no door checks for it): staff do not approve.
    with pytest.raises(AccessDenied, match="frank may not record this step"):
        item_advance(item=item, target=d.APPROVED, actor=as_("frank"))
    Membership.objects.filter(user=cast.frank).update(role=Role.ADMIN)  # a second administrator
    item_advance(item=item, target=d.APPROVED, actor=as_("frank"))
    with pytest.raises(RuleError, match="frank recorded the previous step"):
        item_advance(item=item, target=d.PUBLISHED, actor=as_("frank"))
    item_advance(item=item, target=d.PUBLISHED, actor=as_("erin"))
    assert list(item.steps.values_list("actor", flat=True)) == ["alice", "erin", "frank", "erin"]


def test_the_drafter_and_an_editor_may_not_take_it_to_the_office_meeting(cast: Cast) -> None:
    item = draft(cast.office)
    item_edit(item=item, title="党费收缴情况（修改）", body="正文", actor=as_("frank"))
    for who in ("alice", "frank"):
        with pytest.raises(RuleError, match=f"{who} drafted or edited this text"):
            item_advance(item=item, target=d.OFFICE_MEETING, actor=as_(who))
    item_advance(item=item, target=d.OFFICE_MEETING, actor=as_("erin"))


def test_a_revision_is_a_new_chain_whoever_published_the_last_one(cast: Cast) -> None:
    item = publish(draft(cast.office))  # frank, erin, then alice published
    item = item_revise(item=item, title="更正", body="更正后的正文", note="更正", actor=as_("erin"))
    with pytest.raises(RuleError, match="erin drafted or edited"):
        item_advance(item=item, target=d.OFFICE_MEETING, actor=as_("erin"))
    item_advance(item=item, target=d.OFFICE_MEETING, actor=as_("alice"))  # she published v1: fine


def test_an_internal_item_is_decided_by_the_branch_and_read_by_members(cast: Cast) -> None:
    item = draft(cast.office, title="民主评议党员结果", scope=d.INTERNAL)
    with pytest.raises(RuleError, match="cannot become studied by the office meeting"):
        item_advance(item=item, target=d.OFFICE_MEETING, actor=as_("erin"))
    with pytest.raises(AccessDenied, match="alice may not record this step"):  # staff, not admin
        item_advance(item=item, target=d.BRANCH_DECIDED, actor=as_("alice"))
    item_advance(
        item=item, target=d.BRANCH_DECIDED, note="支委会 3 月 6 日研究决定", actor=as_("erin")
    )
    with pytest.raises(RuleError, match="erin recorded the previous step"):
        item_advance(item=item, target=d.PUBLISHED, actor=as_("erin"))
    item = item_advance(item=item, target=d.PUBLISHED, actor=as_("alice"))
    assert [v.number for v in sel.versions(item)] == [1]
    assert sel.readable_item(cast.bob, cast.office, item.pk) is not None  # a member
    assert sel.readable_item(cast.dave, cast.office, item.pk) is None
    assert "disclosure.item.branch_decided" in AuditEntry.objects.values_list("action", flat=True)
    # Only an administrator records the branch's decision, as the leading group's approval.
    assert access.may_advance("admin", d.BRANCH_DECIDED)
    assert not access.may_advance("staff", d.BRANCH_DECIDED)


# --------------------------------------------------------------------------- web, API, CLI


def test_the_web_refuses_the_second_step_in_chinese_and_says_so_beforehand(cast: Cast) -> None:
    item = draft(cast.office)
    erin = client_for(cast.erin)
    url = f"/staff/disclosure/i/{item.pk}/advance"
    erin.post(url, {"to": d.OFFICE_MEETING})
    page = erin.get(f"/staff/disclosure/i/{item.pk}/", headers=ZH).content.decode()
    assert 'id="refusal"' in page and 'id="advance-form"' not in page
    assert "erin 登记了上一步（经办公会议研究），下一步（经领导小组审批）须由其他人登记" in page
    response = erin.post(url, {"to": d.APPROVED}, headers=ZH, follow=True)
    assert "erin 登记了上一步" in response.content.decode()
    assert Item.objects.get(pk=item.pk).status == d.OFFICE_MEETING
    # Frank (staff) sees the button for the office meeting on Alice's draft; Alice does not.
    other = draft(cast.office, title="另一事项")
    frank = client_for(cast.frank).get(f"/staff/disclosure/i/{other.pk}/").content.decode()
    assert 'id="advance-form"' in frank
    alice = client_for(cast.alice).get(f"/staff/disclosure/i/{other.pk}/").content.decode()
    assert 'id="refusal"' in alice and "alice drafted or edited this text" in alice


def test_the_api_answers_409_with_the_reason(cast: Cast) -> None:
    item = draft(cast.office)
    erin = client_for(cast.erin)
    url = f"/api/disclosure/items/{item.pk}/advance"
    answer = erin.post(url, json.dumps({"to": d.OFFICE_MEETING}), content_type="application/json")
    assert answer.status_code == 200
    answer = erin.post(
        url, json.dumps({"to": d.APPROVED}), content_type="application/json", headers=ZH
    )
    assert answer.status_code == 409
    assert json.loads(answer.content)["detail"].startswith("erin 登记了上一步")


def test_an_internal_item_goes_through_the_branch_on_the_web(cast: Cast) -> None:
    item = draft(cast.office, title="党内：发展党员公示", scope=d.INTERNAL)
    page = client_for(cast.erin).get(f"/staff/disclosure/i/{item.pk}/", headers=ZH).content
    assert 'value="branch_decided"' in page.decode() and "党支部研究决定" in page.decode()
    # Staff may not record the branch's decision.
    url = f"/staff/disclosure/i/{item.pk}/advance"
    assert client_for(cast.frank).post(url, {"to": d.BRANCH_DECIDED}).status_code == 403
    client_for(cast.erin).post(url, {"to": d.BRANCH_DECIDED})
    client_for(cast.alice).post(url, {"to": d.PUBLISHED})
    assert Item.objects.get(pk=item.pk).status == d.PUBLISHED
    assert client_for(cast.bob).get(f"/disclosure/szfb/{item.pk}/").status_code == 200
    assert client_for(cast.dave).get(f"/disclosure/szfb/{item.pk}/").status_code == 404


@pytest.fixture
def _english(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PINGYI_LANGUAGE", "en")


@pytest.mark.usefixtures("_english")
def test_the_command_line_acts_for_a_named_user_under_the_same_rule(
    cast: Cast, capsys: pytest.CaptureFixture[str]
) -> None:
    item = draft(cast.office)
    with pytest.raises(SystemExit) as stopped:  # --as is required: no step in root's name
        cli.main(["disclosure", "advance", "--item", str(item.pk)])
    assert stopped.value.code == 2
    capsys.readouterr()
    assert cli.main(["disclosure", "advance", "--item", str(item.pk), "--as", "erin"]) == 0
    assert capsys.readouterr().out == (f"item {item.pk} is now: Studied by the office meeting\n")
    with pytest.raises(SystemExit) as stopped:
        cli.main(["disclosure", "advance", "--item", str(item.pk), "--as", "erin"])
    assert stopped.value.code == 1
    assert capsys.readouterr().err == (
        "pingyi: error: erin recorded the previous step (studied by the office meeting), so "
        "another person must record the next one (approved by the leading group)\n"
    )
    with pytest.raises(SystemExit):  # a staff member may not approve for the leading group
        cli.main(["disclosure", "advance", "--item", str(item.pk), "--as", "frank"])
    assert "frank may not record this step" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        cli.main(["disclosure", "advance", "--item", str(item.pk), "--as", "nobody"])
    assert "no active user 'nobody'" in capsys.readouterr().err
    entry = AuditEntry.objects.filter(action="disclosure.item.office_meeting").get()
    assert entry.actor == "erin" and entry.data["via"].startswith("cli")
