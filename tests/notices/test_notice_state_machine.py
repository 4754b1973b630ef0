"""R16 by stateful testing: random sequences of clock moves, objections, answers, reviews,
finalizing and campaign transitions, checked against a model of what the rules allow.

Each example starts from its own freshly closed and published campaign (a new series), so
examples never see each other's rows although they share the test's transaction.
"""

from __future__ import annotations

import datetime as dt
import itertools
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from pingyi.audit.services import audit_verify
from pingyi.campaigns.services import campaign_close, campaign_open, campaign_publish
from pingyi.notices.models import Notice, Objection
from pingyi.notices.services import (
    notice_finalize,
    notice_publish,
    objection_answer,
    objection_file,
    review_apply,
)
from pingyi.rules.errors import RuleError
from tests.notices.conftest import AS_STAFF, T0, closed_campaign

pytestmark = pytest.mark.django_db

_series = itertools.count()
DAYS = 5


class NoticeMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        with tempfile.TemporaryDirectory() as folder:
            campaign = closed_campaign(Path(folder), series=f"s{next(_series)}")
        self.notice = notice_publish(campaign=campaign, actor=AS_STAFF, now=T0, days=DAYS)
        self.now = T0
        self.final = False
        self.filed = 0
        self.unanswered: list[int] = []

    @property
    def in_window(self) -> bool:
        return not self.final and T0 <= self.now < T0 + dt.timedelta(days=DAYS)

    @rule(hours=st.integers(min_value=-30, max_value=80))
    def move_clock(self, hours: int) -> None:
        self.now = self.now + dt.timedelta(hours=hours)

    @rule(unit=st.sampled_from(["L7", "V4", "F1"]))
    def file(self, unit: str) -> None:
        try:
            filed = objection_file(notice=self.notice, entry_code=unit, text="有误", now=self.now)
        except RuleError:
            assert not self.in_window
            return
        assert self.in_window
        self.filed += 1
        self.unanswered.append(filed.objection.pk)

    @precondition(lambda self: bool(self.unanswered))
    @rule(data=st.data())
    def answer(self, data: st.DataObject) -> None:
        pk = data.draw(st.sampled_from(self.unanswered))
        objection = Objection.objects.get(pk=pk)
        try:
            objection_answer(objection=objection, answer="已核实", actor=AS_STAFF, now=self.now)
        except RuleError:
            assert self.final
            return
        assert not self.final
        self.unanswered.remove(pk)

    @rule(veto=st.booleans())
    def review(self, veto: bool) -> None:
        try:
            review_apply(
                notice=self.notice, entry_code="F1", veto=veto, reason="复核",
                approved_by="组长", actor=AS_STAFF, now=self.now,
            )  # fmt: skip
        except RuleError as exc:
            assert self.final or exc.message().startswith("the review changes nothing")

    @rule()
    def finalize(self) -> None:
        allowed = (
            not self.final and self.now >= T0 + dt.timedelta(days=DAYS) and not self.unanswered
        )
        try:
            notice_finalize(notice=self.notice, actor=AS_STAFF, now=self.now)
        except RuleError:
            assert not allowed
            return
        assert allowed
        self.final = True

    @rule(step=st.sampled_from(["open", "close", "publish"]))
    def skip_or_repeat_a_campaign_phase(self, step: str) -> None:
        action = {"open": campaign_open, "close": campaign_close, "publish": campaign_publish}
        campaign = self.notice.campaign
        assert campaign is not None
        with pytest.raises(RuleError):
            action[step](campaign=campaign, actor=AS_STAFF)

    @invariant()
    def stored_state_matches_the_model(self) -> None:
        notice = Notice.objects.select_related("campaign").get(pk=self.notice.pk)
        assert notice.campaign is not None
        assert notice.status == ("final" if self.final else "on_notice")
        assert notice.campaign.status == ("final" if self.final else "published")
        assert notice.objections.count() == self.filed
        pending = notice.objections.exclude(status="answered").count()
        assert pending == len(self.unanswered)
        if self.final:
            assert pending == 0 and notice.finalized_at is not None
            assert notice.finalized_at >= notice.ends_at

    def teardown(self) -> None:
        assert audit_verify().ok


def test_the_notice_refuses_every_skip() -> None:
    run_state_machine_as_test(
        NoticeMachine,
        settings=settings(
            max_examples=25,
            stateful_step_count=25,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow],
        ),
    )
