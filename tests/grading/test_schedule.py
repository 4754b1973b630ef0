"""The round's schedule (seed 003's dates in the round's year, or the department's own) and
its states on an injected clock; 一般's default rectification period."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.utils import timezone

from pingyi.accounts.actors import Actor
from pingyi.accounts.models import Membership, Role
from pingyi.audit.models import AuditEntry
from pingyi.grading import services
from pingyi.grading.models import GradingRound
from pingyi.grading.selectors import round_schedule
from pingyi.rules import grading as rules
from pingyi.rules import grading_schedule as schedule
from pingyi.rules.errors import RuleError
from tests.chinese import ZH
from tests.grading.conftest import DEPT, advance_to, make_round, office, op
from tests.web.conftest import client_for

pytestmark = pytest.mark.django_db


def _states(grading_round: GradingRound, today: dt.date) -> dict[str, str]:
    return {line.milestone.key: line.state for line in round_schedule(grading_round, today)}


def test_the_defaults_are_seed_003s_dates_in_the_rounds_year() -> None:
    found = {m.key: (m.starts, m.ends) for m in schedule.default_schedule(2027)}
    assert found == {
        "self_evaluation": (dt.date(2027, 4, 12), dt.date(2027, 4, 14)),
        "assessment": (dt.date(2027, 4, 15), dt.date(2027, 4, 19)),
        "decision": (dt.date(2027, 4, 20), dt.date(2027, 4, 22)),
        "notice": (dt.date(2027, 4, 23), dt.date(2027, 4, 24)),
        "report": (dt.date(2027, 4, 25), dt.date(2027, 4, 25)),
        "lookback": (dt.date(2027, 6, 25), dt.date(2027, 6, 25)),
    }
    assert schedule.RECTIFICATION_MONTHS == {"一般": 3, "较差": 6}


def test_a_step_is_overdue_on_the_day_after_its_end_until_the_round_moves_past_it(
    setup_round: GradingRound,
) -> None:
    advance_to(setup_round, rules.SELF_EVALUATION)
    assert _states(setup_round, dt.date(2026, 4, 1))["self_evaluation"] == "upcoming"
    assert _states(setup_round, dt.date(2026, 4, 10))["self_evaluation"] == "due"
    assert _states(setup_round, dt.date(2026, 4, 14))["self_evaluation"] == "due"
    late = _states(setup_round, dt.date(2026, 4, 15))
    assert late["self_evaluation"] == "overdue" and late["assessment"] == "due"
    advance_to(setup_round, rules.ASSESSMENT)
    moved = _states(setup_round, dt.date(2026, 4, 26))
    assert moved["self_evaluation"] == "done"
    assert [moved[k] for k in ("assessment", "decision", "notice", "report")] == ["overdue"] * 4
    assert moved["lookback"] == "upcoming"
    [report] = [
        r for r in round_schedule(setup_round, dt.date(2026, 4, 26)) if r.milestone.key == "report"
    ]
    assert report.waiting == ("甲镇党委", "乙街道党工委")
    services.schedule_mark_done(grading_round=setup_round, key="lookback", actor=op(DEPT))
    assert _states(setup_round, dt.date(2026, 7, 1))["lookback"] == "done"


def test_the_department_moves_the_dates_in_order_only(setup_round: GradingRound) -> None:
    services.schedule_set(
        grading_round=setup_round,
        changes={"report": (dt.date(2026, 4, 28), dt.date(2026, 4, 30))},
        actor=op(DEPT),
    )
    setup_round.refresh_from_db()
    assert setup_round.schedule["report"] == ["2026-04-28", "2026-04-30"]
    assert setup_round.schedule["self_evaluation"] == ["2026-04-12", "2026-04-14"]
    assert _states(setup_round, dt.date(2026, 4, 29))["report"] == "due"
    with pytest.raises(RuleError) as refused:
        services.schedule_set(
            grading_round=setup_round,
            changes={"assessment": (dt.date(2026, 4, 13), dt.date(2026, 4, 19))},
            actor=op(DEPT),
        )
    assert refused.value.message() == (
        "assessment: it starts on 2026-04-13, after its end 2026-04-19 or before the step "
        "before it ends"
    )
    assert AuditEntry.objects.filter(action="grading.schedule.set").count() == 1


@pytest.fixture
def on_day(monkeypatch: pytest.MonkeyPatch) -> object:
    """Sets Django's clock (timezone.now) to noon of a day in Shanghai."""

    def set_day(day: dt.date) -> None:
        moment = dt.datetime(day.year, day.month, day.day, 4, tzinfo=dt.UTC)
        monkeypatch.setattr(timezone, "now", lambda: moment)

    return set_day


def test_the_round_page_shows_an_overdue_step_and_saves_new_dates(
    db: None, tmp_path: Path, on_day: object
) -> None:
    grading_round = advance_to(make_round(tmp_path), rules.SELF_EVALUATION)
    user = User.objects.create_user("alice")
    Membership.objects.create(user=user, organization=office(), role=Role.STAFF)
    client = client_for(user)
    url = f"/staff/grading/{grading_round.code}/"
    on_day(dt.date(2026, 4, 16))  # type: ignore[operator]
    page = client.get(url, headers=ZH).content.decode()
    assert 'id="schedule-self_evaluation" class="schedule-overdue"' in page
    assert "逾期" in page and "2026-04-14" in page
    form = {f"{m.key}_starts": m.starts.isoformat() for m in schedule.default_schedule(2026)}
    form |= {f"{m.key}_ends": m.ends.isoformat() for m in schedule.default_schedule(2026)}
    form["self_evaluation_ends"] = "2026-04-17"
    form["assessment_starts"] = "2026-04-18"
    page = client.post(url + "schedule", form, headers=ZH, follow=True).content.decode()
    assert "工作安排已保存" in page
    page = client.get(url, headers=ZH).content.decode()
    assert 'id="schedule-self_evaluation" class="schedule-due"' in page
    form["assessment_starts"] = "2026-04-01"
    response = client.post(url + "schedule", form, headers=ZH, follow=True)
    assert "组织考核：开始日期 2026-04-01" in response.content.decode()  # the step in Chinese


def test_the_digest_names_the_overdue_and_due_steps_to_the_department(
    setup_round: GradingRound, mailoutbox: list[Any], django_capture_on_commit_callbacks: Any
) -> None:
    from pingyi.rectification.digest import digest_send

    user = User.objects.create_user("alice", email="alice@example.org")
    Membership.objects.create(user=user, organization=office(), role=Role.STAFF)
    advance_to(setup_round, rules.SELF_EVALUATION)
    cli = Actor.operator("cli")
    assert digest_send(today=dt.date(2026, 3, 1), actor=cli) == []  # nothing due yet
    with django_capture_on_commit_callbacks(execute=True):
        [letter] = digest_send(today=dt.date(2026, 4, 15), actor=cli)
    assert [(key, state) for _n, key, _e, state in letter.steps] == [
        ("self_evaluation", "overdue"),
        ("assessment", "due"),
        ("decision", "due"),  # ends 2026-04-22, within the week; the notice ends 04-24
    ]
    assert letter.lines == []
    [mail] = mailoutbox
    assert "2026年基层党组织分类定级: self-evaluation — deadline 2026-04-14" in mail.body
