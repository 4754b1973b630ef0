"""Registering, deciding, the rounds of seed 000 and the statistics, against the database."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from fractions import Fraction

import pytest

from pingyi.audit.models import AuditEntry
from pingyi.audit.services import audit_verify
from pingyi.registry import selectors as sel
from pingyi.registry.models import Cleanup, Project, ProjectDecision
from pingyi.registry.services import (
    cleanup_advance,
    cleanup_publish,
    cleanup_start_higher_adjustment,
    cleanup_start_initial_audit,
    cleanup_start_joint_meeting,
    project_decide,
    project_register,
    projects_import,
)
from pingyi.rules import registry as r
from pingyi.rules.errors import RuleError
from tests.registry.conftest import OFFICE, START, Cast, as_, spec

pytestmark = pytest.mark.django_db


def register(cast: Cast, *specs: object, unit: object = None) -> list[Project]:
    return projects_import(
        cleanup=cast.cleanup,
        unit=unit or cast.department,
        specs=specs,  # type: ignore[arg-type]
        actor=as_("victor" if unit is cast.town else "uma"),  # each unit's own registrar
    )


def decide_as_suggested(cleanup: Cleanup) -> None:
    suggestions = sel.cleanup_suggestions(cleanup)
    for project in cleanup.projects.order_by("id"):
        s = suggestions[project.pk]
        target = Project.objects.get(pk=s.merge_into) if s.merge_into is not None else None
        project_decide(project=project, decision=s.decision, merge_into=target, actor=as_(OFFICE))


BELOW = "上级反馈保留项目均有中央文件依据"  # the reason to publish below the 70 % target


def advance(cleanup: Cleanup, *rounds: str) -> None:
    for name in rounds:
        cleanup_advance(cleanup=cleanup, target=name, actor=as_(OFFICE), reason=BELOW)


def actions(cast: Cast) -> list[str]:
    return list(
        AuditEntry.objects.filter(action__startswith="registry.").values_list("action", flat=True)
    )


# ----------------------------------------------------------------- registering


def test_a_project_set_up_during_the_clean_up_is_flagged_not_refused(cast: Cast) -> None:
    old, new = register(
        cast,
        spec("老项目", established_on=START - dt.timedelta(days=1)),
        spec("新项目", established_on=START),
    )
    assert (old.flags, new.flags) == ([], [r.F_NEW])
    assert sel.cleanup_stats(cast.cleanup).total.flagged == 1


def test_a_project_registered_after_the_self_check_is_flagged_late(cast: Cast) -> None:
    decide_as_suggested(cast.cleanup)  # nothing yet: the round may move on
    advance(cast.cleanup, r.INITIAL_AUDIT)
    (late,) = register(cast, spec("迟报项目"))
    assert late.flags == [r.F_LATE]
    assert late.registered_round == r.INITIAL_AUDIT


def test_a_unit_registers_a_name_once_and_a_bad_batch_writes_nothing(cast: Cast) -> None:
    register(cast, spec("甲"))
    with pytest.raises(RuleError) as refused:
        register(cast, spec("乙"), spec("甲"))
    assert refused.value.message() == "市委组织部 has already registered '甲'"
    assert list(cast.cleanup.projects.values_list("name", flat=True)) == ["甲"]
    register(cast, spec("甲"), unit=cast.town)  # another unit may use the same name


def test_nothing_is_registered_once_the_kept_list_is_published(cast: Cast) -> None:
    advance(cast.cleanup, r.INITIAL_AUDIT, r.JOINT_MEETING, r.HIGHER_ADJUSTMENT, r.PUBLISHED)
    with pytest.raises(RuleError, match="the kept list is published"):
        project_register(cleanup=cast.cleanup, unit=cast.town, spec=spec("x"), actor=as_("victor"))


# ----------------------------------------------------------------- deciding


def test_differing_from_the_suggestion_needs_a_recorded_reason(cast: Cast) -> None:
    (project,) = register(cast, spec("无依据项目", basis_kind=r.NO_BASIS, basis_title=""))
    with pytest.raises(RuleError) as refused:
        project_decide(project=project, decision=r.KEEP, reason=" ", actor=as_("uma"))
    assert refused.value.message() == (
        "the decision differs from the suggestion (撤销): record the reason"
    )
    assert not ProjectDecision.objects.exists()
    decision = project_decide(
        project=project, decision=r.KEEP, reason="省里要求保留", actor=as_("uma")
    )
    assert (decision.round, decision.differs, decision.suggested) == (r.SELF_CHECK, True, r.CANCEL)
    assert decision.suggested_rules == [r.R_NO_BASIS]


def test_a_second_decision_in_a_round_replaces_the_first_and_both_are_audited(cast: Cast) -> None:
    (project,) = register(cast, spec("甲"))
    project_decide(project=project, decision=r.KEEP, actor=as_("uma"))
    project_decide(project=project, decision=r.CANCEL, reason="实际不需要", actor=as_("uma"))
    assert list(project.decisions.values_list("decision", flat=True)) == [r.CANCEL]
    entries = AuditEntry.objects.filter(action="registry.project.decided").order_by("seq")
    assert [(e.data["decision"], e.data["before"]) for e in entries] == [
        (r.KEEP, None),
        (r.CANCEL, r.KEEP),
    ]


def test_a_merge_needs_a_kept_target_of_the_same_clean_up(cast: Cast) -> None:
    first, second, third = register(cast, spec("甲"), spec("乙"), spec("丙"))
    (elsewhere,) = projects_import(
        cleanup=cast.other, unit=cast.other.units.create(code="u", name="u"),
        specs=[spec("外")], actor=as_("charlie"),
    )  # fmt: skip
    with pytest.raises(RuleError, match="a merge needs the project it merges into"):
        project_decide(project=second, decision=r.MERGE, reason="重复", actor=as_(OFFICE))
    with pytest.raises(RuleError, match="belongs to another clean-up"):
        project_decide(
            project=second, decision=r.MERGE, merge_into=elsewhere, reason="x", actor=as_(OFFICE)
        )
    project_decide(project=first, decision=r.CANCEL, reason="重复", actor=as_(OFFICE))
    with pytest.raises(RuleError) as refused:
        project_decide(
            project=second, decision=r.MERGE, merge_into=first, reason="x", actor=as_(OFFICE)
        )
    assert refused.value.message() == (
        f"the project '{first.pk}' is itself to be merged or cancelled: merge into a kept project"
    )
    project_decide(
        project=second, decision=r.MERGE, merge_into=third, reason="同类", actor=as_(OFFICE)
    )


def test_the_duplicate_suggestion_merges_and_agreeing_needs_no_reason(cast: Cast) -> None:
    first, twin = register(
        cast, spec("优秀党员评选", target_group="党员"), spec("党员先锋评选", target_group="党员")
    )
    suggestion = sel.cleanup_suggestions(cast.cleanup)[twin.pk]
    assert suggestion == r.Suggestion(r.MERGE, (r.R_DUPLICATE,), first.pk)
    decision = project_decide(project=twin, decision=r.MERGE, merge_into=first, actor=as_("uma"))
    assert decision.differs is False


# ----------------------------------------------------------------- the rounds


def test_the_rounds_of_seed_000_run_in_order_and_refuse_skips(cast: Cast) -> None:
    register(cast, spec("甲"))
    with pytest.raises(RuleError) as refused:
        advance(cast.cleanup, r.INITIAL_AUDIT)
    assert refused.value.message() == "1 project(s) have no decision in the self-check round yet"
    with pytest.raises(RuleError, match="it cannot go to joint meeting"):
        advance(cast.cleanup, r.JOINT_MEETING)
    decide_as_suggested(cast.cleanup)
    cleanup_start_initial_audit(cleanup=cast.cleanup, actor=as_(OFFICE))
    decide_as_suggested(cast.cleanup)
    cleanup_start_joint_meeting(cleanup=cast.cleanup, actor=as_(OFFICE))
    decide_as_suggested(cast.cleanup)
    cleanup_start_higher_adjustment(cleanup=cast.cleanup, actor=as_(OFFICE))
    with pytest.raises(RuleError, match="it cannot go to self-check"):
        advance(cast.cleanup, r.SELF_CHECK)
    with pytest.raises(RuleError, match=r"below the target 70\.0%: record the reason"):
        cleanup_publish(cleanup=cast.cleanup, actor=as_(OFFICE))  # nothing merged or cancelled
    cleanup_publish(cleanup=cast.cleanup, actor=as_(OFFICE), reason=BELOW)
    cast.cleanup.refresh_from_db()
    assert cast.cleanup.round == r.PUBLISHED and cast.cleanup.published_at is not None
    with pytest.raises(RuleError, match="the kept list is published"):
        decide_as_suggested(cast.cleanup)
    moves = [
        (e.data["from"], e.data["to"])
        for e in AuditEntry.objects.filter(action="registry.cleanup.advanced").order_by("seq")
    ]
    assert moves == [
        (r.SELF_CHECK, r.INITIAL_AUDIT),
        (r.INITIAL_AUDIT, r.JOINT_MEETING),
        (r.JOINT_MEETING, r.HIGHER_ADJUSTMENT),
        (r.HIGHER_ADJUSTMENT, r.PUBLISHED),
    ]
    assert audit_verify().ok


def test_the_latest_round_decides_and_the_higher_level_may_adjust(cast: Cast) -> None:
    (project,) = register(cast, spec("甲"))
    for name in (r.INITIAL_AUDIT, r.JOINT_MEETING, r.HIGHER_ADJUSTMENT):
        decide_as_suggested(cast.cleanup)
        advance(cast.cleanup, name)
    project_decide(project=project, decision=r.CANCEL, reason="上级反馈：撤销", actor=as_(OFFICE))
    advance(cast.cleanup, r.PUBLISHED)
    row = sel.project_row(cast.cleanup, project)
    assert list(row.by_round) == [
        r.SELF_CHECK,
        r.INITIAL_AUDIT,
        r.JOINT_MEETING,
        r.HIGHER_ADJUSTMENT,
    ]
    assert row.effective == r.CANCEL
    assert sel.kept_projects(cast.cleanup) == []


def test_publication_refuses_a_merge_into_a_project_that_ends_up_cancelled(cast: Cast) -> None:
    first, _twin = register(cast, spec("甲", target_group="党员"), spec("乙", target_group="党员"))
    for name in (r.INITIAL_AUDIT, r.JOINT_MEETING, r.HIGHER_ADJUSTMENT):
        decide_as_suggested(cast.cleanup)
        advance(cast.cleanup, name)
    project_decide(project=first, decision=r.CANCEL, reason="上级反馈", actor=as_(OFFICE))
    with pytest.raises(RuleError) as refused:
        advance(cast.cleanup, r.PUBLISHED)
    assert refused.value.message() == (
        "'乙' merges into '甲', which is not kept: correct it before publishing"
    )
    cast.cleanup.refresh_from_db()
    assert cast.cleanup.round == r.HIGHER_ADJUSTMENT


# ----------------------------------------------------------------- statistics


def test_statistics_per_unit_and_in_total(cast: Cast) -> None:
    register(
        cast,
        spec("保留一"),
        spec("重复一", organizer="市委组织部", target_group="基层党组织"),  # merges into 保留一
        spec("收费一", charges_fees=True, money_saved=Decimal("400000")),
    )
    register(
        cast,
        spec("无依据一", basis_kind=r.NO_BASIS, basis_title="", organizer="某镇"),
        spec("自设一", organizer="某镇党委", self_established=True, target_group="村"),
        spec("出工一", burdens_labour=True, organizer="某镇", target_group="企业"),
        spec("待定一", organizer="某镇", target_group="个人"),
        unit=cast.town,
    )
    decide_as_suggested(cast.cleanup)
    undecided = cast.cleanup.projects.get(name="待定一")
    undecided.decisions.all().delete()
    stats = sel.cleanup_stats(cast.cleanup)
    by_code = {u.code: t for u, t in stats.units}
    dep, tow = by_code["zzb"], by_code["town"]
    assert (dep.registered, dep.kept, dep.merged, dep.cancelled) == (3, 1, 1, 1)
    assert dep.reduction_rate == Fraction(2, 3)
    assert (tow.registered, tow.kept, tow.cancelled, tow.undecided) == (4, 0, 3, 1)
    assert tow.suspended == 1  # 无依据一, until the kept list is published
    total = stats.total
    assert (total.registered, total.kept, total.merged, total.cancelled) == (7, 1, 1, 4)
    assert total.reduction_rate == Fraction(5, 7)
    assert r.percent_text(total.reduction_rate) == "71.4%"
    assert total.target_met is True
    assert total.money_saved == Decimal("400000")


def test_money_saved_is_recorded_with_a_decision(cast: Cast) -> None:
    (project,) = register(cast, spec("表彰会", charges_fees=True))
    project_decide(
        project=project, decision=r.CANCEL, money_saved=Decimal("12000.50"), actor=as_(OFFICE)
    )
    project.refresh_from_db()
    assert project.money_saved == Decimal("12000.50")
    assert sel.cleanup_stats(cast.cleanup).total.money_saved == Decimal("12000.50")


def test_every_change_is_in_the_audit_chain(cast: Cast) -> None:
    (project,) = register(cast, spec("甲"))
    project_decide(project=project, decision=r.KEEP, actor=as_("uma"))
    advance(cast.cleanup, r.INITIAL_AUDIT)
    assert actions(cast) == [
        "registry.cleanup.created",
        "registry.cleanup.created",
        "registry.unit.added",
        "registry.unit.added",
        "registry.unit.member_added",
        "registry.unit.member_added",
        "registry.project.registered",
        "registry.project.decided",
        "registry.cleanup.advanced",
    ]
