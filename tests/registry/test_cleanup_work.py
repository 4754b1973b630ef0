"""Issue 15 item 7 against the database: the deadlines of a clean-up on an injected clock,
basis documents, projects out of scope, publishing below the 70 % target, bulk decisions and
Chinese codes."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings

from pingyi.accounts.actors import Actor
from pingyi.audit.models import AuditEntry
from pingyi.audit.services import audit_verify
from pingyi.evidence import Upload
from pingyi.registry import selectors as sel
from pingyi.registry.models import Project, ProjectDecision
from pingyi.registry.services import (
    CARRY_OVER,
    basis_document_add,
    basis_document_remove,
    cleanup_advance,
    cleanup_create,
    decisions_bulk,
    project_decide,
    project_exclude,
    project_include,
    projects_import,
    schedule_set,
    unit_add,
)
from pingyi.rules import registry as r
from pingyi.rules import registry_schedule as s
from pingyi.rules.errors import InputError, RuleError
from tests.registry.conftest import OFFICE, Cast, as_, spec

pytestmark = pytest.mark.django_db

D = dt.date
PDF = b"%PDF-1.4 the notice"


def register(cast: Cast, *names: str, **changes: object) -> list[Project]:
    specs = [spec(n, target_group=f"对象{n}", **changes) for n in names]
    return projects_import(
        cleanup=cast.cleanup, unit=cast.department, specs=specs, actor=as_("uma")
    )


def last(action: str) -> AuditEntry:
    return AuditEntry.objects.filter(action=action).order_by("-seq").first()  # type: ignore[return-value]


def states(cast: Cast, today: dt.date) -> dict[str, str]:
    return {line.deadline.key: line.state for line in sel.cleanup_deadlines(cast.cleanup, today)}


# ----------------------------------------------------------------- deadlines


def test_the_self_check_falls_due_then_overdue_and_names_the_units_that_have_not_filed(
    cast: Cast,
) -> None:
    (project,) = register(cast, "甲")
    assert states(cast, D(2009, 2, 15))[r.SELF_CHECK] == s.UPCOMING
    assert states(cast, D(2009, 2, 22))[r.SELF_CHECK] == s.DUE
    lines = sel.cleanup_deadlines(cast.cleanup, D(2009, 3, 1))
    assert (lines[0].state, lines[0].waiting) == (s.OVERDUE, ("某某镇党委", "市委组织部"))
    project_decide(project=project, decision=r.KEEP, actor=as_("uma"))
    assert sel.cleanup_deadlines(cast.cleanup, D(2009, 3, 1))[0].waiting == ("某某镇党委",)
    cleanup_advance(cleanup=cast.cleanup, target=r.INITIAL_AUDIT, actor=as_(OFFICE))
    assert states(cast, D(2009, 3, 7)) == {
        r.SELF_CHECK: s.DONE,
        r.INITIAL_AUDIT: s.OVERDUE,  # "3月6日前"
        r.JOINT_MEETING: s.UPCOMING,
        r.HIGHER_ADJUSTMENT: s.UPCOMING,
        r.PUBLISHED: s.UPCOMING,
    }
    assert sel.cleanup_deadlines(cast.cleanup, D(2009, 3, 7))[0].waiting == ()


def test_the_office_sets_its_own_deadline_audited_and_in_order(cast: Cast) -> None:
    schedule_set(cleanup=cast.cleanup, changes={r.SELF_CHECK: D(2009, 3, 3)}, actor=as_(OFFICE))
    cast.cleanup.refresh_from_db()
    assert states(cast, D(2009, 3, 1))[r.SELF_CHECK] == s.DUE  # no longer overdue
    entry = last("registry.schedule.set")
    assert entry.data["after"][r.SELF_CHECK] == "2009-03-03"
    assert entry.data["before"] == {}
    with pytest.raises(RuleError, match="before the deadline of the round before it"):
        schedule_set(cleanup=cast.cleanup, changes={r.PUBLISHED: D(2009, 3, 1)}, actor=as_(OFFICE))
    assert sel.deadline_figures(cast.cleanup, D(2009, 3, 1))[0] == {
        "round": r.SELF_CHECK,
        "due": "2009-03-03",
        "state": s.DUE,
        "waiting": ["某某镇党委", "市委组织部"],
    }


# ----------------------------------------------------------------- basis documents


def test_a_basis_document_with_its_file_is_attached_listed_and_removed(cast: Cast) -> None:
    (project,) = register(cast, "甲")
    document = basis_document_add(
        project=project,
        title="关于评选表彰全国先进基层党组织的通知",
        number="中组发〔2008〕5号",
        issuer="中共中央组织部",
        upload=Upload("通知.pdf", PDF),
        actor=as_("uma"),
    )
    assert document.citation == (
        "中共中央组织部《关于评选表彰全国先进基层党组织的通知》（中组发〔2008〕5号）"
    )
    stored = Path(settings.HOME) / "media" / "evidence" / document.stored_name
    assert stored.read_bytes() == PDF and document.original_name == "通知.pdf"
    assert last("registry.basis.added").data["number"] == "中组发〔2008〕5号"
    with pytest.raises(RuleError, match="is not really a PDF file"):
        basis_document_add(
            project=project,
            title="假文件",
            issuer="某",
            upload=Upload("x.pdf", b"MZ"),
            actor=as_("uma"),
        )
    with pytest.raises(RuleError, match="needs its title and the body that issued it"):
        basis_document_add(project=project, title=" ", issuer="中共中央", actor=as_("uma"))
    assert project.documents.count() == 1
    with pytest.raises(RuleError):  # nothing stored for the refused file
        basis_document_add(project=project, title="t", issuer="", actor=as_("uma"))
    assert len(list(stored.parent.iterdir())) == 1
    basis_document_remove(document=document, actor=as_("uma"))
    assert not project.documents.exists()
    assert last("registry.basis.removed").data["title"].startswith("关于评选表彰")


def test_the_kept_list_carries_the_basis_documents(cast: Cast) -> None:
    (project,) = register(cast, "甲")
    basis_document_add(project=project, title="通知", number="中发〔2000〕1号",
                       issuer="中共中央", actor=as_("uma"))  # fmt: skip
    for name in (r.INITIAL_AUDIT, r.JOINT_MEETING, r.HIGHER_ADJUSTMENT, r.PUBLISHED):
        project_decide(project=project, decision=r.KEEP, actor=as_(OFFICE))
        cleanup_advance(cleanup=cast.cleanup, target=name, actor=as_(OFFICE), reason="唯一项目")
    (kept,) = sel.kept_projects(cast.cleanup)
    assert [d.citation for d in kept.documents.all()] == ["中共中央《通知》（中发〔2000〕1号）"]


# ----------------------------------------------------------------- scope


def test_a_project_out_of_scope_is_listed_not_decided_not_counted(cast: Cast) -> None:
    kept, staff = register(cast, "甲", "公务员年度考核")
    project_exclude(project=staff, reason=r.X_STAFF_ASSESSMENT, actor=as_("uma"))
    assert last("registry.project.excluded").data == {"reason": r.X_STAFF_ASSESSMENT, "note": ""}
    with pytest.raises(RuleError, match="'公务员年度考核' is out of the clean-up's scope"):
        project_decide(project=staff, decision=r.KEEP, actor=as_("uma"))
    with pytest.raises(RuleError, match="merge into a kept project"):
        project_decide(
            project=kept, decision=r.MERGE, merge_into=staff, reason="x", actor=as_("uma")
        )
    project_decide(project=kept, decision=r.CANCEL, reason="不符合实际需要", actor=as_("uma"))
    cleanup_advance(cleanup=cast.cleanup, target=r.INITIAL_AUDIT, actor=as_(OFFICE))  # 1 of 1
    total = sel.cleanup_stats(cast.cleanup).total
    assert (total.registered, total.excluded, total.cancelled) == (1, 1, 1)
    assert sel.cleanup_suggestions(cast.cleanup)[staff.pk].word == "—"
    with pytest.raises(RuleError, match="say why the project is out"):
        project_exclude(project=kept, reason=r.X_OTHER, actor=as_(OFFICE))
    project_include(project=staff, actor=as_(OFFICE))
    assert sel.undecided_in_round(cast.cleanup, r.INITIAL_AUDIT) == 2
    with pytest.raises(RuleError, match="in the clean-up's scope already"):
        project_include(project=staff, actor=as_(OFFICE))


# ----------------------------------------------------------------- the 70 % target


def _to_the_adjustment(cast: Cast) -> list[Project]:
    """Three projects: one kept, two cancelled — a reduction of 2/3 = 66.7 %."""
    projects = register(cast, "甲", "乙", "丙")
    for name in (r.INITIAL_AUDIT, r.JOINT_MEETING, r.HIGHER_ADJUSTMENT):
        decisions_bulk(
            cleanup=cast.cleanup, projects=projects[:1], decision=r.KEEP, actor=as_(OFFICE)
        )
        decisions_bulk(cleanup=cast.cleanup, projects=projects[1:], decision=r.CANCEL,
                       reason="不符合实际需要", actor=as_(OFFICE))  # fmt: skip
        cleanup_advance(cleanup=cast.cleanup, target=name, actor=as_(OFFICE))
    return projects


def test_publishing_at_66_7_percent_needs_a_reason_kept_and_audited(cast: Cast) -> None:
    _to_the_adjustment(cast)
    with pytest.raises(RuleError) as refused:
        cleanup_advance(cleanup=cast.cleanup, target=r.PUBLISHED, actor=as_(OFFICE))
    assert refused.value.message() == (
        "the reduction rate 66.7% is below the target 70.0%: record the reason to publish"
    )
    cast.cleanup.refresh_from_db()
    assert cast.cleanup.round == r.HIGHER_ADJUSTMENT
    cleanup_advance(cleanup=cast.cleanup, target=r.PUBLISHED, actor=as_(OFFICE),
                    reason=" 上级联席会议同意保留甲项目 ")  # fmt: skip
    cast.cleanup.refresh_from_db()
    assert cast.cleanup.publish_reason == "上级联席会议同意保留甲项目"
    assert last("registry.cleanup.advanced").data == {
        "from": r.HIGHER_ADJUSTMENT,
        "to": r.PUBLISHED,
        "reduction_rate": "2/3",
        "target": "7/10",
        "below_target": True,
        "reason": "上级联席会议同意保留甲项目",
    }
    assert sel.stats_figures(cast.cleanup)["publish_reason"] == "上级联席会议同意保留甲项目"
    assert audit_verify().ok


def test_meeting_the_target_needs_no_reason_and_keeps_none(cast: Cast) -> None:
    cast.cleanup.target = "3/5"
    cast.cleanup.save()
    _to_the_adjustment(cast)
    cleanup_advance(cleanup=cast.cleanup, target=r.PUBLISHED, actor=as_(OFFICE), reason="多余")
    cast.cleanup.refresh_from_db()
    assert cast.cleanup.publish_reason == ""


# ----------------------------------------------------------------- bulk decisions


def test_one_decision_for_many_projects_is_recorded_all_or_none(cast: Cast) -> None:
    good, other, fees = register(cast, "甲", "乙")[:2] + register(cast, "丙", charges_fees=True)
    with pytest.raises(InputError) as refused:
        decisions_bulk(cleanup=cast.cleanup, projects=[good, other, fees], decision=r.KEEP,
                       actor=as_("uma"))  # fmt: skip
    assert refused.value.messages() == [
        "丙: the decision differs from the suggestion (撤销): record the reason"
    ]
    assert not ProjectDecision.objects.exists()
    decisions_bulk(cleanup=cast.cleanup, projects=[good, other, fees], decision=r.KEEP,
                   reason="基层欢迎", actor=as_("uma"))  # fmt: skip
    assert ProjectDecision.objects.filter(round=r.SELF_CHECK, decision=r.KEEP).count() == 3
    entry = last("registry.project.bulk_decided")
    assert entry.data["projects"] == [good.pk, other.pk, fees.pk]
    assert entry.data["reason"] == "基层欢迎"
    assert AuditEntry.objects.filter(action="registry.project.decided").count() == 3
    with pytest.raises(RuleError, match="choose at least one project"):
        decisions_bulk(cleanup=cast.cleanup, projects=[], decision=r.KEEP, actor=as_("uma"))


def test_the_next_rounds_carry_the_earlier_decisions_over_in_one_go(cast: Cast) -> None:
    projects = register(cast, "甲", "乙")
    with pytest.raises(InputError, match="no decision of an earlier round to carry over"):
        decisions_bulk(
            cleanup=cast.cleanup, projects=projects, decision=CARRY_OVER, actor=as_("uma")
        )
    decisions_bulk(cleanup=cast.cleanup, projects=projects[:1], decision=r.KEEP, actor=as_("uma"))
    decisions_bulk(cleanup=cast.cleanup, projects=projects[1:], decision=r.MERGE,
                   merge_into=projects[0], reason="同类合并", actor=as_("uma"))  # fmt: skip
    for name in (r.INITIAL_AUDIT, r.JOINT_MEETING, r.HIGHER_ADJUSTMENT):
        cleanup_advance(cleanup=cast.cleanup, target=name, actor=as_(OFFICE))
        if name != r.HIGHER_ADJUSTMENT:
            decisions_bulk(cleanup=cast.cleanup, projects=projects, decision=CARRY_OVER,
                           actor=as_(OFFICE))  # fmt: skip
    merged = projects[1].decisions.get(round=r.JOINT_MEETING)
    assert (merged.decision, merged.merge_into_id, merged.reason) == (
        r.MERGE,
        projects[0].pk,
        "同类合并",
    )
    assert sel.cleanup_stats(cast.cleanup).total.merged == 1


# ----------------------------------------------------------------- codes


def test_chinese_codes_for_a_clean_up_and_a_unit(cast: Cast) -> None:
    office = cast.cleanup.organization
    cleanup = cleanup_create(organization=office, code="清理-2010", name="2010年清理",
                             started_on=D(2010, 2, 10), actor=as_(OFFICE))  # fmt: skip
    unit = unit_add(cleanup=cleanup, code=" 省委-01 ", name="省委", actor=as_(OFFICE))
    assert (cleanup.code, unit.code) == ("清理-2010", "省委-01")
    assert sel.unit_get(cleanup=cleanup, code="省委-01") == unit
    with pytest.raises(RuleError, match="use letters"):
        unit_add(cleanup=cleanup, code="省委 01", name="省委", actor=as_(OFFICE))


# ----------------------------------------------------------------- the digest


def test_the_digest_reminds_the_office_and_the_units_that_have_not_filed(
    cast: Cast, mailoutbox: list[Any], django_capture_on_commit_callbacks: Any
) -> None:
    from pingyi.rectification.digest import digest_send

    for user in (cast.alice, cast.uma, cast.victor):
        user.email = f"{user.username}@example.org"
        user.save()
    (project,) = register(cast, "甲")
    project_decide(project=project, decision=r.KEEP, actor=as_("uma"))  # Uma's unit has filed
    assert digest_send(today=D(2009, 2, 15), actor=Actor.operator("cli")) == []  # nothing due yet
    with django_capture_on_commit_callbacks(execute=True):
        letters = digest_send(today=D(2009, 3, 1), actor=Actor.operator("cli"))
    by_user = {letter.username: letter.cleanups for letter in letters}
    assert by_user == {
        "alice": [
            ("2009年清理规范评比达标表彰活动", r.SELF_CHECK, D(2009, 2, 28), s.OVERDUE),
            ("2009年清理规范评比达标表彰活动", r.INITIAL_AUDIT, D(2009, 3, 6), s.DUE),
        ],
        "victor": [("2009年清理规范评比达标表彰活动", r.SELF_CHECK, D(2009, 2, 28), s.OVERDUE)],
    }
    body = next(m.body for m in mailoutbox if m.to == ["victor@example.org"])
    assert "2009年清理规范评比达标表彰活动: self-check tables filed — deadline 2009-02-28" in body
