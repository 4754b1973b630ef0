"""The demo's disclosure (demo/disclosure.py), built on the test database: what `make run`
shows — a matter disclosed phase by phase with two phases published, an internal item with a
member's opinion answered, a supervisor's remark answered — built once."""

from __future__ import annotations

import pytest

from pingyi.accounts.models import Organization
from pingyi.demo.disclosure import demo_disclosure
from pingyi.disclosure import selectors as sel
from pingyi.disclosure.models import Feedback, Item, Remark
from pingyi.rules import disclosure as d

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PINGYI_LANGUAGE", "en")


def test_the_demo_builds_a_staged_item_an_internal_one_and_a_supervisor_once() -> None:
    office = Organization.objects.create(code="demo-office", name="演示办公室")
    lines = list(demo_disclosure(office=office))
    staged = Item.objects.get(timeliness=d.STAGED)
    rows = sel.phase_rows(staged, sel.versions(staged))
    assert [(r.phase.name, r.version is not None) for r in rows] == [
        ("决策前", True), ("执行中", True), ("结果", False),
    ]  # fmt: skip
    assert staged.status == d.PUBLISHED and staged.forms == [d.NOTICE_BOARD, d.WEBSITE]
    internal = Item.objects.get(scope=d.INTERNAL)
    assert internal.status == d.PUBLISHED
    opinion = Feedback.objects.get(item=internal)
    assert opinion.author and opinion.answered_at is not None
    assert Remark.objects.get().answered_at is not None
    assert lines[1] == (
        "  机关食堂改造工程（执行中）: phases 决策前 2026-03-06、执行中 2026-04-14、结果 —"
    )
    assert list(demo_disclosure(office=office)) == lines
    assert Item.objects.count() == 2
