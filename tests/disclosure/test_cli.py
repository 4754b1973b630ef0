"""`pingyi disclosure calendar`, run in this process on the test database."""

from __future__ import annotations

import pytest

from pingyi import cli
from pingyi.accounts.actors import Actor
from pingyi.disclosure.models import Opinion, Supervisor
from pingyi.disclosure.services import feedback_leave, opinion_leave, remark_leave
from pingyi.rules import disclosure as d
from tests.disclosure.conftest import NOW, Cast, draft, publish, staged

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


def test_the_register_lists_each_item_with_its_forms_and_phase(
    cast: Cast, capsys: pytest.CaptureFixture[str]
) -> None:
    plain = publish(draft(cast.office, title="季度党费", forms=[d.NOTICE_BOARD, d.WEBSITE]))
    phased = staged(cast.office)
    assert cli.main(["disclosure", "register", "--org", "szfb"]) == 0
    assert capsys.readouterr().out.splitlines() == [
        f"{phased.pk}\tDrafted\tExternal (向社会公开)\tDisclosure website (党务政务公开网)"
        "\t1/3 决策前\t机关食堂改造（决策前）",
        f"{plain.pk}\tPublished\tExternal (向社会公开)\tPublic notice board (党务政务公开栏)、"
        "Disclosure website (党务政务公开网)\t—\t季度党费",
    ]


def test_supervisors_are_appointed_and_listed_and_their_remarks_answered(
    cast: Cast, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["disclosure", "appoint", "--org", "szfb", "--name", "王秀兰", "--unit", "市人大代表",
            "--start", "2026-01-01", "--end", "2026-12-31", "--account", "dave"]  # fmt: skip
    with pytest.raises(SystemExit):
        cli.main([*argv, "--as", "alice"])
    assert "alice may not appoint supervisors for 市政府办公室" in capsys.readouterr().err
    assert cli.main([*argv, "--as", "erin"]) == 0
    supervisor = Supervisor.objects.get()
    assert (
        capsys.readouterr().out == f"supervisor {supervisor.pk} appointed: 王秀兰（市人大代表）\n"
    )
    assert cli.main(["disclosure", "supervisors", "--org", "szfb"]) == 0
    assert capsys.readouterr().out == (
        f"{supervisor.pk}\t王秀兰\t市人大代表\t2026-01-01..2026-12-31\tdave\n"
    )
    remark = remark_leave(supervisor=supervisor, text="公开栏\n未更新", actor=Actor.operator("t"),
                          now=NOW)  # fmt: skip
    assert cli.main(["disclosure", "open", "--org", "szfb"]) == 0
    assert capsys.readouterr().out == (
        f"remark:{remark.pk}\t2026-03-02 09:00\tSupervisor 王秀兰\t公开栏 未更新\n"
    )
    assert cli.main(["disclosure", "answer", f"remark:{remark.pk}", "--text", "已更新",
                     "--as", "frank"]) == 0  # fmt: skip
    remark.refresh_from_db()
    assert remark.answered_by == "frank"


def test_the_next_phase_is_drafted_for_a_named_user(
    cast: Cast, capsys: pytest.CaptureFixture[str]
) -> None:
    item = publish(staged(cast.office))
    argv = ["disclosure", "next-phase", "--item", str(item.pk), "--title", "执行中",
            "--body", "已开工。", "--as", "frank"]  # fmt: skip
    assert cli.main(argv) == 0
    assert capsys.readouterr().out == f"item {item.pk}: phase 2 drafted\n"
    with pytest.raises(SystemExit):  # drafted now: the phase is not published
        cli.main(argv)
    assert "the next phase starts once the current phase is published" in capsys.readouterr().err
