"""P3 use cases: publishing, objections inside the window, answers, reviews, finalizing."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from pingyi.accounts.actors import Actor
from pingyi.audit.models import AuditEntry
from pingyi.audit.services import audit_verify
from pingyi.campaigns.models import Campaign
from pingyi.notices.models import Notice, NoticeEntry, Objection, Review
from pingyi.notices.selectors import objection_by_tracking
from pingyi.notices.services import (
    notice_finalize,
    notice_publish,
    objection_answer,
    objection_assign,
    objection_file,
    objection_note,
    review_apply,
)
from pingyi.rectification.models import Plan
from pingyi.rules.errors import InputError, RuleError
from pingyi.rules.scheme import scheme_from_toml
from tests.notices.conftest import AS_STAFF, STAFF, T0, closed_campaign, staff_user

pytestmark = pytest.mark.django_db

DAY = dt.timedelta(days=1)


def _flags(notice: Notice) -> dict[str, list[str]]:
    return {e.code: e.flags for e in notice.entries.all()}


def _refused(run: object) -> str:
    assert callable(run)
    with pytest.raises(RuleError) as caught:
        run()
    return caught.value.message()


def test_publishing_opens_a_five_day_notice_with_the_result_and_the_counts(
    closed: Campaign,
) -> None:
    notice = notice_publish(campaign=closed, actor=AS_STAFF, now=T0)
    closed.refresh_from_db()
    assert closed.status == "published"
    assert (notice.code, notice.days, notice.ends_at - notice.opens_at) == (
        closed.code,
        5,
        5 * DAY,
    )
    flags = _flags(notice)
    assert flags["L1"] == ["winner"] and flags["L6"] == ["rectify"] and flags["L7"] == ["last"]
    assert flags["V4"] == ["last"] and flags["F1"] == ["veto"]
    assert flags["F2"] == ["winner"] and flags["F3"] == ["winner"]
    assert (notice.tokens_used, notice.paper_ballots, notice.ballots_counted) == (0, 10, 10)
    assert notice.reconciles is True
    assert (
        notice.head_at_publication
        == AuditEntry.objects.get(action="campaigns.campaign.published").hash
    )
    actions = list(AuditEntry.objects.values_list("action", flat=True).order_by("-seq")[:2])
    assert actions == ["notices.notice.published", "campaigns.campaign.published"]


def test_a_scheme_option_or_the_caller_sets_the_period(tmp_path: Path) -> None:
    scheme = scheme_from_toml("notice_days = 7\nrectification_months = 3\n", "s.toml")
    assert (scheme.notice_days, scheme.rectification_months) == (7, 3)
    with pytest.raises(InputError) as bad:
        scheme_from_toml("notice_days = 0\n", "s.toml")
    assert bad.value.messages() == [
        "s.toml, field notice_days: must be a whole number of at least 1"
    ]
    by_scheme = notice_publish(
        campaign=closed_campaign(tmp_path, scheme=scheme), actor=AS_STAFF, now=T0
    )
    assert by_scheme.ends_at == T0 + 7 * DAY
    by_caller = closed_campaign(tmp_path, year=2027, scheme=scheme)
    assert (
        notice_publish(campaign=by_caller, actor=AS_STAFF, now=T0, days=2).ends_at == T0 + 2 * DAY
    )
    assert (
        _refused(
            lambda: notice_publish(
                campaign=closed_campaign(tmp_path, year=2028), actor=AS_STAFF, days=61
            )
        )
        == "a notice period is 1 to 60 days"
    )


def test_only_a_closed_campaign_goes_on_notice_and_only_once(tmp_path: Path) -> None:
    campaign = closed_campaign(tmp_path)
    notice_publish(campaign=campaign, actor=AS_STAFF, now=T0)
    message = _refused(lambda: notice_publish(campaign=campaign, actor=AS_STAFF, now=T0))
    assert message == "a campaign that is on public notice cannot become on public notice"
    assert Notice.objects.count() == 1


def test_a_result_with_too_few_ballots_is_not_published(tmp_path: Path) -> None:
    campaign = closed_campaign(tmp_path, ballots=5)
    message = _refused(lambda: notice_publish(campaign=campaign, actor=AS_STAFF, now=T0))
    assert message == (
        "only 5 valid ballots: fewer than 8, so no figure of this campaign is shown (anonymity)"
    )
    campaign.refresh_from_db()
    assert campaign.status == "closed" and not Notice.objects.exists()


def test_objections_are_taken_only_inside_the_window(notice: Notice) -> None:
    early = _refused(lambda: objection_file(notice=notice, entry_code="L7", text="x", now=T0 - DAY))
    assert early.startswith("the notice period has not started")
    filed = objection_file(notice=notice, entry_code="L7", text="算错了", now=T0)
    last_second = T0 + 5 * DAY - dt.timedelta(seconds=1)
    objection_file(notice=notice, entry_code="L7", text="还是错", now=last_second)
    late = _refused(
        lambda: objection_file(notice=notice, entry_code="L7", text="x", now=T0 + 5 * DAY)
    )
    assert late == (
        "the notice period ended at 2026-05-09 17:00: objections are no longer accepted"
    )
    assert Objection.objects.count() == 2
    assert filed.objection.digest != filed.tracking_code


def test_an_objection_names_a_unit_of_the_notice_and_says_what_is_wrong(notice: Notice) -> None:
    assert (
        _refused(lambda: objection_file(notice=notice, entry_code="ZZ", text="x", now=T0))
        == "the notice has no unit 'ZZ'"
    )
    assert (
        _refused(lambda: objection_file(notice=notice, entry_code="L7", text="   ", now=T0))
        == "say what is wrong (1 to 4000 characters)"
    )


def test_the_tracking_code_finds_the_objection_and_only_its_hash_is_stored(
    notice: Notice,
) -> None:
    filed = objection_file(notice=notice, entry_code="L7", text="算错了", contact="", now=T0)
    code = filed.tracking_code
    assert len(code.replace("-", "")) == 12
    found = objection_by_tracking(code.lower().replace("-", " "))
    assert found is not None and found.pk == filed.objection.pk
    stored = Objection.objects.values_list("digest", flat=True).get()
    assert code.replace("-", "") not in stored
    assert objection_by_tracking("ABCD-EFGH-JKMN") is None


def test_staff_assign_investigate_and_answer_and_every_step_is_audited(notice: Notice) -> None:
    bob = staff_user("bob", notice.organization)
    objection = objection_file(notice=notice, entry_code="L7", text="算错了", now=T0).objection
    objection_assign(objection=objection, assignee=bob, actor=AS_STAFF)
    objection_note(objection=objection, text="核对了原始票", actor=Actor.operator("bob"))
    objection_answer(objection=objection, answer="经核实，计票无误。", actor=Actor.operator("bob"))
    objection.refresh_from_db()
    assert (objection.status, objection.answer) == ("answered", "经核实，计票无误。")
    actions = list(AuditEntry.objects.values_list("action", flat=True).order_by("-seq")[:4])
    assert actions == [
        "notices.objection.answered",
        "notices.objection.noted",
        "notices.objection.assigned",
        "notices.objection.filed",
    ]
    again = _refused(
        lambda: objection_answer(objection=objection, answer="再答", actor=Actor.operator("bob"))
    )
    assert again == "an objection that is answered cannot become answered"


def test_an_objection_goes_only_to_staff_of_the_office(notice: Notice, tmp_path: Path) -> None:
    other = closed_campaign(tmp_path, organization="elsewhere")
    charlie = staff_user("charlie", other.series.organization)
    objection = objection_file(notice=notice, entry_code="L7", text="错", now=T0).objection
    message = _refused(
        lambda: objection_assign(objection=objection, assignee=charlie, actor=AS_STAFF)
    )
    assert message == "the assignee must be staff of the organizing office"


def test_a_review_lifting_a_veto_re_decides_the_category_and_records_every_change(
    notice: Notice,
) -> None:
    objection = objection_file(notice=notice, entry_code="F1", text="否决有误", now=T0).objection
    review = review_apply(
        notice=notice,
        entry_code="F1",
        veto=False,
        reason="一票否决依据已撤销",
        approved_by="评议领导小组",
        objection=objection,
        actor=AS_STAFF,
        now=T0 + DAY,
    )
    flags = _flags(notice)
    assert (flags["F1"], flags["F2"], flags["F3"]) == (["winner"], ["winner"], ["last"])
    assert review.changes == [
        {"code": "F1", "name": "单位F1", "field": "veto", "before": True, "after": False},
        {"code": "F1", "name": "单位F1", "field": "flags", "before": ["veto"], "after": ["winner"]},
        {"code": "F3", "name": "单位F3", "field": "flags", "before": ["winner"], "after": ["last"]},
    ]
    entry = AuditEntry.objects.get(action="notices.review.applied")
    assert entry.data["changes"] == review.changes
    assert entry.data["approved_by"] == "评议领导小组" and entry.actor == STAFF
    assert set(NoticeEntry.objects.filter(reviewed=True).values_list("code", flat=True)) == {
        "F1",
        "F3",
    }
    assert audit_verify().ok


def test_a_review_may_set_a_rank_and_flags_but_needs_a_reason_an_approver_and_a_change(
    notice: Notice,
) -> None:
    assert (
        _refused(
            lambda: review_apply(
                notice=notice, entry_code="L6", flags=[], reason="", approved_by="x", actor=AS_STAFF
            )
        )
        == "say why the result changes and who approved the change"
    )
    assert _refused(
        lambda: review_apply(
            notice=notice, entry_code="L6", flags=["rectify"], reason="r", approved_by="a",
            actor=AS_STAFF,
        )
    ) == "the review changes nothing: the unit already reads so"  # fmt: skip
    assert _refused(
        lambda: review_apply(
            notice=notice, entry_code="L6", flags=["best"], reason="r", approved_by="a",
            actor=AS_STAFF,
        )
    ).startswith("'best' is not a result flag")  # fmt: skip
    review = review_apply(
        notice=notice, entry_code="L6", rank=5, flags=[], reason="复核满意率", approved_by="组长",
        actor=AS_STAFF,
    )  # fmt: skip
    assert [c["field"] for c in review.changes] == ["rank", "flags"]
    entry = NoticeEntry.objects.get(notice=notice, code="L6")
    assert (entry.rank, entry.flags, entry.reviewed) == (5, [], True)
    assert Review.objects.count() == 1


def test_final_needs_the_period_over_and_every_objection_answered(notice: Notice) -> None:
    objection = objection_file(notice=notice, entry_code="L7", text="错", now=T0).objection
    early = _refused(lambda: notice_finalize(notice=notice, actor=AS_STAFF, now=T0 + 4 * DAY))
    assert early == "the notice period runs until 2026-05-09 17:00: it cannot become final yet"
    unanswered = _refused(lambda: notice_finalize(notice=notice, actor=AS_STAFF, now=T0 + 6 * DAY))
    assert unanswered == "1 objection(s) are not answered yet: answer every objection first"
    objection_answer(objection=objection, answer="无误", actor=AS_STAFF, now=T0 + 6 * DAY)
    notice_finalize(notice=notice, actor=AS_STAFF, now=T0 + 6 * DAY)
    notice.refresh_from_db()
    assert notice.status == "final" and notice.campaign is not None
    assert notice.campaign.status == "final"
    assert sorted(Plan.objects.values_list("unit_code", "basis")) == [
        ("L6", "rectify"),
        ("L7", "last"),
        ("V4", "last"),
    ]
    again = _refused(lambda: notice_finalize(notice=notice, actor=AS_STAFF, now=T0 + 7 * DAY))
    assert again == "the notice is final: nothing on it can change any more"


def test_nothing_changes_on_a_final_notice(notice: Notice) -> None:
    objection = objection_file(notice=notice, entry_code="L7", text="错", now=T0).objection
    objection_answer(objection=objection, answer="无误", actor=AS_STAFF)
    notice_finalize(notice=notice, actor=AS_STAFF, now=T0 + 6 * DAY)
    final = "the notice is final: nothing on it can change any more"
    assert (
        _refused(lambda: objection_file(notice=notice, entry_code="L7", text="x", now=T0 + DAY))
        == final
    )
    assert _refused(lambda: objection_note(objection=objection, text="x", actor=AS_STAFF)) == final
    assert (
        _refused(
            lambda: review_apply(
                notice=notice,
                entry_code="L7",
                flags=[],
                reason="r",
                approved_by="a",
                actor=AS_STAFF,
            )
        )
        == "a review can change the result only while it is on notice"
    )
