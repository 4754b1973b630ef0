"""One use case, every door (issue 11): recording a step of an item's chain and answering a
letter are decided by disclosure.access inside the service, so the page, the API and the
command line refuse the same person for the same reason and let the same person through.

Before, the role check was copied into the view, the API and the CLI, and the service trusted
its caller: a test calling the service as a staff member recorded the leading group's
approval (test_duties keeps that case: the service itself now refuses).
"""

from __future__ import annotations

import json

import pytest
from django.test import Client

from pingyi import cli
from pingyi.accounts.actors import AccessDenied
from pingyi.audit.models import AuditEntry
from pingyi.disclosure.models import Item
from pingyi.disclosure.services import item_advance, opinion_answer, opinion_leave
from pingyi.rules import disclosure as d
from tests.disclosure.conftest import NOW, Cast, as_, draft

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PINGYI_LANGUAGE", "en")


def _at_the_office_meeting(cast: Cast) -> Item:
    item = draft(cast.office)  # drafted by Alice
    return item_advance(item=item, target=d.OFFICE_MEETING, actor=as_("frank"))


def _client(user: object) -> Client:
    client = Client()
    client.force_login(user)  # type: ignore[arg-type]
    return client


def _advance_cli(item: Item, who: str) -> int:
    return cli.main(
        ["disclosure", "advance", "--item", str(item.pk), "--to", d.APPROVED, "--as", who]
    )


def _approved(item: Item) -> bool:
    return Item.objects.get(pk=item.pk).status == d.APPROVED


def test_staff_may_not_record_the_approval_through_any_door(
    cast: Cast, capsys: pytest.CaptureFixture[str]
) -> None:
    item = _at_the_office_meeting(cast)
    with pytest.raises(AccessDenied):
        item_advance(item=item, target=d.APPROVED, actor=as_("alice"))
    page = _client(cast.alice).post(
        f"/staff/disclosure/i/{item.pk}/advance", {"to": d.APPROVED, "note": ""}
    )
    assert page.status_code == 403
    api = _client(cast.alice).post(
        f"/api/disclosure/items/{item.pk}/advance",
        json.dumps({"to": d.APPROVED, "note": ""}),
        content_type="application/json",
    )
    assert api.status_code == 403
    with pytest.raises(SystemExit) as stopped:
        cli.main(
            ["disclosure", "advance", "--item", str(item.pk), "--to", d.APPROVED, "--as", "alice"]
        )
    assert stopped.value.code == 1
    assert "alice may not record this step" in capsys.readouterr().err
    assert not _approved(item)
    assert not AuditEntry.objects.filter(action="disclosure.item.approved").exists()


@pytest.mark.parametrize("door", ["service", "page", "api", "cli"])
def test_an_administrator_records_the_approval_alike_through_each_door(
    cast: Cast, door: str
) -> None:
    item = _at_the_office_meeting(cast)
    if door == "service":
        item_advance(item=item, target=d.APPROVED, actor=as_("erin"))
    elif door == "page":
        _client(cast.erin).post(
            f"/staff/disclosure/i/{item.pk}/advance", {"to": d.APPROVED, "note": ""}
        )
    elif door == "api":
        answer = _client(cast.erin).post(
            f"/api/disclosure/items/{item.pk}/advance",
            json.dumps({"to": d.APPROVED, "note": ""}),
            content_type="application/json",
        )
        assert answer.status_code == 200
    else:
        cli.main(
            ["disclosure", "advance", "--item", str(item.pk), "--to", d.APPROVED, "--as", "erin"]
        )
    assert _approved(item)
    entry = AuditEntry.objects.get(action="disclosure.item.approved")
    assert entry.actor == "erin"
    assert list(item.steps.values_list("actor", flat=True)) == ["alice", "frank", "erin"]


def test_a_viewer_may_not_answer_a_letter_through_any_door(
    cast: Cast, capsys: pytest.CaptureFixture[str]
) -> None:
    letter = opinion_leave(organization=cast.office, text="建议上网公开", now=NOW).opinion
    with pytest.raises(AccessDenied):
        opinion_answer(opinion=letter, answer="好", actor=as_("bob"))
    page = _client(cast.bob).post(
        f"/staff/disclosure/opinions/{letter.pk}/answer", {"answer": "好"}
    )
    assert page.status_code == 403
    with pytest.raises(SystemExit) as stopped:
        cli.main(["disclosure", "answer", f"opinion:{letter.pk}", "--text", "好", "--as", "bob"])
    assert stopped.value.code == 1
    assert "bob may not act for" in capsys.readouterr().err
    letter.refresh_from_db()
    assert letter.answered_at is None
