"""The look-back (回头看): re-grading an organization of a final grading with the reason found,
audited, through the round's grade change; its plan re-opened or made (seed 003)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.test import Client

from pingyi.accounts.models import Role
from pingyi.audit.models import AuditEntry
from pingyi.grading.models import PartyOrg
from pingyi.grading.selectors import grading_state
from pingyi.notices.models import Notice
from pingyi.notices.services import notice_finalize
from pingyi.rectification.lookback import org_regrade
from pingyi.rectification.models import Basis, LookBack, Plan, PlanStatus
from pingyi.rectification.services import plan_accept
from pingyi.rules.errors import RuleError
from tests.chinese import ZH
from tests.notices.conftest import AS_STAFF, T0, published_grading, staff_user

pytestmark = pytest.mark.django_db
AFTER = T0 + dt.timedelta(days=5)


@pytest.fixture
def final(tmp_path: Path) -> Notice:
    notice = published_grading(tmp_path)
    return notice_finalize(notice=notice, actor=AS_STAFF, now=AFTER)


def _org(notice: Notice, code: str) -> PartyOrg:
    return PartyOrg.objects.select_related("round").get(round=notice.grading_round, code=code)


def _message(exc: pytest.ExceptionInfo[RuleError]) -> str:
    return exc.value.message(lambda s: s)


def test_a_look_back_needs_a_final_notice(tmp_path: Path) -> None:
    notice = published_grading(tmp_path)
    with pytest.raises(RuleError) as refused:
        org_regrade(org=_org(notice, "V1"), grade="较差", reason="违纪", actor=AS_STAFF)
    assert _message(refused) == (
        "a look-back re-grades the organizations of a final result: the round's notice is not final"
    )


def test_a_violation_found_moves_the_organization_to_poor_and_makes_its_plan(
    final: Notice,
) -> None:
    moment = AFTER + dt.timedelta(days=40)
    done = org_regrade(org=_org(final, "V1"), grade="较差", reason="书记充当保护伞",
                       violation=True, actor=AS_STAFF, now=moment)  # fmt: skip
    assert (done.before, done.after, done.moved) == ("较好", "较差", {"V1": ("较好", "较差")})
    v1 = _org(final, "V1")
    assert v1.violation
    assert final.grading_round is not None
    assert grading_state(final.grading_round).org("V1").grade == "较差"
    plan = Plan.objects.get(notice=final, unit_code="V1")
    assert (plan.basis, plan.status, plan.period_starts) == (Basis.POOR, PlanStatus.OPEN,
                                                             moment.date())  # fmt: skip
    look = LookBack.objects.get(plan=plan)
    assert (look.reason, look.grade_before, look.grade_after) == ("书记充当保护伞", "较好", "较差")
    audited = AuditEntry.objects.get(action="grading.lookback.regraded")
    assert audited.data == {
        "org": "V1", "notice": final.code, "grade": "较差", "violation": True,
        "reason": "书记充当保护伞", "moved": {"V1": ["较好", "较差"]},
    }  # fmt: skip
    assert AuditEntry.objects.filter(action="rectification.plan.reopened").count() == 1
    # the notice as published stays what it was
    assert final.entries.get(code="V1").grade == "较好"


def test_an_accepted_plan_is_reopened_and_a_general_branch_takes_its_branch(
    final: Notice,
) -> None:
    v2 = Plan.objects.get(notice=final, unit_code="V2")
    plan_accept(plan=v2, verdict="passed", note="ok", actor=AS_STAFF, today=v2.period_ends)
    done = org_regrade(org=_org(final, "V2"), grade="较差", reason="回头看复查", actor=AS_STAFF)
    v2.refresh_from_db()
    assert (v2.status, v2.verdict, v2.basis) == (PlanStatus.OPEN, "", Basis.POOR)
    assert done.plans == [v2.pk]
    branch = org_regrade(org=_org(final, "G1"), grade="一般", reason="复查", actor=AS_STAFF)
    assert branch.moved == {"G1": ("好", "一般"), "B1": ("好", "一般")}
    assert set(Plan.objects.filter(notice=final, unit_code__in=["G1", "B1"])
               .values_list("unit_code", flat=True)) == {"G1", "B1"}  # fmt: skip


def test_moving_up_to_good_leaves_the_ledger_alone(final: Notice) -> None:
    s1 = Plan.objects.get(notice=final, unit_code="S1")  # 较差 → 一般: a move up, accepted first
    plan_accept(plan=s1, verdict="passed", note="达标", actor=AS_STAFF, today=s1.period_ends)
    done = org_regrade(org=_org(final, "S1"), grade="一般", reason="复查", effective=True,
                       actor=AS_STAFF)  # fmt: skip
    s1.refresh_from_db()
    assert done.plans == [s1.pk] and s1.basis == Basis.FAIR  # still weak: the plan goes on
    with pytest.raises(RuleError) as refused:  # 成效不显著的不得晋位升级
        org_regrade(org=_org(final, "V1"), grade="好", reason="复查", actor=AS_STAFF)
    assert "成效不显著的不得晋位升级" in _message(refused)
    up = org_regrade(org=_org(final, "V1"), grade="好", reason="复查", effective=True,
                     actor=AS_STAFF)  # fmt: skip
    assert up.plans == [] and not Plan.objects.filter(notice=final, unit_code="V1").exists()
    assert (
        AuditEntry.objects.filter(action="grading.lookback.regraded")
        .last()
        .data[  # type: ignore[union-attr]
            "effective"
        ]
    )


def test_a_grade_moves_up_only_past_an_accepted_plan_and_an_effective_rectification(
    final: Notice,
) -> None:
    v2 = Plan.objects.get(notice=final, unit_code="V2")
    with pytest.raises(RuleError) as open_plan:
        org_regrade(org=_org(final, "V2"), grade="较好", reason="整改完成", effective=True,
                    actor=AS_STAFF)  # fmt: skip
    assert _message(open_plan) == (
        "三村党支部 cannot move up from 一般 to 较好: its rectification plan is not accepted yet"
    )
    plan_accept(plan=v2, verdict="failed", note="未达标", actor=AS_STAFF, today=v2.period_ends)
    with pytest.raises(RuleError) as failed:
        org_regrade(org=_org(final, "V2"), grade="较好", reason="整改完成", effective=True,
                    actor=AS_STAFF)  # fmt: skip
    assert _message(failed).endswith("its rectification failed its acceptance inspection")
    assert grading_state(final.grading_round).org("V2").grade == "一般"  # type: ignore[arg-type]
    assert not LookBack.objects.exists()


def test_an_accepted_effective_rectification_moves_the_grade_up(final: Notice) -> None:
    v2 = Plan.objects.get(notice=final, unit_code="V2")
    plan_accept(plan=v2, verdict="passed", note="达标", actor=AS_STAFF, today=v2.period_ends)
    with pytest.raises(RuleError):
        org_regrade(org=_org(final, "V2"), grade="较好", reason="整改完成", actor=AS_STAFF)
    done = org_regrade(org=_org(final, "V2"), grade="较好", reason="整改完成，群众认可",
                       effective=True, actor=AS_STAFF)  # fmt: skip
    assert (done.before, done.after, done.plans) == ("一般", "较好", [])
    assert grading_state(final.grading_round).org("V2").grade == "较好"  # type: ignore[arg-type]


def test_a_look_back_records_the_seeds_cause_of_a_violation(final: Notice) -> None:
    done = org_regrade(org=_org(final, "V1"), grade="较差", reason="测评多数党员群众不满意",
                       cause="dissatisfied", actor=AS_STAFF)  # fmt: skip
    v1 = _org(final, "V1")
    assert (done.after, v1.violation, v1.violation_cause, v1.violation_reason) == (
        "较差", True, "dissatisfied", "测评多数党员群众不满意",
    )  # fmt: skip
    with pytest.raises(RuleError) as refused:
        org_regrade(
            org=_org(final, "V2"), grade="较差", reason="r", cause="bribery", actor=AS_STAFF
        )
    assert _message(refused).startswith("the cause must be one of: crime, umbrella, attitude")


@pytest.mark.parametrize(
    ("code", "grade", "violation", "reason", "message"),
    [
        ("B1", "较差", False, "r", "第一支部 is a branch"),
        ("X1", "一般", False, "r", "四村党支部 has a violation"),
        ("V1", "一般", True, "r", "二村党支部 has a violation"),
        ("N1", "好", False, "r", "新建企业党支部 is newly established"),
        ("V1", "较好", False, "r", "二村党支部 is graded 较好 already"),
        ("V1", "较差", False, "  ", "a look-back needs its reason"),
        ("V1", "差", False, "r", "the grade must be one of: 好, 较好, 一般, 较差"),
    ],
)
def test_a_look_back_keeps_the_grading_rules(
    final: Notice, code: str, grade: str, violation: bool, reason: str, message: str
) -> None:
    with pytest.raises(RuleError) as refused:
        org_regrade(org=_org(final, code), grade=grade, reason=reason, violation=violation,
                    actor=AS_STAFF)  # fmt: skip
    assert _message(refused).startswith(message)
    assert not LookBack.objects.exists()
    assert not AuditEntry.objects.filter(action="grading.lookback.regraded").exists()


def test_the_look_back_page(final: Notice) -> None:
    assert final.grading_round is not None
    code = final.grading_round.code
    alice = Client()
    alice.force_login(staff_user("alice", final.organization))
    bob = Client()
    bob.force_login(staff_user("bob", final.organization, Role.VIEWER))
    round_page = alice.get(f"/staff/grading/{code}/").content.decode()
    assert f'href="/staff/ledger/lookback/{code}/" id="lookback-link"' in round_page
    assert 'id="regrade-form"' not in bob.get(f"/staff/ledger/lookback/{code}/").content.decode()
    form = {"org": "V1", "grade": "较差", "violation": "on", "reason": "书记涉黑"}
    assert bob.post(f"/staff/ledger/lookback/{code}/", form).status_code == 403
    done = alice.post(f"/staff/ledger/lookback/{code}/", form, follow=True).content.decode()
    assert "二村党支部 is now 较差; 1 plan(s) re-opened." in done
    assert "较好 → 较差" in done and "书记涉黑" in done
    unknown = alice.post(f"/staff/ledger/lookback/{code}/", {**form, "org": "ZZ"}, follow=True)
    assert "No organization with that code in this round." in unknown.content.decode()
    again = alice.post(f"/staff/ledger/lookback/{code}/", form, follow=True).content.decode()
    assert "二村党支部 is graded 较差 already" in again


def test_the_look_back_page_records_a_cause_and_refuses_an_unproven_move_up(
    final: Notice,
) -> None:
    assert final.grading_round is not None
    url = f"/staff/ledger/lookback/{final.grading_round.code}/"
    alice = Client()
    alice.force_login(staff_user("alice", final.organization))
    page = alice.get(url, headers=ZH).content.decode()
    assert 'id="upgrade-rule"' in page and "在“三打两建”中党员群众不满意" in page
    up = alice.post(url, {"org": "V1", "grade": "好", "reason": "复查"}, follow=True)
    assert "成效不显著的不得晋位升级" in up.content.decode()
    assert grading_state(final.grading_round).org("V1").grade == "较好"
    form = {"org": "V2", "grade": "较差", "cause": "attitude", "reason": "打击行动中态度不坚决"}
    alice.post(url, form, follow=True)
    v2 = _org(final, "V2")
    assert (v2.violation, v2.violation_cause) == (True, "attitude")
    effective = {"org": "V1", "grade": "好", "reason": "复查", "effective": "on"}
    alice.post(url, effective, follow=True)
    assert grading_state(final.grading_round).org("V1").grade == "好"
