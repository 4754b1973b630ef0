"""`pingyi disclosure calendar`, run in this process on the test database."""

from __future__ import annotations

import pytest

from pingyi import cli
from pingyi.disclosure.models import Opinion
from pingyi.disclosure.services import feedback_leave, opinion_leave
from tests.disclosure.conftest import NOW, Cast, draft, publish

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PINGYI_LANGUAGE", "en")


def test_the_calendar_lists_what_is_due_by_the_next_disclosure_day(
    cast: Cast, capsys: pytest.CaptureFixture[str]
) -> None:
    publish(draft(cast.office, title="季度党费"))
    assert cli.main(["disclosure", "calendar", "--org", "szfb", "--today", "2026-04-16"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "next disclosure day: 2026-07-15"
    assert lines[1].split("\t") == ["  OVERDUE", "2026-04-15", "季度党费"]


def test_an_unknown_office_is_a_clear_refusal(
    cast: Cast, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as stopped:
        cli.main(["disclosure", "calendar", "--org", "nope"])
    assert stopped.value.code == 1
    assert capsys.readouterr().err == "pingyi: error: no organization 'nope'\n"


def test_the_office_lists_and_answers_feedback_and_letters_for_a_named_user(
    cast: Cast, capsys: pytest.CaptureFixture[str]
) -> None:
    item = publish(draft(cast.office, title="季度党费"))
    feedback = feedback_leave(item=item, text="金额\n有误？", now=NOW)
    letter = opinion_leave(organization=cast.office, text="建议上网公开", now=NOW).opinion
    assert cli.main(["disclosure", "open", "--org", "szfb"]) == 0
    assert capsys.readouterr().out.splitlines() == [
        f"feedback:{feedback.feedback.pk}\t2026-03-02 09:00\t季度党费\t金额 有误？",
        f"opinion:{letter.pk}\t2026-03-02 09:00\tOpinion box\t建议上网公开",
    ]
    with pytest.raises(SystemExit) as stopped:  # a viewer does not answer
        cli.main(["disclosure", "answer", f"opinion:{letter.pk}", "--text", "好", "--as", "bob"])
    assert stopped.value.code == 1
    assert "bob may not act for 市政府办公室" in capsys.readouterr().err
    for what in (f"feedback:{feedback.feedback.pk}", f"opinion:{letter.pk}"):
        assert cli.main(["disclosure", "answer", what, "--text", "已答复", "--as", "alice"]) == 0
    assert cli.main(["disclosure", "open", "--org", "szfb"]) == 0
    assert capsys.readouterr().out.splitlines() == [
        f"answered feedback:{feedback.feedback.pk}",
        f"answered opinion:{letter.pk}",
    ]
    assert Opinion.objects.get().answered_by == "alice"
    with pytest.raises(SystemExit):
        cli.main(["disclosure", "answer", "opinion:x", "--text", "a", "--as", "alice"])
    assert "no feedback or letter 'opinion:x'" in capsys.readouterr().err
