"""Disclosure rules (P5, seed 004): the approval chain, visibility and the quarterly calendar."""

from __future__ import annotations

import datetime as dt

import pytest

from pingyi.rules import disclosure as d
from pingyi.rules.errors import RuleError

D = dt.date


def test_the_approval_chain_goes_one_step_at_a_time() -> None:
    d.check_transition(d.DRAFTED, d.OFFICE_MEETING)
    d.check_transition(d.OFFICE_MEETING, d.APPROVED)
    d.check_transition(d.APPROVED, d.PUBLISHED)


@pytest.mark.parametrize(
    ("current", "target"),
    [
        (d.DRAFTED, d.APPROVED),
        (d.DRAFTED, d.PUBLISHED),
        (d.OFFICE_MEETING, d.PUBLISHED),
        (d.PUBLISHED, d.PUBLISHED),
        (d.APPROVED, d.DRAFTED),
    ],
)
def test_no_step_of_the_chain_is_skipped(current: str, target: str) -> None:
    with pytest.raises(RuleError) as refused:
        d.check_transition(current, target)
    assert refused.value.message().startswith(f"an item that is {d.STATUS_WORDS[current]}")


def test_only_a_published_item_is_revised() -> None:
    d.check_revisable(d.PUBLISHED)
    with pytest.raises(RuleError) as refused:
        d.check_revisable(d.APPROVED)
    assert refused.value.message() == (
        "only a published item is revised; this one is approved by the leading group"
    )


@pytest.mark.parametrize(
    ("scope", "released", "member", "seen"),
    [
        (d.EXTERNAL, False, False, True),
        (d.INTERNAL, False, False, False),
        (d.INTERNAL, False, True, True),
        (d.INTERNAL_THEN_EXTERNAL, False, False, False),
        (d.INTERNAL_THEN_EXTERNAL, False, True, True),
        (d.INTERNAL_THEN_EXTERNAL, True, False, True),
    ],
)
def test_internal_items_are_for_members_only(
    scope: str, released: bool, member: bool, seen: bool
) -> None:
    assert d.visible(scope=scope, released=released, member=member) is seen


def test_only_a_published_internal_then_external_item_opens_to_the_public() -> None:
    d.check_release(scope=d.INTERNAL_THEN_EXTERNAL, has_version=True, released=False)
    for scope, has_version, released in [
        (d.INTERNAL, True, False),
        (d.INTERNAL_THEN_EXTERNAL, False, False),
        (d.INTERNAL_THEN_EXTERNAL, True, True),
    ]:
        with pytest.raises(RuleError, match="opened to the public"):
            d.check_release(scope=scope, has_version=has_version, released=released)


# ----------------------------------------------------------------- the calendar


@pytest.mark.parametrize(
    ("today", "day"),
    [
        (D(2026, 1, 1), D(2026, 1, 15)),
        (D(2026, 1, 15), D(2026, 1, 15)),  # the 15th itself
        (D(2026, 1, 16), D(2026, 4, 15)),
        (D(2026, 3, 31), D(2026, 4, 15)),  # quarter boundary
        (D(2026, 4, 1), D(2026, 4, 15)),
        (D(2026, 7, 15), D(2026, 7, 15)),
        (D(2026, 10, 16), D(2027, 1, 15)),
        (D(2026, 12, 31), D(2027, 1, 15)),  # year end
    ],
)
def test_the_next_disclosure_day_is_the_15th_of_a_quarters_first_month(
    today: dt.date, day: dt.date
) -> None:
    assert d.next_disclosure_day(today) == day


@pytest.mark.parametrize(
    ("created", "published", "due"),
    [
        (D(2026, 1, 3), None, D(2026, 1, 15)),
        (D(2026, 1, 15), None, D(2026, 1, 15)),
        (D(2026, 1, 20), None, D(2026, 4, 15)),
        (D(2025, 11, 1), D(2026, 1, 10), D(2026, 4, 15)),  # early for Q1: counts for Q1
        (D(2025, 11, 1), D(2026, 3, 31), D(2026, 4, 15)),
        (D(2025, 11, 1), D(2026, 4, 1), D(2026, 7, 15)),
        (D(2025, 1, 1), D(2025, 12, 31), D(2026, 1, 15)),  # year end
    ],
)
def test_a_periodic_item_is_due_once_a_quarter(
    created: dt.date, published: dt.date | None, due: dt.date
) -> None:
    assert d.due_date(created_on=created, last_published_on=published) == due


def test_due_on_the_15th_is_on_time_that_day_and_overdue_the_next() -> None:
    assert not d.is_overdue(D(2026, 4, 15), D(2026, 4, 15))
    assert d.is_overdue(D(2026, 4, 15), D(2026, 4, 16))


def test_the_calendar_lists_what_is_due_overdue_first() -> None:
    items = [
        ("on-time", d.PERIODIC, d.PUBLISHED, D(2025, 6, 1), D(2026, 1, 10)),  # due 4-15
        ("late", d.PERIODIC, d.PUBLISHED, D(2025, 6, 1), D(2025, 12, 1)),  # due 1-15: overdue
        ("later", d.PERIODIC, d.PUBLISHED, D(2025, 6, 1), D(2026, 4, 2)),  # due 7-15: not yet
        ("prompt", d.AD_HOC, d.APPROVED, D(2026, 3, 1), None),
        ("draft", d.AD_HOC, d.DRAFTED, D(2026, 3, 1), None),
        ("fixed", d.FIXED, d.PUBLISHED, D(2025, 1, 1), D(2025, 1, 2)),
    ]
    day, entries = d.calendar(items, D(2026, 3, 31))
    assert day == D(2026, 4, 15)
    assert [(e.key, e.due, e.overdue, e.prompt) for e in entries] == [
        ("late", D(2026, 1, 15), True, False),
        ("on-time", D(2026, 4, 15), False, False),
        ("prompt", None, False, True),
    ]


def test_on_the_disclosure_day_the_items_due_that_day_are_not_yet_overdue() -> None:
    items = [("q", d.PERIODIC, d.DRAFTED, D(2026, 2, 1), None)]  # due 4-15
    _, on_the_day = d.calendar(items, D(2026, 4, 15))
    assert [(e.due, e.overdue) for e in on_the_day] == [(D(2026, 4, 15), False)]
    day, after = d.calendar(items, D(2026, 4, 16))
    assert day == D(2026, 7, 15)
    assert [(e.due, e.overdue) for e in after] == [(D(2026, 4, 15), True)]


def test_tracking_codes_are_typed_loosely() -> None:
    code = "ABCD2345EFGH"
    assert d.tracking_grouped(code) == "ABCD-2345-EFGH"
    assert d.tracking_normalise(" abcd-2345 efgh ") == code
    assert d.tracking_digest("abcd-2345-efgh") == d.tracking_digest(code)
    assert d.tracking_plausible("abcd-2345-efgh")
    assert d.tracking_normalise("ＡＢＣＤ－２３４５　ｅｆｇｈ") == code  # full-width input
    for wrong in ("", "ABCD-2345-EFG", "ABCD-2345-EFGH2", "ABCD-2345-EFG0", "ABCD-2345-EFG中"):
        assert not d.tracking_plausible(wrong), wrong


# --------------------------------------------------------------------------- forms (三(三))


def test_an_internal_item_takes_only_the_partys_own_forms() -> None:
    d.check_forms(d.INTERNAL, [d.MEETING, d.BRANCH_BOARD, d.READING_ROOM])
    with pytest.raises(RuleError) as refused:
        d.check_forms(d.INTERNAL, [d.MEETING, d.WEBSITE])
    assert refused.value.message().startswith(
        "an item disclosed inside the party only is not published through a public form"
    )


def test_an_external_item_needs_a_public_form() -> None:
    d.check_forms(d.EXTERNAL, [d.NOTICE_BOARD, d.MEDIA])
    d.check_forms(d.EXTERNAL, [d.MEETING, d.HOTLINE])  # announced in a meeting too: fine
    with pytest.raises(RuleError, match="needs a public form"):
        d.check_forms(d.EXTERNAL, [d.DOCUMENT])


def test_inside_then_outside_takes_a_form_for_each_audience() -> None:
    d.check_forms(d.INTERNAL_THEN_EXTERNAL, [d.MEETING, d.SCREEN])
    with pytest.raises(RuleError, match="needs a form inside the party too"):
        d.check_forms(d.INTERNAL_THEN_EXTERNAL, [d.SCREEN, d.INTRANET])
    with pytest.raises(RuleError, match="needs a public form"):
        d.check_forms(d.INTERNAL_THEN_EXTERNAL, [d.MEETING])


def test_no_form_or_an_unknown_one_is_refused() -> None:
    with pytest.raises(RuleError, match="choose at least one form"):
        d.check_forms(d.EXTERNAL, [])
    with pytest.raises(RuleError, match="unknown form of disclosure fax"):
        d.check_forms(d.EXTERNAL, [d.WEBSITE, "fax"])


def test_the_seed_lists_six_forms_inside_and_six_outside() -> None:
    assert len(d.INTERNAL_FORMS) == len(d.PUBLIC_FORMS) == 6
    assert set(d.INTERNAL_FORMS).isdisjoint(d.PUBLIC_FORMS)


# --------------------------------------------------------------------------- phases (三(五))


def test_a_staged_item_names_two_or_more_distinct_phases() -> None:
    d.check_phases(d.STAGED, ["决策前", "执行中", "结果"])
    for bad in ([], ["结果"], ["决策前", "决策前"], ["决策前", " "], [str(n) for n in range(11)]):
        with pytest.raises(RuleError, match="a staged item has 2 to 10 phases"):
            d.check_phases(d.STAGED, bad)


def test_only_a_staged_item_has_phases() -> None:
    d.check_phases(d.PERIODIC, [])
    with pytest.raises(RuleError, match="only a staged item has phases"):
        d.check_phases(d.AD_HOC, ["决策前", "结果"])


def test_the_next_phase_opens_after_the_current_one_is_published_and_not_past_the_last() -> None:
    d.check_next_phase(status=d.PUBLISHED, phase=1, phases=3, phase_name="决策前")
    with pytest.raises(RuleError) as refused:
        d.check_next_phase(status=d.APPROVED, phase=1, phases=3, phase_name="决策前")
    assert refused.value.message() == (
        "the next phase starts once the current phase is published; this item is approved by "
        "the leading group"
    )
    with pytest.raises(RuleError, match=r"in its last phase \(结果\)"):
        d.check_next_phase(status=d.PUBLISHED, phase=3, phases=3, phase_name="结果")
    with pytest.raises(RuleError, match="only a staged item has phases"):
        d.check_next_phase(status=d.PUBLISHED, phase=None, phases=0, phase_name="")


# --------------------------------------------------------------------------- supervisors' terms


def test_a_supervisor_serves_from_the_first_to_the_last_day_of_the_term() -> None:
    start, end = dt.date(2026, 1, 1), dt.date(2027, 12, 31)
    d.check_term(start, start)
    with pytest.raises(RuleError, match="the term ends on or after the day it starts"):
        d.check_term(end, start)
    assert d.serving(start=start, end=end, today=start)
    assert d.serving(start=start, end=end, today=end)
    assert not d.serving(start=start, end=end, today=end + dt.timedelta(days=1))
    assert not d.serving(start=start, end=end, today=start - dt.timedelta(days=1))
