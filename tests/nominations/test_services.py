"""The nomination use cases: a town nominates, the county recommends, the office approves;
separation of duties; departures approved only with a reason; refusals with clear messages;
the notice and the opinions; every step audited."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from pingyi.accounts.actors import AccessDenied
from pingyi.audit.models import AuditEntry
from pingyi.nominations import services as s
from pingyi.nominations.models import NominationRound, Slate
from pingyi.nominations.selectors import round_deadlines, round_summary, slate_figures
from pingyi.registry.models import Project
from pingyi.rules import nominations as rules
from pingyi.rules.errors import RuleError
from tests.nominations.conftest import START, SYSTEM, Cast, kept_project, person

pytestmark = pytest.mark.django_db


def _slate(unit: object) -> Slate:
    return Slate.objects.get(unit=unit)


def _nominate(cast: Cast, *names: str, grassroots: bool = True) -> Slate:
    for name in names:
        s.nominee_add(unit=cast.town, spec=person(name, grassroots=grassroots),
                      actor=cast.actor("uma"))  # fmt: skip
    return s.slate_submit(unit=cast.town, actor=cast.actor("uma"))


def test_a_town_list_climbs_level_by_level_to_the_office(cast: Cast) -> None:
    slate = _nominate(cast, "张三", "李四")
    assert (slate.status, slate.waiting_at) == (rules.SUBMITTED, cast.county)
    s.slate_recommend(slate=slate, actor=cast.actor("cora"))
    slate.refresh_from_db()
    assert (slate.status, slate.waiting_at) == (rules.SUBMITTED, None)  # at the office now
    s.slate_approve(slate=slate, actor=cast.actor("alice"))
    slate.refresh_from_db()
    assert slate.status == rules.APPROVED
    steps = [(st.kind, st.level, st.actor) for st in slate.steps.all()]
    assert steps == [
        (rules.SUBMIT, "某某镇", "uma"),
        (rules.RECOMMEND, "某县人社局", "cora"),
        (rules.APPROVE, "市人力资源和社会保障局", "alice"),
    ]
    actions = list(AuditEntry.objects.filter(action__startswith="nominations.slate.")
                   .values_list("action", flat=True))  # fmt: skip
    assert actions == ["nominations.slate.submitted", "nominations.slate.recommended",
                       "nominations.slate.approved"]  # fmt: skip


def test_only_the_unit_nominates_for_itself(cast: Cast) -> None:
    for name in ("cora", "victor", "alice", "dave"):
        with pytest.raises(AccessDenied):
            s.nominee_add(unit=cast.town, spec=person("王五"), actor=cast.actor(name))
    assert not _slate(cast.town).nominees.exists()


def test_only_the_level_where_the_list_waits_recommends_it(cast: Cast) -> None:
    slate = _nominate(cast, "张三")
    for name in ("victor", "alice", "bob"):  # the office waits its turn
        with pytest.raises(AccessDenied):
            s.slate_recommend(slate=slate, actor=cast.actor(name))
    with pytest.raises(RuleError) as exc:  # the office is told why, not just refused
        s.slate_approve(slate=slate, actor=cast.actor("alice"))
    assert exc.value.message() == (
        "a list that is waiting at a level below the office cannot be approved by the office"
    )


def test_who_drafted_a_list_cannot_recommend_it_at_the_next_step(cast: Cast) -> None:
    # Cora belongs to the town too: she added a nominee, so she cannot recommend the list
    s.unit_member_add(unit=cast.town, username="cora", actor=SYSTEM)
    s.nominee_add(unit=cast.town, spec=person("张三"), actor=cast.actor("cora"))
    slate = s.slate_submit(unit=cast.town, actor=cast.actor("uma"))
    with pytest.raises(RuleError) as exc:
        s.slate_recommend(slate=slate, actor=cast.actor("cora"))
    assert exc.value.message() == (
        "cora nominated or submitted this list and cannot also recommend it"
    )
    assert _slate(cast.town).waiting_at == cast.county


def test_nobody_approves_after_recording_the_step_before(cast: Cast) -> None:
    # Victor's department hands its list to the office directly; Alice is in the office
    # and, as a member of the department, submits it: she may not approve it herself
    s.unit_member_add(unit=cast.department, username="alice", actor=SYSTEM)
    s.nominee_add(unit=cast.department, spec=person("赵六"), actor=cast.actor("victor"))
    slate = s.slate_submit(unit=cast.department, actor=cast.actor("alice"))
    with pytest.raises(RuleError, match="alice nominated or submitted this list"):
        s.slate_approve(slate=slate, actor=cast.actor("alice"))
    s.slate_approve(slate=slate, actor=cast.actor("olga"))  # another person of the office
    assert _slate(cast.department).status == rules.APPROVED


def test_an_over_quota_list_is_flagged_and_approved_only_with_a_reason(cast: Cast) -> None:
    slate = _nominate(cast, "甲", "乙", "丙")  # the town's quota is 2
    figures = slate_figures(slate)
    assert (figures.count, figures.quota, figures.check.over) == (3, 2, 1)
    s.slate_recommend(slate=slate, actor=cast.actor("cora"))
    with pytest.raises(RuleError) as exc:
        s.slate_approve(slate=slate, actor=cast.actor("alice"), reason=" ")
    assert exc.value.message() == (
        "the list is over its quota: approving it anyway needs a recorded reason"
    )
    assert _slate(cast.town).status == rules.SUBMITTED
    s.slate_approve(slate=slate, actor=cast.actor("alice"), reason="经市委同意增加一名")
    slate.refresh_from_db()
    assert (slate.status, slate.approval_reason) == (rules.APPROVED, "经市委同意增加一名")


def test_a_list_of_leaders_is_below_the_grassroots_share(cast: Cast) -> None:
    s.nominee_add(unit=cast.town, spec=person("局长甲", grassroots=False, leader=True),
                  actor=cast.actor("uma"))  # fmt: skip
    s.nominee_add(unit=cast.town, spec=person("窗口乙"), actor=cast.actor("uma"))
    figures = slate_figures(_slate(cast.town))
    assert (figures.share, figures.share_met, figures.needed) == (
        rules.grassroots_share(1, 2),
        False,
        2,
    )
    assert figures.departures == (rules.FEW_GRASSROOTS,)


def test_exactly_at_the_quota_needs_no_reason(cast: Cast) -> None:
    slate = _nominate(cast, "甲", "乙")
    s.slate_recommend(slate=slate, actor=cast.actor("cora"))
    s.slate_approve(slate=slate, actor=cast.actor("alice"))
    assert _slate(cast.town).approval_reason == ""


def test_a_returned_list_is_edited_and_climbs_again(cast: Cast) -> None:
    slate = _nominate(cast, "甲")
    with pytest.raises(RuleError, match="say why the list is returned"):
        s.slate_return(slate=slate, reason="", actor=cast.actor("cora"))
    s.slate_return(slate=slate, reason="请改报基层一线同志", actor=cast.actor("cora"))
    slate.refresh_from_db()
    assert (slate.status, slate.return_reason) == (rules.RETURNED, "请改报基层一线同志")
    s.nominee_add(unit=cast.town, spec=person("乙"), actor=cast.actor("uma"))
    s.slate_submit(unit=cast.town, actor=cast.actor("uma"))
    assert _slate(cast.town).waiting_at == cast.county


def test_a_submitted_list_is_not_changed(cast: Cast) -> None:
    _nominate(cast, "甲")
    with pytest.raises(RuleError) as exc:
        s.nominee_add(unit=cast.town, spec=person("乙"), actor=cast.actor("uma"))
    assert exc.value.message() == "a list that is waiting for the level above is not changed"


def test_an_empty_list_is_not_submitted(cast: Cast) -> None:
    with pytest.raises(RuleError, match="the list has no nominee"):
        s.slate_submit(unit=cast.town, actor=cast.actor("uma"))


def test_a_leader_is_not_grassroots(cast: Cast) -> None:
    with pytest.raises(RuleError, match="a unit leader is not counted as grassroots"):
        s.nominee_add(unit=cast.town, spec=person("甲", grassroots=True, leader=True),
                      actor=cast.actor("uma"))  # fmt: skip


def test_a_round_runs_only_under_a_kept_project(cast: Cast) -> None:
    cancelled = Project.objects.get(name="窗口单位评比")
    with pytest.raises(RuleError) as exc:
        s.round_create(organization=cast.office, project=cancelled, code="x", name="x",
                       started_on=dt.date(2026, 3, 1), quota=3, actor=SYSTEM)  # fmt: skip
    assert exc.value.message() == (
        "'窗口单位评比' is not on a published kept list: nominations run only under a kept project"
    )
    with pytest.raises(AccessDenied):
        s.round_create(organization=cast.office, project=kept_project(cast.office, "q2"),
                       code="y", name="y", started_on=dt.date(2026, 3, 1), quota=3,
                       actor=cast.actor("bob"))  # fmt: skip


def test_the_department_quota_comes_from_headcount_and_ratio(cast: Cast) -> None:
    NominationRound.objects.filter(pk=cast.round.pk).update(ratio="1/100")
    cast.department.refresh_from_db()
    assert slate_figures(_slate(cast.department)).quota == 1  # 150 × 1/100, rounded down


def _approved_town(cast: Cast, *names: str) -> None:
    slate = _nominate(cast, *names)
    s.slate_recommend(slate=slate, actor=cast.actor("cora"))
    s.slate_approve(slate=slate, actor=cast.actor("alice"), reason="特殊情况")


def test_the_notice_waits_for_every_submitted_list(cast: Cast) -> None:
    _approved_town(cast, "甲")
    s.nominee_add(unit=cast.department, spec=person("丁"), actor=cast.actor("victor"))
    s.slate_submit(unit=cast.department, actor=cast.actor("victor"))
    with pytest.raises(RuleError) as exc:
        s.notice_publish(round_=cast.round, actor=cast.actor("alice"))
    assert exc.value.message() == (
        "1 lists still wait for a decision: approve or return them before the notice"
    )


def test_the_notice_runs_for_its_period_and_takes_opinions(cast: Cast) -> None:
    _approved_town(cast, "甲", "乙")
    now = dt.datetime(2026, 4, 1, 9, tzinfo=dt.UTC)
    s.notice_publish(round_=cast.round, actor=cast.actor("alice"), now=now)
    cast.round.refresh_from_db()
    assert (cast.round.phase, cast.round.notice_start, cast.round.notice_end) == (
        rules.NOTICE,
        dt.date(2026, 4, 1),
        dt.date(2026, 4, 7),
    )
    nominee = _slate(cast.town).nominees.first()
    assert nominee is not None
    filed = s.opinion_file(nominee=nominee, text="该同志事迹属实", actor=SYSTEM,
                           now=dt.datetime(2026, 4, 7, 9, tzinfo=dt.UTC))  # fmt: skip
    with pytest.raises(RuleError, match="the notice period ended on 2026-04-07"):
        s.opinion_file(nominee=nominee, text="晚了", actor=SYSTEM,
                       now=dt.datetime(2026, 4, 8, 9, tzinfo=dt.UTC))  # fmt: skip
    with pytest.raises(RuleError, match="the notice runs until 2026-04-07"):
        s.round_close(round_=cast.round, actor=cast.actor("alice"), now=now)
    after = dt.datetime(2026, 4, 8, 9, tzinfo=dt.UTC)
    with pytest.raises(RuleError, match="1 opinion"):  # every opinion answered first
        s.round_close(round_=cast.round, actor=cast.actor("alice"), now=after)
    s.opinion_answer(opinion=filed.opinion, answer="经核实，事迹属实", actor=cast.actor("alice"))
    s.round_close(round_=cast.round, actor=cast.actor("alice"), now=after)
    assert cast.round.phase == rules.CLOSED


def test_above_the_total_quota_the_notice_needs_a_reason(cast: Cast) -> None:
    NominationRound.objects.filter(pk=cast.round.pk).update(quota=1)
    cast.round.refresh_from_db()
    _approved_town(cast, "甲", "乙")
    assert round_summary(cast.round).over_total
    with pytest.raises(RuleError, match="exceed the total quota"):
        s.notice_publish(round_=cast.round, actor=cast.actor("alice"))
    s.notice_publish(round_=cast.round, reason="上级追加名额", actor=cast.actor("alice"))
    assert cast.round.notice_reason == "上级追加名额"


def test_a_round_without_units_has_no_deadline_done(cast: Cast) -> None:
    # QA: a fresh round showed 各单位报送推荐名单 and 上级逐级推荐 as 已完成 before any unit
    fresh = s.round_create(
        organization=cast.office, project=cast.round.project, code="myd-2027",
        name="2027年人民满意的公务员推荐", started_on=START, quota=2, actor=SYSTEM,
    )  # fmt: skip
    states = {d.deadline.key: d.state for d in round_deadlines(fresh, START)}
    assert rules.DONE not in states.values()


def test_deadlines_turn_overdue_on_the_injected_day_until_the_lists_are_in(cast: Cast) -> None:
    states = {d.deadline.key: d.state for d in round_deadlines(cast.round, dt.date(2026, 3, 16))}
    assert states == {rules.NOMINATE_BY: rules.OVERDUE, rules.RECOMMEND_BY: rules.UPCOMING,
                      rules.APPROVE_BY: rules.UPCOMING}  # fmt: skip
    s.schedule_set(round_=cast.round, changes={rules.NOMINATE_BY: dt.date(2026, 3, 18)},
                   actor=cast.actor("alice"))  # fmt: skip
    states = {d.deadline.key: d.state for d in round_deadlines(cast.round, dt.date(2026, 3, 16))}
    assert states[rules.NOMINATE_BY] == rules.DUE
    with pytest.raises(AccessDenied):
        s.schedule_set(round_=cast.round, changes={}, actor=cast.actor("uma"))
    assert timezone.now()  # the clock is only what the test passes
