"""`pingyi disclosure calendar`, run in this process on the test database."""

from __future__ import annotations

import pytest

from pingyi import cli
from tests.disclosure.conftest import Cast, draft, publish

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
